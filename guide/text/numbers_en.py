"""The English number rules: digits, dates, times, units, currencies, symbols and abbreviations as English words.

:func:`english` is what :func:`guide.text.numbers.speakable` runs on an English
sentence; the decisions it follows are listed there.
"""

from __future__ import annotations

import re

from num2words import num2words

from .numbers_common import (
    COMPARE,
    CURRENCY_POST,
    CURRENCY_PRE,
    FRACTION,
    HOUR_AMPM,
    ISO_DATE,
    LEADING_ZERO,
    LONE_PHONE,
    NOT_LETTER_AFTER,
    NUMBER,
    NUMBER_TOKEN,
    NUMERIC_DATE,
    PERCENT,
    PHONE,
    PLUS_AFTER,
    PLUS_BEFORE,
    RANGE,
    RATIO,
    SIGNED_TOKEN,
    UNIT_FOLLOWS,
    VERSION,
    alternation,
    is_subtraction,
    leftover_symbols,
    numeric_date_parts,
    phone,
    plain,
    previous_word,
    sub,
    symbols_between_numbers,
)
from .units import EN_CURRENCIES, EN_UNITS, UNIT_SPELLINGS, unit_key

__all__ = ["en_digits", "english"]

_EN_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
_EN_FRACTIONS = {
    (1, 2): "one half", (1, 3): "one third", (2, 3): "two thirds", (1, 4): "one quarter", (3, 4): "three quarters",
}
_EN_SCALES = {"k": "thousand", "K": "thousand", "M": "million", "bn": "billion",
              "ألف": "thousand", "مليون": "million", "مليار": "billion"}
_EN_COMPARE = {"<": "less than", ">": "more than", "≤": "at most", "≥": "at least"}
_EN_SYMBOLS = {"±": "plus or minus", "=": "equals", "+": "plus", "&": " and ", "%": "percent", "°": "degrees",
               "²": "squared", "³": "cubed"}

_EN_ABBREVIATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\w.])([Ee])\.\s?g\.(?!\w)"), "for example"),
    (re.compile(r"(?<![\w.])([Ii])\.\s?e\.(?!\w)"), "that is"),
    (re.compile(r"(?<![\w.])([Ee])tc\.(?!\w)"), "et cetera"),
    (re.compile(r"(?<![\w.])([Aa])pprox\.(?!\w)"), "approximately"),
    (re.compile(r"(?<![\w.])([Vv])s\.?(?=\s)"), "versus"),
    # Titles only before a name: "Elm Dr." at the end is Drive. "St." (Saint or
    # Street) is left to the engine.
    (re.compile(r"(?<![\w.])(D)r\.(?=\s*[A-Z])"), "Doctor"),
    (re.compile(r"(?<![\w.])(P)rof\.(?=\s*[A-Z])"), "Professor"),
    (re.compile(r"(?<![\w.])(M)rs\.(?=\s*[A-Z])"), "Missus"),
    (re.compile(r"(?<![\w.])(M)r\.(?=\s*[A-Z])"), "Mister"),
    # "no." is a word ("the answer is no."), so only before a number.
    (re.compile(r"(?<![\w.])([Nn])o\.(?=\s?\d)"), "number"),
    (re.compile(r"(?<![\w.])()(?:#|№)(?=\s?\d)"), "number"),
]
_EN_ABBREVIATION_END = re.compile(r"[\s\"')\]”’»]*$")

