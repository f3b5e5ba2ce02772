"""End to end: `guide build` with real engines and ffmpeg; MP3s decode, tags, manifest, failures."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from guide import __version__
from guide.builder import load, plan
from guide.cache import TakeCache
from guide.cli import main
from guide.engines.piper import BUNDLED_VOICE, bundled_voices
from guide.planner import ChapterMark, Pause, TakeSpec, TrackRef, pieces

from .conftest import SAMPLE_BASE_URL, SMALL_SCRIPT, decoded_seconds

pytestmark = pytest.mark.slow


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result


def digest(folder: Path) -> dict[str, tuple[str, float]]:
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small bilingual script built once through the CLI."""
    root = tmp_path_factory.mktemp("build")
    script = root / "small.yaml"
    script.write_text(SMALL_SCRIPT, encoding="utf-8")
    out = root / "out"
    result = run("build", str(script), "--out", str(out), "--cache-dir", str(root / "cache"))
    assert result.exit_code == 0, result.output
    return script, out / "small-guide", result.output


def test_manifest_lists_every_file_and_they_decode(built):
    _, folder, _ = built
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["id"] == "small-guide"
    assert manifest["title"] == {"en": "Small guide", "ar": "دليل صغير"}
    assert list(manifest["languages"]) == ["en", "ar"]
    for lang, entry in manifest["languages"].items():
        assert [t["file"] for t in entry["tracks"]] == [
            f"{lang}/00-intro.mp3",
            f"{lang}/01-care.mp3",
            f"{lang}/02-how-long.mp3",
            f"{lang}/03-outro.mp3",
        ]
        assert [t["kind"] for t in entry["tracks"]] == ["intro", "section", "faq", "outro"]
        assert entry["full"] == f"{lang}/small-guide.{lang}.mp3"
        for item in [*entry["tracks"], {"file": entry["full"], "duration": entry["duration"]}]:
            measured = decoded_seconds(folder / item["file"])
            assert abs(measured - item["duration"]) < 0.06, item
    assert {p.name for p in folder.iterdir()} == {
        "manifest.json",
        "index.html",
        "kiosk.html",
        "en",
        "ar",
    }  # no staging left behind


def test_tags(built):
    _, folder, _ = built
    tags = ID3(folder / "ar" / "01-care.mp3")
    assert str(tags["TIT2"]) == "العناية"
    assert str(tags["TALB"]) == "دليل صغير"
    assert str(tags["TRCK"]) == "2/4"
    assert str(tags["TLAN"]) == "ara"
    full = ID3(folder / "en" / "small-guide.en.mp3")
    assert str(full["TIT2"]) == "Small guide" and str(full["TLAN"]) == "eng" and "TRCK" not in full


def test_section_is_longer_than_its_parts(built):
    _, folder, _ = built
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["languages"].values():
        durations = {t["id"]: t["duration"] for t in entry["tracks"]}
        # the section says a title, a paragraph and a titled two-item list: more than the one-line outro
        assert durations["care"] > durations["outro"] > 0.3


def test_full_guide_is_tracks_plus_announcements_and_pauses(built, registry):
    script_path, folder, _ = built
    cache = TakeCache(folder.parent.parent / "cache")
    for lp in plan(load(script_path, registry), registry).languages:
        expected = 0.0
        for piece in pieces(lp.full.steps):
            if isinstance(piece, ChapterMark):
                continue
            if isinstance(piece, Pause):
                expected += piece.seconds
            elif isinstance(piece, TakeSpec):  # an announcement, measured from its cached take
                expected += cache.frames(piece.key) / 44100
            else:
                assert isinstance(piece, TrackRef)
                expected += decoded_seconds(folder / lp.tracks[piece.index].file)
        # Each join of the full guide's MP3 pieces lengthens the pause it falls in by the earlier
        # piece's padding and the next one's encoder delay (576 samples): 13 to 52 ms.
        joins = (
            len(
                json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["languages"][lp.lang]["full_guide"][
                    "pieces"
                ]
            )
            - 1
        )
        extra = decoded_seconds(folder / lp.full.file) - expected
        assert 0.013 * joins - 0.01 <= extra <= 0.053 * joins + 0.01, (extra, joins)


def test_summary_names_tracks_and_durations(built):
    _, _, output = built
    assert "02-how-long.mp3" in output and "small-guide.ar.mp3" in output
    assert "30 takes recorded, 0 reused; 8 files encoded, 2 full guides joined" in output and "manifest:" in output


