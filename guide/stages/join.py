"""Full guides joined from their pieces' frames (tracks and bridge pieces: a file copy, no encoding), and the M4B
written beside a full guide."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ..audio.assemble import SAMPLE_RATE
from ..cache import TakeCache
from ..manifest import Audiobook, ChapterSpan, PieceSpan, SpokenSentence, TrackEntry
from ..planner import Bridge, LanguagePlan, full_pieces
from ..publish.cover import Covers
from ..publish.frames import NotJoinable, Piece, Settings, join, read_piece, starts, total_samples
from ..publish.m4b import file_pcm, write_m4b
from ..publish.mp3 import Frames, id3_bytes, parse_bitrate
from ..renderer import Timeline, stream
from ..safe_files import atomic_path
from ..work import FileJob, Work, m4b_file
from .place import audiobook, entry, sentences

Encoder = Callable[[FileJob], tuple[str, "TrackEntry | None"]]
"""Encodes a track into the staging folder: (its file, its manifest entry)."""


def settings(bitrate: str) -> Settings:
    """What every frame of a full guide's pieces must be: the pipeline's format at `bitrate`."""
    return Settings(SAMPLE_RATE, 1, parse_bitrate(bitrate))


def join_full(
    job: FileJob,
    lang_plan: LanguagePlan,
    bridge_keys: Mapping[str, str],
    entries: dict[str, TrackEntry],
    previous: Mapping[str, TrackEntry],
    encode: Encoder,
    work: Work,
    cache: TakeCache,
    staging: Path,
    folder: Path,
    substitutes: Mapping[str, str],
    covers: Covers,
    published: str,
) -> TrackEntry:
    """Write the full guide of `job` into `staging` from its pieces' frames; its manifest entry.

    A published track whose frames cannot be joined (other settings) is encoded again
    first, into `staging`, and its entry added to `entries`. (Its M4B, if asked for, is
    encoded afterwards, from this file: :func:`write_audiobook`.) `published` is the build's time stamp
    (:func:`guide.publish.feed.now`), the entry's date.
    """
    script = work.plan.script
    wanted = settings(job.recipe["bitrate"])
    parts: list[tuple[Piece, tuple[SpokenSentence, ...], dict[int, float]]] = []
    sources: list[dict[str, str]] = []
    for index, part in enumerate(full_pieces(lang_plan.full)):
        if isinstance(part, Bridge):
            key = bridge_keys[f"{job.file}#{index}"]
            sources.append({"piece": key})
            piece = read_piece(cache.piece_path(key), wanted)
            timeline = Timeline()
            for _ in stream(part.steps, (), cache, timeline, substitutes):
                pass  # only where its sentences and chapter marks fall
            parts.append((piece, sentences(timeline.cues, substitutes), dict(timeline.marks)))
            continue
        track = lang_plan.tracks[part.index]
        sources.append({"file": track.file})
        try:
            where = staging if track.file in entries else folder
            piece = read_piece(where / track.file, wanted, track.file)
        except NotJoinable:
            made = encode(next(f for f in work.files if f.file == track.file))[1]
            if made is not None:
                entries[track.file] = made
            piece = read_piece(staging / track.file, wanted, track.file)
        said = (entries.get(track.file) or previous[track.file]).sentences
        parts.append((piece, said, {}))

    offsets = [s / SAMPLE_RATE for s in starts([p for p, _, _ in parts])]
    duration = total_samples([p for p, _, _ in parts]) / SAMPLE_RATE
    heard = tuple(s.shifted(offset) for (_, said, _), offset in zip(parts, offsets, strict=True) for s in said)
    marks = {i: at + offset for (_, _, found), offset in zip(parts, offsets, strict=True) for i, at in found.items()}
    tracks = lang_plan.tracks
    begins = [marks[i] for i in range(len(tracks))]
    chapters = tuple((t.title, a, b) for t, a, b in zip(tracks, begins, [*begins[1:], duration], strict=True))
    frames = Frames(
        chapters=chapters if script.publish.chapters else (),
        transcript=" ".join(s.text for s in heard) if script.publish.transcripts else None,
        cover=covers.embedded(job.lang),
    )
    target = staging / job.file
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        join([p for p, _, _ in parts], out, id3_bytes(job.tags, frames))
    pieces = tuple(
        PieceSpan(round(offset, 6), piece.samples, source.get("file"), source.get("piece"))
        for source, offset, (piece, _, _) in zip(sources, offsets, parts, strict=True)
    )
    spans = tuple(ChapterSpan(t, round(a, 3), round(b, 3)) for t, a, b in chapters)
    return entry(job, duration, heard, target, substitutes, published, chapters=spans, pieces=pieces)


def write_audiobook(job: FileJob, full: TrackEntry, staging: Path, covers: Covers) -> Audiobook:
    """Encode the M4B of the full guide `job`, just joined into `staging`; its manifest block.

    AAC from the full guide's own audio, decoded: the MP3 and the M4B sound the same (loudness
    within 0.1 LU, tests/test_m4b.py), and no take is mixed or normalised a second time."""
    m4b = m4b_file(job.file)
    chapters = [(c.title, c.start, c.end) for c in full.chapters or ()]
    write_m4b(file_pcm(staging / job.file), staging / m4b, job.tags, chapters, covers.data(job.lang), root=staging)
    return audiobook(m4b, staging / m4b)
