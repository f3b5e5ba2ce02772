"""A built guide as podcast and audiobook apps take it: a cover in every file and page (generated
per language when the script has none, the author's own checked; 600 px in the MP3s, full size
elsewhere), and the M4B beside each full guide, with the MP3's chapters and loudness, made again
only when its full guide changes.

The modules are tested on their own in test_cover.py, test_m4b.py, test_feed.py and
test_chapters.py; here the build puts them together, read back by mutagen, the bundled ffmpeg,
lxml and Chromium."""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
from pathlib import Path

import feedparser
import numpy as np
import pytest
from click.testing import CliRunner
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover
from PIL import Image

from guide import builder
from guide.audio.ffmpeg import run_ffmpeg
from guide.audio.loudness import ebur128
from guide.cli import main
from guide.publish.cover import EMBED_SIDE, check_cover
from guide.publish.m4b import read_chapters
from guide.safe_files import sha256_of
from guide.settings import RunSettings

from .conftest import SMALL_SCRIPT
from .test_chapters import TOLERANCE, check_chapters

BASE_URL = "https://clinic.example/guides/small-guide"
PODCAST_SCRIPT = SMALL_SCRIPT.replace(
    "languages: [en, ar]\n",
    "languages: [en, ar]\n"
    'author: "Example Clinic"\n'
    'owner: {name: "Example Clinic", email: "podcast@clinic.example"}\n'
    f"base_url: {BASE_URL}\n"
    "publish: {m4b: true}\n",
)
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def _build(root: Path, registry, text: str = PODCAST_SCRIPT) -> tuple[Path, dict]:
    script = root / "small.yaml"
    script.write_text(text, encoding="utf-8")
    builder.build(script, RunSettings.make(out=root / "out", cache=root / "cache", jobs=1), registry=registry)
    folder = root / "out" / "small-guide"
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def podcast(tmp_path_factory, registry) -> tuple[Path, dict]:
    """The small guide built once, with no cover: of its own, an owner and an M4B."""
    return _build(tmp_path_factory.mktemp("podcast"), registry)


@pytest.fixture
def copy(podcast, tmp_path) -> Path:
    """A copy of the built guide, its script and its cache, to change."""
    root = podcast[0].parent.parent
    for name in ("out", "cache"):
        shutil.copytree(root / name, tmp_path / name)
    shutil.copy(root / "small.yaml", tmp_path / "small.yaml")
    return tmp_path


def same_picture(embedded: bytes, cover: bytes) -> bool:
    """`embedded` is `cover` made a 600 px JPEG: the same picture, pixel for pixel within JPEG's error."""
    with Image.open(io.BytesIO(embedded)) as small, Image.open(io.BytesIO(cover)) as big:
        if (small.format, small.size) != ("JPEG", (EMBED_SIDE, EMBED_SIDE)):
            return False
        expected = np.asarray(big.convert("RGB").resize(small.size, Image.LANCZOS), dtype=float)
        return float(np.abs(np.asarray(small.convert("RGB"), dtype=float) - expected).mean()) < 3


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_ino


def test_each_language_gets_a_generated_cover_podcast_directories_take(podcast):
    folder, _ = podcast
    covers = {}
    for lang in ("en", "ar"):
        path = folder / lang / "cover.jpg"
        assert check_cover(path) is None
        with Image.open(path) as image:
            assert (image.format, image.size, image.mode) == ("JPEG", (3000, 3000), "RGB")
        covers[lang] = path.read_bytes()
    assert covers["en"] != covers["ar"]  # each says its title in its language
    assert not (folder / "cover.jpg").exists()


