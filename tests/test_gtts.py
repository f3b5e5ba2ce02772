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

pytestmark = pytest.mark.usefixtures("allow_online")  # these tests ask gTTS (a loopback stand-in)


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
    assert standin.requests == [
        {
            "path": "/_/TranslateWebserverUi/data/batchexecute",
            "rpc": "jQ1olc",
            "text": "مرحبا بكم",
            "lang": "ar",
            "speed": None,
        }
    ]
    assert standin.tlds == ["com"]


def test_long_text_is_planned_as_several_requests(standin):
    text = (
        "This sentence is long enough, with clauses and commas, that gTTS must cut it into parts, because its "
        "limit is one hundred characters per request."
    )
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
    with pytest.raises(NetworkError, match=r"HTTP 429 after 3 retries.*rate limited"):
        engine().synthesize("hello", voice("en"))
    assert len(standin.requests) == 4  # first try + 3 retries, then stop


def test_timeout_is_retried_then_reported(standin):
    standin.script = ["hang"] * 10
    standin.hang_seconds = 1.5
    with pytest.raises(NetworkError, match=r"did not answer within 0.5 s.*offline engine"):
        engine(retries=1).synthesize("hello", voice("en"))


def test_timeout_then_success(standin):
    standin.script = ["hang"]
    standin.hang_seconds = 1.5
    assert engine(retries=2).synthesize("hello", voice("en")).duration > 0.5


@pytest.mark.parametrize("answer", ["garbage", "empty", "truncated", "reset", 500, 502, 504])
def test_a_bad_answer_is_retried(standin, answer):
    standin.script = [answer]
    assert engine().synthesize("hello", voice("en")).duration > 0.5
    assert len(standin.requests) == 2


@pytest.mark.parametrize("answer", ["garbage", "empty", "truncated"])
def test_answers_without_audio_every_time_are_reported(standin, answer):
    standin.script = [answer] * 10
    with pytest.raises(NetworkError, match="without audio"):
        engine().synthesize("hello", voice("en"))
    assert len(standin.requests) == 4


def test_client_errors_are_not_retried(standin):
    standin.script = [403]
    with pytest.raises(NetworkError, match=r"refused the request \(HTTP 403\)"):
        engine().synthesize("hello", voice("en"))
    assert len(standin.requests) == 1


def test_retry_delays_are_jittered_and_bounded(standin, monkeypatch):
    import guide.engines.http as module

    delays: list[float] = []
    real_sleep = module.time.sleep
    monkeypatch.setattr(module.time, "sleep", lambda s: (delays.append(s), real_sleep(s)))
    for _ in range(4):
        standin.script = [503, 503, 503]
        engine(backoff=0.02).synthesize("hello", voice("en"))
    assert len(delays) == 12
    for attempt in range(3):
        mine = delays[attempt::3]
        assert all(0 <= d <= 0.02 * 2**attempt for d in mine)
    assert len(set(delays)) > 6  # drawn at random, so parallel takes do not retry in step


def test_a_429_storm_ends_within_the_budget_then_fails_fast(standin):
    standin.fail_texts = {"one": 429, "two": 429}
    gtts_engine = engine(backoff=0.2, retries=50, budget=0.5)
    with pytest.raises(NetworkError, match=r"gave up on 127\.0\.0\.1:\d+ after 0\.5 s of failed requests.*fallback"):
        gtts_engine.synthesize("one", voice("en"))
    asked = len(standin.requests)
    assert 2 <= asked < 50
    with pytest.raises(NetworkError, match="gave up"):
        gtts_engine.synthesize("two", voice("en"))
    assert len(standin.requests) == asked  # the budget is spent: no more requests in this build


def test_connection_refused_says_to_use_an_offline_engine_then_fails_fast(monkeypatch):
    import requests

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(gtts.tts, "_translate_url", lambda tld="com", path="": f"http://127.0.0.1:{port}/{path}")
    sent: list[str] = []
    real_send = requests.Session.send
    monkeypatch.setattr(
        requests.Session,
        "send",
        lambda self, request, **kw: (sent.append(request.url), real_send(self, request, **kw))[1],
    )
    gtts_engine = engine()
    with pytest.raises(
        NetworkError, match=r"cannot reach 127\.0\.0\.1:\d+ \(connection refused\).*offline.*engine: espeak"
    ):
        gtts_engine.synthesize("مرحبا", voice("ar"))
    assert len(sent) == 3  # the first try and two connection retries
    with pytest.raises(NetworkError, match="connection refused"):
        gtts_engine.synthesize("أهلا", voice("ar"))
    assert len(sent) == 3  # known unreachable: the next take does not try again


def test_name_lookup_failure_is_reported(monkeypatch):
    # .invalid never resolves (RFC 6761), online or not.
    monkeypatch.setattr(
        gtts.tts, "_translate_url", lambda tld="com", path="": f"http://translate.google.invalid/{path}"
    )
    with pytest.raises(NetworkError, match=r"cannot reach translate\.google\.invalid \(name lookup failed\)"):
        engine().synthesize("hello", voice("en"))


def test_budget_from_the_environment():
    from guide.engines.gtts import BUDGET, budget_from_env
    from guide.errors import InputError

    assert budget_from_env({}) == BUDGET and budget_from_env({"GUIDE_GTTS_BUDGET": "30"}) == 30
    for bad in ("soon", "-1", "1e9"):
        with pytest.raises(InputError, match="GUIDE_GTTS_BUDGET"):
            budget_from_env({"GUIDE_GTTS_BUDGET": bad})


def test_speed_uses_tempo_without_changing_rate(standin):
    normal = engine().synthesize("hello", voice("en"))
    fast = engine().synthesize("hello", voice("en", speed=1.5))
    assert fast.sample_rate == normal.sample_rate
    assert fast.duration < 0.8 * normal.duration
