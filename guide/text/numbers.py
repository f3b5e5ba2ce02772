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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from arabic_tts_frontend.normalize import HOUR_ORD as _AR_CLOCK_HOURS
from arabic_tts_frontend.normalize import MONTHS as _AR_MONTHS
from arabic_tts_frontend.numbers import digit_by_digit as _ar_digits
from arabic_tts_frontend.numbers import verbalise as _ar_verbalise
from num2words import CONVERTER_CLASSES, num2words

__all__ = ["speakable"]

_Replace = Callable[[re.Match[str]], str | None]

# --------------------------------------------------------------------------- #
# Number tokens and characters
# --------------------------------------------------------------------------- #

# A number token: 1,200 (groups of exactly three), 2.5, 42. It never starts in
# the middle of another number ("1.5" is one token, not "1." and "5").
_N = r"(?<!\d)(?<![\d][.,])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?!\d)"
# A minus sign counts only where it cannot be a hyphen or a range dash: at the
# start or after a space or an opening bracket ("from -5 to 10", "(-3)").
_SIGNED = rf"(?:(?<![^\s(\[=~<>])-)?{_N}"
_LETTER = r"[^\W\d_]"
_NOT_LETTER_AFTER = rf"(?!{_LETTER})"

_DIGIT_FOLD = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGIT_FOLD.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
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
_CLOSING = ".,;:!?؟،؛)]}\"'”’»"
_DROPPED_RUN = re.compile(r"\s*\x00[\x00\s]*")
_SPACES = re.compile(r"[ \t]{2,}")

# --------------------------------------------------------------------------- #
# Entry point and helpers shared by the languages
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
        spoken = _english(_fold(spoken), day_first=region not in ("", "us"))
    elif base == "ar":
        spoken = _arabic(_fold(spoken))
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
        folded = digits.translate(_DIGIT_FOLD)
        if base == "ar":
            return _ar_digits(folded)
        return _en_digits(folded) if base == "en" else " ".join(folded)

    return _LONG_NUMBER.sub(read, text)


def _fold(text: str) -> str:
    """Eastern Arabic/Persian digits and Arabic separators to ASCII, so one set of rules reads both."""
    text = text.translate(_DIGIT_FOLD)
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
        before_punctuation = not at_edge and marked[m.end()] in _CLOSING
        spaced = any(ch.isspace() for ch in m.group())
        return " " if spaced and not at_edge and not before_punctuation else ""

    return _DROPPED_RUN.sub(close_gap, marked).strip()


def _sub(pattern: re.Pattern[str], replace: _Replace, text: str) -> str:
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


def _plain(token: str) -> str:
    """A number token without thousands separators."""
    return token.replace(",", "")


def _is_int(token: str) -> bool:
    return "." not in token


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1000 <= int(token) <= 2099


def _opt_int(token: str | None) -> int | None:
    return int(token) if token else None


def _numeric_date_parts(a: int, b: int, day_first: bool) -> tuple[int, int]:
    """(day, month) of a numeric date; a part above 12 settles the order, else the region does."""
    if a > 12:
        return a, b
    if b > 12:
        return b, a
    return (a, b) if day_first else (b, a)


def _phone(m: re.Match[str], digits: Callable[[str], str], plus: str, comma: str) -> str | None:
    """A +-prefixed or 0-led number in groups of 7+ digits, read digit by digit per group."""
    body = m.group("body")
    groups = re.split(r"[ -]", body)
    if sum(len(g) for g in groups) < 7 or not (m.group("plus") or body.startswith("0")):
        return None
    # A comma between groups gives the pause a listener needs to write them down.
    spoken = f"{comma} ".join(digits(g) for g in groups)
    return f"{plus} {spoken}" if m.group("plus") else spoken


def _is_subtraction(m: re.Match[str]) -> bool:
    """A spaced hyphen in a sentence with "=" is a minus ("10 - 3 = 7"), not a range."""
    return m.group("dash") == " - " and "=" in m.string


def _previous_word(m: re.Match[str]) -> str:
    """The word before the match, without punctuation ("between", "من")."""
    before = m.string[: m.start()].split()
    return before[-1].strip(_CLOSING + "(").lower() if before else ""


def _symbols_between_numbers(text: str, times: str, plus: str, around: str) -> str:
    """×, x and + between numbers, ~ before one: words in place, digits kept for later rules."""
    text = _TIMES_BETWEEN.sub(times, text)
    text = _PLUS_BETWEEN.sub(plus, text)
    return _AROUND.sub(around, text)


