"""Podcast cover art: a square JPEG made from the guide's title, for a script with no ``cover:``.
(An author's own cover is checked against what podcast directories take with the script:
:func:`guide.script.files.check_cover`.)

Apple Podcasts (and the directories that copy its rules) want square artwork, JPEG or PNG, in
RGB, 1400 to 3000 px on a side. :func:`make_cover` draws one per language: the title large,
wrapped over as many lines as make it largest, aligned to where its language starts reading
(left for English, right for Arabic, so the two covers mirror each other), and the author small
under a short rule, low but above the bottom fifth (which Apple Podcasts covers with its own labels).
The text is white or ink, whichever contrasts more with the background, and at least 4.5:1 (WCAG AA)
whatever the colour.

The title is laid out by fpdf2's Unicode bidi algorithm, shaped with HarfBuzz (``uharfbuzz``, as
guide print does), and its glyphs' outlines are filled by Pillow (4× over, then averaged down):
Arabic letters join and run right to left on any machine, whether or not Pillow was built with
libraqm, and the cover is the same either way. The typeface is the one
guide ships, IBM Plex Sans Arabic (it has Latin letters too); no font of the machine is used.
The same inputs give the same bytes (same Pillow), so a rebuild leaves the file as it was.
"""

from __future__ import annotations

import io
import itertools
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..safe_files import file_sha256
from ..script.files import check_cover  # noqa: F401 - its name here before it moved to the script's checks
from .transcripts import is_rtl

if TYPE_CHECKING:
    from ..script.model import Script

FONT_FAMILY = "IBM Plex Sans Arabic"
"""The cover's typeface, installed with guide (``fontpkg-ibm-plex-sans-arabic``, SIL OFL 1.1)."""

TITLE_WEIGHT = 700
AUTHOR_WEIGHT = 500

DEFAULT_COLOUR = "#0a5299"
"""The background when the script names none: the web player's accent blue."""

LIGHT = "#ffffff"
DARK = "#1b2430"
"""The two text colours: white, or the player's ink (black when neither reaches 4.5:1)."""

MIN_CONTRAST = 4.5
"""WCAG 2 level AA for text."""

QUALITY = 90
"""JPEG quality of a made cover."""

# The layout, in fractions of the cover's side (titles in em of their own size).
MARGIN = 0.09
"""Blank border on every side."""
CLEAR_BOTTOM = 0.2
"""Nothing is drawn in the bottom fifth: Apple Podcasts lays play progress, labels and offers over it."""
TITLE_MAX = 0.16
"""Largest title size: a short title is not blown up beyond it."""
TITLE_MIN = 0.055
"""Smallest title size: a title too long for it is cut short with an ellipsis."""
AUTHOR_SIZE = 0.07
"""The author line's size (smaller if the line is too long)."""
RULE = (0.14, 0.012)
"""Width and thickness of the rule above the author."""
GAP = 0.045
"""Space between the title and the rule, and between the rule and the author."""
LEADING = {False: 1.12, True: 1.4}
"""Least distance between baselines of the title, in em, left-to-right and right-to-left scripts
(Arabic letters climb and hang further than Latin ones); more when the ink of two lines would be
closer than :data:`LINE_CLEARANCE`."""
LINE_CLEARANCE = 0.1
"""Least blank between the ink of two lines of the title, in em."""

SUPERSAMPLE = 4
"""Glyph outlines are filled at this many times the size, then averaged down (anti-aliasing)."""

ELLIPSIS = "\u2026"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


# ---------------------------------------------------------------------------------------------
# Colours


def parse_colour(colour: str) -> tuple[int, int, int]:
    """The (red, green, blue) of a ``#rrggbb`` colour; ValueError for anything else."""
    if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
        raise ValueError(f"colour {colour!r} is not a #rrggbb colour")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 black, 1 white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """White or ink, whichever contrasts more with `background`; pure black or white if that
    is what it takes to reach :data:`MIN_CONTRAST` (one of them always does)."""
    light, dark = parse_colour(LIGHT), parse_colour(DARK)
    best = max((light, dark), key=lambda c: contrast_ratio(c, background))
    if contrast_ratio(best, background) >= MIN_CONTRAST:
        return best
    return max(((255, 255, 255), (0, 0, 0)), key=lambda c: contrast_ratio(c, background))


