"""`guide print`: the PDF's pages rendered with PDFium, every QR code read back with ZXing and
checked against the manifest, the text extracted by four PDF readers (PDFium, pdftotext, pypdf,
pdfminer.six), the languages and title it declares, and the embedded font looked into.

Most tests print from a build folder made by hand (a manifest and an index.html: all that
printing reads); the last one prints a real build and opens every address in Chromium."""

from __future__ import annotations

import contextlib
import io
import itertools
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
        (
            "natural-expressions",
            "faq",
            "كيف يمكنني الحفاظ على تعابير وجهي الطبيعية مع استخدام البوتوكس على المدى الطويل؟",
        ),
        ("outro", "outro", "الخاتمة"),
    ],
}
SCRIPT = f"""\
id: botox
title: {{en: "The Long-Term Effects of Botox", ar: "{AR_TITLE}"}}
languages: [en, ar]
intro: {{en: "Hello.", ar: "مرحبا."}}
"""


def fake_manifest(tracks: dict = TRACKS, titles: dict | None = None) -> dict:
    """A manifest shaped like a build's, with only what printing reads."""
    titles = titles or {"en": "The Long-Term Effects of Botox", "ar": AR_TITLE}
    languages = {}
    for lang, rows in tracks.items():
        entries = [
            {"id": tid, "kind": kind, "title": title, "file": f"{lang}/{i:02d}-{tid}.mp3", "duration": 10.0 + 7 * i}
            for i, (tid, kind, title) in enumerate(rows)
        ]
        full = {
            "id": "full",
            "kind": "full",
            "title": titles[lang],
            "file": f"{lang}/botox.{lang}.mp3",
            "duration": 444.3,
            "published": "2026-01-02T03:04:05+00:00",
        }
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


# -- What PDF readers extract ------------------------------------------------------------------
# Each reader's text of the whole print: PDFium (Chromium's reader), Poppler's pdftotext, pypdf and
# pdfminer.six. The first three must give every printed text whole and in reading order; pdfminer.six
# gives each line as drawn, left to right (see README, "Print and kiosk").

SAMPLE_BASE_URL = "https://example.org/guides/botox-long-term-effects"
ARABIC = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
LAM_ALEF = re.compile("\u0644[\u0622\u0623\u0625\u0627]")


def read_pdfium(pdf: Path) -> str:
    """The PDF's text as PDFium (pypdfium2) extracts it, page after page."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def read_poppler(pdf: Path) -> str:
    """The PDF's text as Poppler's pdftotext extracts it (its default, reading-order mode)."""
    if not shutil.which("pdftotext"):
        pytest.skip("no pdftotext on this machine (Debian: apt-get install poppler-utils)")
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def read_pypdf(pdf: Path) -> str:
    """The PDF's text as pypdf extracts it (``extract_text()``), page after page."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is in the [test] extra")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def read_pdfminer(pdf: Path) -> str:
    """The PDF's text as pdfminer.six extracts it (``extract_text``, default layout analysis)."""
    high_level = pytest.importorskip("pdfminer.high_level", reason="pdfminer.six is in the [test] extra")
    return high_level.extract_text(str(pdf))


READERS = {"PDFium": read_pdfium, "pdftotext": read_poppler, "pypdf": read_pypdf}


def flat(text: str) -> str:
    """`text` without bidi controls, every run of spaces and line breaks one space: a title broken
    over lines reads as one line."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())


def printed_texts(manifest: dict) -> dict[str, list[str]]:
    """Per language, every text the print sets (titles, the scan instruction, card titles, their
    labels), from the manifest and guide's printed words."""
    from guide.publish.printing import CARD_KINDS, language_name, words

    texts: dict[str, list[str]] = {}
    for lang, entry in manifest["languages"].items():
        said = words(lang)
        found = [language_name(lang), entry["full_guide"]["title"], said["scan"], said["full"], said["listen"]]
        for track in entry["tracks"]:
            if track["kind"] in CARD_KINDS:
                found += [track["title"], said[track["kind"]]]
        texts[lang] = list(dict.fromkeys(found))
    return texts


def printed_lines(manifest: dict) -> list[str]:
    """The lines that join a printed word and a length or a language name with a middle dot."""
    from guide.publish.printing import CARD_KINDS, clock, language_name, words

    lines = []
    for lang, entry in manifest["languages"].items():
        said = words(lang)
        lines.append(f"{said['full']} · {clock(entry['full_guide']['duration'])}")
        for track in entry["tracks"]:
            if track["kind"] in CARD_KINDS:
                lines += [
                    f"{said['listen']} · {clock(track['duration'])}",
                    f"{said[track['kind']]} · {language_name(lang)}",
                ]
    return lines


