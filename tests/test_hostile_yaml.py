"""Hostile and broken script files: `guide check` refuses each with exit status 2 and a `file:line` message.

No case may print a traceback, hang, or use memory out of proportion to the bounds
in :mod:`guide.script.limits`. Every case here finishes in well under a second by
design (small files, or bounds met early); time itself is measured by benchmarks,
not asserted here.
"""

from __future__ import annotations

import os
import threading
import tracemalloc
from dataclasses import fields
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from guide.cli import main
from guide.errors import GuideError, InputError, ScriptError
from guide.script import loader, safe_yaml
from guide.script.limits import ENVIRONMENT, Limits
from guide.script.loader import load_script

from .conftest import SMALL_SCRIPT

HEAD = 'id: t\ntitle: {en: "T", ar: "ت"}\nlanguages: [en, ar]\n'
"""Three valid lines every case below builds on (a script's first lines)."""
OUTRO = "outro: {en: Bye, ar: وداعا}\n"


@pytest.fixture(params=["libyaml", "python"])
def yaml_loader(request, monkeypatch) -> str:
    """Run a case with libyaml's loader (the default) and with PyYAML's pure-Python one (the fallback)."""
    if request.param == "python":
        monkeypatch.setattr(safe_yaml, "_YAML_LOADER", yaml.SafeLoader)
    elif not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    return request.param


