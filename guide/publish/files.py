"""Safe file writing: write to a temporary name beside the target, then rename into place.

A reader (or a build stopped half-way) never sees a half-written file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np


def temp_prefix(name: str) -> str:
    """Prefix of a temporary file for `name`, naming this process so leftovers can be told apart."""
    return f".{name}.{os.getpid()}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(path: Path) -> int | None:
    """The pid in a temporary name (``.NAME.PID.RANDOM.part`` or ``.staging-PID-RANDOM``)."""
    name = path.name
    try:
        if name.startswith(".staging-"):
            return int(name.split("-")[1])
        return int(name[: -len(".part")].rsplit(".", 2)[1])
    except (IndexError, ValueError):
        return None


def remove_leftovers(folder: Path, patterns: tuple[str, ...] = (".*.part", ".staging-*", "*/.*.part")) -> int:
    """Delete temporary files and staging folders left by builds that died (SIGKILL, power cut).

    Files of processes still running are left alone. Returns how many were removed.
    """
    removed = 0
    for pattern in patterns:
        for path in folder.glob(pattern):
            pid = _owner(path)
            if pid is None or _pid_alive(pid):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    return removed


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_wav(target: Path, samples: np.ndarray, sample_rate: int = 44100) -> None:
    """Write mono int16 samples to `target` as a WAV file, atomically."""
    import wave

    with atomic_path(target) as tmp, wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def write_text(target: Path, text: str) -> None:
    """Write UTF-8 text to `target` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def sha256_of(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None when it does not exist."""
    try:
        handle = path.open("rb")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    digest = hashlib.sha256()
    with handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_HASHES: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """SHA-256 of an input file (voice model, cover, music), remembered per (path, size, mtime)
    for the life of the process: a 60 MB voice is hashed once per build, not per check."""
    stat = path.stat()
    memo = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if memo not in _HASHES:
        digest = sha256_of(path)
        if digest is None:
            raise FileNotFoundError(path)
        _HASHES[memo] = digest
    return _HASHES[memo]
