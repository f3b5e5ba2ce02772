"""Full guides joined from their pieces' MP3 frames: one Info header for the whole, joins that
decode sample-exact, times within 30 ms of the audio, loudness, and pieces refused when they
differ. Everything is checked on the decoded files, with ffmpeg and mutagen."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import srt
from mutagen.mp3 import MP3, BitrateMode

from guide import builder
from guide.audio.ffmpeg import decode_file, ffmpeg_exe, run_ffmpeg
from guide.audio.loudness import ebur128, measure
from guide.cache import TakeCache
from guide.publish.frames import NotJoinable, Settings, _header, crc16, crc16_combine, read_piece, sign_lame_tag
from guide.publish.mp3 import Tags, write_mp3
from guide.settings import RunSettings

from .conftest import SMALL_SCRIPT
from .test_publish import _take_offset

RATE = 44100
SETTINGS = Settings(RATE, 1, 96)


@pytest.fixture(scope="module")
def joined(tmp_path_factory, registry):
    root = tmp_path_factory.mktemp("join")
    script = root / "small.yaml"
    script.write_text(SMALL_SCRIPT, encoding="utf-8")
    builder.build(script, RunSettings.make(out=root / "out", cache=root / "cache", jobs=1), registry=registry)
    folder = root / "out" / "small-guide"
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8")), TakeCache(root / "cache")


def fulls(manifest: dict):
    for lang, entry in manifest["languages"].items():
        yield lang, entry["full_guide"]


def source(folder: Path, cache: TakeCache, piece: dict) -> Path:
    return folder / piece["file"] if "file" in piece else cache.piece_path(piece["piece"])


def tone(tmp_path: Path, name: str, *args: str, seconds: float = 2.0) -> Path:
    path = tmp_path / name
    run_ffmpeg(["-f", "lavfi", "-i", f"sine=frequency=300:duration={seconds}", "-ac", "1", *args, "-y", str(path)])
    return path


@pytest.mark.slow
def test_one_header_for_the_whole_file_and_the_reported_length_is_the_decoded_length(joined):
    folder, manifest, cache = joined
    for _lang, entry in fulls(manifest):
        path = folder / entry["file"]
        decoded = decode_file(str(path))
        info = MP3(path).info
        assert (info.sample_rate, info.channels, info.bitrate_mode) == (RATE, 1, BitrateMode.CBR)
        assert round(info.length * RATE) == len(decoded)  # mutagen reads the LAME gapless fields
        assert abs(entry["duration"] * RATE - len(decoded)) <= 23  # the manifest rounds to the millisecond
        whole = read_piece(path, SETTINGS)  # every frame walked: the Info frame's count is the file's
        parts = [read_piece(source(folder, cache, p), SETTINGS) for p in entry["pieces"]]
        assert whole.frames == sum(p.frames for p in parts)
        assert (whole.delay, whole.padding) == (parts[0].delay, parts[-1].padding)
        assert whole.crc == crc16(path.read_bytes()[whole.start : whole.end])  # the LAME music CRC
        # No piece's own Info frame is left inside.
        data = path.read_bytes()
        assert data.count(b"Info") == 1 and data.count(b"Xing") == 0
        # ffmpeg decodes it without a word (no CRC or header complaint).
        log = subprocess.run(
            [ffmpeg_exe(), "-v", "warning", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True
        )
        assert log.returncode == 0 and log.stderr.strip() == "", log.stderr


@pytest.mark.slow
def test_every_track_says_its_encoder_delay_and_padding_and_mutagen_reads_the_manifest_s_length(joined):
    """Each track's Info frame is signed as LAME's, so mutagen trims the encoder delay and padding ffmpeg wrote:
    its length is the manifest's within 1 ms and the decoded file's to the sample; the tag's CRC is right."""
    folder, manifest, _ = joined
    for entry in manifest["languages"].values():
        for track in entry["tracks"]:
            path = folder / track["file"]
            info = MP3(path).info
            assert info.encoder_info.startswith("LAME 3.100"), (track["file"], info.encoder_info)
            assert abs(info.length - track["duration"]) <= 0.001, (track["file"], info.length, track["duration"])
            assert round(info.length * RATE) == len(decode_file(str(path))), track["file"]
            piece = read_piece(path, SETTINGS)
            assert piece.delay == LAME_DELAY and 0 < piece.padding <= 1152 + 529, (piece.delay, piece.padding)
            assert_tag_crc(piece.info)


LAME_DELAY = 576
"""libmp3lame's encoder delay, in samples (the decoder's own 529 come on top)."""


