"""Pages every patient can use (issue 18): index.html, kiosk.html and proof.html, in English and in Arabic,
loaded from file:// in a real headless Chromium kept off the network, and checked with a real axe-core
(the WCAG 2.0/2.1/2.2 A and AA rules), by keyboard alone, at 200 % text size, and at a phone's size."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from guide.proof.compare import Mishearing
from guide.proof.report import ARABIC_NOTE, LanguageReport, ProofReport, SentenceResult, TrackFigure, html_page
from guide.publish.player import UI
from guide.publish.transcripts import clock as shown_clock

from .conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

AXE_ENV = "GUIDE_AXE_JS"
"""The environment variable naming axe-core's ``axe.min.js``."""

AXE_DEFAULT = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
"""Where the README's install command puts it."""

AXE_INSTALL = "npm install --no-save --prefix .ci/node axe-core@4"
"""The README's install command (run in the repository), which .ci/run runs too."""

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
"""The rules the issue names: WCAG 2.0, 2.1 and 2.2, levels A and AA."""

BLOCKING = ("serious", "critical")
"""The impacts a page may not have."""

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 1024, "height": 768}

MAX_MISS = 0.3
"""The flag threshold of the made-up proof report."""


# --------------------------------------------------------------------------- #
# Chromium, axe-core and the pages
# --------------------------------------------------------------------------- #


def axe_script() -> Path:
    """axe-core's ``axe.min.js``: ``$GUIDE_AXE_JS``, else where the README's install command puts it."""
    return Path(os.environ.get(AXE_ENV) or AXE_DEFAULT)


@pytest.fixture(scope="module")
def axe_source() -> str:
    path = axe_script()
    if not path.is_file() and os.environ.get(
        AXE_ENV
    ):  # asked for by name (as .ci/run does): missing is an error, not a skip
        pytest.fail(f"{AXE_ENV}={path}: no such file; install axe-core with `{AXE_INSTALL}` in the repository")
    if not path.is_file():
        pytest.skip(
            f"axe-core is not installed ({path} is missing): run `{AXE_INSTALL}` in the repository "
            f"(npm from Node.js), or set {AXE_ENV} to an axe.min.js"
        )
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser(chromium: Browser) -> Browser:
    return chromium


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Any]:
    """open_page(url, viewport, touch=False) -> a tab at `url`; every tab asks for local files only."""
    contexts: list[Any] = []
    requests: list[str] = []

    def opener(url: str, viewport: dict[str, int], touch: bool = False) -> Page:
        context = browser.new_context(viewport=viewport, has_touch=touch)
        contexts.append(context)
        tab = context.new_page()
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(url)
        return tab

    yield opener
    for context in contexts:
        context.close()
    assert all(url.startswith(("file://", "data:", "blob:")) for url in requests), requests


@pytest.fixture(scope="module")
def guide_folder(small_build: Path) -> Path:
    """The small guide as built (index.html, kiosk.html, the MP3s); tests never change it."""
    return small_build / "out" / "small-guide"


@pytest.fixture(scope="module")
def manifest(guide_folder: Path) -> dict[str, Any]:
    return json.loads((guide_folder / "manifest.json").read_text(encoding="utf-8"))


