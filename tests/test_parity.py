"""Parity across languages: a translation must say its source text's quantities (table-driven, both languages)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from num2words import num2words

from guide.text.parity import Amount, compare, quick, read, read_through_front_end

# (English, Arabic, same quantities?)
PAIRS = [
    # numbers, in digits of either kind or in words
    ("Wait 30 minutes.", "انتظر ٣٠ دقيقة.", True),
    ("Wait 30 minutes.", "انتظر ثلاثين دقيقة.", True),
    ("Wait thirty minutes.", "انتظر 30 دقيقة.", True),
    ("Wait 30 minutes.", "انتظر ۳۰ دقيقة.", True),
    ("Wait 30 minutes.", "انتظر ٤٠ دقيقة.", False),
    ("Wait 30 minutes.", "انتظر ٣٠ ساعة.", False),
    ("Wait 30 minutes.", "انتظر قليلا.", False),
    # ranges
    ("Results last 3 to 6 months.", "تستمر النتائج من ثلاثة إلى ستة أشهر.", True),
    ("Results last 3–6 months.", "تستمر النتائج ٣–٦ أشهر.", True),
    ("Results last 3 to 6 months.", "تستمر النتائج من ٤ إلى ٦ أشهر.", False),
    ("Results last 3 to 6 months.", "تستمر النتائج من ثلاثة إلى ستة أسابيع.", False),
    # how often
    ("Apply it twice a day.", "ضعه مرتين يوميا.", True),
    ("Apply it once a day.", "ضعه مرة واحدة يوميا.", True),
    ("Apply it twice a day.", "ضعه ثلاث مرات يوميا.", False),
    # the Arabic dual says two
    ("Avoid the sun for two weeks.", "تجنب الشمس لمدة أسبوعين.", True),
    ("Stay upright for two hours.", "ابق منتصبا لمدة ساعتين.", True),
    ("Take 2 tablets.", "خذ قرصين.", True),
    ("You need two sessions.", "تحتاج إلى جلستين.", True),
    ("Avoid the sun for two weeks.", "تجنب الشمس لمدة ثلاثة أسابيع.", False),
    ("Take 2 tablets.", "خذ ثلاثة أقراص.", False),
    # one, and a unit with no number, are not compared
    ("Wait one week.", "انتظر أسبوعا.", True),
    ("Wait a week.", "انتظر أسبوعا واحدا.", True),
    # decimals: point, Arabic decimal separator, decimal comma
    ("The dose is 2.5 mg.", "الجرعة ٢٫٥ ملغ.", True),
    ("The dose is 2.5 mg.", "الجرعة 2,5 مغ.", True),
    ("The dose is 2.5 mg.", "الجرعة اثنان فاصلة خمسة ملغ.", True),
    ("The dose is 2.5 mg.", "الجرعة ٢٫٥ غ.", False),
    ("The dose is 2.5 mg.", "الجرعة ٢٫٨ ملغ.", False),
    # percentages
    ("It helps 20% of patients.", "يفيد ٢٠ بالمئة من المرضى.", True),
    ("It helps 20% of patients.", "يفيد ٢٠٪ من المرضى.", True),
    ("It helps 20% of patients.", "يفيد ٣٠٪ من المرضى.", False),
    # money
    ("It costs $200.", "تبلغ التكلفة ٢٠٠ دولار.", True),
    ("It costs $20.", "تبلغ التكلفة عشرين دولارا.", True),
    ("It costs $200.", "تبلغ التكلفة ٣٠٠ دولار.", False),
    ("It costs $200.", "تبلغ التكلفة ٢٠٠ يورو.", False),
    # ordinals
    ("Come back for the second session.", "عد للجلسة الثانية.", True),
    ("Come back for the second session.", "عد للجلسة الثالثة.", False),
    # times of day
    ("We open at 9 am.", "نفتح في الساعة التاسعة صباحا.", True),
    ("We open at 9 am.", "نفتح في الساعة ٩ مساء.", False),
    ("We open at 9 am.", "نفتح في الساعة العاشرة صباحا.", False),
    # dates and weekdays
    ("The clinic is closed on March 5, 2026.", "العيادة مغلقة يوم ٥ مارس ٢٠٢٦.", True),
    ("The clinic is closed on March 5, 2026.", "العيادة مغلقة يوم ٥ أبريل ٢٠٢٦.", False),
    ("The clinic is closed on March 5, 2026.", "العيادة مغلقة يوم ٥ مارس ٢٠٢٥.", False),
    ("We are closed on Friday.", "نغلق يوم الجمعة.", True),
    ("We are closed on Friday.", "نغلق يوم السبت.", False),
    # counts, large numbers
    ("Up to 3 injections.", "حتى ثلاث حقن.", True),
    ("Up to 3 injections.", "حتى أربع حقن.", False),
    ("About 1,500 patients a year.", "نحو ألف وخمسمئة مريض سنويا.", True),
    ("About twelve hundred patients.", "نحو ١٢٠٠ مريض.", True),
    ("About 1,500 patients a year.", "نحو ألف وخمسين مريضا سنويا.", False),
    # fractions
    ("Wait half an hour.", "انتظر نصف ساعة.", True),
    ("Wait half an hour.", "انتظر ساعة.", False),
    # phone numbers: every digit, in order
    ("Call 02 2345 6789.", "اتصلوا على ٠٢ ٢٣٤٥ ٦٧٨٩.", True),
    ("Call 02 2345 6789.", "اتصلوا على 0223456789.", True),
    ("Call 02 2345 6789.", "اتصلوا على ٠٢ ٢٣٤٥ ٦٧٩٨.", False),
    ("Call 02 2345 6789.", "اتصلوا بالعيادة.", False),
    # the order of sentences is free; how many times a quantity is said is not
    (
        "Avoid exercise for 24 hours. Do not lie down for 4 hours.",
        "لا تستلق لمدة ٤ ساعات. وتجنب الرياضة لمدة ٢٤ ساعة.",
        True,
    ),
    ("Wait 30 minutes, then 30 minutes more.", "انتظر ٣٠ دقيقة ثم مدة أخرى.", False),
    # English inside the Arabic is read as English
    ("Use SPF 50 every day.", "استخدم واقيا من الشمس SPF 50 يوميا.", True),
    ("Use SPF 50 every day.", "استخدم واقيا من الشمس SPF 30 يوميا.", False),
    # a deliberate difference, marked where it is made
    ("Call the clinic.", "اتصلوا بالعيادة على {٠٢ ٢٣٤٥ ٦٧٨٩|translation differs}.", True),
    ("Call the clinic.", "اتصلوا بالعيادة على ٠٢ ٢٣٤٥ ٦٧٨٩.", False),
    ("Call {+1 555 010 9999|translation differs} or the clinic.", "اتصلوا بالعيادة.", True),
]


@pytest.mark.parametrize(
    ("en", "ar", "same"), PAIRS, ids=[f"{i}-{'same' if p[2] else 'differs'}" for i, p in enumerate(PAIRS)]
)
@pytest.mark.parametrize("source", ["en", "ar"])
def test_pairs(en: str, ar: str, same: bool, source: str) -> None:
    """Each pair in both directions: English as the source, then Arabic."""
    english, arabic = read(en, "en"), read(ar, "ar")
    found = compare(english, arabic) if source == "en" else compare(arabic, english)
    assert (not found) is same, [(str(d.amount), d.in_source, d.in_translation) for d in found]


def test_the_table_covers_each_kind_both_ways() -> None:
    assert len(PAIRS) >= 40
    assert sum(1 for *_, same in PAIRS if same) >= 20
    assert sum(1 for *_, same in PAIRS if not same) >= 20


@pytest.mark.parametrize(
    ("text", "lang", "amounts"),
    [
        ("every 3 to 6 months", "en", [Amount("number", "3", "month"), Amount("number", "6", "month")]),
        ("كل ثلاثة إلى ستة أشهر", "ar", [Amount("number", "3", "month"), Amount("number", "6", "month")]),
        ("٢٫٥ ملغ", "ar", [Amount("number", "2.5", "mg")]),
        ("Call +44 20 7946 0958", "en", [Amount("phone", "+442079460958")]),
        ("أسبوعين", "ar", [Amount("number", "2", "week")]),
        ("twice", "en", [Amount("number", "2", "times")]),
        ("one of the most common", "en", []),
        ("أحد أكثر الأسباب شيوعا", "ar", []),
    ],
)
def test_amounts_read(text: str, lang: str, amounts: list[Amount]) -> None:
    assert [a for s in read(text, lang).sentences for a in s.amounts] == amounts


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Amount("number", "30", "min"), "30 minutes"),
        (Amount("number", "2.5", "mg"), "2.5 milligrams"),
        (Amount("number", "20", "%"), "20 percent"),
        (Amount("number", "7"), "7"),
        (Amount("phone", "0223456789"), "the phone number 0223456789"),
        (Amount("month", "3"), "March"),
        (Amount("weekday", "5"), "Friday"),
        (Amount("ampm", "am"), "a.m."),
    ],
)
def test_amounts_in_words(amount: Amount, words: str) -> None:
    assert str(amount) == words


def test_where_finds_the_written_words() -> None:
    reading = read("يستغرق ذلك ٤٠ دقيقة فقط.", "ar")
    assert reading.where(Amount("number", "40", "min")) == "٤٠ دقيقة"


_EASTERN = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")

UNITS = [("minutes", "دقيقة"), ("mg", "ملغ"), ("days", "يوما"), ("%", "بالمئة")]


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(
    n=st.integers(min_value=2, max_value=10**9),
    unit=st.sampled_from(UNITS),
    as_words=st.booleans(),
    position=st.integers(min_value=0),
    digit=st.integers(min_value=0, max_value=9),
)
def test_any_integer_in_digits_words_or_arabic_digits(
    n: int, unit: tuple[str, str], as_words: bool, position: int, digit: int
) -> None:
    words = num2words(n, lang="ar")
    assume("ألف ألف" not in words and "مليون مليون" not in words)  # num2words' own slips at x00,000
    arabic = words if as_words else str(n).translate(_EASTERN)
    english = f"It takes {n}{'' if unit[0] == '%' else ' '}{unit[0]}."
    translated = f"يستغرق ذلك {arabic} {unit[1]}."
    assert not compare(read(english, "en"), read(translated, "ar"))
    # One digit changed in the English: refused.
    digits = str(n)
    at = position % len(digits)
    assume(digits[at] != str(digit) and not (at == 0 and digit == 0))
    changed = digits[:at] + str(digit) + digits[at + 1 :]
    assume(changed != "1")  # one is not compared
    english = f"It takes {changed}{'' if unit[0] == '%' else ' '}{unit[0]}."
    assert compare(read(english, "en"), read(translated, "ar"))


@settings(max_examples=100, deadline=None, database=None, derandomize=True)
@given(
    whole=st.integers(min_value=0, max_value=999),
    fraction=st.integers(min_value=1, max_value=99),
    digit=st.integers(min_value=0, max_value=9),
)
def test_any_decimal_in_arabic_digits(whole: int, fraction: int, digit: int) -> None:
    value = f"{whole}.{fraction:02d}".rstrip("0")
    assume(value not in ("1", "1."))
    arabic = f"الجرعة {value.translate(_EASTERN)} ملغ."
    assert not compare(read(f"The dose is {value} mg.", "en"), read(arabic, "ar"))
    changed = value[:-1] + str(digit)
    assume(changed != value)
    assert compare(read(f"The dose is {changed} mg.", "en"), read(arabic, "ar"))


# --------------------------------------------------------------------------- #
# The quick reading agrees with the front-end's
# --------------------------------------------------------------------------- #


def _texts(path: Path) -> list[tuple[str, str]]:
    from guide.script.loader import load_script

    script = load_script(path)
    return [(text.by_lang[lang], lang) for _, text in script.texts() for lang in script.languages]


def _bench_texts() -> list[tuple[str, str]]:
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from run import generated_script

    with tempfile.TemporaryDirectory() as folder:
        return _texts(generated_script(40, Path(folder)))


def test_the_quick_reading_agrees_with_the_front_end():
    """Wherever the quick reading takes a text, it reads what the front-end path reads (every real text we have)."""
    root = Path(__file__).parent.parent
    texts = _texts(root / "scripts" / "botox_long_term_effects.yaml") + _texts(
        root / "tests/data/parity/aftercare.yaml"
    )
    texts += [(en, "en") for en, _, _ in PAIRS] + [(ar, "ar") for _, ar, _ in PAIRS] + _bench_texts()
    taken = 0
    for text, lang in texts:
        found = quick(text, lang) if "{" not in text else None
        if found is not None:
            taken += 1
            assert Counter(found) == read_through_front_end(text, lang).amounts, (text, lang)
    assert taken >= 60  # most texts are taken quickly


@settings(max_examples=2000, deadline=None, database=None, derandomize=True)
@given(
    lang=st.sampled_from(["en", "ar"]),
    parts=st.lists(
        st.one_of(
            st.integers(min_value=0, max_value=99999).map(str),
            st.decimals(min_value=0, max_value=999, places=2, allow_nan=False).map(str),
            st.sampled_from(["1,500", "2,5", "12,000"]),
        ),
        min_size=1,
        max_size=3,
    ),
    units=st.lists(st.integers(min_value=0, max_value=7), min_size=3, max_size=3),
    joiner=st.sampled_from([0, 1, 2]),
)
def test_the_quick_reading_agrees_on_any_digits_and_units(lang, parts, units, joiner):
    words = {
        "en": ["minutes", "mg", "days", "%", "patients", "to", "weeks", "times"],
        "ar": ["دقيقة", "ملغ", "أيام", "٪", "مريضا", "إلى", "أسابيع", "مرات"],
    }[lang]
    glue = {"en": [" and ", " to ", ", then "], "ar": [" و ", " إلى ", "، ثم "]}[lang][joiner]
    text = glue.join(f"{p} {words[u]}" for p, u in zip(parts, units, strict=False)) + "."
    if lang == "ar":
        text = text.translate(str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫"))
    found = quick(text, lang)
    if found is not None:
        assert Counter(found) == read_through_front_end(text, lang).amounts, text
