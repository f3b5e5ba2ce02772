"""What the contract tests (tests/test_cloud_contract.py) need to know about each cloud engine.

As fsspec's abstract test suites do for filesystems, the cloud engines share one suite of contract tests,
and each engine provides, here, one :class:`CloudSpec`: how to start its stand-in (a real HTTP server on
127.0.0.1 speaking the vendor's wire format) and point the engine at it (credentials and endpoint in the
environment), its sample voices, and what its requests look like on the wire (for the assertions only
that engine can make), with the tables its contract tests run (the ways its service refuses a key, the
answers that must not be retried ...). An engine's own test file starts its stand-in through the same
spec (:meth:`CloudSpec.serve`), so an engine is configured for tests in one place.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from guide.engines import ssml
from guide.engines.azure import AzureEngine
from guide.engines.base import VoiceRef
from guide.engines.cloud import CloudEngine
from guide.engines.elevenlabs import CATALOGUE as ELEVENLABS_CATALOGUE
from guide.engines.elevenlabs import ElevenLabsEngine
from guide.engines.google_cloud import GoogleCloudEngine
from guide.engines.http import Sender
from guide.engines.polly import PollyEngine
from guide.script.model import VoiceSettings

from .cloud_standin import AzureStandIn, CloudStandIn, Seen
from .standin_elevenlabs import ElevenLabsStandIn
from .standin_google_cloud import GoogleCloudStandIn
from .standin_polly import AwsError, PollyStandIn

SCRIPT = """\
id: small-guide
title: {en: "Small guide", ar: "دليل صغير"}
languages: [en, ar]
voices:
  en: {engine: espeak, voice: en-us}
  ar: {engine: %(engine)s, voice: %(voice)s%(extra)s}
intro: {en: "Welcome.", ar: "مرحبا بكم. هذا دليل قصير."}
faq:
  - id: how-long
    question: {en: "How long does it last?", ar: "كم يدوم؟"}
    answer: {en: "About four months.", ar: "نحو أربعة أشهر."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""
"""A small bilingual guide whose Arabic (line 6) a cloud engine speaks; English is espeak's."""

FALLBACK = ", fallback: {engine: espeak, voice: ar}"
"""Appended to the Arabic voice: an offline voice to speak when the service cannot."""

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters XML 1.0 cannot carry: an SSML engine drops them from the text it sends."""


@dataclass(frozen=True)
class Refusal:
    """One way a service refuses the credentials: scripted answers and/or changed variables, and what is said."""

    id: str
    said: str
    """A regular expression the CredentialsError's message (or the build's output) must match."""
    script: tuple[object, ...] = ()
    """The stand-in's answers (its `script`)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Variables set (to wrong values) before the engine is made."""


@dataclass(frozen=True)
class Storm:
    """An answer that comes back on every attempt: what the engine must say once its retries are spent."""

    id: str
    answer: object
    said: str
    """A regular expression the NetworkError's message must match."""
    server: Mapping[str, object] = field(default_factory=dict)
    """Attributes of the stand-in set first (what its answer says)."""


@dataclass(frozen=True)
class Missing:
    """Credentials that are not there (or cannot be used), and what `check` and `build` must say."""

    id: str
    said: tuple[str, ...]
    """Said in the output; the first right after ``<script>:6: voices.ar: ``."""
    unset: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    """Variables set; ``{tmp}`` is the test's own folder."""
    files: Mapping[str, str] = field(default_factory=dict)
    """Files written in the test's own folder first (name: text)."""


@dataclass(frozen=True)
class Listing:
    """What ``guide voices --engine <engine> --lang <lang>`` must list."""

    lang: str
    names: tuple[str, ...]
    """Voices that must be listed (the first word of a row)."""
    said: tuple[tuple[str, str], ...] = ()
    """(voice, words): the words in that voice's row ("" for anywhere in the output)."""
    count: int | None = None
    """How many voices, when the test knows."""
    exact: bool = False
    """`names` is the whole list, in order."""
    prefix: str = ""
    """Every listed voice's name starts so."""


