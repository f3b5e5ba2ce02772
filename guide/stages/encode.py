"""The encoder scheduler: record the takes a build lacks and encode each file as soon as its last take is in.

Recording runs in this thread (:func:`guide.renderer.record_takes`, itself parallel); tracks and the
bridge pieces of full guides go to a pool of encoder threads as their takes arrive; full guides are joined,
and their M4Bs encoded, once everything else is there.
"""

from __future__ import annotations

import concurrent.futures as cf
import random
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..cache import TakeCache
from ..engines import EngineRegistry
from ..errors import EngineError
from ..manifest import TrackEntry
from ..planner import Bridge, Pause, TakeSpec, full_pieces, pieces
from ..publish.cover import Covers
from ..publish.feed import now
from ..publish.frames import NotJoinable, read_piece
from ..publish.mp3 import Frames, write_mp3
from ..renderer import Progress, Substitution, Timeline, default_jobs, record_takes, stream, track_pcm
from ..safe_files import sha256_of
from ..settings import NO_FALLBACK_ENV
from ..work import FileJob, Work, piece_key
from .join import join_full, settings, write_audiobook
from .place import entry, sentences

if TYPE_CHECKING:
    from ..storage.shared_cache import SharedCache


@dataclass(frozen=True)
class _BridgeJob:
    """A bridge piece of a full guide to make sure of (in the cache, joinable) before joining."""

    full: FileJob
    """The full guide it belongs to."""

    index: int
    """Its position among the full guide's pieces."""

    bridge: Bridge
    """What is heard in it."""

    @property
    def name(self) -> str:
        return f"{self.full.file}#{self.index}"

    @property
    def takes(self) -> tuple[TakeSpec, ...]:
        return tuple(p for p in pieces(self.bridge.steps) if isinstance(p, TakeSpec))


def _bridge_layout(bridge: Bridge, substitutes: Mapping[str, str]) -> list:
    """What is heard in a bridge: take keys as played (fallbacks included) and pause lengths."""
    out: list = []
    for piece in pieces(bridge.steps):
        if isinstance(piece, Pause):
            out.append(round(piece.seconds, 4))
        elif isinstance(piece, TakeSpec):
            out.append(substitutes.get(piece.key, piece.key))
    return out


