"""`guide doctor`: real ffmpeg probes, real test syntheses, a real cache folder and disk, and
gTTS's endpoint played by the loopback stand-in (or a closed loopback port for "offline")."""

from __future__ import annotations

import json
import os
from pathlib import Path

import gtts.tts
import pytest
from click.testing import CliRunner

from guide.audio import ffmpeg as ff
from guide.cli import main

from .gtts_standin import StandIn
from .test_ffmpeg import wrapper

pytestmark = pytest.mark.usefixtures(
    "allow_online", "fresh_ffmpeg"
)  # gTTS is a loopback stand-in; ffmpeg as each test chooses


@pytest.fixture
def online(monkeypatch, mp3_bytes):
    with StandIn(mp3_bytes) as server:
        monkeypatch.setattr(gtts.tts, "_translate_url", server.url)
        yield server


@pytest.fixture
def offline(allow_online):
    """Google's host as a loopback port nothing listens on (what allow_online leaves it as)."""


def doctor(tmp_path: Path, *args: str):
    """Run `guide doctor --json` in `tmp_path` (its scripts/ is what it looks at); (exit status, findings by name)."""
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(main, ["doctor", "--json", "--out", str(tmp_path / "out"), *args])
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    data = json.loads(result.output)
    return result.exit_code, data, {f["name"]: f for f in data["findings"]}


def test_a_healthy_machine(tmp_path, online, private_cache):
    code, data, found = doctor(tmp_path)
    assert code == 0 and data["ok"] is True
    assert [f["name"] for f in data["findings"] if f["status"] == "fail"] == []
    assert "bundled with imageio-ffmpeg" in found["ffmpeg"]["detail"]
    assert found["ffmpeg can do what guide needs"]["status"] == "ok"
    assert "en_US-joe-medium" in found["piper"]["detail"]
    assert "voices ar, en load" in found["espeak-ng"]["detail"]
    for name in ("test synthesis (en, piper:en_US-joe-medium)", "test synthesis (ar, espeak:ar)"):
        seconds = float(found[name]["detail"].split(" s of speech")[0])
        assert 0.2 < seconds < 3.0, found[name]
    assert found["take cache"]["status"] == "ok" and str(private_cache) in found["take cache"]["detail"]
    assert found["output folder"]["status"] == "ok" and "GB free" in found["output folder"]["detail"]
    assert found["Google TTS endpoint"]["status"] == "ok"
    assert found["proof listening"]["status"] in ("ok", "info")  # an optional extra
    assert not (tmp_path / "out").exists()  # the doctor looks; it makes nothing


def test_the_terminal_report(tmp_path, online):
    runner = CliRunner()
    result = runner.invoke(main, ["doctor", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("✓ python: Python 3.")
    assert "✓ ffmpeg: ffmpeg " in result.output
    assert result.output.rstrip().endswith("A build can run on this machine.")


def test_a_broken_ffmpeg_chosen_by_the_environment(tmp_path, online, monkeypatch):
    broken = tmp_path / "ffmpeg"
    broken.write_text("#!/bin/sh\necho 'error while loading shared libraries: libavdevice.so.59' >&2\nexit 127\n")
    broken.chmod(0o755)
    monkeypatch.setenv(ff.FFMPEG_ENV, str(broken))
    code, data, found = doctor(tmp_path)
    assert code == 1 and data["ok"] is False
    assert found["ffmpeg"]["status"] == "fail"
    assert "libavdevice.so.59" in found["ffmpeg"]["detail"]
    assert "unset GUIDE_FFMPEG" in found["ffmpeg"]["fix"]
    assert found["test synthesis (ar, espeak:ar)"]["status"] == "ok"  # one failure does not stop the rest

    result = CliRunner().invoke(main, ["doctor", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "✗ ffmpeg: " in result.output and "    fix: unset GUIDE_FFMPEG" in result.output
    assert result.output.rstrip().endswith("A build cannot run until the ✗ above are fixed.")


def test_a_chosen_ffmpeg_missing_a_capability(tmp_path, online, monkeypatch):
    monkeypatch.setenv(
        ff.FFMPEG_ENV, str(wrapper(tmp_path, "ffmpeg", "*atempo*", "[AVFilterGraph @ 0x1] No such filter: 'atempo'"))
    )
    code, _, found = doctor(tmp_path)
    assert code == 1
    assert found["ffmpeg"]["status"] == "ok" and "chosen with GUIDE_FFMPEG" in found["ffmpeg"]["detail"]
    capability = found["ffmpeg can do what guide needs"]
    assert capability["status"] == "fail"
    assert (
        capability["detail"] == "missing: atempo filter: [AVFilterGraph] No such filter: 'atempo' / Conversion failed!"
    )
    assert "unset GUIDE_FFMPEG" in capability["fix"]


def test_a_cache_folder_that_cannot_be_made(tmp_path, online):
    (tmp_path / "a-file").write_text("not a folder")
    code, _, found = doctor(tmp_path, "--cache-dir", str(tmp_path / "a-file" / "cache"))
    assert code == 1
    assert found["take cache"]["status"] == "fail" and "is not a folder" in found["take cache"]["detail"]
    assert "--cache-dir" in found["take cache"]["fix"]


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root writes into read-only folders; .ci/run runs this as a user that is not root"
)
def test_an_unwritable_cache_folder(tmp_path, online):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        code, _, found = doctor(tmp_path, "--cache-dir", str(cache))
    finally:
        cache.chmod(0o755)
    assert code == 1
    assert found["take cache"]["status"] == "fail"
    assert "not writable: Permission denied" in found["take cache"]["detail"]


def test_offline_is_a_fact_not_a_fault(tmp_path, offline):
    code, _, found = doctor(tmp_path)
    assert code == 0
    endpoint = found["Google TTS endpoint"]
    assert endpoint["status"] == "info" and "offline" in endpoint["detail"]


GTTS_ONLY = """\
id: online-only
title: {ar: "دليل"}
languages: [ar]
voices: {ar: {engine: gtts}}
intro: {ar: "مرحبا."}
"""

GTTS_WITH_FALLBACK = GTTS_ONLY.replace("id: online-only", "id: with-fallback").replace(
    "{engine: gtts}", "{engine: gtts, fallback: {engine: espeak, voice: ar}}"
)


def test_offline_fails_when_a_script_needs_gtts_without_a_fallback(tmp_path, offline):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "with-fallback.yaml").write_text(GTTS_WITH_FALLBACK, encoding="utf-8")
    code, _, found = doctor(tmp_path)
    assert code == 0, found["Google TTS endpoint"]  # a fallback makes offline fine

    (tmp_path / "scripts" / "online-only.yaml").write_text(GTTS_ONLY, encoding="utf-8")
    code, _, found = doctor(tmp_path)
    endpoint = found["Google TTS endpoint"]
    assert code == 1 and endpoint["status"] == "fail"
    assert "scripts/online-only.yaml use gTTS with no fallback" in endpoint["detail"]
    assert "with-fallback" not in endpoint["detail"]
    assert "fallback" in endpoint["fix"]
