"""Parity over a whole script: each translation says the quantities its source text says.

Every spoken text in every language is read with :func:`guide.text.parity.read` and compared with the
same text in the script's source language. A difference is a :class:`~guide.errors.Problem` at the
translation's line naming the source's line, and what each says, in words. Each ``translation differs``
marker is listed as a :class:`~guide.script.model.TranslationMarker`, and a language whose numbers in
words cannot be read is named once, so nothing passes unchecked in silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Problem
from ..text.parity import Difference, Reading, can_read, compare, language_name, read
from .model import Script, TranslationMarker

if TYPE_CHECKING:
    from ..text.memo import ParityMemo  # the memo writes files: numpy, not needed to load

_TIMES = {1: "once", 2: "twice"}


@dataclass(frozen=True)
class ParityCheck:
    """What the cross-language check found in a script."""

    problems: tuple[Problem, ...]
    """Translations that say other quantities than their source text, no marker allowing it: input errors."""

    markers: tuple[TranslationMarker, ...]
    """Every ``translation differs`` marker, with what it leaves out."""

    unread: tuple[str, ...]
    """Languages not compared because guide cannot read their numbers in words."""


def check_parity(script: Script, memo: ParityMemo | None = None) -> ParityCheck:
    """Compare every translated text of `script` with its source-language text; `memo` holds the pairs earlier
    runs found agreeing (:class:`~guide.text.memo.ParityMemo`), which are not read again."""
    source = script.source
    others = [lang for lang in script.languages if lang != source]
    unread = tuple(lang for lang in script.languages if not can_read(lang))
    compared = [lang for lang in others if can_read(lang) and can_read(source)]
    problems: list[Problem] = []
    markers: list[TranslationMarker] = []
    for name, text in script.texts():
        label = script.label(name)
        for lang in script.languages:
            written = text.by_lang.get(lang, "")
            if "|" in written:  # only markup can hold a marker
                reading = read(written, lang, script.code_switch)
                markers.extend(
                    TranslationMarker(
                        script.path, text.line_of(lang), label, lang, m.shown, tuple(str(a) for a in m.amounts)
                    )
                    for m in reading.marked
                )
        original = text.by_lang.get(source, "")
        if not original:
            continue
        for lang in compared:
            translated = text.by_lang.get(lang, "")
            if not translated:
                continue  # not translated yet (allow_missing): listed as such elsewhere
            key = memo.key((source, original), (lang, translated), script.code_switch) if memo is not None else ""
            if memo is not None and memo.agreed(key):
                continue
            theirs = read(original, source, script.code_switch)
            ours = read(translated, lang, script.code_switch)
            found = compare(theirs, ours)
            if not found and memo is not None:
                memo.agree(key)
            if found:
                message = mismatch(label, source, lang, theirs, ours, found, text.line_of(source))
                problems.append(Problem(script.path, text.line_of(lang), message))
    return ParityCheck(tuple(problems), tuple(markers), unread)


def mismatch(
    label: str,
    source: str,
    lang: str,
    theirs: Reading,
    ours: Reading,
    found: list[Difference],
    source_line: int,
) -> str:
    """A difference in words: "faq how-long, answer: the English says 30 minutes (line 76); the Arabic says
    ٤٠ دقيقة, 40 minutes. …"."""
    src, tr = language_name(source), language_name(lang)
    only_source = [d for d in found if d.in_translation == 0]
    only_translation = [d for d in found if d.in_source == 0]
    counted = [d for d in found if d.in_source and d.in_translation]
    clauses = []
    if only_source or only_translation:
        said = _list(theirs, only_source, "in_source")
        says = _list(ours, only_translation, "in_translation")
        if said and says:
            clauses.append(f"the {src} says {_at(said, source_line)}; the {tr} says {says}")
        elif said:
            it = "it" if len(only_source) == 1 else "them"
            clauses.append(f"the {src} says {_at(said, source_line)}; the {tr} does not say {it}")
        else:
            clauses.append(f"the {tr} says {says}; the {src} (line {source_line}) does not")
    for d in counted:
        clauses.append(
            f"the {src} says {d.amount} {_times(d.in_source)} (line {source_line}); the {tr} {_times(d.in_translation)}"
        )
    return (
        f"{label}: {'; and '.join(clauses)}. Correct the {tr} or the {src}; if the {tr} is meant to differ "
        "(a local phone number), mark the words as {…|translation differs}"
    )


def _list(reading: Reading, found: list[Difference], count: str) -> str:
    """Amounts in words, with how they are written: '40 minutes ("٤٠ دقيقة")'."""
    out = []
    for d in found:
        words = str(d.amount)
        times = getattr(d, count)
        written = reading.where(d.amount)
        item = words if times == 1 else f"{words} {_times(times)}"
        out.append(item if not written or written == words else f'{item} ("{written}")')
    return " and ".join(out)


def _at(said: str, line: int) -> str:
    """`said` with the source's line: in the parentheses of its written words when it has them."""
    return f"{said[:-1]}, line {line})" if said.endswith('")') else f"{said} (line {line})"


def _times(n: int) -> str:
    return _TIMES.get(n, f"{n} times")


def language_problems(script: Script) -> list[str]:
    """Languages the check cannot compare, once each, in words for ``guide check``."""
    source = script.source
    if not can_read(source):
        return [
            f"guide cannot read numbers written in words in {language_name(source)}, the source language: "
            "no translation is compared with it; check every number by eye"
        ]
    return [
        f"guide cannot read numbers written in words in {language_name(lang)}: its texts are not compared with "
        f"the {language_name(source)}; check every number by eye"
        for lang in script.unread_languages
    ]