# ---------------------------------------------------------------------------------------------
# Shaping


@dataclass(frozen=True)
class _Glyph:
    gid: int
    x: float
    """Pen position from the line's left end, in font units."""
    y: float
    """Offset above the baseline, in font units."""


@dataclass(frozen=True)
class _Line:
    text: str
    glyphs: tuple[_Glyph, ...]
    """In visual order, left to right."""
    advance: float
    """The line's width by its advances, in font units."""
    ink: tuple[float, float, float, float]
    """The ink's box from the pen's start on the baseline: left, bottom, right, top (y up), font units."""

    @property
    def width(self) -> float:
        """Width of the ink, in font units."""
        return self.ink[2] - self.ink[0]


@lru_cache(maxsize=4)
def _font(weight: int) -> Any:
    """The HarfBuzz font of IBM Plex Sans Arabic at `weight`, in font units."""
    import fontpkg  # noqa: PLC0415 - loaded only to draw a cover (guide.publish.cover loads at CLI start-up)
    import uharfbuzz as hb  # noqa: PLC0415 - ~10 ms, loaded only to draw a cover

    with open(fontpkg.path(FONT_FAMILY, weight), "rb") as file:
        face = hb.Face(hb.Blob(file.read()))
    font = hb.Font(face)
    font.scale = (face.upem, face.upem)
    return font


def _upem(weight: int) -> int:
    return _font(weight).face.upem


def _visual_runs(text: str, rtl: bool) -> list[tuple[str, bool]]:
    """`text` as one line of a paragraph written right to left (`rtl`) or left to right: its runs
    of one direction, in the order they are drawn from the left, each with whether it is written
    right to left. The Unicode bidi algorithm is fpdf2's (guide print's), so Latin names and
    numbers in an Arabic title sit where a browser would put them."""
    from fpdf.bidi import BidiParagraph  # noqa: PLC0415 - ~270 ms (fpdf2), loaded only to draw a cover
    from fpdf.enums import TextDirection  # noqa: PLC0415 - ~270 ms (fpdf2), loaded only to draw a cover

    direction = TextDirection.RTL if rtl else TextDirection.LTR
    # Joiners (ZWJ, ZWNJ) are kept, and stay in the run they sit in: they steer the shaping.
    paragraph = BidiParagraph(text, base_direction=direction, preserve_bn_chars=True)
    runs: list[tuple[str, int]] = []  # (text, embedding level), in logical order
    for char in paragraph.get_characters_with_embedding_level():
        if runs and (runs[-1][1] == char.embedding_level or unicodedata.bidirectional(char.character) == "BN"):
            runs[-1] = (runs[-1][0] + char.character, runs[-1][1])
        else:
            runs.append((char.character, char.embedding_level))
    if not runs:
        return []
    # Rule L2: from the highest level down to the lowest odd one, reverse every stretch of runs
    # at that level or higher.
    levels = [level for _, level in runs]
    lowest_odd = min((level for level in levels if level % 2), default=max(levels) + 1)
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(runs):
            if runs[i][1] >= level:
                j = i
                while j < len(runs) and runs[j][1] >= level:
                    j += 1
                runs[i:j] = runs[i:j][::-1]
                i = j
            else:
                i += 1
    return [(chunk, level % 2 == 1) for chunk, level in runs]


LAM_ALEF = re.compile("\u0644[\u0622\u0623\u0625\u0627]")
"""Lam followed by an alef (ا آ أ إ): the one Arabic ligature the script itself requires."""


