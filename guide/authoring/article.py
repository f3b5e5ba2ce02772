"""Parse a plain-text or Markdown article into its parts: title, intro, sections, FAQ, conclusion.

Pure functions only: text in, :class:`Article` out. Nothing here knows the
YAML script format; :mod:`guide.authoring.skeleton` turns an :class:`Article`
into a script.

The rules, in short:

* headings are ``#``/``##``… lines, a line underlined with ``===``/``---``, or a
  short line of its own ending in ``:``;
* bullets start with ``•``, ``-``, ``*``, ``+`` or ``1.``/``1)``;
* a heading directly followed by a list, inside a section (a plain ``…:`` line,
  or a Markdown heading deeper than the section's), is the list's title;
* a section headed "FAQ" / "Frequently Asked Questions" holds questions (lines
  ending in ``?``, bold, or headings) each answered by the text that follows;
* a final section headed "Conclusion" (or "Summary", "Final thoughts"…) of
  paragraphs only is the conclusion;
* text before the first heading is the intro.

The article's words are kept exactly; only whitespace is normalised and
Markdown syntax (emphasis, links) removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from ..errors import InputError
from ..text.sentences import split_sentences


@dataclass(frozen=True)
class ArticleList:
    """A bullet or numbered list (markers removed)."""

    items: tuple[str, ...]
    """The items' texts, in order."""

    title: str | None = None
    """The lead-in heading spoken before the list ("Possible Long-Term Risks"), if any."""


Block = str | ArticleList
"""A piece of a section: a paragraph (its text) or a list."""


@dataclass(frozen=True)
class ArticleSection:
    """A heading and what follows it, up to the next heading of a section."""

    heading: str
    """The heading's text, without Markdown marks or its final colon."""

    blocks: tuple[Block, ...]
    """Paragraphs and lists in reading order; never empty."""


@dataclass(frozen=True)
class Question:
    """One FAQ entry."""

    question: str
    """The question, as written (with its question mark)."""

    answer: str
    """The text that follows the question up to the next one; may be empty when the article gives none."""


@dataclass(frozen=True)
class Article:
    """An article, split into the parts a script has."""

    source: str
    """Where the article came from (its file name), for messages."""

    title: str
    """The article's title line, or one derived from the file name."""

    title_from_text: bool
    """True when :attr:`title` is the article's own first line, False when derived from the file name."""

    intro: tuple[str, ...]
    """Paragraphs before the first heading (the script's intro)."""

    sections: tuple[ArticleSection, ...]
    """Sections in reading order (not the FAQ and not the conclusion)."""

    faq: tuple[Question, ...]
    """Questions and answers of the FAQ section(s), in order."""

    conclusion: tuple[str, ...]
    """Paragraphs of the final "Conclusion" section (the script's outro)."""

    notes: tuple[str, ...] = field(default=())
    """Things the author should check (``"line 12: …"``): decisions the parser had to make."""


# -- line patterns ----------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^[ \t]*([•◦▪‣\-*+])[ \t]+(\S.*)$")
_ORDERED = re.compile(r"^[ \t]*\d{1,3}([.)])[ \t]+(\S.*)$")
_REF_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]+\S+")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_INDENTED = re.compile(r"^(?: {2,}|\t)")

_QUESTION_END = ("?", "؟", "？")
_FINAL_PUNCT = ".!?…؟۔:;,،؛"

_FAQ_RE = re.compile(
    r"\bFAQs?\b|frequently\s+asked\s+questions|الأسئلة\s+الشائعة|أسئلة\s+شائعة|الأسئلة\s+المتكررة", re.IGNORECASE
)
_CONCLUSION_RE = re.compile(
    r"^(?:(?:in\s+)?conclusions?|summary|in\s+(?:summary|short|brief|closing)"
    r"|(?:final|closing|concluding)\s+(?:thoughts|words|remarks)"
    r"|(?:the\s+)?bottom\s+line|wrapping\s+up|to\s+(?:sum\s+up|conclude)|(?:key\s+)?takeaways?"
    r"|الخاتمة|خاتمة|الخلاصة|في\s+الختام)(?:\s*[:\-–—].*)?$",
    re.IGNORECASE,
)

HEADING_MAX_WORDS = 15
"""A line ending in ':' longer than this is a sentence leading into what follows, not a heading."""

TITLE_MAX_WORDS = 15
"""A first line longer than this is a paragraph, not the article's title."""


# -- Markdown inline syntax ----------------------------------------------------

