"""A loopback stand-in of ElevenLabs' text-to-speech REST API (tests/cloud_standin.py has the server).

It speaks the documented wire format: ``POST /v1/text-to-speech/<voice_id>?output_format=...`` with the
key in ``xi-api-key`` and a JSON body; raw 16-bit little-endian PCM for ``pcm_<rate>``, MP3 for ``mp3_*``;
errors as ``{"detail": {"status": ..., "message": ...}}``, and schema errors as FastAPI's 422
``{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`` (checked before the key, as the service does).
"""

from __future__ import annotations

import json
import re

from .cloud_standin import CloudStandIn, Refuse, Seen, mp3_bytes

VOICES = {
    "JBFqnCBsd6RMkjVDRZzb",  # George
    "EXAVITQu4vr4xnSDxMaL",  # Sarah
    "21m00Tcm4TlvDq8ikWAM",  # Rachel
    "Xb7hH8MSUJpSbSDYk0k2",  # Alice
    "onwK4e9ZLuTAKqWW03F9",  # Daniel
    "nPczCjzI2devNBz1zQrb",  # Brian
    "XrExE9yKIg1WjnnlVkGX",  # Matilda
    "IKne3meq5aSn9XLyUdCD",  # Charlie
    "c1oNeDv01ceF0rTest01",  # a voice this account cloned
}
"""The voices this stand-in's account has: a few premade ones and a clone."""

TTS_MODELS = {
    "eleven_multilingual_v2",
    "eleven_v3",
    "eleven_flash_v2_5",
    "eleven_turbo_v2_5",
    "eleven_flash_v2",
    "eleven_turbo_v2",
}
NO_LANGUAGE_CODE = {"eleven_multilingual_v2"}  # "This parameter is not supported for multilingual_v2 models."
MP3_FORMATS = {
    "mp3_22050_32",
    "mp3_24000_48",
    "mp3_44100_32",
    "mp3_44100_64",
    "mp3_44100_96",
    "mp3_44100_128",
    "mp3_44100_192",
}
PCM_RATES = {8000, 16000, 22050, 24000, 32000, 44100, 48000}

SCRIPTED = {
    400: {"status": "invalid_request", "message": "The request is invalid."},
    401: {"status": "invalid_api_key", "message": "Invalid API key"},
    402: {"status": "insufficient_credits", "message": "Your account has insufficient credits."},
    403: {
        "status": "missing_permissions",
        "message": "The API key you used is missing the permission text_to_speech to execute this operation.",
    },
    404: {"status": "voice_not_found", "message": "A voice with the voice_id was not found."},
    500: {"status": "internal_error", "message": "An internal error occurred."},
    502: {"status": "internal_error", "message": "Bad gateway."},
    503: {"status": "system_busy", "message": "Our services are experiencing high levels of traffic."},
}
"""The ``detail`` a scripted status answers with (429's is `rate_limit_status`)."""


def validation_error(*errors: tuple[list, str, str]) -> Refuse:
    """A 422 as FastAPI gives it: (loc, msg, type) per field."""
    return Refuse(422, json.dumps([{"loc": loc, "msg": msg, "type": kind} for loc, msg, kind in errors]))


def detail(status: str, message: str) -> str:
    return json.dumps({"status": status, "message": message})


