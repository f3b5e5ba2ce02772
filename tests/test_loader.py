"""Script validation: every problem reported as file:line, exit status 2, nothing written."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from guide.builder import load
from guide.cli import main
from guide.errors import ScriptError
from guide.script.model import BulletList, Paragraph, VoiceSettings

from .conftest import SAMPLE_SCRIPT, SMALL_SCRIPT

GOOD_HEAD = """\
id: t
title: {en: "T", ar: "ت"}
languages: [en, ar]
"""

# (name, script text, [(line, message fragment), ...])
BROKEN = [
    ("yaml syntax", 'id: t\ntitle: {en: "T"\n', [(3, "YAML syntax error")]),
    ("unknown top key", GOOD_HEAD + "outro: {en: a, ar: ب}\ncolour: red\n", [(5, "unknown key 'colour'")]),
    ("missing translation", GOOD_HEAD + "intro: {en: Hello}\n", [(4, "missing the 'ar' text")]),
    ("empty text", GOOD_HEAD + 'intro: {en: "  ", ar: "ب"}\n', [(4, "intro.en is empty")]),
    ("null text", GOOD_HEAD + "intro: {en: , ar: ب}\n", [(4, "intro.en is empty")]),
    (
        "duplicate id",
        GOOD_HEAD
        + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    body: [{en: x, ar: س}]\n"
        + "faq:\n  - id: a\n    question: {en: q, ar: س}\n    answer: {en: a, ar: ج}\n",
        [(9, "'a' is used twice (first at line 5)")],
    ),
    ("unsafe id", GOOD_HEAD.replace("id: t", "id: ../../x") + "outro: {en: a, ar: ب}\n", [(1, "not a safe id")]),
    (
        "reserved id",
        GOOD_HEAD + "faq:\n  - id: intro\n    question: {en: q, ar: س}\n    answer: {en: a, ar: ج}\n",
        [(5, "reserved")],
    ),
    (
        "unknown engine",
        GOOD_HEAD + "voices:\n  ar: {engine: festival}\noutro: {en: a, ar: ب}\n",
        [(5, "unknown engine 'festival' (available: piper, espeak, gtts, azure")],
    ),
    (
        "unknown espeak voice",
        GOOD_HEAD + "voices:\n  ar: {engine: espeak, voice: xx-nope}\noutro: {en: a, ar: ب}\n",
        [(5, "espeak-ng has no voice 'xx-nope'")],
    ),
    (
        "unknown piper voice",
        GOOD_HEAD + "voices:\n  en: {engine: piper, voice: en_GB-nobody}\noutro: {en: a, ar: ب}\n",
        [(5, "available: en_US-joe-medium")],
    ),
    (
        "missing piper file",
        GOOD_HEAD + "voices:\n  en: {engine: piper, voice: voices/none.onnx}\noutro: {en: a, ar: ب}\n",
        [(5, "voice file not found")],
    ),
    (
        "piper without arabic voice",
        GOOD_HEAD + "voices:\n  ar: {engine: piper}\noutro: {en: a, ar: ب}\n",
        [(5, "no default voice for 'ar'")],
    ),
    (
        "unknown gtts language",
        GOOD_HEAD + "voices:\n  ar: {engine: gtts, lang: zz}\noutro: {en: a, ar: ب}\n",
        [(5, "gtts has no language 'zz'")],
    ),
    (
        "speed out of range",
        GOOD_HEAD + "voices:\n  en: {engine: piper, speed: 9}\noutro: {en: a, ar: ب}\n",
        [(5, "speed must be between 0.5 and 2")],
    ),
    (
        "bullets not a list",
        GOOD_HEAD + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    body:\n      - bullets: nope\n",
        [(8, "must be a list")],
    ),
    ("no content", GOOD_HEAD, [(1, "nothing to say")]),
    ("missing keys", "intro: {en: a}\n", [(1, "missing required key 'id'"), (1, "missing required key 'languages'")]),
    (
        "duplicate key",
        GOOD_HEAD + "outro: {en: a, ar: ب}\noutro: {en: b, ar: ت}\n",
        [(5, "duplicate key 'outro' (first at line 4)")],
    ),
    (
        "python tag",
        GOOD_HEAD + "outro: !!python/object:os.system {en: a}\n",
        [(4, "YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed")],
    ),
    ("not a mapping", "- just\n- a list\n", [(1, "script must be a mapping")]),
    # the text front-end's settings and inline markup
    (
        "unknown markup",
        GOOD_HEAD + "outro: {en: 'Rest [sigh] now', ar: ب}\n",
        [(4, "outro.en: unknown markup '[sigh]'")],
    ),
    (
        "bad pause",
        GOOD_HEAD + "intro:\n  en: ok\n  ar: 'استرح [pause 20s] ثم'\n",
        [(6, "intro.ar: '[pause 20s]': a pause must be")],
    ),
    ("lone brace", GOOD_HEAD + "outro: {en: 'a } b', ar: ب}\n", [(4, "unmatched '}'")]),
    (
        "code_switch word",
        GOOD_HEAD + "code_switch: maybe\noutro: {en: a, ar: ب}\n",
        [(4, "code_switch must be one of auto, off")],
    ),
    (
        "diacritize word",
        GOOD_HEAD + "voices:\n  ar: {engine: espeak, diacritize: yes}\noutro: {en: a, ar: ب}\n",
        [(5, "diacritize must be one of auto, off")],
    ),
    (
        "pitch on piper",
        GOOD_HEAD + "voices:\n  en: {engine: piper, pitch: 60}\noutro: {en: a, ar: ب}\n",
        [(5, "piper cannot change pitch (espeak, azure and google-cloud can)")],
    ),
    (
        "model on espeak",
        GOOD_HEAD + "voices:\n  ar: {engine: espeak, model: x}\noutro: {en: a, ar: ب}\n",
        [(5, "espeak has no models to choose from")],
    ),
    (
        "lexicon ipa with markup",
        GOOD_HEAD + "lexicon:\n  en:\n    Botox: {ipa: '<x/>'}\noutro: {en: a, ar: ب}\n",
        [(6, "write the pronunciation in IPA letters")],
    ),
    (
        "pitch out of range",
        GOOD_HEAD + "voices:\n  ar: {engine: espeak, pitch: 120}\noutro: {en: a, ar: ب}\n",
        [(5, "pitch must be between 0 and 100")],
    ),
    (
        "lexicon not text",
        GOOD_HEAD + "lexicon:\n  en:\n    Botox: [a, b]\noutro: {en: a, ar: ب}\n",
        [(6, "lexicon.en.Botox must be a single value")],
    ),
    # the number guard and its marker
    (
        "a lexicon entry changes a number",
        GOOD_HEAD + "lexicon:\n  en: {'30': '13'}\noutro: {en: 'Wait 30 minutes.', ar: ب}\n",
        [(6, 'the voice would say 13 where 30 is written: "Wait 30 minutes." would be said "Wait thirteen minutes."')],
    ),
    (
        "a substitution changes a unit",
        GOOD_HEAD + "outro: {en: 'Take {5 mg|five grams}.', ar: ب}\n",
        [(4, "the voice would say grams where milligrams is written")],
    ),
    (
        "numbers_differ not a boolean",
        GOOD_HEAD + "lexicon:\n  en:\n    '30': {say: '13', numbers_differ: maybe}\noutro: {en: a, ar: ب}\n",
        [(6, "numbers_differ must be true or false")],
    ),
    (
        "owner without email",
        GOOD_HEAD + "owner: {name: Clinic}\noutro: {en: a, ar: ب}\n",
        [(4, "owner: missing 'email'")],
    ),
    (
        "owner email not an address",
        GOOD_HEAD + "owner: {name: Clinic, email: clinic}\noutro: {en: a, ar: ب}\n",
        [(4, "owner.email 'clinic' is not an e-mail address")],
    ),
    (
        "lexicon entry without say",
        GOOD_HEAD + "lexicon:\n  en:\n    '30': {numbers_differ: true}\noutro: {en: a, ar: ب}\n",
        [(6, "missing 'say'")],
    ),
    (
        "lexicon entry unknown key",
        GOOD_HEAD + "lexicon:\n  en:\n    '30': {say: '13', because: x}\noutro: {en: a, ar: ب}\n",
        [(6, "unknown key 'because'")],
    ),
    (
        "bad inline marker",
        GOOD_HEAD + "outro: {en: 'Open {24/7|around the clock|ok}', ar: ب}\n",
        [(4, "the third part can only be 'numbers differ'")],
    ),
    (
        "lexicon bad language",
        GOOD_HEAD + "lexicon:\n  English: {a: b}\noutro: {en: a, ar: ب}\n",
        [(5, "'English' is not a language code")],
    ),
    (
        "lexicon file missing",
        GOOD_HEAD + "lexicon_file: nowhere.yaml\noutro: {en: a, ar: ب}\n",
        [(4, "lexicon_file: no such file")],
    ),
    (
        "voice for a forced language that does not exist",
        GOOD_HEAD + "outro: {en: 'say [lang zz]x[/lang]', ar: ب}\n",
        [(4, "text in 'zz' (no voice for it)")],
    ),
]


@pytest.mark.parametrize("name, text, expected", BROKEN, ids=[case[0] for case in BROKEN])
def test_broken_scripts_report_every_problem_with_its_line(name, text, expected, write_script, registry):
    path = write_script(text)
    with pytest.raises(ScriptError) as caught:
        load(path, registry)
    problems = [(p.line, p.message) for p in caught.value.problems]
    for line, fragment in expected:
        assert any(at == line and fragment in m for at, m in problems), (
            f"expected line {line}: {fragment!r} in {problems}"
        )


def test_all_problems_collected_in_one_pass(write_script, registry):
    path = write_script(
        GOOD_HEAD
        + "intro: {en: Hello}\n"  # line 4: missing ar
        + "sections:\n  - id: Bad_Id\n    title: {en: A, ar: أ}\n    body: [{en: x, ar: ''}]\n"  # 6: id, 8: empty
    )
    with pytest.raises(ScriptError) as caught:
        load(path, registry)
    lines = sorted(p.line for p in caught.value.problems)
    assert lines == [4, 6, 8]


def test_check_cli_prints_file_line_and_exits_2(write_script):
    path = write_script(GOOD_HEAD + "intro: {en: Hello}\ncolour: red\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert f"{path}:4: intro: missing the 'ar' text" in result.output
    assert f"{path}:5: script: unknown key 'colour'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"\xff\xfe not utf8", "is UTF-16 text; save it as UTF-8"),
        (b"ok: \xe9t\xe9\n", "not UTF-8 text (byte 4)"),
        (b"", "the script is empty"),
    ],
)
def test_unreadable_files(tmp_path, content, fragment):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert fragment in result.output


def test_missing_file_is_an_input_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_bom_is_accepted(write_script, registry):
    path = write_script(SMALL_SCRIPT)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load(path, registry).id == "small-guide"


def test_build_of_broken_script_writes_nothing(write_script, tmp_path):
    path = write_script(GOOD_HEAD + "intro: {en: Hello}\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_model_of_small_script(small_script, registry):
    script = load(small_script, registry)
    assert script.languages == ("en", "ar")
    assert [s.id for s in script.sections] == ["care"]
    body = script.sections[0].body
    assert isinstance(body[0], Paragraph) and body[0].text["ar"] == "استرح جيدا."
    assert isinstance(body[1], BulletList) and body[1].title["en"] == "Tips" and len(body[1].items) == 2
    assert script.faq[0].answer["en"] == "About four months."
    # The defaults: Piper for English; for Arabic, gTTS when reachable, else espeak-ng.
    assert script.voices["en"].engine == "piper"
    assert script.voices["ar"].engine == "gtts" and script.voices["ar"].fallback == VoiceSettings(
        engine="espeak", voice="ar"
    )


def test_single_language_script_may_use_plain_strings(write_script, registry):
    path = write_script('id: one\ntitle: "One"\nlanguages: [en]\nintro: "Hello there."\n')
    script = load(path, registry)
    assert script.intro["en"] == "Hello there."


def test_sample_script_is_valid(registry):
    script = load(SAMPLE_SCRIPT, registry)
    assert script.id == "botox-long-term-effects"
    assert script.languages == ("en", "ar")
    assert [f.id for f in script.faq] == [
        "how-long",
        "permanent-damage",
        "stop-working",
        "alternatives",
        "natural-expressions",
    ]


def test_sample_script_holds_every_paragraph_of_the_article(registry):
    from .conftest import SOURCE_ARTICLE

    if not SOURCE_ARTICLE.is_file():
        pytest.skip(f"source article not found at {SOURCE_ARTICLE} (shared/ is beside the project in CI)")
    script = load(SAMPLE_SCRIPT, registry)
    english = [script.intro["en"], script.outro["en"]]
    for section in script.sections:
        english.append(section.title["en"])
        for block in section.body:
            if isinstance(block, Paragraph):
                english.append(block.text["en"])
            else:
                english += [block.title["en"]] + [item["en"] for item in block.items]
    for entry in script.faq:
        english += [entry.question["en"], entry.answer["en"]]
    paragraphs = [
        " ".join(p.replace("•", "").split()) for p in SOURCE_ARTICLE.read_text(encoding="utf-8").split("\n\n")
    ]
    headings_without_text = {"Frequently Asked Questions:", "Conclusion:"}
    for paragraph in filter(None, paragraphs):
        if paragraph in headings_without_text:
            continue
        assert paragraph.rstrip(":") in english, paragraph
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in text) for text in [script.intro["ar"], script.outro["ar"]])
    assert "حقن البوتوكس" in script.intro["ar"]


def test_texts_keep_their_markup_and_show_without_it(write_script, registry):
    path = write_script(
        GOOD_HEAD + "outro: {en: 'Wear {SPF|S P F}. [pause 1s] Done.', ar: 'ضع واقي {SPF|إس بي إف}.'}\n"
    )
    script = load(path, registry)
    assert script.outro.source("en") == "Wear {SPF|S P F}. [pause 1s] Done."
    assert script.outro["en"] == "Wear SPF. Done."
    assert script.outro["ar"] == "ضع واقي SPF."


def test_languages_spoken_inside_texts_get_voices(write_script, registry):
    path = write_script("id: t\ntitle: T\nlanguages: [en]\noutro: 'Botox Injections(حقن البوتوكس) work.'\n")
    script = load(path, registry)
    assert list(script.voices) == ["en", "ar"] and script.voices["ar"] == VoiceSettings(
        engine="gtts", fallback=VoiceSettings(engine="espeak", voice="ar")
    )
    off = write_script(
        "id: t\ntitle: T\nlanguages: [en]\ncode_switch: off\noutro: 'Botox Injections(حقن البوتوكس) work.'\n",
        "off.yaml",
    )
    assert list(load(off, registry).voices) == ["en"]


def test_a_voice_may_be_given_for_a_language_only_spoken_inside_texts(write_script, registry):
    path = write_script(
        "id: t\ntitle: T\nlanguages: [en]\nvoices:\n  ar: {engine: espeak, voice: ar, speed: 0.9}\n"
        "outro: 'Say [lang ar]مرحبا[/lang].'\n"
    )
    assert load(path, registry).voices["ar"].speed == 0.9


def test_lexicon_file_merges_under_the_scripts_lexicon(write_script, registry):
    write_script("en:\n  Botox: FILE\n  SPF: S P F\nar:\n  البوتوكس: البُوتُوكْس\n", "words.yaml")
    path = write_script(
        GOOD_HEAD + "lexicon_file: words.yaml\nlexicon:\n  en: {Botox: BOH-tocks}\noutro: {en: a, ar: ب}\n"
    )
    lexicon = load(path, registry).lexicon
    assert lexicon == {"en": {"Botox": "BOH-tocks", "SPF": "S P F"}, "ar": {"البوتوكس": "البُوتُوكْس"}}


def test_lexicon_file_problems_name_that_file(write_script, registry):
    words = write_script("en:\n  Botox: [x]\n", "words.yaml")
    path = write_script(GOOD_HEAD + "lexicon_file: words.yaml\noutro: {en: a, ar: ب}\n")
    with pytest.raises(ScriptError) as caught:
        load(path, registry)
    assert [(p.path, p.line) for p in caught.value.problems] == [(words, 2)]


def test_missing_translations_are_errors_unless_allowed(write_script, registry):
    text = GOOD_HEAD + "intro: {en: Hello, ar: ''}\noutro: {en: Bye, ar: ''}\n"
    path = write_script(text)
    with pytest.raises(ScriptError) as caught:
        load(path, registry)
    assert [(p.line, "not translated yet?" in p.message) for p in caught.value.problems] == [(4, True), (5, True)]
    script = load(path, registry, allow_missing=True)
    assert [(p.line, p.message) for p in script.missing] == [
        (4, "intro.ar: not translated yet"),
        (5, "outro.ar: not translated yet"),
    ]
    result = CliRunner().invoke(main, ["check", "--allow-missing", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 texts not translated yet" in result.output and f"{path}:4: intro.ar: not translated yet" in result.output
    assert CliRunner().invoke(main, ["check", str(path)]).exit_code == 2


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (
            GOOD_HEAD + "voices:\n  en: {engine: piper, sped: 1.2}\noutro: {en: a, ar: ب}\n",
            "unknown key 'sped' (did you mean 'speed'?",
        ),
        (GOOD_HEAD + "outro: {en: a, ar: ب}\nlexicom: {}\n", "unknown key 'lexicom' (did you mean 'lexicon'?"),
        (GOOD_HEAD + "outro: {en: a, ar: ب}\ncolour: red\n", "unknown key 'colour' (allowed:"),
    ],
)
def test_unknown_keys_suggest_the_nearest(text, hint, write_script, registry):
    with pytest.raises(ScriptError) as caught:
        load(write_script(text), registry)
    assert hint in str(caught.value)


def test_a_lexicon_replacement_in_another_script_gets_that_languages_voice(write_script, registry):
    from guide.builder import plan

    path = write_script('id: t\ntitle: T\nlanguages: [en]\nlexicon:\n  en: {Botox: "بوتوكس"}\nintro: "Botox works."\n')
    script = load(path, registry)
    assert list(script.voices) == ["en", "ar"]
    takes = plan(script, registry).takes()
    assert [(t.voice.engine, t.voice.lang, t.text) for t in takes[:2]] == [
        ("espeak", "ar", "بوتوكس"),
        ("piper", "en", "works."),
    ]