def test_rebuild_after_renaming_an_item_removes_its_old_file(tmp_path, small_script):
    out = tmp_path / "out"
    assert run("build", str(small_script), "--out", str(out), "--lang", "en").exit_code == 0
    small_script.write_text(SMALL_SCRIPT.replace("id: how-long", "id: duration"), encoding="utf-8")
    result = run("build", str(small_script), "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    names = {p.name for p in (out / "small-guide" / "en").iterdir()}
    assert "02-duration.mp3" in names and "02-how-long.mp3" not in names


def test_one_language_rebuild_keeps_the_other(tmp_path, small_script):
    out = tmp_path / "out"
    assert run("build", str(small_script), "--out", str(out)).exit_code == 0
    en_before = digest(out / "small-guide" / "en")
    assert run("build", str(small_script), "--out", str(out), "--lang", "ar").exit_code == 0
    manifest = json.loads((out / "small-guide" / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["languages"]) == ["en", "ar"]
    assert digest(out / "small-guide" / "en") == en_before


def test_engine_failure_leaves_previous_output_untouched(tmp_path, small_script):
    out = tmp_path / "out"
    assert run("build", str(small_script), "--out", str(out)).exit_code == 0
    before = digest(out / "small-guide")
    model = bundled_voices()[BUNDLED_VOICE]
    (tmp_path / "broken.onnx").write_bytes(b"corrupt")
    shutil.copy(f"{model}.json", tmp_path / "broken.onnx.json")
    small_script.write_text(
        SMALL_SCRIPT.replace(
            "languages: [en, ar]", "languages: [en, ar]\nvoices:\n  en: {engine: piper, voice: broken.onnx}"
        ).replace("Thank you.", "Thank you all."),
        encoding="utf-8",
    )
    result = run("build", str(small_script), "--out", str(out))
    assert result.exit_code == 1
    assert "could not load voice" in result.output and "Traceback" not in result.output
    assert digest(out / "small-guide") == before


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--bitrate", "97k"], "not an MP3 bitrate"),
        (["--lang", "fr"], "language fr is not in the script"),
    ],
)
def test_bad_options_are_input_errors(tmp_path, small_script, args, fragment):
    result = run("build", str(small_script), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 2
    assert fragment in result.output
    assert not (tmp_path / "out").exists()


def test_build_without_arguments_uses_scripts_folder(tmp_path, monkeypatch):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "one.yaml").write_text(
        'id: one\ntitle: "One"\nlanguages: [en]\nintro: "Hi."\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "audio_out" / "one" / "en" / "00-intro.mp3").is_file()


def test_build_without_scripts_folder_explains(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build")
    assert result.exit_code == 2 and "none found in scripts/" in result.output


def test_voices_lists_all_engines():
    result = run("voices")
    assert result.exit_code == 0
    assert "piper (offline)" in result.output and BUNDLED_VOICE in result.output
    assert "espeak (offline)" in result.output and "gtts (online" in result.output
    arabic = run("voices", "--engine", "espeak", "--lang", "ar")
    assert " ar " in arabic.output


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_sample_script_builds_both_languages(sample_build):
    import io

    import feedparser
    import podcastparser
    from mutagen.mp4 import MP4

    from guide.publish.feed import podcast_guid
    from guide.publish.m4b import read_chapters

    from .test_chapters import check_chapters
    from .test_manifest import check_inventory

    base = SAMPLE_BASE_URL
    folder = sample_build / "out" / "botox-long-term-effects"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for lang in ("en", "ar"):
        entry = manifest["languages"][lang]
        assert len(entry["tracks"]) == 10
        assert entry["duration"] > sum(t["duration"] for t in entry["tracks"])
        assert entry["duration"] > 120
        # Every chapter, in order, where the manifest says, as ffmpeg and mutagen read them; the M4B's too.
        chapters = [(c["title"], c["start"], c["end"]) for c in entry["full_guide"]["chapters"]]
        assert [t for t, _, _ in chapters] == [t["title"] for t in entry["tracks"]]
        check_chapters(folder / entry["full"], chapters)
        m4b = folder / entry["full_guide"]["m4b"]["file"]
        assert [t for t, _, _ in read_chapters(m4b)] == [t for t, _, _ in chapters]
        assert [c.title for c in MP4(m4b).chapters] == [t for t, _, _ in chapters]
        # The feed: artwork, an owner, a guid, read by both parsers.
        text = (folder / lang / "feed.xml").read_text(encoding="utf-8")
        parsed = feedparser.parse(text)
        assert not parsed.bozo and parsed.feed.image.href == f"{base}/{lang}/cover.jpg"
        assert parsed.feed.publisher_detail.email == "podcast@clinic.example"
        assert f"<podcast:guid>{podcast_guid(f'{base}/{lang}/feed.xml')}</podcast:guid>" in text
        pod = podcastparser.parse(f"{base}/{lang}/feed.xml", io.BytesIO(text.encode("utf-8")))
        assert pod["cover_url"] == f"{base}/{lang}/cover.jpg"
        assert pod["episodes"][0]["enclosures"][0]["url"] == f"{base}/{entry['full']}"
    # The manifest is valid against its schema and names every file written, feeds and M4Bs included.
    check_inventory(folder)
    assert {"feed", "m4b", "cover"} <= {f["kind"] for f in manifest["files"]}


def test_read_only_output_folder_is_a_clear_error(tmp_path, small_script):
    import os

    if os.geteuid() == 0:
        # root ignores permission bits; a file where the folder should be fails for everyone
        (tmp_path / "out").write_text("not a folder")
        result = run("build", str(small_script), "--out", str(tmp_path / "out" / "sub"))
    else:
        (tmp_path / "out").mkdir()
        (tmp_path / "out").chmod(0o500)
        result = run("build", str(small_script), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "cannot write" in result.output and "Traceback" not in result.output
