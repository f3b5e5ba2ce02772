"""Rendering: carry out a :class:`~guide.planner.Plan` with the engines, into audio in memory.

Nothing here writes files; :mod:`guide.builder` publishes what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .audio.assemble import Cue, join, seconds, segment, silence, to_pipeline_format
from .engines import EngineRegistry, VoiceRef
from .errors import EngineError
from .planner import FullPlan, LanguagePlan, Pause, Plan, TrackPlan, TrackRef, Utterance
from .text.sentences import is_silent

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each utterance is recorded (drives the CLI's progress bar)."""


@dataclass(frozen=True)
class Take:
    """The recording of one utterance: its audio and when each sentence is heard in it."""

    audio: object
    """pydub.AudioSegment in the pipeline format."""

    cues: tuple[Cue, ...]
    """Sentence times relative to the start of the take."""


@dataclass(frozen=True)
class RenderedTrack:
    """A track's audio, ready to publish."""

    plan: TrackPlan
    """What it was made from."""

    audio: object
    """pydub.AudioSegment in the pipeline format."""

    cues: tuple[Cue, ...]
    """Every sentence heard, with its time in the track."""

    @property
    def duration(self) -> float:
        return seconds(self.audio)


@dataclass(frozen=True)
class RenderedLanguage:
    """One language's tracks and full guide, rendered."""

    plan: LanguagePlan
    """What they were made from."""

    tracks: tuple[RenderedTrack, ...]
    """The tracks in order."""

    full: RenderedTrack
    """The full guide (its ``plan`` is a TrackPlan-like view of the FullPlan)."""


def record(utterance: Utterance, registry: EngineRegistry, sentence_pause: float) -> Take:
    """Speak every sentence of `utterance` and join them with `sentence_pause`."""
    parts, cues, at = [], [], 0.0
    for sentence in utterance.sentences:
        if is_silent(sentence):
            continue  # a lone symbol: nothing for an engine to say
        try:
            chunk = registry.synthesize(sentence, utterance.voice)
        except EngineError as exc:
            raise EngineError(f"{utterance.voice.label} ({utterance.voice.lang}): {exc.message}") from exc
        clip = segment(to_pipeline_format(chunk.samples, chunk.sample_rate))
        if parts:
            parts.append(silence(sentence_pause))
            at += seconds(parts[-1])
        parts.append(clip)
        cues.append(Cue(sentence, at, at + seconds(clip)))
        at += seconds(clip)
    return Take(join(parts), tuple(cues))


def record_all(plan: Plan, registry: EngineRegistry, progress: Progress | None = None) -> dict[tuple[VoiceRef, str], Take]:
    """Record every distinct utterance of the plan once."""
    takes = {}
    utterances = plan.utterances()
    for done, utterance in enumerate(utterances, start=1):
        takes[(utterance.voice, utterance.text)] = record(utterance, registry, plan.script.pauses.sentence)
        if progress:
            progress(done, len(utterances))
    return takes


def _assemble(steps: Iterable, takes: dict, tracks: tuple[RenderedTrack, ...] = ()) -> tuple[object, tuple[Cue, ...]]:
    parts, cues, at = [], [], 0.0
    for step in steps:
        if isinstance(step, Pause):
            piece, piece_cues = silence(step.seconds), ()
        elif isinstance(step, TrackRef):
            track = tracks[step.index]
            piece, piece_cues = track.audio, track.cues
        else:
            take = takes[(step.voice, step.text)]
            piece, piece_cues = take.audio, take.cues
        cues += [Cue(c.text, c.start + at, c.end + at) for c in piece_cues]
        parts.append(piece)
        at += seconds(piece)
    return join(parts), tuple(cues)


def render_language(lang_plan: LanguagePlan, takes: dict) -> RenderedLanguage:
    """Assemble one language's tracks and its full guide from recorded takes."""
    tracks = tuple(RenderedTrack(t, *_assemble(t.steps, takes)) for t in lang_plan.tracks)
    full_audio, full_cues = _assemble(lang_plan.full.steps, takes, tracks)
    return RenderedLanguage(lang_plan, tracks, RenderedTrack(_full_as_track(lang_plan.full), full_audio, full_cues))


def _full_as_track(full: FullPlan) -> TrackPlan:
    return TrackPlan("full", "full", 0, full.title, full.file, ())
