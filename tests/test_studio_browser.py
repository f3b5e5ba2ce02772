"""guide studio the way clinic staff use it: in a real Chromium (Playwright), by keyboard, checked with axe-core.

The flow from the issue, start to finish: open the printed address, edit an Arabic FAQ answer and
save with Ctrl+S (the script's diff is that one line, comments kept), hear it (the audio's time
advances), build (only that answer's track and its language's full guide change), and proof
(a planted mishearing is shown on its sentence). Then the failure cases: two tabs editing one text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from guide import builder
from guide.settings import RunSettings
from guide.studio.server import Studio
from guide.studio.workspace import Workspace

from .conftest import SAMPLE_SCRIPT, SMALL_SCRIPT
from .test_a11y import assert_focus_shown, axe_source, axe_violations, browser, explain, tab_to  # noqa: F401 - fixtures

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

# The small guide with comments, and a planted mishearing: the voice is told to say "butter" where "water" is written.
SCRIPT = "# The small guide, kept by hand: comments stay.\n" + SMALL_SCRIPT.replace(
    "faq:\n", "# Questions patients ask.\nfaq:\n"
).replace("languages: [en, ar]\n", "languages: [en, ar]\nlexicon:\n  en: {water: butter}  # planted for proof\n")
ANSWER = "faq/how-long/answer/ar"


class Project:
    def __init__(self, root: Path, scripts: Path, registry: Any) -> None:
        self.root = root
        self.out = root / "audio_out"
        self.cache = root / "cache"
        self.studio = Studio(
            Workspace(scripts, RunSettings.make(out=self.out, cache=self.cache), registry), "127.0.0.1", 0
        )
        self.thread = threading.Thread(target=self.studio.serve, daemon=True)

    def __enter__(self) -> Project:
        self.thread.start()
        deadline = time.monotonic() + 20
        while (self.studio.server is None or not self.studio.server.started) and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.studio.stop()
        self.thread.join(20)
        self.studio.workspace.stop()

    def mp3s(self) -> dict[str, str]:
        return {
            str(p.relative_to(self.out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.out.rglob("*.mp3"))
        }


@pytest.fixture
def small(tmp_path: Path, registry: Any) -> Iterator[Project]:
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "small.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    builder.build(
        script, RunSettings.make(out=tmp_path / "audio_out", cache=tmp_path / "cache", jobs=1), registry=registry
    )
    with Project(tmp_path, tmp_path / "scripts", registry) as project:
        yield project


@pytest.fixture
def sample(tmp_path: Path, registry: Any) -> Iterator[Project]:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / SAMPLE_SCRIPT.name).write_bytes(SAMPLE_SCRIPT.read_bytes())
    with Project(tmp_path, tmp_path / "scripts", registry) as project:
        yield project


def open_studio(browser: Browser, project: Project, csp: bool = True) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=not csp)
    tab = context.new_page()
    tab.goto(project.studio.login_url())
    tab.wait_for_selector("textarea[data-path]")
    return tab


def wait_job_end(tab: Page, timeout: float = 300_000) -> str:
    tab.wait_for_function(
        "() => !document.querySelector('#progress').hidden || document.querySelector('#job-text').textContent !== ''",
        timeout=30_000,
    )
    tab.wait_for_function("() => document.querySelector('#progress').hidden", timeout=timeout)
    return tab.locator("#job-text").text_content() or ""


def test_edit_save_hear_build_and_proof(browser: Browser, small: Project) -> None:
    script = small.root / "scripts" / "small.yaml"
    before_text = script.read_text(encoding="utf-8")
    before_mp3s = small.mp3s()
    tab = open_studio(browser, small)
    assert tab.locator("textarea[data-path='intro/ar']").get_attribute("dir") == "rtl"
    assert tab.locator("textarea[data-path='intro/ar']").get_attribute("lang") == "ar"

    # 2. Edit an Arabic FAQ answer, save with Ctrl+S: the diff is that one line, the comments are kept.
    answer = tab.locator(f"textarea[data-path='{ANSWER}']")
    answer.fill("حوالي أربعة أشهر.")
    answer.press("Control+s")
    tab.wait_for_function("() => document.querySelector('#message').textContent.startsWith('Saved')")
    after_text = script.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before_text.splitlines(), after_text.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and "حوالي أربعة أشهر." in changed[0][1] and "نحو أربعة أشهر." in changed[0][0]
    assert len(before_text.splitlines()) == len(after_text.splitlines())
    assert "# Questions patients ask." in after_text and "# planted for proof" in after_text
    assert "not recorded yet" in (
        tab.locator(f"button[data-action='play'][data-path='{ANSWER}']").first.locator("xpath=..").text_content() or ""
    )

    # 3. The preview plays: the audio element's time advances.
    tab.locator(f"button[data-action='play'][data-path='{ANSWER}']").first.click()
    tab.wait_for_function("() => document.querySelector('#audio').currentTime > 0.3", timeout=60_000)

    # 4. Build: only that answer's track and its language's full guide change on disk.
    tab.locator("button[data-action='build']").click()
    ended = wait_job_end(tab)
    assert ended.startswith("Build finished"), ended
    after_mp3s = small.mp3s()
    changed_mp3s = sorted(name for name in after_mp3s if after_mp3s[name] != before_mp3s.get(name))
    assert len(changed_mp3s) == 2, changed_mp3s
    assert changed_mp3s[0].startswith("small-guide/ar/") and changed_mp3s[0].endswith("how-long.mp3")
    assert changed_mp3s[1].startswith("small-guide/ar/") and "how-long" not in changed_mp3s[1]
    assert set(after_mp3s) == set(before_mp3s)
    files = tab.locator("#result-files li").all_text_contents()
    assert any(f.endswith("how-long.mp3") for f in files)
    assert tab.locator("#player").is_visible()
    tab.wait_for_function(
        "(path) => [...document.querySelectorAll(`li[data-path='${path}'] .sstate`)]"
        ".every((n) => n.textContent === '')",
        arg=ANSWER,
    )

    # 5. Proof shows the planted mishearing on the right sentence.
    if importlib.util.find_spec("faster_whisper") is None:
        pytest.skip("the proof extra is not installed: steps 1-4 passed")
    tab.locator("button[data-action='proof']").click()
    ended = wait_job_end(tab, 600_000)
    assert ended.startswith("Proof finished"), ended
    tab.wait_for_selector("li.flagged", timeout=30_000)  # the page reloads the texts once the proof has ended
    flagged = tab.locator("li.flagged")
    texts = flagged.all_text_contents()
    assert any("Drink water" in t and "heard" in t for t in texts), texts
    assert all("water" in t.lower() or "butter" in t.lower() or "heard" in t for t in texts)


def test_two_tabs_edit_one_text_the_second_save_is_refused_and_kept(browser: Browser, small: Project) -> None:
    script = small.root / "scripts" / "small.yaml"
    first, second = open_studio(browser, small), open_studio(browser, small)
    first.locator("textarea[data-path='outro/en']").fill("Thank you, from tab one.")
    first.keyboard.press("Control+s")
    first.wait_for_function("() => document.querySelector('#message').textContent.startsWith('Saved')")
    on_disk = script.read_bytes()
    area = second.locator("textarea[data-path='outro/en']")
    area.fill("Thank you, from tab two.")
    second.locator("button[data-action='save']").click()
    second.wait_for_function("() => document.querySelector('#message').textContent.startsWith('Not saved')")
    assert "changed since this page loaded it" in (second.locator("#message").text_content() or "")
    assert area.input_value() == "Thank you, from tab two."
    assert script.read_bytes() == on_disk


def test_a_bad_edit_is_shown_at_its_field(browser: Browser, small: Project) -> None:
    tab = open_studio(browser, small)
    area = tab.locator("textarea[data-path='intro/en']")
    area.fill("Welcome {to the guide.")
    area.press("Control+s")
    tab.wait_for_function("() => document.querySelector('#message').textContent.startsWith('Not saved')")
    assert area.get_attribute("aria-invalid") == "true"
    error = tab.locator(f"#{(area.get_attribute('aria-describedby') or '').split()[0]}").text_content() or ""
    assert error and ".yaml:" not in error
    assert tab.evaluate("document.activeElement.dataset.path") == "intro/en"


def test_the_studio_passes_axe_with_english_and_arabic_on_screen(
    browser: Browser,
    sample: Project,
    axe_source: str,
) -> None:
    tab = open_studio(browser, sample, csp=False)  # axe is injected as a script, which the studio's own CSP forbids
    assert tab.locator("textarea[lang='ar']").count() > 10 and tab.locator("textarea[lang='en']").count() > 10
    violations = axe_violations(tab, axe_source)
    assert not violations, explain(violations)
    # Every panel open, with a pronunciation's sentences listed and an error shown at a field.
    tab.wait_for_selector("#voice-rows .voice-row", state="attached")
    for panel in ("#pronunciations", "#voices-panel", "#new-guide"):
        tab.locator(f"{panel} summary").click()
    tab.fill("#pron-word", "البوتوكس")
    tab.select_option("#pron-lang", "ar")
    tab.fill("#pron-say", "البوتُكس")
    tab.locator("[data-action='pron-check']").click()
    tab.wait_for_selector("#pron-sentences li button")
    area = tab.locator("textarea[data-path='intro/ar']")
    area.fill("نص {غير مغلق")
    area.press("Control+s")
    tab.wait_for_function("() => document.querySelector('#message').textContent.startsWith('Not saved')")
    violations = axe_violations(tab, axe_source)
    assert not violations, explain(violations)


def test_the_studio_works_from_the_keyboard(browser: Browser, sample: Project) -> None:
    tab = open_studio(browser, sample)
    tab.locator("body").focus()
    tab_to(tab, "button[data-action='save']")
    assert_focus_shown(tab)
    tab_to(tab, "textarea[data-path='intro/ar']")
    assert_focus_shown(tab)
    tab.keyboard.type(" ")
    tab_to(tab, "button[data-action='play'][data-path='intro/ar']")
    assert_focus_shown(tab)
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.querySelector('#audio').currentTime > 0.2", timeout=60_000)
    tab.keyboard.press("Control+s")
    tab.wait_for_function("() => document.querySelector('#message').textContent.startsWith('Saved')")


def test_a_pronunciation_heard_before_and_after_then_saved(browser: Browser, small: Project) -> None:
    script = small.root / "scripts" / "small.yaml"
    before = script.read_text(encoding="utf-8")
    tab = open_studio(browser, small)
    tab.wait_for_selector("#voice-rows .voice-row", state="attached")
    tab.locator("#pronunciations summary").click()
    assert tab.locator("#lexicon tr").count() == 1  # the planted water: butter
    tab.select_option("#pron-lang", "en")
    tab.fill("#pron-word", "guide")
    tab.fill("#pron-say", "gide")
    tab.locator("[data-action='pron-check']").click()
    tab.wait_for_selector("#pron-sentences li button")
    assert "This is a short guide." in (tab.locator("#pron-sentences").text_content() or "")
    for which in ("#pron-sentences button:not([data-entry])", "#pron-sentences button[data-entry]"):
        tab.evaluate("document.querySelector('#audio').removeAttribute('src')")
        tab.locator(which).first.click()
        tab.wait_for_function("() => document.querySelector('#audio').currentTime > 0.2", timeout=60_000)
    tab.locator("[data-action='pron-save']").click()
    # The save checks the whole script (as guide check does): 60 s, as the waits above, for a loaded machine.
    tab.wait_for_function(
        "() => document.querySelector('#message').textContent.startsWith('Saved: guide')", timeout=60_000
    )
    after = script.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        ("  en: {water: butter}  # planted for proof", "  en: {water: butter, guide: gide}  # planted for proof")
    ]
    assert tab.locator("#lexicon tr").count() == 2


def test_a_change_made_elsewhere_is_shown_and_unsaved_edits_are_kept(browser: Browser, small: Project) -> None:
    script = small.root / "scripts" / "small.yaml"
    tab = open_studio(browser, small)
    script.write_text(SCRIPT.replace("Thank you.", "Thank you, from the editor."), encoding="utf-8")
    tab.wait_for_function(
        "() => document.querySelector('#message').textContent.includes('changed elsewhere')", timeout=60_000
    )
    assert tab.locator("textarea[data-path='outro/en']").input_value() == "Thank you, from the editor."
    # With an unsaved edit, the page keeps it and says why a save will be refused.
    tab.locator("textarea[data-path='intro/en']").fill("My unsaved welcome.")
    script.write_text(SCRIPT.replace("Thank you.", "Thank you, again."), encoding="utf-8")
    tab.wait_for_function(
        "() => document.querySelector('#message').textContent.includes('Your unsaved edits are still here')",
        timeout=60_000,
    )
    assert tab.locator("textarea[data-path='intro/en']").input_value() == "My unsaved welcome."
