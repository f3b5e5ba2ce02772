"""Read a YAML script, check all of it, and build the :class:`~guide.script.model.Script`.

The YAML is composed into nodes (safe loader only), so every problem keeps
its line; every problem is collected before one :class:`ScriptError` is
raised, so the author fixes them all in one pass.

Any file at all is either accepted or refused with a :class:`~guide.errors.GuideError`,
in bounded time and memory: the bounds are :class:`~guide.script.limits.Limits`
(``docs/limits.md``), checked before the work they bound.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import cast

import yaml

from ..errors import InputError, Problem, ScriptError
from ..text import markup
from ..text.codeswitch import has_foreign
from ..text.lexicon import apply_lexicon, entries_for
from .limits import ENVIRONMENT, Limits
from ..publish.cover import check_cover
from .number_check import check_numbers
from .model import (
    BodyBlock,
    LexiconSource,
    BulletList,
    FaqEntry,
    Loudness,
    Music,
    Owner,
    Theme,
    Paragraph,
    Pauses,
    Publish,
    Script,
    Section,
    Text,
    VoiceSettings,
)

_DEFAULT_LIMITS = Limits()

MAX_FILE_BYTES = _DEFAULT_LIMITS.script_bytes
"""Default for scripts: larger files are refused before reading (see :attr:`Limits.script_bytes`)."""

MAX_NODES = _DEFAULT_LIMITS.yaml_nodes
"""Default count of YAML values and node visits; stops alias-expansion bombs (see :attr:`Limits.yaml_nodes`)."""

# libyaml's parser and composer are C: ten times faster than PyYAML's Python ones on a
# large script, with the same nodes and marks. The pure-Python loader remains the fallback.
_YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Characters YAML does not allow in a file (PyYAML's and libyaml's reader refuse them
# too), and that a script may not smuggle in through escapes ("\0", "\ud800") either:
# control characters other than tab and line breaks, and unpaired surrogates, which
# cannot be spoken, nor written to any UTF-8 file.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What YAML counts as a line break, so lines computed here agree with its marks.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_LIBYAML_MAX_DEPTH = 1000
"""libyaml refuses deeper nesting itself (YAML_MAX_NESTING_LEVEL)."""

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

# Ids the planner uses for its own tracks.
RESERVED_IDS = frozenset({"intro", "outro"})

TOP_KEYS = (
    "id", "title", "languages", "voices", "intro", "sections", "faq", "outro", "author", "pauses",
    "description", "cover", "theme", "category", "owner", "base_url", "loudness", "music", "publish",
    "code_switch", "lexicon", "lexicon_file",
)
LOUDNESS_KEYS = ("target", "true_peak")
LEXICON_ENTRY_KEYS = ("say", "ipa", "numbers_differ")
MUSIC_KEYS = ("file", "fade_in", "fade_out", "duck_db", "volume_db", "lead")
PUBLISH_KEYS = tuple(Publish.__dataclass_fields__)
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}
SECTION_KEYS = ("id", "title", "body")
FAQ_KEYS = ("id", "question", "answer")
BULLETS_KEYS = ("bullets", "title")
VOICE_KEYS = ("engine", "voice", "lang", "speed", "pitch", "model", "tld", "slow", "diacritize", "fallback")
ON_OFF = ("auto", "off")

MAX_TEXT_CHARS = _DEFAULT_LIMITS.text_chars
"""Default longest single text (see :attr:`Limits.text_chars`)."""

MAX_LEXICON_ENTRIES = _DEFAULT_LIMITS.lexicon_entries
"""Default entries allowed in one language of a lexicon (see :attr:`Limits.lexicon_entries`)."""
PAUSE_KEYS = tuple(Pauses.__dataclass_fields__)

DEFAULT_VOICES = {
    "en": VoiceSettings(engine="piper", voice="en_US-joe-medium"),
    "ar": VoiceSettings(engine="gtts", fallback=VoiceSettings(engine="espeak", voice="ar")),
}
"""The voice of a language a script names no voice for: the best each machine can reach.

