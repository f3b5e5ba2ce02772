"""Write a YAML script skeleton from a parsed :class:`~guide.authoring.article.Article`.

The article's language gets the article's words; every other language gets
``""``, the script's marker for "not translated yet", which
``guide check --allow-missing`` lists.
"""

from __future__ import annotations

import importlib.resources
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, OutputError
from ..script.loader import LANG_RE, RESERVED_IDS, SLUG_MAX, SLUG_RE, default_voice, read_text_file
from ..script.model import VoiceSettings
from .article import Article, ArticleList, parse_article

ID_MAX = 40
"""Section and question ids are cut (at a word) to this length; they name track files."""

MAX_ARTICLE_BYTES = 5_000_000
"""Articles larger than this are refused (an article is text, not data)."""

DEFAULT_LANGUAGES = ("en", "ar")

_MARKUP = str.maketrans({"[": "[[", "]": "]]", "{": "{{", "}": "}}"})


# -- small pure helpers --------------------------------------------------------


def escape_markup(text: str) -> str:
    """Double the script's inline-markup characters ``[ ] { }`` so they are read literally."""
    return text.translate(_MARKUP)


def slugify(text: str, max_length: int = ID_MAX) -> str:
    """Lowercase ASCII words joined by hyphens, cut at a word boundary to `max_length` ("" if none).

    >>> slugify("How long can I safely use Botox?")
    'how-long-can-i-safely-use-botox'
    """
    # Decompose accents (é -> e) and drop apostrophes so "Botox’s" is one word.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", re.sub(r"['`]", "", ascii_text.lower()))
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > max_length:
            break
        slug = longer
    if not slug and words:
        slug = words[0][:max_length]  # one very long word: cut inside it
    return slug


def unique_id(text: str, taken: set[str], fallback: str) -> str:
    """A slug of `text` not in `taken` nor reserved (``intro``/``outro``), suffixed -2, -3… if needed.

    Adds it to `taken`.
    """
    base = slugify(text) or fallback
    candidate, number = base, 2
    while candidate in taken or candidate in RESERVED_IDS:
        suffix = f"-{number}"
        candidate = (slugify(base, ID_MAX - len(suffix)) or fallback) + suffix
        number += 1
    taken.add(candidate)
    return candidate


def script_id_for(article_path: Path) -> str:
    """The default script id: a slug of the article file's name (``guide`` when it has no ASCII letters)."""
    return slugify(article_path.stem, SLUG_MAX) or "guide"


def check_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """The languages as a tuple, after checking they are codes (``en``, ``pt-BR``), listed once each.

    Raises:
        InputError: none given, a bad code, or a code given twice.
    """
    if isinstance(languages, str):
        languages = (languages,)  # a lone "en" is one language, not two letters
    if not languages:
        raise InputError("languages: give at least one language, e.g. en,ar")
    seen: list[str] = []
    for lang in languages:
        if not LANG_RE.fullmatch(lang):
            raise InputError(f"languages: '{lang}' is not a language code (like 'en', 'ar' or 'pt-BR')")
        if lang in seen:
            raise InputError(f"languages: '{lang}' is listed twice")
        seen.append(lang)
    return tuple(seen)


def check_script_id(script_id: str) -> str:
    """`script_id` itself, after checking it is a safe id for the loader."""
    if not SLUG_RE.fullmatch(script_id) or len(script_id) > SLUG_MAX:
        raise InputError(
            f"script id '{script_id}' is not a safe id: use lowercase letters, digits and single hyphens "
            f"(like 'botox-guide'), at most {SLUG_MAX} characters"
        )
    return script_id


def schema_uri() -> str:
    """A ``file://`` URI of the JSON schema shipped with the package (it may not exist yet)."""
    resource = importlib.resources.files("guide.script") / "schema.json"
    try:
        return Path(str(resource)).resolve().as_uri()
    except ValueError:  # not a plain file path (e.g. inside a zip): give it as it is
        return str(resource)


# -- the script as data --------------------------------------------------------


def script_data(article: Article, languages: Sequence[str], script_id: str) -> dict[str, Any]:
    """The script skeleton as plain data (what the YAML file will load as).

    The first of `languages` gets the article's texts (markup escaped), the
    others ``""``.
    """
    languages = check_languages(languages)
    script_id = check_script_id(script_id)
    first = languages[0]

    def text(value: str) -> dict[str, str]:
        return {lang: escape_markup(value) if lang == first else "" for lang in languages}

    data: dict[str, Any] = {"id": script_id, "title": text(article.title), "languages": list(languages)}
    data["voices"] = {lang: _voice_data(default_voice(lang)) for lang in languages}
    if article.intro:
        data["intro"] = text(" ".join(article.intro))
    taken: set[str] = set()
    if article.sections:
        data["sections"] = [
            {
                "id": unique_id(s.heading, taken, "section"),
                "title": text(s.heading),
                "body": [_block(b, text) for b in s.blocks],
            }
            for s in article.sections
        ]
    if article.faq:
        data["faq"] = [
            {"id": unique_id(q.question, taken, "question"), "question": text(q.question), "answer": text(q.answer)}
            for q in article.faq
        ]
    if article.conclusion:
        data["outro"] = text(" ".join(article.conclusion))
    return data


