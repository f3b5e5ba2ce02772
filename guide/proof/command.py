"""The ``guide proof`` click command; ``guide/cli.py`` registers it with ``main.add_command(proof)``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError
from ..options import run_settings
from ..settings import RunSettings


@click.command("proof")
@click.argument("script", type=click.Path(path_type=Path))
@click.option(
    "--lang", "languages", multiple=True, help="Only this language (repeatable). Default: every language built."
)
@click.option("--only", multiple=True, metavar="ITEM_ID", help="Only this item's track (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON object, for programs and CI.")
@click.option(
    "--html", "as_html", is_flag=True, help="Also write proof.html beside index.html: click a sentence to hear it."
)
@click.option(
    "--max-miss",
    type=float,
    default=None,
    metavar="X",
    help="Exit with status 1 when a language misses more than X (0-1) of its words (Arabic: characters).",
)
@click.option(
    "--model",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FOLDER",
    help="A faster-whisper model folder instead of the bundled Whisper base.",
)
@run_settings(
    "out",
    "cache",
    "voices_dirs",
    out="Output folder the guide was built into.",
    cache="Cache folder (default: GUIDE_CACHE_DIR, else .guide-cache/ here).",
    voices_dirs="Folder of extra Piper voices the script uses (as for guide build).",
)
def proof(
    script: Path,
    languages: tuple[str, ...],
    only: tuple[str, ...],
    as_json: bool,
    as_html: bool,
    max_miss: float | None,
    model: Path | None,
    settings: RunSettings,
) -> None:
    """Listen to the built tracks of SCRIPT with an offline recogniser and flag sentences heard wrong.

    Every sentence is transcribed blind (the recogniser is never told the text) and
    compared with the script's words: numbers as words, no lexicon respellings.
    Results are cached: after an edit only the changed sentences are heard again.
    Needs the proof extra: pip install -e '.[proof]'.

    Exits 1 when a sentence is flagged for a number (said other than written by a
    'numbers differ' marker, or not heard as written) or a language is over
    --max-miss; 0 otherwise.
    """
    # Guide.proof loads on first use: other commands do not pay for it.
    from .report import as_json as to_json  # noqa: PLC0415
    from .report import summary  # noqa: PLC0415 - guide.proof loads on first use: other commands do not pay for it

    # Guide.proof loads on first use: other commands do not pay for it.
    from .run import ProofOptions, write_html  # noqa: PLC0415

    # Guide.proof loads on first use: other commands do not pay for it.
    from .run import proof as run_proof  # noqa: PLC0415

    if max_miss is not None and not 0 <= max_miss <= 1:
        raise InputError(f"--max-miss {max_miss:g}: give a share between 0 and 1 (0.1 is 10%)")
    options = ProofOptions(languages=languages, only=only, model=model)
    bar = _Bar()
    try:
        report = run_proof(script, settings, options, progress=bar)
    finally:
        bar.close()
    if as_html:
        title = report.script
        page = write_html(report, title)
        if not as_json:
            click.echo(f"wrote {page}")
    if as_json:
        click.echo(to_json(report))
    else:
        click.echo("\n".join(summary(report)))
    # Exit status 1: a sentence flagged for a number (said other than written, or not heard as written),
    # or a language over --max-miss; 0 otherwise.
    failed = False
    numbered = report.number_flagged()
    if numbered:
        failed = True
        if not as_json:
            click.echo(
                f"\n{len(numbered)} sentence(s) flagged for a number: listen to each (they are listed first)", err=True
            )
    if max_miss is not None:
        worse = report.worse_than(max_miss)
        if worse:
            failed = True
            if not as_json:
                click.echo(
                    f"\n{', '.join(worse)}: more than {max_miss:.0%} missed (--max-miss)",
                    err=True,
                )
    if failed:
        raise SystemExit(1)


class _Bar:
    """A progress bar on stderr, opened when the first sentence is transcribed."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Listening", show_pos=True, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
