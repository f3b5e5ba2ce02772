"""The number guard: what the voice says must carry the numbers the script writes.

For every sentence of every text, the quantities (numbers, units, doses, times,
dates, phone numbers: :mod:`guide.text.quantities`) of what the voice will be
given are compared with those of the written sentence. What the voice is given
is the whole front-end's result: the lexicon (``lexicon_file`` included), the
``{shown|spoken}`` substitutions, code-switched runs and the number front-end.
The written sentence is read by the same front-end with no lexicon and every
substitution shown as written, so "30" and "thirty", "5 mg" and "five
milligrams", "٣٠" and "30" are the same quantity, and "30" -> "13" or "mg" ->
"grams" is not.

A difference is an input error unless every lexicon entry or substitution that
causes it is marked as deliberate: ``{24/7|around the clock|numbers differ}``
inline, or ``"30": {say: "13", numbers_differ: true}`` in the lexicon. Marked
differences are kept (:class:`~guide.script.model.NumberException`) so that
``guide check`` lists them each time and ``guide proof`` flags their sentences.

Pure functions over the front-end: no audio, no files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from . import markup
from .frontend import FrontEnd, Run, sentence_tokens, spoken_parts
from .lexicon import entries_for, matches
from .numbers import speakable
from .quantities import Quantity, describe, difference, quantities, same_quantities

__all__ = ["Cause", "Difference", "differences", "said_quantities"]


@dataclass(frozen=True)
class Cause:
    """A lexicon entry or a substitution that changes what a sentence says."""

    kind: str
    """``lexicon`` or ``markup``."""

    lang: str
    """The language whose voice it applies to."""

    written: str
    """The lexicon key, or the substitution's shown part."""

    said: str
    """What the voice is told to say instead."""

    marked: bool
    """Marked ``numbers differ``: a deliberate exception."""

    changes: bool
    """It changes the quantities by itself (not only together with others)."""

    def __str__(self) -> str:
        if self.kind == "lexicon":
            return f'lexicon {self.lang} "{self.written}": "{self.said}"'
        return "{" + f"{self.written}|{self.said}" + ("|numbers differ}" if self.marked else "}")


@dataclass(frozen=True)
class Difference:
    """A sentence whose voice would say other quantities than its written text."""

    lang: str
    """The text's language."""

    shown: str
    """The sentence as written (markup removed): what the transcript shows."""

    said: str
    """What the voice is given, runs joined."""

    written: tuple[Quantity, ...]
    """The quantities of the written sentence."""

    spoken: tuple[Quantity, ...]
    """The quantities of what the voice would say."""

    causes: tuple[Cause, ...]
    """The entries and substitutions that change them (those that change them alone, else every candidate)."""

    @property
    def allowed(self) -> bool:
        """Every cause is marked ``numbers differ``."""
        return bool(self.causes) and all(c.marked for c in self.causes)

    def change(self) -> str:
        """What changes, in words: "say 13 where 30 is written"."""
        lost, added = difference(list(self.written), list(self.spoken))
        if lost and added:
            return f"say {describe(added)} where {describe(lost)} is written"
        if lost:
            return f"not say {describe(lost)}, which is written"
        return f"say {describe(added)}, which is not written"


def said_quantities(parts: tuple[object, ...] | list[object]) -> list[Quantity]:
    """The quantities the runs of a spoken sentence say, each run read in its own language."""
    found: list[Quantity] = []
    for part in parts:
        if isinstance(part, Run):
            found.extend(quantities(part.text, part.lang))
    return found


def _as_written(token: markup.Token) -> markup.Token:
    """A token as the script writes it: a substitution says its shown part."""
    if isinstance(token, markup.Span) and not token.plain:
        return replace(token, spoken=token.shown)
    return token


def _lexicon_hits(
    text: str, lexicon: Mapping[str, Mapping[str, str]], langs: set[str]
) -> list[tuple[str, str, str, bool]]:
    """(language, key, said, near a number) of the lexicon entries of `langs` whose key occurs in `text`."""
    hits: dict[tuple[str, str, str], bool] = {}
    for lang in sorted(langs):
        for key, said, start, end in matches(text, entries_for(lexicon, lang)):
            around = text[max(0, start - NEAR) : end + NEAR]
            hits[(lang, key, said)] = hits.get((lang, key, said), False) or _DIGIT.search(around) is not None
    return [(*hit, near) for hit, near in hits.items()]


