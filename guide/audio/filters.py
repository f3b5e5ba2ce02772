"""The ffmpeg filter strings of the pipeline's loudness: the meters and the mastering chain.

Kept apart from :mod:`guide.audio.loudness` so that :mod:`guide.audio.ffmpeg` can probe a binary
with the exact filters the pipeline runs while the dependency runs one way: loudness uses ffmpeg,
ffmpeg uses these strings, and neither is imported by them.
"""

from __future__ import annotations

from ..script.model import Loudness

MP3_MARGIN_DB = 1.0
"""Decoded MP3 peaks overshoot the PCM they were encoded from; limit this far below the ceiling."""

OVERSAMPLE = 4

METER = "ebur128=framelog=verbose"
"""The integrated-loudness meter. Its per-frame lines go to the verbose log, which we do not
read; ``framelog=quiet`` would say the same but ffmpeg before 6.0 (Debian 12's 5.1) refuses it."""

PEAK_METER = "ebur128=peak=true"
"""The meter of integrated loudness and true peak, for checking a finished file."""


def gain_filter(target: Loudness, gain: float, sample_rate: int, oversample: bool = True) -> str:
    """Gain by `gain` dB, compress gently (2.5:1 above -14 dBFS RMS, as speech is mastered for
    listening), then limit true peaks to the target's ceiling (less the MP3 margin)."""
    ceiling = 10 ** ((target.true_peak - MP3_MARGIN_DB) / 20)
    limiter = f"alimiter=limit={ceiling:.5f}:level=false:attack=2:release=40:latency=true"
    if oversample:
        limiter = f"aresample={sample_rate * OVERSAMPLE},{limiter},aresample={sample_rate}"
    return f"volume={gain:.2f}dB,acompressor=threshold=0.2:ratio=2.5:attack=8:release=150:knee=4,{limiter}"
