"""The studio's web app: the page, its assets and the JSON API under ``/api/``, over a :class:`Workspace`.

Every route is behind :class:`guide.studio.security.Guard`. Scripts are named by id and texts by
address (``faq/how-long/answer/ar``); no route takes a file path, and the only files served are
the page's own assets (a fixed list) and the files of a built guide (its player), checked to be
inside the guide's output folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import GuideError, InputError
from ..script.limits import Limits
from .security import BodyTooLarge, Guard, Sessions
from .workspace import Refused, UnknownScript, UnknownText, Workspace

__all__ = ["Wakeup", "create_app"]

ASSETS = {"studio.js": "text/javascript; charset=utf-8", "studio.css": "text/css; charset=utf-8"}
"""The page's own files, by the name the page asks for (nothing else is served from the package)."""

KEEPALIVE = 15.0
"""Seconds between comments on an idle event stream (keeps proxies and the browser from closing it)."""

FILE_CHECK = 3.0
"""Seconds between looks at the script's file from an idle event stream: a change made elsewhere is told to the page."""

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class Wakeup:
    """Wakes the event streams (in the server's loop) when a job changes (in its own thread)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self.closing = False
        """Set when the server stops: every event stream ends, so none holds up the shutdown."""

    def close(self) -> None:
        """End every event stream (thread-safe; called when the server is asked to stop)."""
        self.closing = True
        self.ring()

    def bind(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def ring(self) -> None:
        """Thread-safe."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._ring)

    def _ring(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """True when rung within `timeout` seconds."""
        if self._event is None:
            self.bind()
        try:
            await asyncio.wait_for(self._event.wait(), timeout)  # type: ignore[union-attr]
        except TimeoutError:
            return False
        return True


def _page(csrf: str) -> str:
    html = resources.files("guide.studio").joinpath("studio.html").read_text(encoding="utf-8")
    return html.replace("{{csrf}}", csrf)


def _status(exc: GuideError) -> int:
    if isinstance(exc, Refused):
        return exc.status
    if isinstance(exc, (UnknownScript, UnknownText)):
        return 404
    if isinstance(exc, InputError):
        return 422
    return 500


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise InputError("the request is not JSON") from None
    except RecursionError:  # nested thousands deep: the body limit lets that through
        raise InputError("the request is nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError("the request must be a JSON object")
    return data


def _text(body: dict[str, Any], key: str, *, optional: bool = False, limit: int = 20_000) -> str | None:
    """A string field of a request body, checked: present (unless optional), a string, not over `limit` characters."""
    value = body.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InputError(f"'{key}' must be a string")
    if len(value) > limit:
        raise InputError(f"'{key}' is longer than {limit:,} characters")
    return value


def create_app(workspace: Workspace, sessions: Sessions, bind_host: str = "127.0.0.1") -> Guard:
    """The studio as an ASGI app (Starlette behind the guard)."""
    wakeup = Wakeup()
    workspace.on_event = wakeup.ring

    async def call(function: Any, *args: Any) -> Any:
        # Library calls read files, record speech and run ffmpeg: off the event loop.
        return await asyncio.to_thread(function, *args)

    async def page(request: Request) -> Response:
        return Response(
            _page(request.scope["state"]["csrf"]), media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS
        )

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return JSONResponse({"error": "not found"}, 404)
        body = resources.files("guide.studio").joinpath(name).read_bytes()
        return Response(body, media_type=ASSETS[name], headers=SECURITY_HEADERS)

    async def scripts(request: Request) -> Response:
        found = await call(workspace.scripts)
        return JSONResponse({"scripts": [{"id": script_id, "file": path.name} for script_id, path in found.items()]})

    async def document(request: Request) -> Response:
        return JSONResponse(await call(workspace.document, request.path_params["id"]))

    async def save(request: Request) -> Response:
        body = await _json_body(request)
        texts = body.get("texts")
        if not isinstance(texts, dict):
            raise InputError("'texts' must map text addresses to their new texts")
        return JSONResponse(await call(workspace.save, request.path_params["id"], str(body.get("version", "")), texts))

    async def reviewed(request: Request) -> Response:
        body = await _json_body(request)
        return JSONResponse(
            await call(
                workspace.mark_reviewed,
                request.path_params["id"],
                _text(body, "version", limit=100),
                _text(body, "path", limit=300),
            )
        )

    async def undo(request: Request) -> Response:
        body = await _json_body(request)
        return JSONResponse(await call(workspace.undo, request.path_params["id"], str(body.get("version", ""))))

    async def preview(request: Request) -> Response:
        body = await _json_body(request)
        index = body.get("sentence", 0)
        text = body.get("text")
        if not isinstance(index, int) or isinstance(index, bool):
            raise InputError("'sentence' must be a whole number")
        if text is not None and not isinstance(text, str):
            raise InputError("'text' must be a string")
        if text is not None and len(text) > Limits().text_chars:
            raise InputError(f"the text is longer than {Limits().text_chars:,} characters")
        entry = body.get("entry")
        if entry is not None:
            if not isinstance(entry, dict):
                raise InputError("'entry' must be an object: {lang, word, say}")
            entry = (
                _text(entry, "lang", limit=20),
                _text(entry, "word", limit=200),
                _text(entry, "say", optional=True, limit=500),
            )
        wav, about = await call(
            workspace.preview, request.path_params["id"], str(body.get("path", "")), index, text, entry
        )
        about_header = quote(json.dumps(about, ensure_ascii=False))
        return Response(
            wav, media_type="audio/wav", headers={"x-guide-about": about_header, "cache-control": "no-store"}
        )

    async def lexicon(request: Request) -> Response:
        return JSONResponse({"entries": await call(workspace.lexicon, request.path_params["id"])})

    async def pronunciation_check(request: Request) -> Response:
        body = await _json_body(request)
        found = await call(
            workspace.pronunciation_effect,
            request.path_params["id"],
            _text(body, "lang", limit=20),
            _text(body, "word", limit=200),
            _text(body, "say", optional=True, limit=500),
        )
        return JSONResponse({"sentences": found})

    async def pronunciation(request: Request) -> Response:
        body = await _json_body(request)
        return JSONResponse(
            await call(
                workspace.set_pronunciation,
                request.path_params["id"],
                _text(body, "version", limit=100),
                _text(body, "lang", limit=20),
                _text(body, "word", limit=200),
                _text(body, "say", optional=True, limit=500),
                body.get("numbers_differ") is True,
            )
        )

    async def voices(request: Request) -> Response:
        return JSONResponse({"languages": await call(workspace.voices, request.path_params["id"])})

    async def voice(request: Request) -> Response:
        body = await _json_body(request)
        speed = body.get("speed", 1.0)
        if isinstance(speed, bool) or not isinstance(speed, (int, float)):
            raise InputError("'speed' must be a number")
        return JSONResponse(
            await call(
                workspace.set_voice,
                request.path_params["id"],
                _text(body, "version", limit=100),
                _text(body, "lang", limit=20),
                _text(body, "engine", limit=40),
                _text(body, "voice", optional=True, limit=300),
                float(speed),
            )
        )

    async def new_guide(request: Request) -> Response:
        body = await _json_body(request)
        languages = body.get("languages", ["en", "ar"])
        if not isinstance(languages, list) or not all(isinstance(code, str) and len(code) < 20 for code in languages):
            raise InputError("'languages' must be a list of language codes")
        script_id = await call(
            workspace.new_guide,
            _text(body, "article", limit=Limits().script_bytes),
            _text(body, "name", limit=200),
            tuple(languages),
            body.get("markdown") is True,
        )
        return JSONResponse({"id": script_id}, 201)

    async def build(request: Request) -> Response:
        job = await call(workspace.start_build, request.path_params["id"])
        return JSONResponse(job.snapshot(), 202)

    async def proof(request: Request) -> Response:
        job = await call(workspace.start_proof, request.path_params["id"])
        return JSONResponse(job.snapshot(), 202)

    async def cancel(request: Request) -> Response:
        workspace.path_of(request.path_params["id"])
        return JSONResponse({"cancelled": workspace.cancel(request.path_params["id"])})

    async def events(request: Request) -> Response:
        script_id = request.path_params["id"]
        path = workspace.path_of(script_id)

        def stamp() -> tuple[int, int] | None:
            try:
                info = path.stat()
            except OSError:
                return None
            return info.st_mtime_ns, info.st_size

        async def stream():  # an async generator of SSE lines
            last = None
            # "unknown": the first pass always says "script", so the page compares versions once connected (a change
            # made between its load and this stream's start is not missed).
            on_disk: tuple[int, int] | str | None = "unknown"
            quiet = 0.0
            while not wakeup.closing:
                state = workspace.job_state(script_id)
                seen = (
                    None if state is None else {k: v for k, v in state.items() if k not in ("seconds", "seconds_left")}
                )
                if seen != last or (state is not None and state["state"] == "running"):
                    last = seen
                    yield f"event: job\ndata: {json.dumps(state, ensure_ascii=False)}\n\n"
                now = stamp()
                if now != on_disk:  # saved here, or by another editor, a git pull: the page compares versions
                    on_disk = now
                    yield "event: script\ndata: {}\n\n"
                if await wakeup.wait(FILE_CHECK):
                    quiet = 0.0
                    continue
                quiet += FILE_CHECK
                if quiet >= KEEPALIVE:
                    quiet = 0.0
                    yield ": still here\n\n"

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"cache-control": "no-store", "x-accel-buffering": "no"}
        )

    async def guide_file(request: Request) -> Response:
        path = await call(workspace.player_file, request.path_params["id"], request.path_params["file"])
        return FileResponse(path, headers={"cache-control": "no-store", "x-content-type-options": "nosniff"})

    async def guide_error(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, GuideError):  # registered for GuideError only
            raise exc
        return JSONResponse({"error": exc.format_message(), "fields": getattr(exc, "fields", [])}, _status(exc))

    async def too_large(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": "the request is too large"}, 413)

    routes = [
        Route("/", page),
        Route("/assets/{name}", asset),
        Route("/api/scripts", scripts),
        Route("/api/scripts/{id}", document),
        Route("/api/scripts/{id}/save", save, methods=["POST"]),
        Route("/api/scripts/{id}/undo", undo, methods=["POST"]),
        Route("/api/scripts/{id}/reviewed", reviewed, methods=["POST"]),
        Route("/api/scripts/{id}/preview", preview, methods=["POST"]),
        Route("/api/scripts/{id}/build", build, methods=["POST"]),
        Route("/api/scripts/{id}/proof", proof, methods=["POST"]),
        Route("/api/scripts/{id}/cancel", cancel, methods=["POST"]),
        Route("/api/scripts/{id}/events", events),
        Route("/api/scripts/{id}/lexicon", lexicon),
        Route("/api/scripts/{id}/pronunciation/check", pronunciation_check, methods=["POST"]),
        Route("/api/scripts/{id}/pronunciation", pronunciation, methods=["POST"]),
        Route("/api/scripts/{id}/voices", voices),
        Route("/api/scripts/{id}/voice", voice, methods=["POST"]),
        Route("/api/guides", new_guide, methods=["POST"]),
        Route("/guides/{id}/{file:path}", guide_file),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        wakeup.bind()
        yield
        await asyncio.to_thread(workspace.stop)

    starlette = Starlette(
        routes=routes,
        exception_handlers={GuideError: guide_error, BodyTooLarge: too_large},
        lifespan=lifespan,
    )
    starlette.router.redirect_slashes = False  # an unknown address is 404, never a redirect elsewhere
    limits = Limits()
    guard = Guard(starlette, sessions, bind_host, max_body=limits.script_bytes + 100_000)
    guard.close_streams = wakeup.close
    return guard
