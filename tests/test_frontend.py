"""The text front-end, step by step, in both languages: markup, lexicon, code switching, diacritization."""

from __future__ import annotations

import pytest

from guide.text import markup
from guide.text.codeswitch import foreign_runs
from guide.text.diacritize import diacritize, is_diacritized, keep_letters, pausal_endings
from guide.text.frontend import FrontEnd, Run, languages_spoken, sentences
from guide.text.lexicon import apply_lexicon, entries_for

SOURCE_SENTENCE = (
    "While Botox Injections(حقن البوتوكس) provides effective short-term results, "
    "its long-term impact depends on frequency of use, dosage, and individual response."
)


# -- markup ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Wear {SPF|S P F} daily.", "Wear SPF daily."),
        ("Rest. [pause 800ms] Then go.", "Rest. Then go."),
        ("Say [lang ar]مرحبا[/lang] twice.", "Say مرحبا twice."),
        ("See note [[1]] and {{x}}.", "See note [1] and {x}."),
        ("ضع {SPF|إس بي إف} يوميًا.", "ضع SPF يوميًا."),
        ("استرح [pause 1.5s] ثم تابع.", "استرح ثم تابع."),
        ("No markup at all.", "No markup at all."),
    ],
    ids=["sub-en", "pause-ms", "lang", "escapes", "sub-ar", "pause-s-ar", "plain"],
)
def test_shown_text(text, shown):
    assert markup.shown_text(text) == shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Wait [pause 800] now.", "write a pause as"),
        ("Wait [pause 20s] now.", "at most 10 s"),
        ("Wait [pause 0ms] now.", "longer than 0"),
        ("A [sigh] here.", "unknown markup '[sigh]'"),
        ("Open [lang ar]مرحبا", "never closed with '[/lang]'"),
        ("Close [/lang] alone.", "without a '[lang xx]'"),
        ("Nested [lang ar]a [lang en]b[/lang]", "close it with '[/lang]' first"),
        ("Bad [lang Arabic]x[/lang]", "not a language code"),
        ("Brace {SPF} only.", "write {shown|spoken}"),
        ("Two {a|b|c} bars.", "the third part can only be 'numbers differ'"),
        ("Two {a|b|numbers differ|c} bars.", "more than two '|'"),
        ("Unclosed {a|b", "never closed"),
        ("Unclosed [pause 1s", "never closed"),
        ("Stray ] here.", "unmatched ']'"),
        ("Stray } here.", "unmatched '}'"),
    ],
)
def test_bad_markup_is_an_error(text, message):
    with pytest.raises(markup.MarkupError) as caught:
        markup.parse(text)
    assert message in caught.value.message


def test_escape_round_trips():
    text = "Odd [text] with {braces} and [pause 1s] literally"
    assert markup.shown_text(markup.escape(text)) == text


# -- lexicon -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("lexicon", "lang", "text", "spoken"),
    [
        ({"en": {"botox": "BOH-tocks"}}, "en", "Botox and BOTOX and botox.", "BOH-tocks and BOH-tocks and BOH-tocks."),
        ({"en": {"US": "U S"}}, "en", "The US and us.", "The U S and us."),
        ({"en": {"Botox": "BOH-tocks"}}, "en", "Botoxes are not Botox.", "Botoxes are not BOH-tocks."),
        (
            {"en": {"Botox": "X", "Botox Cosmetic": "BOH-tocks cosmetic"}},
            "en",
            "Botox Cosmetic, Botox.",
            "BOH-tocks cosmetic, X.",
        ),
        ({"en": {"mg": "milligrams"}}, "en-GB", "20 mg", "20 milligrams"),
        ({"ar": {"البوتوكس": "البوتُوكس"}}, "ar", "حقن البوتوكس آمنة.", "حقن البوتُوكس آمنة."),
        (
            {"ar": {"البوتوكس": "X"}},
            "ar",
            "والبوتوكس",
            "والبوتوكس",
        ),  # whole words only: prefixed forms need their own entry
        ({"ar": {"x": "y"}}, "en", "x marks", "x marks"),  # another language's entries do not apply
    ],
    ids=[
        "fold-case",
        "exact-case",
        "whole-word",
        "longest-first",
        "base-language",
        "arabic",
        "arabic-prefix",
        "other-lang",
    ],
)
def test_lexicon(lexicon, lang, text, spoken):
    assert apply_lexicon(text, entries_for(lexicon, lang)) == spoken


