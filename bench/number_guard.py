"""What the number guard costs `guide check` and every build: its time beside the whole load, side by side.

    python bench/number_guard.py [--sizes 10,100,500] [--runs 5]

For the sample and generated scripts of each size (bench/run.py's, texts from the sample),
each with no lexicon and with the sample's lexicon (``botox: bo-tox``, a word in most
sentences), it loads the script once and times, in this process, the whole load
(``load_script``, the guard included) and the guard alone (``check_numbers``), the best
of ``--runs``. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import SAMPLE, generated_script  # noqa: E402

from guide.script.loader import load_script  # noqa: E402
from guide.script.number_check import check_numbers  # noqa: E402

LEXICON = "lexicon:\n  en: {botox: \"bo-tox\"}\n"


def best(runs: int, job) -> float:  # noqa: ANN001 - a callable
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


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
        print("| script | load (guard included) | guard alone | guard's share |")
        print("|---|---|---|---|")
        for name, path in scripts:
            script = load_script(path)
            load = best(args.runs, lambda: load_script(path))
            guard = best(args.runs, lambda: check_numbers(script))
            print(f"| {name} | {load * 1000:.0f} ms | {guard * 1000:.1f} ms | {guard / load:.0%} |", flush=True)


if __name__ == "__main__":
    main()
