"""Sending an online engine's requests: timeouts, jittered retries, a failure budget, fail-fast.

Every online engine (gTTS and the cloud voices) sends its requests through one
:class:`Sender`, so they all behave alike when the network does not:

- every request has a timeout;
- 429s, 5xx answers, resets, timeouts and answers without usable audio are
  retried with exponential backoff and full jitter (so parallel takes do not
  retry in step), a bounded number of times;
- one build spends at most ``budget`` seconds on failed requests in all, and
  once the host proved unreachable (refused, no DNS) the next takes fail at
  once, so an offline build or a 429 storm ends in seconds with a clear error;
- a 401 or 403 is never retried: it raises :class:`~guide.errors.CredentialsError`,
  which no fallback voice hides (a wrong key is not a bad network).

What ends in :class:`~guide.errors.NetworkError` is what a fallback voice may
speak instead of (see :func:`guide.renderer.record_one`).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from ..errors import CredentialsError, NetworkError
from .base import VoiceRef

T = TypeVar("T")

TIMEOUT = (5.0, 20.0)  # seconds: connect, read
RETRIES = 4  # per request, for 429, 5xx, resets and read timeouts
BACKOFF = 0.5  # seconds; doubles per retry, capped at BACKOFF_MAX
BACKOFF_MAX = 8.0
RETRY_STATUS = (429, 500, 502, 503, 504)
CONNECT_RETRIES = 2  # a refused connection or failed name lookup rarely heals in seconds
BUDGET = 120.0  # seconds of failed requests (and waits) one engine may spend, across all its takes


class BadAnswer(NetworkError):
    """Raised by an engine's reader when a 200 answer holds no usable audio (retried: often transient)."""


Refusal = Callable[[int, str, str], Exception]
"""Builds the error for an answer no retry will mend: (status, host, the answer's text) -> exception."""


