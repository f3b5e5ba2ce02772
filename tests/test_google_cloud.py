"""The google-cloud engine's own behaviour against a loopback stand-in of Google Cloud Text-to-Speech's REST API v1
and of Google's OAuth2 token endpoint (tests/standin_google_cloud.py): its request, audioConfig's speed and pitch,
Chirp 3: HD voices, billing the markup, application default credentials through real google-auth.
What every cloud engine must do is tests/test_cloud_contract.py's (GOOGLE in tests/engine_contract.py)."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines import VoiceNotFound
from guide.engines.google_cloud import GoogleCloudEngine
from guide.errors import CredentialsError, NetworkError
from guide.script.model import VoiceSettings

from .engine_contract import GOOGLE

pytestmark = pytest.mark.usefixtures("allow_online")


@pytest.fixture
def google(monkeypatch, speech, tmp_path):
    """Google's stand-in, running, with the engine configured for it (an API key), as the contract tests configure
    it."""
    with GOOGLE.serve(monkeypatch, speech, tmp_path / "config") as server:
        yield server


@pytest.fixture
def adc(google, monkeypatch, tmp_path):
    """No API key: an ``authorized_user`` credentials file (as gcloud writes) whose token_uri is the stand-in.

    google-auth ignores an authorized_user file's token_uri (it always asks oauth2.googleapis.com), so its constant
    for that address is pointed at the stand-in too, as conftest points gTTS's host at a loopback port."""
    from google.oauth2 import credentials as user_credentials  # `google` here is the stand-in

    monkeypatch.setattr(user_credentials, "_GOOGLE_OAUTH2_TOKEN_ENDPOINT", f"{google.url}/token")
    path = tmp_path / "adc.json"
    path.write_text(json.dumps(google.authorized_user(quota_project="guide-tests")), encoding="utf-8")
    monkeypatch.delenv("GOOGLE_CLOUD_API_KEY")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    return path


def engine() -> GoogleCloudEngine:
    return GOOGLE.engine()


def voice(name="ar-XA-Wavenet-A", lang="ar", **settings):
    return GOOGLE.resolve(name, lang, **settings)


