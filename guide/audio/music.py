"""Intro music: a jingle that fades in, ducks under the voice and fades out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..script.model import Music
from .assemble import SAMPLE_RATE, Cue
from .ffmpeg import decode_file

RAMP = 0.3  # seconds the music takes to duck and to come back


def _db(value: float) -> float:
    return 10 ** (value / 20)


def mix_under(speech: np.ndarray, cues: Sequence[Cue], music: Music) -> tuple[np.ndarray, float]:
    """Mix `music` under `speech`: returns the mixed samples and the speech's new start (the lead)."""
    lead = music.lead
    start = round(lead * SAMPLE_RATE)
    total = start + len(speech) + round(music.fade_out * SAMPLE_RATE)
    bed = decode_file(str(music.file), step=f"while decoding the music file {music.file}").astype(np.float32)[:total]
    bed = np.pad(bed, (0, total - len(bed)))

    # Duck while the voice speaks: a 0/1 mask of the cues, smoothed into ramps.
    speaking = np.zeros(total, dtype=np.float32)
    for cue in cues:
        speaking[start + int(cue.start * SAMPLE_RATE) : start + int(cue.end * SAMPLE_RATE)] = 1.0
    ramp = max(1, int(RAMP * SAMPLE_RATE))
    kernel = np.ones(ramp, dtype=np.float32) / ramp
    speaking = np.minimum(1.0, np.convolve(speaking, kernel, mode="same") * 2)
    gain = _db(music.volume_db) * (1.0 - speaking * (1.0 - _db(music.duck_db)))

    fade_in = int(music.fade_in * SAMPLE_RATE)
    if fade_in:
        gain[:fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)
    fade_out = int(music.fade_out * SAMPLE_RATE)
    if fade_out:
        gain[total - fade_out :] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)

    mixed = bed * gain
    mixed[start : start + len(speech)] += speech
    return np.clip(np.round(mixed), -32768, 32767).astype(np.int16), lead
