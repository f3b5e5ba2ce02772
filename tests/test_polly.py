"""The polly engine against a loopback stand-in of Amazon Polly's REST API (tests/standin_polly.py):
real HTTP, requests signed by botocore and the signature checked by recomputing it, real SSML parsed
by the server, real PCM decoded, real builds. AWS's configuration is the test's own: no ~/.aws, no
instance metadata service."""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines import VoiceNotFound
from guide.engines.http import Sender
from guide.engines.polly import PRICES, PollyEngine
from guide.errors import CredentialsError, EngineError, NetworkError
from guide.planner import take_key
from guide.script.model import VoiceSettings

from .standin_polly import AwsError, PollyStandIn

pytestmark = pytest.mark.usefixtures("allow_online")

AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_POLLY",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
)

POLLY_SCRIPT = """\
id: small-guide
title: {en: "Small guide", ar: "دليل صغير"}
languages: [en, ar]
voices:
  en: {engine: espeak, voice: en-us}
  ar: {engine: polly, voice: Hala%s}
intro: {en: "Welcome.", ar: "مرحبا بكم. هذا دليل قصير."}
faq:
  - id: how-long
    question: {en: "How long does it last?", ar: "كم يدوم؟"}
    answer: {en: "About four months.", ar: "نحو أربعة أشهر."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""

BOTH_SCRIPT = POLLY_SCRIPT.replace("{engine: espeak, voice: en-us}", "{engine: polly, voice: Joanna%s}")


@pytest.fixture
def aws(monkeypatch, tmp_path) -> Path:
    """AWS's configuration as this test writes it: none of the machine's, and no instance metadata service
    (the credential chain's last step, which would wait on a network call). Returns the folder for its files."""
    folder = tmp_path / "aws"
    folder.mkdir()
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(folder / "config"))
    return folder


@pytest.fixture
def polly(aws, monkeypatch, speech):
    samples, rate = speech
    with PollyStandIn(samples, rate) as server:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", server.access_key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", server.secret_key)
        monkeypatch.setenv("AWS_REGION", server.region)
        monkeypatch.setenv("AWS_ENDPOINT_URL_POLLY", server.url)
        yield server


def engine() -> PollyEngine:
    return PollyEngine(Sender("polly", timeout=(1.0, 0.5), retries=3, backoff=0.01))


def voice(name="Hala", lang="ar", **settings):
    return engine().resolve(lang, VoiceSettings("polly", name, **settings), Path("."))


