"""The library API: check a script, build it, list voices. The CLI is a thin layer over this.

A build is "gather, then write": the script is validated and every voice
resolved before anything is recorded; everything is recorded and encoded into
a staging folder before anything in the output folder is replaced; each file
is renamed into place whole.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .engines import EngineRegistry, VoiceInfo, VoiceNotFound, VoiceRef
from .errors import InputError, Problem, ScriptError
from .planner import Plan, plan_script
from .publish.files import write_text
from .publish.mp3 import Tags, check_bitrate, write_mp3
from .renderer import Progress, RenderedLanguage, record_all, render_language
from .script.loader import load_script
from .script.model import Script

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
    """What a build wrote for one language."""

    lang: str
    voice: str
    tracks: tuple[TrackResult, ...]
    full: TrackResult


@dataclass
class BuildResult:
    """What a build did."""

    script: Script
    """The script built."""

    folder: Path
    """The guide's output folder (``<out>/<id>``)."""

    languages: list[LanguageResult] = field(default_factory=list)
    """Per language, what was written."""

    recorded: int = 0
    """Utterances recorded by the engines."""

    seconds: float = 0.0
    """Wall time of the build."""

    @property
    def manifest(self) -> Path:
        return self.folder / MANIFEST


def load(path: str | Path, registry: EngineRegistry | None = None) -> Script:
    """Read and fully validate a script, voices included (``guide check``)."""
    registry = registry or EngineRegistry()
    return load_script(path, check_voice=registry.check_voice)


def resolve_voices(script: Script, registry: EngineRegistry) -> dict[str, VoiceRef]:
    """Each language's concrete voice; ScriptError naming every voice that cannot be used."""
    voices, problems = {}, []
    for lang, settings in script.voices.items():
        try:
            voices[lang] = registry.resolve(lang, settings, script.path.parent)
        except VoiceNotFound as exc:
            problems.append(Problem(script.path, settings.line, f"voices.{lang}: {exc.message}"))
    if problems:
        raise ScriptError(problems)
    return voices


def plan(script: Script, registry: EngineRegistry, languages: Sequence[str] | None = None) -> Plan:
    """Plan a build of `script` for `languages` (default: all the script declares)."""
    langs = tuple(languages) if languages else script.languages
    unknown = [lang for lang in langs if lang not in script.languages]
    if unknown:
        raise InputError(
            f"{script.path}: language {', '.join(unknown)} is not in the script (it declares: {', '.join(script.languages)})"
        )
    return plan_script(script, resolve_voices(script, registry), langs)


def build(
    path: str | Path,
    out: str | Path = "audio_out",
    languages: Sequence[str] | None = None,
    bitrate: str = "96k",
    registry: EngineRegistry | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the script at `path` into ``<out>/<id>/``: tracks, full guides, manifest."""
    started = time.monotonic()
    bitrate = check_bitrate(bitrate)
    registry = registry or EngineRegistry()
    script = load(path, registry)
    the_plan = plan(script, registry, languages)
    folder = Path(out) / script.id
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")

    takes = record_all(the_plan, registry, progress)
    rendered = [render_language(lang_plan, takes) for lang_plan in the_plan.languages]

    result = BuildResult(script, folder, recorded=len(takes))
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    try:
        for lang in rendered:
            result.languages.append(_encode_language(script, lang, staging, bitrate))
        _publish(staging, folder, result)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.monotonic() - started
    return result


def _encode_language(script: Script, lang: RenderedLanguage, staging: Path, bitrate: str) -> LanguageResult:
    code = lang.plan.lang
    count = len(lang.tracks)
    tracks = []
    for position, track in enumerate(lang.tracks, start=1):
        tags = Tags(track.plan.title, script.title[code], code, (position, count), script.author)
        write_mp3(track.audio, staging / track.plan.file, tags, bitrate)
        tracks.append(TrackResult(track.plan.id, track.plan.kind, track.plan.title, Path(track.plan.file), track.duration))
    full = lang.full
    write_mp3(full.audio, staging / full.plan.file, Tags(full.plan.title, script.title[code], code, None, script.author), bitrate)
    return LanguageResult(
        code, lang.plan.voice.label, tuple(tracks), TrackResult("full", "full", full.plan.title, Path(full.plan.file), full.duration)
    )


def manifest_data(result: BuildResult) -> dict:
    """The manifest: the guide's title, and per language its full guide and tracks (paths relative)."""
    return {
        "id": result.script.id,
        "title": dict(result.script.title.by_lang),
        "languages": {
            lang.lang: {
                "full": lang.full.file.as_posix(),
                "duration": round(lang.full.duration, 3),
                "voice": lang.voice,
                "tracks": [
                    {"id": t.id, "kind": t.kind, "title": t.title, "file": t.file.as_posix(), "duration": round(t.duration, 3)}
                    for t in lang.tracks
                ],
            }
            for lang in result.languages
        },
    }


def _publish(staging: Path, folder: Path, result: BuildResult) -> None:
    """Move the staged files into `folder`, write the manifest, drop files the old manifest had that are gone."""
    old_files = _manifest_files(folder / MANIFEST)
    new_data = manifest_data(result)
    # A language not rebuilt this time (--lang) keeps its entry and files.
    previous = _read_manifest(folder / MANIFEST)
    for lang, entry in previous.get("languages", {}).items():
        if lang not in new_data["languages"] and lang in result.script.languages:
            new_data["languages"][lang] = entry
    new_data["languages"] = {l: new_data["languages"][l] for l in result.script.languages if l in new_data["languages"]}
    for staged in sorted(staging.rglob("*.mp3")):
        target = folder / staged.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.replace(target)
    write_text(folder / MANIFEST, json.dumps(new_data, ensure_ascii=False, indent=2) + "\n")
    for stale in old_files - _manifest_files(folder / MANIFEST):
        (folder / stale).unlink(missing_ok=True)


def _read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _manifest_files(path: Path) -> set[str]:
    """Relative paths of the files a manifest lists (only safe, relative ones)."""
    files = set()
    for entry in _read_manifest(path).get("languages", {}).values():
        if not isinstance(entry, dict):
            continue
        names = [entry.get("full")] + [t.get("file") for t in entry.get("tracks", []) if isinstance(t, dict)]
        for name in names:
            if isinstance(name, str) and not Path(name).is_absolute() and ".." not in Path(name).parts:
                files.add(name)
    return files


def list_voices(registry: EngineRegistry | None = None) -> dict[str, list[VoiceInfo]]:
    """Engine name -> the voices it offers on this machine."""
    registry = registry or EngineRegistry()
    return {name: registry.get(name).list_voices() for name in registry.names()}
