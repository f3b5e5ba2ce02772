"""The studio's guard: every request to the local app passes here first.

It is a local app that writes files, so it is held to what a server on the internet would be:

* the Host header must be a local name (or the address given with ``--host``), on every
  request, event streams included: a DNS-rebinding page cannot reach it by a name of its own;
* the printed address carries a random one-time token, exchanged for an HttpOnly,
  SameSite=Strict session cookie (Datasette's model); a request without a live session gets 403;
* a request that changes anything (any method but GET and HEAD) needs the session's CSRF
  token in ``X-CSRF-Token`` and an ``Origin`` that is the app itself;
* a request body larger than the limit is refused before it is read whole (413).

It is plain ASGI middleware, so it sits in front of every route, the static files included.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

__all__ = ["COOKIE", "CSRF_HEADER", "LOCAL_NAMES", "WILDCARDS", "Guard", "Sessions"]

COOKIE = "guide_studio"
CSRF_HEADER = "x-csrf-token"
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
SAFE_METHODS = frozenset({"GET", "HEAD"})

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class Sessions:
    """One-time login tokens and the sessions they became."""

    _tokens: set[str] = field(default_factory=set)
    _sessions: dict[str, str] = field(default_factory=dict)  # cookie value -> CSRF token

    def new_token(self) -> str:
        """A token for one login: the address printed in the terminal carries it."""
        token = secrets.token_urlsafe(32)
        self._tokens.add(token)
        return token

    def exchange(self, token: str) -> str | None:
        """The new session's cookie value for a live token (which is then spent), else None."""
        for known in list(self._tokens):
            if hmac.compare_digest(known, token):
                self._tokens.discard(known)
                cookie = secrets.token_urlsafe(32)
                self._sessions[cookie] = secrets.token_urlsafe(32)
                return cookie
        return None

    def csrf(self, cookie: str | None) -> str | None:
        """The CSRF token of the session with this cookie, None when there is no such session."""
        if not cookie:
            return None
        for known, csrf in self._sessions.items():
            if hmac.compare_digest(known, cookie):
                return csrf
        return None


def host_name(host: str) -> str:
    """The name in a Host header, without the port; brackets of an IPv6 address removed."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Guard:
    """ASGI middleware enforcing the rules in this module's docstring."""

    def __init__(
        self, app: ASGIApp, sessions: Sessions, bind_host: str = "127.0.0.1", max_body: int = 5_000_000
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.bind_host = bind_host
        self.max_body = max_body
        self.close_streams: Callable[[], None] = lambda: None
        """Ends the app's open event streams (the app sets it; the server calls it when it stops)."""

    def host_allowed(self, host: str) -> bool:
        name = host_name(host)
        if name in LOCAL_NAMES or name == self.bind_host.lower():
            return True
        # Bound to every address: the machine's own IP addresses reach it; names never do (DNS rebinding).
        return self.bind_host in WILDCARDS and _is_ip(name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if not self.host_allowed(host):
            await _refuse(send, 403, "This address is not the studio's. Open the address guide studio printed.")
            return
        method = scope.get("method", "GET")
        # Browsers keep cookies per host, not per port: a name per port keeps two studios' sessions apart.
        name = f"{COOKIE}_{host_port(host)}"
        cookie = _cookie(headers.get("cookie", ""), name)
        csrf = self.sessions.csrf(cookie)
        if csrf is None:
            token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
            new = self.sessions.exchange(token) if token and scope.get("path") == "/" and method == "GET" else None
            if new is None:
                await _refuse(
                    send,
                    403,
                    "Forbidden: open the studio from the address guide studio printed in the terminal "
                    "(its token works once; restart guide studio for a new one).",
                )
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [
                        (b"location", b"/"),
                        (b"set-cookie", f"{name}={new}; HttpOnly; SameSite=Strict; Path=/".encode("latin-1")),
                        (b"cache-control", b"no-store"),
                        (b"content-length", b"0"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if method not in SAFE_METHODS:
            origin = headers.get("origin", "")
            if origin != f"http://{host}":
                await _refuse(send, 403, "Refused: a change must come from the studio's own page (Origin).")
                return
            if not hmac.compare_digest(headers.get(CSRF_HEADER, ""), csrf):
                await _refuse(send, 403, "Refused: the page's CSRF token is missing or wrong; reload the page.")
                return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _refuse(send, 413, f"Refused: the request is larger than {self.max_body:,} bytes.")
            return
        scope.setdefault("state", {})["csrf"] = csrf
        await self.app(scope, _limited(receive, self.max_body), send)


def host_port(host: str) -> str:
    """The port in a Host header ("" when it names none)."""
    tail = host.strip().rsplit("]", 1)[-1]
    return tail.rsplit(":", 1)[1] if ":" in tail else ""


def _cookie(header: str, name: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # http.cookies raises CookieError and others on junk: no session
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


class BodyTooLarge(Exception):
    """Raised when a streamed body outgrows the limit its Content-Length did not state."""


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(f"request body over {limit} bytes")
        return message

    return wrapped


async def _refuse(send: Send, status: int, message: str) -> None:
    body = message.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
