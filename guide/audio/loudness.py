"""Loudness normalisation with ffmpeg's loudnorm filter (EBU R128 / ITU-R BS.1770), two passes.

Pass one measures the whole file (integrated loudness, true peak, loudness
range); pass two applies the measured values, linearly when the true-peak
ceiling allows, else with loudnorm's own true-peak-aware dynamic processing.
Measuring the whole file, not each clip, is what makes every track and full
guide land on the same integrated loudness whichever engine spoke it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from typing import Iterable

import numpy as np

from ..script.model import Loudness
from .ffmpeg import pipe_pcm, run_ffmpeg

MP3_MARGIN_DB = 0.5
"""Decoded MP3 peaks overshoot the PCM they were encoded from; normalise this much below the ceiling."""


def loudnorm_filter(target: Loudness, measured: dict | None = None) -> str:
    """The loudnorm filter for a measuring pass (no `measured`) or the applying pass."""
    args = f"I={target.integrated:g}:TP={target.true_peak - MP3_MARGIN_DB:g}:LRA={target.range:g}"
    if measured is None:
        return f"loudnorm={args}:print_format=json"
    return (
        f"loudnorm={args}:measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
        f":measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}"
        f":offset={measured['target_offset']}:linear=true:print_format=none"
    )


def measure(pcm: Iterable[np.ndarray], sample_rate: int, target: Loudness) -> dict | None:
    """loudnorm's measurement of mono int16 `pcm` pieces; None when silent (nothing to normalise)."""
    out = pipe_pcm(["-af", loudnorm_filter(target), "-f", "null", "-"], pcm, sample_rate, log=True)
    match = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", out)
    if not match:
        return None
    measured = json.loads(match.group(0))
    try:
        if not math.isfinite(float(measured["input_i"])) or float(measured["input_i"]) < -70:
            return None  # silence: below the absolute gate
    except ValueError:
        return None
    return measured


def ebur128(path: str) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of an audio file, by ffmpeg's ebur128 meter."""
    out = run_ffmpeg(["-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"], want_stderr=True)
    summary = out[out.rfind("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak
