"""The library API: check a script, build it, list voices. The CLI is a thin layer over this.

A build is "gather, then write": the script is validated and every voice
resolved before anything is recorded; everything is recorded and encoded into
a staging folder before anything in the output folder is replaced; each file
is renamed into place whole.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import random
import re
from contextlib import contextmanager
import shutil
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Sequence

import numpy as np

from .audio.ffmpeg import Ffmpeg, require_capable
from .cache import TakeCache, cache_dir
from .engines import EngineRegistry, VoiceInfo, VoiceNotFound, VoiceRef
from .errors import EngineError, InputError, OutputError, Problem, ScriptError
from .lock import BuildLock
from .authoring.review import MAX_WORDS, Review, review
from .audio.assemble import SAMPLE_RATE, Cue
from .planner import Bridge, LanguagePlan, Pause, Plan, Sentence, TakeSpec, Utterance, full_pieces, pieces, plan_script, plan_sentences
from .text import markup
from .text.memo import SentenceMemo
from .text.frontend import FrontEnd, languages_spoken
from . import __version__
from .file_stamps import FileStamps
from .safe_files import (
    atomic_path, place, read_own_text, remove_leftovers, safe_child, sha256_of, staging_folder, write_text, write_wav,
)
from .publish.frames import NotJoinable, Piece, Settings, join, read_piece, starts, total_samples
from .publish.companions import transcript_files, write_companions
from .publish.cover import Covers, cover_recipe
from .publish.m4b import file_pcm, write_m4b
from .publish.feed import now
from .publish.mp3 import Frames, Tags, check_bitrate, id3_bytes, write_mp3
from .renderer import Progress, Substitution, Timeline, default_jobs, record_takes, stream, track_pcm
from .script.loader import default_voice, load_script
from .script.model import Loudness, Pauses, Script, VoiceSettings
from .work import FileJob, Work, m4b_file, old_entries, piece_key, plan_work

if TYPE_CHECKING:
    from .publish.printing import Printout
    from .storage.shared_cache import SharedCache, SharedCount

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class TrackResult:
    """One written track."""

    id: str
    kind: str
    title: str
    file: Path
    duration: float


@dataclass(frozen=True)
class LanguageResult:
    """What the output folder holds for one language after a build."""

    lang: str
    voice: str
    tracks: tuple[TrackResult, ...]
    full: TrackResult | None
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

    seconds: float = 0.0
    """Wall time of the build."""

    fallbacks: list[Substitution] = field(default_factory=list)
    """Takes spoken by a fallback voice because their own voice failed (reported, never silent)."""

    voices: list[VoiceChoice] = field(default_factory=list)
    """Which voice spoke each language built, and why."""

    shared: "SharedCount | None" = None
    """What the shared take cache did (None without one)."""

    shared_warning: str | None = None
    """What went wrong with the shared take cache, in one line (the build went on without it)."""

    @property
    def nothing_to_do(self) -> bool:
        return not self.recorded and not self.encoded and not self.manifest_changed and not self.published

    @property
    def manifest(self) -> Path:
        return self.folder / MANIFEST


def warnings(result: BuildResult) -> list[str]:
    """What a listener would notice, in words: a hard-to-understand voice, takes spoken by a fallback,
    sentences said with other numbers than written (the CLI and the studio show the same)."""
    out = list(dict.fromkeys(c.warning for c in result.voices if c.warning))
    if result.shared_warning:
        out.append(result.shared_warning)
    if result.fallbacks:
        first = result.fallbacks[0]
        shown = "; ".join(f'"{s.text[:50]}"' for s in result.fallbacks[:3])
        more = f" and {len(result.fallbacks) - 3} more" if len(result.fallbacks) > 3 else ""
        out.append(
            f"{len(result.fallbacks)} take(s) were spoken by the fallback voice {first.fallback} because "
            f"{first.voice} failed: {first.reason.split('. ')[0]}. The takes: {shown}{more}. The next build tries {first.voice} again."
        )
        if first.fallback.startswith("espeak:ar") and ARABIC_BY_ESPEAK not in out:
            out.append(ARABIC_BY_ESPEAK)
    changing = [e for e in result.script.number_exceptions if e.sentences]
    if changing:
        where = ", ".join(f"{e.path.name}:{e.line}" for e in changing[:3]) + (" …" if len(changing) > 3 else "")
        out.append(
            f"{sum(len(e.sentences) for e in changing)} sentence(s) are said with other numbers than are written, "
            f"allowed by 'numbers differ' at {where}; guide check lists them, guide proof flags them"
        )
    return out


def load(path: str | Path, registry: EngineRegistry | None = None, *, allow_missing: bool = False) -> Script:
    """Read and fully validate a script, voices included (``guide check``).

    With `allow_missing`, texts not translated yet are accepted and listed in ``Script.missing``.
    """
    registry = registry or EngineRegistry()
    return load_script(path, check_voice=registry.check_voice, allow_missing=allow_missing)


def check(
    path: str | Path,
    registry: EngineRegistry | None = None,
    *,
    allow_missing: bool = False,
    max_words: int = MAX_WORDS,
    cache_folder: str | Path | None = None,
) -> tuple[Script, Review]:
    """Validate a script and review it: warnings (long sentences, unsayable characters), estimates per language,
    and what the online voices will be sent and cost (a cold build, and the next one against the take cache)."""
    from .authoring import cost

    registry = registry or EngineRegistry()
    script = load(path, registry, allow_missing=allow_missing)
    the_plan = plan(script, registry)

    def gtts_requests(text: str, voice: VoiceRef) -> int:
        return len(registry.get("gtts").plan_requests(text, voice))  # type: ignore[attr-defined]

    advice = review(script, the_plan, max_words, gtts_requests)
    advice.costs = cost.estimate(the_plan.takes(), TakeCache(cache_dir(cache_folder)).has, registry)
    return script, advice


def say(
    text: str,
    lang: str,
    out: str | Path,
    registry: EngineRegistry | None = None,
    *,
    voice: VoiceSettings | None = None,
    script_path: str | Path | None = None,
    cache_folder: str | Path | None = None,
    loudness: Loudness | None = None,
) -> tuple[tuple[Sentence, ...], float]:
    """Speak one text through the same front-end and engines as a build, into `out` (MP3, or WAV by suffix).

    `script_path` lends a script's voices, lexicon, code switching and pauses; `voice` overrides
    the voice of `lang`. Returns what was spoken (sentences of takes) and the duration.
    """
    registry = registry or EngineRegistry()
    require_capable()
    lexicon: dict = {}
    code_switch = True
    settings: dict[str, VoiceSettings] = {}
    base = Path.cwd()
    pauses = Pauses()
    if script_path is not None:
        script = load(script_path, registry)
        lexicon, code_switch, settings, base = dict(script.lexicon), script.code_switch, dict(script.voices), script.path.parent
        pauses = script.pauses
    if voice is not None:
        settings[lang] = voice
    try:
        markup.parse(text)
    except markup.MarkupError as exc:
        raise InputError(f"TEXT: {exc.message}") from None
    frontend = FrontEnd(code_switch=code_switch, lexicon=lexicon)
    wanted = {lang, *languages_spoken(text, lang, frontend)}
    voices: dict[str, VoiceRef] = {}
    for code in wanted:
        try:
            voices[code] = registry.resolve(code, settings.get(code) or default_voice(code), base)
            if script_path is not None:
                voices[code] = registry.with_phonemes(voices[code], script.phonemes(code))
        except VoiceNotFound as exc:
            raise InputError(f"voice for '{code}': {exc.message}") from None
    spoken = plan_sentences(text, lang, voices, frontend)
    if not spoken:
        raise InputError("TEXT: nothing to say (only punctuation or symbols)")
    out = Path(out)
    cache = TakeCache(cache_dir(cache_folder))
    takes = [t for s in spoken for t in s.takes if not cache.has(t.key)]
    with _disk_errors():
        substitutions = record_takes(list({t.key: t for t in takes}.values()), registry, cache, 1, None)
        timeline = Timeline()
        steps = (Utterance(text, voices[lang], spoken, "paragraph", pauses.sentence),)
        substitutes = {s.key: s.used for s in substitutions}
        samples = np.concatenate(list(stream(steps, (), cache, timeline, substitutes)) or [np.zeros(0, dtype=np.int16)])
        if out.suffix.lower() == ".wav":
            write_wav(out, samples)
        else:
            write_mp3(lambda: [samples], out, Tags(" ".join(s.text for s in spoken)[:120], "guide say", lang, None, None), "128k", loudness)
    return spoken, timeline.seconds


ARABIC_BY_ESPEAK = (
    "Arabic will be spoken by espeak-ng, a robotic voice that listeners understand poorly "
    "(a speech recogniser misses about half of its characters, against 6 % of natural speech): "
    "build online for Google's voice, or add a Piper Arabic voice (guide voices add)"
)


@dataclass(frozen=True)
class VoiceChoice:
    """Which voice will speak a language, and why (``guide check``, the build summary)."""

    lang: str
    """The script language."""

    voice: str
    """The voice that will speak it, e.g. ``gtts:ar`` or ``espeak:ar``."""

    why: str
    """In words: online or offline, the default or the script's, the fallback."""

    warning: str | None = None
    """Said when the choice will be hard to understand (Arabic by espeak-ng)."""

    def __str__(self) -> str:
        return f"{self.lang}: {self.voice} ({self.why})"


def voice_choices(script: Script, registry: EngineRegistry, languages: Sequence[str] | None = None) -> list[VoiceChoice]:
    """The voice of each language a build makes, and why; the script must be loaded (voices checked)."""
    choices = []
    for lang in languages or script.languages:
        settings = script.voices[lang]
        origin = "the default" if settings.line is None else "the script's"
        voice = registry.resolve(lang, settings, script.path.parent)
        online = not registry.get(settings.engine).offline
        shown, service = ("gTTS", "Google") if settings.engine == "gtts" else (settings.engine, settings.engine)
        if online and registry.offline:
            why = f"offline build, {shown} not asked; {origin} is {shown}"
        elif online:
            paid = ", paid" if getattr(registry.get(settings.engine), "paid", False) else ""
            fallback = (
                f"offline fallback: {voice.fallback.label}" if voice.fallback
                else f"no offline fallback: the build stops when {service} cannot be reached"
            )
            why = f"online{paid}, {origin}; {fallback}"
        else:
            why = f"offline, {origin}"
        arabic = lang.split("-")[0] == "ar"
        warning = ARABIC_BY_ESPEAK if arabic and voice.engine == "espeak" else None
        choices.append(VoiceChoice(lang, voice.label, why, warning))
    return choices


def resolve_voices(script: Script, registry: EngineRegistry) -> dict[str, VoiceRef]:
    """Each language's concrete voice; ScriptError naming every voice that cannot be used."""
    voices, problems = {}, []
    for lang, settings in script.voices.items():
        try:
            voices[lang] = registry.with_phonemes(registry.resolve(lang, settings, script.path.parent), script.phonemes(lang))
        except VoiceNotFound as exc:
            problems.append(Problem(script.path, settings.line, f"voices.{lang}: {exc.message}"))
    if problems:
        raise ScriptError(problems)
    return voices


