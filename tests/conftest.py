"""Shared fixtures: one engine registry per session (voices load once), script writers."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from filelock import FileLock

from guide.audio.ffmpeg import decode_file
from guide.engines import EngineRegistry
from guide.settings import RunSettings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SCRIPT = ROOT / "scripts" / "botox_long_term_effects.yaml"
SOURCE_ARTICLE = ROOT.parent / "shared" / "source-articles" / "botox-long-term-effects.txt"

SMALL_SCRIPT = """\
id: small-guide
title: {en: "Small guide", ar: "دليل صغير"}
languages: [en, ar]
intro: {en: "Welcome. This is a short guide.", ar: "مرحبا بكم. هذا دليل قصير."}
sections:
  - id: care
    title: {en: "Care", ar: "العناية"}
    body:
      - {en: "Rest well.", ar: "استرح جيدا."}
      - title: {en: "Tips", ar: "نصائح"}
        bullets:
          - {en: "Drink water", ar: "اشرب الماء"}
          - {en: "Sleep early", ar: "نم مبكرا"}
faq:
  - id: how-long
    question: {en: "How long does it last?", ar: "كم يدوم؟"}
    answer: {en: "About four months.", ar: "نحو أربعة أشهر."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own take cache, never the project's .guide-cache/."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def private_user_voices(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own (empty) folder of the user's Piper voices, never the real one."""
    folder = tmp_path_factory.mktemp("user-voices")
    monkeypatch.setenv("GUIDE_USER_VOICES_DIR", str(folder))
    return folder


def _closed_port_url():  # a stand-in for gtts.tts._translate_url
    """Google's host as a loopback port nothing listens on: a connection is refused at once."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return lambda tld="com", path="": f"http://127.0.0.1:{port}/{path}"


@pytest.fixture(scope="session", autouse=True)
def never_google():
    """Tests never reach Google, in this process or in the ones they start: builds are offline
    (GUIDE_OFFLINE=1: gTTS voices speak through their fallback), and gTTS's host is a closed
    loopback port. Session-wide, so session fixtures (the small build) are made offline too."""
    import gtts.tts

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GUIDE_OFFLINE", "1")
        patch.setattr(gtts.tts, "_translate_url", _closed_port_url())
        yield


@pytest.fixture
def allow_online(monkeypatch) -> None:
    """gTTS may be asked, in this process: its host stays a closed loopback port until the test starts the stand-in."""
    import gtts.tts

    monkeypatch.delenv("GUIDE_OFFLINE", raising=False)
    monkeypatch.setattr(gtts.tts, "_translate_url", _closed_port_url())


@pytest.fixture
def fresh_ffmpeg(monkeypatch):
    """The test chooses its ffmpeg from a clean slate (no GUIDE_FFMPEG, nothing cached) and leaves the bundled one
    in use."""
    from guide.audio import ffmpeg as ff

    monkeypatch.delenv(ff.FFMPEG_ENV, raising=False)
    caches = (ff.ffmpeg, ff.pydub, ff._checked)
    for cached in caches:
        cached.cache_clear()
    yield
    for cached in caches:
        cached.cache_clear()


@pytest.fixture(scope="session")
def registry() -> EngineRegistry:
    """Real engines, created once so Piper's model loads once per test session."""
    return EngineRegistry()


@pytest.fixture
def write_script(tmp_path: Path):
    """Write YAML text (dedented) to a script file and return its path."""

    def write(text: str, name: str = "script.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def small_build(tmp_path_factory, registry) -> Path:
    """The small script built once per session: ``small.yaml``, ``out/`` and ``cache/`` in one folder.

    Tests copy it and never change it.
    """
    from guide import builder

    root = tmp_path_factory.mktemp("small-build")
    script = root / "small.yaml"
    script.write_text(SMALL_SCRIPT, encoding="utf-8")
    builder.build(script, RunSettings.make(out=root / "out", cache=root / "cache", jobs=1), registry=registry)
    return root


SAMPLE_BASE_URL = "https://clinic.example/guides/botox-long-term-effects"
"""The address the shared sample build is made for (its feeds and player name it)."""


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample script built once per test run through ``guide build`` (offline, with ``--base-url``):
    the folder holding ``out/``, ``cache/`` and ``output.txt`` (what the build printed).

    Shared by every pytest-xdist worker: the first to ask builds it under a lock, the others wait and read it.
    Tests copy it and never change it.
    """
    from guide.cli import main

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # each worker's temporary folder sits in the run's one
    root = shared / "sample-build"
    with FileLock(str(shared / "sample-build.lock")):
        if not (root / "output.txt").is_file():  # written last: a build that failed half-way is made again
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            result = CliRunner().invoke(
                main,
                [
                    "build",
                    str(SAMPLE_SCRIPT),
                    "--out",
                    str(root / "out"),
                    "--cache-dir",
                    str(root / "cache"),
                    "--base-url",
                    SAMPLE_BASE_URL,
                ],
            )
            assert result.exit_code == 0, result.output
            (root / "output.txt").write_text(result.output, encoding="utf-8")
    return root


@pytest.fixture
def small_script(write_script) -> Path:
    return write_script(SMALL_SCRIPT, "small.yaml")


def decoded_seconds(path: Path) -> float:
    """Duration of an audio file, measured by decoding it with ffmpeg."""
    return len(decode_file(str(path))) / 44100


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


@pytest.fixture(scope="session")
def speech(registry) -> tuple[np.ndarray, int]:
    """Real speech (espeak-ng's) for the cloud stand-ins to answer with: (mono int16 samples, rate)."""
    from guide.script.model import VoiceSettings

    chunk = registry.synthesize(
        "Hello from the stand in.", registry.resolve("en", VoiceSettings("espeak", "en"), Path("."))
    )
    return chunk.samples, chunk.sample_rate


@pytest.fixture(scope="session")
def mp3_bytes(registry) -> bytes:
    """A real MP3 (24 kHz mono, like Google's) of espeak-ng speaking, for the gTTS stand-in."""
    from guide.audio.ffmpeg import run_ffmpeg
    from guide.script.model import VoiceSettings

    chunk = registry.synthesize(
        "Hello from the stand in.", registry.resolve("en", VoiceSettings("espeak", "en"), Path("."))
    )
    return run_ffmpeg(
        [
            "-f",
            "s16le",
            "-ar",
            str(chunk.sample_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-ar",
            "24000",
            "-b:a",
            "32k",
            "-f",
            "mp3",
            "pipe:1",
        ],
        stdin=chunk.samples.tobytes(),
    )


@pytest.fixture(scope="module")
def chromium():  # yields a playwright Browser
    """Chromium, headless and with no network, for the module's pages; skipped where there is none."""
    from .test_player import CHROMIUM, FLAGS

    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (install Debian's chromium: apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    with playwright_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()