# -- code switching ----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang", "runs"),
    [
        (
            "Botox Injections(حقن البوتوكس) provides",
            "en",
            [("en", "Botox Injections("), ("ar", "حقن البوتوكس"), ("en", ") provides")],
        ),
        (
            "يستخدم البوتوكس (Botox) للتجاعيد",
            "ar",
            [("ar", "يستخدم البوتوكس ("), ("en", "Botox"), ("ar", ") للتجاعيد")],
        ),
        ("ضع واقي SPF يوميًا", "ar", [("ar", "ضع واقي "), ("en", "SPF"), ("ar", " يوميًا")]),
        ("It is e.g. fine", "en", [("en", "It is e.g. fine")]),
        ("كلمات عربية فقط.", "ar", [("ar", "كلمات عربية فقط.")]),
        ("Only English here.", "en", [("en", "Only English here.")]),
        (
            "Two words: حقن، البوتوكس and more",
            "en",
            [("en", "Two words: "), ("ar", "حقن، البوتوكس"), ("en", " and more")],
        ),
    ],
    ids=["ar-in-en", "en-in-ar", "acronym-in-ar", "abbreviation", "ar-only", "en-only", "arabic-comma"],
)
def test_foreign_runs(text, lang, runs):
    assert foreign_runs(text, lang) == runs


def test_source_article_sentence_becomes_english_arabic_english():
    (sentence,) = sentences(SOURCE_SENTENCE, "en", FrontEnd())
    assert sentence.shown == SOURCE_SENTENCE
    assert [(p.lang, p.text) for p in sentence.parts] == [
        ("en", "While Botox Injections("),
        ("ar", "حقن البوتوكس"),
        (
            "en",
            ") provides effective short-term results, its long-term impact depends on "
            "frequency of use, dosage, and individual response.",
        ),
    ]


def test_code_switch_off_keeps_one_run():
    (sentence,) = sentences(SOURCE_SENTENCE, "en", FrontEnd(code_switch=False))
    assert [p.lang for p in sentence.parts] == ["en"]


def test_forced_language_and_pause_and_substitution():
    text = "Say [lang ar]مرحبا[/lang] now. [pause 300ms] Wear {SPF|S P F} daily."
    first, second = sentences(text, "en", FrontEnd())
    assert [(p.lang, p.text) for p in first.parts] == [("en", "Say"), ("ar", "مرحبا"), ("en", "now.")]
    assert second.shown == "Wear SPF daily."
    assert isinstance(second.parts[0], markup.Silence) and second.parts[0].seconds == 0.3
    assert second.parts[1] == Run("en", "Wear S P F daily.")


def test_lexicon_applies_to_each_run_in_its_language():
    frontend = FrontEnd(lexicon={"en": {"Botox": "BOH-tocks"}, "ar": {"البوتوكس": "البُوتُوكْس"}})
    (sentence,) = sentences(SOURCE_SENTENCE, "en", frontend)
    assert [p.text for p in sentence.parts][:2] == ["While BOH-tocks Injections(", "حقن البُوتُوكْس"]


def test_languages_spoken():
    assert languages_spoken(SOURCE_SENTENCE, "en", FrontEnd()) == {"en", "ar"}
    assert languages_spoken("Say [lang fr]bonjour[/lang].", "en", FrontEnd()) == {"en", "fr"}
    assert languages_spoken("Plain English.", "en", FrontEnd()) == {"en"}


def test_silence_only_text_is_one_silent_sentence():
    (sentence,) = sentences("[pause 2s]", "en", FrontEnd())
    assert sentence.shown == "" and sentence.parts == (markup.Silence(2.0),)


def test_symbol_only_text_says_nothing():
    assert sentences("• ★ —", "en", FrontEnd()) == []


# -- diacritization (text2tashkeel's bundled model, for real) ----------------
_MARKS = {ord(chr(c)): None for c in range(0x064B, 0x0653)}


@pytest.mark.parametrize(
    "text",
    [
        "تستمر النتائج عادة من ثلاثة إلى ستة أشهر.",
        "مع أن البوتوكس آمن بوجه عام، فإن استخدامه طويل المدى له مخاطر.",  # the model writes أَمْن for آمن
        "ابتداء من اليوم الثاني، اشطف فمك بماء دافئ وملح بعد كل وجبة.",  # and دَافِي for دافئ
        "Botox 20 حقنة في العام",
    ],
)
def test_diacritize_adds_vowels_and_keeps_the_authors_letters(text):
    result = diacritize(text)
    assert result != text and is_diacritized(result)
    assert result.translate(_MARKS) == text


