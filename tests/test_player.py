"""The web player, loaded from file:// in a real headless Chromium kept off the network."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from guide.cli import main

from .conftest import SMALL_SCRIPT

pytestmark = pytest.mark.slow

CHROMIUM = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
# No network at all: no proxy resolution, no component or safe-browsing downloads, no QUIC.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-proxy-server",
    "--autoplay-policy=no-user-gesture-required",
    "--allow-file-access-from-files",
]


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("player")
    script = root / "small.yaml"
    script.write_text(SMALL_SCRIPT, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", str(script), "--out", str(root / "out"), "--cache-dir", str(root / "cache")]
    )
    assert result.exit_code == 0, result.output
    return (root / "out" / "small-guide" / "index.html").as_uri()


@pytest.fixture(scope="module")
def page(page_url):
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (install Debian's chromium: apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        tab = browser.new_page()
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(page_url)
        tab.requests = requests
        yield tab
        browser.close()


def test_tracks_load(page):
    page.wait_for_function(
        "document.getElementById('audio').readyState >= 1 && document.getElementById('audio').duration > 5"
    )
    items = page.locator("#tracks button")
    assert items.count() == 5  # the full guide and four tracks
    items.nth(3).click()  # the FAQ track
    page.wait_for_function(
        "document.getElementById('audio').src.endsWith('en/02-how-long.mp3') "
        "&& document.getElementById('audio').readyState >= 1"
    )
    assert page.locator("#transcript .cue").first.inner_text() == "How long does it last?"
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_chapter_click_seeks_and_highlights(page):
    chapters = page.locator("#chapters button")
    assert chapters.count() == 4
    chapters.nth(2).click()
    page.wait_for_function("document.getElementById('audio').src.endsWith('small-guide.en.mp3')")
    start = page.evaluate(
        "window.guidePlayer.audio && JSON.parse(document.getElementById('guide-data').textContent)"
        ".languages[0].full.chapters[2].start"
    )
    page.wait_for_function(f"Math.abs(document.getElementById('audio').currentTime - {start}) < 1.5")
    page.wait_for_selector("#transcript .cue.current")
    assert page.locator("#transcript .cue[aria-current=true]").count() == 1


def test_arabic_view_is_right_to_left(page):
    page.locator("#langs button[data-lang=ar]").click()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.locator("h1").inner_text() == "دليل صغير"
    assert page.locator("#langs button[data-lang=ar]").get_attribute("aria-pressed") == "true"
    box = page.locator("#transcript").bounding_box()
    first = page.locator("#transcript .cue").first.bounding_box()
    assert first["x"] + first["width"] > box["x"] + box["width"] * 0.5  # Arabic text starts on the right


def test_address_opens_a_language_and_a_track(page, page_url):
    """index.html#ar/how-long opens the Arabic view at that track (what a printed card's QR code points to)."""
    page.goto(page_url + "#ar/how-long")
    page.wait_for_function("document.getElementById('audio').src.endsWith('ar/02-how-long.mp3')")
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.locator("#tracks button[aria-current=true]").inner_text().startswith("كم يدوم؟")
    assert page.locator("#transcript .cue").first.inner_text() == "كم يدوم؟"
    # A language alone opens its full guide; an unknown track falls back to it; the address can change in place.
    page.evaluate("location.hash = 'en'")
    page.wait_for_function("document.getElementById('audio').src.endsWith('en/small-guide.en.mp3')")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.evaluate("location.hash = 'ar/no-such-track'")
    page.wait_for_function("document.getElementById('audio').src.endsWith('ar/small-guide.ar.mp3')")
    page.goto("about:blank")
    page.goto(page_url + "#xx/how-long")  # an unknown language: the first language's full guide, as without an address
    page.wait_for_function("document.getElementById('audio').src.endsWith('en/small-guide.en.mp3')")


def test_full_guides_play_to_their_end_with_the_reported_duration(page, page_url):
    """Each full guide (joined from frames) loads in Chromium's <audio> with the duration its Info
    header and the manifest give, and plays through to its last frame."""
    import json
    from pathlib import Path
    from urllib.parse import urlparse

    folder = Path(urlparse(page_url).path).parent
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for lang, entry in manifest["languages"].items():
        url = (folder / entry["full"]).as_uri()
        played = page.evaluate(
            """async (url) => {
                const audio = new Audio(url);
                await new Promise((ok, fail) => {
                    audio.onloadedmetadata = ok;
                    audio.onerror = () => fail(audio.error && audio.error.message);
                });
                const duration = audio.duration;
                audio.playbackRate = 16;
                const ended = new Promise((ok) => { audio.onended = ok; });
                await audio.play();
                await ended;
                return {duration, at: audio.currentTime, ended: audio.ended};
            }""",
            url,
        )
        assert played["ended"], (lang, played)
        assert abs(played["duration"] - entry["duration"]) < 0.03, (lang, played, entry["duration"])
        assert abs(played["at"] - entry["duration"]) < 0.03, (lang, played)
