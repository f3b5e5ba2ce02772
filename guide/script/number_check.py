"""The number guard over a whole script: problems for `guide check` and `guide build`, and the markers it allows.

Every spoken text in every language goes through :func:`guide.text.guard.differences`.
A difference no ``numbers differ`` marker allows is a :class:`~guide.errors.Problem`
at the text's line, naming the lexicon entry or substitution that causes it, what is
written and what would be said. Every marker is listed as a
:class:`~guide.script.model.NumberException`, used or not, so a reviewer sees each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from ..text import markup
from ..text.frontend import FrontEnd
from ..text.guard import Cause, Difference, differences, marker_of
from ..text.quantities import difference
from .model import ChangedSentence, NumberException, Script


@dataclass(frozen=True)
class NumberCheck:
    """What the number guard found in a script."""

    problems: tuple[Problem, ...]
    """Differences no marker allows: input errors."""

    exceptions: tuple[NumberException, ...]
    """Every ``numbers differ`` marker, with the sentences it changes."""


def _where(script: Script, cause: Cause, text_line: int) -> tuple[Path, int]:
    """The file and line where a cause is written: its lexicon entry's, or the text's."""
    if cause.kind == "lexicon":
        source = script.lexicon_sources.get((cause.lang, cause.written))
        if source is not None:
            return source.path, source.line
    return script.path, text_line


def _lexicon_marker(lang: str, word: str, said: str) -> str:
    """A marked lexicon entry as ``guide check`` lists it."""
    return f'lexicon {lang} "{word}": "{said}" (numbers_differ: true)'


def _problem(script: Script, line: int, found: Difference) -> Problem:
    unmarked = [c for c in found.causes if not c.marked]
    because = "; ".join(f"{c} ({':'.join(map(str, _where(script, c, line)))})" for c in unmarked)
    together = "" if any(c.changes for c in found.causes) else " together"
    fix = " or ".join(marker_of(c) for c in unmarked)
    return Problem(
        script.path,
        line,
        f'the voice would {found.change()}: "{found.shown}" would be said "{found.said}", '
        f"because of {because}{together}. Correct it; if the difference is deliberate, write {fix}",
    )


def check_numbers(script: Script) -> NumberCheck:
    """Run the number guard over every spoken text of `script`, in every language."""
    frontend = FrontEnd(code_switch=script.code_switch, lexicon=script.lexicon)
    marked = frozenset(key for key, source in script.lexicon_sources.items() if source.numbers_differ)
    problems: list[Problem] = []
    # (file, line, language, marker) -> the sentences it changes
    uses: dict[tuple[Path, int, str, str], list[ChangedSentence]] = {}
    for (lang, word), source in script.lexicon_sources.items():
        if source.numbers_differ:
            said = script.lexicon.get(lang, {}).get(word, "")
            uses.setdefault((source.path, source.line, lang, _lexicon_marker(lang, word, said)), [])
    seen: set[tuple[int, str]] = set()
    for _, text in script.texts():
        for lang in script.languages:
            source = text.by_lang.get(lang, "")
            if not source or (id(text), lang) in seen:
                continue
            seen.add((id(text), lang))
            line = text.line_of(lang)
            for token in markup.parse(source) if "|" in source else ():
                if isinstance(token, markup.Span) and token.numbers_differ:
                    uses.setdefault(
                        (script.path, line, lang, "{" + f"{token.shown}|{token.spoken}|numbers differ" + "}"), []
                    )
            for found in differences(source, lang, frontend, marked):
                if not found.allowed:
                    problems.append(_problem(script, line, found))
                    continue
                lost, added = difference(list(found.written), list(found.spoken))
                record = ChangedSentence(
                    lang, found.shown, found.said, found.change(), tuple(map(str, lost)), tuple(map(str, added))
                )
                for cause in found.causes:
                    path, at = _where(script, cause, line)
                    name = (
                        _lexicon_marker(cause.lang, cause.written, cause.said)
                        if cause.kind == "lexicon"
                        else str(cause)
                    )
                    uses.setdefault((path, at, cause.lang if cause.kind == "lexicon" else lang, name), []).append(
                        record
                    )
    exceptions = tuple(
        NumberException(path, line, name, lang, tuple(dict.fromkeys(sentences)))
        for (path, line, lang, name), sentences in sorted(
            uses.items(), key=lambda kv: (str(kv[0][0]), kv[0][1], kv[0][3])
        )
    )
    return NumberCheck(tuple(problems), exceptions)
