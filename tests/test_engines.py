"""Real engines on short texts: Piper and espeak-ng really run; ffmpeg resamples nothing here."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from guide.engines import EngineRegistry, VoiceNotFound
from guide.engines.piper import BUNDLED_VOICE, bundled_voices
from guide.errors import EngineError
from guide.script.model import VoiceSettings

from .conftest import rms


@pytest.mark.parametrize(
    "lang, settings, short, long",
    [
        ("en", VoiceSettings("piper", BUNDLED_VOICE), "Hello.", "Hello, and welcome to this guide about long term care."),
        ("ar", VoiceSettings("espeak", "ar"), "مرحبا.", "مرحبا بكم في هذا الدليل عن العناية على المدى الطويل."),
        ("en", VoiceSettings("espeak", "en-us"), "Hello.", "Hello, and welcome to this guide about long term care."),
    ],
)
def test_engines_speak_and_duration_grows_with_text(registry, lang, settings, short, long):
    voice = registry.resolve(lang, settings, Path("."))
    a = registry.synthesize(short, voice)
    b = registry.synthesize(long, voice)
    assert a.samples.dtype == np.int16 and a.sample_rate > 8000
    assert 0.2 < a.duration < 3
    assert b.duration > 2 * a.duration
    assert rms(b.samples) > 300  # speech, not silence


@pytest.mark.parametrize("engine, voice", [("piper", BUNDLED_VOICE), ("espeak", "en-us")])
def test_speed_changes_duration(registry, engine, voice):
    text = "The quick brown fox jumps over the lazy dog."
    normal = registry.synthesize(text, registry.resolve("en", VoiceSettings(engine, voice), Path(".")))
    fast = registry.synthesize(text, registry.resolve("en", VoiceSettings(engine, voice, speed=1.5), Path(".")))
    assert fast.duration < 0.85 * normal.duration


def test_espeak_pitch_changes_sound(registry):
    text = "مرحبا"
    low = registry.synthesize(text, registry.resolve("ar", VoiceSettings("espeak", "ar", pitch=10), Path(".")))
    high = registry.synthesize(text, registry.resolve("ar", VoiceSettings("espeak", "ar", pitch=90), Path(".")))
    assert not np.array_equal(low.samples[: len(high.samples)], high.samples[: len(low.samples)])


def test_espeak_lists_arabic_and_many_languages(registry):
    voices = registry.get("espeak").list_voices()
    assert len(voices) > 80
    assert any("ar" in v.languages for v in voices)


def test_piper_voice_from_a_voices_folder(tmp_path, monkeypatch):
    model = bundled_voices()[BUNDLED_VOICE]
    shutil.copy(model, tmp_path / "xx_XX-copy-medium.onnx")
    shutil.copy(f"{model}.json", tmp_path / "xx_XX-copy-medium.onnx.json")
    by_option = EngineRegistry(voices_dirs=[tmp_path])
    assert by_option.check_voice("en", VoiceSettings("piper", "xx_XX-copy-medium"), tmp_path) is None
    monkeypatch.setenv("GUIDE_VOICES_DIR", str(tmp_path))
    by_env = EngineRegistry()
    voice = by_env.resolve("en", VoiceSettings("piper", "xx_XX-copy-medium"), Path("."))
    assert by_env.synthesize("Hello.", voice).duration > 0.2
    names = [v.name for v in by_env.get("piper").list_voices()]
    assert names.count("xx_XX-copy-medium") == 1 and BUNDLED_VOICE in names


def test_piper_voice_by_path_relative_to_script(tmp_path):
    model = bundled_voices()[BUNDLED_VOICE]
    (tmp_path / "voices").mkdir()
    shutil.copy(model, tmp_path / "voices" / "mine.onnx")
    settings = VoiceSettings("piper", "voices/mine.onnx")
    reg = EngineRegistry()
    assert "no config file" in reg.check_voice("en", settings, tmp_path)
    shutil.copy(f"{model}.json", tmp_path / "voices" / "mine.onnx.json")
    assert reg.check_voice("en", settings, tmp_path) is None


def test_corrupt_piper_voice_is_an_engine_error(tmp_path):
    model = bundled_voices()[BUNDLED_VOICE]
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    shutil.copy(f"{model}.json", tmp_path / "bad.onnx.json")
    reg = EngineRegistry()
    voice = reg.resolve("en", VoiceSettings("piper", "bad.onnx"), tmp_path)
    with pytest.raises(EngineError, match="could not load voice"):
        reg.synthesize("Hello.", voice)


def test_unknown_engine(registry):
    with pytest.raises(VoiceNotFound, match="unknown engine 'nope'"):
        registry.get("nope")


def test_espeak_works_from_two_registries():
    # espeak-ng is one library per process: a second engine must not steal the first one's audio.
    first, second = EngineRegistry(), EngineRegistry()
    settings = VoiceSettings("espeak", "ar")
    v1, v2 = first.resolve("ar", settings, Path(".")), second.resolve("ar", settings, Path("."))
    assert second.synthesize("مرحبا", v2).duration > 0.2
    assert first.synthesize("مرحبا", v1).duration > 0.2


def test_espeak_speaks_arabic_at_its_own_pace(registry):
    """Arabic speed 1.0 is 85 % of espeak-ng's default rate (understood better); other languages keep the default."""
    from guide.engines.espeak import LANGUAGE_PACE

    text = "يساعد الثلج على تخفيف التورم في الأيام الأولى بعد الحقن."
    arabic = registry.resolve("ar", VoiceSettings("espeak", "ar", diacritize="off"), Path("."))
    as_other = registry.resolve("fa", VoiceSettings("espeak", "ar", diacritize="off"), Path("."))  # same voice, default pace
    assert "pace=0.85" in arabic.identity and "pace" not in as_other.identity  # the pace is part of the take key
    slow = registry.synthesize(text, arabic).duration
    default = registry.synthesize(text, as_other).duration
    assert slow / default == pytest.approx(1 / LANGUAGE_PACE["ar"], rel=0.06)


