"""Every file of a built guide, with its SHA-256 and size: what ``guide publish`` compares with what was
published last (content hashes only: a rebuilt MP3 of the same length has the same size).

The build's manifest is the one inventory: it names every file the build wrote
(:attr:`guide.manifest.Manifest.files`). Each is checked on disk here before it may be published: a file
inside the guide folder, reached through no link, not one of guide's hidden or staging files, and with the
content the manifest says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputError
from ..manifest import MANIFEST, Manifest, later_files
from ..safe_files import STAGING_PREFIX

__all__ = ["MANIFEST", "Entry", "inventory"]


@dataclass(frozen=True)
class Entry:
    """One file to publish."""

    path: str
    """Relative to the guide folder, with ``/``."""

    sha256: str
    """SHA-256 of its content."""

    size: int
    """Its size in bytes."""

    md5: str = ""
    """MD5 too: what S3 reports of an object uploaded in one piece (its ETag), to know a file is already there."""

    address: str = ""
    """Where its content is published (its content address, :mod:`.addresses`); empty: at `path` itself (a
    publish made before content addresses)."""

    names: tuple[str, ...] = ()
    """The addresses a page, feed or playlist names, as published: kept while it is."""

    @property
    def at(self) -> str:
        """Where its content is published."""
        return self.address or self.path


def _hashes(path: Path) -> tuple[str, str, int]:
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
            md5.update(block)
            size += len(block)
    return sha.hexdigest(), md5.hexdigest(), size


def _publishable(folder: Path, relative: str) -> bool:
    """Whether `relative` names a regular file inside `folder`, through no link, and none of guide's own."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or relative == MANIFEST:
        return False
    if any(part.startswith(".") or part.startswith(STAGING_PREFIX) for part in parts):
        return False
    path = folder / relative
    if path.is_symlink() or not path.is_file():
        return False
    return not any((folder / parent).is_symlink() for parent in Path(relative).parents if parent != Path("."))


def inventory(folder: Path, manifest: Manifest) -> dict[str, Entry]:
    """The files `manifest` (the guide folder's) lists, the manifest aside, as they are on disk; links are never
    followed (a link planted in the output is not published), and a listed file no longer there is not published.

    Raises:
        InputError: the manifest lists no files (an older guide wrote it), or a file's content is not what the
            build wrote (changed since).
    """
    if not manifest.files:
        raise InputError(f"{folder / MANIFEST}: lists no files (an older guide wrote it); run guide build again")
    found: dict[str, Entry] = {}
    for record in manifest.files:
        if not _publishable(folder, record.path):
            continue
        sha, md5, size = _hashes(folder / record.path)
        if sha != record.sha256:
            raise InputError(
                f"{folder / record.path}: changed since guide build wrote it; run guide build again, then publish"
            )
        found[record.path] = Entry(record.path, sha, size, md5)
    for name in later_files(manifest.id):  # guide print's PDF and guide proof's page, when they were made
        if name not in found and _publishable(folder, name):
            sha, md5, size = _hashes(folder / name)
            found[name] = Entry(name, sha, size, md5)
    return found
