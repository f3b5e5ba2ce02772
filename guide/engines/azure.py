"""Microsoft Azure AI Speech neural voices (``engine: azure``), over its REST API.

One POST per take to ``https://<region>.tts.speech.microsoft.com/cognitiveservices/v1``
with an SSML body, the key in ``Ocp-Apim-Subscription-Key``, and 24 kHz 16-bit mono
PCM asked for (``X-Microsoft-OutputFormat: riff-24khz-16bit-mono-pcm``): no lossy
step before guide's own processing.

Credentials: ``AZURE_SPEECH_KEY`` and ``AZURE_SPEECH_REGION`` (or Microsoft's own
``SPEECH_KEY`` and ``SPEECH_REGION``). ``GUIDE_AZURE_URL`` replaces the base address
(``https://<region>.tts.speech.microsoft.com``): a sovereign cloud, a proxy, a test.
"""

from __future__ import annotations

import re
from pathlib import Path

import requests

from ..errors import CredentialsError, NetworkError
from ..script.model import VoiceSettings
from . import ssml
from .base import AudioChunk, Capabilities, Price, VoiceInfo, VoiceNotFound, VoiceRef
from .cloud import USER_AGENT, CatalogueVoice, CloudEngine, check_language, endpoint, endpoint_env, first_env, wav_chunk

KEY_ENV = ("AZURE_SPEECH_KEY", "SPEECH_KEY")
REGION_ENV = ("AZURE_SPEECH_REGION", "SPEECH_REGION")
OUTPUT_FORMAT = "riff-24khz-16bit-mono-pcm"

PRICE = Price(
    15.0,
    "Neural (prebuilt neural voices, pay as you go)",
    "https://azure.microsoft.com/pricing/details/cognitive-services/speech-services/, read 2026-12-03",
)

PHONEME_LOCALES = frozenset({"ar-SA", "ar-EG", "en-US", "en-GB", "en-AU", "en-CA", "en-IN", "en-IE"})
"""Locales whose voices take ``<phoneme alphabet="ipa">`` (Microsoft's SSML phonetic sets)."""

_VOICE_RE = re.compile(r"^([a-z]{2,3}-[A-Z]{2})-[A-Za-z0-9]+$")

_ARABIC = [
    ("ar-SA", "Saudi Arabia", "ZariyahNeural", "HamedNeural"),
    ("ar-EG", "Egypt", "SalmaNeural", "ShakirNeural"),
    ("ar-AE", "United Arab Emirates", "FatimaNeural", "HamdanNeural"),
    ("ar-BH", "Bahrain", "LailaNeural", "AliNeural"),
    ("ar-DZ", "Algeria", "AminaNeural", "IsmaelNeural"),
    ("ar-IQ", "Iraq", "RanaNeural", "BasselNeural"),
    ("ar-JO", "Jordan", "SanaNeural", "TaimNeural"),
    ("ar-KW", "Kuwait", "NouraNeural", "FahedNeural"),
    ("ar-LB", "Lebanon", "LaylaNeural", "RamiNeural"),
    ("ar-LY", "Libya", "ImanNeural", "OmarNeural"),
    ("ar-MA", "Morocco", "MounaNeural", "JamalNeural"),
    ("ar-OM", "Oman", "AyshaNeural", "AbdullahNeural"),
    ("ar-QA", "Qatar", "AmalNeural", "MoazNeural"),
    ("ar-SY", "Syria", "AmanyNeural", "LaithNeural"),
    ("ar-TN", "Tunisia", "ReemNeural", "HediNeural"),
    ("ar-YE", "Yemen", "MaryamNeural", "SalehNeural"),
]
_ENGLISH = [
    ("en-US", "United States", "AvaMultilingualNeural", "AndrewMultilingualNeural"),
    ("en-US", "United States", "JennyNeural", "GuyNeural"),
    ("en-GB", "United Kingdom", "SoniaNeural", "RyanNeural"),
]

CATALOGUE = tuple(
    CatalogueVoice(
        f"{locale}-{name}", locale, f"{'Arabic' if locale.startswith('ar') else 'English'} ({place})", gender
    )
    for locale, place, female, male in [*_ARABIC, *_ENGLISH]
    for name, gender in ((female, "female"), (male, "male"))
)
"""Microsoft's Arabic neural voices (16 locales, a female and a male voice each) and a few English ones."""


