"""Printed matter that leads a patient's phone to the audio: a QR poster per language and
answer cards (one per section and per FAQ entry), laid out as one PDF.

Made from the build's ``manifest.json`` alone (what is published is what is printed); every
QR code opens the web player at a language (``index.html#ar``) or at one track in it
(``index.html#ar/how-long``). QR codes come from ``segno``, the PDF from ``fpdf2`` with
``uharfbuzz`` shaping Arabic (joined letters, right to left), in IBM Plex Sans Arabic, a font
with both Arabic and Latin letters that is installed with guide (``fontpkg-ibm-plex-sans-arabic``,
SIL Open Font License 1.1); no font of the machine is ever used.

Every code drawn stands for one letter (a ligature is followed by blank codes for its other
letters, see :class:`_OneLetterFont`), so that PDF readers (PDFium, Poppler, pypdf) give Arabic in
reading order; the text is marked with its language, and the document with its title.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import fontpkg
import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TextDirection
from fpdf.fonts import TTFFont
from fpdf.prefs import ViewerPreferences
from PIL import Image

from ..manifest import Manifest
from .cover import shaping_features
from .player import UI as PLAYER_UI
from .transcripts import clock, is_rtl

PAPERS: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "a5": (148.0, 210.0), "letter": (215.9, 279.4)}
"""Paper sizes in millimetres (portrait width, height)."""

FONT_FAMILY = "IBM Plex Sans Arabic"
"""The one typeface of every printed page: Arabic and Latin letters, shipped as a Python package."""

CARD_KINDS = ("section", "faq")
"""Tracks that get an answer card: the chapters and the FAQ answers (not the intro or the outro)."""

# Words printed on the pages, per language; other languages get the English words.
PRINT_UI: dict[str, dict[str, str]] = {
    "en": {
        "scan": "Scan the code with your phone's camera to listen",
        "full": "Full guide",
        "faq": "Question",
        "section": "Chapter",
        "listen": "Listen",
        "open": "Or open",
    },
    "ar": {
        "scan": "امسح الرمز بكاميرا هاتفك للاستماع",
        "full": "الدليل كاملا",
        "faq": "سؤال",
        "section": "فصل",
        "listen": "استمع",
        "open": "أو افتح",
    },
}

BLANK_GLYPH = ".null"
"""The font's glyph with no outline and no width (glyph 1 of a TrueType font), drawn for the other
letters of a ligature (see :class:`_OneLetterFont`)."""

INK = (27, 36, 48)
MUTED = (91, 102, 117)
ACCENT = (11, 92, 173)
MARKS = (120, 120, 120)


@dataclass(frozen=True)
class Poster:
    """A page that brings a patient to the whole guide in one language."""

    lang: str
    """The language code (``en``, ``ar``)."""

    title: str
    """The guide's title in that language."""

    url: str
    """Where its QR code leads: the web player opened in that language (``…/index.html#ar``)."""

    duration: float
    """Length of the full guide in seconds."""


@dataclass(frozen=True)
class Card:
    """A small card that leads to one track: a chapter or the answer to one question."""

    lang: str
    """The language code of the track."""

    track: str
    """The track's id in the script and the manifest (``how-long``)."""

    kind: str
    """``section`` or ``faq``."""

    title: str
    """The chapter's title or the question, as the manifest has it."""

    url: str
    """Where its QR code leads: the player opened at that track (``…/index.html#ar/how-long``)."""

    duration: float
    """Length of the track in seconds."""


@dataclass(frozen=True)
class Printout:
    """Everything one PDF holds, before any layout."""

    guide_title: dict[str, str]
    """The guide's title per language (printed small on each card)."""

    posters: tuple[Poster, ...]
    """One poster per language, in the order the pages come."""

    cards: tuple[Card, ...]
    """The answer cards, language by language, in track order."""

    cover: Path | None = None
    """The cover image printed on each poster (PNG or JPEG), if the guide has one."""

    paper: str = "a4"
    """A key of :data:`PAPERS`."""

    created: datetime | None = None
    """The PDF's creation date (the build's, so printing the same build twice gives the same file)."""


@dataclass(frozen=True)
class Layout:
    """Where the cards of a page go."""

    columns: int
    """Cards across a page."""

    rows: int
    """Cards down a page."""

    width: float
    """One card's width in millimetres."""

    height: float
    """One card's height in millimetres."""

    left: float
    """Left edge of the grid in millimetres."""

    top: float
    """Top edge of the grid in millimetres."""

    @property
    def per_page(self) -> int:
        """Cards on a full page."""
        return self.columns * self.rows


