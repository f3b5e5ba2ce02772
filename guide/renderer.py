"""Rendering: record the takes a plan needs (in parallel, into the cache), then turn
tracks and full guides into audio from the cached takes.

Nothing here writes into the output folder; :mod:`guide.builder` publishes.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from .audio.assemble import SAMPLE_RATE, Cue, join, segment, silence, to_pipeline_format
from .cache import TakeCache
from .engines import EngineRegistry
from .errors import EngineError, GuideError
from .planner import ChapterMark, Pause, TakeSpec, TrackPlan, TrackRef, units

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each take is recorded (drives the CLI's progress bar)."""

GTTS_CONCURRENCY = 4
"""At most this many gTTS requests at once, whatever --jobs says: more invites 429s."""

MIN_POOL_TAKES = 12
"""Below this many Piper takes, starting worker processes (each loads the voice) costs more than it saves."""


def default_jobs() -> int:
    """Worker processes by default: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def record_one(spec: TakeSpec, registry: EngineRegistry, cache: TakeCache) -> str:
    """Speak one take and store it in the cache; returns its key."""
    try:
        chunk = registry.synthesize(spec.text, spec.voice)
    except EngineError as exc:
        raise type(exc)(f"{spec.voice.label} ({spec.voice.lang}): {exc.message}") from None
    cache.store(spec.key, to_pipeline_format(chunk.samples, chunk.sample_rate))
    return spec.key


# -- worker processes ----------------------------------------------------------
_WORKER: dict = {}


def _worker_start(voices_dirs: tuple[Path, ...], threads: int, cache_folder: str) -> None:
    _WORKER["registry"] = EngineRegistry(voices_dirs, piper_threads=threads)
    _WORKER["cache"] = TakeCache(cache_folder)


def _worker_record(spec: TakeSpec) -> str:
    return record_one(spec, _WORKER["registry"], _WORKER["cache"])


def record_takes(
    specs: Sequence[TakeSpec],
    registry: EngineRegistry,
    cache: TakeCache,
    jobs: int = 1,
    progress: Progress | None = None,
    on_done: Callable[[str], None] | None = None,
) -> None:
    """Record `specs` into `cache`: Piper in `jobs` worker processes (each loads its voice
    once), gTTS in a few threads, espeak-ng in this process (it is faster than a worker
    starts). A take finished before a failure stays in the cache.

    `on_done(key)` is called in this thread as each take is stored, so the caller can
    start encoding a track as soon as its last take is in.
    """
    total, done = len(specs), 0

    def tick(key: str) -> None:
        nonlocal done
        done += 1
        if on_done:
            on_done(key)
        if progress:
            progress(done, total)

    online = [s for s in specs if not registry.get(s.voice.engine).offline]
    piper = [s for s in specs if s.voice.engine == "piper"]
    use_pool = jobs > 1 and len(piper) >= MIN_POOL_TAKES
    elsewhere = {s.key for s in online} | ({s.key for s in piper} if use_pool else set())
    local = [s for s in specs if s.key not in elsewhere]

    executors: list[cf.Executor] = []
    futures: list[cf.Future] = []
    try:
        if online:
            threads = cf.ThreadPoolExecutor(max_workers=max(1, min(jobs, GTTS_CONCURRENCY)))
            executors.append(threads)
            futures += [threads.submit(record_one, s, registry, cache) for s in online]
        if use_pool:
            workers = min(jobs, len(piper))
            pool = cf.ProcessPoolExecutor(
                max_workers=workers,
                # spawn, not fork: onnxruntime's threads and espeak-ng's state do not survive a fork
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_start,
                initargs=(registry.voices_dirs, max(1, default_jobs() // workers), str(cache.folder)),
            )
            executors.append(pool)
            futures += [pool.submit(_worker_record, s) for s in piper]
        for spec in local:
            tick(record_one(spec, registry, cache))
        for future in cf.as_completed(futures):
            try:
                key = future.result()
            except GuideError:
                raise
            except BrokenProcessPool:
                raise EngineError("a recording worker process died (out of memory?); takes finished so far are kept") from None
            tick(key)
    finally:
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)


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


def stream(steps, tracks: Sequence[TrackPlan], cache: TakeCache, timeline: Timeline) -> Iterator[np.ndarray]:  # noqa: ANN001
    """The PCM of `steps` piece by piece (tracks included whole), noting cues and chapters on `timeline`.

    Yielding pieces instead of one array keeps a long full guide out of memory.
    """
    for unit in units(steps):
        if isinstance(unit, ChapterMark):
            timeline.marks[unit.index] = timeline.seconds
        elif isinstance(unit, TrackRef):
            inner = Timeline()
            samples = track_pcm(tracks[unit.index], cache, inner)
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
                samples = cache.load(piece.key)
                takes.append((piece.key, piece.text, timeline.seconds))
                timeline.frames += len(samples)
                yield samples
            if takes:
                timeline.cues.append(Cue(unit.text, start, timeline.seconds, tuple(takes)))


def _silence(seconds: float, timeline: Timeline) -> np.ndarray:
    samples = np.zeros(int(round(seconds * SAMPLE_RATE)), dtype=np.int16)
    timeline.frames += len(samples)
    return samples


def track_pcm(track: TrackPlan, cache: TakeCache, timeline: Timeline) -> np.ndarray:
    """One track's samples: its takes and pauses stitched with pydub, its music mixed under them."""
    audio = join([segment(samples) for samples in stream(track.steps, (), cache, timeline)] or [silence(0)])
    speech = np.frombuffer(audio.raw_data, dtype=np.int16)
    if track.music is None:
        return speech
    from .audio.music import mix_under

    mixed, lead = mix_under(speech, timeline.cues, track.music)
    timeline.cues[:] = [c.shifted(lead) for c in timeline.cues]
    timeline.frames = len(mixed)
    return mixed
