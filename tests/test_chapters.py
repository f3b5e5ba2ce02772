"""Chapters as the players read them: every chapter, with its exact title, in start order and
at its time, whatever the title's length or language, in both readers that matter:

- libavformat (ffprobe, VLC, mpv, many Android players), here the bundled ffmpeg's ffmetadata
  output: it lists CHAP frames in the order they are stored and ignores the CTOC;
- mutagen, both in CHAP frame order and by walking the table of contents.

Files are made by guide itself: :func:`write_mp3` (tracks) and a real build (full guides:
frames joined behind :func:`id3_bytes`).
"""

from __future__ import annotations

import itertools
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3, CTOCFlags

from guide import builder
from guide.audio.ffmpeg import decode_file, ffmpeg, run_ffmpeg
from guide.publish.frames import Settings, id3_size, read_piece
from guide.publish.mp3 import CTOC_MAX, ID3_VERSION, Frames, Tags, id3_bytes, id3_tag, write_mp3
from guide.settings import RunSettings

RATE = 44100
TOLERANCE = 0.03  # seconds

WORDS = {
    "ar": "العناية بالبشرة بعد الحقن نصائح مهمة للمرضى قبل العلاج وبعده كم يدوم التأثير".split(),
    "en": "skin care after the injection important advice for patients before and after treatment".split(),
    # Both scripts in one title, and the characters ffmetadata escapes or ID3v2.3 joins values with.
    "mixed": "Botox البوتوكس care/العناية Q&A=سؤال; #1 back\\slash 2024 نصائح tips".split(),
}
TAG_LANG = {"ar": "ar", "en": "en", "mixed": "ar"}


def title(lang: str, size: int, shift: int = 0) -> str:
    """A title of exactly `size` UTF-8 bytes made of `lang`'s words (starting `shift` words in).

    Arabic letters take 2 bytes: an odd size ends in an ASCII full stop (a 1-byte title is ".")."""
    words = WORDS[lang][shift % len(WORDS[lang]) :] + WORDS[lang][: shift % len(WORDS[lang])]
    text, i = "", 0
    while len(text.encode()) < size:
        text += (" " if text else "") + words[i % len(words)]
        i += 1
    while len(text.encode()) > size:
        text = text[:-1]
    text = text.rstrip()
    text += "." * (size - len(text.encode()))
    assert len(text.encode()) == size
    return text


@dataclass(frozen=True)
class Chapter:
    start: float
    """Seconds."""

    title: str


# ---------------------------------------------------------------- readers


