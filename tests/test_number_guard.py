"""The number guard end to end: `guide check` and `guide build` refuse a changed number, the marker lets it through,
`guide check` lists every marker each run, and `guide proof` flags the sentence and exits 1."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import pytest
from click.testing import CliRunner

from guide.cli import main

from .conftest import SAMPLE_SCRIPT

SCRIPT = """\
id: sun
title: {en: "Sun care", ar: "العناية من الشمس"}
languages: [en, ar]
lexicon:
  en:
    "30": "13"
sections:
  - id: before
    title: {en: "Before you go out", ar: "قبل الخروج"}
    body:
      - en: "Apply sunscreen 30 minutes before going out."
        ar: "ضع واقي الشمس قبل الخروج بثلاثين دقيقة."
faq:
  - id: open
    question: {en: "When can I call?", ar: "متى يمكنني الاتصال؟"}
    answer: {en: "You can call us at any time of the day.", ar: "يمكنك الاتصال بنا في أي وقت."}
"""
TEXT_LINE = 11
ENTRY_LINE = 6

MARKED = (
    SCRIPT.replace('"30": "13"', '"30": {say: "13", numbers_differ: true}')
    .replace("You can call us at any time of the day.", "You can call us {24/7|at any time|numbers differ}.")
    .replace("يمكنك الاتصال بنا في أي وقت.", "يمكنك الاتصال بنا {24/7|في أي وقت|numbers differ}.")
)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_check_refuses_a_changed_number_with_the_line_the_cause_and_both_texts(write_script):
    path = write_script(SCRIPT)
    result = run("check", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = next(line for line in result.output.splitlines() if line.startswith(f"{path}:{TEXT_LINE}:"))
    assert "the voice would say 13 where 30 is written" in line
    assert '"Apply sunscreen 30 minutes before going out."' in line  # what is written
    assert '"Apply sunscreen thirteen minutes before going out."' in line  # what would be said
    assert f'lexicon en "30": "13" ({path}:{ENTRY_LINE})' in line  # the cause, where it is written
    assert '"30": {say: "13", numbers_differ: true}' in line  # how to mark it, if deliberate


def test_build_refuses_it_before_recording_anything(write_script, tmp_path):
    path = write_script(SCRIPT)
    result = run("build", str(path), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"))
    assert result.exit_code == 2, result.output
    assert f"{path}:{TEXT_LINE}: the voice would say 13 where 30 is written" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.mp3"))
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.wav"))


def test_a_lexicon_file_entry_is_named_with_its_own_file_and_line(write_script):
    words = write_script('en:\n  Botox: BOH-tocks\n  "30": "13"\n', "words.yaml")
    path = write_script(SCRIPT.replace('lexicon:\n  en:\n    "30": "13"\n', "lexicon_file: words.yaml\n"))
    result = run("check", str(path))
    assert result.exit_code == 2, result.output
    assert f'lexicon en "30": "13" ({words}:3)' in result.output


@pytest.mark.parametrize("twice", [1, 2])
def test_check_lists_every_marker_each_time_it_runs(write_script, twice):
    path = write_script(MARKED)
    for _ in range(twice):
        result = run("check", str(path))
        assert result.exit_code == 0, result.output
        assert "3 deliberate number differences (marked 'numbers differ')" in result.output
        assert f'{path}:{ENTRY_LINE}: lexicon en "30": "13" (numbers_differ: true)' in result.output
        assert (
            '"Apply sunscreen 30 minutes before going out." is said '
            '"Apply sunscreen thirteen minutes before going out."' in result.output
        )
        assert re.search(rf"{re.escape(str(path))}:\d+: {{24/7\|at any time\|numbers differ}}", result.output)


def test_a_marker_that_changes_nothing_is_listed_as_removable(write_script):
    path = write_script(SCRIPT.replace('"30": "13"', '"30": {say: "thirty", numbers_differ: true}'))
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert 'lexicon en "30": "thirty" (numbers_differ: true)' in result.output
    assert "changes no number in the script: the marker can go" in result.output


def test_the_sample_has_no_number_changed():
    result = run("check", str(SAMPLE_SCRIPT))
    assert result.exit_code == 0, result.output
    assert "numbers differ" not in result.output


def test_json_schema_accepts_the_marked_entry():
    import yaml
    from jsonschema import Draft202012Validator

    schema = json.loads((files("guide.script") / "schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(yaml.safe_load(MARKED))
    bad = yaml.safe_load(MARKED.replace("numbers_differ: true", "numbers_differ: 'yes'"))
    assert list(Draft202012Validator(schema).iter_errors(bad))


@pytest.mark.slow
def test_proof_flags_a_marked_sentence_first_and_exits_1(tmp_path):
    """The {"30": "13"} case end to end: marked, it builds; proof flags that sentence first and exits 1."""
    pytest.importorskip("faster_whisper", reason="guide proof needs the proof extra: pip install -e '.[proof]'")
    script = tmp_path / "sun.yaml"
    script.write_text(MARKED, encoding="utf-8")
    where = ["--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    built = run("build", str(script), "--lang", "en", *where)
    assert built.exit_code == 0, built.output
    assert "said with other numbers than are written, allowed by 'numbers differ'" in built.output

    result = run("proof", str(script), "--lang", "en", *where, "--json", "--html")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output[result.output.index("{") :])
    sentences = {s["text"]: s for s in data["languages"]["en"]["sentences"]}
    sun = sentences["Apply sunscreen 30 minutes before going out."]
    assert sun["numbers_differ"]["marker"] == 'lexicon en "30": "13" (numbers_differ: true)'
    assert sun["numbers_differ"]["said"] == "Apply sunscreen thirteen minutes before going out."
    assert sun["flags"][0].startswith("said with other numbers than written, on purpose")
    # Which text was heard is said, whatever the recogniser made of "thirteen".
    assert sun["numbers_differ"]["heard_as"].startswith(
        ("heard as written (30)", "heard as the voice was given (13)", "heard neither")
    )
    call = sentences["You can call us 24/7."]
    assert call["numbers_differ"]["marker"] == "{24/7|at any time|numbers differ}"
    # Sentences said as written carry no such flag.
    assert all(not s["numbers_differ"] for text, s in sentences.items() if text not in (sun["text"], call["text"]))

    summary = run("proof", str(script), "--lang", "en", *where)
    assert summary.exit_code == 1
    assert "2 sentence(s) said with other numbers than written, on purpose" in summary.output
    assert "2 sentence(s) flagged for a number" in summary.output
    flag_lines = [line for line in summary.output.splitlines() if line.startswith("    - ")]
    assert flag_lines[0].startswith("    - said with other numbers than written, on purpose")
    assert flag_lines[1].startswith("    - said with other numbers than written, on purpose")

    page = (tmp_path / "out" / "sun" / "proof.html").read_text(encoding="utf-8")
    worst = page[page.index('<ol class="worst">') :]
    first = worst[worst.index("<li>") : worst.index("</li>")]
    assert "said with other numbers than written, on purpose" in first
