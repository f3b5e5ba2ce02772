"""`guide init`: article parsing, the YAML skeleton, and round trips that lose none of the article's words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guide.authoring import (
    ArticleList,
    init_script,
    parse_article,
    script_data,
    skeleton_yaml,
    strip_markdown,
)
from guide.authoring.skeleton import (
    check_languages,
    escape_markup,
    script_id_for,
    slugify,
    unique_id,
)
from guide.errors import InputError, OutputError
from guide.text.sentences import split_sentences

HERE = Path(__file__).resolve().parent
MARKDOWN_ARTICLE = HERE / "data" / "articles" / "chemical-peel-aftercare.md"
BOTOX_ARTICLE = Path(__file__).resolve().parents[2] / "shared/source-articles/botox-long-term-effects.txt"

ARABIC_ARTICLE = """\
العناية بالبشرة بعد التقشير

تحتاج البشرة إلى عناية خاصة بعد التقشير. يساعد الترطيب على الشفاء.

الخطوات اليومية:

• اغسل وجهك بماء فاتر
• ضع مرطبا لطيفا

الأسئلة الشائعة:

متى يتوقف التقشر؟

يتوقف التقشر عادة بعد أسبوع.

الخاتمة:

العناية اللطيفة تعطي أفضل النتائج.
"""


def parse(text: str):
    return parse_article(text, "sample.txt")


# -- parsing: headings ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Intro text.\n\n## Risks\n\nBody text.",
        "Intro text.\n\n## Risks ##\n\nBody text.",
        "Intro text.\n\n## **Risks**\n\nBody text.",
        "Intro text.\n\nRisks\n-----\n\nBody text.",
        "Intro text.\n\nRisks:\n\nBody text.",
        "Intro text.\n\nRisks:\nBody text.",  # heading and text without a blank line between
    ],
    ids=["atx", "atx-closed", "atx-bold", "setext", "colon", "colon-no-blank"],
)
def test_heading_forms(text: str) -> None:
    article = parse(text)
    assert article.intro == ("Intro text.",)
    assert [(s.heading, s.blocks) for s in article.sections] == [("Risks", ("Body text.",))]


def test_long_line_ending_in_colon_is_a_paragraph_not_a_heading() -> None:
    lead = "Before we look at the details, here is what every reader should keep in mind about the treatment:"
    article = parse(f"## Start\n\n{lead}\n\nThe rest.")
    assert article.sections[0].blocks == (lead, "The rest.")


# -- parsing: bullets ----------------------------------------------------------------


@pytest.mark.parametrize("first, second", [("•", "•"), ("-", "-"), ("*", "*"), ("+", "+"), ("1.", "2."), ("1)", "2)")])
def test_bullet_markers(first: str, second: str) -> None:
    article = parse(f"## Care\n\nSome text.\n\n  {first} Drink water\n\n  {second} Sleep **early**\n")
    assert article.sections[0].blocks == ("Some text.", ArticleList(("Drink water", "Sleep early")))


def test_indented_line_continues_a_bullet_and_a_new_marker_starts_a_new_list() -> None:
    article = parse("## Care\n\n- Drink water\n  every day\n- Rest\n* Other list\n\nAfter.")
    assert article.sections[0].blocks == (
        ArticleList(("Drink water every day", "Rest")),
        ArticleList(("Other list",)),
        "After.",
    )


@pytest.mark.parametrize(
    "text, blocks",
    [
        # The sample script's shape: a "…:" line with no paragraph of its own titles the list.
        (
            "Risks:\n\nSafe mostly.\n\nPossible Risks:\n\n• Atrophy\n• Resistance\n\nConsult often.",
            ("Safe mostly.", ArticleList(("Atrophy", "Resistance"), "Possible Risks"), "Consult often."),
        ),
        (
            "## Risks\n\nSafe mostly.\n\n### Possible risks\n\n- Atrophy\n\nConsult often.",
            ("Safe mostly.", ArticleList(("Atrophy",), "Possible risks"), "Consult often."),
        ),
        (
            "## Risks\n\nSafe mostly.\nCommon ones are:\n- Atrophy",
            ("Safe mostly. Common ones are:", ArticleList(("Atrophy",))),
        ),
        (
            "## Risks\n\nSafe mostly.\n\nCommon ones are:\n- Atrophy",
            ("Safe mostly.", ArticleList(("Atrophy",), "Common ones are")),
        ),
    ],
    ids=["colon-title", "deeper-heading-title", "inside-paragraph", "lead-in-line"],
)
def test_list_titles(text: str, blocks: tuple) -> None:
    article = parse(text)
    assert len(article.sections) == 1
    assert article.sections[0].blocks == blocks


def test_indented_line_after_a_list_and_a_heading_is_a_paragraph() -> None:
    article = parse("## One\n\n- a\n## Two\n  indented text")
    assert [(s.heading, s.blocks) for s in article.sections] == [
        ("One", (ArticleList(("a",)),)),
        ("Two", ("indented text",)),
    ]


def test_same_level_heading_before_a_list_is_a_section_of_its_own() -> None:
    article = parse("## One\n\nText.\n\n## Two\n\n- a\n- b")
    assert [s.heading for s in article.sections] == ["One", "Two"]
    assert article.sections[1].blocks == (ArticleList(("a", "b")),)


def test_list_before_any_heading_opens_a_section_named_after_the_article() -> None:
    article = parse("# Guide\n\nWelcome.\n\n- a\n- b\n\nMore.\n\n## Next\n\nText.")
    assert article.intro == ("Welcome.",)
    assert [(s.heading, s.blocks) for s in article.sections] == [
        ("Guide", (ArticleList(("a", "b")), "More.")),
        ("Next", ("Text.",)),
    ]


# -- parsing: FAQ ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "faq",
    [
        "Frequently Asked Questions:\n\nIs it safe?\n\nYes, mostly.\n\nHow long?\n\nMonths. Sometimes longer.",
        "## FAQ\n\n### Is it safe?\n\nYes, mostly.\n\n### How long?\n\nMonths.\n\nSometimes longer.",
        "## faqs\n\n**Is it safe?**\n\nYes, mostly.\n\n**How long?**\nMonths. Sometimes longer.",
        "## Frequently asked questions\n\n**Is it safe?** Yes, mostly.\n\nHow long?\nMonths.\nSometimes longer.",
    ],
    ids=["plain", "headings", "bold", "same-line"],
)
def test_faq_pairs_questions_with_the_text_that_follows(faq: str) -> None:
    article = parse(f"Intro.\n\n{faq}\n")
    assert [(q.question, q.answer) for q in article.faq] == [
        ("Is it safe?", "Yes, mostly."),
        ("How long?", "Months. Sometimes longer."),
    ]
    assert article.sections == ()


def test_faq_preamble_becomes_a_section_and_a_plain_heading_ends_the_faq() -> None:
    article = parse("## FAQ\n\nSome answers.\n\n### Why?\n\nBecause.\n\n## After\n\nText.")
    assert [(s.heading, s.blocks) for s in article.sections] == [("FAQ", ("Some answers.",)), ("After", ("Text.",))]
    assert [(q.question, q.answer) for q in article.faq] == [("Why?", "Because.")]


def test_arabic_question_mark_and_unanswered_question_note() -> None:
    article = parse("الأسئلة الشائعة:\n\nهل هو آمن؟\n\nنعم.\n\nوماذا بعد؟\n")
    assert [(q.question, q.answer) for q in article.faq] == [("هل هو آمن؟", "نعم."), ("وماذا بعد؟", "")]
    assert any("no answer" in note for note in article.notes)


def test_list_in_an_answer_is_joined_with_a_note() -> None:
    article = parse("## FAQ\n\n### What helps?\n\nSeveral things:\n\n- Water\n- Sleep\n")
    assert article.faq[0].answer == "Several things: Water Sleep"
    assert any("joined into the answer" in note for note in article.notes)


# -- parsing: conclusion ------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Conclusion:",
        "## Conclusion",
        "## In Conclusion",
        "Summary:",
        "## Final thoughts",
        "## Conclusion: is it worth it?",
        "الخاتمة:",
    ],
)
def test_final_conclusion_becomes_the_conclusion(heading: str) -> None:
    article = parse(f"## Body\n\nText.\n\n{heading}\n\nAll good. Really.\n\nBye.")
    assert article.conclusion == ("All good. Really.", "Bye.")
    assert [s.heading for s in article.sections] == ["Body"]


@pytest.mark.parametrize(
    "text",
    [
        "## Conclusion\n\nAll good.\n\n## References\n\nA book.",  # not the final section
        "## Conclusion\n\nAll good.\n\n- a point",  # has a list: the outro is prose only
        "## Summary of benefits\n\nAll good.",  # only named like a conclusion in part
    ],
    ids=["not-final", "with-list", "other-heading"],
)
def test_other_conclusion_like_sections_stay_sections(text: str) -> None:
    article = parse(text)
    assert article.conclusion == ()
    assert article.sections


def test_faq_after_the_conclusion_keeps_the_conclusion() -> None:
    article = parse("## Body\n\nText.\n\n## Conclusion\n\nBye.\n\n## FAQ\n\n### Why?\n\nBecause.")
    assert article.conclusion == ("Bye.",)
    assert len(article.faq) == 1


# -- parsing: title -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, title, from_text",
    [
        ("# My Guide\n\nText.", "My Guide", True),
        ("My Guide\n========\n\nText.", "My Guide", True),
        ("My **Guide**\n\nText.", "My Guide", True),
        ("My Guide\nText goes on.", "Sample", False),  # no blank line after it: a paragraph
        ("A first sentence.\n\nText.", "Sample", False),  # ends with punctuation
        ("Risks:\n\nText.", "Sample", False),  # a heading
        ("# One\n\nText.\n\n# Two\n\nText.", "Sample", False),  # several '#': they are sections
        (" ".join(["word"] * 20) + "\n\nText.", "Sample", False),  # too long
    ],
)
def test_title_detection(text: str, title: str, from_text: bool) -> None:
    article = parse(text)
    assert (article.title, article.title_from_text) == (title, from_text)


def test_title_from_file_name() -> None:
    article = parse_article("Text.", "some/dir/botox_long-term.effects.md")
    assert article.title == "Botox long term effects"


# -- parsing: Markdown inline syntax and whitespace ---------------------------------------------


@pytest.mark.parametrize(
    "raw, plain",
    [
        ("**bold** and __strong__", "bold and strong"),
        ("*it* and _it_", "it and it"),
        ("***both***", "both"),
        ("**a *b* c**", "a b c"),
        ("see [the site](https://x.org/a_b) now", "see the site now"),
        ('see [the site](https://x.org "Title") now', "see the site now"),
        ("![a diagram](img.png)", "a diagram"),
        ("`code` and ~~gone~~", "code and gone"),
        ("<https://x.org>", "https://x.org"),
        ("snake_case_word and 2 * 3 * 4", "snake_case_word and 2 * 3 * 4"),
        (r"\*not emphasis\* and \[x\]", "*not emphasis* and [x]"),
        ("a citation [1] stays", "a citation [1] stays"),
    ],
)
def test_strip_markdown(raw: str, plain: str) -> None:
    assert strip_markdown(raw) == plain


def test_reference_links_and_their_definitions() -> None:
    article = parse("## Sources\n\nRead [the guide][aad] and [2].\n\n[aad]: https://www.aad.org/\n")
    assert article.sections[0].blocks == ("Read the guide and [2].",)


def test_whitespace_is_normalised_and_words_kept() -> None:
    article = parse("\ufeff## Care\r\n\r\nDrink\u00a0 water,\tdaily.\r\nIt’s  (حقن البوتوكس) fine.\r\n")
    assert article.sections[0].blocks == ("Drink water, daily. It’s (حقن البوتوكس) fine.",)


def test_heading_without_text_is_left_out_with_a_note() -> None:
    article = parse("## Empty\n\n## Full\n\nText.")
    assert [s.heading for s in article.sections] == ["Full"]
    assert any("Empty" in note for note in article.notes)


@pytest.mark.parametrize("text", ["", "  \n\t\n", "\ufeff"])
def test_empty_article_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        parse(text)


def test_headings_only_is_nothing_to_say() -> None:
    with pytest.raises(InputError, match="nothing to say"):
        parse("# Title\n\n## One\n\n## Two\n")


# -- skeleton: ids, languages, escaping -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, slug",
    [
        ("How long can I safely use Botox?", "how-long-can-i-safely-use-botox"),
        ("Botox’s Effects", "botoxs-effects"),
        ("Crème brûlée — the end", "creme-brulee-the-end"),
        ("Potential Risks Associated with Long-Term Use", "potential-risks-associated-with-long"),
        ("الأسئلة الشائعة", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert len(slug) <= 40


def test_unique_ids_avoid_duplicates_and_reserved_names() -> None:
    taken: set[str] = set()
    ids = [unique_id(t, taken, "section") for t in ["Intro", "Care", "Care", "Care", "عناية", "عناية", "Outro"]]
    assert ids == ["intro-2", "care", "care-2", "care-3", "section", "section-2", "outro-2"]
    long = "word " * 20
    assert [len(unique_id(long, taken, "section")) <= 40 for _ in range(3)] == [True] * 3


@pytest.mark.parametrize(
    "name, script_id", [("Botox_Long Term.txt", "botox-long-term"), ("مقال.md", "guide"), ("a--b.txt", "a-b")]
)
def test_default_script_id(name: str, script_id: str) -> None:
    assert script_id_for(Path(name)) == script_id


@pytest.mark.parametrize("languages", [(), ("EN",), ("en", "en"), ("english",), ("en", "ar_EG")])
def test_bad_languages(languages: tuple[str, ...]) -> None:
    with pytest.raises(InputError, match="languages"):
        check_languages(languages)


def test_bad_script_id() -> None:
    with pytest.raises(InputError, match="not a safe id"):
        script_data(parse("Text."), ("en",), "Bad_Id")


def test_escape_markup() -> None:
    assert escape_markup("see [1] and {x}") == "see [[1]] and {{x}}"


def test_yaml_text_loads_as_the_script_data() -> None:
    article = parse(
        '# T: [1]\n\nSay "hi" \\ {now}.\n\n## Care\n\n- a\n\n## FAQ\n\n### Q?\n\nA.\n\n## Conclusion\n\nBye.'
    )
    for languages in [("en", "ar"), ("en",), ("en", "no", "pt-BR")]:
        text = skeleton_yaml(article, languages, "t")
        assert yaml.safe_load(text) == script_data(article, languages, "t")


def test_header_lines() -> None:
    lines = skeleton_yaml(parse("Text."), ("en", "ar", "fr"), "t").splitlines()
    assert re.fullmatch(r"# yaml-language-server: \$schema=file://\S+/guide/script/schema\.json", lines[0])
    assert lines[1].startswith("# ") and "ar, fr" in lines[1] and "guide check --allow-missing" in lines[1]
    single = skeleton_yaml(parse("Text."), ("en",), "t").splitlines()
    assert "translate" not in single[1] and '""' not in "\n".join(single)


# -- init_script: files and errors --------------------------------------------------------------------


def test_default_output_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    written = init_script(MARKDOWN_ARTICLE)
    assert written == Path("scripts/chemical-peel-aftercare.yaml")
    assert (tmp_path / written).is_file()
    assert [p.name for p in (tmp_path / "scripts").iterdir()] == [written.name]  # no temporary file left


def test_output_folder_and_explicit_id(tmp_path: Path) -> None:
    written = init_script(MARKDOWN_ARTICLE, tmp_path, script_id="peel")
    assert written == tmp_path / "peel.yaml"
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["id"] == "peel"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "guide.yaml"
    out.write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputError, match="exists; use --force to overwrite"):
        init_script(MARKDOWN_ARTICLE, out)
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert init_script(MARKDOWN_ARTICLE, out, force=True) == out
    assert "chemical-peel-aftercare" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"\n \n\t\n", "empty"),
        (b"# Title\n\nGood line.\n\nBad \xff byte.\n", r":5: not UTF-8"),
        ("Text.".encode("utf-16"), "UTF-16"),
        (b"# Title\n\n## Only headings\n", "nothing to say"),
    ],
    ids=["missing", "empty", "blank", "not-utf8", "utf16", "headings-only"],
)
def test_bad_articles(tmp_path: Path, content: bytes | None, message: str) -> None:
    article = tmp_path / "article.txt"
    if content is not None:
        article.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        init_script(article, tmp_path / "out.yaml")
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(str(article))
    assert not (tmp_path / "out.yaml").exists()


def test_bom_is_accepted(tmp_path: Path) -> None:
    article = tmp_path / "bom.txt"
    article.write_bytes("\ufeffHello there.\n".encode())
    data = yaml.safe_load(init_script(article, tmp_path / "bom.yaml").read_text(encoding="utf-8"))
    assert data["intro"] == {"en": "Hello there.", "ar": ""}


def test_arabic_article_with_arabic_first(tmp_path: Path) -> None:
    article = tmp_path / "peel-ar.txt"
    article.write_text(ARABIC_ARTICLE, encoding="utf-8")
    written = init_script(article, tmp_path / "ar.yaml", languages=("ar", "en"))
    text = written.read_text(encoding="utf-8")
    assert "\\u" not in text and "تحتاج البشرة إلى عناية خاصة" in text
    data = yaml.safe_load(text)
    assert data["languages"] == ["ar", "en"]
    assert data["title"] == {"ar": "العناية بالبشرة بعد التقشير", "en": ""}
    assert data["intro"] == {"ar": "تحتاج البشرة إلى عناية خاصة بعد التقشير. يساعد الترطيب على الشفاء.", "en": ""}
    assert data["sections"] == [
        {
            "id": "section",
            "title": {"ar": "الخطوات اليومية", "en": ""},
            "body": [{"bullets": [{"ar": "اغسل وجهك بماء فاتر", "en": ""}, {"ar": "ضع مرطبا لطيفا", "en": ""}]}],
        }
    ]
    assert data["faq"] == [
        {
            "id": "question",
            "question": {"ar": "متى يتوقف التقشر؟", "en": ""},
            "answer": {"ar": "يتوقف التقشر عادة بعد أسبوع.", "en": ""},
        }
    ]
    assert data["outro"] == {"ar": "العناية اللطيفة تعطي أفضل النتائج.", "en": ""}


# -- round trips: nothing of the article lost or altered ------------------------------------------------


def _unescape(text: str) -> str:
    return text.replace("[[", "[").replace("]]", "]").replace("{{", "{").replace("}}", "}")


def _script_stream(data: dict, with_title: bool) -> list[tuple[str, str]]:
    """The script's first-language texts in reading order: titles whole, texts as sentences."""
    lang = data["languages"][0]
    stream: list[tuple[str, str]] = []

    def title(text: dict) -> None:
        stream.append(("title", _unescape(text[lang])))

    def say(text: dict) -> None:
        stream.extend(("sentence", s) for s in split_sentences(_unescape(text[lang]), "en"))

    if with_title:
        title(data["title"])
    if "intro" in data:
        say(data["intro"])
    for section in data.get("sections", []):
        title(section["title"])
        for block in section["body"]:
            if "bullets" not in block:
                say(block)
                continue
            if "title" in block:
                title(block["title"])
            for item in block["bullets"]:
                say(item)
    for entry in data.get("faq", []):
        title(entry["question"])
        say(entry["answer"])
    if "outro" in data:
        say(data["outro"])
    return stream


