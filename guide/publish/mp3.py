"""MP3 export (pydub + ffmpeg's LAME) and ID3 tags (mutagen)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from ..audio.assemble import SAMPLE_RATE
from ..audio.ffmpeg import ffmpeg_exe
from ..errors import AudioError, InputError
from .files import atomic_path

BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)

# ISO 639-1 -> ISO 639-2/B, for the TLAN frame; other languages get no TLAN.
ISO639_2 = {
    "ar": "ara", "en": "eng", "fr": "fre", "de": "ger", "es": "spa", "it": "ita", "pt": "por",
    "nl": "dut", "ru": "rus", "tr": "tur", "fa": "per", "ur": "urd", "hi": "hin", "bn": "ben",
    "zh": "chi", "ja": "jpn", "ko": "kor", "he": "heb", "el": "gre", "pl": "pol", "sv": "swe",
    "uk": "ukr", "id": "ind", "ms": "may", "sw": "swa", "am": "amh", "so": "som", "ku": "kur",
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


def check_bitrate(bitrate: str) -> str:
    """Normalise '96k' / '96' to '96k'; InputError for anything LAME does not offer."""
    match = re.fullmatch(r"(\d+)k?", bitrate.strip().lower())
    if not match or int(match.group(1)) not in BITRATES:
        raise InputError(f"bitrate '{bitrate}' is not an MP3 bitrate (use one of: {', '.join(f'{b}k' for b in BITRATES)})")
    return f"{match.group(1)}k"


def write_mp3(pcm: Iterable[np.ndarray], target: Path, tags: Tags, bitrate: str = "96k") -> None:
    """Encode mono 44.1 kHz int16 `pcm` pieces to `target` with `tags`, atomically.

    The pieces are streamed into ffmpeg's LAME encoder, so a long full guide is
    never held in memory whole.
    """
    from mutagen.id3 import ID3, TALB, TIT2, TLAN, TPE1, TRCK

    with atomic_path(target) as tmp:
        cmd = [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
            "-codec:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3", str(tmp),
        ]
        process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for piece in pcm:
                process.stdin.write(np.asarray(piece, dtype="<i2").tobytes())
            process.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its exit status and message say why
        except BaseException:
            process.kill()
            process.wait()
            raise
        error = process.stderr.read().decode(errors="replace").strip()
        if process.wait() != 0:
            raise AudioError(f"could not encode {target.name}: {error.splitlines()[-1] if error else 'ffmpeg failed'}")
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
        id3.save(str(tmp), v2_version=4)
