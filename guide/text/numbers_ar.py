"""The Arabic number rules: digits, dates, times, units, currencies and symbols as Modern Standard Arabic words.

:func:`arabic` is what :func:`guide.text.numbers.speakable` runs on an Arabic
sentence; the decisions it follows (and why arabic-tts-frontend reads the
cardinals, not num2words) are listed there.
"""

from __future__ import annotations

import re

from arabic_tts_frontend.normalize import HOUR_ORD as _AR_CLOCK_HOURS
from arabic_tts_frontend.normalize import MONTHS as _AR_MONTHS
from arabic_tts_frontend.numbers import digit_by_digit as _ar_digits
from arabic_tts_frontend.numbers import verbalise as _ar_verbalise

from .numbers_common import (
    AR_UNIT_ALT,
    COMPARE,
    CURRENCY_POST,
    CURRENCY_PRE,
    FRACTION,
    HOUR_AMPM,
    ISO_DATE,
    LEADING_ZERO,
    LETTER,
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
    VERSION,
    is_int,
    is_subtraction,
    leftover_symbols,
    numeric_date_parts,
    phone,
    plain,
    previous_word,
    sub,
    symbols_between_numbers,
)
from .units import AR_CURRENCIES, AR_UNITS, ArNoun, unit_key

__all__ = ["arabic"]

# "/day" after a number or unit: "per day", "في اليوم".
_AR_PERIODS = {
    "day": "اليوم", "يوم": "اليوم", "week": "الأسبوع", "أسبوع": "الأسبوع", "month": "الشهر", "شهر": "الشهر",
    "year": "السنة", "سنة": "السنة", "hour": "الساعة", "ساعة": "الساعة", "dose": "الجرعة", "جرعة": "الجرعة",
    "night": "الليلة", "ليلة": "الليلة",
}
_AR_PERIOD_ALT = "|".join(_AR_PERIODS)
# A scale word after an amount, which agrees with the amount as a counted noun does: "خمسة ملايين".
_AR_SCALES: dict[str, ArNoun] = {
    "ألف": ("ألف", "ألفان", "آلاف", False),
    "مليون": ("مليون", "مليونان", "ملايين", False),
    "مليار": ("مليار", "ملياران", "مليارات", False),
    "تريليون": ("تريليون", "تريليونان", "تريليونات", False),
}
_AR_SCALE_ALIASES = {"thousand": "ألف", "k": "ألف", "K": "ألف", "million": "مليون", "M": "مليون",
                     "billion": "مليار", "bn": "مليار", "trillion": "تريليون"}
_AR_TIMES: ArNoun = ("مرة", "مرتان", "مرات", True)
_AR_FRACTIONS = {(1, 2): "نصف", (1, 3): "ثلث", (2, 3): "ثلثان", (1, 4): "ربع", (3, 4): "ثلاثة أرباع"}
_AR_COMPARE = {"<": "أقل من", ">": "أكثر من", "≤": "لا يزيد على", "≥": "لا يقل عن"}
# "&" joins the next word as the proclitic و ("أحمد ومحمد"), never "و محمد".
_AR_SYMBOLS = {"±": "زائد أو ناقص", "=": "يساوي", "+": "زائد", "&": " و", "%": "بالمئة", "°": "درجة",
               "²": "تربيع", "³": "تكعيب"}
_AR_HALF_DAY = {"a": "صباحًا", "p": "مساءً", "ص": "صباحًا", "م": "مساءً"}
# Words that already say which part of the day a time is in.
_AR_DAY_PARTS = ("صباح", "مساء", "ظهر", "عصر", "ليل", "فجر", "الضحى")

_AR_DOCTOR = re.compile(rf"(?<!{LETTER})د\.\s*(?={LETTER})(?!إ{NOT_LETTER_AFTER})")  # not the dirham sign د.إ
# The period after إلخ is left: Arabic text is split at every ".", so it ends the sentence.
_AR_ETC = re.compile(rf"(?<!{LETTER})إلخ{NOT_LETTER_AFTER}")
_AR_CLOCK = re.compile(
    r"(?<![\d:.,])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])"
    rf"(?:\s?(?:(?P<ap>[AaPp])\.?\s?[Mm]\.?(?!\w)|(?P<arp>[صم]){NOT_LETTER_AFTER}))?"
)
# A bare hour after "الساعة" or before a part of the day is a clock hour: "التاسعة صباحًا".
_AR_BARE_HOUR = re.compile(
    r"(?:(?<=الساعة )|(?<=الساعة))(?P<h>\d{1,2})(?![\d:.,])"
    r"|(?<![\d:.,])(?P<h2>\d{1,2})(?=\s?(?:صباح|مساء|ظهر|عصر|ليل|فجر))"
)
_AR_YEAR_MARK = re.compile(rf"(?P<y>{NUMBER_TOKEN})\s?(?P<era>م|ميلادي|ميلادية|هـ|ه){NOT_LETTER_AFTER}(?:\.(?!\d))?")
_AR_YEAR_WORD = re.compile(r"(?:عام|سنة|العام|السنة)\s*$")
_AR_TIMES_AFTER = re.compile(
    rf"(?P<n>{NUMBER_TOKEN})[x×](?!\w)(?:\s?/\s?(?P<period>{_AR_PERIOD_ALT}){NOT_LETTER_AFTER})?"
)
_AR_UNIT = re.compile(
    rf"(?P<n>{SIGNED_TOKEN})\s?(?P<unit>{AR_UNIT_ALT}){NOT_LETTER_AFTER}"
    rf"(?:\s?/\s?(?:(?P<per>{AR_UNIT_ALT})|(?P<period>{_AR_PERIOD_ALT})){NOT_LETTER_AFTER})?"
)
_AR_PER_PERIOD = re.compile(rf"(?<=\d)\s?/\s?(?P<period>{_AR_PERIOD_ALT}){NOT_LETTER_AFTER}")
# Latin units with no number before them; one-letter ones (g, m, s) are too ambiguous.
_AR_LATIN_UNIT = re.compile(
    r"(?<![\w°])(?P<unit>mmHg|mg|mcg|µg|μg|kg|ml|mL|cm²|cm³|cm|mm|km²|km|m²|m³|°C|°F|IU|kcal)(?!\w)"
)


