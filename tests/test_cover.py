"""guide.publish.cover: made covers (size, format, layout inside the margins, Arabic joined and
right to left, contrast, same bytes every time) and the check of an author's own cover."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, features

from guide.publish import cover
from guide.publish.cover import contrast_ratio, make_cover, parse_colour, text_colour
from guide.script.files import check_cover

EN_TITLE = "Botox: long-term effects"
AR_TITLE = "البوتوكس: التأثيرات على المدى الطويل"
LONG_EN = (
    "Care after your knee replacement surgery: what to expect in the first six weeks at home, "
    "how to manage pain and swelling, and when to call the clinic"
)
LONG_AR = (
    "العناية بعد جراحة استبدال الركبة: ما تتوقعه في الأسابيع الستة الأولى في المنزل، "
    "وكيف تتعامل مع الألم والتورم، ومتى تتصل بالعيادة"
)
SIDE = 1400  # most tests draw the smallest cover podcasts take: the layout scales with the side
INK_THRESHOLD = 64  # a pixel this far (0-255, any channel) from the background is ink, not JPEG noise


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _ink(data: bytes, background: str = cover.DEFAULT_COLOUR) -> np.ndarray:
    """Where the cover differs from its background: a boolean array, rows by columns."""
    pixels = np.asarray(_image(data).convert("RGB"), dtype=np.int16)
    return np.abs(pixels - np.array(parse_colour(background), dtype=np.int16)).max(axis=2) > INK_THRESHOLD


def _bands(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive rows (or columns, given the transpose) holding ink: [start, end)."""
    filled = mask.any(axis=1)
    bands: list[tuple[int, int]] = []
    start = None
    for i, on in enumerate(filled):
        if on and start is None:
            start = i
        elif not on and start is not None:
            bands.append((start, i))
            start = None
    if start is not None:
        bands.append((start, len(filled)))
    return bands


def _box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """Left, top, right, bottom (exclusive) of the ink."""
    rows, cols = np.nonzero(mask)
    return int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1


def _margin(side: int) -> int:
    return round(cover.MARGIN * side)


# --------------------------------------------------------------------------------- format, size


@pytest.mark.parametrize("lang, title", [("en", EN_TITLE), ("ar", AR_TITLE)])
def test_default_cover_is_a_square_rgb_jpeg_podcasts_take(lang: str, title: str, tmp_path: Path) -> None:
    data = make_cover(title, "Clinic", lang)
    image = _image(data)
    assert data[:3] == b"\xff\xd8\xff"
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (3000, 3000))
    assert image.info["dpi"] == (72, 72)  # as Apple's artwork rules ask
    assert len(data) < 512_000  # what Apple asks an episode's art to stay under, the cover's too
    path = tmp_path / "cover.jpg"
    path.write_bytes(data)
    assert check_cover(path) is None


@pytest.mark.parametrize("size", [1400, 2048])
def test_cover_has_the_size_asked(size: int) -> None:
    image = _image(make_cover(EN_TITLE, "Clinic", "en", size=size))
    assert image.size == (size, size)


def test_a_long_dense_title_still_makes_a_cover_under_a_megabyte() -> None:
    data = make_cover(" ".join(f"word{i}" for i in range(150)), "Clinic", "en")
    assert _image(data).size == (3000, 3000)
    assert len(data) < 1_000_000


@pytest.mark.parametrize("colour", ["blue", "#12345", "#gggggg", "0a5299", "#0a5299 "])
def test_a_colour_that_is_not_rrggbb_is_refused(colour: str) -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        make_cover(EN_TITLE, None, "en", colour=colour)


def test_a_tiny_size_is_refused() -> None:
    with pytest.raises(ValueError):
        make_cover(EN_TITLE, None, "en", size=10)


# --------------------------------------------------------------------------------- determinism


def test_same_inputs_give_the_same_bytes() -> None:
    first = make_cover(AR_TITLE, "Clinic", "ar", "#7a1f3d", size=SIDE)
    assert make_cover(AR_TITLE, "Clinic", "ar", "#7a1f3d", size=SIDE) == first
    assert make_cover(AR_TITLE, "Clinic ", "ar", "#7a1f3d", size=SIDE) == first  # spacing is not content
    assert make_cover(AR_TITLE, "Clinic", "ar", "#7a1f3e", size=SIDE) != first
    assert make_cover(AR_TITLE, "Klinik", "ar", "#7a1f3d", size=SIDE) != first
    assert make_cover(AR_TITLE[:-1], "Clinic", "ar", "#7a1f3d", size=SIDE) != first


