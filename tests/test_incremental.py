"""Incremental builds: take keys, no-op rebuilds, one-item edits, kills, the lock, plan vs build."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import gtts.tts
import pytest
from click.testing import CliRunner

from guide import builder, planner
from guide.cache import TakeCache
from guide.cli import main
from guide.engines import EngineRegistry
from guide.engines.base import VoiceRef
from guide.engines.gtts import GttsEngine
from guide.engines.piper import PiperEngine
from guide.errors import NetworkError
from guide.lock import BuildLock
from guide.planner import take_key
from guide.script.model import VoiceSettings
from guide.settings import RunSettings
from guide.watch import watch

from .conftest import SMALL_SCRIPT, decoded_seconds
from .gtts_standin import StandIn

BASE = VoiceRef("espeak", "ar", "ar", speed=1.0, pitch=None, tld="com", slow=False, identity="espeak-ng 1.52.0")


@pytest.mark.parametrize(
    "change",
    [
        {"engine": "gtts"},
        {"identity": "espeak-ng 1.53.0"},
        {"voice": "ar-x"},
        {"lang": "ar-EG"},
        {"speed": 1.1},
        {"pitch": 40},
        {"tld": "com.eg"},
        {"slow": True},
        {"diacritize": "text2tashkeel-0.2.0-rawi-ensemble-0123456789ab+keep-letters+pausal-every.1"},
    ],
    ids=lambda c: next(iter(c)),
)
def test_take_key_changes_with_each_ingredient(change):
    assert take_key(replace(BASE, **change), "نص") != take_key(BASE, "نص")


def test_take_key_changes_with_text_and_format_only(monkeypatch):
    key = take_key(BASE, "نص قصير.")
    assert take_key(BASE, "نص  قصير.") == key  # whitespace is normalised away
    assert take_key(replace(BASE), "نص قصير.") == key
    assert take_key(BASE, "نص طويل.") != key
    monkeypatch.setattr(planner, "TAKE_FORMAT", planner.TAKE_FORMAT + " v2")
    assert take_key(BASE, "نص قصير.") != key


def test_the_offline_arabic_front_end_is_in_the_keys_of_espeak_arabic_takes_only(registry):
    """Changing the diacritizer or the Arabic pace re-records espeak-ng's Arabic, and nothing else."""
    from guide.text.diacritize import model_id

    arabic = registry.resolve("ar", VoiceSettings("espeak", "ar"), Path("."))
    assert arabic.diacritize == model_id() and "pace=0.85" in arabic.identity
    for settings in (VoiceSettings("piper"), VoiceSettings("espeak", "en-us")):
        english = registry.resolve("en", settings, Path("."))
        assert not english.diacritize and "pace" not in english.identity, settings
    assert not registry.resolve("ar", VoiceSettings("espeak", "ar", diacritize="off"), Path(".")).diacritize


