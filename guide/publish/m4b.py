"""M4B export: AAC-LC in an MP4 (iPod) container, with chapters, tags and cover, for audiobook apps.

What a file holds, and who reads what:

- the audio: ffmpeg's native ``aac`` encoder (AAC-LC), mono 44.1 kHz, ``+faststart``
  (the index before the audio, so a player can start while it downloads). The encoder's
  1024 priming samples and the last frame's padding are described by the track's edit
  list, which ffmpeg, Apple's players and most others honour: the decoded file is as
  long as the PCM given, to the sample;
- the chapters, twice, both written by ffmpeg from an ffmetadata file of ``[CHAPTER]``
  blocks: a QuickTime chapter track (a text track the audio track points to with a
  ``chap`` reference: what Apple Books, iTunes/Music and ffmpeg read, titles of any
  length) and a Nero ``moov/udta/chpl`` atom (what mutagen, many Android players and
  taggers read). A chpl title is one length byte: ffmpeg cuts a longer one at byte 255,
  in the middle of a character if it falls there, and mutagen then refuses the whole
  file. :func:`_mend_chpl` rewrites, in place and at the same length, every title ffmpeg
  cut, so it ends on a whole character and an ellipsis (chpl also holds at most 255
  chapters; the chapter track holds them all);
- the tags, written by mutagen after encoding (ffmpeg's own tag writing would do for
  the text, but mutagen types the cover as JPEG or PNG, sets ``stik`` to Audiobook and
  is what the tests read back with): ``©nam`` title, ``©alb`` album, ``©ART``/``aART``
  author, ``covr`` cover, ``stik`` 2 (Audiobook), a ``LANGUAGE`` freeform atom; the
  language is also the audio track's own (``mdhd``), set by ffmpeg, and the chapter track's, set by
  :func:`_chapters_in_the_audio_s_language` (ffmpeg leaves it English).

No date is written: ffmpeg's creation and modification times stay 0 (none given), so the same audio, chapters,
tags and cover give the same bytes.

The major brand is ``M4B`` whatever the file is called while it is written.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from ..audio.assemble import SAMPLE_RATE
from ..audio.ffmpeg import ffmpeg_exe, pipe_pcm, run_ffmpeg
from ..errors import AudioError, InputError
from ..safe_files import atomic_path
from .mp3 import ISO639_2, Bitrates, Tags, check_bitrate

CODEC = "aac"
"""ffmpeg's native AAC-LC encoder (libfdk_aac is not in any ffmpeg build guide may run)."""

FORMAT = "ipod"
"""ffmpeg's muxer for .m4a/.m4b: MP4 with iTunes metadata; it and ``mp4`` write the same chapters."""

BRAND = "M4B "
"""The major brand of an audiobook (ffmpeg takes it from the file name, which is a temporary one)."""

TIMEBASE = 1000
"""Chapter times are given to ffmpeg in milliseconds."""

CHPL_TITLE_MAX = 255
"""Bytes of one Nero chapter title (its length is one byte)."""

ELLIPSIS = "…".encode()

STIK_AUDIOBOOK = 2
"""iTunes media kind of an audiobook."""

LANGUAGE_ATOM = "----:com.apple.iTunes:LANGUAGE"
"""Freeform atom taggers (Picard, mutagen users) read the language from."""

AAC_BITRATES = Bitrates(range(16, 321), "an AAC bitrate guide writes", "use 16k to 320k; 64k is plenty for speech")
"""What guide gives the AAC encoder: mono AAC-LC's useful range."""


