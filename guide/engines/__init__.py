"""Speech engines behind one interface (:class:`~guide.engines.base.Engine`), and their registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

from ..errors import EngineError, GuideError, NetworkError
from ..script.model import VoiceSettings
from .base import (
    OFFLINE_ENV,
    AudioChunk,
    Capabilities,
    Engine,
    EngineBase,
    Health,
    Price,
    VoiceInfo,
    VoiceNotFound,
    VoiceRef,
    adopted,
    offline_from_env,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "OFFLINE_ENV",
    "AudioChunk",
    "Capabilities",
    "Engine",
    "EngineBase",
    "EngineRegistry",
    "Health",
    "Plugin",
    "Price",
    "VoiceInfo",
    "VoiceNotFound",
    "VoiceRef",
    "offline_from_env",
    "plugins",
]

ENTRY_POINT_GROUP = "guide.engines"
"""The entry-point group engines register in: a name (as scripts write it) -> a callable that takes the
:class:`EngineRegistry` and returns the engine. The built-in engines register there too (pyproject.toml)."""


class Plugin:
    """One engine registered in the entry-point group: its name, where it comes from, and its factory."""

    def __init__(
        self, name: str, value: str, package: str, load: Callable[[], Callable[[EngineRegistry], Engine]]
    ) -> None:
        self.name = name
        """The engine's name, as scripts write it (``engine: azure``)."""
        self.value = value
        """The entry point's target, ``module:callable``."""
        self.package = package
        """The distribution that registers it (``guide`` for the built-in engines)."""
        self._load = load

    def factory(self) -> Callable[[EngineRegistry], Engine]:
        """Import the plug-in's module and return its factory; raises EngineError saying which plug-in failed."""
        try:
            return self._load()
        except Exception as exc:  # a broken third-party package must not crash guide
            raise EngineError(
                f"the engine plug-in '{self.name}' ({self.value}, from the package {self.package}) does not load: "
                f"{exc.__class__.__name__}: {exc}. Reinstall or remove that package."
            ) from None


@lru_cache(maxsize=1)
def plugins() -> dict[str, Plugin]:
    """Every engine registered in the entry-point group, by name (read once per process).

    A name registered twice keeps guide's own engine, else the first package's, so a plug-in
    cannot silently replace a built-in voice."""
    found: dict[str, Plugin] = {}
    order = ("piper", "espeak", "gtts", "azure", "google-cloud", "polly", "elevenlabs")  # offline first, then online
    # A one-line predicate, named for the sort key below.
    ours = lambda p: p.dist is not None and p.dist.name == "guide"  # noqa: E731
    for point in sorted(
        entry_points(group=ENTRY_POINT_GROUP),
        key=lambda p: (not ours(p), order.index(p.name) if p.name in order else len(order), p.name),
    ):
        package = point.dist.name if point.dist is not None else "unknown"
        found.setdefault(point.name, Plugin(point.name, point.value, package, point.load))
    return found