def shaping_features(text: str) -> dict[str, Any]:
    """HarfBuzz features for `text` in IBM Plex Sans Arabic: only the ligatures Arabic requires (lam-alef), no other.

    The font's ``rlig`` (required ligatures, on by default) holds 241 ligatures, lam-alef and 240 that are a matter
    of style: a beh, teh, noon or yeh joined with the final reh, zain, noon, alef maksura or yeh after it. One
    of them, teh with a final alef maksura (U+FC74), makes "متى" (when) read as "مق" on a card (measured: HarfBuzz
    gives that glyph with rlig on, the three letters with it off). So ``rlig`` is off but for each lam-alef, and
    ``dlig`` (discretionary ligatures: shorter forms of the same, and the word Allah as one glyph) stays off. Ranges
    are character indices of `text` (fpdf2 and the cover shape with one cluster per character)."""
    return {
        "dlig": False,
        "rlig": [(0, len(text), False), *((m.start(), m.end(), True) for m in LAM_ALEF.finditer(text))],
    }


@lru_cache(maxsize=4096)
def _shape(text: str, rtl: bool, weight: int) -> _Line:
    """One line of `text`, shaped and laid out left to right (in a right-to-left paragraph when
    `rtl`), in font units."""
    import uharfbuzz as hb  # noqa: PLC0415 - ~10 ms, loaded only to draw a cover

    font = _font(weight)
    glyphs: list[_Glyph] = []
    left = bottom = float("inf")
    right = top = float("-inf")
    x = 0.0
    for run, run_rtl in _visual_runs(text, rtl):
        buf = hb.Buffer()
        buf.add_str(run)
        buf.guess_segment_properties()
        buf.direction = "rtl" if run_rtl else "ltr"
        hb.shape(font, buf, shaping_features(run))
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
            gx, gy = x + pos.x_offset, float(pos.y_offset)
            glyphs.append(_Glyph(info.codepoint, gx, gy))
            ext = font.get_glyph_extents(info.codepoint)
            if ext is not None and ext.width and ext.height:
                left = min(left, gx + ext.x_bearing)
                right = max(right, gx + ext.x_bearing + ext.width)
                top = max(top, gy + ext.y_bearing)
                bottom = min(bottom, gy + ext.y_bearing + ext.height)
            x += pos.x_advance
    if left == float("inf"):  # nothing but spaces
        left = right = top = bottom = 0.0
    return _Line(text, tuple(glyphs), x, (left, bottom, right, top))


# ---------------------------------------------------------------------------------------------
# Layout


@dataclass(frozen=True)
class _Block:
    lines: tuple[_Line, ...]
    scale: float
    """Pixels per font unit."""
    pitch: float
    """Baseline to baseline, in font units."""

    @property
    def height(self) -> float:
        """Height of the ink, first line's top to last line's bottom, in font units."""
        return self.lines[0].ink[3] + self.pitch * (len(self.lines) - 1) - self.lines[-1].ink[1]

    @property
    def width(self) -> float:
        """Width of the widest line's ink, in font units."""
        return max(line.width for line in self.lines)


def _block(texts: Sequence[str], rtl: bool, weight: int, max_scale: float, box: tuple[float, float]) -> _Block:
    """`texts` as lines, at the largest scale up to `max_scale` that fits `box` (width, height in px)."""
    lines = tuple(_shape(t, rtl, weight) for t in texts)
    em = _upem(weight)
    pitch = LEADING[rtl] * em
    for upper, lower in itertools.pairwise(lines):
        pitch = max(pitch, lower.ink[3] - upper.ink[1] + LINE_CLEARANCE * em)
    probe = _Block(lines, 1.0, pitch)
    scale = min(max_scale, box[0] / max(probe.width, 1e-9), box[1] / max(probe.height, 1e-9))
    return _Block(lines, scale, pitch)