class Sender:
    """Sends one engine's HTTP requests with the policy above; safe to share between threads."""

    def __init__(
        self,
        name: str,
        timeout: tuple[float, float] = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        budget: float = BUDGET,
        offline_hint: Callable[[VoiceRef], str] | None = None,
    ) -> None:
        self.name = name
        """The engine's name, which starts every message."""
        self.timeout = timeout
        """Seconds to wait for (connect, read) on each request."""
        self.retries = retries
        """Retries per request after a 429, a 5xx, a reset, a read timeout or an answer without audio."""
        self.backoff = backoff
        """Retry delays are drawn from [0, backoff x 2^attempt], capped at BACKOFF_MAX (full jitter)."""
        self.budget = budget
        """Seconds of failed requests and retry waits allowed in all; then every take fails at once."""
        self.offline_hint = offline_hint or _offline_hint
        """What to say to do when the host cannot be reached, for a voice."""
        self._local = threading.local()  # one HTTP session per thread
        self._lock = threading.Lock()
        self._spent = 0.0
        self._unreachable: tuple[type[NetworkError] | type[CredentialsError], str] | None = None  # set once the host
        # proved unreachable or refused the key: every later take fails at once with the same error

    def session(self):  # -> requests.Session
        """This thread's HTTP session (connections are kept alive between takes)."""
        session = getattr(self._local, "session", None)
        if session is None:
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
            raise unreachable[0](unreachable[1])
        if left <= 0:
            raise NetworkError(
                f"{self.name}: gave up on {host} after {self.budget:g} s of failed requests in this build "
                "(timeouts, rate limits or server errors). Try again later, or use an offline engine for "
                f"'{voice.lang}', "
                f"or give a fallback voice (voices: {{{voice.lang}: {{engine: {voice.engine}, fallback: {{engine: "
                "espeak}}})"
            )

    def send(
        self,
        request,  # a requests.PreparedRequest
        voice: VoiceRef,
        read: Callable[[object], T],
        refused: Refusal | None = None,
        transient: Callable[[object], bool] | None = None,
    ) -> T:
        """Send a prepared request and return what `read` makes of a 200 answer, retrying what may heal.

        `read` takes the ``requests.Response`` and raises :class:`BadAnswer` for an answer without usable
        audio; `refused` builds the error for any other 4xx (the default names the status); `transient`
        says which other answers are worth asking again (AWS's throttling comes as a 400)."""
        host = urlsplit(request.url).netloc
        failure: Exception | None = None
        for attempt in range(self.retries + 1):
            self._check(host, voice)
            started = time.monotonic()
            try:
                response = self.session().send(request, timeout=self.timeout)
            except requests.exceptions.ConnectionError as exc:
                failure = self._network_error(exc, host, voice)
                if not _is_timeout(exc) and attempt >= min(CONNECT_RETRIES, self.retries):
                    with self._lock:
                        self._unreachable = (NetworkError, failure.message)  # the next takes need not try again
                    raise failure from None
            except requests.exceptions.RequestException as exc:
                failure = self._network_error(exc, host, voice)
            else:
                status = response.status_code
                if status == 200:
                    try:
                        return read(response)
                    except BadAnswer as exc:  # a truncated or garbled answer may be transient
                        failure = exc
                elif status in RETRY_STATUS or (transient is not None and transient(response)):
                    failure = NetworkError(
                        f"{self.name}: {host} answered HTTP {status} after {self.retries} retries"
                        + (" (rate limited: wait a while, or use an offline engine)" if status == 429 else "")
                        + _said(response.text)
                    )
                else:  # another 4xx: asking again will not help
                    error = (refused or self.refused)(status, host, response.text)
                    if isinstance(error, CredentialsError):
                        with self._lock:
                            self._unreachable = (
                                CredentialsError,
                                error.message,
                            )  # a refused key: the next takes are not asked
                    raise error from None
            left = self._charge(time.monotonic() - started)
            if attempt < self.retries and left > 0:
                delay = min(random.uniform(0, min(BACKOFF_MAX, self.backoff * 2**attempt)), left)
                time.sleep(delay)
                self._charge(delay)
        raise failure if failure is not None else NetworkError(f"{self.name}: no answer from {host}")

    def refused(self, status: int, host: str, text: str) -> Exception:
        """The default error for a 4xx answer other than 429."""
        if status in (401, 403):
            return CredentialsError(f"{self.name}: {host} refused the credentials (HTTP {status}){_said(text)}")
        return NetworkError(
            f"{self.name}: {host} refused the request (HTTP {status}); the service may have changed{_said(text)}"
        )

    def _network_error(self, exc: Exception, host: str, voice: VoiceRef) -> NetworkError:
        """A message for a request that failed: a timeout, or a host that cannot be reached."""
        if _is_timeout(exc):
            return NetworkError(
                f"{self.name}: {host} did not answer within {self.timeout[1]:g} s (after {self.retries} retries). "
                f"Check the connection, or use an offline engine for '{voice.lang}' (piper or espeak)."
            )
        return NetworkError(f"{self.name}: cannot reach {host} ({_reason(exc)}). {self.offline_hint(voice)}")


def _offline_hint(voice: VoiceRef) -> str:
    return (
        f"This machine seems to be offline: use an offline engine for '{voice.lang}', e.g. voices: {{{voice.lang}: "
        "{engine: espeak}}" + (" or piper" if voice.lang.startswith("en") else "")
    )


def _said(text: str, limit: int = 200) -> str:
    """The start of an error answer's text, quoted for a message ('' when empty)."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    return f": {text[:limit]}{'…' if len(text) > limit else ''}"


def _is_timeout(exc: Exception) -> bool:
    inner = exc.args[0] if exc.args else None
    reason = inner.reason if isinstance(inner, MaxRetryError) else inner
    return isinstance(exc, requests.exceptions.Timeout) or (
        isinstance(reason, Urllib3Timeout) and not isinstance(reason, NewConnectionError)
    )


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


def host_of(url: str) -> str:
    """The host (and port) of a URL, as messages name it."""
    return urlsplit(url).netloc
