"""ElevenLabs' voices (``engine: elevenlabs``), over its REST API.

One POST per take to ``https://api.elevenlabs.io/v1/text-to-speech/<voice_id>?output_format=pcm_24000``
with a JSON body (the text, the ``model_id``, ``voice_settings.speed`` when the speed is not 1.0, and
``language_code`` for the models that take it), the key in ``xi-api-key``. The answer is raw 16-bit
little-endian mono PCM at 24 kHz: no lossy step before guide's own processing (44.1 kHz PCM needs a
Pro plan; 24 kHz is on every plan).

The text is sent as a JSON string, never as markup: the models speak the text as written, so a
sentence's ``<``, ``&`` or quotes reach the service exactly as the script has them. No phonemes.

Credentials: ``ELEVENLABS_API_KEY``, from the environment only. ``GUIDE_ELEVENLABS_URL`` replaces the
base address (``https://api.elevenlabs.io``): a data-residency host, a proxy, a test.

As documented in https://elevenlabs.io/docs/api-reference/text-to-speech/convert (the request, the
output formats, ``language_code``), https://elevenlabs.io/docs/overview/models (the models and their
languages), ElevenLabs' speed control page (0.7 to 1.2) and its help centre's pages on errors 400/401 and
429 (``invalid_api_key``, ``quota_exceeded``, ``too_many_concurrent_requests``, ``system_busy``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests

from ..errors import CredentialsError, NetworkError
from ..script.model import VoiceSettings
from .base import AudioChunk, Capabilities, Price, VoiceInfo, VoiceNotFound, VoiceRef
from .cloud import USER_AGENT, CatalogueVoice, CloudEngine, endpoint, first_env, pcm_chunk
from .http import BadAnswer

KEY_ENV = "ELEVENLABS_API_KEY"
OUTPUT_FORMAT = "pcm_24000"
SAMPLE_RATE = 24000
DEFAULT_MODEL = "eleven_multilingual_v2"

SPEED_RANGE = (0.7, 1.2)
"""``voice_settings.speed``: ElevenLabs documents 0.7 (slowest) to 1.2 (fastest), 1.0 the voice's own."""

MIN_SECONDS = 0.05
"""Less audio than this for a sentence is an answer cut short, or bytes that are not speech: raw PCM has
no header to check, so its length is what tells (a retry usually mends it)."""

_MULTILINGUAL = "Multilingual v2/v3"
_FLASH = "Flash/Turbo"
_PRICE_SOURCE = "https://elevenlabs.io/pricing/api, read 2026-12-03"


@dataclass(frozen=True)
class Model:
    """One ElevenLabs text-to-speech model guide lets a script choose."""

    price: Price
    """What its characters cost through the API (ElevenLabs prices two groups of models)."""

    languages: frozenset[str] | None
    """ISO 639-1 codes it speaks, as documented; None for 70+ (more than guide keeps a list of)."""

    language_code: bool
    """It takes ``language_code`` (multilingual v2 does not: the docs say the parameter is not supported there)."""


_V2_LANGUAGES = frozenset(
    "en ja zh de hi fr ko pt it es id nl tr fil pl sv bg ro ar cs el fi hr ms sk da ta uk ru".split()
)
_V2_5_LANGUAGES = _V2_LANGUAGES | {"hu", "no", "vi"}

MODELS = {
    "eleven_multilingual_v2": Model(Price(100.0, _MULTILINGUAL, _PRICE_SOURCE), _V2_LANGUAGES, language_code=False),
    "eleven_v3": Model(Price(100.0, _MULTILINGUAL, _PRICE_SOURCE), None, language_code=True),
    "eleven_flash_v2_5": Model(Price(50.0, _FLASH, _PRICE_SOURCE), _V2_5_LANGUAGES, language_code=True),
    "eleven_turbo_v2_5": Model(Price(50.0, _FLASH, _PRICE_SOURCE), _V2_5_LANGUAGES, language_code=True),
}
"""The multilingual models that speak Arabic, by ``model_id``; the English-only ones (eleven_flash_v2,
eleven_turbo_v2, eleven_monolingual_v1) and the retired eleven_multilingual_v1 are left out. Prices are US
dollars per million characters, pay as you go (US$0.10 and US$0.05 per 1,000 characters); ElevenLabs' plans
include monthly credits, so a build may cost nothing extra until they are spent."""

_VOICE_ID_RE = re.compile(r"^[A-Za-z0-9]{20}$")

