"""M4B export: AAC in an MP4 container with chapters, tags and cover, read back by the bundled
ffmpeg and by mutagen; its duration, its loudness beside the MP3 of the same audio, and
that a failed encode leaves no file."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp4 import MP4, Atoms, MP4Cover

from guide.audio.assemble import SAMPLE_RATE, to_pipeline_format
from guide.audio.ffmpeg import decode_file, run_ffmpeg
from guide.audio.loudness import ebur128, measure
from guide.errors import AudioError, InputError
from guide.publish import m4b
from guide.publish.m4b import chpl_title, file_pcm, read_chapters, write_m4b
from guide.publish.mp3 import Tags, write_mp3
from guide.script.model import Loudness, VoiceSettings

PAUSE = 0.6
"""Seconds of silence after each sentence."""

LONG_AR = "العناية بالبشرة بعد الحقن: ما يجب فعله وما يجب تجنبه خلال الأيام الأولى"
"""A chapter title of 128-255 UTF-8 bytes: whole in both chapter forms."""

LONGER_AR = (
    "عشرة أسئلة (10) شائعة عن مدة بقاء التأثير، وعن الآثار الجانبية المحتملة، وعن متى يجب مراجعة الطبيب، "
    "وعن الجلسات التالية وما بينها من أسابيع، وعن العناية بالبشرة بعد كل جلسة"
)
"""A chapter title over 255 UTF-8 bytes, its 255th in the middle of a letter: Nero chpl holds
255 of them (ffmpeg cuts the letter in two), the chapter track all."""

# (chapter title, language, sentence spoken in it)
CHAPTERS = [
    ("Welcome", "en", "Welcome to this short guide. It takes less than a minute."),
    (LONG_AR, "ar", "استرح جيدا واشرب الماء."),
    ("Care; rest = water #1 \\ sleep", "en", "Rest well, drink water, and sleep early for a few days."),
    (LONGER_AR, "ar", "يدوم التأثير نحو أربعة أشهر."),
    ("نصائح", "ar", "لا تلمس مكان الحقن."),
    ("How long does it last?\nA second line", "en", "About four months, sometimes a little longer."),
    ("شكرا لكم", "ar", "شكرا لكم على الاستماع."),
]

TAGS = Tags(title="دليل صغير — الدليل كاملا", album="دليل صغير", lang="ar", artist="عيادة المثال")

SLOP = int(0.05 * SAMPLE_RATE)
"""50 ms of samples."""


def test_the_titles_test_what_they_claim():
    sizes = {title: len(title.encode()) for title, _, _ in CHAPTERS}
    assert 127 < sizes[LONG_AR] <= 255 < sizes[LONGER_AR]
    with pytest.raises(UnicodeDecodeError):
        LONGER_AR.encode()[:255].decode()
    assert len(CHAPTERS) >= 6


@pytest.fixture(scope="module")
def cover(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cover") / "cover.png"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=0x0b5cad:s=200x200", "-frames:v", "1", "-y", str(path)])
    return path


@pytest.fixture(scope="module")
def speech(registry) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
    """Real speech, one sentence per chapter (espeak-ng, English and Arabic) with pauses, and its chapters."""
    voices = {lang: registry.resolve(lang, VoiceSettings("espeak", lang), Path(".")) for lang in ("en", "ar")}
    pieces, starts, at = [], [], 0
    for _, lang, sentence in CHAPTERS:
        chunk = registry.synthesize(sentence, voices[lang])
        said = to_pipeline_format(chunk.samples, chunk.sample_rate)
        starts.append(at / SAMPLE_RATE)
        pieces += [said, np.zeros(int(PAUSE * SAMPLE_RATE), dtype=np.int16)]
        at += len(said) + int(PAUSE * SAMPLE_RATE)
    pcm = np.concatenate(pieces)
    ends = [*starts[1:], len(pcm) / SAMPLE_RATE]
    return pcm, [(title, start, end) for (title, _, _), start, end in zip(CHAPTERS, starts, ends, strict=True)]


@pytest.fixture(scope="module")
def published(tmp_path_factory, speech, cover):
    """As the builder would: the full guide's MP3 (normalised to -16 LUFS), decoded, becomes the M4B;
    beside it the MP3 that write_mp3 makes of that same decoded audio. Returns
    (folder, normalised PCM, chapters, the M4B, the MP3 of the same PCM, the normalised source MP3)."""
    raw, chapters = speech
    folder = tmp_path_factory.mktemp("m4b")
    source = folder / "source.mp3"
    write_mp3(lambda: [raw], source, TAGS, "96k", Loudness())
    pcm = np.concatenate(list(file_pcm(source, chunk=10_000)()))
    target = folder / "guide.ar.m4b"
    # Streamed in uneven pieces, as a long guide would be.
    write_m4b(lambda: np.array_split(pcm, 7), target, TAGS, chapters, cover)
    mp3 = folder / "same.mp3"
    write_mp3(lambda: [pcm], mp3, TAGS, "96k")
    return folder, pcm, chapters, target, mp3, source


def _log(path: Path) -> str:
    """What the bundled ffmpeg says of a file as its input (format, streams and chapters)."""
    return run_ffmpeg(["-i", str(path), "-f", "null", "-"], want_stderr=True).split("Output #0")[0]


def _edit_list(path: Path) -> tuple[int, int]:
    """(segment duration, media time) of the audio track's one edit, from its ``elst`` atom."""
    data = path.read_bytes()
    with open(path, "rb") as file:
        atoms = Atoms(file)
    trak = next(t for t in atoms.path(b"moov")[-1].findall(b"trak") if any(True for _ in t.findall(b"smhd", True)))
    edts = next(c for c in trak.children if c.name == b"edts")
    elst = data[edts.offset + 8 : edts.offset + edts.length]
    assert elst[4:8] == b"elst"
    version, count = elst[8], struct.unpack(">I", elst[12:16])[0]
    assert version == 0 and count == 1
    return struct.unpack(">II", elst[16:24])


