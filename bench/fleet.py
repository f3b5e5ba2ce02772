"""Benchmark of a build fleet sharing one take cache (issue 20): is every distinct sentence recorded once?

Run from the project root after installing with the test extra (moto's S3 server, s3fs):
``python bench/fleet.py`` (see bench/README.md). It starts moto's S3 server on 127.0.0.1 itself,
generates a set of scripts that share an intro, an outro and a few FAQ entries and each have an
item or two of their own, then, for each worker count and from an empty bucket, runs that many workers at
once, each building its share of the scripts one after another: every build a ``guide build`` process with
its own fresh local cache and output folder (``--per-worker``: one process per worker, its cache kept), all
with the same ``--cache-url``. Everything runs offline (``--offline``: the Arabic is
espeak-ng's); nothing but 127.0.0.1 is reached. The results are printed as Markdown (and written to a
file with --write).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import machine  # noqa: E402 - bench/run.py, beside this file

SAMPLE = ROOT / "scripts" / "botox_long_term_effects.yaml"
SHARED_FAQ = 3
"""FAQ entries of the sample every generated script has."""


# -- scripts -------------------------------------------------------------------
def _bodies(sample: dict) -> list[dict]:
    """The sample's section paragraphs and bullets (bilingual), the stuff of each script's own items."""
    texts = []
    for section in sample["sections"]:
        for block in section["body"]:
            texts += block["bullets"] if "bullets" in block else [block]
    return texts


def _numbered(text: str, lang: str, n: int) -> str:
    """Every sentence of `text` with `n` before its final mark, so the sentence is this script's alone."""
    from guide.text.sentences import split_sentences

    out = []
    for sentence in split_sentences(text, lang):
        body, mark = (sentence[:-1], sentence[-1]) if sentence[-1] in ".?!؟؛" else (sentence, ".")
        out.append(f"{body} {n}{mark}")
    return " ".join(out)


