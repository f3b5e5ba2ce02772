"""`guide print`: the PDF's pages rendered with PDFium, every QR code read back with ZXing and
checked against the manifest, the text extracted and the embedded font looked into.

Most tests print from a build folder made by hand (a manifest and an index.html: all that
printing reads); the last one prints a real build and opens every address in Chromium."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from guide.cli import main

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 is in the [test] extra")
zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is in the [test] extra")

BASE_URL = "https://clinic.example/guides/botox"
AR_TITLE = "الآثار طويلة المدى للبوتوكس"
TRACKS = {
    "en": [
        ("intro", "intro", "Introduction"),
        ("importance", "section", "The Importance of Considering Long-Term Effects"),
        ("risks", "section", "Potential Risks Associated with Long-Term Use"),
        ("how-long", "faq", "How long can I safely use Botox?"),
        ("permanent-damage", "faq", "Can long-term use of Botox cause permanent muscle damage?"),
        ("natural-expressions", "faq", "How can I maintain natural facial expressions with long-term Botox use?"),
        ("outro", "outro", "Conclusion"),
    ],
    "ar": [
        ("intro", "intro", "المقدمة"),
        ("importance", "section", "أهمية مراعاة الآثار طويلة المدى"),
        ("risks", "section", "المخاطر المحتملة المرتبطة بالاستخدام طويل المدى"),
        ("how-long", "faq", "إلى متى يمكنني استخدام البوتوكس بأمان؟"),
        ("permanent-damage", "faq", "هل يمكن أن يسبب استخدام البوتوكس على المدى الطويل ضررا دائما في العضلات؟"),
        ("natural-expressions", "faq", "كيف يمكنني الحفاظ على تعابير وجهي الطبيعية مع استخدام البوتوكس على المدى الطويل؟"),
        ("outro", "outro", "الخاتمة"),
    ],
}
SCRIPT = """\
id: botox
title: {en: "The Long-Term Effects of Botox", ar: "%s"}
languages: [en, ar]
intro: {en: "Hello.", ar: "مرحبا."}
""" % AR_TITLE


def fake_manifest(tracks: dict = TRACKS, titles: dict | None = None) -> dict:
    """A manifest shaped like a build's, with only what printing reads."""
    titles = titles or {"en": "The Long-Term Effects of Botox", "ar": AR_TITLE}
    languages = {}
    for lang, rows in tracks.items():
        entries = [
            {"id": tid, "kind": kind, "title": title, "file": f"{lang}/{i:02d}-{tid}.mp3", "duration": 10.0 + 7 * i}
            for i, (tid, kind, title) in enumerate(rows)
        ]
        full = {"id": "full", "kind": "full", "title": titles[lang], "file": f"{lang}/botox.{lang}.mp3",
                "duration": 444.3, "published": "2026-01-02T03:04:05+00:00"}
        languages[lang] = {"full": full["file"], "duration": full["duration"], "tracks": entries, "full_guide": full}
    return {"id": "botox", "title": titles, "languages": languages}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict]:
    """(script, out folder, manifest): a build folder as printing sees it."""
    script = tmp_path / "botox.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    folder = tmp_path / "out" / "botox"
    folder.mkdir(parents=True)
    manifest = fake_manifest()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    (folder / "index.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    return script, tmp_path / "out", manifest


def run_print(*args: str):
    return CliRunner().invoke(main, ["print", *args])


def pages_of(pdf: Path, dpi: int = 150):
    """Each page rendered by PDFium, as a Pillow image, with its extracted text."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for page in doc:
            yield page.render(scale=dpi / 72).to_pil(), page.get_textpage().get_text_range()
    finally:
        doc.close()


def expected_urls(manifest: dict, base: str = BASE_URL) -> list[str]:
    urls = [f"{base}/index.html#{lang}" for lang in manifest["languages"]]
    for lang, entry in manifest["languages"].items():
        urls += [f"{base}/index.html#{lang}/{t['id']}" for t in entry["tracks"] if t["kind"] in ("section", "faq")]
    return urls


def check_against_manifest(url: str, manifest: dict, base: str = BASE_URL) -> tuple[str, str | None]:
    """The (language, track id) an address opens, after checking both are in the manifest."""
    assert url.startswith(base + "/index.html#"), url
    lang, _, track = urlsplit(url).fragment.partition("/")
    assert lang in manifest["languages"], url
    if track:
        kinds = {t["id"]: t["kind"] for t in manifest["languages"][lang]["tracks"]}
        assert kinds.get(track) in ("section", "faq"), url
    return lang, track or None


def bare(text: str) -> str:
    """Text without bidi controls, zero-width marks and line breaks (extractors add some)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and ch not in "\r\n")


