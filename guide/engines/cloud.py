"""What the cloud engines (azure, google-cloud, polly, elevenlabs) share.

Each cloud engine is a small module over its vendor's documented REST API; this
module holds the parts they have in common: reading credentials from the
environment only, the ``GUIDE_<ENGINE>_URL`` endpoint override, the voice
catalogue ``guide voices`` lists without a key, decoding the audio a service
sends, and the :class:`~guide.engines.http.Sender` that retries what may heal.
"""

from __future__ import annotations

import io
import os
import wave
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..audio.assemble import SAMPLE_RATE
from ..audio.ffmpeg import decode_mp3
from ..errors import AudioError
from ..script.model import VoiceSettings
from .base import (
    AudioChunk,
    Capabilities,
    EngineBase,
    VoiceInfo,
    VoiceNotFound,
)
from .http import BadAnswer, Sender

USER_AGENT = "guide-audio-guides (+https://pypi.org/project/guide)"
"""Sent with every request, so a vendor's logs say what called."""


@dataclass(frozen=True)
class CatalogueVoice:
    """A voice a vendor documents, known without asking the service (``guide voices`` without a key)."""

    name: str
    """The vendor's voice name, as a script writes it (``ar-SA-ZariyahNeural``)."""

    locale: str
    """The vendor's locale (``ar-SA``)."""

    dialect: str
    """In words, for people choosing (``Arabic (Saudi Arabia)``)."""

    gender: str
    """``female`` or ``male``, as the vendor gives it."""

    def info(self, engine: str, detail: str) -> VoiceInfo:
        return VoiceInfo(engine, self.name, (self.locale,), f"{self.dialect}, {self.gender}; {detail}")


def first_env(environ: Mapping[str, str], names: Sequence[str]) -> str | None:
    """The first of `names` set (non-empty) in the environment."""
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def endpoint_env(engine: str) -> str:
    """The variable that overrides an engine's base address: ``GUIDE_GOOGLE_CLOUD_URL`` for google-cloud."""
    return f"GUIDE_{engine.upper().replace('-', '_')}_URL"


def endpoint(engine: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """The engine's base address: ``GUIDE_<ENGINE>_URL`` if set (tests, sovereign clouds, proxies), else `default`."""
    environ = os.environ if environ is None else environ
    return (environ.get(endpoint_env(engine), "").strip() or default).rstrip("/")


def check_language(engine: str, voice: str, locale: str, lang: str, multilingual: bool = False) -> None:
    """Raise VoiceNotFound when a voice of `locale` is asked to speak the script language `lang`."""
    if not multilingual and locale.split("-")[0].lower() != lang.split("-")[0].lower():
        raise VoiceNotFound(
            f"{engine} voice '{voice}' speaks {locale}, not '{lang}' (run 'guide voices --engine {engine} --lang "
            f"{lang}')"
        )


def wav_chunk(text: str, data: bytes, engine: str) -> AudioChunk:
    """A RIFF/WAV answer (16-bit PCM) as an AudioChunk; raises BadAnswer for anything else."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            width, channels, rate, frames = (
                wav.getsampwidth(),
                wav.getnchannels(),
                wav.getframerate(),
                wav.readframes(wav.getnframes()),
            )
    except (wave.Error, EOFError) as exc:
        raise BadAnswer(f"{engine}: the service answered without usable audio ({exc})") from None
    if width != 2 or not frames:
        raise BadAnswer(
            f"{engine}: the service answered with {'no' if not frames else f'{width * 8}-bit'} audio, not 16-bit speech"
        )
    samples = np.frombuffer(frames[: len(frames) - len(frames) % (2 * channels)], dtype="<i2").astype(np.int16)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return AudioChunk(text, samples, rate)


def pcm_chunk(text: str, data: bytes, rate: int, engine: str) -> AudioChunk:
    """Raw little-endian 16-bit mono PCM as an AudioChunk; raises BadAnswer when it cannot be that."""
    if len(data) < 2 or len(data) % 2 or data[:4] in (b"RIFF", b"ID3\x03", b"ID3\x04", b'{"er', b"<?xm"):
        raise BadAnswer(f"{engine}: the service answered without usable audio ({len(data)} bytes, not 16-bit PCM)")
    return AudioChunk(text, np.frombuffer(data, dtype="<i2").astype(np.int16), rate)


def mp3_chunk(text: str, data: bytes, engine: str) -> AudioChunk:
    """An MP3 answer decoded with guide's ffmpeg; raises BadAnswer when it holds no audio."""
    try:
        samples = decode_mp3(data, SAMPLE_RATE, step=f"while decoding the audio {engine} sent")
    except AudioError as exc:
        raise BadAnswer(
            f"{engine}: the service answered without usable audio ({exc.message.splitlines()[0]})"
        ) from None
    if samples.size == 0:
        raise BadAnswer(f"{engine}: the service answered with empty audio")
    return AudioChunk(text, np.asarray(samples, dtype=np.int16), SAMPLE_RATE)


class CloudEngine(EngineBase):
    """The parts of a cloud engine that are the same for every vendor (subclassed per vendor)."""

    name = "cloud"
    capabilities = Capabilities(offline=False, paid=True, ssml=True)
    """Online; the vendor bills what is sent (whether or not guide knows its price). Each vendor says more."""
    catalogue: tuple[CatalogueVoice, ...] = ()
    """The voices the vendor documents (what ``guide voices`` lists when the service is not asked)."""

    def __init__(self, sender: Sender | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.sender = sender or Sender(self.name)
        """Sends the requests (timeouts, retries, the failure budget)."""
        self.environ = os.environ if environ is None else environ
        """Where credentials and the endpoint override are read (the process environment)."""

    def list_voices(self) -> list[VoiceInfo]:
        return [v.info(self.name, "online, paid") for v in self.catalogue]

    def known(self, name: str) -> CatalogueVoice | None:
        """The catalogue's entry for a voice name (None: not documented when guide was released)."""
        return next((v for v in self.catalogue if v.name == name), None)

    def check_settings(self, written: Mapping[str, object], takers: Callable[[str], Sequence[str]]) -> dict[str, str]:
        """Only ``slow`` is refused here: a pitch or model the voice cannot take is refused when the voice is
        resolved (:meth:`reject`), where the voice is known (a Chirp voice takes no pitch, another one does)."""
        problems = super().check_settings(written, takers)
        return {setting: why for setting, why in problems.items() if setting not in ("pitch", "model")}

    def default_voice(self, lang: str) -> str:
        """The voice used when a script names none: the catalogue's first for the language."""
        for voice in self.catalogue:
            if voice.locale.split("-")[0] == lang.split("-")[0]:
                return voice.name
        raise VoiceNotFound(
            f"{self.name} has no voice for '{lang}' known to guide: name one (run 'guide voices --engine {self.name}')"
        )

    def reject(self, settings: VoiceSettings, lang: str) -> None:
        """Refuse settings this engine cannot honour (:attr:`Capabilities.settings`), rather than ignore them."""
        if settings.pitch is not None and not self.capabilities.takes("pitch"):
            raise VoiceNotFound(f"{self.name} cannot change pitch: remove 'pitch' from voices.{lang}")
        if settings.model is not None and not self.capabilities.takes("model"):
            raise VoiceNotFound(f"{self.name} has no models to choose from: remove 'model' from voices.{lang}")
