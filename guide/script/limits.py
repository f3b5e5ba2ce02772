"""How large a script may be: the bounds that keep reading any file fast and small.

A script is text written by a person. Every bound here is far above what a real
guide needs (the sample script is 13 kB, 239 YAML values, 8 items, nesting 6
levels deep) and far below what would make reading it slow or memory-hungry, so
a hostile or broken file (an alias bomb, a pasted database dump, 10,000 nested
brackets) is refused with a message instead of hanging ``guide check``.

Every bound can be changed through an environment variable, read by
:meth:`Limits.from_env`; see ``docs/limits.md`` for the table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import InputError


@dataclass(frozen=True)
class Limits:
    """The bounds applied while reading one script (and its lexicon file)."""

    script_bytes: int = 5_000_000
    """Largest script file, in bytes; a larger file is refused before it is read (a script is text, not data)."""

    yaml_nodes: int = 200_000
    """Most YAML values (scalars, lists, mappings, aliases) a script may hold, and most the reader may visit
    once aliases are followed: bounds memory while composing and stops alias-expansion bombs."""

    yaml_depth: int = 50
    """Deepest nesting of lists and mappings; a script needs about 8, and deeper nesting
    would exhaust the YAML composer's recursion. Checked before composing."""

    text_chars: int = 20_000
    """Longest single text (a paragraph, a bullet, an answer), in characters after whitespace is
    collapsed; longer is almost surely a paste error."""

    total_text_chars: int = 5_000_000
    """Most characters of text in the whole script, counting a text again each time an alias repeats it:
    bounds the speech a small file can ask for through aliases."""

    items: int = 1_000
    """Most items (sections plus FAQ entries): each is a track, and a file, per language."""

    lexicon_entries: int = 5_000
    """Most lexicon entries for one language (the script's own, and its lexicon file's, each)."""

    lexicon_bytes: int = 1_000_000
    """Largest lexicon file (``lexicon_file``), in bytes; refused before it is read."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, with each bound overridden by its environment variable when set.

        `environ` defaults to ``os.environ``; an empty variable counts as unset.

        Raises:
            InputError: a variable is set to something other than a whole number of at least 1.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, variable in ENVIRONMENT.items():
            raw = environ.get(variable, "").strip()
            if not raw:
                continue
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if value < 1:
                raise InputError(
                    f"{variable}={raw!r}: must be a whole number of at least 1 (the default is {getattr(cls, name):,})"
                )
            values[name] = value
        return cls(**values)


ENVIRONMENT: dict[str, str] = {
    "script_bytes": "GUIDE_MAX_SCRIPT_BYTES",
    "yaml_nodes": "GUIDE_MAX_YAML_NODES",
    "yaml_depth": "GUIDE_MAX_YAML_DEPTH",
    "text_chars": "GUIDE_MAX_TEXT_CHARS",
    "total_text_chars": "GUIDE_MAX_TOTAL_TEXT_CHARS",
    "items": "GUIDE_MAX_ITEMS",
    "lexicon_entries": "GUIDE_MAX_LEXICON_ENTRIES",
    "lexicon_bytes": "GUIDE_MAX_LEXICON_BYTES",
}
"""Field of :class:`Limits` -> the environment variable that overrides it."""
