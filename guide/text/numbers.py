"""Numbers, symbols, units and abbreviations written out as words, per language.

`speakable(text, lang)` is the one public function. It gets one sentence that a
voice of `lang` will speak and returns it with everything an engine would have
to guess at (digits, %, units, dates, times, "e.g.", "د.", emoji) spelt out in
that language. Words and prosody punctuation are kept as they are. It runs on
spoken text only; transcripts keep the original.

Which library does what, and why:

* English and the other languages: `num2words` (cardinals, ordinals, years).
  Its English is right; we only spell decimals ourselves, from the digit string,
  so "2.50" and "3.05" keep every digit a float would lose or reorder.
* Arabic: `arabic_tts_frontend.numbers.verbalise` for cardinals (and its
  `digit_by_digit`, clock-hour and month tables). num2words' Arabic is wrong in
  ways a listener hears: 200 -> "مئتا" and 2000 -> "ألفا" (construct forms
  standing alone), 2.5 -> "اثنان  , خمسون", 3.05 -> "ثلاثة  , خمس" (the zero is
  lost), ordinal 21 -> "إحدى و عشرون" (a feminine cardinal), a stray space after
  every و, and "... وتسعمائة وألف ألف ..." inside 1234567890123.
  arabic-tts-frontend's own `normalise()` pipeline is not used either: it reads
  "-5" as "-خمسة" and 3.05 as "ثلاثة فاصلة خمسة", leaves "50 mg" and "30 ملغ"
  unread, turns "2026-11-27" into "ألفان وستة وعشرون-أحد عشر-سبعة وعشرون",
  knows no ranges, writes "وخمس دقيقة" for 10:05, and its whole-token lexicon
  turns the question word in "كم عمرك؟" into "كيلومتر عمرك؟" and rewrites
  acronyms (AI, IT) into Arabic phrases nobody asked for.

Decisions (one place to look them up):

* Ranges: "3–6" -> "three to six"; after "between" -> "three and six". Arabic
  "٣–٦" -> "من ثلاثة إلى ستة", or "ثلاثة إلى ستة" when "من" already precedes it,
  and "ثلاثة وستة" after "بين". A spaced hyphen in a sentence with "=" is minus.
* Times, English: "10:30" -> "ten thirty", "9:05" -> "nine oh five", "9:00" ->
  "nine o'clock", with am/pm -> "nine a.m."; a 24-hour time says its half of the
  day, which is no guess: "14:45" -> "two forty-five p.m.".
* Times, Arabic: the clock reading with feminine ordinal hours, as spoken in
  MSA: "10:30" -> "العاشرة والنصف", ":15" -> "والربع", ":45" -> "إلا الربع" of
  the next hour, other minutes -> "العاشرة وعشرون دقيقة". Hours 13–23 add
  "مساءً" (00 adds "ليلًا") unless the sentence already names a part of the day;
  "ص"/"م"/am/pm after a time become "صباحًا"/"مساءً".
* Dates: ISO and numeric dates take the month name. English order follows the
  region: "en"/"en-US" -> "November twenty-seventh, twenty twenty-six"; other
  English regions -> "the twenty-seventh of November, twenty twenty-six". Arabic
  reads day and year as cardinals around the month name ("سبعة وعشرون نوفمبر
  ألفان وستة وعشرون"), the same as an Arabic written date comes out. English
  years alone are read as years after "in", "since", "by", "from" and the like.
* "/" between numbers that are not a date: 1/2, 1/3, 2/3, 1/4, 3/4 are read as
  fractions; otherwise "out of" when the first is not larger ("8/10" -> "eight
  out of ten", "من أصل") and "over" when it is ("120/80" -> "over", "على").
  After a unit or number, "/day" is "per day" / "في اليوم".
* Arabic counted units and currencies agree with the number: 1 -> "ساعة واحدة",
  2 -> the dual, 3–10 -> the plural with the gender-polar number ("ثلاث ساعات"),
  otherwise the singular ("عشرون ملليغرام"); case endings are not written.
  Other counted nouns keep the masculine (independent) number form.
* Arabic "م" after a four-digit number, or after عام/سنة -> "ميلادية"; "هـ"
  after a number -> "هجرية". After other numbers "م" is left alone (metres?).
* Numbers starting with 0 ("007", "0501234567") and phone numbers (+ or 0 led,
  7+ digits in groups) are read digit by digit, never as quantities.

Where the rules live: this module is the entry point (decorations, digit folding,
over-long numbers, the other languages); :mod:`guide.text.numbers_en` and
:mod:`guide.text.numbers_ar` hold each language's rules, :mod:`guide.text.numbers_common`
the patterns and helpers they share, and :mod:`guide.text.units` the unit and
currency tables, which :mod:`guide.text.quantities` reads too.
"""

