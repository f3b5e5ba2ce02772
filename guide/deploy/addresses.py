"""Where each file of a guide lives once published: a fixed address for what people and apps are given (pages,
feeds, playlists, the printed PDF, the manifest), a content address for everything else (audio, transcripts,
covers, chapters), and the rewriting that makes the published pages, feeds, playlists and manifest name the
content addresses.

A content address holds one content for ever (its name carries the start of the content's SHA-256), so uploading
a new version never changes a file a live page, feed or manifest names: it adds a file beside it. Only the fixed
addresses are overwritten, each in one piece, after everything they name is there.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

__all__ = [
    "FIXED_SUFFIXES",
    "HASH_CHARS",
    "REWRITTEN_SUFFIXES",
    "content_address",
    "is_fixed",
    "rewrite_text",
    "rewrite_values",
]

FIXED_SUFFIXES = (".html", ".xml", ".rss", ".m3u8", ".m3u", ".pdf")
"""Files published at their own name: the QR codes lead to the pages, podcast apps subscribe to the feeds,
players open the playlists, the printed PDF is handed round by its address."""

REWRITTEN_SUFFIXES = (".html", ".xml", ".rss", ".m3u8", ".m3u")
"""Fixed files that name other files of the guide, rewritten to name their content addresses."""

HASH_CHARS = 16
"""Hex digits of the SHA-256 in a content address: 64 bits, never the same twice for one file's versions."""

_TOKEN = re.compile(r"[^\s\"'<>]+")
"""What may be a reference in a page, feed or playlist: a run of characters that no quote, bracket or space ends
(a JSON string in the player's data, an XML attribute or element text, a playlist's line)."""


def is_fixed(path: str) -> bool:
    """Whether `path` (relative to the guide folder) is published at its own name."""
    return PurePosixPath(path).suffix.lower() in FIXED_SUFFIXES


def content_address(path: str, sha256: str) -> str:
    """The name `path`'s content is published under, in the same folder so relative references still work:
    ``en/01-care.mp3`` with a SHA-256 starting ``3f2a…`` is ``en/01-care.3f2a….mp3``."""
    pure = PurePosixPath(path)
    return str(pure.with_name(f"{pure.stem}.{sha256[:HASH_CHARS]}{pure.suffix}"))


def rewrite_text(text: str, path: str, addresses: Mapping[str, str]) -> tuple[str, frozenset[str]]:
    """`text` (the content of the page, feed or playlist at `path`) with every reference to a file in
    `addresses` (guide path -> published address) replaced by its address, and the addresses it now names.

    References are recognised in the three forms guide's exporters write: relative to the file's folder (the
    player's data, a playlist's lines) and absolute URLs ending in the file's path (a feed's enclosures). A
    feed's episode ``guid`` (``urn:guide:<path>:<hash>``) is none of these, so it is never changed.
    """
    here = posixpath.dirname(path)
    named: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if "://" in token:
            scheme, rest = token.split("://", 1)
            parts = rest.split("/")
            for i in range(1, len(parts)):  # the URL's longest tail that is a file of the guide
                tail = "/".join(parts[i:])
                if tail in addresses:
                    named.add(addresses[tail])
                    return f"{scheme}://{'/'.join(parts[:i])}/{addresses[tail]}"
            return token
        if token.startswith("/"):
            return token
        target = posixpath.normpath(posixpath.join(here, token))
        if target not in addresses:
            return token
        named.add(addresses[target])
        return token[: len(token) - len(posixpath.basename(token))] + posixpath.basename(addresses[target])

    return _TOKEN.sub(replace, text), frozenset(named)


def rewrite_values(value: Any, addresses: Mapping[str, str]) -> Any:
    """A JSON value with every string that is a guide path in `addresses` replaced by its address (the
    manifest's ``file``, ``full`` and ``m4b`` fields)."""
    if isinstance(value, str):
        return addresses.get(value, value)
    if isinstance(value, list):
        return [rewrite_values(item, addresses) for item in value]
    if isinstance(value, dict):
        return {key: rewrite_values(item, addresses) for key, item in value.items()}
    return value
