"""What a build did, for the CLI, the studio and programs: :class:`BuildResult`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..manifest import MANIFEST, Manifest
from ..planner import Plan
from ..plural import counted
from ..renderer import Substitution
from ..script.model import Script
from ..translations.reviews import Stale
from ..work import Work
from .wording import VoiceChoice

if TYPE_CHECKING:
    from ..storage.shared_cache import SharedCount


@dataclass(frozen=True)
class TrackResult:
    """One written track."""

    id: str
    """The item's id, or ``full``."""

    kind: str
    """intro, section, faq, outro or full."""

    title: str
    """Its title."""

    file: Path
    """Relative to the guide folder."""

    duration: float
    """Seconds."""


@dataclass(frozen=True)
class LanguageResult:
    """What the output folder holds for one language after a build."""

    lang: str
    """The language."""

    voice: str
    """The voice that spoke it."""

    tracks: tuple[TrackResult, ...]
    """Its tracks."""

    full: TrackResult | None
    """Its full guide."""

    m4b: Path | None = None
    """The full guide as an audiobook, when the script asks for one."""

    takes: int = 0
    """Takes `voice` was planned to speak in the folder's files, each counted once (in any language's files: a
    word said in Arabic inside an English track is the Arabic voice's)."""

    fallback_takes: int = 0
    """Of `takes`, those its fallback voice spoke because `voice` failed (the manifest's ``planned`` keys)."""

    fallback: str | None = None
    """The fallback voice's label, when `fallback_takes` is not 0."""

    failure: str | None = None
    """Why `voice` failed in this build, in one clause (None when it did not)."""

    def __str__(self) -> str:
        """Which voice actually spoke, e.g. ``ar: espeak:ar for 52 of 52 takes (gtts:ar failed: cannot reach
        translate.google.com)``; a fallback is never left out."""
        if not self.fallback_takes:
            return f"{self.lang}: {self.voice} for {self.takes} of {counted(self.takes, 'take')}"
        why = f"{self.voice} failed: {self.failure}" if self.failure else f"{self.voice} failed"
        fell_back = f"{self.fallback} for {self.fallback_takes} of {counted(self.takes, 'take')}"
        if self.fallback_takes == self.takes:
            return f"{self.lang}: {fell_back} ({why})"
        return f"{self.lang}: {fell_back}, {self.voice} for the other {self.takes - self.fallback_takes} ({why})"


@dataclass
class BuildResult:
    """What a build did."""

    script: Script
    """The script built."""

    folder: Path
    """The guide's output folder (``<out>/<id>``)."""

    work: Work
    """What it planned to do, with reasons."""

    languages: list[LanguageResult] = field(default_factory=list)
    """Per language, the files now in the folder."""

    recorded: int = 0
    """Takes recorded by the engines."""

    reused: int = 0
    """Takes taken from the cache."""

    encoded: list[str] = field(default_factory=list)
    """Files written (relative paths): tracks encoded and full guides joined."""

    joined: list[str] = field(default_factory=list)
    """Full guides written by joining their pieces' frames (relative paths; also in `encoded`)."""

    pieces_encoded: int = 0
    """Bridge pieces of full guides (announcements and pauses) encoded into the cache."""

    manifest_changed: bool = False
    """Whether the manifest or any MP3 changed."""

    published: list[str] = field(default_factory=list)
    """Companion files written (transcripts, playlists, feeds, player), relative paths."""

    feed_skipped: bool = False
    """Feeds were asked for but no base URL was given."""

    stale: list[Stale] = field(default_factory=list)
    """Translations whose source text changed since they were reviewed (guide.translations.reviews)."""

    review_started: Path | None = None
    """The review record this build wrote, the script having none (every translation starts reviewed)."""

    review_warning: str | None = None
    """Why the review record could not be written, when it could not."""

    seconds: float = 0.0
    """Wall time of the build."""

    fallbacks: list[Substitution] = field(default_factory=list)
    """Takes spoken by a fallback voice because their own voice failed (reported, never silent)."""

    voices: list[VoiceChoice] = field(default_factory=list)
    """Which voice spoke each language built, and why."""

    shared: SharedCount | None = None
    """What the shared take cache did (None without one)."""

    shared_warning: str | None = None
    """What went wrong with the shared take cache, in one line (the build went on without it)."""

    @property
    def nothing_to_do(self) -> bool:
        """Whether the build recorded, encoded and wrote nothing."""
        return not self.recorded and not self.encoded and not self.manifest_changed and not self.published

    @property
    def from_shared(self) -> int:
        """Takes this build took from the shared cache and used: the planned ones, and the fallback voice's
        takes that stood in for planned ones the voice failed to speak (None-safe: 0 without a shared cache)."""
        if self.shared is None:
            return 0
        stood_in = {f.used for f in self.fallbacks if not f.recorded} & self.shared.stand_ins
        return self.shared.fetched + len(stood_in)

    @property
    def manifest(self) -> Path:
        """The guide folder's manifest."""
        return self.folder / MANIFEST


def _failure(substitution: Substitution) -> str:
    """Why a voice failed, in one clause, without the engine's name its message may start with."""
    reason = substitution.reason.split(". ")[0].rstrip(".")
    engine = substitution.voice.split(":", 1)[0]
    return reason.removeprefix(f"{engine}: ")


def results(manifest: Manifest | None, the_plan: Plan, fallbacks: Sequence[Substitution] = ()) -> list[LanguageResult]:
    """Per language planned, what `manifest` says the folder holds, and which voice spoke its takes (`fallbacks`:
    the takes a fallback voice spoke in this build, for why)."""
    # Counted by voice, not by file: a word said in Arabic inside an English track is the Arabic voice's take.
    heard = [
        t
        for block in (manifest.languages.values() if manifest is not None else ())
        for e in block.entries()
        for st in e.sentences
        for t in st.takes
    ]
    played = {t.planned or t.key for t in heard}
    fallen = {t.planned for t in heard if t.planned is not None}
    out = []
    for lp in the_plan.languages:
        block = manifest.languages.get(lp.lang) if manifest is not None else None
        tracks = tuple(
            TrackResult(t.id, t.kind, t.title, Path(t.file), t.duration) for t in (block.tracks if block else ())
        )
        full = block.full_guide if block else None
        full_result = TrackResult("full", "full", full.title, Path(full.file), full.duration) if full else None
        m4b = Path(full.m4b.file) if full is not None and full.m4b is not None else None
        spoken = {t.key for t in the_plan.takes() if t.voice.label == lp.voice.label and t.key in played}
        failed = next((f for f in fallbacks if f.voice == lp.voice.label), None)
        fallback = failed.fallback if failed else (lp.voice.fallback.label if lp.voice.fallback else None)
        out.append(
            LanguageResult(
                lp.lang,
                lp.voice.label,
                tracks,
                full_result,
                m4b,
                takes=len(spoken),
                fallback_takes=len(spoken & fallen),
                fallback=(fallback or "its fallback voice") if spoken & fallen else None,
                failure=_failure(failed) if failed else None,
            )
        )
    return out
