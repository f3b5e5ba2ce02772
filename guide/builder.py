"""The library API: check a script, build it, list voices. The CLI is a thin layer over this.

A build is "gather, then write": the script is validated and every voice
resolved before anything is recorded; everything is recorded and encoded into
a staging folder before anything in the output folder is replaced; each file
is renamed into place whole; the companion files follow, and the manifest,
which names every file written, comes last.

This module orchestrates; the stages are in :mod:`guide.stages`. Their public names
are importable from here too.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .audio.ffmpeg import Ffmpeg, require_capable
from .authoring import cost
from .authoring.review import MAX_WORDS, Review, review
from .cache import TakeCache
from .dates import build_time
from .engines import EngineRegistry, VoiceInfo
from .errors import InputError
from .file_stamps import FileStamps
from .lock import BuildLock
from .manifest import MANIFEST, read_manifest
from .planner import Plan, TakeSpec, take_key
from .publish.cover import Covers
from .renderer import Progress, default_jobs
from .safe_files import remove_leftovers, staging_folder
from .script.model import Script
from .settings import RunSettings
from .stages.companions import make_companions
from .stages.encode import record_and_encode
from .stages.inputs import disk_errors, load, open_memo, open_parity_memo, plan, resolve_voices, save_memo
from .stages.place import inventory, manifest_of, place_files, remove_dropped, remove_files, write_manifest
from .stages.print_guide import PrintResult, print_guide
from .stages.results import BuildResult, LanguageResult, TrackResult, results
from .stages.speak import say
from .stages.wording import ARABIC_BY_ESPEAK, VoiceChoice, voice_choices, warnings
from .text.memo import ParityMemo, SentenceMemo
from .translations.reviews import Stale, mark, read_record, stale, start_record, write_record
from .work import Work, plan_work

if TYPE_CHECKING:
    from .storage.shared_cache import SharedCache

__all__ = [
    "ARABIC_BY_ESPEAK",
    "MANIFEST",
    "MAX_WORDS",
    "BuildResult",
    "LanguageResult",
    "PrintResult",
    "TrackResult",
    "VoiceChoice",
    "all_take_keys",
    "build",
    "check",
    "list_voices",
    "load",
    "mark_reviewed",
    "named_files",
    "open_memo",
    "plan",
    "plan_build",
    "print_guide",
    "resolve_voices",
    "say",
    "stale_translations",
    "stand_ins",
    "voice_choices",
    "warnings",
]


def check(
    path: str | Path,
    settings: RunSettings | None = None,
    registry: EngineRegistry | None = None,
    *,
    allow_missing: bool = False,
    max_words: int = MAX_WORDS,
) -> tuple[Script, Review]:
    """Validate a script and review it: warnings (long sentences, unsayable characters), estimates per language,
    and what the online voices will be sent and cost (a cold build, and the next one against the take cache)."""
    settings = settings or RunSettings.make()
    registry = registry or settings.registry()
    parity_memo = open_parity_memo(path, settings.take_cache())
    script = load(path, registry, allow_missing=allow_missing, parity_memo=parity_memo)
    parity_memo.save()
    the_plan = plan(script, registry)
    advice = review(script, the_plan, max_words, registry.web_requests)
    advice.costs = cost.estimate(the_plan.takes(), settings.take_cache().has, registry)
    return script, advice


def _gather(
    path: str | Path, settings: RunSettings, languages: Sequence[str] | None, registry: EngineRegistry
) -> tuple[Script, Plan, TakeCache, Path, Ffmpeg, SentenceMemo, ParityMemo]:
    """Check every input of a build, and the ffmpeg it will use, before anything is recorded or written.

    The front-end's and the cross-language check's notes are saved by the caller once its work succeeded."""
    tool = require_capable()
    build_time()  # a SOURCE_DATE_EPOCH that is not a whole number stops the build before anything is written
    cache = settings.take_cache()
    parity_memo = open_parity_memo(path, cache)
    script = load(path, registry, parity_memo=parity_memo)
    memo = open_memo(script, cache)
    the_plan = plan(script, registry, languages, memo)
    folder = settings.out / script.id
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    return script, the_plan, cache, folder, tool, memo, parity_memo


def build(
    path: str | Path,
    settings: RunSettings | None = None,
    languages: Sequence[str] | None = None,
    registry: EngineRegistry | None = None,
    progress: Progress | None = None,
    *,
    only: Sequence[str] = (),
    force: bool = False,
    on_take: Callable[[str], None] | None = None,
    on_work: Callable[[Work], None] | None = None,
    shared: SharedCache | None = None,
) -> BuildResult:
    """Build the script at `path` into ``<settings.out>/<id>/``: record what the cache lacks,
    encode what changed, and leave everything else untouched.

    `settings` are the run's (default: :meth:`RunSettings.make`, from the environment); `registry` the engines
    (default: the settings'), given by a caller that keeps its voices loaded between builds.

    `progress(done, total)` and `on_take(key)` are called as each take is stored; either may
    raise to stop the build (the studio's cancel): takes already recorded stay in the cache,
    nothing in the output folder changes, and the next build resumes from there. `on_work(work)` is told
    what the build will record and encode before it starts (the studio's progress names items from it).
    With `shared` (a shared take cache), takes the local cache lacks are taken from it first, and the
    takes recorded here are put into it afterwards; it never fails the build (see ``guide.storage``)."""
    started = time.monotonic()
    settings = settings or RunSettings.make()
    jobs = settings.jobs or default_jobs()
    registry = registry or settings.registry()
    script, the_plan, cache, folder, tool, memo, parity_memo = _gather(path, settings, languages, registry)
    record = read_record(script)
    bitrate = settings.bitrate_text
    url = settings.base_url or script.base_url

    # A first build that fails leaves no empty folder behind: the guide's, nor the output folder made for it.
    made = [f for f in (folder, *folder.parents) if not f.exists()]
    with disk_errors(), BuildLock(folder):
        cache.remove_leftovers()
        if folder.is_dir():
            remove_leftovers(folder)
        previous = read_manifest(folder, follow_links=True)
        if shared is not None and not force:
            shared.fetch(t.key for t in the_plan.takes())
            shared.fetch_stand_ins(stand_ins(t for t in the_plan.takes() if not cache.has(t.key)).values())
        stamps = FileStamps.load(folder, cache.stamps_path(folder))
        work = plan_work(the_plan, cache, folder, previous, bitrate, only, force, stamps.sha256, encoder=tool.version)
        if on_work is not None:
            on_work(work)
        folder.mkdir(parents=True, exist_ok=True)
        staging = staging_folder(folder)
        covers = Covers(script)  # drawn when first embedded or published, not on a build with nothing to do
        taken: list[str] = []  # takes stored so far: shared even when the build then fails

        def took(key: str) -> None:
            taken.append(key)
            if shared is not None:
                shared.push_soon(key)
            if on_take is not None:
                on_take(key)

        if shared is not None and not force:
            shared.start_pushing()

        try:
            old = previous.entries() if previous is not None else {}
            encoded, fallbacks, pieces_made = record_and_encode(
                work, registry, cache, staging, jobs, progress, folder, old, took, shared, covers
            )
            # Gather, then write: the audio into place, the companions made from the new entries, and the
            # manifest last, with the inventory of everything written (so it never names a missing file).
            entries = manifest_of(work, encoded, previous, tool)
            place_files(staging, folder, encoded, stamps)
            companions = make_companions(folder, script, entries, url, stamps, covers)
            manifest = replace(entries, files=inventory(entries, companions.made, folder, stamps))
            changed = write_manifest(folder, manifest, previous, bool(encoded))
            if changed:
                remove_dropped(folder, previous, manifest)
            remove_files(folder, companions.stale)
        except Exception:
            if shared is not None:
                shared.stop_pushing()
                shared.push(taken)  # what was recorded is not recorded again elsewhere
            shutil.rmtree(staging, ignore_errors=True)
            _remove_if_empty(made)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if shared is not None:
                shared.stop_pushing()  # whatever happened: no pushing thread outlives the recording
        if changed:
            stamps.forget_missing()
        stamps.save()
        save_memo(memo, script, languages)
        parity_memo.save()
    review_started, review_warning = _start_review(script, record.exists)
    fetched_late = 0  # takes another machine put into the shared cache while this one was about to speak them
    if shared is not None:
        fetched_late = shared.count.fetched_late
        shared.push([*(job.take.key for job in work.record), *(f.used for f in fallbacks if f.recorded)])
        shared.push_pieces(pieces_made)
    return BuildResult(
        script=script,
        folder=folder,
        work=work,
        languages=results(manifest, the_plan, fallbacks),
        recorded=len(work.record) - sum(1 for f in fallbacks if not f.recorded) - fetched_late,
        reused=work.reused,
        encoded=[job.file for job in work.encode if job.file in encoded],
        joined=[job.file for job in work.encode if job.kind == "full" and job.file in encoded],
        pieces_encoded=len(pieces_made),
        manifest_changed=changed,
        published=companions.written,
        feed_skipped=script.publish.feed and not url,
        fallbacks=fallbacks,
        voices=voice_choices(script, registry, [lp.lang for lp in the_plan.languages]),
        seconds=time.monotonic() - started,
        shared=None if shared is None else shared.count,
        shared_warning=None if shared is None else shared.warning(),
        stale=stale(script, record),
        review_started=review_started,
        review_warning=review_warning,
    )


def _remove_if_empty(folders: Sequence[Path]) -> None:
    """Remove each of `folders` (innermost first) while it is empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or not ours to remove: it and those above it are left as they are


def stand_ins(takes: Iterable[TakeSpec]) -> dict[str, str]:
    """Planned take key -> the key of the take its fallback voice would speak instead, for each of `takes`
    whose voice has a fallback (what ``guide plan`` and ``guide build`` look for in a shared cache that lacks
    the planned take)."""
    return {t.key: take_key(t.voice.fallback, t.text) for t in takes if t.voice.fallback is not None}


def _start_review(script: Script, exists: bool) -> tuple[Path | None, str | None]:
    """The first build of a script records every translation as reviewed (the record, or why it could not)."""
    if exists:
        return None, None
    try:
        return (read_record(script).path if start_record(script) else None), None
    except InputError as exc:
        return None, f"{exc.format_message()}: translations whose source changes later cannot be listed"


def stale_translations(script: Script) -> list[Stale]:
    """The translations of `script` whose source text changed since they were reviewed."""
    return stale(script, read_record(script))


def mark_reviewed(
    path: str | Path,
    texts: Sequence[str] = (),
    langs: Sequence[str] = (),
    registry: EngineRegistry | None = None,
) -> list[tuple[str, str]]:
    """Record translations of the script at `path` as reviewed against their source text now: `texts` as
    messages name them ("faq how-long, answer"), items ("faq how-long"), or all when empty; `langs` the
    translations (all when empty). Returns (text, language) of each one that was not already."""
    script = load(path, registry)
    record, done = mark(script, read_record(script), texts, langs)
    write_record(script, record)
    return done


def plan_build(
    path: str | Path,
    settings: RunSettings | None = None,
    languages: Sequence[str] | None = None,
    registry: EngineRegistry | None = None,
    *,
    only: Sequence[str] = (),
    force: bool = False,
) -> Work:
    """What `build` with the same arguments would record and encode, and why (``guide plan``)."""
    settings = settings or RunSettings.make()
    registry = registry or settings.registry()
    script, the_plan, cache, folder, tool, memo, parity_memo = _gather(path, settings, languages, registry)
    stamps = FileStamps.load(folder, cache.stamps_path(folder))
    previous = read_manifest(folder, follow_links=True)
    work = plan_work(
        the_plan, cache, folder, previous, settings.bitrate_text, only, force, stamps.sha256, encoder=tool.version
    )
    save_memo(memo, script, languages)
    parity_memo.save()
    return work


def named_files(path: str | Path, registry: EngineRegistry) -> list[Path]:
    """Files a script names besides itself (local voice models and their configs), for --watch."""
    script = load(path, registry)
    voices = resolve_voices(script, registry).values()
    return [file for voice in voices for file in registry.get(voice.engine).files(voice)]


def all_take_keys(paths: Sequence[Path], registry: EngineRegistry) -> set[str]:
    """Keys of every take the scripts at `paths` use, in all their languages."""
    keys: set[str] = set()
    for path in paths:
        keys |= {take.key for take in plan(load(path, registry), registry).takes()}
    return keys


def list_voices(registry: EngineRegistry | None = None) -> dict[str, list[VoiceInfo]]:
    """Engine name -> the voices it offers on this machine."""
    registry = registry or EngineRegistry()
    return {name: registry.get(name).list_voices() for name in registry.names()}
