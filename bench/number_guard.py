"""What the number guard costs `guide check` and every build: its time beside the whole load, side by side.

    python bench/number_guard.py [--sizes 10,100,500] [--runs 5]

For the sample and generated scripts of each size (bench/run.py's, texts from the sample),
each with no lexicon and with the sample's lexicon (``botox: bo-tox``, a word in most
sentences), it times the whole load (``load_script``, the guard included) and the guard
alone (``check_numbers``): first as a `guide check` meets them, once in a fresh Python
process (cold: nothing cached yet), then warm in this process, the best of ``--runs``.
Prints a Markdown table for docs/benchmarks.md.
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
from guide.script.number_check import check_numbers

LEXICON = 'lexicon:\n  en: {botox: "bo-tox"}\n'


def best(runs: int, job) -> float:  # job: a callable
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


COLD = """
import json, sys, time
from guide.script.loader import load_script
from guide.script.number_check import check_numbers
start = time.perf_counter(); script = load_script(sys.argv[1]); load = time.perf_counter() - start
start = time.perf_counter(); check_numbers(script); guard = time.perf_counter() - start
print(json.dumps([load, guard]))
"""


def cold(path: Path) -> tuple[float, float]:
    """(load, guard) in a fresh process: the load includes one guard run, the guard is timed again after it."""
    load, guard = in_fresh_process(COLD, path)
    return load, guard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,500")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        scripts = [("sample", Path(SAMPLE))]
        for size in map(int, args.sizes.split(",")):
            plain = generated_script(size, folder)
            with_lexicon = folder / f"gen-{size}-lexicon.yaml"
            with_lexicon.write_text(plain.read_text(encoding="utf-8") + LEXICON, encoding="utf-8")
            scripts += [(f"{size} items", plain), (f"{size} items + lexicon", with_lexicon)]
        print(
            "| script | first load in a fresh process (guard included) | guard again, same process "
            "| warm load | warm guard | guard's share, warm |"
        )
        print("|---|---|---|---|---|---|")
        for name, path in scripts:
            first_load, first_guard = cold(path)
            script = load_script(path)
            load = best(args.runs, lambda path=path: load_script(path))
            guard = best(args.runs, lambda script=script: check_numbers(script))
            print(
                f"| {name} | {first_load * 1000:.0f} ms | {first_guard * 1000:.0f} ms | {load * 1000:.0f} ms | "
                f"{guard * 1000:.1f} ms | {guard / load:.0%} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
