"""``guide build --watch``: rebuild whenever a script, or a file it names, is saved."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import GuideError


def watched_files(script_paths: Sequence[Path], named: Callable[[Path], Sequence[Path]]) -> list[Path]:
    """The scripts and every file they name (voice models…), as far as they can be read."""
    files = []
    for path in script_paths:
        files.append(path)
        try:
            files += list(named(path))
        except GuideError:
            pass  # a broken script is still watched; the build reports what is wrong
    return files


def _stamps(files: Sequence[Path]) -> dict[Path, tuple[int, int] | None]:
    out = {}
    for path in files:
        try:
            stat = path.stat()
            out[path] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            out[path] = None
    return out


def watch(
    script_paths: Sequence[Path],
    rebuild: Callable[[Path], None],
    report: Callable[[str], None],
    named: Callable[[Path], Sequence[Path]] = lambda path: (),
    interval: float = 0.5,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Build each script once, then again whenever it or a file it names changes.

    Errors a user can cause are reported and watching goes on; Ctrl-C stops.
    Polling (not inotify) keeps it dependency-free and works on network folders.
    """

    def run(path: Path) -> None:
        try:
            rebuild(path)
        except GuideError as exc:
            report(f"Error: {exc.format_message()}")

    # Stamps are taken before each build, so a save made while a build runs is seen next time round.
    files = watched_files(script_paths, named)
    stamps = _stamps(files)
    for path in script_paths:
        run(path)
    report(f"Watching {len(files)} file(s); press Ctrl-C to stop.")
    while not should_stop():
        time.sleep(interval)
        current = _stamps(files)
        if current == stamps:
            continue
        changed = [p for p in files if current.get(p) != stamps.get(p)]
        stamps = current
        report(f"Changed: {', '.join(str(p) for p in changed)}")
        for path in script_paths:
            if path in changed or any(p not in script_paths for p in changed):
                run(path)
        files = watched_files(script_paths, named)
        # Files the scripts name now but did not before start from their stamp after the build.
        stamps = {**_stamps([p for p in files if p not in stamps]), **{p: stamps[p] for p in files if p in stamps}}
