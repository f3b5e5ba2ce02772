"""The shared take cache (--cache-url) against moto's S3 server with the real s3fs: two machines, damage,
a server that stops mid-build, read-only mode."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from guide import builder
from guide.cache import TakeCache
from guide.cli import main
from guide.engines import EngineRegistry
from guide.settings import RunSettings
from guide.storage import StorageError
from guide.storage.shared_cache import open_shared

from .conftest import SMALL_SCRIPT
from .s3_standin import S3, s3  # noqa: F401 - the s3 fixture

URL = "s3://clinic/cache"


def build(project: Path, machine: str, *args: str) -> object:
    """`guide build` as on a machine of its own: its own local cache and output folder."""
    return CliRunner().invoke(
        main,
        [
            "build",
            str(project / "small.yaml"),
            "--out",
            str(project / f"out-{machine}"),
            "--cache-dir",
            str(project / f"cache-{machine}"),
            "--jobs",
            "1",
            *args,
        ],
    )


def script(tmp_path: Path) -> Path:
    (tmp_path / "small.yaml").write_text(SMALL_SCRIPT, encoding="utf-8")
    return tmp_path


def takes(s3: S3) -> dict[str, bytes]:
    return {k: v for k, v in s3.objects("cache").items() if k.startswith("takes/") and k.endswith(".wav")}


def test_two_machines_share_one_cache_the_second_records_nothing(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    first = build(project, "a", "--cache-url", URL)
    assert first.exit_code == 0, first.output
    recorded = int(first.output.split(" takes recorded")[0].rsplit(" ", 1)[-1])
    assert recorded > 10 and f"{recorded} takes recorded, 0 from the shared cache, 0 reused" in first.output
    assert len(takes(s3)) == recorded
    assert "shared take cache" not in first.output  # no warning: every miss was a plain miss
    records = {
        k: json.loads(v) for k, v in s3.objects("cache").items() if k.startswith("takes/") and k.endswith(".json")
    }
    assert len(records) == recorded and all(r["blob"] in " ".join(takes(s3)) for r in records.values())
    # guide plan on the second machine says the shared cache holds every take it would record.
    plan_args = [
        "plan",
        str(project / "small.yaml"),
        "--out",
        str(project / "out-b"),
        "--cache-dir",
        str(project / "cache-b"),
    ]
    planned = CliRunner().invoke(main, [*plan_args, "--cache-url", URL])
    assert planned.exit_code == 0, planned.output
    assert f"{recorded} takes to record" in planned.output
    assert f"{recorded} of them are in the shared cache {URL}" in planned.output
    as_json = json.loads(CliRunner().invoke(main, [*plan_args, "--cache-url", URL, "--json"]).output)
    assert [t["in_shared_cache"] for t in as_json["record"]] == [True] * recorded
    second = build(project, "b", "--cache-url", URL)
    assert second.exit_code == 0, second.output
    assert f"0 takes recorded, {recorded} from the shared cache, 0 reused" in second.output
    # The same guide, byte for byte, from the shared takes.
    a = sorted((project / "out-a").rglob("*.mp3"))
    b = sorted((project / "out-b").rglob("*.mp3"))
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_a_damaged_take_or_record_is_a_miss(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    assert build(project, "a", "--cache-url", URL).exit_code == 0
    blobs = sorted(takes(s3))
    records = sorted(k for k in s3.objects("cache") if k.startswith("takes/") and k.endswith(".json"))
    s3.fs.pipe_file(f"clinic/cache/{blobs[0]}", b"RIFF not a take")  # damaged audio
    s3.fs.pipe_file(f"clinic/cache/{records[-1]}", b"{not json")  # damaged record
    second = build(project, "b", "--cache-url", URL)
    assert second.exit_code == 0, second.output
    assert "2 takes recorded" in second.output
    assert "2 shared takes did not check out and were recorded again" in second.output
    third = build(project, "c", "--cache-url", URL)  # the second machine put whole ones back
    assert "0 takes recorded" in third.output and "did not check out" not in third.output


def stop_when_recording(s3: S3, cache: Path) -> threading.Thread:
    """Stop the S3 server as soon as the first take lands in `cache`: after the build asked the
    shared cache for its takes, before it puts what it recorded there."""

    def watch() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(cache.glob("takes/*/*.wav")):
            time.sleep(0.01)
        s3.server.stop()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("strict", [False, True], ids=["warns", "strict"])
def test_the_server_stopped_mid_build(s3: S3, tmp_path: Path, strict: bool) -> None:
    project = script(tmp_path)
    watcher = stop_when_recording(s3, project / "cache-a")
    result = build(project, "a", "--cache-url", URL, *(["--cache-strict"] if strict else []))
    watcher.join(timeout=30)
    assert not watcher.is_alive()
    # The guide is built either way; the shared cache's failure is a warning, or with --cache-strict an error.
    assert (project / "out-a" / "small-guide" / "manifest.json").is_file()
    assert "Traceback" not in result.output
    if strict:
        assert result.exit_code == 1, result.output
        assert "Error: --cache-strict: shared take cache s3://clinic/cache:" in result.output
    else:
        assert result.exit_code == 0, result.output
        assert "warning: shared take cache s3://clinic/cache:" in result.output and " reaching it (" in result.output


def test_a_dead_server_from_the_start_is_a_warning(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    s3.server.stop()
    result = build(project, "a", "--cache-url", URL)
    assert result.exit_code == 0, result.output
    assert "3 errors reaching it" in result.output and "switched off" in result.output


def test_full_guide_pieces_are_shared_too(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    registry = EngineRegistry(offline=True)
    first = builder.build(
        project / "small.yaml",
        RunSettings.make(out=project / "out-a", cache=project / "cache-a", jobs=1),
        registry=registry,
        shared=open_shared(URL, TakeCache(project / "cache-a")),
    )
    pieces = {k: v for k, v in s3.objects("cache").items() if k.startswith("pieces/") and k.endswith(".mp3")}
    assert first.pieces_encoded > 0 and len(pieces) == first.pieces_encoded
    assert first.shared is not None and first.shared.pieces_uploaded == first.pieces_encoded
    second = builder.build(
        project / "small.yaml",
        RunSettings.make(out=project / "out-b", cache=project / "cache-b", jobs=1),
        registry=registry,
        shared=open_shared(URL, TakeCache(project / "cache-b")),
    )
    assert second.recorded == 0 and second.pieces_encoded == 0
    assert second.shared is not None and second.shared.pieces_fetched == first.pieces_encoded
    for lang in ("en", "ar"):
        full = f"small-guide/{lang}/small-guide.{lang}.mp3"
        assert (project / "out-a" / full).read_bytes() == (project / "out-b" / full).read_bytes()


def test_takes_of_a_failed_build_are_shared(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    stored: list[str] = []

    def stop_after_three(key: str) -> None:
        stored.append(key)
        if len(stored) == 3:
            raise RuntimeError("stopped by the test")

    shared = open_shared(URL, TakeCache(project / "cache-a"))
    with pytest.raises(RuntimeError, match="stopped by the test"):
        builder.build(
            project / "small.yaml",
            RunSettings.make(out=project / "out-a", cache=project / "cache-a", jobs=1),
            registry=EngineRegistry(offline=True),
            on_take=stop_after_three,
            shared=shared,
        )
    assert shared.count.uploaded == 3
    assert shared._pusher is None  # the pushing thread ended with the failed build
    assert len(takes(s3)) == 3
    again = build(project, "b", "--cache-url", URL)
    assert again.exit_code == 0, again.output
    assert ", 3 from the shared cache, 0 reused" in again.output


def test_read_only_writes_nothing(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    result = build(project, "a", "--cache-url", URL, "--cache-mode", "ro")
    assert result.exit_code == 0, result.output
    assert s3.objects("cache") == {}


def test_a_take_another_machine_puts_while_this_one_builds_is_fetched_not_recorded(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    registry = EngineRegistry(offline=True)
    first = builder.build(
        project / "small.yaml",
        RunSettings.make(out=project / "out-a", cache=project / "cache-a", jobs=1),
        registry=registry,
    )
    keys = [p.stem for p in (project / "cache-a").glob("takes/*/*.wav")]
    assert len(keys) == first.recorded > 10

    def meanwhile(work: object) -> None:
        # After this build asked the shared cache for its takes (none there), before it records:
        # the other machine puts every take it has.
        assert open_shared(URL, TakeCache(project / "cache-a")).push(keys) == len(keys)

    shared = open_shared(URL, TakeCache(project / "cache-b"))
    second = builder.build(
        project / "small.yaml",
        RunSettings.make(out=project / "out-b", cache=project / "cache-b", jobs=1),
        registry=registry,
        on_work=meanwhile,
        shared=shared,
    )
    assert second.recorded == 0
    assert shared.count.fetched == shared.count.fetched_late == len(keys) and shared.count.uploaded == 0
    for lang in ("en", "ar"):
        full = f"small-guide/{lang}/small-guide.{lang}.mp3"
        assert (project / "out-a" / full).read_bytes() == (project / "out-b" / full).read_bytes()


def test_a_take_another_machine_is_recording_is_waited_for_then_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claims, on file:// storage: machine b comes to a take machine a has claimed; it waits, and fetches
    it once a puts it. A claimant that never delivers is waited for once, then ignored."""
    from guide.storage import shared_cache

    monkeypatch.setattr(shared_cache, "CLAIM_WAIT", 2.0)
    monkeypatch.setattr(shared_cache, "CLAIM_POLL", 0.05)
    url = (tmp_path / "shared").as_uri()
    a = open_shared(url, TakeCache(tmp_path / "cache-a"))
    b = open_shared(url, TakeCache(tmp_path / "cache-b"))
    keys = ["ab" + "0" * 62, "cd" + "1" * 62, "ef" + "2" * 62]
    for key in keys:
        assert a.fetch_late(key) is False  # not there, not claimed: a claims it and records it
    for key in keys:
        a.local.store(key, np.arange(4410, dtype=np.int16))

    # a puts the first take while b waits for it.
    timer = threading.Timer(0.3, lambda: a.push([keys[0]]))
    timer.start()
    started = time.monotonic()
    assert b.fetch_late(keys[0]) is True
    timer.join()
    assert 0.2 < time.monotonic() - started < 2.0
    assert b.local.load(keys[0]).tolist() == a.local.load(keys[0]).tolist()
    assert b.count.waited == 1 and b.count.fetched_late == 1

    # a never delivers the second: b waits CLAIM_WAIT once, then records it itself, and no longer waits for a.
    started = time.monotonic()
    assert b.fetch_late(keys[1]) is False
    assert 1.9 < time.monotonic() - started < 4.0
    started = time.monotonic()
    assert b.fetch_late(keys[2]) is False
    assert time.monotonic() - started < 1.0
    assert not b.count.errors and not a.count.errors


