"""The manifest (``manifest.json``): what a build wrote into a guide folder, as typed data.

Written by the build (:mod:`guide.stages.place`); read by the next build (what changed), by the
companion files (transcripts, feeds, the player), ``guide proof``, ``guide print`` and ``guide publish``.
Everything here is a low layer: it imports nothing of guide's but the file helpers.

:meth:`Manifest.to_json` gives the keys in the order the builder always wrote them, and the
numbers as rounded when the entries were made, so rewriting an unchanged manifest changes no byte.
:meth:`Manifest.from_json` refuses anything else with ``ValueError``; one track that cannot be
read is left out (the next build makes it again), as the builder always did.
The JSON Schema of the file is ``guide/manifest.schema.json`` (``guide schema manifest``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .safe_files import read_own_text

__all__ = [
    "MANIFEST",
    "SCHEMA",
    "Audiobook",
    "ChapterSpan",
    "FfmpegInfo",
    "FileRecord",
    "LanguageEntry",
    "Manifest",
    "PieceSpan",
    "SpokenSentence",
    "SpokenTake",
    "TrackEntry",
    "read_manifest",
]

MANIFEST = "manifest.json"
"""The manifest's name in a guide folder."""

SCHEMA = "manifest.schema.json"

PROOF_PAGE = "proof.html"
"""What ``guide proof --html`` writes into the guide folder, after a build (so in no build's inventory)."""


def print_pdf(guide_id: str) -> str:
    """What ``guide print`` writes into the guide folder by default, after a build (so in no build's inventory)."""
    return f"{guide_id}.print.pdf"


def later_files(guide_id: str) -> tuple[str, ...]:
    """Files other guide commands write into a built guide's folder, which ``guide publish`` publishes too."""
    return (print_pdf(guide_id), PROOF_PAGE)


"""The manifest's JSON Schema, beside this module in the package."""


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise ValueError(f"{key}: not a string")
    return value


def _num(data: Mapping[str, Any], key: str) -> float:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key}: not a number")
    return value  # as read: an int stays an int, so writing it again gives the same text


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key}: not an integer")
    return value


def _dict(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):  # JSON objects are dicts (a typing.Mapping check is 10 times slower)
        raise ValueError(f"{what}: not an object")
    return value


def _list(value: object, what: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"{what}: not a list")
    return value


@dataclass(frozen=True)
class SpokenTake:
    """One take heard in a sentence."""

    key: str
    """The take's key in the cache: what was played (a fallback voice's take when `planned` is set)."""

    text: str
    """What the take says."""

    start: float
    """Where it starts in the file, in seconds (3 decimals)."""

    planned: str | None = None
    """The key of the take the plan asked for, when a fallback voice spoke this one instead."""

    def to_json(self) -> dict[str, Any]:
        """The take as the manifest writes it."""
        out: dict[str, Any] = {"key": self.key, "text": self.text, "start": self.start}
        if self.planned is not None:
            out["planned"] = self.planned
        return out

    @classmethod
    def from_json(cls, data: object) -> SpokenTake:
        """A take read from the manifest; ValueError when it is not one."""
        data = _dict(data, "take")
        planned = data.get("planned")
        planned = planned if isinstance(planned, str) else None
        return cls(_str(data, "key"), _str(data, "text"), _num(data, "start"), planned)


@dataclass(frozen=True)
class SpokenSentence:
    """One sentence of a file, with where it is heard (transcripts, the player, ``guide proof``)."""

    text: str
    """The sentence as written."""

    start: float
    """Where it starts, in seconds (3 decimals)."""

    end: float
    """Where it ends, in seconds (3 decimals)."""

    takes: tuple[SpokenTake, ...]
    """Its takes in order (runs in another language are takes of their own)."""

    def to_json(self) -> dict[str, Any]:
        """The sentence as the manifest writes it."""
        return {"text": self.text, "start": self.start, "end": self.end, "takes": [t.to_json() for t in self.takes]}

    @classmethod
    def from_json(cls, data: object) -> SpokenSentence:
        """A sentence read from the manifest; one from before 0.2 (no ``takes``) is its own one take."""
        data = _dict(data, "sentence")
        raw = data.get("takes")
        takes = (
            tuple(SpokenTake.from_json(t) for t in _list(raw, "takes"))
            if raw is not None
            else (SpokenTake(_str(data, "key"), _str(data, "text"), _num(data, "start")),)
        )
        return cls(_str(data, "text"), _num(data, "start"), _num(data, "end"), takes)

    def shifted(self, seconds: float) -> SpokenSentence:
        """The sentence `seconds` later (its takes too), rounded as the manifest keeps times."""
        takes = tuple(SpokenTake(t.key, t.text, round(t.start + seconds, 3), t.planned) for t in self.takes)
        return SpokenSentence(self.text, round(self.start + seconds, 3), round(self.end + seconds, 3), takes)


