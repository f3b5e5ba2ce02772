"""The small interface every speech engine implements."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import InputError
from ..script.model import VoiceSettings


OFFLINE_ENV = "GUIDE_OFFLINE"
"""Set to 1 (or ``guide build --offline``) and guide never touches the network: gTTS voices
speak through their offline fallback voice."""


def offline_from_env() -> bool:
    """Whether GUIDE_OFFLINE asks for an offline build."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def go_offline() -> None:
    """Make this process and its children build offline (``--offline``)."""
    os.environ[OFFLINE_ENV] = "1"


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
    """Pitch 0-100 with 50 the voice's own (espeak-ng's scale; cloud engines map it to semitones), None = the voice's own."""

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

    fallback: "VoiceRef | None" = None
    """Opt-in voice that records a take this voice fails to (``voices.<lang>.fallback``)."""

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
    """A speech engine: resolves voices, lists them, and speaks one sentence at a time.

    This is the public interface a plug-in implements. A package registers an engine in the
    ``guide.engines`` entry-point group: ``name = "package.module:create"``, where ``create``
    takes the :class:`~guide.engines.EngineRegistry` and returns the engine (docs/engines.md).

    Besides the members below, an engine may define (guide looks them up with ``getattr``):

    - ``missing_credentials() -> str | None``: a one-line message naming the environment
      variable to set when the engine has no key; called before anything is recorded.
    - ``price(voice) -> Price | None``: what the vendor charges, for cost estimates.
    - ``paid: bool``: the vendor bills what is sent (build summaries say "paid").
    - ``billed_characters(text, voice) -> int``: characters a take sends (default ``len(text)``).
    - ``phonemes(voice) -> bool``: whether lexicon entries with ``ipa`` become phonemes for this voice.
    """

    name: str
    """Registry name, as written in scripts (``engine: piper``)."""

    offline: bool
    """True when the engine needs no network."""

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        """Turn a script's voice settings into a concrete voice; raise VoiceNotFound if impossible."""
        ...

    def list_voices(self) -> list[VoiceInfo]:
        """Voices this engine offers on this machine."""
        ...

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        """Speak one sentence. Raises EngineError (or NetworkError) on failure."""
        ...


def package_version(name: str) -> str:
    """Installed version of a distribution, or 'unknown'."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
