"""The shared take cache (--cache-url) against moto's S3 server with the real s3fs: two machines, damage,
a server that stops mid-build, read-only mode."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from guide.cli import main

from .conftest import SMALL_SCRIPT
from .s3_standin import S3, s3  # noqa: F401 - the fixture

URL = "s3://clinic/cache"


def build(project: Path, machine: str, *args: str) -> object:
    """`guide build` as on a machine of its own: its own local cache and output folder."""
    return CliRunner().invoke(main, [
        "build", str(project / "small.yaml"), "--out", str(project / f"out-{machine}"),
        "--cache-dir", str(project / f"cache-{machine}"), "--jobs", "1", *args,
    ])


def script(tmp_path: Path) -> Path:
    (tmp_path / "small.yaml").write_text(SMALL_SCRIPT, encoding="utf-8")
    return tmp_path


def takes(s3: S3) -> dict[str, bytes]:
    return {k: v for k, v in s3.objects("cache").items() if k.endswith(".wav")}


def test_two_machines_share_one_cache_the_second_records_nothing(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    first = build(project, "a", "--cache-url", URL)
    assert first.exit_code == 0, first.output
    recorded = int(first.output.split(" takes recorded")[0].rsplit(" ", 1)[-1])
    assert recorded > 10 and f"{recorded} takes recorded, 0 from the shared cache, 0 reused" in first.output
    assert len(takes(s3)) == recorded
    records = {k: json.loads(v) for k, v in s3.objects("cache").items() if k.endswith(".json")}
    assert len(records) == recorded and all(r["blob"] in " ".join(takes(s3)) for r in records.values())
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
    blobs = sorted(k for k in s3.objects("cache") if k.endswith(".wav"))
    records = sorted(k for k in s3.objects("cache") if k.endswith(".json"))
    s3.fs.pipe_file(f"clinic/cache/{blobs[0]}", b"RIFF not a take")  # damaged audio
    s3.fs.pipe_file(f"clinic/cache/{records[-1]}", b"{not json")  # damaged record
    second = build(project, "b", "--cache-url", URL)
    assert second.exit_code == 0, second.output
    assert "2 takes recorded" in second.output
    assert "2 shared take(s) did not check out and were recorded again" in second.output
    third = build(project, "c", "--cache-url", URL)  # the second machine put whole ones back
    assert "0 takes recorded" in third.output and "did not check out" not in third.output


def test_the_server_stopped_mid_build_the_build_still_succeeds(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    s3.server.stop()
    result = build(project, "a", "--cache-url", URL)
    assert result.exit_code == 0, result.output
    assert "warning: shared take cache s3://clinic/cache:" in result.output and "error(s) reaching it" in result.output
    assert (project / "out-a" / "small-guide" / "manifest.json").is_file()
    strict = build(project, "b", "--cache-url", URL, "--cache-strict")
    assert strict.exit_code == 1 and "--cache-strict" in strict.output
    assert (project / "out-b" / "small-guide" / "manifest.json").is_file()


def test_read_only_writes_nothing(s3: S3, tmp_path: Path) -> None:
    project = script(tmp_path)
    result = build(project, "a", "--cache-url", URL, "--cache-mode", "ro")
    assert result.exit_code == 0, result.output
    assert s3.objects("cache") == {}