def plan(
    script: Script, registry: EngineRegistry, languages: Sequence[str] | None = None, memo: SentenceMemo | None = None
) -> Plan:
    """Plan a build of `script` for `languages` (default: all the script declares).

    `memo` (:func:`open_memo`) serves the texts the front-end expanded in earlier runs
    and keeps the new ones, so an unchanged script is planned without expanding its texts again."""
    langs = tuple(languages) if languages else script.languages
    unknown = [lang for lang in langs if lang not in script.languages]
    if unknown:
        raise InputError(
            f"{script.path}: language {', '.join(unknown)} is not in the script (it declares: {', '.join(script.languages)})"
        )
    return plan_script(script, resolve_voices(script, registry), langs, memo)


def open_memo(script: Script, cache: TakeCache) -> SentenceMemo:
    """The front-end's notes on `script`'s texts, kept in `cache` (saved by the caller once its work succeeded)."""
    return SentenceMemo.for_front_end(cache.memo_path(script.id), script.code_switch, script.lexicon)


def _save_memo(memo: SentenceMemo, script: Script, languages: Sequence[str] | None) -> None:
    if not languages or tuple(languages) == script.languages:  # a plan of some languages would drop the others' texts
        memo.save()


def open_cache(cache_folder: str | Path | None, out: str | Path) -> TakeCache:
    """The take cache; refused when it would sit inside the (published) output folder."""
    folder = cache_dir(cache_folder)
    resolved, out_resolved = folder.resolve(), Path(out).resolve()
    if resolved == out_resolved or out_resolved in resolved.parents:
        raise InputError(f"the take cache {folder} is inside the output folder {out}: choose another --cache-dir")
    return TakeCache(folder)


@contextmanager
def _disk_errors() -> Iterator[None]:
    """A file that cannot be written (disk full, read-only folder) is the user's to fix: say which, no traceback.

    Every file is renamed into place whole, so what was there before is intact.
    """
    try:
        yield
    except OSError as exc:
        where = exc.filename or "the output or cache folder"
        raise OutputError(f"cannot write {where}: {exc.strerror or exc}; files already published are unchanged") from None


def _gather(
    path: str | Path,
    out: str | Path,
    languages: Sequence[str] | None,
    bitrate: str,
    registry: EngineRegistry,
    cache_folder: str | Path | None,
) -> tuple[str, Script, Plan, TakeCache, Path, Ffmpeg, SentenceMemo]:
    """Check every input of a build, and the ffmpeg it will use, before anything is recorded or written."""
    bitrate = check_bitrate(bitrate)
    tool = require_capable()
    script = load(path, registry)
    cache = open_cache(cache_folder, out)
    memo = open_memo(script, cache)
    the_plan = plan(script, registry, languages, memo)
    folder = Path(out) / script.id
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    return bitrate, script, the_plan, cache, folder, tool, memo