@dataclass(frozen=True)
class CloudSpec:
    """One cloud engine as the contract tests drive it (see the module's docstring)."""

    name: str
    """The engine's name (``engine:`` in a script; the start of its messages)."""
    engine_class: type[CloudEngine]
    standin: type[CloudStandIn]
    configure: Callable[[pytest.MonkeyPatch, CloudStandIn, Path], None]
    """Points the engine at the running stand-in: credentials and endpoint in the environment, nothing of the
    machine's own configuration (a folder of the test's is given for configuration files)."""
    voice: str
    """The Arabic voice the script uses."""
    other_voice: str
    """Another Arabic voice the stand-in has."""
    english: str
    """An English voice, for the single takes."""
    rate: int
    """The sample rate of a take."""
    build_fields: Mapping[str, object]
    """What the stand-in read from every take of a build with `voice` (its ``Seen.extra``)."""
    billed: Callable[[Seen], int]
    """The characters the vendor bills for a request, from what the stand-in received."""
    wire: Callable[[Seen, str, CloudEngine, VoiceRef], None]
    """Asserts what only this engine's request can show about a text sent (its markup, its JSON)."""
    ssml: bool
    """The text is sent as SSML (control characters XML cannot hold are dropped), not verbatim."""
    refusals: tuple[Refusal, ...]
    build_refusal: Refusal
    """The refusal a build meets (`said`: in its output)."""
    past_retries: tuple[Storm, ...]
    failing: tuple[object, ...]
    """Answers that keep a build's every take failing (a fallback voice speaks instead)."""
    missing: tuple[Missing, ...]
    wrong_voices: tuple[tuple[Mapping[str, object], str], ...]
    """(voices.ar's settings, a regular expression the VoiceNotFound must match)."""
    listings: tuple[Listing, ...]
    failing_said: tuple[str, ...] = ()
    hostile_settings: Mapping[str, object] = field(default_factory=dict)
    """Settings of the English voice that hostile text is sent with (Polly's: a speed, so <prosody> wraps it)."""
    heal: tuple[tuple[str, tuple[object, ...]], ...] = ()
    """Answers of this vendor's own that a retry must mend, besides the shared ones: (id, answers)."""
    price_said: tuple[str, ...] = ()
    """Words `check`'s cost line says, as written in the test (not computed from the engine)."""
    priced_voice: str = ""
    """An Arabic voice whose price guide knows, for the cost estimate ("": `voice`)."""

    def engine(self) -> CloudEngine:
        """The engine with a test's sender: short timeouts, 3 retries, hardly any backoff."""
        return self.engine_class(Sender(self.name, timeout=(1.0, 0.5), retries=3, backoff=0.01))

    def resolve(self, name: str | None, lang: str = "ar", **settings: object) -> VoiceRef:
        """A voice as the engine resolves it (its checks made, its defaults filled in)."""
        return self.engine().resolve(lang, VoiceSettings(self.name, name, **settings), Path("."))

    def script(self, extra: str = "", voice: str | None = None) -> str:
        """:data:`SCRIPT` with this engine speaking Arabic (`extra`: more of voices.ar's settings)."""
        return SCRIPT % {"engine": self.name, "voice": voice or self.voice, "extra": extra}

    def sent_text(self, text: str) -> str:
        """The text the stand-in must read from a request for `text`."""
        return NOT_XML.sub("", text) if self.ssml else text

    @contextmanager
    def serve(
        self, monkeypatch: pytest.MonkeyPatch, speech: tuple[np.ndarray, int], folder: Path
    ) -> Iterator[CloudStandIn]:
        """The stand-in, running, with the engine configured for it (`speech`: what it answers with)."""
        samples, rate = speech
        with self.standin(samples, rate) as server:
            self.configure(monkeypatch, server, folder)
            yield server


# -- Azure AI Speech ---------------------------------------------------------------------------------------------

AZURE_ENV = ("AZURE_SPEECH_KEY", "SPEECH_KEY", "AZURE_SPEECH_REGION", "SPEECH_REGION")


def configure_azure(monkeypatch: pytest.MonkeyPatch, server: CloudStandIn, folder: Path) -> None:
    """Azure's key and region in the environment, and ``GUIDE_AZURE_URL`` for the stand-in."""
    for name in AZURE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AZURE_SPEECH_KEY", server.key)
    monkeypatch.setenv("AZURE_SPEECH_REGION", "westeurope")
    monkeypatch.setenv("GUIDE_AZURE_URL", server.url)


def azure_wire(request: Seen, text: str, engine: CloudEngine, voice: VoiceRef) -> None:
    """Well-formed SSML whose only elements are Azure's <speak> and <voice>: none came from the text."""
    root = ET.fromstring(request.body)  # well-formed, or this raises
    assert [e.tag.split("}")[1] for e in root.iter()] == ["speak", "voice"]


