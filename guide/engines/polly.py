"""Amazon Polly's voices (``engine: polly``), over its REST API, signed with botocore.

One ``POST {endpoint}/v1/speech`` (SynthesizeSpeech) per take, with a JSON body naming the
voice, Polly's engine (``model:`` in a script: ``standard``, ``neural``, ``generative``,
``long-form``) and SSML text, asking for 16 kHz 16-bit mono PCM (``OutputFormat: pcm``):
no lossy step before guide's own processing. The request is signed with AWS Signature
Version 4 by botocore and sent through guide's :class:`~guide.engines.http.Sender`, so
retries, the failure budget and fallback voices are the same as every cloud engine's.

Credentials, region and endpoint come from AWS's standard configuration, read by botocore,
never from a script: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` (and ``AWS_SESSION_TOKEN``),
or ``AWS_PROFILE`` naming a profile in ``~/.aws/credentials`` or ``~/.aws/config`` (static
keys, SSO, assume-role, credential_process), or an EC2/ECS instance role. The region is
``AWS_REGION``, else ``AWS_DEFAULT_REGION`` or the profile's, else us-east-1. The endpoint is
``AWS_ENDPOINT_URL_POLLY``, else ``AWS_ENDPOINT_URL``, else the profile's ``endpoint_url``
(botocore's order), else ``https://polly.<region>.amazonaws.com``.

The credential chain's last step asks the EC2 instance metadata service, which on a machine
outside AWS costs at most botocore's metadata timeout (1 s, one attempt, unless
``AWS_METADATA_SERVICE_TIMEOUT``/``AWS_METADATA_SERVICE_NUM_ATTEMPTS`` say otherwise), once per
build, and only when no other source has credentials. It is kept, so an instance role works;
``AWS_EC2_METADATA_DISABLED=true`` skips it.
"""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from ..errors import CredentialsError, EngineError, NetworkError
from ..script.model import VoiceSettings
from . import ssml
from .base import AudioChunk, Capabilities, Price, VoiceInfo, VoiceNotFound, VoiceRef
from .cloud import USER_AGENT, CatalogueVoice, CloudEngine, check_language, first_env, pcm_chunk
from .http import BadAnswer, Sender

SAMPLE_RATE = 16000
"""What Polly's PCM output offers at most (8000 or 16000 Hz)."""

OUTPUT = f"pcm-{SAMPLE_RATE}"

DEFAULT_REGION = "us-east-1"
"""AWS's own default when no region is configured (and the region with every Polly engine)."""

KEY_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
PROFILE_ENV = "AWS_PROFILE"
REGION_ENV = ("AWS_REGION", "AWS_DEFAULT_REGION")
ENDPOINT_ENV = ("AWS_ENDPOINT_URL_POLLY", "AWS_ENDPOINT_URL")
INSTALL_HINT = "pip install -e '.[polly]'"

ENGINES = ("standard", "neural", "generative", "long-form")
"""Polly's engines, which a script names as ``model``."""

_PRICE_SOURCE = (
    "https://aws.amazon.com/polly/pricing/ (as quoted by https://www.acecloudinterviews.com/tutorials/aws/polly/), "
    "read 2026-12-03"
)
PRICES = {
    "standard": Price(4.0, "Standard voices", _PRICE_SOURCE),
    "neural": Price(16.0, "Neural voices", _PRICE_SOURCE),
    "generative": Price(30.0, "Generative voices", _PRICE_SOURCE),
    "long-form": Price(100.0, "Long-Form voices", _PRICE_SOURCE),
}
"""Pay-as-you-go US dollars per million characters, per Polly engine."""

CREDENTIAL_ERRORS = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "AccessDeniedException",
        "ExpiredTokenException",
        "ExpiredToken",
        "IncompleteSignatureException",
        "MissingAuthenticationTokenException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnauthorizedException",
    }
)
"""AWS error types that mean the credentials (not the request) are wrong: some come as HTTP 400, not 403."""

THROTTLING_ERRORS = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"})
"""AWS error types that mean "too many requests": AWS throttles with HTTP 400, which the Sender would not retry by
itself."""

TRANSIENT_ERRORS = THROTTLING_ERRORS | {"ServiceFailureException", "ServiceUnavailableException", "RequestTimeout"}
"""AWS error types worth asking again, whatever their HTTP status."""


