"""The small interface every speech engine implements."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ..errors import InputError
from ..script.model import VoiceSettings

if TYPE_CHECKING:  # for annotations only: guide.engines is imported by the script validator, which needs no numpy
    import numpy as np


OFFLINE_ENV = "GUIDE_OFFLINE"
"""Set to 1 (or ``guide build --offline``) and guide never touches the network: gTTS voices
speak through their offline fallback voice."""


def offline_from_env() -> bool:
    """Whether GUIDE_OFFLINE asks for an offline build."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


SETTINGS = ("pitch", "model", "tld", "slow")
"""The voice settings only some engines take (every engine takes ``voice``, ``lang``, ``speed``,
``diacritize`` and ``fallback``)."""


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, declared by the engine (``capabilities`` on :class:`EngineBase`).

    guide asks these instead of knowing engines by name: the script validator (which settings a
    voice may have), the planner (what identifies a voice in a take's key), the recorder (which
    takes run in parallel threads), ``guide check`` and ``guide doctor``.
    """

    offline: bool = True
    """The engine needs no network: ``--offline`` builds use it (an online engine's voice speaks
    through its fallback then)."""

    paid: bool = False
    """The vendor bills what is sent: build summaries and ``guide check`` say "paid"."""

    settings: frozenset[str] = frozenset()
    """Which of :data:`SETTINGS` the engine takes (``{"pitch"}``); the default :meth:`EngineBase.check_settings`
    refuses a ``pitch``, ``model`` or ``slow`` the engine does not take."""

    speed: tuple[float, float] = (0.5, 2.0)
    """The slowest and fastest speed the engine speaks at (1.0 normal); a script may write 0.5 to 2.0."""

    ssml: bool = False
    """The engine is sent SSML (escaped text, prosody) rather than plain text, for some voices at least."""

    phonemes: bool = False
    """The engine's voices take IPA pronunciations as SSML phonemes (:meth:`EngineBase.phonemes` may say
    which voices)."""

    languages: tuple[str, ...] = ()
    """Language codes the engine speaks, when they are fixed; () when its voices say (:meth:`EngineBase.list_voices`),
    as for engines whose voices are installed, or listed by a package."""

    voice_in_key: bool = True
    """The concrete voice (``VoiceRef.voice``) is part of a take's key. False when it is only where a local
    model lies, and ``identity`` holds the model's hash: moving the file records nothing again."""

    threads: bool = False
    """Takes may be recorded in several threads of this process (the engine computes them itself, with
    :meth:`EngineBase.prepare` told how), rather than one at a time."""

    plans_requests: bool = False
    """The engine says which web requests a take sends without sending them (:meth:`EngineBase.plan_requests`),
    and ``guide check`` counts them: a free endpoint limits them, where a paid one bills characters."""

    shown: str = ""
    """The engine's name as people know it, in what guide says (``gTTS``); empty: its name in scripts."""

    service: str = ""
    """Who an online engine asks (``Google``), named when it cannot be reached; empty: :attr:`shown`."""

    hard_to_follow: frozenset[str] = frozenset()
    """Languages (base codes, ``ar``) in which listeners understand the engine's voices poorly: a build that
    uses one for them says so (espeak-ng's Arabic: a recogniser misses about half of it)."""

    takes_vary: bool = False
    """A take recorded again comes out differently (the engine samples noise): ``guide proof`` suggests
    recording again a sentence heard wrong."""

    def named(self, engine: str) -> tuple[str, str]:
        """(the engine's name as people know it, who it asks), for `engine` as scripts name it."""
        shown = self.shown or engine
        return shown, self.service or shown

    def hard_to_follow_in(self, lang: str) -> bool:
        """Whether listeners understand the engine's voices poorly in `lang`."""
        return lang.split("-")[0] in self.hard_to_follow

    def takes(self, setting: str) -> bool:
        """Whether the engine takes `setting`, one of :data:`SETTINGS`."""
        return setting in self.settings


@dataclass(frozen=True)
class Health:
    """What an engine says of itself in ``guide doctor``."""

    status: Literal["ok", "fail", "info"]
    """``ok``; ``fail`` (a build using the engine cannot run as things are); ``info`` (a fact, not a fault)."""

    detail: str
    """What was found (``piper-tts 1.3.0; voices: en_US-joe-medium``)."""

    fix: str = ""
    """One line saying what to do, when `status` is ``fail``."""

    name: str = ""
    """What the report calls the check (``espeak-ng``); "" for ``engine NAME``."""


class VoiceNotFound(InputError):
    """Raised when a script names a voice (or voice file) an engine does not have."""