AZURE = CloudSpec(
    name="azure",
    engine_class=AzureEngine,
    standin=AzureStandIn,
    configure=configure_azure,
    voice="ar-SA-ZariyahNeural",
    other_voice="ar-SA-HamedNeural",
    english="en-US-JennyNeural",
    rate=24000,
    build_fields={"voice": "ar-SA-ZariyahNeural"},
    billed=lambda r: len(ssml.text(r.extra["text"])),  # what Azure bills: the text inside <voice>
    wire=azure_wire,
    ssml=True,
    refusals=tuple(
        Refusal(str(s), rf"azure: .* refused the key \(HTTP {s}\): check AZURE_SPEECH_KEY", (s,)) for s in (401, 403)
    ),
    build_refusal=Refusal("401", r"refused the key \(HTTP 401\)", (401,)),
    past_retries=(
        Storm("429", 429, r"azure: 127\.0\.0\.1:\d+ answered HTTP 429 after 3 retries \(rate limited"),
        Storm("500", 500, r"azure: 127\.0\.0\.1:\d+ answered HTTP 500 after 3 retries"),
    ),
    failing=(503,) * 200,
    missing=(
        Missing("key", ("azure needs", "AZURE_SPEECH_KEY"), unset=("AZURE_SPEECH_KEY",)),
        Missing("region", ("azure needs", "AZURE_SPEECH_REGION"), unset=("AZURE_SPEECH_REGION", "GUIDE_AZURE_URL")),
    ),
    wrong_voices=(
        ({"voice": "Zariyah"}, "not a voice name like ar-SA-ZariyahNeural"),
        ({"voice": "en-US-JennyNeural"}, "speaks en-US, not 'ar'"),
        ({"voice": "ar-SA-ZariyahNeural", "model": "x"}, "no models"),
    ),
    listings=(
        Listing(
            "ar",
            ("ar-SA-ZariyahNeural", "ar-EG-SalmaNeural"),
            count=32,
            prefix="ar-",
            said=(("ar-EG-SalmaNeural", "Arabic (Egypt), female"),),
        ),
    ),
    price_said=("US$15 per million characters", "read 2026-12-03"),
)


# -- Google Cloud Text-to-Speech ------------------------------------------------------------------------------------

GOOGLE_ENV = ("GOOGLE_CLOUD_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_QUOTA_PROJECT", "CLOUDSDK_CONFIG")


def configure_google(monkeypatch: pytest.MonkeyPatch, server: CloudStandIn, folder: Path) -> None:
    """An API key and ``GUIDE_GOOGLE_CLOUD_URL``; gcloud's own folder empty, so a developer's real
    ``gcloud auth application-default login`` is never used."""
    for name in GOOGLE_ENV:
        monkeypatch.delenv(name, raising=False)
    gcloud = folder / "gcloud"
    gcloud.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(gcloud))
    monkeypatch.setenv("GOOGLE_CLOUD_API_KEY", server.key)
    monkeypatch.setenv("GUIDE_GOOGLE_CLOUD_URL", server.url)


def google_wire(request: Seen, text: str, engine: CloudEngine, voice: VoiceRef) -> None:
    """Well-formed SSML in ``input.ssml`` with no element but <speak>; Google bills the markup too: what was sent."""
    sent = json.loads(request.body)["input"]["ssml"]
    assert [e.tag for e in ET.fromstring(sent).iter()] == ["speak"]  # well-formed, and no element came from the text
    assert engine.billed_characters(text, voice) == len(sent)