def check(path: Path, *args: str) -> Result:
    """`guide check PATH` refused: exit status 2, no traceback, no exception but click's exit."""
    result = CliRunner().invoke(main, ["check", *args, str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def write(tmp_path: Path, text: str | bytes, name: str = "script.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def assert_reported(result: Result, path: Path, line: int, fragment: str) -> None:
    """The output has a `path:line:` message containing `fragment`."""
    lines = [entry for entry in result.output.splitlines() if entry.startswith(f"{path}:{line}:")]
    assert any(fragment in entry for entry in lines), f"expected {path}:{line}: …{fragment}… in:\n{result.output}"


# -- alias expansion -------------------------------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic: each level an anchored list of `width` aliases of the level below (9**9 values when expanded)."""
    out = ['lol0: &l0 "lol"\n']
    for level in range(1, levels + 1):
        out.append(f"lol{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]\n")
    return "".join(out)


def test_billion_laughs_at_the_top(tmp_path, yaml_loader):
    path = write(tmp_path, HEAD + billion_laughs() + OUTRO)
    assert_reported(check(path), path, 4, "unknown key 'lol0'")


def test_billion_laughs_where_the_reader_walks(tmp_path, yaml_loader):
    # The reader follows sections -> body -> texts, so here the aliases are expanded: the visit bound stops it.
    text = (
        HEAD
        + 'p: &p {en: "Rest.", ar: "استرح."}\n'
        + "b1: &b1 ["
        + ", ".join(["*p"] * 50)
        + "]\n"
        + "sections: ["
        + ", ".join(["{id: s, title: *p, body: *b1}"] * 1000)
        + "]\n"
    )
    path = write(tmp_path, text)
    result = check(path)
    assert_reported(result, path, 4, "too deeply aliased (more than 200,000 values")


def test_one_big_anchored_list_referenced_many_times(tmp_path):
    # Quadratic: 2,000 paragraphs written once, used by 500 sections -> a million paragraphs to read.
    paragraphs = "".join(f'  - {{en: "Paragraph {i}.", ar: "فقرة {i}."}}\n' for i in range(2000))
    sections = "".join(f"  - {{id: s{i}, title: {{en: S, ar: ق}}, body: *body}}\n" for i in range(500))
    path = write(
        tmp_path,
        HEAD
        + "sections:\n  - id: first\n    title: {en: F, ar: ف}\n    body: &body\n"
        + paragraphs.replace("  - ", "      - ")
        + sections,
    )
    result = check(path)
    assert "too deeply aliased (more than 200,000 values" in result.output
    assert f"{path}:" in result.output


def test_one_long_text_referenced_many_times_is_bounded(tmp_path):
    # Regression: this 0.5 MB file took 247 s (every alias re-checked a 20k-character text); now the total bound
    # stops it.
    long = "word " * 3900
    text = (
        HEAD
        + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    body:\n"
        + f'      - &p {{en: "{long}", ar: "{long}"}}\n'
        + "      - *p\n" * 40_000
    )
    path = write(tmp_path, text)
    assert_reported(check(path), path, 8, "texts add up to more than 5,000,000 characters")


def test_an_aliased_text_with_a_problem_is_reported_once(tmp_path):
    path = write(tmp_path, HEAD + 'intro: &bad {en: "a [sigh] b", ar: ب}\noutro: *bad\n')
    result = check(path)
    assert result.output.count("unknown markup '[sigh]'") == 1
    assert_reported(result, path, 4, "intro.en: unknown markup '[sigh]'")


def test_a_recursive_alias(tmp_path, yaml_loader):
    path = write(tmp_path, HEAD + "sections: &s [*s]\n")
    assert_reported(check(path), path, 4, "sections[1] must be a mapping")


def test_an_undefined_alias(tmp_path, yaml_loader):
    path = write(tmp_path, HEAD + "outro: *nowhere\n")
    assert_reported(check(path), path, 4, "YAML syntax error: found undefined alias")


# -- tags --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, tag",
    [
        ("!!python/object/apply:os.system ['touch {marker}']", "tag:yaml.org,2002:python/object/apply:os.system"),
        ("!!python/name:os.system ''", "tag:yaml.org,2002:python/name:os.system"),
        ("!!python/object/new:os.system ['touch {marker}']", "tag:yaml.org,2002:python/object/new:os.system"),
        ("!!binary aGVsbG8=", "tag:yaml.org,2002:binary"),
        ("!custom {en: a, ar: ب}", "!custom"),
        ("!<tag:example.com,2024:thing> x", "tag:example.com,2024:thing"),
    ],
)
def test_tags_that_are_not_plain_yaml_are_refused(tmp_path, value, tag, yaml_loader):
    marker = tmp_path / "executed"
    path = write(tmp_path, HEAD + "outro: " + value.replace("{marker}", str(marker)) + "\n")
    assert_reported(check(path), path, 4, f"YAML tag '{tag}' is not allowed")
    assert not marker.exists()


# -- keys ----------------------------------------------------------------------------------------------


def test_duplicate_keys_are_reported_with_both_lines(tmp_path):
    text = (
        HEAD
        + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    title: {en: B, ar: ب}\n    body: [{en: x, ar: س}]\n"
        + OUTRO
        + OUTRO
    )
    path = write(tmp_path, text)
    result = check(path)
    assert_reported(result, path, 7, "sections[1]: duplicate key 'title' (first at line 6)")
    assert_reported(result, path, 10, "script: duplicate key 'outro' (first at line 9)")


@pytest.mark.parametrize("key", ["? [a]\n: b\n", "? {a: b}\n: c\n", "[a, b]: c\n", "{a: b}: c\n"])
def test_a_key_that_is_a_list_or_a_mapping(tmp_path, key):
    path = write(tmp_path, HEAD + OUTRO + key)
    assert_reported(check(path), path, 5, "script: keys must be plain words")


def test_merge_keys_are_refused(tmp_path, yaml_loader):
    # Decided: refused. YAML 1.2 (editors, the JSON schema) has no merge keys, so '<<' would mean one thing
    # to the editor and another to guide; an alias may still stand for a whole value.
    text = HEAD + "voices:\n  en: &v {engine: espeak, voice: en}\n  ar:\n    <<: *v\n    voice: ar\n" + OUTRO
    path = write(tmp_path, text)
    assert_reported(check(path), path, 7, "voices.ar: merge keys ('<<') are not supported")


def test_whole_value_aliases_are_accepted(tmp_path, registry):
    path = write(
        tmp_path,
        HEAD
        + (
            "voices:\n  en: &v {engine: espeak, voice: en}\n  ar: {engine: espeak, voice: ar}\n"
            "intro: &t {en: Hi, ar: مرحبا}\noutro: *t\n"
        ),
    )
    script = load_script(path)
    assert script.outro == script.intro and script.voices["en"].voice == "en"


# -- documents and empty files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line",
    [
        (HEAD + OUTRO + "---\nid: other\n", 5),
        ("---\n" + HEAD + OUTRO + "...\n---\n" + HEAD, 7),
        (HEAD + OUTRO + "---\n", 5),
    ],
)
def test_a_second_document_is_an_error_not_ignored(tmp_path, text, line, yaml_loader):
    path = write(tmp_path, text)
    assert_reported(check(path), path, line, "a second YAML document starts here")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n   \n", "---\n...\n"])
def test_empty_files(tmp_path, text):
    path = write(tmp_path, text)
    result = check(path)
    assert f"{path}:1:" in result.output or f"{path}:2:" in result.output
    assert "the script is empty" in result.output or "must be a mapping" in result.output


def test_tabs_for_indentation(tmp_path, yaml_loader):
    path = write(tmp_path, HEAD + "intro:\n\ten: Hi\n\tar: مرحبا\n")
    assert_reported(check(path), path, 5, "YAML syntax error")


def test_an_incompatible_yaml_version(tmp_path, yaml_loader):
    path = write(tmp_path, "%YAML 2.0\n---\n" + HEAD + OUTRO)
    assert_reported(check(path), path, 1, "YAML syntax error")


# -- bytes and characters ---------------------------------------------------------------------------


def test_bytes_that_are_not_utf8(tmp_path):
    path = write(tmp_path, HEAD.encode() + b"outro: {en: caf\xe9, ar: \xff}\n")
    assert_reported(check(path), path, 4, "not UTF-8 text")


def test_utf16_with_a_bom(tmp_path):
    path = write(tmp_path, (HEAD + OUTRO).encode("utf-16"))
    assert_reported(check(path), path, 1, "is UTF-16 text; save it as UTF-8")


def test_utf16_without_a_bom_is_caught_by_its_nul_bytes(tmp_path):
    path = write(tmp_path, (HEAD + OUTRO).encode("utf-16-le"))
    assert_reported(check(path), path, 1, "character U+0000 is not allowed in a YAML file; is the file UTF-16?")


def test_a_utf8_bom_is_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + SMALL_SCRIPT.encode())
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: ok" in result.output


