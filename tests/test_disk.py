"""Disk faults: a full disk, a file size limit, read-only output and cache folders.

Each fault is met by a real `guide build` process; afterwards every published file is
byte-identical, no temporary file or staging folder is left, every take in the cache
is whole, and the next build without the fault succeeds.
"""

from __future__ import annotations

import functools
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NOBODY = 65534
AS_ROOT = os.geteuid() == 0


def run_guide(*args: str, cwd: Path, fsize: int | None = None, as_nobody: bool = False, timeout: float = 600):
    """`guide ARGS` in a new process: with a file size limit (``ulimit -f``, SIGXFSZ ignored so
    writes past it fail with EFBIG, in ffmpeg too) and/or as user nobody."""

    def setup() -> None:  # runs in the child, before exec
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if as_nobody:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    env = {**os.environ, "HOME": str(cwd), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("GUIDE_CACHE_DIR", None)  # every call names its --cache-dir
    return subprocess.run(
        [sys.executable, "-c", "from guide.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=setup,
        check=False,
    )


@functools.lru_cache(maxsize=1)
def nobody_reason() -> str | None:
    """Why a process cannot be run as nobody here, or None when it can."""
    if not AS_ROOT:
        return "not root: cannot switch to user nobody"
    try:
        done = run_guide("--version", cwd=Path("/"), as_nobody=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"cannot run guide as user nobody: {exc}"
    if done.returncode != 0:
        return f"guide does not run as user nobody: {done.stderr.strip()[-200:]}"
    return None


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links not followed) with its SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def leftovers(*folders: Path) -> list[str]:
    return [
        str(p)
        for folder in folders
        for p in folder.rglob("*")
        if p.name.endswith(".part") or p.name.startswith(".staging-")
    ]


def assert_whole_takes(cache: Path) -> None:
    """Every take opens as WAV and holds the frames its header claims; nothing half-written."""
    assert not leftovers(cache)
    takes = list(cache.rglob("*.wav"))
    assert takes
    for path in takes:
        with wave.open(str(path), "rb") as wav:
            frames = wav.getnframes()
            assert frames > 1000 and len(wav.readframes(frames)) == frames * wav.getsampwidth(), path


def chown_tree(root: Path, uid: int) -> None:
    os.chown(root, uid, uid)
    for path in root.rglob("*"):
        os.chown(path, uid, uid, follow_symlinks=False)


def set_dir_modes(root: Path, mode: int) -> None:
    for path in [root, *root.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(mode)


@pytest.fixture
def template(small_build):
    """The small script built once per session (conftest), to copy per test."""
    return small_build


@pytest.fixture
def world(tmp_path, template):
    """A copy of the built template in a folder the build process can use, as nobody when we are root.

    As root, tmp_path lies under pytest's private (0700) folder, which nobody cannot enter,
    so the copy goes to a fresh folder under the system temporary folder instead.
    """
    if AS_ROOT:
        base = Path(tempfile.mkdtemp(prefix="guide-disk-"))
        base.chmod(0o755)
    else:
        base = tmp_path / "world"
        base.mkdir()
    for name in ("out", "cache", "small.yaml"):
        source = template / name
        if source.is_dir():
            shutil.copytree(source, base / name, symlinks=True)
        else:
            shutil.copy2(source, base / name)
    try:
        yield base
    finally:
        set_dir_modes(base, 0o755)
        if AS_ROOT:
            shutil.rmtree(base, ignore_errors=True)


def build_args(world: Path, *extra: str) -> tuple[str, ...]:
    return (
        "build",
        "small.yaml",
        "--out",
        str(world / "out"),
        "--cache-dir",
        str(world / "cache"),
        "--jobs",
        "1",
        *extra,
    )


def edit(world: Path, old: str, new: str) -> None:
    script = world / "small.yaml"
    text = script.read_text(encoding="utf-8")
    assert old in text
    script.write_text(text.replace(old, new), encoding="utf-8")


def assert_clear_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "Error: cannot write" in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


@pytest.mark.slow
def test_file_size_limit_while_encoding_leaves_published_files_unchanged(world):
    out, cache = world / "out", world / "cache"
    before_out, before_cache = snapshot(out), snapshot(cache)
    edit(world, '"Thank you."', '"Thank you all."')
    # 150 kB: the new take (about 1 s, 90 kB) is stored; the full English guide (about 290 kB) is not.
    done = run_guide(*build_args(world), cwd=world, fsize=150_000)
    assert_clear_error(done, "File too large", str(out / "small-guide" / "en" / "small-guide.en.mp3"))
    assert snapshot(out) == before_out
    assert not leftovers(out)
    assert_whole_takes(cache)
    after_cache = snapshot(cache)
    assert set(before_cache) < set(after_cache)  # the take recorded before the failure is kept
    assert all(after_cache[name] == digest for name, digest in before_cache.items())

    again = run_guide(*build_args(world), cwd=world)
    assert again.returncode == 0, again.stderr
    assert "0 takes recorded" in again.stdout  # the kept take is reused
    assert not leftovers(out, cache)
    changed = {name for name, digest in snapshot(out).items() if before_out.get(name) != digest}
    assert "small-guide/en/small-guide.en.mp3" in changed and "small-guide/en/03-outro.mp3" in changed


@pytest.mark.slow
def test_file_size_limit_while_storing_a_take_leaves_no_half_take(world):
    out, cache = world / "out", world / "cache"
    before_out, before_cache = snapshot(out), snapshot(cache)
    edit(world, '"Thank you."', '"Thank you all."')
    done = run_guide(*build_args(world), cwd=world, fsize=20_000)  # every take is larger
    assert_clear_error(done, "File too large", str(cache / "takes"))
    assert snapshot(out) == before_out and snapshot(cache) == before_cache
    assert not leftovers(out)
    assert_whole_takes(cache)

    again = run_guide(*build_args(world), cwd=world)
    assert again.returncode == 0, again.stderr
    assert "1 take recorded" in again.stdout
    assert not leftovers(out, cache)
    assert_whole_takes(cache)


@pytest.fixture
def small_disk(world):
    """A 4 MB tmpfs mounted in `world` (root only, where mounting is permitted)."""
    if not AS_ROOT:
        pytest.skip("mounting a small tmpfs needs root; the file size limit tests cover a full disk")
    disk = world / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill `disk` with one file until only about `leave` bytes are free."""
    space = os.statvfs(disk)
    free = space.f_bfree * space.f_frsize
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, free - leave))
    return filler


@pytest.mark.slow
def test_full_disk_under_the_output_folder(world, small_disk):
    out = small_disk / "out"
    shutil.copytree(world / "out", out)
    before = snapshot(out)
    filler = fill(small_disk, 100_000)
    edit(world, '"Thank you."', '"Thank you all."')
    args = ("build", "small.yaml", "--out", str(out), "--cache-dir", str(world / "cache"), "--jobs", "1")
    done = run_guide(*args, cwd=world)
    assert_clear_error(done, "No space left on device")
    assert snapshot(out) == before
    assert not leftovers(out)
    assert_whole_takes(world / "cache")

    filler.unlink()
    again = run_guide(*args, cwd=world)
    assert again.returncode == 0, again.stderr
    assert not leftovers(out)


@pytest.mark.slow
def test_full_disk_under_the_cache(world, small_disk):
    cache = small_disk / "cache"
    shutil.copytree(world / "cache", cache)
    before_out, before_cache = snapshot(world / "out"), snapshot(cache)
    filler = fill(small_disk, 20_000)  # less than any take
    edit(world, '"Thank you."', '"Thank you all."')
    args = ("build", "small.yaml", "--out", str(world / "out"), "--cache-dir", str(cache), "--jobs", "1")
    done = run_guide(*args, cwd=world)
    assert_clear_error(done, "No space left on device", str(cache / "takes"))
    assert snapshot(world / "out") == before_out and snapshot(cache) == before_cache
    assert not leftovers(cache, world / "out")

    filler.unlink()
    again = run_guide(*args, cwd=world)
    assert again.returncode == 0, again.stderr
    assert_whole_takes(cache)


@contextmanager
def read_only(folder: Path, world: Path) -> Iterator[tuple[bool, str]]:
    """Make `folder` read-only for the next build; yields (run it as nobody, the error expected).

    Not root: chmod. Root ignores permission bits, so either the build runs as user
    nobody (owning `world`), or, where nobody cannot run this Python, `folder` becomes
    a read-only bind mount; when neither is possible the test is skipped, saying why.
    """
    if not AS_ROOT:
        set_dir_modes(folder, 0o555)
        try:
            yield False, "Permission denied"
        finally:
            set_dir_modes(folder, 0o755)
        return
    reason = nobody_reason()
    if reason is None:
        chown_tree(world, NOBODY)
        set_dir_modes(folder, 0o555)
        try:
            yield True, "Permission denied"
        finally:
            set_dir_modes(folder, 0o755)
        return
    bound = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, text=True, check=False)
    if bound.returncode != 0:
        pytest.skip(f"{reason}; and cannot bind-mount: {bound.stderr.strip()}")
    try:
        remounted = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True, text=True, check=False
        )
        if remounted.returncode != 0:
            pytest.skip(f"{reason}; and cannot remount read-only: {remounted.stderr.strip()}")
        yield False, "Read-only file system"
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.slow
def test_read_only_guide_folder(world):
    out, cache = world / "out", world / "cache"
    folder = out / "small-guide"
    before_out, before_cache = snapshot(out), snapshot(cache)
    edit(world, '"Thank you."', '"Thank you all."')
    with read_only(folder, world) as (as_nobody, expected):
        done = run_guide(*build_args(world), cwd=world, as_nobody=as_nobody)
    assert_clear_error(done, expected, str(folder))
    assert snapshot(out) == before_out
    assert snapshot(cache) == before_cache  # refused before anything was recorded
    assert not leftovers(out)

    again = run_guide(*build_args(world), cwd=world, as_nobody=as_nobody)
    assert again.returncode == 0, again.stderr
    assert not leftovers(out, cache)


@pytest.mark.slow
def test_read_only_out_folder_is_refused_before_recording(world):
    out, cache = world / "empty-out", world / "cache"
    out.mkdir()
    before_cache = snapshot(cache)
    edit(world, '"Thank you."', '"Thank you all."')  # a take to record, were the build to start
    args = ("build", "small.yaml", "--out", str(out), "--cache-dir", str(cache), "--jobs", "1")
    with read_only(out, world) as (as_nobody, expected):
        done = run_guide(*args, cwd=world, as_nobody=as_nobody)
    assert_clear_error(done, expected, str(out / "small-guide"))
    assert list(out.iterdir()) == [] and snapshot(cache) == before_cache


@pytest.mark.slow
def test_read_only_cache_folder(world):
    out, cache = world / "out", world / "cache"
    before_out, before_cache = snapshot(out), snapshot(cache)
    edit(world, '"Thank you."', '"Thank you all."')
    with read_only(cache, world) as (as_nobody, expected):
        done = run_guide(*build_args(world), cwd=world, as_nobody=as_nobody)
        assert_clear_error(done, expected, str(cache))
        assert snapshot(out) == before_out and snapshot(cache) == before_cache
        assert not leftovers(out, cache)

        # A read-only cache that holds every take needed is enough to build.
        edit(world, '"Thank you all."', '"Thank you."')
        (out / "small-guide" / "en" / "03-outro.mp3").unlink()
        rebuilt = run_guide(*build_args(world), cwd=world, as_nobody=as_nobody)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "0 takes recorded" in rebuilt.stdout