GOOGLE = CloudSpec(
    name="google-cloud",
    engine_class=GoogleCloudEngine,
    standin=GoogleCloudStandIn,
    configure=configure_google,
    voice="ar-XA-Wavenet-A",
    other_voice="ar-XA-Wavenet-B",
    english="en-US-Wavenet-F",
    rate=24000,
    priced_voice="ar-XA-Standard-A",  # WaveNet's price is not known to guide (None, rather than a wrong one)
    build_fields={"voice": "ar-XA-Wavenet-A"},
    billed=lambda r: len(r.extra["sent"]),  # Google bills the SSML as sent, markup and all
    wire=google_wire,
    ssml=True,
    refusals=(
        *(
            Refusal(
                str(s),
                rf"google-cloud: .* refused the API key in GOOGLE_CLOUD_API_KEY \(HTTP {s}\)"
                r".*GOOGLE_APPLICATION_CREDENTIALS",
                (s,),
            )
            for s in (401, 403)
        ),
        Refusal(
            "wrong-key-400",
            r"refused the API key in GOOGLE_CLOUD_API_KEY \(HTTP 400\): "
            r"INVALID_ARGUMENT: API key not valid",
            env={"GOOGLE_CLOUD_API_KEY": "not-the-key"},
        ),
    ),
    build_refusal=Refusal("401", r"refused the API key in GOOGLE_CLOUD_API_KEY \(HTTP 401\)", (401,)),
    past_retries=(
        Storm(
            "429",
            429,
            r"google-cloud: 127\.0\.0\.1:\d+ answered HTTP 429 after 3 retries "
            r"\(rate limited.*RESOURCE_EXHAUSTED",
        ),
        Storm("500", 500, r"google-cloud: 127\.0\.0\.1:\d+ answered HTTP 500 after 3 retries"),
    ),
    failing=(503,) * 200,
    missing=(
        Missing(
            "none",
            ("google-cloud needs credentials", "GOOGLE_CLOUD_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS"),
            unset=("GOOGLE_CLOUD_API_KEY",),
        ),
        Missing(
            "missing-file",
            ("google-cloud cannot use the credentials file", "missing.json", "GOOGLE_CLOUD_API_KEY"),
            unset=("GOOGLE_CLOUD_API_KEY",),
            env={"GOOGLE_APPLICATION_CREDENTIALS": "{tmp}/missing.json"},
        ),
        Missing(
            "broken-file",
            ("google-cloud cannot use the credentials file", "GOOGLE_APPLICATION_CREDENTIALS"),
            unset=("GOOGLE_CLOUD_API_KEY",),
            env={"GOOGLE_APPLICATION_CREDENTIALS": "{tmp}/broken.json"},
            files={"broken.json": "{not json"},
        ),
    ),
    wrong_voices=(
        ({"voice": "Wavenet-A"}, "not a voice name like ar-XA-Wavenet-A"),
        ({"voice": "en-US-Wavenet-F"}, "speaks en-US, not 'ar'"),
        ({"voice": "ar-XA-Wavenet-A", "model": "x"}, "no models"),
        ({"voice": "ar-XA-Chirp3-HD-Zephyr", "pitch": 40}, "Chirp 3: HD voice, which cannot change pitch"),
    ),
    listings=(
        Listing(
            "ar",
            (
                *(f"ar-XA-{family}-{letter}" for family in ("Standard", "Wavenet") for letter in "ABCD"),
                "ar-XA-Chirp3-HD-Achernar",
                "ar-XA-Chirp3-HD-Zephyr",
                "ar-XA-Chirp3-HD-Charon",
            ),
            said=(("", "Modern Standard Arabic"), ("", "female"), ("", "male;")),
            prefix="ar-XA-",
        ),
    ),
)


# -- Amazon Polly ---------------------------------------------------------------------------------------------------

AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_POLLY",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
)


