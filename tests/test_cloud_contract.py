"""The contract every cloud engine keeps (azure, google-cloud, polly, elevenlabs), each on its stand-in.

Every test here runs once per engine (tests/engine_contract.py describes each one: its stand-in, how it is
configured, its voices and the tables below take their rows from); an engine's own test file keeps only
what is its own (Polly's SigV4 signing, Google's application default credentials, ElevenLabs' models ...).
Everything is real: the stand-ins are HTTP servers on 127.0.0.1 that parse what they receive and answer
with real speech; builds are real builds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines import EngineRegistry, VoiceNotFound
from guide.errors import CredentialsError, EngineError, NetworkError
from guide.script.model import VoiceSettings

from .cloud_standin import CloudStandIn
from .engine_contract import FALLBACK, SPECS, CloudSpec, Listing, Missing, Refusal, Storm

pytestmark = pytest.mark.usefixtures("allow_online")

WriteScript = Callable[..., Path]
"""conftest's `write_script` fixture: (YAML text, file name) -> the script's path."""


def rows(table: Callable[[CloudSpec], Iterable[object]], ident: Callable[[object], str] = lambda row: row.id) -> list:
    """Parameters (spec, row) for every engine's rows of a table, named ``<engine>-<row>``."""
    return [pytest.param(spec, row, id=f"{spec.name}-{ident(row)}") for spec in SPECS for row in table(spec)]


def settings_id(row: tuple) -> str:
    """A wrong-voice row's settings as a test id (``voice-Zariyah``)."""
    return re.sub(r"\W+", "-", str(row[0])).strip("-")


@pytest.fixture(params=SPECS, ids=lambda spec: spec.name)
def spec(request: pytest.FixtureRequest) -> CloudSpec:
    """Each cloud engine in turn (a test parametrized with `spec` names its own)."""
    return request.param


@pytest.fixture
def server(
    spec: CloudSpec, monkeypatch: pytest.MonkeyPatch, speech: tuple[np.ndarray, int], tmp_path: Path
) -> Iterator[CloudStandIn]:
    """The engine's stand-in, running, with the engine configured for it."""
    with spec.serve(monkeypatch, speech, tmp_path / "config") as running:
        yield running


def build(script: Path, out: Path, *extra: str):  # -> click's Result
    return CliRunner().invoke(main, ["build", str(script), "--out", str(out), "--jobs", "1", *extra])


# -- one take ---------------------------------------------------------------------------------------------------------


def test_a_take_is_the_services_speech_at_the_engines_rate(spec: CloudSpec, server: CloudStandIn) -> None:
    """An Arabic take is every sample the service sent, in order, at the engine's rate; the service was sent the
    text and the voice."""
    chunk = spec.engine().synthesize("مرحبا بكم", spec.resolve(spec.voice))
    assert chunk.sample_rate == spec.rate and chunk.duration > 0.5
    assert np.array_equal(chunk.samples, server.speech(spec.rate))
    (request,) = server.synthesis_requests()
    assert (request.extra["text"], request.extra["voice"]) == ("مرحبا بكم", spec.voice)


HOSTILE = (
    "a < b & c > d",
    "say \"this\" and 'that'",
    "]]> <![CDATA[ x ]]>",
    "<script>alert(1)</script>",
    "</speak><speak>",
    "</voice></speak><speak>",
    "</prosody></speak><speak>",
    '</speak>"}, "model_id": "evil',
    "&amp; &#x41; &lt;",
    "back\\slash \\u0041 \\n",
    "bell\x07 and \x1b escape",
    "bell\x07 and \x1b escape, nul\x00 too",
    "مرحبا <b>بكم</b> & «أهلا»",
    "\u202eRTL override\u202c and \u200f marks",
    "emoji 🎧 and 𝒳",
)
"""Texts that are markup, JSON or escapes to a careless engine."""


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_arrives_as_text(spec: CloudSpec, server: CloudStandIn, hostile: str) -> None:
    """Whatever a script's text holds reaches the service as that text (SSML engines drop only what XML cannot
    carry), and nothing in it becomes markup or another field of the request (the engine's own wire check)."""
    engine = spec.engine()
    voice = spec.resolve(spec.english, "en", **spec.hostile_settings)
    engine.synthesize(hostile, voice)
    request = server.synthesis_requests()[-1]
    assert request.extra["text"] == spec.sent_text(hostile)
    spec.wire(request, hostile, engine, voice)


