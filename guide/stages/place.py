"""The manifest a build writes: each file's entry, placing the files into the guide folder, the inventory of
every file written, and writing ``manifest.json`` last.

(Not to be confused with the exporters of :mod:`guide.publish` or ``guide publish``, :mod:`guide.deploy`:
this only places what the build made in its own output folder.)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..audio.assemble import Cue
from ..audio.ffmpeg import Ffmpeg
from ..file_stamps import FileStamps
from ..manifest import (
    MANIFEST,
    Audiobook,
    ChapterSpan,
    FfmpegInfo,
    FileRecord,
    LanguageEntry,
    Manifest,
    PieceSpan,
    SpokenSentence,
    SpokenTake,
    TrackEntry,
)
from ..publish.companions import companion_kind, transcript_files
from ..safe_files import place, read_own_text, safe_child, sha256_of, write_text
from ..work import FileJob, Work


def sentences(cues: Sequence[Cue], substitutes: Mapping[str, str]) -> tuple[SpokenSentence, ...]:
    """Cues as the manifest lists sentences, each take with what it stands for when a fallback spoke it."""
    planned = {used: key for key, used in substitutes.items()}  # the manifest says what each fallback take stands for
    return tuple(
        SpokenSentence(
            cue.text,
            round(cue.start, 3),
            round(cue.end, 3),
            tuple(SpokenTake(key, text, round(start, 3), planned.get(key)) for key, text, start in cue.takes),
        )
        for cue in cues
    )


def entry(
    job: FileJob,
    duration: float,
    said: Sequence[SpokenSentence],
    target: Path,
    substitutes: Mapping[str, str],
    published: str,
    *,
    chapters: tuple[ChapterSpan, ...] | None = None,
    pieces: tuple[PieceSpan, ...] | None = None,
) -> TrackEntry:
    """The manifest entry of `job`, just written to `target`; `published` is when (a feed's pubDate)."""
    fallback = [t.key for t in job.takes if t.key in substitutes]
    recipe = job.recipe
    if fallback:
        # Not what the plan asked for: the next build must try the planned voice again and re-encode.
        recipe = {**recipe, "takes": f"fallback {recipe['takes']}"}
    return TrackEntry(
        id=job.id,
        kind=job.kind,
        title=job.title,
        file=job.file,
        duration=round(duration, 3),
        sha256=sha256_of(target),
        bytes=target.stat().st_size,
        recipe=recipe,
        fallback_takes=len(fallback),
        sentences=tuple(said),
        chapters=chapters,
        pieces=pieces,
        published=published,
    )


def manifest_of(work: Work, encoded: Mapping[str, TrackEntry], previous: Manifest | None, tool: Ffmpeg) -> Manifest:
    """The manifest after this build, its inventory still empty: the entries of the files just encoded, the last
    build's of the others, and the languages not built this time (``--lang``) as they were."""
    old = previous.entries() if previous is not None else {}
    script = work.plan.script
    built = {lp.lang: lp for lp in work.plan.languages}
    languages: dict[str, LanguageEntry] = {}
    for lang in script.languages:
        if lang not in built:
            if previous is not None and lang in previous.languages:
                languages[lang] = previous.languages[lang]  # not rebuilt this time (--lang): kept
            continue
        tracks: list[TrackEntry] = []
        full: TrackEntry | None = None
        for job in (f for f in work.files if f.lang == lang):
            made, was = encoded.get(job.file), old.get(job.file)
            if made is not None and was is not None and was.sha256 == made.sha256 and was.published:
                made = replace(made, published=was.published)  # the same bytes again (--force): the feed's date stays
            current = made or was
            if current is None:
                continue
            current = replace(current, title=job.title, kind=job.kind, id=job.id)
            if job.kind == "full":
                full = current
            else:
                tracks.append(current)
        languages[lang] = LanguageEntry(built[lang].voice.label, tuple(tracks), full)
    return Manifest(
        id=script.id,
        title={lang: script.title[lang] for lang in script.title.by_lang},
        # Which ffmpeg measured and encoded (each file's recipe holds its version too).
        ffmpeg=FfmpegInfo(tool.version, tool.bundled),
        languages=languages,
    )


def place_files(staging: Path, folder: Path, encoded: Mapping[str, TrackEntry], stamps: FileStamps) -> None:
    """Move the files encoded into `staging` into the guide folder, each whole, and stamp them."""
    for relative, made in encoded.items():
        place(staging / relative, folder, relative)
        if made.sha256 is not None:
            stamps.record(relative, made.sha256)
        if made.m4b is not None:
            place(staging / made.m4b.file, folder, made.m4b.file)
            stamps.record(made.m4b.file, made.m4b.sha256)


def inventory(
    manifest: Manifest, companions: Iterable[str], folder: Path, stamps: FileStamps
) -> tuple[FileRecord, ...]:
    """Every file the build wrote, sorted by path: the MP3s and M4Bs as their entries say, the companion
    files as they are now (hashed through `stamps`, so an unchanged one is not read again)."""
    found: dict[str, FileRecord] = {}
    for made in manifest.entries().values():
        kind = "full" if made.kind == "full" else "track"
        if made.sha256 is not None:
            found[made.file] = FileRecord(made.file, made.bytes, made.sha256, kind)
        if made.m4b is not None:
            found[made.m4b.file] = FileRecord(made.m4b.file, made.m4b.bytes, made.m4b.sha256, "m4b")
    for relative in companions:
        path = folder / relative
        digest = stamps.sha256(path)
        if digest is not None:  # never a link: safe_child replaced any
            found[relative] = FileRecord(relative, os.lstat(path).st_size, digest, companion_kind(relative))
    return tuple(found[path] for path in sorted(found))


def write_manifest(folder: Path, manifest: Manifest, previous: Manifest | None, encoded: bool) -> bool:
    """Write `manifest` into the guide folder unless it says what is there already; True when it or any
    file it names changed (`encoded`: files were placed)."""
    old_text = read_own_text(folder / MANIFEST)  # None for a link planted there: replaced
    if manifest == previous and not encoded and old_text is not None:
        return False  # compared as data first: indenting a 500-item manifest takes a second
    text = manifest.to_text()
    if text == old_text:
        return encoded
    write_text(folder / MANIFEST, text)
    return True


def remove_dropped(folder: Path, previous: Manifest | None, manifest: Manifest) -> None:
    """Delete the MP3s and M4Bs (and the transcripts beside them) the last manifest named and this one does not."""
    if previous is None:
        return
    gone = sorted(previous.audio_files() - manifest.audio_files())
    beside = {stale: transcript_files(stale) if stale.endswith(".mp3") else [] for stale in gone}
    remove_files(folder, [name for stale in gone for name in [stale, *beside[stale]]])


def remove_files(folder: Path, relatives: Iterable[str]) -> None:
    """Delete files of the guide folder the build no longer makes (never outside it, never through a link)."""
    for stale in relatives:
        if not Path(stale).is_absolute() and ".." not in Path(stale).parts:  # a tampered manifest names no file outside
            safe_child(folder, stale).unlink(missing_ok=True)


def audiobook(m4b: str, target: Path) -> Audiobook:
    """The manifest's block for the M4B just written to `target`."""
    return Audiobook(m4b, sha256_of(target) or "", target.stat().st_size)
