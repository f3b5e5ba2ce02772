"""Saving a script edited in the studio: checked, atomic, never over someone else's change, with undo.

A save takes the edits and the SHA-256 of the file as it was when the page loaded it:

1. If the file on disk has changed since (another editor, a ``git pull``), the save is
   refused with :class:`ChangedOnDisk`; the page keeps the user's edit.
2. The texts are changed in place (:func:`guide.studio.edits.edit_texts`) and the new
   script is checked with the same rules as ``guide check`` (:func:`load_source`), so a
   problem is reported before anything is written; all but one: a translation that says other
   numbers than its source text is saved (kept in ``Script.parity_problems``), and a build refuses it.
3. The version on disk is kept in the history (``<cache>/studio-history/``, outside
   ``scripts/``; the last :data:`KEEP` versions), then the new one replaces it atomically.

:func:`undo` puts back the newest version of the history (keeping the current one, so an
undo can itself be undone by the next save).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError
from ..safe_files import write_text
from ..script.loader import VoiceChecker, load_source, read_text_file
from ..script.model import Script
from .edits import TextKey, edit_texts, text_places

__all__ = ["KEEP", "ChangedOnDisk", "Loaded", "Saved", "history_folder", "read", "rewrite", "save", "undo", "versions"]

KEEP = 20
"""Versions of each script kept in the history."""


class ChangedOnDisk(InputError):
    """Raised when a script changed on disk after the studio loaded it: saving would lose that change."""


@dataclass(frozen=True)
class Loaded:
    """A script's text as the studio read it."""

    path: Path
    """The script."""

    text: str
    """Its text."""

    sha256: str
    """SHA-256 of its UTF-8 bytes: what a save compares with the file on disk."""


@dataclass(frozen=True)
class Saved:
    """What a save wrote."""

    loaded: Loaded
    """The script as it is now on disk."""

    script: Script
    """The checked script."""

    changed: tuple[TextKey, ...]
    """The texts that changed."""

    kept: Path | None
    """The previous version, in the history (None when nothing changed)."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read(path: str | Path) -> Loaded:
    """Read a script for editing."""
    path = Path(path)
    text = read_text_file(path, "script")
    return Loaded(path, text, _sha256(text))


def history_folder(cache: Path, path: Path) -> Path:
    """Where the versions of the script at `path` are kept: one folder per script, named by its absolute path."""
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache / "studio-history" / f"{path.stem}-{digest}"


def versions(cache: Path, path: Path) -> list[Path]:
    """The kept versions of the script at `path`, oldest first."""
    folder = history_folder(cache, path)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _keep(cache: Path, path: Path, text: str) -> Path:
    folder = history_folder(cache, path)
    target = folder / f"{time.time_ns():020d}-{_sha256(text)[:12]}.yaml"
    write_text(target, text)
    for old in versions(cache, path)[:-KEEP]:
        old.unlink(missing_ok=True)
    return target


def save(
    loaded: Loaded,
    edits: Mapping[TextKey, str],
    cache: Path,
    check_voice: VoiceChecker | None = None,
    allow_missing: bool = True,
) -> Saved:
    """Write `edits` into the script `loaded` came from.

    Raises:
        ChangedOnDisk: the file is not what `loaded` read.
        EditError: a text the script does not have, or one that cannot be written.
        ScriptError: the edited script breaks a rule of ``guide check`` (nothing is written); a translation
            saying other numbers than its source does not: it is saved, and listed in ``saved.script.parity_problems``.
    """
    current = _unchanged(loaded)
    languages = tuple(str(lang) for lang in _languages(current.text))
    before = text_places(current.text, languages)
    saved = _write(current, edit_texts(current.text, edits, languages), cache, check_voice, allow_missing)
    if saved.kept is None:
        return saved
    changed = tuple(key for key, new in edits.items() if before[key].value != new)
    return Saved(saved.loaded, saved.script, changed, saved.kept)


def rewrite(
    loaded: Loaded,
    change: Callable[[str], str],
    cache: Path,
    check_voice: VoiceChecker | None = None,
    allow_missing: bool = True,
) -> Saved:
    """Write ``change(text)`` over the script `loaded` came from (a lexicon entry, a voice), under the same
    rules as :func:`save`: refused over a change on disk, checked first, atomic, the version before kept."""
    current = _unchanged(loaded)
    return _write(current, change(current.text), cache, check_voice, allow_missing)


def _unchanged(loaded: Loaded) -> Loaded:
    current = read(loaded.path)
    if current.sha256 != loaded.sha256:
        raise ChangedOnDisk(
            f"{loaded.path} changed on disk since it was opened (another editor, or a git pull); "
            "nothing was saved: reload it to see that change, then make your edit again"
        )
    return current


def _write(current: Loaded, text: str, cache: Path, check_voice: VoiceChecker | None, allow_missing: bool) -> Saved:
    script = load_source(text, current.path, check_voice, allow_missing=allow_missing, parity=False)
    if text == current.text:
        return Saved(current, script, (), None)
    kept = _keep(cache, current.path, current.text)
    write_text(current.path, text)
    return Saved(Loaded(current.path, text, _sha256(text)), script, (), kept)


def undo(loaded: Loaded, cache: Path, check_voice: VoiceChecker | None = None) -> Saved:
    """Put back the newest kept version of the script (the current one is kept first).

    Raises:
        ChangedOnDisk: the file is not what `loaded` read.
        InputError: there is no version to go back to.
    """
    current = read(loaded.path)
    if current.sha256 != loaded.sha256:
        raise ChangedOnDisk(f"{loaded.path} changed on disk since it was opened; reload it before undoing")
    kept = versions(cache, loaded.path)
    if not kept:
        raise InputError(f"{loaded.path}: no earlier version to go back to")
    previous = kept[-1].read_text(encoding="utf-8")
    script = load_source(previous, loaded.path, check_voice, allow_missing=True, parity=False)
    kept[-1].unlink()
    saved = _keep(cache, loaded.path, current.text) if previous != current.text else None
    write_text(loaded.path, previous)
    return Saved(Loaded(loaded.path, previous, _sha256(previous)), script, (), saved)


def _languages(text: str) -> list[str]:
    """The script's declared languages, for texts written as plain strings in a one-language script."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    found = data.get("languages") if isinstance(data, dict) else None
    return [str(lang) for lang in found] if isinstance(found, list) else []
