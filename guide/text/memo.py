"""The front-end's output kept between builds, so a rebuild does not expand every text again.

Expanding numbers, units and the lexicon is the costliest step of planning a big
script: 500 items' texts took about 2.5 s of a 6 s no-op rebuild. What the front-end
makes of a text depends only on the text, its language, the script's lexicon and
code switching, and the front-end's own code. :class:`SentenceMemo` keeps the result
under those, in one JSON file per script in the take cache
(``<cache>/frontend/<script id>.json``):

- the file holds a *context*: a hash of the front-end's source files, the versions of
  the libraries it calls (num2words, arabic-tts-frontend), the lexicon and code
  switching. A file made under another context is ignored whole, so a changed
  lexicon, an upgrade or an edited rule can never serve a stale expansion;
- entries are keyed by language and text; the file is rewritten (atomically) only
  when the build asked for a text it did not hold, or no longer asks for one it held,
  so it always holds exactly the script's current texts;
- a missing, damaged or foreign file is a cold memo, never an error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..safe_files import write_text
from .frontend import Run, SpokenSentence
from .markup import Silence

FORMAT = 1
"""Version of the memo file's layout."""

_LIBRARIES = ("num2words", "arabic-tts-frontend")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of everything the front-end's output depends on besides its inputs:
    the source of ``guide/text/`` and the versions of the libraries it calls."""
    digest = hashlib.sha256(f"memo {FORMAT}\n".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing\n".encode())
    return digest.hexdigest()


def context_of(code_switch: bool, lexicon: Mapping[str, Mapping[str, str]]) -> str:
    """The memo context of a front-end: its code, code switching and lexicon."""
    settings = json.dumps({"code_switch": code_switch, "lexicon": lexicon}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{code_version()}\n{settings}".encode()).hexdigest()


class SentenceMemo:
    """What :func:`guide.text.frontend.sentences` made of each text, for one script's front-end.

    Made empty, or read from `path` with :meth:`load`; :meth:`save` writes what this
    run used. Values are the front-end's own frozen objects, shared, never copied.
    """

    def __init__(self, context: str, path: Path | None = None, entries: dict | None = None) -> None:
        self.context = context
        """The front-end this memo belongs to (:func:`context_of`)."""
        self.path = path
        """Where it is kept; None for a memo of this process only."""
        self._stored: dict[str, list] = entries or {}
        self._used: dict[str, list[SpokenSentence]] = {}
        self.hits = 0
        """Texts served from the memo in this run."""
        self.misses = 0
        """Texts the front-end expanded in this run."""

    @classmethod
    def load(cls, path: Path, context: str) -> SentenceMemo:
        """The memo at `path` if it was made for `context`, else an empty one that will replace it."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT and data.get("context") == context and isinstance(data.get("texts"), dict):
                return cls(context, path, data["texts"])
        except (OSError, ValueError, AttributeError):
            pass  # missing, unreadable or damaged: start cold
        return cls(context, path)

    @staticmethod
    def _key(text: str, lang: str) -> str:
        return f"{lang}\n{text}"

    @classmethod
    def for_front_end(cls, path: Path, code_switch: bool, lexicon: Mapping[str, Mapping[str, str]]) -> SentenceMemo:
        """The memo at `path` for a front-end with this code switching and lexicon."""
        return cls.load(path, context_of(code_switch, lexicon))

    def get(self, text: str, lang: str) -> list[SpokenSentence] | None:
        """The sentences of `text` in `lang` if held, else None."""
        key = self._key(text, lang)
        if key in self._used:
            self.hits += 1
            return self._used[key]
        stored = self._stored.get(key)
        if stored is None:
            return None
        try:
            value = _decode(stored)
        except (TypeError, ValueError, IndexError):
            return None  # a damaged entry is a miss
        self._used[key] = value
        self.hits += 1
        return value

    def put(self, text: str, lang: str, value: list[SpokenSentence]) -> None:
        """Keep what the front-end made of `text` in `lang`."""
        self.misses += 1
        self._used[self._key(text, lang)] = value

    @property
    def changed(self) -> bool:
        """True when saving would change the file: a text was expanded, or a held one went unused."""
        return self.misses > 0 or set(self._used) != set(self._stored)

    def save(self) -> None:
        """Write the texts this run used, if that changes anything; an unwritable cache is skipped."""
        if self.path is None or not self.changed:
            return
        texts = {key: _encode(value) for key, value in self._used.items()}
        data = {"format": FORMAT, "context": self.context, "texts": texts}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        except OSError:
            pass  # the memo only saves time: a build never fails for it


def _encode(value: list[SpokenSentence]) -> list:
    return [[s.shown, [p.seconds if isinstance(p, Silence) else [p.lang, p.text] for p in s.parts]] for s in value]


def _decode(stored: list) -> list[SpokenSentence]:
    out = []
    for shown, parts in stored:
        decoded = tuple(Silence(float(p)) if isinstance(p, (int, float)) else Run(str(p[0]), str(p[1])) for p in parts)
        out.append(SpokenSentence(str(shown), decoded))
    return out


class ParityMemo:
    """Pairs of texts the cross-language check found saying the same quantities (a source text and its
    translation), kept between runs in the take cache (``<cache>/parity/<script>.json``), so an unchanged
    translation costs a lookup instead of a reading.

    A pair is keyed by a hash of both languages, code switching and both texts, under a context (the front-end's
    code and libraries, :func:`code_version`): another context is a cold memo. Only agreeing pairs are kept: a
    difference is found, and reported, on every run.
    """

    def __init__(self, path: Path | None = None, entries: list | None = None) -> None:
        self.path = path
        """Where it is kept; None for a memo of this process only."""
        self._stored: set[str] = set(entries or ())
        self._used: set[str] = set()
        self.misses = 0
        """Pairs read in this run (not served from the memo)."""

    @classmethod
    def load(cls, path: Path) -> ParityMemo:
        """The memo at `path` if it was made by this code, else an empty one that will replace it."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if (
                data.get("format") == FORMAT
                and data.get("context") == code_version()
                and isinstance(data.get("pairs"), list)
            ):
                return cls(path, [key for key in data["pairs"] if isinstance(key, str)])
        except (OSError, ValueError, AttributeError):
            pass  # missing, unreadable or damaged: start cold
        return cls(path)

    @staticmethod
    def key(source: tuple[str, str], translation: tuple[str, str], code_switch: bool) -> str:
        """The key of a pair: (language, text) of the source and of the translation."""
        joined = "\0".join((*source, *translation, str(int(code_switch))))
        return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()

    def agreed(self, key: str) -> bool:
        """Whether an earlier run found this pair saying the same quantities (it is then kept again)."""
        if key in self._stored:
            self._used.add(key)
            return True
        return False

    def agree(self, key: str) -> None:
        """Keep a pair this run found saying the same quantities."""
        self.misses += 1
        self._used.add(key)

    def save(self) -> None:
        """Write the pairs this run found agreeing, if that changes anything; an unwritable cache is skipped."""
        if self.path is None or (not self.misses and self._used == self._stored):
            return
        data = {"format": FORMAT, "context": code_version(), "pairs": sorted(self._used)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, json.dumps(data, separators=(",", ":")))
        except OSError:
            pass  # the memo only saves time: a check never fails for it
