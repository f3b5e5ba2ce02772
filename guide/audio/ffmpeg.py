"""The one ffmpeg guide runs, and running it.

By default that is the ffmpeg shipped inside ``imageio-ffmpeg``, always: its
version is pinned by our dependencies, so loudness, encoding and the take format
are the same on every machine whatever ``ffmpeg`` is on PATH (Debian 12's 5.1,
say). A user may choose another binary with ``GUIDE_FFMPEG`` (or ``guide --ffmpeg``);
a chosen binary is checked for everything guide uses before anything is recorded
(:func:`require_capable`), and :func:`probe` says what is missing.

imageio-ffmpeg ships no ffprobe, so decoding always names the input format and
asks for raw PCM; nothing here relies on probing.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AudioError, ToolError
from ..script.model import Loudness
from .filters import METER, PEAK_METER, gain_filter

FFMPEG_ENV = "GUIDE_FFMPEG"
"""Environment variable naming an ffmpeg binary to use instead of the bundled one."""

BACK_TO_BUNDLED = f"unset {FFMPEG_ENV} (and drop --ffmpeg) to use the ffmpeg that ships with guide"


@dataclass(frozen=True)
class Ffmpeg:
    """The ffmpeg binary a process uses."""

    path: str
    """Absolute path of the binary."""

    version: str
    """What ``ffmpeg -version`` prints after "version" (e.g. ``5.1.9-0+deb12u1``)."""

    bundled: bool
    """True for imageio-ffmpeg's binary; False for one chosen with GUIDE_FFMPEG / --ffmpeg."""

    @property
    def label(self) -> str:
        """How messages name it: ``ffmpeg 5.1.9 (chosen by GUIDE_FFMPEG: /usr/bin/ffmpeg)``."""
        how = "bundled with imageio-ffmpeg" if self.bundled else f"chosen with {FFMPEG_ENV} or --ffmpeg"
        return f"ffmpeg {self.version} ({how}: {self.path})"


def bundled_path() -> str:
    """The ffmpeg binary inside the installed imageio-ffmpeg package.

    Found directly in the package's ``binaries/`` folder: imageio-ffmpeg's own lookup
    would honour IMAGEIO_FFMPEG_EXE and fall back to PATH, which is what we must not do.
    """
    try:
        # Here, not at the top: a broken install gets this message, not a traceback.
        import imageio_ffmpeg  # noqa: PLC0415
    except ImportError:  # pragma: no cover - it is a declared dependency
        raise AudioError("ffmpeg not found: reinstall guide (pip install -e .) to get imageio-ffmpeg") from None
    folder = Path(imageio_ffmpeg.__file__).parent / "binaries"
    found = (
        sorted(p for p in folder.glob("ffmpeg-*") if p.is_file() and os.access(p, os.X_OK)) if folder.is_dir() else []
    )
    if not found:
        raise AudioError(
            f"the ffmpeg bundled with imageio-ffmpeg is missing from {folder} (no wheel for this platform?): "
            f"reinstall it (pip install --force-reinstall imageio-ffmpeg) "
            f"or choose an ffmpeg with {FFMPEG_ENV}=/path/to/ffmpeg"
        )
    return str(found[-1])


def chosen_path() -> str | None:
    """The binary named by GUIDE_FFMPEG, resolved; ToolError when it is not an executable file."""
    given = os.environ.get(FFMPEG_ENV, "").strip()
    if not given:
        return None
    path = Path(given).expanduser()
    if os.sep not in given:  # a bare name, as on a command line: look it up on PATH
        found = shutil.which(given)
        path = Path(found) if found else path
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ToolError(f"{FFMPEG_ENV}={given}: not an executable file; {BACK_TO_BUNDLED}")
    return str(path.resolve())


def use_ffmpeg(path: str | None) -> None:
    """Choose the ffmpeg of this process and its children (None: the bundled one); ``guide --ffmpeg``."""
    if path:
        os.environ[FFMPEG_ENV] = str(path)
    else:
        os.environ.pop(FFMPEG_ENV, None)
    ffmpeg.cache_clear()
    pydub.cache_clear()


