"""The number guard: spoken quantities must equal written ones, in English and Arabic (table-driven)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.text.frontend import FrontEnd
from guide.text.guard import differences
from guide.text.numbers import speakable
from guide.text.quantities import Quantity, _number, quantities
from guide.text.units import AR_UNIT_SPELLINGS, UNIT_SPELLINGS

# (language, text, lexicon, allowed?, the cause named when refused)
CASES = [
    # numbers
    ("en", "Apply sunscreen 30 minutes before going out.", {"en": {"30": "13"}}, False, 'lexicon en "30": "13"'),
    ("en", "Apply sunscreen {30|13} minutes before going out.", {}, False, "{30|13}"),
    ("en", "Apply sunscreen 30 minutes before going out.", {"en": {"30": "thirty"}}, True, ""),
    ("en", "Apply sunscreen {30|thirty} minutes before going out.", {}, True, ""),
    ("ar", "ضع الواقي قبل الخروج ب ٣٠ دقيقة.", {"ar": {"٣٠": "ثلاث عشرة"}}, False, 'lexicon ar "٣٠": "ثلاث عشرة"'),
    ("ar", "ضع الواقي قبل الخروج ب ٣٠ دقيقة.", {"ar": {"٣٠": "ثلاثين"}}, True, ""),
    # Eastern and Western Arabic digits for the same number
    ("ar", "ضع الواقي قبل الخروج ب ٣٠ دقيقة.", {"ar": {"٣٠": "30"}}, True, ""),
    ("ar", "ضع الواقي قبل الخروج ب {30|٣٠} دقيقة.", {}, True, ""),
    ("ar", "ضع الواقي قبل الخروج ب {30|٣١} دقيقة.", {}, False, "{30|٣١}"),
    # ordinals
    ("en", "Book the 2nd session.", {"en": {"2nd": "second"}}, True, ""),
    ("en", "Book the 2nd session.", {"en": {"2nd": "third"}}, False, 'lexicon en "2nd": "third"'),
    ("ar", "احجز {الجلسة 2|الجلسة الثانية}.", {}, True, ""),
    ("ar", "احجز {الجلسة 2|الجلسة الثالثة}.", {}, False, "{الجلسة 2|الجلسة الثالثة}"),
    # letters respelled: no quantity either way
    ("en", "Use SPF 50 every day.", {"en": {"SPF": "S P F"}}, True, ""),
    ("ar", "استخدم واقيا بعامل SPF 50 يوميا.", {"en": {"SPF": "S P F"}}, True, ""),
    # doses and units
    ("en", "Take {5 mg|five milligrams} a day.", {}, True, ""),
    ("en", "Take {2.5 mg|two and a half milligrams} a day.", {}, True, ""),
    ("en", "Take 5 mg a day.", {"en": {"mg": "grams"}}, False, 'lexicon en "mg": "grams"'),
    ("en", "Take {5 mg|five grams} a day.", {}, False, "{5 mg|five grams}"),
    ("en", "Take {2.5 mg|two point two five milligrams} a day.", {}, False, "{2.5 mg|two point two five milligrams}"),
    ("en", "About 50 units are injected.", {"en": {"units": "millilitres"}}, False, 'lexicon en "units": "millilitres"'),
    ("ar", "خذ {٥ ملغ|خمسة ملليغرامات} يوميا.", {}, True, ""),
    ("ar", "خذ ٥ ملغ يوميا.", {"ar": {"ملغ": "غرام"}}, False, 'lexicon ar "ملغ": "غرام"'),
    ("ar", "خذ ٥ ملغ يوميا.", {"ar": {"ملغ": "مليغرام"}}, True, ""),
    ("ar", "تستمر النتائج {٣–٦ أشهر|من ثلاثة إلى ستة أشهر}.", {}, True, ""),
    ("ar", "تستمر النتائج {٣–٦ أشهر|من ثلاثة إلى ستة أسابيع}.", {}, False, "{٣–٦ أشهر|من ثلاثة إلى ستة أسابيع}"),
    # percentages
    ("en", "It works for {70%|seventy percent} of patients.", {}, True, ""),
    ("en", "It works for {70%|seventy} of patients.", {}, False, "{70%|seventy}"),
    # times
    ("en", "Come at 10:30.", {"en": {"10:30": "ten thirty"}}, True, ""),
    ("en", "Come at 10:30.", {"en": {"10:30": "eleven thirty"}}, False, 'lexicon en "10:30": "eleven thirty"'),
    ("en", "The clinic closes at {9 pm|nine p.m.}.", {}, True, ""),
    ("en", "The clinic closes at {9 pm|nine a.m.}.", {}, False, "{9 pm|nine a.m.}"),
    ("ar", "الموعد الساعة {10:30|العاشرة والنصف}.", {}, True, ""),
    ("ar", "الموعد الساعة {10:30|الحادية عشرة والنصف}.", {}, False, "{10:30|الحادية عشرة والنصف}"),
    # dates
    ("en", "Your visit is on {2026-11-27|November twenty-seventh, twenty twenty-six}.", {}, True, ""),
    ("en", "Your visit is on {2026-11-27|November twenty-seventh, two thousand twenty-six}.", {}, True, ""),
    ("en", "Your visit is on {2026-11-27|October twenty-seventh, twenty twenty-six}.", {}, False, "{2026-11-27|October"),
    ("ar", "موعدك {2026-11-27|السابع والعشرون من نوفمبر ٢٠٢٦}.", {}, True, ""),
    ("ar", "موعدك {2026-11-27|السابع والعشرون من ديسمبر ٢٠٢٦}.", {}, False, "{2026-11-27|السابع والعشرون من ديسمبر ٢٠٢٦}"),
    # phone numbers
    ("en", "Call {050 123 4567|oh five oh, one two three, four five six seven}.", {}, True, ""),
    ("en", "Call {050 123 4567|oh five oh, one two three, four five six eight}.", {}, False, "{050 123 4567|"),
    ("ar", "اتصل على {0501234567|صفر خمسة صفر واحد اثنان ثلاثة أربعة خمسة ستة سبعة}.", {}, True, ""),
    ("ar", "اتصل على {0501234567|صفر خمسة صفر واحد اثنان ثلاثة أربعة خمسة ستة ستة}.", {}, False, "{0501234567|"),
    # code-switched runs: the other language's lexicon speaks them
    ("ar", "خذ [lang en]30 mg[/lang] يوميا.", {"en": {"30": "13"}}, False, 'lexicon en "30": "13"'),
    ("ar", "خذ [lang en]30 mg[/lang] يوميا.", {"en": {"30": "thirty"}}, True, ""),
    ("en", "Botox (البوتوكس لمدة ثلاثة أشهر) works.", {"ar": {"ثلاثة": "أربعة"}}, False, 'lexicon ar "ثلاثة": "أربعة"'),
    ("en", "Botox (البوتوكس لمدة ثلاثة أشهر) works.", {"ar": {"ثلاثة": "ثلاث"}}, True, ""),
    ("en", "Ask for Botox (البوتوكس) twice.", {"en": {"botox": "بوتوكس"}}, True, ""),
    # a word next to a number can change how it is read: "in 1990" is a year
    ("en", "It was approved in 1990.", {"en": {"approved": "cleared"}}, True, ""),
    ("en", "It was approved in 1990.", {"en": {"approved": "first approved"}}, False, 'lexicon en "approved": "first approved"'),
    # a respelling that adds a number
    ("en", "Wear a hat.", {"en": {"hat": "hat with SPF 50"}}, False, 'lexicon en "hat": "hat with SPF 50"'),
    # the marker allows it
    ("en", "We answer {24/7|around the clock|numbers differ}.", {}, True, ""),
]


@pytest.mark.parametrize(("lang", "text", "lexicon", "allowed", "cause"), CASES, ids=[c[1][:40] + f"-{i}" for i, c in enumerate(CASES)])
def test_spoken_numbers_equal_written(lang, text, lexicon, allowed, cause):
    found = differences(text, lang, FrontEnd(lexicon=lexicon))
    refused = [d for d in found if not d.allowed]
    if allowed:
        assert not refused, [(d.shown, d.said, d.change()) for d in refused]
    else:
        assert len(refused) == 1, found
        assert any(cause in str(c) for c in refused[0].causes), refused[0].causes
        assert refused[0].said and refused[0].shown


def test_a_marked_lexicon_entry_is_allowed_and_kept():
    found = differences("Apply 30 minutes before.", "en", FrontEnd(lexicon={"en": {"30": "13"}}), frozenset({("en", "30")}))
    assert len(found) == 1 and found[0].allowed
    assert found[0].change() == "say 13 where 30 is written"
    assert found[0].said == "Apply thirteen minutes before."


def test_only_the_cause_that_changes_a_number_is_named():
    lexicon = {"en": {"botox": "bo-tox", "30": "13"}}
    [found] = differences("Botox lasts 30 days.", "en", FrontEnd(lexicon=lexicon))
    assert [str(c) for c in found.causes] == ['lexicon en "30": "13"']


# --------------------------------------------------------------------------- #
# Reading numbers back: the front-end's words give back the number written
# --------------------------------------------------------------------------- #


@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**12 - 1), lang=st.sampled_from(["en", "ar"]))
def test_every_integer_reads_back(n, lang):
    assert [str(q) for q in quantities(speakable(str(n), lang), lang)] == [str(n)]


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("written", ["2.5", "0.05", "3.05", "1.25", "10.75", "7.125", "-4", "1,200"])
def test_decimals_read_back(lang, written):
    expected = str(_number(Fraction(written.replace(",", ""))))
    assert [str(q) for q in quantities(speakable(written, lang), lang)] == [expected]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_unit_reads_back(lang):
    spellings = {**UNIT_SPELLINGS, **(AR_UNIT_SPELLINGS if lang == "ar" else {})}
    for spelling, key in spellings.items():
        for n in (1, 2, 5, 11, 25):
            said = speakable(f"{n} {spelling}", lang)
            assert sorted(quantities(said, lang)) == sorted([_number(Fraction(n)), Quantity("unit", key)]), (spelling, said)


@pytest.mark.parametrize(
    ("lang", "a", "b"),
    [
        ("en", "twelve hundred", "one thousand, two hundred"),
        ("en", "twenty twenty-six", "two thousand and twenty-six"),
        ("en", "nineteen oh five", "one thousand nine hundred and five"),
        ("en", "three quarters", "zero point seven five"),
        ("en", "one half", "a half"),
        ("ar", "ساعتان", "اثنتان ساعة"),
        ("ar", "ثلاث عشرة", "ثلاثة عشر"),
        ("ar", "ثلاثين", "ثلاثون"),
        ("ar", "خمسة وعشرون", "٢٥"),
        ("ar", "ثلاثمئة", "ثلاث مئة"),
    ],
)
def test_same_quantity_worded_differently(lang, a, b):
    assert sorted(quantities(a, lang)) == sorted(quantities(b, lang)) != []


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), lang=st.sampled_from(["en", "ar", "fr"]))
def test_reading_any_text_never_fails(text, lang):
    quantities(text, lang)