def assert_tag_crc(info: bytes) -> None:
    """The LAME tag CRC of an Info frame is the CRC-16 of its first 190 bytes with the field zeroed, as LAME's."""
    header = _header(info, 0)
    lame = 4 + 17 + 120 if header is not None and header.channels == 1 else 4 + 32 + 120
    zeroed = info[: lame + 34] + b"\0\0" + info[lame + 36 :]
    assert int.from_bytes(info[lame + 34 : lame + 36], "big") == crc16(zeroed[:190])


@pytest.mark.parametrize("samples", [44100, 12345, 1152 * 7, 100])
def test_an_mp3_s_delay_and_padding_are_the_real_ones(tmp_path, samples):
    """write_mp3 of a known number of samples: the Info frame's frames x 1152 - delay - padding is exactly that
    number, ffmpeg decodes exactly that many, and mutagen reads that length."""
    rng = np.random.default_rng(samples)
    audio = (rng.standard_normal(samples) * 3000).astype(np.int16)
    path = tmp_path / "t.mp3"
    write_mp3(lambda: iter([audio]), path, Tags("t", "a", "en"), "96k")
    piece = read_piece(path, SETTINGS)
    assert piece.frames * 1152 - piece.delay - piece.padding == samples
    assert len(decode_file(str(path))) == samples
    info = MP3(path).info
    assert round(info.length * RATE) == samples and info.encoder_info.startswith("LAME 3.100")
    assert_tag_crc(piece.info)


def test_a_file_without_ffmpeg_s_info_frame_is_left_as_it_is(tmp_path):
    """sign_lame_tag changes only ffmpeg's own Info frame: not a file with none, not one signed already."""
    bare = tone(tmp_path, "bare.mp3", "-codec:a", "libmp3lame", "-write_xing", "0")
    before = bare.read_bytes()
    assert not sign_lame_tag(bare) and bare.read_bytes() == before
    signed = tone(tmp_path, "signed.mp3", "-codec:a", "libmp3lame")
    assert sign_lame_tag(signed)
    once = signed.read_bytes()
    assert sign_lame_tag(signed) and signed.read_bytes() == once


@pytest.mark.slow
def test_joins_decode_sample_exact_and_fall_in_silence(joined):
    folder, manifest, cache = joined
    for _lang, entry in fulls(manifest):
        full = decode_file(str(folder / entry["file"])).astype(np.int32)
        end = 0
        for piece in entry["pieces"]:
            alone = decode_file(str(source(folder, cache, piece))).astype(np.int32)
            start = round(piece["start"] * RATE)
            assert len(alone) == piece["samples"]
            assert np.array_equal(full[start : start + len(alone)], alone), (entry["file"], piece)
            # Between them, the earlier piece's padding and this one's encoder delay (a single decode
            # trims these): silence, but for the MP3 ringing of the sounds on either side, within 23 ms
            # of them (pre-echo of an abrupt espeak-ng onset reached -38 dBFS): part of a pause, no click.
            gap = np.abs(full[end:start])
            assert len(gap) < 2 * 1152, len(gap)
            assert (gap.max() if len(gap) else 0) < 1036, gap.max()  # -30 dBFS
            assert (gap[1024:-1024].max() if len(gap) > 2048 else 0) < 33  # -60 dBFS
            end = start + len(alone)
        assert end == len(full)


@pytest.mark.slow
def test_sentence_cue_and_chapter_times_are_within_30_ms_of_the_decoded_audio(joined):
    folder, manifest, cache = joined
    for _lang, entry in fulls(manifest):
        mp3 = folder / entry["file"]
        audio = decode_file(str(mp3))
        measured: dict[float, float] = {}
        for sentence in entry["sentences"]:
            for take in sentence["takes"]:
                at = _take_offset(audio, cache.load(take["key"]), take["start"])
                assert abs(at - take["start"]) < 0.03, (entry["file"], take["text"], at, take["start"])
                measured.setdefault(sentence["start"], at)
        # Each chapter starts with its announcement (the title for the first).
        for chapter in entry["chapters"]:
            first = min(s for s in measured if s >= chapter["start"] - 0.001)
            assert abs(measured[first] - chapter["start"]) < 0.03, (chapter, measured[first])
        # The subtitles say what the manifest says.
        cues = list(srt.parse(mp3.with_suffix(".srt").read_text(encoding="utf-8")))
        for cue, sentence in zip(cues, entry["sentences"], strict=True):
            assert abs(cue.start.total_seconds() - sentence["start"]) < 0.002