_EN_UNIT_ALT = alternation(list(UNIT_SPELLINGS))
_EN_PERIOD_ALT = "day|week|month|year|hour|dose|night"
_EN_MONTH_ALT = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_EN_ORD_SUFFIX = r"(?:st|nd|rd|th)?"
_EN_MONTH_DAY = re.compile(
    rf"\b{_EN_MONTH_ALT}\s+(?P<d>\d{{1,2}}){_EN_ORD_SUFFIX}(?!\d)"
    rf"(?:(?P<sep>,?\s+)(?P<y>\d{{4}})(?!\d))?(?!\s?:\d|\w)"
)
_EN_DAY_MONTH = re.compile(
    rf"(?<![\d.,])(?P<d>\d{{1,2}}){_EN_ORD_SUFFIX}\s+(?:of\s+)?{_EN_MONTH_ALT}"
    rf"(?:(?P<sep>,?\s+)(?P<y>\d{{4}})(?!\d))?(?!\w)"
)
_EN_MONTH_YEAR = re.compile(rf"\b{_EN_MONTH_ALT}\s+(?P<y>\d{{4}})(?!\d)")
_EN_CLOCK = re.compile(
    r"(?<![\d:.,])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])"
    r"(?:\s?(?P<ap>[AaPp])\.?\s?[Mm](?P<dot>\.)?(?!\w))?"
)
_EN_DECADE = re.compile(r"(?<![\d.,])(?P<y>1[1-9]\d0|20\d0)s(?!\w)")
_EN_SHORT_DECADE = re.compile(r"(?<![\w.,])['’]?(?P<y>[1-9]0)s(?!\w)")
_EN_YEAR_CONTEXT = re.compile(
    r"\b(?P<w>[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ff]rom|[Dd]uring|[Bb]efore|[Aa]fter|[Aa]round|[Cc]irca"
    r"|[Oo]f|[Yy]ear|[Ee]arly|[Ll]ate|[Mm]id|[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter|[Bb]etween)"
    r"(?P<gap>-|\s+)(?P<y>\d{4})(?!\d|[.,]\d)"
    r"(?:(?P<conj>\s+(?:to|and|until|till|through)\s+)(?P<y2>\d{4})(?!\d|[.,]\d))?"
)
# "3x daily": only a lower-case x or × stuck to the number ("Model 3 X" is a name).
_EN_TIMES_AFTER = re.compile(
    rf"(?P<n>{NUMBER_TOKEN})[x×](?!\w)(?:\s?/\s?(?P<period>{_EN_PERIOD_ALT}){NOT_LETTER_AFTER})?"
)
_EN_ORDINAL = re.compile(r"(?<![\d.,])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)(?!\w)")
_EN_UNIT = re.compile(
    rf"(?P<n>{SIGNED_TOKEN})\s?(?P<unit>{_EN_UNIT_ALT}){NOT_LETTER_AFTER}"
    rf"(?:\s?/\s?(?:(?P<per>{_EN_UNIT_ALT})|(?P<period>{_EN_PERIOD_ALT})){NOT_LETTER_AFTER})?"
)
_EN_PER_PERIOD = re.compile(rf"(?<=\d)\s?/\s?(?P<period>{_EN_PERIOD_ALT}){NOT_LETTER_AFTER}")


def english(text: str, day_first: bool) -> str:
    """All English rules, most specific first: each one leaves no digits it has read."""
    text = _en_abbreviations(text)
    text = sub(PHONE, lambda m: phone(m, en_digits, "plus", ","), text)
    text = sub(LONE_PHONE, lambda m: en_digits(m.group()), text)
    text = sub(VERSION, lambda m: " point ".join(_en_int(int(p)) for p in m.group().split(".")), text)
    # Dates before ranges and times: "2026-11-27" is not 2026 to 11.
    text = sub(ISO_DATE, lambda m: _en_date(int(m["d"]), int(m["m"]), int(m["y"]), day_first), text)
    text = sub(NUMERIC_DATE, lambda m: _en_numeric_date(m, day_first), text)
    text = sub(_EN_MONTH_DAY, _en_month_day, text)
    text = sub(_EN_DAY_MONTH, _en_day_month, text)
    text = sub(_EN_MONTH_YEAR, lambda m: f"{_en_month(m['month'])} {_en_year(int(m['y']))}", text)
    # Ranges keep their digits so that "3–6 mg" and "10:30–11:30" are read by the rules after.
    text = sub(RANGE, _en_range, text)
    text = sub(_EN_CLOCK, _en_clock, text)
    text = sub(HOUR_AMPM, _en_hour_ampm, text)
    text = sub(RATIO, lambda m: f"{_en_int(int(m['a']))} to {_en_int(int(m['b']))}", text)
    text = sub(_EN_DECADE, lambda m: _plural_number(_en_year(int(m["y"]))), text)
    text = sub(_EN_SHORT_DECADE, lambda m: _plural_number(_en_int(int(m["y"]))), text)
    text = symbols_between_numbers(text, times=" times ", plus=" plus ", around="about ")
    text = sub(_EN_TIMES_AFTER, lambda m: f"{_en_number(m['n'])} times{_en_per(m)}", text)
    text = sub(PLUS_AFTER, lambda m: f"{_en_number(m['n'])} plus", text)
    text = sub(PLUS_BEFORE, lambda m: "plus ", text)
    text = sub(COMPARE, lambda m: _EN_COMPARE[m["op"]] + " ", text)
    text = sub(FRACTION, _en_fraction, text)
    text = sub(CURRENCY_PRE, _en_currency, text)
    text = sub(CURRENCY_POST, _en_currency, text)
    text = sub(PERCENT, lambda m: f"{_en_number(m['n'])} percent", text)
    text = sub(_EN_ORDINAL, lambda m: _en_ordinal(int(plain(m["n"]))), text)
    text = sub(_EN_UNIT, _en_unit, text)
    text = sub(_EN_PER_PERIOD, _en_per, text)
    # Years after units and percentages, which have taken "2000 mg" and "2000%" already.
    text = sub(_EN_YEAR_CONTEXT, _en_year_in_context, text)
    text = sub(LEADING_ZERO, lambda m: en_digits(m.group()), text)
    text = sub(NUMBER, lambda m: _en_number(m.group()), text)
    return leftover_symbols(text, _EN_SYMBOLS)