@pytest.mark.parametrize(
    "char, name", [("\0", "U+0000"), ("\x07", "U+0007"), ("\x1b", "U+001B"), ("\x7f", "U+007F"), ("\x9b", "U+009B")]
)
def test_control_characters_in_the_file(tmp_path, char, name, yaml_loader):
    path = write(tmp_path, HEAD + f"outro: {{en: 'a{char}b', ar: ب}}\n")
    assert_reported(check(path), path, 4, f"character {name} is not allowed in a YAML file")


@pytest.mark.parametrize("escape", ["\\0", "\\e", "\\x07", "\\x9b", "\\ud800", "\\udfff\\ud800"])
def test_control_characters_and_lone_surrogates_written_as_escapes(tmp_path, escape, yaml_loader):
    # libyaml refuses surrogate escapes itself (a syntax error); PyYAML builds them, and the reader refuses them.
    path = write(tmp_path, HEAD + f'outro: {{en: "a{escape}b", ar: ب}}\n')
    result = check(path)
    assert f"{path}:4:" in result.output
    assert "not allowed in a script" in result.output or "YAML syntax error" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_a_lexicon_file_with_a_nul_byte(tmp_path):
    # Regression: the lexicon file was composed without the script's checks (a ReaderError traceback).
    write(tmp_path, b"en:\n  a: b\x00\n", "words.yaml")
    path = write(tmp_path, HEAD + "lexicon_file: words.yaml\n" + OUTRO)
    result = check(path)
    assert f"{tmp_path / 'words.yaml'}:2:7: character U+0000 is not allowed" in result.output


def test_a_lexicon_file_nested_too_deeply(tmp_path):
    # Regression: a RecursionError traceback through lexicon_file.
    write(tmp_path, "en:\n  a: " + "[" * 10_000 + "]" * 10_000 + "\n", "words.yaml")
    path = write(tmp_path, HEAD + "lexicon_file: words.yaml\n" + OUTRO)
    assert f"{tmp_path / 'words.yaml'}:2:" in check(path).output