def build(
    path: str | Path,
    out: str | Path = "audio_out",
    languages: Sequence[str] | None = None,
    bitrate: str = "96k",
    registry: EngineRegistry | None = None,
    progress: Progress | None = None,
    *,
    only: Sequence[str] = (),
    force: bool = False,
    jobs: int | None = None,
    cache_folder: str | Path | None = None,
    base_url: str | None = None,
    on_take: Callable[[str], None] | None = None,
    on_work: Callable[[Work], None] | None = None,
    shared: "SharedCache | None" = None,
) -> BuildResult:
    """Build the script at `path` into ``<out>/<id>/``: record what the cache lacks,
    encode what changed, and leave everything else untouched.

    `progress(done, total)` and `on_take(key)` are called as each take is stored; either may
    raise to stop the build (the studio's cancel): takes already recorded stay in the cache,
    nothing in the output folder changes, and the next build resumes from there. `on_work(work)` is told
    what the build will record and encode before it starts (the studio's progress names items from it).
    With `shared` (a shared take cache), takes the local cache lacks are taken from it first, and the
    takes recorded here are put into it afterwards; it never fails the build (see ``guide.storage``)."""
    started = time.monotonic()
    jobs = jobs or default_jobs()
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {jobs}")
    registry = registry or EngineRegistry()
    bitrate, script, the_plan, cache, folder, tool, memo = _gather(path, out, languages, bitrate, registry, cache_folder)

    with _disk_errors(), BuildLock(folder):
        cache.remove_leftovers()
        if folder.is_dir():
            remove_leftovers(folder)
        manifest = _read_manifest(folder / MANIFEST)
        if shared is not None and not force:
            shared.fetch(t.key for t in the_plan.takes())
        stamps = FileStamps.load(folder, cache.stamps_path(folder))
        work = plan_work(the_plan, cache, folder, manifest, bitrate, only, force, stamps.sha256, encoder=tool.version)
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
            encoded, fallbacks, pieces_made = _record_and_encode(
                work, registry, cache, staging, jobs, progress, folder, old_entries(manifest), took, shared, covers
            )
            changed = _publish(staging, folder, work, encoded, manifest, tool)
            for relative, entry in encoded.items():
                stamps.record(relative, entry["sha256"])
                if "m4b" in entry:
                    stamps.record(entry["m4b"]["file"], entry["m4b"]["sha256"])
        except Exception:
            if shared is not None:
                shared.stop_pushing()
                shared.push(taken)  # what was recorded is not recorded again elsewhere
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if shared is not None:
                shared.stop_pushing()  # whatever happened: no pushing thread outlives the recording
        published = _companions(folder, script, base_url or script.base_url, stamps, covers)
        if changed:
            stamps.forget_missing()
        stamps.save()
        _save_memo(memo, script, languages)
    if shared is not None:
        fetched_late = shared.count.fetched_late
        shared.push([*(job.take.key for job in work.record), *(f.used for f in fallbacks if f.recorded)])
        shared.push_pieces(pieces_made)
    return BuildResult(
        script=script,
        folder=folder,
        work=work,
        languages=_results(manifest if not changed else _read_manifest(folder / MANIFEST), the_plan),
        recorded=len(work.record) - sum(1 for f in fallbacks if not f.recorded) - (fetched_late if shared is not None else 0),
        reused=work.reused,
        encoded=[job.file for job in work.encode if job.file in encoded],
        joined=[job.file for job in work.encode if job.kind == "full" and job.file in encoded],
        pieces_encoded=len(pieces_made),
        manifest_changed=changed,
        published=published,
        feed_skipped=script.publish.feed and not (base_url or script.base_url),
        fallbacks=fallbacks,
        voices=voice_choices(script, registry, [lp.lang for lp in the_plan.languages]),
        seconds=time.monotonic() - started,
        shared=None if shared is None else shared.count,
        shared_warning=None if shared is None else shared.warning(),
    )


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


def _settings(bitrate: str) -> Settings:
    """What every frame of a full guide's pieces must be: the pipeline's format at `bitrate`."""
    return Settings(SAMPLE_RATE, 1, int(bitrate.rstrip("k")))


def _bridge_layout(bridge: Bridge, substitutes: Mapping[str, str]) -> list:
    """What is heard in a bridge: take keys as played (fallbacks included) and pause lengths."""
    out: list = []
    for piece in pieces(bridge.steps):
        if isinstance(piece, Pause):
            out.append(round(piece.seconds, 4))
        elif isinstance(piece, TakeSpec):
            out.append(substitutes.get(piece.key, piece.key))
    return out