def _markdown_plain(text: str) -> str:
    """Just enough Markdown removal for the test article (links, bold, emphasis, heading and list marks)."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "")
    text = re.sub(r"(?<!\w)[*_]([^*_]+)[*_](?!\w)", r"\1", text)
    return re.sub(r"^(?:#+|[•*+-]|\d+[.)])\s+", "", text.strip())


def _article_stream(text: str, titles: set[str], dropped: set[str]) -> list[tuple[str, str]]:
    """The article's chunks in order: headings that became titles whole, everything else as sentences."""
    chunks: list[list[str]] = []
    fresh = True
    for line in text.splitlines():
        if not line.strip():
            fresh = True
            continue
        # A list item or a heading is a chunk of its own; other lines continue a paragraph.
        if fresh or re.match(r"^\s*(?:#|[•*+-]\s|\d+[.)]\s)", line):
            chunks.append([])
        chunks[-1].append(line)
        fresh = bool(re.match(r"^\s*#", line))
    stream: list[tuple[str, str]] = []
    for chunk in chunks:
        plain = " ".join(_markdown_plain(" ".join(chunk)).split())
        if plain in dropped:
            continue
        heading = plain.removesuffix(":")
        if heading in titles:
            stream.append(("title", heading))
        else:
            stream.extend(("sentence", s) for s in split_sentences(plain, "en"))
    return stream


