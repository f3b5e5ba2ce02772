"""Remake the README's picture of guide studio on the sample (English and Arabic side by side).

    python docs/make_studio_screen.py

serves the studio on a copy of the sample (offline, in a temporary folder, so nothing of yours
changes), opens it in Chromium and writes docs/studio.png as a small palette PNG.
Needs the [test] extra (playwright) and Debian's chromium.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from make_screens import DOCS, SCRIPT, small_png
from PIL import Image
from playwright.sync_api import sync_playwright

from guide.studio.server import Studio
from guide.studio.workspace import Workspace


def main() -> int:
    os.environ["GUIDE_OFFLINE"] = "1"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("needs Chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "scripts").mkdir()
        shutil.copy(SCRIPT, project / "scripts" / SCRIPT.name)
        studio = Studio(Workspace(project / "scripts", project / "audio_out", project / "cache"), "127.0.0.1", 0)
        thread = threading.Thread(target=studio.serve, daemon=True)
        thread.start()
        while studio.server is None or not studio.server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"], headless=True)
                tab = browser.new_page(viewport={"width": 1280, "height": 860})
                tab.goto(studio.login_url())
                tab.wait_for_selector("textarea[data-path='faq/how-long/answer/ar']", state="attached")
                area = tab.locator("textarea[data-path='intro/ar']")
                area.fill(area.input_value() + " ")  # an unsaved edit, as the page marks it
                shot = project / "studio.png"
                tab.screenshot(path=str(shot))
                browser.close()
            small_png(Image.open(shot), DOCS / "studio.png", 1000)
        finally:
            studio.stop()
            thread.join(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
