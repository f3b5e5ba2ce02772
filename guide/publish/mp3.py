"""MP3 export (pydub + ffmpeg's LAME) and ID3 tags (mutagen)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


def write_mp3(audio, target: Path, tags: Tags, bitrate: str = "96k") -> None:  # noqa: ANN001 - pydub.AudioSegment
    """Encode `audio` to `target` with `tags`, atomically."""
    from mutagen.id3 import ID3, TALB, TIT2, TLAN, TPE1, TRCK

    with atomic_path(target) as tmp:
        try:
            audio.export(str(tmp), format="mp3", bitrate=bitrate).close()
        except Exception as exc:  # pydub raises CouldntEncodeError or OSError from ffmpeg
            raise AudioError(f"could not encode {target.name}: {exc}") from exc
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
