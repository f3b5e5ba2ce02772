"""A loopback stand-in of Google Cloud Text-to-Speech's REST API v1 (and of Google's OAuth2 token endpoint).

``POST /v1/text:synthesize`` takes the documented JSON (``input.ssml`` or ``input.text``, ``voice``,
``audioConfig``), authenticated by ``X-Goog-Api-Key`` or by a Bearer token this server issued, and
answers ``{"audioContent": base64(WAV)}`` at the asked sample rate; errors carry Google's JSON error body.
``POST /token`` speaks OAuth2's refresh-token grant, as ``oauth2.googleapis.com/token`` does for the
``authorized_user`` credentials gcloud writes.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

from .cloud_standin import CloudStandIn, Refuse, Seen, wav_bytes

STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
"""Google's canonical error status for each HTTP status the stand-in answers with."""

VOICE = re.compile(r"^([a-z]{2,3}-[A-Z]{2})-([A-Za-z0-9]+(?:-HD)?)-([A-Za-z0-9]+)$")
ENCODINGS = ("LINEAR16",)  # what this stand-in can answer; Google has more (MP3, OGG_OPUS, MULAW, ALAW)
STARS = ("Achernar", "Aoede", "Charon", "Fenrir", "Kore", "Leda", "Orus", "Puck", "Schedar", "Zephyr")
VOICES = frozenset(
    [
        f"{locale}-{kind}-{letter}"
        for locale in ("ar-XA", "en-US", "en-GB")
        for kind in ("Standard", "Wavenet")
        for letter in "ABCDEF"
    ]
    + [f"{locale}-Chirp3-HD-{star}" for locale in ("ar-XA", "en-US", "en-GB") for star in STARS]
)
"""Voices this stand-in has (a sample of Google's): any other name is refused, as Google refuses it."""


class GoogleCloudStandIn(CloudStandIn):
    """Google Cloud Text-to-Speech v1 ``text:synthesize`` and an OAuth2 token endpoint, on 127.0.0.1."""

    key = "test-google-api-key"
    client_id = "test-client.apps.googleusercontent.com"
    client_secret = "test-client-secret"
    refresh_token = "test-refresh-token"

    def __init__(self, samples, rate: int) -> None:  # samples: numpy samples
        super().__init__(samples, rate)
        self.tokens: set[str] = set()
        """Access tokens this server issued (and so accepts)."""
        self._count = itertools.count(1)

    def synthesis_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path == "/v1/text:synthesize"]

    def token_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path == "/token"]

    def handle(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.method == "POST" and seen.path == "/token":
            return self._token(seen)
        if seen.method != "POST" or seen.path != "/v1/text:synthesize":
            raise Refuse(404, f"{seen.method} {seen.path} is not a Text-to-Speech method")
        self._authenticate(seen)
        if not seen.headers.get("content-type", "").startswith("application/json"):
            raise Refuse(400, "Invalid JSON payload received: not application/json.")
        try:
            request = json.loads(seen.body)
        except ValueError as exc:
            raise Refuse(400, f"Invalid JSON payload received. {exc}") from None
        given, voice, config = request.get("input") or {}, request.get("voice") or {}, request.get("audioConfig") or {}
        name = voice.get("name", "")
        match = VOICE.match(name)
        if name not in VOICES or not match or voice.get("languageCode") != match.group(1):
            raise Refuse(400, f"Voice '{name}' does not exist. Is it misspelled?")
        chirp = match.group(2).startswith("Chirp")
        if len(given) != 1 or not isinstance(next(iter(given.values()), None), str) or set(given) - {"ssml", "text"}:
            raise Refuse(400, "input must hold exactly one of text or ssml.")
        if "ssml" in given:
            if chirp:  # Chirp 3: HD voices take no SSML
                raise Refuse(400, f"This voice ({name}) does not support SSML input.")
            try:
                root = ET.fromstring(given["ssml"])
            except ET.ParseError as exc:
                raise Refuse(400, f"Invalid SSML: {exc}") from None
            if root.tag != "speak":
                raise Refuse(400, "Invalid SSML: the root element must be <speak>.")
            text = "".join(root.itertext())
            phonemes = [p.attrib for p in root.iter("phoneme")]
            tags = [e.tag for e in root.iter()]
        else:
            text, phonemes, tags = given["text"], [], []
        if config.get("audioEncoding") not in ENCODINGS:
            raise Refuse(400, f"audioEncoding {config.get('audioEncoding')!r} is not supported here.")
        if chirp and "pitch" in config:
            raise Refuse(400, f"This voice ({name}) does not support pitch parameters.")
        rate = int(config.get("sampleRateHertz") or 24000)
        seen.extra = {
            "text": text,
            "voice": name,
            "lang": voice.get("languageCode"),
            "input": next(iter(given)),
            "audioConfig": config,
            "phonemes": phonemes,
            "tags": tags,
            "sent": next(iter(given.values())),
        }
        audio = base64.b64encode(wav_bytes(self.speech(rate), rate)).decode("ascii")
        return 200, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps({"audioContent": audio}).encode()

    def _authenticate(self, seen: Seen) -> None:
        """An API key in X-Goog-Api-Key, or a Bearer token this server issued; else 401 or 403, as Google answers."""
        key = seen.headers.get("x-goog-api-key")
        bearer = seen.headers.get("authorization", "")
        if key is not None:
            if key != self.key:
                raise Refuse(400, "API key not valid. Please pass a valid API key.")  # Google's answer to a wrong key
            return
        if not bearer.startswith("Bearer "):
            raise Refuse(403, "Method doesn't allow unregistered callers (callers without established identity).")
        if bearer[len("Bearer ") :] not in self.tokens:
            raise Refuse(401, "Request had invalid authentication credentials.")

    def _token(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        """OAuth2's refresh-token grant (RFC 6749, 6): a form body in, a Bearer access token out."""
        if not seen.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self._oauth_error(400, "invalid_request")
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(seen.body.decode("utf-8")).items()}
        seen.extra = {"form": form}
        if form.get("grant_type") != "refresh_token":
            return self._oauth_error(400, "unsupported_grant_type")
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return self._oauth_error(401, "invalid_client")
        if form.get("refresh_token") != self.refresh_token:
            return self._oauth_error(400, "invalid_grant")
        token = f"ya29.test-{next(self._count)}"
        self.tokens.add(token)
        answer = {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        return (
            200,
            {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"},
            json.dumps(answer).encode(),
        )

    @staticmethod
    def _oauth_error(status: int, error: str) -> tuple[int, dict[str, str], bytes]:
        return (
            status,
            {"Content-Type": "application/json"},
            json.dumps({"error": error, "error_description": error.replace("_", " ")}).encode(),
        )

    def authorized_user(self, quota_project: str | None = None, refresh_token: str | None = None) -> dict:
        """The ``authorized_user`` credentials ``gcloud auth application-default login`` writes, pointed at this
        server."""
        info = {
            "type": "authorized_user",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": refresh_token or self.refresh_token,
            "token_uri": f"{self.url}/token",
        }
        if quota_project:
            info["quota_project_id"] = quota_project
        return info

    def error_body(self, status: int, message: str) -> tuple[dict[str, str], bytes]:
        error = {"code": status, "message": message, "status": STATUS.get(status, "UNKNOWN")}
        if message.startswith("API key not valid"):
            error["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                }
            ]
        return {"Content-Type": "application/json; charset=UTF-8"}, json.dumps({"error": error}).encode()