def test_same_bytes_in_a_fresh_process() -> None:
    """Nothing cached, no hash seed, no clock makes its way into the file."""
    code = (
        "import hashlib, sys\n"
        "from guide.publish.cover import make_cover\n"
        f"sys.stdout.write(hashlib.sha256(make_cover({EN_TITLE!r}, 'Clinic', 'en', size={SIDE})).hexdigest())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.stdout == hashlib.sha256(make_cover(EN_TITLE, "Clinic", "en", size=SIDE)).hexdigest()


def test_the_cover_does_not_depend_on_libraqm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shaping is HarfBuzz's and drawing is glyph outlines: a Pillow without libraqm (or without
    FreeType at all) makes the very same cover."""
    expected = make_cover(AR_TITLE, "Clinic", "ar", size=SIDE)
    from PIL import ImageFont

    def no_freetype(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cover must not need Pillow's FreeType or libraqm")

    monkeypatch.setattr(features, "check", lambda *a, **k: False)
    monkeypatch.setattr(ImageFont, "truetype", no_freetype)
    monkeypatch.setattr(ImageFont, "FreeTypeFont", no_freetype)
    assert make_cover(AR_TITLE, "Clinic", "ar", size=SIDE) == expected


# --------------------------------------------------------------------------------- layout


@pytest.mark.parametrize(
    "lang, title, author",
    [
        ("en", EN_TITLE, "Clinic"),
        ("ar", AR_TITLE, "Clinic"),
        ("en", LONG_EN, "St Mary's Hospital, Department of Orthopaedic Surgery and Rehabilitation"),
        ("ar", LONG_AR, "عيادة الجلدية والتجميل في مستشفى الجامعة"),
        ("en", " ".join(f"word{i}" for i in range(150)), None),  # cut short with an ellipsis
        ("ar", " ".join(["كلمة"] * 150), "Clinic"),
        ("en", "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3, "Clinic"),  # one word longer than a line
        ("ar", "ـ" * 400, None),  # an Arabic "word" of 400 joining strokes, no space to break at
    ],
)
def test_text_stays_inside_the_margins(lang: str, title: str, author: str | None) -> None:
    ink = _ink(make_cover(title, author, lang, size=SIDE))
    left, top, right, bottom = _box(ink)
    margin = _margin(SIDE)
    assert left >= margin and top >= margin
    assert right <= SIDE - margin and bottom <= SIDE - margin
    assert bottom <= SIDE * (1 - cover.CLEAR_BOTTOM)  # Apple Podcasts' labels cover the bottom fifth


def test_a_long_title_wraps_over_several_balanced_lines() -> None:
    """Counted in the pixels: English has no dots or marks floating between its lines."""
    ink = _ink(make_cover(LONG_EN, "Clinic", "en", size=SIDE))
    *title, _rule, _author = _bands(ink)
    assert len(title) >= 3
    heights = [b - a for a, b in title]
    assert max(heights) < SIDE * cover.TITLE_MAX * 1.5  # lines, not one blob
    # balanced: the shortest line is not a word dangling at the end
    widths = [_box(ink[a:b])[2] - _box(ink[a:b])[0] for a, b in title]
    assert min(widths) > 0.5 * max(widths)


def test_a_long_arabic_title_wraps_over_several_balanced_lines() -> None:
    """Arabic's dots leave blank rows inside a line: its lines are counted in the layout."""
    side = SIDE
    margin = _margin(side)
    block = cover._fit_title(LONG_AR, True, side, (side - 2 * margin, side / 2))
    assert len(block.lines) >= 3
    assert " ".join(line.text for line in block.lines) == LONG_AR  # all of it, in order
    widths = [line.width for line in block.lines]
    assert min(widths) > 0.5 * max(widths)
    assert max(widths) * block.scale <= side - 2 * margin
    assert block.height * block.scale <= side / 2


def test_a_title_too_long_for_the_smallest_size_ends_in_an_ellipsis() -> None:
    words = " ".join(["كلمة"] * 150)
    block = cover._fit_title(words, True, SIDE, (SIDE - 2 * _margin(SIDE), SIDE / 2))
    assert block.scale == pytest.approx(cover.TITLE_MIN * SIDE / cover._upem(cover.TITLE_WEIGHT))
    assert block.lines[-1].text.endswith(cover.ELLIPSIS)
    assert all(line.text.endswith("كلمة") for line in block.lines[:-1])  # cut between words
    assert block.height * block.scale <= SIDE / 2


