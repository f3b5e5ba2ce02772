"""Content-Type and Cache-Control of each file a guide publishes: our table, never the machine's MIME files
(which differ between machines, and on many know neither .vtt nor .srt)."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..manifest import MANIFEST

__all__ = ["LONG", "MANIFEST_KIND", "MEDIA", "PAGE", "SHORT", "TEXT", "TYPES", "headers_for", "kind_of"]

MEDIA, TEXT, PAGE, MANIFEST_KIND = "media", "text", "page", "manifest"
"""Kinds, in upload order: what pages and feeds name goes up before them; the manifest last."""

SHORT = "public, max-age=300"
"""Pages, feeds, the manifest: a rebuild shows within minutes."""

LONG = "public, max-age=86400"
"""Audio, transcripts, images: large and rarely changed; a day."""

TYPES: dict[str, tuple[str, str, str]] = {
    ".mp3": ("audio/mpeg", MEDIA, LONG),
    ".m4b": ("audio/mp4", MEDIA, LONG),
    ".m4a": ("audio/mp4", MEDIA, LONG),
    ".vtt": ("text/vtt; charset=utf-8", TEXT, LONG),
    ".srt": ("application/x-subrip", TEXT, LONG),
    ".txt": ("text/plain; charset=utf-8", TEXT, LONG),
    ".jpg": ("image/jpeg", MEDIA, LONG),
    ".jpeg": ("image/jpeg", MEDIA, LONG),
    ".png": ("image/png", MEDIA, LONG),
    ".webp": ("image/webp", MEDIA, LONG),
    ".svg": ("image/svg+xml", MEDIA, LONG),
    ".pdf": ("application/pdf", MEDIA, LONG),
    ".json": ("application/json", PAGE, SHORT),
    ".m3u8": ("application/vnd.apple.mpegurl", PAGE, SHORT),
    ".m3u": ("audio/x-mpegurl", PAGE, SHORT),
    ".xml": ("application/rss+xml; charset=utf-8", PAGE, SHORT),
    ".rss": ("application/rss+xml; charset=utf-8", PAGE, SHORT),
    ".html": ("text/html; charset=utf-8", PAGE, SHORT),
}
"""Suffix -> (Content-Type, kind, Cache-Control)."""

UNKNOWN = ("application/octet-stream", MEDIA, LONG)


def headers_for(relative: str) -> tuple[str, str]:
    """(Content-Type, Cache-Control) of a published file."""
    content_type, _kind, cache = TYPES.get(PurePosixPath(relative).suffix.lower(), UNKNOWN)
    if relative == MANIFEST:
        return "application/json", SHORT
    return content_type, cache


def kind_of(relative: str) -> str:
    """``media``, ``text``, ``page`` or ``manifest``: when it is uploaded."""
    if relative == MANIFEST:
        return MANIFEST_KIND
    return TYPES.get(PurePosixPath(relative).suffix.lower(), UNKNOWN)[1]
