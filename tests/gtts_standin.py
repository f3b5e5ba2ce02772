"""A loopback stand-in for Google Translate's batchexecute endpoint, the one gTTS calls.

It is a real HTTP server on 127.0.0.1: it parses gTTS's form-encoded RPC,
checks it asks for the jQ1olc (speech) call, and answers in the same framing
Google uses, with a real MP3 as the audio. Each request takes the next
scripted behaviour (else the one set for its text in `fail_texts`, else "ok"): "ok", an HTTP status
(429, 503), "hang" (answer after the client's timeout), "garbage" (200 with no audio), "empty" (200
with an empty body), "truncated" (200 cut in the middle of the audio) or "reset" (the connection
closed with no answer).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandIn:
    def __init__(self, mp3: bytes) -> None:
        self.mp3 = mp3
        self.script: list[object] = []
        self.requests: list[dict] = []
        self.hang_seconds = 2.0
        self.tlds: list[str] = []
        self.fail_texts: dict[str, object] = {}  # text -> behaviour, for every request of that text
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = urllib.parse.parse_qs(body)
                rpc = json.loads(form["f.req"][0])
                rpc_id, params = rpc[0][0][0], json.loads(rpc[0][0][1])
                server.requests.append(
                    {"path": self.path, "rpc": rpc_id, "text": params[0], "lang": params[1], "speed": params[2]}
                )
                action = server.script.pop(0) if server.script else server.fail_texts.get(params[0], "ok")
                if action == "hang":
                    time.sleep(server.hang_seconds)
                    action = "ok"
                if action == "reset":
                    self.close_connection = True
                    self.connection.shutdown(2)  # no status line at all: the client sees a dropped connection
                    return
                if isinstance(action, int):
                    self.send_response(action)
                    self.end_headers()
                    return
                if rpc_id != "jQ1olc":
                    self.send_response(400)
                    self.end_headers()
                    return
                audio = base64.b64encode(server.mp3).decode() if action == "ok" else "nothing here"
                compact = {"separators": (",", ":")}  # Google's framing has no spaces
                payload = json.dumps(
                    [["wrb.fr", "jQ1olc", json.dumps([audio], **compact), None, None, None, "generic"]], **compact
                )
                text = f")]}}'\n\n{len(payload)}\n{payload}\n" if action == "ok" else ")]}'\n\n2\n[]\n"
                if action == "empty":
                    text = ""
                elif action == "truncated":
                    full = f")]}}'\n\n{len(payload)}\n{payload}\n"
                    text = full[: len(full) // 2]
                data = text.encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        class Server(ThreadingHTTPServer):
            def verify_request(self, request, client_address) -> bool:  # every accepted connection
                server.connections += 1
                return True

        self.connections = 0
        """TCP connections accepted, whatever they asked (an offline build must make none)."""
        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, tld: str = "com", path: str = "") -> str:
        """Stands in for gtts.utils._translate_url; records the tld each request was planned with."""
        self.tlds.append(tld)
        return f"http://127.0.0.1:{self.port}/{path}"

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
