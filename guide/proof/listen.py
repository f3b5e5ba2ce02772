"""Listening: cut each sentence's span out of its built MP3 and transcribe it, blind.

Each MP3 is decoded once (16 kHz mono, what Whisper hears); every sentence is
cut from its start to its end in the manifest, with a little padding, and given
to faster-whisper with the track's language fixed and nothing else: no prompt,
no hotwords, no previous text. Results are kept per sentence in
``<cache>/proof/results/<k[:2]>/<k>.json`` under a key made of the sentence's
take keys (in order), the model's hash and the settings, so a proof after an
edit transcribes only the sentences whose takes changed.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..audio.ffmpeg import decode_file
from ..safe_files import read_own_text, write_text
from .model import Model, load_recogniser

RATE = 16000
"""Sample rate Whisper listens at."""

STORE_VERSION = 1
"""Part of every result key: bump when what is stored changes."""


@dataclass(frozen=True)
class Settings:
    """How the recogniser listens; every field is part of the result key."""

    beam_size: int = 1
    """Beams of the decoder (1: greedy, the fastest; Whisper base gains little from more)."""

    padding: float = 0.15
    """Seconds of audio kept before and after each sentence's span."""

    no_repeat_ngram_size: int = 4
    """No 4-gram repeated: stops the loops Whisper base falls into on speech it cannot follow (Arabic)."""

    threads: int = 2
    """CPU threads of CTranslate2 (not in the key: it changes the speed, not the result)."""

    def key_fields(self) -> dict[str, Any]:
        fields = asdict(self)
        fields.pop("threads")
        return fields


@dataclass(frozen=True)
class Span:
    """One sentence of one built track, to be heard."""

    lang: str
    """The track's language (the recogniser's language)."""

    track: str
    """The track's item id (``intro``, ``how-long``)."""

    title: str
    """The track's title."""

    file: str
    """The MP3, relative to the guide folder."""

    start: float
    """Start of the sentence in the file, seconds."""

    end: float
    """End of the sentence in the file, seconds."""

    text: str
    """The sentence as written (the manifest's text)."""

    takes: tuple[str, ...]
    """Keys of the takes heard in it, in order."""

    spoken: tuple[str, ...] = ()
    """What each take's voice was given (lexicon applied), for the report."""

    fallback: bool = False
    """A fallback voice spoke at least one of its takes (its own voice failed when it was built)."""


@dataclass(frozen=True)
class Heard:
    """What the recogniser heard in one span."""

    span: Span
    """The sentence."""

    text: str
    """The transcript."""

    reused: bool
    """True when it came from the result cache, False when transcribed by this run."""

    seconds: float
    """Transcription time (this run, or when it was stored)."""


def result_key(span: Span, model: Model, settings: Settings) -> str:
    """The cache key of a sentence's transcript: its takes, the model and the settings."""
    ingredients = {
        "v": STORE_VERSION,
        "takes": list(span.takes),
        "lang": span.lang,
        "model": model.sha256,
        "settings": settings.key_fields(),
    }
    return hashlib.sha256(json.dumps(ingredients, sort_keys=True).encode()).hexdigest()


class ResultStore:
    """Transcripts by key, one small JSON file each, written atomically."""

    def __init__(self, cache: Path) -> None:
        self.folder = cache / "proof" / "results"

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored result (``heard``, ``seconds``), or None when missing or unreadable."""
        text = read_own_text(self.path(key))
        if text is None:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("heard"), str) else None

    def put(self, key: str, heard: str, seconds: float) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text(target, json.dumps({"heard": heard, "seconds": round(seconds, 3)}, ensure_ascii=False) + "\n")


def cut(samples: np.ndarray, start: float, end: float, padding: float) -> np.ndarray:
    """The float32 samples of [start - padding, end + padding], clamped to the file."""
    lo = max(0, round((start - padding) * RATE))
    hi = min(len(samples), round((end + padding) * RATE))
    return samples[lo:hi].astype(np.float32) / 32768.0 if hi > lo else np.zeros(0, dtype=np.float32)


def transcribe(recogniser: Any, audio: np.ndarray, lang: str, settings: Settings) -> str:
    """What faster-whisper hears in `audio`, told only the language."""
    if len(audio) < RATE // 10:
        return ""
    segments, _ = recogniser.transcribe(
        audio,
        language=lang.split("-")[0],
        task="transcribe",
        beam_size=settings.beam_size,
        temperature=0.0,
        vad_filter=False,
        condition_on_previous_text=False,
        initial_prompt=None,
        hotwords=None,
        without_timestamps=True,
        no_repeat_ngram_size=settings.no_repeat_ngram_size,
    )
    return " ".join(segment.text.strip() for segment in segments).strip()


Progress = Callable[[int, int], None]
"""(sentences transcribed so far, sentences to transcribe)."""


@dataclass
class Listening:
    """What a listen did."""

    heard: list[Heard]
    """Per span, in the order given."""

    transcribed: int = 0
    """Sentences transcribed by this run."""

    reused: int = 0
    """Sentences whose transcript came from the cache."""

    audio_seconds: float = 0.0
    """Length of the audio transcribed by this run (padding included)."""

    seconds: float = 0.0
    """Time spent transcribing by this run (decoding and model loading excluded)."""


def listen(
    spans: Sequence[Span],
    folder: Path,
    model: Model,
    store: ResultStore,
    settings: Settings = Settings(),
    progress: Progress | None = None,
) -> Listening:
    """Hear every span: from the store when its key is there, else by decoding its file (once) and transcribing."""
    keys = [result_key(span, model, settings) for span in spans]
    known = [store.get(key) for key in keys]
    todo = [i for i, k in enumerate(known) if k is None]
    result = Listening(heard=[])
    heard: dict[int, Heard] = {}
    for i, stored in enumerate(known):
        if stored is not None:
            heard[i] = Heard(spans[i], stored["heard"], True, float(stored.get("seconds") or 0.0))
    result.reused = len(heard)
    if todo:
        recogniser = load_recogniser(model, settings.threads)
        by_file: dict[str, list[int]] = {}
        for i in todo:
            by_file.setdefault(spans[i].file, []).append(i)
        for file, indices in by_file.items():
            samples = decode_file(str(folder / file), RATE)
            for i in indices:
                span = spans[i]
                audio = cut(samples, span.start, span.end, settings.padding)
                began = time.monotonic()
                text = transcribe(recogniser, audio, span.lang, settings)
                took = time.monotonic() - began
                store.put(keys[i], text, took)
                heard[i] = Heard(span, text, False, took)
                result.transcribed += 1
                result.audio_seconds += len(audio) / RATE
                result.seconds += took
                if progress is not None:
                    progress(result.transcribed, len(todo))
    result.heard = [heard[i] for i in range(len(spans))]
    return result
