"""Counts in words that read right: ``1 take``, ``2 takes``, ``0 takes``.

One small pure function, used by every message that counts something (the build summary, ``guide plan``,
``guide check``, the shared cache's warning), so singular and plural are decided in one place.
"""

from __future__ import annotations

__all__ = ["counted"]


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`number` and the noun that goes with it: ``counted(1, "take")`` is ``1 take``, ``counted(3, "take")``
    ``3 takes``; `plural` for a noun that does not just take an ``s`` (``counted(2, "entry", "entries")``).

    English uses the singular for exactly one, the plural for every other number, 0 included."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
