"""One known ffmpeg: the bundled one whatever is on PATH; a chosen one checked before recording;
failures that name the step, the file and the binary. Every ffmpeg here runs for real; the
"broken" ones are small shell scripts a user might point GUIDE_FFMPEG at, wrapping the real binary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from guide.audio import ffmpeg as ff
from guide.audio.loudness import ebur128, measure
from guide.errors import AudioError

from .test_disk import run_guide

TINY = """\
id: tiny
title: {en: "Tiny"}
languages: [en]
voices: {en: {engine: espeak, voice: en}}
intro: {en: "Welcome to the tiny guide. It has two sentences."}
outro: {en: "Thank you for listening."}
"""

DEBIAN_FFMPEG = Path("/usr/bin/ffmpeg")


pytestmark = pytest.mark.usefixtures("fresh_ffmpeg")


def wrapper(folder: Path, name: str, refuse: str, said: str) -> Path:
    """An ffmpeg that is the bundled one, except that it fails, saying `said`, when an argument matches `refuse`."""
    path = folder / name
    path.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do case "$a" in '
        + refuse
        + ') echo "'
        + said
        + "\" >&2; echo 'Conversion failed!' >&2; exit 1;; esac; done\n"
        f'exec "{ff.bundled_path()}" "$@"\n'
    )
    path.chmod(0o755)
    return path


def tiny(tmp_path: Path) -> Path:
    script = tmp_path / "tiny.yaml"
    script.write_text(TINY, encoding="utf-8")
    return script


def build_args(tmp_path: Path) -> list[str]:
    return ["build", "tiny.yaml", "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"), "-j", "1"]


def takes_in(cache: Path) -> list[Path]:
    return list(cache.rglob("*.wav")) if cache.exists() else []


def test_the_bundled_ffmpeg_is_used_by_default_and_is_not_on_path():
    used = ff.ffmpeg()
    assert used.bundled and "imageio_ffmpeg" in used.path
    assert used.version and used.version[0].isalnum()
    assert ff.ffmpeg_exe() == used.path


def test_an_ffmpeg_first_on_path_is_never_run(tmp_path, monkeypatch):
    """Debian's ffmpeg (or any) first on PATH: the build runs the bundled one, exactly as without it."""
    tiny(tmp_path)
    trap = tmp_path / "bin"
    trap.mkdir()
    marker = tmp_path / "ran"
    (trap / "ffmpeg").write_text(f"#!/bin/sh\ntouch {marker}\necho 'the ffmpeg on PATH ran' >&2\nexit 1\n")
    (trap / "ffmpeg").chmod(0o755)
    monkeypatch.setenv("PATH", f"{trap}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(trap / "ffmpeg"))  # imageio-ffmpeg's own override is not ours either
    done = run_guide(*build_args(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    manifest = json.loads((tmp_path / "out" / "tiny" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ffmpeg"] == {"version": ff.ffmpeg().version, "bundled": True}
    assert {t["recipe"]["encoder"] for t in manifest["languages"]["en"]["tracks"]} == {ff.ffmpeg().version}


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "not an executable file"),
        ("#!/bin/sh\necho 'segmentation fault' >&2\nexit 139\n", "is not a working ffmpeg (segmentation fault)"),
        ("#!/bin/sh\necho 'sox version 14'\n", "is not a working ffmpeg"),
    ],
    ids=["missing", "crashes", "not-ffmpeg"],
)
def test_a_chosen_ffmpeg_that_does_not_run_stops_the_build_before_recording(tmp_path, monkeypatch, content, expected):
    tiny(tmp_path)
    chosen = tmp_path / "my-ffmpeg"
    if content is not None:
        chosen.write_text(content)
        chosen.chmod(0o755)
    monkeypatch.setenv(ff.FFMPEG_ENV, str(chosen))
    done = run_guide(*build_args(tmp_path), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "unset GUIDE_FFMPEG" in done.stderr
    assert "Traceback" not in done.stderr
    assert takes_in(tmp_path / "cache") == [] and not (tmp_path / "out").exists()


@pytest.mark.parametrize("how", ["env", "option"])
def test_a_chosen_ffmpeg_missing_a_filter_is_named_before_recording(tmp_path, monkeypatch, how):
    tiny(tmp_path)
    chosen = wrapper(tmp_path, "old-ffmpeg", "*alimiter*", "[AVFilterGraph @ 0x5a] No such filter: 'alimiter'")
    if how == "env":
        monkeypatch.setenv(ff.FFMPEG_ENV, str(chosen))
        done = run_guide(*build_args(tmp_path), cwd=tmp_path)
    else:
        done = run_guide("--ffmpeg", str(chosen), *build_args(tmp_path), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "cannot do everything guide needs" in done.stderr
    assert (
        "✗ alimiter filter (limit, level, attack, release, latency): [AVFilterGraph] "
        "No such filter: 'alimiter' / Conversion failed!" in done.stderr
    )
    assert "✗ volume" not in done.stderr and "✗ libmp3lame" not in done.stderr  # only what is missing
    assert "unset GUIDE_FFMPEG" in done.stderr and "Traceback" not in done.stderr
    assert takes_in(tmp_path / "cache") == [] and not (tmp_path / "out").exists()


def test_probe_of_the_bundled_ffmpeg_finds_everything():
    found = ff.probe()
    assert [c.name for c in found if not c.ok] == []
    names = " ".join(c.name for c in found)
    for needed in (
        "ebur128",
        "true-peak",
        "volume",
        "acompressor",
        "alimiter",
        "aresample",
        "atempo",
        "libmp3lame",
        "wav",
        "mp3 decoder",
    ):
        assert needed in names


def test_probe_names_each_missing_capability(tmp_path):
    chosen = wrapper(tmp_path, "no-lame", "libmp3lame", "Unknown encoder 'libmp3lame'")
    found = {c.name: c for c in ff.probe(str(chosen))}
    failed = sorted(name for name, c in found.items() if not c.ok)
    # Without an encoder there is no MP3 to decode either, and the probe says why.
    assert failed == ["libmp3lame encoder and mp3 format", "mp3 decoder"]
    assert "Unknown encoder 'libmp3lame'" in found["libmp3lame encoder and mp3 format"].said
    assert "encoder failed" in found["mp3 decoder"].said


def test_a_failure_while_encoding_names_the_step_the_file_and_the_binary(tmp_path, monkeypatch):
    """The probes pass (they encode to a pipe); encoding a real file then fails as a full disk or bad build would."""
    tiny(tmp_path)
    chosen = wrapper(tmp_path, "flaky-ffmpeg", "*.part", "Error opening output file: Input/output error")
    monkeypatch.setenv(ff.FFMPEG_ENV, str(chosen))
    done = run_guide(*build_args(tmp_path), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Error: ffmpeg failed while encoding en/" in done.stderr
    assert "Error opening output file: Input/output error / Conversion failed!" in done.stderr
    assert f"ffmpeg used: ffmpeg {ff.ffmpeg().version} (chosen with GUIDE_FFMPEG or --ffmpeg: {chosen})" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "tiny" / "manifest.json").exists()
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".part")]


def test_a_failure_while_measuring_names_the_file_it_was_for():
    tone = (np.sin(np.arange(44100) * 0.06) * 8000).astype(np.int16)
    with pytest.raises(AudioError) as caught:
        measure([tone], 44100, chain="nosuchfilter=1", name="ar/03-benefits.mp3")
    message = caught.value.message
    assert message.startswith("ffmpeg failed while measuring the loudness of ar/03-benefits.mp3: ")
    assert "[AVFilterGraph] No option name near '1' / Error opening output files: Invalid argument" in message
    assert f"ffmpeg used: ffmpeg {ff.ffmpeg().version} (bundled with imageio-ffmpeg: {ff.bundled_path()})" in message


def system_ffmpeg() -> Path | None:
    found = shutil.which("ffmpeg", path="/usr/bin:/usr/local/bin")
    if found and Path(found).resolve() != Path(ff.bundled_path()).resolve():
        return Path(found)
    return None


needs_system_ffmpeg = pytest.mark.skipif(
    system_ffmpeg() is None, reason="no system ffmpeg (Debian's is installed by .ci/run's second machine shape)"
)


@needs_system_ffmpeg
def test_debians_ffmpeg_can_do_everything_guide_needs():
    found = ff.probe(str(system_ffmpeg()))
    assert [f"{c.name}: {c.said}" for c in found if not c.ok] == []


@needs_system_ffmpeg
@pytest.mark.slow
def test_a_build_with_debians_ffmpeg_chosen_matches_the_bundled_one(tmp_path, monkeypatch):
    """Chosen explicitly, the system ffmpeg (5.1 on Debian 12) builds, to the same loudness;
    going back to the bundled one re-encodes every file, saying why."""
    tiny(tmp_path)
    bundled = run_guide(*build_args(tmp_path), cwd=tmp_path)
    assert bundled.returncode == 0, bundled.stderr
    first = {p.name: ebur128(str(p)) for p in (tmp_path / "out" / "tiny" / "en").glob("*.mp3")}

    chosen = system_ffmpeg()
    monkeypatch.setenv(ff.FFMPEG_ENV, str(chosen))
    planned = run_guide(
        "plan", "tiny.yaml", "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"), cwd=tmp_path
    )
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.count("ffmpeg changed") == len(first)
    done = run_guide(*build_args(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "out" / "tiny" / "manifest.json").read_text(encoding="utf-8"))
    version = subprocess.run([str(chosen), "-version"], capture_output=True, text=True, check=True).stdout.split()[2]
    assert manifest["ffmpeg"] == {"version": version, "bundled": False}
    second = {p.name: ebur128(str(p)) for p in (tmp_path / "out" / "tiny" / "en").glob("*.mp3")}
    assert second.keys() == first.keys()
    for name, (loudness, peak) in second.items():
        assert abs(loudness - first[name][0]) <= 0.5, name
        assert peak <= -1.0, name