def test_title_is_large_and_author_smaller_under_a_rule() -> None:
    ink = _ink(make_cover(EN_TITLE, "Clinic", "en", size=SIDE))
    bands = _bands(ink)
    *title, rule, author = bands
    assert len(title) >= 1
    assert title[-1][1] < rule[0] < rule[1] < author[0]
    rule_height = rule[1] - rule[0]
    assert abs(rule_height - cover.RULE[1] * SIDE) <= 2
    title_height = max(b - a for a, b in title)
    assert author[1] - author[0] < 0.6 * title_height
    assert author[1] <= SIDE - _margin(SIDE)
    # the title fills a good part of the width: big enough to read on a phone's list
    left, _, right, _ = _box(ink[title[0][0] : title[-1][1]])
    assert right - left > 0.5 * (SIDE - 2 * _margin(SIDE))


def test_no_author_no_rule() -> None:
    bands = _bands(_ink(make_cover("Botox", None, "en", size=SIDE)))
    assert len(bands) == 1


def test_a_short_title_is_not_blown_up_past_the_largest_size() -> None:
    ink = _ink(make_cover("A", None, "en", size=SIDE))
    _left, top, _right, bottom = _box(ink)
    assert bottom - top < cover.TITLE_MAX * SIDE  # a capital is less than an em tall
    assert bottom - top > 0.5 * cover.TITLE_MAX * SIDE


def test_english_starts_at_the_left_margin_arabic_at_the_right() -> None:
    margin = _margin(SIDE)
    en = _ink(make_cover(LONG_EN, "Clinic", "en", size=SIDE))
    bands = _bands(en)
    for a, b in bands:  # every line, the rule and the author start at the left margin
        assert _box(en[a:b])[0] - margin <= 3
    rights = [_box(en[a:b])[2] for a, b in bands[:-2]]
    assert max(rights) - min(rights) > 20  # ragged on the right
    ar = _ink(make_cover(LONG_AR, "Clinic", "ar", size=SIDE))
    assert (SIDE - margin) - _box(ar)[2] <= 3  # Arabic ends at the right margin, so does its rule
    rule = _bands(ar)[-2]
    assert (SIDE - margin) - _box(ar[rule[0] : rule[1]])[2] <= 3
    assert _box(ar[rule[0] : rule[1]])[0] > SIDE / 2


@pytest.mark.parametrize("lang, word", [("en", "Botox"), ("ar", "البوتوكس")])
def test_a_short_title_sits_on_its_language_side(lang: str, word: str) -> None:
    margin = _margin(SIDE)
    left, _, right, _ = _box(_ink(make_cover(word, None, lang, size=SIDE)))
    start, end = (SIDE - margin - right, left - margin) if lang == "ar" else (left - margin, SIDE - margin - right)
    assert start <= 3
    assert end > 0.1 * SIDE


# --------------------------------------------------------------------------------- Arabic shaping


def _column_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of columns with ink: [start, end), left to right."""
    return _bands(mask.T)


def test_arabic_letters_are_joined() -> None:
    """Beh five times joins into one stroke; with zero-width non-joiners between them the same
    letters stand apart, five shapes wider in all."""
    joined = _ink(make_cover("ببببب", None, "ar", size=SIDE))
    apart = _ink(make_cover("\u200c".join("ببببب"), None, "ar", size=SIDE))
    assert len(_column_runs(joined)) == 1
    assert len(_column_runs(apart)) == 5
    joined_width = _box(joined)[2] - _box(joined)[0]
    apart_width = _box(apart)[2] - _box(apart)[0]
    assert joined_width < 0.8 * apart_width


def _run_widths(title: str, lang: str) -> list[int]:
    return [b - a for a, b in _column_runs(_ink(make_cover(title, None, lang, size=SIDE)))]


def test_arabic_runs_right_to_left_on_either_cover() -> None:
    """Alef (a thin stroke), a space, then a joined word: the alef is the rightmost shape."""
    for lang in ("ar", "en"):
        widths = _run_widths("ا ببب", lang)
        assert len(widths) == 2 and widths[-1] < widths[0], lang


def test_the_cover_language_sets_the_paragraph_direction() -> None:
    """A Latin capital I, then an Arabic word: first on the right of an Arabic cover, first on
    the left of an English one (as a browser lays out the same text in either)."""
    ar = _run_widths("I ببب", "ar")
    en = _run_widths("I ببب", "en")
    assert len(ar) == len(en) == 2
    assert ar[-1] < ar[0]
    assert en[0] < en[-1]


def test_glyphs_are_the_joining_forms() -> None:
    """HarfBuzz picks initial, medial and final forms, none of them the isolated letter's."""
    isolated = cover._shape("ب", True, cover.TITLE_WEIGHT).glyphs[0].gid
    joined = [g.gid for g in cover._shape("ببب", True, cover.TITLE_WEIGHT).glyphs]
    assert len(joined) == 3 and isolated not in joined and len(set(joined)) == 3