def _leftover_symbols(text: str, words: dict[str, str]) -> str:
    """Symbols with no number left beside them: ± = & + % ° ² ³."""
    text = _PLUS_MINUS.sub(f" {words['±']} ", text)
    text = _EQUALS.sub(f" {words['=']} ", text)
    text = _SPACED_PLUS.sub(f" {words['+']} ", text)
    text = _AMPERSAND.sub(words["&"], text)
    text = _LONE_PERCENT.sub(f" {words['%']}", text)
    text = _LONE_DEGREE.sub(f" {words['°']}", text)
    text = _SQUARED.sub(f" {words['²']}", text)
    return _CUBED.sub(f" {words['³']}", text)


# --------------------------------------------------------------------------- #
# Units
# --------------------------------------------------------------------------- #

# Spelling after a number -> unit key. Case matters: "m" is metres, "M" is not a
# unit here; "L" and "l" are both litres. "units" is a word in English but Latin
# letters in Arabic text.
_UNIT_SPELLINGS: dict[str, str] = {
    "mmHg": "mmHg", "mg": "mg", "mcg": "mcg", "µg": "mcg", "μg": "mcg", "kg": "kg", "g": "g",
    "ml": "ml", "mL": "ml", "dl": "dl", "dL": "dl", "l": "l", "L": "l",
    "cm": "cm", "mm": "mm", "km": "km", "m": "m",
    "m²": "m2", "cm²": "cm2", "km²": "km2", "m³": "m3", "cm³": "cm3",
    "°C": "°C", "° C": "°C", "°F": "°F", "° F": "°F", "°": "°",
    "IU": "IU", "units": "unit", "unit": "unit",
    "h": "h", "hr": "h", "hrs": "h", "min": "min", "mins": "min", "s": "s", "sec": "s", "secs": "s",
    "kcal": "kcal", "lb": "lb", "lbs": "lb", "oz": "oz",
}
# Arabic abbreviations, read only after a number: "مل", "سم" and "كم" are words too.
_AR_UNIT_SPELLINGS: dict[str, str] = {
    "ملغم": "mg", "ملغ": "mg", "مغ": "mg", "مجم": "mg",
    "كغم": "kg", "كغ": "kg", "كلغ": "kg", "كجم": "kg", "غم": "g", "غ": "g", "جم": "g",
    "ملل": "ml", "مل": "ml", "سم": "cm", "ملم": "mm", "مم": "mm", "كم": "km",
    "°م": "°C", "م°": "°C",
}
# "/day" after a number or unit: "per day", "في اليوم".
_AR_PERIODS = {
    "day": "اليوم", "يوم": "اليوم", "week": "الأسبوع", "أسبوع": "الأسبوع", "month": "الشهر", "شهر": "الشهر",
    "year": "السنة", "سنة": "السنة", "hour": "الساعة", "ساعة": "الساعة", "dose": "الجرعة", "جرعة": "الجرعة",
    "night": "الليلة", "ليلة": "الليلة",
}


def _alternation(spellings: list[str]) -> str:
    """A regex alternation, longest spelling first ("mmHg" before "mm" before "m")."""
    return "|".join(re.escape(s).replace(r"\ ", r"\s") for s in sorted(spellings, key=len, reverse=True))


def _unit_key(spelling: str) -> str:
    spelling = re.sub(r"\s", " ", spelling)
    return _AR_UNIT_SPELLINGS.get(spelling) or _UNIT_SPELLINGS[spelling]


_EN_UNIT_ALT = _alternation(list(_UNIT_SPELLINGS))
_AR_UNIT_ALT = _alternation(list(_UNIT_SPELLINGS) + list(_AR_UNIT_SPELLINGS))
_EN_PERIOD_ALT = "day|week|month|year|hour|dose|night"
_AR_PERIOD_ALT = "|".join(_AR_PERIODS)
_UNIT_FOLLOWS = re.compile(rf"\s?(?:[%٪]|(?:{_AR_UNIT_ALT}){_NOT_LETTER_AFTER})")

# --------------------------------------------------------------------------- #
# Patterns shared by English and Arabic (each language says them its own way)
# --------------------------------------------------------------------------- #

