"""Paths: nothing is written outside the output and cache folders, whatever is planted there.

The rule (guide/safe_files.py): the folders the user gives (``--out``, the guide
folder ``<out>/<id>``, the cache folder) may be symbolic links; below them guide
follows no link. A link where guide needs a folder is an error before anything is
recorded; a link where guide writes a file is replaced by the file, never written
through and never read as guide's own.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from guide import builder
from guide.cache import TakeCache
from guide.cli import main
from guide.errors import InputError, OutputError
from guide.safe_files import (
    file_sha256,
    remove_leftovers,
    safe_child,
    sha256_of,
    write_text,
)
from guide.settings import RunSettings

from .conftest import SMALL_SCRIPT
from .test_disk import AS_ROOT, nobody_reason, run_guide

KEY = "ab" + "0" * 62


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def tree(root: Path) -> dict[str, str]:
    """Every entry under `root` (links not followed): files by content hash, links by target."""
    found = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[name] = "dir"
    return found


def recordings(cache: Path) -> dict[str, str]:
    """The takes and encoded pieces in `cache` (the planner's notes beside them may change)."""
    return {name: value for name, value in tree(cache).items() if name.startswith(("takes", "pieces"))}


# -- the helpers ---------------------------------------------------------------
@pytest.mark.parametrize("relative", ["../x", "en/../../x", "/etc/passwd", ""])
def test_safe_child_refuses_paths_that_leave_the_root(tmp_path, relative):
    with pytest.raises(OutputError, match="not a path inside"):
        safe_child(tmp_path, relative)


def test_safe_child_follows_no_link_below_the_root(tmp_path):
    outside, real = tmp_path / "outside", tmp_path / "real"
    outside.mkdir()
    real.mkdir()
    root = tmp_path / "root"
    root.symlink_to(real)  # the root is the user's: a link is fine
    assert safe_child(root, "en/a.mp3", mkdir=True) == root / "en" / "a.mp3"
    assert (real / "en").is_dir() and not (real / "en").is_symlink()
    (root / "ar").symlink_to(outside)
    with pytest.raises(OutputError) as caught:
        safe_child(root, "ar/a.mp3", mkdir=True)
    assert caught.value.message == (
        f"{root / 'ar'}: is a symbolic link to {outside}; guide writes only inside {root} "
        f"and follows no link there; remove it"
    )
    with pytest.raises(OutputError, match="is a symbolic link"):
        safe_child(root, "ar", folder=True)
    (root / "en" / "b.mp3").symlink_to(outside / "b.mp3")
    assert safe_child(root, "en/b.mp3") == root / "en" / "b.mp3"  # a link in place of a file: writers replace it
    assert list(outside.iterdir()) == []


def test_writes_replace_a_link_and_never_write_through_it(tmp_path):
    root, outside = tmp_path / "guide", tmp_path / "outside"
    (root / "en").mkdir(parents=True)
    outside.mkdir()
    precious = outside / "precious.txt"
    precious.write_text("precious")
    (root / "en" / "a.txt").symlink_to(precious)
    (root / "en" / "b.txt").symlink_to(outside / "not-yet.txt")  # dangling: must not create its target
    write_text(root / "en" / "a.txt", "new", root=root)
    write_text(root / "en" / "b.txt", "new", root=root)
    write_text(root / "manifest.json", "{}")  # no root: a direct child, the rename alone protects it
    assert precious.read_text() == "precious" and not (outside / "not-yet.txt").exists()
    for name in ("a.txt", "b.txt"):
        assert not (root / "en" / name).is_symlink() and (root / "en" / name).read_text() == "new"
    (root / "ar").symlink_to(outside)
    with pytest.raises(OutputError, match="is a symbolic link"):
        write_text(root / "ar" / "c.txt", "new", root=root)
    with pytest.raises(OutputError, match="not inside"):
        write_text(tmp_path / "elsewhere.txt", "new", root=root)
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


def test_remove_leftovers_follows_no_link(tmp_path):
    root, outside = tmp_path / "guide", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    dead = 999999
    decoy = outside / f".00-intro.mp3.{dead}.abc.part"  # looks like a leftover, but is not ours
    decoy.write_bytes(b"theirs")
    (root / f".x.mp3.{dead}.q.part").symlink_to(decoy)  # a leftover's name that is a link: removed as a link
    (root / f".staging-{dead}-xyz").symlink_to(outside)
    assert remove_leftovers(root) == 2
    assert list(root.iterdir()) == [] and decoy.read_bytes() == b"theirs"
    (root / "en").symlink_to(outside)
    with pytest.raises(OutputError, match="is a symbolic link"):
        remove_leftovers(root)
    assert decoy.read_bytes() == b"theirs"


def test_output_hashes_ignore_links_input_hashes_follow_them(tmp_path):
    real = tmp_path / "real.mp3"
    real.write_bytes(b"audio")
    link = tmp_path / "link.mp3"
    link.symlink_to(real)
    assert sha256_of(real) == hashlib.sha256(b"audio").hexdigest()
    assert sha256_of(link) is None  # a planted output counts as missing: rebuilt and replaced
    assert sha256_of(tmp_path) is None and sha256_of(tmp_path / "none") is None
    assert file_sha256(link) == sha256_of(real)  # a voice or cover may be a link: it is the user's


def tone_wav(path: Path) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes((np.sin(np.arange(44100) / 5) * 20000).astype("<i2").tobytes())


def test_take_cache_never_reads_or_writes_through_links(tmp_path):
    cache_folder, outside = tmp_path / "cache", tmp_path / "outside"
    outside.mkdir()
    injected = outside / "injected.wav"
    tone_wav(injected)
    before = injected.read_bytes()
    cache = TakeCache(cache_folder)
    slot = cache_folder / "takes" / KEY[:2] / f"{KEY}.wav"
    slot.parent.mkdir(parents=True)
    slot.symlink_to(injected)
    assert not cache.has(KEY)  # not a take: it will be recorded again
    with pytest.raises(OutputError, match="is a symbolic link"):
        cache.load(KEY)
    with pytest.raises(OutputError, match="is a symbolic link"):
        cache.frames(KEY)
    cache.store(KEY, np.zeros(500, dtype=np.int16))
    assert not slot.is_symlink() and cache.frames(KEY) == 500 and cache.has(KEY)
    assert injected.read_bytes() == before

    other = "cd" + "1" * 62
    (cache_folder / "takes" / "cd").symlink_to(outside)
    shutil.copy(injected, outside / f"{other}.wav")
    with pytest.raises(OutputError, match="is a symbolic link"):
        cache.store(other, np.zeros(500, dtype=np.int16))
    with pytest.raises(OutputError, match="is a symbolic link"):
        cache.has(other)
    with pytest.raises(OutputError, match="is a symbolic link"):
        cache.remove_leftovers()
    with pytest.raises(OutputError, match="is a symbolic link"):
        cache.prune(set())
    assert sorted(p.name for p in outside.iterdir()) == sorted(["injected.wav", f"{other}.wav"])

    (cache_folder / "takes" / "cd").unlink()
    removed, _ = cache.prune(set())
    assert removed == 1 and not slot.exists()
    assert injected.read_bytes() == before

    moved = tmp_path / "cache2"
    (moved).mkdir()
    (moved / "takes").symlink_to(outside)
    with pytest.raises(OutputError, match="is a symbolic link"):
        TakeCache(moved).store(KEY, np.zeros(10, dtype=np.int16))
    with pytest.raises(OutputError, match="is a symbolic link"):
        TakeCache(moved).info()


def test_take_cache_may_itself_be_a_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "cache").symlink_to(real)
    cache = TakeCache(tmp_path / "cache")
    cache.store(KEY, np.zeros(10, dtype=np.int16))
    assert (real / "takes" / "ab" / f"{KEY}.wav").is_file() and cache.info().takes == 1


