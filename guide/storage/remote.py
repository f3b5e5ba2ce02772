"""One remote folder, reached through fsspec: read, write with headers, check and delete files by relative path."""

from __future__ import annotations

import os
import posixpath
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import fsspec.core

from ..errors import GuideError, InputError

__all__ = ["EXTRAS", "MissingExtra", "Remote", "StorageError", "open_remote"]

EXTRAS: dict[str, tuple[str, str]] = {
    "s3": ("s3fs", "s3"),
    "s3a": ("s3fs", "s3"),
    "gs": ("gcsfs", "gcs"),
    "gcs": ("gcsfs", "gcs"),
    "az": ("adlfs", "azure"),
    "abfs": ("adlfs", "azure"),
    "abfss": ("adlfs", "azure"),
}
"""URL scheme -> (the fsspec package that serves it, the extra of ours that installs it)."""

PROBE = ".guide-publish-check"
"""The empty object written and removed at an object store's DEST to learn that it may be written."""

TIMEOUT = 20.0
"""Seconds a remote call may take before it counts as failed (connection and read)."""


class StorageError(GuideError):
    """Raised when remote storage cannot be reached, refuses a request, or answers other than expected."""


class MissingExtra(InputError):
    """Raised when a URL needs a filesystem package that is not installed (an optional extra)."""


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else "file"


def _defaults(scheme: str) -> dict[str, Any]:
    """Short timeouts and few retries, so a dead remote fails in seconds, not minutes."""
    if scheme in ("s3", "s3a"):
        return {"config_kwargs": {"connect_timeout": TIMEOUT, "read_timeout": TIMEOUT, "retries": {"max_attempts": 2}}}
    if scheme in ("file", "local"):
        return {"auto_mkdir": True}  # folders come with the files, as on object stores
    return {}


def open_remote(url: str, storage_options: Mapping[str, Any] | None = None) -> Remote:
    """The remote folder at `url`.

    Raises:
        InputError: the URL is not one fsspec knows, or names no folder.
        MissingExtra: its filesystem package is not installed (the message names the install command).
    """
    scheme = _scheme(url)
    options = {**_defaults(scheme), **dict(storage_options or {})}
    try:
        fs, root = fsspec.core.url_to_fs(url, **options)
    except ImportError:
        package, extra = EXTRAS.get(scheme, (scheme, scheme))
        raise MissingExtra(f"{url}: {scheme}:// needs {package}: pip install -e '.[{extra}]'") from None
    except ValueError as exc:
        if "Protocol not known" in str(exc):
            raise InputError(
                f"{url}: unknown storage '{scheme}://' (s3://, gs://, az:// or file:// are known)"
            ) from None
        raise InputError(f"{url}: {exc}") from None
    root = root.rstrip("/")
    if not root:
        raise InputError(f"{url}: name a bucket or folder, e.g. s3://my-bucket/guides")
    return Remote(fs, root, url, scheme)


