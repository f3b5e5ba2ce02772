"""The small shared pieces of the audio and publishing code, each written once (issue 29):
the WAV bytes of a take or a preview, the bitrates an encoder is given, and the import
direction between ffmpeg and loudness."""

from __future__ import annotations

import io
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from guide.errors import InputError
from guide.publish.m4b import AAC_BITRATES
from guide.publish.mp3 import BITRATES, check_bitrate, parse_bitrate
from guide.safe_files import wav_bytes, write_wav

MP3_ADVICE = "use one of: 32k, 40k, 48k, 56k, 64k, 80k, 96k, 112k, 128k, 160k, 192k, 224k, 256k, 320k"


def _wave_module_file(path: Path, samples: np.ndarray, rate: int) -> bytes:
    """The WAV file the standard library writes straight to disk, as guide did before wav_bytes."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return path.read_bytes()


@pytest.mark.parametrize("rate", [44100, 22050])
@pytest.mark.parametrize("samples", [np.arange(-3000, 3000, 7, dtype=np.int16), np.zeros(0, dtype=np.int16)])
def test_wav_bytes_are_what_write_wav_writes(tmp_path: Path, samples: np.ndarray, rate: int) -> None:
    expected = _wave_module_file(tmp_path / "reference.wav", samples, rate)
    assert wav_bytes(samples, rate) == expected
    write_wav(tmp_path / "take.wav", samples, rate)
    assert (tmp_path / "take.wav").read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reference.wav", "take.wav"]  # no temporary file left


def test_wav_bytes_default_rate_is_the_pipelines() -> None:
    with wave.open(io.BytesIO(wav_bytes(np.ones(10, dtype=np.int16))), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()) == (1, 2, 44100, 10)


@pytest.mark.parametrize(("given", "kbps"), [("96k", 96), ("96", 96), (" 128K ", 128), ("320", 320), ("096", 96)])
def test_mp3_bitrate_parsed_once(given: str, kbps: int) -> None:
    assert parse_bitrate(given) == kbps
    assert check_bitrate(given) == f"{kbps}k"


def test_arabic_indic_digits_become_what_ffmpeg_reads() -> None:
    # "٩٦" was accepted but handed to ffmpeg as "٩٦k", which it refuses after recording.
    assert check_bitrate("٩٦") == "96k"


@pytest.mark.parametrize("given", ["0", "33k", "321", "16", "64kk", "", "abc", "64 k", "-96", "1e2"])
def test_mp3_bitrate_refused_with_the_choices(given: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_bitrate(given)
    assert str(caught.value) == f"bitrate '{given}' is not an MP3 bitrate ({MP3_ADVICE})"


def test_every_lame_bitrate_accepted() -> None:
    assert [parse_bitrate(f"{b}k") for b in BITRATES] == list(BITRATES)


@pytest.mark.parametrize(("given", "expected"), [("16", "16k"), ("33k", "33k"), ("64K", "64k"), ("320", "320k")])
def test_aac_bitrate_range(given: str, expected: str) -> None:
    assert check_bitrate(given, AAC_BITRATES) == expected


@pytest.mark.parametrize("given", ["15", "321", "0", "96 kbps", ""])
def test_aac_bitrate_refused_with_its_own_words(given: str) -> None:
    with pytest.raises(InputError) as caught:
        check_bitrate(given, AAC_BITRATES)
    assert str(caught.value) == (
        f"bitrate '{given}' is not an AAC bitrate guide writes (use 16k to 320k; 64k is plenty for speech)"
    )


def test_ffmpeg_does_not_import_loudness() -> None:
    """The dependency runs one way: loudness uses ffmpeg; ffmpeg only the filter strings."""
    # _probes builds the probes from loudness's filters: it once imported loudness to do so.
    code = "import sys, guide.audio.ffmpeg as f; f._probes(); print('guide.audio.loudness' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "False"
