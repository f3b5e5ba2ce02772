"""Translations in step with their source: numbers refused when they differ (guide check, build, proof), markers
listed, a third language named when unread, and the review record end to end (edit, check, mark, check)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guide.cli import main
from guide.errors import ScriptError
from guide.script.loader import load_source
from guide.translations.reviews import record_path

from .conftest import SAMPLE_SCRIPT, SMALL_SCRIPT

DATA = Path(__file__).parent / "data" / "parity"
AFTERCARE = DATA / "aftercare.yaml"

SCRIPT = """\
id: parity
title: {en: "Parity", ar: "التطابق"}
languages: [en, ar]
voices:
  en: {engine: piper, voice: en_US-joe-medium}
  ar: {engine: espeak, voice: ar}
faq:
  - id: how-long
    question: {en: "How long does it take?", ar: "كم يستغرق ذلك؟"}
    answer:
      en: "It takes 30 minutes."
      ar: "يستغرق ذلك ٣٠ دقيقة."
"""
EN_LINE, AR_LINE = 11, 12


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def wrong(script: str = SCRIPT) -> str:
    return script.replace("٣٠ دقيقة", "٤٠ دقيقة")


# --------------------------------------------------------------------------- #
# Differences refused
# --------------------------------------------------------------------------- #


def test_check_refuses_a_different_number_naming_both_lines(write_script):
    path = write_script(wrong())
    result = run("check", path, "--offline")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert (
        f"{path}:{AR_LINE}: faq how-long, answer: the English says 30 minutes (line {EN_LINE}); "
        'the Arabic says 40 minutes ("٤٠ دقيقة")' in result.output
    )
    assert "{…|translation differs}" in result.output  # how to mark it, if deliberate


def test_build_refuses_it_and_records_and_writes_nothing(write_script, tmp_path):
    path = write_script(wrong())
    out, cache = tmp_path / "out", tmp_path / "cache"
    result = run("build", path, "--offline", "--out", out, "--cache-dir", cache)
    assert result.exit_code == 2, result.output
    assert f"{path}:{AR_LINE}: faq how-long, answer: the English says 30 minutes" in result.output
    assert not out.exists() or not any(out.rglob("*"))
    assert not cache.exists() or not any(cache.rglob("*.wav"))
    assert not record_path(path).exists()


def test_proof_refuses_it(write_script, tmp_path):
    pytest.importorskip("faster_whisper", reason="guide proof needs the proof extra: pip install -e '.[proof]'")
    path = write_script(wrong())
    result = run("proof", path, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "the Arabic says 40 minutes" in result.output


def test_the_arabic_as_source(write_script):
    path = write_script(wrong(SCRIPT.replace("languages: [en, ar]", "languages: [en, ar]\nsource_language: ar")))
    result = run("check", path, "--offline")
    assert result.exit_code == 2, result.output
    assert (
        f'{path}:{EN_LINE + 1}: faq how-long, answer: the Arabic says 40 minutes ("٤٠ دقيقة", line {AR_LINE + 1}); '
        f"the English says 30 minutes" in result.output
    )


def test_a_source_language_not_in_the_script_is_an_input_error(write_script):
    path = write_script(SCRIPT.replace("languages: [en, ar]", "languages: [en, ar]\nsource_language: fr"))
    result = run("check", path, "--offline")
    assert result.exit_code == 2, result.output
    assert re.search(rf"{re.escape(str(path))}:4: .*source_language.*fr", result.output), result.output


def test_the_same_number_said_twice_in_one_language_only(write_script):
    path = write_script(
        SCRIPT.replace("It takes 30 minutes.", "It takes 30 minutes, then 30 minutes more.").replace(
            "يستغرق ذلك ٣٠ دقيقة.", "يستغرق ذلك ٣٠ دقيقة، ثم مدة أخرى."
        )
    )
    result = run("check", path, "--offline")
    assert result.exit_code == 2, result.output
    assert f"the English says 30 minutes twice (line {EN_LINE}); the Arabic once" in result.output


def test_a_marked_difference_passes_and_is_listed_each_time(write_script):
    path = write_script(
        SCRIPT.replace("يستغرق ذلك ٣٠ دقيقة.", "يستغرق ذلك ٣٠ دقيقة. للاستفسار: {٠٢ ٢٣٤٥ ٦٧٨٩|translation differs}.")
    )
    for _ in range(2):
        result = run("check", path, "--offline")
        assert result.exit_code == 0, result.output
        assert "1 deliberate difference between languages (marked 'translation differs')" in result.output
        assert (
            f'{path}:{AR_LINE}: faq how-long, answer, Arabic: "٠٢ ٢٣٤٥ ٦٧٨٩" is not compared '
            "(the phone number 0223456789)" in result.output
        )


def test_a_third_language_guide_cannot_read_is_named_once(write_script):
    script = SCRIPT.replace("languages: [en, ar]", "languages: [en, ar, fr]").replace(
        "  ar: {engine: espeak, voice: ar}", "  ar: {engine: espeak, voice: ar}\n  fr: {engine: espeak, voice: fr}"
    )
    script = script.replace('ar: "التطابق"}', 'ar: "التطابق", fr: "Parité"}')
    script = script.replace('ar: "كم يستغرق ذلك؟"}', 'ar: "كم يستغرق ذلك؟", fr: "Combien de temps ?"}')
    script = script.replace(
        '      ar: "يستغرق ذلك ٣٠ دقيقة."', '      ar: "يستغرق ذلك ٣٠ دقيقة."\n      fr: "Cela prend 40 minutes."'
    )
    path = write_script(script)
    result = run("check", path, "--offline")
    assert result.exit_code == 0, result.output
    said = "guide cannot read numbers written in words in French: its texts are not compared with the English"
    assert result.output.count(said) == 1


@pytest.mark.parametrize("script", [SAMPLE_SCRIPT, AFTERCARE], ids=["sample", "aftercare"])
def test_real_scripts_pass_unchanged(script: Path):
    result = run("check", script, "--offline")
    assert result.exit_code == 0, result.output
    assert "problem" not in result.output


def _arabic_digits(text: str) -> list[tuple[int, int]]:
    """(line index, column) of each Eastern Arabic digit in an `ar:` text outside a translation-differs marker."""
    places = []
    for i, line in enumerate(text.splitlines()):
        if line.lstrip().startswith("ar:"):
            marker = line.find("|translation differs}")
            start = line.rfind("{", 0, marker) if marker >= 0 else -1
            places += [
                (i, j) for j, c in enumerate(line) if "٠" <= c <= "٩" and not (start <= j <= marker and marker >= 0)
            ]
    return places


def test_every_arabic_digit_of_the_second_script_is_checked():
    """One digit changed anywhere in the Arabic of a real script is refused, at that text's line."""
    text = AFTERCARE.read_text(encoding="utf-8")
    places = _arabic_digits(text)
    assert len(places) >= 20
    for i, j in places:
        lines = text.splitlines()
        old = lines[i][j]
        lines[i] = lines[i][:j] + ("٧" if old != "٧" else "٨") + lines[i][j + 1 :]
        script = load_source("\n".join(lines) + "\n", AFTERCARE, parity=False)
        assert any(p.line == i + 1 for p in script.parity_problems), (lines[i], script.parity_problems)