def _round_trip(article_path: Path, tmp_path: Path, dropped: set[str]) -> tuple[list, list]:
    written = init_script(article_path, tmp_path / "script.yaml")
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    article = parse_article(article_path.read_text(encoding="utf-8"), str(article_path))
    script = _script_stream(data, with_title=article.title_from_text)
    titles = {text for kind, text in script if kind == "title"}
    return _article_stream(article_path.read_text(encoding="utf-8"), titles, dropped), script


@pytest.mark.skipif(
    not BOTOX_ARTICLE.is_file(), reason=f"source article not found at {BOTOX_ARTICLE} (../shared is not in this clone)"
)
def test_round_trip_of_the_source_article(tmp_path: Path) -> None:
    expected, script = _round_trip(BOTOX_ARTICLE, tmp_path, dropped={"Frequently Asked Questions:", "Conclusion:"})
    assert script == expected
    titles = [text for kind, text in script if kind == "title"]
    assert titles[:4] == [
        "The Importance of Considering Long-Term Effects",
        "Potential Risks Associated with Long-Term Use",
        "Possible Long-Term Risks",
        "Long-Term Benefits of Botox",
    ]
    assert len(titles) == 5 + 5  # 3 sections, 2 list titles, 5 questions


def test_round_trip_of_the_markdown_article(tmp_path: Path) -> None:
    expected, script = _round_trip(MARKDOWN_ARTICLE, tmp_path, dropped={"FAQ", "Conclusion"})
    assert script == expected
    assert ("sentence", "This guide explains what to expect and how to help your skin heal [1].") in script
    assert "heal [[1]]." in (tmp_path / "script.yaml").read_text(encoding="utf-8")


