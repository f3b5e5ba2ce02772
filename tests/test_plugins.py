"""Engines from other packages, registered through the ``guide.engines`` entry-point group.

The plug-in here is a real installed distribution as pip leaves one (a ``.dist-info``
folder with ``entry_points.txt`` beside the package, on the Python path), and guide
runs in a subprocess that finds it the standard way, through importlib.metadata."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = '''
"""A test engine: a hum whose pitch follows the letters, so each sentence sounds different."""

from pathlib import Path

import numpy as np

from guide.engines import AudioChunk, VoiceInfo, VoiceNotFound, VoiceRef


class HumEngine:
    name = "hum"
    offline = True

    def list_voices(self):
        return [VoiceInfo(self.name, "low", ("en", "ar"), "a hum (test plug-in)")]

    def resolve(self, lang, settings, base_dir: Path) -> VoiceRef:
        if (settings.voice or "low") != "low":
            raise VoiceNotFound(f"hum has no voice '{settings.voice}'")
        return VoiceRef(self.name, lang, "low", speed=settings.speed, identity="hum==1.0")

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        rate = 16000
        parts = []
        for char in text:
            t = np.arange(int(0.06 * rate / voice.speed)) / rate
            parts.append(0.3 * np.sin(2 * np.pi * (120 + ord(char) % 200) * t))
        samples = (np.concatenate(parts) * 32767).astype(np.int16)
        return AudioChunk(text, samples, rate)


def create(registry):
    return HumEngine()
'''

SCRIPT = """\
id: hum-guide
title: {en: "Hum", ar: "همهمة"}
languages: [en, ar]
voices:
  en: {engine: hum}
  ar: {engine: hum, voice: low}
intro: {en: "Welcome to the hum.", ar: "مرحبا بكم."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""


def install(site: Path, name: str, target: str, module: str | None = PLUGIN) -> None:
    """Lay out a distribution as pip installs it: the module, and its dist-info with the entry point."""
    package = f"guide_{name}_engine"
    if module is not None:
        (site / f"{package}.py").write_text(module, encoding="utf-8")
    info = site / f"guide_{name}_engine-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: guide-{name}-engine\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[guide.engines]\n{name} = {target}\n", encoding="utf-8")


def guide(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "GUIDE_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "guide", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    install(folder, "hum", "guide_hum_engine:create")
    return folder


def test_a_plugin_is_listed_by_voices_and_doctor(site, tmp_path):
    voices = guide(site, "voices", cwd=tmp_path)
    assert voices.returncode == 0, voices.stderr
    assert "hum (offline): 1 voice(s)" in voices.stdout and "a hum (test plug-in)" in voices.stdout
    assert "piper (offline)" in voices.stdout  # the built-in engines are still there
    only = guide(site, "voices", "--engine", "hum", cwd=tmp_path)
    assert only.returncode == 0 and only.stdout.startswith("hum (offline): 1 voice(s)"), only.stderr
    doctor = guide(site, "doctor", "--json", "--out", str(tmp_path / "out"), cwd=tmp_path)
    findings = {f["name"]: f for f in json.loads(doctor.stdout)["findings"]}
    assert findings["engine hum (plug-in from guide-hum-engine)"]["status"] == "ok"


def test_a_plugin_engine_builds_a_guide(site, tmp_path):
    script = tmp_path / "hum.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    result = guide(site, "build", str(script), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "voice en: hum:low" in result.stdout
    manifest = json.loads((tmp_path / "out" / "hum-guide" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["languages"]["ar"]["voice"] == "hum:low"
    assert all(
        (tmp_path / "out" / "hum-guide" / t["file"]).stat().st_size > 1000
        for t in manifest["languages"]["en"]["tracks"]
    )
    wrong = script.read_text(encoding="utf-8").replace("voice: low", "voice: high")
    script.write_text(wrong, encoding="utf-8")
    check = guide(site, "check", str(script), cwd=tmp_path)
    assert check.returncode == 2 and f"{script}:6: voices.ar: hum has no voice 'high'" in check.stderr, check.stderr


def test_a_broken_plugin_is_named_and_the_others_still_work(site, tmp_path):
    install(site, "broken", "guide_broken_engine:create", module="raise ImportError('needs libfoo 2')\n")
    voices = guide(site, "voices", cwd=tmp_path)
    assert voices.returncode == 0, voices.stderr
    assert "hum (offline): 1 voice(s)" in voices.stdout
    assert (
        "the engine plug-in 'broken' (guide_broken_engine:create, from the package guide-broken-engine) does not "
        "load: ImportError: needs libfoo 2" in voices.stderr
    )
    script = tmp_path / "broken.yaml"
    script.write_text(SCRIPT.replace("en: {engine: hum}", "en: {engine: broken}"), encoding="utf-8")
    check = guide(site, "check", str(script), cwd=tmp_path)
    assert (
        check.returncode == 2
        and f"{script}:5: voices.en: the engine plug-in 'broken'" in check.stderr
        and "Traceback" not in check.stderr
    )


def test_a_plugin_cannot_take_a_built_in_name(site, tmp_path):
    install(site, "piper", "guide_hum_engine:create", module=None)  # a second 'piper' from another package
    voices = guide(site, "voices", "--engine", "piper", cwd=tmp_path)
    assert voices.returncode == 0 and "en_US-joe-medium" in voices.stdout, voices.stdout + voices.stderr
