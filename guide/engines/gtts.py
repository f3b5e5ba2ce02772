"""Google's online voices through ``gtts``.

gTTS plans the web requests (its tokenizer cuts text at ~100 characters and
``_prepare_requests`` builds one batchexecute POST per part); we send them
ourselves so that:

- every request has a timeout;
- 429s, 5xx answers, resets, timeouts and answers without audio are retried
  with exponential backoff and full jitter (so parallel takes do not retry in
  step), a bounded number of times;
- one build spends at most ``budget`` seconds on failed requests in all, and
  once the host proved unreachable (refused, no DNS) the next takes fail at once,
  so an offline build or a 429 storm ends in seconds with a clear error, not hours.

The MP3 parts are decoded to PCM with ffmpeg.
"""

from __future__ import annotations

import base64
import random
import re
import threading
import time
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

import numpy as np

from ..audio.assemble import SAMPLE_RATE
from ..audio.ffmpeg import decode_mp3
from ..errors import InputError, NetworkError
from ..script.model import VoiceSettings
from .base import OFFLINE_ENV, AudioChunk, VoiceInfo, VoiceNotFound, VoiceRef, offline_from_env, package_version

# gTTS serves 24 kHz mono MP3; ffmpeg decodes it straight to the pipeline's rate (SAMPLE_RATE).
TIMEOUT = (5.0, 20.0)  # seconds: connect, read
RETRIES = 4  # per request, for 429, 5xx, resets and read timeouts
BACKOFF = 0.5  # seconds; doubles per retry, capped at BACKOFF_MAX
BACKOFF_MAX = 8.0
RETRY_STATUS = (429, 500, 502, 503, 504)
CONNECT_RETRIES = 2  # a refused connection or failed name lookup rarely heals in seconds
BUDGET = 120.0  # seconds of failed requests (and waits) one engine may spend, across all its takes
BUDGET_ENV = "GUIDE_GTTS_BUDGET"

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
        budget: float = BUDGET,
    ) -> None:
        self.timeout = timeout
        """Seconds to wait for (connect, read) on each request."""
        self.retries = retries
        """Retries per request after a 429, a 5xx, a reset, a read timeout or an answer without audio."""
        self.backoff = backoff
        """Retry delays are drawn from [0, backoff x 2^attempt], capped at BACKOFF_MAX (full jitter)."""
        self.budget = budget
        """Seconds of failed requests and retry waits allowed in all; then every take fails at once."""
        self._local = threading.local()  # one HTTP session per thread
        self._lock = threading.Lock()
        self._spent = 0.0
        self._unreachable: str | None = None  # set once the host proved unreachable: fail fast after

    def _session(self):  # noqa: ANN202 - requests.Session
        session = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = requests.Session()
            self._local.session = session
        return session

    def _charge(self, seconds: float) -> float:
        """Count `seconds` against the budget; returns what is left."""
        with self._lock:
            self._spent += seconds
            return self.budget - self._spent

    def _check(self, host: str, voice: VoiceRef) -> None:
        """Fail at once when the host is known unreachable or the failure budget is spent."""
        with self._lock:
            unreachable, left = self._unreachable, self.budget - self._spent
        if unreachable:
            raise NetworkError(unreachable)
        if left <= 0:
            raise NetworkError(
                f"gtts: gave up on {host} after {self.budget:g} s of failed requests in this build "
                f"(timeouts, rate limits or server errors). Try again later, or use an offline engine for '{voice.lang}', "
                f"or give a fallback voice (voices: {{{voice.lang}: {{engine: gtts, fallback: {{engine: espeak}}}}}})"
            )

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
        if offline_from_env():  # a safety net: offline builds resolve gTTS voices to their fallback
            raise NetworkError(f"gtts: not asked, this build is offline ({OFFLINE_ENV}=1 or --offline)")
        parts = [self._send(request, voice) for request in self.plan_requests(text, voice)]
        samples = decode_mp3(b"".join(parts), SAMPLE_RATE, tempo=voice.speed, step="while decoding the audio gTTS sent")
        return AudioChunk(text, np.asarray(samples, dtype=np.int16), SAMPLE_RATE)

    def _send(self, request, voice: VoiceRef) -> bytes:  # noqa: ANN001 - requests.PreparedRequest
        """One request's MP3 bytes, retried with jittered backoff within the budget."""
        import requests

        host = urlsplit(request.url).netloc
        failure: NetworkError | None = None
        for attempt in range(self.retries + 1):
            self._check(host, voice)
            started = time.monotonic()
            try:
                response = self._session().send(request, timeout=self.timeout)
            except requests.exceptions.ConnectionError as exc:
                failure = self._network_error(exc, host, voice)
                if not self._is_timeout(exc) and attempt >= min(CONNECT_RETRIES, self.retries):
                    with self._lock:
                        self._unreachable = failure.message  # the next takes need not try again
                    raise failure from None
            except requests.exceptions.RequestException as exc:
                failure = self._network_error(exc, host, voice)
            else:
                if response.status_code == 200:
                    try:
                        return _audio_from(response.text, host)
                    except NetworkError as exc:  # a truncated or garbled answer may be transient
                        failure = exc
                elif response.status_code in RETRY_STATUS:
                    failure = NetworkError(
                        f"gtts: {host} answered HTTP {response.status_code} after {self.retries} retries"
                        + (" (rate limited: wait a while, or use an offline engine)" if response.status_code == 429 else "")
                    )
                else:  # 4xx other than 429: asking again will not help
                    raise NetworkError(f"gtts: {host} refused the request (HTTP {response.status_code}); the service may have changed")
            left = self._charge(time.monotonic() - started)
            if attempt < self.retries and left > 0:
                delay = min(random.uniform(0, min(BACKOFF_MAX, self.backoff * 2**attempt)), left)
                time.sleep(delay)
                self._charge(delay)
        raise failure if failure is not None else NetworkError(f"gtts: no answer from {host}")

    @staticmethod
    def _is_timeout(exc: Exception) -> bool:
        import requests
        from urllib3.exceptions import MaxRetryError, NewConnectionError, TimeoutError as Urllib3Timeout

        inner = exc.args[0] if exc.args else None
        reason = inner.reason if isinstance(inner, MaxRetryError) else inner
        return isinstance(exc, requests.exceptions.Timeout) or (
            isinstance(reason, Urllib3Timeout) and not isinstance(reason, NewConnectionError)
        )

    def _network_error(self, exc: Exception, host: str, voice: VoiceRef) -> NetworkError:
        """A message for a request that failed: a timeout, or a host that cannot be reached."""
        if self._is_timeout(exc):
            return NetworkError(
                f"gtts: {host} did not answer within {self.timeout[1]:g} s (after {self.retries} retries). "
                f"Check the connection, or use an offline engine for '{voice.lang}' (piper or espeak)."
            )
        return NetworkError(
            f"gtts: cannot reach {host} ({_reason(exc)}). This machine seems to be offline: "
            f"use an offline engine for '{voice.lang}', e.g. voices: {{{voice.lang}: {{engine: espeak}}}}"
            + (" or piper" if voice.lang.startswith("en") else "")
        )


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
