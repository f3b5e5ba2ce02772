"""The take keys of the code as it is equal those of a known earlier version (issue 29's refactoring).

A take key names one recording in everybody's take cache. If a change to the code changed a key, every user
would record that sentence again (and pay an online voice for it). So the keys ``guide plan --json`` gives for
the sample and for a second script, offline and online, are compared with those the code of ``BASELINE`` gives
on the same machine and packages: its ``guide/`` is taken out of git and run in a subprocess in front of ours.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE_SCRIPT

BASELINE = "79584c595849ef676d96f23241fc94670ebf8e4e"
"""main before issue 29's refactoring (the take keys every user's cache holds)."""

pytestmark = pytest.mark.slow  # each case plans a script twice in a new process: 5-10 s

SECOND_SCRIPT = ROOT / "tests" / "data" / "keys" / "clinic.yaml"

RUN = "import sys; sys.path.insert(0, sys.argv.pop(1)); from guide.cli import main; main()"
"""Run guide's CLI with the `guide` package found first in the folder given as the first argument."""


@pytest.fixture(scope="module")
def baseline_code(tmp_path_factory) -> Path:
    """A folder holding BASELINE's ``guide/`` package (from git; skipped outside a clone, failed in CI)."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", BASELINE, "guide"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{BASELINE[:7]} is not in this checkout's git history: {exc}")
    folder = tmp_path_factory.mktemp("baseline")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        # The "data" filter refuses links and absolute paths; Python before 3.11.4 (Debian 12's) has none.
        tar.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return folder


def _keys(code: Path, script: Path, cache: Path, *, offline: bool) -> list[tuple[str, str, str]]:
    """(key, voice, text) of every take `guide plan --json` lists, run with the package in `code`."""
    cache.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GUIDE_CACHE_DIR": str(cache)}
    env.pop("GUIDE_OFFLINE", None)
    args = [sys.executable, "-c", RUN, str(code), "plan", str(script), "--json", "--cache-dir", str(cache)]
    if offline:
        args.append("--offline")
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600, cwd=cache)
    assert done.returncode == 0, done.stderr
    return [(take["key"], take["voice"], take["text"]) for take in json.loads(done.stdout)["record"]]


@pytest.mark.parametrize("script", [SAMPLE_SCRIPT, SECOND_SCRIPT], ids=["sample", "second"])
@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_take_keys_are_those_of_the_baseline(baseline_code, script, offline, tmp_path):
    """Every key the baseline's, but Piper's: issue 31 changed those once, on purpose. Piper's noise became a
    function of the sentence (guide/engines/piper_noise.py), so a take recorded before it (random noise) must not
    be mixed with those recorded after (``noise=…`` in the voice's identity)."""
    ours = _keys(ROOT, script, tmp_path / "ours", offline=offline)
    theirs = _keys(baseline_code, script, tmp_path / "theirs", offline=offline)
    assert len(ours) > 30
    assert [(voice, text) for _, voice, text in ours] == [(voice, text) for _, voice, text in theirs]
    piper = [
        (key, old) for (key, voice, _), (old, _, _) in zip(ours, theirs, strict=True) if voice.startswith("piper:")
    ]
    others = [
        (key, old) for (key, voice, _), (old, _, _) in zip(ours, theirs, strict=True) if not voice.startswith("piper:")
    ]
    assert [key for key, _ in others] == [old for _, old in others]
    assert all(key != old for key, old in piper)
    assert len(piper) > 30 if script == SAMPLE_SCRIPT else piper == []


def test_the_comparison_sees_a_changed_key(baseline_code, tmp_path):
    """The baseline really runs its own code: a changed take format there gives other keys than ours."""
    planner = baseline_code / "guide" / "planner.py"
    changed = tmp_path / "changed"
    shutil.copytree(baseline_code, changed)
    text = (changed / "guide" / "planner.py").read_text(encoding="utf-8")
    (changed / "guide" / "planner.py").write_text(text.replace('; v1"', '; v2"'), encoding="utf-8")
    assert planner.read_text(encoding="utf-8") != (changed / "guide" / "planner.py").read_text(encoding="utf-8")
    ours = _keys(ROOT, SECOND_SCRIPT, tmp_path / "ours", offline=True)
    theirs = _keys(changed, SECOND_SCRIPT, tmp_path / "theirs", offline=True)
    assert [k for k, _, _ in ours] != [k for k, _, _ in theirs]
    assert [t for _, _, t in ours] == [t for _, _, t in theirs]