def record_and_encode(
    work: Work,
    registry: EngineRegistry,
    cache: TakeCache,
    staging: Path,
    jobs: int,
    progress: Progress | None,
    folder: Path,
    previous: Mapping[str, TrackEntry],
    on_take: Callable[[str], None] | None = None,
    shared: SharedCache | None = None,
    covers: Covers | None = None,
) -> tuple[dict[str, TrackEntry], list[Substitution], list[str]]:
    """Record the missing takes, encode every track that must be and every bridge piece the
    cache lacks, then join each full guide that must be from its pieces' frames, into `staging`.

    A track or piece is handed to an encoder thread as soon as its last take is recorded,
    so encoding overlaps recording; a full guide is joined once all its pieces are there
    (a file copy: no decoding, no encoding). A track or full guide whose planned voice
    failed again exactly as in the last build (`previous`: the same fallback takes, the same
    recipe, the file untouched in `folder`) is left as it is. A bridge piece the local cache
    lacks is asked of the `shared` cache before it is encoded. Returns manifest entries by
    file written, the takes a fallback voice spoke, and the keys of the bridge pieces encoded.
    """
    script = work.plan.script
    covers = covers or Covers(script)
    plans = {lp.lang: lp for lp in work.plan.languages}
    substitutes: dict[str, str] = {}  # planned take -> the fallback's take played instead
    bridge_keys: dict[str, str] = {}  # bridge job name -> its piece key
    made: list[str] = []  # bridge pieces encoded
    # One time stamp for the whole build (SOURCE_DATE_EPOCH's when set), not one per file: the files a build makes
    # together say the same date, and a build with SOURCE_DATE_EPOCH is the same bytes however long it takes.
    published = now().isoformat()

    def encode(job: FileJob) -> tuple[str, TrackEntry | None]:
        if _same_fallback(job, substitutes, previous.get(job.file), folder):
            return job.file, None
        timeline = Timeline()
        track = next(t for t in plans[job.lang].tracks if t.file == job.file)
        samples = track_pcm(track, cache, timeline, substitutes)

        def frames() -> Frames:
            transcript = " ".join(c.text for c in timeline.cues) if script.publish.transcripts else None
            return Frames(transcript=transcript, cover=covers.embedded(job.lang))

        target = staging / job.file
        write_mp3(lambda: [samples], target, job.tags, job.recipe["bitrate"], script.loudness, frames, job.file)
        # A per-track feed's pubDate: it stays while the file does.
        said = sentences(timeline.cues, substitutes)
        return job.file, entry(job, timeline.seconds, said, target, substitutes, published)

    def make_bridge(job: _BridgeJob) -> tuple[str, None]:
        bitrate = job.full.recipe["bitrate"]
        audio = {"loudness": asdict(script.loudness) if script.loudness else None}
        key = piece_key(_bridge_layout(job.bridge, substitutes), bitrate, audio, job.full.recipe["encoder"])
        bridge_keys[job.name] = key
        path = cache.piece_path(key)
        if shared is not None and not cache.has_piece(key):
            shared.fetch_pieces([key])
        if cache.has_piece(key):
            try:
                read_piece(path, settings(bitrate))
                return job.name, None
            except NotJoinable:
                pass  # not what the others are: encoded again, in its place
        timeline = Timeline()
        samples = np.concatenate(
            [np.zeros(0, dtype=np.int16), *stream(job.bridge.steps, (), cache, timeline, substitutes)]
        )
        write_mp3(
            lambda: [samples],
            path,
            None,
            bitrate,
            script.loudness,
            name=f"a piece of the full guide {job.full.file}",
            root=cache.folder,
        )
        made.append(key)
        return job.name, None

    fulls = [job for job in work.encode if job.kind == "full"]
    bridges = [
        _BridgeJob(full, index, part)
        for full in fulls
        for index, part in enumerate(full_pieces(plans[full.lang].full))
        if isinstance(part, Bridge)
    ]
    tasks: dict[str, tuple] = {job.file: (encode, job) for job in work.encode if job.kind != "full"}
    tasks.update({b.name: (make_bridge, b) for b in bridges})
    fallbacks: list[Substitution] = []
    recorded: list[str] = []
    to_record = {job.take.key for job in work.record}
    missing = {name: {t.key for t in task[1].takes} & to_record for name, task in tasks.items()}
    waiting_on: dict[str, list[str]] = {}
    for name, keys in missing.items():
        for key in keys:
            waiting_on.setdefault(key, []).append(name)
    futures: list[cf.Future] = []

    # Encoders are ffmpeg processes, no more at once than cores (--jobs counts recording
    # processes, each of which loads a voice).
    with cf.ThreadPoolExecutor(max_workers=default_jobs()) as encoder:

        def start(name: str) -> None:
            function, job = tasks[name]
            futures.append(encoder.submit(function, job))

        def take_done(key: str, substitution: Substitution | None) -> None:
            recorded.append(key)
            if substitution is not None:
                substitutes[key] = substitution.used
                fallbacks.append(substitution)
            for name in waiting_on.pop(key, ()):
                missing[name].discard(key)
                if not missing[name]:
                    start(name)
            if on_take is not None:
                on_take(key)

        for name, keys in missing.items():
            if not keys:
                start(name)
        takes = [job.take for job in work.record]
        if shared is not None and len(takes) > 1:
            # Machines building scripts that share sentences start at different points of their
            # lists, so they rarely speak the same take at once (each fetches what another put).
            turn = random.randrange(len(takes))
            takes = takes[turn:] + takes[:turn]
        try:
            record_takes(
                takes,
                registry,
                cache,
                jobs,
                progress,
                on_done=take_done,
                fetch=shared.fetch_late if shared is not None else None,
            )
        except EngineError as exc:
            for future in futures:
                future.cancel()
            raise _where(exc, work, len(recorded), refused=not registry.fallbacks) from None
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        results = [future.result() for future in futures]
    # A track left as it is (the same fallback as last time) has no entry: the manifest keeps the old one.
    entries = {name: made for name, made in results if name in tasks and tasks[name][0] is encode and made is not None}
    for full in fulls:
        if _same_fallback(full, substitutes, previous.get(full.file), folder):
            continue
        entries[full.file] = join_full(
            full,
            plans[full.lang],
            bridge_keys,
            entries,
            previous,
            encode,
            work,
            cache,
            staging,
            folder,
            substitutes,
            covers,
            published,
        )
    audiobooks = [full for full in fulls if full.file in entries and "m4b" in full.recipe]
    if audiobooks:  # one AAC encoder per language at once: the languages' M4Bs take the time of one
        with cf.ThreadPoolExecutor(max_workers=default_jobs()) as encoder:
            blocks = list(
                encoder.map(lambda full: write_audiobook(full, entries[full.file], staging, covers), audiobooks)
            )
        for full, block in zip(audiobooks, blocks, strict=True):
            entries[full.file] = replace(entries[full.file], m4b=block)
    return entries, fallbacks, made


def _same_fallback(job: FileJob, substitutes: Mapping[str, str], old: TrackEntry | None, folder: Path) -> bool:
    """Whether `job` would make again, byte for byte, the file the last build made with fallback takes.

    That is the case when its planned voice failed again (still offline) and the fallback
    takes played are the ones played last time, the recipe is the same and the file is as
    that build left it: encoding it again would change nothing, so it is not rewritten.
    """
    if old is None or not any(t.key in substitutes for t in job.takes):
        return False
    if dict(old.recipe) != {**job.recipe, "takes": f"fallback {job.recipe['takes']}"}:
        return False
    played = {substitutes.get(t.key, t.key) for t in job.takes}
    before = {t.key for s in old.sentences for t in s.takes}
    return played == before and sha256_of(folder / job.file) == old.sha256


def _where(exc: EngineError, work: Work, recorded: int, refused: bool = False) -> EngineError:
    """`exc` naming the script, the item and the language of the take that failed; `refused`: fallback voices
    were forbidden (``--no-fallback``), said when one could have spoken instead."""
    key = getattr(exc, "take_key", None)
    job = next((j for j in work.files if j.kind != "full" and any(t.key == key for t in j.takes)), None)
    job = job or next((j for j in work.files if any(t.key == key for t in j.takes)), None)
    take = next((t for t in job.takes if t.key == key), None) if job else None
    where = f"{work.plan.script.path}: item '{job.id}' ({job.lang})" if job else str(work.plan.script.path)
    said = f' while recording "{take.text[:60]}"' if take else ""
    kept = f"; the {recorded} takes recorded before it are kept in the cache" if recorded > 0 else ""
    voice = take.voice if take else None
    forbidden = (
        f"; --no-fallback (or {NO_FALLBACK_ENV}): no fallback voice may speak for {voice.label}"
        if refused and exc.fallback_helps and voice is not None
        else ""
    )
    return type(exc)(f"{where}{said}: {exc.message}{forbidden}{kept}; nothing published was changed")
