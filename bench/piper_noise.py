"""What reproducible Piper costs (issue 31): the noise rewrite, at voice load and per sentence, and one thread.

guide loads a Piper voice with its random nodes rewritten to draw from the sentence (guide/engines/piper_noise.py)
and one onnxruntime thread. This compares, in one process, turn and turn about so that the machine's load falls
on both alike:

1. loading the bundled voice as guide does now (``onnx.load``, the rewrite, a session from the bytes) against
   a session made from the model file as it is, with the same session options;
2. speaking the sample's English sentences with the rewritten model against the original one (one thread each);
3. one sentence with one onnxruntime thread against one per core (what a single take recorded alone, or the
   studio's ▶, gave up for reproducible samples).

    python bench/piper_noise.py --rounds 5

Prints medians, in Markdown, for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _session(graph: str | bytes, threads: int):  # -> onnxruntime.InferenceSession
    """A session with guide's options (guide/engines/piper.py: _load_voice) but `threads`."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_mem_pattern = False
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(graph, sess_options=options, providers=["CPUExecutionProvider"])


def _sentences() -> list[str]:
    """The sample's English sentences, as the front-end gives them to Piper."""
    from guide.builder import load, plan
    from guide.engines import EngineRegistry

    registry = EngineRegistry()
    planned = plan(load(ROOT / "scripts" / "botox_long_term_effects.yaml", registry), registry)
    return sorted({take.text for take in planned.takes() if take.voice.engine == "piper"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="turns of each measurement")
    opts = parser.parse_args()

    from piper import PiperVoice
    from piper.config import PiperConfig

    from guide.engines.piper import BUNDLED_VOICE, bundled_voices

    model = str(bundled_voices()[BUNDLED_VOICE])
    config = PiperConfig.from_dict(json.loads(Path(f"{model}.json").read_text(encoding="utf-8")))

    def load_seeded():
        return _session(_seeded_bytes(model), 1)

    loads: dict[str, list[float]] = {"original": [], "seeded": []}
    for _ in range(opts.rounds):
        for name, load in (("original", lambda: _session(model, 1)), ("seeded", load_seeded)):
            start = time.perf_counter()
            load()
            loads[name].append(time.perf_counter() - start)

    voices = {
        "original": PiperVoice(config=config, session=_session(model, 1)),
        "seeded": PiperVoice(config=config, session=load_seeded()),
        "every core": PiperVoice(config=config, session=_session(_seeded_bytes(model), len(os.sched_getaffinity(0)))),
    }
    sentences = _sentences()
    speak: dict[str, list[float]] = {"original": [], "seeded": []}
    for voice in voices.values():
        list(voice.synthesize("Warm up."))
    for _ in range(opts.rounds):
        for name in speak:
            start = time.perf_counter()
            for text in sentences:
                list(voices[name].synthesize(text))
            speak[name].append(time.perf_counter() - start)
    one = "Many people safely use Botox for years, with regular treatments every 3 to 6 months."
    single: dict[str, list[float]] = {"seeded": [], "every core": []}
    for _ in range(opts.rounds * 3):
        for name in single:
            start = time.perf_counter()
            list(voices[name].synthesize(one))
            single[name].append(time.perf_counter() - start)

    def med(values: list[float]) -> float:
        return statistics.median(values)

    cores = len(os.sched_getaffinity(0))
    print(f"Machine: {cores} cores, load average {os.getloadavg()[0]:.1f}; {opts.rounds} rounds, medians.\n")
    print("| measure | before issue 31 | now | ratio |")
    print("|---|---|---|---|")
    a, b = med(loads["original"]), med(loads["seeded"])
    print(f"| load the bundled voice (s) | {a:.2f} | {b:.2f} | {b / a:.2f} |")
    a, b = med(speak["original"]), med(speak["seeded"])
    print(
        f"| speak the sample's {len(sentences)} English sentences, one thread (s) | {a:.2f} | {b:.2f} | {b / a:.2f} |"
    )
    a, b = med(single["every core"]), med(single["seeded"])
    print(f"| one sentence alone: {cores} onnxruntime threads before, 1 now (s) | {a:.3f} | {b:.3f} | {b / a:.2f} |")


def _seeded_bytes(model: str) -> bytes:
    """The model at `model`, rewritten as guide loads it."""
    import onnx

    from guide.engines.piper_noise import seeded

    rewritten = seeded(onnx.load(model))
    if rewritten is None:
        raise SystemExit(f"{model} has no random nodes")
    return rewritten.model


if __name__ == "__main__":
    main()
