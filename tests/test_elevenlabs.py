"""The elevenlabs engine's own behaviour against a loopback stand-in of ElevenLabs' REST API
(tests/standin_elevenlabs.py): its request, its models (language_code, price), its speed range, voice ids and
premade names, spent credits, the service's own refusals (a voice the account lacks, a 422).
What every cloud engine must do is tests/test_cloud_contract.py's (ELEVENLABS in tests/engine_contract.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines import EngineRegistry, VoiceNotFound
from guide.engines.elevenlabs import CATALOGUE, MODELS, ElevenLabsEngine
from guide.errors import CredentialsError, NetworkError
from guide.script.model import VoiceSettings

from .engine_contract import CLONE, ELEVENLABS

pytestmark = pytest.mark.usefixtures("allow_online")


def script_text(extra: str = "", voice: str = CLONE) -> str:
    """The contract's script, ElevenLabs speaking Arabic with `voice` (`extra`: more of voices.ar's settings)."""
    return ELEVENLABS.script(extra, voice)


@pytest.fixture
def eleven(monkeypatch, speech, tmp_path):
    """ElevenLabs' stand-in, running, with the engine configured for it, as the contract tests configure it."""
    with ELEVENLABS.serve(monkeypatch, speech, tmp_path / "config") as server:
        yield server


def engine() -> ElevenLabsEngine:
    return ELEVENLABS.engine()


def voice(name: str | None = CLONE, lang: str = "ar", **settings):
    return ELEVENLABS.resolve(name, lang, **settings)


