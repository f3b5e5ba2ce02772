"""A user's own Piper voices: ``guide voices add MODEL.onnx`` copies a voice (model and
config) into a per-user folder that every build searches; ``guide voices remove NAME`` takes
it out. The folder is ``$XDG_DATA_HOME/guide/voices`` (``~/.local/share/guide/voices``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import EngineError, InputError
from ..safe_files import atomic_path
from .base import VoiceRef

USER_VOICES_ENV = "GUIDE_USER_VOICES_DIR"
"""Overrides where a user's voices are kept (default: under XDG_DATA_HOME)."""


def user_voices_dir() -> Path:
    """The per-user voices folder (it may not exist yet)."""
    given = os.environ.get(USER_VOICES_ENV)
    if given:
        return Path(given).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).expanduser() / "guide" / "voices"


@dataclass(frozen=True)
class PiperVoiceFile:
    """What a Piper voice's ``.onnx.json`` config says about it."""

    name: str
    """The file name without ``.onnx``: what a script writes as ``voice:``."""

    model: Path
    """The ``.onnx`` model."""

    language: str
    """The config's language code (``ar_JO``), or the name's prefix when the config has none."""

    quality: str
    """``x_low``, ``low``, ``medium`` or ``high``, as the config says; "" when it does not."""

    sample_rate: int
    """Samples per second the voice speaks at."""

    @property
    def lang(self) -> str:
        """The language as scripts write it: ``ar`` for ``ar_JO``."""
        return self.language.split("_")[0].split("-")[0].lower()


def read_voice(model: Path) -> PiperVoiceFile:
    """The voice at `model` (its config beside it); InputError naming what is wrong."""
    model = Path(model).expanduser()
    if model.suffix != ".onnx":
        raise InputError(f"{model}: a Piper voice is a .onnx model file (with its .onnx.json beside it)")
    if not model.is_file():
        raise InputError(f"{model}: no such file")
    config_path = Path(f"{model}.json")
    if not config_path.is_file():
        raise InputError(
            f"{model}: its config {config_path.name} is not beside it (Piper voices come as NAME.onnx + NAME.onnx.json)"
        )
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        audio = config.get("audio") or {}
        language = (config.get("language") or {}).get("code") or model.stem.split("-")[0]
        rate = int(audio.get("sample_rate") or 0)
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        raise InputError(f"{config_path}: not a Piper voice config ({exc})") from None
    if rate <= 0 or "num_symbols" not in config:
        raise InputError(f"{config_path}: not a Piper voice config (no audio.sample_rate or num_symbols)")
    return PiperVoiceFile(model.stem, model, str(language), str(audio.get("quality") or ""), rate)


def installed_voices(folder: Path | None = None) -> list[PiperVoiceFile]:
    """The voices in the user's folder, by name; files that are not whole voices are left out."""
    folder = folder or user_voices_dir()
    found = []
    for model in sorted(folder.glob("*.onnx")) if folder.is_dir() else []:
        try:
            found.append(read_voice(model))
        except InputError:
            continue
    return found


def add_voice(model: Path, *, force: bool = False, check: Callable[[Path], None] | None = None) -> PiperVoiceFile:
    """Copy the voice at `model` into the user's folder; returns it as installed.

    `check(path)` (loading the model in Piper, from the CLI) runs before anything is copied,
    so a broken file is refused, not installed. Each file is copied under a temporary name
    and renamed into place whole. An existing voice of that name is replaced only with `force`.
    """
    voice = read_voice(model)
    folder = user_voices_dir()
    target = folder / f"{voice.name}.onnx"
    if target.exists() and not force:
        raise InputError(
            f"a voice named {voice.name} is already in {folder} (guide voices remove {voice.name}, or add with --force)"
        )
    if check is not None:
        check(voice.model)
    folder.mkdir(parents=True, exist_ok=True)
    # The config goes in last: a voice without its config is not listed, so a copy stopped
    # half-way never shows as a voice.
    for source, dest in ((voice.model, target), (Path(f"{voice.model}.json"), Path(f"{target}.json"))):
        with atomic_path(dest) as tmp:
            shutil.copyfile(source, tmp)
    return read_voice(target)


def remove_voice(name: str) -> Path:
    """Delete the user's voice `name` (model and config); returns the folder. InputError when absent."""
    folder = user_voices_dir()
    model = folder / f"{name}.onnx"
    if not model.is_file() or "/" in name or os.sep in name:
        have = ", ".join(v.name for v in installed_voices(folder)) or "none"
        raise InputError(f"no voice named {name} in {folder} (your voices: {have})")
    Path(f"{model}.json").unlink(missing_ok=True)  # config first: a half-removed voice is not listed
    model.unlink()
    return folder


def check_model(model: Path) -> None:
    """Load the Piper voice at `model` and speak a word, so a broken file is refused before it is added."""
    from .piper import PiperEngine  # noqa: PLC0415 - loads onnxruntime: only guide voices add pays for it

    engine = PiperEngine()
    ref = VoiceRef("piper", "xx", str(Path(model).resolve()))
    try:
        chunk = engine.synthesize("a.", ref)
    except EngineError as exc:
        raise InputError(f"{model}: Piper cannot use this voice: {exc.message}") from None
    if chunk.duration <= 0:
        raise InputError(f"{model}: Piper loaded this voice but it spoke nothing")