@pytest.mark.slow
def test_full_guide_loudness_and_announcements_at_the_level_of_the_speech_around_them(joined):
    folder, manifest, _cache = joined
    for lang, entry in fulls(manifest):
        path = folder / entry["file"]
        integrated, true_peak = ebur128(str(path))
        assert abs(integrated + 16) <= 1.0 and true_peak <= -1.0, (entry["file"], integrated, true_peak)
        audio = decode_file(str(path))
        in_tracks = {s["text"] for t in manifest["languages"][lang]["tracks"] for s in t["sentences"]}
        level = [measure([audio[int(s["start"] * RATE) : int(s["end"] * RATE)]], RATE) for s in entry["sentences"]]
        differences = []
        for i, sentence in enumerate(entry["sentences"]):
            if sentence["text"] in in_tracks or level[i] is None:
                continue  # not an announcement
            after = [x for x in level[i + 1 : i + 4] if x is not None]
            differences.append(level[i] - float(np.mean(after)))
        assert len(differences) >= 4
        # Announcements are normalised on their own, as tracks are: as loud as the sentences after
        # them, within the spread of one sentence to the next (measured: +0.5 LU on average).
        assert abs(float(np.mean(differences))) <= 1.5 and max(map(abs, differences)) <= 3.0, differences


@pytest.mark.slow
def test_a_cached_piece_with_other_settings_is_refused_and_only_it_is_encoded_again(tmp_path, small_build, registry):
    root = tmp_path / "copy"
    shutil.copytree(small_build, root)
    folder, cache = root / "out" / "small-guide", TakeCache(root / "cache")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    keys = [p["piece"] for _, e in fulls(manifest) for p in e["pieces"] if "piece" in p]
    planted = cache.piece_path(keys[1])
    shutil.copy(tone(tmp_path, "other.mp3", "-b:a", "128k", "-id3v2_version", "0"), planted)
    before = {k: cache.piece_path(k).stat().st_mtime_ns for k in keys if k != keys[1]}
    tracks = {p: p.stat().st_mtime_ns for p in folder.glob("*/0*.mp3")}
    (folder / "en" / "small-guide.en.mp3").unlink()
    (folder / "ar" / "small-guide.ar.mp3").unlink()
    result = builder.build(
        root / "small.yaml", RunSettings.make(out=root / "out", cache=root / "cache", jobs=1), registry=registry
    )
    assert result.recorded == 0 and result.pieces_encoded == 1
    assert sorted(result.encoded) == sorted(result.joined) == ["ar/small-guide.ar.mp3", "en/small-guide.en.mp3"]
    assert read_piece(planted, SETTINGS).frames > 0
    assert {k: cache.piece_path(k).stat().st_mtime_ns for k in before} == before
    assert {p: p.stat().st_mtime_ns for p in tracks} == tracks


def test_pieces_that_cannot_be_joined_are_refused_with_the_reason(tmp_path):
    good = tone(tmp_path, "good.mp3", "-b:a", "96k")
    assert read_piece(good, SETTINGS).samples == 2 * RATE
    cases = [
        (tone(tmp_path, "128k.mp3", "-b:a", "128k"), "44100 Hz mono 128 kbit/s, the others as 44100 Hz mono 96 kbit/s"),
        (tone(tmp_path, "stereo.mp3", "-ac", "2", "-b:a", "96k"), "44100 Hz stereo 96 kbit/s"),
        (tone(tmp_path, "22k.mp3", "-ar", "22050", "-b:a", "96k"), "no MPEG-1 Layer III frame"),
        (tone(tmp_path, "noinfo.mp3", "-b:a", "96k", "-write_xing", "0"), "no Xing/Info frame"),
        (tone(tmp_path, "vbr.mp3", "-q:a", "4"), "not a constant-bitrate LAME file"),
    ]
    for path, why in cases:
        with pytest.raises(NotJoinable, match=why):
            read_piece(path, SETTINGS)
    # A file cut from the middle of another: its first frame reaches back into frames it lacks.
    piece = read_piece(good, SETTINGS)
    data = good.read_bytes()
    at = piece.start
    while not (data[at + 4] or data[at + 5] >> 7):  # main_data_begin, right after the 4-byte header
        at += _header(data, at).length
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(piece.info + data[at : piece.end])
    with pytest.raises(NotJoinable, match="bit reservoir"):
        read_piece(cut, SETTINGS)


def test_crc16_is_lames_and_combines_without_rereading():
    assert crc16(b"123456789") == 0xBB3D  # CRC-16/ARC's check value
    a, b = bytes(range(256)) * 3, b"frames" * 1000
    assert crc16_combine(crc16(a), crc16(b), len(b)) == crc16(a + b)
    assert crc16_combine(0, crc16(b), len(b)) == crc16(b)
