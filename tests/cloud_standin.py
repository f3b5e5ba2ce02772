"""Loopback stand-ins for the cloud speech services: real HTTP servers on 127.0.0.1.

:class:`CloudStandIn` is the server; each vendor's subclass speaks that vendor's
documented wire format (its paths, headers, request body and error bodies) and
answers with real speech (espeak-ng's, resampled and encoded as the request asks).

Each request takes the next scripted behaviour from `script` (else "ok"): "ok",
an HTTP status (429, 500, 401...) answered with the vendor's error body, "hang"
(answer after the client's timeout), "garbage" (200 with bytes that are not
audio), "empty" (200 with no body) or "reset" (the connection closed unanswered).
"""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.parse
import wave
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import numpy as np


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    extra: dict = field(default_factory=dict)
    """What the vendor's handler read from the body (the SSML's text, the JSON fields)."""


class Refuse(Exception):
    """Raised by a handler to answer with an error status (a malformed request: what the vendor would refuse)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def resample(samples: np.ndarray, rate: int, to: int) -> np.ndarray:
    """Linear resampling: plenty for a stand-in's audio."""
    if rate == to:
        return samples
    positions = np.arange(int(len(samples) * to / rate)) * rate / to
    return np.interp(positions, np.arange(len(samples)), samples.astype(np.float64)).astype(np.int16)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def mp3_bytes(samples: np.ndarray, rate: int) -> bytes:
    from guide.audio.ffmpeg import run_ffmpeg

    return run_ffmpeg(
        ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-b:a", "48k", "-f", "mp3", "pipe:1"],
        stdin=samples.astype("<i2").tobytes(),
    )


class CloudStandIn:
    """A vendor's speech service on 127.0.0.1 (subclass: `handle` and `error_body`)."""

    def __init__(self, samples: np.ndarray, rate: int) -> None:
        self.samples = samples
        """The speech every "ok" answer carries (mono int16)."""
        self.rate = rate
        self.script: list[object] = []
        self.seen: list[Seen] = []
        self.hang_seconds = 2.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                url = urllib.parse.urlsplit(self.path)
                seen = Seen(
                    method,
                    url.path,
                    urllib.parse.parse_qs(url.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                server.seen.append(seen)
                action = server.script.pop(0) if server.script else "ok"
                if action == "hang":
                    time.sleep(server.hang_seconds)
                    action = "ok"
                if action == "reset":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                try:
                    if isinstance(action, int):
                        raise Refuse(action, "scripted")
                    status, headers, data = server.handle(seen)
                    if action == "garbage":
                        data = b"\x00\x01 this is not audio " * 20
                    elif action == "empty":
                        data = b""
                except Refuse as refusal:
                    status, headers, data = refusal.status, *server.error_body(refusal.status, str(refusal))
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def speech(self, rate: int) -> np.ndarray:
        return resample(self.samples, self.rate, rate)

    def handle(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:  # pragma: no cover - per vendor
        raise NotImplementedError

    def error_body(self, status: int, message: str) -> tuple[dict[str, str], bytes]:
        return {"Content-Type": "application/json"}, json.dumps(
            {"error": {"code": status, "message": message}}
        ).encode()

    def synthesis_requests(self) -> list[Seen]:
        """The requests that asked for speech (not voice lists)."""
        return [s for s in self.seen if s.method == "POST"]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class AzureStandIn(CloudStandIn):
    """Azure AI Speech's REST text-to-speech: POST /cognitiveservices/v1 (SSML in, audio in the asked format out)
    and GET /cognitiveservices/voices/list."""

    key = "test-azure-key"
    FORMATS: ClassVar[dict[str, int]] = {
        "riff-24khz-16bit-mono-pcm": 24000,
        "riff-16khz-16bit-mono-pcm": 16000,
        "audio-24khz-48kbitrate-mono-mp3": 24000,
    }

    def handle(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        import xml.etree.ElementTree as ET

        if seen.headers.get("ocp-apim-subscription-key") != self.key:
            raise Refuse(401, "")
        if seen.method == "GET" and seen.path == "/cognitiveservices/voices/list":
            voices = [
                {
                    "Name": "Microsoft Server Speech Text to Speech Voice (ar-SA, ZariyahNeural)",
                    "ShortName": "ar-SA-ZariyahNeural",
                    "Gender": "Female",
                    "Locale": "ar-SA",
                    "LocaleName": "Arabic (Saudi Arabia)",
                    "VoiceType": "Neural",
                }
            ]
            return 200, {"Content-Type": "application/json"}, json.dumps(voices).encode()
        if seen.path != "/cognitiveservices/v1" or seen.method != "POST":
            raise Refuse(404, "")
        if not seen.headers.get("content-type", "").startswith("application/ssml+xml"):
            raise Refuse(415, "")
        fmt = seen.headers.get("x-microsoft-outputformat", "")
        if fmt not in self.FORMATS:
            raise Refuse(400, "unsupported output format")
        try:
            root = ET.fromstring(seen.body)
        except ET.ParseError as exc:
            raise Refuse(400, f"SSML is not well-formed: {exc}") from None
        ns = "{http://www.w3.org/2001/10/synthesis}"
        voice = root.find(f"{ns}voice")
        if root.tag != f"{ns}speak" or voice is None or not voice.get("name"):
            raise Refuse(400, "SSML needs <speak> and <voice name>")
        seen.extra = {
            "text": "".join(voice.itertext()),
            "voice": voice.get("name"),
            "lang": root.get("{http://www.w3.org/XML/1998/namespace}lang"),
            "prosody": [p.attrib for p in voice.iter(f"{ns}prosody")],
            "phonemes": [p.attrib for p in voice.iter(f"{ns}phoneme")],
        }
        rate = self.FORMATS[fmt]
        audio = wav_bytes(self.speech(rate), rate) if fmt.startswith("riff") else mp3_bytes(self.speech(rate), rate)
        return 200, {"Content-Type": "audio/wav" if fmt.startswith("riff") else "audio/mpeg"}, audio

    def error_body(self, status: int, message: str) -> tuple[dict[str, str], bytes]:
        return {"Content-Type": "text/plain"}, message.encode()  # Azure's TTS errors carry little or no body
