"""The text front-end: a script text -> sentences -> runs each voice can say.

One pipeline of small pure steps, in this order, for a text in language L:

1. :mod:`~guide.text.markup`: pauses, ``{shown|spoken}``, ``[lang xx]`` runs.
2. :mod:`~guide.text.sentences`: sentence splitting on the text (markup units never split).
3. For L's own text: the L lexicon, then numbers and symbols in L (:mod:`~guide.text.numbers`),
   so "50 mg" in Arabic becomes Arabic words before code switching looks at the letters.
4. :mod:`~guide.text.codeswitch`: runs in the other script are cut out for their language.
5. For every run in another language: that language's lexicon, numbers and symbols.

Diacritization is not here: it depends on the voice, so the renderer applies it
when recording (and the take key says so). The transcript always shows the
script's own text (``shown``), never what the voice was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import markup
from .codeswitch import foreign_runs
from .lexicon import apply_lexicon, entries_for
from .numbers import speakable
from .sentences import is_silent, split_sentences

if TYPE_CHECKING:
    from .memo import SentenceMemo

_PRIVATE = range(0xF0000, 0xFFFFE)  # placeholders for markup units while splitting: Supplementary Private Use Area-A


@dataclass(frozen=True)
class FrontEnd:
    """How a script's texts are prepared for speech."""

    code_switch: bool = True
    """Cut runs written in another script out for the voice of their language."""

    lexicon: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Language -> word -> what the voice should say."""

    memo: SentenceMemo | None = field(default=None, compare=False, repr=False)
    """What earlier builds made of each text under this code switching and lexicon
    (:mod:`guide.text.memo`); None expands every text."""


@dataclass(frozen=True)
class Run:
    """Text one voice says in one go."""

    lang: str
    """Language whose voice says it."""

    text: str
    """What the voice is given (after lexicon, numbers and symbols)."""


Part = Run | markup.Silence


@dataclass(frozen=True)
class SpokenSentence:
    """One sentence: what the transcript shows, and what is heard in order."""

    shown: str
    """The sentence as written in the script (markup removed): the transcript cue."""

    parts: tuple[Part, ...]
    """Runs and inline silences, in order."""


def _sentences_of(tokens: list[markup.Token], lang: str) -> list[list[markup.Token]]:
    """Split tokens into sentences; markup units and silences are never split (markup.MAX_UNITS bounds them)."""
    units: dict[str, markup.Token] = {}
    joined: list[str] = []
    used = {c for t in tokens if isinstance(t, markup.Span) and t.plain for c in t.spoken}
    free = (chr(c) for c in _PRIVATE if chr(c) not in used)  # never a character the text itself has
    for token in tokens:
        if isinstance(token, markup.Span) and token.plain:
            joined.append(token.spoken.replace("\n", " "))
        else:
            placeholder = next(free)
            units[placeholder] = token
            # Spaces around a placeholder keep words apart; split_sentences collapses extras.
            joined.append(f" {placeholder} " if isinstance(token, markup.Silence) else placeholder)
    out: list[list[markup.Token]] = []
    for sentence in split_sentences("".join(joined), lang):
        current: list[markup.Token] = []
        plain: list[str] = []
        for char in sentence:
            if char in units:
                if plain:
                    current.append(markup.Span("".join(plain), "".join(plain)))
                    plain = []
                current.append(units[char])
            else:
                plain.append(char)
        if plain:
            current.append(markup.Span("".join(plain), "".join(plain)))
        out.append(current)
    return out


def _prepare(text: str, lang: str, frontend: FrontEnd) -> str:
    return speakable(apply_lexicon(text, entries_for(frontend.lexicon, lang)), lang)


def _runs(tokens: list[markup.Token], lang: str, frontend: FrontEnd) -> list[Part]:
    """What is heard for one sentence: merged same-language runs and silences."""
    parts: list[Part] = []
    pending: list[tuple[str | None, str]] = []  # (forced language or None, spoken text)

    def flush() -> None:
        # Spans of the same (or no) forced language are prepared together, so numbers and
        # lexicon entries that straddle a {shown|spoken} unit still read naturally.
        groups: list[tuple[str | None, str]] = []
        for forced, text in pending:
            if groups and groups[-1][0] == forced:
                groups[-1] = (forced, groups[-1][1] + text)
            else:
                groups.append((forced, text))
        for forced, text in groups:
            if forced is not None:
                _add(parts, Run(forced, _prepare(text, forced, frontend)))
                continue
            own = _prepare(text, lang, frontend)
            for run_lang, run_text in foreign_runs(own, lang) if frontend.code_switch else [(lang, own)]:
                _add(parts, Run(run_lang, run_text if run_lang == lang else _prepare(run_text, run_lang, frontend)))
        pending.clear()

    for token in tokens:
        if isinstance(token, markup.Silence):
            flush()
            parts.append(token)
        else:
            pending.append((token.lang, token.spoken))
    flush()
    return [p for p in parts if not (isinstance(p, Run) and is_silent(p.text))]


def _add(parts: list[Part], run: Run) -> None:
    """Append `run`, merging it into the previous run when the same voice says both."""
    text = " ".join(run.text.split())
    if not text:
        return
    previous = parts[-1] if parts else None
    if isinstance(previous, Run) and (previous.lang == run.lang or is_silent(text)):
        parts[-1] = Run(
            previous.lang, f"{previous.text} {text}".strip() if _spaced(previous.text, text) else previous.text + text
        )
    elif isinstance(previous, Run) and is_silent(previous.text):
        parts[-1] = Run(run.lang, previous.text + text)
    else:
        parts.append(Run(run.lang, text))


def _spaced(left: str, right: str) -> bool:
    return not (
        left.endswith(("(", "[", "«", "“")) or right.startswith((")", "]", "»", "”", ",", ".", "،", "؟", "?", "!"))
    )


def sentences(text: str, lang: str, frontend: FrontEnd) -> list[SpokenSentence]:
    """`text` (a script text in language `lang`, markup allowed) as spoken sentences.

    Raises :class:`~guide.text.markup.MarkupError` for bad markup (the loader
    reports it first, with the line).
    """
    memo = frontend.memo
    if memo is not None:
        held = memo.get(text, lang)
        if held is not None:
            return list(held)
    out: list[SpokenSentence] = []
    for tokens in _sentences_of(markup.parse(text), lang):
        shown = " ".join("".join(t.shown if isinstance(t, markup.Span) else " " for t in tokens).split())
        parts = tuple(_runs(tokens, lang, frontend))
        if parts:
            out.append(SpokenSentence(shown, parts))
    if memo is not None:
        memo.put(text, lang, out)
        return list(out)
    return out


def sentence_tokens(text: str, lang: str) -> list[list[markup.Token]]:
    """`text`'s markup tokens, sentence by sentence, as :func:`sentences` splits them (markup units kept whole)."""
    return _sentences_of(markup.parse(text), lang)


def spoken_parts(tokens: list[markup.Token], lang: str, frontend: FrontEnd) -> list[Part]:
    """What is heard for one sentence's tokens (from :func:`sentence_tokens`) in a text of language `lang`."""
    return _runs(tokens, lang, frontend)


def languages_spoken(text: str, lang: str, frontend: FrontEnd) -> set[str]:
    """Every language whose voice `text` needs (its own included when anything is left for it)."""
    return {p.lang for s in sentences(text, lang, frontend) for p in s.parts if isinstance(p, Run)}
