"""A shared take cache on remote storage, behind the local one: a take recorded on one machine is
recorded nowhere else (Bazel's, sccache's and ccache's remote caches are the model).

Layout under the URL, for a take ``key``::

    takes/<key[:2]>/<key>.<sha256[:16]>.wav   the take, named by its content
    takes/<key[:2]>/<key>.json                 its record: {"sha256", "size", "blob"}, written after the take

The record is the check: a take is used only when the record names it and its bytes hash to the
record's SHA-256. A take without a record, a damaged one, or a record that cannot be read is a miss:
the take is recorded again, reported, and never used. Two machines recording one key at once each
write their own blob, then their record; whichever record is written last names a whole blob.

The remote is a help, never a requirement: each call has a short timeout, the first few errors are
counted and then the remote is switched off for the rest of the build, and the build ends with one
warning (or, with ``strict``, an error, for CI that must share).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import TakeCache
from ..plural import counted
from ..safe_files import atomic_path
from .remote import Remote, StorageError, open_remote

__all__ = ["CACHE_URL_ENV", "MAX_ERRORS", "MODES", "SharedCache", "SharedCount", "open_shared"]

CACHE_URL_ENV = "GUIDE_CACHE_URL"
MODES = ("rw", "ro")
MAX_ERRORS = 3
"""Errors after which the remote is left alone for the rest of the build."""

TIMEOUT = 5.0
"""Seconds a remote cache call may take: a slow remote costs a build seconds, never minutes."""

CLAIM_TTL = 120.0
"""Seconds a claim on a take holds: a machine recording takes longer than this is not waited for."""

CLAIM_WAIT = 30.0
"""Seconds to wait for a take another machine has claimed, before recording it here."""

CLAIM_POLL = 0.25

BATCH = 32
"""Takes fetched at once (about 15 MB of WAV): the remote's latency overlaps without holding a build in memory."""


@dataclass
class SharedCount:
    """What the shared cache did in one build."""

    fetched: int = 0
    """Takes taken from it (checked), instead of recorded here."""

    uploaded: int = 0
    """Takes recorded here and put there."""

    damaged: list[str] = field(default_factory=list)
    """Keys whose remote take or record did not check out: recorded again here."""

    errors: list[str] = field(default_factory=list)
    """What went wrong talking to it."""

    damaged_pieces: list[str] = field(default_factory=list)
    """Keys of full-guide pieces whose remote copy or record did not check out: encoded again here."""

    pieces_fetched: int = 0
    """Encoded pieces of the full guides taken from it, instead of encoded here."""

    pieces_uploaded: int = 0
    """Pieces encoded here and put there."""

    waited: int = 0
    """Of `fetched_late`, the takes another machine was recording when this one came to them: waited for."""

    fetched_late: int = 0
    """Of `fetched`, the takes another machine put there while this build ran, taken just before
    this one would have recorded them."""

    switched_off: bool = False
    """Too many errors: the rest of the build did without it."""

    stand_ins: set[str] = field(default_factory=set)
    """Keys of fallback voices' takes brought for planned takes it lacks (not in `fetched`): used when the
    planned voice fails, as it did on the machine that put them there."""


def _claim(data: bytes | None) -> dict[str, Any] | None:
    """A claim's content, or None when there is none or it cannot be read."""
    if data is None:
        return None
    try:
        claim = json.loads(data)
    except ValueError:
        return None
    if isinstance(claim, dict) and isinstance(claim.get("owner"), str) and isinstance(claim.get("time"), (int, float)):
        return claim
    return None


@dataclass(frozen=True)
class _Shelf:
    """One kind of file the shared cache keeps: takes (WAV) or the full guides' encoded pieces (MP3)."""

    folder: str
    suffix: str
    what: str

    def paths(self, key: str, sha256: str = "") -> tuple[str, str]:
        """The record and the content-named file of `key`, relative to the cache's URL."""
        folder = f"{self.folder}/{key[:2]}"
        return f"{folder}/{key}.json", f"{folder}/{key}.{sha256[:16]}.{self.suffix}"


TAKES = _Shelf("takes", "wav", "take")
PIECES = _Shelf("pieces", "mp3", "piece")


def _paths(key: str, sha256: str = "") -> tuple[str, str]:
    return TAKES.paths(key, sha256)


