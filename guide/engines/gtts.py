"""Google's online voices through ``gtts``.

gTTS plans the web requests (its tokenizer cuts text at ~100 characters and
``_prepare_requests`` builds one batchexecute POST per part); we send them
ourselves so every request has a timeout and 429/5xx answers are retried with
bounded exponential backoff. The MP3 parts are decoded to PCM with ffmpeg.
"""

from __future__ import annotations

import base64
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from ..audio.assemble import SAMPLE_RATE
from ..audio.ffmpeg import decode_mp3
from ..errors import NetworkError
from ..script.model import VoiceSettings
from .base import AudioChunk, VoiceInfo, VoiceNotFound, VoiceRef, package_version

# gTTS serves 24 kHz mono MP3; ffmpeg decodes it straight to the pipeline's rate (SAMPLE_RATE).
TIMEOUT = (5.0, 20.0)  # seconds: connect, read
RETRIES = 4  # per request, for 429, 5xx, resets and read timeouts
BACKOFF = 0.5  # seconds; doubles per retry, capped at BACKOFF_MAX
BACKOFF_MAX = 8.0
RETRY_STATUS = (429, 500, 502, 503, 504)

# Same pattern gtts uses to find the audio in a batchexecute answer.
_AUDIO_RE = re.compile(r'jQ1olc","\[\\"(.*)\\"]')


class GttsEngine:
    """Google Translate's voices (online): many languages and accents; needs internet."""

    name = "gtts"
    offline = False

    def __init__(
        self,
        timeout: tuple[float, float] = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
    ) -> None:
        self.timeout = timeout
        """Seconds to wait for (connect, read) on each request."""
        self.retries = retries
        """Retries per request after a 429, a 5xx, a reset or a read timeout."""
        self.backoff = backoff
        """First retry delay in seconds; doubles each retry, capped at BACKOFF_MAX."""
        self._local = threading.local()  # one HTTP session per thread

    def _session(self):  # noqa: ANN202 - requests.Session
        session = getattr(self._local, "session", None)
        if session is None:
            import requests
            from requests.adapters import HTTPAdapter
            from urllib3.util.retry import Retry

            retry = Retry(
                total=self.retries,
                connect=min(2, self.retries),
                read=self.retries,
                status=self.retries,
                backoff_factor=self.backoff,
                backoff_max=BACKOFF_MAX,
                status_forcelist=RETRY_STATUS,
                allowed_methods=None,  # the batchexecute call is a POST; it is safe to repeat
                # A server's Retry-After could ask for minutes; our own bounded backoff decides.
                respect_retry_after_header=False,
                raise_on_status=False,
            )
            session = requests.Session()
            session.mount("https://", HTTPAdapter(max_retries=retry))
            session.mount("http://", HTTPAdapter(max_retries=retry))
            self._local.session = session
        return session

    def list_voices(self) -> list[VoiceInfo]:
        from gtts.lang import tts_langs

        return [VoiceInfo(self.name, code, (code,), f"{name} (online)") for code, name in sorted(tts_langs().items())]

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        from gtts.lang import tts_langs

        code = settings.lang or settings.voice or lang
        langs = tts_langs()
        if code not in langs:
            near = [c for c in langs if c.split("-")[0] == code.split("-")[0]]
            raise VoiceNotFound(
                f"gtts has no language '{code}'" + (f" (did you mean {', '.join(near)}?)" if near else " (run 'guide voices')")
            )
        identity = f"gtts=={package_version('gtts')}"
        return VoiceRef(self.name, lang, code, speed=settings.speed, tld=settings.tld, slow=settings.slow, identity=identity)

    def plan_requests(self, text: str, voice: VoiceRef) -> list:
        """The web requests gTTS would send for `text` (requests.PreparedRequest), none sent."""
        from gtts import gTTS

        tts = gTTS(text, tld=voice.tld, lang=voice.voice, slow=voice.slow, lang_check=False)
        return tts._prepare_requests()  # gtts's public API only sends; planning is what we need

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        import requests

        parts: list[bytes] = []
        for request in self.plan_requests(text, voice):
            host = urlsplit(request.url).netloc
            try:
                response = self._session().send(request, timeout=self.timeout)
            except requests.exceptions.RequestException as exc:
                raise self._network_error(exc, host, voice) from None
            if response.status_code != 200:
                raise NetworkError(
                    f"gtts: {host} answered HTTP {response.status_code} after {self.retries} retries"
                    + (" (rate limited: wait a while, or use an offline engine)" if response.status_code == 429 else "")
                )
            parts.append(_audio_from(response.text, host))
        samples = decode_mp3(b"".join(parts), SAMPLE_RATE, tempo=voice.speed)
        return AudioChunk(text, np.asarray(samples, dtype=np.int16), SAMPLE_RATE)

    def _network_error(self, exc: Exception, host: str, voice: VoiceRef) -> NetworkError:
        """A message for a request that failed for good (after the retries)."""
        import requests
        from urllib3.exceptions import MaxRetryError, NewConnectionError, TimeoutError as Urllib3Timeout

        # Retries exhausted on timeouts surface as ConnectionError(MaxRetryError(reason=timeout));
        # urllib3's NewConnectionError (refused, DNS) subclasses its timeout error, so it is excluded.
        inner = exc.args[0] if exc.args else None
        reason = inner.reason if isinstance(inner, MaxRetryError) else None
        timed_out = isinstance(exc, requests.exceptions.Timeout) or (
            isinstance(reason, Urllib3Timeout) and not isinstance(reason, NewConnectionError)
        )
        if timed_out:
            return NetworkError(
                f"gtts: {host} did not answer within {self.timeout[1]:g} s (after {self.retries} retries). "
                f"Check the connection, or use an offline engine for '{voice.lang}' (piper or espeak)."
            )
        return NetworkError(
            f"gtts: cannot reach {host} ({_reason(exc)}). This machine seems to be offline: "
            f"use an offline engine for '{voice.lang}', e.g. voices: {{{voice.lang}: {{engine: espeak}}}}"
            + (" or piper" if voice.lang.startswith("en") else "")
        )


def _audio_from(body: str, host: str) -> bytes:
    """The MP3 bytes inside a batchexecute answer."""
    for line in body.splitlines():
        match = _AUDIO_RE.search(line)
        if match:
            try:
                return base64.b64decode(match.group(1).encode("ascii"), validate=True)
            except ValueError:
                break
    raise NetworkError(f"gtts: {host} answered without audio (the service may have changed; try an offline engine)")


def _reason(exc: Exception) -> str:
    text = str(exc)
    for hint, words in (
        ("Name or service not known", "name lookup failed"),
        ("Temporary failure in name resolution", "name lookup failed"),
        ("NameResolutionError", "name lookup failed"),
        ("Connection refused", "connection refused"),
        ("Network is unreachable", "network unreachable"),
    ):
        if hint in text:
            return words
    return exc.__class__.__name__
