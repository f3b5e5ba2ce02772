"""What a publish uploads and deletes, in which order: pure, from the local files and the last published manifest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..errors import InputError
from .headers import MANIFEST_KIND, MEDIA, PAGE, TEXT, kind_of
from .inventory import Entry

__all__ = ["DEFAULT_MAX_DELETES", "ORDER", "PublishPlan", "plan_publish", "published_files"]

DEFAULT_MAX_DELETES = 10
"""Deletions allowed without --max-deletes: a rebuilt guide drops a few files, a wrong DEST would drop hundreds."""

ORDER = (MEDIA, TEXT, PAGE, MANIFEST_KIND)
"""Upload order: what pages and feeds name first, then the pages and feeds, the manifest last."""


@dataclass(frozen=True)
class PublishPlan:
    """The uploads, in order, and the deletions."""

    upload: tuple[Entry, ...]
    """Files whose content is not what was published (new or changed), media first; the manifest last."""

    unchanged: int
    """Files already published with this content."""

    delete: tuple[str, ...] = ()
    """Files the last publish listed that the guide no longer has (only with --delete)."""

    kept: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    """Files left at DEST that the guide no longer has, and why."""

    carried: tuple[Entry, ...] = field(default_factory=tuple)
    """Those files' entries: the published manifest goes on listing them, so a later --delete finds them."""

    @property
    def upload_bytes(self) -> int:
        return sum(e.size for e in self.upload)

    @property
    def nothing_to_do(self) -> bool:
        return not self.upload and not self.delete

    def with_manifest(self, manifest: Entry, published_sha256: str | None) -> PublishPlan:
        """The plan with the manifest to publish last, when anything changed or it differs from DEST's."""
        if not self.upload and not self.delete and manifest.sha256 == published_sha256:
            return self
        return replace(self, upload=(*self.upload, manifest))


def published_files(manifest: Mapping | None) -> dict[str, Entry]:
    """The files a published manifest lists (its ``published`` block), as entries; {} for none or junk."""
    block = (manifest or {}).get("published") if isinstance(manifest, Mapping) else None
    files = block.get("files") if isinstance(block, Mapping) else None
    out: dict[str, Entry] = {}
    for path, info in (files or {}).items() if isinstance(files, Mapping) else ():
        if isinstance(path, str) and isinstance(info, Mapping) and isinstance(info.get("sha256"), str):
            out[path] = Entry(path, info["sha256"], int(info.get("bytes") or 0), str(info.get("md5") or ""))
    return out


def plan_publish(
    local: Mapping[str, Entry],
    published: Mapping[str, Entry],
    *,
    delete: bool = False,
    max_deletes: int = DEFAULT_MAX_DELETES,
    named_by_feeds: frozenset[str] = frozenset(),
) -> PublishPlan:
    """Plan a publish of `local` (the guide's files, the manifest aside) over what `published` (the last
    published manifest) says DEST holds; :meth:`PublishPlan.with_manifest` adds the manifest.

    Raises:
        InputError: more files would be deleted than `max_deletes` allows (nothing is done then).
    """
    changed = [e for path, e in local.items() if path not in published or published[path].sha256 != e.sha256]
    changed.sort(key=lambda e: (ORDER.index(kind_of(e.path)), e.path))
    gone = sorted(path for path in published if path not in local)
    doomed: list[str] = []
    kept: list[tuple[str, str]] = []
    for path in gone:
        if not delete:
            kept.append((path, "no longer in the guide; --delete removes it"))
        elif path in named_by_feeds:
            kept.append((path, "a published feed still names it"))
        else:
            doomed.append(path)
    if len(doomed) > max_deletes:
        raise InputError(
            f"{len(doomed)} files would be deleted, more than --max-deletes {max_deletes} allows; nothing was changed. "
            "Check that DEST is this guide's folder, then give --max-deletes N to allow it"
        )
    carried = tuple(published[path] for path, _ in kept)
    return PublishPlan(tuple(changed), len(local) - len(changed), tuple(doomed), tuple(kept), carried)