def _block(block: str | ArticleList, text: Callable[[str], dict[str, str]]) -> dict[str, Any]:
    """A section body entry: a paragraph's text, or a list with its optional title."""
    if isinstance(block, str):
        return text(block)
    out: dict[str, Any] = {}
    if block.title:
        out["title"] = text(block.title)
    out["bullets"] = [text(item) for item in block.items]
    return out


# -- YAML text ---------------------------------------------------------------------


def _quoted(value: str) -> str:
    """`value` as a one-line double-quoted YAML scalar, non-ASCII kept readable."""
    # PyYAML's emitter knows which characters need escapes; a huge width keeps it on one line.
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1 << 30).rstrip("\n")


def _plain(value: str) -> str:
    """`value` unquoted when YAML reads it back as the same string ("no" would be False), else quoted."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", value) and yaml.safe_load(value) == value:
        return value
    return _quoted(value)


def _flow_text(text: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_plain(lang)}: {_quoted(value)}" for lang, value in text.items()) + "}"


def _block_text(text: dict[str, str], indent: str, first_prefix: str) -> list[str]:
    """A text as a block mapping; its first line starts with `first_prefix` (e.g. ``"- "``)."""
    lines = []
    for number, (lang, value) in enumerate(text.items()):
        lead = first_prefix if number == 0 else " " * len(first_prefix)
        lines.append(f"{indent}{lead}{_plain(lang)}: {_quoted(value)}")
    return lines


def _body_lines(block: dict[str, Any]) -> list[str]:
    if "bullets" not in block:
        return _block_text(block, "      ", "- ")
    lines = []
    lead = "      - "
    if "title" in block:
        lines.append(f"{lead}title: {_flow_text(block['title'])}")
        lead = "        "
    lines.append(f"{lead}bullets:")
    for item in block["bullets"]:
        lines.extend(_block_text(item, "          ", "- "))
    return lines


def _voice_data(settings: VoiceSettings) -> dict[str, Any]:
    """A voice as a script writes it: only what differs from the engine's own defaults."""
    data: dict[str, Any] = {"engine": settings.engine}
    if settings.voice:
        data["voice"] = settings.voice
    if settings.fallback is not None:
        data["fallback"] = _voice_data(settings.fallback)
    return data


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_plain(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    return _plain(str(value))


VOICES_COMMENT = (
    "# Who speaks each language: guide's defaults, written out so you can see and change them.",
    "# Piper is a natural offline voice (English). gTTS is Google's natural online voice: it speaks",
    "# when this machine reaches Google, else the offline fallback does (espeak-ng: robotic, but",
    "# always there). Build with --offline to never use the network. Your own Piper voice: guide voices add.",
)


CLOUD_VOICES = (
    '  # A paid cloud voice speaks Arabic best (the README\'s "Arabic voices" table compares them). Its key comes',
    "  # from the environment, never from this file; guide check says what a build will cost. "
    "Put one line in place of the ar: line above:",
    "  # ar: {engine: azure, voice: ar-SA-ZariyahNeural, fallback: {engine: espeak, voice: ar}}    "
    "# AZURE_SPEECH_KEY, AZURE_SPEECH_REGION",
    "  # ar: {engine: google-cloud, voice: ar-XA-Wavenet-A, fallback: {engine: espeak, voice: ar}}  "
    "# GOOGLE_CLOUD_API_KEY",
    "  # ar: {engine: polly, voice: Hala, fallback: {engine: espeak, voice: ar}}                   "
    "# AWS credentials; pip install -e '.[polly]'",
    "  # ar: {engine: elevenlabs, voice: 21m00Tcm4TlvDq8ikWAM, model: eleven_multilingual_v2}      "
    "# ELEVENLABS_API_KEY",
)
"""Commented choices under ``voices:`` for a script with Arabic: one line per cloud engine, ready to uncomment."""


PODCAST_COMMENT = (
    "# For podcast apps (all optional): who publishes the guide (the MP3s' artist, on the cover guide makes),",
    "# who owns its feed (Apple Podcasts sends its verification code there), and an M4B audiobook of each full guide.",
    '# author: "Your clinic"',
    '# owner: {name: "Your clinic", email: "podcast@your-clinic.example"}',
    "# publish: {m4b: true}",
)
"""Commented podcast settings, ready to uncomment."""


def emit_yaml(data: dict[str, Any]) -> str:
    """The YAML text of :func:`script_data`'s result, in the hand-written scripts' layout."""
    lines = [f"id: {_plain(data['id'])}", f"title: {_flow_text(data['title'])}"]
    lines.append("languages: [" + ", ".join(_plain(lang) for lang in data["languages"]) + "]")
    lines.extend(PODCAST_COMMENT)
    if "voices" in data:
        lines.extend(VOICES_COMMENT)
        lines.append("voices:")
        lines.extend(f"  {_plain(lang)}: {_flow(voice)}" for lang, voice in data["voices"].items())
        if "ar" in data["voices"]:
            lines.extend(CLOUD_VOICES)
    if "intro" in data:
        lines.append("intro:")
        lines.extend(_block_text(data["intro"], "  ", ""))
    if "sections" in data:
        lines.append("sections:")
        for section in data["sections"]:
            lines.append(f"  - id: {_plain(section['id'])}")
            lines.append(f"    title: {_flow_text(section['title'])}")
            lines.append("    body:")
            for block in section["body"]:
                lines.extend(_body_lines(block))
    if "faq" in data:
        lines.append("faq:")
        for entry in data["faq"]:
            lines.append(f"  - id: {_plain(entry['id'])}")
            lines.append(f"    question: {_flow_text(entry['question'])}")
            lines.append("    answer:")
            lines.extend(_block_text(entry["answer"], "      ", ""))
    if "outro" in data:
        lines.append("outro:")
        lines.extend(_block_text(data["outro"], "  ", ""))
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """A one-line YAML comment (line breaks in `text` would end the comment)."""
    return "# " + " ".join(text.split())


def header_lines(article: Article, languages: Sequence[str]) -> list[str]:
    """The comment lines at the top: schema modeline, what is left to translate, the parser's notes."""
    lines = [f"# yaml-language-server: $schema={schema_uri()}"]
    name = Path(article.source).name
    rest = list(languages[1:])
    if rest:
        lines.append(
            _comment(
                f"Skeleton made by `guide init` from {name}; still to translate: {', '.join(rest)} "
                f'(every "" text); run `guide check --allow-missing` to list them.'
            )
        )
    else:
        lines.append(_comment(f"Skeleton made by `guide init` from {name}."))
    lines.extend(_comment(f"Check: {note}") for note in article.notes)
    return lines


def skeleton_yaml(article: Article, languages: tuple[str, ...], script_id: str) -> str:
    """The YAML text of a script skeleton for `article` (UTF-8-ready, Arabic kept readable).

    Raises:
        InputError: a language code or the script id is not valid.
    """
    data = script_data(article, languages, script_id)
    return "\n".join(header_lines(article, data["languages"])) + "\n" + emit_yaml(data)


# -- files ---------------------------------------------------------------------------


def read_article(path: Path) -> str:
    """An article file's text (UTF-8, a BOM allowed), with clear errors for the user's mistakes.

    Raises:
        InputError: missing, a folder, unreadable, too large, or not UTF-8.
    """
    return read_text_file(path, "article", MAX_ARTICLE_BYTES)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` via a temporary file in the same folder, so no half-written script is ever seen.

    Raises:
        OutputError: the folder or file cannot be written.
    """
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.open with mode 0o666 lets the umask decide the final permissions, as for any new file.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the script: {exc.strerror or exc}") from None


def init_script(
    article_path: Path,
    out: Path | None = None,
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
    script_id: str | None = None,
    force: bool = False,
) -> Path:
    """Turn the article at `article_path` into a script skeleton; return the script's path.

    The script goes to `out` (a folder gets ``<id>.yaml`` inside it), by
    default ``scripts/<id>.yaml`` under the current folder. The id defaults to
    a slug of the article's file name.

    Raises:
        InputError: the article is missing, unreadable, not UTF-8, empty or has
            nothing to say; a language or the id is invalid.
        OutputError: the script exists and `force` is False, or cannot be written.
    """
    article_path = Path(article_path)
    languages = check_languages(languages)
    script_id = check_script_id(script_id) if script_id is not None else script_id_for(article_path)
    article = parse_article(read_article(article_path), source=str(article_path))
    text = skeleton_yaml(article, languages, script_id)
    target = Path(out) if out is not None else Path("scripts") / f"{script_id}.yaml"
    if target.is_dir():
        target = target / f"{script_id}.yaml"
    if target.exists() and not force:
        raise OutputError(f"{target} exists; use --force to overwrite")
    write_atomically(target, text)
    return target