English: Piper's neural joe voice, offline. Arabic: Google's natural voice (gTTS) when its
endpoint answers, else espeak-ng (a recogniser misses about 6 % of gTTS's Arabic characters
and half of espeak-ng's). Other languages: gTTS with espeak-ng as the fallback where both
speak it, else espeak-ng alone (see :func:`default_voice`)."""

VoiceChecker = Callable[[str, VoiceSettings, Path], "str | None"]


def default_voice(lang: str) -> VoiceSettings:
    """The voice used for `lang` when the script names none (:data:`DEFAULT_VOICES`)."""
    if lang in DEFAULT_VOICES:
        return DEFAULT_VOICES[lang]
    offline = VoiceSettings(engine="espeak", voice=lang)
    from gtts.lang import tts_langs  # a table in the package: no network

    if lang in tts_langs():
        return VoiceSettings(engine="gtts", fallback=offline)
    return offline


def read_text_file(path: Path, what: str = "script", limit: int = MAX_FILE_BYTES, setting: str | None = None) -> str:
    """Read a UTF-8 text file (a BOM is allowed), with clear errors for the user's mistakes.

    `what` names the file in messages ("script", "article"); files over `limit` bytes are
    refused before anything is read, and `setting` (an environment variable) is named as
    the way to raise the limit. Only regular files are read: a device or a pipe could
    block or never end.

    Raises:
        InputError: missing, a folder, not a regular file, unreadable, too large, or not UTF-8.
    """
    hint = f" ({setting} raises the limit)" if setting else ""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path}: is a folder, not a {what} file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: not a regular file (a device, pipe or socket); the {what} must be a file")
        if info.st_size > limit:
            raise InputError(f"{path}: file is {info.st_size:,} bytes; {what}s are limited to {limit:,}{hint}")
        with path.open("rb") as file:
            # Never more than the limit, even if the file grew since stat().
            data = file.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a {what} file") from None
    except PermissionError:
        raise InputError(f"{path}: not readable (permission denied)") from None
    except ValueError:  # a NUL in the path, from a script or the command line
        raise InputError(f"{_shown(str(path))}: not a usable file name") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    if len(data) > limit:
        raise InputError(f"{path}: file is more than {limit:,} bytes; {what}s are limited to {limit:,}{hint}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}:1: the {what} is UTF-16 text; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the {what} as UTF-8") from None


def compose_yaml(source: str, path: Path, limits: Limits) -> yaml.Node | None:
    """Compose YAML text into nodes (None for an empty stream), refusing what could exhaust time or memory.

    Before composing, one cheap pass over the parser's events bounds the nesting depth
    (the composer is recursive) and the number of values (each costs memory), and
    refuses a second document; unprintable characters are refused before parsing.

    Raises:
        ScriptError: a YAML syntax error, a refused character, or a bound exceeded; with its line.
    """
    bad = _UNPRINTABLE.search(source)
    if bad:
        line, column = _position(source, bad.start())
        hint = "; is the file UTF-16? save it as UTF-8" if bad.group() == "\0" else "; remove it"
        raise ScriptError([Problem(path, line, f"character {_codepoint(bad.group())} is not allowed in a YAML file{hint}", column)])
    try:
        _check_events(source, path, limits)
        return yaml.compose(source, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = f"YAML syntax error: {exc.problem or exc.context or 'invalid YAML'}"
        if "maximum nesting depth" in what:
            # libyaml's own bound (1000 levels), met first when it scans ahead on one long line.
            what = _too_deep(min(limits.yaml_depth, _LIBYAML_MAX_DEPTH))
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise ScriptError([Problem(path, line, _shown(what), col)]) from None
    except yaml.reader.ReaderError as exc:
        # Unprintable characters are refused above, so this is a safety net only.
        line, column = _position(source, exc.position)
        raise ScriptError([Problem(path, line, f"YAML error: {exc.reason}", column)]) from None
    except yaml.YAMLError as exc:
        raise ScriptError([Problem(path, None, f"YAML error: {_shown(str(exc))}")]) from None
    except RecursionError:
        # Unreachable with the depth bound checked above; the last resort should a composer still recurse too deep.
        raise ScriptError([Problem(path, None, _too_deep(limits.yaml_depth))]) from None


def _check_events(source: str, path: Path, limits: Limits) -> None:
    """Walk the parser's events without composing: bound depth and values, refuse a second document."""
    depth = values = documents = 0
    for event in yaml.parse(source, Loader=_YAML_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            values += 1
            depth += 1
            if depth > limits.yaml_depth:
                raise ScriptError([_at(path, event, _too_deep(limits.yaml_depth))])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            values += 1
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise ScriptError([_at(path, event, "a second YAML document starts here ('---'); a script is one document")])
        if values > limits.yaml_nodes:
            message = f"the script holds more than {limits.yaml_nodes:,} YAML values ({ENVIRONMENT['yaml_nodes']} raises the limit)"
            raise ScriptError([_at(path, event, message)])


def _too_deep(depth: int) -> str:
    return f"lists and mappings nested more than {depth:,} levels deep (a script needs about 8; {ENVIRONMENT['yaml_depth']} raises the limit)"


def _at(path: Path, event: yaml.Event, message: str) -> Problem:
    """A problem at an event's start."""
    mark = event.start_mark
    return Problem(path, mark.line + 1 if mark else None, message, mark.column + 1 if mark else None)


def _position(source: str, index: int) -> tuple[int, int]:
    """1-based line and column of `index` in `source`, counting line breaks as YAML does."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(source, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def _shown(text: str) -> str:
    """`text` with characters a terminal should not receive (controls, lone surrogates) written as escapes."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def load_script(
    path: str | Path,
    check_voice: VoiceChecker | None = None,
    allow_missing: bool = False,
    limits: Limits | None = None,
) -> Script:
    """Read and validate the script at `path`.

    `check_voice` validates each language's voice against the engines on this
    machine (the builder passes the engine registry's check); without it only
    the structure is checked. With `allow_missing`, texts left empty (not
    translated yet) are accepted and listed in ``Script.missing``. `limits`
    bound the file (default: :meth:`Limits.from_env`, the defaults with
    environment overrides).

    Raises:
        InputError: the file cannot be read, is too large, or a limit's environment variable is wrong.
        ScriptError: the script has problems (all of them, with lines).
    """
    limits = limits or Limits.from_env()
    path = Path(path)
    source = read_text_file(path, "script", limits.script_bytes, ENVIRONMENT["script_bytes"])
    return load_source(source, path, check_voice, allow_missing, limits)


def load_source(
    source: str,
    path: str | Path,
    check_voice: VoiceChecker | None = None,
    allow_missing: bool = False,
    limits: Limits | None = None,
) -> Script:
    """Validate script text not yet written to `path` (an edit about to be saved), as :func:`load_script`
    would validate it there: files it names are looked for beside `path`.

    Raises:
        ScriptError: the script has problems (all of them, with lines).
    """
    limits = limits or Limits.from_env()
    path = Path(path)
    if len(source.encode("utf-8")) > limits.script_bytes:
        raise ScriptError([Problem(path, None, f"script larger than {limits.script_bytes:,} bytes ({ENVIRONMENT['script_bytes']} raises the limit)")])
    root = compose_yaml(source, path, limits)
    return _Reader(path, check_voice, allow_missing, limits).script(root)


_CREDENTIAL = re.compile(r"(secret|passw|token|credential|api[_-]?key|access[_-]?key|private[_-]?key|authori[sz]ation)", re.IGNORECASE)
"""Key names that hold a credential: refused with their own message, whatever their place in a script."""

class _Reader:
    """Walks the composed YAML nodes, collecting problems and building the model."""

    def __init__(
        self, path: Path, check_voice: VoiceChecker | None, allow_missing: bool = False, limits: Limits | None = None
    ) -> None:
        self.path = path
        self.check_voice = check_voice
        self.allow_missing = allow_missing
        self.limits = limits or _DEFAULT_LIMITS
        self.problems: list[Problem] = []
        self.missing: list[Problem] = []
        self.visits = 0
        self.text_chars = 0
        """Characters of text read so far, an aliased text counted each time it is used."""
        self.refused: set[int] = set()
        """Ids of nodes already reported for their tag or characters: an alias repeats a node, not its problems."""
        self.checked: dict[tuple[int, str], tuple[str | None, frozenset[str]]] = {}
        """(node id, language) -> the checked text and the languages it is spoken in: an aliased text is
        checked once, however often it is used."""
        self.uses: list[tuple[str, frozenset[str], int]] = []
        """Every use of a good text (aliases repeat it): the text, the languages it is spoken in, its line."""
        self.code_switch = True
        self.declared: dict[str, int] = {}
        """Languages of `languages` -> the line of their entry."""
        self.spoken: dict[str, int] = {}
        self.lexicon_sources: dict[tuple[str, str], LexiconSource] = {}
        """(language, word) -> where each lexicon entry read is written, and whether it is marked numbers_differ."""
        """Languages spoken inside texts ([lang xx], or another script) -> first line, for their voices."""

    # -- reporting ---------------------------------------------------------
    def problem(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        # Messages quote the script's values; never send control characters to the terminal.
        self.problems.append(Problem(self.path, line, _shown(message)))

    def visit(self, node: yaml.Node) -> None:
        """Count a node (bounding alias bombs); refuse tags that are not plain YAML and unprintable characters."""
        self.visits += 1
        if self.visits > self.limits.yaml_nodes:
            # Alias bombs make the tree enormous; stop before it costs memory or time.
            raise ScriptError(
                [
                    *self.problems,
                    Problem(
                        self.path,
                        node.start_mark.line + 1,
                        f"script too large or too deeply aliased (more than {self.limits.yaml_nodes:,} values; "
                        f"{ENVIRONMENT['yaml_nodes']} raises the limit)",
                    ),
                ]
            )
        if id(node) in self.refused:
            return
        if node.tag not in _PLAIN_TAGS:
            self.refused.add(id(node))
            self.problem(node, f"YAML tag '{node.tag}' is not allowed in a script (only plain text, numbers, lists and mappings)")
        elif isinstance(node, yaml.ScalarNode):
            bad = _UNPRINTABLE.search(node.value)
            if bad:
                self.refused.add(id(node))
                self.problem(
                    node,
                    f"the value contains character {_codepoint(bad.group())} (written with an escape); "
                    "control characters and unpaired surrogates are not allowed in a script",
                )

    def usable(self, node: yaml.Node) -> bool:
        """Whether a visited scalar may be used (not refused for its tag or characters)."""
        return id(node) not in self.refused

    # -- node helpers ------------------------------------------------------
    def mapping(self, node: yaml.Node, what: str, allowed: Sequence[str] | None) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """Keys of a mapping node -> (key node, value node); reports wrong types, unknown and duplicate keys.

        `allowed` None accepts any key (languages, lexicon words: the caller checks them).
        """
        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping (key: value lines), not {_kind(node)}")
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                # YAML 1.2 (editors, the JSON schema) has no merge keys: '<<' would mean two different things.
                self.problem(key_node, f"{what}: merge keys ('<<') are not supported; write the keys out (an alias like *name may stand for a whole value)")
                continue
            self.visit(key_node)
            if not self.usable(key_node):
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(key_node, f"{what}: keys must be plain words")
                continue
            if key in out:
                self.problem(key_node, f"{what}: duplicate key '{key}' (first at line {out[key][0].start_mark.line + 1})")
                continue
            if allowed is not None and key not in allowed and _CREDENTIAL.search(key):
                self.problem(
                    key_node,
                    f"{what}: '{key}' looks like a credential; a script never holds one (it is shared, and published "
                    "beside the guide): set it in the environment or the vendor's credential file instead",
                )
                continue
            if allowed is not None and key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
                hint = f"did you mean '{near[0]}'? " if near else ""
                self.problem(key_node, f"{what}: unknown key '{key}' ({hint}allowed: {', '.join(allowed)})")
                continue
            out[key] = (key_node, value_node)
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        self.visit(node)
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list (lines starting with '- '), not {_kind(node)}")
            return []
        return list(node.value)

    def items(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """A list that must have at least one entry."""
        found = self.sequence(node, what)
        if not found and isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} is empty")
        return found

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        """A non-null scalar's text as written."""
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be a single value, not {_kind(node)}")
            return None
        if not self.usable(node):
            return None
        if node.tag == "tag:yaml.org,2002:null":
            self.problem(node, f"{what} is empty")
            return None
        return node.value

    def number(self, node: yaml.Node, what: str, low: float, high: float) -> float | None:
        raw = self.scalar(node, what)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.problem(node, f"{what} must be a number, not '{raw}'")
            return None
        if not low <= value <= high:
            self.problem(node, f"{what} must be between {low:g} and {high:g}, not {value:g}")
            return None
        return value

    def slug(self, node: yaml.Node, what: str) -> str | None:
        raw = self.scalar(node, what)
        if raw is None:
            return None
        if not SLUG_RE.fullmatch(raw) or len(raw) > SLUG_MAX:
            self.problem(
                node,
                f"{what} '{raw}' is not a safe id: use lowercase letters, digits and single hyphens "
                f"(like 'how-long'), at most {SLUG_MAX} characters",
            )
            return None
        return raw

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
                self.problem(node, f"{what}: missing the '{lang}' text (the script declares languages: {', '.join(languages)})")
                continue
            value_node = fields[lang][1]
            lines[lang] = value_node.start_mark.line + 1
            if self.allow_missing and isinstance(value_node, yaml.ScalarNode) and not value_node.value.strip():
                self.missing.append(Problem(self.path, value_node.start_mark.line + 1, f"{what}.{lang}: not translated yet"))
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
                            f"the script's texts add up to more than {limit:,} characters, each alias counted every time "
                            f"it is used ({ENVIRONMENT['total_text_chars']} raises the limit)",
                        ),
                    ]
                )
        return cleaned

    def _checked_text(self, node: yaml.Node, what: str, lang: str, raw: str) -> tuple[str | None, frozenset[str]]:
        """The text checked once: (cleaned text or None when reported, the languages it is spoken in)."""
        cleaned = " ".join(raw.split())
        if not cleaned:
            hint = " (not translated yet? `guide check --allow-missing` lists these)" if what.endswith(f".{lang}") else ""
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
            self.problem(node, f"{what}: {exc.message} (near \"{near}\")")
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
                f"{len(faq_nodes):,} faq entries); at most {self.limits.items:,} ({ENVIRONMENT['items']} raises the limit)",
            )
            section_nodes, faq_nodes = [], []
        sections = tuple(s for s in (self.section(n, i, languages, seen_ids) for i, n in enumerate(section_nodes)) if s)
        faq = tuple(f for f in (self.faq(n, i, languages, seen_ids) for i, n in enumerate(faq_nodes)) if f)
        if not self.problems and not (intro or sections or faq or outro):
            self.problem(root, "script: nothing to say; add an intro, sections, faq or an outro")
        lexicon = self.lexicon(top.get("lexicon"), top.get("lexicon_file"))
        self.lexicon_languages(lexicon, top.get("lexicon") or top.get("lexicon_file"))
        # Voices last: texts and the lexicon tell which other languages are spoken inside them.
        voices = self.voices(top.get("voices"), languages)

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
        )
        # Last, on a script otherwise valid: what the voice says must carry the numbers written.
        numbers = check_numbers(script)
        if numbers.problems:
            raise ScriptError(list(numbers.problems))
        return dataclasses.replace(script, number_exceptions=numbers.exceptions)

    def existing_file(self, node: yaml.Node, what: str) -> Path | None:
        """A file named in the script, relative to the script's folder, that must exist and be readable."""
        raw = self.scalar(node, what)
        if raw is None:
            return None
        try:
            path = (self.path.parent / raw).expanduser()
            found = path.is_file()
        except RuntimeError:  # '~someone/…' for a user this machine does not know
            self.problem(node, f"{what}: cannot find the home folder in '{raw[:60]}'")
            return None
        except OSError as exc:  # a name too long for the file system, a loop of links
            self.problem(node, f"{what}: cannot use '{raw[:60]}…': {exc.strerror}")
            return None
        if not found:
            self.problem(node, f"{what}: no such file: {path}")
            return None
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            self.problem(node, f"{what}: cannot read {path}: {exc.strerror}")
            return None
        return path

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
            self.problem(value_node, f"theme.colour '{colour}' is not a colour like \"#0a5299\" (# and six hexadecimal digits, in quotes)")
            return Theme()
        return Theme(colour.strip().lower()) if colour else Theme()

    def url(self, node: yaml.Node) -> str | None:
        raw = self.scalar(node, "base_url")
        if raw is not None and not re.match(r"^https?://[^\s/]+", raw):
            self.problem(node, f"base_url '{raw}' must be an http:// or https:// address")
            return None
        return raw

    def loudness(self, node: yaml.Node) -> Loudness | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool" and node.value.lower() in ("off", "false", "no"):
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
        for key, low, high in (("fade_in", 0, 30), ("fade_out", 0, 30), ("duck_db", -60, 0), ("volume_db", -60, 0), ("lead", 0, 30)):
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
            self.problem(fields["email"][1], f"owner.email '{email}' is not an e-mail address like podcast@clinic.example")
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

    def voices(self, entry: tuple[yaml.Node, yaml.Node] | None, languages: Sequence[str]) -> dict[str, VoiceSettings]:
        """A voice for each declared language and each language spoken inside texts (given, or the default)."""
        given: dict[str, VoiceSettings] = {}
        if entry is not None:
            # Any language may have a voice: one not declared still speaks runs in texts ([lang xx], code switching).
            fields = self.mapping(entry[1], "voices", allowed=None)
            for lang, (key_node, node) in (fields or {}).items():
                if not LANG_RE.fullmatch(lang):
                    self.problem(key_node, f"voices: '{lang}' is not a language code like 'en', 'ar' or 'en-GB'")
                    continue
                settings = self.voice(node, lang)
                if settings is not None:
                    given[lang] = settings
        wanted = [*languages, *(lang for lang in self.spoken if lang not in languages)]
        voices = {lang: given.get(lang) or default_voice(lang) for lang in wanted}
        if self.check_voice is not None:
            for lang, settings in voices.items():
                message = self.check_voice(lang, settings, self.path.parent)
                if message:
                    # Where the voice is named, else where the language is (declared, or first spoken), else 'voices:'.
                    line = settings.line or self.declared.get(lang) or self.spoken.get(lang)
                    if line is None and entry is not None:
                        line = entry[0].start_mark.line + 1
                    where = f"voices.{lang}" if lang in given or lang in languages else f"text in '{lang}' (no voice for it)"
                    self.problems.append(Problem(self.path, line, f"{where}: {message}"))
                if settings.fallback is not None:
                    message = self.check_voice(lang, settings.fallback, self.path.parent)
                    if message:
                        self.problems.append(Problem(self.path, settings.fallback.line, f"voices.{lang}.fallback: {message}"))
        return voices

    def voice(self, node: yaml.Node, lang: str, what: str | None = None) -> VoiceSettings | None:
        what = what or f"voices.{lang}"
        fields = self.mapping(node, what, VOICE_KEYS)
        if fields is None:
            return None
        before = len(self.problems)
        if "engine" not in fields:
            self.problem(node, f"{what}: missing 'engine' (piper, espeak, gtts, or a cloud engine: azure, google-cloud, polly, elevenlabs)")
        engine = self.scalar(fields["engine"][1], f"{what}.engine") if "engine" in fields else None
        voice = self.scalar(fields["voice"][1], f"{what}.voice") if "voice" in fields else None
        engine_lang = self.scalar(fields["lang"][1], f"{what}.lang") if "lang" in fields else None
        speed = self.number(fields["speed"][1], f"{what}.speed", 0.5, 2.0) if "speed" in fields else 1.0
        pitch = self.number(fields["pitch"][1], f"{what}.pitch", 0, 100) if "pitch" in fields else None
        model = self.scalar(fields["model"][1], f"{what}.model") if "model" in fields else None
        tld = self.scalar(fields["tld"][1], f"{what}.tld") if "tld" in fields else "com"
        slow = self.boolean(fields["slow"][1], f"{what}.slow") if "slow" in fields else False
        diacritize = self.choice(fields["diacritize"][1], f"{what}.diacritize", ON_OFF) if "diacritize" in fields else "auto"
        fallback = None
        if "fallback" in fields:
            if what.endswith(".fallback"):
                self.problem(fields["fallback"][0], f"{what}: a fallback voice cannot have a fallback of its own")
            else:
                fallback = self.voice(fields["fallback"][1], lang, f"{what}.fallback")
        # Cloud and plug-in engines say for themselves what they cannot do (when the voice is checked).
        if pitch is not None and engine in ("piper", "gtts"):
            self.problem(fields["pitch"][1], f"{what}.pitch: {engine} cannot change pitch (espeak, azure and google-cloud can)")
        if model is not None and engine in ("piper", "espeak", "gtts"):
            self.problem(fields["model"][1], f"{what}.model: {engine} has no models to choose from (polly and elevenlabs have)")
        if slow and engine not in (None, "gtts"):
            self.problem(fields["slow"][1], f"{what}.slow: only the gtts engine has a slow reading ({engine} has not; use speed)")
        if tld is not None and not re.fullmatch(r"[a-z]{2,3}(\.[a-z]{2,3})?", tld):
            self.problem(fields["tld"][1], f"{what}.tld '{tld}' is not a top-level domain like 'com' or 'co.uk'")
        if len(self.problems) > before or engine is None:
            return None
        return VoiceSettings(
            engine=engine,
            voice=voice,
            lang=engine_lang,
            speed=speed if speed is not None else 1.0,
            pitch=int(pitch) if pitch is not None else None,
            model=model,
            tld=tld or "com",
            slow=bool(slow),
            diacritize=diacritize or "auto",
            fallback=fallback,
            line=node.start_mark.line + 1,
        )

    def choice(self, node: yaml.Node, what: str, allowed: Sequence[str]) -> str | None:
        """One of a few words; YAML's `off` (a boolean) is read as the word."""
        raw = self.scalar(node, what)
        if raw is None:
            return None
        if raw.lower() not in allowed:
            self.problem(node, f"{what} must be one of {', '.join(allowed)}, not '{raw}'")
            return None
        return raw.lower()

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
                    source = read_text_file(path, "lexicon file", self.limits.lexicon_bytes, ENVIRONMENT["lexicon_bytes"])
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

    def lexicon_languages(self, lexicon: Mapping[str, Mapping[str, str]], entry: tuple[yaml.Node, yaml.Node] | None) -> None:
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
                    self.lexicon_sources[(lang, key)] = LexiconSource(self.path, word_node.start_mark.line + 1, marked, ipa)
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
            if not ipa or len(ipa) > 200 or any(c in ipa for c in "<>&\"\n"):
                self.problem(fields["ipa"][1], f"{what}.ipa: write the pronunciation in IPA letters, e.g. ˈboʊtɑks (at most 200)")
                return None, False, ""
        if "say" not in fields and not ipa:
            self.problem(node, f"{what}: missing 'say' (what the voice says instead) or 'ipa' (how it is pronounced)")
            return None, False, ""
        spoken = self.scalar(fields["say"][1], f"{what}.say") if "say" in fields else word
        marked = False
        if "numbers_differ" in fields:
            marked = bool(self.boolean(fields["numbers_differ"][1], f"{what}.numbers_differ"))
        return spoken, marked, ipa

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        raw = self.scalar(node, what)
        if raw is None:
            return None
        if node.tag != "tag:yaml.org,2002:bool":
            self.problem(node, f"{what} must be true or false, not '{raw}'")
            return None
        return raw.lower() in ("true", "yes", "on")

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


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null":
        return "empty"
    return f"the value '{node.value[:40]}'"
