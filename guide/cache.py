"""The take cache: every recorded sentence, stored as a WAV file under its content key.

Takes are written to a temporary name and renamed into place, so a build
killed at any moment leaves only whole takes, which the next build reuses.

The cache folder is the user's (it may be a symbolic link); below it, guide follows
no link: ``takes/`` and ``takes/ab/`` must be real folders (a link there is an
error), and a link in place of a take is not a take: it is recorded again and
replaced, never read (a planted link cannot slip foreign audio into a guide).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .audio.assemble import SAMPLE_RATE
from .errors import InputError, OutputError
from .safe_files import (
    DISK_ERRNOS,
    link_refused,
    remove_leftovers,
    safe_child,
    write_wav,
)

CACHE_ENV = "GUIDE_CACHE_DIR"
DEFAULT_CACHE = Path(".guide-cache")
"""Relative to the folder `guide` runs in (the project root), git-ignored."""

KEY_RE = re.compile(r"[0-9A-Za-z_-]{2,128}")
"""A take key is a file name: no separator, no dot (keys are SHA-256 hex digests)."""


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
    """Takes by key, as mono 16-bit 44.1 kHz WAV files in ``<folder>/takes/<k[:2]>/<key>.wav``;
    and the full guides' bridge pieces (announcements and pauses, encoded) in ``<folder>/pieces/``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.takes = self.folder / "takes"
        _check_folder(self.folder)

    def path(self, key: str) -> Path:
        """Where the take `key` is (or would be) stored.

        Raises:
            OutputError: ``takes/`` or ``takes/<k[:2]>/`` is a symbolic link.
        """
        return safe_child(self.folder, _relative(key))

    def parity_path(self, script: Path) -> Path:
        """Where the pairs of texts the cross-language check found agreeing in the script at `script` are kept
        (:class:`~guide.text.memo.ParityMemo`):
        one file per script, named by its absolute path, as the check reads it before knowing its id.

        Raises:
            OutputError: ``parity/`` is a symbolic link.
        """
        digest = hashlib.sha256(str(script.resolve()).encode("utf-8")).hexdigest()[:16]
        return safe_child(self.folder, f"parity/{script.stem}-{digest}.json")

    def memo_path(self, script_id: str) -> Path:
        """Where the front-end's output for the script `script_id` is kept (:mod:`guide.text.memo`).

        Raises:
            OutputError: ``frontend/`` is a symbolic link.
        """
        return safe_child(self.folder, f"frontend/{script_id}.json")

    def stamps_path(self, guide_folder: Path) -> Path:
        """Where the stamps of the files of `guide_folder` are kept (:mod:`guide.file_stamps`).

        Raises:
            OutputError: ``stamps/`` is a symbolic link.
        """
        name = hashlib.sha256(str(Path(guide_folder).resolve()).encode()).hexdigest()[:32]
        return safe_child(self.folder, f"stamps/{name}.json")

    def has(self, key: str) -> bool:
        """Whether the take is stored: a real file, not a link to one."""
        try:
            return stat.S_ISREG(os.lstat(self.path(key)).st_mode)
        except OSError:
            return False

    def load(self, key: str) -> np.ndarray:
        """The take's samples (int16); never read through a symbolic link."""
        with self._open(key) as handle, wave.open(handle, "rb") as wav:
            return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)

    def frames(self, key: str) -> int:
        """The take's length in samples, read from its header only."""
        with self._open(key) as handle, wave.open(handle, "rb") as wav:
            return wav.getnframes()

    def piece_path(self, key: str) -> Path:
        """Where the encoded full-guide piece `key` is (or would be) stored: ``pieces/<k[:2]>/<key>.mp3``.

        Pieces are written like takes: under a temporary name, then renamed into place
        (``atomic_path(cache.piece_path(key), root=cache.folder)``).
        """
        if not KEY_RE.fullmatch(key):
            raise ValueError(f"not a piece key: {key!r}")
        return safe_child(self.folder, f"pieces/{key[:2]}/{key}.mp3")

    def has_piece(self, key: str) -> bool:
        """Whether the piece is stored: a real file, not a link to one."""
        try:
            return stat.S_ISREG(os.lstat(self.piece_path(key)).st_mode)
        except OSError:
            return False

    def _open(self, key: str) -> BinaryIO:
        path = self.path(key)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            if os.path.islink(path):
                raise link_refused(path, self.folder) from None
            raise
        return os.fdopen(fd, "rb")

    def store(self, key: str, samples: np.ndarray) -> None:
        """Store a take atomically (a reader never sees half a take); a link in its place is replaced.

        Raises:
            OutputError: the take cannot be written (read-only folder, disk full, file
                size limit), or a folder of the cache is a symbolic link. Nothing half
                written is left.
        """
        target = self.folder / _relative(key)
        try:
            write_wav(target, samples, SAMPLE_RATE, root=self.folder)
        except OSError as exc:
            raise self._cannot_write(target, exc) from None

    def _cannot_write(self, target: Path, exc: OSError) -> OutputError:
        why = exc.strerror or str(exc)
        if exc.errno in DISK_ERRNOS:
            why += " (the disk is full, or a file size limit or quota was reached)"
        return OutputError(f"cannot write {target}: {why}; the take cache {self.folder} keeps only whole takes")

    def _files(self) -> Iterable[Path]:
        """Every stored take, following no link (a link to a folder in ``takes/`` is refused)."""
        takes = safe_child(self.folder, "takes", folder=True)
        try:
            shards = list(os.scandir(takes))
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        for shard in shards:
            if shard.is_symlink():
                if os.path.isdir(shard.path):
                    raise link_refused(Path(shard.path), self.folder)
                continue
            if not shard.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(shard.path):
                if (
                    entry.name.endswith(".wav")
                    and not entry.name.startswith(".")
                    and entry.is_file(follow_symlinks=False)
                ):
                    found.append(Path(entry.path))
        return found

    def info(self) -> CacheInfo:
        count = size = frames = 0
        for path in self._files():
            length = path.lstat().st_size
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
                freed += path.lstat().st_size
                path.unlink(missing_ok=True)
                removed += 1
        self.remove_leftovers()
        return removed, freed

    def remove_leftovers(self) -> int:
        """Delete half-written takes of builds that died.

        Raises:
            OutputError: ``takes/`` or a folder in it is a symbolic link (before anything is recorded).
        """
        removed = remove_leftovers(safe_child(self.folder, "takes", folder=True), ("*/.*.part",))
        return removed + remove_leftovers(safe_child(self.folder, "pieces", folder=True), ("*/.*.part",))


def _relative(key: str) -> str:
    """The take's path inside the cache folder."""
    if not KEY_RE.fullmatch(key):
        raise ValueError(f"not a take key: {key!r}")
    return f"takes/{key[:2]}/{key}.wav"


def _check_folder(folder: Path) -> None:
    """InputError when `folder` cannot be a folder: it is a file, or lies under one."""
    for place in (folder, *folder.parents):
        try:
            info = place.stat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return  # unreadable parents: writing will say so
        if not stat.S_ISDIR(info.st_mode):
            what = "is a file" if place == folder else f"lies under {place}, which is a file"
            raise InputError(f"the take cache {folder} {what}: choose a folder with --cache-dir or GUIDE_CACHE_DIR")
        return