class ElevenLabsStandIn(CloudStandIn):
    """ElevenLabs' ``POST /v1/text-to-speech/{voice_id}``: JSON in, audio in the asked ``output_format`` out."""

    key = "test-elevenlabs-key"

    def __init__(self, samples, rate) -> None:  # as CloudStandIn
        super().__init__(samples, rate)
        self.rate_limit_status = "too_many_concurrent_requests"
        """What a scripted 429 says: ``too_many_concurrent_requests`` or ``system_busy``."""
        self.quota: int | None = None
        """Characters the account has left (None: no limit); a longer text is refused with quota_exceeded."""
        self.voices = set(VOICES)

    def handle(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        match = re.fullmatch(r"/v1/text-to-speech/([^/]+)", seen.path)
        if seen.method != "POST" or match is None:
            raise Refuse(404, detail("not_found", "Not Found"))
        # The body's schema is checked before the key (a malformed body is a 422 whatever the key).
        if not seen.headers.get("content-type", "").startswith("application/json"):
            raise validation_error(
                (
                    ["body"],
                    "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type",
                )
            )
        try:
            body = json.loads(seen.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise validation_error((["body"], "JSON decode error", "json_invalid")) from None
        if not isinstance(body, dict):
            raise validation_error((["body"], "Input should be a valid dictionary", "dict_type"))
        if not isinstance(body.get("text"), str):
            raise validation_error(
                (
                    ["body", "text"],
                    "Field required" if "text" not in body else "Input should be a valid string",
                    "missing",
                )
            )
        settings = body.get("voice_settings") or {}
        if not isinstance(settings, dict):
            raise validation_error((["body", "voice_settings"], "Input should be a valid dictionary", "dict_type"))
        speed = settings.get("speed")
        if speed is not None and not (isinstance(speed, (int, float)) and 0.7 <= speed <= 1.2):
            raise validation_error(
                (["body", "voice_settings", "speed"], "Input should be between 0.7 and 1.2", "invalid_voice_settings")
            )
        seen.extra = {
            "text": body["text"],
            "model": body.get("model_id"),
            "voice": match.group(1),
            "speed": speed,
            "language_code": body.get("language_code"),
            "voice_settings": body.get("voice_settings"),
        }
        key = seen.headers.get("xi-api-key")
        if not key:
            raise Refuse(
                401,
                detail(
                    "needs_authorization", "Neither authorization header nor xi-api-key received, please provide one."
                ),
            )
        if key != self.key:
            raise Refuse(401, detail("invalid_api_key", "Invalid API key"))
        if match.group(1) not in self.voices:
            raise Refuse(404, detail("voice_not_found", f"A voice with the voice_id {match.group(1)} was not found."))
        model = body.get("model_id", "eleven_multilingual_v2")
        if model not in TTS_MODELS:
            raise Refuse(400, detail("model_not_found", f"A model with the model_id {model} was not found."))
        if body.get("language_code") is not None and model in NO_LANGUAGE_CODE:
            raise Refuse(400, detail("unsupported_language", f"Model '{model}' does not support language_code."))
        fmt = (seen.query.get("output_format") or ["mp3_44100_128"])[0]
        pcm = re.fullmatch(r"pcm_(\d+)", fmt)
        if not (fmt in MP3_FORMATS or (pcm and int(pcm.group(1)) in PCM_RATES)):
            raise validation_error(
                (["query", "output_format"], f"Input should be one of the documented formats, not '{fmt}'", "enum")
            )
        if self.quota is not None:
            if len(body["text"]) > self.quota:
                raise Refuse(
                    401,
                    detail(
                        "quota_exceeded",
                        f"This request exceeds your quota of {self.quota} characters. "
                        f"You have {self.quota} credits remaining, while {len(body['text'])} credits are required.",
                    ),
                )
            self.quota -= len(body["text"])
        if pcm:
            rate = int(pcm.group(1))
            return 200, {"Content-Type": "audio/pcm"}, self.speech(rate).astype("<i2").tobytes()
        rate = int(fmt.split("_")[1])
        return 200, {"Content-Type": "audio/mpeg"}, mp3_bytes(self.speech(rate), rate)

    def error_body(self, status: int, message: str) -> tuple[dict[str, str], bytes]:
        if message == "scripted":  # a status from the test's script: what the service says with it
            said = (
                {"status": self.rate_limit_status, "message": "Too many requests."}
                if status == 429
                else SCRIPTED.get(status, {"status": "error", "message": ""})
            )
        else:
            said = json.loads(message)
        return {"Content-Type": "application/json"}, json.dumps({"detail": said}).encode()
