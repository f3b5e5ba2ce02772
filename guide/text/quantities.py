"""The quantities a spoken text says: numbers, units, months, weekdays and the half of the day.

`quantities(text, lang)` reads words back into values: "two point five milligrams"
-> ``2.5``, ``unit:mg``; "خمسة وعشرون دقيقة" -> ``25``, ``unit:min``. It is the
inverse the number guard (:mod:`guide.text.guard`) and ``guide proof`` compare with:
two spoken forms say the same quantities when their multisets of quantities are
equal, however they are worded ("thirty" and "30", "twelve hundred" and "one
thousand, two hundred", "ساعتان" and "اثنتان ساعة").

Decisions:

* Values are exact (:class:`fractions.Fraction`): "half" is 1/2, "two and a half" 5/2,
  "zero point zero five" 1/20. Ordinals are their number ("second" = 2): a
  respelling "2nd" -> "second" keeps the quantity.
* Digits left in a text (a language the front-end cannot spell) are read as numbers.
* Two two-digit numbers in a row with nothing between them are one four-digit number
  ("twenty twenty-six" = 2026, "nineteen oh five" = 1905), as English reads years.
* Arabic: diacritics and tatweel are ignored, alef forms, ى and ة folded; a leading
  و joins a number to the one before ("خمسة وعشرون" = 25); a word with the article
  is never a cardinal ("المئة" in "بالمئة" is the percent sign, "الثانية" the ordinal);
  a dual unit says two ("ساعتان" = 2, hours).
* Only English and Arabic words are read; other languages give their digits only.

Pure functions, no state: the tables are built on first use.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache

from arabic_tts_frontend.normalize import MONTHS as _AR_MONTH_NAMES

from .units import AR_CURRENCIES, AR_UNIT_SPELLINGS, AR_UNITS, DIGIT_FOLD, EN_CURRENCIES, EN_UNITS, UNIT_SPELLINGS

__all__ = ["Quantity", "describe", "quantities", "same_quantities", "unit_name"]


@dataclass(frozen=True, order=True)
class Quantity:
    """One quantity said: a number, a unit, a month, a weekday or a half of the day."""

    kind: str
    """``number``, ``unit``, ``month``, ``weekday`` or ``ampm``."""

    value: str
    """The number as an exact decimal or fraction ("2.5", "1/3"), the unit's key ("mg"), the month's number, …"""

    def __str__(self) -> str:
        if self.kind == "unit":
            return unit_name(self.value)
        if self.kind == "ampm":
            return {"am": "a.m.", "pm": "p.m."}.get(self.value, self.value)
        return self.value if self.kind == "number" else f"{self.kind} {self.value}"


@cache
def unit_name(key: str) -> str:
    """A unit's key as a reader of a message knows it: "mg" -> "milligrams", "%" -> "percent"."""
    if key in EN_UNITS:
        return EN_UNITS[key][1]
    money = key.removesuffix("/100")
    if money in EN_CURRENCIES:
        return EN_CURRENCIES[money][3 if key.endswith("/100") else 1]
    return {"%": "percent", "day": "days", "week": "weeks", "month": "months", "year": "years", "times": "times"}.get(
        key, key
    )


def _number(value: Fraction) -> Quantity:
    if value.denominator == 1:
        return Quantity("number", str(value.numerator))
    # A decimal when it is one (2.5, 0.05), else the fraction (1/3); exact, however long.
    twos = fives = 0
    denominator = value.denominator
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator == 1:
        places = max(twos, fives)
        scaled = abs(value.numerator) * 10**places // value.denominator
        whole, fraction = divmod(scaled, 10**places)
        sign = "-" if value < 0 else ""
        return Quantity("number", f"{sign}{whole}.{fraction:0{places}d}".rstrip("0"))
    return Quantity("number", f"{value.numerator}/{value.denominator}")


# --------------------------------------------------------------------------- #
# English
# --------------------------------------------------------------------------- #