@dataclass(frozen=True)
class VoiceRef:
    """A voice ready to speak: the engine, the concrete voice, and its settings."""

    engine: str
    """Engine name in the registry."""

    lang: str
    """The script language this voice speaks."""

    voice: str
    """Concrete voice: a Piper model's absolute path, an espeak-ng voice name, a gTTS language code."""

    speed: float = 1.0
    """Speaking speed, 1.0 = normal."""

    pitch: int | None = None
    """Pitch 0-100 with 50 the voice's own (espeak-ng's scale; cloud engines map it to semitones), None = the
    voice's own."""

    tld: str = "com"
    """gTTS host top-level domain (accent)."""

    slow: bool = False
    """gTTS slow reading."""

    identity: str = ""
    """What makes this voice sound as it does, beyond the settings above: engine and package
    versions, the voice model's hash. Part of every take's cache key."""

    model: str = ""
    """The service's model, where the engine has several for one voice (ElevenLabs' ``eleven_multilingual_v2``,
    Polly's ``neural``); part of the take key, so another model records again."""

    diacritize: str = ""
    """Arabic text is diacritized before this voice speaks it: the diacritizer's id (model and rules), or "" (never)."""

    phonemes: tuple[tuple[str, str], ...] = ()
    """Lexicon pronunciations for this voice's engine to send as SSML phonemes: (word as the voice is given it,
    IPA). Set only for engines that take phonemes in this language (``phonemes(voice)``); empty otherwise."""

    fallback: VoiceRef | None = None
    """Opt-in voice that records a take this voice fails to (``voices.<lang>.fallback``)."""

    capabilities: Capabilities | None = field(default=None, compare=False, repr=False)
    """What the voice's engine can do, as the registry stamps it when it resolves the voice; None for a voice
    made by hand (the defaults of :class:`Capabilities` then). Not compared: it describes the engine, not the voice."""

    @property
    def can(self) -> Capabilities:
        """:attr:`capabilities`, or the defaults for a voice made by hand."""
        return self.capabilities if self.capabilities is not None else _DEFAULT_CAPABILITIES

    @property
    def label(self) -> str:
        """Short name for messages and summaries: ``piper:en_US-joe-medium``."""
        name = Path(self.voice).stem if self.voice.endswith(".onnx") else self.voice
        return f"{self.engine}:{name}"


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers on this machine (for ``guide voices``)."""

    engine: str
    """Engine name."""

    name: str
    """What to write as ``voice:`` in a script."""

    languages: tuple[str, ...]
    """Language codes the voice speaks."""

    detail: str = ""
    """Where it comes from (bundled package, voices folder, online)."""


@dataclass(frozen=True)
class Price:
    """What a cloud voice costs, as its vendor publishes it."""

    usd_per_million: float
    """US dollars per million characters sent, pay-as-you-go, before any free tier."""

    tier: str
    """The vendor's name for the price line (``Neural``, ``WaveNet``, ``Chirp 3: HD``)."""

    source: str
    """Where the price is published, and the date it was read (``https://…, read 2026-12-03``)."""


@dataclass(frozen=True)
class AudioChunk:
    """Speech for one sentence, as the engine produced it."""

    text: str
    """The sentence spoken."""

    samples: np.ndarray
    """Mono 16-bit PCM samples (dtype int16)."""

    sample_rate: int
    """Samples per second of `samples`."""

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


class Engine(Protocol):
    """A speech engine: resolves voices, lists them, speaks one sentence at a time, and says what it can do.

    This is the public interface a plug-in implements, best by subclassing :class:`EngineBase`, which
    gives every member below but the first five a default. A package registers an engine in the
    ``guide.engines`` entry-point group: ``name = "package.module:create"``, where ``create`` takes the
    :class:`~guide.engines.EngineRegistry` and returns the engine (docs/engines.md). An engine written
    to the first five members alone still works: the registry gives it the defaults of the rest.
    """

    name: str
    """Registry name, as written in scripts (``engine: piper``)."""

    capabilities: Capabilities
    """What the engine can do."""

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        """Turn a script's voice settings into a concrete voice; raise VoiceNotFound if impossible."""
        ...

    def list_voices(self) -> list[VoiceInfo]:
        """Voices this engine offers on this machine."""
        ...

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        """Speak one sentence. Raises EngineError (or NetworkError) on failure."""
        ...

    @property
    def offline(self) -> bool:
        """True when the engine needs no network (:attr:`Capabilities.offline`)."""
        ...

    @property
    def paid(self) -> bool:
        """True when the vendor bills what is sent (:attr:`Capabilities.paid`)."""
        ...

    def check_settings(self, written: Mapping[str, object], takers: Callable[[str], Sequence[str]]) -> dict[str, str]:
        """The settings a script gives this engine's voice that the engine cannot honour -> why."""
        ...

    def speaks(self, lang: str) -> bool:
        """Whether a voice of the engine speaks the language code `lang` exactly."""
        ...

    def missing_credentials(self) -> str | None:
        """A one-line message naming what to set when the engine has no key, else None."""
        ...

    def price(self, voice: VoiceRef) -> Price | None:
        """What the vendor charges for the voice, or None (free, or not published)."""
        ...

    def billed_characters(self, text: str, voice: VoiceRef) -> int:
        """Characters a take of `text` is billed for."""
        ...

    def phonemes(self, voice: VoiceRef) -> bool:
        """Whether lexicon entries with ``ipa`` are sent to this voice as phonemes."""
        ...

    def plan_requests(self, text: str, voice: VoiceRef) -> list[Any]:
        """The web requests a take of `text` sends, none sent."""
        ...

    def prepare(self, takes: int, workers: int, cores: int) -> None:
        """A recording of `takes` takes in `workers` threads on `cores` cores is about to start."""
        ...

    def settle(self, cores: int) -> None:
        """Between recordings of a long-lived process: the next takes are heard one at a time."""
        ...

    def files(self, voice: VoiceRef) -> list[Path]:
        """Local files the voice is made of, which ``guide build --watch`` watches."""
        ...

    def health(self) -> Health:
        """What ``guide doctor`` says of the engine."""
        ...


