"""Remake the README's pictures of the printed matter and the kiosk from the sample guide.

    guide build scripts/botox_long_term_effects.yaml
    python docs/make_screens.py

writes docs/print-poster.png (the Arabic poster), docs/print-cards.png (a page of Arabic answer
cards) and docs/kiosk-home.png (the kiosk's home screen, in Chromium), as small palette PNGs.
Needs the [test] extra (pypdfium2, playwright) and Debian's chromium.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image
from playwright.sync_api import sync_playwright

from guide import builder

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "botox_long_term_effects.yaml"
FOLDER = ROOT / "audio_out" / "botox-long-term-effects"
DOCS = ROOT / "docs"


def small_png(image: Image.Image, target: Path, width: int) -> None:
    """`image` scaled to `width` pixels and saved with a 64-colour palette."""
    image = image.convert("RGB")
    image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")


def main() -> int:
    if not (FOLDER / "manifest.json").is_file():
        print(f"build the sample first: guide build {SCRIPT.relative_to(ROOT)}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "print.pdf"
        builder.print_guide(
            SCRIPT, ROOT / "audio_out", base_url="https://example.org/guides/botox-long-term-effects", output=pdf
        )
        doc = pypdfium2.PdfDocument(str(pdf))
        small_png(doc[1].render(scale=150 / 72).to_pil(), DOCS / "print-poster.png", 480)
        small_png(doc[3].render(scale=150 / 72).to_pil(), DOCS / "print-cards.png", 560)
        doc.close()

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True)
        tab = browser.new_page(viewport={"width": 1024, "height": 768})
        tab.goto((FOLDER / "kiosk.html").as_uri())
        shot = Path(tmp) / "kiosk.png"
        tab.screenshot(path=str(shot))
        browser.close()
        small_png(Image.open(shot), DOCS / "kiosk-home.png", 640)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