_PHONE = re.compile(r"(?<![\w+])(?P<plus>\+)?(?P<body>\d{1,4}(?:[ -]\d{2,4}){1,5})(?![\w-])")
_LONE_PHONE = re.compile(r"(?<![\w.,])0\d{6,}(?![\w.,]\d?)")
_VERSION = re.compile(r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.]*\d)")
_ISO_DATE = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])")
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/.-])")
_RANGE = re.compile(rf"(?P<a>{_SIGNED})(?P<pa>\s?[%٪])?(?P<dash>\s*[–—]\s*|-|\s-\s)(?P<b>-?{_N})")
_HOUR_AMPM = re.compile(r"(?<![\d:.,])(?P<h>\d{1,2})\s?(?P<ap>[AaPp])\.?\s?[Mm](?P<dot>\.)?(?!\w)")
_RATIO = re.compile(r"(?<![\d:.,])(?P<a>\d+):(?P<b>\d)(?![\d:])")
_TIMES_BETWEEN = re.compile(r"(?<=\d)\s?[×xX*]\s?(?=-?\d)")
_PLUS_BETWEEN = re.compile(r"(?<=\d)\s?\+\s?(?=-?\d)")
_AROUND = re.compile(r"(?:~|≈|∼)\s?(?=-?\d)")
_PLUS_AFTER = re.compile(rf"(?P<n>{_N})\+(?![\w+])")
_PLUS_BEFORE = re.compile(r"(?<![\w+])\+(?=\d)")
_COMPARE = re.compile(r"(?P<op>[<>≤≥])\s?(?=-?\d)")
_FRACTION = re.compile(r"(?<![\d/.,])(?P<a>\d+)\s?/\s?(?P<b>\d+)(?![\d/]|[.,]\d)")
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|[kKM]|ألف|مليون|مليار)(?!\w))?"
_CURRENCY_PRE = re.compile(rf"(?P<cur>[$€£])\s?(?P<amt>{_N}){_SCALE}")
_CURRENCY_POST = re.compile(rf"(?P<amt>{_SIGNED}){_SCALE}\s?(?P<cur>[$€£])")
_PERCENT = re.compile(rf"(?P<n>{_SIGNED})\s?[%٪]")
_LEADING_ZERO = re.compile(r"(?<![\d.,])0\d+(?![\d]|[.,]\d)")
_NUMBER = re.compile(_SIGNED)
_PLUS_MINUS = re.compile(r"\s?±\s?")
_EQUALS = re.compile(r"\s?=\s?")
_SPACED_PLUS = re.compile(r"\s\+\s")
_AMPERSAND = re.compile(r"\s*&\s*")
_LONE_PERCENT = re.compile(r"\s?[%٪]")
_LONE_DEGREE = re.compile(r"\s?°")
_SQUARED = re.compile(r"\s?²")
_CUBED = re.compile(r"\s?³")

# --------------------------------------------------------------------------- #
# English
# --------------------------------------------------------------------------- #

_EN_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
# Unit key -> (singular, plural).
_EN_UNITS: dict[str, tuple[str, str]] = {
    "mmHg": ("millimeter of mercury", "millimeters of mercury"),
    "mg": ("milligram", "milligrams"),
    "mcg": ("microgram", "micrograms"),
    "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"),
    "ml": ("milliliter", "milliliters"),
    "dl": ("deciliter", "deciliters"),
    "l": ("liter", "liters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "km": ("kilometer", "kilometers"),
    "m": ("meter", "meters"),
    "m2": ("square meter", "square meters"),
    "cm2": ("square centimeter", "square centimeters"),
    "km2": ("square kilometer", "square kilometers"),
    "m3": ("cubic meter", "cubic meters"),
    "cm3": ("cubic centimeter", "cubic centimeters"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "IU": ("international unit", "international units"),
    "unit": ("unit", "units"),
    "h": ("hour", "hours"),
    "min": ("minute", "minutes"),
    "s": ("second", "seconds"),
    "kcal": ("kilocalorie", "kilocalories"),
    "lb": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
}
_EN_FRACTIONS = {
    (1, 2): "one half", (1, 3): "one third", (2, 3): "two thirds", (1, 4): "one quarter", (3, 4): "three quarters",
}
_EN_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
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
    rf"(?P<n>{_N})[x×](?!\w)(?:\s?/\s?(?P<period>{_EN_PERIOD_ALT}){_NOT_LETTER_AFTER})?"
)
_EN_ORDINAL = re.compile(r"(?<![\d.,])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)(?!\w)")
_EN_UNIT = re.compile(
    rf"(?P<n>{_SIGNED})\s?(?P<unit>{_EN_UNIT_ALT}){_NOT_LETTER_AFTER}"
    rf"(?:\s?/\s?(?:(?P<per>{_EN_UNIT_ALT})|(?P<period>{_EN_PERIOD_ALT})){_NOT_LETTER_AFTER})?"
)
_EN_PER_PERIOD = re.compile(rf"(?<=\d)\s?/\s?(?P<period>{_EN_PERIOD_ALT}){_NOT_LETTER_AFTER}")