def test_take_keys_are_file_names(tmp_path):
    for key in ("../../x", "ab/../../x", "/etc/x", ".hidden"):
        with pytest.raises(ValueError):
            TakeCache(tmp_path).path(key)


def test_take_cache_cannot_be_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        TakeCache(tmp_path / "file")
    with pytest.raises(InputError, match="lies under"):
        TakeCache(tmp_path / "file" / "sub")


# -- inputs and options, end to end: refused before anything is recorded --------
@pytest.mark.parametrize(
    "change",
    [
        ("id: small-guide", "id: ../../escape"),
        ("id: small-guide", "id: /tmp/escape"),
        ("id: small-guide", "id: .."),
        ("id: how-long", "id: ../../escape"),
        ("id: care", "id: /tmp/escape"),
    ],
    ids=["id-climbs", "id-absolute", "id-dotdot", "item-climbs", "item-absolute"],
)
def test_unsafe_ids_write_nothing(tmp_path, private_cache, change):
    script = tmp_path / "work" / "deep" / "small.yaml"
    script.parent.mkdir(parents=True)
    script.write_text(SMALL_SCRIPT.replace(*change), encoding="utf-8")
    before = tree(tmp_path)
    result = cli("build", str(script), "--out", str(tmp_path / "work" / "deep" / "out"))
    assert result.exit_code == 2, result.output
    assert "is not a safe id" in result.output
    assert tree(tmp_path) == before
    assert not (Path("/tmp") / "escape").exists()
    assert list(private_cache.rglob("*.wav")) == []


