"""Rendering: record the takes a plan needs (in parallel, into the cache), then turn
tracks and full guides into audio from the cached takes.

Nothing here writes into the output folder; :mod:`guide.stages.place` places the files there.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .audio.assemble import SAMPLE_RATE, Cue, join, segment, silence, to_pipeline_format
from .audio.music import mix_under
from .cache import TakeCache
from .engines import EngineRegistry, VoiceRef
from .errors import EngineError
from .planner import ChapterMark, Pause, TakeSpec, TrackPlan, TrackRef, take_key, units

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each take is recorded (drives the CLI's progress bar)."""

ONLINE_CONCURRENCY = 4
"""At most this many gTTS requests at once, whatever --jobs says: more invites 429s."""

MIN_PARALLEL_TAKES = 4
"""Below this many Piper takes, recording them in parallel threads is not worth starting them."""


def default_jobs() -> int:
    """Recording threads by default: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Substitution:
    """A take spoken by its voice's fallback because the voice itself failed."""

    key: str
    """The planned take's key (not in the cache)."""

    used: str
    """The fallback take's key (in the cache): what the tracks play instead."""

    text: str
    """What was spoken."""

    voice: str
    """The planned voice's label."""

    fallback: str
    """The fallback voice's label."""

    reason: str
    """Why the planned voice failed."""

    recorded: bool = True
    """Whether the fallback recorded the take now (False: it was in the cache from an earlier build)."""

    hard_to_follow: bool = False
    """Listeners understand the fallback voice poorly in this language (:attr:`Capabilities.hard_to_follow`)."""


def record_one(spec: TakeSpec, registry: EngineRegistry, cache: TakeCache) -> tuple[str, Substitution | None]:
    """Speak one take and store it in the cache; returns its key, and the substitution if the fallback spoke."""
    try:
        chunk = registry.synthesize(spec.text, spec.voice)
    except EngineError as exc:
        fallback = spec.voice.fallback
        if fallback is None or not exc.fallback_helps:
            raise _failed(exc, spec, spec.voice) from None
        used = take_key(fallback, spec.text)
        cached = cache.has(used)
        if not cached:
            try:
                chunk = registry.synthesize(spec.text, fallback)
            except EngineError as second:
                raise _failed(second, spec, fallback) from None
            cache.store(used, to_pipeline_format(chunk.samples, chunk.sample_rate))
        return spec.key, Substitution(
            spec.key,
            used,
            spec.text,
            spec.voice.label,
            fallback.label,
            exc.message,
            not cached,
            fallback.can.hard_to_follow_in(fallback.lang),
        )
    cache.store(spec.key, to_pipeline_format(chunk.samples, chunk.sample_rate))
    return spec.key, None


def _failed(exc: EngineError, spec: TakeSpec, voice: VoiceRef) -> EngineError:
    """`exc` with the voice in its message and the take's key attached (the builder names the item)."""
    failed = type(exc)(f"{voice.label} ({voice.lang}): {exc.message}")
    failed.take_key = spec.key  # type: ignore[attr-defined]
    return failed