@dataclass(frozen=True)
class ChapterSpan:
    """A chapter of a full guide."""

    title: str
    """The chapter's title (its track's)."""

    start: float
    """Where it starts, in seconds (3 decimals)."""

    end: float
    """Where it ends, in seconds (3 decimals)."""

    def to_json(self) -> dict[str, Any]:
        """The chapter as the manifest writes it."""
        return {"title": self.title, "start": self.start, "end": self.end}

    @classmethod
    def from_json(cls, data: object) -> ChapterSpan:
        """A chapter read from the manifest; ValueError when it is not one."""
        data = _dict(data, "chapter")
        return cls(_str(data, "title"), _num(data, "start"), _num(data, "end"))


@dataclass(frozen=True)
class PieceSpan:
    """One piece a full guide was joined from: a track's file or a bridge piece of the cache."""

    start: float
    """Where it starts in the full guide, in seconds (6 decimals)."""

    samples: int
    """Its length in samples."""

    file: str | None = None
    """The track's file (relative path), for a track."""

    piece: str | None = None
    """The bridge piece's key in the cache (announcements and pauses between tracks)."""

    def to_json(self) -> dict[str, Any]:
        """The piece as the manifest writes it."""
        source = {"piece": self.piece} if self.piece is not None else {"file": self.file}
        return {**source, "start": self.start, "samples": self.samples}

    @classmethod
    def from_json(cls, data: object) -> PieceSpan:
        """A piece read from the manifest; ValueError when it is not one."""
        data = _dict(data, "piece")
        piece, file = data.get("piece"), data.get("file")
        if not isinstance(piece, str) and not isinstance(file, str):
            raise ValueError("piece: neither a piece nor a file")
        return cls(
            _num(data, "start"),
            _int(data, "samples"),
            file if isinstance(file, str) else None,
            piece if isinstance(piece, str) else None,
        )


@dataclass(frozen=True)
class Audiobook:
    """The M4B published beside a full guide."""

    file: str
    """Relative path (``<lang>/<id>.<lang>.m4b``)."""

    sha256: str
    """SHA-256 of its bytes."""

    bytes: int
    """Its size."""

    def to_json(self) -> dict[str, Any]:
        """The block as the manifest writes it."""
        return {"file": self.file, "sha256": self.sha256, "bytes": self.bytes}

    @classmethod
    def from_json(cls, data: object) -> Audiobook:
        """The block read from the manifest; ValueError when it is not one."""
        data = _dict(data, "m4b")
        return cls(_str(data, "file"), _str(data, "sha256"), _int(data, "bytes"))


@dataclass(frozen=True)
class TrackEntry:
    """One MP3 the build wrote: a track (intro, section, FAQ answer, outro) or a language's full guide."""

    id: str
    """The item's id in the script, or ``full``."""

    kind: str
    """intro, section, faq, outro or full."""

    title: str
    """Its title."""

    file: str
    """Relative path in the guide folder, with ``/``."""

    duration: float
    """Seconds (3 decimals)."""

    sha256: str | None
    """SHA-256 of the file as written: a rebuild notices a file changed on disk."""

    bytes: int
    """Its size."""

    recipe: Mapping[str, str]
    """Digests of everything that decides its bytes (:func:`guide.work.recipe`): a part that differs says why
    the next build encodes it again."""

    fallback_takes: int
    """Takes a fallback voice spoke because their own voice failed (0 normally)."""

    sentences: tuple[SpokenSentence, ...]
    """Every sentence heard, in order."""

    chapters: tuple[ChapterSpan, ...] | None = None
    """A full guide's chapters (None for a track)."""

    pieces: tuple[PieceSpan, ...] | None = None
    """What a full guide was joined from (None for a track)."""

    published: str | None = None
    """When these bytes were first written (ISO 8601): a feed's pubDate; it stays while they do."""

    m4b: Audiobook | None = None
    """A full guide's M4B, when the script asks for one."""

    def to_json(self) -> dict[str, Any]:
        """The entry as the manifest writes it (the keys in this order)."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "file": self.file,
            "duration": self.duration,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "recipe": dict(self.recipe),
            "fallback_takes": self.fallback_takes,
            "sentences": [s.to_json() for s in self.sentences],
        }
        if self.chapters is not None:
            out["chapters"] = [c.to_json() for c in self.chapters]
        if self.pieces is not None:
            out["pieces"] = [p.to_json() for p in self.pieces]
        if self.published is not None:
            out["published"] = self.published
        if self.m4b is not None:
            out["m4b"] = self.m4b.to_json()
        return out

    @classmethod
    def from_json(cls, data: object) -> TrackEntry:
        """An entry read from the manifest; ValueError when it is not one."""
        data = _dict(data, "track")
        sha256, published = data.get("sha256"), data.get("published")
        recipe = _dict(data.get("recipe") or {}, "recipe")
        chapters, pieces, m4b = data.get("chapters"), data.get("pieces"), data.get("m4b")
        fallback = data.get("fallback_takes", 0)
        return cls(
            id=_str(data, "id"),
            kind=_str(data, "kind"),
            title=_str(data, "title"),
            file=_str(data, "file"),
            duration=_num(data, "duration"),
            sha256=sha256 if isinstance(sha256, str) else None,
            bytes=_int(data, "bytes") if "bytes" in data else 0,
            recipe=dict(recipe),
            fallback_takes=fallback if isinstance(fallback, int) else 0,
            sentences=tuple(SpokenSentence.from_json(s) for s in _list(data.get("sentences", []), "sentences")),
            chapters=None if chapters is None else tuple(ChapterSpan.from_json(c) for c in _list(chapters, "chapters")),
            pieces=None if pieces is None else tuple(PieceSpan.from_json(p) for p in _list(pieces, "pieces")),
            published=published if isinstance(published, str) else None,
            m4b=Audiobook.from_json(m4b) if isinstance(m4b, dict) else None,
        )

    def planned_keys(self) -> set[str]:
        """Every take key heard in it, and every key a fallback's take stands for."""
        return {k for s in self.sentences for t in s.takes for k in (t.key, t.planned) if k is not None}


@dataclass(frozen=True)
class LanguageEntry:
    """What the guide folder holds in one language."""

    voice: str
    """The voice that spoke it, e.g. ``piper:en_US-lessac-medium``."""

    tracks: tuple[TrackEntry, ...]
    """Its tracks in the guide's order."""

    full_guide: TrackEntry | None = None
    """Its full guide (None until one is built)."""

    def to_json(self) -> dict[str, Any]:
        """The block as the manifest writes it: ``full`` and ``duration`` repeat the full guide's, first."""
        out: dict[str, Any] = {}
        if self.full_guide is not None:
            out.update(full=self.full_guide.file, duration=self.full_guide.duration)
        out.update(voice=self.voice, tracks=[t.to_json() for t in self.tracks])
        if self.full_guide is not None:
            out["full_guide"] = self.full_guide.to_json()
        return out

    @classmethod
    def from_json(cls, data: object) -> LanguageEntry:
        """The block read from the manifest; a track that cannot be read is left out (the next build makes it)."""
        data = _dict(data, "language")
        tracks = []
        for raw in _list(data.get("tracks", []), "tracks"):
            try:
                tracks.append(TrackEntry.from_json(raw))
            except (KeyError, ValueError):
                continue
        full = data.get("full_guide")
        try:
            full_guide = TrackEntry.from_json(full) if full is not None else None
        except (KeyError, ValueError):
            full_guide = None
        voice = data.get("voice")
        return cls(voice if isinstance(voice, str) else "", tuple(tracks), full_guide)

    def entries(self) -> Iterator[TrackEntry]:
        """Its tracks, then its full guide."""
        yield from self.tracks
        if self.full_guide is not None:
            yield self.full_guide


@dataclass(frozen=True)
class FfmpegInfo:
    """Which ffmpeg measured and encoded (each file's recipe holds its version too)."""

    version: str
    """``ffmpeg -version``'s version."""

    bundled: bool
    """Whether it is the one imageio-ffmpeg ships (not the system's)."""

    def to_json(self) -> dict[str, Any]:
        """The block as the manifest writes it."""
        return {"version": self.version, "bundled": self.bundled}

    @classmethod
    def from_json(cls, data: object) -> FfmpegInfo:
        """The block read from the manifest; ValueError when it is not one."""
        data = _dict(data, "ffmpeg")
        return cls(_str(data, "version"), bool(data.get("bundled")))