# --------------------------------------------------------------------------- #
# Stale translations
# --------------------------------------------------------------------------- #


@pytest.fixture
def reviewed(tmp_path) -> Path:
    """The sample, copied, with every translation recorded as reviewed."""
    path = tmp_path / "botox.yaml"
    shutil.copy(SAMPLE_SCRIPT, path)
    result = run("review", path, "--mark", "all")
    assert result.exit_code == 0, result.output
    assert "32 translations recorded as reviewed" in result.output
    return path


def test_stale_translation_flow_end_to_end(reviewed: Path):
    path = reviewed
    result = run("check", path, "--offline")
    assert result.exit_code == 0 and "to review" not in result.output, result.output

    # The English of one answer is edited; its Arabic is not.
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("every 3 to 6 months", "every 4 to 6 months").replace("ثلاثة إلى ستة", "أربعة إلى ستة"),
        encoding="utf-8",
    )
    result = run("check", path, "--offline")
    assert result.exit_code == 0, result.output
    assert "warning: 1 translation to review: the English changed since it was reviewed" in result.output
    assert (
        f"{path}:72: faq how-long, answer: the English changed since the Arabic was reviewed: "
        '"Many people safely use Botox for years with regular treatments every [-3-] {+4+} to 6 months,'
        in result.output
    )
    assert f'guide review {path} --mark "faq how-long, answer" --lang ar' in result.output
    assert run("check", path, "--offline", "--strict").exit_code == 1
    assert run("review", path, "--strict").exit_code == 1

    result = run("review", path, "--mark", "faq how-long, answer", "--lang", "ar")
    assert result.exit_code == 0, result.output
    assert "reviewed: faq how-long, answer, Arabic" in result.output
    result = run("check", path, "--offline", "--strict")
    assert result.exit_code == 0 and "to review" not in result.output, result.output