def test_the_audio_is_aac_in_an_m4b_with_its_index_first(published):
    folder, _pcm, _, target, _, _source = published
    log = _log(target)
    assert re.search(r"Audio: aac \(LC\).*44100 Hz, mono", log), log
    assert re.search(r"major_brand\s*:\s*M4B", log)
    with open(target, "rb") as file:
        top = [atom.name for atom in Atoms(file).atoms]
    assert top.index(b"moov") < top.index(b"mdat")  # +faststart
    assert MP4(target).info.codec == "mp4a.40.2"  # AAC-LC
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["source.mp3", "guide.ar.m4b", "same.mp3"]
    )  # no temporary left


def test_the_duration_is_the_pcm_s_the_edit_list_trims_the_priming(published):
    _, pcm, _, target, _, source = published
    # The joined full guide decodes to its PCM exactly, so the manifest's chapter times hold in it.
    assert len(pcm) == len(decode_file(str(source)))
    decoded = decode_file(str(target))
    assert abs(len(decoded) - len(pcm)) <= SLOP
    segment, media_time = _edit_list(target)
    assert media_time == 1024  # the AAC encoder's priming samples, skipped by the player
    assert abs(segment - len(pcm)) <= SLOP  # and nothing of the last frame's padding is played
    stated = re.search(r"Duration: (\d+):(\d+):([\d.]+)", _log(target)).groups()
    assert abs(int(stated[0]) * 3600 + int(stated[1]) * 60 + float(stated[2]) - len(pcm) / SAMPLE_RATE) <= 0.05
    # mutagen reads the media duration, priming included, and ignores the edit list.
    assert abs(MP4(target).info.length - len(pcm) / SAMPLE_RATE) <= 0.05
    # What is heard is the PCM: the decoded audio lines up with it (no shift by the priming).
    a, b = pcm.astype(np.float64), decoded[: len(pcm)].astype(np.float64)
    assert np.corrcoef(a, b)[0, 1] > 0.9


def test_ffmpeg_reads_every_chapter_whole_in_order(published):
    _, pcm, chapters, target, _, _ = published
    found = read_chapters(target)
    assert [t for t, _, _ in found] == [t for t, _, _ in chapters]
    for (_, start, end), (_, got_start, got_end) in zip(chapters, found, strict=True):
        assert abs(got_start - start) <= 0.03
        assert abs(got_end - end) <= 0.03
    assert found[0][1] == 0 and found[-1][2] <= len(pcm) / SAMPLE_RATE + 0.03
    # ffmpeg's own listing agrees with what read_chapters parsed from its ffmetadata.
    assert len(re.findall(r"Chapter #0:\d+: start", _log(target))) == len(chapters)


