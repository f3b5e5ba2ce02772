"""The JSON Schema of the script format (guide/script/schema.json) agrees with the loader.

Editors (yaml-language-server) read YAML 1.2, Python tools read YAML 1.1 (PyYAML), so
valid scripts are checked under both readings: ``off`` is a word in one, false in the other.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from guide.errors import ScriptError
from guide.script import loader
from guide.script.files import script_files
from guide.script.loader import load_script
from guide.script.model import Loudness, Music, Pauses, Publish, Script, VoiceSettings

from .conftest import ROOT, SMALL_SCRIPT

SCHEMA = json.loads((files("guide.script") / "schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
DEFS = SCHEMA["$defs"]


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's booleans (only true/false), as editors read scripts."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

READINGS = {"yaml1.1": yaml.SafeLoader, "yaml1.2": Yaml12Loader}


def problems(text: str, reading: str = "yaml1.1") -> list[str]:
    """Schema errors of a YAML document, as 'path: message' strings."""
    document = yaml.load(text, Loader=READINGS[reading])
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def error_paths(text: str) -> set[str]:
    """Instance paths of every error, including those inside anyOf/oneOf branches."""
    found: set[str] = set()

    def walk(errors) -> None:
        for error in errors:
            found.add(".".join(map(str, error.absolute_path)))
            walk(error.context or ())

    walk(VALIDATOR.iter_errors(yaml.safe_load(text)))
    return found


GOOD_HEAD = """\
id: t
title: {en: "T", ar: "ت"}
languages: [en, ar]
"""
OUTRO = "outro: {en: a, ar: ب}\n"

FULL_SCRIPT = """\
# yaml-language-server: $schema=../guide/script/schema.json
id: sun-care
title: {en: "Sun care", ar: "العناية بالبشرة من الشمس"}
languages: [en, ar]
author: "Clinic"
description: {en: "Protecting your skin.", ar: "حماية بشرتك."}
category: "Health & Fitness"
base_url: "https://example.org/guides/"
code_switch: off
lexicon:
  en: {Botox: "BOH-tocks", spf: "S P F"}
  ar: {"البوتوكس": "البُوتُوكْس"}
lexicon_file: lexicon.yaml
voices:
  en: {engine: piper, voice: en_US-joe-medium, speed: 1.05}
  ar: {engine: espeak, voice: ar, pitch: 50, diacritize: off}
pauses: {sentence: 0.4, paragraph: 0.9, bullet: 0.6, question: 1, announcement: 0.7, track: 2}
loudness: {target: -19, true_peak: -1.5}
music: {file: jingle.ogg, fade_in: 1, fade_out: 2, duck_db: -18, volume_db: -6, lead: 2}
publish: {transcripts: true, chapters: true, playlists: false, feed: false, player: true}
intro:
  en: "[pause 500ms] Welcome. Botox injections (حقن البوتوكس) are common."
  ar: "مرحبا بكم. [pause 0.5s] يعرف هذا العلاج باسم [lang en]Botox[/lang] في بلدان كثيرة."
sections:
  - id: sunscreen
    title: {en: "Sunscreen", ar: "واقي الشمس"}
    body:
      - en: "Choose {SPF|S P F} 30 or more; brackets are written [[like this]]."
        ar: ""
      - title: {en: "Tips", ar: "نصائح"}
        bullets:
          - {en: "Reapply every two hours", ar: "أعد وضعه كل ساعتين"}
