"""What the M4B costs: encoding the sample's full guides to AAC beside what their MP3s cost, side by side.

    python bench/m4b.py [--runs 3]

Builds the sample offline once (``GUIDE_OFFLINE=1``: the Arabic is espeak-ng's), then, for the
full guide of each language, times in this process, the best of ``--runs``:

1. decoding the full guide's MP3 to PCM alone (what the M4B's input costs);
2. the M4B: decoding and AAC encoding, chapters, tags and cover (:func:`guide.publish.m4b.write_m4b`);
3. an MP3 of the same decoded PCM (LAME at the build's bitrate, no loudness pass): what encoding
   the full guide would cost if it were not joined from its tracks' frames.

CPU seconds are this process's and its ffmpeg children's; the file sizes and the loudness of
the M4B beside the MP3 are given too. Then the build itself: a rebuild after editing one English
FAQ answer, with ``publish: {m4b: true}`` and without, each the best of ``--runs`` (the edited
answer and its undoing alternate, so every rebuild has the same work). Prints Markdown.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import SAMPLE

from guide.audio.loudness import ebur128
from guide.publish.m4b import file_pcm, write_m4b
from guide.publish.mp3 import Tags, write_mp3

ANSWER = "though individual responses vary."


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(runs: int, job) -> tuple[float, float]:  # job: a callable
    """(best wall seconds, CPU seconds of that run)."""
    best = None
    for _ in range(runs):
        wall, used = time.perf_counter(), cpu()
        job()
        sample = (time.perf_counter() - wall, cpu() - used)
        best = sample if best is None or sample[0] < best[0] else best
    return best


def build(script: Path, out: Path, cache: Path) -> float:
    env = {**os.environ, "GUIDE_OFFLINE": "1"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "guide", "build", str(script), "--out", str(out), "--cache-dir", str(cache)],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="bench-m4b-") as scratch:
        root = Path(scratch)
        text = SAMPLE.read_text(encoding="utf-8")
        if ANSWER not in text:
            raise SystemExit(f"the sample no longer says {ANSWER!r}: change ANSWER in {__file__}")
        with_m4b = root / "with.yaml"
        without = root / "without.yaml"
        if "publish: {m4b: true}" not in text:
            raise SystemExit(f"the sample no longer asks for an M4B with 'publish: {{m4b: true}}': change {__file__}")
        with_m4b.write_text(text, encoding="utf-8")
        without.write_text(text.replace("publish: {m4b: true}", "publish: {m4b: false}"), encoding="utf-8")
        cache = root / "cache"
        cold = build(without, root / "out-without", cache)
        folder = root / "out-without" / "botox-long-term-effects"

        print(f"Sample built offline in {cold:.0f} s (cold, MP3s only). Best of {runs}; CPU includes ffmpeg.\n")
        print(
            "| full guide | length | decode MP3 → PCM | M4B (decode + AAC 64k) | MP3 of the same PCM (LAME 96k) "
            "| M4B / MP3 size | loudness M4B − MP3 |"
        )
        print("|---|---|---|---|---|---|---|")
        for lang in ("en", "ar"):
            mp3 = folder / lang / f"botox-long-term-effects.{lang}.mp3"
            chapters = []  # the chapters cost nothing measurable: a text file and one atom
            tags = Tags(f"guide {lang}", "guide", lang)
            decode = timed(runs, lambda mp3=mp3: [None for _ in file_pcm(mp3)()])
            target = root / f"{lang}.m4b"
            m4b = timed(
                runs,
                lambda mp3=mp3, target=target, tags=tags, chapters=chapters: write_m4b(
                    file_pcm(mp3), target, tags, chapters, None
                ),
            )
            again = root / f"{lang}.mp3"
            lame = timed(
                runs, lambda mp3=mp3, again=again, tags=tags: write_mp3(file_pcm(mp3), again, tags, "96k", None)
            )
            seconds = float(
                subprocess.run(
                    [sys.executable, "-c", f"from mutagen.mp3 import MP3; print(MP3({str(mp3)!r}).info.length)"],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            difference = ebur128(str(target))[0] - ebur128(str(mp3))[0]
            print(
                f"| {lang} | {seconds / 60:.1f} min | {decode[0]:.1f} s wall, {decode[1]:.1f} s CPU "
                f"| {m4b[0]:.1f} s wall, {m4b[1]:.1f} s CPU | {lame[0]:.1f} s wall, {lame[1]:.1f} s CPU "
                f"| {target.stat().st_size / 1e6:.1f} MB / {mp3.stat().st_size / 1e6:.1f} MB | {difference:+.2f} LU |"
            )

        print("\n| rebuild after editing one English FAQ answer | best wall time |")
        print("|---|---|")
        for name, script in (("MP3s only", without), ("with `publish: {m4b: true}`", with_m4b)):
            out = root / f"out-{script.stem}"
            if out != root / "out-without":
                shutil.copytree(root / "out-without", out)
            build(script, out, cache)  # the M4Bs made once, or nothing
            best = None
            for n in range(runs):
                edited = text if n % 2 else text.replace(ANSWER, "though responses vary from person to person.")
                if script == without:
                    edited = edited.replace("publish: {m4b: true}", "publish: {m4b: false}")
                script.write_text(edited, encoding="utf-8")
                seconds = build(script, out, cache)
                best = seconds if best is None else min(best, seconds)
            print(f"| {name} | {best:.1f} s |")


if __name__ == "__main__":
    main()
