"""Every length guide shows is the one the browser's own audio control shows for the same file: the kiosk's tiles
and the printed cards and posters, against Chromium's <audio controls> read through the DevTools protocol (its
controls are in a user-agent shadow root no page script can read)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from guide.publish.printing import CARD_KINDS, words
from guide.publish.transcripts import clock

from .test_print import flat, read_pdfium, run_print

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow

BASE_URL = "https://clinic.example/guides/small-guide"


@pytest.fixture(scope="module")
def folder(small_build: Path) -> Path:
    return small_build / "out" / "small-guide"


@pytest.fixture(scope="module")
def manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _files(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Every track and full guide of the build, as the manifest lists them."""
    return [item for entry in manifest["languages"].values() for item in [*entry["tracks"], entry["full_guide"]]]


def _control_texts(node: dict[str, Any], inside: bool = False) -> list[str]:
    """The texts under the time displays of a DOM tree from ``DOM.getDocument`` with ``pierce``."""
    attributes = node.get("attributes", [])
    pseudo = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("pseudo", "")
    inside = inside or "time" in pseudo
    found = [node["nodeValue"]] if inside and node.get("nodeType") == 3 else []
    for child in [*node.get("children", []), *node.get("shadowRoots", [])]:
        found += _control_texts(child, inside)
    return found


@pytest.fixture(scope="module")
def shown_by_chromium(chromium: Browser, folder: Path, manifest: dict[str, Any], tmp_path_factory) -> dict[str, str]:
    """{file: the length Chromium's own audio control shows for it}, every file of the build loaded on one page."""
    files = [item["file"] for item in _files(manifest)]
    page = tmp_path_factory.mktemp("controls") / "controls.html"
    page.write_text(
        "<!DOCTYPE html><title>controls</title>"
        + "".join(f'<audio controls preload="metadata" src="{(folder / f).as_uri()}"></audio>' for f in files),
        encoding="utf-8",
    )
    context = chromium.new_context()
    try:
        tab = context.new_page()
        tab.goto(page.as_uri())
        tab.wait_for_function("[...document.querySelectorAll('audio')].every((a) => a.readyState >= 1)")
        tab.wait_for_function(  # the control writes its duration once it has it
            "[...document.querySelectorAll('audio')].every((a) => Number.isFinite(a.duration))"
        )
        session = context.new_cdp_session(tab)
        tree = session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        audios: list[dict[str, Any]] = []
        stack = [tree]
        while stack:
            node = stack.pop(0)
            if node.get("nodeName") == "AUDIO":
                audios.append(node)
            stack[:0] = node.get("children", [])  # depth first, in document order
        shown = {}
        for file, audio in zip(files, audios, strict=True):
            texts = _control_texts(audio)  # ['0:00', '/ 8:03']: the position, then the length
            assert len(texts) == 2 and texts[1].startswith("/ "), texts
            shown[file] = texts[1][2:]
        return shown
    finally:
        context.close()


def test_the_build_has_a_length_that_rounding_would_show_otherwise(manifest):
    """The comparisons below can fail: some length of the build has a fraction of half a second or more, where
    rounding and cutting differ (8:03.986 is 8:04 rounded, 8:03 in the browser's control)."""
    assert any(item["duration"] % 1 >= 0.5 for item in _files(manifest)), [i["duration"] for i in _files(manifest)]


def test_python_s_clock_is_the_browser_control_s(shown_by_chromium, manifest):
    """guide's one rule (clock) gives, from the manifest's length, what Chromium shows from the file."""
    for item in _files(manifest):
        assert clock(item["duration"]) == shown_by_chromium[item["file"]], item["file"]


def test_the_kiosk_shows_what_the_browser_control_shows(chromium, folder, manifest, shown_by_chromium):
    """Each tile's length (from the manifest) and the playing screen's (from the audio element) are the control's."""
    context = chromium.new_context()
    try:
        tab = context.new_page()
        tab.goto((folder / "kiosk.html").as_uri())
        for index, entry in enumerate(manifest["languages"].values()):
            tab.evaluate(f"window.guideKiosk.menu({index})")
            tiles = tab.locator("#tiles button .time").all_inner_texts()
            items = [*entry["tracks"], entry["full_guide"]]
            assert tiles == [shown_by_chromium[item["file"]] for item in items]
            tab.evaluate(f"window.guideKiosk.play({len(entry['tracks']) - 1})")
            tab.evaluate("window.guideKiosk.audio.pause()")
            tab.wait_for_function("Number.isFinite(window.guideKiosk.audio.duration)")
            tab.evaluate("window.guideKiosk.audio.dispatchEvent(new Event('timeupdate'))")
            last = entry["tracks"][-1]["file"]
            assert tab.locator("#clock").inner_text().endswith(" / " + shown_by_chromium[last])
    finally:
        context.close()


def test_the_player_shows_what_the_browser_control_shows(chromium, folder, manifest, shown_by_chromium):
    """The full guide's and each track's length in index.html's list (from the manifest) is the control's."""
    context = chromium.new_context()
    try:
        tab = context.new_page()
        for lang, entry in manifest["languages"].items():
            tab.goto((folder / "index.html").as_uri() + f"#{lang}")
            tab.wait_for_function(f"document.documentElement.lang === {json.dumps(lang)}")
            shown = tab.locator("#tracks .time").all_inner_texts()
            items = [entry["full_guide"], *entry["tracks"]]  # the list opens with the full guide
            assert shown == [shown_by_chromium[item["file"]] for item in items], (lang, shown)
    finally:
        context.close()


def test_the_print_shows_what_the_browser_control_shows(small_build, tmp_path, manifest, shown_by_chromium):
    """Every card's and poster's length in the PDF, as PDFium reads it, is the control's."""
    pdf = tmp_path / "small.pdf"
    result = run_print(
        str(small_build / "small.yaml"), "--out", str(small_build / "out"), "--base-url", BASE_URL, "-o", str(pdf)
    )
    assert result.exit_code == 0, result.output
    text = flat(read_pdfium(pdf))
    for lang, entry in manifest["languages"].items():
        said = words(lang)
        full = entry["full_guide"]
        assert flat(f"{said['full']} · {shown_by_chromium[full['file']]}") in text, (lang, full["file"])
        for track in entry["tracks"]:
            if track["kind"] in CARD_KINDS:
                assert flat(f"{said['listen']} · {shown_by_chromium[track['file']]}") in text, (lang, track["file"])
