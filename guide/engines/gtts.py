"""Google's online voices through ``gtts``.

gTTS plans the web requests (its tokenizer cuts text at ~100 characters and
``_prepare_requests`` builds one batchexecute POST per part); we send them
ourselves, through the :class:`~guide.engines.http.Sender` every online engine
shares: timeouts, jittered retries, a failure budget, and fail-fast once the
host proved unreachable.

The MP3 parts are decoded to PCM with ffmpeg.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..audio.assemble import SAMPLE_RATE
from ..audio.ffmpeg import decode_mp3
from ..errors import InputError, NetworkError
from ..script.model import VoiceSettings
from .base import (
    AudioChunk,
    Capabilities,
    EngineBase,
    Health,
    VoiceInfo,
    VoiceNotFound,
    VoiceRef,
    package_version,
)
from .http import BACKOFF, BUDGET, RETRIES, TIMEOUT, BadAnswer, Sender, host_of

# gTTS serves 24 kHz mono MP3; ffmpeg decodes it straight to the pipeline's rate (SAMPLE_RATE).
BUDGET_ENV = "GUIDE_GTTS_BUDGET"

# Same pattern gtts uses to find the audio in a batchexecute answer.
_AUDIO_RE = re.compile(r'jQ1olc","\[\\"(.*)\\"]')


class GttsEngine(EngineBase):
    """Google Translate's voices (online): many languages and accents; needs internet."""

    name = "gtts"
    capabilities = Capabilities(
        offline=False,
        shown="gTTS",
        service="Google",
        settings=frozenset({"tld", "slow"}),
        # Google's free endpoint limits requests, and gTTS says which it sends: guide check counts them.
        plans_requests=True,
    )

    def __init__(
        self,
        timeout: tuple[float, float] = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        budget: float = BUDGET,
    ) -> None:
        self.sender = Sender(self.name, timeout, retries, backoff, budget)
        """Sends the requests (timeouts, retries, the failure budget)."""

    def list_voices(self) -> list[VoiceInfo]:
        from gtts.lang import tts_langs  # noqa: PLC0415 - ~90 ms, on first use: health() says when gTTS is missing

        return [VoiceInfo(self.name, code, (code,), f"{name} (online)") for code, name in sorted(tts_langs().items())]

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        from gtts.lang import tts_langs  # noqa: PLC0415 - ~90 ms, on first use: health() says when gTTS is missing

        code = settings.lang or settings.voice or lang
        langs = tts_langs()
        if code not in langs:
            near = [c for c in langs if c.split("-")[0] == code.split("-")[0]]
            raise VoiceNotFound(
                f"gtts has no language '{code}'"
                + (f" (did you mean {', '.join(near)}?)" if near else " (run 'guide voices')")
            )
        identity = f"gtts=={package_version('gtts')}"
        return VoiceRef(
            self.name, lang, code, speed=settings.speed, tld=settings.tld, slow=settings.slow, identity=identity
        )

    def health(self) -> Health:
        """Whether the gTTS package is installed (its endpoint is checked apart: it needs the network)."""
        version = package_version("gtts")
        if version == "unknown":
            return Health("fail", "gTTS is not installed", "reinstall: pip install -e .", name="gtts")
        return Health("ok", f"gTTS {version} installed", name="gtts")

    def plan_requests(self, text: str, voice: VoiceRef) -> list:
        """The web requests gTTS would send for `text` (requests.PreparedRequest), none sent."""
        from gtts import gTTS  # noqa: PLC0415 - ~90 ms, on first use: health() says when gTTS is missing

        tts = gTTS(text, tld=voice.tld, lang=voice.voice, slow=voice.slow, lang_check=False)
        return tts._prepare_requests()  # gtts's public API only sends; planning is what we need

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        parts = [
            self.sender.send(
                request, voice, lambda r, request=request: _audio_from(r.text, host_of(request.url)), _refused
            )
            for request in self.plan_requests(text, voice)
        ]
        samples = decode_mp3(b"".join(parts), SAMPLE_RATE, tempo=voice.speed, step="while decoding the audio gTTS sent")
        return AudioChunk(text, np.asarray(samples, dtype=np.int16), SAMPLE_RATE)


def _refused(status: int, host: str, text: str) -> NetworkError:
    """gTTS's endpoint takes no key: any 4xx but 429 means the service changed."""
    return NetworkError(f"gtts: {host} refused the request (HTTP {status}); the service may have changed")


def budget_from_env(environ: Mapping[str, str]) -> float:
    """The failure budget in seconds: ``GUIDE_GTTS_BUDGET`` if set, else BUDGET."""
    raw = environ.get(BUDGET_ENV)
    if raw is None:
        return BUDGET
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise InputError(f"{BUDGET_ENV}={raw!r}: give a number of seconds between 0 and 86400")
    return value


def _audio_from(body: str, host: str) -> bytes:
    """The MP3 bytes inside a batchexecute answer."""
    for line in body.splitlines():
        match = _AUDIO_RE.search(line)
        if match:
            try:
                return base64.b64decode(match.group(1).encode("ascii"), validate=True)
            except ValueError:
                break
    raise BadAnswer(f"gtts: {host} answered without audio (the service may have changed; try an offline engine)")


def create(registry) -> GttsEngine:  # registry: an EngineRegistry (entry point ``guide.engines``)
    """The engine, as the registry makes it from the ``guide.engines`` entry point."""
    return GttsEngine(budget=budget_from_env(os.environ))
