"""The waiting-room kiosk (kiosk.html), loaded from file:// in a real headless Chromium kept off the
network, and touched as a patient would: pick Arabic, tap a tile, listen, walk away."""

from __future__ import annotations

import json

import pytest

from .test_player import CHROMIUM, FLAGS

pytestmark = pytest.mark.slow

IDLE = 2  # seconds, for the test; a real kiosk uses the default 90


@pytest.fixture(scope="module")
def kiosk(small_build):
    """(tab, manifest, kiosk address with ?idle=IDLE), on a tablet-sized landscape screen."""
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (install Debian's chromium: apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    folder = small_build / "out" / "small-guide"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    url = (folder / "kiosk.html").as_uri() + f"?idle={IDLE}"
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        tab = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.requests = requests
        yield tab, manifest, url
        browser.close()


def visible_screen(tab) -> str:
    return tab.evaluate("[...document.querySelectorAll('.screen')].filter((s) => !s.hidden).map((s) => s.id).join()")


def page_scrolls(tab) -> bool:
    return tab.evaluate(
        "document.scrollingElement.scrollHeight > innerHeight || document.scrollingElement.scrollWidth > innerWidth"
    )


def test_home_is_a_language_picker_that_does_not_scroll(kiosk):
    tab, manifest, url = kiosk
    tab.goto(url)
    assert visible_screen(tab) == "home"
    buttons = tab.locator("#langs button")
    assert buttons.count() == len(manifest["languages"]) == 2
    assert buttons.nth(1).inner_text().splitlines()[0] == "العربية"
    assert "دليل صغير" in buttons.nth(1).inner_text()
    assert tab.locator("#prompt").inner_text().split() == ["Tap", "your", "language", "اختر", "لغتك"]
    box = buttons.nth(0).bounding_box()
    assert box["height"] > 200 and box["width"] > 400  # big enough for any finger
    assert not page_scrolls(tab)
    tab.mouse.wheel(0, 2000)
    assert tab.evaluate("scrollY") == 0


def test_pick_arabic_tap_a_tile_it_plays_the_line_shows_large_then_back_home_when_idle(kiosk):
    tab, manifest, url = kiosk
    tab.goto(url)
    tab.locator("#langs button[data-lang=ar]").tap()
    assert visible_screen(tab) == "menu"
    assert tab.evaluate("document.documentElement.dir") == "rtl"
    tiles = tab.locator("#tiles button")
    tracks = manifest["languages"]["ar"]["tracks"]
    assert tiles.count() == len(tracks) + 1  # every track, and the full guide
    assert [tiles.nth(i).get_attribute("data-track") for i in range(len(tracks))] == [t["id"] for t in tracks]
    assert tiles.nth(0).bounding_box()["height"] >= 0.2 * 768
    assert not page_scrolls(tab)

    # The longest track, so that it still plays while a loaded machine runs the checks below.
    track = max(tracks, key=lambda t: t["duration"])
    tab.locator(f"#tiles button[data-track={track['id']}]").tap()
    assert visible_screen(tab) == "playing"
    tab.wait_for_function("!window.guideKiosk.audio.paused && window.guideKiosk.audio.currentTime > 0.3")
    assert tab.evaluate("window.guideKiosk.audio.src").endswith(track["file"])
    spoken = [s["text"] for s in track["sentences"]]
    tab.wait_for_function("document.getElementById('line').innerText.trim() !== ''")
    assert tab.locator("#line").inner_text() in spoken
    size = tab.evaluate("parseFloat(getComputedStyle(document.getElementById('line')).fontSize)")
    assert size >= 40  # the line being spoken, large
    tab.wait_for_function("window.guideKiosk.state.wakeLock === 'held'")  # the screen stays on while it plays
    assert not page_scrolls(tab)

    tab.locator("#toggle").tap()  # pause, and walk away
    tab.wait_for_function("window.guideKiosk.audio.paused")
    tab.wait_for_function("window.guideKiosk.state.wakeLock === 'off'")  # released (asynchronously) once paused
    tab.wait_for_timeout(IDLE * 1000 * 0.5)
    assert visible_screen(tab) == "playing"  # not before the idle time
    tab.wait_for_function("document.getElementById('home').hidden === false", timeout=(IDLE + 3) * 1000)
    assert tab.evaluate("document.documentElement.lang") == "en"  # the first language again
    assert tab.evaluate("window.guideKiosk.audio.paused")
    assert all(request.startswith("file://") for request in tab.requests), tab.requests


def test_no_idle_return_while_a_track_plays_and_the_topics_after_it_ends(kiosk):
    tab, _manifest, url = kiosk
    tab.goto(url)
    tab.locator("#langs button[data-lang=en]").tap()
    tab.locator("#tiles button[data-track=full]").tap()
    tab.wait_for_function("!window.guideKiosk.audio.paused && window.guideKiosk.audio.currentTime > 0.3")
    tab.wait_for_timeout((IDLE + 1) * 1000)
    assert visible_screen(tab) == "playing" and not tab.evaluate("window.guideKiosk.audio.paused")
    # Near the end: when the track ends, its topics come back (and home only after the idle time).
    tab.evaluate("window.guideKiosk.audio.currentTime = window.guideKiosk.audio.duration - 0.5")
    tab.wait_for_function("document.getElementById('menu').hidden === false")
    tab.wait_for_function("document.getElementById('home').hidden === false", timeout=(IDLE + 3) * 1000)


def test_idle_zero_never_goes_home(kiosk):
    tab, _, url = kiosk
    tab.goto(url.replace(f"idle={IDLE}", "idle=0"))
    tab.locator("#langs button[data-lang=ar]").tap()
    tab.wait_for_timeout(2500)
    assert visible_screen(tab) == "menu"
    tab.locator("#home-1").tap()
    assert visible_screen(tab) == "home"
