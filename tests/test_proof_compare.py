"""guide.proof.compare: normalisation, references, miss rates and flags, table-driven, English and Arabic."""

from __future__ import annotations

import pytest

pytest.importorskip("rapidfuzz", reason="guide proof needs the proof extra: pip install -e '.[proof]'")

from guide.proof.compare import (  # after the skip
    DEFAULT_MAX_MISS,
    flags,
    fold_arabic,
    group_miss,
    heard_numbers,
    max_miss_for,
    reference,
    repeated_mishearings,
    score,
    suggest_respelling,
    unit_of,
    weighted_miss,
    words_of,
)


@pytest.mark.parametrize(
    "text, lang, words",
    [
        ("Long-Term Benefits of BOTOX!", "en", ["long", "term", "benefits", "of", "botox"]),
        ("It’s Botox’s effect; e.g. this.", "en", ["its", "botoxs", "effect", "eg", "this"]),
        ("“Quoted” (words) — and/or", "en", ["quoted", "words", "and", "or"]),
        ("نَحْوَ أربعةِ أشهرٍ.", "ar", ["نحو", "اربعه", "اشهر"]),
        ("إلى آخر ٱلكتاب مستشفى", "ar", ["الي", "اخر", "الكتاب", "مستشفي"]),
        ("مـــرحبا، بكم؟", "ar", ["مرحبا", "بكم"]),
    ],
)
def test_words_of(text, lang, words):
    assert words_of(text, lang) == words


@pytest.mark.parametrize(
    "text, folded",
    [
        ("أَحْمَدُ", "احمد"),
        ("إِسلام", "اسلام"),
        ("آمن", "امن"),
        ("ٱلله", "الله"),
        ("على", "علي"),
        ("مدرسة", "مدرسه"),
        ("كـــتاب", "كتاب"),
    ],
)
def test_fold_arabic(text, folded):
    assert fold_arabic(text) == folded


@pytest.mark.parametrize(
    "shown, lang, expected",
    [
        ("Take 50 units.", "en", "Take fifty units."),
        ("Every 3–6 months.", "en", "Every three to six months."),
        ("Use 2.5 ml at 70%.", "en", "Use two point five milliliters at seventy percent."),
        ("While Botox Injections(حقن البوتوكس) provides results", "en", "While Botox Injections( ) provides results"),
        ("كل ٣ إلى ٦ أشهر", "ar", "كل ثلاثة إلى ستة أشهر"),
        ("خذ 20 mg يوميا", "ar", "خذ عشرون ملليغرام يوميا"),
        ("استخدم Botox بحذر", "ar", "استخدم بحذر"),
    ],
)
def test_reference_expands_numbers_and_drops_other_script(shown, lang, expected):
    assert reference(shown, lang).text == expected


def test_reference_ignores_the_lexicon():
    lexicon = {"en": {"botox": "BOH-tocks", "15": "fifty"}}
    ref = reference("Take 15 units of Botox.", "en", lexicon)
    assert ref.words == ("take", "fifteen", "units", "of", "botox")
    assert [(w.kind, w.written, w.words) for w in ref.watched] == [
        ("number", "15", (1, 2)),
        ("lexicon", "15", (1, 2)),
        ("lexicon", "botox", (4, 5)),
    ]


def test_units_are_words_in_english_and_characters_in_arabic():
    assert unit_of("en") == "words" and unit_of("en-GB") == "words" and unit_of("ar") == "characters"
    assert reference("Rest well.", "en").units == ("rest", "well")
    ar = reference("نم مبكرا", "ar")
    assert ar.units == tuple("نممبكرا")  # spaces are not units
    assert ar.word_units == ((0, 2), (2, 7))


