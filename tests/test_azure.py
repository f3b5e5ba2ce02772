"""The azure engine's own behaviour against a loopback stand-in of Azure AI Speech's REST API
(tests/cloud_standin.py): its SSML on the wire, its prosody, Microsoft's own variable names, phonemes.
What every cloud engine must do is tests/test_cloud_contract.py's (AZURE in tests/engine_contract.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines.azure import AzureEngine

from .engine_contract import AZURE

pytestmark = pytest.mark.usefixtures("allow_online")


@pytest.fixture
def azure(monkeypatch, speech, tmp_path):
    """Azure's stand-in, running, with the engine configured for it (as the contract tests configure it)."""
    with AZURE.serve(monkeypatch, speech, tmp_path / "config") as server:
        yield server


def engine() -> AzureEngine:
    return AZURE.engine()


def voice(name="ar-SA-ZariyahNeural", lang="ar", **settings):
    return AZURE.resolve(name, lang, **settings)


def build(script: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", *extra])


def test_a_take_is_real_audio_from_well_formed_ssml(azure):
    chunk = engine().synthesize("مرحبا بكم", voice())
    assert chunk.sample_rate == 24000 and chunk.duration > 0.5
    request = azure.synthesis_requests()[0]
    assert request.headers["x-microsoft-outputformat"] == "riff-24khz-16bit-mono-pcm"
    assert request.headers["ocp-apim-subscription-key"] == azure.key
    assert request.extra == {
        "text": "مرحبا بكم",
        "voice": "ar-SA-ZariyahNeural",
        "lang": "ar-SA",
        "prosody": [],
        "phonemes": [],
    }


def test_speed_and_pitch_are_prosody(azure):
    engine().synthesize("hello", voice("en-US-JennyNeural", "en", speed=1.2, pitch=60))
    assert azure.synthesis_requests()[0].extra["prosody"] == [{"rate": "+20%", "pitch": "+2st"}]


def test_microsofts_own_variable_names_are_accepted(azure, monkeypatch):
    monkeypatch.delenv("AZURE_SPEECH_KEY")
    monkeypatch.setenv("SPEECH_KEY", azure.key)
    assert engine().missing_credentials() is None
    assert engine().synthesize("hello", voice("en-US-JennyNeural", "en")).duration > 0.5


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