@dataclass(frozen=True)
class PollyVoice(CatalogueVoice):
    """A Polly voice: the catalogue entry, with what a request needs and the engines it has."""

    language_code: str = ""
    """Polly's ``LanguageCode`` for it (``arb`` for Modern Standard Arabic, ``ar-AE``); ``locale`` is the BCP 47
    tag a script's language is matched against (``ar``, ``ar-AE``)."""

    engines: tuple[str, ...] = ()
    """The Polly engines it speaks with, the default first (neural where it has it)."""


CATALOGUE: tuple[PollyVoice, ...] = (
    PollyVoice("Hala", "ar-AE", "Arabic (Gulf)", "female", "ar-AE", ("neural",)),
    PollyVoice("Zayd", "ar-AE", "Arabic (Gulf)", "male", "ar-AE", ("neural",)),
    PollyVoice("Zeina", "ar", "Arabic (Modern Standard)", "female", "arb", ("standard",)),
    PollyVoice("Joanna", "en-US", "English (United States)", "female", "en-US", ("neural", "standard", "generative")),
    PollyVoice("Matthew", "en-US", "English (United States)", "male", "en-US", ("neural", "standard", "generative")),
    PollyVoice(
        "Danielle", "en-US", "English (United States)", "female", "en-US", ("neural", "long-form", "generative")
    ),
    PollyVoice("Gregory", "en-US", "English (United States)", "male", "en-US", ("neural", "long-form")),
    PollyVoice("Amy", "en-GB", "English (United Kingdom)", "female", "en-GB", ("neural", "standard", "generative")),
    PollyVoice("Brian", "en-GB", "English (United Kingdom)", "male", "en-GB", ("neural", "standard", "generative")),
)
"""Polly's Arabic voices (Gulf Arabic Hala and Zayd, neural; Modern Standard Arabic Zeina, standard) and a few
English ones, with their engines as Polly's voice table gives them. Hala first: the default Arabic voice."""