def _en_int(n: int) -> str:
    """An integer as English words; digit by digit where num2words gives up (huge numbers)."""
    try:
        return num2words(n, lang="en")
    except (OverflowError, NotImplementedError):
        return en_digits(str(abs(n)))


def en_digits(token: str) -> str:
    """The digits of `token` as English words, one each: "007" -> "zero zero seven"."""
    return " ".join(_EN_DIGITS[int(d)] for d in token if d.isdigit())


def _en_number(token: str) -> str:
    """ "-1,200.05" -> "minus one thousand, two hundred point zero five".

    The fraction is read digit by digit from the string, as num2words does for
    floats, but without a float's rounding ("2.50" keeps its zero).
    """
    token = plain(token)
    sign = "minus " if token.startswith("-") else ""
    whole, _, fraction = token.lstrip("-").partition(".")
    words = _en_int(int(whole))
    if fraction:
        words += " point " + en_digits(fraction)
    return sign + words


def _en_ordinal(n: int) -> str:
    return num2words(n, lang="en", to="ordinal")


def _en_year(y: int) -> str:
    """A year as said aloud: 2026 -> "twenty twenty-six", 2002 -> "two thousand and two"."""
    return num2words(y, lang="en", to="year")


def _plural_number(words: str) -> str:
    """Pluralise the last word of a number: "nineteen ninety" -> "nineteen nineties"."""
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


def _en_abbreviations(text: str) -> str:
    for pattern, words in _EN_ABBREVIATIONS:
        text = sub(pattern, lambda m, w=words: _en_abbreviation(m, w), text)
    return text


def _en_abbreviation(m: re.Match[str], words: str) -> str:
    # Keep the capital of a sentence-initial "E.g." and the period of a final
    # "etc.", which is also the sentence's full stop.
    if m.group(1)[:1].isupper():
        words = words[0].upper() + words[1:]
    if m.group().endswith(".") and _EN_ABBREVIATION_END.fullmatch(m.string, m.end()):
        words += "."
    return words


def _en_month(name: str) -> str:
    """ "Nov." -> "November"."""
    key = name.rstrip(".")[:3].lower()
    return next(month for month in _EN_MONTHS if month[:3].lower() == key)


def _en_date(day: int, month: int, year: int | None, day_first: bool, sep: str = ", ") -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    name = _EN_MONTHS[month - 1]
    year_words = f"{sep}{_en_year(year)}" if year is not None else ""
    if day_first:
        return f"the {_en_ordinal(day)} of {name}{year_words}"
    return f"{name} {_en_ordinal(day)}{year_words}"


def _en_numeric_date(m: re.Match[str], day_first: bool) -> str | None:
    day, month = numeric_date_parts(int(m["a"]), int(m["b"]), day_first)
    return _en_date(day, month, int(m["y"]), day_first)


def _en_month_day(m: re.Match[str]) -> str | None:
    month = _EN_MONTHS.index(_en_month(m["month"])) + 1
    return _en_date(int(m["d"]), month, _opt_int(m["y"]), False, m["sep"] or "")


def _en_day_month(m: re.Match[str]) -> str | None:
    month = _EN_MONTHS.index(_en_month(m["month"])) + 1
    words = _en_date(int(m["d"]), month, _opt_int(m["y"]), True, m["sep"] or "")
    # "on the 27th of November": the article is already there.
    if words and previous_word(m) == "the":
        words = words.removeprefix("the ")
    return words