def _english(text: str, day_first: bool) -> str:
    """All English rules, most specific first: each one leaves no digits it has read."""
    text = _en_abbreviations(text)
    text = _sub(_PHONE, lambda m: _phone(m, _en_digits, "plus", ","), text)
    text = _sub(_LONE_PHONE, lambda m: _en_digits(m.group()), text)
    text = _sub(_VERSION, lambda m: " point ".join(_en_int(int(p)) for p in m.group().split(".")), text)
    # Dates before ranges and times: "2026-11-27" is not 2026 to 11.
    text = _sub(_ISO_DATE, lambda m: _en_date(int(m["d"]), int(m["m"]), int(m["y"]), day_first), text)
    text = _sub(_NUMERIC_DATE, lambda m: _en_numeric_date(m, day_first), text)
    text = _sub(_EN_MONTH_DAY, _en_month_day, text)
    text = _sub(_EN_DAY_MONTH, _en_day_month, text)
    text = _sub(_EN_MONTH_YEAR, lambda m: f"{_en_month(m['month'])} {_en_year(int(m['y']))}", text)
    # Ranges keep their digits so that "3–6 mg" and "10:30–11:30" are read by the rules after.
    text = _sub(_RANGE, _en_range, text)
    text = _sub(_EN_CLOCK, _en_clock, text)
    text = _sub(_HOUR_AMPM, _en_hour_ampm, text)
    text = _sub(_RATIO, lambda m: f"{_en_int(int(m['a']))} to {_en_int(int(m['b']))}", text)
    text = _sub(_EN_DECADE, lambda m: _plural_number(_en_year(int(m["y"]))), text)
    text = _sub(_EN_SHORT_DECADE, lambda m: _plural_number(_en_int(int(m["y"]))), text)
    text = _symbols_between_numbers(text, times=" times ", plus=" plus ", around="about ")
    text = _sub(_EN_TIMES_AFTER, lambda m: f"{_en_number(m['n'])} times{_en_per(m)}", text)
    text = _sub(_PLUS_AFTER, lambda m: f"{_en_number(m['n'])} plus", text)
    text = _sub(_PLUS_BEFORE, lambda m: "plus ", text)
    text = _sub(_COMPARE, lambda m: _EN_COMPARE[m["op"]] + " ", text)
    text = _sub(_FRACTION, _en_fraction, text)
    text = _sub(_CURRENCY_PRE, _en_currency, text)
    text = _sub(_CURRENCY_POST, _en_currency, text)
    text = _sub(_PERCENT, lambda m: f"{_en_number(m['n'])} percent", text)
    text = _sub(_EN_ORDINAL, lambda m: _en_ordinal(int(_plain(m["n"]))), text)
    text = _sub(_EN_UNIT, _en_unit, text)
    text = _sub(_EN_PER_PERIOD, _en_per, text)
    # Years after units and percentages, which have taken "2000 mg" and "2000%" already.
    text = _sub(_EN_YEAR_CONTEXT, _en_year_in_context, text)
    text = _sub(_LEADING_ZERO, lambda m: _en_digits(m.group()), text)
    text = _sub(_NUMBER, lambda m: _en_number(m.group()), text)
    return _leftover_symbols(text, _EN_SYMBOLS)


def _en_int(n: int) -> str:
    """An integer as English words; digit by digit where num2words gives up (huge numbers)."""
    try:
        return num2words(n, lang="en")
    except (OverflowError, NotImplementedError):
        return _en_digits(str(abs(n)))


def _en_digits(token: str) -> str:
    return " ".join(_EN_DIGITS[int(d)] for d in token if d.isdigit())


def _en_number(token: str) -> str:
    """ "-1,200.05" -> "minus one thousand, two hundred point zero five".

    The fraction is read digit by digit from the string, as num2words does for
    floats, but without a float's rounding ("2.50" keeps its zero).
    """
    token = _plain(token)
    sign = "minus " if token.startswith("-") else ""
    whole, _, fraction = token.lstrip("-").partition(".")
    words = _en_int(int(whole))
    if fraction:
        words += " point " + _en_digits(fraction)
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
        text = _sub(pattern, lambda m, w=words: _en_abbreviation(m, w), text)
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
    day, month = _numeric_date_parts(int(m["a"]), int(m["b"]), day_first)
    return _en_date(day, month, int(m["y"]), day_first)


def _en_month_day(m: re.Match[str]) -> str | None:
    month = _EN_MONTHS.index(_en_month(m["month"])) + 1
    return _en_date(int(m["d"]), month, _opt_int(m["y"]), False, m["sep"] or "")


def _en_day_month(m: re.Match[str]) -> str | None:
    month = _EN_MONTHS.index(_en_month(m["month"])) + 1
    words = _en_date(int(m["d"]), month, _opt_int(m["y"]), True, m["sep"] or "")
    # "on the 27th of November": the article is already there.
    if words and _previous_word(m) == "the":
        words = words.removeprefix("the ")
    return words