@pytest.mark.parametrize("paper", ["a4", "a5", "letter"])
def test_every_qr_code_leads_to_the_player_at_a_track_of_the_manifest(built, tmp_path, paper):
    script, out, manifest = built
    pdf = tmp_path / f"print-{paper}.pdf"
    result = run_print(str(script), "--out", str(out), "--base-url", BASE_URL + "/", "-o", str(pdf), "--paper", paper)
    assert result.exit_code == 0, result.output
    assert "2 posters and 10 answer cards" in result.output
    found = []
    for number, (image, _) in enumerate(pages_of(pdf), 1):
        codes = zxingcpp.read_barcodes(image)
        assert codes, f"page {number}: no QR code read"
        assert all(code.format == zxingcpp.BarcodeFormat.QRCode for code in codes)
        if number <= 2:  # a poster per language: one large code
            assert len(codes) == 1
            lang, track = check_against_manifest(codes[0].text, manifest)
            assert (lang, track) == (["en", "ar"][number - 1], None)
        found += [code.text for code in codes]
    for url in found:
        check_against_manifest(url, manifest)
    assert sorted(found) == sorted(expected_urls(manifest))


def test_arabic_text_comes_out_in_logical_order_with_its_letters(built, tmp_path):
    script, out, manifest = built
    pdf = tmp_path / "print.pdf"
    assert run_print(str(script), "--out", str(out), "--base-url", BASE_URL, "-o", str(pdf)).exit_code == 0
    texts = [text for _, text in pages_of(pdf, dpi=20)]
    poster_ar = bare(texts[1])
    assert AR_TITLE in poster_ar  # lam-alef and every other letter, in reading order
    assert "العربية" in poster_ar and "امسح الرمز بكاميرا هاتفك للاستماع" in poster_ar
    assert "The Long-Term Effects of Botox" in bare(texts[0])
    cards_ar = bare("".join(texts[2:]))
    for _, kind, title in TRACKS["ar"]:
        if kind in ("section", "faq"):
            assert " ".join(title.split()[:2]) in cards_ar, title
    if shutil.which("pdftotext"):  # Poppler reads it the same way
        poppler = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True, check=True)
        assert AR_TITLE in bare(poppler.stdout)


def test_arabic_is_shaped_with_joined_letters_in_a_font_shipped_with_guide(built, tmp_path):
    """The embedded font holds the initial, medial and final forms of the title's letters, that
    is, the letters were shaped (isolated forms only would mean unjoined letters); it is the
    font from the fontpkg package, never one of the machine."""
    from fontTools.ttLib import TTFont

    script, out, _ = built
    pdf = tmp_path / "print.pdf"
    assert run_print(str(script), "--out", str(out), "--base-url", BASE_URL, "-o", str(pdf)).exit_code == 0
    data = pdf.read_bytes()
    assert re.search(rb"/BaseFont /[A-Z]{6}\+IBMPlexSansArabic", data)
    glyphs: set[str] = set()
    for match in re.finditer(rb"/FontFile2 (\d+) 0 R", data):
        obj = re.search(rb"\n" + match.group(1) + rb" 0 obj\s*<<.*?>>\s*stream\r?\n", data, re.S)
        assert obj is not None
        font = TTFont(io.BytesIO(zlib.decompressobj().decompress(data[obj.end():])))
        glyphs |= set(font.getGlyphOrder())
    # الآثار طويلة المدى للبوتوكس: lam-alef-madda ligature, initial lam, medial teh marbuta's neighbours, final kaf/seen...
    for form in ["uniFEF5", "uniFEDF", "uniFEE0", "uniFE94", "uniFEB2", "uniFEE4"]:
        assert form in glyphs, form


def test_the_same_build_prints_the_same_file(built, tmp_path):
    script, out, _ = built
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"
    for target in (one, two):
        assert run_print(str(script), "--out", str(out), "--base-url", BASE_URL, "-o", str(target)).exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    assert not list(tmp_path.glob(".*.part"))  # written under a temporary name, renamed into place