_EN_ONES = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_EN_TEENS = {
    w: i + 10
    for i, w in enumerate("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())
}
_EN_TENS = {w: (i + 2) * 10 for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_EN_ORDINALS = {
    **{w: i + 1 for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth".split())},
    **{
        w: i + 10
        for i, w in enumerate(
            "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
        )
    },
    **{
        w: (i + 2) * 10
        for i, w in enumerate("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split())
    },
}
_EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_SCALE_ORDINALS = {"hundredth": 100, "thousandth": 10**3, "millionth": 10**6}
_EN_FRACTIONS = {
    "half": Fraction(1, 2),
    "halves": Fraction(1, 2),
    "quarter": Fraction(1, 4),
    "quarters": Fraction(1, 4),
    "thirds": Fraction(1, 3),
}
_EN_MONTHS = {
    m: str(i + 1)
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_EN_WEEKDAYS = {d: str(i + 1) for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
_EN_TIMES = {"once": 1, "twice": 2, "thrice": 3}
_EN_AMPM = {"a.m.": "am", "am": "am", "p.m.": "pm", "pm": "pm"}
_EN_TOKEN = re.compile(r"[ap]\.\s?m\.?|[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?|[,;:.!?()]")


@lru_cache(maxsize=1)
def _en_units() -> dict[str, str]:
    """Spoken English unit words (one word or several) -> unit key, from the front-end's own table."""
    words: dict[str, str] = {}
    for key, forms in EN_UNITS.items():
        for form in forms:
            words[form.lower()] = key
            words[form.lower().replace("meter", "metre").replace("liter", "litre")] = key
    for symbol, (one, many, cent, cents) in EN_CURRENCIES.items():
        words[one] = words[many] = symbol
        words.setdefault(cent, f"{symbol}/100")
        words.setdefault(cents, f"{symbol}/100")
    words.update(
        {
            "percent": "%",
            "per cent": "%",
            "day": "day",
            "days": "day",
            "week": "week",
            "weeks": "week",
            "month": "month",
            "months": "month",
            "year": "year",
            "years": "year",
            "time": "times",
            "times": "times",
        }
    )
    words.update(
        {
            "milligramme": "mg",
            "milligrammes": "mg",
            "gramme": "g",
            "grammes": "g",
            "cc": "ml",
            "cc's": "ml",
            "mls": "ml",
            "mgs": "mg",
            "hrs": "h",
            "mins": "min",
            "secs": "s",
        }
    )
    # Abbreviations a voice may be left with ("thirty mg" when a respelling took the number): the unit still.
    for spelling, key in UNIT_SPELLINGS.items():
        if len(spelling) > 1 and spelling.isalpha() and spelling not in ("min", "sec", "units", "unit"):
            words.setdefault(spelling.lower(), key)
    words["pounds"] = words["pound"] = "lb"  # £ and lb are both "pounds": one meaning, so a respelling never changes it
    return words


@lru_cache(maxsize=1)
def _longest_en_unit() -> int:
    """Words in the longest English unit ("degrees fahrenheit")."""
    return max(len(u.split()) for u in _en_units())


def _en_quantities(text: str) -> list[Quantity]:
    tokens = _EN_TOKEN.findall(unicodedata.normalize("NFKC", text).lower().replace("-", " ").replace("’", "'"))
    tokens = [re.sub(r"\s", "", t) if t[0] in "ap" and "." in t else t for t in tokens]
    units = _en_units()
    longest_unit = _longest_en_unit()
    reader = _Reader()
    i = 0
    while i < len(tokens):
        reader.at = i
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token[0].isdigit():
            reader.finish()
            reader.emit(Fraction(token))
        elif token in _EN_AMPM and (token != "am" or reader.after_number):
            reader.finish()
            reader.other(Quantity("ampm", _EN_AMPM[token]))
        elif token == "second" and reader.active and reader.last != "tens":
            reader.finish()  # "one second": the unit, not the ordinal
            reader.other(Quantity("unit", "s"))
        elif token == "oh" and following in _EN_ONES:
            reader.finish()
            i += 1
            reader.at = i
            reader.ones(_EN_ONES[following])
            reader.oh = True
        elif token in _EN_ONES or (token == "oh" and reader.active):  # "five oh": digits read one by one
            reader.ones(_EN_ONES.get(token, 0))
        elif token in _EN_TEENS:
            reader.small(_EN_TEENS[token], "teen")
        elif token in _EN_TENS:
            reader.small(_EN_TENS[token], "tens")
        elif token == "hundred":
            reader.hundred()
        elif token in _EN_SCALES:
            reader.scale(_EN_SCALES[token])
        elif token in _EN_ORDINALS:
            reader.ordinal(_EN_ORDINALS[token])
        elif token in _EN_SCALE_ORDINALS:
            reader.hundred() if token == "hundredth" else reader.scale(_EN_SCALE_ORDINALS[token])
            reader.finish()
        elif token == "point" and reader.active and following in _EN_ONES:
            digits = []
            while i + 1 < len(tokens) and (tokens[i + 1] in _EN_ONES or tokens[i + 1] == "oh"):
                i += 1
                digits.append(str(_EN_ONES.get(tokens[i], 0)))
            reader.decimal("".join(digits))
        elif (
            token in ("and", ",") and reader.active and reader.last in ("hundred", "scale") and _en_is_number(following)
        ):
            pass  # "one hundred and five", "one thousand, two hundred"
        elif token == "and" and following == "a" and tokens[i + 2 : i + 3] in (["half"], ["quarter"]) and reader.active:
            reader.add_fraction(_EN_FRACTIONS[tokens[i + 2]])
            i += 2
        elif token in _EN_FRACTIONS:
            reader.fraction(_EN_FRACTIONS[token], counted=token.endswith("s"))
        elif token in _EN_TIMES:  # "twice": two times
            reader.finish()
            reader.emit(Fraction(_EN_TIMES[token]))
            reader.other(Quantity("unit", "times"))
        elif token == "minus" and _en_is_number(following):
            reader.finish()
            reader.negative = True
        elif token == "a" and following in ("hundred", "thousand", "million", "billion"):
            reader.finish()
            reader.ones(1)  # "a hundred"
        else:
            reader.finish()
            phrase = next(
                (
                    " ".join(tokens[i : i + n])
                    for n in range(longest_unit, 0, -1)
                    if " ".join(tokens[i : i + n]) in units
                ),
                None,
            )
            if phrase is not None:
                reader.other(Quantity("unit", units[phrase]))
                i += len(phrase.split())
                continue
            if token in _EN_MONTHS and (token != "may" or _en_is_number(following) or reader.after_number):
                reader.other(Quantity("month", _EN_MONTHS[token]))
            elif token in _EN_WEEKDAYS:
                reader.other(Quantity("weekday", _EN_WEEKDAYS[token]))
            elif token != ",":
                reader.after_number = False
        i += 1
    reader.finish()
    return reader.result()


def _en_is_number(token: str) -> bool:
    return bool(token) and (
        token in _EN_ONES
        or token in _EN_TEENS
        or token in _EN_TENS
        or token in _EN_ORDINALS
        or token in ("hundred", "a")
        or token in _EN_SCALES
        or token[0].isdigit()
    )


@dataclass
class _Said:
    """A number read, with where its words are (to join the two halves of a year)."""

    value: Fraction
    start: int
    end: int
    two_digit: bool
    """Said as one two-digit number (10–99) and nothing else: a year's half."""
    oh: bool = False
    """Said "oh five": the second half of "nineteen oh five"."""


class _Reader:
    """Builds English numbers from number words in reading order."""

    def __init__(self) -> None:
        self.items: list[_Said | Quantity] = []
        self.total = 0
        self.current = 0
        self.fraction_part = Fraction(0)
        self.active = False
        self.negative = False
        self.oh = False
        self.start = 0
        self.end = 0
        self.at = 0
        """The index of the word being read."""
        self.last = ""
        """What the previous number word was: ones, teen, tens, hundred, scale."""
        self.after_number = False
        """The last thing read was a number (so "am" after it is a time)."""

    def ones(self, n: int) -> None:
        if self.active and (self.last in ("ones", "teen") or (self.last == "tens" and n == 0)):
            self.finish()  # "five zero": two digits, as phone numbers are read
        self._add(n, "ones")

    def small(self, n: int, kind: str) -> None:
        """A teen or a tens word: it continues only a hundred or a scale ("one hundred twenty")."""
        if self.active and self.last not in ("hundred", "scale"):
            self.finish()
        self._add(n, kind)

    def ordinal(self, n: int) -> None:
        if self.active and not (self.last in ("hundred", "scale") or (self.last == "tens" and n < 10)):
            self.finish()
        self._add(n, "ordinal")
        self.finish()

    def hundred(self) -> None:
        if self.active and self.last in ("ones", "teen", "tens") and self.current % 100:
            self.current += (self.current % 100) * 99  # "two hundred", "nineteen hundred"
            self.end = self.at
            self.last = "hundred"
            return
        self.finish()
        self._add(100, "hundred")

    def scale(self, n: int) -> None:
        if self.active and self.last == "scale" and self.current == 0:
            self.finish()
        if not self.active:
            self.start = self.at
        self.end = self.at
        self.total += (self.current or 1) * n
        self.current = 0
        self.active = True
        self.last = "scale"

    def decimal(self, digits: str) -> None:
        if digits:
            self.fraction_part = Fraction(int(digits), 10 ** len(digits))
        self.finish(plain=False)

    def add_fraction(self, part: Fraction) -> None:
        self.fraction_part += part
        self.finish(plain=False)

    def fraction(self, part: Fraction, counted: bool) -> None:
        """A fraction word: "half"; after a count ("three quarters", "one half") the count says how many."""
        if self.active and self.total == 0 and self.last in ("ones", "teen", "tens") and (counted or self.current == 1):
            value = self.current * part
            self.current, self.active, self.last = 0, False, ""
            self.emit(value)
            return
        self.finish()
        self.emit(part)

    def _add(self, n: int, kind: str) -> None:
        if not self.active:
            self.start = self.at
        self.end = self.at
        self.current += n
        self.active = True
        self.last = kind

    def emit(self, value: Fraction) -> None:
        """Keep a number read whole (digits, a fraction word)."""
        if self.negative:
            value, self.negative = -value, False
        self.items.append(_Said(value, self.at, self.at, False))
        self.after_number = True

    def other(self, quantity: Quantity) -> None:
        self.items.append(quantity)
        self.after_number = quantity.kind != "unit"

    def finish(self, plain: bool = True) -> None:
        """End the number being read, if any, and keep it."""
        if not self.active:
            return
        value = Fraction(self.total + self.current) + self.fraction_part
        two_digit = plain and self.total == 0 and 10 <= self.current <= 99 and self.last in ("ones", "teen", "tens")
        oh = self.oh
        self.total = self.current = 0
        self.fraction_part = Fraction(0)
        self.active = False
        self.last = ""
        if self.negative:
            value, self.negative = -value, False
        self.items.append(_Said(value, self.start, self.end, two_digit, oh))
        self.oh = False
        self.after_number = True

    def result(self) -> list[Quantity]:
        """The quantities, with "twenty" "twenty-six" (and "nineteen" "oh five") joined into one year."""
        out: list[Quantity] = []
        previous: _Said | None = None
        for item in self.items:
            if isinstance(item, _Said):
                joins = (
                    previous is not None
                    and previous.two_digit
                    and (
                        (item.two_digit and item.start == previous.end + 1)
                        or (item.oh and item.start == previous.end + 2)
                    )
                )
                if joins:
                    out[-1] = _number(previous.value * 100 + item.value)
                    previous = None
                    continue
                if item.oh:
                    out.append(_number(Fraction(0)))  # "oh five" not after a year's first half: two digits
                out.append(_number(item.value))
                previous = item
            else:
                out.append(item)
                previous = None
        return out


# --------------------------------------------------------------------------- #
# Arabic
# --------------------------------------------------------------------------- #

_AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_AR_TOKEN = re.compile(r"[\u0621-\u065f\u0670\u066e-\u06d3\u0640]+|\d+(?:\.\d+)?|[،,؛;:.!?؟()]")


def _ar_fold(word: str) -> str:
    return _AR_MARKS.sub("", unicodedata.normalize("NFC", word)).translate(_AR_FOLD)


def _ar_table(words: dict[str, int]) -> dict[str, int]:
    return {_ar_fold(w): n for w, n in words.items()}


_AR_ONES = _ar_table(
    {
        "صفر": 0,
        "واحد": 1,
        "واحدة": 1,
        "أحد": 1,
        "إحدى": 1,
        "اثنان": 2,
        "اثنين": 2,
        "اثنتان": 2,
        "اثنتين": 2,
        "اثنا": 2,
        "اثنتا": 2,
        "اثني": 2,
        "اثنتي": 2,
        "ثلاث": 3,
        "ثلاثة": 3,
        "أربع": 4,
        "أربعة": 4,
        "خمس": 5,
        "خمسة": 5,
        "ست": 6,
        "ستة": 6,
        "سبع": 7,
        "سبعة": 7,
        "ثمان": 8,
        "ثماني": 8,
        "ثمانية": 8,
        "تسع": 9,
        "تسعة": 9,
    }
)
_AR_TEN = _ar_table({"عشر": 10, "عشرة": 10})
_AR_TENS = _ar_table(
    {
        **{w: (i + 2) * 10 for i, w in enumerate("عشرون ثلاثون أربعون خمسون ستون سبعون ثمانون تسعون".split())},
        **{w: (i + 2) * 10 for i, w in enumerate("عشرين ثلاثين أربعين خمسين ستين سبعين ثمانين تسعين".split())},
    }
)
_AR_HUNDREDS = _ar_table(
    {
        "مئة": 100,
        "مائة": 100,
        "مئه": 100,
        "مئتان": 200,
        "مئتين": 200,
        "مائتان": 200,
        "مائتين": 200,
        "مئتا": 200,
        "مائتا": 200,
        **{f"{w}مئة": (i + 3) * 100 for i, w in enumerate("ثلاث أربع خمس ست سبع ثمان تسع".split())},
        **{f"{w}مائة": (i + 3) * 100 for i, w in enumerate("ثلاث أربع خمس ست سبع ثمان تسع".split())},
        "ثمانمئة": 800,
        "ثمانمائة": 800,
    }
)
# Scale word -> (value, how many it already says: the dual says two).
_AR_SCALES = {
    **{_ar_fold(w): (10**3, 1) for w in ("ألف", "آلاف", "ألفا", "الاف")},
    **{_ar_fold(w): (10**3, 2) for w in ("ألفان", "ألفين")},
    **{_ar_fold(w): (10**6, 1) for w in ("مليون", "ملايين", "مليونا")},
    **{_ar_fold(w): (10**6, 2) for w in ("مليونان", "مليونين")},
    **{_ar_fold(w): (10**9, 1) for w in ("مليار", "مليارات", "مليارا")},
    **{_ar_fold(w): (10**9, 2) for w in ("ملياران", "مليارين")},
    **{_ar_fold(w): (10**12, 1) for w in ("تريليون", "تريليونات")},
}
_AR_ORDINALS = _ar_table(
    {
        "الأول": 1,
        "الأولى": 1,
        "الواحدة": 1,
        "الحادي": 1,
        "الحادية": 1,
        "الثاني": 2,
        "الثانية": 2,
        "الثالث": 3,
        "الثالثة": 3,
        "الرابع": 4,
        "الرابعة": 4,
        "الخامس": 5,
        "الخامسة": 5,
        "السادس": 6,
        "السادسة": 6,
        "السابع": 7,
        "السابعة": 7,
        "الثامن": 8,
        "الثامنة": 8,
        "التاسع": 9,
        "التاسعة": 9,
        "العاشر": 10,
        "العاشرة": 10,
    }
)
_AR_FRACTIONS = {
    **{_ar_fold(w): Fraction(1, 2) for w in ("نصف", "النصف")},
    **{_ar_fold(w): Fraction(1, 3) for w in ("ثلث", "الثلث")},
    **{_ar_fold(w): Fraction(2, 3) for w in ("ثلثان", "ثلثا", "ثلثي", "ثلثين")},
    **{_ar_fold(w): Fraction(1, 4) for w in ("ربع", "الربع")},
}
# Nouns a clinic counts, in the dual: the dual says two ("قرصين" = two tablets, "جلستين" = two sessions).
_AR_COUNTED_DUALS = frozenset(
    _ar_fold(stem + ending)
    for stem in (
        "قرص",
        "حبت",
        "كبسولت",
        "جرعت",
        "حقنت",
        "جلست",
        "نقطت",
        "ملعقت",
        "زيارت",
        "مرحلت",
        "خطوت",
        "عبوت",
        "ليلت",
        "شخص",
        "منطقت",
        "موعد",
        "علاج",
        "طبيب",
        "مريض",
        "دواء",
        "إبرت",
    )
    for ending in ("ان", "ين")
)
_AR_QUARTERS = _ar_table({"أرباع": 4, "أثلاث": 3})
_AR_DEFINITE_CARDINALS = {**_AR_ONES, **_AR_TEN, **_AR_TENS}
_AR_POINT = _ar_fold("فاصلة")
_AR_MINUS = _ar_fold("سالب")
_AR_AMPM = {
    _ar_fold(w): v for w, v in (("صباحًا", "am"), ("صباحا", "am"), ("مساءً", "pm"), ("مساء", "pm"), ("ليلًا", "night"))
}
_AR_WEEKDAYS = _ar_table({"الاثنين": 1, "الثلاثاء": 2, "الأربعاء": 3, "الخميس": 4, "الجمعة": 5, "السبت": 6, "الأحد": 7})


_AR_UNIT_ALIASES = {
    "mg": (
        "مليغرام",
        "مليغرامات",
        "ملغرام",
        "ملليجرام",
        "ملليجرامات",
        "مليجرام",
        "مليجرامات",
        "ملجم",
        "ملغم",
        "ملغ",
        "مغ",
    ),
    "mcg": ("ميكروجرام", "ميكروجرامات", "مكغ"),
    "g": ("جرام", "جرامات", "جم", "غم"),
    "kg": ("كيلوجرام", "كيلوجرامات", "كيلو", "كغ", "كجم"),
    "ml": ("ملليلتر", "ملليلترات", "ميليلتر", "مليليتر", "مل"),
    "l": ("ليتر", "ليترات"),
    "cm": ("سنتمتر", "سنتمترات", "سم"),
    "mm": ("ملليمتر", "ملليمترات", "ملم"),
}


@lru_cache(maxsize=1)
def _ar_units() -> tuple[dict[str, tuple[str, int]], dict[str, str]]:
    """Arabic unit words -> (unit key, the number a dual form says, else 0); month names -> number."""
    units: dict[str, tuple[str, int]] = {}

    def add(key: str, singular: str, dual: str, plural: str) -> None:
        # A unit of several words ("درجة مئوية") is known by all of them: its first word may be a unit of its own.
        for form, count in ((singular, 0), (dual, 2 if dual != singular else 0), (plural, 0)):
            units.setdefault(" ".join(_ar_fold(w) for w in form.split()), (key, count))

    for key, (singular, dual, plural, _feminine) in AR_UNITS.items():
        add(key, singular, dual, plural)
    for symbol, (whole, cents) in AR_CURRENCIES.items():
        add(symbol, *whole[:3])
        add(f"{symbol}/100", *cents[:3])
    for key, forms in {
        "h": ("ساعتين", "الساعات"),
        "min": ("دقيقتين", "دقائق"),
        "s": ("ثانيتين", "ثوانٍ", "ثواني"),
        "day": ("يوم", "يومان", "يومين", "أيام", "اليوم"),
        "week": ("أسبوع", "أسبوعان", "أسبوعين", "أسابيع"),
        "month": ("شهر", "شهران", "شهرين", "أشهر", "شهور"),
        "year": ("سنة", "سنتان", "سنتين", "سنوات", "سنين", "عام", "عامان", "عامين", "أعوام"),
        "%": ("بالمئة", "بالمائة", "المئة", "المائة"),
        "unit": ("وحدتين",),
        "times": ("مرة", "مرتان", "مرتين", "مرات"),
    }.items():
        for form in forms:
            dual = (
                2
                if _ar_fold(form).endswith(("ان", "ين", "تان", "تين"))
                and form not in ("يومين",)
                and not form.startswith("ال")
                else 0
            )
            units.setdefault(
                _ar_fold(form),
                (
                    key,
                    2
                    if form
                    in (
                        "يومين",
                        "شهرين",
                        "سنتين",
                        "عامين",
                        "أسبوعين",
                        "ساعتين",
                        "دقيقتين",
                        "ثانيتين",
                        "وحدتين",
                        "مرتين",
                    )
                    else dual,
                ),
            )
    # Other spellings in use (Egypt's ج for غ, one ل or two): a respelling between them keeps the unit.
    for key, forms in _AR_UNIT_ALIASES.items():
        for form in forms:
            units.setdefault(_ar_fold(form), (key, 0))
    months = {_ar_fold(name): str(number) for number, name in _AR_MONTH_NAMES.items()}
    return units, months


def _ar_quantities(text: str) -> list[Quantity]:
    units, months = _ar_units()
    tokens = [t for t in map(_ar_fold, _AR_TOKEN.findall(text.translate(_DIGITS))) if t]  # a lone mark folds to nothing
    tokens = [_ar_unclitic(t, units) for t in tokens]
    out: list[Quantity] = []
    total = current = 0
    active = False
    last = ""
    negative = False

    counted: Quantity | None = None  # the definite noun a number after it counts: put after that number

    def finish() -> None:
        nonlocal total, current, active, last, negative, counted
        if active:
            value = Fraction(total + current)
            out.append(_number(-value if negative else value))
            if counted is not None:
                out.append(counted)
                counted = None
        total = current = 0
        active = negative = False
        last = ""

    def emit(value: Fraction) -> None:
        finish()
        out.append(_number(value))

    i = 0
    spaced_and = False  # "مائة و خمسة": a و written apart still joins two number words
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token == "و" and active and _ar_is_number(following):
            spaced_and = True
            i += 1
            continue
        joined = spaced_and or (token.startswith("و") and len(token) > 2 and _ar_is_number(token[1:]))
        word = token[1:] if joined and not spaced_and else token
        spaced_and = False
        if token[0].isdigit():
            emit(Fraction(token))
        elif word in _AR_ONES and not (last == "ones" and not joined and active):
            if active and not joined:
                finish()
            current += _AR_ONES[word]
            active, last = True, "ones"
        elif word in _AR_ONES:  # a second ones word with no و: a new number (digit by digit)
            finish()
            current, active, last = _AR_ONES[word], True, "ones"
        elif word in _AR_TEN and active and last == "ones" and not joined:
            current += 10  # "ثلاثة عشر"
            last = "teen"
        elif word in _AR_TEN:
            if active and not joined:
                finish()
            current += 10
            active, last = True, "teen"
        elif word in _AR_TENS:
            if active and not joined:
                finish()
            current += _AR_TENS[word]
            active, last = True, "tens"
        elif word in _AR_HUNDREDS:
            value = _AR_HUNDREDS[word]
            if active and not joined and last == "ones" and value == 100:
                current = current * 100  # "ثلاث مئة"
            else:
                if active and not joined:
                    finish()
                current += value
            active, last = True, "hundred"
        elif word in _AR_SCALES:
            value, count = _AR_SCALES[word]
            if active and not joined and last != "scale" and count == 1:
                total += current * value  # "ثلاثة آلاف", "عشرون ألف"
                current = 0
            else:
                if active and not joined:
                    finish()
                total += count * value
            active, last = True, "scale"
        elif token == _AR_POINT and active and (_ar_is_number(following)):
            whole = Fraction(total + current)
            total = current = 0
            active = False
            i += 1
            digits = ""
            # A fraction of one or two digits is read as a number; one with a zero or longer, digit by digit.
            if tokens[i] in _AR_ONES and (
                tokens[i] == _ar_fold("صفر") or (i + 1 < len(tokens) and tokens[i + 1] in _AR_ONES)
            ):
                while i < len(tokens) and tokens[i] in _AR_ONES:
                    digits += str(_AR_ONES[tokens[i]])
                    i += 1
                i -= 1
            else:
                # The fraction's own number words: "خمسة", "أحد عشر", "خمسة وعشرون".
                end = i + 1
                while end < min(len(tokens), i + 4) and (
                    tokens[end] in _AR_TEN or (tokens[end].startswith("و") and _ar_is_number(tokens[end][1:]))
                ):
                    end += 1
                sub = _ar_quantities(" ".join(tokens[i:end]))
                digits = sub[0].value if sub and sub[0].kind == "number" else "0"
                i = end - 1
            value = whole + Fraction(int(digits or "0"), 10 ** len(digits or "0"))
            out.append(_number(-value if negative else value))
            negative = False
        elif word in _AR_FRACTIONS:
            part = _AR_FRACTIONS[word]
            if joined and active:
                # "ثلاثة ونصف": a whole and a half
                value = Fraction(total + current) + part
                total = current = 0
                active = False
                out.append(_number(value))
            else:
                emit(part)
        elif word in _AR_QUARTERS and active and last == "ones":
            value = Fraction(current, _AR_QUARTERS[word])
            total = current = 0
            active = False
            out.append(_number(value))
        elif token == _AR_MINUS:
            finish()
            negative = True
        elif last in ("ordinal", "definite") and token.startswith("وال") and token[3:] in _AR_TENS:
            current += _AR_TENS[token[3:]]  # "السابع والعشرون", "الساعات الأربع والعشرين"
            last = "tens"
        elif (
            token.startswith("ال")
            and token[2:] in _AR_DEFINITE_CARDINALS
            and i > 0
            and tokens[i - 1].startswith("ال")
            and (tokens[i - 1] in units or tokens[i - 1][2:] in units)
        ):
            finish()  # a number agreeing with a definite noun before it: "الأيام الثلاثة", "الساعات الأربع"
            counted = out.pop() if out and out[-1].kind == "unit" else None  # said after the number it counts
            current, active, last = _AR_DEFINITE_CARDINALS[token[2:]], True, "definite"
        elif word in _AR_ORDINALS or (token.startswith("و") and token[1:] in _AR_ORDINALS):
            finish()
            value = _AR_ORDINALS[word if word in _AR_ORDINALS else token[1:]]
            if following in _AR_TEN:  # "الحادية عشرة"
                value += 10
                i += 1
            # Kept open: "السابع والعشرون" is the 27th.
            current, active, last = value, True, "ordinal"
            if i > 0 and tokens[i - 1].startswith("ال") and out and out[-1].kind == "unit" and out[-1].value != "h":
                counted = (
                    out.pop()
                )  # "اليوم الرابع عشر": the day it counts is said before it ("الساعة التاسعة" is a time)
        else:
            finish()
            pair = f"{token} {following}"
            if pair in units:
                i += 1
                token = pair
            if token not in units and token.endswith("ا") and token[:-1] in units:
                token = token[:-1]  # the accusative after 11 to 99: "ثلاثين يوما", "عشرون دولارا"
            elif token not in units and token.startswith("ال") and units.get(token[2:], ("", 1))[1] == 0:
                token = token[2:]  # a definite unit: "الأيام", "الأسابيع"
            if token in units or (word in units and not joined):
                key, count = units[token] if token in units else units[word]
                if count:
                    out.append(_number(Fraction(count)))
                out.append(Quantity("unit", key))
            elif token in _AR_COUNTED_DUALS:
                out.append(_number(Fraction(2)))
            elif token in _AR_AMPM:
                out.append(Quantity("ampm", _AR_AMPM[token]))
            elif token in months:
                out.append(Quantity("month", months[token]))
            elif token in _AR_WEEKDAYS:
                out.append(Quantity("weekday", str(_AR_WEEKDAYS[token])))
        i += 1
    finish()
    return out


def _ar_unclitic(token: str, units: dict[str, tuple[str, int]]) -> str:
    """A number or unit word with a preposition joined to it, without it: "بثلاثين" -> "ثلاثين", "لأسبوعين" ->
    "أسبوعين". Words of two letters once stripped are left alone ("لست" is "I am not", not six)."""
    if len(token) > 3 and token[0] in "بلكف" and not _ar_is_number(token) and token not in units:
        rest = token[1:]
        if _ar_is_number(rest) or rest in _AR_ONES or rest in units:
            return rest
    return token


def _ar_is_number(word: str) -> bool:
    return (
        word in _AR_ONES
        or word in _AR_TEN
        or word in _AR_TENS
        or word in _AR_HUNDREDS
        or word in _AR_SCALES
        or word in _AR_FRACTIONS
    )


_DIGITS = DIGIT_FOLD | {0x066B: "."}  # and the Arabic decimal separator
_OTHER_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

# --------------------------------------------------------------------------- #
# Entry points
# --------------------------------------------------------------------------- #


def quantities(text: str, lang: str) -> list[Quantity]:
    """The quantities `text` (words a voice of `lang` says) says, in order."""
    base = lang.split("-")[0].lower()
    if base == "en":
        return _en_quantities(text)
    if base == "ar":
        return _ar_quantities(text)
    return [_number(Fraction(m.group().replace(",", "."))) for m in _OTHER_NUMBER.finditer(text.translate(_DIGITS))]


def same_quantities(a: list[Quantity], b: list[Quantity]) -> bool:
    """Whether two texts say the same quantities, in any order."""
    return Counter(a) == Counter(b)


def describe(found: list[Quantity]) -> str:
    """Quantities for a message: "30, unit min"; "no number" when there are none."""
    return ", ".join(str(q) for q in found) or "no number"


def difference(written: list[Quantity], said: list[Quantity]) -> tuple[list[Quantity], list[Quantity]]:
    """(written but not said, said but not written), as multisets."""
    a, b = Counter(written), Counter(said)
    return sorted((a - b).elements()), sorted((b - a).elements())


# --------------------------------------------------------------------------- #
# Words, for a quick look before reading (guide.text.parity)
# --------------------------------------------------------------------------- #

_AR_PREFIXES = ("", "و", "ب", "ل", "ك", "ف", "ال", "وال", "بال", "لل", "فال", "كال", "وب", "ول", "فب", "فل", "وبال")


@cache
def number_words(lang: str) -> frozenset[str]:
    """Every word the reader of `lang` may read as a quantity other than a unit after digits: number words,
    ordinals, fractions, months, weekdays, a.m./p.m., "twice", duals; Arabic ones folded and with every
    prefix the reader takes off ("وخمسة", "بثلاثين", "الأربع"). Empty for a language read in digits only."""
    if lang == "en":
        words = {
            *_EN_ONES,
            *_EN_TEENS,
            *_EN_TENS,
            *_EN_ORDINALS,
            *_EN_SCALES,
            *_EN_SCALE_ORDINALS,
            *_EN_FRACTIONS,
            *_EN_TIMES,
            *_EN_WEEKDAYS,
            *(m for m in _EN_MONTHS if m != "may"),  # "may" is a month only beside a number: see digits_need_words
            "hundred",
            "point",
            "minus",
            "pm",
        }
        return frozenset(w for w in words if not _says_only_one(w, lang))
    if lang == "ar":
        units, months = _ar_units()
        stems = {
            *_AR_ONES,
            *_AR_TEN,
            *_AR_TENS,
            *_AR_HUNDREDS,
            *_AR_SCALES,
            *_AR_ORDINALS,
            *_AR_FRACTIONS,
            *_AR_QUARTERS,
            *_AR_WEEKDAYS,
            *_AR_AMPM,
            *_AR_COUNTED_DUALS,
            *months,
            *(form for form, (_key, count) in units.items() if count),
            _AR_POINT,
            _AR_MINUS,
        }
        return frozenset(prefix + stem for stem in stems for prefix in _AR_PREFIXES if not _says_only_one(stem, lang))
    return frozenset()


def _says_only_one(word: str, lang: str) -> bool:
    """Whether `word` alone says one and nothing more ("one", "once", "first", "واحد", "الأولى"): the cross-language
    check does not compare one, and a word that joins it to more ("twenty", "hundred", "عشر") is looked for itself."""
    return [(q.kind, q.value) for q in quantities(word, lang) if q.kind != "unit"] == [("number", "1")]


def fold(text: str, lang: str) -> str:
    """`text` as the readers compare words, in one pass: digits folded to ASCII; Arabic without marks, its letter
    forms folded (composed or not: a decomposed hamza is a mark, so both fold alike); English in lower case."""
    if lang == "ar":
        return text.translate(_AR_ONE_PASS)
    return text.translate(_DIGITS).lower()


_AR_ONE_PASS = {
    **_DIGITS,
    **_AR_FOLD,
    **{
        code: None
        for low, high in ((0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06DC), (0x06DF, 0x06E8))
        for code in range(low, high + 1)
    },
    **dict.fromkeys((*range(1770, 1774), 1600)),
}


def unit_after(words: list[str], lang: str) -> tuple[str, int]:
    """The unit the first of `words` (folded, punctuation off) names, and how many words it takes: ("min", 1)
    for ["minutes", "before"], ("%", 2) for ["per", "cent"]; ("", 0) for none."""
    spellings = _spellings_after_numbers(lang)
    if words and words[0] in spellings:
        return spellings[words[0]], 1  # an abbreviation the front-end spells out after a number: "g", "غ"
    if lang == "en":
        units = _en_units()
        for size in range(min(_longest_en_unit(), len(words)), 0, -1):
            phrase = " ".join(words[:size])
            if phrase in units:
                return units[phrase], size
        return "", 0
    if lang == "ar" and words:
        units, _months = _ar_units()
        if len(words) > 1 and f"{words[0]} {words[1]}" in units:
            return units[f"{words[0]} {words[1]}"][0], 2
        word = _ar_unclitic(words[0], units)
        for form in (word, word[:-1] if word.endswith("ا") else "", word[2:] if word.startswith("ال") else ""):
            if form and form in units:
                return units[form][0], 1
    return "", 0


@cache
def _spellings_after_numbers(lang: str) -> dict[str, str]:
    """Unit abbreviations the number front-end spells out after a number, as :func:`fold` leaves them."""
    if lang == "en":
        lowered: dict[str, set[str]] = {}
        for spelling, key in UNIT_SPELLINGS.items():
            lowered.setdefault(spelling.lower(), set()).add(key)
        return {spelling: keys.pop() for spelling, keys in lowered.items() if len(keys) == 1}
    if lang == "ar":
        return {_ar_fold(spelling): key for spelling, key in AR_UNIT_SPELLINGS.items()}
    return {}