def test_diacritized_words_end_in_their_pausal_form():
    """No word ends in a short vowel or tanween (a final shadda or sukun may stay)."""
    result = diacritize("يعمل البوتوكس بشكل مؤقت على العضلات، ثم يزول أثره تدريجيا.")
    for word in result.replace("،", " ").replace(".", " ").split():
        assert word[-1] not in "\u064b\u064c\u064d\u064e\u064f\u0650", word


@pytest.mark.parametrize(
    ("where", "text", "expected"),
    [
        (
            "every",
            "يَعْمَلُ البُوتُوكْسُ بِشَكْلٍ مُؤَقَّتٍ، ثُمَّ يَزُولُ.",
            "يَعْمَل البُوتُوكْس بِشَكْل مُؤَقَّت، ثُمّ يَزُول.",
        ),
        (
            "pause",
            "يَعْمَلُ البُوتُوكْسُ بِشَكْلٍ مُؤَقَّتٍ، ثُمَّ يَزُولُ.",
            "يَعْمَلُ البُوتُوكْسُ بِشَكْلٍ مُؤَقَّت، ثُمَّ يَزُول.",
        ),
        ("every", "تَجْعَلُهُ خِيَارًا شَائِعًا", "تَجْعَلُه خِيَارَا شَائِعَا"),  # -an before alif: a long a
        ("every", "عَدُوٌّ", "عَدُوّ"),  # a final shadda is kept
        ("every", "كَانَتْ فِي", "كَانَتْ فِي"),  # a sukun and a long vowel letter are kept
        ("pause", "ضُمُورُ العَضَلَاتِ: قَدْ يُؤَدِّي", "ضُمُورُ العَضَلَات: قَدْ يُؤَدِّي"),  # a colon is a pause
        ("pause", "هَلْ هُوَ آمِنٌ؟", "هَلْ هُوَ آمِن؟"),  # Arabic question mark
        ("every", "Botox 20 حُقْنَةً", "Botox 20 حُقْنَة"),  # Latin and digits untouched
        ("every", "حقن البوتوكس", "حقن البوتوكس"),  # nothing to drop without diacritics
    ],
)
def test_pausal_endings(where, text, expected):
    assert pausal_endings(text, where) == expected


def test_pausal_endings_rejects_an_unknown_rule():
    with pytest.raises(ValueError):
        pausal_endings("نَصٌّ", "sometimes")


@pytest.mark.parametrize(
    ("original", "diacritized", "expected"),
    [
        ("آمن بوجه عام", "أَمْنٌ بِوَجْهٍ عَامٍّ", "آمن بِوَجْهٍ عَامٍّ"),  # a letter changed: the word as written
        ("اضغط بلطف.", "أَضْغَطُ بِلُطْفٍ.", "اضغط بِلُطْفٍ."),
        ("بماء دافئ", "بِمَاءٍ دَافِي", "بِمَاءٍ دافئ"),
        ("a b", "a", "a b"),  # words that do not line up: the text as written
    ],
)
def test_keep_letters(original, diacritized, expected):
    assert keep_letters(original, diacritized) == expected


@pytest.mark.parametrize(
    ("text", "authored"),
    [
        ("حَقْنُ الْبُوتُوكْسِ آمِنٌ", True),
        ("حقن البوتوكس آمن", False),
        ("حقن البوتوكس آمِن", False),  # one mark is not a diacritized text
        ("English only", True),  # nothing to diacritize
    ],
)
def test_authored_diacritics_are_detected(text, authored):
    assert is_diacritized(text) is authored


def test_author_diacritics_are_kept_as_written():
    text = "حَقْنُ الْبُوتُوكْسِ آمِنٌ"
    assert diacritize(text) == text


def test_private_use_characters_in_the_text_are_not_taken_for_markup():
    text = "Icon \U000f0000 and \ue000 here {a|b}. Next."
    first, second = sentences(text, "en", FrontEnd())
    assert first.shown == "Icon \U000f0000 and \ue000 here a." and second.shown == "Next."


def test_too_many_markup_units_is_an_error_not_a_truncation():
    with pytest.raises(markup.MarkupError, match="more than 6,000 pauses"):
        markup.parse("[pause 1ms]" * 6001)