# shown, lang, heard, (substitutions, deletions, insertions, length)
CASES = [
    ("Take 50 units.", "en", "take fifty units", (0, 0, 0, 3)),
    ("Take 50 units.", "en", "Take 50 units.", (0, 0, 0, 3)),  # digits heard are expanded too
    ("Every 3 to 6 months.", "en", "every three-to-six months", (0, 0, 0, 5)),
    ("Take 50 units.", "en", "take fifteen units", (1, 0, 0, 3)),  # substitution
    ("Take 50 units daily.", "en", "take units daily", (0, 1, 0, 4)),  # deletion
    ("Take 50 units.", "en", "please take fifty units now", (0, 0, 2, 3)),  # insertions are no miss
    ("Long-Term Benefits of Botox", "en", "long-term benefits of buttocks.", (1, 0, 0, 5)),
    ("It’s fine.", "en", "its fine", (0, 0, 0, 2)),
    ("Rest well.", "en", "", (0, 2, 0, 2)),
    ("نحو أربعة أشهر.", "ar", "نَحوَ أربعه اشهر", (0, 0, 0, 12)),  # diacritics, ة/ه, alef forms
    ("نحو أربعة أشهر.", "ar", "نحواربعةأشهر", (0, 0, 0, 12)),  # spaces ignored
    ("كل ٣ أشهر", "ar", "كل 3 أشهر", (0, 0, 0, 11)),  # Eastern and Western digits, both read
    ("شكرا لكم", "ar", "شكرا", (0, 3, 0, 7)),
    ("شكرا لكم", "ar", "شكرا لهم", (1, 0, 0, 7)),
    ("شكرا", "ar", "شكرا جزيلا", (0, 0, 5, 4)),
]


@pytest.mark.parametrize("shown, lang, heard, counts", CASES)
def test_score_counts(shown, lang, heard, counts):
    result = score(reference(shown, lang), heard)
    assert (result.substitutions, result.deletions, result.insertions, result.length) == counts
    assert result.miss == pytest.approx((counts[0] + counts[1]) / counts[3])


# shown, lang, lexicon, heard, expected flags (substrings, in order); [] = heard right
FLAGS = [
    ("Take 50 units.", "en", {}, "take fifty units", []),
    ("Take 15 units.", "en", {}, "take 50 units", ["number not heard as written: '15' (fifteen) heard as 'fifty'"]),
    (
        "Take 15 units.",
        "en",
        {"en": {"15": "fifty"}},
        "take fifty units",
        ["number not heard", "lexicon word '15' (said as 'fifty')"],
    ),
    (
        "Take 2.5 ml daily and rest well for the whole long day.",
        "en",
        {},
        "take 2.6 ml daily and rest well for the whole long day",
        ["number not heard as written: '2.5 ml'"],
    ),
    ("Results last 3–6 months.", "en", {}, "results last three to six months", []),
    ("Results last 3–6 months.", "en", {}, "results last three months", ["number not heard as written: '3–6'"]),
    (
        "Use Botox daily.",
        "en",
        {"en": {"botox": "BOH-tocks"}},
        "use buttocks daily",
        ["lexicon word 'botox' (said as 'BOH-tocks') heard as 'buttocks'"],
    ),
    ("Use Botox daily.", "en", {"en": {"botox": "BOH-tocks"}}, "use Botox daily", []),
    (
        "Rest well, drink water and sleep early every day.",
        "en",
        {},
        "rest well drink water sleep",
        ["heard wrong: 44% of the words missed"],
    ),
    (
        "خذ 50 وحدة",
        "ar",
        {},
        "خذ خمسين وحدة",
        ["number not heard as written: '50'"],
    ),  # one letter off: still a number missed
    ("خذ 50 وحدة", "ar", {}, "خذ خمسون وحده", []),
    ("نحو أربعة أشهر.", "ar", {}, "نحو", ["heard wrong: 75% of the characters missed"]),
]


@pytest.mark.parametrize("shown, lang, lexicon, heard, expected", FLAGS)
def test_flags(shown, lang, lexicon, heard, expected):
    ref = reference(shown, lang, lexicon)
    found = flags(ref, score(ref, heard), max_miss_for(lang))
    assert len(found) == len(expected), found
    for flag, want in zip(found, expected, strict=True):
        assert want in flag


def test_thresholds_per_language():
    assert max_miss_for("en") == DEFAULT_MAX_MISS["en"]
    assert max_miss_for("ar") == DEFAULT_MAX_MISS["ar"] > max_miss_for("en")
    assert max_miss_for("ar", 0.1) == 0.1