def _record_and_encode(
    work: Work,
    registry: EngineRegistry,
    cache: TakeCache,
    staging: Path,
    jobs: int,
    progress: Progress | None,
    folder: Path,
    previous: Mapping[str, dict],
    on_take: Callable[[str], None] | None = None,
    shared: "SharedCache | None" = None,
    covers: Covers | None = None,
) -> tuple[dict[str, dict], list[Substitution], list[str]]:
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

    def encode(job: FileJob) -> tuple[str, dict | None]:
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
        entry = _entry(job, timeline.seconds, _sentences(timeline.cues, substitutes), sha256_of(target), target.stat().st_size, substitutes)
        entry["published"] = now().isoformat()  # a per-track feed's pubDate: it stays while the file does
        return job.file, entry

    def make_bridge(job: _BridgeJob) -> tuple[str, dict]:
        bitrate = job.full.recipe["bitrate"]
        audio = {"loudness": asdict(script.loudness) if script.loudness else None}
        key = piece_key(_bridge_layout(job.bridge, substitutes), bitrate, audio, job.full.recipe["encoder"])
        bridge_keys[job.name] = key
        path = cache.piece_path(key)
        if shared is not None and not cache.has_piece(key):
            shared.fetch_pieces([key])
        if cache.has_piece(key):
            try:
                read_piece(path, _settings(bitrate))
                return job.name, {}
            except NotJoinable:
                pass  # not what the others are: encoded again, in its place
        timeline = Timeline()
        samples = np.concatenate([np.zeros(0, dtype=np.int16), *stream(job.bridge.steps, (), cache, timeline, substitutes)])
        write_mp3(lambda: [samples], path, None, bitrate, script.loudness, name=f"a piece of the full guide {job.full.file}", root=cache.folder)
        made.append(key)
        return job.name, {}

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
                takes, registry, cache, jobs, progress, on_done=take_done,
                fetch=shared.fetch_late if shared is not None else None,
            )
        except EngineError as exc:
            for future in futures:
                future.cancel()
            raise _where(exc, work, len(recorded)) from None
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        results = [future.result() for future in futures]
    # A track left as it is (the same fallback as last time) has no entry: the manifest keeps the old one.
    entries = {name: entry for name, entry in results if name in tasks and tasks[name][0] is encode and entry is not None}
    for full in fulls:
        if _same_fallback(full, substitutes, previous.get(full.file), folder):
            continue
        entries[full.file] = _join_full(
            full, plans[full.lang], bridge_keys, entries, previous, encode, work, cache, staging, folder, substitutes, covers
        )
    audiobooks = [full for full in fulls if full.file in entries and "m4b" in full.recipe]
    if audiobooks:  # one AAC encoder per language at once: the languages' M4Bs take the time of one
        with cf.ThreadPoolExecutor(max_workers=default_jobs()) as encoder:
            blocks = list(encoder.map(lambda full: _write_m4b(full, entries[full.file], staging, covers), audiobooks))
        for full, block in zip(audiobooks, blocks):
            entries[full.file]["m4b"] = block
    return entries, fallbacks, made


def _join_full(
    job: FileJob,
    lang_plan: LanguagePlan,
    bridge_keys: Mapping[str, str],
    entries: dict[str, dict],
    previous: Mapping[str, dict],
    encode,  # noqa: ANN001 - FileJob -> (file, entry): encodes a track into staging
    work: Work,
    cache: TakeCache,
    staging: Path,
    folder: Path,
    substitutes: Mapping[str, str],
    covers: Covers,
) -> dict:
    """Write the full guide of `job` into `staging` from its pieces' frames; its manifest entry.

    A published track whose frames cannot be joined (other settings) is encoded again
    first, into `staging`, and its entry added to `entries`. (Its M4B, if asked for, is
    encoded afterwards, from this file: :func:`_write_m4b`.)
    """
    script = work.plan.script
    settings = _settings(job.recipe["bitrate"])
    parts: list[tuple[Piece, list[dict], dict[int, float]]] = []
    sources: list[dict] = []
    for index, part in enumerate(full_pieces(lang_plan.full)):
        if isinstance(part, Bridge):
            key = bridge_keys[f"{job.file}#{index}"]
            sources.append({"piece": key})
            piece = read_piece(cache.piece_path(key), settings)
            timeline = Timeline()
            for _ in stream(part.steps, (), cache, timeline, substitutes):
                pass  # only where its sentences and chapter marks fall
            parts.append((piece, _sentences(timeline.cues, substitutes), dict(timeline.marks)))
            continue
        track = lang_plan.tracks[part.index]
        sources.append({"file": track.file})
        try:
            where = staging if track.file in entries else folder
            piece = read_piece(where / track.file, settings, track.file)
        except NotJoinable:
            entries[track.file] = encode(next(f for f in work.files if f.file == track.file))[1]
            piece = read_piece(staging / track.file, settings, track.file)
        entry = entries.get(track.file) or previous[track.file]
        parts.append((piece, entry.get("sentences", []), {}))

    offsets = [s / SAMPLE_RATE for s in starts([p for p, _, _ in parts])]
    duration = total_samples([p for p, _, _ in parts]) / SAMPLE_RATE
    sentences = [_shifted(s, offset) for (_, said, _), offset in zip(parts, offsets) for s in said]
    marks = {i: at + offset for (_, _, found), offset in zip(parts, offsets) for i, at in found.items()}
    tracks = lang_plan.tracks
    begins = [marks[i] for i in range(len(tracks))]
    chapters = tuple((t.title, a, b) for t, a, b in zip(tracks, begins, [*begins[1:], duration]))
    frames = Frames(
        chapters=chapters if script.publish.chapters else (),
        transcript=" ".join(s["text"] for s in sentences) if script.publish.transcripts else None,
        cover=covers.embedded(job.lang),
    )
    target = staging / job.file
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        join([p for p, _, _ in parts], out, id3_bytes(job.tags, frames))
    entry = _entry(job, duration, sentences, sha256_of(target), target.stat().st_size, substitutes)
    entry["chapters"] = [{"title": t, "start": round(a, 3), "end": round(b, 3)} for t, a, b in chapters]
    entry["pieces"] = [
        {**source, "start": round(offset, 6), "samples": piece.samples} for source, offset, (piece, _, _) in zip(sources, offsets, parts)
    ]
    entry["published"] = now().isoformat()
    return entry


