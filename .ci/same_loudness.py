"""CI: every MP3 of two builds of the same script has the same loudness (shape 2 against shape 1).

Shape 2 builds from shape 1's takes, so same_audio.py finds the same bytes; this measures, as a listener's
check, that the integrated loudness is within TOLERANCE and every true peak stays under -1 dBTP (and it still
holds for builds that record their takes afresh, where Piper's noise makes the files differ).
Usage: python .ci/same_loudness.py FIRST_OUT SECOND_OUT
"""

from __future__ import annotations

import sys
from pathlib import Path

from guide.audio.loudness import ebur128

TOLERANCE = 0.5  # LU: the normaliser stops within 0.3 of the target; meters round to 0.1


def main(first: Path, second: Path) -> int:
    files = sorted(p.relative_to(first) for p in first.rglob("*.mp3"))
    if not files:
        print(f"no MP3 in {first}")
        return 1
    bad = 0
    for name in files:
        (a, peak_a), (b, peak_b) = ebur128(str(first / name)), ebur128(str(second / name))
        ok = abs(a - b) <= TOLERANCE and max(peak_a, peak_b) <= -1.0
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {name}: {a:.1f} / {b:.1f} LUFS, true peak {peak_a:.1f} / {peak_b:.1f} dBTP")
    print(f"{len(files) - bad} of {len(files)} files match within {TOLERANCE} LU")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
