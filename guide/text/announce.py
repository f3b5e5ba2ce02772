"""Words the guide itself speaks: chapter announcements and standard track titles.

English counts chapters with cardinals ("Chapter two"); Arabic with masculine
ordinals in the definite form ("الفصل الثاني"), since فصل and سؤال are
masculine. Languages without a phrase book fall back to digits, which every
engine reads in its own language.
"""

from __future__ import annotations

_EN_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

_AR_ORD_ONES = ["", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
# In compounds 1 is "الحادي" (الحادي عشر، الحادي والعشرون).
_AR_ORD_UNIT_COMPOUND = ["", "الحادي", *_AR_ORD_ONES[2:]]
_AR_ORD_TENS = ["", "العاشر", "العشرون", "الثلاثون", "الأربعون", "الخمسون", "الستون", "السبعون", "الثمانون", "التسعون"]


def english_cardinal(n: int) -> str:
    """1..99 in English words ("twenty-one"); other numbers as digits."""
    if 0 <= n < 20:
        return _EN_ONES[n]
    if 20 <= n < 100:
        tens, ones = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
    return str(n)


def arabic_ordinal(n: int) -> str:
    """1..99 as a definite masculine Arabic ordinal ("الحادي والعشرون"); others as digits."""
    if 1 <= n <= 9:
        return _AR_ORD_ONES[n]
    if n == 10:
        return _AR_ORD_TENS[1]
    if 11 <= n <= 19:
        return f"{_AR_ORD_UNIT_COMPOUND[n - 10]} عشر"
    if 20 <= n <= 99:
        tens, ones = divmod(n, 10)
        if ones == 0:
            return _AR_ORD_TENS[tens]
        return f"{_AR_ORD_UNIT_COMPOUND[ones]} و{_AR_ORD_TENS[tens]}"
    return str(n)


_PHRASES = {
    "en": {
        "chapter": lambda n: f"Chapter {english_cardinal(n)}.",
        "question": lambda n: f"Question {english_cardinal(n)}.",
        "faq": "Frequently asked questions.",
        "conclusion": "Conclusion.",
        "intro_title": "Introduction",
        "outro_title": "Conclusion",
    },
    "ar": {
        "chapter": lambda n: f"الفصل {arabic_ordinal(n)}.",
        "question": lambda n: f"السؤال {arabic_ordinal(n)}.",
        "faq": "الأسئلة الشائعة.",
        "conclusion": "الخاتمة.",
        "intro_title": "المقدمة",
        "outro_title": "الخاتمة",
    },
}


def _book(lang: str) -> dict:
    return _PHRASES.get(lang.split("-")[0].lower(), {})


def chapter(n: int, lang: str) -> str:
    """The spoken announcement of section number `n` ("Chapter two.")."""
    return _book(lang).get("chapter", lambda k: f"{k}.")(n)


def question(n: int, lang: str) -> str:
    """The spoken announcement of FAQ entry number `n` ("Question one.")."""
    return _book(lang).get("question", lambda k: f"{k}.")(n)


def faq_heading(lang: str) -> str | None:
    """Spoken once before the first FAQ entry, or None where no phrase is known."""
    return _book(lang).get("faq")


def conclusion(lang: str) -> str | None:
    """Spoken before the outro, or None where no phrase is known."""
    return _book(lang).get("conclusion")


def intro_title(lang: str) -> str:
    """Title of the intro track (tags, manifest)."""
    return _book(lang).get("intro_title", "Introduction")


def outro_title(lang: str) -> str:
    """Title of the outro track (tags, manifest)."""
    return _book(lang).get("outro_title", "Conclusion")