def _closed_port() -> str:
    """An address on this machine nothing listens on: a connection is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize("dead", ["stopped", "unreachable"])
def test_cache_strict_checks_the_shared_cache_before_recording(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dead: str
) -> None:
    project = script(tmp_path)
    if dead == "stopped":
        s3.server.stop()
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL", _closed_port())
    result = build(project, "a", "--cache-url", URL, "--cache-strict")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    error = result.output.strip().splitlines()[-1]
    assert error.startswith(f"Error: --cache-strict: the shared take cache {URL} cannot be read from and written to")
    assert "nothing was recorded" in error and "build without --cache-strict" in error
    assert not (project / "out-a").exists()  # no output folder at all
    assert not list((project / "cache-a").rglob("*.wav"))  # and no take recorded


def test_cache_strict_with_a_live_cache_builds_and_leaves_no_probe(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    result = build(project, "a", "--cache-url", URL, "--cache-strict")
    assert result.exit_code == 0, result.output
    assert takes(s3) and not [k for k in s3.objects("cache") if k.startswith("probes/")]


def test_cache_strict_read_only_only_reads(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    cache = TakeCache(project / "cache-a")
    open_shared(URL, cache, "ro", strict=True)  # answers: no error, nothing written
    assert not s3.objects("cache")
    s3.server.stop()
    with pytest.raises(StorageError, match="cannot be read from \\("):
        open_shared(URL, cache, "ro", strict=True)


@pytest.mark.usefixtures("allow_online")
def test_plan_and_build_agree_on_what_the_shared_cache_holds_when_a_voice_falls_back(s3: S3, tmp_path: Path) -> None:
    """gTTS cannot be reached on either machine: the first puts espeak-ng's Arabic takes into the shared cache,
    and the second's plan counts them as the build then fetches them (the takes of the fallback voice)."""
    project = script(tmp_path)
    first = build(project, "a", "--cache-url", URL)
    assert first.exit_code == 0, first.output
    recorded = int(first.output.split(" takes recorded")[0].rsplit(" ", 1)[-1])
    assert "ar: espeak:ar for " in first.output
    plan_args = ["plan", str(project / "small.yaml"), "--out", str(project / "out-b")]
    plan_args += ["--cache-dir", str(project / "cache-b"), "--cache-url", URL]
    as_json = json.loads(CliRunner().invoke(main, [*plan_args, "--json"]).output)
    arabic = [t for t in as_json["record"] if t["lang"] == "ar"]
    assert len(arabic) > 1 and all(t["voice"] == "gtts:ar" for t in arabic)  # planned for gTTS, held as espeak's
    assert [t["fallback_in_shared_cache"] for t in arabic] == [True] * len(arabic)
    assert all(t["in_shared_cache"] for t in as_json["record"] if t["lang"] == "en")
    planned = CliRunner().invoke(main, plan_args)
    assert planned.exit_code == 0, planned.output
    assert f"{recorded} takes to record" in planned.output
    assert (
        f"{recorded} of them are in the shared cache {URL} ({len(arabic)} only as spoken by their fallback voice, "
        "used where their own voice fails): the build fetches them instead"
    ) in planned.output
    second = build(project, "b", "--cache-url", URL)
    assert second.exit_code == 0, second.output
    assert f"0 takes recorded, {recorded} from the shared cache, 0 reused" in second.output
    assert "ar: espeak:ar for " in second.output
    a = sorted((project / "out-a").rglob("*.mp3"))
    b = sorted((project / "out-b").rglob("*.mp3"))
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
