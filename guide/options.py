"""The click options of a run's settings, written once and shared by every command that takes them.

A command names the settings it takes with :func:`run_settings`; it then gets one frozen
:class:`~guide.settings.RunSettings` (made by :meth:`RunSettings.make`, so defaults and the environment are
read in one place) instead of a parameter per option. ``guide/cli.py`` and ``guide/proof/command.py`` use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .settings import CACHE_MODES, CACHE_URL_ENV, DEFAULT_BITRATE, DEFAULT_OUT, RunSettings

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

HELP = {
    "out": "Output folder.",
    "cache": "Take cache folder (default: GUIDE_CACHE_DIR, else .guide-cache/ here).",
    "cache_url": "A shared take cache (s3://bucket/prefix, any fsspec URL) behind the local one; also GUIDE_CACHE_URL.",
    "cache_mode": "ro: take from the shared cache, never put into it.",
    "cache_strict": "A shared cache that cannot be reached is an error (exit 1), not a warning.",
    "bitrate": "MP3 bitrate.",
    "jobs": "Piper voices recording at once, in threads sharing one loaded voice (default: the number of cores).",
    "offline": "Never touch the network: gTTS voices speak through their offline fallback (also GUIDE_OFFLINE=1).",
    "no_fallback": "A voice that fails is an error (exit 1), never covered by its fallback voice; also "
    "GUIDE_NO_FALLBACK=1. Use it in CI that publishes.",
    "voices_dirs": "Folder of extra Piper voices (NAME.onnx + NAME.onnx.json); also GUIDE_VOICES_DIR.",
    "base_url": "Where the guide folder will be published (podcast feed URLs); overrides the script's base_url.",
}
"""Each option's help, as most commands show it; a command may say it its own way (:func:`run_settings`)."""


def _option(name: str, help_text: str) -> Decorator:
    """The click option for the setting `name`, its parameter called `name`."""
    if name == "out":
        folder = click.Path(file_okay=False, path_type=Path)
        return click.option("--out", "out", type=folder, default=DEFAULT_OUT, show_default=True, help=help_text)
    if name == "cache":
        return click.option("--cache-dir", "cache", type=click.Path(file_okay=False, path_type=Path), help=help_text)
    if name == "cache_url":
        return click.option("--cache-url", "cache_url", envvar=CACHE_URL_ENV, help=help_text)
    if name == "cache_mode":
        choice = click.Choice(CACHE_MODES)
        return click.option("--cache-mode", "cache_mode", type=choice, default="rw", show_default=True, help=help_text)
    if name == "cache_strict":
        return click.option("--cache-strict", "cache_strict", is_flag=True, help=help_text)
    if name == "bitrate":
        return click.option("--bitrate", "bitrate", default=f"{DEFAULT_BITRATE}k", show_default=True, help=help_text)
    if name == "jobs":
        return click.option("--jobs", "-j", "jobs", type=int, default=None, help=help_text)
    if name == "offline":
        return click.option("--offline", "offline", is_flag=True, help=help_text)
    if name == "no_fallback":
        return click.option("--no-fallback", "no_fallback", is_flag=True, help=help_text)
    if name == "voices_dirs":
        folder = click.Path(exists=True, file_okay=False, path_type=Path)
        return click.option("--voices-dir", "voices_dirs", type=folder, multiple=True, help=help_text)
    if name == "base_url":
        return click.option("--base-url", "base_url", help=help_text)
    raise ValueError(f"no run setting called {name!r}")  # a programming error, never a user's


def run_settings(*names: str, **helps: str) -> Decorator:
    """Give a command the options of the settings `names` (keys of :data:`HELP`, in the order ``--help`` lists
    them) and, in their place, a ``settings`` parameter: one :class:`RunSettings` made from them.

    `helps` gives an option its own help in this command (``out="Output folder of the build to print from."``).
    The ffmpeg chosen with ``guide --ffmpeg`` is in the settings too.
    """

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def with_settings(*args: Any, **kwargs: Any) -> Any:
            given = {name: kwargs.pop(name) for name in names}
            root = click.get_current_context().find_root()
            settings = RunSettings.make(ffmpeg=root.params.get("ffmpeg_path"), **given)
            return command(*args, settings=settings, **kwargs)

        decorated: Callable[..., Any] = with_settings
        for name in reversed(names):
            decorated = _option(name, helps.get(name, HELP[name]))(decorated)
        return decorated

    return decorate
