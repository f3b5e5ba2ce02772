"""Piper's own memory: the loaded voice, and what each sentence being spoken at once adds.

One process loads the bundled voice as guide does (`guide.engines.piper`), then speaks 16
long sentences in 1 or 2 threads sharing it, and reports the time and the peak proportional
set size (PSS) of the process, sampled every 50 ms:

    python bench/piper_memory.py --threads 1
    python bench/piper_memory.py --threads 2

The difference between the two peaks is what a second concurrent Piper sentence costs, the
floor under ``guide build --jobs 2``'s memory (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import threading
import time

TEXT = (
    "Point {}. Botox functions by temporarily blocking nerve signals to muscles, leading to reduced muscle "
    "activity and smoother skin. This mechanism makes it a popular choice for wrinkle reduction and conditions "
    "like chronic migraines or muscle spasms."
)


def pss_mb() -> int:
    with open(f"/proc/{os.getpid()}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="sentences spoken at once")
    parser.add_argument("--sentences", type=int, default=16)
    opts = parser.parse_args()

    from guide.engines.base import VoiceRef
    from guide.engines.piper import BUNDLED_VOICE, PiperEngine, bundled_voices

    engine = PiperEngine()
    engine.prepare(opts.sentences, opts.threads, len(os.sched_getaffinity(0)))
    voice = VoiceRef("piper", "en", str(bundled_voices()[BUNDLED_VOICE]))
    engine.synthesize("Warm up.", voice)
    loaded = pss_mb()
    peak, done = loaded, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, pss_mb())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    with cf.ThreadPoolExecutor(opts.threads) as pool:
        audio = sum(
            chunk.duration
            for chunk in pool.map(lambda n: engine.synthesize(TEXT.format(n), voice), range(opts.sentences))
        )
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    print(
        f"{opts.threads} at once: {seconds:.1f} s for {audio:.0f} s of speech; "
        f"PSS with the voice loaded {loaded} MB, peak {peak} MB"
    )


if __name__ == "__main__":
    main()