def _en_range(m: re.Match[str]) -> str:
    a, b = m.group("a"), m.group("b")
    joiner = " and " if _previous_word(m) == "between" else " to "
    if _is_subtraction(m):
        joiner = " minus "
    elif _is_year_range(m):
        return f"{_en_year(int(a))}{joiner}{_en_year(int(b))}"
    return f"{a}{m.group('pa') or ''}{joiner}{b}"


def _is_year_range(m: re.Match[str]) -> bool:
    """ "2019–2021", but not "1000-2000 mg" or "1500–2000%"."""
    a, b = m.group("a"), m.group("b")
    if not (_is_year(a) and _is_year(b) and int(a) < int(b)):
        return False
    return not m.group("pa") and not _UNIT_FOLLOWS.match(m.string, m.end())


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
    one, many, sub_one, sub_many = _EN_CURRENCIES[m.group("cur")]
    amount = _plain(m.group("amt"))
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
    number = _plain(m.group("n"))
    one, many = _EN_UNITS[_unit_key(m.group("unit"))]
    words = f"{_en_number(number)} {one if number.lstrip('-') == '1' else many}"
    if m.group("per"):
        words += f" per {_EN_UNITS[_unit_key(m.group('per'))][0]}"
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


# --------------------------------------------------------------------------- #
# Arabic
# --------------------------------------------------------------------------- #

# A counted noun: (singular, dual, plural for 3–10, feminine?).
_ArNoun = tuple[str, str, str, bool]
_AR_UNITS: dict[str, _ArNoun] = {
    "mmHg": ("مليمتر زئبقي", "مليمتران زئبقيان", "مليمترات زئبقية", False),
    "mg": ("ملليغرام", "ملليغرامان", "ملليغرامات", False),
    "mcg": ("ميكروغرام", "ميكروغرامان", "ميكروغرامات", False),
    "kg": ("كيلوغرام", "كيلوغرامان", "كيلوغرامات", False),
    "g": ("غرام", "غرامان", "غرامات", False),
    "ml": ("مليلتر", "مليلتران", "مليلترات", False),
    "dl": ("ديسيلتر", "ديسيلتران", "ديسيلترات", False),
    "l": ("لتر", "لتران", "لترات", False),
    "cm": ("سنتيمتر", "سنتيمتران", "سنتيمترات", False),
    "mm": ("مليمتر", "مليمتران", "مليمترات", False),
    "km": ("كيلومتر", "كيلومتران", "كيلومترات", False),
    "m": ("متر", "متران", "أمتار", False),
    "m2": ("متر مربع", "متران مربعان", "أمتار مربعة", False),
    "cm2": ("سنتيمتر مربع", "سنتيمتران مربعان", "سنتيمترات مربعة", False),
    "km2": ("كيلومتر مربع", "كيلومتران مربعان", "كيلومترات مربعة", False),
    "m3": ("متر مكعب", "متران مكعبان", "أمتار مكعبة", False),
    "cm3": ("سنتيمتر مكعب", "سنتيمتران مكعبان", "سنتيمترات مكعبة", False),
    "°C": ("درجة مئوية", "درجتان مئويتان", "درجات مئوية", True),
    "°F": ("درجة فهرنهايت", "درجتا فهرنهايت", "درجات فهرنهايت", True),
    "°": ("درجة", "درجتان", "درجات", True),
    "IU": ("وحدة دولية", "وحدتان دوليتان", "وحدات دولية", True),
    "unit": ("وحدة", "وحدتان", "وحدات", True),
    "h": ("ساعة", "ساعتان", "ساعات", True),
    "min": ("دقيقة", "دقيقتان", "دقائق", True),
    "s": ("ثانية", "ثانيتان", "ثوان", True),
    "kcal": ("سعرة حرارية", "سعرتان حراريتان", "سعرات حرارية", True),
    "lb": ("رطل", "رطلان", "أرطال", False),
    "oz": ("أونصة", "أونصتان", "أونصات", True),
}
_AR_CURRENCIES: dict[str, tuple[_ArNoun, _ArNoun]] = {
    "$": (("دولار", "دولاران", "دولارات", False), ("سنت", "سنتان", "سنتات", False)),
    "€": (("يورو", "يورو", "يورو", False), ("سنت", "سنتان", "سنتات", False)),
    "£": (("جنيه إسترليني", "جنيهان إسترلينيان", "جنيهات إسترلينية", False), ("بنس", "بنسان", "بنسات", False)),
}
_AR_SCALES: dict[str, _ArNoun] = {
    "ألف": ("ألف", "ألفان", "آلاف", False),
    "مليون": ("مليون", "مليونان", "ملايين", False),
    "مليار": ("مليار", "ملياران", "مليارات", False),
    "تريليون": ("تريليون", "تريليونان", "تريليونات", False),
}
_AR_SCALE_ALIASES = {"thousand": "ألف", "k": "ألف", "K": "ألف", "million": "مليون", "M": "مليون",
                     "billion": "مليار", "bn": "مليار", "trillion": "تريليون"}
