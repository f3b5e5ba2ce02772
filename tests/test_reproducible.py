"""Reproducible builds: the same script and packages give the same bytes, whatever the process, folder or threads.

Builds run as ``guide build`` in processes of their own, each with a fresh take cache, in another working
directory, with another ``--jobs``: every Piper take is recorded again in each, so the comparison covers
Piper's noise (guide/engines/piper_noise.py) as well as everything written after it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from guide.engines.piper import BUNDLED_VOICE, PiperEngine, bundled_voices
from guide.engines.piper_noise import random_nodes, seeded
from guide.script.model import VoiceSettings

from .conftest import ROOT, SAMPLE_BASE_URL, SAMPLE_SCRIPT

SECOND_SCRIPT = ROOT / "tests" / "data" / "keys" / "clinic.yaml"
EPOCH = "1765065600"  # 2025-12-07 00:00:00 UTC
SENTENCE = "Many people safely use Botox for years, with treatments every 3 to 6 months."


def _guide(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``guide ARGS`` in a new process, run from `cwd`, with this checkout's package and `env` added."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "guide", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=900
    )


def _fresh_build(script: Path, root: Path, jobs: int, epoch: str) -> Path:
    """Build `script` in a new process from the folder `root`, with a take cache of its own; the guide folder."""
    root.mkdir(parents=True)
    if script != SAMPLE_SCRIPT:  # a build writes a review record beside its script: a copy of its own, not ours
        script = Path(shutil.copy(script, root / script.name))
    args = ["build", str(script), "--offline", "--out", "out", "--cache-dir", "cache", "--jobs", str(jobs)]
    done = _guide([*args, "--base-url", SAMPLE_BASE_URL], root, SOURCE_DATE_EPOCH=epoch)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "out"


def _files(folder: Path) -> dict[str, str]:
    """Every file under `folder`, by path relative to it: its SHA-256."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _assert_same_files(first: Path, second: Path) -> int:
    """The two folders hold the same files with the same bytes; how many."""
    a, b = _files(first), _files(second)
    assert sorted(a) == sorted(b)
    differ = [name for name in a if a[name] != b[name]]
    assert differ == [], f"{len(differ)} of {len(a)} files differ: {differ}"
    return len(a)


def test_two_fresh_builds_of_the_second_script_are_the_same_bytes(tmp_path):
    """espeak-ng only (tests/data/keys/clinic.yaml): one job against two, other folders, other caches."""
    first = _fresh_build(SECOND_SCRIPT, tmp_path / "one", jobs=1, epoch=EPOCH)
    second = _fresh_build(SECOND_SCRIPT, tmp_path / "two", jobs=2, epoch=EPOCH)
    assert _assert_same_files(first, second) > 20
    manifest = json.loads((first / "aftercare" / "manifest.json").read_text(encoding="utf-8"))
    dates = {t["published"] for lang in manifest["languages"].values() for t in lang["tracks"]}
    assert dates == {"2025-12-07T00:00:00+00:00"}


@pytest.mark.slow
def test_two_fresh_builds_of_the_sample_are_the_same_bytes(sample_build, tmp_path):
    """Two fresh builds of the sample (each its own process, folder and cache; one job and two), with
    SOURCE_DATE_EPOCH set to the shared build's one date: every file the same, Piper's tracks included.

    Not against the shared build itself: espeak-ng keeps state from one sentence to the next in a process (its
    waveform's phase), so that build's Arabic depends on what the tests before it spoke (README, "Reproducible
    builds")."""
    built = sample_build / "out" / "botox-long-term-effects"
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    dates = {t["published"] for lang in manifest["languages"].values() for t in lang["tracks"]}
    assert len(dates) == 1, f"one build, one date: {dates}"
    epoch = str(int(datetime.fromisoformat(dates.pop()).timestamp()))
    first = _fresh_build(SAMPLE_SCRIPT, tmp_path / "first", jobs=1, epoch=epoch)
    second = _fresh_build(SAMPLE_SCRIPT, tmp_path / "second", jobs=2, epoch=epoch)
    assert _assert_same_files(first / "botox-long-term-effects", second / "botox-long-term-effects") > 70


def test_an_invalid_source_date_epoch_is_an_input_error(tmp_path, small_script):
    (tmp_path / "run").mkdir()
    done = _guide(
        ["build", str(small_script), "--out", "out", "--cache-dir", "cache"],
        tmp_path / "run",
        SOURCE_DATE_EPOCH="yesterday",
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "SOURCE_DATE_EPOCH='yesterday': not a whole number of seconds since 1970" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "run" / "out").exists() or not any((tmp_path / "run" / "out").rglob("*.mp3"))


# -- Piper's noise --------------------------------------------------------------------------------------------

PIPER_RUN = """
import hashlib, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from guide.engines.piper import BUNDLED_VOICE, PiperEngine
from guide.script.model import VoiceSettings
engine = PiperEngine()
voice = engine.resolve("en", VoiceSettings("piper", BUNDLED_VOICE), Path("."))
with ThreadPoolExecutor(int(sys.argv[1])) as pool:
    for chunk in pool.map(lambda text: engine.synthesize(text, voice), sys.argv[2:]):
        print(hashlib.sha256(chunk.samples.tobytes()).hexdigest())
"""

SENTENCES = ["Permanent damage is rare.", "Possible Long-Term Risks", "Key Long-Term Benefits", SENTENCE]
"""The first three came out otherwise with 1 and 2 onnxruntime threads, or with the graph unoptimised, before
every voice was loaded the same way (guide/engines/piper.py: _load_voice)."""