def test_the_cover_is_in_every_mp3_the_m4b_the_feed_and_the_player(podcast):
    folder, manifest = podcast
    page = (folder / "index.html").read_text(encoding="utf-8")
    for lang, entry in manifest["languages"].items():
        cover = (folder / lang / "cover.jpg").read_bytes()
        for item in [*entry["tracks"], entry["full_guide"]]:
            pictures = ID3(folder / item["file"]).getall("APIC")
            assert len(pictures) == 1 and pictures[0].mime == "image/jpeg", item["file"]
            assert same_picture(pictures[0].data, cover) and len(pictures[0].data) < 60_000, item[
                "file"
            ]  # small: the tag comes before the audio
        art = MP4(folder / entry["full_guide"]["m4b"]["file"]).tags["covr"]
        assert art[0].imageformat == MP4Cover.FORMAT_JPEG and bytes(art[0]) == cover
        channel = etree.parse(str(folder / lang / "feed.xml")).find("channel")
        assert channel.find(f"{{{ITUNES}}}image").get("href") == f"{BASE_URL}/{lang}/cover.jpg"
        assert channel.findtext("image/url") == f"{BASE_URL}/{lang}/cover.jpg"
        assert f'"cover": "{lang}/cover.jpg"' in page


def test_the_m4b_has_the_mp3_s_chapters_tags_and_loudness(podcast):
    folder, manifest = podcast
    for lang, entry in manifest["languages"].items():
        full = entry["full_guide"]
        m4b = folder / full["m4b"]["file"]
        assert full["m4b"]["file"] == f"{lang}/small-guide.{lang}.m4b"
        written = [(c["title"], c["start"], c["end"]) for c in full["chapters"]]
        check_chapters(folder / full["file"], written)  # the MP3's, read by ffmpeg and mutagen
        found = read_chapters(m4b)  # the M4B's, read by the bundled ffmpeg
        assert [t for t, _, _ in found] == [t for t, _, _ in written]
        starts = [s for _, s, _ in found]
        assert all(a < b for a, b in itertools.pairwise(starts))
        assert max(abs(a - b) for a, (_, b, _) in zip(starts, written, strict=True)) <= TOLERANCE
        mp4 = MP4(m4b)
        assert [c.title for c in mp4.chapters] == [t for t, _, _ in written]  # Nero chpl, as mutagen reads it
        assert mp4.tags["\xa9alb"] == [manifest["title"][lang]] and mp4.tags["\xa9ART"] == ["Example Clinic"]
        assert mp4.tags["stik"] == [2]  # an audiobook
        assert abs(mp4.info.length - full["duration"]) <= 0.05
        assert abs(ebur128(str(m4b))[0] - ebur128(str(folder / full["file"]))[0]) <= 0.5


def test_real_clients_read_each_language_s_files_as_the_manifest_says(podcast):
    """The built guide, read by the clients a listener's apps are built on: the M4B's chapter track is in the
    guide's language (ffmpeg), each feed names itself (feedparser), each track's length is the manifest's within
    1 ms (mutagen)."""
    folder, manifest = podcast
    for lang, entry in manifest["languages"].items():
        log = run_ffmpeg(["-i", str(folder / entry["full_guide"]["m4b"]["file"]), "-f", "null", "-"], want_stderr=True)
        code = {"en": "eng", "ar": "ara"}[lang]
        streams = re.findall(r"Stream #0:\d+\[0x[0-9a-f]+\]\((\w+)\): (Audio|Data)", log.split("Output #0")[0])
        assert sorted(streams) == [(code, "Audio"), (code, "Data")], streams
        parsed = feedparser.parse(str(folder / lang / "feed.xml"))
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [link.href for link in parsed.feed.links if link.rel == "self"] == [f"{BASE_URL}/{lang}/feed.xml"]
        for track in entry["tracks"]:
            assert abs(MP3(folder / track["file"]).info.length - track["duration"]) <= 0.001, track["file"]


def test_a_rebuild_with_nothing_new_leaves_the_m4bs_and_covers_alone(copy, registry):
    folder = copy / "out" / "small-guide"
    files = [folder / lang / name for lang in ("en", "ar") for name in (f"small-guide.{lang}.m4b", "cover.jpg")]
    before = [_stamp(f) for f in files]
    result = builder.build(
        copy / "small.yaml", RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry
    )
    assert result.nothing_to_do and not result.published
    assert [_stamp(f) for f in files] == before