_AR_TIMES: _ArNoun = ("مرة", "مرتان", "مرات", True)
_AR_FRACTIONS = {(1, 2): "نصف", (1, 3): "ثلث", (2, 3): "ثلثان", (1, 4): "ربع", (3, 4): "ثلاثة أرباع"}
_AR_COMPARE = {"<": "أقل من", ">": "أكثر من", "≤": "لا يزيد على", "≥": "لا يقل عن"}
# "&" joins the next word as the proclitic و ("أحمد ومحمد"), never "و محمد".
_AR_SYMBOLS = {"±": "زائد أو ناقص", "=": "يساوي", "+": "زائد", "&": " و", "%": "بالمئة", "°": "درجة",
               "²": "تربيع", "³": "تكعيب"}
_AR_HALF_DAY = {"a": "صباحًا", "p": "مساءً", "ص": "صباحًا", "م": "مساءً"}
# Words that already say which part of the day a time is in.
_AR_DAY_PARTS = ("صباح", "مساء", "ظهر", "عصر", "ليل", "فجر", "الضحى")

_AR_DOCTOR = re.compile(rf"(?<!{_LETTER})د\.\s*(?={_LETTER})(?!إ{_NOT_LETTER_AFTER})")  # not the dirham sign د.إ
# The period after إلخ is left: Arabic text is split at every ".", so it ends the sentence.
_AR_ETC = re.compile(rf"(?<!{_LETTER})إلخ{_NOT_LETTER_AFTER}")
_AR_CLOCK = re.compile(
    r"(?<![\d:.,])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])"
    rf"(?:\s?(?:(?P<ap>[AaPp])\.?\s?[Mm]\.?(?!\w)|(?P<arp>[صم]){_NOT_LETTER_AFTER}))?"
)
# A bare hour after "الساعة" or before a part of the day is a clock hour: "التاسعة صباحًا".
_AR_BARE_HOUR = re.compile(
    r"(?:(?<=الساعة )|(?<=الساعة))(?P<h>\d{1,2})(?![\d:.,])"
    r"|(?<![\d:.,])(?P<h2>\d{1,2})(?=\s?(?:صباح|مساء|ظهر|عصر|ليل|فجر))"
)
_AR_YEAR_MARK = re.compile(rf"(?P<y>{_N})\s?(?P<era>م|ميلادي|ميلادية|هـ|ه){_NOT_LETTER_AFTER}(?:\.(?!\d))?")
_AR_YEAR_WORD = re.compile(r"(?:عام|سنة|العام|السنة)\s*$")
_AR_TIMES_AFTER = re.compile(
    rf"(?P<n>{_N})[x×](?!\w)(?:\s?/\s?(?P<period>{_AR_PERIOD_ALT}){_NOT_LETTER_AFTER})?"
)
_AR_UNIT = re.compile(
    rf"(?P<n>{_SIGNED})\s?(?P<unit>{_AR_UNIT_ALT}){_NOT_LETTER_AFTER}"
    rf"(?:\s?/\s?(?:(?P<per>{_AR_UNIT_ALT})|(?P<period>{_AR_PERIOD_ALT})){_NOT_LETTER_AFTER})?"
)
_AR_PER_PERIOD = re.compile(rf"(?<=\d)\s?/\s?(?P<period>{_AR_PERIOD_ALT}){_NOT_LETTER_AFTER}")
# Latin units with no number before them; one-letter ones (g, m, s) are too ambiguous.
_AR_LATIN_UNIT = re.compile(
    r"(?<![\w°])(?P<unit>mmHg|mg|mcg|µg|μg|kg|ml|mL|cm²|cm³|cm|mm|km²|km|m²|m³|°C|°F|IU|kcal)(?!\w)"
)