def _piper_in_process(workers: int) -> list[str]:
    """SHA-256 of each of SENTENCES' samples, spoken in a new process by `workers` recording threads."""
    done = subprocess.run(
        [sys.executable, "-c", PIPER_RUN, str(workers), *SENTENCES],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_piper_speaks_a_sentence_the_same_across_processes_and_threads():
    """One recording thread in one process, four at once in another, and in this one, in another order, each
    sentence spoken twice: the same samples; other sentences, other samples."""
    one = _piper_in_process(1)
    assert len(one) == len(SENTENCES) and len(set(one)) == len(SENTENCES)
    assert _piper_in_process(4) == one
    engine = PiperEngine()
    voice = engine.resolve("en", VoiceSettings("piper", BUNDLED_VOICE), Path("."))
    order = [*reversed(SENTENCES), *SENTENCES]
    heard: dict[int, str] = {}

    def speak(at: int) -> None:
        heard[at] = hashlib.sha256(engine.synthesize(order[at], voice).samples.tobytes()).hexdigest()

    workers = [threading.Thread(target=speak, args=(at,)) for at in range(len(order))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [heard[at] for at in range(len(order))] == [*reversed(one), *one]


def test_the_bundled_model_draws_random_noise_until_rewritten():
    """What the rewrite fixes: the model as shipped gives another waveform on every call; rewritten, the same."""
    import onnx
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    path = bundled_voices()[BUNDLED_VOICE]
    config = PiperConfig.from_dict(json.loads(Path(f"{path}.json").read_text(encoding="utf-8")))
    model = onnx.load(path)
    assert random_nodes(model) == ["/dp/RandomNormalLike", "/RandomNormalLike"]
    ids = [1, 0, 20, 0, 59, 0, 120, 0, 39, 0, 2]  # phoneme ids of a short word

    def twice(graph: str | bytes) -> tuple[np.ndarray, np.ndarray]:
        session = onnxruntime.InferenceSession(graph, providers=["CPUExecutionProvider"])
        voice = PiperVoice(config=config, session=session)
        return voice.phoneme_ids_to_audio(ids), voice.phoneme_ids_to_audio(ids)

    first, second = twice(str(path))
    assert not np.array_equal(first, second)
    rewritten = seeded(model)
    assert rewritten is not None and rewritten.nodes == 2
    assert random_nodes(onnx.load_from_string(rewritten.model)) == []
    first, second = twice(rewritten.model)
    assert np.array_equal(first, second) and np.abs(first).max() > 0.05


def test_the_seeded_noise_is_standard_normal_and_uncorrelated():
    """On a graph of one RandomNormalLike: mean 0, variance 1, Irwin–Hall's kurtosis, no correlation between
    neighbouring samples, rows, or sentences one phoneme apart; mean and scale attributes kept."""
    from onnx import TensorProto, helper

    def graph(**attrs: float) -> bytes:
        body = helper.make_graph(
            [helper.make_node("RandomNormalLike", ["like"], ["noise"], dtype=TensorProto.FLOAT, **attrs)],
            "noise",
            [
                helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
                helper.make_tensor_value_info("like", TensorProto.FLOAT, [1, 192, None]),
            ],
            [helper.make_tensor_value_info("noise", TensorProto.FLOAT, [1, 192, None])],
        )
        model = helper.make_model(body, opset_imports=[helper.make_opsetid("", 15)])
        model.ir_version = 8
        rewritten = seeded(model)
        assert rewritten is not None
        return rewritten.model

    import onnxruntime

    session = onnxruntime.InferenceSession(graph(), providers=["CPUExecutionProvider"])
    like = np.zeros((1, 192, 1000), np.float32)
    ids = np.array([[1, 5, 20, 33, 0, 7, 2]], np.int64)
    noise = session.run(None, {"input": ids, "like": like})[0][0].astype(np.float64)
    z = noise.ravel()
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    kurtosis = ((z - z.mean()) ** 4).mean() / z.var() ** 2 - 3
    assert -0.15 < kurtosis < -0.05  # Irwin-Hall of 12: -0.1; a Gaussian's is 0
    assert abs(np.corrcoef(noise[:, :-1].ravel(), noise[:, 1:].ravel())[0, 1]) < 0.01
    assert abs(np.corrcoef(noise[:-1].ravel(), noise[1:].ravel())[0, 1]) < 0.01
    ids[0, 3] += 1
    other = session.run(None, {"input": ids, "like": like})[0][0].astype(np.float64)
    assert abs(np.corrcoef(z, other.ravel())[0, 1]) < 0.01
    shifted = onnxruntime.InferenceSession(graph(mean=2.0, scale=0.5), providers=["CPUExecutionProvider"])
    ids[0, 3] -= 1
    moved = shifted.run(None, {"input": ids, "like": like})[0][0].astype(np.float64)
    assert np.allclose(moved, 2.0 + 0.5 * noise, atol=1e-6)


def test_a_model_without_random_nodes_is_left_as_it_is():
    from onnx import TensorProto, helper

    body = helper.make_graph(
        [helper.make_node("Identity", ["input"], ["output"])],
        "plain",
        [helper.make_tensor_value_info("input", TensorProto.INT64, [1, None])],
        [helper.make_tensor_value_info("output", TensorProto.INT64, [1, None])],
    )
    model = helper.make_model(body)
    before = model.SerializeToString()
    assert seeded(model) is None
    assert model.SerializeToString() == before


def test_piper_takes_do_not_vary_and_their_key_names_the_noise(registry):
    voice = registry.resolve("en", VoiceSettings("piper", BUNDLED_VOICE), Path("."))
    assert not voice.can.takes_vary
    assert "noise=seeded-irwin-hall-1" in voice.identity