@pytest.mark.parametrize("key", ["cover", "lexicon_file", "music: {file", "voices:\n  en: {engine: piper, voice"])
def test_a_file_name_too_long_for_the_file_system(tmp_path, key):
    # Regression: OSError "File name too long" from is_file() was a traceback.
    name = "a" * 5000 + ".png"
    closing = "}" if "{" in key else ""
    path = write(tmp_path, HEAD + f"{key}: {name}{closing}\n" + OUTRO)
    result = check(path)
    assert f"{path}:" in result.output


@pytest.mark.parametrize("key", ["cover", "lexicon_file", "music: {file"])
def test_a_file_in_the_home_of_an_unknown_user(tmp_path, key, monkeypatch):
    # Regression: Path.expanduser() raised RuntimeError ("Could not determine home directory") when the
    # script is named relative to the current folder, so '~nobody-here/x' is first in the path.
    monkeypatch.chdir(tmp_path)
    closing = "}" if "{" in key else ""
    write(tmp_path, HEAD + f"{key}: ~nobody-here/x.png{closing}\n" + OUTRO)
    result = check(Path("script.yaml"))
    assert_reported(result, Path("script.yaml"), 4, "cannot find the home folder in '~nobody-here/x.png'")


@pytest.mark.parametrize("voice", ["a" * 5000 + ".onnx", "~nobody-here/x.onnx"], ids=["name-too-long", "unknown-home"])
def test_a_piper_voice_path_the_file_system_refuses(tmp_path, voice, monkeypatch):
    # Found here; the crash is in guide/engines/piper.py (resolve: Path.expanduser / is_file), not the loader:
    # OSError "File name too long" and RuntimeError "Could not determine home directory" are tracebacks today.
    monkeypatch.chdir(tmp_path)
    write(tmp_path, HEAD + f"voices:\n  en: {{engine: piper, voice: '{voice}'}}\n" + OUTRO)
    assert "voices.en" in check(Path("script.yaml")).output


def test_a_lexicon_that_multiplies_the_text_is_bounded(tmp_path):
    # Regression: 40 kB of script asked the front-end for 39 million characters (84 s of planning, and memory
    # growing with it): every "word" of a 20,000-character text replaced by a 10,000-character phrase.
    text = HEAD.replace("languages: [en, ar]", "languages: [en]").replace('title: {en: "T", ar: "ت"}', "title: T")
    path = write(tmp_path, text + "lexicon:\n  en: {word: '" + "word " * 2000 + "'}\nintro: '" + "word " * 3900 + "'\n")
    assert_reported(
        check(path), path, 6, "texts add up to more than 5,000,000 characters once the lexicon replaces their words"
    )


def test_a_lexicon_of_another_language_spoken_inside_a_text_is_counted(tmp_path):
    lexicon = "lexicon:\n  ar: {كلمة: '" + "كلمة " * 2000 + "'}\n"
    path = write(tmp_path, "id: t\ntitle: T\nlanguages: [en]\n" + lexicon + "intro: 'Say " + "كلمة " * 3000 + "'\n")
    assert_reported(check(path), path, 6, "once the lexicon replaces their words")