@functools.lru_cache(maxsize=1)
def ffmpeg() -> Ffmpeg:
    """The ffmpeg this process uses: the one GUIDE_FFMPEG names, else the bundled one."""
    chosen = chosen_path()
    path = chosen or bundled_path()
    return Ffmpeg(path=path, version=_version(path), bundled=chosen is None)


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary to use."""
    return ffmpeg().path


def _version(path: str) -> str:
    try:
        done = subprocess.run([path, "-version"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolError(f"{path} does not run as ffmpeg ({exc}); {BACK_TO_BUNDLED}") from None
    first = done.stdout.decode(errors="replace").split("\n", 1)[0]
    if done.returncode != 0 or not first.startswith("ffmpeg version "):
        said = _last_lines(done.stderr.decode(errors="replace") or first, 1) or f"exit status {done.returncode}"
        raise ToolError(f"{path} is not a working ffmpeg ({said}); {BACK_TO_BUNDLED}")
    return first[len("ffmpeg version ") :].split(" ", 1)[0]


@functools.lru_cache(maxsize=1)
def pydub():  # -> the pydub.AudioSegment class
    """pydub's AudioSegment, pointed at our ffmpeg.

    pydub warns at import when no system ffmpeg is on PATH; we give it one, so
    the warning is noise and is silenced.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment  # noqa: PLC0415 - on first use, inside this guard: only here is it quiet
    AudioSegment.converter = ffmpeg_exe()
    AudioSegment.ffmpeg = ffmpeg_exe()
    return AudioSegment


# ---------------------------------------------------------------- running it


def _last_lines(log: str, count: int = 2) -> str:
    """ffmpeg's own words on a failure: the first complaint of a component (its cause,
    ``[AVFilterGraph] No such filter: 'x'``) and its last line (``Conversion failed!``)."""
    lines = [line.strip() for line in log.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    tagged = [_TAG.sub(r"[\1]", line) for line in lines if _TAG.match(line)]
    words = [*tagged[:1], lines[-1]] if tagged else lines[-count:]
    return " / ".join(dict.fromkeys(w[:300] for w in words))


_TAG = re.compile(r"^\[(\w+) @ 0x[0-9a-f]+\]")
"""ffmpeg's prefix of a component's message; the address is noise to a reader."""


def _failed(step: str, status: int, log: str) -> AudioError:
    said = _last_lines(log) or f"exit status {status}"
    return AudioError(f"ffmpeg failed {step}: {said}\n  ffmpeg used: {ffmpeg().label}")


def run_ffmpeg(args: list[str], stdin: bytes | None = None, want_stderr: bool = False, *, step: str = "while running"):
    """Run ffmpeg; returns stdout (bytes), or its log (str) with `want_stderr`.

    `step` says what it was doing, for the error ("while decoding music.mp3"); an
    AudioError names it, the binary and ffmpeg's last words.
    """
    level = "info" if want_stderr else "error"  # measurements (ebur128) are logged at info
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", level, "-nostdin", *args]
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise AudioError(f"could not run ffmpeg {step} ({cmd[0]}): {exc}") from exc
    if done.returncode != 0:
        raise _failed(step, done.returncode, done.stderr.decode(errors="replace"))
    return done.stderr.decode(errors="replace") if want_stderr else done.stdout


def pipe_pcm(
    args: list[str], pcm: Iterable[np.ndarray], sample_rate: int, log: bool = False, *, step: str = "while running"
) -> str:
    """Stream mono int16 `pcm` pieces into ffmpeg (``-i pipe:0`` is added); returns its log with `log`.

    Streaming keeps an hour-long full guide out of memory.
    """
    level = "info" if log else "error"
    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostats",
        "-loglevel",
        level,
        "-y",
        "-f",
        "s16le",
        "-ar",
        str(sample_rate),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        *args,
    ]
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty ffmpeg cannot block
        try:
            process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
        except OSError as exc:
            raise AudioError(f"could not run ffmpeg {step} ({cmd[0]}): {exc}") from exc
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
        raise _failed(step, status, text)
    return text


def decode_mp3(
    data: bytes, sample_rate: int, tempo: float = 1.0, *, step: str = "while decoding MP3 audio"
) -> np.ndarray:
    """MP3 bytes -> mono int16 samples at `sample_rate`, optionally sped up by `tempo` (pitch kept)."""
    args = ["-f", "mp3", "-i", "pipe:0"]
    if abs(tempo - 1.0) > 1e-6:
        args += ["-filter:a", f"atempo={tempo:.4f}"]
    args += ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"]
    return np.frombuffer(run_ffmpeg(args, stdin=data, step=step), dtype=np.int16)


def decode_file(path: str, sample_rate: int = 44100, *, step: str | None = None) -> np.ndarray:
    """Decode an audio file (MP3 or WAV) to mono int16 samples."""
    fmt = ["-f", "mp3"] if str(path).lower().endswith(".mp3") else []  # else ffmpeg recognises the format itself
    args = [*fmt, "-i", str(path), "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"]
    out = run_ffmpeg(args, step=step or f"while decoding {path}")
    return np.frombuffer(out, dtype=np.int16)