NEAR = 24
"""Characters around a lexicon word within which a digit may be read by a rule that looks at the word
("in 1990" is a year, "الساعة 9" a clock hour, "between 3 and 6" a range): the front-end's context rules
look at the next word or two."""

_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=4096)
def _neutral(lang: str, key: str, said: str) -> bool:
    """Whether a lexicon entry says no quantity either way and is left alone by the number front-end."""
    return (
        not _DIGIT.search(key + said)
        and speakable(key, lang) == key
        and speakable(said, lang) == said
        and not quantities(key, lang)
        and not quantities(said, lang)
    )


def _changes(written: str, said: str, lang: str) -> bool:
    """Whether saying `said` for `written`, alone, in `lang`, says other quantities."""
    return not same_quantities(quantities(speakable(written, lang), lang), quantities(speakable(said, lang), lang))


def differences(
    text: str,
    lang: str,
    frontend: FrontEnd,
    marked_entries: frozenset[tuple[str, str]] = frozenset(),
) -> list[Difference]:
    """The sentences of `text` (a script text in `lang`, markup allowed) whose voice says other quantities.

    `marked_entries` are the (language, key) lexicon entries marked ``numbers_differ``.
    Sentences with no substitution and no lexicon word are the written text itself and
    are not read twice.
    """
    languages = {lang, *frontend.lexicon}
    if "{" not in text and all(
        not near and _neutral(*hit) for *hit, near in _lexicon_hits(text, frontend.lexicon, languages)
    ):
        return []  # the usual text: nothing in it can change a number
    plain_frontend = FrontEnd(code_switch=frontend.code_switch)
    out: list[Difference] = []
    for sentence in sentence_tokens(text, lang):
        substitutions = [t for t in sentence if isinstance(t, markup.Span) and not t.plain and t.spoken != t.shown]
        spoken_text = "".join(t.spoken for t in sentence if isinstance(t, markup.Span))
        hits = _lexicon_hits(spoken_text, frontend.lexicon, languages) if frontend.lexicon else []
        # A respelling with no quantity, far from any digit, cannot change a number: not read twice.
        if not substitutions and all(not near and _neutral(*hit) for *hit, near in hits):
            continue
        actual = spoken_parts(sentence, lang, frontend)
        spoken = said_quantities(actual)
        written = said_quantities(spoken_parts([_as_written(t) for t in sentence], lang, plain_frontend))
        if same_quantities(spoken, written):
            continue
        candidates = [
            Cause(
                "markup",
                t.lang or lang,
                t.shown,
                t.spoken,
                t.numbers_differ,
                _changes(t.shown, t.spoken, t.lang or lang),
            )
            for t in substitutions
        ] + [
            Cause("lexicon", hit_lang, key, said, (hit_lang, key) in marked_entries, _changes(key, said, hit_lang))
            for hit_lang, key, said, _near in hits
        ]
        causes = tuple(c for c in candidates if c.changes) or tuple(candidates)
        shown = " ".join("".join(t.shown if isinstance(t, markup.Span) else " " for t in sentence).split())
        said = " ".join(p.text for p in actual if isinstance(p, Run))
        out.append(Difference(lang, shown, said, tuple(written), tuple(spoken), causes))
    return out


_SPACES = re.compile(r"\s+")


def sentence_key(lang: str, shown: str) -> tuple[str, str]:
    """How a sentence is matched between the guard and a build's manifest: its language and shown text."""
    return lang, _SPACES.sub(" ", shown).strip()


def marker_of(cause: Cause) -> str:
    """The marker as a reviewer reads it in the script."""
    if cause.kind == "lexicon":
        return f'"{cause.written}": {{say: "{cause.said}", numbers_differ: true}} under lexicon: {cause.lang}:'
    return "{" + f"{cause.written}|{cause.said}|numbers differ" + "}"