def ligature_words(texts: list[str], features: bool = True) -> dict[str, str]:
    """The words of `texts` that the print font sets with a ligature (one glyph for two letters or
    more), as HarfBuzz shapes them in the regular or the bold weight: {word: the ligature's letters}.
    With `features`, shaped as guide print shapes them (:func:`~guide.publish.cover.shaping_features`), else with
    HarfBuzz's defaults."""
    import fontpkg
    import uharfbuzz as hb

    from guide.publish.cover import shaping_features
    from guide.publish.printing import FONT_FAMILY

    fonts = [hb.Font(hb.Face(hb.Blob.from_file_path(fontpkg.path(FONT_FAMILY, weight)))) for weight in (400, 700)]
    found: dict[str, str] = {}
    for word in {w for text in texts for w in text.split()}:
        for font in fonts:
            buf = hb.Buffer()
            buf.add_str(word)
            buf.guess_segment_properties()
            buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
            hb.shape(font, buf, shaping_features(word) if features else None)
            starts = [*sorted({info.cluster for info in buf.glyph_infos}), len(word)]
            for a, b in itertools.pairwise(starts):
                if b - a > 1 and not word[a + 1 : b].isspace():
                    found.setdefault(word, word[a:b])
    return found


@pytest.fixture(
    scope="module",
    params=["hand-made", pytest.param("sample", marks=pytest.mark.slow)],
)
def printed(request, tmp_path_factory, registry) -> tuple[Path, dict, str]:
    """(PDF, manifest, base address): the hand-made build's print, and the sample script's (its build
    shared by the test run, printed here with ``guide print``)."""
    root = tmp_path_factory.mktemp(f"print-{request.param}")
    if request.param == "hand-made":
        script = root / "botox.yaml"
        script.write_text(SCRIPT, encoding="utf-8")
        out, base = root / "out", BASE_URL
        (out / "botox").mkdir(parents=True)
        (out / "botox" / "manifest.json").write_text(json.dumps(fake_manifest(), ensure_ascii=False), encoding="utf-8")
        (out / "botox" / "index.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    else:  # the test run's one build of the sample, read only
        from .conftest import SAMPLE_SCRIPT

        script, out, base = SAMPLE_SCRIPT, request.getfixturevalue("sample_build") / "out", SAMPLE_BASE_URL
    pdf = root / "print.pdf"
    result = run_print(str(script), "--out", str(out), "--base-url", base, "-o", str(pdf))
    assert result.exit_code == 0, result.output
    manifest_file = next(out.glob("*/manifest.json"))
    return pdf, json.loads(manifest_file.read_text(encoding="utf-8")), base


def test_the_print_has_lam_alef_and_no_other_arabic_ligature(printed):
    """The texts checked below hold words set with lam-alef (الآثار, للاستماع), so that the reader tests test
    ligatures; the font's other Arabic ligatures, which HarfBuzz would set by default (يمكنني, متى), are not drawn."""
    _, manifest, _ = printed
    texts = printed_texts(manifest)["ar"]
    arabic = ligature_words(texts)
    assert "الآثار" in arabic and "للاستماع" in arabic, arabic
    assert all(LAM_ALEF.fullmatch(letters) for letters in arabic.values()), arabic
    by_default = ligature_words(texts, features=False)
    assert any(not LAM_ALEF.fullmatch(letters) for letters in by_default.values()), by_default  # what is avoided


def test_every_arabic_letter_on_the_cards_is_drawn_by_its_own_glyph_but_lam_alef(printed):
    """PDFium's box of each character: a letter drawn inside another's glyph (a ligature) has an empty box. On the
    posters and cards only a lam before an alef has one; "متى" (when) is three letters drawn, never the ligature
    of teh and alef maksura that reads as "مق"."""
    pdf, manifest, _ = printed
    doc = pdfium.PdfDocument(str(pdf))
    try:
        letters = []
        for page in doc:
            text = page.get_textpage()
            letters += [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
    finally:
        doc.close()
    page_text = "".join(letter for letter, _ in letters)
    hidden = [
        page_text[max(0, i - 3) : i + 4]
        for i, (letter, box) in enumerate(letters)
        if ARABIC.match(letter) and box[2] - box[0] <= 0
    ]
    assert hidden, "no lam-alef found: the test would not see a ligature"
    assert all(LAM_ALEF.search(around) for around in hidden), hidden
    when = page_text.find("متى")
    if any("متى" in t["title"] for t in manifest["languages"]["ar"]["tracks"]):
        assert when >= 0 and all(box[2] - box[0] > 0 for _, box in letters[when : when + 3]), letters[when : when + 3]


@pytest.mark.parametrize("reader", READERS)
def test_every_reader_gets_every_printed_text_whole_in_reading_order(printed, reader):
    """PDFium, Poppler and pypdf extract every text of the posters and cards, Arabic and English,
    whole and in reading order: each ligature's letters in their place."""
    pdf, manifest, base = printed
    text = flat(READERS[reader](pdf))
    texts = printed_texts(manifest)
    for lang in manifest["languages"]:
        for expected in texts[lang]:
            assert flat(expected) in text, f"{reader}, {lang}: {expected!r} not found whole"
        for word in ligature_words(texts[lang]):
            assert word in text, f"{reader}: {word!r} (set with a ligature) not found"
    for url in expected_urls(manifest, base)[: len(manifest["languages"])]:  # the posters' addresses
        assert url in text, f"{reader}: {url} not found whole"


@pytest.mark.parametrize("reader", ["PDFium", "pdftotext"])
def test_pdfium_and_poppler_give_whole_lines_in_reading_order(printed, reader):
    """A line that joins Arabic and a length ("الدليل كاملا · 8:04") or two words with a middle dot
    comes out in reading order too. (pypdf gives such a line's runs from left to right as drawn:
    "8:04 · الدليل كاملا", each run whole; see the README.)"""
    pdf, manifest, _ = printed
    text = flat(READERS[reader](pdf))
    for line in printed_lines(manifest):
        assert flat(line) in text, f"{reader}: {line!r} not found"


def test_pdfminer_gives_each_line_as_drawn_from_left_to_right(printed):
    """pdfminer.six does not reorder right-to-left text: it gives each line's letters in the order
    they are drawn, left to right. So an Arabic text comes out exactly reversed, letter by letter,
    ligatures included (one code per letter), and reversing each line gives it back; English
    comes out as it is."""
    pdf, manifest, _ = printed
    raw = read_pdfminer(pdf)
    text = flat(raw)
    mirrored = flat("\n".join(line[::-1] for line in raw.splitlines()))
    texts = printed_texts(manifest)
    for lang in manifest["languages"]:
        for expected in texts[lang]:
            if ARABIC.search(expected):
                assert flat(expected) in mirrored, f"{expected!r} not found in pdfminer.six's lines reversed"
                if expected != expected[::-1]:
                    assert flat(expected) not in text, f"pdfminer.six now gives {expected!r} in reading order"
            else:
                assert flat(expected) in text, expected


@pytest.mark.parametrize("logical", [False, True], ids=["as-drawn", "reading-order"])
def test_why_pdfminer_reads_arabic_backwards(tmp_path, logical):
    """The measurement behind the README's note: pdfminer.six reads neither /ActualText nor a tagged PDF's structure
    (its source has no code for either), and gives a line's letters in the order the file holds them. Arabic
    letters drawn right to left, one text object each: held as drawn (left to right, the order of guide's runs),
    pdfminer.six and pypdf give them reversed while PDFium and Poppler give reading order; held in reading order,
    all four give reading order. guide's runs are one text operator each, as fpdf2 writes them (see the README)."""
    import fontpkg
    from fpdf import FPDF

    from guide.publish.printing import FONT_FAMILY

    word = "متى بأمان"
    pdf = FPDF(unit="mm", format=(100, 30))
    pdf.add_page()
    pdf.add_font("plex", "", fontpkg.path(FONT_FAMILY, 400))
    pdf.set_font("plex", "", 20)
    lefts, right = [], 90.0
    for letter in word:  # each letter's left edge, the first letter rightmost
        right -= pdf.get_string_width(letter)
        lefts.append(right)
    for index in range(len(word)) if logical else reversed(range(len(word))):
        pdf.text(lefts[index], 20, word[index])
    path = tmp_path / "letters.pdf"
    pdf.output(str(path))
    got = {name: flat(read(path)) for name, read in {**READERS, "pdfminer.six": read_pdfminer}.items()}
    backwards = set() if logical else {"pypdf", "pdfminer.six"}
    assert got == {name: word[::-1] if name in backwards else word for name in got}, got


def test_the_pdf_declares_its_languages_and_title(printed):
    """The catalog's /Lang is the first printed language and /Title (in Info) the guide's title in
    it, shown by viewers (DisplayDocTitle); every text object with Arabic letters is marked as
    Arabic, every one with Latin letters as English (in a /Lang span, or by the catalog)."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is in the [test] extra")
    pdf, manifest, _ = printed
    first = next(iter(manifest["languages"]))
    reader = pypdf.PdfReader(pdf)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == first
    assert reader.metadata.title == manifest["languages"][first]["full_guide"]["title"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    marked: dict[str, int] = {}
    for text, lang in text_objects_and_languages(pdf):
        lang = lang or catalog["/Lang"]
        if ARABIC.search(text):
            assert lang == "ar", (text, lang)
        elif re.search("[A-Za-z]", text):
            assert lang == "en", (text, lang)
        else:
            continue
        marked[lang] = marked.get(lang, 0) + 1
    assert set(marked) == set(manifest["languages"]), marked


def text_objects_and_languages(pdf: Path) -> list[tuple[str, str | None]]:
    """(text, language of the innermost marked-content span with /Lang, or None) of every text
    object of the PDF, as PDFium reads them."""
    import ctypes

    raw = pdfium.raw

    def wide(function, *args) -> str | None:
        size = ctypes.c_ulong()
        buffer = (ctypes.c_ushort * 256)()
        if not function(*args, buffer, ctypes.sizeof(buffer), ctypes.byref(size)):
            return None
        return bytes(buffer)[: size.value].decode("utf-16-le").rstrip("\x00")

    found = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for page in doc:
            textpage = page.get_textpage()
            for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT]):
                lang = None
                for i in range(raw.FPDFPageObj_CountMarks(obj)):
                    lang = (
                        wide(raw.FPDFPageObjMark_GetParamStringValue, raw.FPDFPageObj_GetMark(obj, i), b"Lang") or lang
                    )
                length = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
                buffer = (ctypes.c_ushort * length)()
                raw.FPDFTextObj_GetText(obj, textpage, buffer, length * 2)
                found.append((bytes(buffer).decode("utf-16-le").rstrip("\x00"), lang))
    finally:
        doc.close()
    return found


def test_the_codes_change_but_not_the_look(built, tmp_path, monkeypatch):
    """The same pages printed with fpdf2's own coding of ligatures and no language spans look the
    same to the pixel (PDFium, 100 dpi): only what readers extract changed, not the shaping (the same
    HarfBuzz features: lam-alef the one Arabic ligature)."""
    from fpdf.fonts import TTFFont

    from guide.publish import printing
    from guide.publish.cover import shaping_features

    def fpdf2_coding(self, text, font_size_pt, params):  # fpdf2's shaping and coding, with guide's features
        return TTFFont.shape_text(self, text, font_size_pt, {**(params or {}), "features": shaping_features(text)})

    script, out, _ = built
    ours, theirs = tmp_path / "ours.pdf", tmp_path / "theirs.pdf"
    assert run_print(str(script), "--out", str(out), "--base-url", BASE_URL, "-o", str(ours)).exit_code == 0
    monkeypatch.setattr(printing._OneLetterFont, "shape_text", fpdf2_coding)
    monkeypatch.setattr(printing._Pdf, "language", lambda self, lang: contextlib.nullcontext())
    assert run_print(str(script), "--out", str(out), "--base-url", BASE_URL, "-o", str(theirs)).exit_code == 0
    assert ours.read_bytes() != theirs.read_bytes()
    from PIL import ImageChops

    pages = list(zip(pages_of(ours, dpi=100), pages_of(theirs, dpi=100), strict=True))
    assert len(pages) == 4
    for number, ((image, _), (same, _)) in enumerate(pages, 1):
        assert ImageChops.difference(image.convert("RGB"), same.convert("RGB")).getbbox() is None, f"page {number}"


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
        font = TTFont(io.BytesIO(zlib.decompressobj().decompress(data[obj.end() :])))
        glyphs |= set(font.getGlyphOrder())
    # الآثار طويلة المدى للبوتوكس: lam-alef-madda ligature, initial lam, medial teh marbuta's neighbours,
    # final kaf/seen...
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
    script, out, _manifest = built
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
    script, out, _manifest = built
    tracks = {**TRACKS, "en": [*TRACKS["en"], ("greek", "faq", "Τι είναι;")]}
    (out / "botox" / "manifest.json").write_text(
        json.dumps(fake_manifest(tracks), ensure_ascii=False), encoding="utf-8"
    )
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
            file = (
                next(t["file"] for t in entry["tracks"] if t["id"] == track) if track else entry["full_guide"]["file"]
            )
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