# ---------------------------------------------------------------- what a binary can do


@dataclass(frozen=True)
class Capability:
    """One thing guide asks of ffmpeg, and whether a binary does it."""

    name: str
    """What is asked, as a user would look it up (``alimiter filter (limit, level, attack, release, latency)``)."""

    ok: bool
    """Whether the binary did it."""

    said: str = ""
    """ffmpeg's last words when it did not."""


def _probes() -> list[tuple[str, list[str], str | None]]:
    """(name, ffmpeg arguments after the PCM input, text the log must contain) of each probe.

    Each runs the exact filter options the pipeline uses, on a short tone, so an
    option an older ffmpeg lacks (ebur128's framelog=quiet before 6.0) is caught here,
    not after recording.
    """
    rate = "44100"
    chain = gain_filter(Loudness(), 0.0, 44100).split(",")
    compressor = next(f for f in chain if f.startswith("acompressor="))
    limiter = next(f for f in chain if f.startswith("alimiter="))
    null = ["-f", "null", "-"]
    return [
        ("s16le input and ebur128 meter (framelog)", ["-af", METER, *null], "Summary:"),
        ("ebur128 true-peak meter (peak=true)", ["-af", PEAK_METER, *null], "Summary:"),
        ("volume filter", ["-af", "volume=-3.00dB", *null], None),
        ("acompressor filter (threshold, ratio, attack, release, knee)", ["-af", compressor, *null], None),
        ("alimiter filter (limit, level, attack, release, latency)", ["-af", limiter, *null], None),
        ("aresample filter", ["-af", f"aresample={44100 * 4},aresample={rate}", *null], None),
        ("atempo filter", ["-af", "atempo=1.2500", *null], None),
        (
            "libmp3lame encoder and mp3 format",
            ["-codec:a", "libmp3lame", "-b:a", "96k", "-ar", rate, "-f", "mp3", "pipe:1"],
            None,
        ),
        ("wav format (pcm_s16le)", ["-codec:a", "pcm_s16le", "-f", "wav", "pipe:1"], None),
    ]


def probe(path: str | None = None) -> list[Capability]:
    """Run every probe on `path` (default: the ffmpeg in use); one Capability each, in order.

    Decoding MP3 is probed on the MP3 the encoder probe made.
    """
    path = path or ffmpeg_exe()
    tone = (np.sin(np.arange(22050) * 2 * np.pi * 440 / 44100) * 8000).astype("<i2").tobytes()
    head = [
        path,
        "-hide_banner",
        "-nostats",
        "-nostdin",
        "-loglevel",
        "info",
        "-f",
        "s16le",
        "-ar",
        "44100",
        "-ac",
        "1",
        "-i",
        "pipe:0",
    ]
    results: list[Capability] = []
    mp3 = b""
    for name, args, expect in _probes():
        ok, said, out = _try([*head, *args], tone, expect)
        if args[-2:] == ["mp3", "pipe:1"] and ok:
            mp3 = out
        results.append(Capability(name, ok, said))
    decode = [
        path,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-f",
        "mp3",
        "-i",
        "pipe:0",
        "-f",
        "s16le",
        "-ac",
        "1",
        "-ar",
        "44100",
        "pipe:1",
    ]
    ok, said, out = _try(decode, mp3, None) if mp3 else (False, "no MP3 to decode (the encoder failed)", b"")
    results.append(Capability("mp3 decoder", ok and len(out) > 0, said or ("" if out else "decoded nothing")))
    return results


def _try(cmd: list[str], data: bytes, expect: str | None) -> tuple[bool, str, bytes]:
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc), b""
    log = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        return False, _last_lines(log) or f"exit status {done.returncode}", b""
    if expect is not None and expect not in log:
        return False, f"ran, but printed no {expect!r}", b""
    return True, "", done.stdout


@functools.lru_cache(maxsize=4)
def _checked(path: str) -> tuple[Capability, ...]:
    return tuple(probe(path))


def require_capable() -> Ffmpeg:
    """The ffmpeg in use, after checking a chosen one can do all guide needs (once per process).

    The bundled binary is pinned and tested with guide, so it is not probed on every build.
    Raises ToolError naming every missing capability and how to go back to the bundled ffmpeg.
    """
    used = ffmpeg()
    if used.bundled:
        return used
    missing = [c for c in _checked(used.path) if not c.ok]
    if missing:
        lines = "\n".join(f"  ✗ {c.name}: {c.said}" for c in missing)
        raise ToolError(
            f"{used.label} cannot do everything guide needs:\n{lines}\n{BACK_TO_BUNDLED} (guide doctor checks it)"
        )
    return used