def _balanced(words: Sequence[str], n: int, rtl: bool, weight: int) -> list[str]:
    """`words` in `n` lines whose widest is as narrow as can be."""
    space = _shape(" ", rtl, weight).advance
    widths = [_shape(w, rtl, weight).advance for w in words]
    count = len(words)
    before = [0.0]
    for w in widths:
        before.append(before[-1] + w)

    def width(i: int, j: int) -> float:  # words i..j-1 on one line
        return before[j] - before[i] + space * (j - i - 1)

    # best[k][j]: least widest line setting the first j words in k lines, and where the last starts.
    inf = float("inf")
    best = [[(inf, 0)] * (count + 1) for _ in range(n + 1)]
    best[0][0] = (0.0, 0)
    for k in range(1, n + 1):
        for j in range(k, count + 1):
            for i in range(k - 1, j):
                if best[k - 1][i][0] < inf:
                    cost = max(best[k - 1][i][0], width(i, j))
                    if cost < best[k][j][0]:
                        best[k][j] = (cost, i)
    lines: list[str] = []
    j = count
    for k in range(n, 0, -1):
        i = best[k][j][1]
        lines.append(" ".join(words[i:j]))
        j = i
    return lines[::-1]


def _fit_title(title: str, rtl: bool, side: int, box: tuple[float, float]) -> _Block:
    """The title's lines and size: of every way to break it into lines, the one that sets it
    largest in `box`; cut short with an ellipsis when even the smallest size cannot hold it."""
    em = _upem(TITLE_WEIGHT)
    max_scale = TITLE_MAX * side / em
    min_scale = TITLE_MIN * side / em
    words = title.split()
    most_lines = max(1, int((box[1] / min_scale - em) // (LEADING[rtl] * em)) + 1)
    best: _Block | None = None
    for n in range(1, min(len(words), most_lines) + 1):
        if best is not None and n > 1 and box[1] / ((n - 1) * LEADING[rtl] * em) <= best.scale:
            break  # more lines could only be smaller
        block = _block(_balanced(words, n, rtl, TITLE_WEIGHT), rtl, TITLE_WEIGHT, max_scale, box)
        if block.height * block.scale <= box[1] + 1e-6 and (best is None or block.scale > best.scale + 1e-9):
            best = block
    if best is not None and best.scale >= min_scale:
        return best
    return _truncated(words, rtl, min_scale, box)


def _truncated(words: Sequence[str], rtl: bool, scale: float, box: tuple[float, float]) -> _Block:
    """As many of `words` as fit `box` at `scale`, filling lines in turn, the last ending in an
    ellipsis; a word longer than a line is cut between letters."""
    limit = box[0] / scale

    def fits(text: str) -> bool:
        return _shape(text, rtl, TITLE_WEIGHT).width <= limit

    pieces: list[str] = []
    for word in words:  # cut words too long for a line
        while not fits(word):
            cut = len(word) - 1
            while cut > 1 and not fits(word[:cut]):
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    lines: list[str] = []
    for piece in pieces:
        if lines and fits(f"{lines[-1]} {piece}"):
            lines[-1] = f"{lines[-1]} {piece}"
        else:
            lines.append(piece)
    while True:
        block = _block(lines, rtl, TITLE_WEIGHT, scale, box)
        if block.scale >= scale - 1e-9 or len(lines) == 1:
            break
        lines = lines[:-1]
        lines[-1] = _ellipsis(lines[-1], fits)
    return block


def _ellipsis(line: str, fits: Any) -> str:
    """`line` ended with an ellipsis where whole words cut, letters only if one word is left."""
    words = line.split()
    while len(words) > 1 and not fits(" ".join(words) + ELLIPSIS):
        words.pop()
    last = " ".join(words)
    while last and not fits(last + ELLIPSIS):
        last = last[:-1].rstrip()
    return last + ELLIPSIS


# ---------------------------------------------------------------------------------------------
# Drawing


class _OutlinePen:
    """A pen (fontTools' protocol, as HarfBuzz's ``draw_glyph_with_pen`` drives it) that traces
    glyph outlines, in font units, into a Pillow outline in pixels."""

    def __init__(self, outline: Any, x: float, y: float, scale: float) -> None:
        self.outline, self.x, self.y, self.scale = outline, x, y, scale
        self.current = (0.0, 0.0)

    def _at(self, x: float, y: float) -> tuple[float, float]:
        return self.x + x * self.scale, self.y - y * self.scale

    def moveTo(self, p: tuple[float, float]) -> None:  # the pen protocol's names
        self.outline.move(*self._at(*p))
        self.current = p

    def lineTo(self, p: tuple[float, float]) -> None:
        self.outline.line(*self._at(*p))
        self.current = p

    def curveTo(self, c1: tuple[float, float], c2: tuple[float, float], p: tuple[float, float]) -> None:
        self.outline.curve(*self._at(*c1), *self._at(*c2), *self._at(*p))
        self.current = p

    def qCurveTo(self, c: tuple[float, float], p: tuple[float, float]) -> None:
        (x0, y0), (cx, cy), (x, y) = self.current, c, p
        c1 = (x0 + 2 / 3 * (cx - x0), y0 + 2 / 3 * (cy - y0))
        c2 = (x + 2 / 3 * (cx - x), y + 2 / 3 * (cy - y))
        self.curveTo(c1, c2, p)

    def closePath(self) -> None:
        self.outline.close()

    def endPath(self) -> None:
        pass


def _draw_line(
    image: Any, line: _Line, weight: int, scale: float, left: float, baseline: float, ink: tuple[int, int, int]
) -> None:
    """Draw `line` on `image` with its ink's left edge at `left` and its baseline at `baseline` (px)."""
    from PIL import Image, ImageDraw  # noqa: PLC0415 - heavy (Pillow, ~15 ms), loaded only to draw a cover

    ink_left, ink_bottom, _ink_right, ink_top = line.ink
    x0 = int(left)  # the mask's corner, whole pixels; the glyphs keep their fraction
    y0 = int(baseline - ink_top * scale) - 1
    w = int(left + line.width * scale) - x0 + 2
    h = int(baseline - ink_bottom * scale) - y0 + 2
    if w <= 0 or h <= 0 or not line.glyphs:
        return
    s = SUPERSAMPLE
    mask = Image.new("L", (w * s, h * s), 0)
    draw = ImageDraw.Draw(mask)
    font = _font(weight)
    origin_x = (left - x0 - ink_left * scale) * s
    origin_y = (baseline - y0) * s
    for glyph in line.glyphs:
        outline = ImageDraw.Outline()
        pen = _OutlinePen(outline, origin_x + glyph.x * scale * s, origin_y - glyph.y * scale * s, scale * s)
        font.draw_glyph_with_pen(glyph.gid, pen)
        draw.shape(outline, fill=255)
    mask = mask.reduce(s)
    image.paste(ink, (x0, y0), mask)


def make_cover(title: str, author: str | None, lang: str, colour: str | None = None, size: int = 3000) -> bytes:
    """A square JPEG cover, `size` px on a side, for the guide `title` in `lang`, by `author`.

    The title is set large (as large as fits, within bounds), broken into lines of even width
    and aligned to the start of its language's lines; the author is set small at the bottom
    under a short rule. The background is `colour` (``#rrggbb``, else :data:`DEFAULT_COLOUR`),
    the text white or ink, whichever contrasts more. Same inputs, same bytes.
    """
    from PIL import Image, ImageDraw  # noqa: PLC0415 - heavy (Pillow, ~15 ms), loaded only to draw a cover

    if size < 64:
        raise ValueError(f"a cover of {size} px is too small to draw")
    background = parse_colour(colour or DEFAULT_COLOUR)
    ink = text_colour(background)
    rtl = is_rtl(lang)
    title = " ".join(unicodedata.normalize("NFC", title).split())
    author = " ".join(unicodedata.normalize("NFC", author).split()) if author else ""
    margin = round(MARGIN * size)
    width = size - 2 * margin - 1  # ink ending exactly on a pixel's edge still tints that pixel
    gap = GAP * size
    bottom = size - max(margin, round(CLEAR_BOTTOM * size)) - 1  # the lowest ink may reach

    image = Image.new("RGB", (size, size), background)
    if author:
        em = _upem(AUTHOR_WEIGHT)
        line = _shape(author, rtl, AUTHOR_WEIGHT)
        scale = min(AUTHOR_SIZE * size / em, width / max(line.width, 1e-9))
        baseline = bottom + line.ink[1] * scale
        _draw_line(image, line, AUTHOR_WEIGHT, scale, _start(line, scale, rtl, margin, width), baseline, ink)
        # The rule: its bottom a gap above the author's capitals (not its tallest Arabic letter).
        rule_w, rule_h = round(RULE[0] * size), max(1, round(RULE[1] * size))
        rule_bottom = round(baseline - 0.7 * em * scale - gap)
        rule_left = margin + width - rule_w if rtl else margin
        ImageDraw.Draw(image).rectangle(
            (rule_left, rule_bottom - rule_h, rule_left + rule_w - 1, rule_bottom - 1), fill=ink
        )
        bottom = rule_bottom - rule_h - gap
    if title:
        block = _fit_title(title, rtl, size, (width, bottom - margin))
        baseline = margin + block.lines[0].ink[3] * block.scale
        for line in block.lines:
            _draw_line(
                image, line, TITLE_WEIGHT, block.scale, _start(line, block.scale, rtl, margin, width), baseline, ink
            )
            baseline += block.pitch * block.scale
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, dpi=(72, 72))  # Apple's artwork rules ask for 72 dpi
    return out.getvalue()


def _start(line: _Line, scale: float, rtl: bool, margin: float, width: float) -> float:
    """Where the ink of `line` begins on the left, in px: at the margin, or ending at the right one."""
    return margin + width - line.width * scale if rtl else float(margin)


# ---------------------------------------------------------------------------------------------
# The covers of a guide

COVER_VERSION = 2
"""Bump when :func:`make_cover` draws differently, so every generated cover is made (and embedded) again."""


def cover_recipe(script: Script, lang: str) -> dict:
    """What decides the bytes of `script`'s cover in `lang`: the author's file, or what a
    generated one is drawn from. Part of every file's recipe, so a new cover re-tags them."""
    if script.cover is not None:
        return {"file": file_sha256(script.cover), "embedded": EMBED_SIDE}
    return {
        "generated": COVER_VERSION,
        "title": script.title[lang],
        "author": script.author,
        "colour": script.theme.colour,
        "embedded": EMBED_SIDE,
    }


EMBED_SIDE = 600
"""Side in px of the cover in the MP3s: sharp on a phone's lock screen, about 35 KB."""


def shrink(data: bytes, side: int = EMBED_SIDE) -> bytes:
    """`data` (a square JPEG or PNG cover) as an RGB JPEG at most `side` px on a side; the same bytes for the same
    input."""
    from PIL import Image  # noqa: PLC0415 - heavy (Pillow, ~10 ms), loaded only to shrink a cover

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        if image.width > side or image.height > side:
            image = image.resize((side, round(side * image.height / image.width)), Image.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=QUALITY, optimize=True, dpi=(72, 72))
    return out.getvalue()


class Covers:
    """The cover of each language of a script: the author's ``cover:`` for every language, else
    one made per language by :func:`make_cover` when first asked for (encoders ask from several
    threads; each cover is drawn once)."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self._made: dict[str, bytes] = {}
        self._small: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def data(self, lang: str) -> bytes:
        """The cover's bytes (JPEG or PNG)."""
        with self._lock:
            if lang not in self._made:
                script = self.script
                if script.cover is not None:
                    self._made[lang] = script.cover.read_bytes()
                else:
                    self._made[lang] = make_cover(script.title[lang], script.author, lang, script.theme.colour)
            return self._made[lang]

    def embedded(self, lang: str) -> bytes:
        """The cover as it goes into the MP3s: a JPEG :data:`EMBED_SIDE` px on a side. An MP3's tag
        comes before its audio, so a phone streaming a ten-second answer from a QR code would
        otherwise fetch a 225 KB picture before the first word (the feed and the M4B carry the full size)."""
        with self._lock:
            if lang in self._small:
                return self._small[lang]
        small = shrink(self.data(lang), EMBED_SIDE)
        with self._lock:
            return self._small.setdefault(lang, small)

    def name(self, lang: str) -> str:
        """Its path in the guide folder: ``<lang>/cover.jpg`` (``.png`` for an author's PNG)."""
        png = self.script.cover is not None and self.data(lang).startswith(b"\x89PNG")
        return f"{lang}/cover.{'png' if png else 'jpg'}"