def isolate_aws(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """AWS's configuration as the test writes it, in `folder`: none of the machine's, and no instance metadata
    service (the credential chain's last step, which would wait on a network call)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(folder / "config"))


def configure_polly(monkeypatch: pytest.MonkeyPatch, server: CloudStandIn, folder: Path) -> None:
    """The stand-in's access key, secret and region in AWS's variables, and ``AWS_ENDPOINT_URL_POLLY``."""
    isolate_aws(monkeypatch, folder)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", server.secret_key)
    monkeypatch.setenv("AWS_REGION", server.region)
    monkeypatch.setenv("AWS_ENDPOINT_URL_POLLY", server.url)


def polly_wire(request: Seen, text: str, engine: CloudEngine, voice: VoiceRef) -> None:
    """Well-formed SSML in the JSON's ``Text`` whose only elements are <speak> and the speed's <prosody>."""
    assert [e.tag for e in ET.fromstring(json.loads(request.body)["Text"]).iter()] == ["speak", "prosody"]


POLLY = CloudSpec(
    name="polly",
    engine_class=PollyEngine,
    standin=PollyStandIn,
    configure=configure_polly,
    voice="Hala",
    other_voice="Zayd",
    english="Joanna",
    rate=16000,
    build_fields={"voice": "Hala", "engine": "neural"},
    billed=lambda r: len(r.extra["text"]),  # what Polly bills: the text, not the SSML tags
    wire=polly_wire,
    ssml=True,
    hostile_settings={"speed": 1.1},
    refusals=(
        *(
            Refusal(
                f"{variable}-{error}",
                rf"polly: .* refused the AWS credentials \({error}, HTTP 403\).*AWS_SECRET_ACCESS_KEY",
                env={variable: value},
            )
            for variable, value, error in (
                ("AWS_SECRET_ACCESS_KEY", "not-the-secret", "InvalidSignatureException"),
                ("AWS_ACCESS_KEY_ID", "AKIAANOTHERKEY000000", "UnrecognizedClientException"),
                (
                    "AWS_REGION",
                    "eu-west-1",
                    "InvalidSignatureException",
                ),  # signed for another region than the endpoint's
            )
        ),
        # Credentials AWS refuses with a 400 are credentials too.
        Refusal("ExpiredTokenException", "the session token has expired", (AwsError(400, "ExpiredTokenException"),)),
        Refusal(
            "UnrecognizedClientException", "check AWS_ACCESS_KEY_ID", (AwsError(400, "UnrecognizedClientException"),)
        ),
        Refusal("403", "may not call polly:SynthesizeSpeech", (403,)),
    ),
    build_refusal=Refusal(
        "secret",
        r"refused the AWS credentials \(InvalidSignatureException, HTTP 403\)",
        env={"AWS_SECRET_ACCESS_KEY": "not-the-secret"},
    ),
    past_retries=(
        Storm("429", 429, r"polly: 127\.0\.0\.1:\d+ answered HTTP 429 after 3 retries \(rate limited"),
        Storm("500", 500, r"polly: 127\.0\.0\.1:\d+ answered HTTP 500 after 3 retries: .*Internal service failure"),
        Storm(
            "throttled",
            "throttle",
            r"polly: 127\.0\.0\.1:\d+ throttled every request \(ThrottlingException, HTTP 400\) after 3 retries: "
            r".*Wait a while",
        ),
    ),
    # The first take is throttled past its retries; then the service drops every connection (given up on at once).
    failing=("throttle",) * 5 + ("reset",) * 200,
    failing_said=("throttled every request (ThrottlingException, HTTP 400)",),
    missing=(
        Missing(
            "no-keys",
            ("polly needs AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",),
            unset=("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"),
        ),
        Missing(
            "only-the-key-id",
            (
                "polly cannot read the AWS credentials: Partial credentials found in env, missing: "
                "AWS_SECRET_ACCESS_KEY",
            ),
            unset=("AWS_SECRET_ACCESS_KEY",),
        ),
        Missing(
            "no-such-profile",
            ("polly cannot read the AWS credentials: The config profile (clinic) could not be found",),
            unset=("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"),
            env={"AWS_PROFILE": "clinic"},
        ),
    ),
    wrong_voices=(
        ({"voice": "Hala", "pitch": 60}, "polly cannot change pitch: remove 'pitch' from voices.ar"),
        ({"voice": "Hala", "model": "generative"}, r"polly voice Hala has no 'generative' engine \(it has neural\)"),
        ({"voice": "Zeina", "model": "neural"}, r"polly voice Zeina has no 'neural' engine \(it has standard\)"),
        ({"voice": "Hala", "model": "eleven_multilingual_v2"}, "polly has no model 'eleven_multilingual_v2'"),
        ({"voice": "Joanna"}, "speaks en-US, not 'ar'"),
        ({"voice": "Fatima"}, r"polly voice 'Fatima' is not one guide knows \(for 'ar': Hala, Zayd, Zeina\)"),
    ),
    listings=(
        Listing(
            "ar",
            ("Hala", "Zayd", "Zeina"),
            count=3,
            exact=True,
            said=(
                ("Hala", "Arabic (Gulf), female; neural (default)"),
                ("Zeina", "Arabic (Modern Standard), female; standard"),
            ),
        ),
    ),
    heal=(
        ("throttled", ("throttle",) * 3),
        ("html", ("html",)),
        ("unavailable-400", (AwsError(400, "ServiceUnavailableException"), "throttle")),
    ),
    price_said=("(Neural voices; https://aws.amazon.com/polly/pricing/", "read 2026-12-03"),
)


# -- ElevenLabs -----------------------------------------------------------------------------------------------------

CLONE = "c1oNeDv01ceF0rTest01"
"""A voice id of the stand-in's account, not in guide's catalogue."""
RACHEL = "21m00Tcm4TlvDq8ikWAM"


def configure_elevenlabs(monkeypatch: pytest.MonkeyPatch, server: CloudStandIn, folder: Path) -> None:
    """The stand-in's key in ``ELEVENLABS_API_KEY`` and ``GUIDE_ELEVENLABS_URL``."""
    monkeypatch.setenv("ELEVENLABS_API_KEY", server.key)
    monkeypatch.setenv("GUIDE_ELEVENLABS_URL", server.url)


def elevenlabs_wire(request: Seen, text: str, engine: CloudEngine, voice: VoiceRef) -> None:
    """The text exactly as written in the JSON's ``text``, and nothing leaked out of that field."""
    body = json.loads(request.body.decode("utf-8"))
    assert body["text"] == text and set(body) == {"text", "model_id"}


ELEVENLABS = CloudSpec(
    name="elevenlabs",
    engine_class=ElevenLabsEngine,
    standin=ElevenLabsStandIn,
    configure=configure_elevenlabs,
    voice=CLONE,
    other_voice=RACHEL,
    english=CLONE,
    rate=24000,
    build_fields={"voice": CLONE, "model": "eleven_multilingual_v2"},
    billed=lambda r: len(r.extra["text"]),
    wire=elevenlabs_wire,
    ssml=False,
    refusals=(
        Refusal(
            "wrong-key",
            r"elevenlabs: .* refused the key \(HTTP 401, invalid_api_key: Invalid API key\): "
            r"check ELEVENLABS_API_KEY",
            env={"ELEVENLABS_API_KEY": "not-the-key"},
        ),
        Refusal(
            "403",
            r"refused the key's access \(HTTP 403, missing_permissions: .*text_to_speech.*\): "
            r"the key may lack the Text to Speech permission",
            (403,),
        ),
    ),
    build_refusal=Refusal(
        "wrong-key", r"refused the key \(HTTP 401, invalid_api_key", env={"ELEVENLABS_API_KEY": "not-the-key"}
    ),
    past_retries=(
        *(
            Storm(
                f"429-{status}",
                429,
                rf"elevenlabs: 127\.0\.0\.1:\d+ answered HTTP 429 after 3 retries \(rate limited.*{status}",
                {"rate_limit_status": status},
            )
            for status in ("too_many_concurrent_requests", "system_busy")
        ),
        Storm("500", 500, r"elevenlabs: 127\.0\.0\.1:\d+ answered HTTP 500 after 3 retries"),
    ),
    failing=(503,) * 200,
    missing=(Missing("key", ("elevenlabs needs an API key: set ELEVENLABS_API_KEY",), unset=("ELEVENLABS_API_KEY",)),),
    wrong_voices=tuple(
        ({"voice": CLONE, **settings}, message)
        for settings, message in (
            ({"speed": 0.6}, r"0\.7 to 1\.2 times a voice's normal speed, not 0\.6: change voices\.ar\.speed"),
            ({"speed": 1.3}, r"0\.7 to 1\.2 times a voice's normal speed, not 1\.3"),
            ({"pitch": 60}, r"elevenlabs cannot change pitch: remove 'pitch' from voices\.ar"),
            (
                {"model": "eleven_flash_v2"},
                r"model 'eleven_flash_v2' is not one guide can use: choose "
                r"eleven_multilingual_v2, eleven_v3, eleven_flash_v2_5, eleven_turbo_v2_5",
            ),
            ({"model": "eleven_monolingual_v1"}, r"model 'eleven_monolingual_v1' is not one guide can use"),
            ({"voice": "Nobody"}, r"voice 'Nobody' is neither a voice id \(20 letters and digits"),
            ({"voice": "21m00Tcm4TlvDq8ikWA"}, r"is neither a voice id"),  # 19 characters
            ({"voice": "21m00Tcm4TlvDq8ikWA!"}, r"is neither a voice id"),
        )
    ),
    listings=tuple(
        Listing(
            lang,
            tuple(v.name for v in ELEVENLABS_CATALOGUE),
            count=len(ELEVENLABS_CATALOGUE),
            said=((RACHEL, "Rachel: English (American) accent, female"),),
        )
        for lang in ("ar", "en")
    ),
)


SPECS = (AZURE, GOOGLE, POLLY, ELEVENLABS)
"""Every cloud engine: each passes the whole contract on its stand-in."""