@pytest.mark.parametrize(
    ("written", "given", "heard", "starts"),
    [
        (["30", "min"], ["13", "min"], ["30", "min"], "heard as written (30), not as the voice was given (13)"),
        (["30", "min"], ["13", "min"], ["13", "min"], "heard as the voice was given (13), not as written (30)"),
        (
            ["30", "min"],
            ["13", "min"],
            ["14", "min"],
            "heard neither as written (30) nor as the voice was given (13): heard 14, min",
        ),
        (["24", "7"], [], [], "heard as the voice was given (no number), not as written (24, 7)"),
        (["24", "7"], [], ["24", "7"], "heard as written (24, 7), not as the voice was given (no number)"),
        (["٣٠".translate(str.maketrans("٣٠", "30"))], ["13"], ["13"], "heard as the voice was given (13)"),
        (
            ["5", "milligrams"],
            ["5", "grams"],
            ["5", "grams"],
            "heard as the voice was given (grams), not as written (milligrams)",
        ),
    ],
)
def test_heard_numbers_says_which_text_was_heard(written, given, heard, starts):
    assert heard_numbers(written, given, heard).startswith(starts)


def test_repeated_mishearings_suggest_a_lexicon_entry():
    pairs = [
        ("Long-Term Benefits of Botox", "long-term benefits of buttocks"),
        ("Consistent Botox use helps.", "consistent buttocks use helps"),
        ("Can Botox cause damage?", "can buttocks cause damage"),
        ("Rest well.", "rest bell"),  # once is not repeated
        ("Use Botox daily.", "use bodhaks daily"),  # another wrong hearing of the same word counts
        ("Rest for a long term.", "rest for a longterm"),  # same letters split differently
        ("Rest for a long term.", "rest for a longterm"),
    ]
    results = [score(reference(shown, "en"), heard) for shown, heard in pairs]
    found = repeated_mishearings(results, "en")
    assert [(m.written, m.heard, m.count) for m in found] == [("botox", "buttocks", 4)]
    assert found[0].entry("en") == 'lexicon: {en: {"botox": "bo-tox"}}'


@pytest.mark.parametrize(
    "word, respelt",
    [
        ("Botox", "bo-tox"),
        ("atrophy", "a-tro-phy"),
        ("migraine", "mi-graine"),
        ("injection", "in-jec-tion"),
        ("skin", "skin"),
    ],
)
def test_suggest_respelling(word, respelt):
    assert suggest_respelling(word, "en") == respelt


def test_weighted_miss_by_reference_length():
    assert weighted_miss([(1, 10), (3, 10)]) == 0.2
    assert weighted_miss([(1, 1), (0, 99)]) == 0.01  # a short sentence weighs little
    assert weighted_miss([]) == 0.0
    a, b = score(reference("Take 50 units.", "en"), "take units"), score(reference("Rest well.", "en"), "rest well")
    assert group_miss([("t1", a), ("t1", b), ("t2", b)]) == {"t1": pytest.approx(1 / 5), "t2": 0.0}


def test_a_word_of_one_syllable_gets_no_respelling_that_is_the_word_itself():
    from guide.proof.compare import Mishearing

    assert Mishearing("long", "one", 2, suggest_respelling("long", "en")).entry("en") == (
        'a respelling of your own in the lexicon (try it first: guide say "long" --lang en)'
    )
    assert (
        Mishearing("botox", "buttocks", 3, suggest_respelling("botox", "en")).entry("en")
        == 'lexicon: {en: {"botox": "bo-tox"}}'
    )


@pytest.mark.parametrize(
    "written, heard, counted",
    [
        ("reduced", "reduce", False),
        ("improved", "improve", False),
        ("helps", "help", False),
        ("botox", "buttocks", True),
        ("atrophy", "agrarphe", True),
    ],
)
def test_a_dropped_ending_is_no_mishearing_to_respell(written, heard, counted):
    from guide.proof.compare import _inflected

    assert _inflected(written, heard) is not counted
