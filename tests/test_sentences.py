"""Sentence splitting and spoken announcements, both languages (table-driven)."""

import pytest

from guide.text.announce import arabic_ordinal, chapter, english_cardinal, faq_heading, question
from guide.text.sentences import is_silent, split_sentences


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("en", "One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("en", "Wait… then go.", ["Wait…", "then go."]),
        ("en", "See Dr. Smith today. Then rest.", ["See Dr. Smith today.", "Then rest."]),
        ("en", "Use e.g. ice. It helps.", ["Use e.g. ice.", "It helps."]),
        ("en", "Take 2.5 mg daily. Not more.", ["Take 2.5 mg daily.", "Not more."]),
        ("en", 'He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("en", "  spaced   out\n text  ", ["spaced out text"]),
        ("en", "no final mark", ["no final mark"]),
        ("en", "", []),
        ("ar", "ما هذا؟ إنه اختبار.", ["ما هذا؟", "إنه اختبار."]),
        ("ar", "أولا، نبدأ؛ ثم نكمل.", ["أولا، نبدأ؛", "ثم نكمل."]),
        ("ar", "الجرعة ٢٫٥ ملغ. لا أكثر.", ["الجرعة ٢٫٥ ملغ.", "لا أكثر."]),
        ("ar", "هل تعلم! نعم", ["هل تعلم!", "نعم"]),
        ("en", "Keep going; then stop.", ["Keep going; then stop."]),
    ],
)
def test_split_sentences(lang, text, expected):
    assert split_sentences(text, lang) == expected


@pytest.mark.parametrize(
    "text, silent", [("•", True), ("★ ✓", True), ("...", True), ("a", False), ("٣", False), ("؟", True)]
)
def test_is_silent(text, silent):
    assert is_silent(text) is silent


@pytest.mark.parametrize(
    "n, words",
    [(1, "one"), (2, "two"), (13, "thirteen"), (20, "twenty"), (21, "twenty-one"), (99, "ninety-nine"), (100, "100")],
)
def test_english_cardinal(n, words):
    assert english_cardinal(n) == words


@pytest.mark.parametrize(
    "n, words",
    [
        (1, "الأول"),
        (2, "الثاني"),
        (3, "الثالث"),
        (10, "العاشر"),
        (11, "الحادي عشر"),
        (12, "الثاني عشر"),
        (19, "التاسع عشر"),
        (20, "العشرون"),
        (21, "الحادي والعشرون"),
        (35, "الخامس والثلاثون"),
        (90, "التسعون"),
    ],
)
def test_arabic_ordinal(n, words):
    assert arabic_ordinal(n) == words


@pytest.mark.parametrize(
    "lang, n, chapter_words, question_words",
    [
        ("en", 2, "Chapter two.", "Question two."),
        ("ar", 2, "الفصل الثاني.", "السؤال الثاني."),
        ("ar", 11, "الفصل الحادي عشر.", "السؤال الحادي عشر."),
        ("fr", 3, "3.", "3."),  # no phrase book: digits, read by the engine in its language
    ],
)
def test_announcements(lang, n, chapter_words, question_words):
    assert chapter(n, lang) == chapter_words
    assert question(n, lang) == question_words


def test_faq_heading_only_where_known():
    assert faq_heading("ar") == "الأسئلة الشائعة."
    assert faq_heading("fr") is None
