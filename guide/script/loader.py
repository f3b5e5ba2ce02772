"""Read a YAML script, check all of it, and build the :class:`~guide.script.model.Script`.

The YAML is composed into nodes (safe loader only), so every problem keeps
its line; every problem is collected before one :class:`ScriptError` is
raised, so the author fixes them all in one pass.

Any file at all is either accepted or refused with a :class:`~guide.errors.GuideError`,
in bounded time and memory: the bounds are :class:`~guide.script.limits.Limits`
(``docs/limits.md``), checked before the work they bound.

The reading is in parts: :mod:`~guide.script.safe_yaml` (text to nodes, safely),
:mod:`~guide.script.nodes` (typed values out of nodes, with lines), :mod:`~guide.script.files`
(the files a script is and names, its cover), :mod:`~guide.script.voices` (the voices, asked of
the engines); this module reads the script's structure and texts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import yaml

from ..errors import InputError, Problem, ScriptError
from ..text import markup
from ..text.codeswitch import has_foreign
from ..text.lexicon import apply_lexicon, entries_for
from .files import IMAGE_TYPES, MAX_FILE_BYTES, check_cover, read_text_file
from .limits import ENVIRONMENT, Limits
from .model import (
    BodyBlock,
    BulletList,
    FaqEntry,
    LexiconSource,
    Loudness,
    Music,
    Owner,
    Paragraph,
    Pauses,
    Publish,
    Script,
    Section,
    Text,
    Theme,
)
from .nodes import LANG_RE, ON_OFF, SLUG_MAX, SLUG_RE, NodeReader
from .number_check import check_numbers
from .parity_check import check_parity
from .safe_yaml import compose_yaml
from .voices import DEFAULT_VOICES, VOICE_KEYS, VoiceChecker, VoiceEngines, VoiceReader, default_voice

if TYPE_CHECKING:
    from ..text.memo import ParityMemo  # the memo writes files: numpy, not needed to load

__all__ = [
    "DEFAULT_VOICES",
    "LANG_RE",
    "MAX_FILE_BYTES",
    "MAX_LEXICON_ENTRIES",
    "MAX_NODES",
    "MAX_TEXT_CHARS",
    "PAUSE_KEYS",
    "RESERVED_IDS",
    "SLUG_MAX",
    "SLUG_RE",
    "TOP_KEYS",
    "VOICE_KEYS",
    "VoiceChecker",
    "VoiceEngines",
    "compose_yaml",
    "default_voice",
    "load_script",
    "load_source",
    "read_text_file",
]

_DEFAULT_LIMITS = Limits()

MAX_NODES = _DEFAULT_LIMITS.yaml_nodes
"""Default count of YAML values and node visits; stops alias-expansion bombs (see :attr:`Limits.yaml_nodes`)."""

# Ids the planner uses for its own tracks.
RESERVED_IDS = frozenset({"intro", "outro"})

TOP_KEYS = (
    "id",
    "title",
    "languages",
    "voices",
    "intro",
    "sections",
    "faq",
    "outro",
    "author",
    "pauses",
    "description",
    "cover",
    "theme",
    "category",
    "owner",
    "base_url",
    "loudness",
    "music",
    "publish",
    "code_switch",
    "source_language",
    "lexicon",
    "lexicon_file",
)
LOUDNESS_KEYS = ("target", "true_peak")
LEXICON_ENTRY_KEYS = ("say", "ipa", "numbers_differ")
MUSIC_KEYS = ("file", "fade_in", "fade_out", "duck_db", "volume_db", "lead")
PUBLISH_KEYS = tuple(Publish.__dataclass_fields__)
SECTION_KEYS = ("id", "title", "body")
FAQ_KEYS = ("id", "question", "answer")
BULLETS_KEYS = ("bullets", "title")
MAX_TEXT_CHARS = _DEFAULT_LIMITS.text_chars
"""Default longest single text (see :attr:`Limits.text_chars`)."""

MAX_LEXICON_ENTRIES = _DEFAULT_LIMITS.lexicon_entries
"""Default entries allowed in one language of a lexicon (see :attr:`Limits.lexicon_entries`)."""
PAUSE_KEYS = tuple(Pauses.__dataclass_fields__)


def load_script(
    path: str | Path,
    check_voice: VoiceChecker | None = None,
    allow_missing: bool = False,
    limits: Limits | None = None,
    engines: VoiceEngines | None = None,
    *,
    parity: bool = True,
    parity_memo: ParityMemo | None = None,
) -> Script:
    """Read and validate the script at `path`.

    `check_voice` validates each language's voice against the engines on this
    machine (the builder passes the engine registry's check); without it only
    the script itself is checked. `engines` (the builder's registry; default:
    the installed engines) say which settings each engine takes, and which
    languages gTTS speaks for the default voices. With `allow_missing`, texts
    left empty (not translated yet) are accepted and listed in ``Script.missing``.
    `limits` bound the file (default: :meth:`Limits.from_env`, the defaults with
    environment overrides). With `parity` False, a translation that says other numbers than its source text
    is kept in ``Script.parity_problems`` instead of failing the load (the studio saves it, and refuses to
    build it). `parity_memo` holds the pairs of texts the check found agreeing in earlier runs (kept in the take cache).

    Raises:
        InputError: the file cannot be read, is too large, or a limit's environment variable is wrong.
        ScriptError: the script has problems (all of them, with lines).
    """
    limits = limits or Limits.from_env()
    path = Path(path)
    source = read_text_file(path, "script", limits.script_bytes, ENVIRONMENT["script_bytes"])
    return load_source(
        source, path, check_voice, allow_missing, limits, engines, parity=parity, parity_memo=parity_memo
    )


def load_source(
    source: str,
    path: str | Path,
    check_voice: VoiceChecker | None = None,
    allow_missing: bool = False,
    limits: Limits | None = None,
    engines: VoiceEngines | None = None,
    *,
    parity: bool = True,
    parity_memo: ParityMemo | None = None,
) -> Script:
    """Validate script text not yet written to `path` (an edit about to be saved), as :func:`load_script`
    would validate it there: files it names are looked for beside `path`.

    Raises:
        ScriptError: the script has problems (all of them, with lines).
    """
    limits = limits or Limits.from_env()
    path = Path(path)
    if len(source.encode("utf-8")) > limits.script_bytes:
        raise ScriptError(
            [
                Problem(
                    path,
                    None,
                    f"script larger than {limits.script_bytes:,} bytes ({ENVIRONMENT['script_bytes']} raises the "
                    "limit)",
                )
            ]
        )
    root = compose_yaml(source, path, limits)
    return _Reader(path, check_voice, allow_missing, limits, engines, parity, parity_memo).script(root)


class _Reader(NodeReader):
    """Walks the composed YAML nodes, collecting problems and building the model."""

    def __init__(
        self,
        path: Path,
        check_voice: VoiceChecker | None,
        allow_missing: bool = False,
        limits: Limits | None = None,
        engines: VoiceEngines | None = None,
        parity: bool = True,
        parity_memo: ParityMemo | None = None,
    ) -> None:
        super().__init__(path, limits or _DEFAULT_LIMITS)
        self.parity = parity
        self.parity_memo = parity_memo
        """Pairs of texts the parity check found agreeing in earlier runs."""
        """Differences between languages fail the load (else they are kept in ``Script.parity_problems``)."""
        self.check_voice = check_voice
        self.engines = engines
        """Asked what each engine takes (None: the installed engines, when first needed)."""
        self.allow_missing = allow_missing
        self.missing: list[Problem] = []
        self.text_chars = 0
        """Characters of text read so far, an aliased text counted each time it is used."""
        self.checked: dict[tuple[int, str], tuple[str | None, frozenset[str]]] = {}
        """(node id, language) -> the checked text and the languages it is spoken in: an aliased text is
        checked once, however often it is used."""
        self.uses: list[tuple[str, frozenset[str], int]] = []
        """Every use of a good text (aliases repeat it): the text, the languages it is spoken in, its line."""
        self.code_switch = True
        self.declared: dict[str, int] = {}
        """Languages of `languages` -> the line of their entry."""
        self.spoken: dict[str, int] = {}
        """Languages spoken inside texts ([lang xx], or another script) -> first line, for their voices."""
        self.lexicon_sources: dict[tuple[str, str], LexiconSource] = {}
        """(language, word) -> where each lexicon entry read is written, and whether it is marked numbers_differ."""

    def text(self, node: yaml.Node, what: str, languages: Sequence[str]) -> Text | None:
        """A bilingual text: a mapping with a non-empty text for every declared language.

        A script with a single language may write its texts as plain strings.
        Inline markup is checked here, so a mistake is reported with its line.
        """
        if isinstance(node, yaml.ScalarNode) and len(languages) == 1 and node.tag != "tag:yaml.org,2002:null":
            self.visit(node)
            if not self.usable(node):
                return None
            cleaned = self.checked_text(node, what, languages[0], node.value)
            line = node.start_mark.line + 1
            return Text({languages[0]: cleaned}, line, {languages[0]: line}) if cleaned else None
        fields = self.mapping(node, what, allowed=tuple(languages) or ("en", "ar"))
        if fields is None:
            return None
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        for lang in languages:
            if lang not in fields:
                self.problem(
                    node, f"{what}: missing the '{lang}' text (the script declares languages: {', '.join(languages)})"
                )
                continue
            value_node = fields[lang][1]
            lines[lang] = value_node.start_mark.line + 1
            if self.allow_missing and isinstance(value_node, yaml.ScalarNode) and not value_node.value.strip():
                self.missing.append(
                    Problem(self.path, value_node.start_mark.line + 1, f"{what}.{lang}: not translated yet")
                )
                values[lang] = ""
                continue
            raw = self.scalar(value_node, f"{what}.{lang}")
            if raw is None:
                continue
            cleaned = self.checked_text(value_node, f"{what}.{lang}", lang, raw)
            if cleaned:
                values[lang] = cleaned
        if len(values) != len(languages):
            return None
        return Text(values, node.start_mark.line + 1, lines)

    def checked_text(self, node: yaml.Node, what: str, lang: str, raw: str) -> str | None:
        """One language's text, whitespace-normalised, with its markup checked; None (reported) when bad.

        A text an alias repeats is checked once (its problems reported once), but counts
        toward the script's total every time.
        """
        key = (id(node), lang)
        if key not in self.checked:
            self.checked[key] = self._checked_text(node, what, lang, raw)
        cleaned, langs = self.checked[key]
        if cleaned:
            self.uses.append((cleaned, langs, node.start_mark.line + 1))
            self.text_chars += len(cleaned)
            if self.text_chars > self.limits.total_text_chars:
                limit = self.limits.total_text_chars
                raise ScriptError(
                    [
                        *self.problems,
                        Problem(
                            self.path,
                            node.start_mark.line + 1,
                            f"the script's texts add up to more than {limit:,} characters, each alias counted "
                            "every time "
                            f"it is used ({ENVIRONMENT['total_text_chars']} raises the limit)",
                        ),
                    ]
                )
        return cleaned

    def _checked_text(self, node: yaml.Node, what: str, lang: str, raw: str) -> tuple[str | None, frozenset[str]]:
        """The text checked once: (cleaned text or None when reported, the languages it is spoken in)."""
        cleaned = " ".join(raw.split())
        if not cleaned:
            hint = (
                " (not translated yet? `guide check --allow-missing` lists these)" if what.endswith(f".{lang}") else ""
            )
            self.problem(node, f"{what} is empty{hint}")
            return None, frozenset()
        limit = self.limits.text_chars
        if len(cleaned) > limit:
            self.problem(
                node,
                f"{what} is {len(cleaned):,} characters; a text is limited to {limit:,} "
                f"(split it into paragraphs; {ENVIRONMENT['text_chars']} changes the limit)",
            )
            return None, frozenset()
        try:
            tokens = markup.parse(cleaned)
        except markup.MarkupError as exc:
            near = cleaned[max(0, exc.offset - 15) : exc.offset + 25]
            self.problem(node, f'{what}: {exc.message} (near "{near}")')
            return None, frozenset()
        line = node.start_mark.line + 1
        langs = {lang}
        for token in tokens:
            if isinstance(token, markup.Span):
                if token.lang and token.lang != lang:
                    self.spoken.setdefault(token.lang, line)
                    langs.add(token.lang)
                elif token.lang is None and self.code_switch:
                    other = has_foreign(token.spoken, lang)
                    if other and other != lang:
                        self.spoken.setdefault(other, line)
                        langs.add(other)
        return cleaned, frozenset(langs)

    def lexicon_growth(self, lexicon: Mapping[str, Mapping[str, str]]) -> None:
        """Count what the lexicon adds to the texts toward the total bound.

        A lexicon may replace a short word with a long phrase, so a small script could
        ask the front-end for gigabytes of speech ("a a a …" with ``a: <10,000 characters>``).
        Each text is measured with the lexicon of every language it is spoken in (an upper
        bound: a run in one language uses one lexicon), once per text however often aliases
        repeat it.

        Raises:
            ScriptError: the texts, with the lexicon applied, exceed ``Limits.total_text_chars``.
        """
        if not lexicon:
            return
        limit = self.limits.total_text_chars
        total = self.text_chars
        growth: dict[tuple[int, str], int] = {}
        for text, langs, line in self.uses:
            for lang in langs:
                key = (id(text), lang)
                if key not in growth:
                    entries = entries_for(lexicon, lang)
                    growth[key] = max(0, len(apply_lexicon(text, entries)) - len(text)) if entries else 0
                total += growth[key]
            if total > limit:
                raise ScriptError(
                    [
                        Problem(
                            self.path,
                            line,
                            f"the script's texts add up to more than {limit:,} characters once the lexicon replaces "
                            f"their words ({ENVIRONMENT['total_text_chars']} raises the limit)",
                        )
                    ]
                )

    # -- the script --------------------------------------------------------
    def script(self, root: yaml.Node | None) -> Script:
        if root is None:
            raise ScriptError([Problem(self.path, 1, "the script is empty")])
        top = self.mapping(root, "script", TOP_KEYS)
        if top is None:
            raise ScriptError(self.problems)
        for required in ("id", "title", "languages"):
            if required not in top:
                self.problem(root, f"script: missing required key '{required}'")

        script_id = self.slug(top["id"][1], "id") if "id" in top else None
        languages = self.languages(top["languages"][1]) if "languages" in top else ()
        if "code_switch" in top:
            self.code_switch = self.choice(top["code_switch"][1], "code_switch", ON_OFF) != "off"
        source_language = (
            self.choice(top["source_language"][1], "source_language", languages)
            if ("source_language" in top and languages)
            else ""
        )
        title = self.text(top["title"][1], "title", languages) if "title" in top else None
        intro = self.text(top["intro"][1], "intro", languages) if "intro" in top else None
        outro = self.text(top["outro"][1], "outro", languages) if "outro" in top else None
        author = self.scalar(top["author"][1], "author") if "author" in top else None
        pauses = self.pauses(top["pauses"][1]) if "pauses" in top else Pauses()
        description = self.text(top["description"][1], "description", languages) if "description" in top else None
        cover = self.cover(top["cover"][1]) if "cover" in top else None
        category = self.scalar(top["category"][1], "category") if "category" in top else None
        owner = self.owner(top["owner"][1]) if "owner" in top else None
        theme = self.theme(top["theme"][1]) if "theme" in top else Theme()
        base_url = self.url(top["base_url"][1]) if "base_url" in top else None
        loudness = self.loudness(top["loudness"][1]) if "loudness" in top else Loudness()
        music = self.music(top["music"][1]) if "music" in top else None
        publish = self.publish(top["publish"][1]) if "publish" in top else Publish()

        seen_ids: dict[str, int] = {}
        section_nodes = self.sequence(top["sections"][1], "sections") if "sections" in top else []
        faq_nodes = self.sequence(top["faq"][1], "faq") if "faq" in top else []
        if len(section_nodes) + len(faq_nodes) > self.limits.items:
            # Counted before any item is read: each is a track and a file per language.
            where = top["sections"][1] if len(section_nodes) > self.limits.items else top["faq"][1]
            self.problem(
                where,
                f"the script has {len(section_nodes) + len(faq_nodes):,} items ({len(section_nodes):,} sections, "
                f"{len(faq_nodes):,} faq entries); at most {self.limits.items:,} ({ENVIRONMENT['items']} raises "
                "the limit)",
            )
            section_nodes, faq_nodes = [], []
        sections = tuple(s for s in (self.section(n, i, languages, seen_ids) for i, n in enumerate(section_nodes)) if s)
        faq = tuple(f for f in (self.faq(n, i, languages, seen_ids) for i, n in enumerate(faq_nodes)) if f)
        if not self.problems and not (intro or sections or faq or outro):
            self.problem(root, "script: nothing to say; add an intro, sections, faq or an outro")
        lexicon = self.lexicon(top.get("lexicon"), top.get("lexicon_file"))
        self.lexicon_languages(lexicon, top.get("lexicon") or top.get("lexicon_file"))
        # Voices last: texts and the lexicon tell which other languages are spoken inside them.
        voices = VoiceReader(self, self.engines, self.check_voice).voices(
            top.get("voices"), languages, self.declared, self.spoken
        )

        if self.problems:
            raise ScriptError(self.problems)
        self.lexicon_growth(lexicon)
        script = Script(
            path=self.path,
            id=cast(str, script_id),  # both set: a missing one was reported above
            title=cast(Text, title),
            languages=languages,
            voices=voices,
            sections=sections,
            faq=faq,
            intro=intro,
            outro=outro,
            author=author,
            pauses=pauses,
            description=description,
            cover=cover,
            category=category or "Health & Fitness",
            owner=owner,
            theme=theme,
            base_url=base_url,
            loudness=loudness,
            music=music,
            publish=publish,
            code_switch=self.code_switch,
            lexicon=lexicon,
            missing=tuple(self.missing),
            lexicon_sources=dict(self.lexicon_sources),
            source_language=source_language or "",
        )
        # Last, on a script otherwise valid: what the voice says must carry the numbers written, and every
        # language must say the numbers of the source language.
        numbers = check_numbers(script)
        parity = check_parity(script, self.parity_memo)
        if numbers.problems or (parity.problems and self.parity):
            raise ScriptError([*numbers.problems, *(parity.problems if self.parity else ())])
        return dataclasses.replace(
            script,
            number_exceptions=numbers.exceptions,
            translation_markers=parity.markers,
            unread_languages=parity.unread,
            parity_problems=parity.problems,
        )

    def cover(self, node: yaml.Node) -> Path | None:
        path = self.existing_file(node, "cover")
        if path is None:
            return None
        try:
            with path.open("rb") as file:
                head = file.read(8)  # the magic number only: a cover may be large
        except OSError as exc:
            self.problem(node, f"cover: cannot read {path}: {exc.strerror}")
            return None
        if not any(head.startswith(magic) for magic in IMAGE_TYPES):
            self.problem(node, f"cover: {path.name} is not a PNG or JPEG image")
            return None
        wrong = check_cover(path)
        if wrong is not None:
            self.problem(node, f"cover: {wrong} (or leave cover: out, and guide makes one per language)")
            return None
        return path

    def theme(self, node: yaml.Node) -> Theme:
        """``theme: {colour: "#rrggbb"}``."""
        fields = self.mapping(node, "theme", ("colour",)) or {}
        if "colour" not in fields:
            return Theme()
        value_node = fields["colour"][1]
        colour = self.scalar(value_node, "theme.colour")
        if colour is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", colour.strip()):
            self.problem(
                value_node,
                f"theme.colour '{colour}' is not a colour like \"#0a5299\" (# and six hexadecimal digits, in quotes)",
            )
            return Theme()
        return Theme(colour.strip().lower()) if colour else Theme()

    def url(self, node: yaml.Node) -> str | None:
        raw = self.scalar(node, "base_url")
        if raw is not None and not re.match(r"^https?://[^\s/]+", raw):
            self.problem(node, f"base_url '{raw}' must be an http:// or https:// address")
            return None
        return raw

    def loudness(self, node: yaml.Node) -> Loudness | None:
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag == "tag:yaml.org,2002:bool"
            and node.value.lower() in ("off", "false", "no")
        ):
            return None  # loudness: off
        fields = self.mapping(node, "loudness", LOUDNESS_KEYS)
        if fields is None:
            return None
        values = {}
        for key, attr, low, high in (("target", "integrated", -40.0, -5.0), ("true_peak", "true_peak", -9.0, 0.0)):
            if key in fields:
                value = self.number(fields[key][1], f"loudness.{key}", low, high)
                if value is not None:
                    values[attr] = value
        return Loudness(**values)

    def music(self, node: yaml.Node) -> Music | None:
        fields = self.mapping(node, "music", MUSIC_KEYS)
        if fields is None:
            return None
        if "file" not in fields:
            self.problem(node, "music: missing 'file'")
            return None
        path = self.existing_file(fields["file"][1], "music.file")
        values = {}
        for key, low, high in (
            ("fade_in", 0, 30),
            ("fade_out", 0, 30),
            ("duck_db", -60, 0),
            ("volume_db", -60, 0),
            ("lead", 0, 30),
        ):
            if key in fields:
                value = self.number(fields[key][1], f"music.{key}", low, high)
                if value is not None:
                    values[key] = value
        return Music(path, **values) if path else None

    def owner(self, node: yaml.Node) -> Owner | None:
        """``owner: {name: …, email: …}``: both needed, the address plausible."""
        fields = self.mapping(node, "owner", ("name", "email"))
        if fields is None:
            return None
        for key in ("name", "email"):
            if key not in fields:
                self.problem(node, f"owner: missing '{key}' (owner: {{name: Clinic, email: podcast@clinic.example}})")
        name = self.scalar(fields["name"][1], "owner.name") if "name" in fields else None
        email = self.scalar(fields["email"][1], "owner.email") if "email" in fields else None
        if email is not None and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", email):
            self.problem(
                fields["email"][1], f"owner.email '{email}' is not an e-mail address like podcast@clinic.example"
            )
            return None
        if not name or not email:
            return None
        return Owner(" ".join(name.split()), email)

    def publish(self, node: yaml.Node) -> Publish:
        fields = self.mapping(node, "publish", PUBLISH_KEYS) or {}
        values = {}
        for key, (_, value_node) in fields.items():
            if key == "feed" and isinstance(value_node, yaml.ScalarNode) and value_node.tag != "tag:yaml.org,2002:bool":
                if value_node.value == "per-track":
                    values[key] = "per-track"
                else:
                    self.problem(value_node, f"publish.feed must be true, false or per-track, not '{value_node.value}'")
                continue
            value = self.boolean(value_node, f"publish.{key}")
            if value is not None:
                values[key] = value
        return Publish(**values)

    def languages(self, node: yaml.Node) -> tuple[str, ...]:
        langs: list[str] = []
        items = self.sequence(node, "languages")
        if not items and isinstance(node, yaml.SequenceNode):
            self.problem(node, "languages: list at least one language, e.g. [en, ar]")
        for item in items:
            lang = self.scalar(item, "languages entry")
            if lang is None:
                continue
            if not LANG_RE.fullmatch(lang):
                self.problem(item, f"languages: '{lang}' is not a language code (like 'en', 'ar' or 'pt-BR')")
            elif lang in langs:
                self.problem(item, f"languages: '{lang}' is listed twice")
            else:
                langs.append(lang)
                self.declared[lang] = item.start_mark.line + 1
        return tuple(langs)

    def lexicon(
        self, entry: tuple[yaml.Node, yaml.Node] | None, file_entry: tuple[yaml.Node, yaml.Node] | None
    ) -> dict[str, dict[str, str]]:
        """The pronunciation lexicon: `lexicon_file`'s entries, then the script's own (which win)."""
        merged: dict[str, dict[str, str]] = {}
        if file_entry is not None:
            path = self.existing_file(file_entry[1], "lexicon_file")
            if path is not None:
                sub = _Reader(path, None, limits=self.limits)
                try:
                    source = read_text_file(
                        path, "lexicon file", self.limits.lexicon_bytes, ENVIRONMENT["lexicon_bytes"]
                    )
                    root = compose_yaml(source, path, self.limits)
                except ScriptError as exc:  # the lexicon file's own problems, with its name and lines
                    self.problems += exc.problems
                    root = None
                except InputError as exc:
                    self.problem(file_entry[1], f"lexicon_file: {exc.message}")
                    root = None
                if root is not None:
                    merged = sub.lexicon_entries(root, "lexicon")
                    self.problems += sub.problems
                    self.lexicon_sources.update(sub.lexicon_sources)
        if entry is not None:
            for lang, words in self.lexicon_entries(entry[1], "lexicon").items():
                merged.setdefault(lang, {}).update(words)
        return merged

    def lexicon_languages(
        self, lexicon: Mapping[str, Mapping[str, str]], entry: tuple[yaml.Node, yaml.Node] | None
    ) -> None:
        """Note the languages a lexicon's replacements are written in ("Botox: بوتوكس" is spoken by the ar voice)."""
        if not self.code_switch or entry is None:
            return
        for lang, words in lexicon.items():
            for spoken in words.values():
                other = has_foreign(spoken, lang)
                if other:
                    self.spoken.setdefault(other, entry[0].start_mark.line + 1)

    def lexicon_entries(self, node: yaml.Node, what: str) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for lang, (key_node, words_node) in (self.mapping(node, what, None) or {}).items():
            if not LANG_RE.fullmatch(lang):
                self.problem(key_node, f"{what}: '{lang}' is not a language code like 'en' or 'ar'")
                continue
            words = self.mapping(words_node, f"{what}.{lang}", None) or {}
            if len(words) > self.limits.lexicon_entries:
                self.problem(
                    words_node,
                    f"{what}.{lang} has {len(words):,} entries; at most {self.limits.lexicon_entries:,} "
                    f"({ENVIRONMENT['lexicon_entries']} raises the limit)",
                )
                continue
            for word, (word_node, spoken_node) in words.items():
                spoken, marked, ipa = self.lexicon_value(spoken_node, f"{what}.{lang}.{word}", word)
                if spoken is None:
                    continue
                if not word.strip() or any(c in word for c in "[]{}"):
                    self.problem(word_node, f"{what}.{lang}: '{word}' is not a word to replace")
                elif not spoken.strip():
                    self.problem(spoken_node, f"{what}.{lang}.{word} is empty")
                else:
                    key = " ".join(word.split())
                    out.setdefault(lang, {})[key] = " ".join(spoken.split())
                    self.lexicon_sources[(lang, key)] = LexiconSource(
                        self.path, word_node.start_mark.line + 1, marked, ipa
                    )
        return out

    def lexicon_value(self, node: yaml.Node, what: str, word: str) -> tuple[str | None, bool, str]:
        """A lexicon entry's spoken form, whether it is marked ``numbers_differ``, and its IPA ("" if none).

        Written either as the spoken form alone (``Botox: Bow-tox``) or as a mapping: ``{say: "13",
        numbers_differ: true}``, the deliberate exception to the number guard; ``{say: Bow-tox, ipa: ˈboʊtɑks}``,
        a pronunciation for the voices that take phonemes (``say`` may then be left out: the word itself).
        """
        if not isinstance(node, yaml.MappingNode):
            return self.scalar(node, what), False, ""
        fields = self.mapping(node, what, LEXICON_ENTRY_KEYS)
        if fields is None:
            return None, False, ""
        ipa = ""
        if "ipa" in fields:
            ipa = " ".join((self.scalar(fields["ipa"][1], f"{what}.ipa") or "").split())
            if not ipa or len(ipa) > 200 or any(c in ipa for c in '<>&"\n'):
                self.problem(
                    fields["ipa"][1], f"{what}.ipa: write the pronunciation in IPA letters, e.g. ˈboʊtɑks (at most 200)"
                )
                return None, False, ""
        if "say" not in fields and not ipa:
            self.problem(node, f"{what}: missing 'say' (what the voice says instead) or 'ipa' (how it is pronounced)")
            return None, False, ""
        spoken = self.scalar(fields["say"][1], f"{what}.say") if "say" in fields else word
        marked = False
        if "numbers_differ" in fields:
            marked = bool(self.boolean(fields["numbers_differ"][1], f"{what}.numbers_differ"))
        return spoken, marked, ipa

    def pauses(self, node: yaml.Node) -> Pauses:
        fields = self.mapping(node, "pauses", PAUSE_KEYS) or {}
        values = {}
        for key, (_, value_node) in fields.items():
            value = self.number(value_node, f"pauses.{key}", 0.0, 10.0)
            if value is not None:
                values[key] = value
        return Pauses(**values)

    def item_id(self, fields: dict, node: yaml.Node, what: str, seen: dict[str, int]) -> str | None:
        if "id" not in fields:
            self.problem(node, f"{what}: missing 'id'")
            return None
        id_node = fields["id"][1]
        item_id = self.slug(id_node, f"{what}.id")
        if item_id is None:
            return None
        line = id_node.start_mark.line + 1
        if item_id in RESERVED_IDS:
            self.problem(id_node, f"{what}.id '{item_id}' is reserved for the script's {item_id}; choose another")
            return None
        if item_id in seen:
            self.problem(id_node, f"{what}.id '{item_id}' is used twice (first at line {seen[item_id]})")
            return None
        seen[item_id] = line
        return item_id

    def section(self, node: yaml.Node, index: int, languages: Sequence[str], seen: dict[str, int]) -> Section | None:
        what = f"sections[{index + 1}]"
        fields = self.mapping(node, what, SECTION_KEYS)
        if fields is None:
            return None
        before = len(self.problems)
        item_id = self.item_id(fields, node, what, seen)
        title = self.text(fields["title"][1], f"{what}.title", languages) if "title" in fields else None
        if "title" not in fields:
            self.problem(node, f"{what}: missing 'title'")
        body: list[BodyBlock] = []
        if "body" not in fields:
            self.problem(node, f"{what}: missing 'body' (its paragraphs and bullet lists)")
        else:
            for j, block in enumerate(self.items(fields["body"][1], f"{what}.body")):
                parsed = self.block(block, f"{what}.body[{j + 1}]", languages)
                if parsed is not None:
                    body.append(parsed)
        if len(self.problems) > before or item_id is None or title is None:
            return None
        return Section(item_id, title, tuple(body))

    def block(self, node: yaml.Node, what: str, languages: Sequence[str]) -> BodyBlock | None:
        is_list = isinstance(node, yaml.MappingNode) and any(
            isinstance(k, yaml.ScalarNode) and k.value == "bullets" for k, _ in node.value
        )
        if not is_list:
            text = self.text(node, what, languages)
            return Paragraph(text) if text else None
        fields = self.mapping(node, what, BULLETS_KEYS)
        if fields is None:
            return None
        title = self.text(fields["title"][1], f"{what}.title", languages) if "title" in fields else None
        items = []
        bullet_nodes = self.items(fields["bullets"][1], f"{what}.bullets")
        for k, item in enumerate(bullet_nodes):
            text = self.text(item, f"{what}.bullets[{k + 1}]", languages)
            if text is not None:
                items.append(text)
        if len(items) != len(bullet_nodes) or not items or ("title" in fields and title is None):
            return None
        return BulletList(tuple(items), title)

    def faq(self, node: yaml.Node, index: int, languages: Sequence[str], seen: dict[str, int]) -> FaqEntry | None:
        what = f"faq[{index + 1}]"
        fields = self.mapping(node, what, FAQ_KEYS)
        if fields is None:
            return None
        item_id = self.item_id(fields, node, what, seen)
        parts = {}
        for key in ("question", "answer"):
            if key not in fields:
                self.problem(node, f"{what}: missing '{key}'")
            else:
                parts[key] = self.text(fields[key][1], f"{what}.{key}", languages)
        if item_id is None or not parts.get("question") or not parts.get("answer"):
            return None
        return FaqEntry(item_id, parts["question"], parts["answer"])