# -- the validator accepts the skeleton (needs loader.py's allow_missing) -------------------------------


@pytest.mark.skipif(
    not BOTOX_ARTICLE.is_file(), reason=f"source article not found at {BOTOX_ARTICLE} (../shared is not in this clone)"
)
def test_source_article_skeleton_loads_and_keeps_arabic(tmp_path: Path) -> None:
    from guide.script.loader import load_script

    written = init_script(BOTOX_ARTICLE, tmp_path / "botox.yaml")
    text = written.read_text(encoding="utf-8")
    assert "Botox Injections(حقن البوتوكس)" in text and "\\u" not in text
    script = load_script(written, allow_missing=True)
    assert [s.id for s in script.sections] == [
        "the-importance-of-considering-long-term",
        "potential-risks-associated-with-long",
        "long-term-benefits-of-botox",
    ]
    assert len(script.faq) == 5 and script.intro is not None and script.outro is not None


@pytest.mark.parametrize("languages", [("en", "ar"), ("en",), ("ar", "en")])
def test_markdown_skeleton_loads(tmp_path: Path, languages: tuple[str, ...]) -> None:
    from guide.script.loader import load_script

    script = load_script(init_script(MARKDOWN_ARTICLE, tmp_path / "peel.yaml", languages=languages), allow_missing=True)
    assert script.languages == languages
    assert [s.id for s in script.sections] == ["what-happens-to-the-skin", "daily-care"]


