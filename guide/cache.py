"""The take cache: every recorded sentence, stored as a WAV file under its content key.

Takes are written to a temporary name and renamed into place, so a build
killed at any moment leaves only whole takes, which the next build reuses.
"""

from __future__ import annotations

import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from .audio.assemble import SAMPLE_RATE
from .errors import InputError
from .publish.files import remove_leftovers, temp_prefix

CACHE_ENV = "GUIDE_CACHE_DIR"
DEFAULT_CACHE = Path(".guide-cache")
"""Relative to the folder `guide` runs in (the project root), git-ignored."""


def cache_dir(given: str | Path | None = None) -> Path:
    """The cache folder: the option, else GUIDE_CACHE_DIR, else ``.guide-cache/``."""
    chosen = given or os.environ.get(CACHE_ENV) or DEFAULT_CACHE
    return Path(chosen).expanduser()


@dataclass(frozen=True)
class CacheInfo:
    """Size of the take cache."""

    folder: Path
    """Where it is."""

    takes: int
    """Number of takes stored."""

    bytes: int
    """Their total size."""

    seconds: float
    """Their total audio length."""


class TakeCache:
    """Takes by key, as mono 16-bit 44.1 kHz WAV files in ``<folder>/takes/<k[:2]>/<key>.wav``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.takes = self.folder / "takes"

    def path(self, key: str) -> Path:
        """Where the take `key` is (or would be) stored."""
        return self.takes / key[:2] / f"{key}.wav"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def load(self, key: str) -> np.ndarray:
        """The take's samples (int16)."""
        with wave.open(str(self.path(key)), "rb") as wav:
            return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)

    def frames(self, key: str) -> int:
        """The take's length in samples, read from its header only."""
        with wave.open(str(self.path(key)), "rb") as wav:
            return wav.getnframes()

    def store(self, key: str, samples: np.ndarray) -> None:
        """Store a take atomically (a reader never sees half a take)."""
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=temp_prefix(key[:12]), suffix=".part", dir=target.parent)
        except OSError as exc:
            raise InputError(f"cannot write to the take cache {self.folder}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(SAMPLE_RATE)
                wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _files(self) -> Iterable[Path]:
        return self.takes.glob("*/*.wav") if self.takes.is_dir() else ()

    def info(self) -> CacheInfo:
        count = size = frames = 0
        for path in self._files():
            length = path.stat().st_size
            count += 1
            size += length
            frames += (length - 44) // 2  # 16-bit mono after the 44-byte header
        return CacheInfo(self.folder, count, size, frames / SAMPLE_RATE)

    def prune(self, keep: set[str]) -> tuple[int, int]:
        """Delete takes whose key is not in `keep`, and leftovers of interrupted writes.

        Returns (takes removed, bytes freed).
        """
        removed = freed = 0
        for path in list(self._files()):
            if path.stem not in keep:
                freed += path.stat().st_size
                path.unlink(missing_ok=True)
                removed += 1
        if self.takes.is_dir():
            remove_leftovers(self.takes, ("*/.*.part",))
        return removed, freed

    def remove_leftovers(self) -> int:
        """Delete half-written takes of builds that died."""
        return remove_leftovers(self.takes, ("*/.*.part",)) if self.takes.is_dir() else 0