def _write_m4b(job: FileJob, entry: dict, staging: Path, covers: Covers) -> dict:
    """Encode the M4B of the full guide `job`, just joined into `staging`; its manifest block.

    AAC from the full guide's own audio, decoded: the MP3 and the M4B sound the same (loudness
    within 0.1 LU, tests/test_m4b.py), and no take is mixed or normalised a second time."""
    m4b = m4b_file(job.file)
    chapters = [(c["title"], c["start"], c["end"]) for c in entry.get("chapters", [])]
    write_m4b(file_pcm(staging / job.file), staging / m4b, job.tags, chapters, covers.data(job.lang), root=staging)
    return {"file": m4b, "sha256": sha256_of(staging / m4b), "bytes": (staging / m4b).stat().st_size}


def _shifted(sentence: dict, seconds: float) -> dict:
    """A manifest sentence `seconds` later (its takes too)."""
    takes = [{**t, "start": round(t["start"] + seconds, 3)} for t in sentence.get("takes", [])]
    return {**sentence, "start": round(sentence["start"] + seconds, 3), "end": round(sentence["end"] + seconds, 3), "takes": takes}


def _same_fallback(job: FileJob, substitutes: Mapping[str, str], old: dict | None, folder: Path) -> bool:
    """Whether `job` would make again, byte for byte, the file the last build made with fallback takes.

    That is the case when its planned voice failed again (still offline) and the fallback
    takes played are the ones played last time, the recipe is the same and the file is as
    that build left it: encoding it again would change nothing, so it is not rewritten.
    """
    if old is None or not any(t.key in substitutes for t in job.takes):
        return False
    if old.get("recipe") != {**job.recipe, "takes": f"fallback {job.recipe['takes']}"}:
        return False
    played = {substitutes.get(t.key, t.key) for t in job.takes}
    before = {t.get("key") for s in old.get("sentences") or [] if isinstance(s, dict) for t in s.get("takes") or [] if isinstance(t, dict)}
    return played == before and sha256_of(folder / job.file) == old.get("sha256")


def _where(exc: EngineError, work: Work, recorded: int) -> EngineError:
    """`exc` naming the script, the item and the language of the take that failed."""
    key = getattr(exc, "take_key", None)
    job = next((j for j in work.files if j.kind != "full" and any(t.key == key for t in j.takes)), None)
    job = job or next((j for j in work.files if any(t.key == key for t in j.takes)), None)
    take = next((t for t in job.takes if t.key == key), None) if job else None
    where = f"{work.plan.script.path}: item '{job.id}' ({job.lang})" if job else str(work.plan.script.path)
    said = f' while recording "{take.text[:60]}"' if take else ""
    kept = f"; the {recorded} takes recorded before it are kept in the cache" if recorded > 0 else ""
    return type(exc)(f"{where}{said}: {exc.message}{kept}; nothing published was changed")


def _sentences(cues: Sequence[Cue], substitutes: Mapping[str, str]) -> list[dict]:
    """Cues as the manifest lists sentences, each take with what it stands for when a fallback spoke it."""
    planned = {used: key for key, used in substitutes.items()}  # the manifest says what each fallback take stands for
    return [
        {
            "text": cue.text,
            "start": round(cue.start, 3),
            "end": round(cue.end, 3),
            "takes": [
                {"key": key, "text": text, "start": round(start, 3), **({"planned": planned[key]} if key in planned else {})}
                for key, text, start in cue.takes
            ],
        }
        for cue in cues
    ]


def _entry(job: FileJob, duration: float, sentences: list[dict], sha256: str | None, size: int, substitutes: Mapping[str, str]) -> dict:
    fallback = [t.key for t in job.takes if t.key in substitutes]
    recipe = job.recipe
    if fallback:
        # Not what the plan asked for: the next build must try the planned voice again and re-encode.
        recipe = {**recipe, "takes": f"fallback {recipe['takes']}"}
    return {
        "id": job.id,
        "kind": job.kind,
        "title": job.title,
        "file": job.file,
        "duration": round(duration, 3),
        "sha256": sha256,
        "bytes": size,
        "recipe": recipe,
        "fallback_takes": len(fallback),
        "sentences": sentences,
    }