def test_guide_check_allow_missing_accepts_the_skeleton(tmp_path: Path) -> None:
    from guide.cli import main

    written = init_script(MARKDOWN_ARTICLE, tmp_path / "peel.yaml")
    result = CliRunner().invoke(main, ["check", "--allow-missing", str(written)])
    assert result.exit_code == 0, result.output


def test_guide_init_command(tmp_path: Path) -> None:
    from guide.cli import main

    out = tmp_path / "peel.yaml"
    runner = CliRunner()
    first = runner.invoke(main, ["init", str(MARKDOWN_ARTICLE), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert out.is_file()
    again = runner.invoke(main, ["init", str(MARKDOWN_ARTICLE), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
    missing = runner.invoke(main, ["init", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "x.yaml")])
    assert missing.exit_code == 2


def test_init_names_each_cloud_voice_ready_to_swap_in(tmp_path: Path, monkeypatch) -> None:
    """Each commented cloud voice, put in place of the default Arabic line, is a voice guide check accepts."""
    from guide.cli import main

    written = init_script(MARKDOWN_ARTICLE, tmp_path / "peel.yaml")
    text = written.read_text(encoding="utf-8")
    default = next(line for line in text.splitlines() if line.startswith("  ar: {engine: gtts"))
    choices = [
        line.replace("  # ar:", "  ar:", 1).split("  #")[0].rstrip()
        for line in text.splitlines()
        if line.startswith("  # ar: {engine:")
    ]
    assert [re.search(r"engine: ([a-z-]+)", c).group(1) for c in choices] == [
        "azure",
        "google-cloud",
        "polly",
        "elevenlabs",
    ]
    monkeypatch.setenv("GUIDE_OFFLINE", "1")  # credentials are not needed to check a script that builds offline
    for choice in choices:
        swapped = tmp_path / "swapped.yaml"
        swapped.write_text(text.replace(default, choice), encoding="utf-8")
        result = CliRunner().invoke(main, ["check", "--allow-missing", str(swapped)])
        if "fallback" in choice:
            assert result.exit_code == 0, (choice, result.output)
        else:  # no fallback: an offline check says to give one, naming the engine
            assert result.exit_code == 2 and "needs the network and this build is offline" in result.output, (
                choice,
                result.output,
            )


def test_init_s_podcast_settings_uncommented_are_a_valid_script(tmp_path: Path) -> None:
    """The commented author, owner and M4B lines, uncommented as they are, load as those settings."""
    from guide.script.loader import load_script

    written = init_script(MARKDOWN_ARTICLE, tmp_path / "peel.yaml")
    lines = written.read_text(encoding="utf-8").splitlines()
    settings = [line for line in lines if re.match(r"# (author|owner|publish):", line)]
    assert len(settings) == 3
    written.write_text("\n".join(line[2:] if line in settings else line for line in lines) + "\n", encoding="utf-8")
    script = load_script(written, allow_missing=True)
    assert script.author == "Your clinic" and script.owner.email == "podcast@your-clinic.example" and script.publish.m4b