def _ffmetadata(path: Path, *options: str) -> list[dict[str, str]]:
    """ffmpeg's ffmetadata reading of `path`: the file's tags, then one dict per [CHAPTER],
    unescaped (ffmetadata puts a backslash before = ; # \\ and newlines)."""
    run = subprocess.run(
        [ffmpeg().path, "-v", "error", *options, "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True,
        check=True,
    )
    sections: list[dict[str, str]] = [{}]
    parts, escaped = [""], False  # the key, then the value once an unescaped "=" is met
    for char in run.stdout.decode("utf-8") + "\n":
        if escaped:
            parts[-1] += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "\n":
            if parts == ["[CHAPTER]"]:
                sections.append({})
            elif len(parts) == 2:
                sections[-1][parts[0]] = parts[1]
            parts = [""]
        elif char == "=" and len(parts) == 1:
            parts.append("")
        else:
            parts[-1] += char
    return sections


def ffmpeg_chapters(path: Path) -> list[Chapter]:
    """The chapters as libavformat lists them. ``-copyts`` keeps the times as stored (what
    ffprobe shows): without it the ffmpeg tool moves them 25 ms earlier, by the stream's start
    (encoder and decoder delay)."""
    found = []
    for section in _ffmetadata(path, "-copyts")[1:]:
        num, den = (int(x) for x in section["TIMEBASE"].split("/"))
        found.append(Chapter(int(section["START"]) * num / den, section.get("title", "")))
    return found


def ffmpeg_tags(path: Path) -> dict[str, str]:
    """The file's tags as ffmpeg reads them."""
    return {k.lower(): v for k, v in _ffmetadata(path)[0].items()}


def _chapter(frame) -> Chapter:
    return Chapter(frame.start_time / 1000, str(frame.sub_frames["TIT2"]))


def mutagen_frames(path: Path) -> list[Chapter]:
    """The CHAP frames in the order they are stored (mutagen keeps the file's order)."""
    return [_chapter(f) for f in ID3(path).getall("CHAP")]


def mutagen_toc(path: Path) -> list[Chapter]:
    """The chapters as the top-level, ordered table of contents lists them, through its sub-tables."""
    tags = ID3(path)
    top = [t for t in tags.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]
    assert len(top) == 1 and top[0].flags & CTOCFlags.ORDERED

    def walk(element_id: str) -> list[Chapter]:
        if f"CHAP:{element_id}" in tags:
            return [_chapter(tags[f"CHAP:{element_id}"])]
        toc = tags[f"CTOC:{element_id}"]
        assert toc.flags & CTOCFlags.ORDERED and len(toc.child_element_ids) <= CTOC_MAX
        return [c for child in toc.child_element_ids for c in walk(child)]

    return walk(top[0].element_id)


READERS = {"ffmpeg": ffmpeg_chapters, "mutagen CHAP frames": mutagen_frames, "mutagen CTOC": mutagen_toc}


def check_chapters(path: Path, written: list[tuple[str, float, float]]) -> None:
    """Every reader finds every written chapter, with its exact title, in start order, within 30 ms."""
    for reader, read in READERS.items():
        found = read(path)
        assert [c.title for c in found] == [t for t, _, _ in written], reader
        starts = [c.start for c in found]
        assert all(a < b for a, b in itertools.pairwise(starts)), (reader, starts)
        for chapter, (_, start, _) in zip(found, written, strict=True):
            assert abs(chapter.start - start) <= TOLERANCE, (reader, chapter, start)


def silence(seconds: float):
    return lambda: [np.zeros(round(seconds * RATE), dtype=np.int16)]


# ---------------------------------------------------------------- write_mp3: titles of 1 to 300 bytes


BANDS = 12
"""Every title size from 1 to 300 bytes, in 12 files of 25 chapters (sizes b+1, b+13, … b+289)."""


def _band(lang: str, band: int) -> list[tuple[str, float, float]]:
    # Longest title first: mutagen on its own stores CHAP frames shortest first (by frame size).
    sizes = sorted(range(band + 1, 301, BANDS), reverse=True)
    starts = [k * 0.4 + (k * k % 7) * 0.0137 for k in range(len(sizes) + 1)]  # not on whole milliseconds
    return [(title(lang, size, k), starts[k], starts[k + 1]) for k, size in enumerate(sizes)]


@pytest.mark.parametrize("band", range(BANDS))
@pytest.mark.parametrize("lang", sorted(WORDS))
def test_every_title_of_1_to_300_bytes_is_read_by_every_reader_in_order(tmp_path, lang, band):
    chapters = _band(lang, band)
    assert len(chapters) >= 10 and len({len(t.encode()) for t, _, _ in chapters}) == len(chapters)
    path = tmp_path / "track.mp3"
    write_mp3(
        silence(chapters[-1][2] + 0.5),
        path,
        Tags("Track", "Guide", TAG_LANG[lang]),
        frames=lambda: Frames(chapters=tuple(chapters)),
    )
    check_chapters(path, chapters)


def test_more_chapters_than_one_table_of_contents_holds_keep_their_order(tmp_path):
    count = 2 * CTOC_MAX + 90
    starts = [k * 0.05 + (k % 3) * 0.011 for k in range(count + 1)]
    # Sizes cycle through 1-300 bytes (in a stride, so neighbours differ), languages alternate.
    chapters = [
        (title(("ar", "en", "mixed")[k % 3], 1 + (k * 37) % 300, k), starts[k], starts[k + 1]) for k in range(count)
    ]
    path = tmp_path / "long.mp3"
    write_mp3(
        silence(starts[-1] + 0.5), path, Tags("Long", "Long", "ar"), frames=lambda: Frames(chapters=tuple(chapters))
    )
    top = [t for t in ID3(path).getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]
    assert len(top[0].child_element_ids) == -(-count // CTOC_MAX)  # sub-tables
    check_chapters(path, chapters)


# ---------------------------------------------------------------- the ID3 version


def test_the_tag_is_written_in_the_version_in_which_ffmpeg_reads_every_title(tmp_path):
    chapters = [*_band("ar", 0), (title("en", 300, 1), 11.0, 11.5)]
    path = tmp_path / "track.mp3"
    write_mp3(silence(12), path, Tags("Track", "Guide", "ar"), frames=lambda: Frames(chapters=tuple(chapters)))
    assert ID3(path).version == (2, ID3_VERSION, 0)
    read_in = set()
    for version in (3, 4):
        copy = tmp_path / f"v2.{version}.mp3"
        copy.write_bytes(path.read_bytes())
        tag = id3_tag(Tags("Track", "Guide", "ar"), Frames(chapters=tuple(chapters)))
        if version == 3:
            tag.update_to_v23()
        tag.save(copy, v2_version=version)
        found = {c.title for c in ffmpeg_chapters(copy)}
        if found == {t for t, _, _ in chapters}:
            read_in.add(version)
    assert ID3_VERSION in read_in, read_in


def test_every_frame_guide_writes_survives_in_the_tag(tmp_path):
    cover = tmp_path / "cover.png"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=0x0b5cad:s=64x64", "-frames:v", "1", "-y", str(cover)])
    transcript = " ".join(title("ar", 400, 3) for _ in range(20)) + " / " + title("en", 300)
    chapters = _band("mixed", 5)
    tags = Tags("العناية / Care: part 1/2", "دليل صغير / Small guide", "ar", (3, 12), "Example Clinic / عيادة")
    path = tmp_path / "track.mp3"
    seconds = chapters[-1][2] + 0.5
    write_mp3(
        silence(seconds),
        path,
        tags,
        frames=lambda: Frames(chapters=tuple(chapters), transcript=transcript, cover=cover),
    )

    id3 = ID3(path)
    # One value each: the "/" inside is not ID3v2.3's separator of several values.
    assert [id3["TIT2"].text, id3["TALB"].text, id3["TRCK"].text, id3["TPE1"].text, id3["TLAN"].text] == [
        [tags.title],
        [tags.album],
        ["3/12"],
        [tags.artist],
        ["ara"],
    ]
    apic = id3.getall("APIC")
    assert len(apic) == 1 and apic[0].data == cover.read_bytes() and apic[0].mime == "image/png" and apic[0].type == 3
    uslt = id3.getall("USLT")
    assert len(uslt) == 1 and uslt[0].text == transcript and uslt[0].lang == "ara"
    check_chapters(path, chapters)
    top = [t for t in id3.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]
    assert str(top[0].sub_frames["TIT2"]) == tags.title

    said = ffmpeg_tags(path)
    assert (said["title"], said["album"], said["track"], said["artist"], said["language"]) == (
        tags.title,
        tags.album,
        "3/12",
        tags.artist,
        "ara",
    )
    # The tag is whole: the audio after it is found and decoded, as long as it was.
    log = subprocess.run(
        [ffmpeg().path, "-v", "warning", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True
    )
    assert log.returncode == 0 and log.stderr.strip() == "", log.stderr
    # A published track is joined into the full guide: its frames are found behind the tag.
    samples = read_piece(path, Settings(RATE, 1, 96)).samples
    assert samples == len(decode_file(str(path))) and abs(samples - seconds * RATE) < 1152


def test_id3_bytes_starts_a_file_with_a_whole_tag_of_chapters_in_order(tmp_path):
    chapters = _band("ar", 7)
    tag = id3_bytes(Tags("Full", "Guide", "ar"), Frames(chapters=tuple(chapters)))
    assert id3_size(tag) == len(tag)  # what frames.join puts in front of the audio: exactly one tag
    body = tmp_path / "body.mp3"
    write_mp3(silence(chapters[-1][2] + 0.5), body, None)
    path = tmp_path / "full.mp3"
    path.write_bytes(tag + body.read_bytes())
    check_chapters(path, chapters)


# ---------------------------------------------------------------- a real build


LENGTHS = (300, 5, 200, 126, 40, 255, 128, 12, 170, 90, 1, 64)
"""Bytes of the section titles, in script order (long and short alternate)."""


@pytest.fixture(scope="module")
def long_titles(tmp_path_factory, registry):
    root = tmp_path_factory.mktemp("long-titles")
    sections = "".join(
        f"  - id: s{k}\n"
        f"    title: {{en: {json.dumps(title('en', n, k))}, ar: {json.dumps(title('ar', n, k), ensure_ascii=False)}}}\n"
        f'    body:\n      - {{en: "Rest.", ar: "استرح."}}\n'
        for k, n in enumerate(LENGTHS)
    )
    script = root / "long.yaml"
    script.write_text(
        'id: long-titles\ntitle: {en: "Long titles", ar: "عناوين طويلة"}\nlanguages: [en, ar]\n'
        'intro: {en: "Welcome.", ar: "مرحبا."}\nsections:\n' + sections + 'outro: {en: "Thanks.", ar: "شكرا."}\n',
        encoding="utf-8",
    )
    builder.build(script, RunSettings.make(out=root / "out", cache=root / "cache", jobs=1), registry=registry)
    folder = root / "out" / "long-titles"
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_built_full_guide_has_every_chapter_where_the_manifest_says(long_titles):
    folder, manifest = long_titles
    for lang, entry in manifest["languages"].items():
        full = entry["full_guide"]
        chapters = [(c["title"], c["start"], c["end"]) for c in full["chapters"]]
        assert len(chapters) >= 10
        assert [t for t, _, _ in chapters] == [t["title"] for t in entry["tracks"]]
        assert {len(title(lang, n, k).encode()) for k, n in enumerate(LENGTHS)} <= {
            len(t.encode()) for t, _, _ in chapters
        }
        path = folder / full["file"]
        assert ID3(path).version == (2, ID3_VERSION, 0)
        check_chapters(path, chapters)
        # Joined behind the tag, the audio is whole.
        log = subprocess.run(
            [ffmpeg().path, "-v", "warning", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True
        )
        assert log.returncode == 0 and log.stderr.strip() == "", log.stderr
        # Each track (write_mp3) carries its whole title.
        for track in entry["tracks"]:
            assert ffmpeg_tags(folder / track["file"])["title"] == track["title"]
            assert str(ID3(folder / track["file"])["TIT2"]) == track["title"]