def proof_report(folder: Path, manifest: dict[str, Any]) -> ProofReport:
    """A proof report of the small build's real sentences and times, made up so that every kind of result
    is on the page: sentences heard right, partly missed and flagged (a number, a miss, nothing heard),
    with their fixes, a repeated mishearing, a warning and the Arabic note."""
    languages = {}
    for lang, entry in manifest["languages"].items():
        sentences, tracks = [], {}
        for track in entry["tracks"]:
            for n, written in enumerate(track["sentences"]):
                kind = n % 3 if len(track["sentences"]) > 1 else 2
                words = written["text"].split()
                heard, miss, flags, fixes = {
                    0: (written["text"], 0.0, [], []),
                    1: (" ".join(words[:-1]), MAX_MISS * 0.75, [], []),
                    2: (
                        "",
                        1.0,
                        [
                            f"number not heard as written: '{len(words)}' heard as '{len(words) + 10}'",
                            "heard wrong: 100% missed",
                        ],
                        ["listen to it; respell an unclear word in the lexicon or with {written|spoken}"],
                    ),
                }[kind]
                sentences.append(
                    SentenceResult(
                        lang=lang,
                        track=track["id"],
                        file=track["file"],
                        start=written["start"],
                        end=written["end"],
                        text=written["text"],
                        expected=written["text"],
                        heard=heard,
                        miss=miss,
                        missed=round(miss * len(words)),
                        length=len(words),
                        flags=flags,
                        fixes=fixes,
                    )
                )
            own = [s for s in sentences if s.track == track["id"]]
            tracks[track["id"]] = TrackFigure(
                id=track["id"],
                file=track["file"],
                title=track["title"],
                miss=sum(s.miss for s in own) / len(own),
                flagged=sum(bool(s.flags) for s in own),
            )
        word = entry["tracks"][0]["sentences"][0]["text"].split()[0]
        languages[lang] = LanguageReport(
            lang=lang,
            voice=entry["voice"],
            max_miss=MAX_MISS,
            miss=sum(s.miss for s in sentences) / len(sentences),
            tracks=tracks,
            sentences=sentences,
            mishearings=[Mishearing(written=word, heard=word[::-1], count=3, suggestion=word)],
            warnings=[f"a lexicon entry changes the number in '{word}'"],
            note=ARABIC_NOTE if lang == "ar" else "",
        )
    return ProofReport(
        script=manifest.get("id", "small-guide"),
        folder=folder,
        languages=languages,
        transcribed=0,
        reused=sum(len(lr.sentences) for lr in languages.values()),
        model={"name": "whisper-base 1.0.0 (bundled)"},
    )


@pytest.fixture(scope="module")
def proof_folder(guide_folder: Path, manifest: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small guide with a proof.html written by html_page beside its MP3s."""
    folder = tmp_path_factory.mktemp("proof-page") / "small-guide"
    shutil.copytree(guide_folder, folder)
    report = proof_report(folder, manifest)
    (folder / "proof.html").write_text(html_page(report, "Small guide"), encoding="utf-8")
    return folder


def player_data(tab: Page) -> dict[str, Any]:
    return tab.evaluate("JSON.parse(document.getElementById('guide-data').textContent)")


def clock(seconds: float) -> str:
    """As the pages write a time: guide's one rule (whole seconds cut, as the browser's own control)."""
    return shown_clock(seconds)


# --------------------------------------------------------------------------- #
# What each test measures
# --------------------------------------------------------------------------- #


def axe_violations(tab: Page, axe_source: str, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG A/AA rules on the page as it is now, of the given impacts."""
    if not tab.evaluate("typeof window.axe === 'object'"):
        tab.add_script_tag(content=axe_source)
    found = tab.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + ": "
                    + (n.failureSummary || "").replace(/\\s+/g, " "))}));
        }""",
        WCAG_TAGS,
    )
    return [v for v in found if v["impact"] in impacts]


def explain(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    )


FOCUS_SHOWN = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {ok: false, what: "nothing has the focus"};
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== "none";
    // The ring is the focus's own: the control looks otherwise without the focus (then it gets it back).
    const focused = [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join();
    el.blur();
    const unfocused = [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join();
    el.focus({preventScroll: true});
    const own = focused !== unfocused;
    const box = el.getClientRects()[0] || el.getBoundingClientRect();
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    const inView = box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
    const top = document.elementFromPoint(x, y);
    const unobscured = !!top && (top === el || el.contains(top));
    const what = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + JSON.stringify(el.dataset) + " "
        + (el.textContent || "").trim().slice(0, 40);
    return {ok: el.matches(":focus-visible") && (outline || shadow) && own && inView && unobscured,
            focusVisible: el.matches(":focus-visible"), own,
            outline: style.outlineStyle + " " + style.outlineWidth, shadow: style.boxShadow, inView, unobscured,
            covering: top ? top.tagName + "#" + top.id + "." + top.className : null, what};
}"""