def test_out_that_is_a_file_or_under_a_file(tmp_path, small_script, private_cache):
    (tmp_path / "file").write_text("not a folder")
    result = cli("build", str(small_script), "--out", str(tmp_path / "file"))
    assert result.exit_code == 2 and "is a file" in result.output
    result = cli("build", str(small_script), "--out", str(tmp_path / "file" / "sub"))
    assert result.exit_code == 1 and "cannot write" in result.output and "Not a directory" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "file").read_text() == "not a folder"
    assert list(private_cache.rglob("*.wav")) == []  # refused before anything was recorded


def test_cache_that_is_a_file_or_under_a_file(tmp_path, small_script):
    (tmp_path / "file").write_text("not a folder")
    out = tmp_path / "out"
    result = cli("build", str(small_script), "--out", str(out), "--cache-dir", str(tmp_path / "file"))
    assert result.exit_code == 2 and "is a file" in result.output
    for given in (tmp_path / "file", tmp_path / "file" / "sub"):
        result = cli("build", str(small_script), "--out", str(out), env={"GUIDE_CACHE_DIR": str(given)})
        assert result.exit_code == 2, result.output
        assert f"the take cache {given}" in result.output and "choose a folder" in result.output
    result = cli("build", str(small_script), "--out", str(out), "--cache-dir", str(tmp_path / "file" / "sub"))
    assert result.exit_code == 2 and "lies under" in result.output
    assert not out.exists() and (tmp_path / "file").read_text() == "not a folder"


