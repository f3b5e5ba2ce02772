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
        (
            "en",
            VoiceSettings("piper", BUNDLED_VOICE),
            "Hello.",
            "Hello, and welcome to this guide about long term care.",
        ),
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
    as_other = registry.resolve(
        "fa", VoiceSettings("espeak", "ar", diacritize="off"), Path(".")
    )  # same voice, default pace
    assert "pace=0.85" in arabic.identity and "pace" not in as_other.identity  # the pace is part of the take key
    slow = registry.synthesize(text, arabic).duration
    default = registry.synthesize(text, as_other).duration
    assert slow / default == pytest.approx(1 / LANGUAGE_PACE["ar"], rel=0.06)


def test_piper_loads_every_voice_the_same_way_whatever_the_recording():
    """A voice's samples depend on onnxruntime's threads and graph optimisations (issue 31): whatever a recording
    or the studio says about cores and takes, a voice is loaded with one thread, optimised, and noise-seeded."""
    import onnxruntime

    from guide.engines.piper import ONNX_THREADS, PiperEngine

    engine = PiperEngine(threads=4)
    voice = engine.resolve("en", VoiceSettings("piper", BUNDLED_VOICE), Path("."))
    engine.prepare(2, 1, 8)
    first = engine.synthesize("Hello.", voice)
    loaded = engine._voice(voice.voice).session
    options = loaded.get_session_options()
    assert options.intra_op_num_threads == ONNX_THREADS == 1
    assert options.graph_optimization_level == onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    engine.prepare(40, 2, 2)
    engine.settle(8)
    assert engine._voice(voice.voice).session is loaded  # nothing loaded again
    assert np.array_equal(engine.synthesize("Hello.", voice).samples, first.samples)


# -- engines describe themselves (issue 29) ------------------------------------------------------


class _FirstInterface:
    """A plug-in written to the first, smaller interface: no capabilities, no optional members."""

    name = "plain"
    offline = True

    def list_voices(self):
        from guide.engines import VoiceInfo

        return [VoiceInfo(self.name, "one", ("en",), "test")]

    def resolve(self, lang, settings, base_dir):
        from guide.engines import VoiceRef

        return VoiceRef(self.name, lang, "one", speed=settings.speed, identity="plain==1")

    def synthesize(self, text, voice):  # pragma: no cover - not spoken here
        raise NotImplementedError


def test_engines_declare_what_they_take():
    registry = EngineRegistry()
    taking = {name: sorted(registry.get(name).capabilities.settings) for name in registry.names()}
    assert taking["piper"] == [] and taking["espeak"] == ["pitch"] and taking["gtts"] == ["slow", "tld"]
    assert registry.takers("pitch") == ["espeak", "azure", "google-cloud"]
    assert registry.takers("model") == ["polly", "elevenlabs"]
    assert registry.get("piper").offline and not registry.get("gtts").offline
    assert registry.get("polly").paid and not registry.get("gtts").paid
    assert registry.get("elevenlabs").capabilities.speed == (0.7, 1.2)


def test_each_engine_checks_the_settings_it_is_given():
    registry = EngineRegistry()
    assert registry.check_settings("piper", {"pitch": 60, "slow": True}) == {
        "pitch": "piper cannot change pitch (espeak, azure and google-cloud can)",
        "slow": "only the gtts engine has a slow reading (piper has not; use speed)",
    }
    assert registry.check_settings("gtts", {"model": "x"}) == {
        "model": "gtts has no models to choose from (polly and elevenlabs have)"
    }
    assert registry.check_settings("espeak", {"pitch": 0}) == {}
    # A cloud voice's pitch and model are refused when it is resolved, with the voice's own reasons.
    assert registry.check_settings("polly", {"pitch": 60}) == {}
    assert registry.check_settings("festival", {"pitch": 60}) == {}  # the voice's check names the unknown engine


def test_a_plugin_of_the_first_interface_gets_the_defaults(tmp_path):
    registry = EngineRegistry()
    registry.use(_FirstInterface())
    engine = registry.get("plain")
    assert engine.capabilities.offline and not engine.paid and engine.missing_credentials() is None
    voice = registry.resolve("en", VoiceSettings("plain"), tmp_path)
    assert voice.capabilities == engine.capabilities and not engine.phonemes(voice)
    assert registry.price(voice) is None and registry.billed_characters("Hello.", voice) == 0
    engine.prepare(3, 1, 2)  # nothing to do, and no error
    assert engine.health().status == "ok" and engine.health().detail == "offline; 1 voices"
    assert registry.check_settings("plain", {"pitch": 60})["pitch"].startswith("plain cannot change pitch")
    assert registry.speaks("plain", "en") and not registry.speaks("plain", "ar")


def test_resolved_voices_carry_their_engines_capabilities(registry, tmp_path):
    from guide.planner import take_key

    piper = registry.resolve("en", VoiceSettings("piper", BUNDLED_VOICE), Path("."))
    assert piper.capabilities is registry.get("piper").capabilities and not piper.can.voice_in_key
    moved = shutil.copy(Path(piper.voice), tmp_path / Path(piper.voice).name)
    shutil.copy(f"{piper.voice}.json", f"{moved}.json")
    elsewhere = registry.resolve("en", VoiceSettings("piper", str(moved)), Path("."))
    assert elsewhere.voice != piper.voice and take_key(elsewhere, "Hi.") == take_key(piper, "Hi.")
    espeak = registry.resolve("ar", VoiceSettings("espeak", "ar"), Path("."))
    assert espeak.can.voice_in_key and espeak.fallback is None


def test_the_default_voice_asks_whether_gtts_speaks_the_language():
    from guide.script.loader import default_voice

    class Speaks:
        def __init__(self, langs):
            self.langs = langs

        def speaks(self, engine, lang):
            return engine == "gtts" and lang in self.langs

    assert default_voice("fr", Speaks({"fr"})).engine == "gtts"
    assert default_voice("fr", Speaks(set())) == VoiceSettings("espeak", "fr")
    assert default_voice("fr").engine == "gtts"  # the installed engines: gTTS speaks French
    assert default_voice("en", Speaks(set())).engine == "piper"  # the table first


def test_loading_a_script_imports_neither_pillow_nor_the_engines_it_does_not_need():
    import subprocess
    import sys

    from .conftest import SAMPLE_SCRIPT

    code = (
        "import sys\nfrom guide.script.loader import load_script\n"
        f"load_script({str(SAMPLE_SCRIPT)!r})\n"
        "print(sorted(m for m in ('PIL', 'numpy', 'guide.publish', 'guide.engines') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_engines_name_the_files_a_voice_is_made_of_and_settle(registry):
    piper = registry.resolve("en", VoiceSettings("piper", BUNDLED_VOICE), Path("."))
    assert registry.get("piper").files(piper) == [Path(piper.voice), Path(f"{piper.voice}.json")]
    espeak = registry.resolve("ar", VoiceSettings("espeak", "ar"), Path("."))
    assert registry.get("espeak").files(espeak) == []
    heard = registry.synthesize("Hello.", piper)
    registry.settle(2)  # Piper has nothing to ready: every voice is loaded one way (issue 31), kept as it is
    assert np.array_equal(registry.synthesize("Hello.", piper).samples, heard.samples)