faq:
  - id: cloudy-days
    question: {en: "Cloudy days?", ar: "هل أحتاجه في الأيام الغائمة؟"}
    answer: {en: "Yes.", ar: "نعم."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""

VALID = [
    ("small script", SMALL_SCRIPT),
    ("head and outro", GOOD_HEAD + OUTRO),
    ("single language, plain strings", 'id: one\ntitle: "One"\nlanguages: [en]\nintro: "Hello there."\n'),
    ("loudness off", GOOD_HEAD + "loudness: off\n" + OUTRO),
    (
        "voices with every engine",
        GOOD_HEAD
        + (
            "voices:\n  en: {engine: gtts, lang: en, tld: co.uk, slow: true}\n"
            "  ar: {engine: espeak, voice: ar, pitch: 0}\n"
        )
        + OUTRO,
    ),
    (
        "empty lists and an faq",
        GOOD_HEAD + "sections: []\nfaq:\n  - {id: q, question: {en: q, ar: س}, answer: {en: a, ar: ج}}\n",
    ),
    ("every key, new ones included", FULL_SCRIPT),
    ("owner", GOOD_HEAD + "owner: {name: Example Clinic, email: podcast@clinic.example}\n" + OUTRO),
    (
        "cloud voices",
        GOOD_HEAD
        + (
            "voices:\n  ar: {engine: azure, voice: ar-SA-ZariyahNeural, pitch: 55}\n"
            "  en: {engine: elevenlabs, model: eleven_multilingual_v2}\n"
        )
        + OUTRO,
    ),
    (
        "code_switch auto, quoted off",
        GOOD_HEAD + 'code_switch: auto\nvoices: {ar: {engine: espeak, diacritize: "off"}}\n' + OUTRO,
    ),
]


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("path", script_files(ROOT / "scripts"), ids=lambda p: p.name)
def test_project_scripts_are_valid(path: Path, reading: str) -> None:
    assert problems(path.read_text(encoding="utf-8"), reading) == []


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("name, text", VALID, ids=[case[0] for case in VALID])
def test_valid_scripts(name: str, text: str, reading: str) -> None:
    assert problems(text, reading) == []


def test_there_are_project_scripts() -> None:
    assert script_files(ROOT / "scripts")


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] and SCHEMA["title"] and SCHEMA["description"]


def test_every_property_has_a_description() -> None:
    """Every declared key, that is; constraints inside if/then/anyOf/... only narrow them."""
    missing = []

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{where}.{name}")
            for key, sub in node.items():
                if key not in ("if", "then", "else", "anyOf", "allOf", "oneOf", "not"):
                    walk(sub, f"{where}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")

    walk(SCHEMA, "#")
    assert missing == []


