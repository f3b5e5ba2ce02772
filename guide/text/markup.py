"""Inline markup in script texts: pauses, shown-vs-spoken text, forced languages.

Syntax (documented in docs/script-format.md):

- ``[pause 800ms]``, ``[pause 1.5s]``: a silence of that length.
- ``{SPF|S P F}``: the transcript shows ``SPF``, the voice says ``S P F``.
- ``{24/7|around the clock|numbers differ}``: the same, and the voice may say other
  numbers than the text shows (the number guard, :mod:`guide.text.guard`, refuses a
  substitution that changes a number unless it is marked so; ``guide check`` lists each).
- ``{٠٢ ٢٣٤٥ ٦٧٨٩|translation differs}`` (or ``{shown|spoken|translation differs}``): the quantities
  in it are meant to differ from the other languages' text (a local phone number in one
  language only); the cross-language check (:mod:`guide.text.parity`) leaves them out, and
  ``guide check`` lists each.
- ``[lang ar]حقن البوتوكس[/lang]``: spoken by the voice of that language,
  whatever automatic code switching would decide.
- ``[[``, ``]]``, ``{{``, ``}}``: a literal bracket or brace.

Anything else in brackets or braces is an error (never spoken literally).
Pure functions only: the loader validates with :func:`parse`, the planner
reads the tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PAUSE = 10.0
"""Longest inline pause, in seconds."""

MAX_UNITS = 6000
"""Most pauses and {shown|spoken} units in one text (the front-end holds each as one placeholder character)."""

_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_PAUSE_RE = re.compile(r"^pause\s+(\d+(?:\.\d+)?)\s*(ms|s)$")
_LANG_OPEN_RE = re.compile(r"^lang\s+(\S+)$")
_ESCAPES = {"[[": "[", "]]": "]", "{{": "{", "}}": "}"}
_SPECIAL_RE = re.compile(r"[\[\]{}]")

NUMBERS_DIFFER = "numbers differ"
"""The marker, as a third part of ``{shown|spoken|numbers differ}`` (and a lexicon entry's ``numbers_differ: true``),
that lets a substitution say other numbers than are written."""

TRANSLATION_DIFFERS = "translation differs"
"""The marker, as the last part of ``{text|translation differs}`` or ``{shown|spoken|translation differs}``, that
lets the quantities in it differ from what the script's other languages say (:mod:`guide.text.parity`)."""


class MarkupError(ValueError):
    """Raised when a text's inline markup is unknown or malformed."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        """Character offset in the text where the problem starts."""


@dataclass(frozen=True)
class Span:
    """A piece of text: what the transcript shows and what the voice says."""

    shown: str
    """Text as displayed (transcripts, player)."""

    spoken: str
    """Text as handed to the front-end and then the voice."""

    lang: str | None = None
    """A language forced with ``[lang xx]``; None = the text's own (code switching may still apply)."""

    plain: bool = True
    """True for ordinary text (sentences may break inside it); False for a markup unit kept whole."""

    numbers_differ: bool = False
    """Marked ``{shown|spoken|numbers differ}``: the spoken form may say other numbers than the shown one."""

    translation_differs: bool = False
    """Marked ``{text|translation differs}``: its quantities need not be in the other languages' text."""


@dataclass(frozen=True)
class Silence:
    """An inline ``[pause …]``."""

    seconds: float
    """Length of the silence."""


Token = Span | Silence


def escape(text: str) -> str:
    """`text` with every markup character doubled, so it is read literally."""
    return re.sub(r"([\[\]{}])", r"\1\1", text)


def parse(text: str) -> list[Token]:
    """The tokens of `text`, in order; :class:`MarkupError` for bad markup."""
    tokens: list[Token] = []
    forced: tuple[str, int] | None = None  # (language, offset of its [lang …])
    plain: list[str] = []

    def flush() -> None:
        if plain:
            tokens.append(Span("".join(plain), "".join(plain), forced[0] if forced else None, forced is None))
            plain.clear()

    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        char = text[i]
        if pair in _ESCAPES:
            plain.append(_ESCAPES[pair])
            i += 2
        elif char == "[":
            end = text.find("]", i)
            if end < 0:
                raise MarkupError("'[' is never closed; write '[[' for a literal bracket", i)
            command = text[i + 1 : end].strip()
            flush()
            forced = _command(command, i, forced, tokens)
            i = end + 1
        elif char == "{":
            end = text.find("}", i)
            if end < 0:
                raise MarkupError("'{' is never closed; write '{{' for a literal brace", i)
            body = text[i + 1 : end]
            if "|" not in body or any(c in body for c in "[{"):
                raise MarkupError(
                    f"'{{{body}}}' is not markup: write {{shown|spoken}}, or '{{{{' for a literal brace", i
                )
            shown, spoken, *marks = body.split("|")
            if len(marks) > 1:
                raise MarkupError(f"'{{{body}}}' has more than two '|'", i)
            if not marks and _words(spoken) == TRANSLATION_DIFFERS:
                spoken, marks = shown, [spoken]  # {text|translation differs}: said as written
            mark = _words(marks[0]) if marks else ""
            if marks and mark not in (NUMBERS_DIFFER, TRANSLATION_DIFFERS):
                raise MarkupError(
                    f"'{{{body}}}': the third part can only be '{NUMBERS_DIFFER}' "
                    f"(to let the voice say other numbers than are written) or '{TRANSLATION_DIFFERS}' "
                    f"(to let this language say other numbers than the others), not '{marks[0].strip()}'",
                    i,
                )
            flush()
            tokens.append(
                Span(
                    shown.strip(),
                    spoken.strip(),
                    forced[0] if forced else None,
                    False,
                    mark == NUMBERS_DIFFER,
                    mark == TRANSLATION_DIFFERS,
                )
            )
            i = end + 1
        elif char in "]}":
            raise MarkupError(f"unmatched '{char}'; write '{char}{char}' for a literal one", i)
        else:
            # Plain text up to the next bracket or brace, in one step (most texts have none).
            special = _SPECIAL_RE.search(text, i)
            end = special.start() if special else len(text)
            plain.append(text[i:end])
            i = end
    flush()
    if forced is not None:
        raise MarkupError(f"'[lang {forced[0]}]' is never closed with '[/lang]'", forced[1])
    if sum(1 for t in tokens if isinstance(t, Silence) or not t.plain) > MAX_UNITS:
        raise MarkupError(f"more than {MAX_UNITS:,} pauses and {{shown|spoken}} units in one text; split it", 0)
    return tokens


def _command(command: str, offset: int, forced: tuple[str, int] | None, tokens: list[Token]) -> tuple[str, int] | None:
    """Apply one bracket command; returns the language forced after it."""
    pause = _PAUSE_RE.match(command)
    if pause:
        seconds = float(pause.group(1)) / (1000 if pause.group(2) == "ms" else 1)
        if not 0 < seconds <= MAX_PAUSE:
            raise MarkupError(f"'[{command}]': a pause must be longer than 0 and at most {MAX_PAUSE:g} s", offset)
        tokens.append(Silence(seconds))
        return forced
    lang = _LANG_OPEN_RE.match(command)
    if lang:
        if forced is not None:
            raise MarkupError(f"'[{command}]' inside '[lang {forced[0]}]': close it with '[/lang]' first", offset)
        if not _LANG_RE.fullmatch(lang.group(1)):
            raise MarkupError(f"'[{command}]': '{lang.group(1)}' is not a language code like 'ar' or 'en-GB'", offset)
        return (lang.group(1), offset)
    if command == "/lang":
        if forced is None:
            raise MarkupError("'[/lang]' without a '[lang xx]' before it", offset)
        return None
    if command.startswith("pause"):
        raise MarkupError(f"'[{command}]': write a pause as '[pause 800ms]' or '[pause 1.5s]'", offset)
    raise MarkupError(
        f"unknown markup '[{command}]' (known: [pause 800ms], [lang ar]…[/lang], {{shown|spoken}}; "
        f"'[[' for a literal bracket)",
        offset,
    )


def _words(part: str) -> str:
    """A marker as compared: spaces collapsed, lower case."""
    return " ".join(part.split()).lower()


def shown_text(text: str) -> str:
    """What a transcript shows for `text`: markup removed, spans shown, whitespace normalised."""
    return " ".join("".join(t.shown if isinstance(t, Span) else " " for t in parse(text)).split())


def languages_forced(text: str) -> set[str]:
    """Languages named by ``[lang xx]`` in `text`."""
    return {t.lang for t in parse(text) if isinstance(t, Span) and t.lang}
