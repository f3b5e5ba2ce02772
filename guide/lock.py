"""One build at a time per guide folder.

The lock is ``fcntl.flock`` on the guide's folder itself: nothing is written for
it, and the kernel drops it when the holder exits however it exits (SIGKILL
included), so the lock of a build that died is simply taken over.

The guide folder may be a symbolic link the user made (to keep a guide on another
disk); a link to nowhere (the disk not mounted) is named in the error, and what it
points to is not created.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .errors import GuideError, OutputError


class BuildLocked(GuideError):
    """Raised when another build is writing to the same guide folder."""


class BuildLock:
    """Context manager holding the lock of a guide's output folder (created if missing)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            dangling = _dangling_link(self.folder)
            if dangling is None:
                raise
            raise OutputError(
                f"{dangling}: is a symbolic link to {os.readlink(dangling)}, which does not exist "
                "(a disk not mounted?); mount or create it, or remove the link"
            ) from None
        fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BuildLocked(
                f"another build is writing to {self.folder}; wait for it to finish, or build into another --out"
            ) from None
        self._fd = fd
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _dangling_link(folder: Path) -> Path | None:
    """The symbolic link to nowhere on the way to `folder`, if that is why it cannot be made."""
    for place in (folder, *folder.parents):
        if place.is_symlink() and not place.exists():
            return place
    return None


def held_elsewhere(folder: Path) -> bool:
    """Whether another process is building into `folder` now (the studio shows a CLI build, never races it).

    Only asks: the lock is taken and dropped at once, and nothing is created.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock taken just now
    return False
