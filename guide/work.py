"""What a build must do, and why: takes to record, files to encode, files left alone.

Computed from the plan, the take cache and the previous manifest, before any
recording; ``guide plan`` prints it and ``guide build`` carries it out, so the
two always agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .cache import TakeCache
from .errors import InputError
from .manifest import Manifest
from .planner import ChapterMark, LanguagePlan, Pause, Plan, TakeSpec, TrackPlan, heard
from .publish.cover import cover_recipe
from .publish.mp3 import Tags
from .safe_files import file_sha256, sha256_of
from .script.model import Script


@dataclass(frozen=True)
class TakeJob:
    """A take to record."""

    take: TakeSpec
    """The sentence and voice."""

    reason: str
    """Why: new text, new voice or settings, forced, not in the cache."""


@dataclass(frozen=True)
class FileJob:
    """A track or full guide, and whether it must be encoded."""

    lang: str
    """Its language."""

    id: str
    """Item id, or ``full`` for the full guide."""

    kind: str
    """intro, section, faq, outro or full."""

    file: str
    """Path relative to the guide folder."""

    title: str
    """Its title."""

    tags: Tags
    """The ID3 tags it gets."""

    recipe: dict
    """Everything that decides its bytes: take keys in order, the layout (pauses), tags, bitrate,
    ffmpeg's version; for a full guide also how it is assembled."""

    takes: tuple[TakeSpec, ...]
    """Its takes in order (the full guide's include its tracks')."""

    reasons: tuple[str, ...] = ()
    """Why it must be encoded; empty when it is up to date."""

    skipped: bool = False
    """Left as it is because the build was limited (--only)."""

    @property
    def encode(self) -> bool:
        return bool(self.reasons) and not self.skipped


@dataclass
class Work:
    """Everything a build will record and encode."""

    plan: Plan
    """The plan it carries out."""

    record: list[TakeJob] = field(default_factory=list)
    """Takes to record, each once."""

    reused: int = 0
    """Takes the build needs that are already in the cache."""

    files: list[FileJob] = field(default_factory=list)
    """Every track and full guide of the languages built, in order."""

    @property
    def encode(self) -> list[FileJob]:
        return [f for f in self.files if f.encode]

    @property
    def nothing_to_do(self) -> bool:
        return not self.record and not self.encode

    def as_json(self) -> dict:
        """A summary for programs (``guide plan --json``)."""
        return {
            "script": str(self.plan.script.path),
            "id": self.plan.script.id,
            "record": [
                {
                    "key": j.take.key,
                    "lang": j.take.voice.lang,
                    "voice": j.take.voice.label,
                    "text": j.take.text,
                    "reason": j.reason,
                }
                for j in self.record
            ],
            "reused": self.reused,
            "encode": [{"file": f.file, "lang": f.lang, "id": f.id, "reasons": list(f.reasons)} for f in self.encode],
            "unchanged": [f.file for f in self.files if not f.encode and not f.skipped],
            "skipped": [f.file for f in self.files if f.skipped],
            "nothing_to_do": self.nothing_to_do,
        }


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _layout(steps, tracks: Sequence[TrackPlan]) -> list:
    """The sequence heard: take keys and pause lengths, track references expanded."""
    out: list = []
    for piece in heard(steps, tracks):
        if isinstance(piece, ChapterMark):
            out.append(f"chapter {piece.index}")
        elif isinstance(piece, Pause):
            out.append(round(piece.seconds, 4))
        else:
            out.append(piece.key)
    return out


def _is_key(item: object) -> bool:
    return isinstance(item, str) and not item.startswith("chapter ")


def _takes(layout: list, index: dict[str, TakeSpec]) -> tuple[TakeSpec, ...]:
    return tuple(index[k] for k in layout if _is_key(k))