def test_piper_take_key_follows_the_model_not_its_path():
    # As the registry resolves it: with Piper's capabilities (its voice is a model file, known by its hash).
    voice = VoiceRef(
        "piper", "en", "/a/voice.onnx", identity="piper-tts==1.8.0 model=abc", capabilities=PiperEngine.capabilities
    )
    moved = replace(voice, voice="/b/voice.onnx")
    retrained = replace(voice, identity="piper-tts==1.8.0 model=def")
    assert take_key(moved, "Hi.") == take_key(voice, "Hi.") != take_key(retrained, "Hi.")


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder` with its hash and modification time."""
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def setup(tmp_path, small_script):
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = ("--out", str(out), "--cache-dir", str(cache))
    first = cli("build", str(small_script), *args)
    assert first.exit_code == 0, first.output
    return small_script, out, cache, args


@pytest.mark.slow
def test_noop_rebuild_rewrites_nothing(setup):
    script, out, cache, args = setup
    before_out, before_cache = snapshot(out), snapshot(cache)
    again = cli("build", str(script), *args)
    assert again.exit_code == 0
    assert "nothing to do" in again.output
    assert snapshot(out) == before_out
    assert snapshot(cache) == before_cache


@pytest.mark.slow
def test_editing_one_answer_records_only_its_takes(setup, registry):
    script, out, cache, _args = setup
    before, before_pieces = snapshot(out), snapshot(cache / "pieces")
    script.write_text(SMALL_SCRIPT.replace("About four months.", "About four months. Often longer."), encoding="utf-8")
    result = builder.build(script, RunSettings.make(out=out, cache=cache), registry=registry)
    assert result.recorded == 1 and result.work.record[0].take.text == "Often longer."
    assert result.work.record[0].reason == "new text"
    assert sorted(result.encoded) == ["en/02-how-long.mp3", "en/small-guide.en.mp3"]
    # The full guide is joined again from frames: no announcement or pause is encoded again.
    assert result.joined == ["en/small-guide.en.mp3"] and result.pieces_encoded == 0
    assert snapshot(cache / "pieces") == before_pieces
    after = snapshot(out)
    changed = {name for name in after if after[name] != before.get(name)}
    g = "small-guide/en"
    assert changed == {
        f"{g}/02-how-long.mp3",
        f"{g}/02-how-long.srt",
        f"{g}/02-how-long.vtt",  # the edited track
        f"{g}/small-guide.en.mp3",
        f"{g}/small-guide.en.srt",
        f"{g}/small-guide.en.vtt",  # the full guide
        f"{g}/small-guide.en.txt",
        f"{g}/small-guide.en.chapters.json",
        f"{g}/playlist.m3u8",  # new text, times
        "small-guide/manifest.json",
        "small-guide/index.html",
        "small-guide/kiosk.html",
    }
    manifest = json.loads((out / "small-guide" / "manifest.json").read_text(encoding="utf-8"))
    track = manifest["languages"]["en"]["tracks"][2]
    assert [s["text"] for s in track["sentences"]] == [
        "How long does it last?",
        "About four months.",
        "Often longer.",
    ]
    assert track["sha256"] == hashlib.sha256((out / "small-guide" / "en" / "02-how-long.mp3").read_bytes()).hexdigest()


@pytest.mark.slow
def test_voice_change_rerecords_that_language_only(setup, registry):
    script, out, cache, _args = setup
    script.write_text(
        SMALL_SCRIPT.replace(
            "languages: [en, ar]", "languages: [en, ar]\nvoices:\n  ar: {engine: espeak, voice: ar, speed: 1.2}"
        ),
        encoding="utf-8",
    )
    work = builder.plan_build(script, RunSettings.make(out=out, cache=cache), registry=registry)
    assert {job.take.voice.lang for job in work.record} == {"ar"}
    assert {job.reason for job in work.record} == {"new voice or settings"}
    assert {f.file.split("/")[0] for f in work.encode} == {"ar"}


@pytest.mark.slow
def test_pause_change_reencodes_without_recording(setup, registry):
    script, out, cache, _args = setup
    script.write_text(SMALL_SCRIPT + "pauses: {question: 2.0}\n", encoding="utf-8")
    result = builder.build(script, RunSettings.make(out=out, cache=cache), registry=registry)
    assert result.recorded == 0
    assert sorted(result.encoded) == [
        "ar/02-how-long.mp3",
        "ar/small-guide.ar.mp3",
        "en/02-how-long.mp3",
        "en/small-guide.en.mp3",
    ]
    assert {r for f in result.work.encode for r in f.reasons} == {"pauses or order changed"}


@pytest.mark.slow
def test_deleted_or_altered_output_is_rebuilt(setup, registry):
    script, out, cache, _args = setup
    (out / "small-guide" / "ar" / "00-intro.mp3").unlink()
    with open(out / "small-guide" / "en" / "03-outro.mp3", "ab") as handle:
        handle.write(b"junk")
    work = builder.plan_build(script, RunSettings.make(out=out, cache=cache), registry=registry)
    assert {f.file: f.reasons for f in work.encode} == {
        "ar/00-intro.mp3": ("missing file",),
        "en/03-outro.mp3": ("file changed on disk",),
    }
    assert work.record == []


@pytest.mark.slow
def test_plan_json_agrees_with_the_build(setup):
    script, out, cache, args = setup
    script.write_text(
        SMALL_SCRIPT.replace("Rest well.", "Rest well at night.").replace("اشرب الماء", "اشرب الماء كثيرا"),
        encoding="utf-8",
    )
    planned = json.loads(cli("plan", str(script), *args, "--json").output)
    result = builder.build(script, RunSettings.make(out=out, cache=cache))
    assert [r["key"] for r in planned["record"]] == [job.take.key for job in result.work.record]
    assert len(planned["record"]) == result.recorded == 2
    assert sorted(e["file"] for e in planned["encode"]) == sorted(result.encoded)
    assert planned["nothing_to_do"] is False
    assert json.loads(cli("plan", str(script), *args, "--json").output)["nothing_to_do"] is True


@pytest.mark.slow
def test_only_and_force(setup):
    script, _out, _cache, args = setup
    result = cli("build", str(script), *args, "--only", "how-long", "--force")
    assert result.exit_code == 0, result.output
    assert "4 takes recorded" in result.output  # question and answer, in both languages
    assert "2 files encoded, 0 full guides joined" in result.output
    bad = cli("build", str(script), *args, "--only", "nope")
    assert bad.exit_code == 2 and "no such item" in bad.output


@pytest.mark.slow
def test_lock_refuses_a_concurrent_build_and_a_dead_holders_lock_is_taken_over(setup):
    script, out, _cache, args = setup
    folder = out / "small-guide"
    with BuildLock(folder):
        result = cli("build", str(script), *args, "--force")
        assert result.exit_code == 1
        assert f"another build is writing to {folder}" in result.output
    # A build process that holds the lock and is killed leaves nothing that blocks the next one.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from guide.lock import BuildLock; import time; BuildLock({str(folder)!r}).__enter__(); "
            "print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    assert cli("build", str(script), *args, "--force").exit_code == 1
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert cli("build", str(script), *args).exit_code == 0


@pytest.mark.slow
def test_killed_build_leaves_whole_files_and_its_takes_are_reused(tmp_path):
    # Enough Piper sentences that the build is still recording when it is killed.
    sentences = " ".join(f"This is sentence number {n} of a long paragraph." for n in range(1, 41))
    script = tmp_path / "long.yaml"
    script.write_text(
        f'id: long\ntitle: "Long"\nlanguages: [en]\nintro: "{sentences}"\noutro: "Goodbye."\n', encoding="utf-8"
    )
    out, cache = tmp_path / "out", tmp_path / "cache"
    command = [
        sys.executable,
        "-m",
        "guide",
        "build",
        str(script),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        "--jobs",
        "1",
    ]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(cache.glob("takes/*/*.wav"))) < 5 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    done_before = {p.stem for p in cache.glob("takes/*/*.wav")}
    assert 5 <= len(done_before) < 43, "the build was not killed while recording"
    for key in done_before:  # every take in the cache is whole
        assert TakeCache(cache).frames(key) > 4000
    assert not list(out.rglob("*.mp3"))

    result = builder.build(script, RunSettings.make(out=out, cache=cache, jobs=1))
    assert result.reused >= len(done_before)
    assert result.recorded + result.reused == 43  # 40 sentences, goodbye, the title, 'Conclusion.'
    for mp3 in (out / "long").rglob("*.mp3"):
        assert decoded_seconds(mp3) > 0.3
    assert [*out.rglob(".*"), *cache.rglob(".*")] == []  # no temporary file or staging folder left


def test_leftovers_of_dead_builds_are_removed(tmp_path, small_script, registry):
    out, cache = tmp_path / "out", tmp_path / "cache"
    dead = 999999
    (out / "small-guide" / "en").mkdir(parents=True)
    (out / "small-guide" / "en" / f".00-intro.mp3.{dead}.abc.part").write_bytes(b"half")
    (out / "small-guide" / f".staging-{dead}-xyz").mkdir()
    (cache / "takes" / "ab").mkdir(parents=True)
    (cache / "takes" / "ab" / f".abcdef012345.{dead}.q1.part").write_bytes(b"half")
    mine = out / "small-guide" / f".01-care.mp3.{os.getpid()}.abc.part"  # a live process's: kept
    mine.write_bytes(b"")
    builder.build(small_script, RunSettings.make(out=out, cache=cache), ["ar"], registry=registry)
    assert [p.name for p in out.rglob(".*")] == [mine.name]
    assert list(cache.rglob(".*")) == []


def test_cache_inside_the_output_folder_is_refused(tmp_path, small_script):
    result = cli("build", str(small_script), "--out", str(tmp_path), "--cache-dir", str(tmp_path / "cache"))
    assert result.exit_code == 2 and "inside the output folder" in result.output


@pytest.mark.slow
def test_cache_info_and_prune(setup):
    script, _out, cache, args = setup
    info = cli("cache", "info", "--cache-dir", str(cache))
    assert info.exit_code == 0 and f"{cache}: 30 takes" in info.output
    script.write_text(SMALL_SCRIPT.replace("Thank you.", "Thank you all."), encoding="utf-8")
    assert cli("build", str(script), *args).exit_code == 0
    pruned = cli("cache", "prune", str(script), "--cache-dir", str(cache))
    assert pruned.exit_code == 0 and "removed 1 takes" in pruned.output
    assert "nothing to do" in cli("build", str(script), *args).output


def test_finished_takes_survive_a_failure(tmp_path, write_script, mp3_bytes, monkeypatch, allow_online):
    script = write_script(
        'id: online\ntitle: "Online"\nlanguages: [en]\nvoices:\n  en: {engine: gtts}\nintro: "One. Two. Three. Four."\n'
    )
    registry = EngineRegistry()
    registry.use(GttsEngine(timeout=(1.0, 1.0), retries=1, backoff=0.01))
    with StandIn(mp3_bytes) as server:
        monkeypatch.setattr(gtts.tts, "_translate_url", server.url)
        server.fail_texts["Three."] = 503
        with pytest.raises(NetworkError, match="HTTP 503"):
            builder.build(
                script, RunSettings.make(out=tmp_path / "out", cache=tmp_path / "cache", jobs=1), registry=registry
            )
        kept = len(list((tmp_path / "cache").glob("takes/*/*.wav")))
        assert kept >= 2  # "One." and "Two." were finished before "Three." failed
        assert not list((tmp_path / "out").rglob("*.mp3"))
        server.fail_texts.clear()
        result = builder.build(
            script, RunSettings.make(out=tmp_path / "out", cache=tmp_path / "cache", jobs=1), registry=registry
        )
    assert result.reused == kept and result.recorded + result.reused == 5  # 4 sentences and the title


@pytest.mark.slow
def test_parallel_build_matches_sequential(tmp_path, registry):
    text = " ".join(f"Point {n} is worth saying." for n in range(1, 15))
    script = tmp_path / "p.yaml"
    script.write_text(f'id: par\ntitle: "Par"\nlanguages: [en]\nintro: "{text}"\n', encoding="utf-8")
    one = builder.build(script, RunSettings.make(out=tmp_path / "o1", cache=tmp_path / "c1", jobs=1), registry=registry)
    two = builder.build(script, RunSettings.make(out=tmp_path / "o2", cache=tmp_path / "c2", jobs=2), registry=registry)
    assert one.recorded == two.recorded == 15
    assert {p.name for p in (tmp_path / "c1").rglob("*.wav")} == {p.name for p in (tmp_path / "c2").rglob("*.wav")}
    # Piper samples noise, so the audio differs slightly; its length hardly does.
    assert abs(one.languages[0].full.duration - two.languages[0].full.duration) < 1.0


def test_watch_rebuilds_when_the_script_is_saved(tmp_path, write_script):
    script = write_script('id: w\ntitle: "W"\nlanguages: [ar]\nintro: "مرحبا."\n')
    results, messages = [], []
    stop = threading.Event()

    def rebuild(path: Path) -> None:
        results.append(builder.build(path, RunSettings.make(out=tmp_path / "out", cache=tmp_path / "cache")))

    thread = threading.Thread(
        target=watch, args=([script], rebuild, messages.append), kwargs={"interval": 0.05, "should_stop": stop.is_set}
    )
    thread.start()
    try:
        deadline = time.monotonic() + 120  # a bound for a loaded machine, not a timing assertion
        while not results and time.monotonic() < deadline:
            time.sleep(0.02)
        script.write_text('id: w\ntitle: "W"\nlanguages: [ar]\nintro: "مرحبا بكم."\n', encoding="utf-8")
        while len(results) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        script.write_text("id: w\ntitle: [broken\n", encoding="utf-8")
        while not any(m.startswith("Error:") for m in messages) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join()
    assert [r.recorded for r in results[:2]] == [2, 1]
    assert any("YAML syntax error" in m for m in messages)