@pytest.mark.parametrize(
    "text, rtl, order",
    [
        ("علاج 2024 Botox", True, ["Botox", " ", "2024", "علاج "]),  # as a browser lays it out
        ("Botox 2024", True, ["Botox 2024"]),
        ("Title عربي 123", False, ["Title ", "123", "عربي "]),
        ("البوتوكس: التأثيرات", True, ["البوتوكس: التأثيرات"]),
    ],
)
def test_mixed_directions_follow_the_bidi_algorithm(text: str, rtl: bool, order: list[str]) -> None:
    assert [run for run, _ in cover._visual_runs(text, rtl)] == order


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow has no libraqm to compare with")
@pytest.mark.parametrize("text, rtl", [(AR_TITLE, True), (EN_TITLE, False)])
def test_drawn_like_pillow_with_libraqm(text: str, rtl: bool) -> None:
    """The outlines drawn from HarfBuzz's glyphs cover the same pixels as Pillow's own text
    drawing through FreeType and libraqm, where it has them, given the same features (the titles hold no
    lam-alef, so guide's features are rlig and dlig off throughout, which libraqm takes)."""
    import fontpkg
    from PIL import ImageDraw, ImageFont

    px = 120
    line = cover._shape(text, rtl, cover.TITLE_WEIGHT)
    scale = px / cover._upem(cover.TITLE_WEIGHT)
    width = int(line.advance * scale) + 100
    mine = Image.new("L", (width, 260), 0)
    cover._draw_line(mine, line, cover.TITLE_WEIGHT, scale, 50, 180, 255)
    font = ImageFont.truetype(
        fontpkg.path(cover.FONT_FAMILY, cover.TITLE_WEIGHT), px, layout_engine=ImageFont.Layout.RAQM
    )
    theirs = Image.new("L", (width, 260), 0)
    assert not cover.LAM_ALEF.search(text)
    ImageDraw.Draw(theirs).text(
        (50, 180),
        text,
        font=font,
        fill=255,
        anchor="ls",
        direction="rtl" if rtl else "ltr",
        features=["-rlig", "-dlig"],
    )
    a, b = np.asarray(mine) > 127, np.asarray(theirs) > 127
    b = np.roll(b, _box(a)[0] - _box(b)[0], axis=1)  # same left edge of ink
    assert (a & b).sum() / (a | b).sum() > 0.9


# --------------------------------------------------------------------------------- contrast


def test_contrast_ratio_matches_wcag_examples() -> None:
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio((12, 34, 56), (12, 34, 56)) == pytest.approx(1.0)


def test_text_colour_reaches_aa_contrast_on_every_background() -> None:
    steps = range(0, 256, 15)
    for r in steps:
        for g in steps:
            for b in steps:
                background = (r, g, b)
                assert contrast_ratio(text_colour(background), background) >= cover.MIN_CONTRAST, background


def test_dark_text_on_light_backgrounds_white_on_dark() -> None:
    assert text_colour(parse_colour("#ffffff")) == parse_colour(cover.DARK)
    assert text_colour(parse_colour("#f4d35e")) == parse_colour(cover.DARK)
    assert text_colour(parse_colour(cover.DEFAULT_COLOUR)) == (255, 255, 255)
    assert text_colour(parse_colour("#000000")) == (255, 255, 255)


@pytest.mark.parametrize("colour", [None, "#f4d35e", "#2a9d8f", "#777777", "#7a1f3d", "#ffffff"])
def test_the_drawn_cover_has_that_background_and_readable_text(colour: str | None) -> None:
    data = make_cover(EN_TITLE, "Clinic", "en", colour=colour, size=SIDE)
    pixels = np.asarray(_image(data).convert("RGB"), dtype=np.int16)
    background = np.array(parse_colour(colour or cover.DEFAULT_COLOUR))
    assert np.abs(pixels[5, 5] - background).max() <= 3
    assert np.abs(pixels[-5, -5] - background).max() <= 3
    # the pixel of the text farthest from the background: the letters' solid colour
    far = np.abs(pixels - background).sum(axis=2)
    ink = pixels.reshape(-1, 3)[int(far.argmax())]
    assert contrast_ratio(tuple(int(c) for c in ink), tuple(int(c) for c in background)) >= cover.MIN_CONTRAST


# --------------------------------------------------------------------------------- check_cover


