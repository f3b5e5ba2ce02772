"""Speaking the text right, end to end: code-switched builds, `guide say`, `guide check`'s advice."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from guide.audio.ffmpeg import decode_file
from guide.builder import check
from guide.cache import TakeCache
from guide.cli import main

from .conftest import SAMPLE_SCRIPT, decoded_seconds

MIXED = "While Botox Injections(حقن البوتوكس) provides effective short-term results, its impact depends on use."
ENGLISH_ONLY = "While Botox Injections provides effective short-term results, its impact depends on use."


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _offset(audio: np.ndarray, take: np.ndarray) -> tuple[float, float]:
    """Best match of `take` in `audio` by normalised cross-correlation: (seconds, correlation 0..1)."""
    a, t = audio.astype(np.float64), take.astype(np.float64)
    n = len(a) + len(t)
    corr = np.fft.irfft(np.fft.rfft(a, n) * np.conj(np.fft.rfft(t, n)), n)[: len(a) - len(t) + 1]
    at = int(np.argmax(corr))
    window = a[at : at + len(t)]
    score = corr[at] / (np.linalg.norm(window) * np.linalg.norm(t) + 1e-9)
    return at / 44100, float(score)


@pytest.mark.slow
def test_a_mixed_sentence_is_spoken_by_both_voices(tmp_path, write_script, private_cache):
    script = write_script(
        "id: mixed\ntitle: Mixed\nlanguages: [en]\nloudness: off\n"
        f"voices:\n  en: {{engine: espeak, voice: en-us}}\nsections:\n"
        f"  - id: mixed\n    title: One\n    body: ['{MIXED}']\n"
        f"  - id: plain\n    title: One\n    body: ['{ENGLISH_ONLY}']\n"
    )
    result = run("build", str(script), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "mixed"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    mixed, plain = manifest["languages"]["en"]["tracks"]
    (sentence,) = [s for s in mixed["sentences"] if "Injections" in s["text"]]
    assert sentence["text"] == MIXED  # the transcript shows the script's own text
    assert [t["text"] for t in sentence["takes"]] == [
        "While Botox Injections(",
        "حقن البوتوكس",
        ") provides effective short-term results, its impact depends on use.",
    ]
    # The Arabic run is really in the track, where the manifest says, and makes it longer than the English alone.
    audio = decode_file(str(folder / mixed["file"]))
    arabic = TakeCache(private_cache).load(sentence["takes"][1]["key"])
    at, score = _offset(audio, arabic)
    assert score > 0.9 and abs(at - sentence["takes"][1]["start"]) < 0.05
    assert decoded_seconds(folder / mixed["file"]) > decoded_seconds(folder / plain["file"]) + 0.8
    srt = (folder / mixed["file"]).with_suffix(".srt").read_text(encoding="utf-8")
    assert MIXED in srt


def test_say_writes_a_wav_of_both_languages(tmp_path):
    out = tmp_path / "try.wav"
    result = run(
        "say",
        "Botox (بوتوكس) works. [pause 500ms] Wear {SPF|S P F}.",
        "--lang",
        "en",
        "--voice",
        "espeak:en-us",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "espeak:ar" in result.output and "espeak:en-us" in result.output and "Wear S P F." in result.output
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert wav.getframerate() == 44100 and 2.0 < seconds < 8.0
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.slow
def test_say_arabic_to_mp3_through_piper_for_latin_runs(tmp_path):
    out = tmp_path / "ar.mp3"
    result = run("say", "ضع واقي SPF بنسبة ٣٠ يوميًا.", "--lang", "ar", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "piper:en_US-joe-medium" in result.output and "espeak:ar" in result.output
    undiacritized = "".join(c for c in result.output if not "\u064b" <= c <= "\u0652")
    assert "ثلاثون" in undiacritized  # Eastern Arabic digits read as Arabic words (then diacritized)
    assert decoded_seconds(out) > 1.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad [sigh] markup", "--lang", "en"], "unknown markup '[sigh]'"),
        (["• ★", "--lang", "en"], "nothing to say"),
        (["Hello", "--lang", "en", "--voice", "festival:x"], "the engine must be one of"),
        (["Hello", "--lang", "en", "--voice", "espeak:xx-nope"], "espeak-ng has no voice 'xx-nope'"),
    ],
)
def test_say_input_errors(tmp_path, args, message):
    result = run("say", *args, "-o", str(tmp_path / "x.mp3"))
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_check_warns_about_long_sentences_and_unsayable_characters(write_script, registry):
    long_sentence = " ".join(["word"] * 40) + "."
    path = write_script(
        "id: t\ntitle: {en: T, ar: ت}\nlanguages: [en, ar]\n"
        f"intro: {{en: '{long_sentence}', ar: 'نص قصير.'}}\n"
        "outro: {en: 'Cyrillic жук here.', ar: 'رمز ☂ هنا.'}\n"
    )
    _, advice = check(path, registry=registry)
    messages = [(w.line, w.message) for w in advice.warnings]
    assert any(line == 4 and "intro.en: a sentence of 40 words" in m for line, m in messages), messages
    assert any(line == 5 and "outro.en: no en voice can say 'ж' 'у' 'к'" in m for line, m in messages), messages
    result = run("check", "--max-words", "50", str(path))
    assert result.exit_code == 0 and "40 words" not in result.output and "warning:" in result.output


def test_check_estimates_each_language_and_counts_gtts_requests(write_script, registry, allow_online):
    answer = "This answer is long enough that Google's endpoint needs more than one request to say it all, " * 3
    path = write_script(
        "id: t\ntitle: {en: T, ar: ت}\nlanguages: [en, ar]\n"
        "voices:\n  en: {engine: gtts}\n  ar: {engine: espeak, voice: ar}\n"
        f"outro: {{en: \"{answer}\", ar: 'شكرا.'}}\n"
    )
    _, advice = check(path, registry=registry)
    en, ar = advice.estimates
    assert en.web_requests >= 3 and ar.web_requests == 0
    result = run("check", str(path))
    assert f"{en.web_requests} gTTS web requests" in result.output


@pytest.mark.slow
def test_estimates_are_close_to_a_real_build(sample_build, registry):
    """The estimate is within 20 % of the sample's real durations (its build shared by the test run)."""
    manifest_file = sample_build / "out" / "botox-long-term-effects" / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    _, advice = check(SAMPLE_SCRIPT, registry=registry)
    for estimate in advice.estimates:
        real = manifest["languages"][estimate.lang]["full_guide"]["duration"]
        assert abs(estimate.seconds - real) / real < 0.2, (estimate.lang, estimate.seconds, real)


def test_sample_script_english_track_has_the_arabic_run(registry):
    """The sample's English texts give "حقن البوتوكس" (and the conclusion's run) to the Arabic voice
    instead of spelling it."""
    from guide.builder import load, plan

    the_plan = plan(load(SAMPLE_SCRIPT, registry), registry, ["en"])
    takes = [t for t in the_plan.takes() if t.voice.lang == "ar"]
    assert [t.text for t in takes] == ["حقن البوتوكس", "علاج حقن البوتوكس"]
    assert all(t.voice.engine == "espeak" and t.voice.diacritize.startswith("text2tashkeel-") for t in takes)


def test_schema_command_prints_the_shipped_schema():
    result = run("schema")
    assert result.exit_code == 0 and json.loads(result.output)["$schema"].startswith("https://json-schema.org/")
    path = Path(run("schema", "--path").output.strip())
    assert path.is_file() and path.name == "schema.json"