def recipe(layout: list, tags: Tags, bitrate: str, audio: dict, frames: dict, encoder: str) -> dict:
    """What decides a file's bytes, in parts so a change can be named.

    `audio` holds what changes the sound besides the takes (loudness target, music);
    `frames` what changes the ID3 frames besides the tags (cover, chapters, transcript);
    `encoder` the ffmpeg version that measures, limits and encodes.
    """
    return {
        "takes": _digest([k for k in layout if _is_key(k)]),
        "layout": _digest(layout),
        "tags": _digest({"tags": asdict(tags), "frames": frames}),
        "bitrate": bitrate,
        "audio": _digest(audio),
        "encoder": encoder,
        "format": TRACK_FORMAT,
    }


TRACK_FORMAT = "mp3 CBR, Info frame signed as LAME's (delay and padding read by every reader); v2"
"""How an MP3 is written beyond its settings: part of every recipe, so changing it encodes every file once."""


ASSEMBLY = "the frames of its pieces joined (tracks, bridges); v1"
"""How a full guide is made from its audio: part of its recipe, so changing it joins every full guide again."""

PIECE_FORMAT = "mp3 44100 Hz mono CBR, LAME tag, no ID3; normalised alone; v1"
"""The form of a bridge piece in the cache; part of each piece key."""


def piece_key(layout: list, bitrate: str, audio: dict, encoder: str) -> str:
    """Cache key of one bridge piece (the announcements and pauses between two tracks of a
    full guide): everything that decides its bytes and nothing else.

    `layout` is what is heard (take keys as played, fallbacks included, and pause
    lengths); `audio` the loudness settings; `encoder` the ffmpeg version.
    """
    return _digest({"format": PIECE_FORMAT, "layout": layout, "bitrate": bitrate, "audio": audio, "encoder": encoder})


_CHANGE_NAMES = {
    "takes": "takes changed",
    "layout": "pauses or order changed",
    "tags": "tags changed",
    "bitrate": "bitrate changed",
    "audio": "loudness or music changed",
    "encoder": "ffmpeg changed",
    "format": "written another way",
    "assembly": "assembled another way",
    "m4b": "M4B asked for, or made another way",
}

M4B_RECIPE = "aac 64k mono, QuickTime and Nero chapters in the guide's language, tags, cover; v2"
"""How the M4B beside a full guide is made: part of that full guide's recipe when ``publish: {m4b: true}``."""


def m4b_file(full_file: str) -> str:
    """The M4B published beside the full guide `full_file` (``<lang>/<id>.<lang>.m4b``)."""
    return full_file[: -len(".mp3")] + ".m4b"


def _script_inputs(script: Script) -> tuple[dict, dict]:
    """The audio and ID3 ingredients that come from the script's settings and files."""
    music = None
    if script.music is not None:
        music = {**asdict(script.music), "file": file_sha256(script.music.file)}
    audio = {"loudness": asdict(script.loudness) if script.loudness else None, "music": music}
    frames = {
        "transcripts": script.publish.transcripts,
        "chapters": script.publish.chapters,
        "format": FRAMES_VERSION,
    }
    return audio, frames


FRAMES_VERSION = 2
"""Bump when the ID3 frames written change shape, so every file is rewritten once."""


def file_jobs(
    lang_plan: LanguagePlan,
    plan: Plan,
    bitrate: str,
    index: dict[str, TakeSpec],
    inputs: tuple[dict, dict],
    encoder: str,
) -> list[FileJob]:
    """Every file of one language with its tags and recipe (nothing compared yet)."""
    script = plan.script
    lang = lang_plan.lang
    count = len(lang_plan.tracks)
    audio, frames = inputs
    frames = {**frames, "cover": cover_recipe(script, lang)}
    jobs = []
    for position, track in enumerate(lang_plan.tracks, start=1):
        tags = Tags(track.title, script.title[lang], lang, (position, count), script.author)
        layout = _layout(track.steps, lang_plan.tracks)
        track_audio = {**audio, "music": audio["music"] if track.music else None}
        job_recipe = recipe(layout, tags, bitrate, track_audio, frames, encoder)
        jobs.append(
            FileJob(lang, track.id, track.kind, track.file, track.title, tags, job_recipe, _takes(layout, index))
        )
    full = lang_plan.full
    tags = Tags(full.title, script.title[lang], lang, None, script.author)
    layout = _layout(full.steps, lang_plan.tracks)
    chapters = {**frames, "chapter_titles": [t.title for t in lang_plan.tracks]}
    job_recipe = {**recipe(layout, tags, bitrate, audio, chapters, encoder), "assembly": ASSEMBLY}
    if script.publish.m4b:
        job_recipe["m4b"] = M4B_RECIPE
    jobs.append(FileJob(lang, "full", "full", full.file, full.title, tags, job_recipe, _takes(layout, index)))
    return jobs