def arabic(text: str) -> str:
    """All Arabic rules, most specific first. Latin units and am/pm become Arabic words."""
    text = sub(_AR_DOCTOR, lambda m: "الدكتور ", text)
    text = sub(_AR_ETC, lambda m: "إلى آخره", text)
    text = sub(PHONE, lambda m: phone(m, _ar_digits, "زائد", "،"), text)
    text = sub(LONE_PHONE, lambda m: _ar_digits(m.group()), text)
    text = sub(VERSION, lambda m: " نقطة ".join(_ar_int(int(p)) for p in m.group().split(".")), text)
    text = sub(ISO_DATE, lambda m: _ar_date(int(m["d"]), int(m["m"]), int(m["y"])), text)
    text = sub(NUMERIC_DATE, _ar_numeric_date, text)
    text = sub(RANGE, _ar_range, text)
    text = sub(_AR_CLOCK, _ar_clock, text)
    text = sub(HOUR_AMPM, _ar_hour_ampm, text)
    text = sub(_AR_BARE_HOUR, _ar_bare_hour, text)
    text = sub(RATIO, lambda m: f"{_ar_int(int(m['a']))} إلى {_ar_int(int(m['b']))}", text)
    text = sub(_AR_YEAR_MARK, _ar_year_mark, text)
    text = symbols_between_numbers(text, times=" ضرب ", plus=" زائد ", around="حوالي ")
    text = sub(_AR_TIMES_AFTER, lambda m: _ar_count(m["n"], _AR_TIMES) + _ar_per(m), text)
    # "50+ مريض": "خمسون فأكثر" ("fifty or more") avoids the case ending "أكثر من" would need.
    text = sub(PLUS_AFTER, lambda m: f"{_ar_number(m['n'])} فأكثر", text)
    text = sub(PLUS_BEFORE, lambda m: "زائد ", text)
    text = sub(COMPARE, lambda m: _AR_COMPARE[m["op"]] + " ", text)
    text = sub(FRACTION, _ar_fraction, text)
    text = sub(CURRENCY_PRE, _ar_currency, text)
    text = sub(CURRENCY_POST, _ar_currency, text)
    text = sub(PERCENT, lambda m: f"{_ar_number(m['n'])} بالمئة", text)
    text = sub(_AR_UNIT, _ar_unit, text)
    text = sub(_AR_PER_PERIOD, _ar_per, text)
    # Latin letters left here would be handed to the English voice by code-switching.
    text = sub(_AR_LATIN_UNIT, lambda m: AR_UNITS[unit_key(m["unit"])][0], text)
    text = sub(LEADING_ZERO, lambda m: _ar_digits(m.group()), text)
    text = sub(NUMBER, lambda m: _ar_number(m.group()), text)
    return leftover_symbols(text, _AR_SYMBOLS)


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
    token = plain(token)
    sign = "سالب " if token.startswith("-") else ""
    whole, _, fraction = token.lstrip("-").partition(".")
    if not fraction:
        return sign + _ar_int(int(whole), feminine)
    if len(fraction) <= 2 and not fraction.startswith("0"):
        spoken_fraction = _ar_int(int(fraction))
    else:
        spoken_fraction = _ar_digits(fraction)
    return f"{sign}{_ar_int(int(whole))} فاصلة {spoken_fraction}"


def _ar_count(token: str, noun: ArNoun) -> str:
    """A number with its counted noun in the agreeing form: "ساعة واحدة", "ساعتان", "ثلاث ساعات", "عشرون ساعة"."""
    singular, dual, plural, feminine = noun
    token = plain(token)
    if not is_int(token):
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
    day, month = numeric_date_parts(int(m["a"]), int(m["b"]), day_first=True)
    return _ar_date(day, month, int(m["y"]))


def _ar_range(m: re.Match[str]) -> str:
    first = f"{m.group('a')}{m.group('pa') or ''}"
    b = m.group("b")
    previous = previous_word(m)
    if is_subtraction(m):
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
            words += " و" + _ar_count(str(mi), AR_UNITS["min"])
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
    if not is_int(year):
        return None
    if era in ("هـ", "ه"):
        return f"{_ar_number(year)} هجرية"
    # "م" is also metres: only a four-digit number, or one after عام/سنة, is a year.
    if era == "م" and not (len(year) == 4 or _AR_YEAR_WORD.search(m.string, 0, m.start())):
        return None
    return f"{_ar_number(year)} ميلادية"


def _ar_currency(m: re.Match[str]) -> str:
    major, minor = AR_CURRENCIES[m.group("cur")]
    amount = plain(m.group("amt"))
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
    words = _ar_count(m.group("n"), AR_UNITS[unit_key(m.group("unit"))])
    if m.group("per"):
        words += f" لكل {AR_UNITS[unit_key(m.group('per'))][0]}"
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