# -- sizes ----------------------------------------------------------------------------------------------


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:  # sparse: no 50 MB written to disk
        file.truncate(50_000_000)
    tracemalloc.start()
    try:
        result = check(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (
        f"{path}: file is 50,000,000 bytes; scripts are limited to 5,000,000 (GUIDE_MAX_SCRIPT_BYTES raises the limit)"
        in result.output
    )
    assert peak < 5_000_000, f"{peak:,} bytes allocated: the file was read"


def test_a_device_is_not_read(tmp_path):
    result = check(Path(os.devnull))
    assert "not a regular file" in result.output


def test_a_pipe_is_not_opened(tmp_path):
    # Opening a FIFO with no writer blocks forever: it must be refused before opening.
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    outcome: list[Result] = []
    worker = threading.Thread(
        target=lambda: outcome.append(CliRunner().invoke(main, ["check", str(fifo)])), daemon=True
    )
    worker.start()
    worker.join(timeout=20)
    assert outcome, "guide check blocked on a FIFO"
    assert outcome[0].exit_code == 2 and "not a regular file" in outcome[0].output


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "x: " + "{a: " * 10_000 + "b" + "}" * 10_000 + "\n",
        "x: " + "[{a: " * 5_000 + "b" + "}]" * 5_000 + "\n",
        "x:\n" + "- " * 10_000 + "b\n",  # block sequences, on one line
        "x:\n  " + "? " * 10_000 + "b\n",  # block mappings with explicit keys, on one line
    ],
    ids=["flow-lists", "flow-mappings", "flow-mixed", "block-lists", "block-mappings-explicit"],
)
def test_10k_deep_nesting(tmp_path, text, yaml_loader):
    path = write(tmp_path, text)
    result = check(path)
    assert f"{path}:" in result.output and "nested more than 50 levels deep" in result.output


def test_deep_block_mappings_by_indentation(tmp_path, yaml_loader):
    # Each level indents one more space: 2,000 levels is 2 MB, still under the size bound.
    text = "".join(" " * level + f"k{level}:\n" for level in range(2000)) + " " * 2000 + "end\n"
    path = write(tmp_path, text)
    assert_reported(check(path), path, 51, "nested more than 50 levels deep")


def test_a_100_kb_text(tmp_path):
    path = write(tmp_path, HEAD + "intro:\n  en: " + "word " * 20_000 + "\n  ar: ب\n" + OUTRO)
    assert_reported(check(path), path, 5, "intro.en is 99,999 characters; a text is limited to 20,000")


def test_2000_items(tmp_path):
    sections = "".join(f"  - {{id: s{i}, title: {{en: S, ar: ق}}, body: [{{en: x, ar: س}}]}}\n" for i in range(1500))
    faq = "".join(f"  - {{id: f{i}, question: {{en: q, ar: س}}, answer: {{en: a, ar: ج}}}}\n" for i in range(500))
    path = write(tmp_path, HEAD + "sections:\n" + sections + "faq:\n" + faq)
    assert_reported(check(path), path, 5, "the script has 2,000 items (1,500 sections, 500 faq entries); at most 1,000")


def test_too_many_values(tmp_path):
    path = write(tmp_path, HEAD + "x: [" + ", ".join(["a"] * 200_001) + "]\n")
    assert_reported(check(path), path, 4, "the script holds more than 200,000 YAML values")


# -- every limit through the environment, both ways -------------------------------------------------


def test_every_limit_has_an_environment_variable():
    assert set(ENVIRONMENT) == {f.name for f in fields(Limits)}
    assert all(name.startswith("GUIDE_MAX_") for name in ENVIRONMENT.values())
    assert Limits.from_env({}) == Limits()
    defaults = Limits()
    assert (loader.MAX_FILE_BYTES, loader.MAX_NODES, loader.MAX_TEXT_CHARS, loader.MAX_LEXICON_ENTRIES) == (
        defaults.script_bytes,
        defaults.yaml_nodes,
        defaults.text_chars,
        defaults.lexicon_entries,
    )


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5", "1e6"])
def test_a_bad_limit_value_names_the_variable(tmp_path, monkeypatch, value):
    monkeypatch.setenv("GUIDE_MAX_ITEMS", value)
    result = check(write(tmp_path, SMALL_SCRIPT))
    assert f"GUIDE_MAX_ITEMS={value!r}: must be a whole number of at least 1" in result.output
    with pytest.raises(InputError):
        Limits.from_env({"GUIDE_MAX_ITEMS": value})


def test_limits_from_env_reads_every_variable():
    environ = {variable: str(1000 + i) for i, variable in enumerate(ENVIRONMENT.values())}
    limits = Limits.from_env(environ)
    assert [getattr(limits, name) for name in ENVIRONMENT] == [1000 + i for i in range(len(ENVIRONMENT))]
    assert Limits.from_env({"GUIDE_MAX_ITEMS": " 5_000 "}).items == 5000
    assert Limits.from_env({"GUIDE_MAX_ITEMS": ""}) == Limits()


