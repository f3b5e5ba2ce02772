"""The azure engine against a loopback stand-in of Azure AI Speech's REST API (tests/cloud_standin.py):
real HTTP, real SSML parsed by the server, real audio decoded, real builds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines.azure import AzureEngine
from guide.engines.http import Sender
from guide.errors import CredentialsError, NetworkError
from guide.script.model import VoiceSettings

from .cloud_standin import AzureStandIn

pytestmark = pytest.mark.usefixtures("allow_online")

AZURE_SCRIPT = """\
id: small-guide
title: {en: "Small guide", ar: "دليل صغير"}
languages: [en, ar]
voices:
  en: {engine: espeak, voice: en-us}
  ar: {engine: azure, voice: ar-SA-ZariyahNeural%s}
intro: {en: "Welcome.", ar: "مرحبا بكم. هذا دليل قصير."}
faq:
  - id: how-long
    question: {en: "How long does it last?", ar: "كم يدوم؟"}
    answer: {en: "About four months.", ar: "نحو أربعة أشهر."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""


@pytest.fixture
def azure(monkeypatch, speech):
    samples, rate = speech
    with AzureStandIn(samples, rate) as server:
        for name in ("AZURE_SPEECH_KEY", "SPEECH_KEY", "AZURE_SPEECH_REGION", "SPEECH_REGION"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AZURE_SPEECH_KEY", server.key)
        monkeypatch.setenv("AZURE_SPEECH_REGION", "westeurope")
        monkeypatch.setenv("GUIDE_AZURE_URL", server.url)
        yield server


def engine() -> AzureEngine:
    return AzureEngine(Sender("azure", timeout=(1.0, 0.5), retries=3, backoff=0.01))


def voice(name="ar-SA-ZariyahNeural", lang="ar", **settings):
    return engine().resolve(lang, VoiceSettings("azure", name, **settings), Path("."))


def build(script: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", *extra])


def test_a_take_is_real_audio_from_well_formed_ssml(azure):
    chunk = engine().synthesize("مرحبا بكم", voice())
    assert chunk.sample_rate == 24000 and chunk.duration > 0.5
    request = azure.synthesis_requests()[0]
    assert request.headers["x-microsoft-outputformat"] == "riff-24khz-16bit-mono-pcm"
    assert request.headers["ocp-apim-subscription-key"] == azure.key
    assert request.extra == {"text": "مرحبا بكم", "voice": "ar-SA-ZariyahNeural", "lang": "ar-SA", "prosody": [], "phonemes": []}


def test_speed_and_pitch_are_prosody(azure):
    engine().synthesize("hello", voice("en-US-JennyNeural", "en", speed=1.2, pitch=60))
    assert azure.synthesis_requests()[0].extra["prosody"] == [{"rate": "+20%", "pitch": "+2st"}]


@pytest.mark.parametrize("hostile", ["a < b & c > d", 'say "this" and \'that\'', "]]> <![CDATA[ x ]]>", "<script>alert(1)</script>",
                                     "</voice></speak><speak>", "&amp; &#x41; &lt;", "bell\x07 and \x1b escape"])
def test_hostile_text_arrives_as_text(azure, hostile):
    engine().synthesize(hostile, voice("en-US-JennyNeural", "en"))
    request = azure.synthesis_requests()[-1]
    root = ET.fromstring(request.body)  # well-formed, or this raises
    assert [e.tag.split("}")[1] for e in root.iter()] == ["speak", "voice"]  # no element came from the text
    assert request.extra["text"] == hostile.replace("\x07", "").replace("\x1b", "")


@pytest.mark.parametrize("storm", [[429, 429, 429], [500], [503, "reset"], ["garbage"], ["hang"]])
def test_what_may_heal_is_retried(azure, storm):
    azure.script = list(storm)
    assert engine().synthesize("hello", voice("en-US-JennyNeural", "en")).duration > 0.5
    assert len(azure.synthesis_requests()) == len(storm) + 1


def test_a_429_storm_past_the_retries_is_a_network_error(azure):
    azure.script = [429] * 10
    with pytest.raises(NetworkError, match=r"azure: 127\.0\.0\.1:\d+ answered HTTP 429 after 3 retries \(rate limited"):
        engine().synthesize("hello", voice("en-US-JennyNeural", "en"))
    assert len(azure.synthesis_requests()) == 4


def test_garbage_every_time_is_reported(azure):
    azure.script = ["garbage"] * 4
    with pytest.raises(NetworkError, match="azure: the service answered without usable audio"):
        engine().synthesize("hello", voice("en-US-JennyNeural", "en"))


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_not_retried(azure, status):
    azure.script = [status]
    with pytest.raises(CredentialsError, match=rf"azure: .* refused the key \(HTTP {status}\): check AZURE_SPEECH_KEY"):
        engine().synthesize("hello", voice("en-US-JennyNeural", "en"))
    assert len(azure.synthesis_requests()) == 1


def test_build_against_the_stand_in_then_a_rebuild_sends_nothing(azure, tmp_path, write_script):
    from guide.audio.loudness import ebur128

    script = write_script(AZURE_SCRIPT % "")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "voice ar: azure:ar-SA-ZariyahNeural" in result.output and "warning" not in result.output
    texts = [r.extra["text"] for r in azure.synthesis_requests()]
    sent = len(texts)
    assert sent >= 5 and len(set(texts)) == sent  # each Arabic sentence bought once
    assert {r.extra["voice"] for r in azure.synthesis_requests()} == {"ar-SA-ZariyahNeural"}
    folder = tmp_path / "out" / "small-guide"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for track in manifest["languages"]["ar"]["tracks"]:
        integrated, _ = ebur128(str(folder / track["file"]))
        assert abs(integrated + 16) <= 1.0, (track["file"], integrated)
    again = build(script, tmp_path / "out")
    assert again.exit_code == 0, again.output
    assert len(azure.synthesis_requests()) == sent  # every take is in the cache: nothing is bought twice


def test_a_new_voice_records_again(azure, tmp_path, write_script):
    script = write_script(AZURE_SCRIPT % "")
    assert build(script, tmp_path / "out").exit_code == 0
    sent = len(azure.synthesis_requests())
    script.write_text((AZURE_SCRIPT % "").replace("ZariyahNeural", "HamedNeural"), encoding="utf-8")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(azure.synthesis_requests()) == 2 * sent
    assert {r.extra["voice"] for r in azure.synthesis_requests()[sent:]} == {"ar-SA-HamedNeural"}


def test_a_failing_service_falls_back_to_the_offline_voice_with_a_warning(azure, tmp_path, write_script):
    azure.script = [503] * 200
    script = write_script(AZURE_SCRIPT % ", fallback: {engine: espeak, voice: ar}")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "espeak:ar" in result.output


def test_a_refused_key_stops_the_build_even_with_a_fallback(azure, tmp_path, write_script):
    azure.script = [401] * 50
    script = write_script(AZURE_SCRIPT % ", fallback: {engine: espeak, voice: ar}")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "refused the key (HTTP 401)" in result.output and "Traceback" not in result.output
    assert len(azure.synthesis_requests()) == 1  # not retried, and no other take was asked for


@pytest.mark.parametrize("unset, named", [(("AZURE_SPEECH_KEY",), "AZURE_SPEECH_KEY"), (("AZURE_SPEECH_REGION", "GUIDE_AZURE_URL"), "AZURE_SPEECH_REGION")])
def test_a_missing_credential_is_named_before_anything_is_recorded(azure, tmp_path, write_script, monkeypatch, unset, named):
    for name in unset:
        monkeypatch.delenv(name)
    script = write_script(AZURE_SCRIPT % "")
    for command in (["check", str(script)], ["build", str(script), "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert f"{script}:6: voices.ar: azure needs" in result.output and named in result.output
        assert "Traceback" not in result.output
    assert azure.seen == [] and not (tmp_path / "out").exists()


def test_microsofts_own_variable_names_are_accepted(azure, monkeypatch):
    monkeypatch.delenv("AZURE_SPEECH_KEY")
    monkeypatch.setenv("SPEECH_KEY", azure.key)
    assert engine().missing_credentials() is None
    assert engine().synthesize("hello", voice("en-US-JennyNeural", "en")).duration > 0.5


@pytest.mark.parametrize("settings, message", [
    ({"voice": "Zariyah"}, "not a voice name like ar-SA-ZariyahNeural"),
    ({"voice": "en-US-JennyNeural"}, "speaks en-US, not 'ar'"),
    ({"voice": "ar-SA-ZariyahNeural", "model": "x"}, "no models"),
])
def test_wrong_voices_are_named(settings, message):
    from guide.engines import VoiceNotFound

    with pytest.raises(VoiceNotFound, match=message):
        AzureEngine(environ={}).resolve("ar", VoiceSettings("azure", **settings), Path("."))


def test_voices_lists_every_arabic_locale():
    result = CliRunner().invoke(main, ["voices", "--engine", "azure", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    assert "azure (online, needs internet): 32 voice(s)" in result.output
    assert "ar-EG-SalmaNeural" in result.output and "Arabic (Egypt), female" in result.output


PHONEME_SCRIPT = """\
id: small-guide
title: {en: "Small guide", ar: "دليل صغير"}
languages: [en, ar]
lexicon:
  ar:
    البوتوكس: {ipa: "%s"}
  en:
    Botox: {say: "BOH-tocks", ipa: "ˈboʊtɑks"}
voices:
  en: {engine: espeak, voice: en-us}
  ar: {engine: azure, voice: ar-SA-ZariyahNeural}
intro: {en: "Botox is common.", ar: "البوتوكس شائع. هذا دليل قصير."}
outro: {en: "Thank you.", ar: "شكرا لكم."}
"""


def test_lexicon_ipa_becomes_a_phoneme_and_only_its_sentences_record_again(azure, tmp_path, write_script):
    script = write_script(PHONEME_SCRIPT % "ʔalbuːtuːks")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    by_text = {r.extra["text"]: r.extra["phonemes"] for r in azure.synthesis_requests()}
    assert by_text["البوتوكس شائع."] == [{"alphabet": "ipa", "ph": "ʔalbuːtuːks"}]
    assert all(not p for text, p in by_text.items() if "البوتوكس" not in text)
    sent = len(azure.synthesis_requests())
    script.write_text(PHONEME_SCRIPT % "ʔalbotoks", encoding="utf-8")
    again = build(script, tmp_path / "out")
    assert again.exit_code == 0, again.output
    resent = azure.synthesis_requests()[sent:]
    assert [r.extra["text"] for r in resent] == ["البوتوكس شائع."]  # the other sentences' keys did not change
    assert resent[0].extra["phonemes"] == [{"alphabet": "ipa", "ph": "ʔalbotoks"}]


def test_check_estimates_what_a_build_sends_and_costs(azure, tmp_path, write_script):
    from guide.engines import ssml
    from guide.engines.azure import PRICE

    script = write_script(AZURE_SCRIPT % "")
    cache = tmp_path / "cache"
    before = CliRunner().invoke(main, ["check", str(script), "--cache-dir", str(cache)])
    assert before.exit_code == 0, before.output
    assert azure.seen == []  # estimating sends nothing
    result = CliRunner().invoke(main, ["build", str(script), "--out", str(tmp_path / "out"), "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    sent = azure.synthesis_requests()
    characters = sum(len(ssml.text(r.extra["text"])) for r in sent)  # what Azure bills: the text inside <voice>
    cold = characters * PRICE.usd_per_million / 1e6
    line = next(l for l in before.output.splitlines() if l.strip().startswith("azure:"))
    assert f"a cold build sends {characters:,} characters ({len(sent)} takes)" in line
    assert f"the next build {characters:,} ({len(sent)} takes not in the cache)" in line
    said = float(re.search(r"about US\$([0-9.e-]+) cold", line).group(1))
    assert abs(said - cold) <= 0.05 * cold and "US$15 per million characters" in line and "read 2026-12-03" in line
    after = CliRunner().invoke(main, ["check", str(script), "--cache-dir", str(cache)])
    assert "the next build 0 (0 takes not in the cache)" in after.output and "cold, US$0.00 next" in after.output
    plan = CliRunner().invoke(main, ["plan", str(script), "--out", str(tmp_path / "out"), "--cache-dir", str(cache), "--json"])
    online = json.loads(plan.output)["online"]
    assert [(o["engine"], o["characters"], o["next_characters"]) for o in online] == [("azure", characters, 0)]
