"""`guide studio` as a process: what it prints, Ctrl-C, and a server killed in the middle of a build."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from .conftest import SMALL_SCRIPT

pytestmark = pytest.mark.slow


class Process:
    def __init__(self, project: Path, *args: str) -> None:
        env = {**os.environ, "GUIDE_OFFLINE": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from guide.cli import main; main()",
                "studio",
                "--no-browser",
                "--port",
                "0",
                *args,
            ],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"guide studio ended: {self.proc.stderr.read()}")
            self.lines.append(line.rstrip("\n"))
            if line.startswith("http://"):
                break
        self.url = self.lines[-1]
        self.base = re.match(r"http://[^/]+", self.url).group(0)
        self.client = httpx.Client(base_url=self.base, timeout=60)
        page = self.client.get(self.url.removeprefix(self.base), follow_redirects=True)
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)

    def post(self, path: str) -> httpx.Response:
        return self.client.post(path, headers={"x-csrf-token": self.csrf, "origin": self.base}, json={})

    def job(self) -> dict:
        return self.client.get("/api/scripts/small").json()["job"] or {}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "small.yaml").write_text(SMALL_SCRIPT, encoding="utf-8")
    return tmp_path


def test_it_prints_its_address_on_a_line_of_its_own_and_stops_on_ctrl_c(project: Path) -> None:
    studio = Process(project)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{40,}", studio.url)
    # An open event stream and a running build do not keep Ctrl-C from stopping it.
    stream = threading.Thread(target=lambda: _read_events(studio), daemon=True)
    stream.start()
    assert studio.post("/api/scripts/small/build").status_code == 202
    time.sleep(1)
    started = time.monotonic()
    studio.proc.send_signal(signal.SIGINT)
    out, err = studio.proc.communicate(timeout=60)
    assert studio.proc.returncode == 0, err
    assert time.monotonic() - started < 30
    assert "guide studio stopped." in out
    assert "Traceback" not in err
    leftovers = [p for p in (project / "audio_out").rglob("*") if ".staging" in p.name or p.name.startswith(".tmp")]
    assert not leftovers


def _read_events(studio: Process) -> None:
    try:
        with httpx.Client(base_url=studio.base, cookies=studio.client.cookies, timeout=None) as reader:
            with reader.stream("GET", "/api/scripts/small/events") as stream:
                for _ in stream.iter_lines():
                    pass
    except httpx.HTTPError:
        pass  # the server went away: what this reader waits for


def test_a_studio_killed_during_a_build_resumes_it_next_time(project: Path) -> None:
    studio = Process(project)
    assert studio.post("/api/scripts/small/build").status_code == 202
    deadline = time.monotonic() + 120
    while studio.job().get("done", 0) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    first = studio.job()
    assert first["state"] == "running" and first["done"] >= 3
    studio.proc.kill()  # SIGKILL: no clean-up at all
    studio.proc.wait(30)

    again = Process(project)
    assert again.job() == {}
    assert again.post("/api/scripts/small/build").status_code == 202
    deadline = time.monotonic() + 300
    while again.job().get("state") == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    job = again.job()
    assert job["state"] == "done", job
    assert 0 < job["total"] <= first["total"] - first["done"]  # the takes of the killed build were kept
    assert (project / "audio_out" / "small-guide" / "manifest.json").is_file()
    leftovers = [p for p in (project / "audio_out").rglob("*") if ".staging" in p.name or p.name.startswith(".tmp")]
    assert not leftovers
    again.proc.send_signal(signal.SIGINT)
    again.proc.communicate(timeout=60)


def test_a_host_other_than_this_machine_is_warned_about(project: Path) -> None:
    studio = Process(project, "--host", "0.0.0.0")
    studio.proc.send_signal(signal.SIGINT)
    _, err = studio.proc.communicate(timeout=60)
    assert "warning: listening on 0.0.0.0: other machines on the network can reach the studio" in err


def test_a_missing_folder_is_an_input_error(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from guide.cli import main; main()", "studio", "--no-browser", "nowhere"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        result.returncode == 2
        and "nowhere: no such script or folder" in result.stderr
        and "Traceback" not in result.stderr
    )