class PollyEngine(CloudEngine):
    """Amazon Polly (online, paid): Gulf Arabic neural voices, Modern Standard Arabic, English; AWS credentials."""

    name = "polly"
    # Neural, generative and long-form voices take no prosody pitch; one rule for all voices is simpler to follow.
    capabilities = Capabilities(offline=False, paid=True, settings=frozenset({"model"}), ssml=True, phonemes=True)
    """``model`` is Polly's engine (standard, neural, generative, long-form); phonemes on all but generative."""
    catalogue = CATALOGUE

    def __init__(self, sender: Sender | None = None, environ: Mapping[str, str] | None = None) -> None:
        # `environ` gives AWS_REGION and the endpoint variables; the credentials, the profile and what the
        # profile says are botocore's to read, from the process environment and AWS's files.
        super().__init__(sender, environ)
        self._lock = threading.Lock()
        self._session: Any = None  # botocore.session.Session, made once: reading AWS's files takes time
        self._credentials: Any = None  # botocore Credentials, kept once found (they refresh themselves)

    # -- AWS configuration -------------------------------------------------------------------------------------

    def _botocore_session(self):  # -> botocore.session.Session
        """botocore's session (AWS's environment variables and files); raises ImportError without botocore."""
        # The optional polly extra (missing_credentials() says when it is missing).
        import botocore.session  # noqa: PLC0415

        with self._lock:
            if self._session is None:
                self._session = botocore.session.Session()
            return self._session

    def _aws_credentials(self):  # -> botocore.credentials.Credentials | None
        """The credentials AWS's standard chain finds, or None; kept once found, looked for again while missing."""
        with self._lock:
            if self._credentials is not None:
                return self._credentials
        credentials = self._botocore_session().get_credentials()
        with self._lock:
            self._credentials = credentials
        return credentials

    def _config(self, name: str) -> Any:
        """botocore's value of a configuration variable (environment, then profile), None when it cannot be read."""
        try:
            # The optional polly extra (missing_credentials() says when it is missing).
            from botocore.exceptions import BotoCoreError  # noqa: PLC0415

            return self._botocore_session().get_config_variable(name)
        except ImportError:
            return None
        except BotoCoreError:
            return None  # a profile that does not exist: missing_credentials names it

    def region(self) -> str:
        """``AWS_REGION``, else botocore's (``AWS_DEFAULT_REGION`` or the profile's), else us-east-1."""
        # botocore reads only AWS_DEFAULT_REGION; AWS_REGION is what the other AWS SDKs and the CLI read first.
        return (
            first_env(self.environ, REGION_ENV[:1])
            or self._config("region")
            or first_env(self.environ, REGION_ENV[1:])
            or DEFAULT_REGION  # the last but one: without botocore
        )

    def base_url(self) -> str:
        """``AWS_ENDPOINT_URL_POLLY``, else ``AWS_ENDPOINT_URL``, else the profile's, else the region's endpoint."""
        if not self._config("ignore_configured_endpoint_urls"):
            configured = first_env(self.environ, ENDPOINT_ENV) or self._profile_endpoint()
            if configured:
                return configured.rstrip("/")
        region = self.region()
        return f"https://polly.{region}.amazonaws.com{'.cn' if region.startswith('cn-') else ''}"

    def _profile_endpoint(self) -> str | None:
        """The profile's endpoint for polly (its ``services`` section's, else its ``endpoint_url``), as botocore
        reads it."""
        try:
            # The optional polly extra (missing_credentials() says when it is missing).
            from botocore.exceptions import BotoCoreError  # noqa: PLC0415

            session = self._botocore_session()
            scoped = session.get_scoped_config()
            section = session.full_config.get("services", {}).get(scoped.get("services", ""), {})
        except ImportError:
            return None
        except BotoCoreError:
            return None  # a profile that does not exist: missing_credentials names it
        return section.get("polly", {}).get("endpoint_url") or scoped.get("endpoint_url")

    def missing_credentials(self) -> str | None:
        try:
            # The optional polly extra (missing_credentials() says when it is missing).
            from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415
        except ImportError:
            return (
                f"polly signs its requests with botocore, which is not installed: {INSTALL_HINT} (or pip install "
                "botocore)"
            )
        try:
            credentials = self._aws_credentials()
            if credentials is not None:
                credentials.get_frozen_credentials()  # an SSO or assume-role profile fetches them now, not mid-build
        except (BotoCoreError, ClientError) as exc:  # ClientError: STS refused an assume-role profile's role
            return (
                f"polly cannot read the AWS credentials: {exc}. Check {PROFILE_ENV} and ~/.aws/config (for SSO: "
                "aws sso login)"
            )
        if credentials is None:
            return (
                f"polly needs AWS credentials: set {KEY_ENV[0]} and {KEY_ENV[1]} in the environment (never in a "
                "script), "
                f"or {PROFILE_ENV} to a profile in ~/.aws/credentials or ~/.aws/config"
            )
        return None

    # -- voices ------------------------------------------------------------------------------------------------

    def list_voices(self) -> list[VoiceInfo]:
        return [v.info(self.name, f"{_engines(v)}; online, paid; AWS credentials") for v in self.catalogue]

    def known(self, name: str) -> PollyVoice | None:
        """The catalogue's voice of that name, in any case (Polly's VoiceId is ``Hala``, a script may say ``hala``)."""
        return next((v for v in self.catalogue if v.name.lower() == name.lower()), None)

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        self.reject(settings, lang)
        name = settings.voice or self.default_voice(lang)
        voice = self.known(name)
        if voice is None:
            choices = ", ".join(v.name for v in self.catalogue if v.locale.split("-")[0] == lang.split("-")[0])
            raise VoiceNotFound(
                f"polly voice '{name}' is not one guide knows"
                + (f" (for '{lang}': {choices})" if choices else "")
                + f"; run 'guide voices --engine polly --lang {lang}'"
            )
        check_language(self.name, voice.name, voice.locale, lang)
        model = settings.model or voice.engines[0]
        if model not in ENGINES:
            raise VoiceNotFound(
                f"polly has no model '{model}': Polly's engines are {', '.join(ENGINES)} (voices.{lang}.model)"
            )
        if model not in voice.engines:
            raise VoiceNotFound(
                f"polly voice {voice.name} has no '{model}' engine (it has {', '.join(voice.engines)}): "
                f"change voices.{lang}.model, or choose another voice"
            )
        return VoiceRef(
            self.name, lang, voice.name, speed=settings.speed, model=model, identity=f"polly:{model}:{OUTPUT}"
        )

    def phonemes(self, voice: VoiceRef) -> bool:
        # Polly documents <phoneme alphabet="ipa"> with IPA tables for arb, ar-AE and English, fully on the standard,
        # neural and long-form engines, only partly on generative.
        return voice.model != "generative"

    def price(self, voice: VoiceRef) -> Price | None:
        return PRICES.get(voice.model)

    # -- one take ----------------------------------------------------------------------------------------------

    def document(self, text: str, voice: VoiceRef) -> str:
        """The SSML sent for one take: the text escaped (lexicon words as phonemes), speed as prosody rate."""
        return f"<speak>{ssml.prosody(ssml.with_phonemes(text, voice.phonemes), rate=rate(voice.speed))}</speak>"

    def billed_characters(self, text: str, voice: VoiceRef) -> int:
        # Polly bills the characters of the text, not the SSML tags around and inside it.
        return len("".join(ET.fromstring(self.document(text, voice)).itertext()))

    def request_body(self, text: str, voice: VoiceRef) -> dict[str, str]:
        """SynthesizeSpeech's JSON fields for one take."""
        known = self.known(voice.voice)
        body = {
            "Engine": voice.model,
            "OutputFormat": "pcm",
            "SampleRate": str(SAMPLE_RATE),
            "Text": self.document(text, voice),
            "TextType": "ssml",
            "VoiceId": voice.voice,
        }
        if known is not None:
            body["LanguageCode"] = known.language_code
        return body

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        url = f"{self.base_url()}/v1/speech"
        body = json.dumps(self.request_body(text, voice), ensure_ascii=False).encode("utf-8")
        headers = self._signed_headers(url, body)
        request = requests.Request("POST", url, data=body, headers=headers).prepare()
        answers = _Answers(self, voice)
        try:
            return self.sender.send(request, voice, lambda r: _audio(text, r), answers.refused, answers.transient)
        except NetworkError as exc:
            host = urlsplit(url).netloc
            # The Sender names only the status of the last answer (HTTP 400): say that it was Polly throttling.
            if (
                type(exc) is NetworkError
                and answers.last_error in THROTTLING_ERRORS
                and exc.message.startswith(f"{self.name}: {host} answered HTTP {answers.last_status} ")
            ):
                raise NetworkError(
                    f"polly: {host} throttled every request ({answers.last_error}, HTTP {answers.last_status}) after "
                    f"{self.sender.retries} retries: this account's Polly request rate in {self.region()} was reached. "
                    f"Wait a while, build with fewer --jobs, or give a fallback voice "
                    f"(voices: {{{voice.lang}: {{engine: polly, fallback: {{engine: espeak}}}}}})"
                ) from None
            raise

    def _signed_headers(self, url: str, body: bytes) -> dict[str, str]:
        """The headers of a SigV4-signed POST of `body` to `url` (Authorization, X-Amz-Date, the session token)."""
        try:
            # The optional polly extra (missing_credentials() says when it is missing).
            from botocore.auth import SigV4Auth  # noqa: PLC0415

            # The optional polly extra (missing_credentials() says when it is missing).
            from botocore.awsrequest import AWSRequest  # noqa: PLC0415

            # The optional polly extra (missing_credentials() says when it is missing).
            from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415
        except ImportError:
            raise CredentialsError(
                f"polly: botocore is not installed, and it signs the requests: {INSTALL_HINT}"
            ) from None
        try:
            credentials = self._aws_credentials()
            frozen = credentials.get_frozen_credentials() if credentials is not None else None
        except (BotoCoreError, ClientError) as exc:
            raise CredentialsError(f"polly: the AWS credentials could not be read or refreshed: {exc}") from None
        if frozen is None:
            raise CredentialsError(f"polly: no AWS credentials: set {KEY_ENV[0]} and {KEY_ENV[1]}, or {PROFILE_ENV}")
        signed = AWSRequest(
            "POST", url, data=body, headers={"Content-Type": "application/json", "User-Agent": USER_AGENT}
        )
        SigV4Auth(frozen, "polly", self.region()).add_auth(signed)
        return dict(signed.headers.items())

    def _refused(self, status: int, host: str, text: str, error: str, voice: VoiceRef) -> Exception:
        """The error for an answer no retry will mend, by AWS's error type (``x-amzn-ErrorType``)."""
        said = _quoted(_message(text))
        what = f"{error}, HTTP {status}" if error else f"HTTP {status}"
        if error in CREDENTIAL_ERRORS or status in (401, 403):
            if error in ("ExpiredTokenException", "ExpiredToken"):
                hint = "the session token has expired: get new temporary credentials (for SSO: aws sso login)"
            elif error == "AccessDeniedException":
                hint = "these credentials may not call polly:SynthesizeSpeech: allow it in their IAM policy"
            else:
                hint = (
                    f"check {KEY_ENV[0]} and {KEY_ENV[1]} (and AWS_SESSION_TOKEN for temporary ones), "
                    f"or the profile {PROFILE_ENV} names"
                )
            return CredentialsError(f"polly: {host} refused the AWS credentials ({what}){said}: {hint}")
        hints = {
            "InvalidSsmlException": "guide sent SSML Polly does not take for this voice; report it, or give this "
            "language another engine",
            "TextLengthExceededException": "a sentence longer than Polly takes in one request (3000 billed "
            "characters): split it in the script",
            "LanguageNotSupportedException": f"voice {voice.voice} does not speak that language: choose another polly "
            f"voice for '{voice.lang}' (guide voices --engine polly)",
            "EngineNotSupportedException": f"voice {voice.voice} has no '{voice.model}' engine in {self.region()}: "
            f"change voices.{voice.lang}.model, or AWS_REGION to a region that has it",
        }
        if error in hints:
            return EngineError(f"polly: {host} refused the request ({what}){said}: {hints[error]}")
        if status == 400:
            return EngineError(f"polly: {host} refused the request ({what}){said}")
        return self.sender.refused(status, host, text)


