"""Editing lexicon entries and voices in place (the studio's lexicon and voice panels): only the
bytes of the change are written, every other character stays."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.script.loader import load_source
from guide.studio.blocks import set_lexicon_entry, set_voice
from guide.studio.edits import EditError

from .conftest import SAMPLE_SCRIPT

SAMPLE = SAMPLE_SCRIPT.read_text(encoding="utf-8")

HAND_FORMATTED = """\
# A hand-formatted script: comments, blank lines, odd quoting, block-style voices and lexicon.
id: hand   # the guide's id
title: {en: "Hand made", ar: 'صنع يدوي'}
languages: [en, ar]

voices:
  # English first
  en:
    engine: piper      # offline
    voice: 'en_US-joe-medium'
    fallback:          # when Piper is missing
      engine: espeak
      voice: en

  ar:
    engine: "gtts"
    tld: com   # Google's host

lexicon:
  en:
    botox: "bo-tox"   # heard as buttocks
    'SPF':   S P F
    COVID-19:
      say: covid      # not "covid nineteen"
      numbers_differ: true

  # Arabic next
  ar:
    "ملغ": 'مليغرام'

intro:
  en: Welcome, patient.    # plain
  ar: |
    مرحبا بك.
outro: {en: Goodbye., ar: مع السلامة.}
# the end
"""

LEXICON_BLOCK = "id: x\nlexicon:\n  en:\n    botox: bo-tox\n    spf: 'S P F'\n  ar:\n    ملغ: \"مليغرام\"\n"
LEXICON_FLOW = 'id: x\nlexicon:\n  en: {botox: "bo-tox", spf: S P F}\n'


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines taken out and the lines put in, each in file order."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [line[2:] for line in diff if line[:1] == "-"], [line[2:] for line in diff if line[:1] == "+"]


def comments(text: str) -> list[str]:
    return [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]


# -- lexicon: exact results on small scripts ----------------------------------------------------
@pytest.mark.parametrize(
    ("source", "args", "kwargs", "expected"),
    [
        # An existing scalar: only the value, in its own quoting.
        (LEXICON_BLOCK, ("en", "botox", "boh-tox"), {}, LEXICON_BLOCK.replace("bo-tox", "boh-tox")),
        (LEXICON_BLOCK, ("en", "spf", "S. P. F."), {}, LEXICON_BLOCK.replace("'S P F'", "'S. P. F.'")),
        (LEXICON_BLOCK, ("ar", "ملغ", "ملليغرام"), {}, LEXICON_BLOCK.replace('"مليغرام"', '"ملليغرام"')),
        (LEXICON_FLOW, ("en", "botox", "bo tox"), {}, LEXICON_FLOW.replace('"bo-tox"', '"bo tox"')),
        # Plain cannot hold these: double quotes.
        (LEXICON_BLOCK, ("en", "botox", "a: b"), {}, LEXICON_BLOCK.replace("bo-tox", '"a: b"')),
        (LEXICON_FLOW, ("en", "spf", "S, P, F"), {}, LEXICON_FLOW.replace("S P F}", '"S, P, F"}')),
        (LEXICON_BLOCK, ("en", "botox", "30"), {}, LEXICON_BLOCK.replace("bo-tox", '"30"')),
        # A new entry: a line at the entries' indentation (block), inside the braces (flow).
        (LEXICON_BLOCK, ("en", "us", "U S"), {}, LEXICON_BLOCK.replace("'S P F'\n", "'S P F'\n    us: U S\n")),
        (LEXICON_FLOW, ("en", "us", "U S"), {}, LEXICON_FLOW.replace("S P F}", "S P F, us: U S}")),
        ("lexicon:\n  en: {}\n", ("en", "us", "U S"), {}, "lexicon:\n  en: {us: U S}\n"),
        ("lexicon:\n  en:\n", ("en", "us", "U S"), {}, "lexicon:\n  en: {us: U S}\n"),
        # A new language: a line like its siblings, after the lexicon's last line.
        (LEXICON_FLOW, ("ar", "ملغ", "مليغرام"), {}, LEXICON_FLOW + "  ar: {ملغ: مليغرام}\n"),
        (
            "lexicon:\n    en: {a: b}\n# end\n",
            ("ar", "x", "y"),
            {},
            "lexicon:\n    en: {a: b}\n    ar: {x: y}\n# end\n",
        ),
        ("id: x\nlexicon: {}\n", ("en", "a", "b"), {}, "id: x\nlexicon: {en: {a: b}}\n"),
        ("id: x\nlexicon: {ar: {x: y}}\n", ("en", "a", "b"), {}, "id: x\nlexicon: {ar: {x: y}, en: {a: b}}\n"),
        (
            "id: x\nlexicon:\nintro: {en: hi}\n",
            ("en", "a", "b"),
            {},
            "id: x\nlexicon:\n  en: {a: b}\nintro: {en: hi}\n",
        ),
        (
            "id: x\nlexicon:   # words\nid2: y\n",
            ("en", "a", "b"),
            {},
            "id: x\nlexicon:   # words\n  en: {a: b}\nid2: y\n",
        ),
        ("id: x\nlexicon: ~\n", ("en", "a", "b"), {}, "id: x\nlexicon: {en: {a: b}}\n"),
        # No lexicon at all: after the last key (a line break added where the file has none).
        ("id: x\n", ("en", "a", "b"), {}, "id: x\nlexicon:\n  en: {a: b}\n"),
        ("id: x", ("en", "a", "b"), {}, "id: x\nlexicon:\n  en: {a: b}\n"),
        ("id: x\n\n# the end\n", ("en", "a", "b"), {}, "id: x\nlexicon:\n  en: {a: b}\n\n# the end\n"),
        ("{id: x}\n", ("en", "a", "b"), {}, "{id: x, lexicon: {en: {a: b}}}\n"),
        # numbers_differ on a new or a scalar entry: the mapping form.
        (
            LEXICON_FLOW,
            ("en", "30", "13"),
            {"numbers_differ": True},
            LEXICON_FLOW.replace("S P F}", 'S P F, "30": {say: "13", numbers_differ: true}}'),
        ),
        (
            LEXICON_FLOW,
            ("en", "botox", "bo-tox"),
            {"numbers_differ": True},
            LEXICON_FLOW.replace('"bo-tox"', '{say: "bo-tox", numbers_differ: true}'),
        ),
        (
            LEXICON_BLOCK,
            ("en", "spf", "S P F"),
            {"numbers_differ": True},
            LEXICON_BLOCK.replace("'S P F'", "{say: 'S P F', numbers_differ: true}"),
        ),
        # An entry written as a mapping: say changes in place, the mark is added or removed.
        (
            "lexicon:\n  en: {a: {say: x, numbers_differ: true}}\n",
            ("en", "a", "y"),
            {"numbers_differ": True},
            "lexicon:\n  en: {a: {say: y, numbers_differ: true}}\n",
        ),
        (
            "lexicon:\n  en: {a: {say: x}}\n",
            ("en", "a", "x"),
            {"numbers_differ": True},
            "lexicon:\n  en: {a: {say: x, numbers_differ: true}}\n",
        ),
        (
            "lexicon:\n  en: {a: {say: x, numbers_differ: false}}\n",
            ("en", "a", "x"),
            {"numbers_differ": True},
            "lexicon:\n  en: {a: {say: x, numbers_differ: true}}\n",
        ),
        ("lexicon:\n  en: {a: {say: 'x', numbers_differ: true}}\n", ("en", "a", "y"), {}, "lexicon:\n  en: {a: 'y'}\n"),
        (
            "lexicon:\n  en:\n    a:   # marked\n      say: x   # what to say\n      numbers_differ: true\n    b: c\n",
            ("en", "a", "y"),
            {"numbers_differ": True},
            "lexicon:\n  en:\n    a:   # marked\n      say: y   # what to say\n      numbers_differ: true\n    b: c\n",
        ),
        (
            'lexicon:\n  en:\n    a:\n      say: "x"\n      numbers_differ: true\n    b: c\n',
            ("en", "a", "y"),
            {},
            'lexicon:\n  en:\n    a: "y"\n    b: c\n',
        ),
        (
            "lexicon:\n  en:\n    a:\n      say: x\n    b: c\n",
            ("en", "a", "x"),
            {"numbers_differ": True},
            "lexicon:\n  en:\n    a:\n      say: x\n      numbers_differ: true\n    b: c\n",
        ),
        # Removal: the entry's line(s) in block style, the entry inside the braces in flow style.
        (LEXICON_BLOCK, ("en", "botox", None), {}, LEXICON_BLOCK.replace("    botox: bo-tox\n", "")),
        (LEXICON_BLOCK, ("ar", "ملغ", None), {}, LEXICON_BLOCK.replace('  ar:\n    ملغ: "مليغرام"\n', "  ar: {}\n")),
        (LEXICON_FLOW, ("en", "botox", None), {}, LEXICON_FLOW.replace('botox: "bo-tox", ', "")),
        (LEXICON_FLOW, ("en", "spf", None), {}, LEXICON_FLOW.replace(", spf: S P F", "")),
        ("lexicon:\n  en: {a: b}\n", ("en", "a", None), {}, "lexicon:\n  en: {}\n"),
        (
            "lexicon:\n  en:\n    a:\n      say: x\n      numbers_differ: true\n    # more\n    b: c\n",
            ("en", "a", None),
            {},
            "lexicon:\n  en:\n    # more\n    b: c\n",
        ),
        ("lexicon:\n  en:   # words\n    a: b   # one\n", ("en", "a", None), {}, "lexicon:\n  en: {}   # words\n"),
    ],
)
def test_lexicon_edits_write_exactly_this(source, args, kwargs, expected):
    after = set_lexicon_entry(source, *args, **kwargs)
    assert after == expected
    lang, word, say = args
    data = yaml.safe_load(after)["lexicon"][lang]
    if say is None:
        assert word not in data
    elif kwargs.get("numbers_differ"):
        assert data[word] == {"say": say, "numbers_differ": True}
    else:
        assert data[word] == say


def test_an_entry_written_as_a_mapping_without_a_mark_keeps_its_form():
    assert set_lexicon_entry("lexicon:\n  en: {a: {say: x}}\n", "en", "a", "y") == "lexicon:\n  en: {a: {say: y}}\n"


@pytest.mark.parametrize(
    ("source", "args"),
    [
        (LEXICON_BLOCK, ("en", "nothing", None)),  # a word the lexicon does not have
        (LEXICON_BLOCK, ("fr", "nothing", None)),  # a language it does not have
        ("id: x\n", ("en", "nothing", None)),  # no lexicon
        ("id: x\nlexicon:\n", ("en", "nothing", None)),
        (LEXICON_BLOCK, ("en", "botox", "bo-tox")),  # already so
        (LEXICON_FLOW, ("en", "botox", "bo-tox")),
        ("lexicon:\n  en: {a: {say: x}}\n", ("en", "a", "x")),
    ],
)
def test_nothing_to_change_returns_the_source_itself(source, args):
    assert set_lexicon_entry(source, *args) is source


@pytest.mark.parametrize(
    "word",
    [
        "30",
        "yes",
        "no",
        "null",
        "~",
        "true",
        "1.5",
        "2nd",
        "a: b",
        "#x",
        "x #y",
        "<<",
        "-x",
        "a, b",
        "[x]",
        "{x}",
        "x:",
        "'q'",
        '"q"',
        "ملغ",
        "  spaced  ",
        "tab\there",
        "é",
    ],
)
@pytest.mark.parametrize("script", [LEXICON_BLOCK, LEXICON_FLOW, "id: x\n"])
def test_any_word_and_saying_read_back_as_strings(script, word):
    after = set_lexicon_entry(script, "en", word, word)
    assert yaml.safe_load(after)["lexicon"]["en"][word] == word
    assert set_lexicon_entry(after, "en", word, word) is after  # found again as the same word
    again = set_lexicon_entry(after, "en", word, None)
    assert word not in (yaml.safe_load(again).get("lexicon") or {}).get("en", {})


def test_quoting_is_plain_only_where_plain_reads_back_the_same():
    after = set_lexicon_entry("id: x\n", "en", "2nd", "second")
    assert after == "id: x\nlexicon:\n  en: {2nd: second}\n"
    for word, written in [("30", '"30"'), ("yes", '"yes"'), ("null", '"null"'), ("a: b", '"a: b"'), ("#x", '"#x"')]:
        assert set_lexicon_entry("id: x\n", "en", word, "w") == f"id: x\nlexicon:\n  en: {{{written}: w}}\n"
    assert set_lexicon_entry("id: x\n", "ar", "ملغ", "مليغرام") == "id: x\nlexicon:\n  ar: {ملغ: مليغرام}\n"


def test_a_word_written_as_a_number_is_found_by_how_it_is_written():
    source = "lexicon:\n  en:\n    30: thirty\n"
    assert set_lexicon_entry(source, "en", "30", "thirty minutes") == "lexicon:\n  en:\n    30: thirty minutes\n"
    assert set_lexicon_entry(source, "en", "30", None) == "lexicon:\n  en: {}\n"


def test_windows_line_breaks_are_kept():
    source = "id: x\r\nlexicon:\r\n  en:\r\n    a: b\r\n"
    assert set_lexicon_entry(source, "en", "c", "d") == "id: x\r\nlexicon:\r\n  en:\r\n    a: b\r\n    c: d\r\n"


# -- lexicon: the sample and a hand-formatted script --------------------------------------------
@pytest.mark.parametrize(
    ("args", "kwargs", "out", "into"),
    [
        (("ar", "ملغ", "مليغرام"), {}, [], ["  ar: {ملغ: مليغرام}"]),
        (("en", "botox", "boh-tox"), {}, ['  en: {botox: "bo-tox"}'], ['  en: {botox: "boh-tox"}']),
        (("en", "spf", "S P F"), {}, ['  en: {botox: "bo-tox"}'], ['  en: {botox: "bo-tox", spf: S P F}']),
        (
            ("en", "botox", "bo-tox"),
            {"numbers_differ": True},
            ['  en: {botox: "bo-tox"}'],
            ['  en: {botox: {say: "bo-tox", numbers_differ: true}}'],
        ),
        (("en", "botox", None), {}, ['  en: {botox: "bo-tox"}'], ["  en: {}"]),
    ],
)
def test_the_sample_changes_only_its_lexicon_line(args, kwargs, out, into):
    after = set_lexicon_entry(SAMPLE, *args, **kwargs)
    assert changed_lines(SAMPLE, after) == (out, into)


@pytest.mark.parametrize(
    ("args", "kwargs", "out", "into"),
    [
        (
            ("en", "botox", "boh-tox"),
            {},
            ['    botox: "bo-tox"   # heard as buttocks'],
            ['    botox: "boh-tox"   # heard as buttocks'],
        ),
        (("en", "SPF", "ess pee eff"), {}, ["    'SPF':   S P F"], ["    'SPF':   ess pee eff"]),
        (("en", "us", "U S"), {}, [], ["    us: U S"]),
        (
            ("en", "COVID-19", "kovid"),
            {"numbers_differ": True},
            ['      say: covid      # not "covid nineteen"'],
            ['      say: kovid      # not "covid nineteen"'],
        ),
        (
            ("en", "COVID-19", "covid"),
            {},
            ["    COVID-19:", '      say: covid      # not "covid nineteen"', "      numbers_differ: true"],
            ["    COVID-19: covid"],
        ),
        (("en", "botox", None), {}, ['    botox: "bo-tox"   # heard as buttocks'], []),
        (("ar", "ملغ", "ملليغرام"), {}, ["    \"ملغ\": 'مليغرام'"], ["    \"ملغ\": 'ملليغرام'"]),
        (("ar", "مل", "مليلتر"), {}, [], ["    مل: مليلتر"]),
        (("fr", "mg", "milligramme"), {}, [], ["  fr: {mg: milligramme}"]),
    ],
)
def test_a_hand_formatted_lexicon_keeps_every_other_character(args, kwargs, out, into):
    after = set_lexicon_entry(HAND_FORMATTED, *args, **kwargs)
    assert changed_lines(HAND_FORMATTED, after) == (out, into)
    kept = [c for c in comments(HAND_FORMATTED) if not any(c in line for line in out)]
    assert [c for c in comments(after) if c in kept] == kept
    before_data, after_data = yaml.safe_load(HAND_FORMATTED), yaml.safe_load(after)
    assert {k: v for k, v in before_data.items() if k != "lexicon"} == {
        k: v for k, v in after_data.items() if k != "lexicon"
    }


def test_a_new_arabic_language_goes_after_the_lexicons_last_line():
    after = set_lexicon_entry(HAND_FORMATTED.replace("  ar:\n    \"ملغ\": 'مليغرام'\n", ""), "ar", "ملغ", "مليغرام")
    assert "      numbers_differ: true\n  ar: {ملغ: مليغرام}\n\n  # Arabic next\n" in after


# -- voices -------------------------------------------------------------------------------------
VOICES_FLOW = (
    "id: x\nvoices:\n  en: {engine: piper, voice: en_US-joe-medium}\n"
    "  ar: {engine: gtts, fallback: {engine: espeak, voice: ar}}\n"
)


@pytest.mark.parametrize(
    ("source", "lang", "changes", "expected"),
    [
        (VOICES_FLOW, "en", {"speed": 1.2}, VOICES_FLOW.replace("joe-medium}", "joe-medium, speed: 1.2}")),
        (VOICES_FLOW, "en", {"voice": "en_US-amy-low"}, VOICES_FLOW.replace("en_US-joe-medium", "en_US-amy-low")),
        (VOICES_FLOW, "en", {"voice": None}, VOICES_FLOW.replace(", voice: en_US-joe-medium", "")),
        (
            VOICES_FLOW,
            "en",
            {"engine": None, "voice": None},
            VOICES_FLOW.replace("{engine: piper, voice: en_US-joe-medium}", "{}"),
        ),
        (
            VOICES_FLOW,
            "ar",
            {"slow": True, "tld": "co.uk"},
            VOICES_FLOW.replace("voice: ar}}", "voice: ar}, slow: true, tld: co.uk}"),
        ),
        (
            VOICES_FLOW,
            "ar",
            {"engine": "espeak", "pitch": 50},
            VOICES_FLOW.replace("engine: gtts", "engine: espeak").replace("ar}}", "ar}, pitch: 50}"),
        ),
        (VOICES_FLOW, "ar", {"fallback": None}, VOICES_FLOW.replace(", fallback: {engine: espeak, voice: ar}", "")),
        (VOICES_FLOW, "fr", {"engine": "espeak", "voice": "fr"}, VOICES_FLOW + "  fr: {engine: espeak, voice: fr}\n"),
        (
            VOICES_FLOW,
            "en",
            {"speed": 1.0, "engine": "piper"},
            VOICES_FLOW.replace("joe-medium}", "joe-medium, speed: 1.0}"),
        ),
        ("id: x\n", "en", {"engine": "piper", "speed": 0.9}, "id: x\nvoices:\n  en: {engine: piper, speed: 0.9}\n"),
        ("id: x\nvoices: {}\n", "en", {"engine": "piper"}, "id: x\nvoices: {en: {engine: piper}}\n"),
        ("id: x\nvoices:\n", "en", {"engine": "piper"}, "id: x\nvoices:\n  en: {engine: piper}\n"),
        ("id: x\nvoices:\n  en:\n", "en", {"engine": "piper"}, "id: x\nvoices:\n  en: {engine: piper}\n"),
        (
            "voices:\n  en: {engine: piper, speed: 1}\n",
            "en",
            {"speed": 1.25},
            "voices:\n  en: {engine: piper, speed: 1.25}\n",
        ),
        (
            "voices:\n  en: {engine: piper, speed: 1}\n",
            "en",
            {"speed": 1e-5},
            "voices:\n  en: {engine: piper, speed: 1.0e-05}\n",
        ),
        (
            "voices:\n  ar: {engine: gtts, slow: true}\n",
            "ar",
            {"slow": False},
            "voices:\n  ar: {engine: gtts, slow: false}\n",
        ),
        (
            "voices:\n  ar: {engine: gtts, lang: 'ar'}\n",
            "ar",
            {"lang": "no"},
            "voices:\n  ar: {engine: gtts, lang: 'no'}\n",
        ),
        ("voices:\n  ar: {engine: gtts}\n", "ar", {"lang": "no"}, 'voices:\n  ar: {engine: gtts, lang: "no"}\n'),
        (
            "voices:\n  ar: {engine: gtts}\n",
            "ar",
            {"diacritize": "off"},
            'voices:\n  ar: {engine: gtts, diacritize: "off"}\n',
        ),
        (
            "voices:\n  en:\n    engine: piper   # offline\n    fallback:\n      engine: espeak\n\n# next\nid: x\n",
            "en",
            {"speed": 1.5, "engine": "espeak"},
            "voices:\n  en:\n    engine: espeak   # offline\n    fallback:\n      engine: espeak\n"
            "    speed: 1.5\n\n# next\nid: x\n",
        ),
        (
            "voices:\n  en:\n    engine: piper   # offline\n    fallback:   # missing Piper\n"
            "      engine: espeak\n    speed: 2.0\n",
            "en",
            {"fallback": None},
            "voices:\n  en:\n    engine: piper   # offline\n    speed: 2.0\n",
        ),
        ("voices:\n  en:\n    engine: piper\n", "en", {"engine": None}, "voices:\n  en: {}\n"),
    ],
)
def test_voice_edits_write_exactly_this(source, lang, changes, expected):
    after = set_voice(source, lang, changes)
    assert after == expected
    voice = yaml.safe_load(after)["voices"][lang]
    for key, value in changes.items():
        if value is None:
            assert key not in voice
        else:
            assert voice[key] == value and type(voice[key]) is type(value)


@pytest.mark.parametrize(
    ("source", "lang", "changes"),
    [
        (VOICES_FLOW, "en", {}),
        (VOICES_FLOW, "en", {"engine": "piper"}),  # already so
        (VOICES_FLOW, "en", {"pitch": None}),  # nothing to remove
        (VOICES_FLOW, "fr", {"pitch": None}),
        ("id: x\n", "en", {"pitch": None}),
    ],
)
def test_a_voice_change_that_changes_nothing_returns_the_source_itself(source, lang, changes):
    assert set_voice(source, lang, changes) is source


@pytest.mark.parametrize(
    ("lang", "changes", "out", "into"),
    [
        (
            "en",
            {"speed": 1.1},
            ["  en: {engine: piper, voice: en_US-joe-medium}"],
            ["  en: {engine: piper, voice: en_US-joe-medium, speed: 1.1}"],
        ),
        (
            "ar",
            {"engine": "espeak", "voice": "ar", "fallback": None},
            ["  ar: {engine: gtts, fallback: {engine: espeak, voice: ar}}"],
            ["  ar: {engine: espeak, voice: ar}"],
        ),
        (
            "ar",
            {"tld": "com.eg"},
            ["  ar: {engine: gtts, fallback: {engine: espeak, voice: ar}}"],
            ["  ar: {engine: gtts, fallback: {engine: espeak, voice: ar}, tld: com.eg}"],
        ),
        ("fr", {"engine": "espeak"}, [], ["  fr: {engine: espeak}"]),
    ],
)
def test_the_sample_changes_only_its_voice_line(lang, changes, out, into):
    after = set_voice(SAMPLE, lang, changes)
    assert changed_lines(SAMPLE, after) == (out, into)


@pytest.mark.parametrize(
    ("lang", "changes", "out", "into"),
    [
        ("en", {"speed": 1.2}, [], ["    speed: 1.2"]),
        ("en", {"voice": "en_US-amy-low"}, ["    voice: 'en_US-joe-medium'"], ["    voice: 'en_US-amy-low'"]),
        ("en", {"engine": "espeak"}, ["    engine: piper      # offline"], ["    engine: espeak      # offline"]),
        (
            "en",
            {"fallback": None},
            ["    fallback:          # when Piper is missing", "      engine: espeak", "      voice: en"],
            [],
        ),
        (
            "ar",
            {"engine": "piper", "voice": "ar_JO-kareem-medium"},
            ['    engine: "gtts"'],
            ['    engine: "piper"', "    voice: ar_JO-kareem-medium"],
        ),
        ("ar", {"tld": None}, ["    tld: com   # Google's host"], []),
        ("fr", {"engine": "espeak"}, [], ["  fr: {engine: espeak}"]),
    ],
)
def test_hand_formatted_voices_keep_every_other_character(lang, changes, out, into):
    after = set_voice(HAND_FORMATTED, lang, changes)
    assert changed_lines(HAND_FORMATTED, after) == (out, into)
    before_data, after_data = yaml.safe_load(HAND_FORMATTED), yaml.safe_load(after)
    assert {k: v for k, v in before_data.items() if k != "voices"} == {
        k: v for k, v in after_data.items() if k != "voices"
    }
    others = {k: v for k, v in before_data["voices"].items() if k != lang}
    assert {k: v for k, v in after_data["voices"].items() if k != lang} == others


def test_a_voice_added_in_the_hand_formatted_script_goes_after_its_last_setting():
    after = set_voice(HAND_FORMATTED, "en", {"speed": 1.2, "slow": None})
    assert "      voice: en\n    speed: 1.2\n\n  ar:\n" in after


# -- the project's loader reads the result -----------------------------------------------------
def test_the_edited_sample_still_loads():
    after = set_voice(set_lexicon_entry(SAMPLE, "ar", "ملغ", "مليغرام"), "en", {"speed": 1.2})
    out, into = changed_lines(SAMPLE, after)
    assert (len(out), len(into)) == (1, 2)  # the en voice out and in, the ar lexicon line in
    script = load_source(after, Path("x.yaml"), None)
    assert script.lexicon["ar"] == {"ملغ": "مليغرام"}
    assert script.lexicon["en"] == {"botox": "bo-tox"}
    assert script.voices["en"].speed == 1.2
    assert script.voices["ar"].fallback is not None


def test_a_marked_entry_loads_as_marked():
    after = set_lexicon_entry(SAMPLE, "en", "COVID-19", "covid", numbers_differ=True)
    script = load_source(after, Path("x.yaml"), None)
    assert script.lexicon_sources[("en", "COVID-19")].numbers_differ
    unmarked = set_lexicon_entry(after, "en", "COVID-19", "covid")
    assert not load_source(unmarked, Path("x.yaml"), None).lexicon_sources[("en", "COVID-19")].numbers_differ


def test_the_hand_formatted_script_edited_still_loads():
    after = set_lexicon_entry(HAND_FORMATTED, "en", "us", "U S")
    after = set_voice(after, "en", {"speed": 0.8, "fallback": None})
    script = load_source(after, Path("x.yaml"), None)
    assert (
        script.lexicon["en"]["us"] == "U S"
        and script.voices["en"].speed == 0.8
        and script.voices["en"].fallback is None
    )


# -- refusals -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "match"),
    [
        ("id: x\nlexicon: [a, b]\n", "lexicon must be a mapping of languages, not a list"),
        ("id: x\nlexicon: words\n", "lexicon must be a mapping of languages, not 'words'"),
        ("id: x\nlexicon:\n  en: [a]\n", "lexicon.en must be a mapping, not a list"),
        ("id: x\nlexicon:\n  en: botox\n", "lexicon.en must be a mapping, not 'botox'"),
        ("id: x\nlexicon:\n  en: {botox: [a]}\n", "lexicon.en.botox must be what to say"),
        ("id: x\nlexicon:\n  en: {botox: a, botox: b}\n", "'botox' is written twice"),
        ("id: x\nlexicon:\n  en: &words {botox: a}\n  en-GB: *words\n", "more than one place"),
        ("- a list\n", "not a mapping"),
        ("id: [\n", "not valid YAML"),
        ("", "not a mapping"),
    ],
)
def test_a_lexicon_that_is_not_a_mapping_is_refused(source, match):
    with pytest.raises(EditError, match=match):
        set_lexicon_entry(source, "en", "botox", "bo-tox")


@pytest.mark.parametrize(
    ("source", "changes", "match"),
    [
        ("voices: [piper]\n", {"speed": 1.0}, "voices must be a mapping of languages, not a list"),
        ("voices:\n  en: piper\n", {"speed": 1.0}, "voices.en must be a mapping, not 'piper'"),
        ("voices:\n  en: [piper]\n", {"speed": 1.0}, "voices.en must be a mapping, not a list"),
        (
            "voices:\n  en: {engine: piper, fallback: {engine: espeak}}\n",
            {"fallback": "espeak"},
            "can be removed, not set",
        ),
        (VOICES_FLOW, {"speed": float("nan")}, "not a number"),
        (VOICES_FLOW, {"speed": [1.0]}, "text, a number or true/false"),
        (VOICES_FLOW, {"": "x"}, "non-empty string"),
    ],
)
def test_a_voice_that_cannot_be_edited_is_refused(source, changes, match):
    with pytest.raises(EditError, match=match):
        set_voice(source, "en", changes)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("", "a", "b"), {}), (("en", "", "b"), {}), (("en", "a", 3), {}), (("en", "a", "b"), {"numbers_differ": "yes"})],
)
def test_wrong_arguments_are_refused(args, kwargs):
    with pytest.raises(EditError):
        set_lexicon_entry(LEXICON_FLOW, *args, **kwargs)


# -- anything reads back ------------------------------------------------------------------------
words = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(str.strip)


@settings(max_examples=100, deadline=None)
@given(
    script=st.sampled_from([HAND_FORMATTED, LEXICON_BLOCK, LEXICON_FLOW, "id: x\n"]),
    lang=st.sampled_from(["en", "ar", "fr"]),
    word=words,
    say=words,
    marked=st.booleans(),
)
def test_any_entry_reads_back_exactly_and_nothing_else_changes(script, lang, word, say, marked):
    after = set_lexicon_entry(script, lang, word, say, numbers_differ=marked)
    data = yaml.safe_load(after)
    assert data["lexicon"][lang][word] == ({"say": say, "numbers_differ": True} if marked else say)
    before = yaml.safe_load(script)
    assert {k: v for k, v in data.items() if k != "lexicon"} == {k: v for k, v in before.items() if k != "lexicon"}
    removed = set_lexicon_entry(after, lang, word, None)
    assert word not in yaml.safe_load(removed)["lexicon"][lang]


@settings(max_examples=100, deadline=None)
@given(
    script=st.sampled_from([HAND_FORMATTED, VOICES_FLOW, "id: x\n"]),
    lang=st.sampled_from(["en", "ar", "fr"]),
    key=st.sampled_from(["voice", "lang", "tld", "speed", "pitch", "slow", "engine"]),
    value=st.one_of(words, st.booleans(), st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False)),
)
def test_any_voice_setting_reads_back_exactly(script, lang, key, value):
    after = set_voice(script, lang, {key: value})
    voice = yaml.safe_load(after)["voices"][lang]
    assert voice[key] == value and type(voice[key]) is type(value)
    assert set_voice(after, lang, {key: value}) is after
