"""The elevenlabs engine against a loopback stand-in of ElevenLabs' REST API (tests/standin_elevenlabs.py):
real HTTP, real JSON parsed by the server, real PCM decoded, real builds."""

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
from guide.engines.http import Sender
from guide.errors import CredentialsError, NetworkError
from guide.script.model import VoiceSettings

from .standin_elevenlabs import ElevenLabsStandIn

pytestmark = pytest.mark.usefixtures("allow_online")

CLONE = "c1oNeDv01ceF0rTest01"  # a voice id of the stand-in's account, not in guide's catalogue

ELEVENLABS_SCRIPT = """\
id: small-guide
title: {en: "Small guide", ar: "دليل صغير"}
languages: [en, ar]
voices:
  en: {engine: espeak, voice: en-us}
  ar: {engine: elevenlabs, voice: %s%s}
intro: {en: "Welcome.", ar: "مرحبا بكم. هذا دليل قصير."}
faq:
  - id: how-long
    question: {en: "How long does it last?", ar: "كم يدوم؟"}
    answer: {en: "About four months.", ar: "نحو أربعة أشهر."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""


def script_text(extra: str = "", voice: str = CLONE) -> str:
    return ELEVENLABS_SCRIPT % (voice, extra)


@pytest.fixture
def eleven(monkeypatch, speech):
    samples, rate = speech
    with ElevenLabsStandIn(samples, rate) as server:
        monkeypatch.setenv("ELEVENLABS_API_KEY", server.key)
        monkeypatch.setenv("GUIDE_ELEVENLABS_URL", server.url)
        yield server


def engine() -> ElevenLabsEngine:
    return ElevenLabsEngine(Sender("elevenlabs", timeout=(1.0, 0.5), retries=3, backoff=0.01))


def voice(name: str | None = CLONE, lang: str = "ar", **settings):
    return engine().resolve(lang, VoiceSettings("elevenlabs", name, **settings), Path("."))


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
    assert request.extra == {"text": "مرحبا بكم", "model": "eleven_multilingual_v2", "voice": CLONE, "speed": None,
                             "language_code": None, "voice_settings": None}


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


@pytest.mark.parametrize("settings, message", [
    ({"speed": 0.6}, r"0\.7 to 1\.2 times a voice's normal speed, not 0\.6: change voices\.ar\.speed"),
    ({"speed": 1.3}, r"0\.7 to 1\.2 times a voice's normal speed, not 1\.3"),
    ({"pitch": 60}, r"elevenlabs cannot change pitch: remove 'pitch' from voices\.ar"),
    ({"model": "eleven_flash_v2"}, r"model 'eleven_flash_v2' is not one guide can use: choose eleven_multilingual_v2, eleven_v3, "
                                   r"eleven_flash_v2_5, eleven_turbo_v2_5"),
    ({"model": "eleven_monolingual_v1"}, r"model 'eleven_monolingual_v1' is not one guide can use"),
    ({"voice": "Nobody"}, r"voice 'Nobody' is neither a voice id \(20 letters and digits"),
    ({"voice": "21m00Tcm4TlvDq8ikWA"}, r"is neither a voice id"),  # 19 characters
    ({"voice": "21m00Tcm4TlvDq8ikWA!"}, r"is neither a voice id"),
])
def test_what_elevenlabs_cannot_do_is_refused_before_anything_is_sent(settings, message):
    settings = {"voice": CLONE, **settings}
    with pytest.raises(VoiceNotFound, match=message):
        ElevenLabsEngine(environ={}).resolve("ar", VoiceSettings("elevenlabs", **settings), Path("."))


def test_a_model_that_does_not_speak_the_language_is_refused():
    with pytest.raises(VoiceNotFound, match=r"model 'eleven_multilingual_v2' does not speak 'hu'"):
        ElevenLabsEngine(environ={}).resolve("hu", VoiceSettings("elevenlabs", CLONE), Path("."))
    assert ElevenLabsEngine(environ={}).resolve("hu", VoiceSettings("elevenlabs", CLONE, model="eleven_flash_v2_5"), Path(".")).model == "eleven_flash_v2_5"


@pytest.mark.parametrize("written", ["Rachel", "rachel", " RACHEL "])
def test_a_premade_voice_may_be_named(written):
    chosen = ElevenLabsEngine(environ={}).resolve("ar", VoiceSettings("elevenlabs", written), Path("."))
    assert chosen.voice == "21m00Tcm4TlvDq8ikWAM"


def test_the_model_is_part_of_the_voice(eleven):
    default, flash = voice(), voice(model="eleven_flash_v2_5")
    assert (default.model, flash.model) == ("eleven_multilingual_v2", "eleven_flash_v2_5")
    assert default.identity == "elevenlabs:eleven_multilingual_v2:pcm_24000" and flash.identity != default.identity


@pytest.mark.parametrize("hostile", [
    "a < b & c > d", 'say "this" and \'that\'', "]]> <![CDATA[ x ]]>", "<script>alert(1)</script>",
    '</speak>"}, "model_id": "evil', "&amp; &#x41; &lt;", "back\\slash \\u0041 \\n", "bell\x07 and \x1b escape, nul\x00 too",
    "مرحبا <b>بكم</b> & «أهلا»", "\u202eRTL override\u202c and \u200f marks", "emoji 🎧 and 𝒳",
])
def test_hostile_text_arrives_exactly_as_written(eleven, hostile):
    engine().synthesize(hostile, voice())
    request = eleven.synthesis_requests()[-1]
    assert json.loads(request.body.decode("utf-8"))["text"] == hostile
    assert request.extra["text"] == hostile  # what the server read, byte for byte
    assert set(json.loads(request.body)) == {"text", "model_id"}  # nothing leaked out of the text field


@pytest.mark.parametrize("storm", [[429, 429, 429], [500], [503, "reset"], ["garbage"], ["empty"], ["hang"]])
def test_what_may_heal_is_retried(eleven, storm):
    eleven.script = list(storm)
    assert engine().synthesize("hello", voice(lang="en")).duration > 0.5
    assert len(eleven.synthesis_requests()) == len(storm) + 1


@pytest.mark.parametrize("status", ["too_many_concurrent_requests", "system_busy"])
def test_a_persistent_429_is_a_clear_network_error(eleven, status):
    eleven.rate_limit_status = status
    eleven.script = [429] * 10
    with pytest.raises(NetworkError, match=r"elevenlabs: 127\.0\.0\.1:\d+ answered HTTP 429 after 3 retries \(rate limited") as caught:
        engine().synthesize("hello", voice(lang="en"))
    assert status in caught.value.message
    assert len(eleven.synthesis_requests()) == 4


def test_garbage_every_time_is_reported(eleven):
    eleven.script = ["garbage"] * 4
    with pytest.raises(NetworkError, match="elevenlabs: the service answered without usable audio"):
        engine().synthesize("hello", voice(lang="en"))


def test_a_wrong_key_is_not_retried_and_later_takes_are_not_asked(eleven, monkeypatch):
    monkeypatch.setenv("ELEVENLABS_API_KEY", "not-the-key")
    speaker = engine()
    with pytest.raises(CredentialsError, match=r"elevenlabs: .* refused the key \(HTTP 401, invalid_api_key: Invalid API key\): "
                                               r"check ELEVENLABS_API_KEY"):
        speaker.synthesize("hello", voice(lang="en"))
    with pytest.raises(CredentialsError, match="refused the key"):
        speaker.synthesize("another sentence", voice(lang="en"))
    assert len(eleven.synthesis_requests()) == 1


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
        speaker.synthesize("hi", voice(lang="en"))  # not asked: the build stops rather than spend what is left piecemeal
    assert len(eleven.synthesis_requests()) == 2


def test_a_key_without_the_permission_is_named(eleven):
    eleven.script = [403]
    with pytest.raises(CredentialsError, match=r"refused the key's access \(HTTP 403, missing_permissions: .*text_to_speech.*\): "
                                               r"the key may lack the Text to Speech permission"):
        engine().synthesize("hello", voice(lang="en"))
    assert len(eleven.synthesis_requests()) == 1


def test_a_voice_the_account_lacks_is_named(eleven):
    missing = "AAAAAAAAAAAAAAAAAAAA"
    with pytest.raises(NetworkError, match=rf"has no voice '{missing}' for this key \(HTTP 404, voice_not_found: "):
        engine().synthesize("hello", voice(missing, "en"))
    assert len(eleven.synthesis_requests()) == 1


def test_a_validation_error_names_the_field(eleven):
    too_fast = replace(voice(lang="en"), speed=1.5)  # past resolve's check, as a changed service range would be
    with pytest.raises(NetworkError, match=r"refused the request as invalid \(HTTP 422, body\.voice_settings\.speed: Input should be"):
        engine().synthesize("hello", too_fast)
    assert len(eleven.synthesis_requests()) == 1


def test_build_against_the_stand_in_then_a_rebuild_sends_nothing(eleven, tmp_path, write_script):
    from guide.audio.loudness import ebur128

    script = write_script(script_text())
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"voice ar: elevenlabs:{CLONE}" in result.output and "warning" not in result.output
    texts = [r.extra["text"] for r in eleven.synthesis_requests()]
    sent = len(texts)
    assert sent >= 5 and len(set(texts)) == sent  # each Arabic sentence bought once
    assert {r.extra["voice"] for r in eleven.synthesis_requests()} == {CLONE}
    assert {r.extra["model"] for r in eleven.synthesis_requests()} == {"eleven_multilingual_v2"}
    folder = tmp_path / "out" / "small-guide"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    tracks = manifest["languages"]["ar"]["tracks"]
    assert tracks
    for track in tracks:
        integrated, _ = ebur128(str(folder / track["file"]))
        assert abs(integrated + 16) <= 1.0, (track["file"], integrated)
    again = build(script, tmp_path / "out")
    assert again.exit_code == 0, again.output
    assert len(eleven.synthesis_requests()) == sent  # every take is in the cache: nothing is bought twice


def test_the_cost_estimate_counts_what_a_build_sends(eleven, tmp_path, write_script):
    script = write_script(script_text())
    checked = CliRunner().invoke(main, ["check", str(script)])
    assert checked.exit_code == 0, checked.output
    assert eleven.seen == []  # estimating asks nothing
    assert build(script, tmp_path / "out").exit_code == 0
    sent = sum(len(r.extra["text"]) for r in eleven.synthesis_requests())
    price = MODELS["eleven_multilingual_v2"].price
    assert f"elevenlabs: a cold build sends {sent:,} characters" in checked.output
    assert f"at US${price.usd_per_million:g} per million characters ({price.tier}; {price.source})" in checked.output


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


def test_a_failing_service_falls_back_to_the_offline_voice_with_a_warning(eleven, tmp_path, write_script):
    eleven.script = [503] * 200
    script = write_script(script_text(", fallback: {engine: espeak, voice: ar}"))
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "espeak:ar" in result.output


def test_a_refused_key_stops_the_build_even_with_a_fallback(eleven, tmp_path, write_script, monkeypatch):
    monkeypatch.setenv("ELEVENLABS_API_KEY", "not-the-key")
    script = write_script(script_text(", fallback: {engine: espeak, voice: ar}"))
    result = build(script, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "refused the key (HTTP 401, invalid_api_key" in result.output and "Traceback" not in result.output
    assert len(eleven.synthesis_requests()) == 1  # not retried, and no other take was asked for


def test_spent_credits_stop_the_build_with_their_own_message(eleven, tmp_path, write_script):
    eleven.quota = 0
    script = write_script(script_text(", fallback: {engine: espeak, voice: ar}"))
    result = build(script, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "credits are used up" in result.output and "check ELEVENLABS_API_KEY" not in result.output
    assert "Traceback" not in result.output and len(eleven.synthesis_requests()) == 1


def test_a_missing_key_is_named_before_anything_is_recorded(eleven, tmp_path, write_script, monkeypatch):
    monkeypatch.delenv("ELEVENLABS_API_KEY")
    script = write_script(script_text())
    for command in (["check", str(script)], ["build", str(script), "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert f"{script}:6: voices.ar: elevenlabs needs an API key: set ELEVENLABS_API_KEY" in result.output
        assert "Traceback" not in result.output
    assert eleven.seen == [] and not (tmp_path / "out").exists()


def test_a_speed_out_of_range_is_named_with_its_line(eleven, tmp_path, write_script):
    script = write_script(script_text(", speed: 1.5"))
    result = CliRunner().invoke(main, ["check", str(script)])
    assert result.exit_code == 2, result.output
    assert f"{script}:6: voices.ar: elevenlabs speaks at 0.7 to 1.2 times a voice's normal speed, not 1.5" in result.output
    assert eleven.seen == []


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_voices_lists_the_catalogue_for_both_languages(lang):
    result = CliRunner().invoke(main, ["voices", "--engine", "elevenlabs", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert f"elevenlabs (online, needs internet): {len(CATALOGUE)} voice(s)" in result.output
    assert len(CATALOGUE) >= 2
    for known in CATALOGUE:
        assert known.name in result.output
    assert "21m00Tcm4TlvDq8ikWAM" in result.output and "Rachel: English (American) accent, female" in result.output


def test_price_billing_and_phonemes():
    registry = EngineRegistry()
    chosen = ElevenLabsEngine(environ={}).resolve("ar", VoiceSettings("elevenlabs", CLONE), Path("."))
    flash = replace(chosen, model="eleven_flash_v2_5")
    assert registry.price(chosen).usd_per_million == 2 * registry.price(flash).usd_per_million  # Flash/Turbo: half the price
    assert registry.price(chosen).source.startswith("https://elevenlabs.io/pricing/api")
    assert registry.billed_characters("مرحبا <b>", chosen) == len("مرحبا <b>")
    assert registry.get("elevenlabs").phonemes(chosen) is False


def test_the_service_address_and_its_override():
    assert ElevenLabsEngine(environ={}).base_url() == "https://api.elevenlabs.io"
    assert ElevenLabsEngine(environ={"GUIDE_ELEVENLABS_URL": "https://api.eu.residency.elevenlabs.io/"}).base_url() == "https://api.eu.residency.elevenlabs.io"
