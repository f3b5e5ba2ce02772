"""Carrying out a publish: check DEST, read what it has, upload in order (:mod:`.plan`), check each upload,
remove what the grace period let go, and put the manifest last."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import GuideError, InputError
from ..manifest import Manifest, read_manifest
from ..plural import counted
from ..storage import Remote, StorageError, open_remote
from .addresses import REWRITTEN_SUFFIXES, content_address, is_fixed, rewrite_text, rewrite_values
from .headers import headers_for
from .inventory import MANIFEST, Entry, inventory
from .plan import DEFAULT_GRACE_DAYS, DEFAULT_MAX_DELETES, PublishPlan, Upload, plan_publish, published_state

__all__ = ["PublishError", "PublishResult", "prepare", "publish", "publishable_manifest"]


class PublishError(GuideError):
    """Raised when a publish stops part-way (the storage failed, or an upload did not check out);
    the message says what was and was not uploaded, and the next run finishes the job."""


@dataclass
class PublishResult:
    """What a publish did (or, in a dry run, would do)."""

    plan: PublishPlan
    """What it set out to do."""

    uploaded: list[str] = field(default_factory=list)
    """Addresses written, in order (the manifest last)."""

    already_there: list[str] = field(default_factory=list)
    """Addresses a stopped publish had written already: found at DEST with this content, not sent again."""

    removed: list[str] = field(default_factory=list)
    """Old versions removed, their grace period over."""

    deleted: list[str] = field(default_factory=list)
    """Fixed files the guide dropped, deleted (--delete)."""

    warnings: list[str] = field(default_factory=list)
    """What the user should know and may fix."""

    dry_run: bool = False
    """Nothing was changed."""

    first: bool = False
    """No earlier publish was at DEST (no manifest)."""


def _digests(data: bytes) -> tuple[str, str]:
    return hashlib.sha256(data).hexdigest(), hashlib.md5(data, usedforsecurity=False).hexdigest()


def prepare(folder: Path, local: Mapping[str, Entry]) -> tuple[dict[str, Entry], dict[str, bytes]]:
    """The guide's files as they are published: each with its content address, and the pages, feeds and
    playlists rewritten to name the content addresses of what they play (with the bytes that gives them).

    Deterministic: the same guide folder gives the same addresses and bytes on any machine."""
    addresses = {path: content_address(path, e.sha256) for path, e in local.items() if not is_fixed(path)}
    entries: dict[str, Entry] = {}
    rewritten: dict[str, bytes] = {}
    for path, entry in local.items():
        if path.lower().endswith(REWRITTEN_SUFFIXES):
            text, names = rewrite_text((folder / path).read_text(encoding="utf-8"), path, addresses)
            data = text.encode("utf-8")
            sha, md5 = _digests(data)
            rewritten[path] = data
            entries[path] = Entry(path, sha, len(data), md5, content_address(path, sha), tuple(sorted(names)))
        else:
            entries[path] = Entry(path, entry.sha256, entry.size, entry.md5, content_address(path, entry.sha256))
    return entries, rewritten


def publishable_manifest(manifest: Manifest, files: Mapping[str, Entry], plan: PublishPlan) -> bytes:
    """The manifest to publish: the guide's own, naming every file at its content address with the bytes
    published there, and a ``published`` block (every file, its address, the old versions still at DEST and
    since when) that the next publish reads back to know what DEST holds."""
    data = manifest.to_json()
    addresses = {path: e.at for path, e in files.items() if not is_fixed(path)}
    listed = [dict(record) for record in data.get("files", []) if record.get("path") in files]
    data = {key: value if key == "files" else rewrite_values(value, addresses) for key, value in data.items()}
    for record in listed:
        entry = files[record["path"]]
        record.update(path=entry.at, bytes=entry.size, sha256=entry.sha256)
    data["files"] = listed
    every = {**files, **{e.path: e for e in plan.carried}}
    data["published"] = {
        "files": {
            path: {"sha256": e.sha256, "bytes": e.size, "md5": e.md5, "address": e.at}
            | ({"names": list(e.names)} if e.names else {})
            for path, e in sorted(every.items())
        },
        "retired": {address: since.isoformat() for address, since in plan.retired},
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _remote_digest(remote: Remote, entry: Entry, address: str) -> bool:
    """Whether DEST already holds `entry`'s content at `address` (a publish stopped after uploading it)."""
    try:
        info = remote.fs.info(remote.path(address))
    except Exception:  # absent, or the storage would not say: send it
        return False
    if int(info.get("size") or -1) != entry.size:
        return False
    etag = str(info.get("ETag") or info.get("etag") or "").strip('"')
    if etag and "-" not in etag:
        return etag == entry.md5  # S3: a one-piece upload's ETag is its MD5
    if remote.scheme == "file":
        data = remote.read_bytes(address)
        return data is not None and hashlib.sha256(data).hexdigest() == entry.sha256
    return False