def record_takes(
    specs: Sequence[TakeSpec],
    registry: EngineRegistry,
    cache: TakeCache,
    jobs: int = 1,
    progress: Progress | None = None,
    on_done: Callable[[str, Substitution | None], None] | None = None,
    fetch: Callable[[str], bool] | None = None,
) -> list[Substitution]:
    """Record `specs` into `cache`: Piper in `jobs` threads sharing one loaded voice, gTTS in
    a few threads, espeak-ng in this thread. A take finished before a failure stays in the cache.

    Piper's threads share one model (onnxruntime sessions may run concurrently, and piper
    serialises its espeak-ng phonemizer), so `jobs` costs no second copy of the voice in memory.
    `on_done(key, substitution)` is called in this thread as each take is stored, so the
    caller can start encoding a track as soon as its last take is in. `fetch(key)`, asked
    just before a take is spoken, may bring it from elsewhere (a shared cache another
    machine just filled) into `cache` and return True: it is then not spoken. Returns the
    takes their voice's fallback spoke.
    """
    total, done = len(specs), 0

    def attempt(spec: TakeSpec, registry: EngineRegistry, cache: TakeCache) -> tuple[str, Substitution | None]:
        if fetch is not None and fetch(spec.key):
            return spec.key, None
        return record_one(spec, registry, cache)

    substitutions: list[Substitution] = []

    def tick(result: tuple[str, Substitution | None]) -> None:
        nonlocal done
        key, substitution = result
        if substitution is not None:
            substitutions.append(substitution)
        done += 1
        if on_done:
            on_done(key, substitution)
        if progress:
            progress(done, total)

    online = [s for s in specs if not registry.get(s.voice.engine).offline]
    threaded = [s for s in specs if registry.get(s.voice.engine).capabilities.threads]
    parallel = jobs > 1 and len(threaded) >= MIN_PARALLEL_TAKES
    elsewhere = {s.key for s in online} | ({s.key for s in threaded} if parallel else set())
    local = [s for s in specs if s.key not in elsewhere]

    executors: list[cf.Executor] = []
    futures: list[cf.Future] = []
    try:
        if online:
            threads = cf.ThreadPoolExecutor(max_workers=max(1, min(jobs, ONLINE_CONCURRENCY)))
            executors.append(threads)
            futures += [threads.submit(attempt, s, registry, cache) for s in online]
        workers = min(jobs, len(threaded)) if parallel else 1
        # One onnxruntime thread per recording thread was fastest for Piper (12.1 s against 15.8 s with the
        # default pool, for 24 sentences on 2 cores): each engine is told its takes and the threads they get.
        for engine, count in Counter(s.voice.engine for s in threaded).items():
            registry.get(engine).prepare(count, workers, default_jobs())
        if parallel:
            voices = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="voices")
            executors.append(voices)
            futures += [voices.submit(attempt, s, registry, cache) for s in threaded]
        for spec in local:
            tick(attempt(spec, registry, cache))
        for future in cf.as_completed(futures):
            tick(future.result())
    finally:
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)
    return substitutions


# -- assembly ------------------------------------------------------------------
@dataclass
class Timeline:
    """Audio being laid end to end: where each sentence falls, where each chapter starts."""

    frames: int = 0
    """Samples laid so far."""

    cues: list[Cue] = field(default_factory=list)
    """Each take's sentence with its start and end (seconds)."""

    marks: dict[int, float] = field(default_factory=dict)
    """Chapter index -> start (seconds), for full guides."""

    @property
    def seconds(self) -> float:
        return self.frames / SAMPLE_RATE


def stream(
    steps,
    tracks: Sequence[TrackPlan],
    cache: TakeCache,
    timeline: Timeline,
    substitutes: Mapping[str, str] | None = None,
) -> Iterator[np.ndarray]:
    """The PCM of `steps` piece by piece (tracks included whole), noting cues and chapters on `timeline`.

    Yielding pieces instead of one array keeps a long full guide out of memory.
    `substitutes` maps a planned take's key to the take played instead (a fallback voice's).
    """
    substitutes = substitutes or {}
    for unit in units(steps):
        if isinstance(unit, ChapterMark):
            timeline.marks[unit.index] = timeline.seconds
        elif isinstance(unit, TrackRef):
            inner = Timeline()
            samples = track_pcm(tracks[unit.index], cache, inner, substitutes)
            timeline.cues += [c.shifted(timeline.seconds) for c in inner.cues]
            timeline.frames += len(samples)
            yield samples
        elif isinstance(unit, Pause):
            yield _silence(unit.seconds, timeline)
        else:
            start = timeline.seconds
            takes: list[tuple[str, str, float]] = []
            for piece in unit.pieces:
                if isinstance(piece, Pause):
                    yield _silence(piece.seconds, timeline)
                    continue
                key = substitutes.get(piece.key, piece.key)
                samples = cache.load(key)
                takes.append((key, piece.text, timeline.seconds))
                timeline.frames += len(samples)
                yield samples
            if takes:
                timeline.cues.append(Cue(unit.text, start, timeline.seconds, tuple(takes)))


def _silence(seconds: float, timeline: Timeline) -> np.ndarray:
    samples = np.zeros(round(seconds * SAMPLE_RATE), dtype=np.int16)
    timeline.frames += len(samples)
    return samples


def track_pcm(
    track: TrackPlan, cache: TakeCache, timeline: Timeline, substitutes: Mapping[str, str] | None = None
) -> np.ndarray:
    """One track's samples: its takes and pauses stitched with pydub, its music mixed under them."""
    audio = join(
        [segment(samples) for samples in stream(track.steps, (), cache, timeline, substitutes)] or [silence(0)]
    )
    speech = np.frombuffer(audio.raw_data, dtype=np.int16)
    if track.music is None:
        return speech
    mixed, lead = mix_under(speech, timeline.cues, track.music)
    timeline.cues[:] = [c.shifted(lead) for c in timeline.cues]
    timeline.frames = len(mixed)
    return mixed
