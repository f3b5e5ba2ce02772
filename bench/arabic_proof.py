"""How well is the offline Arabic understood? `guide proof` on fresh offline builds, several runs, side by side.

Each run builds the Arabic of each script with ``--offline`` into a fresh output folder and a
fresh take cache (espeak-ng's audio differs from run to run, so every run records anew), then
listens with ``guide proof --json`` and keeps the share of characters missed. With several
``--code`` folders (checkouts of guide, e.g. a ``git worktree`` of the previous commit) the
versions are measured in the same run, alternately, so a busy machine affects them alike.

    python bench/arabic_proof.py --runs 3 --code /tmp/before --code . \\
        scripts/botox_long_term_effects.yaml docs/arabic-offline/tooth-extraction.yaml

Needs the proof extra (pip install -e '.[proof]'). Prints a Markdown table; --json FILE keeps every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_guide(code: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m guide ARGS` with the guide package of `code` first on the path.

    It runs in `code`: ``python -m`` puts the working folder first on the path, before PYTHONPATH.
    """
    env = {**env, "PYTHONPATH": str(code.resolve())}
    return subprocess.run([sys.executable, "-m", "guide", *args], env=env, capture_output=True, text=True, cwd=code)


def one_run(code: Path, script: Path, work: Path, model: Path) -> dict:
    """Build the script's Arabic offline from nothing, proof it from nothing (`model`: the recogniser), return the
    figures."""
    env = {**os.environ, "GUIDE_OFFLINE": "1"}
    out, cache = work / "out", work / "cache"
    started = time.monotonic()
    built = run_guide(
        code, ["build", "--offline", "--lang", "ar", "--out", str(out), "--cache-dir", str(cache), str(script)], env
    )
    if built.returncode != 0:
        raise SystemExit(f"build failed ({code}, {script}):\n{built.stdout}\n{built.stderr}")
    build_s = time.monotonic() - started
    # A fresh proof cache too: proof keeps transcripts by take, and every run's takes are new recordings.
    proof = run_guide(
        code,
        [
            "proof",
            "--lang",
            "ar",
            "--json",
            "--out",
            str(out),
            "--cache-dir",
            str(cache),
            "--model",
            str(model),
            str(script),
        ],
        env,
    )
    if proof.returncode not in (0, 1):
        raise SystemExit(f"proof failed ({code}, {script}):\n{proof.stdout}\n{proof.stderr}")
    report = json.loads(proof.stdout)["languages"]["ar"]
    audio = sum(s["end"] - s["start"] for s in report["sentences"])
    return {
        "miss": report["miss"],
        "voice": report["voice"],
        "sentences": len(report["sentences"]),
        "speech_s": round(audio, 1),
        "build_s": round(build_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scripts", nargs="+", type=lambda p: Path(p).resolve())
    parser.add_argument(
        "--code", action="append", type=Path, help="a guide checkout to measure (repeatable; default: this one)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write every figure here")
    opts = parser.parse_args()
    codes = [c.resolve() for c in opts.code] if opts.code else [Path(__file__).resolve().parent.parent]
    results: dict[str, dict[str, list[dict]]] = {str(c): {str(s): [] for s in opts.scripts} for c in codes}
    with tempfile.TemporaryDirectory(prefix="arabic-proof-") as tmp:
        from guide.proof.model import bundled_model

        model = bundled_model(Path(tmp) / "model").path  # the bundled Whisper base, joined once for every run
        for run in range(opts.runs):
            for script in opts.scripts:
                for i, code in enumerate(codes):
                    figure = one_run(code, script, Path(tmp) / f"r{run}-{script.stem}-{i}", model)
                    results[str(code)][str(script)].append(figure)
                    print(
                        f"run {run + 1}: {code} {script.name}: {figure['miss']:.1%} missed "
                        f"({figure['voice']}, {figure['speech_s']} s)",
                        file=sys.stderr,
                        flush=True,
                    )
    print("| code | script | runs | mean miss | range | speech (s) |")
    print("|---|---|---|---|---|---|")
    for code, per_script in results.items():
        for script, figures in per_script.items():
            misses = [f["miss"] for f in figures]
            print(
                f"| {code} | {Path(script).name} | {len(misses)} | {statistics.mean(misses):.1%} | "
                f"{min(misses):.1%}–{max(misses):.1%} | {statistics.mean(f['speech_s'] for f in figures):.0f} |"
            )
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
