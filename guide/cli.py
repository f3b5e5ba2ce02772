"""The ``guide`` command: a thin click layer over :mod:`guide.builder`."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__, builder
from .engines import EngineRegistry
from .errors import GuideError, InputError

SCRIPTS_DIR = Path("scripts")


def _registry(voices_dir: tuple[Path, ...]) -> EngineRegistry:
    return EngineRegistry(voices_dirs=voices_dir)


def _scripts(given: tuple[Path, ...]) -> list[Path]:
    if given:
        return list(given)
    found = sorted([*SCRIPTS_DIR.glob("*.yaml"), *SCRIPTS_DIR.glob("*.yml")])
    if not found:
        raise InputError(f"no script given and none found in {SCRIPTS_DIR}/ (write one, e.g. {SCRIPTS_DIR}/my-guide.yaml)")
    return found


def _minutes(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


voices_dir_option = click.option(
    "--voices-dir",
    type=click.Path(file_okay=False, path_type=Path),
    multiple=True,
    help="Folder of extra Piper voices (NAME.onnx + NAME.onnx.json); also GUIDE_VOICES_DIR.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guide")
def main() -> None:
    """Build narrated Arabic and English audio guides from a YAML script, offline."""


@main.command()
@click.argument("scripts", nargs=-1, type=click.Path(path_type=Path))
@click.option("--lang", "languages", multiple=True, help="Build only this language (repeatable). Default: all the script declares.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("audio_out"), show_default=True, help="Output folder.")
@click.option("--bitrate", default="96k", show_default=True, help="MP3 bitrate.")
@voices_dir_option
def build(scripts: tuple[Path, ...], languages: tuple[str, ...], out: Path, bitrate: str, voices_dir: tuple[Path, ...]) -> None:
    """Record SCRIPTS (default: every script in scripts/) into MP3 tracks and full guides."""
    registry = _registry(voices_dir)
    for path in _scripts(scripts):
        with _ProgressBar(f"Recording {path.name}") as progress:
            result = builder.build(path, out, languages, bitrate, registry, progress=progress)
        _summary(result)


class _ProgressBar:
    """A click progress bar on stderr, opened when the build knows how much it will record."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None

    def __enter__(self) -> "_ProgressBar":
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, show_pos=True, file=click.get_text_stream("stderr"))
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc_info)


def _summary(result: builder.BuildResult) -> None:
    click.echo(f"\n{result.script.id}: {result.recorded} texts recorded in {result.seconds:.1f} s -> {result.folder}/")
    for lang in result.languages:
        click.echo(f"\n  {lang.lang} ({lang.voice})")
        for track in lang.tracks:
            click.echo(f"    {track.file.name:<40} {_minutes(track.duration):>6}  {track.title}")
        click.echo(f"    {lang.full.file.name:<40} {_minutes(lang.full.duration):>6}  full guide")
    click.echo(f"\n  manifest: {result.manifest}")


@main.command()
@click.argument("scripts", nargs=-1, required=True, type=click.Path(path_type=Path))
@voices_dir_option
def check(scripts: tuple[Path, ...], voices_dir: tuple[Path, ...]) -> None:
    """Validate SCRIPTS without recording anything."""
    registry = _registry(voices_dir)
    failures: list[GuideError] = []
    for path in scripts:
        try:
            script = builder.load(path, registry)
        except GuideError as exc:
            failures.append(exc)
            click.echo(exc.format_message(), err=True)
            continue
        items = len(script.sections) + len(script.faq) + bool(script.intro) + bool(script.outro)
        voices = ", ".join(f"{lang}: {v.describe()}" for lang, v in script.voices.items())
        click.echo(f"{path}: ok ({items} tracks per language; {voices})")
    if failures:
        raise InputError(f"{len(failures)} of {len(scripts)} script(s) have problems")


@main.command()
@click.option("--engine", type=click.Choice(EngineRegistry.names()), help="Only this engine.")
@click.option("--lang", help="Only voices for this language (e.g. ar).")
@voices_dir_option
def voices(engine: str | None, lang: str | None, voices_dir: tuple[Path, ...]) -> None:
    """List the voices each engine offers on this machine."""
    registry = _registry(voices_dir)
    for name in [engine] if engine else registry.names():
        found = registry.get(name).list_voices()
        if lang:
            found = [v for v in found if any(l.split("-")[0] == lang.split("-")[0] for l in v.languages)]
        where = "offline" if registry.get(name).offline else "online, needs internet"
        click.echo(f"{name} ({where}): {len(found)} voice(s)")
        for voice in found:
            click.echo(f"  {voice.name:<28} {','.join(voice.languages):<16} {voice.detail}")
