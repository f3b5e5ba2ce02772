"""Benchmark of `guide studio` (issue 19), side by side with the CLI, in one run.

    python bench/studio.py [--runs 5] [--idle 20]

Starts ``guide studio --no-browser --port 0`` as a user does (a child process, offline, a private
cache and output folder under a temporary project holding a copy of the sample script), logs in
through the printed address, and measures over HTTP:

1. a preview of a new English sentence (about 15 words, a different one each run, the voice
   already loaded): POST to the whole WAV received; beside it ``guide say … --lang en -o x.wav
   --script`` in a fresh process (start-up and voice loading included), and, in this process,
   the same sentence through ``Workspace.preview`` (no HTTP) and ``registry.synthesize`` alone;
2. a preview of a sentence already recorded;
3. a preview of a new Arabic sentence (espeak-ng, offline), with ``guide say --lang ar`` beside it
   and the split between tashkeel and espeak-ng;
4. save + rebuild after one FAQ answer changed (after one untimed whole build through the studio):
   the save POST to the job's end, read from the event stream; beside it the CLI's one-edit
   rebuild (the same answer edited in the file, ``guide build``, same cache and output);
5. the studio idle with one event stream open: its CPU share over ``--idle`` seconds (utime +
   stime from /proc/PID/stat), then its memory (VmRSS, VmHWM, PSS).

Each figure is the median of ``--runs`` runs, with the range. Prints a Markdown section for
docs/benchmarks.md ("guide studio (issue 19)"). Run it on an otherwise idle machine: it takes
about 4 minutes on 2 cores (most of it the one whole build of the sample).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).parent))

import httpx
import yaml
from run import ROOT, SAMPLE, machine

SCRIPT_ID = SAMPLE.stem  # the studio names a script by its file's stem
CLI = [sys.executable, "-c", "from guide.cli import main; main()"]
EDITED = "faq/how-long/answer/en"  # the answer both the studio and the CLI edit

# -- sentences: a new one each time, so no take is cached ---------------------------------------
_EN = (
    [
        "After the first visit,",
        "During the second week,",
        "Before the next appointment,",
        "In most routine cases,",
        "Over the following months,",
        "At the follow-up check,",
    ],
    ["most patients", "many older adults", "several treating doctors", "careful nurses", "some younger people"],
    [
        "notice a gradual change in",
        "ask detailed questions about",
        "keep a written record of",
        "report a small difference in",
    ],
    [
        "how the forehead moves.",
        "the depth of frown lines.",
        "the comfort of daily expressions.",
        "the results of earlier treatments.",
    ],
)
_AR = (
    ["في معظم الحالات،", "بعد الجلسة الأولى،", "خلال الأسبوع الأول،", "قبل موعد الحقن التالي،", "عند مراجعة الطبيب،"],
    ["يلاحظ المريض", "تلاحظ المريضة", "يلاحظ الطبيب المعالج", "يلاحظ كثير من الناس"],
    [
        "تحسنا واضحا في ملمس البشرة",
        "انخفاضا طفيفا في حركة العضلات",
        "تغيرا بسيطا في تعابير الوجه",
        "راحة أكبر في منطقة الجبهة",
    ],
    ["مع مرور الوقت.", "خلال أيام قليلة.", "بعد بضعة أسابيع.", "دون آثار جانبية تذكر."],
)


class Sentences:
    """A different sentence at each call: the count's mixed-radix digits, each part shifted by the digits
    before it (one-to-one over every combination, and every part moves from one sentence to the next)."""

    def __init__(self, parts: tuple[list[str], ...]) -> None:
        self.parts, self.n = parts, 0

    def __call__(self) -> str:
        n, shift, words = self.n, 0, []
        self.n += 1
        for part in self.parts:
            digit, n = n % len(part), n // len(part)
            words.append(part[(digit + shift) % len(part)])
            shift += digit
        if n:
            raise SystemExit("out of new sentences: fewer --runs")
        return " ".join(words)


# -- figures ---------------------------------------------------------------------------------
def spread(values: list[float], unit: str = "s", digits: int = 2) -> str:
    """Median and range, as the table shows them."""
    if not values:
        return "—"
    med = statistics.median(values)
    return f"{med:.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def timed(job):  # job: a callable; returns (seconds, what it returned)
    start = time.perf_counter()
    result = job()
    return time.perf_counter() - start, result


# -- the studio, as a process ------------------------------------------------------------------
class Studio:
    def __init__(self, project: Path, out: Path, env: dict[str, str]) -> None:
        self.stderr = open(project / "studio.stderr", "w+", encoding="utf-8")  # closed in stop()
        start = time.perf_counter()
        self.proc = subprocess.Popen(
            [*CLI, "studio", "--no-browser", "--port", "0", "--out", str(out), str(project / "scripts")],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        url = ""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"guide studio ended: {self.error_output()}")
            if line.startswith("http://"):
                url = line.strip()
                break
        self.started = time.perf_counter() - start
        self.base = re.match(r"http://[^/]+", url).group(0)
        self.client = httpx.Client(base_url=self.base, timeout=600)
        page = self.client.get(url.removeprefix(self.base), follow_redirects=True)
        page.raise_for_status()
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        self.headers = {"x-csrf-token": self.csrf, "origin": self.base}

    @property
    def pid(self) -> int:
        return self.proc.pid

    def error_output(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()

    def document(self) -> dict:
        answer = self.client.get(f"/api/scripts/{SCRIPT_ID}")
        answer.raise_for_status()
        return answer.json()

    def post(self, action: str, body: dict) -> httpx.Response:
        answer = self.client.post(f"/api/scripts/{SCRIPT_ID}/{action}", headers=self.headers, json=body)
        if answer.status_code >= 400:
            raise SystemExit(f"{action} failed ({answer.status_code}): {answer.text}")
        return answer

    def preview(self, path: str, text: str | None = None) -> tuple[float, dict]:
        """Seconds from the POST to the whole WAV received, and what the studio says it played."""
        body: dict = {"path": path, "sentence": 0}
        if text is not None:
            body["text"] = text
        seconds, answer = timed(lambda: self.post("preview", body))
        assert answer.headers["content-type"] == "audio/wav" and answer.content[:4] == b"RIFF", answer.headers
        return seconds, json.loads(unquote(answer.headers["x-guide-about"]))

    def events(self) -> Events:
        return Events(self)

    def stop(self) -> None:
        self.client.close()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
        self.stderr.close()


class Events:
    """The studio's event stream (GET …/events), read in a thread: each job state as it comes."""

    def __init__(self, studio: Studio) -> None:
        self.states: list[dict] = []
        self.lines = 0
        self.changed = threading.Condition()
        self.client = httpx.Client(base_url=studio.base, cookies=studio.client.cookies, timeout=None)
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        if not self.opened.wait(30):
            raise SystemExit("the event stream did not open")

    def _read(self) -> None:
        try:
            with self.client.stream("GET", f"/api/scripts/{SCRIPT_ID}/events") as stream:
                self.opened.set()
                for line in stream.iter_lines():
                    with self.changed:
                        self.lines += 1
                        if line.startswith("data: "):
                            state = json.loads(line[6:])
                            if state is not None:
                                self.states.append(state)
                        self.changed.notify_all()
        except httpx.HTTPError:
            pass  # closed by close(), or the studio stopped

    def wait_end(self, number: int, timeout: float = 1800) -> dict:
        """The state of job `number` once it is no longer running."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for state in self.states:
                    if state.get("number") == number and state["state"] != "running":
                        return state
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"job {number} did not end")
                self.changed.wait(left)

    def close(self) -> None:
        self.client.close()


def build(studio: Studio, events: Events) -> tuple[float, dict]:
    """POST build and wait for its end on the event stream."""
    start = time.perf_counter()
    number = studio.post("build", {}).json()["number"]
    state = events.wait_end(number)
    seconds = time.perf_counter() - start
    if state["state"] != "done":
        raise SystemExit(f"the studio's build ended {state['state']}: {state['error']}")
    return seconds, state


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all its threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (/proc/PID/status) and PSS (smaps_rollup), in bytes."""
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line.split(":")[0]] = int(line.split()[1]) * 1024
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                found["Pss"] = int(line.split()[1]) * 1024
    return found


