"""Each text's standing across languages, for the studio and ``guide proof``: one :class:`TextState` per
text and language, saying in words whether its numbers match the source text and whether it was reviewed
against the source text as it is now."""

from __future__ import annotations

from dataclasses import dataclass

from ..script.model import Script
from ..script.parity_check import mismatch
from ..text.parity import can_read, compare, read
from .reviews import Record, Stale, stale

SAME = "same"
"""The translation says the source's numbers (or neither says any)."""
DIFFERS = "differs"
"""It says other numbers: a build refuses it."""
SOURCE = "source"
"""It is the source text."""
NOT_COMPARED = "not compared"
"""Its language's numbers in words cannot be read, or it is not translated yet."""


@dataclass(frozen=True)
class TextState:
    """One text in one language: its numbers against the source's, and its review."""

    name: str
    """The text's name as :meth:`Script.texts` gives it (``faq[0].answer``)."""

    label: str
    """As messages name it ("faq how-long, answer")."""

    lang: str
    """The language."""

    parity: str
    """:data:`SAME`, :data:`DIFFERS`, :data:`SOURCE` or :data:`NOT_COMPARED`."""

    message: str = ""
    """What differs, in words (for :data:`DIFFERS`), as ``guide check`` says it."""

    marked: tuple[str, ...] = ()
    """Words marked ``translation differs`` in it, left out of the comparison."""

    stale: Stale | None = None
    """Set when the source text changed since this translation was reviewed: ``stale.diff()`` shows how."""

    def summary(self) -> str:
        """The state in a few words: "same numbers as the English; needs review"."""
        parts = {
            SAME: "same numbers as the source",
            DIFFERS: "numbers differ from the source",
            SOURCE: "source text",
            NOT_COMPARED: "not compared",
        }[self.parity]
        if self.marked:
            parts += f" ({len(self.marked)} marked 'translation differs')"
        if self.stale is not None:
            parts += "; needs review: the source changed since it was reviewed"
        return parts


def text_states(script: Script, record: Record) -> list[TextState]:
    """Every text of `script` in every language, in script order."""
    source = script.source
    stale_by = {(s.label, s.lang): s for s in stale(script, record)}
    out: list[TextState] = []
    for name, text in script.texts():
        label = script.label(name)
        original = text.by_lang.get(source, "")
        theirs = read(original, source, script.code_switch) if original and can_read(source) else None
        for lang in script.languages:
            written = text.by_lang.get(lang, "")
            ours = read(written, lang, script.code_switch) if written and can_read(lang) else None
            marked = tuple(m.shown for m in ours.marked) if ours is not None else ()
            if lang == source:
                out.append(TextState(name, label, lang, SOURCE, marked=marked))
                continue
            if theirs is None or ours is None:
                out.append(TextState(name, label, lang, NOT_COMPARED, stale=stale_by.get((label, lang))))
                continue
            found = compare(theirs, ours)
            message = mismatch(label, source, lang, theirs, ours, found, text.line_of(source)) if found else ""
            out.append(
                TextState(
                    name,
                    label,
                    lang,
                    DIFFERS if found else SAME,
                    message,
                    marked,
                    stale_by.get((label, lang)),
                )
            )
    return out


__all__ = ["DIFFERS", "NOT_COMPARED", "SAME", "SOURCE", "TextState", "text_states"]
