"""The google-cloud engine against a loopback stand-in of Google Cloud Text-to-Speech's REST API v1 and of
Google's OAuth2 token endpoint (tests/standin_google_cloud.py): real HTTP, real JSON and SSML parsed by the
server, real google-auth refreshing a real token, real audio decoded, real builds."""

from __future__ import annotations

import json
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines import VoiceNotFound
from guide.engines.google_cloud import GoogleCloudEngine
from guide.engines.http import Sender
from guide.errors import CredentialsError, NetworkError
from guide.script.model import VoiceSettings

from .standin_google_cloud import GoogleCloudStandIn

pytestmark = pytest.mark.usefixtures("allow_online")

GOOGLE_SCRIPT = """\
id: small-guide
title: {en: "Small guide", ar: "دليل صغير"}
languages: [en, ar]
voices:
  en: {engine: espeak, voice: en-us}
  ar: {engine: google-cloud, voice: ar-XA-Wavenet-A%s}
intro: {en: "Welcome.", ar: "مرحبا بكم. هذا دليل قصير."}
faq:
  - id: how-long
    question: {en: "How long does it last?", ar: "كم يدوم؟"}
    answer: {en: "About four months.", ar: "نحو أربعة أشهر."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""

CREDENTIAL_ENV = ("GOOGLE_CLOUD_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_QUOTA_PROJECT", "CLOUDSDK_CONFIG")


@pytest.fixture
def google(monkeypatch, speech, tmp_path_factory):
    samples, rate = speech
    with GoogleCloudStandIn(samples, rate) as server:
        for name in CREDENTIAL_ENV:
            monkeypatch.delenv(name, raising=False)
        # gcloud's own folder, empty: a developer's real `gcloud auth application-default login` is never used
        monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path_factory.mktemp("gcloud")))
        monkeypatch.setenv("GOOGLE_CLOUD_API_KEY", server.key)
        monkeypatch.setenv("GUIDE_GOOGLE_CLOUD_URL", server.url)
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
    return GoogleCloudEngine(Sender("google-cloud", timeout=(1.0, 0.5), retries=3, backoff=0.01))


def voice(name="ar-XA-Wavenet-A", lang="ar", **settings):
    return engine().resolve(lang, VoiceSettings("google-cloud", name, **settings), Path("."))


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
    assert request.extra["audioConfig"]["speakingRate"] == pytest.approx(0.9) and "pitch" not in request.extra["audioConfig"]


def test_chirp3_hd_refuses_pitch_before_anything_is_sent(google, tmp_path, write_script):
    with pytest.raises(VoiceNotFound, match="Chirp 3: HD voice, which cannot change pitch"):
        voice("ar-XA-Chirp3-HD-Kore", pitch=60)
    script = write_script((GOOGLE_SCRIPT % ", pitch: 60").replace("ar-XA-Wavenet-A", "ar-XA-Chirp3-HD-Kore"))
    result = CliRunner().invoke(main, ["check", str(script)])
    assert result.exit_code == 2 and "cannot change pitch" in result.output, result.output
    assert google.seen == []


@pytest.mark.parametrize("hostile", ["a < b & c > d", 'say "this" and \'that\'', "]]> <![CDATA[ x ]]>", "<script>alert(1)</script>",
                                     "</speak><speak>", "&amp; &#x41; &lt;", "bell\x07 and \x1b escape"])
def test_hostile_text_arrives_as_text_in_well_formed_ssml(google, hostile):
    v = voice("en-US-Wavenet-F", "en")
    engine().synthesize(hostile, v)
    request = google.synthesis_requests()[-1]
    sent = json.loads(request.body)["input"]["ssml"]
    root = ET.fromstring(sent)  # well-formed, or this raises
    assert [e.tag for e in root.iter()] == ["speak"]  # no element came from the text
    assert request.extra["text"] == hostile.replace("\x07", "").replace("\x1b", "")
    assert engine().billed_characters(hostile, v) == len(sent)  # Google bills the markup too: what was sent


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


@pytest.mark.parametrize("storm", [[429, 429, 429], [500], [503, "reset"], ["garbage"], ["empty"], ["hang"]])
def test_what_may_heal_is_retried(google, storm):
    google.script = list(storm)
    assert engine().synthesize("hello", voice("en-US-Wavenet-F", "en")).duration > 0.5
    assert len(google.synthesis_requests()) == len(storm) + 1


def test_a_429_storm_past_the_retries_is_a_network_error(google):
    google.script = [429] * 10
    with pytest.raises(NetworkError, match=r"google-cloud: 127\.0\.0\.1:\d+ answered HTTP 429 after 3 retries \(rate limited.*RESOURCE_EXHAUSTED"):
        engine().synthesize("hello", voice("en-US-Wavenet-F", "en"))
    assert len(google.synthesis_requests()) == 4


def test_garbage_every_time_is_reported(google):
    google.script = ["garbage"] * 4
    with pytest.raises(NetworkError, match="google-cloud: the service answered without usable audio"):
        engine().synthesize("hello", voice("en-US-Wavenet-F", "en"))


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_not_retried_nor_asked_again(google, status):
    google.script = [status]
    sender = engine()
    with pytest.raises(CredentialsError, match=rf"google-cloud: .* refused the API key in GOOGLE_CLOUD_API_KEY \(HTTP {status}\)"):
        sender.synthesize("hello", voice("en-US-Wavenet-F", "en"))
    with pytest.raises(CredentialsError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        sender.synthesize("another take", voice("en-US-Wavenet-F", "en"))
    assert len(google.synthesis_requests()) == 1


def test_a_wrong_key_is_a_credentials_error_though_google_answers_400(google, monkeypatch):
    monkeypatch.setenv("GOOGLE_CLOUD_API_KEY", "not-the-key")
    with pytest.raises(CredentialsError, match=r"refused the API key in GOOGLE_CLOUD_API_KEY \(HTTP 400\): INVALID_ARGUMENT: API key not valid"):
        engine().synthesize("hello", voice("en-US-Wavenet-F", "en"))
    assert len(google.synthesis_requests()) == 1


def test_an_unknown_voice_is_named_and_not_retried(google):
    with pytest.raises(NetworkError, match=r"voice 'ar-XA-Wavenet-Z' \(HTTP 400\): INVALID_ARGUMENT: Voice 'ar-XA-Wavenet-Z' does not exist"):
        engine().synthesize("مرحبا", voice("ar-XA-Wavenet-Z"))
    assert len(google.synthesis_requests()) == 1


def test_build_against_the_stand_in_then_a_rebuild_sends_nothing(google, tmp_path, write_script):
    from guide.audio.loudness import ebur128

    script = write_script(GOOGLE_SCRIPT % "")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "voice ar: google-cloud:ar-XA-Wavenet-A" in result.output and "warning" not in result.output
    texts = [r.extra["text"] for r in google.synthesis_requests()]
    sent = len(texts)
    assert sent >= 5 and len(set(texts)) == sent  # each Arabic sentence bought once
    assert {r.extra["voice"] for r in google.synthesis_requests()} == {"ar-XA-Wavenet-A"}
    folder = tmp_path / "out" / "small-guide"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    tracks = manifest["languages"]["ar"]["tracks"]
    assert tracks
    for track in tracks:
        integrated, _ = ebur128(str(folder / track["file"]))
        assert abs(integrated + 16) <= 1.0, (track["file"], integrated)
    again = build(script, tmp_path / "out")
    assert again.exit_code == 0, again.output
    assert len(google.synthesis_requests()) == sent  # every take is in the cache: nothing is bought twice


def test_a_new_voice_records_again(google, tmp_path, write_script):
    script = write_script(GOOGLE_SCRIPT % "")
    assert build(script, tmp_path / "out").exit_code == 0
    sent = len(google.synthesis_requests())
    script.write_text((GOOGLE_SCRIPT % "").replace("ar-XA-Wavenet-A", "ar-XA-Wavenet-B"), encoding="utf-8")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(google.synthesis_requests()) == 2 * sent
    assert {r.extra["voice"] for r in google.synthesis_requests()[sent:]} == {"ar-XA-Wavenet-B"}


def test_a_failing_service_falls_back_to_the_offline_voice_with_a_warning(google, tmp_path, write_script):
    google.script = [503] * 200
    script = write_script(GOOGLE_SCRIPT % ", fallback: {engine: espeak, voice: ar}")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "espeak:ar" in result.output


def test_a_refused_key_stops_the_build_even_with_a_fallback(google, tmp_path, write_script):
    google.script = [401] * 50
    script = write_script(GOOGLE_SCRIPT % ", fallback: {engine: espeak, voice: ar}")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "refused the API key in GOOGLE_CLOUD_API_KEY (HTTP 401)" in result.output and "Traceback" not in result.output
    assert len(google.synthesis_requests()) == 1  # not retried, and no other take was asked for


@pytest.mark.parametrize("credentials_file, said", [
    (None, ["google-cloud needs credentials", "GOOGLE_CLOUD_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS"]),
    ("missing.json", ["google-cloud cannot use the credentials file", "missing.json", "GOOGLE_CLOUD_API_KEY"]),
    ("{not json", ["google-cloud cannot use the credentials file", "GOOGLE_APPLICATION_CREDENTIALS"]),
])
def test_a_missing_credential_is_named_before_anything_is_recorded(google, tmp_path, write_script, monkeypatch, credentials_file, said):
    monkeypatch.delenv("GOOGLE_CLOUD_API_KEY")
    if credentials_file == "{not json":
        broken = tmp_path / "broken.json"
        broken.write_text(credentials_file, encoding="utf-8")
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(broken))
    elif credentials_file:
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / credentials_file))
    script = write_script(GOOGLE_SCRIPT % "")
    for command in (["check", str(script)], ["build", str(script), "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert f"{script}:6: voices.ar: google-cloud" in result.output, result.output
        assert all(words in result.output for words in said), result.output
        assert "Traceback" not in result.output
    assert google.seen == [] and not (tmp_path / "out").exists()


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
    result = build(write_script(GOOGLE_SCRIPT % ""), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(google.token_requests()) == 1 and len(google.synthesis_requests()) >= 5


def test_refused_credentials_are_not_asked_again(google, adc, monkeypatch):
    adc.write_text(json.dumps(google.authorized_user(refresh_token="revoked")), encoding="utf-8")
    e = engine()
    for sentence in ("مرحبا", "شكرا"):
        with pytest.raises(CredentialsError, match=r"token endpoint refused the credentials in .*adc\.json.*invalid_grant"):
            e.synthesize(sentence, voice())
    assert len(google.token_requests()) == 1 and google.synthesis_requests() == []


@pytest.mark.parametrize("settings, message", [
    ({"voice": "Wavenet-A"}, "not a voice name like ar-XA-Wavenet-A"),
    ({"voice": "en-US-Wavenet-F"}, "speaks en-US, not 'ar'"),
    ({"voice": "ar-XA-Wavenet-A", "model": "x"}, "no models"),
    ({"voice": "ar-XA-Chirp3-HD-Zephyr", "pitch": 40}, "Chirp 3: HD voice, which cannot change pitch"),
])
def test_wrong_voices_are_named(settings, message):
    with pytest.raises(VoiceNotFound, match=message):
        GoogleCloudEngine(environ={}).resolve("ar", VoiceSettings("google-cloud", **settings), Path("."))


def test_defaults_and_prices_follow_the_voice_family():
    e = GoogleCloudEngine(environ={})
    default = e.resolve("ar", VoiceSettings("google-cloud"), Path("."))
    assert default.voice.startswith("ar-XA-Wavenet-")  # pitch and SSML work with the default voice
    assert e.resolve("en", VoiceSettings("google-cloud"), Path(".")).voice.startswith("en-")
    prices = {name: e.price(e.resolve("ar", VoiceSettings("google-cloud", name), Path(".")))
              for name in ("ar-XA-Standard-A", "ar-XA-Wavenet-A", "ar-XA-Chirp3-HD-Kore")}
    standard, chirp = prices["ar-XA-Standard-A"], prices["ar-XA-Chirp3-HD-Kore"]
    assert standard is not None and chirp is not None and chirp.usd_per_million > standard.usd_per_million
    for price in (standard, chirp):
        assert price.source.startswith("https://") and price.source.endswith("read 2026-12-03")


def test_voices_lists_the_arabic_voices():
    result = CliRunner().invoke(main, ["voices", "--engine", "google-cloud", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.strip().splitlines()
    assert header == f"google-cloud (online, needs internet): {len(rows)} voice(s)"
    names = [row.split()[0] for row in rows]
    for family in ("Standard", "Wavenet"):
        assert {f"ar-XA-{family}-{letter}" for letter in "ABCD"} <= set(names)
    assert {"ar-XA-Chirp3-HD-Achernar", "ar-XA-Chirp3-HD-Zephyr", "ar-XA-Chirp3-HD-Charon"} <= set(names)
    assert all(name.startswith("ar-XA-") for name in names)
    assert "Modern Standard Arabic" in result.output and "female" in result.output and "male;" in result.output
