"""Engine and network faults during a build: a clear error naming where, finished takes kept,
nothing published changed; or, when the script opts in, a fallback voice that is reported."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import gtts.tts
import pytest
from click.testing import CliRunner

from guide import builder
from guide.cli import main
from guide.engines import EngineRegistry
from guide.engines.gtts import GttsEngine
from guide.engines.piper import BUNDLED_VOICE, bundled_voices
from guide.errors import EngineError, NetworkError
from guide.settings import RunSettings

from .gtts_standin import StandIn

pytestmark = pytest.mark.usefixtures("allow_online")  # these tests ask gTTS (a loopback stand-in)

ONLINE = """\
id: online
title: {en: "Online", ar: "عبر الإنترنت"}
languages: [en, ar]
voices:
  en: {engine: espeak, voice: en-us}
  ar: {engine: gtts%s}
intro: {en: "One. Two.", ar: "واحد. اثنان."}
faq:
  - id: how-long
    question: {en: "How long?", ar: "كم يدوم؟"}
    answer: {en: "Months.", ar: "عدة أشهر."}
"""
FALLBACK = ", fallback: {engine: espeak, voice: ar}"


def _registry() -> EngineRegistry:
    registry = EngineRegistry()
    registry.use(GttsEngine(timeout=(1.0, 1.0), retries=1, backoff=0.01))
    return registry


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def standin(mp3_bytes, monkeypatch):
    with StandIn(mp3_bytes) as server:
        monkeypatch.setattr(gtts.tts, "_translate_url", server.url)
        yield server


def test_a_failing_engine_names_script_item_and_language(tmp_path, write_script, standin):
    script = write_script(ONLINE % "")
    out, cache = tmp_path / "out", tmp_path / "cache"
    builder.build(script, RunSettings.make(out=out, cache=cache, jobs=1), registry=_registry())
    before = _tree(out)
    script.write_text((ONLINE % "").replace("عدة أشهر.", "عدة أشهر تقريبا."), encoding="utf-8")
    standin.fail_texts["عدة أشهر تقريبا."] = 503
    with pytest.raises(NetworkError) as caught:
        builder.build(script, RunSettings.make(out=out, cache=cache, jobs=1), registry=_registry())
    message = caught.value.message
    assert f"{script}: item 'how-long' (ar)" in message
    assert 'while recording "عدة أشهر تقريبا."' in message and "gtts:ar (ar)" in message and "HTTP 503" in message
    assert "nothing published was changed" in message
    assert _tree(out) == before  # the previous build's files, byte for byte
    assert not list(out.rglob("*.part")) and not list(out.glob("*/.staging-*"))


def test_through_the_cli_it_is_one_line_without_traceback(tmp_path, write_script, standin, monkeypatch):
    monkeypatch.setenv("GUIDE_GTTS_BUDGET", "2")
    script = write_script(ONLINE % "")
    standin.fail_texts["واحد."] = 429
    result = CliRunner().invoke(main, ["build", str(script), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    error = result.output.strip().splitlines()[-1]
    assert error.startswith(f"Error: {script}: item 'intro' (ar)")
    # Retry waits are random (full jitter): either the 2 s budget runs out first, or the four retries do.
    assert (
        "gave up on" in error and "after 2 s of failed requests" in error
    ) or "rate limited: wait a while" in error, error
    assert not (tmp_path / "out" / "online" / "ar").exists()


def test_fallback_voice_speaks_what_gtts_cannot_and_is_reported(tmp_path, write_script, standin, private_cache):
    script = write_script(ONLINE % FALLBACK)
    out = tmp_path / "out"
    standin.fail_texts["كم يدوم؟"] = 503
    result = CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "warning: 1 take was spoken by the fallback voice espeak:ar because gtts:ar failed" in result.output
    manifest = json.loads((out / "online" / "manifest.json").read_text(encoding="utf-8"))
    track = next(t for t in manifest["languages"]["ar"]["tracks"] if t["id"] == "how-long")
    assert track["fallback_takes"] == 1
    (take,) = [t for s in track["sentences"] for t in s["takes"] if t["text"] == "كم يدوم؟"]
    assert "planned" in take and (private_cache / "takes" / take["key"][:2] / f"{take['key']}.wav").is_file()
    assert not (private_cache / "takes" / take["planned"][:2] / f"{take['planned']}.wav").exists()
    # Back online: the next build asks gTTS again, and the track no longer holds a fallback take.
    standin.fail_texts.clear()
    again = CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1"])
    assert again.exit_code == 0 and "spoken by the fallback voice" not in again.output
    manifest = json.loads((out / "online" / "manifest.json").read_text(encoding="utf-8"))
    track = next(t for t in manifest["languages"]["ar"]["tracks"] if t["id"] == "how-long")
    assert track["fallback_takes"] == 0
    assert again.output.count(" * 01-how-long.mp3") == 1  # re-encoded with the planned voice


def test_offline_build_with_fallback_ends_quickly_in_espeak(tmp_path, write_script, monkeypatch):
    import socket

    with socket.socket() as s:  # nobody listens: like a clinic without internet
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(gtts.tts, "_translate_url", lambda tld="com", path="": f"http://127.0.0.1:{port}/{path}")
    script = write_script(ONLINE % FALLBACK)
    result = builder.build(
        script, RunSettings.make(out=tmp_path / "out", cache=tmp_path / "cache", jobs=1), registry=_registry()
    )
    ar_takes = [t for t in result.work.plan.takes() if t.voice.engine == "gtts"]
    assert len(result.fallbacks) == len(ar_takes) and all("connection refused" in f.reason for f in result.fallbacks)


def test_a_corrupt_piper_voice_is_an_engine_error_naming_the_item(tmp_path, write_script):
    voices = tmp_path / "voices"
    voices.mkdir()
    model = bundled_voices()[BUNDLED_VOICE]
    (voices / "broken.onnx").write_bytes(b"this is not an onnx model")
    shutil.copy(f"{model}.json", voices / "broken.onnx.json")
    script = write_script(
        'id: broken\ntitle: "B"\nlanguages: [en]\n'
        'voices:\n  en: {engine: piper, voice: voices/broken.onnx}\nintro: "Hello."\n'
    )
    result = CliRunner().invoke(main, ["build", str(script), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "item 'intro' (en)" in result.output and "piper could not load voice" in result.output
    assert not list((tmp_path / "out").rglob("*.mp3"))


def test_a_fallback_that_fails_too_names_both(tmp_path, write_script, standin):
    script = write_script(
        (ONLINE % FALLBACK).replace("fallback: {engine: espeak, voice: ar}", "fallback: {engine: gtts, tld: co.uk}")
    )
    standin.fail_texts["كم يدوم؟"] = 503
    with pytest.raises(EngineError) as caught:
        builder.build(
            script, RunSettings.make(out=tmp_path / "out", cache=tmp_path / "cache", jobs=1), registry=_registry()
        )
    assert "item 'how-long' (ar)" in caught.value.message and "HTTP 503" in caught.value.message


def test_fallback_cannot_nest(write_script, registry):
    from guide.errors import ScriptError

    script = write_script((ONLINE % FALLBACK).replace("voice: ar}", "voice: ar, fallback: {engine: espeak}}"))
    with pytest.raises(ScriptError, match="a fallback voice cannot have a fallback of its own"):
        builder.load(script, registry)


def _ar_takes(out: Path) -> tuple[int, int]:
    """Distinct Arabic takes heard in the built guide, and how many of them a fallback voice spoke."""
    manifest = json.loads((out / "online" / "manifest.json").read_text(encoding="utf-8"))
    block = manifest["languages"]["ar"]
    entries = [*block["tracks"], *([block["full_guide"]] if block.get("full_guide") else [])]
    heard = [t for e in entries for s in e["sentences"] for t in s["takes"]]
    return len({t.get("planned", t["key"]) for t in heard}), len({t["planned"] for t in heard if "planned" in t})


def test_the_summary_names_the_voice_that_actually_spoke(tmp_path, write_script):
    # allow_online: gTTS's host is a closed loopback port, so every Arabic take falls back to espeak-ng.
    script = write_script(ONLINE % FALLBACK)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    takes, fallen = _ar_takes(out)
    assert takes == fallen and takes > 1
    assert f"\n  ar: espeak:ar for {takes} of {takes} takes (gtts:ar failed: cannot reach 127.0.0.1" in result.output
    assert "\n  en: espeak:en-us for " in result.output and "  ar (gtts:ar)" not in result.output
    # Still unreachable: nothing to do, and the summary still says who spoke.
    again = CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1"])
    assert "nothing to do" in again.output
    assert f"ar: espeak:ar for {takes} of {takes} takes (gtts:ar failed" in again.output


def test_a_partial_fallback_is_counted(tmp_path, write_script, standin):
    script = write_script(ONLINE % FALLBACK)
    out = tmp_path / "out"
    standin.fail_texts["كم يدوم؟"] = 503
    result = CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    takes, fallen = _ar_takes(out)
    assert fallen == 1
    assert f"ar: espeak:ar for 1 of {takes} takes, gtts:ar for the other {takes - 1} (gtts:ar failed: " in result.output
    assert "warning: 1 take was spoken by the fallback voice espeak:ar" in result.output


@pytest.mark.parametrize("how", ["option", "environment"])
def test_no_fallback_fails_before_anything_is_written(tmp_path, write_script, monkeypatch, how):
    script = write_script(ONLINE % FALLBACK)
    out = tmp_path / "out"
    args = ["build", str(script), "--out", str(out), "--jobs", "1"]
    if how == "option":
        args.append("--no-fallback")
    else:
        monkeypatch.setenv("GUIDE_NO_FALLBACK", "1")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "spoken by the fallback voice" not in result.output
    error = result.output.strip().splitlines()[-1]
    assert error.startswith(f"Error: {script}: item '") and "(ar)" in error
    assert "gtts:ar (ar): gtts: cannot reach 127.0.0.1" in error
    assert "--no-fallback (or GUIDE_NO_FALLBACK): no fallback voice may speak for gtts:ar" in error
    assert not out.exists()  # not even an empty folder


def test_no_fallback_leaves_an_earlier_build_as_it_was(tmp_path, write_script, standin):
    script = write_script(ONLINE % FALLBACK)
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1"]).exit_code == 0
    before = _tree(out)
    script.write_text((ONLINE % FALLBACK).replace("عدة أشهر.", "عدة أشهر تقريبا."), encoding="utf-8")
    standin.fail_texts["عدة أشهر تقريبا."] = 503
    result = CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", "--no-fallback"])
    assert result.exit_code == 1 and "--no-fallback" in result.output and "HTTP 503" in result.output
    assert _tree(out) == before
    # Without it, the same build falls back and says so.
    fell = CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1"])
    assert fell.exit_code == 0 and "ar: espeak:ar for 1 of " in fell.output


def test_no_fallback_offline_is_refused_before_recording(tmp_path, write_script, monkeypatch):
    script = write_script(ONLINE % FALLBACK)
    result = CliRunner().invoke(
        main, ["build", str(script), "--out", str(tmp_path / "out"), "--offline", "--no-fallback"]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "this build is offline" in result.output and "--no-fallback (GUIDE_NO_FALLBACK) forbids" in result.output
    assert not (tmp_path / "out").exists()


def test_check_and_plan_say_the_fallback_is_refused(tmp_path, write_script):
    script = write_script(ONLINE % FALLBACK)
    checked = CliRunner().invoke(main, ["check", str(script), "--no-fallback"])
    assert checked.exit_code == 0, checked.output
    assert "voice ar: gtts:ar (online, the script's; its fallback refused (--no-fallback)" in checked.output
    assert "2 tracks per language" in checked.output
