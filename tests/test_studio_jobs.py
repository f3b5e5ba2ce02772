"""The studio's background jobs: time left per engine, cancel, and how a job ends."""

from __future__ import annotations

import threading

import pytest

from guide.errors import InputError
from guide.settings import RunSettings
from guide.studio import jobs
from guide.studio.jobs import Cancelled, Job


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(jobs.time, "monotonic", clock)
    return clock


def test_time_left_is_reckoned_per_engine(clock: Clock) -> None:
    job = Job("build", lambda: None)
    # Ten fast espeak-ng takes first, then ten slow Piper takes: the first pace must not be taken for the second's.
    job.expect({**{f"e{i}": ("espeak", 50) for i in range(10)}, **{f"p{i}": ("piper", 50) for i in range(10)}})
    assert job.seconds_left() is None
    for i in range(10):
        clock.now += 0.05
        job.took(f"e{i}")
    # Piper not heard yet: its takes are reckoned at the pace so far (the only one there is).
    assert job.seconds_left() == pytest.approx(10 * 0.05)
    for i in range(2):
        clock.now += 1.0
        job.took(f"p{i}")
    assert job.seconds_left() == pytest.approx(8 * 1.0)
    for i in range(2, 10):
        clock.now += 1.0
        job.took(f"p{i}")
    assert job.seconds_left() == 0


def test_time_left_by_sentences_without_a_list(clock: Clock) -> None:
    job = Job("proof", lambda: None)
    job.progress(1, 10)
    assert job.seconds_left() is None
    clock.now += 2.0
    job.progress(2, 10)
    assert job.seconds_left() is None  # one interval is not a pace yet
    clock.now += 2.0
    job.progress(3, 10)
    assert job.seconds_left() == pytest.approx(7 * 2.0)


@pytest.mark.parametrize(
    "raised, state, error",
    [
        (None, jobs.DONE, ""),
        (
            Cancelled("x"),
            jobs.CANCELLED,
            "Cancelled. Every sentence recorded so far is kept: the next build goes on from there.",
        ),
        (InputError("a script problem"), jobs.FAILED, "a script problem"),
        (ZeroDivisionError("bug"), jobs.FAILED, "the build failed unexpectedly: ZeroDivisionError: bug"),
    ],
)
def test_how_a_job_ends(raised: Exception | None, state: str, error: str) -> None:
    rung = threading.Event()
    job = Job("build", rung.set)

    def work() -> dict:
        if raised is not None:
            raise raised
        return {"summary": "ok"}

    job.start(work)
    job.join(10)
    assert job.state == state and job.error == error
    assert job.snapshot()["state"] == state and rung.is_set()
    assert job.cancel() is False  # ended: nothing to cancel


def test_cancel_is_seen_at_the_next_take() -> None:
    job = Job("build", lambda: None)
    go = threading.Event()
    checks: list[bool] = []

    def work() -> dict:
        go.wait(10)
        for _ in range(3):
            try:
                job.check()
                checks.append(True)
            except Cancelled:
                checks.append(False)
                raise
        return {}

    job.start(work)
    assert job.cancel() is True and job.snapshot()["cancelling"] is True
    go.set()
    job.join(10)
    assert checks == [False] and job.state == jobs.CANCELLED


@pytest.mark.slow
def test_studio_builds_share_takes_through_the_shared_cache(tmp_path, registry) -> None:
    """Two studios on two machines (their own caches and outputs) with one shared cache: the second records nothing."""
    from guide.studio.workspace import Workspace

    from .conftest import SMALL_SCRIPT

    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "small.yaml").write_text(SMALL_SCRIPT, encoding="utf-8")
    shared = (tmp_path / "shared").as_uri()
    results = []
    for machine in ("a", "b"):
        workspace = Workspace(
            scripts,
            RunSettings.make(out=tmp_path / f"out-{machine}", cache=tmp_path / f"cache-{machine}", cache_url=shared),
            registry,
        )
        job = workspace.start_build("small")
        job.join(300)
        assert job.state == jobs.DONE, job.error
        results.append(job.result["summary"])
    recorded = len(list((tmp_path / "shared" / "takes").glob("*/*.wav")))
    assert recorded > 10
    assert results[0].startswith(f"{recorded} sentences recorded, 0 from the shared cache, 0 reused"), results[0]
    assert results[1].startswith(f"0 sentences recorded, {recorded} from the shared cache, 0 reused"), results[1]
    assert len(list((tmp_path / "cache-b" / "takes").glob("*/*.wav"))) == recorded  # in machine b's own cache now