from __future__ import annotations

import re
import unicodedata

from arabic_tts_frontend.numbers import digit_by_digit as _ar_digits
from num2words import CONVERTER_CLASSES, num2words

from .numbers_ar import arabic
from .numbers_common import CLOSING, sub
from .numbers_en import en_digits, english
from .units import DIGIT_FOLD

__all__ = ["speakable"]

_DECIMAL_COMMA = re.compile(r"(?<![\d.,])(\d+),(\d{1,2})(?!\d|,\d)")
"""A comma followed by one or two digits is a decimal comma ("2,5 مغ", as much of the Arab world and Europe write
it); thousands take three ("2,500"), and a list of numbers ("1,2,3") is left alone."""
_AR_DECIMAL_SEP = re.compile(r"(?<=\d)\u066b(?=\d)")
_AR_THOUSANDS_SEP = re.compile(r"(?<=\d)\u066c(?=\d{3})")
_MINUS_SIGN = re.compile(r"\u2212(?=\d)")

# Characters that are So/Sk but that the rules below say as words.
_SPOKEN_SYMBOLS = frozenset("°№℃℉")
# Decorations outside So/Sk: bullets, the Arabic star, zero-width joiners, the
# keycap combiner (which follows a digit: 1️⃣ -> "1").
_DECORATIONS = frozenset("•‣◦⁃∙٭※\u200d\u200b\u20e3")
# Arabic honorific ligatures are So too, but they stand for words.
_AR_LIGATURES = {"\ufdfa": "صلى الله عليه وسلم", "\ufdfb": "جل جلاله", "\ufdfd": "بسم الله الرحمن الرحيم"}
_DROPPED_RUN = re.compile(r"\s*\x00[\x00\s]*")
_SPACES = re.compile(r"[ \t]{2,}")

# --------------------------------------------------------------------------- #
# Entry point and the steps every language shares
# --------------------------------------------------------------------------- #


def speakable(text: str, lang: str) -> str:
    """Return `text` with numbers, symbols, units and abbreviations as words in `lang`.

    `lang` is a language tag ("en", "ar", "en-GB", "fr"); its base code picks the
    rules (the English region only picks the order of ambiguous numeric dates).
    English and Arabic get every rule; other languages num2words supports get
    plain integers as words; the rest keep their digits. Emoji and decorative
    symbols are dropped in every language.

    >>> speakable("Results last 3–6 months.", "en")
    'Results last three to six months.'
    >>> speakable("٧٠٪ من المرضى", "ar")
    'سبعون بالمئة من المرضى'
    """
    base, _, region = lang.replace("_", "-").lower().partition("-")
    spoken = _drop_decorations(_expand_ligatures(text) if base == "ar" else text)
    spoken = _long_numbers(spoken, base)
    if base == "en":
        spoken = english(_DECIMAL_COMMA.sub(r"\1.\2", _fold(spoken)), day_first=region not in ("", "us"))
    elif base == "ar":
        spoken = arabic(_DECIMAL_COMMA.sub(r"\1.\2", _fold(spoken)))
    elif base in CONVERTER_CLASSES:
        spoken = _other(_fold(spoken), base)
    if spoken == text:
        return text
    return _SPACES.sub(" ", spoken).strip()


