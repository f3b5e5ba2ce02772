"""gTTS against a loopback stand-in of its endpoint: success, 429 then success, timeout, refused."""

from __future__ import annotations

import socket
from pathlib import Path

import gtts.tts
import numpy as np
import pytest

from guide.engines.gtts import GttsEngine
from guide.errors import NetworkError
from guide.script.model import VoiceSettings

from .gtts_standin import StandIn


@pytest.fixture
def standin(mp3_bytes, monkeypatch):
    with StandIn(mp3_bytes) as server:
        # Point gtts's URL builder at the stand-in: every request gtts plans goes to loopback.
        monkeypatch.setattr(gtts.tts, "_translate_url", server.url)
        yield server


def engine(**kwargs) -> GttsEngine:
    return GttsEngine(**{"timeout": (1.0, 0.5), "retries": 3, "backoff": 0.01, **kwargs})


def voice(lang="ar", **settings):
    return engine().resolve(lang, VoiceSettings("gtts", **settings), Path("."))


def test_success_decodes_real_audio(standin):
    chunk = engine().synthesize("مرحبا بكم", voice("ar"))
    assert chunk.sample_rate == 44100 and chunk.duration > 0.5
    assert np.abs(chunk.samples.astype(np.int32)).max() > 1000
    assert standin.requests == [{"path": "/_/TranslateWebserverUi/data/batchexecute", "rpc": "jQ1olc", "text": "مرحبا بكم", "lang": "ar", "speed": None}]
    assert standin.tlds == ["com"]


def test_long_text_is_planned_as_several_requests(standin):
    text = "This sentence is long enough, with clauses and commas, that gTTS must cut it into parts, because its limit is one hundred characters per request."
    requests = engine().plan_requests(text, voice("en"))
    assert len(requests) >= 2
    engine().synthesize(text, voice("en"))
    assert len(standin.requests) == len(requests)


def test_slow_and_tld_reach_the_request(standin):
    engine().synthesize("hello", voice("en", slow=True, tld="co.uk"))
    assert standin.requests[0]["speed"] is True  # gtts's Speed.SLOW
    assert standin.tlds == ["co.uk"]


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limit_and_server_errors_are_retried(standin, status):
    standin.script = [status, status]
    chunk = engine().synthesize("hello", voice("en"))
    assert chunk.duration > 0.5
    assert len(standin.requests) == 3


def test_persistent_429_is_a_clear_error(standin):
    standin.script = [429] * 10
    with pytest.raises(NetworkError, match="HTTP 429 after 3 retries.*rate limited"):
        engine().synthesize("hello", voice("en"))
    assert len(standin.requests) == 4  # first try + 3 retries, then stop


def test_timeout_is_retried_then_reported(standin):
    standin.script = ["hang"] * 10
    standin.hang_seconds = 1.5
    with pytest.raises(NetworkError, match="did not answer within 0.5 s.*offline engine"):
        engine(retries=1).synthesize("hello", voice("en"))


def test_timeout_then_success(standin):
    standin.script = ["hang"]
    standin.hang_seconds = 1.5
    assert engine(retries=2).synthesize("hello", voice("en")).duration > 0.5


def test_answer_without_audio_is_reported(standin):
    standin.script = ["garbage"]
    with pytest.raises(NetworkError, match="without audio"):
        engine().synthesize("hello", voice("en"))


def test_connection_refused_says_to_use_an_offline_engine(monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(gtts.tts, "_translate_url", lambda tld="com", path="": f"http://127.0.0.1:{port}/{path}")
    with pytest.raises(NetworkError, match=r"cannot reach 127\.0\.0\.1:\d+ \(connection refused\).*offline.*engine: espeak"):
        engine().synthesize("مرحبا", voice("ar"))


def test_speed_uses_tempo_without_changing_rate(standin):
    normal = engine().synthesize("hello", voice("en"))
    fast = engine().synthesize("hello", voice("en", speed=1.5))
    assert fast.sample_rate == normal.sample_rate
    assert fast.duration < 0.8 * normal.duration
