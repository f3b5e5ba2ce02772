"""A published guide read the way a listener's phone, a podcast app and a program reading the manifest would:
every fixed address they know (the pages, feeds, playlists and ``manifest.json``), then every file each names.

Written from the formats (HTML with the player's JSON data, RSS, M3U8, the manifest), not from guide/deploy, so
it checks the publish rather than repeating it."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree, html

Get = Callable[[str], "bytes | None"]
"""The bytes at an address below the guide's folder, None when nothing is there."""

FILE_VALUE = re.compile(r"^[\w./-]+\.(mp3|m4b|m4a|jpg|jpeg|png|webp|vtt|srt|txt|json|pdf)$")
"""A string in the player's data that names a file."""

CONTENT_HASH = re.compile(r"\.([0-9a-f]{16})\.[A-Za-z0-9]+$")
"""The start of the SHA-256 a content address carries in its name."""


def fixed_addresses(folder: Path) -> list[str]:
    """What a listener is given by address: the built guide's pages, feeds and playlists (and the manifest)."""
    pages = [p for p in folder.rglob("*") if p.suffix in (".html", ".xml", ".m3u8")]
    given = sorted(p.relative_to(folder).as_posix() for p in pages)
    return ["manifest.json", *given]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def references(address: str, data: bytes, base_url: str | None) -> set[str]:
    """The files (addresses below the guide's folder) a page, feed or playlist names."""
    here = posixpath.dirname(address)
    found: set[str] = set()
    if address.endswith(".html"):
        for script in html.fromstring(data).xpath("//script[@type='application/json']"):
            named = [s for s in _strings(json.loads(script.text)) if FILE_VALUE.match(s)]
            found |= {posixpath.normpath(posixpath.join(here, s)) for s in named}
    elif address.endswith(".xml"):
        root = etree.fromstring(data)
        urls = [v for el in root.iter() for k, v in el.attrib.items() if k in ("url", "href")]
        urls += [el.text for el in root.iter("url") if el.text]
        prefix = (base_url or "").rstrip("/") + "/"
        found |= {u[len(prefix) :] for u in urls if base_url and u.startswith(prefix) and u != prefix}
    elif address.endswith(".m3u8"):
        lines = data.decode("utf-8").splitlines()
        found |= {posixpath.normpath(posixpath.join(here, line)) for line in lines if line and not line.startswith("#")}
    return {f for f in found if not f.endswith((".html", ".xml"))}  # links between pages are fixed addresses


def read_site(get: Get, fixed: list[str], base_url: str | None) -> list[str]:
    """Everything a listener would find wrong right now: a file a page, feed, playlist or the manifest names that
    is not there, or whose bytes are not what the manifest (or the content address's name) says. [] when none."""
    wrong: list[str] = []
    cache: dict[str, bytes | None] = {}

    def fetch(address: str) -> bytes | None:
        if address not in cache:
            cache[address] = get(address)
        return cache[address]

    manifest_bytes = fetch("manifest.json")
    if manifest_bytes is not None:
        manifest = json.loads(manifest_bytes)
        for record in manifest["files"]:
            data = fetch(record["path"])
            if data is None:
                wrong.append(f"manifest.json names {record['path']}: not there")
            elif (hashlib.sha256(data).hexdigest(), len(data)) != (record["sha256"], record["bytes"]):
                wrong.append(f"manifest.json names {record['path']}: its bytes are not what the manifest says")
        for lang in manifest["languages"].values():
            for track in [*lang["tracks"], lang.get("full_guide") or {}]:
                if track.get("file"):
                    data = fetch(track["file"])
                    if data is None or hashlib.sha256(data).hexdigest() != track["sha256"]:
                        wrong.append(f"manifest.json's track {track['file']}: missing or not its sha256")
    for address in fixed:
        data = fetch(address)
        if data is None or address == "manifest.json":
            continue
        for named in sorted(references(address, data, base_url)):
            content = fetch(named)
            if content is None:
                wrong.append(f"{address} names {named}: not there")
                continue
            stamped = CONTENT_HASH.search(named)
            if stamped and not hashlib.sha256(content).hexdigest().startswith(stamped.group(1)):
                wrong.append(f"{address} names {named}: its bytes are not what its name says")
    return wrong
