"""What the English and the Arabic number rules share: number patterns, helpers and the symbols left over.

Each pattern finds one kind of thing written with digits (a phone number, a date,
a range, a currency amount, …); :mod:`guide.text.numbers_en` and
:mod:`guide.text.numbers_ar` each say it in their own language. :func:`sub`
is how every rule replaces what it found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .units import AR_UNIT_SPELLINGS, UNIT_SPELLINGS

_Replace = Callable[[re.Match[str]], str | None]

# --------------------------------------------------------------------------- #
# Number tokens and characters
# --------------------------------------------------------------------------- #

# A number token: 1,200 (groups of exactly three), 2.5, 42. It never starts in
# the middle of another number ("1.5" is one token, not "1." and "5").
NUMBER_TOKEN = r"(?<!\d)(?<![\d][.,])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?!\d)"
# A minus sign counts only where it cannot be a hyphen or a range dash: at the
# start or after a space or an opening bracket ("from -5 to 10", "(-3)").
SIGNED_TOKEN = rf"(?:(?<![^\s(\[=~<>])-)?{NUMBER_TOKEN}"
LETTER = r"[^\W\d_]"
NOT_LETTER_AFTER = rf"(?!{LETTER})"
# Closing punctuation: what may follow a word (or a dropped decoration) with no space before it.
CLOSING = ".,;:!?؟،؛)]}\"'”’»"


def sub(pattern: re.Pattern[str], replace: _Replace, text: str) -> str:
    """`pattern.sub` that keeps the match when `replace` returns None and keeps words apart.

    Words replacing "SPF30" or "30mg" get a space from the letters beside them.
    An Arabic one-letter proclitic (و ب ل ف ك) stays attached: "و20" -> "وعشرون".
    """

    def wrapped(m: re.Match[str]) -> str:
        words = replace(m)
        if words is None:
            return m.group()
        start, end = m.start(), m.end()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before.isalnum() and not _is_proclitic(text, start - 1):
            words = " " + words
        if after.isalnum():
            words += " "
        return words

    return pattern.sub(wrapped, text)


def _is_proclitic(text: str, at: int) -> bool:
    """True when text[at] is a one-letter Arabic prefix word (و، ب، ل، ف، ك) or a tatweel."""
    if text[at] == "ـ":
        return True
    return text[at] in "وبلفك" and (at == 0 or not text[at - 1].isalnum())


def plain(token: str) -> str:
    """A number token without thousands separators."""
    return token.replace(",", "")


def is_int(token: str) -> bool:
    """Whether a number token is whole (has no decimal point)."""
    return "." not in token


def numeric_date_parts(a: int, b: int, day_first: bool) -> tuple[int, int]:
    """(day, month) of a numeric date; a part above 12 settles the order, else the region does."""
    if a > 12:
        return a, b
    if b > 12:
        return b, a
    return (a, b) if day_first else (b, a)


def phone(m: re.Match[str], digits: Callable[[str], str], plus: str, comma: str) -> str | None:
    """A +-prefixed or 0-led number in groups of 7+ digits, read digit by digit per group."""
    body = m.group("body")
    groups = re.split(r"[ -]", body)
    if sum(len(g) for g in groups) < 7 or not (m.group("plus") or body.startswith("0")):
        return None
    # A comma between groups gives the pause a listener needs to write them down.
    spoken = f"{comma} ".join(digits(g) for g in groups)
    return f"{plus} {spoken}" if m.group("plus") else spoken


def is_subtraction(m: re.Match[str]) -> bool:
    """A spaced hyphen in a sentence with "=" is a minus ("10 - 3 = 7"), not a range."""
    return m.group("dash") == " - " and "=" in m.string


def previous_word(m: re.Match[str]) -> str:
    """The word before the match, without punctuation ("between", "من")."""
    before = m.string[: m.start()].split()
    return before[-1].strip(CLOSING + "(").lower() if before else ""


def symbols_between_numbers(text: str, times: str, plus: str, around: str) -> str:
    """×, x and + between numbers, ~ before one: words in place, digits kept for later rules."""
    text = _TIMES_BETWEEN.sub(times, text)
    text = _PLUS_BETWEEN.sub(plus, text)
    return _AROUND.sub(around, text)


def leftover_symbols(text: str, words: dict[str, str]) -> str:
    """Symbols with no number left beside them: ± = & + % ° ² ³."""
    text = _PLUS_MINUS.sub(f" {words['±']} ", text)
    text = _EQUALS.sub(f" {words['=']} ", text)
    text = _SPACED_PLUS.sub(f" {words['+']} ", text)
    text = _AMPERSAND.sub(words["&"], text)
    text = _LONE_PERCENT.sub(f" {words['%']}", text)
    text = _LONE_DEGREE.sub(f" {words['°']}", text)
    text = _SQUARED.sub(f" {words['²']}", text)
    return _CUBED.sub(f" {words['³']}", text)


def alternation(spellings: list[str]) -> str:
    """A regex alternation, longest spelling first ("mmHg" before "mm" before "m")."""
    return "|".join(re.escape(s).replace(r"\ ", r"\s") for s in sorted(spellings, key=len, reverse=True))


# Any unit an Arabic text may write after a number, Latin or Arabic; and a unit or % right after a number.
AR_UNIT_ALT = alternation(list(UNIT_SPELLINGS) + list(AR_UNIT_SPELLINGS))
UNIT_FOLLOWS = re.compile(rf"\s?(?:[%٪]|(?:{AR_UNIT_ALT}){NOT_LETTER_AFTER})")

# --------------------------------------------------------------------------- #
# Patterns shared by English and Arabic (each language says them its own way)
# --------------------------------------------------------------------------- #

PHONE = re.compile(r"(?<![\w+])(?P<plus>\+)?(?P<body>\d{1,4}(?:[ -]\d{2,4}){1,5})(?![\w-])")
LONE_PHONE = re.compile(r"(?<![\w.,])0\d{6,}(?![\w.,]\d?)")
VERSION = re.compile(r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.]*\d)")
ISO_DATE = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])")
NUMERIC_DATE = re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/.-])")
RANGE = re.compile(rf"(?P<a>{SIGNED_TOKEN})(?P<pa>\s?[%٪])?(?P<dash>\s*[–—]\s*|-|\s-\s)(?P<b>-?{NUMBER_TOKEN})")
HOUR_AMPM = re.compile(r"(?<![\d:.,])(?P<h>\d{1,2})\s?(?P<ap>[AaPp])\.?\s?[Mm](?P<dot>\.)?(?!\w)")
RATIO = re.compile(r"(?<![\d:.,])(?P<a>\d+):(?P<b>\d)(?![\d:])")
_TIMES_BETWEEN = re.compile(r"(?<=\d)\s?[×xX*]\s?(?=-?\d)")
_PLUS_BETWEEN = re.compile(r"(?<=\d)\s?\+\s?(?=-?\d)")
_AROUND = re.compile(r"(?:~|≈|∼)\s?(?=-?\d)")
PLUS_AFTER = re.compile(rf"(?P<n>{NUMBER_TOKEN})\+(?![\w+])")
PLUS_BEFORE = re.compile(r"(?<![\w+])\+(?=\d)")
COMPARE = re.compile(r"(?P<op>[<>≤≥])\s?(?=-?\d)")
FRACTION = re.compile(r"(?<![\d/.,])(?P<a>\d+)\s?/\s?(?P<b>\d+)(?![\d/]|[.,]\d)")
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|[kKM]|ألف|مليون|مليار)(?!\w))?"
CURRENCY_PRE = re.compile(rf"(?P<cur>[$€£])\s?(?P<amt>{NUMBER_TOKEN}){_SCALE}")
CURRENCY_POST = re.compile(rf"(?P<amt>{SIGNED_TOKEN}){_SCALE}\s?(?P<cur>[$€£])")
PERCENT = re.compile(rf"(?P<n>{SIGNED_TOKEN})\s?[%٪]")
LEADING_ZERO = re.compile(r"(?<![\d.,])0\d+(?![\d]|[.,]\d)")
NUMBER = re.compile(SIGNED_TOKEN)
_PLUS_MINUS = re.compile(r"\s?±\s?")
_EQUALS = re.compile(r"\s?=\s?")
_SPACED_PLUS = re.compile(r"\s\+\s")
_AMPERSAND = re.compile(r"\s*&\s*")
_LONE_PERCENT = re.compile(r"\s?[%٪]")
_LONE_DEGREE = re.compile(r"\s?°")
_SQUARED = re.compile(r"\s?²")
_CUBED = re.compile(r"\s?³")
