"""A loopback stand-in of Amazon Polly's REST API (SynthesizeSpeech, ``POST /v1/speech``), on the
base server of tests/cloud_standin.py.

It checks what AWS checks: a Signature Version 4 ``Authorization`` for the test access key and
service ``polly`` in the stand-in's region, the signature itself recomputed with botocore from the
request as received and the test secret key (a wrong secret is refused with 403
``InvalidSignatureException``, as AWS would), a JSON body with Polly's fields, SSML that parses
(else 400 ``InvalidSsmlException``), and a voice that has the asked engine and language. It
answers raw 16-bit little-endian mono PCM at the asked sample rate (``audio/pcm``) with
``x-amzn-RequestCharacters``, and errors as Polly does: a JSON ``{"message": ...}`` with the
error's type in ``x-amzn-ErrorType``.

Scripted behaviours are the base server's ("ok", an HTTP status, "hang", "empty", "reset"), and:

- "throttle": HTTP 400 ``ThrottlingException``, as AWS throttles;
- "garbage": a 200 ``audio/pcm`` answer of an odd number of bytes (raw PCM has no header by which
  the base server's even-length garbage could be told from sound);
- "html": a 200 ``text/html`` page (a proxy's or a captive portal's);
- ``AwsError(status, "SomeException")``: that error, with that status.
"""

from __future__ import annotations

import datetime
import hmac
import json
import re
import threading
import uuid
import xml.etree.ElementTree as ET

from .cloud_standin import CloudStandIn, Refuse, Seen

VOICES = {
    # VoiceId: (LanguageCode, engines), from Polly's voice table
    # (docs.aws.amazon.com/polly/latest/dg/available-voices.html)
    "Hala": ("ar-AE", {"neural"}),
    "Zayd": ("ar-AE", {"neural"}),
    "Zeina": ("arb", {"standard"}),
    "Joanna": ("en-US", {"standard", "neural", "generative"}),
    "Matthew": ("en-US", {"standard", "neural", "generative"}),
    "Danielle": ("en-US", {"neural", "long-form", "generative"}),
    "Gregory": ("en-US", {"neural", "long-form"}),
    "Amy": ("en-GB", {"standard", "neural", "generative"}),
    "Brian": ("en-GB", {"standard", "neural", "generative"}),
}

DEFAULT_ERRORS = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "UnknownOperationException",
    429: "ThrottlingException",
    500: "ServiceFailureException",
    503: "ServiceUnavailableException",
}
"""The error type a bare scripted status comes with."""

MESSAGES = {
    "ThrottlingException": "Rate exceeded",
    "ServiceFailureException": "Internal service failure",
    "AccessDeniedException": "User is not authorized to perform: polly:SynthesizeSpeech",
}
"""What AWS says with a scripted error."""

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([a-z0-9;-]+), "
    r"Signature=([0-9a-f]{64})$"
)
_RATE = re.compile(r"^(\d+)%$")


class AwsError(int):
    """A scripted (or raised) HTTP status that carries AWS's error type: ``AwsError(400, "ThrottlingException")``."""

    def __new__(cls, status: int, error: str) -> AwsError:
        value = super().__new__(cls, status)
        value.error = error
        return value


THROTTLE = AwsError(400, "ThrottlingException")
_GARBAGE = AwsError(200, "garbage")
_HTML = AwsError(200, "html")
_NAMED = {"throttle": THROTTLE, "garbage": _GARBAGE, "html": _HTML}


