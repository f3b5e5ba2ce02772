"""Google Cloud Text-to-Speech voices (``engine: google-cloud``), over its REST API v1.

One POST per take to ``https://texttospeech.googleapis.com/v1/text:synthesize`` with a JSON
body: the input (SSML for Standard and WaveNet voices, plain text for Chirp 3: HD voices, which
take no SSML), the voice, and ``LINEAR16`` at 24 kHz asked for, so the answer's base64
``audioContent`` is a 16-bit mono WAV file: no lossy step before guide's own processing. Speed
and pitch travel in ``audioConfig`` (``speakingRate``, ``pitch`` in semitones), not as SSML.

Credentials, from the environment only:

- ``GOOGLE_CLOUD_API_KEY``: an API key, sent in the ``X-Goog-Api-Key`` header; else
- Application Default Credentials through google-auth (``pip install -e '.[google-cloud]'``): the
  JSON file named by ``GOOGLE_APPLICATION_CREDENTIALS``, else the one ``gcloud auth
  application-default login`` writes. Its token goes in ``Authorization: Bearer``, with
  ``x-goog-user-project`` when the credentials name a quota project.

guide reads those two files only, with google-auth's own loader, and never goes on to what
``google.auth.default()`` tries next (the App Engine and GCE metadata servers, seconds of waiting
where there are none, and a ``gcloud`` subprocess for the project): ``guide check`` answers at once
and offline. A build on Google Cloud itself names a key or a credentials file like anywhere else.

``GUIDE_GOOGLE_CLOUD_URL`` replaces the base address (a regional endpoint such as
``https://eu-texttospeech.googleapis.com``, a proxy, a test).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import threading
import warnings
from pathlib import Path
from typing import Any

import requests

from ..errors import CredentialsError, NetworkError
from ..script.model import VoiceSettings
from . import ssml
from .base import AudioChunk, Capabilities, Price, VoiceInfo, VoiceNotFound, VoiceRef
from .cloud import USER_AGENT, CatalogueVoice, CloudEngine, check_language, endpoint, first_env, wav_chunk
from .http import BadAnswer

KEY_ENV = "GOOGLE_CLOUD_API_KEY"
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
QUOTA_PROJECT_ENV = "GOOGLE_CLOUD_QUOTA_PROJECT"
"""google-auth's own variable for the project billed for ADC requests (overrides the file's)."""
CLOUDSDK_CONFIG_ENV = "CLOUDSDK_CONFIG"
"""gcloud's configuration folder, where ``application_default_credentials.json`` is (default ~/.config/gcloud)."""

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
BASE_URL = "https://texttospeech.googleapis.com"
API_VERSION = "v1"
ENCODING = "LINEAR16"
SAMPLE_RATE = 24000  # Standard, WaveNet and Chirp 3: HD voices all speak at 24 kHz: nothing is resampled
INSTALL_HINT = "pip install -e '.[google-cloud]'"

_READ = "read 2026-12-03"
PRICES: dict[str, Price | None] = {
    "Standard": Price(
        4.0,
        "Standard",
        f"https://bicov.pro/blog/new-gcp-text-to-speech-pricing (Standard voices, ~$4 per 1M characters), {_READ}",
    ),
    # The only WaveNet figure in the pages read ($16 per 1M, "as of June 2024", third-party) is contradicted by a
    # later summary giving WaveNet the Standard voices' 4M free characters; Google's own pricing page could not be
    # read. An unknown price is better than a wrong one (4x apart): None, until someone reads the page.
    "Wavenet": None,
    "Chirp3-HD": Price(
        30.0,
        "Chirp 3: HD",
        "https://opentranscription.io/blog/google-cloud-chirp-3-capabilities-architecture-costs-and-com-profile.html "
        f"(Chirp 3 HD $30 per 1M characters), {_READ}",
    ),
}
"""What each voice family costs per million characters, where a published price was found (None: unknown)."""

PHONEME_LANGUAGES = frozenset({"en"})
"""Languages whose SSML voices are sent lexicon ``<phoneme alphabet="ipa">`` elements: English, for which Google
documents IPA phonemes. Not ar-XA: guide found no Google statement that its Arabic voices honour them, and a
phoneme a voice ignores is paid for (markup is billed) and not heard."""