class EngineRegistry:
    """Creates each engine once, on first use, and resolves script voices through them."""

    def __init__(self, voices_dirs: Sequence[Path] = (), offline: bool | None = None, fallbacks: bool = True) -> None:
        self.voices_dirs = tuple(Path(d) for d in voices_dirs)
        """Extra folders of Piper voices."""
        self.fallbacks = fallbacks
        """Whether a fallback voice may speak for a voice that fails (False: ``--no-fallback``; a voice is then
        resolved without its fallback, so its failure stops the build)."""
        self._offline = offline
        self._engines: dict[str, EngineBase] = {}
        self._resolved: dict[tuple, VoiceRef] = {}

    @property
    def offline(self) -> bool:
        """Never touch the network: online voices resolve to their offline fallback (as given, else GUIDE_OFFLINE)."""
        return offline_from_env() if self._offline is None else self._offline

    def names(self) -> list[str]:
        """Engine names a script may write: the built-in ones and every installed plug-in."""
        return list(dict.fromkeys([*plugins(), *self._engines]))

    def get(self, name: str) -> EngineBase:
        """The engine called `name`, with every member of :class:`~guide.engines.base.Engine` (a plug-in written
        to the first interface gets the defaults); raises VoiceNotFound for an unknown engine, EngineError for a
        broken plug-in."""
        if name in self._engines:
            return self._engines[name]
        found = plugins().get(name)
        if found is None:
            raise VoiceNotFound(f"unknown engine '{name}' (available: {', '.join(self.names())})")
        self._engines[name] = adopted(found.factory()(self))
        return self._engines[name]

    def use(self, engine: Engine) -> None:
        """Use this engine instance under its name (a configured one, or a new engine)."""
        self._engines[engine.name] = adopted(engine)

    def capabilities(self, name: str) -> Capabilities | None:
        """What the engine called `name` can do; None for an engine unknown or broken (its voices say why)."""
        try:
            return self.get(name).capabilities
        except GuideError:
            return None

    def takers(self, setting: str) -> list[str]:
        """Names of the engines that take a voice setting (``pitch``), in :meth:`names` order; an engine that
        does not load is left out (a voice naming it is told why)."""
        found = {name: self.capabilities(name) for name in self.names()}
        return [name for name, can in found.items() if can is not None and can.takes(setting)]

    def check_settings(self, engine: str, written: Mapping[str, object]) -> dict[str, str]:
        """The settings a script gives a voice of `engine` that it cannot honour -> why (for the script validator);
        {} for an engine unknown or broken, which the voice's own check reports."""
        try:
            found = self.get(engine)
        except GuideError:
            return {}
        return found.check_settings(written, self.takers)

    def speaks(self, engine: str, lang: str) -> bool:
        """Whether `engine` (installed and loading) has a voice for the language code `lang`."""
        try:
            return self.get(engine).speaks(lang)
        except GuideError:
            return False

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        """The concrete voice for a script language; raises VoiceNotFound. Remembered per build."""
        offline = self.offline
        memo = (lang, settings, Path(base_dir).resolve(), offline)
        if memo not in self._resolved:
            engine = self._engine_for(settings)
            if offline and not engine.offline:
                engine.resolve(lang, settings, base_dir)  # its own checks need no network: a wrong voice is still named
                if settings.fallback is None:
                    raise VoiceNotFound(
                        f"{settings.engine} needs the network and this build is offline "
                        f"({OFFLINE_ENV}=1 or --offline): give it an offline fallback, e.g. "
                        f"{{engine: {settings.engine}, fallback: {{engine: espeak, voice: {lang}}}}}"
                    )
                if not self.fallbacks:
                    raise VoiceNotFound(
                        f"{settings.engine} needs the network and this build is offline ({OFFLINE_ENV}=1 or "
                        "--offline), and --no-fallback (GUIDE_NO_FALLBACK) forbids its fallback voice: build online, "
                        "or without --no-fallback"
                    )
                self._resolved[memo] = self.resolve(lang, settings.fallback, base_dir)
                return self._resolved[memo]
            voice = replace(engine.resolve(lang, settings, base_dir), capabilities=engine.capabilities)
            why = engine.missing_credentials()
            if why:  # before anything is recorded: the build would fail at its first take of this voice
                raise VoiceNotFound(why)
            if settings.diacritize == "auto" and _needs_tashkeel(voice):
                # ~2 ms, for diacritized voices only: guide.engines loads at CLI start-up.
                from ..text.diacritize import model_id  # noqa: PLC0415

                voice = replace(voice, diacritize=model_id())
            if settings.fallback is not None:
                fallback = self.resolve(lang, settings.fallback, base_dir)  # checked even when it may not speak
                if self.fallbacks:
                    voice = replace(voice, fallback=fallback)
            self._resolved[memo] = voice
        return self._resolved[memo]

    def with_phonemes(self, voice: VoiceRef, pronunciations: tuple[tuple[str, str], ...]) -> VoiceRef:
        """`voice` (and its fallback) carrying the lexicon's IPA pronunciations, where its engine sends phonemes."""
        fallback = self.with_phonemes(voice.fallback, pronunciations) if voice.fallback is not None else None
        wanted = pronunciations if pronunciations and self.get(voice.engine).phonemes(voice) else ()
        if wanted == voice.phonemes and fallback is voice.fallback:
            return voice
        return replace(voice, phonemes=wanted, fallback=fallback)

    def _engine_for(self, settings: VoiceSettings) -> EngineBase:
        """The engine a voice names; a plug-in that does not load is reported as the voice's problem."""
        try:
            return self.get(settings.engine)
        except VoiceNotFound:
            raise
        except EngineError as exc:
            raise VoiceNotFound(exc.message) from None

    def price(self, voice: VoiceRef) -> Price | None:
        """What the voice's service charges per character, where the engine publishes it (None: free or unknown)."""
        return self.get(voice.engine).price(voice)

    def billed_characters(self, text: str, voice: VoiceRef) -> int:
        """Characters a take of `text` sends to the voice's service (0 for offline engines)."""
        engine = self.get(voice.engine)
        if engine.offline:
            return 0
        return engine.billed_characters(text, voice)

    def web_requests(self, text: str, voice: VoiceRef) -> int:
        """Web requests a take of `text` sends, for engines that plan them (:attr:`Capabilities.plans_requests`)."""
        return len(self.get(voice.engine).plan_requests(text, voice))

    def settle(self, cores: int) -> None:
        """Between recordings of a long-lived process (the studio): each engine that records in threads
        (:attr:`Capabilities.threads`) readies its voices for single sentences with `cores` cores."""
        for name in self.names():
            found = self.capabilities(name)
            if found is not None and found.threads:
                self.get(name).settle(cores)

    def check_voice(self, lang: str, settings: VoiceSettings, base_dir: Path) -> str | None:
        """None when the voice can be used, else why not (for the script validator)."""
        try:
            self.resolve(lang, settings, base_dir)
        except VoiceNotFound as exc:
            return exc.message
        return None

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        """Speak one sentence with `voice` (diacritized first when the voice asks for it).

        The one safety net of offline runs: an online engine is never asked (its voices resolve to their
        fallback before any take is asked for; this catches a voice resolved before going offline)."""
        engine = self.get(voice.engine)
        if self.offline and not engine.offline:
            raise NetworkError(f"{voice.engine}: not asked, this build is offline ({OFFLINE_ENV}=1 or --offline)")
        if voice.diacritize:
            # ~2 ms, for diacritized voices only: guide.engines loads at CLI start-up.
            from ..text.diacritize import diacritize  # noqa: PLC0415

            text = diacritize(text)
        return engine.synthesize(text, voice)


def _needs_tashkeel(voice: VoiceRef) -> bool:
    """espeak-ng guesses Arabic vowels badly; Piper's Arabic voices diacritize by themselves, Google needs none."""
    return voice.engine == "espeak" and voice.lang.split("-")[0] == "ar"