def test_piper_loads_unoptimised_for_a_few_sentences_and_optimised_again_for_many():
    """An edit's few sentences load the voice quickly; a long recording later in the same process reloads it optimised."""
    import onnxruntime

    from guide.engines.piper import QUICK_LOAD_TAKES, PiperEngine

    engine = PiperEngine()
    voice = engine.resolve("en", VoiceSettings("piper", BUNDLED_VOICE), Path("."))
    level = onnxruntime.GraphOptimizationLevel

    def loaded_level():  # noqa: ANN202
        return engine._voice(voice.voice).session.get_session_options().graph_optimization_level

    engine.prepare(2, 1, 2)
    assert engine.synthesize("Hello.", voice).duration > 0.2
    assert loaded_level() == level.ORT_DISABLE_ALL
    engine.prepare(QUICK_LOAD_TAKES + 1, 2, 2)
    assert loaded_level() == level.ORT_ENABLE_EXTENDED and engine.threads == 1
    assert engine.synthesize("Hello.", voice).duration > 0.2


def test_piper_settles_with_every_core_between_recordings_and_back_for_a_parallel_one():
    """The studio: after a parallel build (one onnxruntime thread per recording thread), ▶ speaks one sentence
    with every core; the next parallel build gets its one-thread voice again."""
    from guide.engines.piper import QUICK_LOAD_TAKES, PiperEngine

    engine = PiperEngine()
    voice = engine.resolve("en", VoiceSettings("piper", BUNDLED_VOICE), Path("."))

    def threads() -> int:
        return engine._voice(voice.voice).session.get_session_options().intra_op_num_threads

    engine.prepare(QUICK_LOAD_TAKES + 1, 2, 2)
    assert threads() == 1
    before = engine._voice(voice.voice)
    engine.settle(2)
    assert threads() == 2 and engine._voice(voice.voice) is not before
    assert engine.synthesize("Hello.", voice).duration > 0.2
    settled = engine._voice(voice.voice)
    engine.settle(2)
    assert engine._voice(voice.voice) is settled  # nothing to do: not loaded again
    engine.prepare(QUICK_LOAD_TAKES + 1, 2, 2)
    assert threads() == 1