def build(script: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", *extra])


def ssml_of(request) -> ET.Element:  # noqa: ANN001 - Seen
    return ET.fromstring(json.loads(request.body)["Text"])


def test_a_take_is_real_audio_from_a_signed_request(polly):
    chunk = engine().synthesize("مرحبا بكم", voice())
    assert chunk.sample_rate == 16000 and chunk.duration > 0.5
    assert np.array_equal(chunk.samples, polly.speech(16000))  # every sample, in order and byte order
    request = polly.synthesis_requests()[0]
    assert (request.method, request.path, request.headers["content-type"]) == ("POST", "/v1/speech", "application/json")
    assert re.match(rf"AWS4-HMAC-SHA256 Credential={polly.access_key}/\d{{8}}/{polly.region}/polly/aws4_request, ", request.headers["authorization"])
    assert request.extra == {"text": "مرحبا بكم", "voice": "Hala", "engine": "neural", "lang": "ar-AE", "rate": "16000",
                             "prosody": [], "phonemes": [], "tags": ["speak"]}
    fields = json.loads(request.body)
    assert (fields["OutputFormat"], fields["TextType"], fields["SampleRate"]) == ("pcm", "ssml", "16000")


def test_zeina_speaks_modern_standard_arabic_with_the_standard_engine(polly):
    zeina = voice("Zeina")
    assert (zeina.model, zeina.identity) == ("standard", "polly:standard:pcm-16000")
    engine().synthesize("مرحبا", zeina)
    assert {k: polly.synthesis_requests()[0].extra[k] for k in ("voice", "engine", "lang")} == {"voice": "Zeina", "engine": "standard", "lang": "arb"}


@pytest.mark.parametrize("speed, rate", [(1.2, "120%"), (0.5, "50%"), (2.0, "200%")])
def test_speed_is_a_prosody_rate_polly_takes(polly, speed, rate):
    chunk = engine().synthesize("hello", voice("Joanna", "en", speed=speed))  # the stand-in refuses rates Polly does not take
    assert chunk.duration > 0.5
    assert polly.synthesis_requests()[0].extra["prosody"] == [{"rate": rate}]


@pytest.mark.parametrize("settings, message", [
    ({"voice": "Hala", "pitch": 60}, "polly cannot change pitch: remove 'pitch' from voices.ar"),
    ({"voice": "Hala", "model": "generative"}, r"polly voice Hala has no 'generative' engine \(it has neural\)"),
    ({"voice": "Zeina", "model": "neural"}, r"polly voice Zeina has no 'neural' engine \(it has standard\)"),
    ({"voice": "Hala", "model": "eleven_multilingual_v2"}, "polly has no model 'eleven_multilingual_v2'"),
    ({"voice": "Joanna"}, "speaks en-US, not 'ar'"),
    ({"voice": "Fatima"}, r"polly voice 'Fatima' is not one guide knows \(for 'ar': Hala, Zayd, Zeina\)"),
])
def test_settings_polly_cannot_honour_are_refused(settings, message):
    with pytest.raises(VoiceNotFound, match=message):
        PollyEngine(environ={}).resolve("ar", VoiceSettings("polly", **settings), Path("."))


def test_a_model_is_pollys_engine_and_part_of_the_take(polly):
    voices = [voice("Joanna", "en", model=model) for model in ("neural", "standard", "generative")]
    assert [v.model for v in voices] == ["neural", "standard", "generative"]
    assert len({v.identity for v in voices}) == 3 and len({take_key(v, "Hello.") for v in voices}) == 3
    for v in voices:
        engine().synthesize("Hello.", v)
    assert [r.extra["engine"] for r in polly.synthesis_requests()] == ["neural", "standard", "generative"]
    assert voice("Hala", "ar", model="neural") == voice("hala")  # a voice name in any case; neural by default


def test_lexicon_phonemes_reach_polly_as_ipa(polly):
    joanna = voice("Joanna", "en")
    assert engine().phonemes(joanna) and engine().phonemes(voice()) and not engine().phonemes(voice("Joanna", "en", model="generative"))
    joanna = replace(joanna, phonemes=(("Botox", "ˈboʊtɑks"),))
    engine().synthesize("Botox & more.", joanna)
    request = polly.synthesis_requests()[0]
    assert request.extra["phonemes"] == [{"alphabet": "ipa", "ph": "ˈboʊtɑks"}]
    assert request.extra["text"] == "Botox & more."
    assert engine().billed_characters("Botox & more.", joanna) == len(request.extra["text"])  # tags are not billed


@pytest.mark.parametrize("hostile", ["a < b & c > d", 'say "this" and \'that\'', "]]> <![CDATA[ x ]]>", "<script>alert(1)</script>",
                                     "</prosody></speak><speak>", "&amp; &#x41; &lt;", "bell\x07 and \x1b escape"])
def test_hostile_text_arrives_as_text(polly, hostile):
    engine().synthesize(hostile, voice("Joanna", "en", speed=1.1))
    request = polly.synthesis_requests()[-1]
    assert [e.tag for e in ssml_of(request).iter()] == ["speak", "prosody"]  # well-formed, and no element came from the text
    assert request.extra["text"] == hostile.replace("\x07", "").replace("\x1b", "")


@pytest.mark.parametrize("storm", [["throttle", "throttle", "throttle"], [500], [503, "reset"], ["garbage"], ["html"], ["empty"],
                                   ["hang"], [AwsError(400, "ServiceUnavailableException"), "throttle"]])
def test_what_may_heal_is_retried(polly, storm):
    polly.script = list(storm)
    chunk = engine().synthesize("hello", voice("Joanna", "en"))
    assert np.array_equal(chunk.samples, polly.speech(16000))
    assert len(polly.synthesis_requests()) == len(storm) + 1


def test_throttling_past_the_retries_is_a_network_error_that_says_so(polly):
    polly.script = ["throttle"] * 10
    with pytest.raises(NetworkError, match=r"polly: 127\.0\.0\.1:\d+ throttled every request \(ThrottlingException, HTTP 400\) "
                                           r"after 3 retries: .*Wait a while") as raised:
        engine().synthesize("hello", voice("Joanna", "en"))
    assert not isinstance(raised.value, CredentialsError)
    assert len(polly.synthesis_requests()) == 4


def test_server_errors_past_the_retries_name_the_status(polly):
    polly.script = [500] * 10
    with pytest.raises(NetworkError, match=r"polly: 127\.0\.0\.1:\d+ answered HTTP 500 after 3 retries: .*Internal service failure"):
        engine().synthesize("hello", voice("Joanna", "en"))


def test_garbage_every_time_is_reported(polly):
    polly.script = ["garbage"] * 4
    with pytest.raises(NetworkError, match="polly: the service answered without usable audio"):
        engine().synthesize("hello", voice("Joanna", "en"))


def test_temporary_credentials_send_their_session_token_signed(polly, monkeypatch):
    monkeypatch.setenv("AWS_SESSION_TOKEN", "guide-test-session-token")
    assert engine().synthesize("hello", voice("Joanna", "en")).duration > 0.5  # the stand-in checked the signature
    request = polly.synthesis_requests()[0]
    assert request.headers["x-amz-security-token"] == "guide-test-session-token"
    assert "x-amz-security-token" in re.search(r"SignedHeaders=([^,]+)", request.headers["authorization"]).group(1).split(";")


@pytest.mark.parametrize("variable, value, error", [
    ("AWS_SECRET_ACCESS_KEY", "not-the-secret", "InvalidSignatureException"),
    ("AWS_ACCESS_KEY_ID", "AKIAANOTHERKEY000000", "UnrecognizedClientException"),
    ("AWS_REGION", "eu-west-1", "InvalidSignatureException"),  # signed for another region than the endpoint's
])
def test_refused_credentials_are_not_retried_and_stop_later_takes(polly, monkeypatch, variable, value, error):
    monkeypatch.setenv(variable, value)
    polly_engine = engine()
    with pytest.raises(CredentialsError, match=rf"polly: .* refused the AWS credentials \({error}, HTTP 403\).*AWS_SECRET_ACCESS_KEY"):
        polly_engine.synthesize("hello", voice("Joanna", "en"))
    assert len(polly.synthesis_requests()) == 1
    with pytest.raises(CredentialsError):
        polly_engine.synthesize("another sentence", voice("Joanna", "en"))
    assert len(polly.synthesis_requests()) == 1  # the next take was not asked


@pytest.mark.parametrize("answer, said", [
    (AwsError(400, "ExpiredTokenException"), "the session token has expired"),
    (AwsError(400, "UnrecognizedClientException"), "check AWS_ACCESS_KEY_ID"),
    (403, "may not call polly:SynthesizeSpeech"),
])
def test_credentials_aws_refuses_with_a_400_are_credentials_too(polly, answer, said):
    polly.script = [answer]
    with pytest.raises(CredentialsError, match=said):
        engine().synthesize("hello", voice("Joanna", "en"))
    assert len(polly.synthesis_requests()) == 1


@pytest.mark.parametrize("case", ["too long", "engine", "ssml", "language"])
def test_refused_requests_say_what_to_change(polly, case):
    text, joanna = "hello", voice("Joanna", "en")
    if case == "too long":
        text, said = "word " * 700, "split it in the script"
    elif case == "engine":
        joanna, said = replace(voice("Gregory", "en"), model="standard"), r"no 'standard' engine in me-south-1: change voices\.en\.model"
    elif case == "ssml":
        polly.script, said = [AwsError(400, "InvalidSsmlException")], "SSML Polly does not take"
    else:
        polly.script, said = [AwsError(400, "LanguageNotSupportedException")], "choose another polly voice for 'en'"
    with pytest.raises(EngineError, match=said) as raised:
        engine().synthesize(text, joanna)
    assert not isinstance(raised.value, (CredentialsError, NetworkError))
    assert len(polly.synthesis_requests()) == 1  # not retried


def test_build_against_the_stand_in_then_a_rebuild_sends_nothing(polly, tmp_path, write_script):
    from guide.audio.loudness import ebur128

    script = write_script(POLLY_SCRIPT % "")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "voice ar: polly:Hala" in result.output and "warning" not in result.output
    texts = [r.extra["text"] for r in polly.synthesis_requests()]
    sent = len(texts)
    assert sent >= 5 and len(set(texts)) == sent  # each Arabic sentence bought once
    assert {(r.extra["voice"], r.extra["engine"]) for r in polly.synthesis_requests()} == {("Hala", "neural")}
    folder = tmp_path / "out" / "small-guide"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for track in manifest["languages"]["ar"]["tracks"]:
        integrated, _ = ebur128(str(folder / track["file"]))
        assert abs(integrated + 16) <= 1.0, (track["file"], integrated)
    again = build(script, tmp_path / "out")
    assert again.exit_code == 0, again.output
    assert len(polly.synthesis_requests()) == sent  # every take is in the cache: nothing is bought twice


def test_a_new_model_or_voice_records_again(polly, tmp_path, write_script):
    script = write_script(BOTH_SCRIPT % ("", ""))
    assert build(script, tmp_path / "out").exit_code == 0
    first = polly.synthesis_requests()
    english = [r for r in first if r.extra["voice"] == "Joanna"]
    assert english and {r.extra["engine"] for r in english} == {"neural"}
    script.write_text(BOTH_SCRIPT % (", model: standard", ""), encoding="utf-8")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    resent = polly.synthesis_requests()[len(first):]
    assert sorted(r.extra["text"] for r in resent) == sorted(r.extra["text"] for r in english)  # English only, again
    assert {(r.extra["voice"], r.extra["engine"]) for r in resent} == {("Joanna", "standard")}
    script.write_text((BOTH_SCRIPT % (", model: standard", "")).replace("voice: Hala", "voice: Zayd"), encoding="utf-8")
    sent = len(polly.synthesis_requests())
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert {r.extra["voice"] for r in polly.synthesis_requests()[sent:]} == {"Zayd"}
    assert len(polly.synthesis_requests()) - sent == len(first) - len(english)


def test_a_failing_service_falls_back_to_the_offline_voice_with_a_warning(polly, tmp_path, write_script):
    # The first take is throttled past its retries; then the service drops every connection (and is given up on at once).
    polly.script = ["throttle"] * 5 + ["reset"] * 200
    script = write_script(POLLY_SCRIPT % ", fallback: {engine: espeak, voice: ar}")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "espeak:ar" in result.output
    assert "throttled every request (ThrottlingException, HTTP 400)" in result.output


def test_a_refused_secret_stops_the_build_even_with_a_fallback(polly, tmp_path, write_script, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    script = write_script(POLLY_SCRIPT % ", fallback: {engine: espeak, voice: ar}")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "refused the AWS credentials (InvalidSignatureException, HTTP 403)" in result.output and "Traceback" not in result.output
    assert len(polly.synthesis_requests()) == 1  # not retried, and no other take was asked for


@pytest.mark.parametrize("case, named", [
    ("no keys", "polly needs AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
    ("only the key id", "polly cannot read the AWS credentials: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY"),
    ("no such profile", "polly cannot read the AWS credentials: The config profile (clinic) could not be found"),
])
def test_missing_credentials_are_named_before_anything_is_recorded(polly, tmp_path, write_script, monkeypatch, case, named):
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    if case != "only the key id":
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    if case == "no such profile":
        monkeypatch.setenv("AWS_PROFILE", "clinic")
    script = write_script(POLLY_SCRIPT % "")
    for command in (["check", str(script)], ["build", str(script), "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert f"{script}:6: voices.ar: {named}" in result.output, result.output
        assert "Traceback" not in result.output
    assert polly.seen == [] and not (tmp_path / "out").exists()


def test_without_botocore_the_extra_to_install_is_named(polly, tmp_path, write_script, monkeypatch):
    for name in [m for m in sys.modules if m == "botocore" or m.startswith("botocore.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed: importing it fails
    assert "pip install -e '.[polly]'" in PollyEngine().missing_credentials()
    script = write_script(POLLY_SCRIPT % "")
    result = CliRunner().invoke(main, ["check", str(script)])
    assert result.exit_code == 2 and f"{script}:6: voices.ar: polly signs its requests with botocore" in result.output, result.output
    assert polly.seen == []


def test_a_profile_in_the_shared_files_gives_credentials_region_and_endpoint(polly, aws, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL_POLLY"):
        monkeypatch.delenv(name)
    (aws / "credentials").write_text(f"[clinic]\naws_access_key_id = {polly.access_key}\naws_secret_access_key = {polly.secret_key}\n")
    (aws / "config").write_text(f"[profile clinic]\nregion = {polly.region}\nservices = local\n\n"
                                f"[services local]\npolly =\n  endpoint_url = {polly.url}\n")
    monkeypatch.setenv("AWS_PROFILE", "clinic")
    polly_engine = engine()
    assert polly_engine.missing_credentials() is None
    assert (polly_engine.region(), polly_engine.base_url()) == (polly.region, polly.url)
    assert polly_engine.synthesize("hello", voice("Joanna", "en")).duration > 0.5  # signed with the file's key, for its region
    assert polly.synthesis_requests()[0].headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={polly.access_key}/")


def test_a_build_with_a_profile_in_the_shared_files(polly, aws, monkeypatch, tmp_path, write_script):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    (aws / "credentials").write_text(f"[clinic]\naws_access_key_id = {polly.access_key}\naws_secret_access_key = {polly.secret_key}\n")
    monkeypatch.setenv("AWS_PROFILE", "clinic")
    result = build(write_script(POLLY_SCRIPT % ""), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(polly.synthesis_requests()) >= 5


def test_the_endpoint_is_awss_own_configuration(aws, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert PollyEngine().base_url() == "https://polly.eu-west-1.amazonaws.com"
    monkeypatch.setenv("AWS_REGION", "cn-northwest-1")  # AWS_REGION first, as the AWS CLI and SDKs read it
    assert PollyEngine().base_url() == "https://polly.cn-northwest-1.amazonaws.com.cn"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9/")
    assert PollyEngine().base_url() == "http://127.0.0.1:9"
    monkeypatch.setenv("AWS_ENDPOINT_URL_POLLY", "http://127.0.0.1:8")
    assert PollyEngine().base_url() == "http://127.0.0.1:8"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert PollyEngine().base_url() == "https://polly.cn-northwest-1.amazonaws.com.cn"
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)
    assert PollyEngine().region() == "us-east-1"


def test_check_estimates_what_a_build_sends_and_costs(polly, tmp_path, write_script):
    script = write_script(POLLY_SCRIPT % "")
    cache = tmp_path / "cache"
    before = CliRunner().invoke(main, ["check", str(script), "--cache-dir", str(cache)])
    assert before.exit_code == 0, before.output
    assert polly.seen == []  # estimating sends nothing
    result = CliRunner().invoke(main, ["build", str(script), "--out", str(tmp_path / "out"), "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    sent = polly.synthesis_requests()
    characters = sum(len(r.extra["text"]) for r in sent)  # what Polly bills: the text, not the SSML tags
    line = next(l for l in before.output.splitlines() if l.strip().startswith("polly:"))
    assert f"a cold build sends {characters:,} characters ({len(sent)} takes)" in line
    cold = characters * PRICES["neural"].usd_per_million / 1e6
    said = float(re.search(r"about US\$([0-9.e-]+) cold", line).group(1))
    assert abs(said - cold) <= 0.05 * cold and "(Neural voices; https://aws.amazon.com/polly/pricing/" in line and "read 2026-12-03" in line
    zeina = CliRunner().invoke(main, ["plan", str(write_script(POLLY_SCRIPT.replace("Hala%s", "Zeina"), "zeina.yaml")),
                                      "--out", str(tmp_path / "out"), "--cache-dir", str(cache), "--json"])
    online = json.loads(zeina.output)["online"]
    assert [(o["engine"], o["characters"]) for o in online] == [("polly", characters)]  # the same text...
    assert online[0]["usd_per_million"] < PRICES["neural"].usd_per_million  # ...at the standard engine's lower price


def test_voices_lists_the_arabic_voices():
    result = CliRunner().invoke(main, ["voices", "--engine", "polly", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    assert "polly (online, needs internet): 3 voice(s)" in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:]}
    assert list(lines) == ["Hala", "Zayd", "Zeina"]
    assert "Arabic (Gulf), female; neural (default)" in lines["Hala"] and "Arabic (Modern Standard), female; standard" in lines["Zeina"]
