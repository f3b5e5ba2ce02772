"""The web player says, in words and in the listener's language, which tracks a backup (fallback) voice spoke:
the page :func:`player_html` makes, loaded from file:// in a real headless Chromium."""

from __future__ import annotations

import pytest

from guide.publish.player import fallback_note, player_html

from .test_player import CHROMIUM, FLAGS

pytestmark = pytest.mark.slow


def _language(lang: str, title: str, fallen: int) -> dict:
    track = {"id": "how-long", "title": title, "file": f"{lang}/01-how-long.mp3", "duration": 4.0, "cues": []}
    tracks = [{**track, "id": "intro", "file": f"{lang}/00-intro.mp3", "sentences": 2, "fallback_sentences": 0}]
    tracks.append({**track, "sentences": 12, "fallback_sentences": fallen})
    full = {**track, "id": "full", "file": f"{lang}/full.mp3", "chapters": [], "sentences": 14}
    return {"lang": lang, "title": title, "cover": "", "tracks": tracks, "full": {**full, "fallback_sentences": fallen}}


def test_the_note_in_words_with_arabic_digits() -> None:
    assert (
        fallback_note("en", 3, 12)
        == "3 of 12 sentences spoken by a backup voice, because the chosen voice could not be used"
    )
    assert fallback_note("en", 1, 1).startswith("1 of 1 sentence spoken")
    arabic = fallback_note("ar", 3, 12)
    assert arabic.endswith("٣ من ١٢") and not any(c.isascii() and c.isdigit() for c in arabic)


@pytest.fixture
def tab(tmp_path):
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (install Debian's chromium: apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    page = tmp_path / "index.html"
    page.write_text(player_html([_language("en", "How long?", 3), _language("ar", "كم يدوم؟", 3)]), encoding="utf-8")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        tab = browser.new_page()
        tab.goto(page.as_uri())
        yield tab
        browser.close()


def test_tracks_spoken_by_a_backup_voice_say_so_in_both_languages(tab) -> None:
    buttons = tab.locator("#tracks button")
    assert buttons.count() == 3  # the full guide, then the two tracks
    names = [buttons.nth(i).inner_text() for i in range(3)]
    assert "Part spoken by a backup voice" in names[0] and "Part spoken by a backup voice" in names[2]
    assert "backup" not in names[1]  # the intro: its own voice spoke all of it
    # The chosen track's note, read with the play button (aria-describedby), visible on the page.
    buttons.nth(2).click()
    note = tab.locator("#note")
    assert note.is_visible() and note.inner_text() == fallback_note("en", 3, 12)
    assert tab.locator("#play").get_attribute("aria-describedby") == "now note"
    buttons.nth(1).click()
    assert not note.is_visible()
    # Arabic: right to left, in Arabic, with Arabic-Indic digits.
    tab.locator("#langs button[data-lang=ar]").click()
    assert tab.evaluate("document.documentElement.dir") == "rtl"
    assert "بعضه بصوت احتياطي" in tab.locator("#tracks button").nth(2).inner_text()
    tab.locator("#tracks button").nth(2).click()
    assert note.inner_text() == fallback_note("ar", 3, 12) and "٣ من ١٢" in note.inner_text()
    box, text = tab.locator("#player").bounding_box(), note.bounding_box()
    assert text["x"] + text["width"] > box["x"] + box["width"] * 0.5  # starts on the right
