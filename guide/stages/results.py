"""What a build did, for the CLI, the studio and programs: :class:`BuildResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..manifest import MANIFEST, Manifest
from ..planner import Plan
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
    def manifest(self) -> Path:
        """The guide folder's manifest."""
        return self.folder / MANIFEST


def results(manifest: Manifest | None, the_plan: Plan) -> list[LanguageResult]:
    """Per language planned, what `manifest` says the folder holds."""
    out = []
    for lp in the_plan.languages:
        block = manifest.languages.get(lp.lang) if manifest is not None else None
        tracks = tuple(
            TrackResult(t.id, t.kind, t.title, Path(t.file), t.duration) for t in (block.tracks if block else ())
        )
        full = block.full_guide if block else None
        full_result = TrackResult("full", "full", full.title, Path(full.file), full.duration) if full else None
        m4b = Path(full.m4b.file) if full is not None and full.m4b is not None else None
        out.append(LanguageResult(lp.lang, lp.voice.label, tracks, full_result, m4b))
    return out