def _publish(staging: Path, folder: Path, work: Work, encoded: dict[str, dict], manifest: dict, tool: Ffmpeg) -> bool:
    """Move encoded files into place and update the manifest; True when anything changed."""
    previous = old_entries(manifest)
    script = work.plan.script
    data = {
        "id": script.id,
        "title": {lang: script.title[lang] for lang in script.title.by_lang},
        # Which ffmpeg measured and encoded (each file's recipe holds its version too).
        "ffmpeg": {"version": tool.version, "bundled": tool.bundled},
        "languages": {},
    }
    old_langs = manifest.get("languages") if isinstance(manifest.get("languages"), dict) else {}
    built = {lp.lang: lp for lp in work.plan.languages}
    for lang in script.languages:
        if lang not in built:
            if isinstance(old_langs.get(lang), dict):
                data["languages"][lang] = old_langs[lang]  # not rebuilt this time (--lang): kept
            continue
        files = [f for f in work.files if f.lang == lang]
        entries = []
        for job in files:
            entry = encoded.get(job.file) or previous.get(job.file)
            old = previous.get(job.file)
            if job.file in encoded and old and old.get("sha256") == entry["sha256"] and old.get("published"):
                entry["published"] = old["published"]  # the same bytes again (--force): the feed's date stays
            if entry is not None:
                entries.append({**entry, "title": job.title, "kind": job.kind, "id": job.id})
        tracks = [e for e in entries if e["kind"] != "full"]
        full = next((e for e in entries if e["kind"] == "full"), None)
        block: dict = {}
        if full is not None:
            block.update(full=full["file"], duration=full["duration"])
        block.update(voice=built[lang].voice.label, tracks=tracks)
        if full is not None:
            block["full_guide"] = full
        data["languages"][lang] = block

    for relative, entry in encoded.items():
        place(staging / relative, folder, relative)
        if "m4b" in entry:
            place(staging / entry["m4b"]["file"], folder, entry["m4b"]["file"])
    old_text = read_own_text(folder / MANIFEST)  # None for a link planted there: replaced
    if data == manifest and not encoded and old_text is not None:
        return False  # compared as data first: indenting a 500-item manifest takes a second
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if text == old_text:
        return bool(encoded)
    old_files = set(previous) | _m4b_files(previous)
    write_text(folder / MANIFEST, text)
    kept = old_entries(data)
    for stale in old_files - set(kept) - _m4b_files(kept):
        if not Path(stale).is_absolute() and ".." not in Path(stale).parts:
            for name in [stale, *(transcript_files(stale) if stale.endswith(".mp3") else [])]:
                safe_child(folder, name).unlink(missing_ok=True)
    return True


def _m4b_files(entries: Mapping[str, dict]) -> set[str]:
    """The M4B files the manifest `entries` name."""
    return {e["m4b"]["file"] for e in entries.values() if isinstance(e.get("m4b"), dict) and isinstance(e["m4b"].get("file"), str)}


COMPANIONS_CODE = Path(__file__).parent / "publish"


