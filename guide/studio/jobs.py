"""A build or proof run in the background for the studio: its progress, its end, and a cancel.

A job keeps its latest state (not a stream of every tick), so a page that reloads, or
a second tab, sees where it is at once; the event stream sends each new state.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import GuideError

__all__ = ["CANCELLED", "DONE", "FAILED", "RUNNING", "Cancelled", "Job"]

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"


class Cancelled(GuideError):
    """Raised inside a job's work when the user cancelled it (the build stops after the take being recorded)."""


class Job:
    """One background build or proof."""

    _numbers = 0

    def __init__(self, kind: str, notify: Callable[[], None]) -> None:
        Job._numbers += 1
        self.number = Job._numbers
        """Tells one job from the next (the page notices a new build)."""
        self.kind = kind
        """``build`` or ``proof``."""
        self.state = RUNNING
        self.done = 0
        self.total = 0
        self.item = ""
        """What is being recorded now, in words."""
        self.result: dict[str, Any] | None = None
        self.error = ""
        self.started = time.monotonic()
        self.ended: float | None = None
        self._cancel = threading.Event()
        self._notify = notify
        self._thread: threading.Thread | None = None
        self._first_tick: tuple[float, int] | None = None
        self._work: dict[str, tuple[str, int]] = {}  # take key -> (engine, characters), what is left to record
        self._paces: dict[str, tuple[float, int]] = {}  # engine -> (seconds, characters) recorded so far
        self._last_take = time.monotonic()

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    def start(self, work: Callable[[], dict[str, Any]]) -> None:
        """Run `work` in a thread; its return value is the result the page shows."""

        def run() -> None:
            try:
                self.result = work()
                self.state = DONE
            except Cancelled:
                self.state = CANCELLED
                self.error = "Cancelled. Every sentence recorded so far is kept: the next build goes on from there."
            except GuideError as exc:
                self.state = FAILED
                self.error = exc.format_message()
            except Exception as exc:  # a bug must still end the job visibly, not hang the page
                self.state = FAILED
                self.error = f"the {self.kind} failed unexpectedly: {type(exc).__name__}: {exc}"
            self.ended = time.monotonic()
            self._notify()

        self._thread = threading.Thread(target=run, name=f"studio-{self.kind}", daemon=True)
        self._thread.start()
        self._notify()

    def progress(self, done: int, total: int) -> None:
        """Note that `done` of `total` sentences are recorded (or heard)."""
        if self._first_tick is None:
            self._first_tick = (time.monotonic(), done)
        self.done, self.total = done, total
        self._notify()

    def expect(self, takes: dict[str, tuple[str, int]]) -> None:
        """The takes the build will record (key -> engine, characters): time left is reckoned per engine,
        since espeak-ng speaks a sentence in milliseconds where Piper or Google take most of a second."""
        self._work = dict(takes)
        self._last_take = time.monotonic()

    def took(self, key: str) -> None:
        """Note that the take `key` is recorded: the time since the last one is its engine's."""
        now = time.monotonic()
        engine, chars = self._work.pop(key, ("", 0))
        if engine:
            seconds, done = self._paces.get(engine, (0.0, 0))
            self._paces[engine] = (seconds + now - self._last_take, done + chars)
        self._last_take = now

    def check(self) -> None:
        """Raise Cancelled when the user asked to stop (called between takes)."""
        if self._cancel.is_set():
            raise Cancelled("cancelled")

    def cancel(self) -> bool:
        """Ask the job to stop; False when it has already ended."""
        if not self.running:
            return False
        self._cancel.set()
        self._notify()
        return True

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def seconds_left(self) -> float | None:
        """Time left: per engine, its characters left at its pace so far (a pace over all engines for one
        not heard yet); without a list of takes, sentences left at the pace since the first one."""
        if self._work or self._paces:
            seen = [(s, c) for s, c in self._paces.values() if c]
            if not seen:
                return None
            overall = sum(s for s, _ in seen) / sum(c for _, c in seen)
            left = 0.0
            for engine, chars in self._work.values():
                seconds, done = self._paces.get(engine, (0.0, 0))
                left += chars * (seconds / done if done else overall)
            return left
        if self._first_tick is None or self.done - self._first_tick[1] < 2 or not self.total:
            return None
        since, first = self._first_tick
        pace = (time.monotonic() - since) / (self.done - first)
        return pace * (self.total - self.done)

    def snapshot(self) -> dict[str, Any]:
        """Where the job is, as JSON: what the page shows after a reload."""
        left = self.seconds_left() if self.running else None
        return {
            "number": self.number,
            "kind": self.kind,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "item": self.item,
            "seconds_left": None if left is None else round(left, 1),
            "seconds": round((self.ended or time.monotonic()) - self.started, 1),
            "cancelling": self._cancel.is_set() and self.running,
            "result": self.result,
            "error": self.error,
        }