def test_the_m4b_is_made_again_with_its_full_guide_only(copy, registry):
    folder = copy / "out" / "small-guide"
    en, ar = folder / "en" / "small-guide.en.m4b", folder / "ar" / "small-guide.ar.m4b"
    ar_before = _stamp(ar)
    script = copy / "small.yaml"
    script.write_text(
        script.read_text(encoding="utf-8").replace("About four months.", "Usually about four months."), encoding="utf-8"
    )
    en_before = en.read_bytes()
    builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert en.read_bytes() != en_before and _stamp(ar) == ar_before
    assert manifest["languages"]["en"]["full_guide"]["m4b"]["sha256"] == sha256_of(en)

    # A deleted M4B is made again, and the plan says why.
    ar.unlink()
    result = CliRunner().invoke(
        main, ["plan", str(script), "--out", str(copy / "out"), "--cache-dir", str(copy / "cache")]
    )
    assert result.exit_code == 0 and "M4B missing" in result.output, result.output
    builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    assert [t for t, _, _ in read_chapters(ar)] == [t["title"] for t in manifest["languages"]["ar"]["tracks"]]

    # Turned off, the M4Bs go, and the manifest no longer names them.
    script.write_text(
        script.read_text(encoding="utf-8").replace("publish: {m4b: true}", "publish: {m4b: false}"), encoding="utf-8"
    )
    builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert not en.exists() and not ar.exists()
    assert all("m4b" not in entry["full_guide"] for entry in manifest["languages"].values())


def test_a_new_theme_colour_retags_every_file_and_records_nothing(copy, registry):
    folder = copy / "out" / "small-guide"
    old_cover = (folder / "en" / "cover.jpg").read_bytes()
    script = copy / "small.yaml"
    script.write_text(script.read_text(encoding="utf-8") + 'theme: {colour: "#f5c400"}\n', encoding="utf-8")
    result = builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    assert result.recorded == 0
    assert len(result.encoded) == 10  # 4 tracks and the full guide, in each language: "tags changed"
    cover = (folder / "en" / "cover.jpg").read_bytes()
    assert cover != old_cover
    with Image.open(folder / "en" / "cover.jpg") as image:
        assert image.getpixel((5, 5)) == pytest.approx((245, 196, 0), abs=3)
    assert same_picture(ID3(folder / "en" / "00-intro.mp3").getall("APIC")[0].data, cover)


def test_the_author_s_own_cover_goes_everywhere_in_place_of_the_generated_ones(copy, registry):
    folder = copy / "out" / "small-guide"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=0x0b5cad:s=1400x1400", "-frames:v", "1", "-y", str(copy / "art.png")])
    script = copy / "small.yaml"
    script.write_text(script.read_text(encoding="utf-8") + "cover: art.png\n", encoding="utf-8")
    builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    art = (copy / "art.png").read_bytes()
    for lang in ("en", "ar"):
        assert (folder / lang / "cover.png").read_bytes() == art
        assert not (folder / lang / "cover.jpg").exists()  # the generated one, no longer made
        assert same_picture(ID3(folder / lang / "01-care.mp3").getall("APIC")[0].data, art)
        assert bytes(MP4(folder / lang / f"small-guide.{lang}.m4b").tags["covr"][0]) == art