def test_mutagen_reads_every_chapter_from_nero_chpl(published):
    _, _, chapters, target, _, _ = published
    found = list(MP4(target).chapters)
    assert [c.title for c in found] == [chpl_title(t) for t, _, _ in chapters]
    for (_, start, _), chapter in zip(chapters, found, strict=True):
        assert abs(chapter.start - start) <= 0.03
    by_title = dict(zip([t for t, _, _ in chapters], [c.title for c in found], strict=True))
    assert by_title[LONG_AR] == LONG_AR  # 128-255 bytes: whole
    cut = by_title[LONGER_AR]
    assert len(cut.encode()) == 255 and cut.rstrip().endswith("…") and LONGER_AR.startswith(cut.rstrip()[:-1])


def test_a_title_cut_in_a_character_is_mended_at_its_length():
    # 'ب' is two bytes: at width 255 ffmpeg cuts the 128th in two.
    title = "ب" * 200
    for width in (255, 254, 100):
        mended = chpl_title(title, width)
        assert len(mended.encode()) == width and mended.rstrip().endswith("…")
    assert chpl_title(title, 3) == "…" and chpl_title(title, 1) == " "
    assert chpl_title("short", 255) == "short" and chpl_title(LONG_AR) == LONG_AR


def test_tags_cover_and_language(published, cover):
    _, _, _, target, _, _ = published
    tags = MP4(target).tags
    assert tags["\xa9nam"] == [TAGS.title]
    assert tags["\xa9alb"] == [TAGS.album]
    assert tags["\xa9ART"] == [TAGS.artist] and tags["aART"] == [TAGS.artist]
    assert tags["stik"] == [2]  # Audiobook
    assert bytes(tags["----:com.apple.iTunes:LANGUAGE"][0]) == b"ara"
    (art,) = tags["covr"]
    assert art.imageformat == MP4Cover.FORMAT_PNG and bytes(art) == cover.read_bytes()
    assert re.search(r"Stream #0:0\[0x1\]\(ara\): Audio: aac", _log(target))  # the track's own language (mdhd)


def _stream_languages(path: Path) -> dict[str, str]:
    """The language ffmpeg reads for each stream kind of an MP4: ``{"Audio": "ara", "Data": "ara"}`` (the chapter
    track is ffmpeg's ``Data: bin_data (text …)`` stream)."""
    found = re.findall(r"Stream #0:\d+\[0x[0-9a-f]+\](?:\((\w+)\))?: (\w+):", _log(path))
    return {kind: language or "und" for language, kind in found if kind != "Video"}


@pytest.mark.parametrize(("lang", "code"), [("ar", "ara"), ("en", "eng"), ("fr", "fre"), ("yo", "und")])
def test_the_chapter_track_speaks_the_guide_s_language(tmp_path, speech, lang, code):
    """The QuickTime chapter track (text) is tagged with the guide's language, as its audio track is: ffmpeg lists
    both streams with it (ffmpeg alone would leave the chapter track English: a Macintosh code 0)."""
    pcm, chapters = speech
    target = tmp_path / f"guide.{lang}.m4b"
    write_m4b(lambda: [pcm], target, Tags("t", "a", lang), chapters, None)
    assert _stream_languages(target) == {"Audio": code, "Data": code}
    assert [title for title, _, _ in read_chapters(target)] == [title for title, _, _ in chapters]  # still whole
    assert len(MP4(target).chapters) == len(chapters)


def test_the_same_audio_gives_the_same_m4b_bytes(tmp_path, speech, cover):
    """An M4B holds no date of its own making (ffmpeg's creation and modification times are 0 unless given) and no
    random bytes: the same audio, chapters, tags and cover give the same file."""
    pcm, chapters = speech
    made = []
    for name in ("one", "two"):
        target = tmp_path / name / "guide.ar.m4b"
        target.parent.mkdir()
        write_m4b(lambda: np.array_split(pcm, 3), target, TAGS, chapters, cover)
        made.append(target.read_bytes())
    assert made[0] == made[1]
    assert "creation_time" not in _log(tmp_path / "one" / "guide.ar.m4b")


