"""``guide proof``: an offline listener that transcribes every built sentence and flags those heard wrong.

:mod:`.run` gathers the built sentences and reports on them, :mod:`.listen` transcribes,
:mod:`.compare` scores, :mod:`.report` prints and renders, :mod:`.model` finds the
recogniser (the optional ``proof`` extra), :mod:`.command` is the CLI command.
The names of :mod:`.run` are loaded on first use, so that ``guide build`` does not pay for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["HTML_NAME", "ProofOptions", "proof", "spans_of", "write_html"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module(".run", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