# -- what may heal, and what will not -------------------------------------------------------------------------------

SHARED_STORMS = (
    ("429", (429,) * 3),
    ("500", (500,)),
    ("503-reset", (503, "reset")),
    ("garbage", ("garbage",)),
    ("empty", ("empty",)),
    ("hang", ("hang",)),
)
"""Answers a retry must mend, for every engine: rate limits, server errors, a dropped connection, a 200 without
usable audio, an answer after the read timeout."""


@pytest.mark.parametrize("spec, storm", rows(lambda s: SHARED_STORMS + s.heal, lambda row: row[0]))
def test_what_may_heal_is_retried(spec: CloudSpec, server: CloudStandIn, storm: tuple[str, tuple]) -> None:
    """Each failed answer is asked again, once, and the take is then the service's speech, whole."""
    server.script = list(storm[1])
    chunk = spec.engine().synthesize("hello", spec.resolve(spec.english, "en"))
    assert np.array_equal(chunk.samples, server.speech(spec.rate))
    assert len(server.synthesis_requests()) == len(storm[1]) + 1


@pytest.mark.parametrize("spec, storm", rows(lambda s: s.past_retries))
def test_what_does_not_heal_past_the_retries_is_a_network_error(
    spec: CloudSpec, server: CloudStandIn, storm: Storm
) -> None:
    """A rate limit or server error on every attempt ends, after 3 retries (4 requests), in a NetworkError that says
    what the service answered (a fallback voice may speak instead; it is not a credentials problem)."""
    for name, value in storm.server.items():
        setattr(server, name, value)
    server.script = [storm.answer] * 10
    with pytest.raises(NetworkError, match=storm.said) as raised:
        spec.engine().synthesize("hello", spec.resolve(spec.english, "en"))
    assert not isinstance(raised.value, CredentialsError)
    assert len(server.synthesis_requests()) == 4


def test_garbage_every_time_is_reported(spec: CloudSpec, server: CloudStandIn) -> None:
    """200 answers without usable audio, past the retries, are a NetworkError that says so."""
    server.script = ["garbage"] * 4
    with pytest.raises(NetworkError, match=f"{spec.name}: the service answered without usable audio"):
        spec.engine().synthesize("hello", spec.resolve(spec.english, "en"))
    assert len(server.synthesis_requests()) == 4


def test_a_refused_request_is_not_retried(spec: CloudSpec, server: CloudStandIn) -> None:
    """A 400 will not heal: one request, then an EngineError that names the engine and the status (and does not
    blame the credentials)."""
    server.script = [400]
    with pytest.raises(EngineError, match=rf"^{spec.name}: .*HTTP 400") as raised:
        spec.engine().synthesize("hello", spec.resolve(spec.english, "en"))
    assert not isinstance(raised.value, CredentialsError)
    assert len(server.synthesis_requests()) == 1


@pytest.mark.parametrize("spec, refusal", rows(lambda s: s.refusals))
def test_a_refused_key_is_not_retried_and_later_takes_are_not_asked(
    spec: CloudSpec, server: CloudStandIn, monkeypatch: pytest.MonkeyPatch, refusal: Refusal
) -> None:
    """Refused credentials are a CredentialsError saying what to check, after one request; the engine's later takes
    fail with the same message without asking (a wrong key is not retried, take after take)."""
    server.script = list(refusal.script)
    for name, value in refusal.env.items():
        monkeypatch.setenv(name, value)
    engine, voice = spec.engine(), spec.resolve(spec.english, "en")
    with pytest.raises(CredentialsError, match=refusal.said) as first:
        engine.synthesize("hello", voice)
    assert len(server.synthesis_requests()) == 1
    with pytest.raises(CredentialsError) as later:
        engine.synthesize("another sentence", voice)
    assert later.value.message == first.value.message
    assert len(server.synthesis_requests()) == 1


