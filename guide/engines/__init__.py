"""Speech engines behind one interface (:class:`~guide.engines.base.Engine`), and their registry."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

from ..script.model import VoiceSettings
from .base import OFFLINE_ENV, AudioChunk, Engine, VoiceInfo, VoiceNotFound, VoiceRef, go_offline, offline_from_env
from .espeak import EspeakEngine
from .gtts import GttsEngine, budget_from_env
from .piper import PiperEngine

__all__ = ["ENGINE_NAMES", "OFFLINE_ENV", "go_offline", "offline_from_env", "AudioChunk", "Engine", "EngineRegistry", "VoiceInfo", "VoiceNotFound", "VoiceRef"]

_FACTORIES: dict[str, Callable[["EngineRegistry"], Engine]] = {
    "piper": lambda reg: PiperEngine(reg.voices_dirs),
    "espeak": lambda reg: EspeakEngine(),
    "gtts": lambda reg: GttsEngine(budget=budget_from_env(os.environ)),
}

ENGINE_NAMES = tuple(_FACTORIES)
"""The engines built in."""



class EngineRegistry:
    """Creates each engine once, on first use, and resolves script voices through them."""

    def __init__(self, voices_dirs: Sequence[Path] = (), offline: bool | None = None) -> None:
        self.voices_dirs = tuple(Path(d) for d in voices_dirs)
        """Extra folders of Piper voices."""
        self._offline = offline
        self._engines: dict[str, Engine] = {}
        self._resolved: dict[tuple, VoiceRef] = {}

    @property
    def offline(self) -> bool:
        """Never touch the network: online voices resolve to their offline fallback (as given, else GUIDE_OFFLINE)."""
        return offline_from_env() if self._offline is None else self._offline

    def names(self) -> list[str]:
        """Engine names a script may write."""
        return list(dict.fromkeys([*_FACTORIES, *self._engines]))

    def get(self, name: str) -> Engine:
        """The engine called `name`; raises VoiceNotFound for an unknown engine."""
        if name in self._engines:
            return self._engines[name]
        if name not in _FACTORIES:
            raise VoiceNotFound(f"unknown engine '{name}' (available: {', '.join(self.names())})")
        if name not in self._engines:
            self._engines[name] = _FACTORIES[name](self)
        return self._engines[name]

    def use(self, engine: Engine) -> None:
        """Use this engine instance under its name (a configured one, or a new engine)."""
        self._engines[engine.name] = engine

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        """The concrete voice for a script language; raises VoiceNotFound. Remembered per build."""
        offline = self.offline
        memo = (lang, settings, Path(base_dir).resolve(), offline)
        if memo not in self._resolved:
            engine = self.get(settings.engine)
            if offline and not engine.offline:
                engine.resolve(lang, settings, base_dir)  # its own checks need no network: a wrong voice is still named
                if settings.fallback is None:
                    raise VoiceNotFound(
                        f"{settings.engine} needs the network and this build is offline ({OFFLINE_ENV}=1 or --offline): "
                        f"give it an offline fallback, e.g. {{engine: {settings.engine}, fallback: {{engine: espeak, voice: {lang}}}}}"
                    )
                self._resolved[memo] = self.resolve(lang, settings.fallback, base_dir)
                return self._resolved[memo]
            voice = self.get(settings.engine).resolve(lang, settings, base_dir)
            if settings.diacritize == "auto" and _needs_tashkeel(voice):
                from ..text.diacritize import model_id

                voice = replace(voice, diacritize=model_id())
            if settings.fallback is not None:
                voice = replace(voice, fallback=self.resolve(lang, settings.fallback, base_dir))
            self._resolved[memo] = voice
        return self._resolved[memo]

    def check_voice(self, lang: str, settings: VoiceSettings, base_dir: Path) -> str | None:
        """None when the voice can be used, else why not (for the script validator)."""
        try:
            self.resolve(lang, settings, base_dir)
        except VoiceNotFound as exc:
            return exc.message
        return None

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        """Speak one sentence with `voice` (diacritized first when the voice asks for it)."""
        if voice.diacritize:
            from ..text.diacritize import diacritize

            text = diacritize(text)
        return self.get(voice.engine).synthesize(text, voice)


def _needs_tashkeel(voice: VoiceRef) -> bool:
    """espeak-ng guesses Arabic vowels badly; Piper's Arabic voices diacritize by themselves, Google needs none."""
    return voice.engine == "espeak" and voice.lang.split("-")[0] == "ar"
