"""Parity across languages: a translation says the same quantities as its source text.

:func:`read` reads what one script text (markup allowed) says as :class:`Amount` s: a number with the
unit it counts ("30 minutes", "2.5 mg", "20 %"), a phone number digit by digit, a month, a weekday, a.m.
or p.m. It reads the text as written, through the same number front-end and quantity readers as the
number guard (:mod:`guide.text.guard`), so every way of writing a quantity reads the same:
``30`` = ``٣٠`` = ``ثلاثين`` = ``thirty``; "3 to 6 months" = "من ثلاثة إلى ستة أشهر";
"two weeks" = "أسبوعين"; "twice a day" = "مرتين يوميا"; "2.5 mg" = "٢٫٥ ملغ" = "2,5 مغ".

:func:`compare` compares two readings as multisets: the order of sentences may differ between
languages, the quantities may not.

Decisions, each because translations word things differently without meaning anything else:

* A number counts the unit after it in the same phrase; numbers in a row before one unit all count it
  ("3 to 6 months"), and a word that is neither a quantity nor a connector ends the phrase ("1,500
  patients a year" is 1,500, and a year). Arabic's number after a definite noun counts it
  ("الساعات الأربع والعشرين" = 24 hours).
* One, and a unit with no number, are not compared: "a week" = "one week" = "أسبوع" = "أسبوع واحد",
  "every day" = "يوميا", and "one" is also a pronoun and an article ("one of", "أحد", "at first", "أولا").
* A phone number (``+`` or 0-led, 7 digits or more) and any 0-led number is one amount, its digits in
  order: two transposed digits are a different number.
* A span marked ``{…|translation differs}`` is left out, and listed.

Pure functions: no files, no state but a cache of readings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from . import markup
from .frontend import FrontEnd, Run, sentence_tokens, spoken_parts
from .numbers_common import LEADING_ZERO, LONE_PHONE, PHONE
from .quantities import Quantity, fold, number_words, quantities, unit_after, unit_name
from .units import DIGIT_FOLD

__all__ = ["READABLE", "Amount", "Difference", "Reading", "can_read", "compare", "language_name", "read"]

READABLE = ("en", "ar")
"""Languages whose quantities are read in words as well as digits."""

_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "it": "Italian",
    "ku": "Kurdish",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ru": "Russian",
    "so": "Somali",
    "tr": "Turkish",
    "ur": "Urdu",
    "zh": "Chinese",
}
_MONTHS = "January February March April May June July August September October November December".split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def language_name(lang: str) -> str:
    """A language's English name for messages ("Arabic"), or its code."""
    return _NAMES.get(lang.split("-")[0].lower(), lang)


def can_read(lang: str) -> bool:
    """Whether quantities written in words in `lang` are read (else a text's parity is not checked)."""
    return lang.split("-")[0].lower() in READABLE


@dataclass(frozen=True, order=True)
class Amount:
    """One quantity a text says, as compared between languages."""

    kind: str
    """``number``, ``phone``, ``time`` (of day, "9:30"), ``month``, ``weekday``, ``ampm``, or ``always`` ("24/7")."""

    value: str
    """The number as an exact decimal or fraction ("2.5", "1/3"); a phone number's digits; the month's number."""

    unit: str = ""
    """The key of the unit a number counts ("min", "mg", "%", "month"); "" for a bare number."""

    def __str__(self) -> str:
        if self.kind == "phone":
            return f"the phone number {self.value}"
        if self.kind == "always":
            return "24/7"
        if self.kind == "time":
            return f"the time {self.value}"
        if self.kind == "month":
            return _MONTHS[int(self.value) - 1]
        if self.kind == "weekday":
            return _WEEKDAYS[int(self.value) - 1]
        if self.kind == "ampm":
            return {"am": "a.m.", "pm": "p.m."}.get(self.value, self.value)
        if not self.unit:
            return self.value
        name = unit_name(self.unit)
        return f"{self.value}{name}" if name in ("$", "€", "£") else f"{self.value} {name}"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text as written, and the amounts it says."""

    shown: str
    """The sentence as the transcript shows it."""

    amounts: tuple[Amount, ...]
    """What it says, in order."""


@dataclass(frozen=True)
class Reading:
    """What one text in one language says."""

    lang: str
    """The text's language."""

    sentences: tuple[Sentence, ...]
    """Sentence by sentence."""

    marked: tuple[Sentence, ...] = ()
    """Each ``{…|translation differs}`` span: its text and the amounts left out of the comparison."""

    @property
    def amounts(self) -> Counter[Amount]:
        """Every amount compared, with how many times it is said."""
        return Counter(a for s in self.sentences for a in s.amounts)

    def where(self, amount: Amount) -> str:
        """The words of the first sentence that say `amount` ("٤٠ دقيقة"), or the sentence."""
        for sentence in self.sentences:
            if amount in sentence.amounts:
                return _fragment(sentence.shown, amount, self.lang)
        return ""