def test_an_offline_build_asks_nothing(spec: CloudSpec, server: CloudStandIn) -> None:
    """A cloud engine is online and paid; offline, a take it is asked for is a NetworkError and nothing is sent."""
    engine = spec.engine()
    assert engine.paid and not engine.offline
    registry = EngineRegistry(offline=True)
    registry.use(engine)
    with pytest.raises(NetworkError, match=f"{spec.name}: not asked, this build is offline"):
        registry.synthesize("hello", spec.resolve(spec.english, "en"))
    assert server.seen == []


# -- voices -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec, case", rows(lambda s: s.wrong_voices, settings_id))
def test_wrong_voices_are_named(spec: CloudSpec, case: tuple) -> None:
    """Settings the engine cannot honour (a malformed or unknown voice, another language's voice, a model or pitch
    it does not have) are refused while resolving, without credentials, saying what is wrong."""
    settings, message = case
    with pytest.raises(VoiceNotFound, match=message):
        spec.engine_class(environ={}).resolve("ar", VoiceSettings(spec.name, **settings), Path("."))


@pytest.mark.parametrize("spec, listing", rows(lambda s: s.listings, lambda row: row.lang))
def test_voices_lists_the_catalogue(spec: CloudSpec, listing: Listing) -> None:
    """``guide voices`` lists the engine's voices for a language without a key, says it is online, counts its rows,
    and every voice it lists is one the engine takes for that language."""
    result = CliRunner().invoke(main, ["voices", "--engine", spec.name, "--lang", listing.lang])
    assert result.exit_code == 0, result.output
    header, *lines = result.output.strip().splitlines()
    assert header == f"{spec.name} (online, needs internet): {len(lines)} voice(s)"
    by_name = {line.split()[0]: line for line in lines}
    assert len(by_name) == len(lines) >= 1
    if listing.count is not None:
        assert len(lines) == listing.count
    if listing.exact:
        assert list(by_name) == list(listing.names)
    assert set(listing.names) <= set(by_name)
    assert all(name.startswith(listing.prefix) for name in by_name)
    for name, words in listing.said:
        assert words in (by_name[name] if name else result.output), (name, words)
    engine = spec.engine_class(environ={})
    for name in by_name:
        assert engine.resolve(listing.lang, VoiceSettings(spec.name, name), Path(".")).voice == name


# -- builds -----------------------------------------------------------------------------------------------------------


def test_build_against_the_stand_in_then_a_rebuild_sends_nothing(
    spec: CloudSpec, server: CloudStandIn, tmp_path: Path, write_script: WriteScript
) -> None:
    """A build buys each Arabic sentence once, with the script's voice, and its tracks are at -16 LUFS; a rebuild
    takes every take from the cache and sends nothing."""
    from guide.audio.loudness import ebur128

    script = write_script(spec.script())
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"voice ar: {spec.name}:{spec.voice}" in result.output and "warning" not in result.output
    requests = server.synthesis_requests()
    texts = [r.extra["text"] for r in requests]
    assert len(texts) >= 5 and len(set(texts)) == len(texts)  # each Arabic sentence bought once
    assert {tuple(r.extra[k] for k in spec.build_fields) for r in requests} == {tuple(spec.build_fields.values())}
    folder = tmp_path / "out" / "small-guide"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    tracks = manifest["languages"]["ar"]["tracks"]
    assert tracks
    for track in tracks:
        integrated, _ = ebur128(str(folder / track["file"]))
        assert abs(integrated + 16) <= 1.0, (track["file"], integrated)
    again = build(script, tmp_path / "out")
    assert again.exit_code == 0, again.output
    assert len(server.synthesis_requests()) == len(texts)  # every take is in the cache: nothing is bought twice