def generated_scripts(count: int, folder: Path) -> list[Path]:
    """`count` scripts with the sample's intro, outro, voices, lexicon and first FAQ entries in common,
    and one or two sections of their own (odd scripts one, even scripts two), every sentence of which
    carries a number no other script's sentence has."""
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    bodies = _bodies(sample)
    paths = []
    for n in range(1, count + 1):
        sections = []
        for j in range(1, 1 + (2 if n % 2 == 0 else 1)):
            number = 100 * n + j
            text = bodies[(2 * n + j) % len(bodies)]
            sections.append(
                {
                    "id": f"own-{j}",
                    "title": {"en": f"Topic {number}", "ar": f"الموضوع {number}"},
                    "body": [{"en": _numbered(text["en"], "en", number), "ar": _numbered(text["ar"], "ar", number)}],
                }
            )
        script = {
            "id": f"fleet-{n:02d}",
            "title": {"en": f"Clinic guide {n}", "ar": f"دليل العيادة {n}"},
            "languages": ["en", "ar"],
            "voices": sample["voices"],
            "lexicon": sample["lexicon"],
            "intro": sample["intro"],
            "sections": sections,
            "faq": sample["faq"][:SHARED_FAQ],
            "outro": sample["outro"],
        }
        path = folder / f"fleet-{n:02d}.yaml"
        path.write_text(yaml.safe_dump(script, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def distinct_takes(paths: list[Path]) -> tuple[set[str], int]:
    """The distinct take keys the set needs (union over scripts, as ``guide plan --offline`` plans them),
    and the sum of each script's own distinct takes (what builds without any cache would record)."""
    from guide.builder import load, plan
    from guide.engines import EngineRegistry

    registry = EngineRegistry(offline=True)
    union: set[str] = set()
    total = 0
    for path in paths:
        keys = {t.key for t in plan(load(path, registry), registry).takes()}
        union |= keys
        total += len(keys)
    return union, total


# -- the S3 stand-in, counting what crosses it -----------------------------------
@dataclass
class Traffic:
    """What the S3 server saw, object requests only (bucket listings and creation are left out)."""

    up: int = 0
    """Payload bytes of successful PUTs of objects (the decoded length: aws-chunked framing left out)."""

    down: int = 0
    """Body bytes of successful GETs of objects."""

    puts: Counter = field(default_factory=Counter)
    """Successful PUTs per object key."""

    gets: int = 0
    """Successful GETs of objects."""

    heads: int = 0
    """HEADs of objects (s3fs looks each path up before reading a list of them)."""

    misses: int = 0
    """HEADs or GETs of objects answered 404 (a record not there yet)."""

    lists: int = 0
    """Bucket listings (s3fs lists a path it did not find, in case it is a folder)."""

    lock: threading.Lock = field(default_factory=threading.Lock)


class CountingS3:
    """moto's S3 server (as tests/s3_standin.py starts it) behind a WSGI layer that counts object bytes."""

    def __init__(self) -> None:
        from moto.server import DomainDispatcherApplication, ThreadedMotoServer, create_backend_app
        from werkzeug.serving import make_server

        self.traffic = Traffic()
        counting = self

        class Server(ThreadedMotoServer):
            def _server_entry(self) -> None:  # ThreadedMotoServer's, with the app wrapped
                from moto.server import MotoRequestHandler  # type: ignore[attr-defined]

                app = counting.wrap(DomainDispatcherApplication(create_backend_app))
                self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
                self._server_ready_event.set()
                self._server.serve_forever()

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        self.server = Server(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.env = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        os.environ.update(self.env)
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()
        self.fs = s3fs.S3FileSystem(skip_instance_cache=True)

    def wrap(self, app):  # takes and returns a WSGI application
        traffic = self.traffic

        def counted(environ, start_response):
            method = environ["REQUEST_METHOD"]
            parts = environ.get("PATH_INFO", "").strip("/").split("/", 1)
            key = parts[1] if len(parts) == 2 and parts[1] else None  # path-style: /bucket/key
            status: list[int] = []

            def start(code, headers, *rest):
                status.append(int(code.split()[0]))
                return start_response(code, headers, *rest)

            body = app(environ, start)
            if key is None and method == "GET" and "list-type" in environ.get("QUERY_STRING", ""):
                with traffic.lock:
                    traffic.lists += 1
            if key is None or method not in ("GET", "PUT", "HEAD"):
                return body
            chunks = list(body)
            if hasattr(body, "close"):
                body.close()
            ok = bool(status) and 200 <= status[0] < 300
            with traffic.lock:
                if method == "PUT" and ok:
                    size = environ.get("HTTP_X_AMZ_DECODED_CONTENT_LENGTH") or environ.get("CONTENT_LENGTH") or 0
                    traffic.up += int(size)
                    traffic.puts[key] += 1
                elif method == "GET" and ok:
                    traffic.down += sum(len(c) for c in chunks)
                    traffic.gets += 1
                elif method == "HEAD":
                    traffic.heads += 1
                if status and status[0] == 404:
                    traffic.misses += 1
            return chunks

        return counted

    def fresh_bucket(self, name: str) -> None:
        self.fs.mkdir(name)
        self.traffic.__init__()  # type: ignore[misc]  # count from here

    def bucket_objects(self, name: str) -> dict[str, int]:
        """Every object in the bucket and its size (read after the counts are taken)."""
        self.fs.invalidate_cache()
        return {path.split("/", 1)[1]: info["size"] for path, info in self.fs.find(name, detail=True).items()}

    def stop(self) -> None:
        self.server.stop()


# -- the fleet -----------------------------------------------------------------
SUMMARY = re.compile(r"^(\S+): (\d+) takes recorded, (?:(\d+) from the shared cache, )?(\d+) reused;", re.M)


@dataclass
class Worker:
    scripts: list[Path]
    seconds: float = 0.0
    output: str = ""
    failed: str = ""


@dataclass
class FleetRun:
    workers: int
    seconds: float
    recorded: int
    shared: int
    reused: int
    builds: int
    traffic: Traffic
    objects: dict[str, int]
    worker_seconds: list[float]
    warnings: list[str]


def run_fleet(s3: CountingS3, scripts: list[Path], workers: int, work: Path, jobs: int, per_worker: bool) -> FleetRun:
    """`workers` workers at once, each building its share of `scripts` one after another, all sharing one
    empty bucket. Each build is its own `guide build` process with its own fresh cache and output folder (a
    CI job), or, with `per_worker`, each worker is one `guide build` process of all its scripts, its cache
    kept from one script to the next (a build machine)."""
    bucket = f"fleet-{workers}"
    s3.fresh_bucket(bucket)
    shares = [Worker(scripts[i::workers]) for i in range(workers)]
    env = {**os.environ, **s3.env}
    for name in ("GUIDE_CACHE_URL", "GUIDE_CACHE_DIR", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)

    def command(paths: list[Path], folder: Path) -> list[str]:
        return [
            sys.executable,
            "-m",
            "guide",
            "build",
            *map(str, paths),
            "--offline",
            "--jobs",
            str(jobs),
            "--cache-dir",
            str(folder / "cache"),
            "--out",
            str(folder / "out"),
            "--cache-url",
            f"s3://{bucket}/cache",
        ]

    def run(index: int, worker: Worker) -> None:
        folder = work / f"w{workers}-{index}"
        builds = (
            [command(worker.scripts, folder)] if per_worker else [command([p], folder / p.stem) for p in worker.scripts]
        )
        for args in builds:
            done = subprocess.run(args, capture_output=True, text=True, env=env)
            worker.output += done.stdout + done.stderr
            if done.returncode != 0:
                worker.failed = f"exit {done.returncode}: {' '.join(args)}"
                break
        worker.seconds = time.perf_counter() - started

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    for worker in shares:
        if worker.failed:
            raise SystemExit(f"a worker failed ({worker.failed}):\n{worker.output}")
    summaries = [m for w in shares for m in SUMMARY.finditer(w.output)]
    if len(summaries) != len(scripts):
        raise SystemExit(
            f"expected {len(scripts)} build summaries, found {len(summaries)}:\n" + "\n".join(w.output for w in shares)
        )
    traffic = s3.traffic
    with traffic.lock:
        counted = Traffic(
            traffic.up, traffic.down, Counter(traffic.puts), traffic.gets, traffic.heads, traffic.misses, traffic.lists
        )
    warnings = [line for w in shares for line in w.output.splitlines() if line.startswith("warning: shared take cache")]
    return FleetRun(
        workers=workers,
        seconds=seconds,
        recorded=sum(int(m[2]) for m in summaries),
        shared=sum(int(m[3] or 0) for m in summaries),
        reused=sum(int(m[4]) for m in summaries),
        builds=len(summaries),
        traffic=counted,
        objects=s3.bucket_objects(bucket),
        worker_seconds=[w.seconds for w in shares],
        warnings=warnings,
    )


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def render(
    runs: list[FleetRun],
    scripts: int,
    distinct: set[str],
    per_script: int,
    load: tuple[tuple[float, ...], ...],
    command: str,
    per_worker: bool,
) -> str:
    loads = "; ".join(
        f"{when} {', '.join(f'{x:.2f}' for x in avg)}" for when, avg in zip(("before", "after"), load, strict=True)
    )
    how = (
        "each worker one `guide build` process of its scripts, its local cache kept between them"
        if per_worker
        else "each build its own `guide build` process with a fresh local cache and output folder (a CI job)"
    )
    lines = [
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')} by `{command}` in one run. "
        f"Load average (1, 5, 15 min): {loads}.",
        "",
        f"{scripts} scripts ({per_script} takes if each were built alone, {len(distinct)} distinct); "
        f"{how}; `--jobs 1` per build, `--offline`; every worker count from an empty bucket.",
        "",
        "| workers | wall time | recorded | distinct needed | duplicates | from shared cache | bytes up | bytes down |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r.workers} | {r.seconds:.1f} s | {r.recorded} | {len(distinct)} | {r.recorded - len(distinct)} "
            f"| {r.shared} | {_mb(r.traffic.up)} | {_mb(r.traffic.down)} |"
        )
    lines += ["", "Checks, per worker count:", ""]
    for r in runs:

        def takes(k: str) -> bool:
            return "/takes/" in f"/{k}"

        keys = {k.rsplit("/", 1)[1][: -len(".json")] for k in r.objects if k.endswith(".json") and takes(k)}
        blob_bytes = sum(size for k, size in r.objects.items() if k.endswith(".wav"))
        blobs = sum(1 for k in r.objects if k.endswith(".wav"))
        twice = sum(n - 1 for k, n in r.traffic.puts.items() if k.endswith(".json") and takes(k))
        pieces = sum(1 for k in r.objects if k.endswith(".json") and not takes(k))
        pieces_twice = sum(n - 1 for k, n in r.traffic.puts.items() if k.endswith(".json") and not takes(k))
        claims = sum(1 for k in r.objects if k.endswith(".claim"))
        others = f" and {len(keys - distinct)} others" if keys - distinct else ""
        warned = ""
        if r.warnings:
            first = re.sub(r"^warning: shared take cache \S+: ", "", r.warnings[0])
            warned = f'; {len(r.warnings)} of {r.builds} builds warned about the shared cache (first: "{first}")'
        lines.append(
            f"- {r.workers} worker(s): done after {', '.join(f'{s:.0f}' for s in sorted(r.worker_seconds))} s; "
            f"{r.recorded} recorded + {r.shared} from the shared cache + {r.reused} reused from a local cache "
            f"= {r.recorded + r.shared + r.reused} (each script's takes, summed: {per_script}); "
            f"the bucket holds a record for {len(keys & distinct)} of the {len(distinct)} distinct takes{others}; "
            f"take records put more than once (server side): {twice}; {claims} claims; "
            f"{pieces} pieces of the full guides, {pieces_twice} of them put again (encoded by two workers at once: "
            "pieces have no claims); "
            f"bucket at the end {_mb(sum(r.objects.values()))} ({_mb(blob_bytes)} of takes, {len(r.objects)} objects: "
            f"{blobs} takes for {len(keys)} records, so {blobs - len(keys)} takes no record names); "
            f"requests: {sum(r.traffic.puts.values())} object PUTs, {r.traffic.heads} HEADs, {r.traffic.gets} GETs, "
            f"{r.traffic.misses} answered 404, {r.traffic.lists} listings{warned}"
        )
    lines += [
        "",
        "- wall time: from starting the first worker to the last one's end (Python start-up, "
        "loading Piper, planning, recording, encoding, the shared cache's fetches and pushes).",
        "- recorded, from shared cache: the sum over every build's summary line "
        "(`N takes recorded, M from the shared cache, K reused`).",
        "- distinct needed: the union of the take keys of every script's plan (`guide.builder.plan(...).takes()`, "
        "offline registry): what one machine building them all would record. duplicates = recorded − distinct needed "
        "(cross-checked at the server: records put more than once).",
        "- bytes up / down: counted at the S3 server, by a WSGI layer around moto's app: the payload length of every "
        "successful object PUT (takes and their records; `x-amz-decoded-content-length` when the client streams it "
        "aws-chunked) and the body length of every successful object GET (records and takes); bucket listings, "
        "HEADs, creation and 404 answers carry no object bytes and are not counted.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scripts", type=int, default=20, help="generated scripts in the set (default 20)")
    parser.add_argument(
        "--workers", default="1,2,4", help="worker counts to measure, each from an empty bucket (default 1,2,4)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of each build (default 1: N workers = N recorders)")
    parser.add_argument(
        "--per-worker",
        action="store_true",
        help="one `guide build` process per worker, its local cache kept between its scripts "
        "(default: one process per script, each with a fresh local cache, like a CI job)",
    )
    parser.add_argument("--write", type=Path, help="also write the Markdown report to this file")
    options = parser.parse_args()
    counts = [int(w) for w in options.workers.split(",") if w]

    os.environ["GUIDE_OFFLINE"] = "1"
    # Python as users have it: it keeps guide's compiled bytecode; compiled once before timing.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-c", "import guide.cli, guide.builder, guide.storage.shared_cache, s3fs"], check=True
    )
    work = Path(tempfile.mkdtemp(prefix="guide-fleet-"))
    s3 = CountingS3()
    try:
        scripts = generated_scripts(options.scripts, work)
        distinct, per_script = distinct_takes(scripts)
        print(
            f"# {len(scripts)} scripts, {len(distinct)} distinct takes ({per_script} if built alone)",
            file=sys.stderr,
            flush=True,
        )
        load_before = os.getloadavg()
        runs = []
        for workers in counts:
            print(f"# {workers} worker(s), load {os.getloadavg()}", file=sys.stderr, flush=True)
            run = run_fleet(s3, scripts, workers, work, options.jobs, options.per_worker)
            runs.append(run)
            print(
                f"  {run.seconds:.1f} s, {run.recorded} recorded, {run.shared} from the shared cache",
                file=sys.stderr,
                flush=True,
            )
        load_after = os.getloadavg()
    finally:
        s3.stop()
        shutil.rmtree(work, ignore_errors=True)
    command = (
        "python bench/fleet.py"
        + "".join(
            f" {flag} {value}"
            for flag, value, default in (
                ("--scripts", options.scripts, 20),
                ("--workers", options.workers, "1,2,4"),
                ("--jobs", options.jobs, 1),
            )
            if value != default
        )
        + (" --per-worker" if options.per_worker else "")
    )
    report = render(runs, len(scripts), distinct, per_script, (load_before, load_after), command, options.per_worker)
    print(report)
    if options.write:
        options.write.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