_PREMADE = [
    ("JBFqnCBsd6RMkjVDRZzb", "George", "en-GB", "British", "male"),
    ("EXAVITQu4vr4xnSDxMaL", "Sarah", "en-US", "American", "female"),
    ("21m00Tcm4TlvDq8ikWAM", "Rachel", "en-US", "American", "female"),
    ("Xb7hH8MSUJpSbSDYk0k2", "Alice", "en-GB", "British", "female"),
    ("onwK4e9ZLuTAKqWW03F9", "Daniel", "en-GB", "British", "male"),
    ("nPczCjzI2devNBz1zQrb", "Brian", "en-US", "American", "male"),
    ("XrExE9yKIg1WjnnlVkGX", "Matilda", "en-US", "American", "female"),
    ("IKne3meq5aSn9XLyUdCD", "Charlie", "en-AU", "Australian", "male"),
]

CATALOGUE = tuple(
    CatalogueVoice(voice_id, locale, f"{name}: English ({accent}) accent", gender)
    for voice_id, name, locale, accent, gender in _PREMADE
)
"""A few of ElevenLabs' premade voices, by voice id. Their accent is English, but through the multilingual
models they speak Arabic too; the first (George, the voice of ElevenLabs' own examples) is the default."""

NAMES = {name.lower(): voice_id for voice_id, name, *_ in _PREMADE}
"""A premade voice's name, as a script may write it instead of its id (``voice: Rachel``)."""


class QuotaExceeded(CredentialsError):
    """Raised when the account's credits are spent: the key is fine, but no take is recorded until the quota
    grows. It stops the build like a refused key (no fallback voice quietly takes over the guide)."""


class ElevenLabsEngine(CloudEngine):
    """ElevenLabs' voices (online, paid): premade, library or cloned voices by id, four multilingual models."""

    name = "elevenlabs"
    # Plain text in JSON: no SSML, so no <phoneme> (the lexicon's spellings still apply).
    capabilities = Capabilities(offline=False, paid=True, settings=frozenset({"model"}), speed=SPEED_RANGE)
    """The multilingual models by ``model``; speed only from 0.7 to 1.2."""
    catalogue = CATALOGUE

    def _key(self) -> str | None:
        return first_env(self.environ, (KEY_ENV,))

    def base_url(self) -> str:
        """``GUIDE_ELEVENLABS_URL``, else ElevenLabs' API host."""
        return endpoint(self.name, "https://api.elevenlabs.io", self.environ)

    def missing_credentials(self) -> str | None:
        if not self._key():
            return f"elevenlabs needs an API key: set {KEY_ENV} in the environment, never in a script"
        return None

    def list_voices(self) -> list[VoiceInfo]:
        # One voice id speaks every language of its model: listed under both of guide's languages.
        return [
            VoiceInfo(
                self.name,
                v.name,
                ("ar", "en"),
                f"{v.dialect}, {v.gender}; Arabic through the multilingual models; online, paid; set {KEY_ENV}",
            )
            for v in self.catalogue
        ]

    def default_voice(self, lang: str) -> str:
        """The first premade voice, for any language: the multilingual models give it the script's language."""
        return self.catalogue[0].name

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        self.reject(settings, lang)
        model_id = settings.model or DEFAULT_MODEL
        model = MODELS.get(model_id)
        if model is None:
            raise VoiceNotFound(
                f"elevenlabs model '{model_id}' is not one guide can use: choose {', '.join(MODELS)} "
                f"(the multilingual models that speak Arabic; {DEFAULT_MODEL} when no model is given)"
            )
        code = lang.split("-")[0].lower()
        if model.languages is not None and code not in model.languages:
            raise VoiceNotFound(
                f"elevenlabs model '{model_id}' does not speak '{lang}' (eleven_v3 speaks the most languages)"
            )
        low, high = self.capabilities.speed
        if not low <= settings.speed <= high:
            raise VoiceNotFound(
                f"elevenlabs speaks at {low:g} to {high:g} times a voice's normal speed, not {settings.speed:g}: "
                f"change voices.{lang}.speed"
            )
        return VoiceRef(
            self.name,
            lang,
            self._voice_id(settings.voice or self.default_voice(lang)),
            speed=settings.speed,
            identity=f"elevenlabs:{model_id}:{OUTPUT_FORMAT}",
            model=model_id,
        )

    def _voice_id(self, voice: str) -> str:
        """The voice id a script's ``voice`` names: an id as written, or a premade voice's name."""
        if _VOICE_ID_RE.match(voice):
            return voice  # any voice of the account: premade, from the library, cloned
        found = NAMES.get(voice.strip().lower())
        if found is None:
            raise VoiceNotFound(
                f"elevenlabs voice '{voice}' is neither a voice id (20 letters and digits, like "
                f"{self.catalogue[0].name}) "
                f"nor a premade voice guide knows ({', '.join(name for _, name, *_ in _PREMADE)}): copy the id from "
                "ElevenLabs' voice library, or run 'guide voices --engine elevenlabs'"
            )
        return found

    def price(self, voice: VoiceRef) -> Price | None:
        """ElevenLabs' API price for the voice's model (``https://elevenlabs.io/pricing/api``)."""
        model = MODELS.get(voice.model)
        return model.price if model is not None else None

    def billed_characters(self, text: str, voice: VoiceRef) -> int:
        return len(text)  # the text field is all that is billed: no markup is sent

    def body(self, text: str, voice: VoiceRef) -> dict:
        """The JSON sent for one take."""
        body: dict = {"text": text, "model_id": voice.model}
        if voice.speed != 1.0:
            # Only what guide sets: a partial voice_settings keeps the voice's stored stability and similarity.
            body["voice_settings"] = {"speed": voice.speed}
        model = MODELS.get(voice.model)
        if model is not None and model.language_code:
            # Pins the language (and its number reading) where a model would otherwise guess it from the text.
            body["language_code"] = voice.lang.split("-")[0].lower()
        return body

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        request = requests.Request(
            "POST",
            f"{self.base_url()}/v1/text-to-speech/{quote(voice.voice, safe='')}",
            params={"output_format": OUTPUT_FORMAT},
            data=json.dumps(self.body(text, voice), ensure_ascii=False).encode("utf-8"),
            headers={
                "xi-api-key": self._key() or "",
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
            },
        ).prepare()
        return self.sender.send(
            request,
            voice,
            lambda r: _speech(text, r.content),
            lambda status, host, answer: self._refused(status, host, answer, voice),
        )

    def _refused(self, status: int, host: str, text: str, voice: VoiceRef) -> Exception:
        """The error for a 4xx answer no retry mends, from ElevenLabs' ``{"detail": ...}`` body."""
        code, message = _detail(text)
        said = f"{code}: {message}" if code and message else code or message
        why = f", {said}" if said else ""
        if code in ("quota_exceeded", "insufficient_credits") or status == 402:
            # Comes as a 401 (or 402), but the key was accepted: saying "check the key" would send the user astray.
            return QuotaExceeded(
                f"elevenlabs: the account's credits are used up (HTTP {status}{', ' + code if code else ''}); the key "
                "itself was accepted. Wait for the plan's monthly reset, or add credits or usage-based billing "
                "at https://elevenlabs.io/app/subscription, then build again"
            )
        if status == 401:
            return CredentialsError(f"elevenlabs: {host} refused the key (HTTP 401{why}): check {KEY_ENV}")
        if status == 403:
            return CredentialsError(
                f"elevenlabs: {host} refused the key's access (HTTP 403{why}): the key may lack the Text to Speech "
                f"permission, or the plan may not include this voice or model; check {KEY_ENV} and the plan"
            )
        if code == "voice_not_found" or (status == 404 and not code):
            return NetworkError(
                f"elevenlabs: {host} has no voice '{voice.voice}' for this key (HTTP {status}{why}): "
                "copy the voice id from ElevenLabs' voice library, or run 'guide voices --engine elevenlabs'"
            )
        if status == 422:
            return NetworkError(f"elevenlabs: {host} refused the request as invalid (HTTP 422{why})")
        return self.sender.refused(status, host, text)