@pytest.mark.parametrize(
    "size, said",
    [
        ("200x200", "art.png is 200 × 200 px: a podcast cover must be square, 1400 to 3000 px on a side"),
        ("1600x1400", "art.png is 1600 × 1400 px"),
        ("3200x3200", "art.png is 3200 × 3200 px"),
    ],
)
def test_an_author_s_cover_outside_what_directories_take_is_refused_before_recording(tmp_path, size, said):
    run_ffmpeg(["-f", "lavfi", "-i", f"color=c=0x0b5cad:s={size}", "-frames:v", "1", "-y", str(tmp_path / "art.png")])
    script = tmp_path / "small.yaml"
    script.write_text(SMALL_SCRIPT + "cover: art.png\n", encoding="utf-8")
    line = SMALL_SCRIPT.count("\n") + 1
    result = CliRunner().invoke(
        main, ["build", str(script), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    )
    assert result.exit_code == 2, result.output
    assert f"{script}:{line}: cover: {said}" in result.output
    assert "guide makes one per language" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()


def test_companion_files_a_build_no_longer_makes_are_removed(copy, registry):
    folder = copy / "out" / "small-guide"
    script = copy / "small.yaml"
    builder.build(
        script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry
    )  # stamps for this folder
    assert (folder / "en" / "feed.xml").exists()
    script.write_text(
        script.read_text(encoding="utf-8").replace("publish: {m4b: true}", "publish: {m4b: true, feed: false}"),
        encoding="utf-8",
    )
    builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    assert not (folder / "en" / "feed.xml").exists() and not (folder / "ar" / "feed.xml").exists()
    assert (folder / "en" / "cover.jpg").exists() and (folder / "index.html").exists()  # the player still shows it


@pytest.mark.slow
def test_the_m4b_plays_to_its_full_length_in_chromium(podcast, chromium):
    folder, manifest = podcast
    for _lang, entry in manifest["languages"].items():
        full = entry["full_guide"]
        page = chromium.new_page()
        page.goto((folder / "index.html").as_uri())
        # Played at 16 times speed to its end; "ended" only comes once the last sample is decoded.
        heard = page.evaluate(
            """src => new Promise((resolve, reject) => {
                const audio = new Audio(src);
                audio.playbackRate = 16;
                audio.onerror = () => reject(new Error("media error " + (audio.error && audio.error.code)));
                audio.onended = () => resolve({duration: audio.duration, at: audio.currentTime});
                audio.play().catch(reject);
            })""",
            full["m4b"]["file"],
        )
        assert abs(heard["duration"] - full["duration"]) <= 0.05, heard
        assert abs(heard["at"] - full["duration"]) <= 0.05, heard
        page.close()


@pytest.mark.slow
def test_the_player_shows_each_language_s_cover(podcast, chromium):
    folder, _ = podcast
    page = chromium.new_page()
    page.goto((folder / "index.html").as_uri() + "#ar")
    page.wait_for_function(
        "document.getElementById('cover').complete && document.getElementById('cover').naturalWidth > 0"
    )
    cover = page.locator("#cover")
    assert cover.get_attribute("src") == "ar/cover.jpg" and cover.get_attribute("alt") == ""  # the title is beside it
    assert page.evaluate("document.getElementById('cover').naturalWidth") == 3000
    box = cover.bounding_box()
    assert box["width"] == box["height"] > 0
    page.close()


def _items(feed: Path) -> dict[str, tuple[str, str]]:
    """(guid, pubDate) of each item of `feed`, by its enclosure's file name."""
    channel = etree.parse(str(feed)).find("channel")
    return {
        item.find("enclosure").get("url").rsplit("/", 1)[1]: (item.findtext("guid"), item.findtext("pubDate"))
        for item in channel.findall("item")
    }


def test_a_per_track_feed_changes_only_the_episode_whose_answer_changed(copy, registry):
    folder = copy / "out" / "small-guide"
    script = copy / "small.yaml"
    script.write_text(
        script.read_text(encoding="utf-8").replace("publish: {m4b: true}", "publish: {feed: per-track}"),
        encoding="utf-8",
    )
    builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    channel = etree.parse(str(folder / "en" / "feed.xml")).find("channel")
    assert channel.findtext(f"{{{ITUNES}}}type") == "serial"
    assert [i.findtext("title") for i in channel.findall("item")] == [
        "Care",
        "How long does it last?",
    ]  # a chapter, an answer
    before = {lang: _items(folder / lang / "feed.xml") for lang in ("en", "ar")}

    (folder / "en" / "01-care.mp3").unlink()  # encoded again from the cache: the same bytes, the same episode
    result = builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    assert "en/01-care.mp3" in result.encoded and result.recorded == 0
    assert {lang: _items(folder / lang / "feed.xml") for lang in ("en", "ar")} == before

    script.write_text(
        script.read_text(encoding="utf-8").replace("About four months.", "Usually about four months."), encoding="utf-8"
    )
    builder.build(script, RunSettings.make(out=copy / "out", cache=copy / "cache", jobs=1), registry=registry)
    after = {lang: _items(folder / lang / "feed.xml") for lang in ("en", "ar")}
    assert after["ar"] == before["ar"]
    assert after["en"]["01-care.mp3"] == before["en"]["01-care.mp3"]
    changed, was = after["en"]["02-how-long.mp3"], before["en"]["02-how-long.mp3"]
    assert changed[0] != was[0] and changed[1] != was[1]  # new audio: a new guid and date, so apps fetch it