def write_m4b(
    pcm: Callable[[], Iterable[np.ndarray]],
    target: Path,
    tags: Tags,
    chapters: Sequence[tuple[str, float, float]],
    cover: bytes | Path | None,
    bitrate: str = "64k",
    root: Path | None = None,
) -> None:
    """Encode mono 44.1 kHz int16 audio to the M4B `target` with `chapters`, `tags` and `cover`, atomically.

    `pcm` makes an iterator of the audio's pieces (called once: the audio is streamed,
    never held whole); it is published as it is, so give it audio already normalised
    (AAC keeps its integrated loudness: 0.1 LU off, measured). `chapters` are (title, start s,
    end s), in order; the chapter track has no gaps (a chapter there lasts until the next one,
    the first from 0), so give them back to back from 0, as a full guide's are, for every
    reader to agree. `cover` is PNG or JPEG bytes or a file of them. `root` is as for
    :func:`~guide.safe_files.atomic_path`. A failure leaves `target` as it was.
    """
    bitrate = check_bitrate(bitrate, AAC_BITRATES)
    picture = _cover(cover)
    _check_chapters(chapters)
    code = ISO639_2.get(tags.lang.split("-")[0])
    language = ["-metadata:s:a:0", f"language={code}"] if code else []
    with tempfile.TemporaryDirectory(prefix="guide-m4b-") as scratch:
        metadata = Path(scratch) / "chapters.txt"
        metadata.write_text(ffmetadata(chapters), encoding="utf-8")
        # No "-map_metadata -1" (the PCM has no tags to drop): it would drop the chapters' titles too.
        args = [
            "-f",
            "ffmetadata",
            "-i",
            str(metadata),
            "-map",
            "0:a",
            "-map_chapters",
            "1" if chapters else "-1",
            "-codec:a",
            CODEC,
            "-b:a",
            bitrate,
            "-ar",
            str(SAMPLE_RATE),
            "-ac",
            "1",
            *language,
            "-movflags",
            "+faststart",
            "-brand",
            BRAND,
            "-f",
            FORMAT,
        ]
        with atomic_path(target, root) as tmp:
            pipe_pcm([*args, str(tmp)], pcm(), SAMPLE_RATE, step=f"while encoding {target.name}")
            _mend_chpl(tmp, [title for title, _, _ in chapters])
            _chapters_in_the_audio_s_language(tmp)
            _tag(tmp, tags, code, picture)


def _cover(cover: bytes | Path | None) -> tuple[bytes, int] | None:
    """(image bytes, MP4Cover format) of `cover`; InputError when it is neither PNG nor JPEG."""
    from mutagen.mp4 import MP4Cover  # noqa: PLC0415 - mutagen loads when an M4B is written, not at every start

    if cover is None:
        return None
    data = cover if isinstance(cover, bytes) else Path(cover).read_bytes()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data, MP4Cover.FORMAT_PNG
    if data.startswith(b"\xff\xd8\xff"):
        return data, MP4Cover.FORMAT_JPEG
    raise InputError(f"cover{'' if isinstance(cover, bytes) else f' {cover}'}: not a PNG or JPEG image")


def _check_chapters(chapters: Sequence[tuple[str, float, float]]) -> None:
    """ValueError unless every chapter is non-empty and starts after the one before (to the millisecond)."""
    previous = -1
    for title, start, end in chapters:
        begin, finish = _ms(start), _ms(end)
        if begin < 0 or finish <= begin or begin <= previous:
            raise ValueError(f"chapter {title!r} ({start}-{end} s): chapters must be in order, each longer than 1 ms")
        previous = begin


def _ms(seconds: float) -> int:
    return round(seconds * TIMEBASE)


def _escape(value: str) -> str:
    """`value` as an ffmetadata value: ``=``, ``;``, ``#``, ``\\`` and line breaks escaped with a backslash."""
    return re.sub(r"([=;#\\\n])", r"\\\1", value.replace("\r\n", "\n").replace("\r", "\n"))


def ffmetadata(chapters: Sequence[tuple[str, float, float]]) -> str:
    """The ffmetadata text of `chapters`: one ``[CHAPTER]`` block each, in milliseconds."""
    lines = [";FFMETADATA1"]
    for title, start, end in chapters:
        lines += [
            "[CHAPTER]",
            f"TIMEBASE=1/{TIMEBASE}",
            f"START={_ms(start)}",
            f"END={_ms(end)}",
            f"title={_escape(title)}",
        ]
    return "\n".join(lines) + "\n"


def chpl_title(title: str, width: int | None = None) -> str:
    """The Nero chapter title of `title`, given that ffmpeg wrote it in `width` bytes
    (default: as many as it takes, at most 255).

    A title that fits is itself; a longer one is cut at a whole character and ends with an
    ellipsis, padded with spaces to exactly `width` bytes (the atom is mended in place).
    """
    data = title.encode()
    width = min(len(data), CHPL_TITLE_MAX) if width is None else width
    if len(data) <= width:
        return title
    mark = ELLIPSIS if width >= len(ELLIPSIS) else b""
    kept = data[: width - len(mark)].decode("utf-8", "ignore").encode()  # drops a character cut in two
    return (kept + mark).decode() + " " * (width - len(kept) - len(mark))