# Backslash-escaped punctuation is hidden behind private-use characters while
# the emphasis patterns run, so "\*" stays a literal star.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_PRIVATE = 0xF0000
_CODE = re.compile(r"(`+)(.+?)\1")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?[^)\s>]*>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[([^\]]*)\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_STRONG = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
)
_EMPHASIS = (
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"),
)
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


def strip_markdown(text: str, references: frozenset[str] = frozenset()) -> str:
    """Remove Markdown inline syntax, keeping the words: ``**x**`` -> x, ``[text](url)`` -> text.

    `references` are the labels of reference-style link definitions
    (``[label]: url``); ``[text][label]`` becomes text only for those, so a
    citation like ``[1]`` stays as written.
    """
    text = _ESCAPED.sub(lambda m: chr(_PRIVATE + ord(m.group(1))), text)
    text = _CODE.sub(lambda m: m.group(2).strip(), text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(lambda m: m.group(1) if (m.group(2) or m.group(1)).lower() in references else m.group(0), text)
    text = _AUTOLINK.sub(r"\1", text)
    for pattern in (*_STRONG, *_EMPHASIS, _STRIKE):
        # Repeat so nested emphasis (***x***, **a *b* c**) is fully removed.
        previous = None
        while previous != text:
            previous, text = text, pattern.sub(r"\1", text)
    return re.sub(r"[\U000F0000-\U000F007F]", lambda m: chr(ord(m.group()) - _PRIVATE), text)


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    return " ".join(text.split())


# -- pass 1: lines -> elements -------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    text: str
    """Heading text, already cleaned (no marks, no final colon)."""
    level: int | None
    """Markdown level (1 for '#'), None for a plain 'Heading:' line."""
    line: int


@dataclass(frozen=True)
class _Para:
    lines: tuple[str, ...]
    """Raw lines (Markdown still in them)."""
    line: int
    blank_after: bool
    """True when a blank line (or the end of the file) follows."""


@dataclass(frozen=True)
class _List:
    items: tuple[str, ...]
    """Raw item texts (marker removed, continuation lines joined)."""
    line: int


_Element = _Heading | _Para | _List


class _Lines:
    """Groups an article's lines into headings, paragraphs and lists (pass 1)."""

    def __init__(self, references: frozenset[str]) -> None:
        self.references = references
        self.out: list[_Element] = []
        self.para: list[str] = []
        self.para_line = 0
        self.items: list[str] = []
        self.items_line = 0
        self.list_kind: str | None = None
        self.after_item = False
        """The previous line was a list item (or its continuation): an indented line continues it."""

    def flush_para(self, blank_after: bool) -> None:
        if self.para:
            self.out.append(_Para(tuple(self.para), self.para_line, blank_after))
            self.para = []

    def close_list(self) -> None:
        if self.items:
            self.out.append(_List(tuple(self.items), self.items_line))
            self.items = []
        self.list_kind = None
        self.after_item = False

    def heading(self, raw: str, level: int | None, line: int) -> None:
        text = heading_text(raw, self.references)
        if text:
            self.out.append(_Heading(text, level, line))

    def feed(self, number: int, raw: str) -> None:
        line = _QUOTE.sub("", raw)
        if not line.strip():
            self.flush_para(blank_after=True)
            self.after_item = False
            return  # a blank line ends a paragraph but not a list: the next item may continue it
        if self.para and _SETEXT.match(line):
            lines, start = self.para, self.para_line
            self.para = []
            self.heading(" ".join(lines), 1 if line.strip().startswith("=") else 2, start)
            return
        if _THEMATIC.match(line) or _REF_DEF.match(line):
            self.flush_para(blank_after=True)
            self.close_list()
            return
        atx = _ATX.match(line)
        if atx:
            self.flush_para(blank_after=False)
            self.close_list()
            self.heading(atx.group(2) or "", len(atx.group(1)), number)
            return
        item = _BULLET.match(line) or _ORDERED.match(line)
        if item:
            self.flush_para(blank_after=False)
            kind = item.group(1)
            if kind != self.list_kind:
                # A different marker starts a new list (as in CommonMark).
                self.close_list()
                self.list_kind, self.items_line = kind, number
            self.items.append(item.group(2))
            self.after_item = True
            return
        if self.after_item and self.items and _INDENTED.match(line):
            self.items[-1] += " " + line.strip()
            return
        self.after_item = False
        self.close_list()
        if not self.para:
            self.para_line = number
        self.para.append(line)

    def finish(self) -> list[_Element]:
        self.flush_para(blank_after=True)
        self.close_list()
        return self.out


def heading_text(raw: str, references: frozenset[str] = frozenset()) -> str:
    """A heading's words: Markdown removed, whitespace normalised, final colon dropped."""
    text = normalise(strip_markdown(raw, references))
    return text[:-1].rstrip() if text.endswith((":", "：")) else text


def _is_colon_heading(text: str) -> bool:
    """True for a short line of its own ending in ':' ("Possible Long-Term Risks:")."""
    return (
        text.endswith((":", "：")) and len(text.split()) <= HEADING_MAX_WORDS and len(split_sentences(text, "en")) == 1
    )


def _split_colon_headings(elements: list[_Element], references: frozenset[str]) -> list[_Element]:
    """Pass 2: a paragraph whose first line is a short '…:' line starts with a plain heading."""
    out: list[_Element] = []
    for element in elements:
        if isinstance(element, _Para):
            first = normalise(strip_markdown(element.lines[0], references))
            if _is_colon_heading(first):
                out.append(_Heading(heading_text(element.lines[0], references), None, element.line))
                if len(element.lines) > 1:
                    out.append(_Para(element.lines[1:], element.line + 1, element.blank_after))
                continue
        out.append(element)
    return out


# -- title ---------------------------------------------------------------------


def title_from_name(source: str) -> str:
    """A title made from a file name: ``botox-long-term-effects.txt`` -> "Botox long term effects"."""
    stem = PurePath(source).stem if not source.startswith("<") else ""
    words = normalise(re.sub(r"[-_.]+", " ", stem))
    return (words[:1].upper() + words[1:]) if words else "Untitled guide"


def _take_title(elements: list[_Element], references: frozenset[str]) -> tuple[str | None, list[_Element]]:
    """The article's own title, when its first element is one, and the elements after it."""
    if not elements:
        return None, elements
    first = elements[0]
    # With several '#' headings they are the sections, not a title.
    if (
        isinstance(first, _Heading)
        and first.level == 1
        and sum(1 for e in elements if isinstance(e, _Heading) and e.level == 1) == 1
    ):
        return first.text, elements[1:]
    if isinstance(first, _Para) and len(first.lines) == 1 and first.blank_after:
        text = normalise(strip_markdown(first.lines[0], references))
        if text and text[-1] not in _FINAL_PUNCT and len(text.split()) <= TITLE_MAX_WORDS:
            return text, elements[1:]
    return None, elements


# -- pass 3: elements -> article -------------------------------------------------


@dataclass
class _Part:
    """A section being collected."""

    heading: str
    level: int | None
    line: int
    faq: bool
    blocks: list[Block] = field(default_factory=list)


@dataclass
class _Open:
    """A question being collected: its text and the pieces of its answer."""

    question: str
    line: int
    answer: list[str] = field(default_factory=list)


def _is_question(text: str) -> bool:
    return text.endswith(_QUESTION_END)


class _Builder:
    """Walks the elements and collects intro, sections, FAQ and notes (pass 3)."""

    def __init__(self, references: frozenset[str]) -> None:
        self.references = references
        self.intro: list[str] = []
        self.loose: list[Block] = []
        """Blocks before the first heading once a list appeared there (the intro is prose only)."""
        self.parts: list[_Part] = []
        self.questions: list[Question] = []
        self.open: _Open | None = None
        self.notes: list[str] = []

    @property
    def part(self) -> _Part | None:
        return self.parts[-1] if self.parts else None

    def text(self, lines: tuple[str, ...] | list[str]) -> str:
        return normalise(strip_markdown(" ".join(lines), self.references))

    # -- questions
    def close_question(self) -> None:
        if self.open is None:
            return
        answer = normalise(" ".join(self.open.answer))
        if not answer:
            self.notes.append(
                f'line {self.open.line}: the question "{self.open.question}" has no answer in the article'
            )
        self.questions.append(Question(self.open.question, answer))
        self.open = None

    def ask(self, question: str, line: int) -> _Open:
        self.close_question()
        self.open = _Open(question, line)
        return self.open

    # -- elements
    def heading(self, heading: _Heading, next_is_list: bool) -> bool:
        """Handle a heading; True when it is the title of the list that follows (consumed with it)."""
        part = self.part
        deeper = (
            part is not None and heading.level is not None and part.level is not None and heading.level > part.level
        )
        if part is not None and part.faq and (_is_question(heading.text) or deeper):
            self.ask(heading.text, heading.line)
            return False
        if next_is_list and part is not None and (heading.level is None or deeper) and not _FAQ_RE.search(heading.text):
            return True
        self.close_question()
        self.parts.append(_Part(heading.text, heading.level, heading.line, bool(_FAQ_RE.search(heading.text))))
        return False

    def paragraph(self, para: _Para) -> None:
        part = self.part
        if part is not None and part.faq:
            first = self.text(para.lines[:1])
            bold = re.match(r"^\s*(\*\*|__)(.+?[?؟？])\1\s*(.*)$", para.lines[0])
            if bold:
                # "**Question?** Answer…" on one line.
                self.ask(self.text([bold.group(2)]), para.line).answer.append(
                    self.text([bold.group(3), *para.lines[1:]])
                )
                return
            if _is_question(first):
                self.ask(first, para.line).answer.append(self.text(para.lines[1:]))
                return
            if self.open is not None:
                self.open.answer.append(self.text(para.lines))
                return
        self.add_block(self.text(para.lines))

    def bullet_list(self, items: _List, title: str | None) -> None:
        texts = tuple(t for t in (self.text([i]) for i in items.items) if t)
        if self.open is not None:
            # An answer is one text in a script; the list is read as part of it.
            # Only a plain "…:" line can title a list here (deeper Markdown
            # headings are questions in an FAQ), so its colon is given back.
            self.open.answer.extend([f"{title}:" if title else "", *texts])
            self.notes.append(
                f'line {items.line}: a list in the answer to "{self.open.question}" was joined into the answer text; '
                f"check its punctuation"
            )
            return
        self.add_block(ArticleList(texts, title))

    def add_block(self, block: Block) -> None:
        if self.part is not None:
            self.part.blocks.append(block)
        elif isinstance(block, str) and not self.loose:
            self.intro.append(block)
        else:
            self.loose.append(block)

    def walk(self, elements: list[_Element]) -> None:
        index = 0
        while index < len(elements):
            element = elements[index]
            following = elements[index + 1] if index + 1 < len(elements) else None
            if isinstance(element, _Heading):
                titled = following if isinstance(following, _List) else None
                if self.heading(element, titled is not None) and titled is not None:
                    self.bullet_list(titled, element.text)
                    index += 1
            elif isinstance(element, _Para):
                self.paragraph(element)
            else:
                self.bullet_list(element, None)
            index += 1
        self.close_question()


def _is_conclusion(part: _Part) -> bool:
    return (
        bool(_CONCLUSION_RE.match(part.heading)) and bool(part.blocks) and all(isinstance(b, str) for b in part.blocks)
    )


def _reference_labels(lines: list[str]) -> frozenset[str]:
    return frozenset(m.group(1).lower() for m in map(_REF_DEF.match, lines) if m)


def parse_article(text: str, source: str = "<article>") -> Article:
    """Split an article (plain text or Markdown) into title, intro, sections, FAQ and conclusion.

    `source` names the article in messages and, when the article has no
    title line, gives the title (from the file name).

    Raises:
        InputError: the article is empty or has nothing but headings.
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{source}: the article is empty")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    references = _reference_labels(lines)
    reader = _Lines(references)
    for number, raw in enumerate(lines, start=1):
        reader.feed(number, raw)
    elements = _split_colon_headings(reader.finish(), references)
    title, elements = _take_title(elements, references)

    builder = _Builder(references)
    builder.walk(elements)
    parts = builder.parts
    notes = list(builder.notes)
    if title is None:
        notes.insert(0, "the article has no title line; the title was made from the file name")

    conclusion: tuple[str, ...] = ()
    plain = [p for p in parts if not p.faq]
    # Only the last section can be the conclusion (an FAQ after it is fine:
    # a script's outro comes after its FAQ anyway).
    if plain and _is_conclusion(plain[-1]):
        conclusion = tuple(b for b in plain[-1].blocks if isinstance(b, str))  # all of them: checked above
        parts = [p for p in parts if p is not plain[-1]]

    sections: list[ArticleSection] = []
    if builder.loose:
        # A list before the first heading cannot go in the intro (prose only):
        # it opens a section named after the article.
        sections.append(ArticleSection(title or title_from_name(source), tuple(builder.loose)))
    for part in parts:
        if part.blocks:
            sections.append(ArticleSection(part.heading, tuple(part.blocks)))
        elif not part.faq:
            notes.append(f'line {part.line}: the heading "{part.heading}" has no text of its own; it was left out')

    article = Article(
        source=source,
        title=title or title_from_name(source),
        title_from_text=title is not None,
        intro=tuple(builder.intro),
        sections=tuple(sections),
        faq=tuple(builder.questions),
        conclusion=conclusion,
        notes=tuple(notes),
    )
    if not (article.intro or article.sections or article.faq or article.conclusion):
        raise InputError(f"{source}: nothing to say: the article has no paragraphs, lists or questions, only headings")
    return article
