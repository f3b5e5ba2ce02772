"""The polly engine's own behaviour against a loopback stand-in of Amazon Polly's REST API (tests/standin_polly.py):
requests signed by botocore and the signature checked by recomputing it, Polly's engines (models) and voices,
its prosody and phonemes, its refusals, AWS's own configuration (profiles, endpoints, botocore).
AWS's configuration is the test's own: no ~/.aws, no instance metadata service.
What every cloud engine must do is tests/test_cloud_contract.py's (POLLY in tests/engine_contract.py)."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines.polly import PRICES, PollyEngine
from guide.errors import CredentialsError, EngineError, NetworkError
from guide.planner import take_key

from .engine_contract import POLLY, isolate_aws
from .standin_polly import AwsError

pytestmark = pytest.mark.usefixtures("allow_online")

BOTH_SCRIPT = POLLY.script().replace("{engine: espeak, voice: en-us}", "{engine: polly, voice: Joanna%s}")
"""The contract's script with Polly speaking English too (Joanna; %s: more of voices.en's settings)."""


@pytest.fixture
def aws(monkeypatch, tmp_path) -> Path:
    """AWS's configuration as this test writes it: none of the machine's, and no instance metadata service
    (the credential chain's last step, which would wait on a network call). Returns the folder for its files."""
    folder = tmp_path / "aws"
    isolate_aws(monkeypatch, folder)
    return folder


@pytest.fixture
def polly(aws, monkeypatch, speech):
    """Polly's stand-in, running, with the engine configured for it, as the contract tests configure it."""
    with POLLY.serve(monkeypatch, speech, aws) as server:
        yield server


def engine() -> PollyEngine:
    return POLLY.engine()


def voice(name="Hala", lang="ar", **settings):
    return POLLY.resolve(name, lang, **settings)


def build(script: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", *extra])


def test_a_take_is_real_audio_from_a_signed_request(polly):
    chunk = engine().synthesize("مرحبا بكم", voice())
    assert chunk.sample_rate == 16000 and chunk.duration > 0.5
    assert np.array_equal(chunk.samples, polly.speech(16000))  # every sample, in order and byte order
    request = polly.synthesis_requests()[0]
    assert (request.method, request.path, request.headers["content-type"]) == ("POST", "/v1/speech", "application/json")
    assert re.match(
        rf"AWS4-HMAC-SHA256 Credential={polly.access_key}/\d{{8}}/{polly.region}/polly/aws4_request, ",
        request.headers["authorization"],
    )
    assert request.extra == {
        "text": "مرحبا بكم",
        "voice": "Hala",
        "engine": "neural",
        "lang": "ar-AE",
        "rate": "16000",
        "prosody": [],
        "phonemes": [],
        "tags": ["speak"],
    }
    fields = json.loads(request.body)
    assert (fields["OutputFormat"], fields["TextType"], fields["SampleRate"]) == ("pcm", "ssml", "16000")


def test_zeina_speaks_modern_standard_arabic_with_the_standard_engine(polly):
    zeina = voice("Zeina")
    assert (zeina.model, zeina.identity) == ("standard", "polly:standard:pcm-16000")
    engine().synthesize("مرحبا", zeina)
    assert {k: polly.synthesis_requests()[0].extra[k] for k in ("voice", "engine", "lang")} == {
        "voice": "Zeina",
        "engine": "standard",
        "lang": "arb",
    }


@pytest.mark.parametrize("speed, rate", [(1.2, "120%"), (0.5, "50%"), (2.0, "200%")])
def test_speed_is_a_prosody_rate_polly_takes(polly, speed, rate):
    chunk = engine().synthesize(
        "hello", voice("Joanna", "en", speed=speed)
    )  # the stand-in refuses rates Polly does not take
    assert chunk.duration > 0.5
    assert polly.synthesis_requests()[0].extra["prosody"] == [{"rate": rate}]


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
    assert (
        engine().phonemes(joanna)
        and engine().phonemes(voice())
        and not engine().phonemes(voice("Joanna", "en", model="generative"))
    )
    joanna = replace(joanna, phonemes=(("Botox", "ˈboʊtɑks"),))
    engine().synthesize("Botox & more.", joanna)
    request = polly.synthesis_requests()[0]
    assert request.extra["phonemes"] == [{"alphabet": "ipa", "ph": "ˈboʊtɑks"}]
    assert request.extra["text"] == "Botox & more."
    assert engine().billed_characters("Botox & more.", joanna) == len(request.extra["text"])  # tags are not billed


def test_temporary_credentials_send_their_session_token_signed(polly, monkeypatch):
    monkeypatch.setenv("AWS_SESSION_TOKEN", "guide-test-session-token")
    assert engine().synthesize("hello", voice("Joanna", "en")).duration > 0.5  # the stand-in checked the signature
    request = polly.synthesis_requests()[0]
    assert request.headers["x-amz-security-token"] == "guide-test-session-token"
    assert "x-amz-security-token" in re.search(r"SignedHeaders=([^,]+)", request.headers["authorization"]).group(
        1
    ).split(";")


@pytest.mark.parametrize("case", ["too long", "engine", "ssml", "language"])
def test_refused_requests_say_what_to_change(polly, case):
    text, joanna = "hello", voice("Joanna", "en")
    if case == "too long":
        text, said = "word " * 700, "split it in the script"
    elif case == "engine":
        joanna, said = (
            replace(voice("Gregory", "en"), model="standard"),
            r"no 'standard' engine in me-south-1: change voices\.en\.model",
        )
    elif case == "ssml":
        polly.script, said = [AwsError(400, "InvalidSsmlException")], "SSML Polly does not take"
    else:
        polly.script, said = [AwsError(400, "LanguageNotSupportedException")], "choose another polly voice for 'en'"
    with pytest.raises(EngineError, match=said) as raised:
        engine().synthesize(text, joanna)
    assert not isinstance(raised.value, (CredentialsError, NetworkError))
    assert len(polly.synthesis_requests()) == 1  # not retried


def test_a_new_model_records_only_its_language_again(polly, tmp_path, write_script):
    """A model is Polly's engine: changing English's re-records English only, with the new engine
    (a changed voice is the contract's test_a_new_voice_records_again)."""
    script = write_script(BOTH_SCRIPT % "")
    assert build(script, tmp_path / "out").exit_code == 0
    first = polly.synthesis_requests()
    english = [r for r in first if r.extra["voice"] == "Joanna"]
    assert english and {r.extra["engine"] for r in english} == {"neural"}
    script.write_text(BOTH_SCRIPT % ", model: standard", encoding="utf-8")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    resent = polly.synthesis_requests()[len(first) :]
    assert sorted(r.extra["text"] for r in resent) == sorted(r.extra["text"] for r in english)  # English only, again
    assert {(r.extra["voice"], r.extra["engine"]) for r in resent} == {("Joanna", "standard")}


def test_without_botocore_the_extra_to_install_is_named(polly, tmp_path, write_script, monkeypatch):
    for name in [m for m in sys.modules if m == "botocore" or m.startswith("botocore.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed: importing it fails
    assert "pip install -e '.[polly]'" in PollyEngine().missing_credentials()
    script = write_script(POLLY.script())
    result = CliRunner().invoke(main, ["check", str(script)])
    assert (
        result.exit_code == 2 and f"{script}:6: voices.ar: polly signs its requests with botocore" in result.output
    ), result.output
    assert polly.seen == []


def test_a_profile_in_the_shared_files_gives_credentials_region_and_endpoint(polly, aws, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL_POLLY"):
        monkeypatch.delenv(name)
    (aws / "credentials").write_text(
        f"[clinic]\naws_access_key_id = {polly.access_key}\naws_secret_access_key = {polly.secret_key}\n"
    )
    (aws / "config").write_text(
        f"[profile clinic]\nregion = {polly.region}\nservices = local\n\n"
        f"[services local]\npolly =\n  endpoint_url = {polly.url}\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "clinic")
    polly_engine = engine()
    assert polly_engine.missing_credentials() is None
    assert (polly_engine.region(), polly_engine.base_url()) == (polly.region, polly.url)
    assert (
        polly_engine.synthesize("hello", voice("Joanna", "en")).duration > 0.5
    )  # signed with the file's key, for its region
    assert (
        polly.synthesis_requests()[0]
        .headers["authorization"]
        .startswith(f"AWS4-HMAC-SHA256 Credential={polly.access_key}/")
    )


def test_a_build_with_a_profile_in_the_shared_files(polly, aws, monkeypatch, tmp_path, write_script):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    (aws / "credentials").write_text(
        f"[clinic]\naws_access_key_id = {polly.access_key}\naws_secret_access_key = {polly.secret_key}\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "clinic")
    result = build(write_script(POLLY.script()), tmp_path / "out")
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


def test_a_standard_voice_is_estimated_at_the_standard_engines_price(polly, tmp_path, write_script):
    """The same text costs less with Zeina (standard) than with Hala (neural): `plan` prices each voice by its engine
    (what a build sends and bills, and Hala's price, are the contract's
    test_check_estimates_what_a_build_sends_and_costs)."""
    plans = {}
    for name in ("Hala", "Zeina"):
        plan = CliRunner().invoke(
            main,
            [
                "plan",
                str(write_script(POLLY.script(voice=name), f"{name}.yaml")),
                "--out",
                str(tmp_path / "out"),
                "--cache-dir",
                str(tmp_path / "cache"),
                "--json",
            ],
        )
        assert plan.exit_code == 0, plan.output
        (plans[name],) = json.loads(plan.output)["online"]
    assert plans["Hala"]["engine"] == plans["Zeina"]["engine"] == "polly"
    assert plans["Hala"]["characters"] == plans["Zeina"]["characters"] > 0  # the same text...
    assert plans["Hala"]["usd_per_million"] == PRICES["neural"].usd_per_million
    assert (
        plans["Zeina"]["usd_per_million"] < PRICES["neural"].usd_per_million
    )  # ...at the standard engine's lower price