_VOICE_RE = re.compile(r"^([a-z]{2,3}-[A-Z]{2})-([A-Z][A-Za-z0-9]*(?:-HD)?)-([A-Z][A-Za-z0-9]*)$")
"""``<locale>-<family>-<variant>``: ar-XA-Wavenet-A, en-US-Neural2-C, ar-XA-Chirp3-HD-Kore."""

_FAMILY = {"Standard": "Standard", "Wavenet": "WaveNet", "Chirp3-HD": "Chirp 3: HD"}
"""Google's voice families as Google writes them in words (the voice names say ``Wavenet``)."""

_ARABIC = "Modern Standard Arabic (ar-XA)"
_CHIRP3_STARS = [  # Google's Chirp 3: HD voices, every one in every Chirp 3: HD locale, with the gender Google gives
    ("Achernar", "female"),
    ("Achird", "male"),
    ("Algenib", "male"),
    ("Algieba", "male"),
    ("Alnilam", "male"),
    ("Aoede", "female"),
    ("Autonoe", "female"),
    ("Callirrhoe", "female"),
    ("Charon", "male"),
    ("Despina", "female"),
    ("Enceladus", "male"),
    ("Erinome", "female"),
    ("Fenrir", "male"),
    ("Gacrux", "female"),
    ("Iapetus", "male"),
    ("Kore", "female"),
    ("Laomedeia", "female"),
    ("Leda", "female"),
    ("Orus", "male"),
    ("Puck", "male"),
    ("Pulcherrima", "female"),
    ("Rasalgethi", "male"),
    ("Sadachbia", "male"),
    ("Sadaltager", "male"),
    ("Schedar", "male"),
    ("Sulafat", "female"),
    ("Umbriel", "male"),
    ("Vindemiatrix", "female"),
    ("Zephyr", "female"),
    ("Zubenelgenubi", "male"),
]
_LETTERS = [("A", "female"), ("B", "male"), ("C", "male"), ("D", "female")]  # ar-XA's Standard and WaveNet voices

CATALOGUE = (
    # First, so the default: WaveNet takes everything guide can ask of google-cloud (SSML, pitch) at a fraction of
    # Chirp 3: HD's price, and reads exactly the text given; Chirp 3: HD is one line away for a more natural voice.
    *(CatalogueVoice(f"ar-XA-Wavenet-{letter}", "ar-XA", _ARABIC, gender) for letter, gender in _LETTERS),
    *(CatalogueVoice(f"ar-XA-Standard-{letter}", "ar-XA", _ARABIC, gender) for letter, gender in _LETTERS),
    *(CatalogueVoice(f"ar-XA-Chirp3-HD-{star}", "ar-XA", _ARABIC, gender) for star, gender in _CHIRP3_STARS),
    CatalogueVoice("en-US-Wavenet-F", "en-US", "English (United States)", "female"),
    CatalogueVoice("en-US-Wavenet-D", "en-US", "English (United States)", "male"),
    CatalogueVoice("en-US-Standard-C", "en-US", "English (United States)", "female"),
    CatalogueVoice("en-US-Chirp3-HD-Kore", "en-US", "English (United States)", "female"),
    CatalogueVoice("en-US-Chirp3-HD-Charon", "en-US", "English (United States)", "male"),
    CatalogueVoice("en-GB-Wavenet-A", "en-GB", "English (United Kingdom)", "female"),
    CatalogueVoice("en-GB-Wavenet-B", "en-GB", "English (United Kingdom)", "male"),
    CatalogueVoice("en-GB-Chirp3-HD-Aoede", "en-GB", "English (United Kingdom)", "female"),
)
"""Google's Arabic voices (ar-XA: 4 Standard, 4 WaveNet, 30 Chirp 3: HD) and a few English ones."""


def family(voice: str) -> str:
    """A voice name's family (``Wavenet``, ``Standard``, ``Chirp3-HD``...), or '' when the name is not Google's form."""
    match = _VOICE_RE.match(voice)
    return match.group(2) if match else ""


def takes_ssml(voice: str) -> bool:
    """Whether the voice takes SSML and a pitch: every family but Chirp's (Chirp 3: HD takes plain text only)."""
    return not family(voice).startswith("Chirp")


def locale(voice: str) -> str:
    """A voice name's locale (``ar-XA`` for ar-XA-Wavenet-A), '' when the name is not Google's form."""
    match = _VOICE_RE.match(voice)
    return match.group(1) if match else ""