@lru_cache(maxsize=1)
def _companions_code() -> str:
    """A hash of the code that makes the companion files, so a new version of guide makes them again."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(COMPANIONS_CODE.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _companions(folder: Path, script: Script, base_url: str | None, stamps: FileStamps, covers: Covers) -> list[str]:
    """Write the companion files (transcripts, pages, feeds) unless they were made from the same
    manifest, script settings and code, and none of them changed since; returns those written."""
    manifest_text = read_own_text(folder / MANIFEST) or ""
    inputs = {
        "manifest": hashlib.sha256(manifest_text.encode()).hexdigest(),
        "code": _companions_code(),
        "base_url": base_url,
        "id": script.id,
        "title": dict(script.title.by_lang),
        "description": dict(script.description.by_lang) if script.description else None,
        "author": script.author,
        "category": script.category,
        "owner": asdict(script.owner) if script.owner else None,
        "publish": asdict(script.publish),
        "covers": {lang: cover_recipe(script, lang) for lang in script.languages},
        "theme": asdict(script.theme),
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    if stamps.companions_current(digest):
        return []
    made: list[str] = []
    manifest = json.loads(manifest_text) if manifest_text else {}
    written = write_companions(folder, script, manifest if isinstance(manifest, dict) else {}, base_url, made, covers)
    # What the last build made and this one did not (a feed turned off, a cover that was a PNG) goes.
    for stale in sorted(set(stamps.companion_files()) - set(made)):
        if not Path(stale).is_absolute() and ".." not in Path(stale).parts:
            safe_child(folder, stale).unlink(missing_ok=True)
    stamps.made_companions(digest, made)
    return written


def _read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _results(manifest: dict, the_plan: Plan) -> list[LanguageResult]:
    data = manifest.get("languages", {})
    out = []
    for lp in the_plan.languages:
        entry = data.get(lp.lang) or {}
        tracks = tuple(
            TrackResult(t["id"], t["kind"], t["title"], Path(t["file"]), t["duration"]) for t in entry.get("tracks", [])
        )
        full = entry.get("full_guide")
        full_result = TrackResult("full", "full", full["title"], Path(full["file"]), full["duration"]) if full else None
        m4b = full.get("m4b") if full else None
        m4b_path = Path(m4b["file"]) if isinstance(m4b, dict) and isinstance(m4b.get("file"), str) else None
        out.append(LanguageResult(lp.lang, lp.voice.label, tracks, full_result, m4b_path))
    return out


def plan_build(
    path: str | Path,
    out: str | Path = "audio_out",
    languages: Sequence[str] | None = None,
    bitrate: str = "96k",
    registry: EngineRegistry | None = None,
    *,
    only: Sequence[str] = (),
    force: bool = False,
    cache_folder: str | Path | None = None,
) -> Work:
    """What `build` with the same arguments would record and encode, and why (``guide plan``)."""
    bitrate, script, the_plan, cache, folder, tool, memo = _gather(path, out, languages, bitrate, registry or EngineRegistry(), cache_folder)
    stamps = FileStamps.load(folder, cache.stamps_path(folder))
    work = plan_work(the_plan, cache, folder, _read_manifest(folder / MANIFEST), bitrate, only, force, stamps.sha256, encoder=tool.version)
    _save_memo(memo, script, languages)
    return work


def named_files(path: str | Path, registry: EngineRegistry) -> list[Path]:
    """Files a script names besides itself (Piper voice models and configs), for --watch."""
    script = load(path, registry)
    files = []
    for lang, voice in resolve_voices(script, registry).items():
        if voice.engine == "piper":
            files += [Path(voice.voice), Path(f"{voice.voice}.json")]
    return files


def all_take_keys(paths: Sequence[Path], registry: EngineRegistry) -> set[str]:
    """Keys of every take the scripts at `paths` use, in all their languages."""
    keys: set[str] = set()
    for path in paths:
        keys |= {take.key for take in plan(load(path, registry), registry).takes()}
    return keys


def check_piper_model(model: Path) -> None:
    """Load the Piper voice at `model` and speak a word, so a broken file is refused before it is added."""
    from .engines.piper import PiperEngine

    engine = PiperEngine(threads=1)
    ref = VoiceRef("piper", "xx", str(Path(model).resolve()))
    try:
        chunk = engine.synthesize("a.", ref)
    except EngineError as exc:
        raise InputError(f"{model}: Piper cannot use this voice: {exc.message}") from None
    if chunk.duration <= 0:
        raise InputError(f"{model}: Piper loaded this voice but it spoke nothing")


def list_voices(registry: EngineRegistry | None = None) -> dict[str, list[VoiceInfo]]:
    """Engine name -> the voices it offers on this machine."""
    registry = registry or EngineRegistry()
    return {name: registry.get(name).list_voices() for name in registry.names()}


@dataclass(frozen=True)
class PrintResult:
    """What ``guide print`` wrote."""

    pdf: Path
    """The PDF file."""

    pages: int
    """Pages in it."""

    printout: Printout
    """The posters and cards it holds, each with the address its QR code leads to."""


def print_guide(
    path: str | Path,
    out: str | Path = "audio_out",
    languages: Sequence[str] | None = None,
    *,
    base_url: str | None = None,
    output: str | Path | None = None,
    paper: str = "a4",
) -> PrintResult:
    """Write the printable PDF of the build of the script at `path` in `out`: a QR poster per
    language and an answer card per section and FAQ entry (:mod:`guide.publish.printing`).

    The QR codes lead to the web player published at `base_url` (default: the script's
    ``base_url:``); the PDF goes to `output` (default: ``<out>/<id>/<id>.print.pdf``).
    """
    # fpdf and fontTools take a third of a second to import: only guide print pays for them.
    from .publish.printing import FONT_FAMILY, PAPERS, missing_glyphs, printout, render

    script = load_script(path)
    if paper not in PAPERS:
        raise InputError(f"--paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    url = base_url or script.base_url
    if not url:
        raise InputError(
            f"{script.path}: no base_url: in the script and no --base-url given; the QR codes must point to "
            "where the guide folder is published, e.g. --base-url https://clinic.example/guides/" + script.id
        )
    if base_url and not re.match(r"^https?://[^\s/?#]+[^\s?#]*$", base_url):
        raise InputError(f"--base-url '{base_url}' must be an http:// or https:// address of a folder (no ?query or #fragment)")
    if not base_url and re.search(r"[?#]", url):
        raise InputError(f"{_where_key(script.path, 'base_url')}: base_url '{url}' must be the address of a folder (no ?query or #fragment)")
    if not script.publish.player:
        raise InputError(f"{_where_key(script.path, 'publish')}: publish: player is off, but the printed QR codes lead to the web player")
    folder = Path(out) / script.id
    manifest = _read_manifest(folder / MANIFEST)
    built = [lang for lang, entry in manifest.get("languages", {}).items() if isinstance(entry, dict) and entry.get("full_guide")]
    if not built or not (folder / "index.html").is_file():
        raise InputError(f"{folder}: no build to print from; run `guide build {path}` first (with the same --out)")
    wanted = list(dict.fromkeys(languages)) if languages else [lang for lang in script.languages if lang in built]
    for lang in wanted:
        if lang not in built:
            raise InputError(f"--lang {lang}: {folder} has no build in that language (built: {', '.join(built)})")
    doc = printout(manifest, url, wanted, cover=script.cover, paper=paper)
    texts = [*doc.guide_title.values(), *(c.title for c in doc.cards)]
    missing = missing_glyphs(texts)
    if missing:
        shown_chars = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:10])
        raise InputError(f"{script.path}: the print font ({FONT_FAMILY}) has no letters for {shown_chars}; guide print covers Latin and Arabic script")
    target = Path(output) if output is not None else folder / f"{script.id}.print.pdf"
    data, pages = render(doc)
    with _disk_errors(), atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return PrintResult(target, pages, doc)


def _where_key(path: Path, key: str) -> str:
    """``file:line`` of the top-level `key` in the script at `path` (``file`` alone if not found)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return str(path)
    for number, line in enumerate(lines, 1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return f"{path}:{number}"
    return str(path)