def publish(
    folder: Path,
    dest: str,
    *,
    dry_run: bool = False,
    delete: bool = False,
    max_deletes: int = DEFAULT_MAX_DELETES,
    grace_days: float = DEFAULT_GRACE_DAYS,
    base_url: str | None = None,
    public_url: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> PublishResult:
    """Publish the built guide in `folder` to `dest` (any fsspec URL).

    Raises:
        InputError: no build in `folder`; a bad DEST, or one holding another guide; too many deletions.
        MissingExtra: DEST's filesystem is not installed.
        StorageError: DEST does not exist, cannot be written or cannot be read (nothing was changed).
        PublishError: the publish stopped part-way.
    """
    if max_deletes < 0:
        raise InputError("--max-deletes must be 0 or more")
    if grace_days < 0:
        raise InputError("--grace-days must be 0 or more")
    if not (folder / MANIFEST).is_file():
        raise InputError(f"{folder}: no build here (no {MANIFEST}); run guide build first")
    built = read_manifest(folder)
    if built is None:
        raise InputError(f"{folder / MANIFEST}: not a manifest guide wrote; run guide build again")
    warnings = []
    if public_url is not None:
        wanted = public_url.rstrip("/") + "/"
        if base_url is None:
            warnings.append(f"the guide was built without base_url: its QR codes and feeds do not point at {wanted}")
        elif base_url.rstrip("/") + "/" != wanted:
            warnings.append(
                f"the guide's base_url is {base_url}, not {wanted}: its QR codes and feeds point elsewhere; "
                f"rebuild with --base-url {wanted}"
            )
    remote = open_remote(dest, storage_options)
    remote.check_writable()
    local, rewritten = prepare(folder, inventory(folder, built))
    current = remote.read_bytes(MANIFEST)
    try:
        published_manifest = json.loads(current) if current else None
    except ValueError:
        published_manifest = None
        warnings.append(f"{dest}/{MANIFEST} is not a manifest guide wrote: every file is uploaded")
    state = published_state(published_manifest)
    if state.guide is not None and state.guide != built.id:
        raise InputError(
            f"{dest} holds the guide '{state.guide}', not '{built.id}'; nothing was changed. "
            f"Publish each guide to its own folder, e.g. {dest.rstrip('/')}/{built.id}"
        )
    plan = plan_publish(
        # The grace period is readers' time, the wall clock's: not SOURCE_DATE_EPOCH, which dates what a build makes.
        local,
        state,
        now=datetime.now(UTC).replace(microsecond=0),
        grace=timedelta(days=grace_days),
        delete=delete,
        max_deletes=max_deletes,
    )
    manifest_bytes = publishable_manifest(built, local, plan)
    sha, md5 = _digests(manifest_bytes)
    manifest = Entry(MANIFEST, sha, len(manifest_bytes), md5)
    plan = plan.with_manifest(manifest, hashlib.sha256(current).hexdigest() if current else None)
    result = PublishResult(plan, warnings=warnings, dry_run=dry_run, first=current is None)
    if dry_run:
        return result
    with tempfile.TemporaryDirectory(prefix="guide-publish-") as scratch:
        sources = {MANIFEST: Path(scratch) / MANIFEST}
        sources[MANIFEST].write_bytes(manifest_bytes)
        for i, (path, data) in enumerate(sorted(rewritten.items())):
            sources[path] = Path(scratch) / f"{i}{Path(path).suffix}"
            sources[path].write_bytes(data)
        for upload in plan.upload:
            if upload.entry is manifest:
                _remove(remote, plan, result, report)
            _upload(remote, upload, sources.get(upload.entry.path, folder / upload.entry.path), plan, result, report)
    return result


def _upload(
    remote: Remote,
    upload: Upload,
    source: Path,
    plan: PublishPlan,
    result: PublishResult,
    report: Callable[[str], None],
) -> None:
    """Write one object, unless a stopped publish already did, and read it back."""
    entry, address = upload.entry, upload.address
    try:
        if entry.path != MANIFEST and _remote_digest(remote, entry, address):
            result.already_there.append(address)
            return
        content_type, cache_control = headers_for(entry.path)
        remote.put(source, address, content_type, cache_control)
        _check(remote, entry, address, content_type)
    except StorageError as exc:
        raise PublishError(_stopped(result, plan, upload, exc, remote.url)) from None
    result.uploaded.append(address)
    report(f"uploaded {entry.path} ({entry.size:,} bytes)" + (f" as {address}" if address != entry.path else ""))


def _remove(remote: Remote, plan: PublishPlan, result: PublishResult, report: Callable[[str], None]) -> None:
    """Remove old versions past their grace period and, with --delete, fixed files the guide dropped: before the
    manifest, which then no longer lists them (nothing live names any of them)."""
    for path, done, what in [(p, result.removed, "removed old version") for p in plan.remove] + [
        (p, result.deleted, "deleted") for p in plan.delete
    ]:
        try:
            if not remote.exists(path):  # a stopped publish removed it already
                continue
            remote.delete(path)
        except StorageError as exc:
            raise PublishError(
                f"{exc.format_message()}\nEverything new was uploaded, but not yet the manifest; "
                f"{len(result.removed) + len(result.deleted)} of {len(plan.remove) + len(plan.delete)} removals made. "
                "Every page, feed and playlist names only files that are there. Run guide publish again to finish."
            ) from None
        done.append(path)
        report(f"{what} {path}")


def _check(remote: Remote, entry: Entry, address: str, content_type: str) -> None:
    """Read back what DEST holds now: its size, and its Content-Type where the storage keeps one."""
    info = remote.info(address)
    if info["size"] != entry.size:
        raise StorageError(f"{address}: {info['size']:,} bytes at {remote.url} after uploading {entry.size:,}")
    kept = info.get("content_type")
    if kept and kept != content_type:
        raise StorageError(f"{address}: stored as {kept}, not {content_type}")


def _stopped(result: PublishResult, plan: PublishPlan, upload: Upload, exc: StorageError, url: str) -> str:
    done = len(result.uploaded) + len(result.already_there)
    left = [u.address for u in plan.upload[done:]]
    shown = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
    if result.first:
        state = (
            f"There was no earlier publish at {url}, so there is no manifest there yet; the pages, feeds and "
            "playlists already uploaded name only files that are there."
        )
    else:
        state = (
            f"The manifest at {url} is still the earlier publish's, and every page, feed and playlist there names "
            "only files that are there (earlier versions stay for the grace period)."
        )
    return (
        f"{exc.format_message()}\nStopped after {done} of {counted(len(plan.upload), 'upload')}; "
        f"not uploaded: {shown}. {state} Run guide publish again to finish: it sends only what is missing."
    )