def build(script: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", *extra])


def test_a_take_is_real_audio_and_the_request_is_right(eleven):
    chunk = engine().synthesize("مرحبا بكم", voice())
    assert chunk.sample_rate == 24000 and chunk.duration > 0.5
    assert np.array_equal(chunk.samples, eleven.speech(24000))  # little-endian 16-bit PCM, read as sent
    request = eleven.synthesis_requests()[0]
    assert request.path == f"/v1/text-to-speech/{CLONE}"
    assert request.query == {"output_format": ["pcm_24000"]}
    assert request.headers["xi-api-key"] == eleven.key
    assert request.headers["content-type"].startswith("application/json")
    assert request.extra == {
        "text": "مرحبا بكم",
        "model": "eleven_multilingual_v2",
        "voice": CLONE,
        "speed": None,
        "language_code": None,
        "voice_settings": None,
    }


def test_the_default_voice_speaks_both_languages(eleven):
    for lang, text in (("ar", "مرحبا"), ("en", "Hello")):
        chosen = voice(None, lang)
        assert chosen.voice == ElevenLabsEngine(environ={}).default_voice(lang) == CATALOGUE[0].name
        assert engine().synthesize(text, chosen).duration > 0.5
    assert [r.extra["voice"] for r in eleven.synthesis_requests()] == [CATALOGUE[0].name] * 2


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_language_code_goes_only_to_the_models_that_take_it(eleven, model, lang):
    engine().synthesize("مرحبا" if lang == "ar" else "Hello", voice(lang=lang, model=model))
    request = eleven.synthesis_requests()[0]
    assert request.extra["model"] == model
    # The stand-in refuses language_code with eleven_multilingual_v2, as the docs say the service does.
    assert request.extra["language_code"] == (None if model == "eleven_multilingual_v2" else lang)


@pytest.mark.parametrize("speed", [0.7, 0.85, 1.2])
def test_speed_reaches_voice_settings(eleven, speed):
    engine().synthesize("hello", voice(lang="en", speed=speed))
    request = eleven.synthesis_requests()[0]
    assert request.extra["speed"] == speed and request.extra["voice_settings"] == {"speed": speed}


def test_the_normal_speed_leaves_the_voices_own_settings(eleven):
    engine().synthesize("hello", voice(lang="en", speed=1.0))
    assert "voice_settings" not in json.loads(eleven.synthesis_requests()[0].body)


def test_a_model_that_does_not_speak_the_language_is_refused():
    with pytest.raises(VoiceNotFound, match=r"model 'eleven_multilingual_v2' does not speak 'hu'"):
        ElevenLabsEngine(environ={}).resolve("hu", VoiceSettings("elevenlabs", CLONE), Path("."))
    assert (
        ElevenLabsEngine(environ={})
        .resolve("hu", VoiceSettings("elevenlabs", CLONE, model="eleven_flash_v2_5"), Path("."))
        .model
        == "eleven_flash_v2_5"
    )


@pytest.mark.parametrize("written", ["Rachel", "rachel", " RACHEL "])
def test_a_premade_voice_may_be_named(written):
    chosen = ElevenLabsEngine(environ={}).resolve("ar", VoiceSettings("elevenlabs", written), Path("."))
    assert chosen.voice == "21m00Tcm4TlvDq8ikWAM"


def test_the_model_is_part_of_the_voice(eleven):
    default, flash = voice(), voice(model="eleven_flash_v2_5")
    assert (default.model, flash.model) == ("eleven_multilingual_v2", "eleven_flash_v2_5")
    assert default.identity == "elevenlabs:eleven_multilingual_v2:pcm_24000" and flash.identity != default.identity


def test_spent_credits_are_not_called_a_wrong_key(eleven):
    eleven.quota = 12
    speaker = engine()
    assert speaker.synthesize("hello", voice(lang="en")).duration > 0.5  # 5 of the 12 characters
    with pytest.raises(CredentialsError) as caught:
        speaker.synthesize("a longer sentence", voice(lang="en"))
    message = caught.value.message
    assert "credits are used up (HTTP 401, quota_exceeded)" in message and "the key itself was accepted" in message
    assert "refused the key" not in message and "check ELEVENLABS_API_KEY" not in message
    with pytest.raises(CredentialsError, match="credits are used up"):
        speaker.synthesize(
            "hi", voice(lang="en")
        )  # not asked: the build stops rather than spend what is left piecemeal
    assert len(eleven.synthesis_requests()) == 2


def test_a_voice_the_account_lacks_is_named(eleven):
    missing = "AAAAAAAAAAAAAAAAAAAA"
    with pytest.raises(NetworkError, match=rf"has no voice '{missing}' for this key \(HTTP 404, voice_not_found: "):
        engine().synthesize("hello", voice(missing, "en"))
    assert len(eleven.synthesis_requests()) == 1


def test_a_validation_error_names_the_field(eleven):
    too_fast = replace(voice(lang="en"), speed=1.5)  # past resolve's check, as a changed service range would be
    with pytest.raises(
        NetworkError, match=r"refused the request as invalid \(HTTP 422, body\.voice_settings\.speed: Input should be"
    ):
        engine().synthesize("hello", too_fast)
    assert len(eleven.synthesis_requests()) == 1


def test_a_changed_model_records_again(eleven, tmp_path, write_script):
    script = write_script(script_text())
    assert build(script, tmp_path / "out").exit_code == 0
    sent = len(eleven.synthesis_requests())
    script.write_text(script_text(", model: eleven_flash_v2_5"), encoding="utf-8")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(eleven.synthesis_requests()) == 2 * sent
    again = eleven.synthesis_requests()[sent:]
    assert {(r.extra["model"], r.extra["language_code"]) for r in again} == {("eleven_flash_v2_5", "ar")}


def test_spent_credits_stop_the_build_with_their_own_message(eleven, tmp_path, write_script):
    eleven.quota = 0
    script = write_script(script_text(", fallback: {engine: espeak, voice: ar}"))
    result = build(script, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "credits are used up" in result.output and "check ELEVENLABS_API_KEY" not in result.output
    assert "Traceback" not in result.output and len(eleven.synthesis_requests()) == 1


def test_a_speed_out_of_range_is_named_with_its_line(eleven, tmp_path, write_script):
    script = write_script(script_text(", speed: 1.5"))
    result = CliRunner().invoke(main, ["check", str(script)])
    assert result.exit_code == 2, result.output
    assert (
        f"{script}:6: voices.ar: elevenlabs speaks at 0.7 to 1.2 times a voice's normal speed, not 1.5" in result.output
    )
    assert eleven.seen == []


def test_price_billing_and_phonemes():
    registry = EngineRegistry()
    chosen = ElevenLabsEngine(environ={}).resolve("ar", VoiceSettings("elevenlabs", CLONE), Path("."))
    flash = replace(chosen, model="eleven_flash_v2_5")
    assert (
        registry.price(chosen).usd_per_million == 2 * registry.price(flash).usd_per_million
    )  # Flash/Turbo: half the price
    assert registry.price(chosen).source.startswith("https://elevenlabs.io/pricing/api")
    assert registry.billed_characters("مرحبا <b>", chosen) == len("مرحبا <b>")
    assert registry.get("elevenlabs").phonemes(chosen) is False


def test_the_service_address_and_its_override():
    assert ElevenLabsEngine(environ={}).base_url() == "https://api.elevenlabs.io"
    assert (
        ElevenLabsEngine(environ={"GUIDE_ELEVENLABS_URL": "https://api.eu.residency.elevenlabs.io/"}).base_url()
        == "https://api.eu.residency.elevenlabs.io"
    )