def _arabic(text: str) -> str:
    """All Arabic rules, most specific first. Latin units and am/pm become Arabic words."""
    text = _sub(_AR_DOCTOR, lambda m: "الدكتور ", text)
    text = _sub(_AR_ETC, lambda m: "إلى آخره", text)
    text = _sub(_PHONE, lambda m: _phone(m, _ar_digits, "زائد", "،"), text)
    text = _sub(_LONE_PHONE, lambda m: _ar_digits(m.group()), text)
    text = _sub(_VERSION, lambda m: " نقطة ".join(_ar_int(int(p)) for p in m.group().split(".")), text)
    text = _sub(_ISO_DATE, lambda m: _ar_date(int(m["d"]), int(m["m"]), int(m["y"])), text)
    text = _sub(_NUMERIC_DATE, _ar_numeric_date, text)
    text = _sub(_RANGE, _ar_range, text)
    text = _sub(_AR_CLOCK, _ar_clock, text)
    text = _sub(_HOUR_AMPM, _ar_hour_ampm, text)
    text = _sub(_AR_BARE_HOUR, _ar_bare_hour, text)
    text = _sub(_RATIO, lambda m: f"{_ar_int(int(m['a']))} إلى {_ar_int(int(m['b']))}", text)
    text = _sub(_AR_YEAR_MARK, _ar_year_mark, text)
    text = _symbols_between_numbers(text, times=" ضرب ", plus=" زائد ", around="حوالي ")
    text = _sub(_AR_TIMES_AFTER, lambda m: _ar_count(m["n"], _AR_TIMES) + _ar_per(m), text)
    # "50+ مريض": "خمسون فأكثر" ("fifty or more") avoids the case ending "أكثر من" would need.
    text = _sub(_PLUS_AFTER, lambda m: f"{_ar_number(m['n'])} فأكثر", text)
    text = _sub(_PLUS_BEFORE, lambda m: "زائد ", text)
    text = _sub(_COMPARE, lambda m: _AR_COMPARE[m["op"]] + " ", text)
    text = _sub(_FRACTION, _ar_fraction, text)
    text = _sub(_CURRENCY_PRE, _ar_currency, text)
    text = _sub(_CURRENCY_POST, _ar_currency, text)
    text = _sub(_PERCENT, lambda m: f"{_ar_number(m['n'])} بالمئة", text)
    text = _sub(_AR_UNIT, _ar_unit, text)
    text = _sub(_AR_PER_PERIOD, _ar_per, text)
    # Latin letters left here would be handed to the English voice by code-switching.
    text = _sub(_AR_LATIN_UNIT, lambda m: _AR_UNITS[_unit_key(m["unit"])][0], text)
    text = _sub(_LEADING_ZERO, lambda m: _ar_digits(m.group()), text)
    text = _sub(_NUMBER, lambda m: _ar_number(m.group()), text)
    return _leftover_symbols(text, _AR_SYMBOLS)


def _ar_int(n: int, feminine: bool = False) -> str:
    """An integer as Arabic words (masculine/independent unless `feminine` is the counted noun's gender)."""
    words = _ar_verbalise(n, feminine)
    if not any(ch.isdigit() for ch in words):
        return words
    # verbalise stops below 10**12 and hands back digits. num2words goes on but
    # is wrong there (1234567890123 -> "... وتسعمائة وألف ألف ..."), so a number
    # that long, in practice an identifier, is read digit by digit.
    return ("سالب " if n < 0 else "") + _ar_digits(str(abs(n)))


def _ar_number(token: str, feminine: bool = False) -> str:
    """ "2.5" -> "اثنان فاصلة خمسة"; "3.05" -> "ثلاثة فاصلة صفر خمسة"; "-4" -> "سالب أربعة".

    A fraction of one or two digits is read as a number, as Arabic speakers do
    ("واحد فاصلة خمسة وعشرون"); a longer one, or one starting with 0, digit by
    digit so that no zero is lost (arabic-tts-frontend reads 3.05 as 3.5).
    """
    token = _plain(token)
    sign = "سالب " if token.startswith("-") else ""
    whole, _, fraction = token.lstrip("-").partition(".")
    if not fraction:
        return sign + _ar_int(int(whole), feminine)
    if len(fraction) <= 2 and not fraction.startswith("0"):
        spoken_fraction = _ar_int(int(fraction))
    else:
        spoken_fraction = _ar_digits(fraction)
    return f"{sign}{_ar_int(int(whole))} فاصلة {spoken_fraction}"


def _ar_count(token: str, noun: _ArNoun) -> str:
    """A number with its counted noun in the agreeing form: "ساعة واحدة", "ساعتان", "ثلاث ساعات", "عشرون ساعة"."""
    singular, dual, plural, feminine = noun
    token = _plain(token)
    if not _is_int(token):
        return f"{_ar_number(token)} {singular}"
    n = int(token)
    sign = "سالب " if n < 0 else ""
    n = abs(n)
    if n == 1:
        return f"{sign}{singular} {'واحدة' if feminine else 'واحد'}"
    if n == 2:
        return sign + dual
    counted = plural if 3 <= n % 100 <= 10 else singular
    return f"{sign}{_ar_int(n, feminine)} {counted}"