def test_a_new_voice_records_again(
    spec: CloudSpec, server: CloudStandIn, tmp_path: Path, write_script: WriteScript
) -> None:
    """Another voice is another take: every Arabic sentence is bought again, from the new voice."""
    script = write_script(spec.script())
    assert build(script, tmp_path / "out").exit_code == 0
    sent = len(server.synthesis_requests())
    script.write_text(spec.script(voice=spec.other_voice), encoding="utf-8")
    result = build(script, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(server.synthesis_requests()) == 2 * sent
    assert {r.extra["voice"] for r in server.synthesis_requests()[sent:]} == {spec.other_voice}


def test_a_failing_service_falls_back_to_the_offline_voice_with_a_warning(
    spec: CloudSpec, server: CloudStandIn, tmp_path: Path, write_script: WriteScript
) -> None:
    """When the service keeps failing, the build still ends, spoken by the fallback voice, and warns."""
    server.script = list(spec.failing)
    result = build(write_script(spec.script(FALLBACK)), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "espeak:ar" in result.output
    for words in spec.failing_said:
        assert words in result.output


def test_a_refused_key_stops_the_build_even_with_a_fallback(
    spec: CloudSpec, server: CloudStandIn, tmp_path: Path, write_script: WriteScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused credentials are the user's to mend: no fallback voice hides them, the build stops (exit 2) with the
    engine's message and no traceback, after one request and no other take."""
    refusal = spec.build_refusal
    server.script = list(refusal.script) * 50
    for name, value in refusal.env.items():
        monkeypatch.setenv(name, value)
    result = build(write_script(spec.script(FALLBACK)), tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert re.search(refusal.said, result.output) and "Traceback" not in result.output, result.output
    assert len(server.synthesis_requests()) == 1  # not retried, and no other take was asked for


@pytest.mark.parametrize("spec, missing", rows(lambda s: s.missing))
def test_a_missing_credential_is_named_before_anything_is_recorded(
    spec: CloudSpec,
    server: CloudStandIn,
    tmp_path: Path,
    write_script: WriteScript,
    monkeypatch: pytest.MonkeyPatch,
    missing: Missing,
) -> None:
    """Without usable credentials, `check` and `build` stop (exit 2) at the script's line for the voice, naming what
    to set, before anything is sent or written."""
    for name in missing.unset:
        monkeypatch.delenv(name)
    for name, text in missing.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name, value in missing.env.items():
        monkeypatch.setenv(name, value.replace("{tmp}", str(tmp_path)))
    script = write_script(spec.script())
    for command in (["check", str(script)], ["build", str(script), "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert f"{script}:6: voices.ar: {missing.said[0]}" in result.output, result.output
        assert all(words in result.output for words in missing.said), result.output
        assert "Traceback" not in result.output
    assert server.seen == [] and not (tmp_path / "out").exists()


def test_check_estimates_what_a_build_sends_and_costs(
    spec: CloudSpec, server: CloudStandIn, tmp_path: Path, write_script: WriteScript
) -> None:
    """`check` sends nothing and says what a cold build and the next build send, in the characters the vendor bills
    (as the stand-in received them) and in US$ at the engine's price for the voice; after the build, the next build
    sends nothing, and `plan --json` says the same."""
    voice = spec.priced_voice or spec.voice
    script = write_script(spec.script(voice=voice))
    cache = tmp_path / "cache"
    before = CliRunner().invoke(main, ["check", str(script), "--cache-dir", str(cache)])
    assert before.exit_code == 0, before.output
    assert server.seen == []  # estimating sends nothing
    result = build(script, tmp_path / "out", "--cache-dir", str(cache))
    assert result.exit_code == 0, result.output
    sent = server.synthesis_requests()
    characters = sum(spec.billed(r) for r in sent)
    line = next(line for line in before.output.splitlines() if line.strip().startswith(f"{spec.name}:"))
    assert f"a cold build sends {characters:,} characters ({len(sent)} takes)" in line
    assert f"the next build {characters:,} ({len(sent)} takes not in the cache)" in line
    price = spec.engine_class(environ={}).price(spec.resolve(voice))
    assert price is not None
    cold = characters * price.usd_per_million / 1e6
    said = float(re.search(r"about US\$([0-9.e-]+) cold", line).group(1))
    assert abs(said - cold) <= 0.05 * cold
    assert f"US${price.usd_per_million:g} per million characters ({price.tier}; {price.source})" in line
    for words in spec.price_said:
        assert words in line, (words, line)
    after = CliRunner().invoke(main, ["check", str(script), "--cache-dir", str(cache)])
    assert "the next build 0 (0 takes not in the cache)" in after.output and "cold, US$0.00 next" in after.output
    plan = CliRunner().invoke(
        main, ["plan", str(script), "--out", str(tmp_path / "out"), "--cache-dir", str(cache), "--json"]
    )
    online = json.loads(plan.output)["online"]
    assert [(o["engine"], o["characters"], o["next_characters"]) for o in online] == [(spec.name, characters, 0)]
