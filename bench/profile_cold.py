"""Where a cold `guide build` spends its time: a profile by stage, measured in one process.

Run from the project root after installing: ``python bench/profile_cold.py --items 10``.
The build runs in this process (``guide.builder.build``, offline, an empty cache and
output folder) on a generated script (bench/run.py's, every sentence unique). The stages
are timed by wrapping the functions that do them, in every thread:

- the engines' ``synthesize`` (Piper for English, espeak-ng for Arabic), summed over threads;
- every ffmpeg process, by what it was for: the loudness meter passes and the encodes,
  counted, with their wall time (summed over the encoder threads) and their CPU time
  (from the kernel's accounting of this process's children);
- the full guides' join from frames, and the rest (planning, mixing, tags, manifest,
  companions) as the build's wall time less the stages on its critical path.

Printed as Markdown; with --write, also written to a file.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import generated_script, machine, raw_engine_seconds, texts_by_language  # noqa: E402 - bench/run.py

_lock = threading.Lock()
_seconds: dict[str, float] = defaultdict(float)
_counts: dict[str, int] = defaultdict(int)
_stage = threading.local()


@contextmanager
def timed(name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        with _lock:
            _seconds[name] += time.perf_counter() - start
            _counts[name] += 1


def wrap(owner: object, attribute: str, name: str) -> None:
    original = getattr(owner, attribute)

    def wrapper(*args, **kwargs):
        with timed(name):
            return original(*args, **kwargs)

    setattr(owner, attribute, wrapper)


def wrap_ffmpeg() -> None:
    """Time each ffmpeg process by its purpose: a meter pass (loudness) or an encode."""
    from guide.audio import ffmpeg, loudness
    from guide.publish import mp3

    original = ffmpeg.pipe_pcm

    def pipe_pcm(args, pcm, sample_rate, log=False, *, step="while running"):
        kind = "ffmpeg: loudness meter pass" if "-f" in args and "null" in args else "ffmpeg: encode (LAME, limiter)"
        with timed(kind):
            return original(args, pcm, sample_rate, log, step=step)

    # Each module imported the function by name: patch it where it is called.
    loudness.pipe_pcm = pipe_pcm
    mp3.pipe_pcm = pipe_pcm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10, help="generated script size")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the build")
    parser.add_argument("--write", type=Path, help="also write the Markdown report to this file")
    args = parser.parse_args()

    from guide import builder
    from guide.engines import EngineRegistry
    from guide.engines.espeak import EspeakEngine
    from guide.engines.piper import PiperEngine
    from guide.publish import frames
    from guide.stages import encode

    wrap(PiperEngine, "synthesize", "engine: Piper (English)")
    wrap(EspeakEngine, "synthesize", "engine: espeak-ng (Arabic)")
    wrap_ffmpeg()
    wrap(encode, "join_full", "join the full guides from frames")
    wrap(frames, "read_piece", "read pieces' frames")

    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = generated_script(args.items, folder)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        self_before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        from guide.settings import RunSettings

        result = builder.build(
            script,
            RunSettings.make(out=folder / "out", cache=folder / "cache", jobs=args.jobs),
            registry=EngineRegistry(offline=True),
        )
        wall = time.perf_counter() - start
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)
        stages, counts = dict(_seconds), dict(_counts)  # before the raw run below adds to them
        # The raw engines on the same texts, in the same run: the ratio's denominator (bench/run.py's).
        raw, _ = raw_engine_seconds(texts_by_language(script))
    child_cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    own_cpu = (own.ru_utime - self_before.ru_utime) + (own.ru_stime - self_before.ru_stime)

    lines = [
        f"Cold build of a generated {args.items}-item script, `--jobs {args.jobs}`, offline: {result.recorded} takes, "
        f"{len(result.encoded)} files written, {result.pieces_encoded} full-guide pieces encoded.",
        "",
        f"Machine: {machine()}. Load average before: {', '.join(f'{x:.2f}' for x in load)}; after: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        "",
        "| stage | calls | seconds (summed over threads) | share of the build's wall time |",
        "|---|---|---|---|",
    ]
    for name in sorted(stages, key=lambda n: -stages[n]):
        lines.append(f"| {name} | {counts[name]} | {stages[name]:.1f} s | {100 * stages[name] / wall:.0f} % |")
    lines += [
        f"| **the build, wall time** | 1 | **{wall:.1f} s** | 100 % |",
        "",
        f"Raw engines on the same texts (bench/run.py's measure, model loaded once): {raw:.1f} s. "
        f"Cold build / raw engines: **{wall / raw:.2f}×**.",
        "",
        f"CPU time: the build's own process {own_cpu:.1f} s (Python, Piper's onnxruntime, espeak-ng), its ffmpeg "
        f"processes {child_cpu:.1f} s; {own_cpu + child_cpu:.1f} s in all, against {2 * wall:.1f} s that two cores "
        f"could give in the wall time ({100 * (own_cpu + child_cpu) / (2 * wall):.0f} % used).",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        args.write.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