class AzureEngine(CloudEngine):
    """Microsoft's neural voices (online, paid): 16 Arabic locales, SSML with phonemes for ar-SA and ar-EG."""

    name = "azure"
    capabilities = Capabilities(offline=False, paid=True, settings=frozenset({"pitch"}), ssml=True, phonemes=True)
    """Pitch as SSML prosody; phonemes for the locales of :data:`PHONEME_LOCALES`."""
    catalogue = CATALOGUE

    def _key(self) -> str | None:
        return first_env(self.environ, KEY_ENV)

    def base_url(self) -> str:
        """``GUIDE_AZURE_URL``, else the region's endpoint."""
        region = first_env(self.environ, REGION_ENV) or "<region>"
        return endpoint(self.name, f"https://{region}.tts.speech.microsoft.com", self.environ)

    def missing_credentials(self) -> str | None:
        if not self._key():
            return (
                f"azure needs a Speech resource key: set {KEY_ENV[0]} (or {KEY_ENV[1]}) in the environment, never "
                "in a script"
            )
        if not first_env(self.environ, REGION_ENV) and not self.environ.get(endpoint_env(self.name), "").strip():
            return (
                f"azure needs the Speech resource's region: set {REGION_ENV[0]} (or {REGION_ENV[1]}), e.g. westeurope"
            )
        return None

    def list_voices(self) -> list[VoiceInfo]:
        return [v.info(self.name, "online, paid; set AZURE_SPEECH_KEY") for v in self.catalogue]

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        self.reject(settings, lang)
        name = settings.voice or self.default_voice(lang)
        match = _VOICE_RE.match(name)
        if not match:
            raise VoiceNotFound(
                f"azure voice '{name}' is not a voice name like ar-SA-ZariyahNeural (run 'guide voices --engine azure')"
            )
        check_language(self.name, name, match.group(1), lang, multilingual="Multilingual" in name)
        return VoiceRef(
            self.name, lang, name, speed=settings.speed, pitch=settings.pitch, identity=f"azure:{OUTPUT_FORMAT}"
        )

    def phonemes(self, voice: VoiceRef) -> bool:
        return voice.voice[:5] in PHONEME_LOCALES

    def price(self, voice: VoiceRef) -> Price | None:
        return PRICE

    def document(self, text: str, voice: VoiceRef) -> str:
        """The SSML sent for one take: the text escaped, speed and pitch as prosody."""
        locale = voice.voice[:5]
        semitones = ssml.pitch_semitones(voice.pitch)
        body = ssml.prosody(
            ssml.with_phonemes(text, voice.phonemes),
            rate=ssml.rate_percent(voice.speed),
            pitch=f"{semitones:+g}st" if semitones is not None else None,
        )
        return (
            f'<speak version="1.0" xmlns="{ssml.SSML_NS}" xml:lang={ssml.attr(locale)}>'
            f"<voice name={ssml.attr(voice.voice)}>{body}</voice></speak>"
        )

    def billed_characters(self, text: str, voice: VoiceRef) -> int:
        # Azure bills the text and any markup inside <voice>, not <speak> and <voice> themselves.
        document = self.document(text, voice)
        return len(document[document.index(">", document.index("<voice")) + 1 : document.rindex("</voice>")])

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        request = requests.Request(
            "POST",
            f"{self.base_url()}/cognitiveservices/v1",
            data=self.document(text, voice).encode("utf-8"),
            headers={
                "Ocp-Apim-Subscription-Key": self._key() or "",
                "Content-Type": "application/ssml+xml; charset=utf-8",
                "X-Microsoft-OutputFormat": OUTPUT_FORMAT,
                "User-Agent": USER_AGENT,
            },
        ).prepare()
        return self.sender.send(request, voice, lambda r: wav_chunk(text, r.content, self.name), self._refused)

    def _refused(self, status: int, host: str, text: str) -> Exception:
        if status in (401, 403):
            return CredentialsError(
                f"azure: {host} refused the key (HTTP {status}): check {KEY_ENV[0]} and that {REGION_ENV[0]} "
                "is the region of that Speech resource"
            )
        if status == 400:
            return NetworkError(f"azure: {host} refused the request (HTTP 400): the voice may not exist in this region")
        return self.sender.refused(status, host, text)


def create(registry) -> AzureEngine:  # registry: an EngineRegistry (entry point ``guide.engines``)
    """The engine, as the registry makes it from the ``guide.engines`` entry point."""
    return AzureEngine()
