"""guide studio and the cross-language checks (issue 30): a translation saying other numbers than its source,
and one whose source text changed since it was reviewed, shown on the text itself, in words.

Over real HTTP (the small guide): a save with other numbers is kept and answers their state, a build or proof
of it is refused with the command line's own message, and "Mark reviewed" writes the review record, guarded
like every change. Then in a real Chromium on a copy of the sample: the whole flow, checked with axe-core.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.script.loader import load_script
from guide.studio.workspace import _proof_available
from guide.translations.reviews import read_record, record_path, start_record

from .conftest import SAMPLE_SCRIPT
from .test_a11y import axe_source, axe_violations, browser, explain  # noqa: F401 - fixtures
from .test_studio_browser import Project, open_studio
from .test_studio_server import Running, doc, running  # noqa: F401 - fixtures

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ANSWER_AR, ANSWER_EN = "faq/how-long/answer/ar", "faq/how-long/answer/en"


def save(running: Running, client: httpx.Client, csrf: str, texts: dict[str, str]) -> dict[str, Any]:
    answer = client.post(
        "/api/scripts/small/save",
        headers=running.headers(csrf),
        json={"version": doc(client)["version"], "texts": texts},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def text_of(texts: list[dict[str, Any]], path: str) -> dict[str, Any]:
    return next(t for t in texts if t["path"] == path)


def test_a_save_with_other_numbers_is_kept_and_shown_at_its_text(running: Running) -> None:
    client, csrf = running.client()
    assert text_of(doc(client)["texts"], ANSWER_AR)["parity"]["state"] == "same"
    saved = save(running, client, csrf, {ANSWER_AR: "نحو ثلاثة أشهر."})
    assert saved["changed"] == [ANSWER_AR]
    assert "نحو ثلاثة أشهر." in running.script.read_text(encoding="utf-8")
    for texts in (saved["states"], doc(client)["texts"]):
        parity = text_of(texts, ANSWER_AR)["parity"]
        assert parity["state"] == "differs"
        # In words, as guide check says it, without the text's name (it is shown at the text).
        assert parity["message"].startswith('the English says 4 months ("four months", line ')
        assert 'the Arabic says 3 months ("ثلاثة أشهر")' in parity["message"]
        assert text_of(texts, ANSWER_EN)["parity"]["state"] == "source"
        assert text_of(texts, "intro/ar")["parity"] == {"state": "same", "message": "", "marked": []}
        assert not text_of(texts, ANSWER_AR)["review"]["stale"]


def test_a_build_or_proof_with_other_numbers_is_refused_with_the_cli_message(running: Running, tmp_path: Path) -> None:
    client, csrf = running.client()
    save(running, client, csrf, {ANSWER_AR: "نحو ثلاثة أشهر."})
    before = running.files()
    cli = CliRunner().invoke(
        main, ["build", str(running.script), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    )
    assert cli.exit_code == 2, cli.output
    for kind in ("build", "proof"):
        answer = client.post(f"/api/scripts/small/{kind}", headers=running.headers(csrf), json={})
        assert answer.status_code == 422, answer.text
        if kind == "proof" and not _proof_available():
            continue
        refused = answer.json()
        assert f"Error: {refused['error']}\n" in cli.output  # word for word, file:line included
        assert (
            refused["error"].startswith("1 problem found:\n")
            and "faq how-long, answer: the English says" in (refused["error"])
        )
        assert [field["path"] for field in refused["fields"]] == [ANSWER_AR]
        assert refused["fields"][0]["message"] == text_of(doc(client)["texts"], ANSWER_AR)["parity"]["message"]
    assert doc(client)["job"] is None
    assert running.files() == before and not running.out.exists()
    # Put the number back: the build starts.
    save(running, client, csrf, {ANSWER_AR: "نحو أربعة أشهر."})
    assert client.post("/api/scripts/small/build", headers=running.headers(csrf), json={}).status_code == 202
    client.post("/api/scripts/small/cancel", headers=running.headers(csrf), json={})
    running.studio.workspace.job("small").join(300)


def test_mark_reviewed_clears_a_stale_translation_and_writes_the_record(running: Running) -> None:
    client, csrf = running.client()
    start_record(load_script(running.script))  # as the first build does
    saved = save(running, client, csrf, {ANSWER_EN: "About four months, often a little more."})
    review = text_of(saved["states"], ANSWER_AR)["review"]
    assert review == {
        "stale": True,
        "diff": "About four [-months.-] {+months, often a little more.+}",
        "before": "About four months.",
        "now": "About four months, often a little more.",
    }
    assert text_of(doc(client)["texts"], ANSWER_AR)["review"] == review
    assert not text_of(saved["states"], "intro/ar")["review"]["stale"]
    script_before = running.script.read_bytes()
    answer = client.post(
        "/api/scripts/small/reviewed",
        headers=running.headers(csrf),
        json={"version": doc(client)["version"], "path": ANSWER_AR},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["marked"] is True
    assert not any(state["review"]["stale"] for state in answer.json()["states"])
    assert not text_of(doc(client)["texts"], ANSWER_AR)["review"]["stale"]
    assert running.script.read_bytes() == script_before  # the record changes, never the script
    listed = client.get("/api/scripts").json()["scripts"]
    assert listed == [{"id": "small", "file": "small.yaml"}]  # the record beside it is no script
    assert read_record(load_script(running.script)).against("faq how-long, answer", "ar") == (
        "About four months, often a little more."
    )


def test_mark_reviewed_is_guarded_and_names_only_a_translation(running: Running) -> None:
    client, csrf = running.client()
    start_record(load_script(running.script))
    save(running, client, csrf, {ANSWER_EN: "About four months, often more."})
    version = doc(client)["version"]
    record = record_path(running.script)
    before = running.files()
    body = {"version": version, "path": ANSWER_AR}
    for headers in (
        {"origin": running.base},  # no CSRF token
        {"origin": running.base, "x-csrf-token": "wrong"},
        {"origin": "http://evil.example", "x-csrf-token": csrf},
        {"x-csrf-token": csrf},  # no Origin
    ):
        answer = client.post("/api/scripts/small/reviewed", headers=headers, json=body)
        assert answer.status_code == 403, headers
    for path, status in [
        ("faq/nope/answer/ar", 404),
        ("../../small.reviewed.yaml", 404),
        (str(record), 404),
        ("faq/how-long/answer", 404),
        (ANSWER_EN, 422),  # the source text: translations are reviewed against it
    ]:
        answer = client.post(
            "/api/scripts/small/reviewed", headers=running.headers(csrf), json={"version": version, "path": path}
        )
        assert answer.status_code == status, (path, answer.text)
        assert answer.json()["error"]
    for junk, status in [({"version": version}, 422), ({"version": "old", "path": ANSWER_AR}, 409)]:
        answer = client.post("/api/scripts/small/reviewed", headers=running.headers(csrf), json=junk)
        assert answer.status_code == status, (junk, answer.text)
    assert client.post("/api/scripts/nope/reviewed", headers=running.headers(csrf), json=body).status_code == 404
    assert running.files() == before
    assert text_of(doc(client)["texts"], ANSWER_AR)["review"]["stale"]


# --------------------------------------------------------------------------- #
# In Chromium, on a copy of the sample
# --------------------------------------------------------------------------- #


@pytest.fixture
def sample(tmp_path: Path, registry: Any):  # yields a running Project
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / SAMPLE_SCRIPT.name
    script.write_bytes(SAMPLE_SCRIPT.read_bytes())
    start_record(load_script(script))  # as its first build would
    with Project(tmp_path, tmp_path / "scripts", registry) as project:
        yield project


def message_starts(tab: Any, start: str) -> None:
    tab.wait_for_function(
        "(start) => document.querySelector('#message').textContent.startsWith(start)", arg=start, timeout=60_000
    )


@pytest.mark.slow
def test_other_numbers_and_a_changed_source_in_the_page(browser: Browser, sample: Project, axe_source: str) -> None:
    script = sample.root / "scripts" / SAMPLE_SCRIPT.name
    tab = open_studio(browser, sample, csp=False)  # axe is injected as a script, which the studio's own CSP forbids
    arabic = tab.locator(f"textarea[data-path='{ANSWER_AR}']")
    notes = tab.locator(f".standing[data-path='{ANSWER_AR}']")
    original = arabic.input_value()
    assert notes.text_content() == ""

    # Another number in the Arabic answer: saved, and the difference shown on that text, in words.
    arabic.fill(original.replace("كل ثلاثة إلى ستة أشهر", "كل أربعة إلى ستة أشهر"))
    arabic.press("Control+s")
    message_starts(tab, "Saved 1 text(s). 1 translation(s) say other numbers than the English")
    assert "كل أربعة إلى ستة أشهر" in script.read_text(encoding="utf-8")
    said = notes.text_content() or ""
    assert said.startswith('Numbers differ from the English: the English says 3 months ("3 to 6 months", line 71)')
    assert 'the Arabic says 4 months ("أربعة إلى ستة أشهر")' in said and "A build is refused" in said
    assert arabic.get_attribute("aria-invalid") == "true"
    assert notes.get_attribute("id") in (arabic.get_attribute("aria-describedby") or "").split()
    assert notes.get_attribute("dir") == "ltr" and notes.get_attribute("lang") == "en"
    violations = axe_violations(tab, axe_source)
    assert not violations, explain(violations)

    # Build: refused with the command line's message, the focus on that text, nothing built.
    tab.locator("button[data-action='build']").click()
    message_starts(tab, "The build was refused. 1 problem found:")
    refused = tab.locator("#message").text_content() or ""
    assert f"{script}:72: faq how-long, answer: the English says 3 months" in refused
    assert tab.evaluate("document.activeElement.dataset.path") == ANSWER_AR
    assert tab.locator("#progress").is_hidden() and not sample.out.exists()

    # The number put back: nothing to say about it any more.
    arabic.fill(original)
    arabic.press("Control+s")
    message_starts(tab, "Saved 1 text(s).")
    tab.wait_for_function(
        "(path) => !document.querySelector(`.standing[data-path='${path}']`).textContent", arg=ANSWER_AR
    )
    assert arabic.get_attribute("aria-invalid") is None

    # The English changed: the Arabic needs review, the change shown as a diff (in the English's direction).
    english = tab.locator(f"textarea[data-path='{ANSWER_EN}']")
    english.fill(english.input_value().replace("individual responses vary.", "each person responds differently."))
    english.press("Control+s")
    message_starts(tab, "Saved 1 text(s). 1 translation(s) need review: the English changed")
    assert (notes.text_content() or "").startswith("Needs review: the English changed since this translation was")
    diff = notes.locator(".diff")
    assert diff.get_attribute("dir") == "ltr" and diff.get_attribute("lang") == "en"
    assert diff.locator("del").text_content() == "removed: individual responses vary."
    assert diff.locator("ins").text_content() == "added: each person responds differently."
    assert diff.locator("del .sr-only").count() == 1
    violations = axe_violations(tab, axe_source)
    assert not violations, explain(violations)

    # Mark reviewed: the note goes, the record says so, and the focus is back on the text.
    notes.locator("button[data-action='reviewed']").click()
    message_starts(tab, "Marked reviewed")
    assert notes.text_content() == ""
    assert tab.evaluate("document.activeElement.dataset.path") == ANSWER_AR
    record = read_record(load_script(script))
    assert record.against("faq how-long, answer", "ar") == english.input_value()
    tab.reload()
    tab.wait_for_selector("textarea[data-path]")
    assert tab.locator(f".standing[data-path='{ANSWER_AR}']").text_content() == ""
