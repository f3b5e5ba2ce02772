"""The best voice the machine can reach, by default: a script with no `voices:` speaks Arabic
through gTTS when Google's endpoint (the loopback stand-in here) answers, through espeak-ng when
it does not, and never asks it with --offline. Real engines, real ffmpeg, a real HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import gtts.tts
import pytest
from click.testing import CliRunner

from guide.cli import main

from .gtts_standin import StandIn

pytestmark = pytest.mark.usefixtures("allow_online")


@pytest.fixture
def standin(monkeypatch, mp3_bytes):
    with StandIn(mp3_bytes) as server:
        monkeypatch.setattr(gtts.tts, "_translate_url", server.url)
        yield server


def build(script: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", *extra])


def manifest(out: Path) -> dict:
    return json.loads((out / "small-guide" / "manifest.json").read_text(encoding="utf-8"))


def fallen_in(output: str) -> int:
    return int(output.split("warning: ")[1].split(" takes were")[0])


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(out)): (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_online_arabic_is_spoken_by_gtts(tmp_path, small_script, standin):
    result = build(small_script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "voice ar: gtts:ar (online, the default; offline fallback: espeak:ar)" in result.output
    assert "warning" not in result.output
    ar = manifest(tmp_path / "out")["languages"]["ar"]
    assert ar["voice"] == "gtts:ar" and all(t["fallback_takes"] == 0 for t in ar["tracks"])
    assert {r["lang"] for r in standin.requests} == {"ar"} and len(standin.requests) >= 10
    assert manifest(tmp_path / "out")["languages"]["en"]["voice"] == "piper:en_US-joe-medium"


def test_unreachable_then_still_offline_then_back_online(tmp_path, small_script, mp3_bytes, monkeypatch):
    out = tmp_path / "out"
    # 1. Google cannot be reached (allow_online points gTTS at a closed loopback port).
    first = build(small_script, out)
    assert first.exit_code == 0, first.output
    fallen = fallen_in(first.output)
    assert (
        "takes were spoken by the fallback voice espeak:ar because gtts:ar failed: gtts: cannot reach 127.0.0.1"
        in first.output
    )
    named = first.output.split("The takes: ")[1].split(". The next build")[0]
    assert named.count('"') == 6 and f"and {fallen - 3} more" in named
    assert "warning: Arabic will be spoken by espeak-ng" in first.output
    ar = manifest(out)["languages"]["ar"]
    assert fallen >= sum(t["fallback_takes"] for t in ar["tracks"]) >= 10

    # 2. Still offline: nothing recorded, nothing rewritten; it may say so.
    before = snapshot(out)
    again = build(small_script, out)
    assert again.exit_code == 0, again.output
    assert "nothing to do, everything is up to date" in again.output
    assert "spoken by the fallback voice" in again.output
    assert snapshot(out) == before

    # 3. Back online: only the fallback takes are recorded again, only Arabic files encoded.
    with StandIn(mp3_bytes) as server:
        monkeypatch.setattr(gtts.tts, "_translate_url", server.url)
        online = build(small_script, out)
    assert online.exit_code == 0, online.output
    assert f"{fallen} takes recorded" in online.output
    assert len(server.requests) == fallen
    after = snapshot(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert {n for n in changed if n.endswith(".mp3")} == {n for n in before if n.endswith(".mp3") and "/ar/" in f"/{n}"}
    assert all(t["fallback_takes"] == 0 for t in manifest(out)["languages"]["ar"]["tracks"])


@pytest.mark.parametrize("how", ["option", "environment"])
def test_offline_never_opens_a_connection(tmp_path, small_script, standin, monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv("GUIDE_OFFLINE", "1")
        result = build(small_script, tmp_path / "out")
    else:
        result = build(small_script, tmp_path / "out", "--offline")
    assert result.exit_code == 0, result.output
    assert standin.connections == 0 and standin.requests == []
    assert "voice ar: espeak:ar (offline build, gTTS not asked; the default is gTTS)" in result.output
    assert "warning: Arabic will be spoken by espeak-ng" in result.output
    assert "fallback voice" not in result.output  # nothing failed: offline was asked for
    assert manifest(tmp_path / "out")["languages"]["ar"]["voice"] == "espeak:ar"


def test_offline_refuses_a_gtts_voice_without_fallback_before_recording(tmp_path, write_script, standin):
    script = write_script(
        'id: t\ntitle: {ar: "ت"}\nlanguages: [ar]\nvoices: {ar: {engine: gtts}}\nintro: {ar: "مرحبا."}\n'
    )
    result = build(script, tmp_path / "out", "--offline")
    assert result.exit_code == 2
    assert "gtts needs the network and this build is offline" in result.output and "fallback" in result.output
    assert standin.connections == 0 and not (tmp_path / "out").exists()


def test_check_says_which_voice_speaks_and_why(small_script, standin):
    online = CliRunner().invoke(main, ["check", str(small_script)])
    assert online.exit_code == 0, online.output
    assert "voice en: piper:en_US-joe-medium (offline, the default)" in online.output
    assert "voice ar: gtts:ar (online, the default; offline fallback: espeak:ar)" in online.output
    assert "espeak-ng" not in online.output.split("voice ar:")[1].split("\n", 1)[1]  # no warning online

    offline = CliRunner().invoke(main, ["check", "--offline", str(small_script)])
    assert "voice ar: espeak:ar (offline build, gTTS not asked; the default is gTTS)" in offline.output
    assert "warning: Arabic will be spoken by espeak-ng" in offline.output
    assert standin.connections == 0


def test_a_script_that_names_espeak_for_arabic_is_warned(write_script):
    script = write_script(
        'id: t\ntitle: {ar: "ت"}\nlanguages: [ar]\nvoices: {ar: {engine: espeak, voice: ar}}\nintro: {ar: "مرحبا."}\n'
    )
    result = CliRunner().invoke(main, ["check", str(script)])
    assert result.exit_code == 0
    assert "voice ar: espeak:ar (offline, the script's)" in result.output
    assert "warning: Arabic will be spoken by espeak-ng" in result.output
