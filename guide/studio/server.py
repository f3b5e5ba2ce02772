"""Serving the studio: bind, print the address with its token, open the browser, stop cleanly on Ctrl-C."""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

from ..errors import InputError
from .app import create_app
from .security import LOCAL_NAMES, WILDCARDS, Sessions
from .workspace import Workspace

__all__ = ["Studio", "open_socket"]


def open_socket(host: str, port: int) -> socket.socket:
    """A listening socket on `host`:`port` (0: a free port); InputError when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; try another --port, or --port 0 for any free one"
        ) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


@dataclass
class Studio:
    """A running studio: its socket, its sessions and its app."""

    workspace: Workspace
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self.sessions = Sessions()
        self.socket = open_socket(self.host, self.port)
        self.port = self.socket.getsockname()[1]
        self.app = create_app(self.workspace, self.sessions, self.host)
        self.server: Any = None

    @property
    def exposed(self) -> bool:
        """Reachable from other machines (a --host other than a local name)."""
        return self.host not in LOCAL_NAMES

    def login_url(self) -> str:
        """An address that logs one browser in (a new one-time token each call)."""
        name = "127.0.0.1" if self.host in WILDCARDS else self.host
        name = f"[{name}]" if ":" in name else name
        return f"http://{name}:{self.port}/?token={self.sessions.new_token()}"

    def serve(self, on_started: Callable[[], None] = lambda: None) -> None:
        """Serve until Ctrl-C (or SIGTERM); running builds are cancelled, their recorded takes kept."""
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
            access_log=False,
            proxy_headers=False,
            server_header=False,
        )
        close_streams = self.app.close_streams

        class Server(uvicorn.Server):
            def handle_exit(self, sig: int, frame: Any) -> None:
                close_streams()  # open event streams end now, instead of being cut off after the grace period
                super().handle_exit(sig, frame)

        server = self.server = Server(config)

        def started() -> None:
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                on_started()

        threading.Thread(target=started, daemon=True).start()
        warm = threading.Thread(target=self.workspace.warm, name="studio-warm", daemon=True)
        warm.start()
        try:
            server.run(sockets=[self.socket])
        finally:
            # Native voices must not be mid-sentence while the interpreter tears down (onnxruntime crashes then).
            self.workspace.stop()
            warm.join()

    def stop(self) -> None:
        """Ask a serving studio to stop, as Ctrl-C does (from another thread)."""
        if self.server is not None:
            self.app.close_streams()
            self.server.should_exit = True


def open_browser(url: str) -> None:
    """Open `url` in the user's browser, when there is one (never fails the studio)."""
    try:
        webbrowser.open(url)
    except webbrowser.Error:
        pass