class EngineBase:
    """The defaults of :class:`Engine`'s members: subclass it, set ``name`` and ``capabilities``, and write
    ``resolve``, ``list_voices`` and ``synthesize``; override the others where the engine does more."""

    name: str = ""
    """Registry name, as written in scripts (``engine: piper``)."""

    capabilities: Capabilities = Capabilities()
    """What the engine can do (an offline engine that takes no optional setting, by default)."""

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        """Turn a script's voice settings into a concrete voice; raise VoiceNotFound if impossible."""
        raise NotImplementedError

    def list_voices(self) -> list[VoiceInfo]:
        """Voices this engine offers on this machine."""
        raise NotImplementedError

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        """Speak one sentence. Raises EngineError (or NetworkError) on failure."""
        raise NotImplementedError

    @property
    def offline(self) -> bool:
        """True when the engine needs no network (:attr:`Capabilities.offline`)."""
        return self.capabilities.offline

    @property
    def paid(self) -> bool:
        """True when the vendor bills what is sent (:attr:`Capabilities.paid`)."""
        return self.capabilities.paid

    def check_settings(self, written: Mapping[str, object], takers: Callable[[str], Sequence[str]]) -> dict[str, str]:
        """The settings a script gives this engine's voice that the engine cannot honour -> why (shown after
        ``voices.LANG.SETTING: ``); {} when it can honour them all.

        `written` holds the settings of :data:`SETTINGS` the script gives a value other than the default
        (``{"pitch": 60}``); `takers(setting)` names the engines that take a setting, for the message's hint.
        By default a ``pitch``, ``model`` or ``slow`` not in :attr:`Capabilities.settings` is refused.
        """
        problems = {}
        for setting, message in _REFUSED.items():
            if setting in written and not self.capabilities.takes(setting):
                others = list(takers(setting))
                problems[setting] = message.format(engine=self.name, takers=_listed(others))
        return problems

    def speaks(self, lang: str) -> bool:
        """Whether a voice of the engine speaks the language code `lang` exactly: in :attr:`Capabilities.languages`
        when the engine declares them, else in what one of its voices lists."""
        if self.capabilities.languages:
            return lang in self.capabilities.languages
        return any(lang in voice.languages for voice in self.list_voices())

    def missing_credentials(self) -> str | None:
        """A one-line message naming the environment variable to set when the engine has no key (called before
        anything is recorded, and by ``guide check`` and ``guide doctor``); None when the engine is ready."""
        return None

    def price(self, voice: VoiceRef) -> Price | None:
        """What the vendor charges for the voice, for cost estimates; None when free or not published."""
        return None

    def billed_characters(self, text: str, voice: VoiceRef) -> int:
        """Characters a take of `text` is billed for, as the vendor counts them (markup included or not)."""
        return len(text)

    def phonemes(self, voice: VoiceRef) -> bool:
        """Whether lexicon entries with ``ipa`` become phonemes for `voice` (:attr:`Capabilities.phonemes`)."""
        return self.capabilities.phonemes

    def plan_requests(self, text: str, voice: VoiceRef) -> list[Any]:
        """The web requests a take of `text` sends, none sent (:attr:`Capabilities.plans_requests`); [] by default."""
        return []

    def prepare(self, takes: int, workers: int, cores: int) -> None:
        """A recording of `takes` takes in `workers` threads on `cores` cores is about to start (engines with
        :attr:`Capabilities.threads` size their thread pools here); nothing to do by default."""

    def settle(self, cores: int) -> None:
        """Between recordings of a long-lived process (the studio): the next takes are heard one at a time,
        with `cores` cores free; nothing to do by default."""

    def files(self, voice: VoiceRef) -> list[Path]:
        """Local files the voice is made of (a model and its config), which ``guide build --watch`` watches:
        a change records its takes again. None by default."""
        return []

    def health(self) -> Health:
        """What ``guide doctor`` says of the engine: whether it is set up (:meth:`missing_credentials`), and
        how many voices it has."""
        kind = "offline" if self.offline else "online"
        why = self.missing_credentials()
        if why:
            return Health("info", f"{kind}; not set up: {why}")
        found = "; credentials found" if self.checks_credentials() else ""
        return Health("ok", f"{kind}; {len(self.list_voices())} voices{found}")

    def checks_credentials(self) -> bool:
        """Whether the engine has credentials to check (it defines :meth:`missing_credentials`)."""
        return type(self).missing_credentials is not EngineBase.missing_credentials


