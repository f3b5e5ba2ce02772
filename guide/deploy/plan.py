"""What a publish uploads and removes, in which order: pure, from the guide's files as they will be published and
the last published manifest.

The order keeps every moment of a publish a consistent site (the README's "Putting the guide online"):

1. every new content under its content address (audio, transcripts, covers, chapters first; then the copies of
   the pages, feeds and playlists), beside the old ones, which the live pages and manifest still name;
2. the fixed addresses (pages, feeds, playlists, the PDF), each overwritten in one piece: each names only
   content addresses that are there since step 1;
3. old versions retired by an earlier publish, once nothing live has named them for the grace period;
   fixed files the guide dropped, with ``--delete``;
4. ``manifest.json``, last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from ..errors import InputError
from .addresses import is_fixed
from .headers import MANIFEST_KIND, MEDIA, PAGE, TEXT, kind_of
from .inventory import Entry

__all__ = [
    "DEFAULT_GRACE_DAYS",
    "DEFAULT_MAX_DELETES",
    "ORDER",
    "PublishPlan",
    "Published",
    "Upload",
    "plan_publish",
    "published_state",
]

DEFAULT_MAX_DELETES = 10
"""Deletions allowed without --max-deletes: a rebuilt guide drops a few files, a wrong DEST would drop hundreds."""

DEFAULT_GRACE_DAYS = 7
"""Days an old version stays after the publish that replaced it: a page loaded or a feed read before it, and a
podcast app downloading an episode later (on Wi-Fi, at night), still find the audio they were given."""

ORDER = (MEDIA, TEXT, PAGE, MANIFEST_KIND)
"""Upload order of content addresses: what pages and feeds name first, then the copies of the pages and feeds."""


@dataclass(frozen=True)
class Upload:
    """One object to write."""

    entry: Entry
    """The file."""

    address: str
    """Where: its content address, or its fixed address (its own path)."""


@dataclass(frozen=True)
class Published:
    """What the last complete publish at DEST says it left there (its manifest's ``published`` block)."""

    files: Mapping[str, Entry] = field(default_factory=dict)
    """Every file of the guide it published, by path."""

    retired: Mapping[str, datetime] = field(default_factory=dict)
    """Old versions still at DEST that nothing live names, and since when."""

    guide: str | None = None
    """The guide's id, when a manifest is there."""


@dataclass(frozen=True)
class PublishPlan:
    """The uploads, in order, and the removals: everything a publish does."""

    files: int
    """Files in the guide as published (its manifest aside): what every count is out of."""

    changed: tuple[str, ...]
    """Files whose content is new at DEST (paths)."""

    upload: tuple[Upload, ...]
    """Objects to write, in order; with :meth:`with_manifest`, the manifest last."""

    remove: tuple[str, ...] = ()
    """Old versions whose grace period has passed: removed before the manifest."""

    delete: tuple[str, ...] = ()
    """Fixed files the guide no longer has (only with --delete)."""

    kept: tuple[tuple[str, str], ...] = ()
    """Fixed files left at DEST that the guide no longer has, and why."""

    carried: tuple[Entry, ...] = ()
    """Those files' entries: the published manifest goes on listing them, so a later --delete finds them."""

    retired: tuple[tuple[str, datetime], ...] = ()
    """Old versions left at DEST after this publish, and since when nothing live names them."""

    @property
    def unchanged(self) -> int:
        """Files already published with this content."""
        return self.files - len(self.changed)

    @property
    def upload_bytes(self) -> int:
        """Bytes of the changed files (each counted once, however many addresses it is written to)."""
        sizes = {u.entry.path: u.entry.size for u in self.upload}
        return sum(sizes[path] for path in self.changed if path in sizes)

    @property
    def nothing_to_do(self) -> bool:
        return not self.upload and not self.delete and not self.remove

    def with_manifest(self, manifest: Entry, published_sha256: str | None) -> PublishPlan:
        """The plan with the manifest to publish last, when anything changed or it differs from DEST's."""
        if self.nothing_to_do and manifest.sha256 == published_sha256:
            return self
        return replace(self, upload=(*self.upload, Upload(manifest, manifest.path)))


def published_state(manifest: object) -> Published:
    """What a published manifest (parsed JSON) says DEST holds; nothing for none or junk."""
    if not isinstance(manifest, Mapping):
        return Published()
    block = manifest.get("published")
    block = block if isinstance(block, Mapping) else {}
    files = block.get("files")
    out: dict[str, Entry] = {}
    for path, info in files.items() if isinstance(files, Mapping) else ():
        if isinstance(path, str) and isinstance(info, Mapping) and isinstance(info.get("sha256"), str):
            names = info.get("names")
            out[path] = Entry(
                path,
                info["sha256"],
                int(info.get("bytes") or 0),
                str(info.get("md5") or ""),
                str(info.get("address") or ""),
                tuple(n for n in names if isinstance(n, str)) if isinstance(names, list) else (),
            )
    retired: dict[str, datetime] = {}
    given = block.get("retired")
    for address, since in given.items() if isinstance(given, Mapping) else ():
        try:
            retired[str(address)] = datetime.fromisoformat(str(since))
        except ValueError:
            continue
    guide = manifest.get("id")
    return Published(out, retired, guide if isinstance(guide, str) else None)


def _live(entries: list[Entry] | tuple[Entry, ...]) -> set[str]:
    """Every address the given files occupy or name."""
    live: set[str] = set()
    for entry in entries:
        live.add(entry.at)
        live.update(entry.names)
        if is_fixed(entry.path):
            live.add(entry.path)
    return live


def plan_publish(
    local: Mapping[str, Entry],
    published: Published,
    *,
    now: datetime,
    grace: timedelta = timedelta(days=DEFAULT_GRACE_DAYS),
    delete: bool = False,
    max_deletes: int = DEFAULT_MAX_DELETES,
) -> PublishPlan:
    """Plan a publish of `local` (the guide's files as they will be published, the manifest aside, each with its
    content address) over what the last publish left; :meth:`PublishPlan.with_manifest` adds the manifest.

    Raises:
        InputError: more fixed files would be deleted than `max_deletes` allows (nothing is done then).
    """
    old = published.files
    changed = sorted(
        (e for path, e in local.items() if path not in old or (old[path].sha256, old[path].at) != (e.sha256, e.at)),
        key=lambda e: (ORDER.index(kind_of(e.path)), e.path),
    )
    uploads = [Upload(e, e.at) for e in changed] + [Upload(e, e.path) for e in changed if is_fixed(e.path)]
    doomed: list[str] = []
    kept: list[tuple[str, str]] = []
    for path in sorted(p for p in old if p not in local and is_fixed(p)):
        if delete:
            doomed.append(path)
        else:
            kept.append((path, "no longer in the guide; --delete removes it"))
    if len(doomed) > max_deletes:
        raise InputError(
            f"{len(doomed)} files would be deleted, more than --max-deletes {max_deletes} allows; nothing was changed. "
            "Check that DEST is this guide's folder, then give --max-deletes N to allow it"
        )
    carried = tuple(old[path] for path, _ in kept)
    live_now = _live([*local.values(), *carried])
    fixed = {p for p in [*old, *local] if is_fixed(p)}  # fixed addresses are deleted only with --delete, never retired
    remove = sorted(a for a, since in published.retired.items() if a not in live_now and now - since >= grace)
    retired = {a: since for a, since in published.retired.items() if a not in live_now and a not in remove}
    for address in sorted(_live(list(old.values())) - live_now - fixed):
        retired.setdefault(address, now)
    return PublishPlan(
        files=len(local),
        changed=tuple(e.path for e in changed),
        upload=tuple(uploads),
        remove=tuple(remove),
        delete=tuple(doomed),
        kept=tuple(kept),
        carried=carried,
        retired=tuple(sorted(retired.items())),
    )