# (name, document, instance path the schema must report)
INVALID = [
    ("not a mapping", "- just\n- a list\n", ""),
    ("unknown top-level key", GOOD_HEAD + OUTRO + "colour: red\n", ""),
    ("missing id", 'title: {en: "T"}\nlanguages: [en]\n' + "outro: {en: a}\n", ""),
    ("missing languages", 'id: t\ntitle: {en: "T"}\n' + "outro: {en: a}\n", ""),
    ("nothing to say", GOOD_HEAD, ""),
    ("nothing to say, empty lists", GOOD_HEAD + "sections: []\nfaq: []\n", ""),
    ("bad id slug", GOOD_HEAD.replace("id: t", "id: Bad_Id") + OUTRO, "id"),
    ("path as id", GOOD_HEAD.replace("id: t", "id: ../../x") + OUTRO, "id"),
    ("id too long", GOOD_HEAD.replace("id: t", "id: " + "a" * 65) + OUTRO, "id"),
    ("bad language code", GOOD_HEAD.replace("[en, ar]", "[English, ar]") + OUTRO, "languages.0"),
    ("language twice", GOOD_HEAD.replace("[en, ar]", "[en, en]") + OUTRO, "languages"),
    ("no languages", GOOD_HEAD.replace("[en, ar]", "[]") + OUTRO, "languages"),
    ("text with an unknown key", GOOD_HEAD + "outro: {en: a, arabic: ب}\n", "outro"),
    ("text that is a list", GOOD_HEAD + "outro: [a, b]\n", "outro"),
    ("null text", GOOD_HEAD + "outro: {en: , ar: ب}\n", "outro.en"),
    ("unknown voice key", GOOD_HEAD + "voices:\n  en: {engine: piper, colour: red}\n" + OUTRO, "voices.en"),
    ("voice without engine", GOOD_HEAD + "voices:\n  en: {voice: en_US-joe-medium}\n" + OUTRO, "voices.en"),
    ("owner without email", GOOD_HEAD + "owner: {name: Clinic}\n" + OUTRO, "owner"),
    (
        "engine name no plug-in could have",
        GOOD_HEAD + "voices:\n  ar: {engine: Festival TTS}\n" + OUTRO,
        "voices.ar.engine",
    ),
    ("model for piper", GOOD_HEAD + "voices:\n  en: {engine: piper, model: x}\n" + OUTRO, "voices.en.engine"),
    ("voices key not a language", GOOD_HEAD + "voices:\n  English: {engine: piper}\n" + OUTRO, "voices"),
    ("speed too high", GOOD_HEAD + "voices:\n  en: {engine: piper, speed: 9}\n" + OUTRO, "voices.en.speed"),
    ("speed too low", GOOD_HEAD + "voices:\n  en: {engine: piper, speed: 0.4}\n" + OUTRO, "voices.en.speed"),
    ("speed not a number", GOOD_HEAD + "voices:\n  en: {engine: piper, speed: fast}\n" + OUTRO, "voices.en.speed"),
    ("pitch too high", GOOD_HEAD + "voices:\n  ar: {engine: espeak, pitch: 101}\n" + OUTRO, "voices.ar.pitch"),
    ("pitch negative", GOOD_HEAD + "voices:\n  ar: {engine: espeak, pitch: -1}\n" + OUTRO, "voices.ar.pitch"),
    ("bad tld", GOOD_HEAD + "voices:\n  en: {engine: gtts, tld: co.uk.x}\n" + OUTRO, "voices.en.tld"),
    ("slow not a boolean", GOOD_HEAD + 'voices:\n  en: {engine: gtts, slow: "yes"}\n' + OUTRO, "voices.en.slow"),
    ("code_switch: maybe", GOOD_HEAD + "code_switch: maybe\n" + OUTRO, "code_switch"),
    ("code_switch: true", GOOD_HEAD + "code_switch: true\n" + OUTRO, "code_switch"),
    (
        "diacritize: yes",
        GOOD_HEAD + "voices:\n  ar: {engine: espeak, diacritize: yes}\n" + OUTRO,
        "voices.ar.diacritize",
    ),
    (
        "diacritize: always",
        GOOD_HEAD + "voices:\n  ar: {engine: espeak, diacritize: always}\n" + OUTRO,
        "voices.ar.diacritize",
    ),
    ("lexicon value not a string", GOOD_HEAD + "lexicon:\n  en: {Botox: [BOH, tocks]}\n" + OUTRO, "lexicon.en.Botox"),
    ("lexicon value null", GOOD_HEAD + "lexicon:\n  en: {Botox: }\n" + OUTRO, "lexicon.en.Botox"),
    ("lexicon language not a code", GOOD_HEAD + "lexicon:\n  English: {Botox: BOH-tocks}\n" + OUTRO, "lexicon"),
    ("lexicon language not a mapping", GOOD_HEAD + "lexicon:\n  en: [Botox]\n" + OUTRO, "lexicon.en"),
    ("lexicon not a mapping", GOOD_HEAD + "lexicon: [Botox]\n" + OUTRO, "lexicon"),
    ("lexicon_file not a path", GOOD_HEAD + "lexicon_file: [a, b]\n" + OUTRO, "lexicon_file"),
    ("loudness target too loud", GOOD_HEAD + "loudness: {target: -3}\n" + OUTRO, "loudness.target"),
    ("loudness target too quiet", GOOD_HEAD + "loudness: {target: -41}\n" + OUTRO, "loudness.target"),
    ("true peak above 0", GOOD_HEAD + "loudness: {true_peak: 0.5}\n" + OUTRO, "loudness.true_peak"),
    ("unknown loudness key", GOOD_HEAD + "loudness: {lufs: -16}\n" + OUTRO, "loudness"),
    ("loudness: on", GOOD_HEAD + "loudness: on\n" + OUTRO, "loudness"),
    ("pause too long", GOOD_HEAD + "pauses: {sentence: 11}\n" + OUTRO, "pauses.sentence"),
    ("unknown pause", GOOD_HEAD + "pauses: {chapter: 1}\n" + OUTRO, "pauses"),
    ("music without file", GOOD_HEAD + "music: {lead: 2}\n" + OUTRO, "music"),
    ("music fade too long", GOOD_HEAD + "music: {file: j.ogg, fade_in: 31}\n" + OUTRO, "music.fade_in"),
    ("music duck above 0", GOOD_HEAD + "music: {file: j.ogg, duck_db: 3}\n" + OUTRO, "music.duck_db"),
    ("unknown publisher", GOOD_HEAD + "publish: {podcast: true}\n" + OUTRO, "publish"),
    ("publisher not a boolean", GOOD_HEAD + "publish: {feed: sometimes}\n" + OUTRO, "publish.feed"),
    ("base_url not http", GOOD_HEAD + "base_url: ftp://example.org/\n" + OUTRO, "base_url"),
    ("sections not a list", GOOD_HEAD + "sections: {id: a}\n" + OUTRO, "sections"),
    ("section without body", GOOD_HEAD + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n", "sections.0"),
    (
        "section with empty body",
        GOOD_HEAD + "sections:\n  - {id: a, title: {en: A, ar: أ}, body: []}\n",
        "sections.0.body",
    ),
    (
        "unknown section key",
        GOOD_HEAD + "sections:\n  - {id: a, title: {en: A, ar: أ}, body: [{en: x, ar: س}], notes: x}\n",
        "sections.0",
    ),
    (
        "reserved section id",
        GOOD_HEAD + "sections:\n  - {id: intro, title: {en: A, ar: أ}, body: [{en: x, ar: س}]}\n",
        "sections.0.id",
    ),
    (
        "bullets not a list",
        GOOD_HEAD + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    body:\n      - bullets: nope\n",
        "sections.0.body.0.bullets",
    ),
    (
        "empty bullets",
        GOOD_HEAD + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    body:\n      - bullets: []\n",
        "sections.0.body.0.bullets",
    ),
    (
        "unknown bullets key",
        GOOD_HEAD
        + (
            "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    body:\n"
            "      - {bullets: [{en: x, ar: س}], style: dots}\n"
        ),
        "sections.0.body.0",
    ),
    ("faq without answer", GOOD_HEAD + "faq:\n  - {id: q, question: {en: q, ar: س}}\n", "faq.0"),
    (
        "reserved faq id",
        GOOD_HEAD + "faq:\n  - {id: outro, question: {en: q, ar: س}, answer: {en: a, ar: ج}}\n",
        "faq.0.id",
    ),
]


@pytest.mark.parametrize("name, text, path", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_documents_are_rejected(name: str, text: str, path: str) -> None:
    assert path in error_paths(text), problems(text)


# -- the schema and the loader agree -----------------------------------------------

# (name, document, loader and schema accept it); only keys the loader has always had.
AGREE = [
    *[
        (f"speed {v}", GOOD_HEAD + f"voices: {{en: {{engine: piper, speed: {v}}}}}\n" + OUTRO, ok)
        for v, ok in ((0.5, True), (2.0, True), (0.49, False), (2.01, False))
    ],
    *[
        (f"pitch {v}", GOOD_HEAD + f"voices: {{ar: {{engine: espeak, pitch: {v}}}}}\n" + OUTRO, ok)
        for v, ok in ((0, True), (100, True), (-1, False), (100.5, False))
    ],
    *[
        (f"tld {v}", GOOD_HEAD + f"voices: {{en: {{engine: gtts, tld: {v}}}}}\n" + OUTRO, ok)
        for v, ok in (("com", True), ("co.uk", True), ("c", False), ("COM", False), ("co.uk.x", False))
    ],
    *[
        (f"loudness {key} {v}", GOOD_HEAD + f"loudness: {{{key}: {v}}}\n" + OUTRO, ok)
        for key, low, high in (("target", -40, -5), ("true_peak", -9, 0))
        for v, ok in ((low, True), (high, True), (low - 0.1, False), (high + 0.1, False))
    ],
    *[
        (f"loudness: {v}", GOOD_HEAD + f"loudness: {v}\n" + OUTRO, ok)
        for v, ok in (("off", True), ("no", True), ("false", True), ("on", False))
    ],
    *[
        (f"pauses.{key} {v}", GOOD_HEAD + f"pauses: {{{key}: {v}}}\n" + OUTRO, ok)
        for key in Pauses.__dataclass_fields__
        for v, ok in ((0, True), (10, True), (-0.1, False), (10.1, False))
    ],
    *[
        (f"music.{key} {v}", GOOD_HEAD + f"music: {{file: jingle.ogg, {key}: {v}}}\n" + OUTRO, ok)
        for key, low, high in (
            ("fade_in", 0, 30),
            ("fade_out", 0, 30),
            ("duck_db", -60, 0),
            ("volume_db", -60, 0),
            ("lead", 0, 30),
        )
        for v, ok in ((low, True), (high, True), (low - 0.5, False), (high + 0.5, False))
    ],
    *[
        (f"id {v!r}", GOOD_HEAD.replace("id: t", f"id: '{v}'") + OUTRO, ok)
        for v, ok in (
            ("a-b-1", True),
            ("a" * 64, True),
            ("a" * 65, False),
            ("a--b", False),
            ("-a", False),
            ("A", False),
            ("a_b", False),
        )
    ],
    *[
        (f"language {v!r}", f"id: t\ntitle: T\nlanguages: ['{v}']\noutro: x\n", ok)
        for v, ok in (
            ("en", True),
            ("fil", True),
            ("pt-BR", True),
            ("zh-Hant-TW", True),
            ("EN", False),
            ("e", False),
            ("engl", False),
            ("en_US", False),
        )
    ],
    *[
        (f"base_url {v}", GOOD_HEAD + f"base_url: '{v}'\n" + OUTRO, ok)
        for v, ok in (("http://x", True), ("https://example.org/a/", True), ("ftp://x", False), ("https:///x", False))
    ],
    *[
        (f"publish.{key}", GOOD_HEAD + f"publish: {{{key}: false}}\n" + OUTRO, True)
        for key in Publish.__dataclass_fields__
    ],
    ("pitch with piper", GOOD_HEAD + "voices: {en: {engine: piper, pitch: 50}}\n" + OUTRO, False),
    ("slow with piper", GOOD_HEAD + "voices: {en: {engine: piper, slow: true}}\n" + OUTRO, False),
    ("not slow with piper", GOOD_HEAD + "voices: {en: {engine: piper, slow: false}}\n" + OUTRO, True),
    ("voice for an undeclared language", GOOD_HEAD + "voices: {fr: {engine: espeak, voice: fr}}\n" + OUTRO, True),
    ("voices key not a language", GOOD_HEAD + "voices: {French: {engine: espeak}}\n" + OUTRO, False),
    *[
        (f"code_switch: {v}", GOOD_HEAD + f"code_switch: {v}\n" + OUTRO, ok)
        for v, ok in (("auto", True), ("off", True), ("'off'", True), ("maybe", False), ("on", False))
    ],
    *[
        (f"diacritize: {v}", GOOD_HEAD + f"voices: {{ar: {{engine: espeak, diacritize: {v}}}}}\n" + OUTRO, ok)
        for v, ok in (("auto", True), ("off", True), ("yes", False), ("always", False))
    ],
    *[
        (f"lexicon {v}", GOOD_HEAD + f"lexicon: {v}\n" + OUTRO, ok)
        for v, ok in (
            ("{}", True),
            (
                "{en: {Botox: BOH-tocks, spf: S P F, Botox Cosmetic: BOH-tocks cosmetic}, ar: {البوتوكس: البُوتُوكْس}}",
                True,
            ),
            ("{en-GB: {tomato: to-MAH-to}}", True),
            ("{English: {Botox: BOH-tocks}}", False),
            ("{en: [Botox]}", False),
            ("{en: {Botox: [BOH, tocks]}}", False),
            ("{en: {Botox: }}", False),
            ("{en: {Botox: ' '}}", False),
            ("{en: {'[Botox]': BOH-tocks}}", False),
            ("{en: {' ': space}}", False),
        )
    ],
    ("lexicon_file", GOOD_HEAD + "lexicon_file: lexicon.yaml\n" + OUTRO, True),
    ("slow: yes", GOOD_HEAD + "voices: {en: {engine: gtts, slow: yes}}\n" + OUTRO, True),
    ("slow quoted", GOOD_HEAD + "voices: {en: {engine: gtts, slow: 'true'}}\n" + OUTRO, False),
    ("reserved item id", GOOD_HEAD + "sections: [{id: outro, title: {en: A, ar: أ}, body: [{en: x, ar: س}]}]\n", False),
    ("only empty lists", GOOD_HEAD + "sections: []\nfaq: []\n", False),
    ("only an faq", GOOD_HEAD + "faq: [{id: q, question: {en: q, ar: س}, answer: {en: a, ar: ج}}]\n", True),
    ("empty body", GOOD_HEAD + "sections: [{id: a, title: {en: A, ar: أ}, body: []}]\n", False),
    ("empty bullets", GOOD_HEAD + "sections: [{id: a, title: {en: A, ar: أ}, body: [{bullets: []}]}]\n", False),
    (
        "bullets with a title",
        GOOD_HEAD
        + "sections: [{id: a, title: {en: A, ar: أ}, body: [{title: {en: T, ar: ت}, bullets: [{en: x, ar: س}]}]}]\n",
        True,
    ),
    ("plain string, one language", "id: t\ntitle: T\nlanguages: [ar]\nintro: مرحبا\n", True),
    ("text null", GOOD_HEAD + "intro:\n" + OUTRO, False),
    ("unknown top-level key", GOOD_HEAD + OUTRO + "colour: red\n", False),
    ("music without file", GOOD_HEAD + "music: {lead: 2}\n" + OUTRO, False),
]


@pytest.mark.parametrize("name, text, ok", AGREE, ids=[case[0] for case in AGREE])
def test_schema_and_loader_agree(name: str, text: str, ok: bool, tmp_path: Path) -> None:
    (tmp_path / "jingle.ogg").write_bytes(b"OggS")  # the loader only checks that a music file exists
    (tmp_path / "lexicon.yaml").write_text("en: {Botox: BOH-tocks}\n", encoding="utf-8")
    path = tmp_path / "script.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_script(path)
        loader_ok, why = True, ""
    except ScriptError as exc:
        loader_ok, why = False, "; ".join(p.message for p in exc.problems)
    assert loader_ok == ok, why
    assert (problems(text) == []) == ok, problems(text)


SCHEMA_OBJECTS = {
    "TOP_KEYS": SCHEMA,
    "VOICE_KEYS": DEFS["voice"],
    "SECTION_KEYS": DEFS["section"],
    "FAQ_KEYS": DEFS["faqEntry"],
    "BULLETS_KEYS": DEFS["bullets"],
    "PAUSE_KEYS": DEFS["pauses"],
    "LOUDNESS_KEYS": DEFS["loudness"],
    "MUSIC_KEYS": DEFS["music"],
    "PUBLISH_KEYS": DEFS["publish"],
}


@pytest.mark.parametrize("tuple_name", SCHEMA_OBJECTS)
def test_schema_keys_are_the_loaders_keys(tuple_name: str) -> None:
    """Fails when a key is added to the loader and not to the schema (or the other way round)."""
    obj = SCHEMA_OBJECTS[tuple_name]
    assert obj["additionalProperties"] is False
    assert sorted(obj["properties"]) == sorted(getattr(loader, tuple_name))


def test_patterns_and_reserved_ids_are_the_loaders() -> None:
    assert DEFS["slug"]["pattern"] == loader.SLUG_RE.pattern
    assert DEFS["slug"]["maxLength"] == loader.SLUG_MAX
    assert DEFS["language"]["pattern"] == loader.LANG_RE.pattern
    assert set(DEFS["itemId"]["not"]["enum"]) == loader.RESERVED_IDS
    pattern_keys = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            pattern_keys.update(node.get("patternProperties", {}))
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(SCHEMA)
    assert pattern_keys == {loader.LANG_RE.pattern}


def test_engines_are_the_registrys() -> None:
    from guide.engines import plugins

    shipped = DEFS["voice"]["properties"]["engine"]["anyOf"][0]["enum"]
    assert sorted(shipped) == sorted(name for name, plugin in plugins().items() if plugin.package == "guide")


def test_defaults_are_the_models() -> None:
    def default(cls, name):
        return cls.__dataclass_fields__[name].default

    for defs_name, cls in (("pauses", Pauses), ("publish", Publish)):
        for name in cls.__dataclass_fields__:
            assert DEFS[defs_name]["properties"][name]["default"] == default(cls, name), (defs_name, name)
    for name in ("fade_in", "fade_out", "duck_db", "volume_db", "lead"):
        assert DEFS["music"]["properties"][name]["default"] == default(Music, name), name
    assert DEFS["loudness"]["properties"]["target"]["default"] == default(Loudness, "integrated")
    assert DEFS["loudness"]["properties"]["true_peak"]["default"] == default(Loudness, "true_peak")
    voice = DEFS["voice"]["properties"]
    for name in ("speed", "tld", "slow"):
        assert voice[name]["default"] == default(VoiceSettings, name), name
    assert SCHEMA["properties"]["category"]["default"] == default(Script, "category")
    assert DEFS["autoOff"]["default"] == "auto"
    # The new settings, once the model has them.
    if "diacritize" in VoiceSettings.__dataclass_fields__:
        assert default(VoiceSettings, "diacritize") in ("auto", True)
    if "code_switch" in Script.__dataclass_fields__:
        assert default(Script, "code_switch") in ("auto", True)


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    """docs/script-format.md's complete example passes the schema (both YAML readings) and the loader."""
    doc = (ROOT / "docs" / "script-format.md").read_text(encoding="utf-8")
    example = doc.split("## A complete small example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example.startswith("# yaml-language-server: $schema=")
    for reading in READINGS:
        assert problems(example, reading) == [], reading
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    assert load_script(path).id == "botox-aftercare"