@dataclass(frozen=True)
class Remote:
    """A folder on remote storage; files are named by paths relative to it (``en/01-risks.mp3``)."""

    fs: Any
    """The fsspec filesystem."""

    root: str
    """The folder within it (``bucket/prefix`` for object stores)."""

    url: str
    """As the user wrote it."""

    scheme: str
    """``s3``, ``gs``, ``az``, ``file``…"""

    def path(self, relative: str) -> str:
        """The full path of `relative`, refused when it could leave the folder."""
        pure = PurePosixPath(relative)
        if not relative or pure.is_absolute() or any(part in ("..", "") for part in relative.split("/")):
            raise InputError(f"'{relative}': not a file inside {self.url}")
        return posixpath.join(self.root, relative)

    def read_bytes(self, relative: str) -> bytes | None:
        """The file's bytes, None when there is no such file."""
        try:
            with self.fs.open(self.path(relative), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None
        except Exception as exc:  # each backend raises its own errors: one clear message
            raise self._failed(f"cannot read {relative}", exc) from None

    @property
    def bucket(self) -> str:
        """The bucket or container (object stores), or the folder (a web root)."""
        return self.root if self.scheme in ("file", "local") else self.root.split("/", 1)[0]

    def check_writable(self) -> None:
        """Check, changing nothing that lasts, that the folder's bucket exists and may be written.

        Raises:
            StorageError: it does not exist, cannot be reached or cannot be written; the message names the bucket
                (or folder) and what to do.
        """
        if self.scheme in ("file", "local"):
            self._check_local_folder()
            return
        where = f"{self.scheme}://{self.bucket}"
        try:
            there = self.fs.exists(self.bucket)
        except Exception as exc:  # each backend raises its own errors: one clear message
            raise self._failed(f"cannot reach the bucket '{self.bucket}'", exc) from None
        if not there:
            raise StorageError(
                f"{self.url}: the bucket '{self.bucket}' does not exist, or these credentials cannot see it. "
                f"Create it (for S3: aws s3 mb {where}) or correct DEST, then publish again; nothing was published"
            )
        probe = self.path(PROBE)
        try:
            self.fs.pipe_file(probe, b"")
            self.fs.rm_file(probe)
        except Exception as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StorageError(
                f"{self.url}: cannot write to the bucket '{self.bucket}' ({reason[:200]}). Give these credentials "
                "permission to write and delete objects there, then publish again; nothing was published"
            ) from None

    def _check_local_folder(self) -> None:
        """A web root: the folder, or the nearest folder above it that exists (the rest is made), may be written."""
        folder = Path(self.root)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            raise StorageError(f"{self.url}: {folder} is a file, not a folder; correct DEST; nothing was published")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StorageError(
                f"{self.url}: the folder {folder} cannot be written by this user; give it write permission or "
                "publish as a user who may write there; nothing was published"
            )

    def put(self, local: Path, relative: str, content_type: str, cache_control: str) -> None:
        """Upload `local` as `relative`, with its Content-Type and Cache-Control where the storage keeps them.

        Readers never see part of a file: an object store stores an upload whole or not at all; in a web root
        the file is written under a temporary name and renamed over the old one."""
        try:
            if self.scheme in ("file", "local"):
                target = self.path(relative)
                part = posixpath.join(posixpath.dirname(target), f".{posixpath.basename(target)}.{uuid.uuid4().hex}")
                try:
                    self.fs.put_file(str(local), part)
                    self.fs.mv(part, target)
                finally:
                    if self.fs.exists(part):
                        self.fs.rm_file(part)
                return
            self.fs.put_file(str(local), self.path(relative), **self._headers(content_type, cache_control))
        except Exception as exc:
            raise self._failed(f"cannot upload {relative}", exc) from None

    def info(self, relative: str) -> dict[str, Any]:
        """What the storage says of the file: at least ``size``, and ``content_type`` where it keeps one."""
        try:
            info = self.fs.info(self.path(relative))
        except FileNotFoundError:
            raise StorageError(f"{relative}: not found at {self.url} just after it was uploaded") from None
        except Exception as exc:
            raise self._failed(f"cannot check {relative}", exc) from None
        kept = info.get("ContentType") or info.get("contentType") or info.get("content_type")
        if isinstance(kept, Mapping):  # adlfs: content_settings
            kept = kept.get("content_type")
        return {"size": int(info.get("size") or 0), "content_type": kept}

    def exists(self, relative: str) -> bool:
        """Whether the file is there."""
        try:
            return bool(self.fs.exists(self.path(relative)))
        except Exception as exc:
            raise self._failed(f"cannot check {relative}", exc) from None

    def delete(self, relative: str) -> None:
        try:
            self.fs.rm_file(self.path(relative))
        except FileNotFoundError:
            pass
        except Exception as exc:
            raise self._failed(f"cannot delete {relative}", exc) from None

    def _headers(self, content_type: str, cache_control: str) -> dict[str, Any]:
        if self.scheme in ("s3", "s3a"):
            return {"ContentType": content_type, "CacheControl": cache_control}
        if self.scheme in ("gs", "gcs"):
            return {"content_type": content_type, "fixed_key_metadata": {"cache_control": cache_control}}
        if self.scheme in ("az", "abfs", "abfss"):
            from azure.storage.blob import ContentSettings  # noqa: PLC0415 - only with the optional azure extra

            return {"content_settings": ContentSettings(content_type=content_type, cache_control=cache_control)}
        return {}  # a mounted web root: the web server sets the headers

    def _failed(self, what: str, exc: Exception) -> StorageError:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return StorageError(f"{self.url}: {what}: {reason[:300]}")