def test_a_jpeg_cover_and_more_chapters_than_chpl_holds(tmp_path, speech):
    pcm, _ = speech
    jpeg = run_ffmpeg(
        ["-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", "-c:v", "mjpeg", "-f", "image2pipe", "pipe:1"]
    )
    step = len(pcm) / SAMPLE_RATE / 300
    chapters = [(f"فصل {i}", i * step, (i + 1) * step) for i in range(300)]
    target = tmp_path / "many.en.m4b"
    write_m4b(lambda: [pcm], target, Tags("Many", "Many", "en"), chapters, jpeg)
    found = read_chapters(target)
    assert [t for t, _, _ in found] == [t for t, _, _ in chapters]
    assert max(abs(a[1] - b[1]) for a, b in zip(found, chapters, strict=True)) <= 0.03
    mp4 = MP4(target)
    assert [c.title for c in mp4.chapters] == [t for t, _, _ in chapters[:255]]  # chpl's count is one byte
    assert mp4.tags["covr"][0].imageformat == MP4Cover.FORMAT_JPEG and bytes(mp4.tags["covr"][0]) == jpeg
    assert "\xa9ART" not in mp4.tags


def test_loudness_is_the_mp3_s_with_no_second_pass(published):
    _, pcm, _, target, mp3, source = published
    aac, peak = ebur128(str(target))
    same, _ = ebur128(str(mp3))
    normalised, _ = ebur128(str(source))
    assert abs(aac - same) <= 0.5, (aac, same)  # the MP3 of the same PCM
    assert abs(aac - normalised) <= 0.5, (aac, normalised)  # the full guide's MP3 it was made from
    assert abs(aac - measure([pcm], SAMPLE_RATE)) <= 0.3  # AAC keeps the PCM's loudness
    assert peak <= Loudness().true_peak  # and its ceiling


def test_a_failed_encode_leaves_the_old_file_and_no_temporary(tmp_path, speech, monkeypatch):
    pcm, chapters = speech
    target = tmp_path / "guide.en.m4b"
    target.write_bytes(b"the last build's file")
    monkeypatch.setattr(m4b, "CODEC", "no_such_encoder")
    with pytest.raises(AudioError, match=r"while encoding guide\.en\.m4b"):
        write_m4b(lambda: [pcm], target, TAGS, chapters, None)
    assert target.read_bytes() == b"the last build's file"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_audio_that_fails_half_way_leaves_no_file(tmp_path, speech):
    pcm, chapters = speech

    def pieces():
        yield pcm[: len(pcm) // 2]
        raise RuntimeError("the take cache went away")

    target = tmp_path / "guide.en.m4b"
    with pytest.raises(RuntimeError, match="take cache"):
        write_m4b(pieces, target, TAGS, chapters, None)
    assert list(tmp_path.iterdir()) == []


def test_wrong_inputs_are_refused_before_anything_is_written(tmp_path, speech):
    pcm, chapters = speech
    target = tmp_path / "guide.en.m4b"
    with pytest.raises(InputError, match="PNG or JPEG"):
        write_m4b(lambda: [pcm], target, TAGS, chapters, b"GIF89a not a cover")
    with pytest.raises(InputError, match="bitrate"):
        write_m4b(lambda: [pcm], target, TAGS, chapters, None, bitrate="96 kbps")
    with pytest.raises(ValueError, match="in order"):
        write_m4b(lambda: [pcm], target, TAGS, [chapters[1], chapters[0]], None)
    assert list(tmp_path.iterdir()) == []


def test_file_pcm_streams_what_decoding_gives(published, tmp_path):
    _, _, _, _, _, source = published
    pieces = list(file_pcm(source, chunk=4096)())
    assert {len(p) for p in pieces[:-1]} == {4096}
    assert np.array_equal(np.concatenate(pieces), decode_file(str(source)))
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio at all" * 100)
    with pytest.raises(AudioError, match=r"broken\.mp3"):
        list(file_pcm(broken)())
