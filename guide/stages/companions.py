"""When the companion files (transcripts, playlists, chapters, feeds, the cover, the player) must be made again:
only when what they are made from changed (the manifest's entries, the script's publishing settings, the code
that makes them) or one of them changed on disk."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..file_stamps import FileStamps
from ..manifest import Manifest
from ..publish.companions import write_companions
from ..publish.cover import Covers, cover_recipe
from ..script.model import Script

COMPANIONS_CODE = Path(__file__).parent.parent / "publish"
"""The code that makes the companion files: a new version of it makes them again."""


@lru_cache(maxsize=1)
def companions_code() -> str:
    """A hash of the code that makes the companion files, so a new version of guide makes them again."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(COMPANIONS_CODE.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def companions_digest(manifest: Manifest, script: Script, base_url: str | None) -> str:
    """A digest of everything the companion files are made from."""
    # The entries as compact JSON: the C encoder, not the indenting one (a 500-item manifest takes a second).
    entries = json.dumps(manifest.to_json(), ensure_ascii=False, separators=(",", ":"))
    inputs = {
        "manifest": hashlib.sha256(entries.encode()).hexdigest(),
        "code": companions_code(),
        "base_url": base_url,
        "id": script.id,
        "title": dict(script.title.by_lang),
        "description": dict(script.description.by_lang) if script.description else None,
        "author": script.author,
        "category": script.category,
        "owner": asdict(script.owner) if script.owner else None,
        "publish": asdict(script.publish),
        "covers": {lang: cover_recipe(script, lang) for lang in script.languages},
        "theme": asdict(script.theme),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Companions:
    """What :func:`make_companions` did."""

    written: list[str]
    """Companion files written (their content changed), relative paths."""

    made: list[str]
    """Every companion file the build has, written or already as it should be."""

    stale: list[str]
    """Companion files the last build made and this one did not (a feed turned off): to delete."""


def make_companions(
    folder: Path, script: Script, manifest: Manifest, base_url: str | None, stamps: FileStamps, covers: Covers
) -> Companions:
    """Write the companion files of `manifest` (what the build is about to record in the guide folder) unless
    they were made from the same entries, script settings and code, and none of them changed since."""
    digest = companions_digest(manifest, script, base_url)
    if stamps.companions_current(digest):
        return Companions([], stamps.companion_files(), [])
    made: list[str] = []
    written = write_companions(folder, script, manifest, base_url, made, covers)
    stale = sorted(set(stamps.companion_files()) - set(made))
    stamps.made_companions(digest, made)
    return Companions(written, made, stale)