def test_the_record_is_readable_and_only_marking_changes_it(reviewed: Path, tmp_path):
    record = record_path(reviewed)
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert data["source_language"] == "en"
    assert data["texts"]["faq how-long, answer"]["ar"].startswith("Many people safely use Botox")
    before = record.read_bytes()
    reviewed.write_text(
        reviewed.read_text(encoding="utf-8").replace("every 3 to 6 months", "every 3 to 6 months!"), encoding="utf-8"
    )
    assert run("check", reviewed, "--offline").exit_code == 0
    assert run("review", reviewed).exit_code == 0
    assert record.read_bytes() == before  # listing never marks


def test_an_item_or_one_language_can_be_marked(reviewed: Path):
    text = reviewed.read_text(encoding="utf-8")
    reviewed.write_text(text.replace("Permanent damage is rare.", "Permanent damage is very rare."), encoding="utf-8")
    result = run("review", reviewed, "--mark", "faq permanent-damage")
    assert result.exit_code == 0, result.output
    assert "reviewed: faq permanent-damage, answer, Arabic" in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--mark", "faq nowhere"], "'faq nowhere': no such text"),
        (["--mark", "all", "--lang", "en"], "--lang en: not a translation of this script"),
        (["--mark", "all", "--lang", "fr"], "--lang fr: not a translation of this script"),
    ],
)
def test_marking_what_is_not_there_is_an_input_error(reviewed: Path, args: list[str], said: str):
    result = run("review", reviewed, *args)
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert "Traceback" not in result.output


def test_a_damaged_record_is_named_with_its_line(reviewed: Path):
    record = record_path(reviewed)
    record.write_text("source_language: en\ntexts:\n  intro: [unclosed\n", encoding="utf-8")
    result = run("check", reviewed, "--offline")
    assert result.exit_code == 2, result.output
    assert f"{record}:" in result.output and "not valid YAML" in result.output
    assert "Traceback" not in result.output


def test_the_first_build_starts_the_record_and_a_later_one_never_marks(small_build: Path, tmp_path):
    """The session's small build made the record beside its script; a build after an edit lists the change."""
    record = record_path(small_build / "small.yaml")
    assert record.is_file()
    assert yaml.safe_load(record.read_text(encoding="utf-8"))["texts"]["faq how-long, answer"] == {
        "ar": "About four months."
    }
    root = tmp_path / "copy"
    shutil.copytree(small_build, root)
    script = root / "small.yaml"
    script.write_text(SMALL_SCRIPT.replace("About four months.", "About four months or so."), encoding="utf-8")
    before = record_path(script).read_bytes()
    result = run("build", script, "--offline", "--out", root / "out", "--cache-dir", root / "cache")
    assert result.exit_code == 0, result.output
    assert (
        "faq how-long, answer: the English changed since the Arabic was reviewed: "
        '"About four [-months.-] {+months or so.+}"' in result.output
    )
    assert record_path(script).read_bytes() == before
    strict = run("build", script, "--offline", "--strict", "--out", root / "out", "--cache-dir", root / "cache")
    assert strict.exit_code == 1, strict.output
    assert "nothing was recorded" in strict.output