class PollyStandIn(CloudStandIn):
    """Amazon Polly's SynthesizeSpeech over REST, SigV4 checked for real."""

    access_key = "AKIAGUIDETESTKEY0001"
    secret_key = "guide-test-secret/Polly+StandIn0000000000"
    region = "me-south-1"

    def __init__(self, samples, rate: int) -> None:  # samples: an np.ndarray
        super().__init__(samples, rate)
        # Stop within 50 ms of the test's end rather than serve_forever's default half second, times every test.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def script(self) -> list[object]:
        """The behaviours of the next requests (see the module's docstring)."""
        return self._script

    @script.setter
    def script(self, actions: list[object]) -> None:
        # Polly's own behaviours become statuses the base server answers through error_body.
        self._script = [_NAMED.get(a, a) if isinstance(a, str) else a for a in actions]

    def handle(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.method != "POST" or seen.path != "/v1/speech":
            raise Refuse(AwsError(404, "UnknownOperationException"), f"no operation {seen.method} {seen.path}")
        self.check_signature(seen)
        if not seen.headers.get("content-type", "").startswith("application/json"):
            raise Refuse(
                AwsError(400, "SerializationException"), "the body must be JSON (Content-Type: application/json)"
            )
        try:
            fields = json.loads(seen.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refuse(AwsError(400, "SerializationException"), "the body is not JSON") from None
        for name in ("OutputFormat", "Text", "VoiceId"):
            if not isinstance(fields.get(name), str) or not fields[name]:
                raise Refuse(
                    AwsError(400, "ValidationException"), f"1 validation error detected: {name} must not be null"
                )
        if fields["OutputFormat"] != "pcm":
            raise Refuse(AwsError(400, "ValidationException"), "this stand-in answers OutputFormat pcm only")
        rate = fields.get("SampleRate", "16000")
        if rate not in ("8000", "16000"):
            raise Refuse(AwsError(400, "InvalidSampleRateException"), f"sample rate {rate} is not valid for pcm")
        voice, engine = fields["VoiceId"], fields.get("Engine", "standard")
        if voice not in VOICES:
            raise Refuse(
                AwsError(400, "ValidationException"), f"Value '{voice}' at 'voiceId' failed to satisfy constraint"
            )
        language, engines = VOICES[voice]
        if engine not in engines:
            raise Refuse(
                AwsError(400, "EngineNotSupportedException"),
                f"This voice does not support the selected engine: {engine}",
            )
        if fields.get("LanguageCode", language) != language:
            raise Refuse(
                AwsError(400, "LanguageNotSupportedException"),
                f"Language {fields['LanguageCode']} is not supported by {voice}",
            )
        if fields.get("TextType") != "ssml":
            raise Refuse(AwsError(400, "ValidationException"), "this stand-in takes TextType ssml only")
        try:
            root = ET.fromstring(fields["Text"])
        except ET.ParseError as exc:
            raise Refuse(AwsError(400, "InvalidSsmlException"), f"Invalid SSML request: {exc}") from None
        if root.tag != "speak":
            raise Refuse(
                AwsError(400, "InvalidSsmlException"), "Invalid SSML request: the root element must be <speak>"
            )
        prosody = [p.attrib for p in root.iter("prosody")]
        for attrs in prosody:
            self.check_prosody(attrs, engine)
        text = "".join(root.itertext())
        if len(text) > 3000:
            raise Refuse(AwsError(400, "TextLengthExceededException"), "Maximum text length has been exceeded")
        seen.extra = {
            "text": text,
            "voice": voice,
            "engine": engine,
            "lang": fields.get("LanguageCode"),
            "rate": rate,
            "prosody": prosody,
            "phonemes": [p.attrib for p in root.iter("phoneme")],
            "tags": [e.tag for e in root.iter()],
        }
        audio = self.speech(int(rate)).astype("<i2").tobytes()
        return (
            200,
            {
                "Content-Type": "audio/pcm",
                "x-amzn-RequestCharacters": str(len(text)),
                "x-amzn-RequestId": str(uuid.uuid4()),
            },
            audio,
        )

    def check_prosody(self, attrs: dict[str, str], engine: str) -> None:
        """Refuse prosody Polly's documentation says it does not take (pitch but on standard voices; rate n% in
        20-200)."""
        if "pitch" in attrs and engine != "standard":
            raise Refuse(AwsError(400, "InvalidSsmlException"), f"Unsupported {engine} feature: prosody pitch")
        if "rate" in attrs:
            match = _RATE.match(attrs["rate"])
            if attrs["rate"] not in ("x-slow", "slow", "medium", "fast", "x-fast") and not (
                match and 20 <= int(match.group(1)) <= 200
            ):
                raise Refuse(
                    AwsError(400, "InvalidSsmlException"), f"Invalid SSML request: prosody rate {attrs['rate']!r}"
                )

    def check_signature(self, seen: Seen) -> None:
        """What AWS checks before anything else: a SigV4 signature, by a known key, for polly here, that matches."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        header = seen.headers.get("authorization", "")
        if not header:
            raise Refuse(AwsError(403, "MissingAuthenticationTokenException"), "Missing Authentication Token")
        match = _AUTH.match(header)
        if not match:
            raise Refuse(
                AwsError(403, "IncompleteSignatureException"),
                f"Authorization header requires a SigV4 signature: {header[:60]}",
            )
        key, day, region, service, signed_names, signature = match.groups()
        if key != self.access_key:
            raise Refuse(
                AwsError(403, "UnrecognizedClientException"), "The security token included in the request is invalid."
            )
        if service != "polly" or region != self.region:
            raise Refuse(
                AwsError(403, "InvalidSignatureException"),
                f"Credential should be scoped to a valid region and service polly, not '{region}/{service}'.",
            )
        stamp = seen.headers.get("x-amz-date", "")
        try:
            when = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        except ValueError:
            raise Refuse(AwsError(400, "IncompleteSignatureException"), "X-Amz-Date is missing or malformed") from None
        if stamp[:8] != day or abs((datetime.datetime.now(datetime.UTC) - when).total_seconds()) > 300:
            raise Refuse(
                AwsError(403, "InvalidSignatureException"), "Signature expired or not of its credential's day."
            )
        names = signed_names.split(";")
        if not {"host", "x-amz-date"} <= set(names):
            raise Refuse(AwsError(403, "InvalidSignatureException"), "Host and X-Amz-Date must be signed.")
        # The signature AWS would compute from this request as it arrived and the key's secret.
        received = AWSRequest(
            seen.method,
            f"http://{seen.headers.get('host', '')}{seen.path}",
            data=seen.body,
            headers={name: seen.headers.get(name, "") for name in names},
        )
        received.context["timestamp"] = stamp
        signer = SigV4Auth(Credentials(self.access_key, self.secret_key), service, region)
        expected = signer.signature(signer.string_to_sign(received, signer.canonical_request(received)), received)
        if not hmac.compare_digest(expected, signature):
            raise Refuse(
                AwsError(403, "InvalidSignatureException"),
                "The request signature we calculated does not match the "
                "signature you provided. Check your AWS Secret Access Key and signing method.",
            )

    def error_body(self, status: int, message: str) -> tuple[dict[str, str], bytes]:
        error = getattr(status, "error", DEFAULT_ERRORS.get(status, "InternalFailure"))
        if error == "garbage":  # a cut stream: half a sample too many
            return {"Content-Type": "audio/pcm"}, self.speech(16000)[:801].astype("<i2").tobytes()[:-1]
        if error == "html":
            return {
                "Content-Type": "text/html"
            }, b"<html><body>Proxy error: please sign in to the hotel network</body></html>"
        if message == "scripted":
            message = MESSAGES.get(error, "scripted")
        return (
            {
                "Content-Type": "application/json",
                "x-amzn-ErrorType": f"{error}:http://internal.amazon.com/coral/com.amazon.coral.service/",
                "x-amzn-RequestId": str(uuid.uuid4()),
            },
            json.dumps({"message": message}).encode(),
        )
