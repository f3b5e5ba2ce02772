"""Every file of a built guide, with its SHA-256 and size: what ``guide publish`` compares with what was
published last (content hashes only: a rebuilt MP3 of the same length has the same size)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..safe_files import STAGING_PREFIX

__all__ = ["Entry", "inventory", "MANIFEST"]

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Entry:
    """One file to publish."""

    path: str
    """Relative to the guide folder, with ``/``."""

    sha256: str
    size: int
    md5: str = ""
    """MD5 too: what S3 reports of an object uploaded in one piece (its ETag), to know a file is already there."""


def _hashes(path: Path) -> tuple[str, str, int]:
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
            md5.update(block)
            size += len(block)
    return sha.hexdigest(), md5.hexdigest(), size


def inventory(folder: Path) -> dict[str, Entry]:
    """Every file of the guide folder but the manifest and guide's own hidden and staging files; links are
    never followed (a link planted in the output is not published)."""
    found: dict[str, Entry] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part.startswith(STAGING_PREFIX) for part in relative.parts):
            continue
        if path.is_symlink() or not path.is_file() or relative.as_posix() == MANIFEST:
            continue
        if any((folder / parent).is_symlink() for parent in relative.parents if parent != Path(".")):
            continue
        sha, md5, size = _hashes(path)
        found[relative.as_posix()] = Entry(relative.as_posix(), sha, size, md5)
    return found