def _google_error(text: str) -> dict[str, Any]:
    """The ``error`` object of Google's JSON error answer (``{"error": {"code", "message", "status", "details"}}``),
    or {}."""
    try:
        error = json.loads(text).get("error")
    except (ValueError, AttributeError):  # not JSON, or JSON but not an object
        return {}
    return error if isinstance(error, dict) else {}


def _error_said(text: str, limit: int = 200) -> str:
    """An error answer as ``: STATUS: message`` (Google's JSON), else the answer's start; '' when empty."""
    error = _google_error(text)
    if error:
        text = ": ".join(str(part) for part in (error.get("status"), error.get("message")) if part)
    text = " ".join((text or "").split())
    return f": {text[:limit]}{'…' if len(text) > limit else ''}" if text else ""


def _bad_key(text: str) -> bool:
    """Whether an error answer says the API key is wrong: Google answers a key it does not know with HTTP 400
    INVALID_ARGUMENT (reason ``API_KEY_INVALID``), not 401."""
    error = _google_error(text)
    details = error.get("details") if isinstance(error.get("details"), list) else []
    reasons = [str(d.get("reason", "")) for d in details if isinstance(d, dict)]
    return any(r.startswith("API_KEY_") for r in reasons) or str(error.get("message", "")).startswith(
        "API key not valid"
    )


def _read(text: str, data: bytes) -> AudioChunk:
    """The answer to one take: JSON whose ``audioContent`` is a base64 WAV file; BadAnswer for anything else."""
    try:
        answer = json.loads(data)
        content = answer["audioContent"]
        audio = base64.b64decode(content, validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error):  # not JSON, no audioContent, not base64
        raise BadAnswer("google-cloud: the service answered without usable audio (no base64 audioContent)") from None
    return wav_chunk(text, audio, "google-cloud")