def test_default_file_and_one_language(built):
    script, out, manifest = built
    result = run_print(str(script), "--out", str(out), "--base-url", BASE_URL, "--lang", "ar")
    assert result.exit_code == 0, result.output
    pdf = out / "botox" / "botox.print.pdf"
    assert pdf.is_file()
    found = [code.text for image, _ in pages_of(pdf) for code in zxingcpp.read_barcodes(image)]
    assert sorted(found) == sorted(url for url in expected_urls(manifest) if "#ar" in url)


def test_base_url_comes_from_the_script(built, tmp_path):
    script, out, manifest = built
    script.write_text(SCRIPT + "base_url: https://other.example/g\n", encoding="utf-8")
    pdf = tmp_path / "print.pdf"
    assert run_print(str(script), "--out", str(out), "-o", str(pdf)).exit_code == 0
    image, _ = next(pages_of(pdf))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == ["https://other.example/g/index.html#en"]


def test_without_a_base_url_it_stops_and_says_why(built, tmp_path):
    script, out, _ = built
    result = run_print(str(script), "--out", str(out), "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert f"{script}: no base_url:" in result.output and "--base-url" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "ftp://x"], "must be an http:// or https:// address"),
        (["--base-url", BASE_URL, "--lang", "fr"], "--lang fr: "),
        (["--base-url", BASE_URL, "--paper", "a3"], "Invalid value for '--paper'"),
    ],
)
def test_wrong_options_are_input_errors(built, args, message):
    script, out, _ = built
    result = run_print(str(script), "--out", str(out), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_no_build_yet(tmp_path):
    script = tmp_path / "botox.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    result = run_print(str(script), "--out", str(tmp_path / "nothing"), "--base-url", BASE_URL)
    assert result.exit_code == 2
    assert "no build to print from; run `guide build" in result.output


def test_letters_the_font_lacks_are_named(built, tmp_path):
    script, out, manifest = built
    tracks = {**TRACKS, "en": [*TRACKS["en"], ("greek", "faq", "Τι είναι;")]}
    (out / "botox" / "manifest.json").write_text(json.dumps(fake_manifest(tracks), ensure_ascii=False), encoding="utf-8")
    result = run_print(str(script), "--out", str(out), "--base-url", BASE_URL, "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "has no letters for Τ (U+03A4)" in result.output


@pytest.mark.slow
def test_printed_addresses_open_the_right_track_in_the_real_player(small_build, tmp_path):
    """A real build printed; each decoded address, pointed at the local copy, opens the player
    in Chromium at that language and track."""
    from .test_player import CHROMIUM, FLAGS

    script, out = small_build / "small.yaml", small_build / "out"
    pdf = tmp_path / "small.pdf"
    result = run_print(str(script), "--out", str(out), "--base-url", BASE_URL, "-o", str(pdf))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "small-guide" / "manifest.json").read_text(encoding="utf-8"))
    urls = [code.text for image, _ in pages_of(pdf) for code in zxingcpp.read_barcodes(image)]
    assert sorted(urls) == sorted(expected_urls(manifest))
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (install Debian's chromium: apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    local = (out / "small-guide").as_uri()
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        tab = browser.new_page()
        for url in urls:
            lang, track = check_against_manifest(url, manifest)
            tab.goto("about:blank")
            tab.goto(url.replace(BASE_URL, local))
            entry = manifest["languages"][lang]
            file = next(t["file"] for t in entry["tracks"] if t["id"] == track) if track else entry["full_guide"]["file"]
            tab.wait_for_function(f"document.getElementById('audio').src.endsWith({json.dumps(file)})")
            assert tab.evaluate("document.documentElement.lang") == lang
        browser.close()


def test_script_problems_name_the_line(built, tmp_path):
    script, out, _ = built
    script.write_text(SCRIPT + "publish: {player: false}\n", encoding="utf-8")
    result = run_print(str(script), "--out", str(out), "--base-url", BASE_URL)
    assert result.exit_code == 2
    assert f"{script}:5: publish: player is off" in result.output
    script.write_text(SCRIPT + "base_url: https://clinic.example/g?a=1\n", encoding="utf-8")
    result = run_print(str(script), "--out", str(out))
    assert result.exit_code == 2
    assert f"{script}:5: base_url 'https://clinic.example/g?a=1' must be the address of a folder" in result.output
