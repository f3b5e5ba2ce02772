"""CI: a build from the same takes writes the same bytes (shape 2, Debian's ffmpeg on PATH, against shape 1).

Both builds take their takes from one cache, so every file shape 2 writes (MP3s, M4Bs, subtitles, transcripts,
chapters, covers, pages) must be byte-identical to shape 1's: guide runs its own ffmpeg whatever is on PATH.
Left out: the manifest's and the feeds' publication dates, which are the time of each build (issue 31 makes them
reproducible); the manifest is compared without them.
Usage: python .ci/same_audio.py FIRST_OUT SECOND_OUT
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

DATED = {"manifest.json"}
"""Files compared as JSON without their ``published`` dates."""


def _undated(value: object) -> object:
    """`value` without any ``published`` key, at any depth."""
    if isinstance(value, dict):
        return {k: _undated(v) for k, v in value.items() if k != "published"}
    if isinstance(value, list):
        return [_undated(v) for v in value]
    return value


def main(first: Path, second: Path) -> int:
    files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file() and p.suffix != ".xml")
    if not any(f.suffix == ".mp3" for f in files):
        print(f"no MP3 in {second}")
        return 1
    bad = 0
    for name in files:
        a, b = first / name, second / name
        if not a.is_file():
            same = False
        elif name.name in DATED:
            same = _undated(json.loads(a.read_text("utf-8"))) == _undated(json.loads(b.read_text("utf-8")))
        else:
            same = hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
        bad += not same
        if not same:
            print(f"DIFFERENT {name}")
    print(f"{len(files) - bad} of {len(files)} files are the same bytes as {first}'s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
