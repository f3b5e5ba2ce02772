"""What the cross-language check costs `guide check` and every build: its time beside the whole load.

    python bench/parity.py [--sizes 10,100,500] [--runs 5]

For the sample and generated scripts of each size (bench/run.py's: texts from the sample, every sentence
ending in its item's number in both languages, so every sentence goes through the number front-end, the
check's slow path), it times the whole load (``load_script``: structure, number guard and the parity check)
and the parity check alone (``check_parity``), with the check's reading cache emptied before each run so
no run reuses another's readings: first in a fresh Python process (as `guide check` meets a script), then
warm in this process, the best of ``--runs``. Last, as `guide check` and `guide build` run on a script checked
before: in a fresh process, the load and the check with the agreeing pairs kept in the take cache by an earlier run
(:class:`~guide.text.memo.ParityMemo`, its file read included). Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import SAMPLE, generated_script, in_fresh_process

from guide.script.loader import load_script
from guide.script.parity_check import check_parity
from guide.text import parity


def forget() -> None:
    """Empty the check's caches: each timed run reads every text again."""
    parity.read.cache_clear()
    parity._part_of_quantity.cache_clear()


def best(runs: int, job) -> float:  # job: a callable
    times = []
    for _ in range(runs):
        forget()
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


COLD = """
import json, sys, time
from guide.script.loader import load_script
from guide.script.parity_check import check_parity
from guide.text import parity
start = time.perf_counter(); script = load_script(sys.argv[1]); load = time.perf_counter() - start
parity.read.cache_clear(); parity._part_of_quantity.cache_clear()
start = time.perf_counter(); check_parity(script); check = time.perf_counter() - start
print(json.dumps([load, check]))
"""


KEPT = """
import json, sys, time
from pathlib import Path
from guide.script.loader import load_script
from guide.script.parity_check import check_parity
from guide.text.memo import ParityMemo
start = time.perf_counter(); script = load_script(sys.argv[1], parity_memo=ParityMemo.load(Path(sys.argv[2])))
load = time.perf_counter() - start
start = time.perf_counter(); memo = ParityMemo.load(Path(sys.argv[2])); found = check_parity(script, memo)
check = time.perf_counter() - start
assert memo.misses == 0, memo.misses
print(json.dumps([load, check]))
"""


def kept(path: Path, memo: Path) -> tuple[float, float]:
    """(load, check) in a fresh process, both served by the pairs an earlier run kept in `memo`."""
    from guide.text.memo import ParityMemo

    pairs = ParityMemo(memo)
    load_script(path, parity_memo=pairs)
    pairs.save()
    load, check = in_fresh_process(KEPT, path, memo)
    return load, check


def cold(path: Path) -> tuple[float, float]:
    """(load, check) in a fresh process: the load includes one check, which is then timed again, uncached."""
    load, check = in_fresh_process(COLD, path)
    return load, check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,500")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        scripts = [("sample", Path(SAMPLE))]
        scripts += [(f"{size} items", generated_script(size, folder)) for size in map(int, args.sizes.split(","))]
        print(
            "| script | first load, fresh process (check included) | check alone, same process | warm load "
            "| warm check | check's share, warm | load, pairs kept | check, pairs kept | check's share, kept |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for name, path in scripts:
            first_load, first_check = cold(path)
            script = load_script(path)
            load = best(args.runs, lambda path=path: load_script(path))
            check = best(args.runs, lambda script=script: check_parity(script))
            kept_load, kept_check = min(
                (kept(path, folder / f"memo-{name}-{n}.json") for n in range(args.runs)), key=lambda pair: pair[1]
            )
            print(
                f"| {name} | {first_load * 1000:.0f} ms | {first_check * 1000:.0f} ms | {load * 1000:.0f} ms | "
                f"{check * 1000:.1f} ms | {check / load:.0%} | {kept_load * 1000:.0f} ms | {kept_check * 1000:.1f} ms "
                f"| {kept_check / kept_load:.0%} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
