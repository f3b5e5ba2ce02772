"""MP3 export (ffmpeg's LAME) and ID3 tags (mutagen).

Every MP3 starts with ffmpeg's Xing/Info frame, signed as LAME's (:func:`~guide.publish.frames.sign_lame_tag`), so
that players and mutagen trim its encoder delay and padding and read its length to the sample."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..audio.assemble import SAMPLE_RATE
from ..audio.ffmpeg import pipe_pcm
from ..audio.loudness import normalising_chain
from ..errors import InputError
from ..safe_files import atomic_path
from ..script.model import Loudness
from .frames import sign_lame_tag

CTOC_MAX = 255  # entries in one ID3 table of contents (its count is one byte)

ID3_VERSION = 3
"""The ID3v2 version of every tag guide writes. libavformat (ffmpeg 9.0 measured; ffprobe, VLC,
mpv, Android players) reads a CHAP frame's sub-frame sizes as plain 32-bit numbers, whatever the
version: in an ID3v2.4 tag (syncsafe sizes) it drops every chapter whose TIT2 holds 126 or more
bytes of title. In ID3v2.3 sizes are plain, and every title of 1-300 UTF-8 bytes, Arabic or
English, is read by ffmpeg and mutagen (tests/test_chapters.py). mutagen converts the frames on
saving: text goes as UTF-16 (v2.3 has no UTF-8); each text frame guide writes holds one value,
so ``v23_sep`` (how several values would be joined) never applies."""

BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)

# ISO 639-1 -> ISO 639-2/B, for the TLAN frame; other languages get no TLAN.
ISO639_2 = {
    "ar": "ara",
    "en": "eng",
    "fr": "fre",
    "de": "ger",
    "es": "spa",
    "it": "ita",
    "pt": "por",
    "nl": "dut",
    "ru": "rus",
    "tr": "tur",
    "fa": "per",
    "ur": "urd",
    "hi": "hin",
    "bn": "ben",
    "zh": "chi",
    "ja": "jpn",
    "ko": "kor",
    "he": "heb",
    "el": "gre",
    "pl": "pol",
    "sv": "swe",
    "uk": "ukr",
    "id": "ind",
    "ms": "may",
    "sw": "swa",
    "am": "amh",
    "so": "som",
    "ku": "kur",
}


@dataclass(frozen=True)
class Tags:
    """The ID3 tags of one MP3."""

    title: str
    """TIT2: the track's title."""

    album: str
    """TALB: the guide's title."""

    lang: str
    """The script language code; written as TLAN in ISO 639-2 where known."""

    track: tuple[int, int] | None = None
    """TRCK: (n, N), None for the full guide."""

    artist: str | None = None
    """TPE1: the script's author, if any."""


@dataclass(frozen=True)
class Bitrates:
    """The bitrates (kbps) guide gives one encoder, and how a refusal names them."""

    allowed: Container[int]
    """Every bitrate accepted, in kbps."""

    what: str
    """What a refused bitrate is not, after "bitrate '…' is not" (``an MP3 bitrate``)."""

    advice: str
    """What to give instead, in the refusal's parentheses."""


MP3_BITRATES = Bitrates(BITRATES, "an MP3 bitrate", f"use one of: {', '.join(f'{b}k' for b in BITRATES)}")
"""What LAME offers."""


def parse_bitrate(bitrate: str, bitrates: Bitrates = MP3_BITRATES) -> int:
    """The kbps of '96k' / '96' (any case, spaces around); InputError for one not in `bitrates`."""
    match = re.fullmatch(r"(\d+)k?", bitrate.strip().lower())
    if not match or int(match.group(1)) not in bitrates.allowed:
        raise InputError(f"bitrate '{bitrate}' is not {bitrates.what} ({bitrates.advice})")
    return int(match.group(1))  # a number, not the text typed: "096" and Arabic-Indic "٩٦" both become 96


def check_bitrate(bitrate: str, bitrates: Bitrates = MP3_BITRATES) -> str:
    """Normalise '96k' / '96' to '96k', as ffmpeg's ``-b:a`` takes it; InputError as :func:`parse_bitrate`."""
    return f"{parse_bitrate(bitrate, bitrates)}k"