MAX_NUMBER_DIGITS = 15
"""Longer digit strings (card or phone numbers, pasted ids) are read digit by digit; no rule sees them whole."""

_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
_LONG_NUMBER = re.compile(rf"[{_DIGIT}](?:[{_DIGIT},\u066c.\u066b]*[{_DIGIT}])?")


def _long_numbers(text: str, base: str) -> str:
    """Digit runs longer than MAX_NUMBER_DIGITS as digits, one word each (Python's int() refuses 4,300 digits;
    num2words overflows on ordinals past 10**306; nobody says such numbers as one number anyway)."""

    def read(m: re.Match[str]) -> str:
        digits = "".join(c for c in m.group() if c.isdigit())
        if len(digits) <= MAX_NUMBER_DIGITS:
            return m.group()
        folded = digits.translate(DIGIT_FOLD)
        if base == "ar":
            return _ar_digits(folded)
        return en_digits(folded) if base == "en" else " ".join(folded)

    return _LONG_NUMBER.sub(read, text)


def _fold(text: str) -> str:
    """Eastern Arabic/Persian digits and Arabic separators to ASCII, so one set of rules reads both."""
    text = text.translate(DIGIT_FOLD)
    text = _AR_DECIMAL_SEP.sub(".", text)
    text = _AR_THOUSANDS_SEP.sub(",", text)
    text = _MINUS_SIGN.sub("-", text)
    return text.replace("℃", "°C").replace("℉", "°F")


def _expand_ligatures(text: str) -> str:
    """ﷺ and its kin as the words they stand for, before decorations are dropped."""
    for ligature, words in _AR_LIGATURES.items():
        text = text.replace(ligature, words)
    return text


def _is_decoration(ch: str) -> bool:
    """True for emoji, pictographs and decorative marks an engine should not voice."""
    if ch.isascii() or ch in _SPOKEN_SYMBOLS:
        return False
    if ch in _DECORATIONS or unicodedata.category(ch) in ("So", "Sk"):
        return True
    o = ord(ch)
    return (
        0xFE00 <= o <= 0xFE0F  # variation selectors (emoji vs text style)
        or 0xE0100 <= o <= 0xE01EF
        or 0xE0020 <= o <= 0xE007F  # tag characters of subdivision flags
        or 0x2190 <= o <= 0x21FF  # arrows, some of which are Sm, not So
        or 0x27F0 <= o <= 0x27FF
        or 0x2900 <= o <= 0x297F
    )


def _drop_decorations(text: str) -> str:
    """Remove decorations and close the gap they leave: one space between words, none before punctuation."""
    if text.isascii():
        return text
    marked = "".join("\x00" if _is_decoration(ch) else ch for ch in text)
    if "\x00" not in marked:
        return text

    def close_gap(m: re.Match[str]) -> str:
        at_edge = m.start() == 0 or m.end() == len(marked)
        before_punctuation = not at_edge and marked[m.end()] in CLOSING
        spaced = any(ch.isspace() for ch in m.group())
        return " " if spaced and not at_edge and not before_punctuation else ""

    return _DROPPED_RUN.sub(close_gap, marked).strip()


# --------------------------------------------------------------------------- #
# Other languages
# --------------------------------------------------------------------------- #

_PLAIN_INT = re.compile(r"(?<![\d.,])\d+(?![\d]|[.,]\d)")


def _other(text: str, base: str) -> str:
    """Plain integers as num2words cardinals; decimals, dates and the rest keep their digits for the engine."""

    def cardinal(m: re.Match[str]) -> str | None:
        try:
            return num2words(int(m.group()), lang=base)
        except (OverflowError, NotImplementedError, ValueError):
            return None

    return sub(_PLAIN_INT, cardinal, text)
