"""One build at a time per output folder: an advisory lock file held for the whole build.

The lock is ``fcntl.flock`` on ``<out>/.<id>.lock``, beside the guide's folder rather than in it
(the folder is what gets published): the kernel drops it when
the holder exits, however it exits (SIGKILL included), so a lock left by a dead
build is simply taken over. The file records the holder's pid for the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .errors import GuideError

class BuildLocked(GuideError):
    """Raised when another build is writing to the same output folder."""


class BuildLock:
    """Context manager holding the lock of a guide's output folder."""

    def __init__(self, folder: Path) -> None:
        folder = Path(folder)
        self.folder = folder
        self.path = folder.parent / f".{folder.name}.lock"
        self._fd: int | None = None

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise BuildLocked(
                f"another build is writing to {self.folder} (pid {holder}); wait for it to finish, or use another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