def _speech(text: str, data: bytes) -> AudioChunk:
    """A pcm_24000 answer as an AudioChunk; raises BadAnswer for one that cannot be a sentence's speech."""
    if data[:4] in (b'{"de', b"<!DO", b"<htm", b"<HTM"):  # an error page or body sent with a 200
        raise BadAnswer(f"elevenlabs: the service answered without usable audio (a {len(data)}-byte page, not PCM)")
    chunk = pcm_chunk(text, data, SAMPLE_RATE, "elevenlabs")
    if text.strip() and chunk.duration < MIN_SECONDS:
        raise BadAnswer(
            f"elevenlabs: the service answered without usable audio ({chunk.duration * 1000:.0f} ms of PCM for a "
            "sentence)"
        )
    return chunk


def _detail(text: str) -> tuple[str, str]:
    """(code, message) from an ElevenLabs error body; validation errors name the fields
    (``body.text: Field required``)."""
    try:
        detail = json.loads(text).get("detail") if text else None
    except (ValueError, AttributeError):
        return "", " ".join((text or "").split())[:200]
    if isinstance(detail, dict):
        # "status" is the older field, "code" the newer one: either may come.
        code = str(detail.get("status") or detail.get("code") or "")
        message = str(detail.get("message") or "")
        if detail.get("param"):
            message = f"{detail['param']}: {message}" if message else str(detail["param"])
        return code, message
    if isinstance(detail, list):  # a 422 from the request's schema: one entry per field
        fields = []
        for item in detail:
            if isinstance(item, dict):
                where = ".".join(str(part) for part in item.get("loc", []))
                fields.append(f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", "")))
        return "", "; ".join(fields)
    return "", str(detail or "")


def create(registry) -> ElevenLabsEngine:  # registry: an EngineRegistry (entry point ``guide.engines``)
    """The engine, as the registry makes it from the ``guide.engines`` entry point."""
    return ElevenLabsEngine()