@dataclass(frozen=True)
class Frames:
    """ID3 frames beyond the plain tags."""

    chapters: tuple[tuple[str, float, float], ...] = ()
    """(title, start s, end s) per chapter: CHAP frames under one top-level, ordered CTOC."""

    transcript: str | None = None
    """The whole text heard, as an USLT frame."""

    cover: bytes | Path | None = None
    """PNG or JPEG cover art (its bytes, or its file), as an APIC frame."""


def encoder_args(bitrate: str) -> list[str]:
    """ffmpeg's output options for every MP3 guide writes: LAME, constant `bitrate`, 44.1 kHz mono.

    Every track and bridge piece is encoded with exactly these, so their frames can be
    joined into a full guide (:mod:`guide.publish.frames` checks it)."""
    return ["-codec:a", "libmp3lame", "-b:a", bitrate, "-ar", str(SAMPLE_RATE), "-ac", "1", "-f", "mp3"]


def write_mp3(
    pcm: Callable[[], Iterable[np.ndarray]],
    target: Path,
    tags: Tags | None,
    bitrate: str = "96k",
    loudness: Loudness | None = None,
    frames: Callable[[], Frames] = Frames,
    name: str | None = None,
    root: Path | None = None,
) -> None:
    """Encode mono 44.1 kHz int16 audio to `target`, normalised to `loudness`, with tags and frames, atomically.

    `pcm` makes a fresh iterator of the audio's pieces: loudness takes passes to
    measure and one to encode, and streaming keeps long audio out of memory.
    `frames` is called after encoding. `tags` None writes no ID3 tag at all (a piece
    to be joined). `name` is how errors name the file (``en/03-benefits.mp3``;
    default: its file name). `root` is as for :func:`~guide.safe_files.atomic_path`.
    """
    name = name or target.name
    chain = normalising_chain(pcm, SAMPLE_RATE, loudness, name) if loudness is not None else None
    filters = ["-af", chain] if chain else []
    no_tag = ["-id3v2_version", "0"] if tags is None else []
    with atomic_path(target, root) as tmp:
        pipe_pcm(
            [*filters, *encoder_args(bitrate), *no_tag, str(tmp)], pcm(), SAMPLE_RATE, step=f"while encoding {name}"
        )
        sign_lame_tag(tmp)  # so that every reader trims the encoder delay and padding (mutagen's lengths)
        if tags is not None:
            _v23(id3_tag(tags, frames())).save(str(tmp), v2_version=ID3_VERSION)  # in place of the tag ffmpeg wrote
            with open(tmp, "r+b") as handle:  # then its chapters put in order, in place: the same bytes
                size = _tag_size(handle.read(10))
                handle.seek(0)
                tag = handle.read(size)
                handle.seek(0)
                handle.write(chapters_in_start_order(tag))


def id3_bytes(tags: Tags, frames: Frames) -> bytes:
    """The ID3v2.3 tag of `tags` and `frames`, as the bytes that start an MP3 file."""
    out = io.BytesIO()
    _v23(id3_tag(tags, frames)).save(out, v2_version=ID3_VERSION)
    return chapters_in_start_order(out.getvalue())


def _v23(id3):  # id3: a mutagen.id3.ID3, returned
    """`id3` made ready to be saved as ID3v2.3 (mutagen asks it; guide writes no v2.4-only frame)."""
    id3.update_to_v23()
    return id3


def _tag_size(data: bytes) -> int:
    """Bytes of the ID3v2 tag (header included) at the start of `data`."""
    if len(data) < 10 or data[:3] != b"ID3":
        raise ValueError("no ID3v2 tag")  # a bug of ours: mutagen has just written one
    return 10 + ((data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F))