@dataclass(frozen=True)
class Difference:
    """An amount said a different number of times in the source text and a translation."""

    amount: Amount
    """What is said."""

    in_source: int
    """How many times the source text says it."""

    in_translation: int
    """How many times the translation says it."""


def compare(source: Reading, translation: Reading) -> list[Difference]:
    """Every amount the two readings do not say equally often, in a stable order."""
    a, b = source.amounts, translation.amounts
    return [Difference(amount, a[amount], b[amount]) for amount in sorted(set(a) | set(b)) if a[amount] != b[amount]]


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #

_DIGITS = DIGIT_FOLD | {0x066B: ".", 0x066C: ","}
_HOLDER = " 1 "
_CLOCK = re.compile(r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])")
_ALWAYS = re.compile(r"(?<![\d/])24\s?/\s?7(?![\d/])")
_HAS_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0621-\u064a]")


@lru_cache(maxsize=8192)
def read(text: str, lang: str, code_switch: bool = True) -> Reading:
    """What `text` (a script text in `lang`, markup allowed) says, sentence by sentence (the whole text as one
    sentence when it was read by :func:`quick`)."""
    if "{" not in text and "[" not in text:
        found = quick(text, lang)
        if found is not None:
            return Reading(lang, (Sentence(" ".join(text.split()), tuple(found)),))
    return read_through_front_end(text, lang, code_switch)


def read_through_front_end(text: str, lang: str, code_switch: bool = True) -> Reading:
    """:func:`read` without the quick reading: every sentence through the number front-end and read back."""
    tokens = markup.parse(text)
    marked = tuple(
        Sentence(t.shown, tuple(_sentence_amounts(t.shown, lang, code_switch)))
        for t in tokens
        if isinstance(t, markup.Span) and t.translation_differs
    )
    # The rest, as written: a marked span is left out, every other span reads as its shown text.
    rest = markup.escape(
        "".join((" " if t.translation_differs else t.shown) if isinstance(t, markup.Span) else " " for t in tokens)
    )
    sentences = []
    for sentence in sentence_tokens(rest, lang):
        shown = " ".join("".join(t.shown for t in sentence if isinstance(t, markup.Span)).split())
        if shown:
            found = quick(shown, lang) if code_switch else None
            sentences.append(
                Sentence(shown, tuple(found if found is not None else _sentence_amounts(shown, lang, code_switch)))
            )
    return Reading(lang, tuple(sentences), marked)


def _sentence_amounts(shown: str, lang: str, code_switch: bool) -> list[Amount]:
    """The amounts one sentence as written says."""
    phones, folded = _take_fixed(shown.translate(_DIGITS))
    other = _ARABIC if lang.split("-")[0] != "ar" else _LATIN
    if not _HAS_DIGIT.search(folded) and not (code_switch and other.search(folded)):
        runs = [(lang, folded)]  # words only, in one language: nothing for the front-end to change
    else:
        tokens = sentence_tokens(markup.escape(folded), lang)
        runs = [
            (p.lang, p.text) for s in tokens for p in spoken_parts(s, lang, _plain(code_switch)) if isinstance(p, Run)
        ]
    return phones + [
        a
        for run_lang, words in runs
        for phrase in _phrases(words, run_lang)
        for a in _amounts(quantities(phrase, run_lang))
    ]