def build(script: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", *extra])


def test_a_take_is_real_audio_from_the_documented_request(google):
    chunk = engine().synthesize("مرحبا بكم", voice())
    assert chunk.sample_rate == 24000 and chunk.duration > 0.5
    request = google.synthesis_requests()[0]
    assert request.headers["x-goog-api-key"] == google.key and "authorization" not in request.headers
    assert json.loads(request.body) == {
        "input": {"ssml": "<speak>مرحبا بكم</speak>"},
        "voice": {"languageCode": "ar-XA", "name": "ar-XA-Wavenet-A"},
        "audioConfig": {"audioEncoding": "LINEAR16", "sampleRateHertz": 24000, "speakingRate": 1.0},
    }
    assert request.extra["text"] == "مرحبا بكم" and request.extra["tags"] == ["speak"]


@pytest.mark.parametrize("pitch, semitones", [(60, 2.0), (30, -4.0), (100, 10.0)])
def test_speed_and_pitch_reach_audio_config(google, pitch, semitones):
    engine().synthesize("hello", voice("en-US-Wavenet-F", "en", speed=1.2, pitch=pitch))
    request = google.synthesis_requests()[0]
    assert request.extra["audioConfig"]["speakingRate"] == pytest.approx(1.2)
    assert request.extra["audioConfig"]["pitch"] == pytest.approx(semitones)
    assert request.extra["tags"] == ["speak"]  # speed and pitch are not SSML prosody


def test_the_voices_own_pitch_sends_none(google):
    engine().synthesize("hello", voice("en-US-Wavenet-F", "en", pitch=50))
    assert "pitch" not in google.synthesis_requests()[0].extra["audioConfig"]


def test_chirp3_hd_is_sent_text_not_ssml(google):
    sentence = "a < b & <b>bold</b> مرحبا"
    chunk = engine().synthesize(sentence, voice("ar-XA-Chirp3-HD-Kore", speed=0.9))
    assert chunk.duration > 0.5
    request = google.synthesis_requests()[0]
    assert request.extra["input"] == "text" and request.extra["sent"] == sentence  # verbatim: plain text is not markup
    assert (
        request.extra["audioConfig"]["speakingRate"] == pytest.approx(0.9)
        and "pitch" not in request.extra["audioConfig"]
    )


def test_chirp3_hd_refuses_pitch_before_anything_is_sent(google, tmp_path, write_script):
    with pytest.raises(VoiceNotFound, match="Chirp 3: HD voice, which cannot change pitch"):
        voice("ar-XA-Chirp3-HD-Kore", pitch=60)
    script = write_script(GOOGLE.script(", pitch: 60", voice="ar-XA-Chirp3-HD-Kore"))
    result = CliRunner().invoke(main, ["check", str(script)])
    assert result.exit_code == 2 and "cannot change pitch" in result.output, result.output
    assert google.seen == []


def test_billed_characters_count_what_is_sent(google):
    wavenet, chirp = voice("en-US-Wavenet-F", "en"), voice("en-US-Chirp3-HD-Kore", "en")
    for v in (wavenet, chirp):
        engine().synthesize("Fish & chips", v)
    ssml_sent, text_sent = (r.extra["sent"] for r in google.synthesis_requests())
    assert engine().billed_characters("Fish & chips", wavenet) == len(ssml_sent) > len("Fish & chips")
    assert engine().billed_characters("Fish & chips", chirp) == len(text_sent) == len("Fish & chips")


def test_lexicon_phonemes_are_sent_for_english_only(google):
    lexicon = (("Botox", "ˈboʊtɑks"),)
    english = replace(voice("en-US-Wavenet-F", "en"), phonemes=lexicon)
    engine().synthesize("Botox lasts, Botoxes do not.", english)
    request = google.synthesis_requests()[0]
    assert request.extra["phonemes"] == [{"alphabet": "ipa", "ph": "ˈboʊtɑks"}]
    assert request.extra["text"] == "Botox lasts, Botoxes do not."
    assert engine().phonemes(english)
    assert not engine().phonemes(voice()) and not engine().phonemes(voice("en-US-Chirp3-HD-Kore", "en"))


def test_an_unknown_voice_is_named_and_not_retried(google):
    with pytest.raises(
        NetworkError,
        match=r"voice 'ar-XA-Wavenet-Z' \(HTTP 400\): INVALID_ARGUMENT: Voice 'ar-XA-Wavenet-Z' does not exist",
    ):
        engine().synthesize("مرحبا", voice("ar-XA-Wavenet-Z"))
    assert len(google.synthesis_requests()) == 1


def test_without_google_auth_the_message_says_how_to_install_it(google, adc, monkeypatch):
    monkeypatch.setitem(sys.modules, "google.auth", None)  # as if google-auth were not installed
    message = GoogleCloudEngine().missing_credentials()
    assert message is not None and "GOOGLE_CLOUD_API_KEY" in message and "pip install -e '.[google-cloud]'" in message


def test_finding_no_credentials_never_asks_the_metadata_server(google, monkeypatch):
    monkeypatch.delenv("GOOGLE_CLOUD_API_KEY")
    host = google.url.removeprefix("http://")
    monkeypatch.setenv("GCE_METADATA_HOST", host)  # where google-auth would look for a GCE metadata server
    monkeypatch.setenv("GCE_METADATA_IP", host)
    started = time.monotonic()
    message = GoogleCloudEngine().missing_credentials()
    assert message is not None and "GOOGLE_APPLICATION_CREDENTIALS" in message
    assert time.monotonic() - started < 1.0
    assert google.seen == []


def test_application_default_credentials_through_the_token_endpoint(google, adc):
    e = engine()
    assert e.missing_credentials() is None
    for sentence in ("مرحبا", "شكرا"):
        assert e.synthesize(sentence, voice()).duration > 0.5
    (token,) = google.token_requests()  # one token for both takes: it lasts an hour
    assert token.extra["form"]["grant_type"] == "refresh_token"
    assert token.extra["form"]["refresh_token"] == google.refresh_token
    for request in google.synthesis_requests():
        assert request.headers["authorization"] == "Bearer ya29.test-1"
        assert request.headers["x-goog-user-project"] == "guide-tests"
        assert "x-goog-api-key" not in request.headers


def test_gclouds_own_credentials_file_is_found(google, adc, monkeypatch, tmp_path):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    folder = tmp_path / "gcloud-config"
    folder.mkdir()
    (folder / "application_default_credentials.json").write_text(adc.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(folder))
    assert engine().synthesize("مرحبا", voice()).duration > 0.5
    assert len(google.token_requests()) == 1


def test_a_build_with_application_default_credentials(google, adc, tmp_path, write_script):
    result = build(write_script(GOOGLE.script()), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(google.token_requests()) == 1 and len(google.synthesis_requests()) >= 5


def test_refused_credentials_are_not_asked_again(google, adc, monkeypatch):
    adc.write_text(json.dumps(google.authorized_user(refresh_token="revoked")), encoding="utf-8")
    e = engine()
    for sentence in ("مرحبا", "شكرا"):
        with pytest.raises(
            CredentialsError, match=r"token endpoint refused the credentials in .*adc\.json.*invalid_grant"
        ):
            e.synthesize(sentence, voice())
    assert len(google.token_requests()) == 1 and google.synthesis_requests() == []


def test_defaults_and_prices_follow_the_voice_family():
    e = GoogleCloudEngine(environ={})
    default = e.resolve("ar", VoiceSettings("google-cloud"), Path("."))
    assert default.voice.startswith("ar-XA-Wavenet-")  # pitch and SSML work with the default voice
    assert e.resolve("en", VoiceSettings("google-cloud"), Path(".")).voice.startswith("en-")
    prices = {
        name: e.price(e.resolve("ar", VoiceSettings("google-cloud", name), Path(".")))
        for name in ("ar-XA-Standard-A", "ar-XA-Wavenet-A", "ar-XA-Chirp3-HD-Kore")
    }
    standard, chirp = prices["ar-XA-Standard-A"], prices["ar-XA-Chirp3-HD-Kore"]
    assert standard is not None and chirp is not None and chirp.usd_per_million > standard.usd_per_million
    for price in (standard, chirp):
        assert price.source.startswith("https://") and price.source.endswith("read 2026-12-03")
