"""Turning engine PCM into the pipeline's one format and stitching it with pydub.

Every clip is converted to mono 16-bit 44.1 kHz (libsoxr's very-high-quality
resampler, which does not alias like pydub's linear interpolation), edge silences are trimmed so the
planned pauses are the pauses heard whatever the engine, and clips are joined
end to end: no crossfade.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import soxr

from .ffmpeg import pydub

SAMPLE_RATE = 44100
"""The pipeline's sample rate; every output is mono at this rate."""

SILENCE_THRESHOLD = 10 ** (-50 / 20) * 32768  # -50 dBFS
EDGE_MARGIN = 0.015  # seconds of the engine's own edge kept, so no consonant is clipped


def to_pipeline_format(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Resample mono int16 `samples` to 44.1 kHz and trim silent edges; returns int16."""
    samples = np.asarray(samples, dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    if loud.size == 0:
        return np.zeros(0, dtype=np.int16)
    margin = int(EDGE_MARGIN * sample_rate)
    samples = samples[max(0, loud[0] - margin) : loud[-1] + 1 + margin]
    if sample_rate == SAMPLE_RATE:
        return samples
    return soxr.resample(samples, sample_rate, SAMPLE_RATE, quality="VHQ").astype(np.int16, copy=False)


def segment(samples: np.ndarray):  # -> pydub.AudioSegment
    """A pydub AudioSegment over pipeline-format samples."""
    return pydub()(
        data=np.asarray(samples, dtype=np.int16).tobytes(), sample_width=2, frame_rate=SAMPLE_RATE, channels=1
    )


def silence(seconds: float):  # -> pydub.AudioSegment
    """Silence in the pipeline format, exact to the sample."""
    return segment(np.zeros(round(seconds * SAMPLE_RATE), dtype=np.int16))


def join(parts: Sequence):  # -> pydub.AudioSegment
    """Join AudioSegments end to end (no crossfade) in one copy, not one per part."""
    AudioSegment = pydub()
    for part in parts:
        if (part.frame_rate, part.channels, part.sample_width) != (SAMPLE_RATE, 1, 2):
            raise ValueError("join() expects pipeline-format segments")  # a bug of ours, not user input
    return AudioSegment(data=b"".join(p.raw_data for p in parts), sample_width=2, frame_rate=SAMPLE_RATE, channels=1)


@dataclass(frozen=True)
class Cue:
    """When a sentence is heard inside a track."""

    text: str
    """The sentence, as written."""

    start: float
    """Seconds from the start of the track."""

    end: float
    """Seconds from the start of the track."""

    takes: tuple[tuple[str, str, float], ...] = ()
    """(take key, text the voice was given, start in seconds) of each take heard in the sentence."""

    def shifted(self, seconds: float) -> Cue:
        """The same cue `seconds` later."""
        return Cue(
            self.text, self.start + seconds, self.end + seconds, tuple((k, t, s + seconds) for k, t, s in self.takes)
        )
