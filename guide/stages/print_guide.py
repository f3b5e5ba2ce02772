"""``guide print``: the printable PDF of a build, checked against the script and the build's manifest."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..manifest import print_pdf, read_manifest
from ..safe_files import atomic_path
from ..script.loader import load_script
from ..settings import RunSettings
from .inputs import disk_errors

if TYPE_CHECKING:
    from ..publish.printing import Printout


@dataclass(frozen=True)
class PrintResult:
    """What ``guide print`` wrote."""

    pdf: Path
    """The PDF file."""

    pages: int
    """Pages in it."""

    printout: Printout
    """The posters and cards it holds, each with the address its QR code leads to."""


def print_guide(
    path: str | Path,
    settings: RunSettings | None = None,
    languages: Sequence[str] | None = None,
    *,
    output: str | Path | None = None,
    paper: str = "a4",
) -> PrintResult:
    """Write the printable PDF of the build of the script at `path` in ``settings.out``: a QR poster per
    language and an answer card per section and FAQ entry (:mod:`guide.publish.printing`).

    The QR codes lead to the web player published at ``settings.base_url`` (default: the script's
    ``base_url:``); the PDF goes to `output` (default: ``<out>/<id>/<id>.print.pdf``).
    """
    settings = settings or RunSettings.make()
    base_url = settings.base_url
    # fpdf and fontTools take a third of a second to import: only guide print pays for them.
    from ..publish.printing import FONT_FAMILY, PAPERS, missing_glyphs, printout, render  # noqa: PLC0415

    script = load_script(path)
    if paper not in PAPERS:
        raise InputError(f"--paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    url = base_url or script.base_url
    if not url:
        raise InputError(
            f"{script.path}: no base_url: in the script and no --base-url given; the QR codes must point to "
            "where the guide folder is published, e.g. --base-url https://clinic.example/guides/" + script.id
        )
    if base_url and not re.match(r"^https?://[^\s/?#]+[^\s?#]*$", base_url):
        raise InputError(
            f"--base-url '{base_url}' must be an http:// or https:// address of a folder (no ?query or #fragment)"
        )
    if not base_url and re.search(r"[?#]", url):
        raise InputError(
            f"{_where_key(script.path, 'base_url')}: base_url '{url}' must be the address of a folder "
            "(no ?query or #fragment)"
        )
    if not script.publish.player:
        raise InputError(
            f"{_where_key(script.path, 'publish')}: publish: player is off, "
            "but the printed QR codes lead to the web player"
        )
    folder = settings.out / script.id
    manifest = read_manifest(folder, follow_links=True)
    built = manifest.built() if manifest is not None else []
    if manifest is None or not built or not (folder / "index.html").is_file():
        raise InputError(f"{folder}: no build to print from; run `guide build {path}` first (with the same --out)")
    wanted = list(dict.fromkeys(languages)) if languages else [lang for lang in script.languages if lang in built]
    for lang in wanted:
        if lang not in built:
            raise InputError(f"--lang {lang}: {folder} has no build in that language (built: {', '.join(built)})")
    doc = printout(manifest, url, wanted, cover=script.cover, paper=paper)
    texts = [*doc.guide_title.values(), *(c.title for c in doc.cards)]
    missing = missing_glyphs(texts)
    if missing:
        shown_chars = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:10])
        raise InputError(
            f"{script.path}: the print font ({FONT_FAMILY}) has no letters for {shown_chars}; "
            "guide print covers Latin and Arabic script"
        )
    target = Path(output) if output is not None else folder / print_pdf(script.id)
    data, pages = render(doc)
    with disk_errors(), atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return PrintResult(target, pages, doc)


def _where_key(path: Path, key: str) -> str:
    """``file:line`` of the top-level `key` in the script at `path` (``file`` alone if not found)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return str(path)
    for number, line in enumerate(lines, 1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return f"{path}:{number}"
    return str(path)