def chapters_in_start_order(tag: bytes) -> bytes:
    """`tag` (an ID3v2.3 tag as mutagen writes it) with its CHAP frames in start-time order.

    mutagen orders the frames it writes by (priority, size of the frame's bytes, frame
    key): every CHAP frame has the same priority, so chapters come out shortest title
    first, whatever their element ids (``chp000``-style ids would only order chapters of
    equal-length titles). Readers that ignore the CTOC (libavformat: ffprobe, VLC, mpv,
    many Android players) list chapters in CHAP frame order. So the slots mutagen gave
    CHAP frames are refilled with the same frames sorted by start time (then end time, then
    element id as :func:`id3_tag` numbers them: ``chp2`` before ``chp10``); every other frame
    stays where it was, and the tag keeps its length. v2.3 frame headers are an id, a plain
    32-bit size and 2 flag bytes.
    """
    if tag[3] != 3 or tag[5] != 0:
        raise ValueError("not an ID3v2.3 tag without flags")  # a bug of ours: guide writes exactly that
    end = _tag_size(tag)
    frames: list[tuple[bytes, bytes]] = []  # (frame id, the whole frame)
    at = 10
    while at + 10 <= end and tag[at] != 0:  # a zero byte starts the padding
        size = int.from_bytes(tag[at + 4 : at + 8], "big")
        frames.append((tag[at : at + 4], tag[at : at + 10 + size]))
        at += 10 + size
    if at > end:
        raise ValueError("an ID3 frame runs past the tag's end")

    def when(frame: bytes) -> tuple[int, int, int, bytes]:
        id_end = frame.index(b"\0", 10)  # the element id, then start time (ms), end time, offsets
        element_id = frame[10:id_end]
        start, stop = (
            int.from_bytes(frame[id_end + 1 : id_end + 5], "big"),
            int.from_bytes(frame[id_end + 5 : id_end + 9], "big"),
        )
        return start, stop, len(element_id), element_id

    chapters = iter(sorted((f for name, f in frames if name == b"CHAP"), key=when))
    body = b"".join(next(chapters) if name == b"CHAP" else f for name, f in frames)
    return tag[:10] + body + tag[at:]


def id3_tag(tags: Tags, frames: Frames):  # -> mutagen.id3.ID3
    """The ID3 tag of a track or full guide: title, album, track number, language, artist,
    cover, transcript, and chapters under a table of contents."""
    # ~8 ms, loaded only to write a tag.
    from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TIT2, TLAN, TPE1, TRCK, USLT, CTOCFlags  # noqa: PLC0415

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    if tags.track:
        id3.add(TRCK(encoding=3, text=f"{tags.track[0]}/{tags.track[1]}"))
    code = ISO639_2.get(tags.lang.split("-")[0])
    if code:
        id3.add(TLAN(encoding=3, text=code))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=tags.artist))
    if frames.cover is not None:
        data = frames.cover if isinstance(frames.cover, bytes) else frames.cover.read_bytes()
        mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=data))
    if frames.transcript:
        id3.add(USLT(encoding=3, lang=code or "und", desc="", text=frames.transcript))
    if frames.chapters:
        ids = [f"chp{i}" for i in range(len(frames.chapters))]
        for element_id, (title, start, end) in zip(ids, frames.chapters, strict=True):
            id3.add(
                CHAP(
                    element_id=element_id,
                    start_time=round(start * 1000),
                    end_time=round(end * 1000),
                    sub_frames=[TIT2(encoding=3, text=title)],
                )
            )
        # Players ignore CHAP frames that no top-level table of contents lists. A CTOC holds
        # at most 255 entries, so longer guides get ordered sub-tables of 255 chapters each.
        ordered = CTOCFlags.ORDERED
        if len(ids) <= CTOC_MAX:
            children = ids
        else:
            children = []
            for n, first in enumerate(range(0, len(ids), CTOC_MAX)):
                children.append(f"toc{n}")
                id3.add(
                    CTOC(
                        element_id=f"toc{n}",
                        flags=ordered,
                        child_element_ids=ids[first : first + CTOC_MAX],
                        sub_frames=[TIT2(encoding=3, text=frames.chapters[first][0])],
                    )
                )
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | ordered,
                child_element_ids=children,
                sub_frames=[TIT2(encoding=3, text=tags.title)],
            )
        )
    return id3