def player_url(base_url: str, lang: str, track: str | None = None) -> str:
    """The web player's address opened at `lang`, and at `track` if given."""
    return f"{base_url.rstrip('/')}/index.html#{lang}" + (f"/{track}" if track else "")


def printout(
    manifest: Manifest,
    base_url: str,
    languages: Sequence[str],
    *,
    cover: Path | None = None,
    paper: str = "a4",
) -> Printout:
    """What to print for `languages` of the build described by `manifest`."""
    posters: list[Poster] = []
    cards: list[Card] = []
    titles: dict[str, str] = {}
    created: datetime | None = None
    for lang in languages:
        entry = manifest.languages[lang]
        full = entry.full_guide
        if full is None:
            continue  # not built in that language: guide print asks only for built ones
        titles[lang] = full.title
        posters.append(Poster(lang, full.title, player_url(base_url, lang), full.duration))
        for track in entry.tracks:
            if track.kind in CARD_KINDS:
                url = player_url(base_url, lang, track.id)
                cards.append(Card(lang, track.id, track.kind, track.title, url, track.duration))
        if created is None and full.published:
            try:
                created = datetime.fromisoformat(full.published)
            except ValueError:
                created = None
    return Printout(titles, tuple(posters), tuple(cards), cover, paper, created)


def card_layout(paper: str, margin: float = 12.0, least: tuple[float, float] = (85.0, 60.0)) -> Layout:
    """As many cards as fit a page, each at least `least` (width, height) mm, the grid centred."""
    page_w, page_h = PAPERS[paper]
    columns = max(1, int((page_w - 2 * margin) // least[0]))
    rows = max(1, int((page_h - 2 * margin) // least[1]))
    width = min((page_w - 2 * margin) / columns, least[0] * 1.25)
    height = min((page_h - 2 * margin) / rows, least[1] * 1.25)
    return Layout(columns, rows, width, height, (page_w - columns * width) / 2, (page_h - rows * height) / 2)


def missing_glyphs(texts: Sequence[str]) -> list[str]:
    """The characters of `texts` that the print font cannot draw (spaces and bidi marks aside)."""
    cmap = _font_cmap()
    seen: dict[str, None] = {}
    for text in texts:
        for ch in text:
            if ord(ch) not in cmap and not ch.isspace() and unicodedata.category(ch) != "Cf":
                seen[ch] = None
    return list(seen)


def render(doc: Printout) -> tuple[bytes, int]:
    """The PDF and its number of pages: the posters, then the answer cards of each language on pages of their own."""
    pdf = _Pdf(doc.paper)
    if doc.created is not None:
        pdf.set_creation_date(doc.created)
    first = doc.posters[0].lang if doc.posters else "en"
    pdf.set_title(doc.guide_title.get(first, ""))
    pdf.viewer_preferences = ViewerPreferences(
        display_doc_title=True
    )  # a viewer's title bar shows the title, not the file name
    pdf.set_lang(first)  # the main language: the first printed; text in others is marked (see _Pdf.language)
    pdf.set_creator("guide")
    for poster in doc.posters:
        _poster(pdf, poster, doc.cover)
    layout = card_layout(doc.paper)
    for lang in dict.fromkeys(card.lang for card in doc.cards):
        cards = [card for card in doc.cards if card.lang == lang]
        for start in range(0, len(cards), layout.per_page):
            pdf.add_page()
            page = cards[start : start + layout.per_page]
            for i, card in enumerate(page):
                column = i % layout.columns
                if is_rtl(lang):  # read from the right: the first card at the top right
                    column = layout.columns - 1 - column
                x = layout.left + column * layout.width
                y = layout.top + (i // layout.columns) * layout.height
                _card(pdf, card, doc.guide_title.get(lang, ""), x, y, layout.width, layout.height)
            _cut_marks(pdf, layout, len(page))
    return bytes(pdf.output()), pdf.page


def words(lang: str) -> dict[str, str]:
    """The printed words for `lang` (English ones for a language guide has none for)."""
    return PRINT_UI.get(lang.split("-")[0], PRINT_UI["en"])


def language_name(lang: str) -> str:
    """The language's name in its own script (``العربية``), or its code."""
    return PLAYER_UI.get(lang.split("-")[0], {}).get("name", lang)


class _Pdf(FPDF):
    """fpdf2's document with the print font, text shaping, letters that copy out in reading order
    (see :class:`_OneLetterFont`) and text marked with its language."""

    def __init__(self, paper: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPERS[paper])
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.add_font("plex", "", fontpkg.path(FONT_FAMILY, 400))
        self.add_font("plex", "B", fontpkg.path(FONT_FAMILY, 700))
        self.set_text_shaping(True)
        for font in self.fonts.values():
            font.__class__ = _OneLetterFont

    def direction(self, lang: str) -> str:
        """Set the base direction of the paragraphs that follow to `lang`'s; returns the alignment to use."""
        rtl = is_rtl(lang)
        self.set_text_shaping(True, direction="rtl" if rtl else "ltr")
        return "R" if rtl else "L"

    @contextmanager
    def language(self, lang: str | None) -> Iterator[None]:
        """Mark the text drawn inside as being in `lang`: a marked-content span with /Lang, which
        screen readers and text-to-speech use to pick a voice (the catalog's /Lang holds for text
        outside any span). Without `lang` (an address, a time), nothing is marked."""
        if not lang:
            yield
            return
        self._set_min_pdf_version("1.5")  # /Lang in a marked-content property list is PDF 1.5
        self._out(f"/Span <</Lang {_pdf_string(lang)}>> BDC")
        try:
            yield
        finally:
            self._out("EMC")


class _OneLetterFont(TTFFont):
    """fpdf2's TrueType font, shaped the same, where every code drawn stands for one letter: a
    ligature (lam-alef, yeh-reh, fi...) is drawn as its glyph, coded as one of its letters, followed
    by a code of no width and no outline for each other letter, in the order that gives the
    letters in reading order once a reader has put the run in reading order.

    Why: fpdf2 gives a ligature one code whose ToUnicode entry holds its letters in logical order.
    Readers that reverse a right-to-left run letter by letter (PDFium, Poppler) then swap them
    (الآثار comes out اآلثار); with the entry reversed they read right, but pypdf, which keeps an
    entry of several letters whole, then swaps them, and where such an entry opens a run (كاملا
    after "8:04 · ") it treats it as punctuation and puts it on the wrong side of the word. With
    one letter per code every reader sees plain letters, in the order of any other word."""

    __slots__ = ()  # the same layout as TTFFont, so that a font fpdf2 made can become one

    def shape_text(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> list[dict[str, Any]]:
        """fpdf2's shaped glyphs of `text`, each ligature followed by blank codes for its other letters."""
        # Only the ligatures Arabic requires: "متى" on a card must not read "مق" (see shaping_features).
        params = {**(text_shaping_params or {})}
        params["features"] = {**(params.get("features") or {}), **shaping_features(text)}
        shaped = super().shape_text(text, font_size_pt, params)
        subset = self.subset
        glyphs = {
            code: glyph for glyph, code in subset.items() if glyph is not None
        }  # after shaping: its new glyphs too
        blank_id = self.ttfont.getGlyphID(BLANK_GLYPH)
        # The run's direction, as HarfBuzz laid its glyphs out: fpdf2's for this run of its bidi
        # split, or else HarfBuzz's own guess (right to left if any letter is).
        direction = (text_shaping_params or {}).get("fragment_direction")
        rtl = direction == TextDirection.RTL if direction is not None else any(_rtl_char(ord(ch)) for ch in text)
        out: list[dict[str, Any]] = []
        for info in shaped:
            glyph = glyphs.get(info["mapped_char"])
            codes = glyph.unicode if glyph is not None else ()
            if glyph is None or not isinstance(codes, tuple) or len(codes) < 2:
                out.append(info)
                continue
            # A run goes left to right in the content stream: the glyph, then its blank codes (at
            # its right edge). Readers put a right-to-left run in reading order by reversing it, so
            # there the glyph is coded as the ligature's last letter and the blanks as the others,
            # last first (لآ: آ, then ل); left to right, the glyph is the first letter (fi: f, then i).
            letters = codes[::-1] if rtl else codes
            drawn = subset.get_glyph(
                glyph=glyph.glyph_id, unicode=(letters[0],), glyph_name=glyph.glyph_name, glyph_width=glyph.glyph_width
            )
            # fpdf2 ends a text-showing operator after a glyph that must be placed; the blank codes
            # go with the glyph in its operator (PDFium skips an operator that draws nothing), and
            # the move that follows the glyph comes after them.
            out.append({**info, "mapped_char": subset.pick_glyph(drawn), "force_positioning": False})
            # The ligature's own code is drawn nowhere now: out of the font's ToUnicode map and widths.
            subset._char_id_per_glyph.pop(glyph, None)
            for n, letter in enumerate(letters[1:], 2):
                blank = subset.get_glyph(glyph=blank_id, unicode=(letter,), glyph_name=BLANK_GLYPH, glyph_width=0)
                out.append(
                    {
                        "mapped_char": subset.pick_glyph(blank),
                        "x_advance": 0,
                        "y_advance": 0,
                        "x_offset": 0,
                        "y_offset": 0,
                        "force_positioning": info["force_positioning"] and n == len(letters),
                    }
                )
        return out


def _pdf_string(text: str) -> str:
    """`text` as a PDF literal string (ASCII: a language tag)."""
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _rtl_char(code: int) -> bool:
    """Whether the character is a letter written from the right (Arabic, Hebrew...)."""
    return unicodedata.bidirectional(chr(code)) in ("AL", "R")


def _font_cmap() -> set[int]:
    return set(TTFont(fontpkg.path(FONT_FAMILY, 400), lazy=True).getBestCmap())


def _qr(pdf: _Pdf, url: str, x: float, y: float, size: float) -> None:
    """A QR code of `url` filling the square at (x, y) of side `size`, quiet zone included; drawn
    as vector runs of dark modules (each row's runs slightly taller, so no seam shows between rows)."""
    code = segno.make(url, error="m", micro=False)
    matrix = code.matrix
    border = 4
    module = size / (len(matrix) + 2 * border)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c] & 1:
                c += 1
                continue
            start = c
            while c < len(row) and row[c] & 1:
                c += 1
            overlap = module * 0.02 if r + 1 < len(matrix) else 0.0
            pdf.rect(
                x + (border + start) * module,
                y + (border + r) * module,
                (c - start) * module,
                module + overlap,
                style="F",
            )


def _fit(
    pdf: _Pdf, text: str, width: float, height: float, largest: float, smallest: float, style: str = "B"
) -> tuple[float, list[str]]:
    """The largest font size (pt) between the bounds at which `text` fits the box, and its lines;
    at the smallest size, the lines that fit, the last ending in an ellipsis."""
    size = largest
    while True:
        pdf.set_font("plex", style, size)
        lines = pdf.multi_cell(width, _leading(size), text, dry_run=True, output="LINES")
        if len(lines) * _leading(size) <= height or size <= smallest:
            break
        size = max(smallest, size - 0.5)
    room = max(1, int(height // _leading(size)))
    if len(lines) > room:
        lines = lines[:room]
        last = lines[-1].rstrip()
        while last and pdf.get_string_width(last + "…") > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return size, lines


def _leading(size_pt: float) -> float:
    """Line height in mm for a font size in points."""
    return size_pt * 0.3528 * 1.45


def _lines(
    pdf: _Pdf, lines: list[str], x: float, y: float, width: float, size: float, align: str, lang: str | None
) -> float:
    """Draw `lines` (already broken) from `y`, marked as text in `lang`; returns the y below them."""
    with pdf.language(lang):
        for line in lines:
            pdf.set_xy(x, y)
            pdf.cell(width, _leading(size), line, align=align)
            y += _leading(size)
    return y


def _poster(pdf: _Pdf, poster: Poster, cover: Path | None) -> None:
    pdf.add_page()
    page_w, page_h = pdf.w, pdf.h
    scale = page_w / 210.0
    margin = 15 * scale
    inner = page_w - 2 * margin
    pdf.direction(poster.lang)
    said = words(poster.lang)

    # The language's name in its own script, white on a band of the player's blue.
    band = 20 * scale
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, page_w, margin + band, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("plex", "B", 30 * scale)
    pdf.set_xy(margin, margin * 0.6)
    with pdf.language(poster.lang):
        pdf.cell(inner, band, language_name(poster.lang), align="C")
    y = margin + band + 10 * scale

    pdf.set_text_color(*INK)
    size, lines = _fit(pdf, poster.title, inner, 3 * _leading(30 * scale), 30 * scale, 18 * scale)
    y = _lines(pdf, lines, margin, y, inner, size, "C", poster.lang) + 6 * scale

    # The foot, set at the bottom: the instruction, the full guide's length, and the address
    # (always left to right) for those without a camera.
    scan_size, scan_lines = _fit(pdf, said["scan"], inner, 2 * _leading(20 * scale), 20 * scale, 14 * scale)
    pdf.set_text_shaping(True, direction="ltr")
    pdf.set_font("plex", "", 9 * scale)
    url_lines = pdf.multi_cell(inner, _leading(9 * scale), poster.url, dry_run=True, output="LINES", wrapmode="CHAR")
    pdf.direction(poster.lang)
    foot_h = (
        len(scan_lines) * _leading(scan_size)
        + 2 * scale
        + _leading(13 * scale)
        + 2 * scale
        + len(url_lines) * _leading(9 * scale)
    )
    foot = page_h - margin - foot_h

    if cover is not None:
        width, height = _image_size(cover)
        h = min(55 * scale, (foot - y) * 0.3)
        w = min(inner, h * width / height)
        h = w * height / width
        pdf.image(str(cover), x=(page_w - w) / 2, y=y, w=w, h=h)
        y += h + 6 * scale
    room = foot - y - 6 * scale
    qr = min(inner * 0.85, room)
    _qr(pdf, poster.url, (page_w - qr) / 2, y + (room - qr) / 2, qr)

    pdf.set_text_color(*INK)
    pdf.set_font("plex", "B", scan_size)
    y = _lines(pdf, scan_lines, margin, foot, inner, scan_size, "C", poster.lang) + 2 * scale
    pdf.set_text_color(*MUTED)
    pdf.set_font("plex", "", 13 * scale)
    pdf.set_xy(margin, y)
    with pdf.language(poster.lang):
        pdf.cell(inner, _leading(13 * scale), f"{said['full']} · {clock(poster.duration)}", align="C")
    y += _leading(13 * scale) + 2 * scale
    pdf.set_text_shaping(True, direction="ltr")
    pdf.set_font("plex", "", 9 * scale)
    _lines(pdf, url_lines, margin, y, inner, 9 * scale, "C", None)


def _image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def _card(pdf: _Pdf, card: Card, guide_title: str, x: float, y: float, w: float, h: float) -> None:
    align = pdf.direction(card.lang)
    said = words(card.lang)
    pad = 5.0
    qr = min(h - 2 * pad - 6, w * 0.37)
    rtl = align == "R"
    # The QR code on the side where a line of this language ends; the words where it starts.
    qr_x = x + pad if rtl else x + w - pad - qr
    text_x = x + pad + qr + 4 if rtl else x + pad
    text_w = w - 2 * pad - qr - 4
    _qr(pdf, card.url, qr_x, y + pad, qr)
    pdf.set_text_color(*INK)
    pdf.set_font("plex", "B", 10)
    pdf.set_xy(qr_x, y + pad + qr)
    with pdf.language(card.lang):
        pdf.cell(qr, 6, f"{said['listen']} · {clock(card.duration)}", align="C")

    top = y + pad
    pdf.set_text_color(*ACCENT)
    pdf.set_font("plex", "B", 9)
    pdf.set_xy(text_x, top)
    with pdf.language(card.lang):
        pdf.cell(text_w, _leading(9), f"{said[card.kind]} · {language_name(card.lang)}", align=align)
    top += _leading(9) + 1.5

    bottom_h = 2 * _leading(7.5)
    pdf.set_text_color(*INK)
    size, lines = _fit(pdf, card.title, text_w, y + h - pad - bottom_h - top - 2, 14, 8.5)
    _lines(pdf, lines, text_x, top, text_w, size, align, card.lang)

    pdf.set_text_color(*MUTED)
    size, lines = _fit(pdf, guide_title, text_w, bottom_h, 7.5, 7.5, style="")
    _lines(pdf, lines, text_x, y + h - pad - len(lines) * _leading(7.5), text_w, size, align, card.lang)


def _cut_marks(pdf: _Pdf, layout: Layout, count: int) -> None:
    """Crop marks in the margin at every cut, and a small cross where four cards meet."""
    rows = -(-count // layout.columns)
    xs = [layout.left + i * layout.width for i in range(layout.columns + 1)]
    ys = [layout.top + j * layout.height for j in range(rows + 1)]
    pdf.set_draw_color(*MARKS)
    pdf.set_line_width(0.2)
    gap, length, arm = 2.0, 6.0, 2.0
    for x in xs:
        pdf.line(x, ys[0] - gap, x, ys[0] - gap - length)
        pdf.line(x, ys[-1] + gap, x, ys[-1] + gap + length)
    for y in ys:
        pdf.line(xs[0] - gap, y, xs[0] - gap - length, y)
        pdf.line(xs[-1] + gap, y, xs[-1] + gap + length, y)
    for x in xs[1:-1]:
        for y in ys[1:-1]:
            pdf.line(x - arm, y, x + arm, y)
            pdf.line(x, y - arm, x, y + arm)
