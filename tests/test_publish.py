"""Publishing: ID3 chapters and tags, transcripts in sync with the audio, loudness,
playlists, podcast feeds and JSON chapters — all read back with independent tools."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt
from click.testing import CliRunner
from lxml import etree
from mutagen.id3 import ID3, CTOCFlags

from guide.audio.ffmpeg import decode_file, run_ffmpeg
from guide.audio.loudness import ebur128
from guide.cache import TakeCache
from guide.cli import main
from guide.publish.cover import shrink

from .conftest import SMALL_SCRIPT

pytestmark = pytest.mark.slow

BASE_URL = "https://clinic.example/guides/small-guide"
PUBLISH_SCRIPT = SMALL_SCRIPT.replace(
    'title: {en: "Small guide", ar: "دليل صغير"}',
    'title: {en: "Small guide", ar: "دليل صغير"}\n'
    'author: "Example Clinic"\n'
    'description: {en: "A short guide for patients.", ar: "دليل قصير للمرضى."}\n'
    "cover: cover.png\n",
)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=0x0b5cad:s=1400x1400", "-frames:v", "1", "-y", str(root / "cover.png")])
    script = root / "small.yaml"
    script.write_text(PUBLISH_SCRIPT, encoding="utf-8")
    out, cache = root / "out", root / "cache"
    result = CliRunner().invoke(
        main, ["build", str(script), "--out", str(out), "--cache-dir", str(cache), "--base-url", BASE_URL]
    )
    assert result.exit_code == 0, result.output
    folder = out / "small-guide"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return folder, manifest, TakeCache(cache)


def all_files(manifest: dict):
    for lang, entry in manifest["languages"].items():
        for item in [*entry["tracks"], entry["full_guide"]]:
            yield lang, item


def test_full_guide_has_a_table_of_contents_and_a_chapter_per_track(published):
    folder, manifest, _ = published
    for _lang, entry in manifest["languages"].items():
        tags = ID3(folder / entry["full"])
        tocs = tags.getall("CTOC")
        assert len(tocs) == 1
        toc = tocs[0]
        assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
        chapters = {c.element_id: c for c in tags.getall("CHAP")}
        assert list(toc.child_element_ids) == sorted(chapters, key=lambda k: chapters[k].start_time)
        ordered = [chapters[k] for k in toc.child_element_ids]
        assert [str(c.sub_frames["TIT2"]) for c in ordered] == [t["title"] for t in entry["tracks"]]
        assert ordered[0].start_time == 0
        for before, after in itertools.pairwise(ordered):
            assert before.end_time == after.start_time > before.start_time
        assert abs(ordered[-1].end_time - entry["duration"] * 1000) <= 1
        # Each chapter starts with its announcement: the first sentence heard in it starts at once.
        starts_ms = [s["start"] * 1000 for s in entry["full_guide"]["sentences"]]
        for chapter in ordered:
            first = min(t for t in starts_ms if t >= chapter.start_time - 1)
            assert first - chapter.start_time < 30


def test_tags_cover_and_transcript_frame(published):
    folder, manifest, _ = published
    cover = (folder.parent.parent / "cover.png").read_bytes()
    for lang, item in all_files(manifest):
        tags = ID3(folder / item["file"])
        assert str(tags["TALB"]) == {"en": "Small guide", "ar": "دليل صغير"}[lang]
        assert str(tags["TPE1"]) == "Example Clinic"
        assert str(tags["TLAN"]) == {"en": "eng", "ar": "ara"}[lang]
        apic = tags.getall("APIC")[0]
        assert apic.mime == "image/jpeg" and apic.data == shrink(cover)  # the author's PNG, as a 600 px JPEG
        uslt = tags.getall("USLT")[0]
        assert uslt.lang == {"en": "eng", "ar": "ara"}[lang]
        assert item["sentences"][0]["text"] in uslt.text


def _take_offset(audio: np.ndarray, take: np.ndarray, expected: float, window: float = 0.4) -> float:
    """Where `take` starts in `audio`, searched within `window` s of `expected` by cross-correlation."""
    rate = 44100
    head = take[: int(0.6 * rate)].astype(np.float64)
    lo = max(0, int((expected - window) * rate))
    hi = min(len(audio), int((expected + window) * rate) + len(head))
    region = audio[lo:hi].astype(np.float64)
    n = len(region) + len(head)
    corr = np.fft.irfft(np.fft.rfft(region, n) * np.conj(np.fft.rfft(head, n)), n)[: len(region) - len(head) + 1]
    return (lo + int(np.argmax(corr))) / rate


def test_transcripts_parse_and_are_in_sync_with_the_audio(published):
    folder, manifest, cache = published
    for lang, item in all_files(manifest):
        mp3 = folder / item["file"]
        subs = list(srt.parse((mp3.with_suffix(".srt")).read_text(encoding="utf-8")))
        captions = webvtt.read(str(mp3.with_suffix(".vtt")))
        assert len(subs) == len(captions) == len(item["sentences"]) > 0
        duration = item["duration"]
        previous_end = 0.0
        for sub, caption, sentence in zip(subs, captions, item["sentences"], strict=True):
            start, end = sub.start.total_seconds(), sub.end.total_seconds()
            assert previous_end <= start < end <= duration + 0.001
            assert abs(_vtt_seconds(caption.start) - start) < 0.002
            assert sub.content.lstrip("\u200f") == sentence["text"]
            assert sub.content.startswith("\u200f") == (lang == "ar")
            assert caption.text.startswith("\u200f") == (lang == "ar")
            previous_end = end
        audio = decode_file(str(mp3))
        for sentence in item["sentences"]:
            assert sentence["takes"] and sentence["takes"][0]["start"] == sentence["start"]
            for take in sentence["takes"]:
                measured = _take_offset(audio, cache.load(take["key"]), take["start"])
                assert abs(measured - take["start"]) < 0.03, (item["file"], take["text"], measured, take["start"])


def _vtt_seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_plain_text_transcripts(published):
    folder, _manifest, _ = published
    text = (folder / "ar" / "small-guide.ar.txt").read_text(encoding="utf-8")
    assert text.startswith("دليل صغير") and "نحو أربعة أشهر." in text and "كم يدوم؟" in text


def test_loudness_is_on_target_with_headroom(published):
    folder, manifest, _ = published
    for _lang, item in all_files(manifest):
        integrated, true_peak = ebur128(str(folder / item["file"]))
        assert abs(integrated - (-16.0)) <= 1.0, (item["file"], integrated)
        assert true_peak <= -1.0, (item["file"], true_peak)


def test_playlists(published):
    folder, manifest, _ = published
    for lang, entry in manifest["languages"].items():
        lines = (folder / lang / "playlist.m3u8").read_text(encoding="utf-8").splitlines()
        assert lines[0] == "#EXTM3U"
        pairs = list(zip(lines[1::2], lines[2::2], strict=True))
        assert [name for _, name in pairs] == [Path(t["file"]).name for t in entry["tracks"]]
        for (info, name), track in zip(pairs, entry["tracks"], strict=True):
            assert info == f"#EXTINF:{round(track['duration'])},{track['title']}"
            assert (folder / lang / name).is_file()


def test_feeds_and_json_chapters(published):
    folder, manifest, _ = published
    ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0"}
    for lang, entry in manifest["languages"].items():
        feed = etree.parse(str(folder / lang / "feed.xml"))
        channel = feed.find("channel")
        assert feed.getroot().get("version") == "2.0"
        assert channel.findtext("language") == lang
        assert channel.findtext("title") == {"en": "Small guide", "ar": "دليل صغير"}[lang]
        assert channel.findtext("itunes:explicit", namespaces=ns) == "false"
        assert channel.find("itunes:category", ns).get("text")
        assert channel.find("itunes:image", ns).get("href") == f"{BASE_URL}/{lang}/cover.png"
        items = channel.findall("item")
        assert len(items) == 1
        item = items[0]
        enclosure = item.find("enclosure")
        assert enclosure.get("type") == "audio/mpeg"
        assert enclosure.get("url") == f"{BASE_URL}/{entry['full']}"
        assert int(enclosure.get("length")) == (folder / entry["full"]).stat().st_size
        assert item.findtext("guid") and item.findtext("itunes:duration", namespaces=ns)
        chapters = item.find("podcast:chapters", ns)
        assert chapters.get("type") == "application/json+chapters"
        relative = chapters.get("url").removeprefix(BASE_URL + "/")
        data = json.loads((folder / relative).read_text(encoding="utf-8"))
        assert data["version"] == "1.2.0"
        assert [c["title"] for c in data["chapters"]] == [t["title"] for t in entry["tracks"]]
        starts = [c["startTime"] for c in data["chapters"]]
        assert starts == sorted(starts) and starts[0] == 0
        transcripts = {t.get("type"): t.get("url") for t in item.findall("podcast:transcript", ns)}
        assert set(transcripts) == {"text/vtt", "application/x-subrip"}
        for url in transcripts.values():
            assert (folder / url.removeprefix(BASE_URL + "/")).is_file()


def test_rebuild_is_still_a_noop_with_everything_published(published):
    folder, _manifest, cache = published
    script = folder.parent.parent / "small.yaml"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    result = CliRunner().invoke(
        main,
        ["build", str(script), "--out", str(folder.parent), "--cache-dir", str(cache.folder), "--base-url", BASE_URL],
    )
    assert result.exit_code == 0 and "nothing to do" in result.output
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before


def test_intro_music_fades_and_ducks_under_the_voice(tmp_path):
    music = tmp_path / "jingle.mp3"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=30", "-ac", "1", "-y", str(music)])
    script = tmp_path / "m.yaml"
    script.write_text(
        'id: m\ntitle: "M"\nlanguages: [ar]\nintro: "مرحبا بكم في هذا الدليل. نتمنى لكم الصحة."\n'
        "music: {file: jingle.mp3, lead: 2, fade_in: 0.5, fade_out: 2, duck_db: -20, volume_db: -6}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["build", str(script), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "m"
    intro = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["languages"]["ar"]["tracks"][0]
    first, last = intro["sentences"][0], intro["sentences"][-1]
    assert abs(first["start"] - 2.0) < 0.01  # the voice starts after the music's lead
    assert abs(intro["duration"] - (last["end"] + 2.0)) < 0.01  # and the music fades out after it
    audio = decode_file(str(folder / "ar" / "00-intro.mp3")).astype(np.float64)
    rate = 44100

    def tone_level(a: float, b: float) -> float:
        """Amplitude of the 440 Hz jingle between a and b seconds (the voice barely has energy there)."""
        part = audio[int(a * rate) : int(b * rate)]
        spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
        freqs = np.fft.rfftfreq(len(part), 1 / rate)
        return float(spectrum[(freqs > 430) & (freqs < 450)].max() / len(part))

    before_voice = tone_level(0.8, 1.6)
    under_voice = tone_level(first["start"] + 0.5, first["end"] - 0.2)
    assert before_voice > 0
    assert 20 * np.log10(under_voice / before_voice) < -12  # ducked by about duck_db
    assert tone_level(0.0, 0.1) < before_voice / 4  # faded in


def test_each_publisher_can_be_switched_off(tmp_path):
    script = tmp_path / "s.yaml"
    script.write_text(
        'id: s\ntitle: "S"\nlanguages: [ar]\nintro: "مرحبا بكم."\n'
        'faq:\n  - id: q\n    question: "ما هذا؟"\n    answer: "دليل."\n'
        "loudness: off\npublish: {transcripts: false, chapters: false, playlists: false, feed: false, player: false}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(script),
            "--out",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "c"),
            "--base-url",
            BASE_URL,
        ],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "s"
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == [
        "00-intro.mp3",
        "01-q.mp3",
        "manifest.json",
        "s.ar.mp3",
    ]
    full = ID3(folder / "ar" / "s.ar.mp3")
    assert not full.getall("CTOC") and not full.getall("CHAP") and not full.getall("USLT")
    integrated, _ = ebur128(str(folder / "ar" / "00-intro.mp3"))
    assert integrated < -18  # espeak-ng's own level, not raised to -16 LUFS


@pytest.mark.parametrize(
    "line, fragment",
    [
        ("cover: missing.png", "cover: no such file"),
        ("cover: s.yaml", "is not a PNG or JPEG image"),
        ("loudness: {target: 3}", "loudness.target must be between -40 and -5"),
        ("base_url: ftp://x", "must be an http:// or https:// address"),
        ("music: {fade_in: 2}", "music: missing 'file'"),
        ("publish: {feed: maybe}", "publish.feed must be true, false or per-track, not 'maybe'"),
        ("publish: {m4b: 1}", "publish.m4b must be true or false"),
        ("theme: {colour: blue}", "theme.colour 'blue' is not a colour like \"#0a5299\""),
        ("theme: {color: '#000000'}", "theme: unknown key 'color'"),
    ],
)
def test_publishing_settings_are_checked(tmp_path, line, fragment):
    script = tmp_path / "s.yaml"
    script.write_text(f'id: s\ntitle: "S"\nlanguages: [en]\nintro: "Hello."\n{line}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(script)])
    assert result.exit_code == 2
    assert f"{script}:5:" in result.output and fragment in result.output


def test_more_chapters_than_one_table_of_contents_holds(tmp_path):
    from mutagen.id3 import CTOCFlags

    from guide.publish.mp3 import Frames, Tags, write_mp3

    chapters = tuple((f"Chapter {n}", n * 0.01, (n + 1) * 0.01) for n in range(600))
    target = tmp_path / "long.mp3"
    write_mp3(
        lambda: [np.zeros(44100 * 6, dtype=np.int16)],
        target,
        Tags("Long", "Long", "en"),
        frames=lambda: Frames(chapters=chapters),
    )
    tags = ID3(target)
    top = [t for t in tags.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]
    assert len(top) == 1 and list(top[0].child_element_ids) == ["toc0", "toc1", "toc2"]
    listed = [c for sub in top[0].child_element_ids for c in tags[f"CTOC:{sub}"].child_element_ids]
    assert listed == [f"chp{n}" for n in range(600)]
    assert [str(tags[f"CHAP:{c}"].sub_frames["TIT2"]) for c in listed[:2]] == ["Chapter 0", "Chapter 1"]
