"""Finding ffmpeg and running it: a system ffmpeg when present, else the one in ``imageio-ffmpeg``.

imageio-ffmpeg ships no ffprobe, so decoding always names the input format and
asks for raw PCM; nothing here relies on probing.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
import warnings
from typing import Iterable

import numpy as np

from ..errors import AudioError


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary to use."""
    system = shutil.which("ffmpeg")
    if system:
        return system
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - it is a declared dependency
        raise AudioError("ffmpeg not found: reinstall guide (pip install -e .) to get imageio-ffmpeg") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


@functools.lru_cache(maxsize=1)
def pydub():  # noqa: ANN201 - the pydub.AudioSegment class
    """pydub's AudioSegment, pointed at our ffmpeg.

    pydub warns at import when no system ffmpeg is on PATH; we give it one, so
    the warning is noise and is silenced.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    AudioSegment.ffmpeg = ffmpeg_exe()
    return AudioSegment


def run_ffmpeg(args: list[str], stdin: bytes | None = None, want_stderr: bool = False):  # noqa: ANN201
    """Run ffmpeg; returns stdout (bytes), or its log (str) with `want_stderr`; AudioError with ffmpeg's last words."""
    level = "info" if want_stderr else "error"  # measurements (loudnorm, ebur128) are logged at info
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", level, "-nostdin", *args]
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise AudioError(f"could not run ffmpeg ({cmd[0]}): {exc}") from exc
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise AudioError(f"ffmpeg failed: {' '.join(tail) or 'exit status ' + str(done.returncode)}")
    return done.stderr.decode(errors="replace") if want_stderr else done.stdout


def pipe_pcm(args: list[str], pcm: Iterable[np.ndarray], sample_rate: int, log: bool = False) -> str:
    """Stream mono int16 `pcm` pieces into ffmpeg (``-i pipe:0`` is added); returns its log with `log`.

    Streaming keeps an hour-long full guide out of memory.
    """
    level = "info" if log else "error"
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", level, "-y",
        "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0", *args,
    ]
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty ffmpeg cannot block
        try:
            process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
        except OSError as exc:
            raise AudioError(f"could not run ffmpeg ({cmd[0]}): {exc}") from exc
        try:
            for piece in pcm:
                process.stdin.write(np.asarray(piece, dtype="<i2").tobytes())
            process.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its exit status and log say why
        except BaseException:
            process.kill()
            process.wait()
            raise
        status = process.wait()
        errors.seek(0)
        text = errors.read().decode(errors="replace")
    if status != 0:
        tail = text.strip().splitlines()[-2:]
        raise AudioError(f"ffmpeg failed: {' '.join(tail) or 'exit status ' + str(status)}")
    return text


def decode_mp3(data: bytes, sample_rate: int, tempo: float = 1.0) -> np.ndarray:
    """MP3 bytes -> mono int16 samples at `sample_rate`, optionally sped up by `tempo` (pitch kept)."""
    args = ["-f", "mp3", "-i", "pipe:0"]
    if abs(tempo - 1.0) > 1e-6:
        args += ["-filter:a", f"atempo={tempo:.4f}"]
    args += ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"]
    return np.frombuffer(run_ffmpeg(args, stdin=data), dtype=np.int16)


def decode_file(path: str, sample_rate: int = 44100) -> np.ndarray:
    """Decode an audio file (MP3 or WAV) to mono int16 samples; used by tests and checks."""
    fmt = ["-f", "mp3"] if str(path).lower().endswith(".mp3") else []  # else ffmpeg recognises the format itself
    out = run_ffmpeg([*fmt, "-i", str(path), "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"])
    return np.frombuffer(out, dtype=np.int16)