def test_an_explicit_limits_argument_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDE_MAX_ITEMS", "1")
    path = write(tmp_path, SMALL_SCRIPT)
    assert load_script(path, limits=Limits()).id == "small-guide"
    with pytest.raises(ScriptError):
        load_script(path)


# (variable, value that makes SMALL_SCRIPT fail, fragment of the message, line)
LOWERED = [
    ("GUIDE_MAX_SCRIPT_BYTES", "100", "scripts are limited to 100 (GUIDE_MAX_SCRIPT_BYTES raises the limit)", None),
    ("GUIDE_MAX_YAML_NODES", "20", "more than 20 YAML values (GUIDE_MAX_YAML_NODES raises the limit)", 6),
    ("GUIDE_MAX_YAML_DEPTH", "3", "nested more than 3 levels deep", 7),
    ("GUIDE_MAX_TEXT_CHARS", "10", "intro.en is 31 characters; a text is limited to 10", 4),
    ("GUIDE_MAX_TOTAL_TEXT_CHARS", "100", "texts add up to more than 100 characters", 7),
    (
        "GUIDE_MAX_ITEMS",
        "1",
        "the script has 2 items (1 sections, 1 faq entries); at most 1 (GUIDE_MAX_ITEMS raises the limit)",
        15,
    ),
]


@pytest.mark.parametrize("variable, value, fragment, line", LOWERED, ids=[case[0] for case in LOWERED])
def test_a_lowered_limit_refuses_a_good_script(tmp_path, monkeypatch, variable, value, fragment, line):
    path = write(tmp_path, SMALL_SCRIPT)
    monkeypatch.setenv(variable, value)
    result = check(path)
    if line is None:
        assert fragment in result.output and f"{path}: " in result.output
    else:
        assert_reported(result, path, line, fragment)


def test_lowered_lexicon_limits(tmp_path, monkeypatch):
    write(tmp_path, "en:\n  SPF: S P F\n  UV: U V\n# " + "x" * 200 + "\n", "words.yaml")
    path = write(tmp_path, HEAD + "lexicon_file: words.yaml\nlexicon:\n  en: {a: b, c: d}\n" + OUTRO)
    assert load_script(path).lexicon["en"]["UV"] == "U V"
    monkeypatch.setenv("GUIDE_MAX_LEXICON_ENTRIES", "1")
    result = check(path)
    assert_reported(result, path, 6, "lexicon.en has 2 entries; at most 1 (GUIDE_MAX_LEXICON_ENTRIES raises the limit)")
    assert f"{tmp_path / 'words.yaml'}:2: lexicon.en has 2 entries" in result.output
    monkeypatch.delenv("GUIDE_MAX_LEXICON_ENTRIES")
    monkeypatch.setenv("GUIDE_MAX_LEXICON_BYTES", "100")
    assert_reported(check(path), path, 4, "lexicon files are limited to 100 (GUIDE_MAX_LEXICON_BYTES raises the limit)")


def test_a_raised_script_size_limit_accepts_a_larger_file(tmp_path, monkeypatch):
    # 5.5 MB, almost all of it one comment: cheap to parse, over the default bound.
    path = write(tmp_path, SMALL_SCRIPT + "# " + "x" * 5_500_000 + "\n")
    assert "scripts are limited to 5,000,000" in check(path).output
    monkeypatch.setenv("GUIDE_MAX_SCRIPT_BYTES", "6_000_000")
    assert load_script(path).id == "small-guide"