def _take_fixed(folded: str) -> tuple[list[Amount], str]:
    """What every language writes alike and says its own way, out of a text whose digits are folded: phone numbers,
    clock times ("9:30" is "nine thirty" and "التاسعة والنصف") and "24/7"; their amounts, and the text without
    them.

    Each is left as the number one, which is never compared: what is said about it stays ("9:30 a.m." keeps its
    a.m., as "٩:٣٠ صباحا" keeps its صباحا)."""
    phones: list[Amount] = []

    def take(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if (match.re is PHONE and not (match.group("plus") or digits.startswith("0"))) or len(digits) < 2:
            return match.group()
        if match.re is PHONE and len(digits) < 7:
            return match.group()
        phones.append(Amount("phone", ("+" if match.group().startswith("+") else "") + digits))
        return _HOLDER

    for pattern in (PHONE, LONE_PHONE, LEADING_ZERO):
        folded = pattern.sub(take, folded)
    # "24/7" is said "twenty-four seven" in English and "على مدار الساعة" in Arabic: the same, written the same.
    phones.extend(Amount("always", "24/7") for _ in _ALWAYS.findall(folded))
    folded = _ALWAYS.sub(_HOLDER, folded)
    phones.extend(Amount("time", f"{int(m['h'])}:{m['m']}") for m in _CLOCK.finditer(folded))
    return phones, _CLOCK.sub(_HOLDER, folded)


# --------------------------------------------------------------------------- #
# The quick reading: digits and the units after them, with no front-end
# --------------------------------------------------------------------------- #

_ASCII_DIGIT = re.compile(r"[0-9]")
_FIXED_HINT = re.compile(r"(?<![\d.,])0\d|\+\s?\d|24\s?/\s?7|\d:\d")
"""What a phone number, a 0-led number or "24/7" starts with: only then are they looked for."""
_GAPS = str.maketrans(dict.fromkeys(".,;:!?()[]\"'«»؟،؛/-–—%٪", " "))
_NUMBER_RUN = re.compile(r"\d+(?:[.,]\d+)*")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_RANGE_DASH = re.compile(r"(?<=\d)\s?[-–—]\s?(?=\d)")
_NOT_QUICK_BEFORE = re.compile(r"(?:[:/$€£°×*+±=~<>≤≥#№–—-]\s?|[^\W\d_]|\bmay\s)$")
"""Before a number: a sign, a symbol or a letter against it ("$5", "COVID-19", "ب٣٠"), "May 5"."""
_NOT_QUICK_AFTER = re.compile(r"\s*[:/$€£°×*+±=~<>≤≥^#–—-]|[^\W\d_]|\s*[ap]\.?\s?m\b|\s*may\b|\d{16}|[.,]\d")
"""After a number: a sign, a letter against it ("5mg", "2nd"), "am", "May"; 16 digits and more (read digit by digit);
a separator and a digit the run did not take (a version, "1,2,3")."""
_QUICK_CONNECTORS = {
    "en": frozenset({"to", "and", "or", "a", "an", "of", "per", "than"}),
    "ar": frozenset({"الي", "و", "او", "من"}),
}


def quick(shown: str, lang: str) -> list[Amount] | None:
    """The amounts of `shown` (a whole text, no markup) when it says them only in digits with units after them,
    read straight from the digits as :func:`read`'s front-end path would read them; None when it says anything
    more (number words, times, money, code-switched runs, ...), which that path must read."""
    base = lang.split("-")[0].lower()
    if base not in READABLE:
        return None
    text = fold(shown, base)
    if not number_words(base).isdisjoint(text.translate(_GAPS).split()):
        return None
    digits = _ASCII_DIGIT.search(text) is not None
    if (_LATIN if base == "ar" else _ARABIC).search(text):
        # Runs in the other language are read in it: only a text with no number in either language is quick.
        other = "en" if base == "ar" else "ar"
        if digits or not number_words(other).isdisjoint(fold(shown, other).translate(_GAPS).split()):
            return None
        return []
    if not digits:
        return []
    phones: list[Amount] = []
    if _FIXED_HINT.search(text):
        phones, text = _take_fixed(text)
    if "-" in text or "–" in text or "—" in text:
        text = _RANGE_DASH.sub(" to " if base == "en" else " الي ", text)
    found: list[Amount] = []
    pending: list[str] = []  # numbers of a range, waiting for the unit they count
    for match in _NUMBER_RUN.finditer(text):
        start, end = match.span()
        value = _quick_value(match.group())
        if (
            value is None
            or _NOT_QUICK_BEFORE.search(text, max(0, start - 5), start)
            or _NOT_QUICK_AFTER.match(text, end)
        ):
            return None  # a time, a date, money, a sign, an ordinal, "5mg", "9 am", "May 5": the front-end reads it
        pending.append(value)
        rest = text[end : end + 60]
        unit = "%" if rest.lstrip()[:1] in ("%", "٪") else ""
        if not unit:
            # The words after it: connectors, then a number (a range: keep reading) or a unit (it counts them).
            words = [w.strip(_PUNCTUATION) for w in rest.split()[:6]]
            while words and words[0] in _QUICK_CONNECTORS[base]:
                words.pop(0)
            if words and _NUMBER_RUN.fullmatch(words[0] or "-"):
                continue
            unit = unit_after(words, base)[0]
        found.extend(Amount("number", v, unit) for v in pending)
        pending = []
    found.extend(Amount("number", v) for v in pending)
    return phones + [a for a in found if a.value != "1"]


def _quick_value(run: str) -> str | None:
    """A run of digits as the number it is ("1,500" -> "1500", "2,5" -> "2.5"); None for anything else."""
    if _THOUSANDS.fullmatch(run):
        run = run.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(run):
        run = run.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(run):
        return None
    whole, _, part = run.partition(".")
    value = (whole.lstrip("0") or "0") + ("." + part.rstrip("0") if part.rstrip("0") else "")
    return value


def _phrases(words: str, lang: str) -> list[str]:
    """`words` cut at each word that is neither a quantity nor a connector ("to", "إلى"): a unit counts only
    the numbers of its own phrase ("1,500 patients a year" is 1,500 and a year, not 1,500 years)."""
    phrases: list[list[str]] = [[]]
    for word in words.split():
        if _part_of_quantity(word.strip(_PUNCTUATION).lower(), lang.split("-")[0].lower()):
            phrases[-1].append(word)
        elif phrases[-1]:
            phrases.append([])
    return [" ".join(p) for p in phrases if p]


_PUNCTUATION = ".,;:!?()؟،؛\"'«»"
_CONNECTORS = {
    "en": frozenset({"to", "and", "or", "a", "an", "of", "per", "-", "–", "—", "than", "point", "minus", "oh"}),
    "ar": frozenset({"إلى", "الى", "و", "أو", "او", "-", "–", "—", "فاصلة", "سالب"}),
}
_KEPT = frozenset({"may", "am", "pm", "a.m.", "p.m.", "a.m", "p.m"})
"""Words read as quantities only next to a number ("May 5", "9 am")."""


_AR_ARTICLE = re.compile(r"^و?ال")


@lru_cache(maxsize=65536)
def _part_of_quantity(word: str, lang: str) -> bool:
    """Whether `word` may be part of a quantity: a number or unit word, a connector, or (Arabic) a number with
    the article, which counts the definite noun before it ("الساعات الأربع والعشرين")."""
    if not word:
        return False
    if word in _CONNECTORS.get(lang, ()) or word in _KEPT or word[0].isdigit() or quantities(word, lang):
        return True
    bare = _AR_ARTICLE.sub("", word) if lang == "ar" else word
    return bare != word and bool(quantities(bare, lang))


@lru_cache(maxsize=2)
def _plain(code_switch: bool) -> FrontEnd:
    """The front-end with no lexicon: the text as written, not as respelt for a voice."""
    return FrontEnd(code_switch=code_switch)


def _amounts(found: list[Quantity]) -> list[Amount]:
    """Quantities of one phrase, in order -> amounts: each number with the unit it counts ("3 to 6 months":
    numbers in a row before one unit all count it); one, and a unit with no number, dropped."""
    out: list[Amount] = []
    pending: list[str] = []
    for quantity in found:
        if quantity.kind == "number":
            pending.append(quantity.value)
        elif quantity.kind == "unit":
            out.extend(Amount("number", value, quantity.value) for value in pending)
            pending = []
        else:
            out.extend(Amount("number", value) for value in pending)
            pending = []
            out.append(Amount(quantity.kind, quantity.value))
    out.extend(Amount("number", value) for value in pending)
    return [a for a in out if not (a.kind == "number" and a.value == "1")]


def _fragment(shown: str, amount: Amount, lang: str) -> str:
    """The fewest words of `shown` that say `amount` ("٤٠ دقيقة" of a longer sentence), else `shown`."""
    words = shown.split()
    for size in range(1, min(len(words), 6) + 1):
        for start in range(len(words) - size + 1):
            piece = " ".join(words[start : start + size])
            if amount in read(markup.escape(piece), lang).amounts:
                return piece.strip(".,;:!?؟،؛")
    return shown
