"""A script's voices: the settings each language's voice is given, checked with the engines that speak them,
and the default voice of a language the script gives none.

The engines are asked (:class:`VoiceEngines`, which :class:`guide.engines.EngineRegistry` is): which settings
an engine takes, whether it speaks a language, whether a voice can be used. Engines are named here only where
the defaults are chosen (:data:`DEFAULT_VOICES`, :func:`default_voice`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import yaml

from ..errors import Problem
from .model import VoiceSettings
from .nodes import LANG_RE, ON_OFF, NodeReader

if TYPE_CHECKING:  # annotations only: the engines are built on the script's model, not the other way round
    from ..engines.base import Capabilities

VOICE_KEYS = ("engine", "voice", "lang", "speed", "pitch", "model", "tld", "slow", "diacritize", "fallback")

DEFAULT_VOICES = {
    "en": VoiceSettings(engine="piper", voice="en_US-joe-medium"),
    "ar": VoiceSettings(engine="gtts", fallback=VoiceSettings(engine="espeak", voice="ar")),
}
"""The voice of a language a script names no voice for: the best each machine can reach.

English: Piper's neural joe voice, offline. Arabic: Google's natural voice (gTTS) when its
endpoint answers, else espeak-ng (a recogniser misses about 6 % of gTTS's Arabic characters
and half of espeak-ng's). Other languages: gTTS with espeak-ng as the fallback where both
speak it, else espeak-ng alone (see :func:`default_voice`)."""

VoiceChecker = Callable[[str, VoiceSettings, Path], "str | None"]
"""Checks one voice on this machine: None when it can be used, else why not (``EngineRegistry.check_voice``)."""


class VoiceEngines(Protocol):
    """What reading a script asks of the speech engines; :class:`guide.engines.EngineRegistry` is one."""

    def names(self) -> list[str]:
        """Engine names a script may write."""
        ...

    def capabilities(self, engine: str) -> Capabilities | None:
        """What `engine` can do; None for an engine unknown or broken."""
        ...

    def check_settings(self, engine: str, written: Mapping[str, object]) -> dict[str, str]:
        """The settings `written` for a voice of `engine` that it cannot honour -> why."""
        ...

    def speaks(self, engine: str, lang: str) -> bool:
        """Whether `engine` has a voice for the language code `lang`."""
        ...


def installed_engines() -> VoiceEngines:
    """The engines installed here, for a caller that passes none (a check of the script alone, ``guide init``)."""
    # Imported here, not at the top: the engines are built on the script's model (guide.engines imports
    # guide.script.model), so the script layer does not depend on them to be imported.
    from ..engines import EngineRegistry  # noqa: PLC0415 - the engines import the script layer, not it them

    return EngineRegistry()


def default_voice(lang: str, engines: VoiceEngines | None = None) -> VoiceSettings:
    """The voice used for `lang` when the script names none (:data:`DEFAULT_VOICES`); `engines` (default: the
    installed ones) say whether gTTS speaks it."""
    if lang in DEFAULT_VOICES:
        return DEFAULT_VOICES[lang]
    offline = VoiceSettings(engine="espeak", voice=lang)
    if (engines or installed_engines()).speaks("gtts", lang):
        return VoiceSettings(engine="gtts", fallback=offline)
    return offline


class VoiceReader:
    """Reads a script's ``voices:`` with the script's node reader, asking the engines what they take."""

    def __init__(
        self, nodes: NodeReader, engines: VoiceEngines | None = None, check_voice: VoiceChecker | None = None
    ) -> None:
        self.nodes = nodes
        """The script's node reader: its problems are the script's."""
        self.check_voice = check_voice
        """Checks that each voice can be used on this machine; None: voices are not checked."""
        self._engines = engines

    @property
    def engines(self) -> VoiceEngines:
        """The engines given, else the installed ones (found when first asked: a script may need none)."""
        if self._engines is None:
            self._engines = installed_engines()
        return self._engines

    def voices(
        self,
        entry: tuple[yaml.Node, yaml.Node] | None,
        languages: Sequence[str],
        declared: Mapping[str, int],
        spoken: Mapping[str, int],
    ) -> dict[str, VoiceSettings]:
        """A voice for each declared language and each language spoken inside texts (given, or the default).

        `declared` and `spoken` give the line where each language is declared, or first spoken inside a text.
        """
        path = self.nodes.path
        given: dict[str, VoiceSettings] = {}
        if entry is not None:
            # Any language may have a voice: one not declared still speaks runs in texts ([lang xx], code switching).
            fields = self.nodes.mapping(entry[1], "voices", allowed=None)
            for lang, (key_node, node) in (fields or {}).items():
                if not LANG_RE.fullmatch(lang):
                    self.nodes.problem(key_node, f"voices: '{lang}' is not a language code like 'en', 'ar' or 'en-GB'")
                    continue
                settings = self.voice(node, lang)
                if settings is not None:
                    given[lang] = settings
        wanted = [*languages, *(lang for lang in spoken if lang not in languages)]
        voices = {lang: given.get(lang) or default_voice(lang, self.engines) for lang in wanted}
        if self.check_voice is not None:
            for lang, settings in voices.items():
                message = self.check_voice(lang, settings, path.parent)
                if message:
                    # Where the voice is named, else where the language is (declared, or first spoken), else 'voices:'.
                    line = settings.line or declared.get(lang) or spoken.get(lang)
                    if line is None and entry is not None:
                        line = entry[0].start_mark.line + 1
                    named = lang in given or lang in languages
                    where = f"voices.{lang}" if named else f"text in '{lang}' (no voice for it)"
                    self.nodes.problems.append(Problem(path, line, f"{where}: {message}"))
                if settings.fallback is not None:
                    message = self.check_voice(lang, settings.fallback, path.parent)
                    if message:
                        problem = Problem(path, settings.fallback.line, f"voices.{lang}.fallback: {message}")
                        self.nodes.problems.append(problem)
        return voices

    def voice(self, node: yaml.Node, lang: str, what: str | None = None) -> VoiceSettings | None:
        """One voice's settings (``voices.LANG``, or its ``fallback``); None, with the problems reported, when wrong."""
        what = what or f"voices.{lang}"
        fields = self.nodes.mapping(node, what, VOICE_KEYS)
        if fields is None:
            return None
        before = len(self.nodes.problems)
        if "engine" not in fields:
            self.nodes.problem(node, f"{what}: missing 'engine' ({self.choices()})")
        engine = self.nodes.scalar(fields["engine"][1], f"{what}.engine") if "engine" in fields else None
        voice = self.nodes.scalar(fields["voice"][1], f"{what}.voice") if "voice" in fields else None
        engine_lang = self.nodes.scalar(fields["lang"][1], f"{what}.lang") if "lang" in fields else None
        speed = self.nodes.number(fields["speed"][1], f"{what}.speed", 0.5, 2.0) if "speed" in fields else 1.0
        pitch = self.nodes.number(fields["pitch"][1], f"{what}.pitch", 0, 100) if "pitch" in fields else None
        model = self.nodes.scalar(fields["model"][1], f"{what}.model") if "model" in fields else None
        tld = self.nodes.scalar(fields["tld"][1], f"{what}.tld") if "tld" in fields else "com"
        slow = self.nodes.boolean(fields["slow"][1], f"{what}.slow") if "slow" in fields else False
        diacritize: str | None = "auto"
        if "diacritize" in fields:
            diacritize = self.nodes.choice(fields["diacritize"][1], f"{what}.diacritize", ON_OFF)
        fallback = None
        if "fallback" in fields:
            if what.endswith(".fallback"):
                self.nodes.problem(fields["fallback"][0], f"{what}: a fallback voice cannot have a fallback of its own")
            else:
                fallback = self.voice(fields["fallback"][1], lang, f"{what}.fallback")
        if engine is not None:
            # The settings not every engine takes, where given a value of their own: the engine says what it refuses.
            written = {
                setting: value
                for setting, value in (("pitch", pitch), ("model", model), ("tld", tld if tld != "com" else None))
                if value is not None
            }
            if slow:
                written["slow"] = slow
            for setting, why in (self.engines.check_settings(engine, written) if written else {}).items():
                self.nodes.problem(fields[setting][1] if setting in fields else node, f"{what}.{setting}: {why}")
        if tld is not None and not re.fullmatch(r"[a-z]{2,3}(\.[a-z]{2,3})?", tld):
            self.nodes.problem(fields["tld"][1], f"{what}.tld '{tld}' is not a top-level domain like 'com' or 'co.uk'")
        if len(self.nodes.problems) > before or engine is None:
            return None
        return VoiceSettings(
            engine=engine,
            voice=voice,
            lang=engine_lang,
            speed=speed if speed is not None else 1.0,
            pitch=int(pitch) if pitch is not None else None,
            model=model,
            tld=tld or "com",
            slow=bool(slow),
            diacritize=diacritize or "auto",
            fallback=fallback,
            line=node.start_mark.line + 1,
        )

    def choices(self) -> str:
        """The engines a voice may name, for a message: ``piper, espeak, gtts, or a cloud engine: azure, …``."""
        free, paid = [], []
        for name in self.engines.names():
            found = self.engines.capabilities(name)
            if found is not None:
                (paid if found.paid else free).append(name)
        return ", ".join(free) + (f", or a cloud engine: {', '.join(paid)}" if paid else "")