def assert_focus_shown(tab: Page) -> dict[str, Any]:
    """The focused control shows a focus ring (an outline or a box shadow under :focus-visible), on screen and not
    hidden under anything."""
    shown = tab.evaluate(FOCUS_SHOWN)
    assert shown["ok"], json.dumps(shown, ensure_ascii=False)
    return shown


def wait_text(tab: Page, selector: str, text: str) -> None:
    """Wait until `selector`'s text is `text` (a page updates its words on the audio's events, just after its state)."""
    tab.wait_for_function(
        "([selector, text]) => document.querySelector(selector).textContent.trim() === text",
        arg=[selector, text],
        timeout=5000,
    )


def tab_to(tab: Page, selector: str, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focus is on `selector`; every button passed on the way shows its focus."""
    stops = tab.evaluate(
        "document.querySelectorAll('button, a[href], input, select, textarea, audio[controls]').length"
    )
    for _ in range(stops * 4):  # an <audio controls> has a few focusable parts of its own
        tab.keyboard.press("Shift+Tab" if backwards else "Tab")
        if tab.evaluate("document.activeElement.tagName") == "BUTTON":
            assert_focus_shown(tab)
        if tab.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}; the focus is on {tab.evaluate(FOCUS_SHOWN)['what']}")


CUT_OFF = """() => {
    const problems = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1)
        problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width} px`);
    for (const el of document.body.querySelectorAll("*")) {
        if (el instanceof SVGElement || el.closest("[hidden]") || ["SCRIPT", "STYLE", "AUDIO"].includes(el.tagName))
            continue;
        const style = getComputedStyle(el);
        if (style.display === "none" || style.visibility === "hidden") continue;
        const box = el.getBoundingClientRect();
        if (!box.width && !box.height) continue;
        const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
            + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\\s+/g, ".") : "")
            + " '" + (el.textContent || "").trim().slice(0, 30) + "'";
        const clips = (v) => v === "hidden" || v === "clip";
        if (clips(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
            problems.push(`${name} cuts its content sideways (${el.scrollWidth} > ${el.clientWidth})`);
        if (clips(style.overflowY) && el.scrollHeight > el.clientHeight + 1)
            problems.push(`${name} cuts its content (${el.scrollHeight} > ${el.clientHeight} high)`);
        if (!clips(style.overflowX) && style.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1)
            problems.push(`${name} scrolls sideways`);
        if (style.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth)
            problems.push(`${name} ends in an ellipsis`);
        if (box.left < -1 || box.right > width + 1)
            problems.push(
                `${name} sticks out of the screen (${Math.round(box.left)}..${Math.round(box.right)} of ${width})`);
    }
    return problems;
}"""


def at_double_text(tab: Page, sample: str) -> None:
    """Set the text size to 200 % (the root font size, as a browser's text-size setting does) and check that
    the page's text did grow (its sizes are relative) and that nothing is cut off or scrolls sideways."""
    size = f"parseFloat(getComputedStyle(document.querySelector({json.dumps(sample)})).fontSize)"
    before = tab.evaluate(size)
    tab.evaluate("document.documentElement.style.fontSize = '200%'")
    tab.wait_for_timeout(100)  # a layout pass, and the sticky player's height observed
    after = tab.evaluate(size)
    assert after >= 1.95 * before, f"{sample}'s text did not double at 200 %: {before} -> {after} px"
    problems = tab.evaluate(CUT_OFF)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- #
# axe-core: no serious or critical violation, in either language
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_player_has_no_serious_axe_violation(open_page, guide_folder, axe_source, lang, viewport):
    """index.html opened at a track (as a card's QR code opens it), then the full guide playing with a
    chapter and a sentence highlighted: every state the page's colours have."""
    tab = open_page((guide_folder / "index.html").as_uri() + f"#{lang}/how-long", viewport)
    assert tab.evaluate("document.documentElement.lang") == lang
    found = axe_violations(tab, axe_source)
    assert not found, explain(found)
    tab.evaluate("window.guidePlayer.seekChapter(1)")
    tab.wait_for_selector("#transcript .cue.current")
    found = axe_violations(tab, axe_source)
    assert not found, explain(found)


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_kiosk_has_no_serious_axe_violation(open_page, guide_folder, manifest, axe_source, lang, viewport):
    """kiosk.html's three screens: the language picker, the topics and a track playing."""
    tab = open_page((guide_folder / "kiosk.html").as_uri(), viewport)
    found = axe_violations(tab, axe_source)
    assert not found, "home: " + explain(found)
    tab.evaluate(f"window.guideKiosk.menu({list(manifest['languages']).index(lang)})")
    assert tab.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    found = axe_violations(tab, axe_source)
    assert not found, "topics: " + explain(found)
    tab.evaluate("window.guideKiosk.play(0)")
    tab.wait_for_function("!window.guideKiosk.audio.paused")
    found = axe_violations(tab, axe_source)
    assert not found, "playing: " + explain(found)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_kiosk_is_zoomable_by_default_with_no_axe_violation_at_all(open_page, guide_folder, manifest, axe_source, lang):
    """kiosk.html as built, opened with no setting: anyone may pinch to zoom, and axe-core reports no violation
    of any impact (minor included; meta-viewport among them) on its three screens."""
    every = ("minor", "moderate", "serious", "critical")
    tab = open_page((guide_folder / "kiosk.html").as_uri(), PHONE)
    content = tab.evaluate("document.querySelector('meta[name=viewport]').content")
    assert "user-scalable" not in content and "maximum-scale" not in content, content
    found = axe_violations(tab, axe_source, every)
    assert not found, "home: " + explain(found)
    tab.evaluate(f"window.guideKiosk.menu({list(manifest['languages']).index(lang)})")
    found = axe_violations(tab, axe_source, every)
    assert not found, "topics: " + explain(found)
    tab.evaluate("window.guideKiosk.play(0)")
    tab.wait_for_function("!window.guideKiosk.audio.paused")
    found = axe_violations(tab, axe_source, every)
    assert not found, "playing: " + explain(found)


def test_kiosk_locks_the_zoom_only_when_asked(open_page, guide_folder, axe_source):
    """kiosk.html?lock=1 (a tablet fixed to the wall) locks pinch zoom, and axe-core then reports meta-viewport
    (the lock is a real WCAG 1.4.4 cost, taken on purpose); another setting, or lock=0, leaves the page zoomable."""
    every = ("minor", "moderate", "serious", "critical")
    for setting in ("lock=1", "idle=30&lock=yes"):
        locked = open_page((guide_folder / "kiosk.html").as_uri() + "?" + setting, PHONE)
        assert "user-scalable=no" in locked.evaluate("document.querySelector('meta[name=viewport]').content")
        assert "meta-viewport" in {v["id"] for v in axe_violations(locked, axe_source, every)}
    for setting in ("lock=0", "idle=30"):
        free = open_page((guide_folder / "kiosk.html").as_uri() + "?" + setting, PHONE)
        content = free.evaluate("document.querySelector('meta[name=viewport]').content")
        assert "user-scalable" not in content and "maximum-scale" not in content, content
        assert "meta-viewport" not in {v["id"] for v in axe_violations(free, axe_source, every)}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_proof_page_has_no_serious_axe_violation(open_page, proof_folder, axe_source, viewport):
    """proof.html with an English and an Arabic section and every kind of result, then with a sentence playing."""
    tab = open_page((proof_folder / "proof.html").as_uri(), viewport)
    assert tab.locator("section[lang=ar][dir=rtl]").count() == 1 and tab.locator("section[lang=en]").count() == 1
    found = axe_violations(tab, axe_source)
    assert not found, explain(found)
    tab.locator("section[lang=ar] button.s").first.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_selector("button.s.playing")
    found = axe_violations(tab, axe_source)
    assert not found, explain(found)


def test_axe_does_run_and_catches_a_fault(open_page, guide_folder, axe_source):
    """The check itself can fail: grey text on white and an unnamed button planted in the player are reported."""
    tab = open_page((guide_folder / "index.html").as_uri(), PHONE)
    tab.evaluate(
        """() => {
            const p = document.createElement("p"); p.textContent = "faint";
            p.style.color = "#bbb"; p.style.background = "#fff";
            const b = document.createElement("button"); b.className = "planted";
            document.querySelector("main").append(p, b);
        }"""
    )
    assert {"color-contrast", "button-name"} <= {v["id"] for v in axe_violations(tab, axe_source)}


# --------------------------------------------------------------------------- #
# By keyboard alone
# --------------------------------------------------------------------------- #


def test_player_by_keyboard_alone(open_page, guide_folder, manifest):
    """Tab and Enter only: play a track, pause and play it with the big button, switch to Arabic, jump to a
    chapter, then to a sentence of the transcript; the focus is shown at every stop and never lost."""
    tab = open_page((guide_folder / "index.html").as_uri(), PHONE)
    data = player_data(tab)
    audio = "window.guidePlayer.audio"

    # Play a track.
    en_tracks = manifest["languages"]["en"]["tracks"]
    target = max(range(len(en_tracks)), key=lambda i: en_tracks[i]["duration"])
    tab_to(tab, f'#tracks button[data-track="{target}"]')
    tab.keyboard.press("Enter")
    tab.wait_for_function(
        f"{audio}.src.endsWith({json.dumps(en_tracks[target]['file'])}) && !{audio}.paused && {audio}.currentTime > 0"
    )
    assert tab.evaluate("document.activeElement.dataset.track") == str(target)  # the focus stays where it was
    assert tab.locator(f'#tracks button[data-track="{target}"]').get_attribute("aria-current") == "true"
    assert_focus_shown(tab)

    # Pause it, and play it again, with the big button.
    tab_to(tab, "#play", backwards=True)
    wait_text(tab, "#play", UI["en"]["pause"])
    tab.keyboard.press("Space")
    tab.wait_for_function(f"{audio}.paused")
    wait_text(tab, "#play", UI["en"]["play"])
    tab.keyboard.press("Enter")
    tab.wait_for_function(f"!{audio}.paused")
    wait_text(tab, "#play", UI["en"]["pause"])

    # Switch language.
    tab_to(tab, "#langs button[data-lang=ar]", backwards=True)
    tab.keyboard.press("Enter")
    assert tab.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert tab.evaluate("document.activeElement.dataset.lang") == "ar"
    assert tab.locator("h1").inner_text() == data["languages"][1]["title"]
    assert_focus_shown(tab)
    wait_text(tab, "#play", UI["ar"]["play"])

    # Jump to a chapter.
    chapters = data["languages"][1]["full"]["chapters"]
    chapter = len(chapters) - 1
    tab_to(tab, f'#chapters button[data-chapter="{chapter}"]')
    tab.keyboard.press("Enter")
    full = manifest["languages"]["ar"]["full_guide"]["file"]
    tab.wait_for_function(f"{audio}.src.endsWith({json.dumps(full)}) && !{audio}.paused")
    tab.wait_for_function(f"Math.abs({audio}.currentTime - {chapters[chapter]['start']}) < 1.5")
    assert tab.evaluate("document.activeElement.dataset.chapter") == str(chapter)
    assert_focus_shown(tab)

    # Jump to a sentence of the transcript (one far from the chapter just heard).
    cues = data["languages"][1]["full"]["cues"]
    cue = 1
    tab_to(tab, f'#transcript button[data-cue="{cue}"]')
    tab.keyboard.press("Enter")
    tab.wait_for_function(f"Math.abs({audio}.currentTime - {cues[cue][0]}) < 1.0 && !{audio}.paused")
    tab.wait_for_selector(f'#transcript button[data-cue="{cue}"].current')
    assert tab.locator(f'#transcript button[data-cue="{cue}"]').get_attribute("aria-current") == "true"
    assert_focus_shown(tab)


def test_kiosk_by_keyboard_alone(open_page, guide_folder, manifest):
    """A keyboard (or a switch) walks the kiosk: the focus follows each screen and is always shown."""
    tab = open_page((guide_folder / "kiosk.html").as_uri(), TABLET)
    tab_to(tab, "#langs button[data-lang=ar]")
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.getElementById('menu').hidden") is False
    assert tab.evaluate("document.activeElement.closest('#tiles') !== null")  # the focus moved onto the topics
    assert_focus_shown(tab)
    track = manifest["languages"]["ar"]["tracks"][-1]
    tab_to(tab, f"#tiles button[data-track={track['id']}]")
    tab.keyboard.press("Enter")
    tab.wait_for_function("!window.guideKiosk.audio.paused")
    assert tab.evaluate("document.activeElement.id") == "toggle"
    assert_focus_shown(tab)
    tab.keyboard.press("Enter")
    tab.wait_for_function("window.guideKiosk.audio.paused")
    wait_text(tab, "#toggle", UI["ar"]["play"])
    tab_to(tab, "#topics", backwards=True)
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.getElementById('menu').hidden") is False
    assert_focus_shown(tab)


def test_the_focus_check_can_fail(open_page, guide_folder):
    """With the focus ring styled away, or with a shadow that is there with or without the focus, the check fails."""
    tab = open_page((guide_folder / "index.html").as_uri(), PHONE)
    tab.keyboard.press("Tab")
    assert tab.evaluate(FOCUS_SHOWN)["ok"]
    tab.add_style_tag(content="button:focus-visible { outline: none !important; box-shadow: none !important; }")
    assert not tab.evaluate(FOCUS_SHOWN)["ok"]
    tab = open_page((guide_folder / "index.html").as_uri(), PHONE)
    tab.keyboard.press("Tab")
    tab.add_style_tag(
        content="button, button:focus-visible { outline: none !important; box-shadow: 0 0 0 3px #000 !important; }"
    )
    shown = tab.evaluate(FOCUS_SHOWN)
    assert not shown["ok"] and not shown["own"], shown


def test_proof_page_by_keyboard_alone(open_page, proof_folder):
    """Tab to a flagged Arabic sentence, Enter plays it; the focus is shown."""
    tab = open_page((proof_folder / "proof.html").as_uri(), PHONE)
    tab_to(tab, "section[lang=ar] li.bad button.s")
    start = float(tab.evaluate("document.activeElement.dataset.start"))
    tab.keyboard.press("Enter")
    tab.wait_for_function(
        f"!document.getElementById('player').paused && document.getElementById('player').currentTime >= {start - 0.05}"
    )
    assert tab.evaluate("document.activeElement.classList.contains('playing')")
    assert_focus_shown(tab)


# --------------------------------------------------------------------------- #
# 200 % text: nothing cut off, no sideways scroll at 390 px
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_player_at_double_text_size(open_page, guide_folder, lang):
    tab = open_page((guide_folder / "index.html").as_uri() + f"#{lang}/how-long", PHONE)
    at_double_text(tab, "#transcript .cue")
    # Once playing, with a sentence highlighted, and the focus on a chapter: still nothing cut off, focus in view.
    tab.evaluate("window.guidePlayer.seekChapter(1)")
    tab.wait_for_selector("#transcript .cue.current")
    assert not tab.evaluate(CUT_OFF)
    tab.locator('#chapters button[data-chapter="1"]').focus()
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Tab")
    assert_focus_shown(tab)
    # Scrolled down, whatever stays pinned on screen (the sticky player) takes at most a third of it.
    tab.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    pinned = tab.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => ["sticky", "fixed"].includes(getComputedStyle(el).position))
            .map((el) => {
                const box = el.getBoundingClientRect();
                return Math.max(0, Math.min(box.bottom, innerHeight) - Math.max(box.top, 0));
            })"""
    )
    assert sum(pinned) <= PHONE["height"] / 3, pinned


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_kiosk_at_double_text_size(open_page, guide_folder, manifest, lang, viewport):
    """Each screen at 200 %: the home screen, the topics, and the longest sentence of the guide shown large."""
    tab = open_page((guide_folder / "kiosk.html").as_uri() + "?idle=0", viewport)
    at_double_text(tab, "#prompt")
    tab.evaluate(f"window.guideKiosk.menu({list(manifest['languages']).index(lang)})")
    assert not tab.evaluate(CUT_OFF)
    tracks = manifest["languages"][lang]["tracks"]
    index, sentence = max(
        ((i, s) for i, t in enumerate(tracks) for s in t["sentences"]), key=lambda pair: len(pair[1]["text"])
    )
    tab.evaluate(f"window.guideKiosk.play({index})")
    tab.evaluate(f"window.guideKiosk.audio.currentTime = {sentence['start'] + 0.05}")
    tab.wait_for_function(f"document.getElementById('line').textContent === {json.dumps(sentence['text'])}")
    assert not tab.evaluate(CUT_OFF)


def test_proof_page_at_double_text_size(open_page, proof_folder):
    tab = open_page((proof_folder / "proof.html").as_uri(), PHONE)
    at_double_text(tab, "section[lang=ar] .text")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pages_reflow_at_320_px(open_page, guide_folder, proof_folder, manifest, lang):
    """WCAG 1.4.10: 320 CSS px wide (a 1280 px screen zoomed to 400 %), every page in one column, nothing cut off."""
    narrow = {"width": 320, "height": 640}
    player = open_page((guide_folder / "index.html").as_uri() + f"#{lang}/how-long", narrow)
    assert not player.evaluate(CUT_OFF)
    kiosk = open_page((guide_folder / "kiosk.html").as_uri() + "?idle=0", narrow)
    assert not kiosk.evaluate(CUT_OFF)
    kiosk.evaluate(f"window.guideKiosk.menu({list(manifest['languages']).index(lang)})")
    assert not kiosk.evaluate(CUT_OFF)
    kiosk.evaluate("window.guideKiosk.play(0)")
    assert not kiosk.evaluate(CUT_OFF)
    proof = open_page((proof_folder / "proof.html").as_uri() + f"#{lang}", narrow)
    assert not proof.evaluate(CUT_OFF)


def test_the_cut_off_check_can_fail(open_page, guide_folder):
    """The check finds what it looks for: a clipped title, an ellipsis and a too-wide box planted in the player."""
    tab = open_page((guide_folder / "index.html").as_uri(), PHONE)
    tab.evaluate(
        """() => {
            const h = document.getElementById("title");
            h.style.overflow = "hidden"; h.style.whiteSpace = "nowrap";
            h.style.textOverflow = "ellipsis"; h.style.overflowWrap = "normal";
            h.textContent = "A title far too long to fit on one line of a phone";
            const wide = document.createElement("div"); wide.style.width = "500px"; wide.textContent = "wide";
            document.querySelector("main").append(wide);
        }"""
    )
    problems = "\n".join(tab.evaluate(CUT_OFF))
    assert "h1#title" in problems and "ellipsis" in problems and "sideways" in problems and "sticks out" in problems


# --------------------------------------------------------------------------- #
# From a card's QR code to one big play button, at a phone's size
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_card_opens_the_track_with_one_big_play_button(open_page, guide_folder, manifest, lang):
    """index.html#LANG/how-long on a 390 × 844 phone: above the fold, one play/pause button of at least
    44 × 44 CSS px, in the page's language, beside the track's title and time, on the reading side."""
    track = next(t for t in manifest["languages"][lang]["tracks"] if t["id"] == "how-long")
    tab = open_page((guide_folder / "index.html").as_uri() + f"#{lang}/how-long", PHONE, touch=True)
    tab.wait_for_function("window.guidePlayer.audio.readyState >= 1")
    button = tab.locator("#play")
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]  # seen at once, no scrolling
    wait_text(tab, "#play", UI[lang]["play"])
    assert tab.locator("#now").inner_text() == track["title"]
    duration = tab.evaluate("window.guidePlayer.audio.duration")
    assert tab.locator("#clock").inner_text() in {f"0:00 / {clock(track['duration'])}", f"0:00 / {clock(duration)}"}
    assert abs(duration - track["duration"]) < 0.1
    title = tab.locator("#now").bounding_box()
    if lang == "ar":
        assert box["x"] > title["x"] + title["width"] - 1  # the button first, on the right
    else:
        assert box["x"] + box["width"] < title["x"] + 1
    # The button's name says what it does, and the title describes it.
    described = tab.evaluate("document.getElementById('play').getAttribute('aria-describedby')").split()
    assert described[0] == "now", described  # the line being spoken (then the backup-voice note, when there is one)

    button.tap()
    tab.wait_for_function("!window.guidePlayer.audio.paused && window.guidePlayer.audio.currentTime > 0.3")
    wait_text(tab, "#play", UI[lang]["pause"])
    tab.wait_for_function("document.getElementById('elapsed').textContent !== '0:00'", timeout=5000)
    button.tap()
    tab.wait_for_function("window.guidePlayer.audio.paused")
    wait_text(tab, "#play", UI[lang]["play"])


def test_every_new_string_is_in_both_languages():
    """The player's and kiosk's words: the same keys in English and Arabic, none empty, the Arabic in Arabic letters."""
    assert set(UI["en"]) == set(UI["ar"])
    for key, text in UI["ar"].items():
        assert text and UI["en"][key] and any("\u0600" <= ch <= "\u06ff" for ch in text), key


def test_proof_flags_are_listed_in_words_whatever_their_kind(proof_folder):
    """Every flag of a sentence is an item of its list, whatever it says (a new kind of flag shows the same
    way), with the fixes after it; and every sentence says in words how it was heard, not by colour alone."""
    page = (proof_folder / "proof.html").read_text(encoding="utf-8")
    report = proof_report(proof_folder, json.loads((proof_folder / "manifest.json").read_text(encoding="utf-8")))
    new_kind = SentenceResult(
        lang="en",
        track="intro",
        file="en/00-intro.mp3",
        start=0.0,
        end=1.0,
        text="Take 5 ml.",
        expected="Take five ml.",
        heard="Take nine ml.",
        miss=0.3,
        missed=1,
        length=3,
        flags=["a kind of flag never seen before: 5"],
        fixes=["try this"],
    )
    report.languages["en"].sentences.insert(0, new_kind)
    page = html_page(report, "Small guide")
    assert '<ul class="flags"><li>a kind of flag never seen before: 5</li></ul><p class="fix">Try: try this</p>' in page
    for lr in report.languages.values():
        for sentence in lr.sentences:
            for flag in sentence.flags:
                assert f"<li>{flag}</li>".replace("'", "&#x27;") in page
    assert page.count('<span class="status">flagged</span>') == sum(len(lr.flagged) for lr in report.languages.values())
    assert page.count('<li class="sentence ') == sum(len(lr.sentences) for lr in report.languages.values())


def test_proof_page_lists_the_flagged_sentences_first_worst_first(open_page, proof_folder, manifest):
    """Each language's section starts with its flagged sentences, worst first (numbers first), each a link
    that a keyboard follows to the sentence itself; the sentence's own flags are there."""
    report = proof_report(proof_folder, manifest)
    tab = open_page((proof_folder / "proof.html").as_uri(), PHONE)
    for lang, lr in report.languages.items():
        links = tab.locator(f"section[lang={lang}] ol.worst a")
        assert links.count() == len(lr.flagged) > 0
        for n, sentence in enumerate(lr.flagged):
            target = tab.locator(links.nth(n).get_attribute("href"))
            assert target.locator("button.s").get_attribute("data-file") == sentence.file
            assert float(target.locator("button.s").get_attribute("data-start")) == pytest.approx(
                sentence.start, abs=0.001
            )
            assert sentence.flags[0] in links.nth(n).inner_text()
        tab_to(tab, f"section[lang={lang}] ol.worst a")
        href = tab.evaluate("document.activeElement.getAttribute('href')")
        tab.keyboard.press("Enter")
        tab.wait_for_function("(href) => location.hash === href", arg=href)
        tab.keyboard.press("Tab")  # the next stop after the link's target is the sentence's own button
        assert (
            tab.evaluate(
                "document.activeElement.closest('li.sentence') && "
                "'#' + document.activeElement.closest('li.sentence').id"
            )
            == href
        )
        assert_focus_shown(tab)