class _Answers:
    """What Polly said about one request's failed attempts.

    AWS names its error in the ``x-amzn-ErrorType`` header, which only the Sender's `transient` callback
    sees; it sees every answer that is neither a 200 nor a 429/5xx, before the Sender hands the one it
    gives up on to `refused` (the text only). So `transient` notes the type and `refused` uses it."""

    def __init__(self, engine: PollyEngine, voice: VoiceRef) -> None:
        self.engine = engine
        self.voice = voice
        self.last_error = ""
        """The AWS error type of the last such answer (``ThrottlingException``), or ""."""
        self.last_status = 0
        """Its HTTP status."""

    def transient(self, response) -> bool:  # response: a requests.Response
        self.last_status = response.status_code
        self.last_error = error_type(response.headers, response.text)
        return self.last_error in TRANSIENT_ERRORS

    def refused(self, status: int, host: str, text: str) -> Exception:
        return self.engine._refused(status, host, text, self.last_error, self.voice)


def rate(speed: float) -> str | None:
    """A speaking speed (1.0 normal) as Polly's prosody rate: a percentage of the voice's own (``120%``), None when
    normal."""
    # Polly documents rate as "n%" from 20% to 200%, not the relative "+20%" other services take.
    return None if abs(speed - 1.0) < 1e-6 else f"{round(speed * 100)}%"