def test_a_review_record_is_never_taken_for_a_script(tmp_path, monkeypatch):
    """`guide build` with no script builds every script in scripts/: the records beside them are not scripts."""
    from guide.script.files import script_files

    folder = tmp_path / "scripts"
    folder.mkdir()
    shutil.copy(AFTERCARE, folder / "aftercare.yaml")
    monkeypatch.chdir(tmp_path)
    assert run("review", "scripts/aftercare.yaml", "--mark", "all").exit_code == 0
    assert (folder / "aftercare.reviewed.yaml").is_file()
    assert script_files(folder) == [folder / "aftercare.yaml"]
    result = run("plan", "scripts/aftercare.yaml", "--offline")
    assert result.exit_code == 0, result.output


def test_the_record_matches_the_schema_guide_ships(reviewed: Path):
    import json

    from jsonschema import Draft202012Validator

    result = run("schema", "reviewed")
    assert result.exit_code == 0, result.output
    validator = Draft202012Validator(json.loads(result.output))
    assert not list(validator.iter_errors(yaml.safe_load(record_path(reviewed).read_text(encoding="utf-8"))))
    assert list(validator.iter_errors({"source_language": "en", "texts": {"intro": {"ar": 3}}}))


def test_agreeing_pairs_are_kept_between_runs_and_never_hide_a_difference(tmp_path):
    """The take cache keeps the pairs found agreeing: the next check reads none of them again, and an edited
    translation is read again, and refused when its numbers differ."""
    from guide.cache import TakeCache
    from guide.script.loader import load_script
    from guide.text.memo import ParityMemo

    path = tmp_path / "aftercare.yaml"
    shutil.copy(AFTERCARE, path)
    memo_path = TakeCache(tmp_path / "cache").parity_path(path)
    first = ParityMemo.load(memo_path)
    load_script(path, parity_memo=first)
    first.save()
    assert first.misses >= 15 and memo_path.is_file()

    again = ParityMemo.load(memo_path)
    load_script(path, parity_memo=again)
    assert again.misses == 0

    path.write_text(path.read_text(encoding="utf-8").replace("٣ إلى ٥ أيام", "٣ إلى ٦ أيام"), encoding="utf-8")
    edited = ParityMemo.load(memo_path)
    with pytest.raises(ScriptError, match="the English says 5 days"):
        load_script(path, parity_memo=edited)


@pytest.mark.parametrize("damage", ["not json", '{"format": 1, "context": "another", "pairs": ["x"]}', "[1, 2]"])
def test_a_damaged_or_foreign_memo_is_a_cold_one(tmp_path, damage: str):
    from guide.text.memo import ParityMemo

    memo = tmp_path / "memo.json"
    memo.write_text(damage, encoding="utf-8")
    loaded = ParityMemo.load(memo)
    assert not loaded.agreed("x")


def test_check_and_build_keep_the_pairs_in_the_take_cache(tmp_path):
    path = tmp_path / "aftercare.yaml"
    shutil.copy(AFTERCARE, path)
    cache = tmp_path / "cache"
    result = run("check", path, "--offline", "--cache-dir", cache)
    assert result.exit_code == 0, result.output
    assert list((cache / "parity").glob("aftercare-*.json"))


def test_a_paragraph_moved_keeps_its_review(reviewed: Path):
    """A paragraph inserted before others shifts their names; what they were reviewed against still holds."""
    text = reviewed.read_text(encoding="utf-8")
    anchor = '      - en: "Thinking about the long-term effects'
    new = '      - en: "A new paragraph."\n        ar: "فقرة جديدة."\n'
    reviewed.write_text(text.replace(anchor, new + anchor, 1), encoding="utf-8")
    result = run("check", reviewed, "--offline")
    assert result.exit_code == 0, result.output
    assert "warning: 1 translation to review" in result.output
    assert "section importance, paragraph 2: added since the Arabic was last reviewed" in result.output
