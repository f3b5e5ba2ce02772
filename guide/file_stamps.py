"""What guide knows of the files it wrote in a guide folder, so a rebuild with nothing to do reads none of them.

A rebuild compares each published file's SHA-256 with the manifest's, to notice a file
changed or damaged on disk. Hashing a 500-item guide's thousand MP3s takes longer than
the rest of a no-op. Like git's index, a stamps file in the take cache
(``<cache>/stamps/<hash of the guide folder's path>.json``) keeps, for each file, its size,
modification and change times (in nanoseconds) and inode with the
SHA-256 they had: while all four are the same, the file is the same and is not read. Any
write changes the change time (even one that puts the modification time back), so an
edited file is always hashed again.

The file also keeps the digest of what the companion files (transcripts, pages, feeds)
were made from, so they are made again only when that changes or one of them did.

The stamps only save time: a missing or damaged stamps file means hashing, never an error.
They live in the cache, not in the guide folder, which holds only what is published.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from .safe_files import read_own_text, sha256_of, write_text

FORMAT = 1


def _stat_key(path: Path) -> list[int] | None:
    """Size, mtime, ctime and inode of a regular file (never through a link); None otherwise."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


class FileStamps:
    """The stamps of one guide folder: read with :meth:`load`, kept up to date, written with :meth:`save`."""

    def __init__(
        self,
        folder: Path,
        path: Path | None = None,
        files: dict[str, list] | None = None,
        companions: dict | None = None,
    ) -> None:
        self.folder = folder
        """The guide folder (``<out>/<id>``)."""
        self.path = path
        """Where the stamps are kept (None: for this run only)."""
        self.files: dict[str, list] = files or {}
        """Relative path -> [size, mtime_ns, ctime_ns, inode, sha256]."""
        self.companions: dict = companions or {}
        """{"digest": what the companion files were made from, "files": the files made}."""
        self._changed = False

    @classmethod
    def load(cls, folder: Path, path: Path) -> FileStamps:
        """The stamps of `folder` kept at `path`; empty when there are none, they cannot be read,
        or they are another folder's."""
        try:
            data = json.loads(read_own_text(path) or "{}")
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("folder") != str(folder.resolve()):
            return cls(folder, path)
        files = data.get("files") if isinstance(data.get("files"), dict) else {}
        companions = data.get("companions") if isinstance(data.get("companions"), dict) else {}
        return cls(folder, path, files, companions)

    def sha256(self, path: Path) -> str | None:
        """SHA-256 of `path` (a file in the folder), from its stamp while the file is unchanged;
        None when it is missing, not a regular file, or a link (as :func:`~guide.safe_files.sha256_of`)."""
        relative = path.relative_to(self.folder).as_posix()
        now = _stat_key(path)
        stamp = self.files.get(relative)
        if now is not None and isinstance(stamp, list) and len(stamp) == 5 and stamp[:4] == now:
            return str(stamp[4])
        digest = sha256_of(path)
        self._set(relative, _stat_key(path) if digest is not None else None, digest)
        return digest

    def record(self, relative: str, digest: str) -> None:
        """Remember that the file at `relative`, just written by guide, has this SHA-256."""
        self._set(relative, _stat_key(self.folder / relative), digest)

    def _set(self, relative: str, key: list[int] | None, digest: str | None) -> None:
        if key is None or digest is None:
            if self.files.pop(relative, None) is not None:
                self._changed = True
            return
        value = [*key, digest]
        if self.files.get(relative) != value:
            self.files[relative] = value
            self._changed = True

    def companions_current(self, digest: str) -> bool:
        """Whether the companion files were made from `digest` and none of them changed since."""
        files = self.companions.get("files")
        if self.companions.get("digest") != digest or not isinstance(files, list):
            return False
        for relative in files:
            stamp = self.files.get(relative)
            if not isinstance(stamp, list) or stamp[:4] != _stat_key(self.folder / relative):
                return False
        return True

    def companion_files(self) -> list[str]:
        """The companion files the last build made (relative paths)."""
        files = self.companions.get("files") if isinstance(self.companions, dict) else None
        return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []

    def made_companions(self, digest: str, files: list[str]) -> None:
        """Remember the companion files made from `digest` (each stamped as it is now)."""
        for relative in files:
            self._set(relative, _stat_key(self.folder / relative), sha256_of(self.folder / relative))
        companions = {"digest": digest, "files": sorted(files)}
        if self.companions != companions:
            self.companions = companions
            self._changed = True

    def forget_missing(self) -> None:
        """Drop the stamps of files no longer in the folder."""
        for relative in [r for r in self.files if _stat_key(self.folder / r) is None]:
            self._set(relative, None, None)

    def save(self) -> None:
        """Write the stamps if they changed; a folder that cannot be written is left alone (they only save time)."""
        if not self._changed or self.path is None:
            return
        data = {
            "format": FORMAT,
            "folder": str(self.folder.resolve()),
            "files": self.files,
            "companions": self.companions,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, json.dumps(data, separators=(",", ":")))
        except OSError:
            return
        self._changed = False