@pytest.mark.parametrize(
    "addition, named",
    [
        ("cover: cover.png\n", "cover"),
        ("music: {file: jingle.mp3}\n", "music.file"),
        ("lexicon_file: words.yaml\n", "lexicon_file"),
    ],
)
def test_missing_inputs_are_refused_before_recording(tmp_path, write_script, private_cache, addition, named):
    script = write_script(SMALL_SCRIPT + addition, "small.yaml")
    result = cli("build", str(script), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert f"{named}: no such file" in result.output
    assert not (tmp_path / "out").exists() and list(private_cache.rglob("*.wav")) == []


def test_missing_voices_dir_is_refused(tmp_path, small_script, private_cache):
    result = cli(
        "build", str(small_script), "--out", str(tmp_path / "out"), "--voices-dir", str(tmp_path / "no-such-folder")
    )
    assert result.exit_code == 2, result.output
    assert "no-such-folder" in result.output and "does not exist" in result.output
    assert not (tmp_path / "out").exists() and list(private_cache.rglob("*.wav")) == []


@pytest.fixture
def shared(tmp_path):
    """A folder a process run as nobody can use (as root, tmp_path's parents are private)."""
    if not AS_ROOT:
        yield tmp_path
        return
    reason = nobody_reason()
    if reason:
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="guide-paths-"))
    base.chmod(0o777)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize(
    "addition, name, named",
    [
        ("cover: cover.png\n", "cover.png", "cover"),
        ("music: {file: jingle.mp3}\n", "jingle.mp3", "music.file"),
        ("lexicon_file: words.yaml\n", "words.yaml", "lexicon_file"),
    ],
)
def test_unreadable_inputs_are_refused_before_recording(shared, addition, name, named):
    (shared / "small.yaml").write_text(SMALL_SCRIPT + addition, encoding="utf-8")
    (shared / name).write_bytes(b"\x89PNG\r\n\x1a\n" if name.endswith(".png") else b"")
    (shared / name).chmod(0)
    (shared / "small.yaml").chmod(0o644)
    done = run_guide(
        "build",
        "small.yaml",
        "--out",
        str(shared / "out"),
        "--cache-dir",
        str(shared / "cache"),
        cwd=shared,
        as_nobody=AS_ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert f"{named}: cannot read" in done.stderr and "Permission denied" in done.stderr
    assert not (shared / "out").exists() and not (shared / "cache").exists()


# -- planted links, end to end -------------------------------------------------
@pytest.fixture
def template(small_build):
    """The small script built once per session (conftest), to copy per test."""
    return small_build


@pytest.fixture
def built(tmp_path, template):
    """(script, out, cache, CLI arguments, outside folder) with a built guide, copied from the template."""
    for name in ("out", "cache"):
        shutil.copytree(template / name, tmp_path / name, symlinks=True)
    shutil.copy2(template / "small.yaml", tmp_path / "small.yaml")
    outside = tmp_path / "outside"
    outside.mkdir()
    out, cache = tmp_path / "out", tmp_path / "cache"
    return tmp_path / "small.yaml", out, cache, ("--out", str(out), "--cache-dir", str(cache), "--jobs", "1"), outside


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_linked_language_folder_is_refused_before_recording(built, lang):
    script, out, cache, args, outside = built
    folder = out / "small-guide"
    shutil.move(folder / lang, outside / lang)
    (folder / lang).symlink_to(outside / lang)
    (outside / lang / "01-care.mp3").unlink()  # a file the build would write through the link
    before_outside, before_cache = tree(outside), recordings(cache)
    script.write_text(SMALL_SCRIPT.replace("Thank you.", "Thank you all."), encoding="utf-8")
    result = cli("build", str(script), *args)
    assert result.exit_code == 1, result.output
    assert f"{folder / lang}: is a symbolic link to {outside / lang}" in result.output and "remove it" in result.output
    assert tree(outside) == before_outside
    assert recordings(cache) == before_cache  # nothing recorded


@pytest.mark.slow
def test_dangling_language_link_is_refused(built):
    script, out, _, args, outside = built
    folder = out / "small-guide"
    shutil.rmtree(folder / "en")
    (folder / "en").symlink_to(outside / "en")  # points nowhere yet: following it would create outside/en
    result = cli("build", str(script), *args)
    assert result.exit_code == 1, result.output
    assert not (outside / "en").exists()
    assert f"{folder / 'en'}: is a symbolic link to {outside / 'en'}" in result.output


@pytest.mark.slow
def test_links_in_place_of_files_are_replaced_never_written_through(built):
    script, out, _, args, outside = built
    folder = out / "small-guide"
    planted = {
        "en/01-care.mp3": "copy",  # same bytes as the real file: still rebuilt, not trusted
        "en/00-intro.mp3": "other",
        "index.html": "copy",
        "en/playlist.m3u8": "copy",
        "ar/01-care.srt": "other",
        "ar/feed.xml": "dangling",  # written by this build (--base-url): must not create the target
    }
    for n, (relative, kind) in enumerate(planted.items()):
        target = outside / f"{n}-{Path(relative).name}"
        if kind == "copy":
            shutil.copy(folder / relative, target)
        elif kind == "other":
            target.write_bytes(b"precious")
        (folder / relative).unlink(missing_ok=True)
        (folder / relative).symlink_to(target)
    before = tree(outside)
    result = cli("build", str(script), *args, "--base-url", "https://clinic.example/g")
    assert result.exit_code == 0, result.output
    assert tree(outside) == before
    for relative in planted:
        assert not (folder / relative).is_symlink() and (folder / relative).is_file(), relative
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    care = manifest["languages"]["en"]["tracks"][1]
    assert care["sha256"] == hashlib.sha256((folder / "en" / "01-care.mp3").read_bytes()).hexdigest()
    assert [p for p in folder.rglob("*") if p.is_symlink()] == []


@pytest.mark.slow
@pytest.mark.parametrize("same", [True, False], ids=["same-content", "other-content"])
def test_manifest_link_is_replaced(built, same):
    script, out, _, args, outside = built
    folder = out / "small-guide"
    if same:
        shutil.move(folder / "manifest.json", outside / "manifest.json")
    else:
        (outside / "manifest.json").write_text("precious")
        (folder / "manifest.json").unlink()
    (folder / "manifest.json").symlink_to(outside / "manifest.json")
    before = tree(outside)
    result = cli("build", str(script), *args)
    assert result.exit_code == 0, result.output
    assert tree(outside) == before
    assert not (folder / "manifest.json").is_symlink()


@pytest.mark.slow
def test_guide_folder_may_be_a_link_the_user_made(built):
    script, out, _, args, outside = built
    shutil.move(out / "small-guide", outside / "disk")
    (out / "small-guide").symlink_to(outside / "disk")
    (outside / "disk" / "en" / "03-outro.mp3").unlink()
    result = cli("build", str(script), *args)
    assert result.exit_code == 0, result.output
    assert (out / "small-guide").is_symlink() and (outside / "disk" / "en" / "03-outro.mp3").is_file()
    assert [p.name for p in outside.iterdir()] == ["disk"]


def test_guide_folder_link_to_nowhere_is_named(tmp_path, small_script, private_cache):
    out = tmp_path / "out"
    out.mkdir()
    (out / "small-guide").symlink_to(tmp_path / "unmounted" / "disk")
    result = cli("build", str(small_script), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert (
        f"{out / 'small-guide'}: is a symbolic link to {tmp_path / 'unmounted' / 'disk'}, which does not exist"
        in result.output
    )
    assert not (tmp_path / "unmounted").exists() and list(private_cache.rglob("*.wav")) == []


@pytest.mark.slow
def test_tampered_manifest_paths_write_nothing_outside(built):
    script, out, _, args, outside = built
    folder = out / "small-guide"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["languages"]["en"]["tracks"][0]["file"] = "../../outside/escape.mp3"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = cli("build", str(script), *args, "--lang", "ar")  # the English block is kept as it is
    assert result.exit_code == 1, result.output
    assert "not a path inside" in result.output
    assert list(outside.iterdir()) == []
    assert not list(out.parent.rglob("escape.*"))


@pytest.mark.slow
def test_linked_take_folder_is_refused_before_recording(tmp_path, small_script, registry):
    cache, outside = tmp_path / "cache", tmp_path / "outside"
    outside.mkdir()
    key = next(iter(builder.plan(builder.load(small_script, registry), registry).takes())).key
    (cache / "takes").mkdir(parents=True)
    (cache / "takes" / key[:2]).symlink_to(outside)
    result = cli("build", str(small_script), "--out", str(tmp_path / "out"), "--cache-dir", str(cache))
    assert result.exit_code == 1, result.output
    assert f"{cache / 'takes' / key[:2]}: is a symbolic link to {outside}" in result.output
    assert list(outside.iterdir()) == [] and not list(tmp_path.rglob("*.mp3"))
    assert [p for p in cache.rglob("*") if not p.is_symlink() and p.is_file()] == []


@pytest.mark.slow
def test_planted_take_is_recorded_again_not_played(built, registry):
    script, out, cache, _, outside = built
    the_plan = builder.plan(builder.load(script, registry), registry)
    intro = next(lp for lp in the_plan.languages if lp.lang == "en").tracks[0]
    key = next(t.key for t in the_plan.takes() if t.key in {s.key for s in _takes(intro)})
    slot = cache / "takes" / key[:2] / f"{key}.wav"
    injected = outside / "injected.wav"
    tone_wav(injected)
    before = injected.read_bytes()
    slot.unlink()
    slot.symlink_to(injected)
    (out / "small-guide" / "en" / "00-intro.mp3").unlink()  # so the intro's takes are needed
    result = builder.build(script, RunSettings.make(out=out, cache=cache, jobs=1), registry=registry)
    assert result.recorded == 1 and result.work.record[0].take.key == key
    assert not slot.is_symlink() and TakeCache(cache).frames(key) > 4000
    assert injected.read_bytes() == before


def _takes(track):
    from guide.planner import TakeSpec, pieces

    return [p for p in pieces(track.steps) if isinstance(p, TakeSpec)]
