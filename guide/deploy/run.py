"""Carrying out a publish: read what DEST has, upload in order, check each upload, then delete."""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GuideError, InputError
from ..manifest import Manifest, read_manifest
from ..storage import Remote, StorageError, open_remote
from .headers import headers_for
from .inventory import MANIFEST, Entry, inventory
from .plan import DEFAULT_MAX_DELETES, PublishPlan, plan_publish, published_files

__all__ = ["PublishError", "PublishResult", "publish", "publishable_manifest"]


class PublishError(GuideError):
    """Raised when a publish stops part-way (the storage failed, or an upload did not check out);
    the message says what was and was not uploaded, and the next run finishes the job."""


@dataclass
class PublishResult:
    """What a publish did (or, in a dry run, would do)."""

    plan: PublishPlan
    uploaded: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    """Files a stopped publish had uploaded already: found at DEST with this content, not sent again."""
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


def publishable_manifest(manifest: Manifest, files: Mapping[str, Entry]) -> bytes:
    """The manifest to publish: the guide's own, with every published file's hash and size, so the next
    publish knows what DEST holds by reading it back."""
    data = manifest.to_json()
    data["published"] = {
        "files": {path: {"sha256": e.sha256, "bytes": e.size, "md5": e.md5} for path, e in sorted(files.items())}
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _feed_files(folder: Path) -> frozenset[str]:
    """Files the guide's feeds name (their enclosures): never deleted while a feed names them."""
    named: set[str] = set()
    for feed in folder.glob("*/feed.xml"):
        for url in re.findall(r'<enclosure[^>]*\burl="([^"]+)"', feed.read_text(encoding="utf-8", errors="replace")):
            named.add(url.split("/", 3)[-1] if "://" in url else url)
            parts = url.split("/")
            for i in range(len(parts)):  # the URL's tail that is a path in the guide folder
                tail = "/".join(parts[i:])
                if (folder / tail).is_file():
                    named.add(tail)
    return frozenset(named)


def _remote_digest(remote: Remote, entry: Entry) -> bool:
    """Whether DEST already holds `entry`'s content (a publish stopped after uploading it)."""
    try:
        info = remote.fs.info(remote.path(entry.path))
    except (FileNotFoundError, OSError):
        return False
    except Exception:
        return False
    if int(info.get("size") or -1) != entry.size:
        return False
    etag = str(info.get("ETag") or info.get("etag") or "").strip('"')
    if etag and "-" not in etag:
        return etag == entry.md5  # S3: a one-piece upload's ETag is its MD5
    if remote.scheme == "file":
        data = remote.read_bytes(entry.path)
        return data is not None and hashlib.sha256(data).hexdigest() == entry.sha256
    return False


def publish(
    folder: Path,
    dest: str,
    *,
    dry_run: bool = False,
    delete: bool = False,
    max_deletes: int = DEFAULT_MAX_DELETES,
    base_url: str | None = None,
    public_url: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> PublishResult:
    """Publish the built guide in `folder` to `dest` (any fsspec URL).

    Raises:
        InputError: no build in `folder`; a bad DEST; too many deletions.
        MissingExtra: DEST's filesystem is not installed.
        StorageError: DEST cannot be read (nothing was changed).
        PublishError: the publish stopped part-way.
    """
    if max_deletes < 0:
        raise InputError("--max-deletes must be 0 or more")
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
    local = inventory(folder, built)
    current = remote.read_bytes(MANIFEST)
    try:
        published_manifest = json.loads(current) if current else None
    except ValueError:
        published_manifest = None
        warnings.append(f"{dest}/{MANIFEST} is not a manifest guide wrote: every file is uploaded")
    published = published_files(published_manifest)
    plan = plan_publish(local, published, delete=delete, max_deletes=max_deletes, named_by_feeds=_feed_files(folder))
    manifest_bytes = publishable_manifest(built, {**local, **{e.path: e for e in plan.carried}})
    manifest = Entry(
        MANIFEST,
        hashlib.sha256(manifest_bytes).hexdigest(),
        len(manifest_bytes),
        hashlib.md5(manifest_bytes, usedforsecurity=False).hexdigest(),
    )
    plan = plan.with_manifest(manifest, hashlib.sha256(current).hexdigest() if current else None)
    result = PublishResult(plan, warnings=warnings, dry_run=dry_run)
    if dry_run:
        return result
    with tempfile.TemporaryDirectory(prefix="guide-publish-") as scratch:
        manifest_file = Path(scratch) / MANIFEST
        manifest_file.write_bytes(manifest_bytes)
        for entry in plan.upload:
            source = manifest_file if entry is manifest else folder / entry.path
            try:
                if entry is not manifest and entry.path in published and _remote_digest(remote, entry):
                    result.already_there.append(entry.path)
                    continue
                content_type, cache_control = headers_for(entry.path)
                remote.put(source, entry.path, content_type, cache_control)
                _check(remote, entry, content_type)
            except StorageError as exc:
                raise PublishError(_stopped(result, plan, entry, exc)) from None
            result.uploaded.append(entry.path)
            report(f"uploaded {entry.path} ({entry.size:,} bytes)")
    for path in plan.delete:
        try:
            remote.delete(path)
        except StorageError as exc:
            raise PublishError(
                f"{exc.format_message()}; everything was uploaded, "
                f"{len(result.deleted)} of {len(plan.delete)} deletions made; run again"
            ) from None
        result.deleted.append(path)
        report(f"deleted {path}")
    return result


def _check(remote: Remote, entry: Entry, content_type: str) -> None:
    """Read back what DEST holds now: its size, and its Content-Type where the storage keeps one."""
    info = remote.info(entry.path)
    if info["size"] != entry.size:
        raise StorageError(f"{entry.path}: {info['size']:,} bytes at {remote.url} after uploading {entry.size:,}")
    kept = info.get("content_type")
    if kept and kept != content_type:
        raise StorageError(f"{entry.path}: stored as {kept}, not {content_type}")


def _stopped(result: PublishResult, plan: PublishPlan, entry: Entry, exc: StorageError) -> str:
    done = len(result.uploaded) + len(result.already_there)
    left = [e.path for e in plan.upload[done:]]
    shown = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
    return (
        f"{exc.format_message()}\n{done} of {len(plan.upload)} files were uploaded; not uploaded: {shown}. "
        "The published manifest is still the old one, so readers see the last complete publish. "
        "Run guide publish again: it uploads only what is missing."
    )