class SharedCache:
    """The remote behind a local :class:`TakeCache`."""

    def __init__(self, remote: Remote, local: TakeCache, mode: str = "rw", strict: bool = False) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.remote = remote
        self.local = local
        self.mode = mode
        self.strict = strict
        self.count = SharedCount()
        self._lock = threading.Lock()
        self._pushed: set[str] = set()
        self._dead: set[str] = set()  # owners whose claims were not delivered in time
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        """Who this build is, in its claims."""
        self._queue: queue.Queue[str | None] | None = None
        self._pusher: threading.Thread | None = None

    @property
    def on(self) -> bool:
        return not self.count.switched_off

    def _failed(self, what: str, exc: BaseException) -> None:
        with self._lock:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.count.errors.append(f"{what}: {reason[:200]}")
            if len(self.count.errors) >= MAX_ERRORS:
                self.count.switched_off = True

    def _cat(self, relatives: Sequence[str]) -> dict[str, bytes]:
        """The files that exist among `relatives`, read at once (concurrently where the storage can)."""
        if not relatives:
            return {}  # fsspec's cat([]) raises FileNotFoundError: nothing asked is nothing missing
        paths = {self.remote.path(r): r for r in relatives}
        found = self.remote.fs.cat(list(paths), on_error="return")
        out: dict[str, bytes] = {}
        for path, value in found.items():
            relative = paths.get(path) or paths.get(path.rstrip("/")) or paths.get(self._strip(path))
            if relative is None:
                continue
            if isinstance(value, bytes):
                out[relative] = value
            elif not isinstance(value, FileNotFoundError):
                raise value if isinstance(value, BaseException) else StorageError(str(value))
        return out

    def _strip(self, path: str) -> str:
        protocol = f"{self.remote.scheme}://"
        return path[len(protocol) :] if path.startswith(protocol) else path

    def holds(self, keys: Iterable[str]) -> set[str]:
        """The keys whose record the shared cache holds (``guide plan``): not yet checked against their takes."""
        wanted = list(dict.fromkeys(keys))
        held: set[str] = set()
        for start in range(0, len(wanted), BATCH * 8):
            if not self.on:
                break
            chunk = wanted[start : start + BATCH * 8]
            try:
                records = self._cat([_paths(k)[0] for k in chunk])
            except Exception as exc:  # any storage error: counted, never fatal
                self._failed("cannot read records", exc)
                continue
            held |= {k for k in chunk if _paths(k)[0] in records}
        return held

    def _local(self, shelf: _Shelf) -> tuple[Callable[[str], bool], Callable[[str], Path]]:
        if shelf is PIECES:
            return self.local.has_piece, self.local.piece_path
        return self.local.has, self.local.path

    def fetch(self, keys: Iterable[str]) -> set[str]:
        """Bring the takes the local cache lacks from the shared cache, checked; returns the keys brought."""
        brought = self._fetch(keys, TAKES)
        with self._lock:
            self.count.fetched += len(brought)
        return brought

    def fetch_stand_ins(self, keys: Iterable[str]) -> set[str]:
        """Bring the fallback voices' takes `keys` (each standing in for a planned take the shared cache lacks),
        so that a voice failing here as it failed elsewhere costs no recording; counted apart from
        :meth:`fetch`'s, since they are used only when the voice fails. Returns the keys brought."""
        brought = self._fetch(keys, TAKES)
        with self._lock:
            self.count.stand_ins |= brought
        return brought

    def check(self) -> None:
        """Raise StorageError unless the shared cache answers now: a record read and, in read-write mode, a
        small file written and removed (``--cache-strict``, before anything is recorded; each call is bounded
        by :data:`TIMEOUT`)."""
        probe = f"probes/{uuid.uuid4().hex}.json"
        try:
            self._cat([TAKES.paths("0" * 64)[0]])  # a record no take has: only whether the storage answers
            if self.mode == "rw":
                self.remote.fs.pipe({self.remote.path(probe): json.dumps({"owner": self.owner}).encode()})
                self.remote.fs.rm_file(self.remote.path(probe))
        except Exception as exc:  # each backend raises its own errors: one clear message
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            can = "read from and written to" if self.mode == "rw" else "read from"
            raise StorageError(
                f"--cache-strict: the shared take cache {self.remote.url} cannot be {can} ({reason}); "
                "nothing was recorded. Check its address, the network and the credentials, "
                "or build without --cache-strict to go on without it"
            ) from None

    def fetch_late(self, key: str) -> bool:
        """Just before recording `key`: take it from the shared cache if another machine has put it
        there since the build began. True when brought; False means: record it here.

        When the take is not there but another machine has claimed it (it is recording it now),
        wait up to CLAIM_WAIT seconds for it to appear, then fetch it; a machine that does not
        deliver in time is taken for dead, its claims ignored from then on. Otherwise claim it
        (read-write mode) and let this machine record it. Claims are small JSON files beside the
        records; checking is one read, claiming one write, each in milliseconds on a near store."""
        if not self.on or key in self.count.damaged:
            return False  # a take found damaged at the start is recorded here, not read twice
        if self._fetch_one_late(key):
            return True
        claim_path = TAKES.paths(key)[0].replace(".json", ".claim")
        try:
            found = self._cat([claim_path])
        except Exception as exc:  # any storage error: counted, never fatal
            self._failed("cannot read claims", exc)
            return False
        claim = _claim(found.get(claim_path))
        now = time.time()
        if (
            claim is not None
            and claim["owner"] != self.owner
            and claim["owner"] not in self._dead
            and now - claim["time"] < CLAIM_TTL
        ):
            deadline = time.monotonic() + CLAIM_WAIT
            while time.monotonic() < deadline and self.on:
                time.sleep(CLAIM_POLL)
                if self._fetch_one_late(key):
                    with self._lock:
                        self.count.waited += 1
                    return True
            with self._lock:
                self._dead.add(claim["owner"])
            return False
        if self.mode == "rw":
            try:
                self.remote.fs.pipe(
                    {self.remote.path(claim_path): json.dumps({"owner": self.owner, "time": now}).encode()}
                )
            except Exception as exc:
                self._failed("cannot claim takes", exc)
        return False

    def _fetch_one_late(self, key: str) -> bool:
        brought = self._fetch([key], TAKES)
        with self._lock:
            self.count.fetched += len(brought)
            self.count.fetched_late += len(brought)
        return bool(brought)

    def start_pushing(self) -> None:
        """Put each take into the shared cache as soon as :meth:`push_soon` is told it is recorded, from a
        thread of its own (so other machines find it while this build is still running)."""
        if self.mode != "rw" or self._pusher is not None:
            return
        self._queue = queue.Queue()
        self._pusher = threading.Thread(
            target=self._push_queued, args=(self._queue,), name="shared-cache-push", daemon=True
        )
        self._pusher.start()

    def push_soon(self, key: str) -> None:
        """Queue a take just recorded for :meth:`start_pushing`'s thread (a no-op without it)."""
        if self._queue is not None:
            self._queue.put(key)

    def stop_pushing(self) -> None:
        """Wait for the queued takes to be put (each call bounded by the remote's timeout)."""
        if self._queue is None or self._pusher is None:
            return
        self._queue.put(None)
        self._pusher.join()
        self._queue = self._pusher = None

    def _push_queued(self, pending: queue.Queue[str | None]) -> None:
        while True:
            keys = [pending.get()]
            while len(keys) < BATCH and not pending.empty():  # what piled up goes in one batch
                keys.append(pending.get())
            done = None in keys
            self.push([k for k in keys if k is not None])
            if done:
                return

    def fetch_pieces(self, keys: Iterable[str]) -> set[str]:
        """Bring the full guides' encoded pieces the local cache lacks, checked; returns the keys brought."""
        brought = self._fetch(keys, PIECES)
        self.count.pieces_fetched += len(brought)
        return brought

    def _fetch(self, keys: Iterable[str], shelf: _Shelf) -> set[str]:
        has, local_path = self._local(shelf)
        _paths = shelf.paths
        wanted = [k for k in dict.fromkeys(keys) if not has(k)]
        brought: set[str] = set()
        for start in range(0, len(wanted), BATCH):
            if not self.on:
                break
            chunk = wanted[start : start + BATCH]
            try:
                records = self._cat([_paths(k)[0] for k in chunk])
                checked = {k: self._record(k, records[_paths(k)[0]]) for k in chunk if _paths(k)[0] in records}
                blobs = self._cat([_paths(k, r["sha256"])[1] for k, r in checked.items() if r is not None])
            except Exception as exc:
                self._failed(f"cannot read {shelf.what}s", exc)
                continue
            for key, record in checked.items():
                data = blobs.get(_paths(key, record["sha256"])[1]) if record else None
                if (
                    record is None
                    or data is None
                    or len(data) != record["size"]
                    or hashlib.sha256(data).hexdigest() != record["sha256"]
                ):
                    # A miss: made again, and uploaded over it.
                    damaged = self.count.damaged if shelf is TAKES else self.count.damaged_pieces
                    with self._lock:
                        if key not in damaged:
                            damaged.append(key)
                    continue
                try:
                    with atomic_path(local_path(key), root=self.local.folder) as tmp:
                        tmp.write_bytes(data)
                except OSError:
                    continue  # the local cache's own problem: the file is made again, and writing it says why
                brought.add(key)
        if shelf is TAKES:
            with self._lock:
                self._pushed |= brought  # there already: never put back
        return brought

    def _record(self, key: str, data: bytes) -> dict[str, Any] | None:
        try:
            record = json.loads(data)
        except ValueError:
            return None
        ok = (
            isinstance(record, dict)
            and isinstance(record.get("sha256"), str)
            and len(record["sha256"]) == 64
            and isinstance(record.get("size"), int)
        )
        return record if ok else None

    def push(self, keys: Iterable[str]) -> int:
        """Put the takes recorded here into the shared cache (read-write mode): each take first, then its record.
        A take already put by this build is not put again."""
        with self._lock:
            fresh = [k for k in dict.fromkeys(keys) if k not in self._pushed]
        sent = self._push(fresh, TAKES)
        with self._lock:
            self.count.uploaded += sent
        return sent

    def push_pieces(self, keys: Iterable[str]) -> int:
        """Put the full guides' pieces encoded here into the shared cache (read-write mode)."""
        sent = self._push(keys, PIECES)
        self.count.pieces_uploaded += sent
        return sent

    def _push(self, keys: Iterable[str], shelf: _Shelf) -> int:
        if self.mode != "rw":
            return 0
        has, local_path = self._local(shelf)
        _paths = shelf.paths
        sent = 0
        keys = [k for k in dict.fromkeys(keys) if has(k)]
        for start in range(0, len(keys), BATCH):
            if not self.on:
                break
            blobs: dict[str, bytes] = {}
            records: dict[str, bytes] = {}
            for key in keys[start : start + BATCH]:
                data = local_path(key).read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                record_path, blob_path = _paths(key, sha)
                blobs[self.remote.path(blob_path)] = data
                records[self.remote.path(record_path)] = json.dumps(
                    {"sha256": sha, "size": len(data), "blob": blob_path.rsplit("/", 1)[1]}
                ).encode()
            try:
                self.remote.fs.pipe(blobs)
                self.remote.fs.pipe(records)  # only once every take it names is there
            except Exception as exc:
                self._failed(f"cannot upload {shelf.what}s", exc)
                continue
            if shelf is TAKES:
                with self._lock:
                    self._pushed.update(keys[start : start + BATCH])
            sent += len(records)
        return sent

    def warning(self) -> str | None:
        """One line for the end of a build, when something went wrong; None when all went well."""
        parts = []
        if self.count.damaged:
            damaged = len(self.count.damaged)
            parts.append(
                f"{counted(damaged, 'shared take')} did not check out and {'was' if damaged == 1 else 'were'} "
                "recorded again"
            )
        if self.count.damaged_pieces:
            damaged = len(self.count.damaged_pieces)
            parts.append(
                f"{counted(damaged, 'shared piece')} of the full guides did not check out and "
                f"{'was' if damaged == 1 else 'were'} encoded again"
            )
        if self.count.errors:
            off = "; switched off for the rest of the build" if self.count.switched_off else ""
            parts.append(f"{counted(len(self.count.errors), 'error')} reaching it ({self.count.errors[0]}){off}")
        if not parts:
            return None
        return f"shared take cache {self.remote.url}: " + "; ".join(parts)


def open_shared(url: str, local: TakeCache, mode: str = "rw", strict: bool = False) -> SharedCache:
    """The shared cache at `url` behind `local`, with short timeouts; with `strict`, checked at once
    (:meth:`SharedCache.check` raises StorageError when it cannot be reached)."""
    options: dict[str, Any] = {}
    if url.split("://", 1)[0] in ("s3", "s3a"):
        options = {
            "config_kwargs": {"connect_timeout": TIMEOUT, "read_timeout": TIMEOUT, "retries": {"max_attempts": 1}}
        }
    shared = SharedCache(open_remote(url, options), local, mode, strict)
    if strict:
        shared.check()
    return shared