def _en_range(m: re.Match[str]) -> str:
    a, b = m.group("a"), m.group("b")
    joiner = " and " if previous_word(m) == "between" else " to "
    if is_subtraction(m):
        joiner = " minus "
    elif _is_year_range(m):
        return f"{_en_year(int(a))}{joiner}{_en_year(int(b))}"
    return f"{a}{m.group('pa') or ''}{joiner}{b}"


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1000 <= int(token) <= 2099


def _opt_int(token: str | None) -> int | None:
    return int(token) if token else None


def _is_year_range(m: re.Match[str]) -> bool:
    """ "2019–2021", but not "1000-2000 mg" or "1500–2000%"."""
    a, b = m.group("a"), m.group("b")
    if not (_is_year(a) and _is_year(b) and int(a) < int(b)):
        return False
    return not m.group("pa") and not UNIT_FOLLOWS.match(m.string, m.end())


def _en_clock(m: re.Match[str]) -> str | None:
    h, mi = int(m.group("h")), int(m.group("m"))
    ap = m.group("ap")
    if h > 23 or mi > 59 or (ap and not 1 <= h <= 12):
        return None
    if ap:
        period = "a.m." if ap in "Aa" else "p.m."
    elif h >= 13 or h == 0:
        period = "p.m." if h >= 13 else "a.m."
    else:
        period = ""
    hour = _en_int(h % 12 or 12) if period else _en_int(h)
    if mi == 0:
        words = f"{hour} {period}" if period else f"{hour} o'clock"
    else:
        minutes = f"oh {_en_int(mi)}" if mi < 10 else _en_int(mi)
        words = f"{hour} {minutes}" + (f" {period}" if period else "")
    return _without_doubled_period(m, words)


def _en_hour_ampm(m: re.Match[str]) -> str | None:
    h = int(m.group("h"))
    if not 1 <= h <= 12:
        return None
    return _without_doubled_period(m, f"{_en_int(h)} {'a.m.' if m.group('ap') in 'Aa' else 'p.m.'}")


def _without_doubled_period(m: re.Match[str], words: str) -> str:
    """ "9 am." must not become "nine a.m.." when the sentence's period follows."""
    if words.endswith(".") and m.string[m.end() : m.end() + 1] == ".":
        return words[:-1]
    return words


def _en_year_in_context(m: re.Match[str]) -> str | None:
    if not _is_year(m.group("y")):
        return None
    words = f"{m.group('w')}{m.group('gap')}{_en_year(int(m.group('y')))}"
    if m.group("y2"):
        second = _en_year(int(m.group("y2"))) if _is_year(m.group("y2")) else _en_number(m.group("y2"))
        words += f"{m.group('conj')}{second}"
    return words


def _en_currency(m: re.Match[str]) -> str:
    one, many, sub_one, sub_many = EN_CURRENCIES[m.group("cur")]
    amount = plain(m.group("amt"))
    scale = m.group("scale")
    if scale:
        return f"{_en_number(amount)} {_EN_SCALES.get(scale, scale)} {many}"
    sign = "minus " if amount.startswith("-") else ""
    whole, _, cents = amount.lstrip("-").partition(".")
    if len(cents) != 2:
        return f"{_en_number(amount)} {one if amount == '1' else many}"
    unit_words = f"{_en_int(int(whole))} {one if int(whole) == 1 else many}"
    cent_words = f"{_en_int(int(cents))} {sub_one if int(cents) == 1 else sub_many}"
    if int(whole) == 0:
        return sign + cent_words
    return sign + unit_words + (f" and {cent_words}" if int(cents) else "")


def _en_unit(m: re.Match[str]) -> str:
    number = plain(m.group("n"))
    one, many = EN_UNITS[unit_key(m.group("unit"))]
    words = f"{_en_number(number)} {one if number.lstrip('-') == '1' else many}"
    if m.group("per"):
        words += f" per {EN_UNITS[unit_key(m.group('per'))][0]}"
    return words + _en_per(m)


def _en_per(m: re.Match[str]) -> str:
    return f" per {m.group('period')}" if m.group("period") else ""


def _en_fraction(m: re.Match[str]) -> str:
    a, b = int(m.group("a")), int(m.group("b"))
    if (a, b) == (24, 7):
        return "twenty-four seven"
    if (a, b) in _EN_FRACTIONS:
        return _EN_FRACTIONS[(a, b)]
    # Digits kept: "120/80 mmHg" still needs the unit rule to read "80 mmHg".
    return f"{m.group('a')} {'out of' if a <= b else 'over'} {m.group('b')}"