def _ar_date(day: int, month: int, year: int) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{_ar_int(day)} {_AR_MONTHS[month]} {_ar_int(year)}"


def _ar_numeric_date(m: re.Match[str]) -> str | None:
    day, month = _numeric_date_parts(int(m["a"]), int(m["b"]), day_first=True)
    return _ar_date(day, month, int(m["y"]))


def _ar_range(m: re.Match[str]) -> str:
    first = f"{m.group('a')}{m.group('pa') or ''}"
    b = m.group("b")
    previous = _previous_word(m)
    if _is_subtraction(m):
        return f"{first} ناقص {b}"
    if previous in ("بين", "وبين"):
        return f"{first} و{b}"
    if previous in ("من", "ومن"):
        return f"{first} إلى {b}"
    return f"من {first} إلى {b}"


def _ar_clock(m: re.Match[str]) -> str | None:
    h, mi = int(m.group("h")), int(m.group("m"))
    if h > 23 or mi > 59:
        return None
    h12 = h % 12 or 12
    if mi == 45:
        words = f"{_AR_CLOCK_HOURS[h12 % 12 + 1]} إلا الربع"
    else:
        words = _AR_CLOCK_HOURS[h12]
        if mi == 15:
            words += " والربع"
        elif mi == 30:
            words += " والنصف"
        elif mi:
            # arabic-tts-frontend writes "وخمس دقيقة"; 3–10 minutes take the plural, 1 and 2 their own forms.
            words += " و" + _ar_count(str(mi), _AR_UNITS["min"])
    written = m.group("ap") or m.group("arp")
    if written:
        return f"{words} {_AR_HALF_DAY[written.lower()]}"
    # A 24-hour time says its half of the day; say it unless the sentence already does.
    if (h >= 13 or h == 0) and not any(part in m.string for part in _AR_DAY_PARTS):
        words += " مساءً" if h >= 13 else " ليلًا"
    return words


def _ar_hour_ampm(m: re.Match[str]) -> str | None:
    h = int(m.group("h"))
    if not 1 <= h <= 12:
        return None
    return f"{_AR_CLOCK_HOURS[h]} {_AR_HALF_DAY[m.group('ap').lower()]}"


def _ar_bare_hour(m: re.Match[str]) -> str | None:
    h = int(m.group("h") or m.group("h2"))
    return _AR_CLOCK_HOURS[h % 12 or 12] if h < 24 else None


def _ar_year_mark(m: re.Match[str]) -> str | None:
    era, year = m.group("era"), m.group("y")
    if not _is_int(year):
        return None
    if era in ("هـ", "ه"):
        return f"{_ar_number(year)} هجرية"
    # "م" is also metres: only a four-digit number, or one after عام/سنة, is a year.
    if era == "م" and not (len(year) == 4 or _AR_YEAR_WORD.search(m.string, 0, m.start())):
        return None
    return f"{_ar_number(year)} ميلادية"


def _ar_currency(m: re.Match[str]) -> str:
    major, minor = _AR_CURRENCIES[m.group("cur")]
    amount = _plain(m.group("amt"))
    scale = m.group("scale")
    if scale:
        # "خمسة ملايين دولار": the scale word agrees, the currency after it stays singular.
        scale = _AR_SCALE_ALIASES.get(scale, scale)
        return f"{_ar_count(amount, _AR_SCALES[scale])} {major[0]}"
    sign = "سالب " if amount.startswith("-") else ""
    whole, _, cents = amount.lstrip("-").partition(".")
    if len(cents) != 2:
        return _ar_count(amount, major)
    if int(whole) == 0:
        return sign + _ar_count(cents, minor)
    return sign + _ar_count(whole, major) + (f" و{_ar_count(cents, minor)}" if int(cents) else "")


def _ar_unit(m: re.Match[str]) -> str:
    words = _ar_count(m.group("n"), _AR_UNITS[_unit_key(m.group("unit"))])
    if m.group("per"):
        words += f" لكل {_AR_UNITS[_unit_key(m.group('per'))][0]}"
    return words + _ar_per(m)


def _ar_per(m: re.Match[str]) -> str:
    return f" في {_AR_PERIODS[m.group('period')]}" if m.group("period") else ""


def _ar_fraction(m: re.Match[str]) -> str:
    a, b = int(m.group("a")), int(m.group("b"))
    if (a, b) == (24, 7):
        return "على مدار الساعة"
    if (a, b) in _AR_FRACTIONS:
        return _AR_FRACTIONS[(a, b)]
    return f"{m.group('a')} {'من أصل' if a <= b else 'على'} {m.group('b')}"


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

    return _sub(_PLAIN_INT, cardinal, text)