FILE_KINDS = ("track", "full", "m4b", "subtitles", "transcript", "chapters", "playlist", "feed", "cover", "page")
"""What a file of the inventory is (:attr:`FileRecord.kind`)."""


@dataclass(frozen=True)
class FileRecord:
    """One file the build wrote, as the inventory lists it."""

    path: str
    """Relative to the guide folder, with ``/``."""

    bytes: int
    """Its size."""

    sha256: str
    """SHA-256 of its bytes."""

    kind: str
    """One of :data:`FILE_KINDS`."""

    def to_json(self) -> dict[str, Any]:
        """The record as the manifest writes it."""
        return {"path": self.path, "bytes": self.bytes, "sha256": self.sha256, "kind": self.kind}

    @classmethod
    def from_json(cls, data: object) -> FileRecord:
        """A record read from the manifest; ValueError when it is not one."""
        data = _dict(data, "file")
        return cls(_str(data, "path"), _int(data, "bytes"), _str(data, "sha256"), _str(data, "kind"))


@dataclass(frozen=True)
class Manifest:
    """A guide folder's ``manifest.json``."""

    id: str
    """The guide's id (its folder's name)."""

    title: Mapping[str, str]
    """The guide's title by language."""

    ffmpeg: FfmpegInfo | None
    """The ffmpeg of the last build (None in a manifest from before it was recorded)."""

    languages: Mapping[str, LanguageEntry]
    """By language, in the script's order: what the folder holds."""

    files: tuple[FileRecord, ...] = field(default_factory=tuple)
    """Every file the build wrote but the manifest itself, sorted by path (empty in a manifest written before
    the inventory was: the next ``guide build`` writes it). The print PDF is not one: ``guide print`` writes it."""

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON data, keys in the order it is written."""
        out: dict[str, Any] = {"id": self.id, "title": dict(self.title)}
        if self.ffmpeg is not None:
            out["ffmpeg"] = self.ffmpeg.to_json()
        out["languages"] = {lang: block.to_json() for lang, block in self.languages.items()}
        out["files"] = [f.to_json() for f in self.files]
        return out

    def to_text(self) -> str:
        """The text of ``manifest.json``."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        """A manifest read from JSON data; ValueError (or KeyError) when it is not one guide wrote."""
        data = _dict(data, "manifest")
        languages = _dict(data.get("languages"), "languages")
        title = _dict(data.get("title") or {}, "title")
        ffmpeg = data.get("ffmpeg")
        return cls(
            id=_str(data, "id"),
            title={lang: text for lang, text in title.items() if isinstance(text, str)},
            ffmpeg=FfmpegInfo.from_json(ffmpeg) if ffmpeg is not None else None,
            languages={
                lang: LanguageEntry.from_json(block) for lang, block in languages.items() if isinstance(block, dict)
            },
            files=tuple(FileRecord.from_json(f) for f in _list(data.get("files", []), "files")),
        )

    @classmethod
    def from_text(cls, text: str) -> Manifest:
        """A manifest read from its text; ValueError (or KeyError) when it is not one guide wrote."""
        return cls.from_json(json.loads(text))

    def entries(self) -> dict[str, TrackEntry]:
        """Every track and full guide by file (relative path)."""
        return {e.file: e for block in self.languages.values() for e in block.entries()}

    def audio_files(self) -> set[str]:
        """The MP3s and M4Bs it names (relative paths)."""
        return {f for e in self.entries().values() for f in (e.file, e.m4b.file if e.m4b else None) if f is not None}

    def built(self) -> list[str]:
        """The languages that have a full guide."""
        return [lang for lang, block in self.languages.items() if block.full_guide is not None]


def read_manifest(folder: Path, *, follow_links: bool = False) -> Manifest | None:
    """The manifest of the guide folder `folder`; None when there is none or it is not one guide wrote.

    A link planted in its place is read only with `follow_links` (the build reads through it to know
    what was built; the link itself is then replaced by the manifest it writes)."""
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8") if follow_links else read_own_text(path)
    except (OSError, ValueError):
        return None
    if text is None:
        return None
    try:
        return Manifest.from_text(text)
    except (KeyError, ValueError):
        return None