class Adopted(EngineBase):
    """An engine written to the first, smaller interface (``name``, ``offline``, ``resolve``, ``list_voices``,
    ``synthesize``, and optionally ``missing_credentials``, ``price``, ``paid``, ``billed_characters``,
    ``phonemes``), given :class:`EngineBase`'s defaults for what it lacks; the registry wraps such a plug-in once."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        """The plug-in's own engine object."""
        self.name = engine.name
        own = getattr(engine, "capabilities", None)
        # The first interface said offline and paid as attributes of their own.
        self.capabilities = (
            own
            if isinstance(own, Capabilities)
            else Capabilities(offline=bool(engine.offline), paid=bool(getattr(engine, "paid", False)))
        )

    def __getattr__(self, name: str) -> Any:
        # Members of the plug-in's own (a version(), a catalogue) stay reachable through the wrapper.
        if name == "engine":  # not set yet (a copy being made): never look for it in itself
            raise AttributeError(name)
        return getattr(self.engine, name)

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        return self.engine.resolve(lang, settings, base_dir)

    def list_voices(self) -> list[VoiceInfo]:
        return self.engine.list_voices()

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        return self.engine.synthesize(text, voice)

    def _own(self, member: str) -> Callable[..., Any] | None:
        """The plug-in's own method called `member`, or None (the default of EngineBase applies)."""
        found = getattr(self.engine, member, None)
        return found if callable(found) else None

    def check_settings(self, written: Mapping[str, object], takers: Callable[[str], Sequence[str]]) -> dict[str, str]:
        own = self._own("check_settings")
        return own(written, takers) if own else super().check_settings(written, takers)

    def speaks(self, lang: str) -> bool:
        own = self._own("speaks")
        return own(lang) if own else super().speaks(lang)

    def missing_credentials(self) -> str | None:
        own = self._own("missing_credentials")
        return own() if own else super().missing_credentials()

    def price(self, voice: VoiceRef) -> Price | None:
        own = self._own("price")
        return own(voice) if own else super().price(voice)

    def billed_characters(self, text: str, voice: VoiceRef) -> int:
        own = self._own("billed_characters")
        return own(text, voice) if own else super().billed_characters(text, voice)

    def phonemes(self, voice: VoiceRef) -> bool:
        own = self._own("phonemes")
        return own(voice) if own else super().phonemes(voice)

    def plan_requests(self, text: str, voice: VoiceRef) -> list[Any]:
        own = self._own("plan_requests")
        return own(text, voice) if own else super().plan_requests(text, voice)

    def prepare(self, takes: int, workers: int, cores: int) -> None:
        own = self._own("prepare")
        if own:
            own(takes, workers, cores)

    def settle(self, cores: int) -> None:
        own = self._own("settle")
        if own:
            own(cores)

    def files(self, voice: VoiceRef) -> list[Path]:
        own = self._own("files")
        return own(voice) if own else super().files(voice)

    def health(self) -> Health:
        own = self._own("health")
        return own() if own else super().health()

    def checks_credentials(self) -> bool:
        return self._own("missing_credentials") is not None


def adopted(engine: Any) -> EngineBase:
    """`engine` itself when it subclasses :class:`EngineBase`, else wrapped in :class:`Adopted`."""
    return engine if isinstance(engine, EngineBase) else Adopted(engine)


_DEFAULT_CAPABILITIES = Capabilities()

_REFUSED = {
    "pitch": "{engine} cannot change pitch ({takers} can)",
    "model": "{engine} has no models to choose from ({takers} have)",
    "slow": "only the {takers} engine has a slow reading ({engine} has not; use speed)",
}
"""What :meth:`EngineBase.check_settings` says of a setting the engine does not take."""


def _listed(names: Sequence[str]) -> str:
    """``espeak, azure and google-cloud``."""
    if not names:
        return "no engine"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def package_version(name: str) -> str:
    """Installed version of a distribution, or 'unknown'."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