def test_a_raised_node_limit_accepts_more_values(tmp_path, monkeypatch):
    # 60,000 uses of one paragraph: few values in the file, but 300,000 visits once the aliases are followed.
    text = (
        HEAD + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    body: [&p {en: x, ar: س}" + ", *p" * 60_000 + "]\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(ScriptError, match="too deeply aliased"):
        load_script(path)
    monkeypatch.setenv("GUIDE_MAX_YAML_NODES", "1_000_000")
    assert len(load_script(path).sections[0].body) == 60_001


def test_a_raised_depth_limit_lets_deeper_nesting_through(tmp_path, monkeypatch, yaml_loader):
    # No real script nests 60 levels, so the file still fails, but on its unknown key, not its depth.
    path = write(tmp_path, HEAD + OUTRO + "x: " + "[" * 60 + "]" * 60 + "\n")
    assert "nested more than 50 levels deep" in check(path).output
    monkeypatch.setenv("GUIDE_MAX_YAML_DEPTH", "100")
    result = check(path)
    assert "nested" not in result.output
    assert_reported(result, path, 5, "unknown key 'x'")


def test_a_raised_text_limit_accepts_a_longer_text(tmp_path, monkeypatch):
    path = write(tmp_path, HEAD + "intro: {en: '" + "word " * 6000 + "', ar: ب}\n")
    with pytest.raises(ScriptError, match="a text is limited to 20,000"):
        load_script(path)
    monkeypatch.setenv("GUIDE_MAX_TEXT_CHARS", "40000")
    assert len(load_script(path).intro.source("en")) == 29_999


def test_a_raised_total_text_limit_accepts_more_repeated_text(tmp_path, monkeypatch):
    long = "word " * 3900
    text = (
        HEAD
        + "sections:\n  - id: a\n    title: {en: A, ar: أ}\n    body:\n"
        + f'      - &p {{en: "{long}", ar: "{long}"}}\n'
        + "      - *p\n" * 300
    )
    path = write(tmp_path, text)
    with pytest.raises(ScriptError, match="texts add up to more than 5,000,000"):
        load_script(path)
    monkeypatch.setenv("GUIDE_MAX_TOTAL_TEXT_CHARS", "20000000")
    assert len(load_script(path).sections[0].body) == 301


def test_a_raised_item_limit_accepts_more_items(tmp_path, monkeypatch):
    sections = "".join(f"  - {{id: s{i}, title: {{en: S, ar: ق}}, body: [{{en: x, ar: س}}]}}\n" for i in range(1001))
    path = write(tmp_path, HEAD + "sections:\n" + sections)
    with pytest.raises(ScriptError, match="at most 1,000"):
        load_script(path)
    monkeypatch.setenv("GUIDE_MAX_ITEMS", "2000")
    assert len(load_script(path).sections) == 1001


def test_raised_lexicon_limits(tmp_path, monkeypatch):
    entries = "".join(f"  w{i}: say {i}\n" for i in range(5001))
    write(tmp_path, "en:\n" + entries + "# " + "x" * 1_000_000 + "\n", "words.yaml")
    path = write(tmp_path, HEAD + "lexicon_file: words.yaml\n" + OUTRO)
    with pytest.raises(ScriptError, match="lexicon files are limited to 1,000,000"):
        load_script(path)
    monkeypatch.setenv("GUIDE_MAX_LEXICON_BYTES", "2000000")
    with pytest.raises(ScriptError, match=r"lexicon.en has 5,001 entries; at most 5,000"):
        load_script(path)
    monkeypatch.setenv("GUIDE_MAX_LEXICON_ENTRIES", "6000")
    assert len(load_script(path).lexicon["en"]) == 5001


# -- a large valid script --------------------------------------------------------------------------


def test_a_valid_script_near_the_size_bound_loads(tmp_path):
    # 900 sections of 5 kB: what the bounds must leave room for (about 1 s with libyaml).
    paragraph = '{en: "' + "Rest well after the treatment. " * 72 + '", ar: "' + "استرح جيدا بعد العلاج. " * 72 + '"}'
    sections = "".join(
        f"  - id: s{i}\n    title: {{en: S, ar: ق}}\n    body:\n      - {paragraph}\n" for i in range(900)
    )
    path = write(tmp_path, HEAD + "sections:\n" + sections)
    assert 4_000_000 < path.stat().st_size < 5_000_000
    assert len(load_script(path).sections) == 900


def test_errors_are_guide_errors(tmp_path):
    """The loader's refusals are GuideErrors with exit status 2, whatever the bound."""
    path = write(tmp_path, "x: " + "[" * 100 + "]" * 100)
    with pytest.raises(GuideError) as caught:
        load_script(path)
    assert caught.value.exit_code == 2