def _mend_chpl(path: Path, titles: Sequence[str]) -> None:
    """Rewrite in place, at the same length, every Nero chapter title ffmpeg cut short.

    Nothing moves: only the bytes of titles change, so the offsets of the audio stay right.
    """
    from mutagen.mp4 import Atoms  # noqa: PLC0415 - as above

    with open(path, "r+b") as file:
        try:
            atom = Atoms(file).path(b"moov", b"udta", b"chpl")[-1]
        except KeyError:
            return  # no chapters, or an ffmpeg that writes none (the chapter track remains)
        start = atom.offset + (atom.length - atom.datalength)
        file.seek(start)
        data = bytearray(file.read(atom.datalength))
        pos = 9  # version and flags, 4 reserved bytes, the count
        for index in range(min(data[8], len(titles))):
            pos += 8  # start, in 100 ns
            width = data[pos]
            field = bytes(data[pos + 1 : pos + 1 + width])
            whole = titles[index].encode()
            if field != whole:
                if whole.startswith(field):  # cut short by ffmpeg
                    data[pos + 1 : pos + 1 + width] = chpl_title(titles[index], width).encode()
                else:  # not ours (another ffmpeg?): only made readable
                    data[pos + 1 : pos + 1 + width] = _valid(field)
            pos += 1 + width
        file.seek(start)
        file.write(data)


def _chapters_in_the_audio_s_language(path: Path) -> None:
    """Give every text track (the QuickTime chapter track) the audio track's language, in place.

    ffmpeg makes the chapter track with no language: a language code of 0, which in an MP4's ``mdhd`` is a
    Macintosh language code, English. Readers that list the tracks (ffmpeg, ffprobe, MP4Box, players offering
    the chapter text) would call an Arabic guide's chapter titles English. Only the two bytes of each text
    track's ``mdhd`` language change: nothing moves.
    """
    from mutagen.mp4 import Atoms  # noqa: PLC0415 - as above

    with open(path, "r+b") as file:
        try:
            tracks = Atoms(file).path(b"moov")[-1].findall(b"trak")
        except KeyError:
            return
        audio: bytes | None = None
        texts: list[int] = []
        for track in tracks:
            try:
                handler, header = track[b"mdia", b"hdlr"], track[b"mdia", b"mdhd"]
            except KeyError:
                continue
            file.seek(handler.offset + 8 + 8)  # atom header, version and flags, pre_defined
            kind = file.read(4)
            file.seek(header.offset + 8)
            version = file.read(1)[0]
            at = header.offset + 8 + (32 if version == 1 else 20)  # past the times, the timescale and the duration
            if kind == b"soun" and audio is None:
                file.seek(at)
                audio = file.read(2)
            elif kind == b"text":
                texts.append(at)
        if audio is None:
            return
        for at in texts:
            file.seek(at)
            file.write(audio)


def _valid(field: bytes) -> bytes:
    """`field` with its undecodable bytes replaced by spaces: valid UTF-8 of the same length."""
    out = bytearray()
    rest = field
    while rest:
        try:
            rest.decode()
            out += rest
            break
        except UnicodeDecodeError as exc:
            out += rest[: exc.start] + b" "
            rest = rest[exc.start + 1 :]
    return bytes(out)


def _tag(path: Path, tags: Tags, code: str | None, picture: tuple[bytes, int] | None) -> None:
    """Write the iTunes tags of an audiobook into the encoded file."""
    from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm  # noqa: PLC0415 - as above

    mp4 = MP4(str(path))
    if mp4.tags is None:
        mp4.add_tags()
    items = mp4.tags
    items["\xa9nam"] = [tags.title]
    items["\xa9alb"] = [tags.album]
    if tags.artist:
        items["\xa9ART"] = [tags.artist]
        items["aART"] = [tags.artist]
    if tags.track:
        items["trkn"] = [tags.track]
    items["stik"] = [STIK_AUDIOBOOK]
    items[LANGUAGE_ATOM] = [MP4FreeForm((code or tags.lang).encode())]
    if picture is not None:
        items["covr"] = [MP4Cover(picture[0], imageformat=picture[1])]
    mp4.save()