class GoogleCloudEngine(CloudEngine):
    """Google's Text-to-Speech voices (online, paid): ar-XA (Modern Standard Arabic) Standard, WaveNet and
    Chirp 3: HD."""

    name = "google-cloud"
    capabilities = Capabilities(offline=False, paid=True, settings=frozenset({"pitch"}), ssml=True, phonemes=True)
    """Pitch and SSML phonemes for every family but Chirp 3: HD (:func:`takes_ssml`)."""
    catalogue = CATALOGUE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()  # one token refresh at a time, however many takes record in parallel
        self._adc: tuple[Path, Any] | None = None
        """The ADC file and its google-auth credentials, once loaded (they hold the token and refresh it)."""
        self._adc_refused: str | None = None
        """Why the token endpoint refused the credentials: the next takes fail at once, as a refused key does."""

    def _key(self) -> str | None:
        return first_env(self.environ, (KEY_ENV,))

    def adc_file(self) -> Path | None:
        """The Application Default Credentials file guide would use: GOOGLE_APPLICATION_CREDENTIALS, else gcloud's
        well-known file when it exists, else None. Never the metadata server (see the module's docstring)."""
        named = first_env(self.environ, (CREDENTIALS_ENV,))
        if named:
            return Path(named).expanduser()
        config = first_env(self.environ, (CLOUDSDK_CONFIG_ENV,))
        if config:
            folder = Path(config).expanduser()
        elif os.name == "nt" and first_env(self.environ, ("APPDATA",)):
            folder = Path(str(first_env(self.environ, ("APPDATA",)))) / "gcloud"
        else:
            folder = Path(first_env(self.environ, ("HOME",)) or Path.home()) / ".config" / "gcloud"
        found = folder / "application_default_credentials.json"
        return found if found.is_file() else None

    def base_url(self) -> str:
        """``GUIDE_GOOGLE_CLOUD_URL``, else Google's global endpoint."""
        return endpoint(self.name, BASE_URL, self.environ)

    def missing_credentials(self) -> str | None:
        if self._key():
            return None
        where = (
            f"set {KEY_ENV} (an API key) or {CREDENTIALS_ENV} (a credentials JSON file) in the environment, never "
            "in a script"
        )
        try:
            import google.auth  # noqa: F401, PLC0415 - the optional google-cloud extra: only whether it is installed
        except ImportError:
            return (
                f"google-cloud needs credentials: set {KEY_ENV} (an API key), or {INSTALL_HINT} to use "
                f"{CREDENTIALS_ENV}"
            )
        path = self.adc_file()
        if path is None:
            return f"google-cloud needs credentials: {where}"
        try:
            self._credentials()
        except _bad_file_errors() as exc:
            return (
                f"google-cloud cannot use the credentials file {path} ({CREDENTIALS_ENV}): {_reason(exc)}; or set "
                f"{KEY_ENV}"
            )
        return None

    def list_voices(self) -> list[VoiceInfo]:
        return [
            v.info(
                self.name,
                f"{_FAMILY.get(family(v.name), family(v.name))}, online, paid; set {KEY_ENV} or {CREDENTIALS_ENV}",
            )
            for v in self.catalogue
        ]

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        name = settings.voice or self.default_voice(lang)
        match = _VOICE_RE.match(name)
        if not match:
            raise VoiceNotFound(
                f"google-cloud voice '{name}' is not a voice name like ar-XA-Wavenet-A (run 'guide voices --engine "
                "google-cloud')"
            )
        self.reject(settings, lang)
        if settings.pitch is not None and not takes_ssml(name):
            raise VoiceNotFound(
                f"google-cloud voice '{name}' is a {_FAMILY.get(match.group(2), match.group(2))} voice, which "
                "cannot change "
                f"pitch: remove 'pitch' from voices.{lang}, or choose a Standard or WaveNet voice"
            )
        check_language(self.name, name, match.group(1), lang)
        return VoiceRef(
            self.name,
            lang,
            name,
            speed=settings.speed,
            pitch=settings.pitch,
            identity=f"google-cloud:{API_VERSION}:{ENCODING}-{SAMPLE_RATE}",
        )

    def phonemes(self, voice: VoiceRef) -> bool:
        return takes_ssml(voice.voice) and voice.voice.split("-")[0] in PHONEME_LANGUAGES

    def price(self, voice: VoiceRef) -> Price | None:
        return PRICES.get(family(voice.voice))

    def input(self, text: str, voice: VoiceRef) -> dict[str, str]:
        """The request's ``input``: SSML (the text escaped, lexicon phonemes) or, for Chirp 3: HD, the plain text."""
        if not takes_ssml(voice.voice):
            return {"text": text}
        return {"ssml": f"<speak>{ssml.with_phonemes(text, voice.phonemes)}</speak>"}

    def body(self, text: str, voice: VoiceRef) -> dict[str, Any]:
        """The JSON sent for one take."""
        config: dict[str, Any] = {
            "audioEncoding": ENCODING,
            "sampleRateHertz": SAMPLE_RATE,
            "speakingRate": round(voice.speed, 3),
        }
        semitones = ssml.pitch_semitones(voice.pitch)
        if semitones is not None:
            config["pitch"] = semitones
        return {
            "input": self.input(text, voice),
            "voice": {"languageCode": locale(voice.voice), "name": voice.voice},
            "audioConfig": config,
        }

    def billed_characters(self, text: str, voice: VoiceRef) -> int:
        # Google bills every character of the input, SSML markup included: what is sent, not the sentence.
        return len(next(iter(self.input(text, voice).values())))

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        request = requests.Request(
            "POST",
            f"{self.base_url()}/{API_VERSION}/text:synthesize",
            data=json.dumps(self.body(text, voice), ensure_ascii=False).encode("utf-8"),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                **self._auth_headers(),
            },
        ).prepare()
        return self.sender.send(
            request,
            voice,
            lambda r: _read(text, r.content),
            lambda status, host, answer: self._refused(status, host, answer, voice),
        )

    def _auth_headers(self) -> dict[str, str]:
        """The API key, else a fresh ADC token (and the quota project), as headers."""
        key = self._key()
        if key:
            return {"X-Goog-Api-Key": key}
        credentials = self._fresh_credentials()
        headers = {"Authorization": f"Bearer {credentials.token}"}
        quota = getattr(credentials, "quota_project_id", None)
        if quota:
            headers["x-goog-user-project"] = quota
        return headers

    def _credentials(self) -> Any:
        """The ADC file's credentials, loaded once (no network); raises what google-auth raises for a bad file."""
        path = self.adc_file()
        if path is None:
            raise CredentialsError(f"google-cloud needs credentials: set {KEY_ENV} or {CREDENTIALS_ENV}")
        with self._lock:
            if self._adc is None or self._adc[0] != path:  # another file named since (a long-lived studio)
                from google.auth import load_credentials_from_file  # noqa: PLC0415 - the optional google-cloud extra

                # The optional google-cloud extra.
                from google.auth.credentials import with_scopes_if_required  # noqa: PLC0415

                # What google.auth.default() does with the same two files, minus its last resorts (App Engine, the
                # GCE metadata server, a `gcloud` subprocess for the project): the same loader, its warning about
                # files from untrusted sources silenced as default() silences it (this one is the user's own).
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    quota = first_env(self.environ, (QUOTA_PROJECT_ENV,))
                    credentials, _ = load_credentials_from_file(str(path), quota_project_id=quota)
                # Scoped only where the type needs scopes (service accounts), as default() does: a user's refresh token
                # keeps the scopes it was granted.
                self._adc, self._adc_refused = (path, with_scopes_if_required(credentials, list(SCOPES))), None
            return self._adc[1]

    def _fresh_credentials(self) -> Any:
        """The credentials with a valid token, refreshed at the token endpoint when needed (bounded by the sender's
        timeout); a refusal is CredentialsError, an unreachable endpoint NetworkError."""
        try:
            credentials = self._credentials()
        except _bad_file_errors() as exc:
            raise CredentialsError(
                f"google-cloud cannot use the credentials file {self.adc_file()} ({CREDENTIALS_ENV}): {_reason(exc)}"
            ) from None
        import google.auth.exceptions  # noqa: PLC0415 - the optional google-cloud extra
        from google.auth.transport.requests import Request  # noqa: PLC0415 - the optional google-cloud extra

        with self._lock:
            if self._adc_refused:
                raise CredentialsError(self._adc_refused)
            if credentials.valid:
                return credentials
            transport = Request()
            timeout = self.sender.timeout

            def bounded(*args: Any, **kwargs: Any) -> Any:  # google-auth would wait 120 s for the token endpoint
                kwargs.setdefault("timeout", timeout)
                return transport(*args, **kwargs)

            try:
                credentials.refresh(bounded)
            except google.auth.exceptions.RefreshError as exc:
                if getattr(exc, "retryable", False):
                    raise NetworkError(
                        f"google-cloud: the token endpoint issued no token ({_reason(exc)}); try again later"
                    ) from None
                self._adc_refused = (
                    f"google-cloud: the token endpoint refused the credentials in {self.adc_file()} "
                    f"({CREDENTIALS_ENV}): "
                    f"{_reason(exc)}. Renew them (gcloud auth application-default login) or set {KEY_ENV}"
                )
                raise CredentialsError(self._adc_refused) from None
            except google.auth.exceptions.TransportError as exc:
                raise NetworkError(
                    f"google-cloud: cannot reach the token endpoint ({_reason(exc)}). Check the connection"
                ) from None
            return credentials

    def _refused(self, status: int, host: str, text: str, voice: VoiceRef) -> Exception:
        said = _error_said(text)
        if status in (401, 403) or (status == 400 and _bad_key(text)):
            what = (
                f"the API key in {KEY_ENV}"
                if self._key()
                else f"the credentials in {CREDENTIALS_ENV} ({self.adc_file()})"
            )
            return CredentialsError(
                f"google-cloud: {host} refused {what} (HTTP {status}){said}. Check {KEY_ENV} or {CREDENTIALS_ENV}, "
                "and that the Cloud Text-to-Speech API is enabled for the project"
            )
        if status == 400:
            return NetworkError(
                f"google-cloud: {host} refused the request for voice '{voice.voice}' (HTTP 400){said}. "
                "Check the voice name (run 'guide voices --engine google-cloud') and its settings"
            )
        return self.sender.refused(status, host, text)


def _bad_file_errors() -> tuple[type[Exception], ...]:
    """What google-auth raises for a credentials file it cannot use (missing, unreadable, not JSON, unknown type).
    A function, so google-auth is imported only when a file is being read."""
    try:
        from google.auth.exceptions import DefaultCredentialsError  # noqa: PLC0415 - the optional google-cloud extra
    except ImportError:
        return (OSError, ValueError)
    return (DefaultCredentialsError, OSError, ValueError)


def _reason(exc: BaseException) -> str:
    """An exception's first line, for a one-line message (google-auth's errors carry the words first, then details)."""
    text = (exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)).strip().splitlines()
    return text[0] if text else exc.__class__.__name__


def create(registry) -> GoogleCloudEngine:  # registry: an EngineRegistry (entry point ``guide.engines``)
    """The engine, as the registry makes it from the ``guide.engines`` entry point."""
    return GoogleCloudEngine()