def cli(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    seconds, done = timed(lambda: subprocess.run([*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True))
    if done.returncode != 0:
        raise SystemExit(f"guide {' '.join(args[:1])} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout


def edit_in_file(path: Path, new: str) -> None:
    """Replace the first FAQ answer's English text in the file itself, as an editor would."""
    text = path.read_text(encoding="utf-8")
    old = yaml.safe_load(text)["faq"][0]["answer"]["en"]
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- in-process split --------------------------------------------------------------------------
class InProcess:
    """The library calls behind a preview, in this process (no HTTP, no studio): where the time goes."""

    def __init__(self, script: Path, cache: Path, out: Path) -> None:
        from guide.settings import RunSettings
        from guide.studio.workspace import Workspace

        self.workspace = Workspace(script, RunSettings.make(out=out, cache=cache))
        self.workspace.warm()
        _, loaded = self.workspace.load(SCRIPT_ID)
        from guide import builder
        from guide.text.frontend import FrontEnd

        self.registry = self.workspace.registry
        self.voices = builder.resolve_voices(loaded, self.registry)
        self.frontend = FrontEnd(code_switch=loaded.code_switch, lexicon=loaded.lexicon)
        prepare = getattr(self.registry.get("piper"), "prepare", None)
        if prepare is not None:  # as the studio's preview does before recording one take
            from guide.renderer import default_jobs

            prepare(1, 1, default_jobs())

    def takes(self, text: str, lang: str) -> list:
        from guide.planner import plan_sentences

        return [t for s in plan_sentences(text, lang, self.voices, self.frontend) for t in s.takes]

    def preview(self, path: str, text: str) -> float:
        seconds, (_wav, about) = timed(lambda: self.workspace.preview(SCRIPT_ID, path, 0, text))
        assert about["recorded"], about
        return seconds

    def synthesize(self, text: str, lang: str) -> float:
        """registry.synthesize for every take of `text` (tashkeel included for espeak-ng's Arabic)."""
        takes = self.takes(text, lang)
        start = time.perf_counter()
        for take in takes:
            self.registry.synthesize(take.text, take.voice)
        return time.perf_counter() - start

    def pipeline(self, text: str, lang: str) -> float:
        """Resampling the synthesized samples to the pipeline's format (what recording adds to synthesis)."""
        from guide.audio.assemble import to_pipeline_format

        chunks = [self.registry.synthesize(t.text, t.voice) for t in self.takes(text, lang)]
        start = time.perf_counter()
        for chunk in chunks:
            to_pipeline_format(chunk.samples, chunk.sample_rate)
        return time.perf_counter() - start

    def build(self, script: Path, out: Path, cache: Path) -> tuple[float, float]:
        """builder.build in this process with the voice loaded (the edited script, the studio's cache and output):
        its seconds, and the seconds until its one new take was stored."""
        from guide import builder

        stored: list[float] = []
        start = time.perf_counter()
        from guide.settings import RunSettings

        result = builder.build(
            script,
            RunSettings.make(out=out, cache=cache),
            registry=self.registry,
            progress=lambda done, total: stored.append(time.perf_counter() - start),
        )
        seconds = time.perf_counter() - start
        assert result.recorded == 1 and len(stored) == 1, (result.recorded, stored)
        return seconds, stored[0]

    def tashkeel(self, text: str) -> float:
        from guide.text.diacritize import diacritize

        takes = self.takes(text, "ar")
        start = time.perf_counter()
        for take in takes:
            diacritize(take.text)
        return time.perf_counter() - start


# -- the run ---------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each figure (median and range reported)")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds the idle studio's CPU is measured over")
    options = parser.parse_args()
    runs = options.runs

    work = Path(tempfile.mkdtemp(prefix="guide-studio-bench-"))
    project, cache, out = work / "project", work / "cache", work / "out"
    (project / "scripts").mkdir(parents=True)
    script = project / "scripts" / SAMPLE.name
    shutil.copy(SAMPLE, script)
    env = {**os.environ, "GUIDE_OFFLINE": "1", "GUIDE_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    # Python as users have it: guide's bytecode kept (see bench/run.py), compiled once before timing.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.update(GUIDE_OFFLINE="1")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import guide.cli, guide.builder, guide.studio.server, guide.studio.app, uvicorn, starlette",
        ],
        env=env,
        check=True,
    )
    english, arabic = Sentences(_EN), Sentences(_AR)
    load_before = os.getloadavg()
    figures: dict[str, list[float]] = {}
    notes: dict[str, object] = {}

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    studio = Studio(project, out, env)
    notes["started"] = studio.started
    try:
        doc = studio.document()
        assert any(t["path"] == EDITED for t in doc["texts"]), [t["path"] for t in doc["texts"]]
        # warm-up: the studio loads its voices in the background at start; the first previews may wait for them
        notes["first_en"], about = studio.preview("intro/en", english())
        notes["first_ar"], about_ar = studio.preview("intro/ar", arabic())
        notes["voice_en"], notes["voice_ar"] = about["voice"], about_ar["voice"]
        notes["memory_warm"] = memory(studio.pid)
        log(
            f"started in {studio.started:.2f} s; first previews "
            f"{notes['first_en']:.2f} s (en), {notes['first_ar']:.2f} s (ar)"
        )

        inproc = InProcess(script, work / "cache-inprocess", work / "out-inprocess")

        # 1. a new English sentence
        said: list[str] = []
        for _ in range(runs):
            sentence = english()
            seconds, about = studio.preview("intro/en", sentence)
            assert about["recorded"] and about["sentence"] == sentence, about
            said.append(sentence)
            figures.setdefault("en_new", []).append(seconds)
            figures.setdefault("en_new_inproc", []).append(inproc.preview("intro/en", sentence))
            figures.setdefault("en_synth", []).append(inproc.synthesize(sentence, "en"))
            figures.setdefault("en_resample", []).append(inproc.pipeline(sentence, "en"))
            figures.setdefault("en_say", []).append(
                cli(
                    ["say", english(), "--lang", "en", "-o", str(work / "x.wav"), "--script", str(script)], env, project
                )[0]
            )
            log(
                f"en new: studio {seconds:.2f} s, in-process {figures['en_new_inproc'][-1]:.2f} s, "
                f"synth {figures['en_synth'][-1]:.2f} s, "
                f"say {figures['en_say'][-1]:.2f} s"
            )
        notes["en_words"] = statistics.median(len(s.split()) for s in said)

        # 2. a sentence already recorded
        for n in range(runs):
            seconds, about = studio.preview("intro/en", said[n % len(said)])
            assert not about["recorded"], about
            figures.setdefault("cached", []).append(seconds)
        log(f"cached: {spread(figures['cached'])}")

        # 3. a new Arabic sentence (espeak-ng, offline)
        arabic_said = []
        for _ in range(runs):
            sentence = arabic()
            seconds, about = studio.preview("intro/ar", sentence)
            assert about["recorded"] and "espeak" in about["voice"], about
            arabic_said.append(sentence)
            figures.setdefault("ar_new", []).append(seconds)
            figures.setdefault("ar_new_inproc", []).append(inproc.preview("intro/ar", sentence))
            figures.setdefault("ar_synth", []).append(inproc.synthesize(sentence, "ar"))
            figures.setdefault("ar_tashkeel", []).append(inproc.tashkeel(sentence))
            figures.setdefault("ar_say", []).append(
                cli(
                    ["say", arabic(), "--lang", "ar", "-o", str(work / "x.wav"), "--script", str(script)], env, project
                )[0]
            )
            log(
                f"ar new: studio {seconds:.2f} s, in-process {figures['ar_new_inproc'][-1]:.2f} s, "
                f"synth {figures['ar_synth'][-1]:.2f} s "
                f"(tashkeel {figures['ar_tashkeel'][-1]:.2f} s), say {figures['ar_say'][-1]:.2f} s"
            )
        notes["ar_words"] = statistics.median(len(s.split()) for s in arabic_said)

        # 4. save + rebuild after one answer changed, against the CLI's one-edit build
        events = studio.events()
        notes["cold_build"], state = build(studio, events)
        log(f"whole build through the studio: {notes['cold_build']:.1f} s ({state['result']['summary']})")
        for _ in range(runs):
            version = studio.document()["version"]
            sentence = english()
            start = time.perf_counter()
            saved = studio.post("save", {"version": version, "texts": {EDITED: sentence}}).json()
            assert saved["changed"] == [EDITED], saved
            save_seconds = time.perf_counter() - start
            _, state = build(studio, events)
            seconds = time.perf_counter() - start
            assert state["result"]["summary"].startswith("1 sentences recorded"), state["result"]
            figures.setdefault("edit", []).append(seconds)
            figures.setdefault("edit_save", []).append(save_seconds)
            figures.setdefault("edit_job", []).append(state["seconds"])
            figures.setdefault("edit_synth", []).append(inproc.synthesize(sentence, "en"))
            edit_in_file(script, english())
            cli_seconds, output = cli(["build", str(script), "--out", str(out)], env, project)
            assert ": 1 takes recorded," in output, output
            figures.setdefault("edit_cli", []).append(cli_seconds)
            edit_in_file(script, english())
            total, stored = inproc.build(script, out, cache)
            figures.setdefault("edit_lib", []).append(total)
            figures.setdefault("edit_lib_stored", []).append(stored)
            figures.setdefault("edit_lib_after", []).append(total - stored)
            log(
                f"edit: studio {seconds:.2f} s (save {save_seconds:.2f} s, synth {figures['edit_synth'][-1]:.2f} s), "
                f"CLI {cli_seconds:.2f} s, "
                f"in-process build {total:.2f} s (take stored at {stored:.2f} s)"
            )
        events.close()
        events = studio.events()
        notes["noop"], _ = build(studio, events)
        events.close()
        # 1 again, after the builds: the same kind of new sentence, the voice as the builds left it
        for _ in range(runs):
            sentence = english()
            seconds, about = studio.preview("intro/en", sentence)
            assert about["recorded"], about
            figures.setdefault("en_after", []).append(seconds)
            figures.setdefault("en_after_synth", []).append(inproc.synthesize(sentence, "en"))
        log(
            f"en new after the builds: {spread(figures['en_after'])}, "
            f"synth in-process {spread(figures['en_after_synth'])}"
        )

        # 5. idle, one event stream open
        stream = studio.events()
        time.sleep(2)  # the stream's first state sent, the last build's threads gone
        lines, cpu, wall = stream.lines, cpu_seconds(studio.pid), time.perf_counter()
        time.sleep(options.idle)
        cpu, wall = cpu_seconds(studio.pid) - cpu, time.perf_counter() - wall
        notes["idle_cpu"] = 100 * cpu / wall
        notes["idle_cpu_seconds"], notes["idle_wall"] = cpu, wall
        notes["idle_lines"] = stream.lines - lines
        notes["memory"] = memory(studio.pid)
        stream.close()
        log(f"idle: {notes['idle_cpu']:.2f} % CPU over {wall:.1f} s; memory {notes['memory']}")
    except BaseException:
        print(studio.error_output(), file=sys.stderr)
        raise
    finally:
        studio.stop()
    load_after = os.getloadavg()
    print(render(figures, notes, runs, options.idle, (load_before, load_after)))
    shutil.rmtree(work, ignore_errors=True)


def render(f: dict[str, list[float]], n: dict, runs: int, idle: float, load: tuple) -> str:
    mb = 2**20
    mem, warm = n["memory"], n["memory_warm"]
    loads = "before: {}; after: {}".format(*(", ".join(f"{x:.2f}" for x in a) for a in load))
    lines = [
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')} by "
        f"`python bench/studio.py --runs {runs} --idle {idle:g}` "
        f"in one run, offline (`GUIDE_OFFLINE=1`: the Arabic is espeak-ng's). Load average (1, 5, 15 min) {loads}.",
        "",
        f"| figure | target | studio, median (range) of {runs} | side by side, median (range) |",
        "|---|---|---|---|",
        f"| preview of a new English sentence ({n['en_words']:.0f} words), voice loaded "
        f"| 0.6 s | {spread(f['en_new'])} | "
        f"`guide say --lang en` in a fresh process: {spread(f['en_say'])}; "
        f"in-process `Workspace.preview`: {spread(f['en_new_inproc'])}, "
        f"of which `registry.synthesize`: {spread(f['en_synth'])} "
        f"and resampling {spread([x * 1000 for x in f['en_resample']], 'ms', 0)} |",
        f"| the same, after the builds (the whole build, the edit rebuilds, a no-op) "
        f"| 0.6 s | {spread(f['en_after'])} | "
        f"`registry.synthesize` of the same sentences in-process: {spread(f['en_after_synth'])} |",
        f"| preview of a sentence already recorded | 0.15 s | {spread(f['cached'], 's', 3)} | — |",
        f"| preview of a new Arabic sentence ({n['ar_words']:.0f} words), espeak-ng | 0.4 s | {spread(f['ar_new'])} | "
        f"`guide say --lang ar` in a fresh process: {spread(f['ar_say'])}; "
        f"in-process `Workspace.preview`: {spread(f['ar_new_inproc'])}, "
        f"of which `registry.synthesize`: {spread(f['ar_synth'])} (tashkeel alone: {spread(f['ar_tashkeel'])}) |",
        f"| save + rebuild after one FAQ answer changed | 1.0 s "
        f"| {spread(f['edit'])} (the save POST {spread(f['edit_save'])}; "
        f"the job's own seconds {spread(f['edit_job'], 's', 1)}) "
        f"| `guide build` after the same edit in the file: {spread(f['edit_cli'])}; "
        f"`builder.build` in-process, voice loaded: {spread(f['edit_lib'])}, "
        f"of which up to the new take stored {spread(f['edit_lib_stored'])} "
        f"(`registry.synthesize` of the studio's sentence: {spread(f['edit_synth'])}) "
        f"and after it {spread(f['edit_lib_after'])} |",
        f"| idle CPU, one event stream open, {n['idle_wall']:.0f} s | < 1 % "
        f"| {n['idle_cpu']:.2f} % ({n['idle_cpu_seconds']:.2f} CPU-s; "
        f"{n['idle_lines']} stream lines) | — |",
        f"| memory after the runs | — | VmRSS {mem['VmRSS'] / mb:.0f} MB, "
        f"VmHWM {mem['VmHWM'] / mb:.0f} MB, PSS {mem['Pss'] / mb:.0f} MB | "
        f"after start and the first previews: VmRSS {warm['VmRSS'] / mb:.0f} MB, VmHWM {warm['VmHWM'] / mb:.0f} MB |",
        "",
        f"- Start-up to the printed address: {n['started']:.2f} s. "
        f"First previews after start (voices warming in the background): "
        f"{n['first_en']:.2f} s English ({n['voice_en']}), {n['first_ar']:.2f} s Arabic ({n['voice_ar']}).",
        f"- Whole sample built once through the studio (untimed for the table): {n['cold_build']:.1f} s; "
        f"a no-op build through the studio after the runs: {n['noop']:.2f} s.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