# ---------------------------------------------------------------- reading it back


def read_chapters(path: Path) -> list[tuple[str, float, float]]:
    """(title, start s, end s) of each chapter of an MP4/M4B, as the ffmpeg guide runs reads them
    (from the QuickTime chapter track when there is one: whole titles)."""
    text = run_ffmpeg(["-i", str(path), "-f", "ffmetadata", "-"], step=f"while reading the chapters of {path}").decode(
        "utf-8", "replace"
    )
    chapters: list[tuple[str, float, float]] = []
    for section in _sections(text):
        if section.get("") != "CHAPTER":
            continue
        num, _, den = section.get("TIMEBASE", "1/1000").partition("/")
        unit = int(num) / int(den or 1)
        chapters.append((section.get("title", ""), int(section["START"]) * unit, int(section["END"]) * unit))
    return chapters


def _sections(text: str) -> Iterator[dict[str, str]]:
    """The sections of ffmetadata `text`, each a dict of its keys (``""``: its name; the global one has none)."""
    section: dict[str, str] = {}
    for line in _logical_lines(text):
        if not line or line.startswith((";", "#")):  # the ;FFMETADATA1 header, comments
            continue
        if line.startswith("[") and line.endswith("]"):
            yield section
            section = {"": line[1:-1]}
            continue
        key, value = _split(line)
        section[key] = value
    yield section


def _logical_lines(text: str) -> Iterator[str]:
    """Lines of ffmetadata, a backslash-escaped line break joining two into one (escapes kept)."""
    current = ""
    for line in text.split("\n"):
        current += line
        if (len(current) - len(current.rstrip("\\"))) % 2:  # an escaped line break: the value goes on
            current += "\n"
            continue
        yield current
        current = ""
    if current:
        yield current


def _split(line: str) -> tuple[str, str]:
    """``key=value`` with ffmetadata escapes undone (the first unescaped ``=`` separates them)."""
    parts: list[str] = []
    key: str | None = None
    escaped = False
    for char in line:
        if escaped:
            parts.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "=" and key is None:
            key, parts = "".join(parts), []
        else:
            parts.append(char)
    return (key or "".join(parts)), ("".join(parts) if key is not None else "")


def file_pcm(path: Path, chunk: int = 1 << 16) -> Callable[[], Iterator[np.ndarray]]:
    """A maker of the audio of `path` (an MP3, say the joined full guide), decoded by the ffmpeg
    guide runs to mono 44.1 kHz int16 and streamed in pieces of `chunk` samples.

    A joined full guide decodes gaplessly, so its manifest's chapter times hold in the decoded audio.
    """
    path = Path(path)

    def pieces() -> Iterator[np.ndarray]:
        fmt = ["-f", "mp3"] if path.suffix.lower() == ".mp3" else []
        cmd = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostats",
            "-loglevel",
            "error",
            "-nostdin",
            *fmt,
            "-i",
            str(path),
            "-f",
            "s16le",
            "-acodec",
            "pcm_s16le",
            "-ac",
            "1",
            "-ar",
            str(SAMPLE_RATE),
            "pipe:1",
        ]
        with tempfile.TemporaryFile() as errors:
            try:
                process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors)
            except OSError as exc:
                raise AudioError(f"could not run ffmpeg while decoding {path.name} ({cmd[0]}): {exc}") from exc
            try:
                rest = b""
                while block := process.stdout.read(chunk * 2):
                    block = rest + block
                    whole = len(block) - len(block) % 2
                    rest = block[whole:]
                    if whole:
                        yield np.frombuffer(block[:whole], dtype="<i2")
                status = process.wait()
            finally:
                if process.poll() is None:  # the consumer stopped early
                    process.kill()
                    process.wait()
                process.stdout.close()
            if status != 0:
                errors.seek(0)
                said = errors.read().decode(errors="replace").strip().splitlines()
                raise AudioError(
                    f"ffmpeg failed while decoding {path.name}: {said[-1] if said else f'exit status {status}'}"
                )

    return pieces
