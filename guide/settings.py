"""The settings of one run of guide, made once and passed down.

The CLI makes them from its options (one set of click options shared by the commands that take them,
:mod:`guide.options`), the studio the same way, and a program calls :meth:`RunSettings.make`. Each default is
written here once. :meth:`RunSettings.make` reads the environment (``GUIDE_CACHE_DIR``, ``GUIDE_OFFLINE``,
``GUIDE_CACHE_URL``, ``GUIDE_FFMPEG``, ``GUIDE_NO_FALLBACK``) as input and never writes it. Lower layers keep their
own fallbacks for a program that calls them without settings (an :class:`EngineRegistry` made without ``offline`` reads
``GUIDE_OFFLINE``); ``GUIDE_VOICES_DIR`` is the Piper engine's own, read where it looks for voices.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .audio.ffmpeg import FFMPEG_ENV
from .cache import CACHE_ENV, DEFAULT_CACHE, TakeCache
from .engines import OFFLINE_ENV, EngineRegistry
from .errors import InputError
from .publish.mp3 import parse_bitrate

DEFAULT_OUT = Path("audio_out")
"""Where guides are built: each script's into ``<out>/<id>/``."""

DEFAULT_BITRATE = 96
"""kbit/s of the MP3s: speech at 44.1 kHz mono, clear on a phone's speaker and small to stream."""

CACHE_MODES = ("rw", "ro")
"""How a shared take cache is used: ``rw`` takes from it and puts into it, ``ro`` only takes."""

CACHE_URL_ENV = "GUIDE_CACHE_URL"
NO_FALLBACK_ENV = "GUIDE_NO_FALLBACK"
"""Set to 1 (true, yes, on): a take a fallback voice would speak is an error instead (``--no-fallback``)."""
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class RunSettings:
    """Everything about a run that is not in the script: where to write, which caches, how to encode."""

    out: Path = DEFAULT_OUT
    """The output folder; each script's guide goes to ``<out>/<id>/``."""

    cache: Path = DEFAULT_CACHE
    """The local take cache folder (``--cache-dir``, else ``GUIDE_CACHE_DIR``, else ``.guide-cache/``)."""

    cache_url: str | None = None
    """A shared take cache behind the local one (any fsspec URL), or None."""

    cache_mode: str = "rw"
    """``rw``: take from the shared cache and put into it; ``ro``: only take."""

    cache_strict: bool = False
    """A shared cache that cannot be reached is an error, not a warning."""

    bitrate: int = DEFAULT_BITRATE
    """MP3 bitrate in kbit/s (checked against what MP3 allows when made)."""

    jobs: int | None = None
    """Piper voices recording at once (None: the number of cores)."""

    offline: bool = False
    """Never touch the network: online voices speak through their offline fallback."""

    no_fallback: bool = False
    """A voice that fails is an error (exit 1), never covered by its fallback voice (``--no-fallback``, else
    ``GUIDE_NO_FALLBACK``): for CI that publishes, so a guide spoken by a fallback is never published unnoticed."""

    voices_dirs: tuple[Path, ...] = ()
    """Extra folders of Piper voices (``--voices-dir``; the engine adds ``GUIDE_VOICES_DIR``'s)."""

    base_url: str | None = None
    """Where the guide folder is published (feeds, QR codes); overrides the script's ``base_url:``."""

    ffmpeg: Path | None = None
    """The ffmpeg chosen instead of the bundled one (``guide --ffmpeg``, ``GUIDE_FFMPEG``), or None. The choice
    is the process's (:func:`guide.audio.ffmpeg.use_ffmpeg`, made by ``guide --ffmpeg`` before any command):
    the audio layer runs it; this says which it is."""

    @classmethod
    def make(
        cls,
        *,
        out: str | Path | None = None,
        cache: str | Path | None = None,
        cache_url: str | None = None,
        cache_mode: str = "rw",
        cache_strict: bool = False,
        bitrate: str | int | None = None,
        jobs: int | None = None,
        offline: bool = False,
        no_fallback: bool = False,
        voices_dirs: Sequence[str | Path] = (),
        base_url: str | None = None,
        ffmpeg: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> RunSettings:
        """Settings from what was given, completed from the environment (`environ`, default ``os.environ``).

        A value given wins over the environment; ``offline`` is on when given or when ``GUIDE_OFFLINE`` says
        so, and ``no_fallback`` when given or when ``GUIDE_NO_FALLBACK`` says so. Raises InputError for a bitrate
        or cache mode that cannot be used.
        """
        env = os.environ if environ is None else environ
        if cache_mode not in CACHE_MODES:
            raise InputError(f"--cache-mode must be one of {', '.join(CACHE_MODES)}, not {cache_mode!r}")
        if jobs is not None and jobs < 1:
            raise InputError(f"--jobs must be at least 1, not {jobs}")
        if isinstance(bitrate, int):
            bitrate = f"{bitrate}k"
        chosen_ffmpeg = ffmpeg or env.get(FFMPEG_ENV) or None
        return cls(
            out=Path(out) if out is not None else DEFAULT_OUT,
            cache=Path(cache or env.get(CACHE_ENV) or DEFAULT_CACHE).expanduser(),
            cache_url=cache_url or env.get(CACHE_URL_ENV) or None,
            cache_mode=cache_mode,
            cache_strict=cache_strict,
            bitrate=parse_bitrate(bitrate) if bitrate is not None else DEFAULT_BITRATE,
            jobs=jobs,
            offline=offline or env.get(OFFLINE_ENV, "").strip().lower() in _TRUE,
            no_fallback=no_fallback or env.get(NO_FALLBACK_ENV, "").strip().lower() in _TRUE,
            voices_dirs=tuple(Path(d) for d in voices_dirs),
            base_url=base_url,
            ffmpeg=Path(chosen_ffmpeg) if chosen_ffmpeg else None,
        )

    def but(self, **changes: object) -> RunSettings:
        """A copy with `changes` (the same checks do not run again: give checked values)."""
        return dataclasses.replace(self, **changes)

    @property
    def bitrate_text(self) -> str:
        """The bitrate as ffmpeg and the CLI write it, e.g. ``96k``."""
        return f"{self.bitrate}k"

    def take_cache(self) -> TakeCache:
        """The local take cache; refused when it would sit inside the (published) output folder."""
        folder, out = self.cache.resolve(), self.out.resolve()
        if folder == out or out in folder.parents:
            raise InputError(
                f"the take cache {self.cache} is inside the output folder {self.out}: choose another --cache-dir"
            )
        return TakeCache(self.cache)

    def registry(self) -> EngineRegistry:
        """A new engine registry for these settings (its voices load on first use)."""
        return EngineRegistry(voices_dirs=self.voices_dirs, offline=self.offline, fallbacks=not self.no_fallback)