def plan_work(
    plan: Plan,
    cache: TakeCache,
    folder: Path,
    manifest: Manifest | None,
    bitrate: str,
    only: Sequence[str] = (),
    force: bool = False,
    file_hash: Callable[[Path], str | None] | None = None,
    *,
    encoder: str,
) -> Work:
    """Compare the plan with the cache and the previous build (its `manifest`; None for none); say what must
    be done and why.

    `encoder` is the version of the ffmpeg that will encode (part of every file's recipe).
    """
    file_hash = file_hash or sha256_of
    unknown = sorted(set(only) - {t.id for lp in plan.languages for t in lp.tracks})
    if unknown:
        known = ", ".join(t.id for t in plan.languages[0].tracks) if plan.languages else ""
        raise InputError(f"--only {', '.join(unknown)}: no such item in {plan.script.path} (items: {known})")
    work = Work(plan)
    previous = manifest.entries() if manifest is not None else {}
    old_texts = {t.text for e in previous.values() for s in e.sentences for t in s.takes}
    old_keys = {key for e in previous.values() for key in e.planned_keys()}
    selected = set(only)
    needed: dict[str, TakeJob | None] = {}

    index = {t.key: t for t in plan.takes()}  # once per build, not per language
    inputs = _script_inputs(plan.script)
    for lang_plan in plan.languages:
        for job in file_jobs(lang_plan, plan, bitrate, index, inputs, encoder):
            in_scope = not selected or job.id in selected
            reasons: list[str] = []
            old = previous.get(job.file)
            if force and in_scope:
                reasons.append("forced")
            elif old is None:
                reasons.append("new file")
            else:
                old_recipe = old.recipe
                reasons += [
                    name
                    for part, name in _CHANGE_NAMES.items()
                    if part in job.recipe and old_recipe.get(part) != job.recipe[part]
                ]
                if "m4b" in old_recipe and "m4b" not in job.recipe:
                    reasons.append("M4B no longer asked for")
                if "takes changed" in reasons and "pauses or order changed" in reasons:
                    reasons.remove("pauses or order changed")  # new takes always change the layout too
                if not reasons:
                    actual = file_hash(folder / job.file)
                    if actual is None:
                        reasons.append("missing file")
                    elif actual != old.sha256:
                        reasons.append("file changed on disk")
                    elif "m4b" in job.recipe:
                        actual = file_hash(folder / m4b_file(job.file))
                        if actual is None:
                            reasons.append("M4B missing")
                        elif old.m4b is None or actual != old.m4b.sha256:
                            reasons.append("M4B changed on disk")
            skipped = bool(selected) and not in_scope
            work.files.append(FileJob(**{**job.__dict__, "reasons": tuple(reasons), "skipped": skipped}))
            if skipped or not reasons:
                continue
            for take in job.takes:
                if take.key in needed:
                    continue
                if force and in_scope:
                    needed[take.key] = TakeJob(take, "forced")
                elif cache.has(take.key):
                    needed[take.key] = None
                else:
                    if not previous:
                        why = "first build"
                    elif take.key in old_keys:
                        why = "not in the cache"
                    elif take.text in old_texts:
                        why = "new voice or settings"
                    else:
                        why = "new text"
                    needed[take.key] = TakeJob(take, why)
    work.record = [job for job in needed.values() if job is not None]
    work.reused = sum(1 for job in needed.values() if job is None)
    return work