def error_type(headers: Mapping[str, str], text: str) -> str:
    """AWS's error type of an answer: the ``x-amzn-ErrorType`` header, else the body's ``__type`` or ``code``."""
    named = headers.get("x-amzn-ErrorType", "") or ""
    if not named:
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        if isinstance(data, dict):
            named = str(data.get("__type") or data.get("code") or data.get("Code") or "")
    # "ThrottlingException:http://internal.amazon.com/coral/..." or "com.amazonaws.polly#ThrottlingException"
    return named.split(":", 1)[0].rsplit("#", 1)[-1].strip()


def _message(text: str) -> str:
    """The ``message`` (or ``Message``) of an AWS JSON error body, else the body."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return text
    if isinstance(data, dict):
        return str(data.get("message") or data.get("Message") or "")
    return text


def _quoted(message: str, limit: int = 200) -> str:
    """The start of the service's message, quoted for ours ('' when empty)."""
    message = " ".join((message or "").split())
    return f": {message[:limit]}{'…' if len(message) > limit else ''}" if message else ""


def _audio(text: str, response) -> AudioChunk:  # response: a requests.Response
    """A 200 answer's raw PCM as an AudioChunk; raises BadAnswer for anything else (a proxy's page, a cut stream)."""
    kind = response.headers.get("Content-Type", "audio/pcm").split(";")[0].strip().lower()
    if kind != "audio/pcm":
        raise BadAnswer(f"polly: the service answered with {kind or 'no content type'}, not audio/pcm")
    return pcm_chunk(text, response.content, SAMPLE_RATE, "polly")


def _engines(voice: PollyVoice) -> str:
    """A voice's engines for ``guide voices``: ``neural (default), standard``."""
    return ", ".join(f"{e} (default)" if i == 0 else e for i, e in enumerate(voice.engines))


def create(registry) -> PollyEngine:  # registry: an EngineRegistry (entry point ``guide.engines``)
    """The engine, as the registry makes it from the ``guide.engines`` entry point."""
    return PollyEngine()