def _save(path: Path, size: tuple[int, int], fmt: str, mode: str = "RGB") -> Path:
    Image.new(mode, size, 128 if mode == "L" else None).save(path, fmt)
    return path


CASES = [
    # name, size, format, mode, what the message must say (None: the cover is fine)
    ("ok-min.png", (1400, 1400), "PNG", "RGB", None),
    ("ok-max.jpg", (3000, 3000), "JPEG", "RGB", None),
    ("ok.jpg", (2048, 2048), "JPEG", "RGB", None),
    ("ok-palette.png", (1400, 1400), "PNG", "P", None),
    ("small.png", (1200, 1200), "PNG", "RGB", ["1200 × 1200 px", "square", "1400 to 3000 px"]),
    ("tiny.jpg", (1399, 1399), "JPEG", "RGB", ["1399 × 1399 px"]),
    ("big.jpg", (3001, 3001), "JPEG", "RGB", ["3001 × 3001 px", "1400 to 3000 px"]),
    ("wide.png", (1200, 800), "PNG", "RGB", ["1200 × 800 px", "square"]),
    ("tall.jpg", (1400, 1401), "JPEG", "RGB", ["1400 × 1401 px", "square"]),
    ("cover.gif", (1400, 1400), "GIF", "P", ["GIF", "JPEG or PNG"]),
    ("cover.bmp", (1400, 1400), "BMP", "RGB", ["BMP", "JPEG or PNG"]),
    ("cmyk.jpg", (1400, 1400), "JPEG", "CMYK", ["CMYK", "RGB"]),
    ("alpha.png", (1400, 1400), "PNG", "RGBA", ["transparent", "alpha channel"]),
    ("grey-alpha.png", (1400, 1400), "PNG", "LA", ["transparent", "alpha channel"]),
]


@pytest.mark.parametrize("name, size, fmt, mode, expected", CASES, ids=[c[0] for c in CASES])
def test_check_cover(
    tmp_path: Path, name: str, size: tuple[int, int], fmt: str, mode: str, expected: list[str] | None
) -> None:
    message = check_cover(_save(tmp_path / name, size, fmt, mode))
    if expected is None:
        assert message is None
    else:
        assert message is not None and "\n" not in message
        assert message.startswith(name)
        for part in expected:
            assert part in message


def test_check_cover_on_what_is_not_an_image(tmp_path: Path) -> None:
    text = tmp_path / "cover.png"
    text.write_text("not a picture at all\n")
    message = check_cover(text)
    assert message is not None and message.startswith("cover.png") and "not an image" in message
    assert "JPEG or PNG" in message


def test_check_cover_on_a_missing_file(tmp_path: Path) -> None:
    message = check_cover(tmp_path / "gone.jpg")
    assert message is not None and "gone.jpg" in message and "no such file" in message


def test_check_cover_on_a_truncated_jpeg(tmp_path: Path) -> None:
    whole = io.BytesIO()
    Image.effect_noise((1400, 1400), 60).convert("RGB").save(whole, "JPEG")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    message = check_cover(cut)
    assert message is not None and message.startswith("cut.jpg") and "cannot be read" in message


def test_check_cover_on_an_enormous_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A decompression bomb is refused before it is decoded (the limit is lowered to test it)."""
    path = _save(tmp_path / "huge.png", (1400, 1400), "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1400 * 1400 // 4)
    message = check_cover(path)
    assert message is not None and "too large" in message


@pytest.mark.skipif(not features.check("webp"), reason="Pillow without WebP")
def test_check_cover_on_webp(tmp_path: Path) -> None:
    message = check_cover(_save(tmp_path / "cover.webp", (1400, 1400), "WEBP"))
    assert message is not None and "WEBP" in message


# --------------------------------------------------------------------------------- the docs' thumbnails


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_docs_thumbnails_are_small(lang: str) -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "covers" / f"cover-{lang}.jpg"
    assert path.stat().st_size < 60_000
    image = _image(path.read_bytes())
    assert image.format == "JPEG" and image.size[0] == image.size[1] <= 600


def test_the_cover_in_the_mp3s_is_small_and_the_same_picture() -> None:
    data = make_cover(EN_TITLE, "Clinic", "en")
    small = cover.shrink(data)
    image = _image(small)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (cover.EMBED_SIDE, cover.EMBED_SIDE))
    assert len(small) < 60_000 < len(data)
    assert cover.shrink(data) == small  # the same bytes each time: a rebuild leaves the MP3s as they were
    expected = np.asarray(_image(data).resize(image.size), dtype=float)
    assert np.abs(np.asarray(image, dtype=float) - expected).mean() < 3
