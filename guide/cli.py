"""The ``guide`` command: a thin click layer over :mod:`guide.builder`."""

from __future__ import annotations

import json
import sys
from collections import Counter
from importlib.resources import as_file, files
from pathlib import Path

import click

from . import __version__, builder
from .audio.ffmpeg import use_ffmpeg
from .authoring import cost
from .deploy.plan import DEFAULT_MAX_DELETES
from .deploy.run import publish
from .engines import EngineRegistry
from .engines.user_voices import add_voice, check_model, remove_voice
from .errors import GuideError, InputError
from .options import run_settings
from .planner import Pause
from .plural import counted
from .proof.command import proof as proof_command
from .publish.transcripts import clock
from .script.files import script_files
from .script.model import Loudness, Script, VoiceSettings
from .script.parity_check import language_problems
from .settings import RunSettings
from .storage import StorageError
from .storage.shared_cache import open_shared
from .text.parity import language_name
from .translations.reviews import Stale
from .watch import watch as watch_loop

SCRIPTS_DIR = Path("scripts")


def _scripts(given: tuple[Path, ...]) -> list[Path]:
    if given:
        return list(given)
    found = script_files(SCRIPTS_DIR)
    if not found:
        raise InputError(
            f"no script given and none found in {SCRIPTS_DIR}/ (write one, e.g. {SCRIPTS_DIR}/my-guide.yaml)"
        )
    return found


def _minutes(seconds: float) -> str:
    """A length as every page shows it (whole seconds cut, as the browser's own audio control)."""
    return clock(seconds)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guide")
@click.option(
    "--ffmpeg",
    "ffmpeg_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Use this ffmpeg instead of the bundled one (also GUIDE_FFMPEG); checked before anything is recorded.",
)
def main(ffmpeg_path: Path | None) -> None:
    """Build narrated Arabic and English audio guides from a YAML script, offline."""
    if ffmpeg_path is not None:
        use_ffmpeg(str(ffmpeg_path))


only_option = click.option(
    "--only",
    multiple=True,
    metavar="ITEM_ID",
    help="Only this item's tracks (repeatable); full guides are left as they are.",
)
force_option = click.option("--force", is_flag=True, help="Record and encode again even what is up to date.")


_strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) when a translation's source text changed since it was reviewed (for CI).",
)


@main.command()
@click.argument("scripts", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--lang",
    "languages",
    multiple=True,
    help="Build only this language (repeatable). Default: all the script declares.",
)
@only_option
@force_option
@click.option("--watch", is_flag=True, help="Stay running; rebuild whenever a script or a voice file it uses is saved.")
@click.option(
    "--proof", "then_proof", is_flag=True, help="Then listen to what was built (guide proof; needs the proof extra)."
)
@_strict_option
@run_settings(
    "offline",
    "no_fallback",
    "out",
    "bitrate",
    "jobs",
    "cache",
    "base_url",
    "cache_url",
    "cache_mode",
    "cache_strict",
    "voices_dirs",
)
@click.pass_context
def build(
    ctx: click.Context,
    scripts: tuple[Path, ...],
    languages: tuple[str, ...],
    only: tuple[str, ...],
    force: bool,
    watch: bool,
    then_proof: bool,
    strict: bool,
    settings: RunSettings,
) -> None:
    """Record SCRIPTS (default: every script in scripts/) into MP3 tracks and full guides.

    Only what changed since the last build is recorded and encoded again.
    """
    registry = settings.registry()
    paths = _scripts(scripts)

    def one(path: Path) -> None:
        if strict:
            script = builder.load(path, registry)
            stale = builder.stale_translations(script)
            if _echo_stale(script, stale):
                raise GuideError(f"--strict: {counted(len(stale), 'translation')} to review; nothing was recorded")
        shared = None
        if settings.cache_url:
            shared = open_shared(settings.cache_url, settings.take_cache(), settings.cache_mode, settings.cache_strict)
        with _ProgressBar(f"Recording {path.name}") as progress:
            result = builder.build(path, settings, languages, registry, progress, only=only, force=force, shared=shared)
        _summary(result)
        if shared is not None and settings.cache_strict and (shared.count.errors or shared.count.damaged):
            raise StorageError(f"--cache-strict: {result.shared_warning}")
        if then_proof:
            click.echo("")
            ctx.invoke(
                proof_command,
                script=path,
                out=settings.out,
                languages=languages,
                only=only,
                cache=settings.cache,
                voices_dirs=settings.voices_dirs,
            )

    if not watch:
        for path in paths:
            one(path)
        return
    try:
        watch_loop(paths, one, click.echo, named=lambda p: builder.named_files(p, registry))
    except KeyboardInterrupt:
        click.echo("Stopped watching.")


class _ProgressBar:
    """A click progress bar on stderr, opened when the build knows how much it will record."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None

    def __enter__(self) -> _ProgressBar:
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, show_pos=True, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc_info)


def _summary(result: builder.BuildResult) -> None:
    if result.nothing_to_do:
        click.echo(f"{result.script.id}: nothing to do, everything is up to date ({result.seconds:.1f} s)")
        for lang in result.languages:
            if lang.fallback_takes:  # a guide spoken by a fallback voice is said even when nothing changed
                click.echo(f"  {lang}")
        _warnings(result)
        return
    shared = f"{result.from_shared} from the shared cache, " if result.shared is not None else ""
    # Takes fetched before planning were counted as reused by the plan; those fetched just before
    # recording (another machine had just put them there) were planned as recordings.
    reused = result.reused - (result.shared.fetched - result.shared.fetched_late if result.shared is not None else 0)
    click.echo(
        f"\n{result.script.id}: {counted(result.recorded, 'take')} recorded, {shared}{reused} reused; "
        f"{counted(len(result.encoded) - len(result.joined), 'file')} encoded, "
        f"{counted(len(result.joined), 'full guide')} joined in {result.seconds:.1f} s -> {result.folder}/"
    )
    encoded = set(result.encoded)
    for lang in result.languages:
        click.echo(f"\n  {lang}")
        rows = [(t.file, t.duration, t.title) for t in lang.tracks]
        if lang.full:
            rows.append((lang.full.file, lang.full.duration, "full guide"))
        if lang.full and lang.m4b:
            rows.append((lang.m4b, lang.full.duration, "full guide, M4B audiobook"))
        for file, duration, title in rows:
            written = lang.full.file if lang.m4b and file == lang.m4b else file  # an M4B is written with its full guide
            mark = "*" if written.as_posix() in encoded else " "
            click.echo(f"  {mark} {file.name:<40} {_minutes(duration):>6}  {title}")
    click.echo(
        f"\n  * written by this build (full guides joined from their tracks' frames); manifest: {result.manifest}"
    )
    if result.published:
        click.echo(
            f"  transcripts, playlists, feeds and pages: {counted(len(result.published), 'file')} updated; "
            f"web player: {result.folder / 'index.html'}"
        )
    if result.feed_skipped:
        click.echo("  podcast feeds: skipped, give --base-url (or base_url: in the script) to publish them")
    for choice in result.voices:
        click.echo(f"  voice {choice}")
    _warnings(result)


def _warnings(result: builder.BuildResult) -> None:
    """What a listener would notice: a hard-to-understand voice, takes spoken by a fallback; translations to
    review."""
    for warning in builder.warnings(result):
        click.echo(f"warning: {warning}", err=True)
    if result.review_started is not None:
        click.echo(
            f"  review record started: {result.review_started} (every translation reviewed as it is now; "
            "commit it with the script)"
        )
    if result.review_warning:
        click.echo(f"warning: {result.review_warning}", err=True)
    _echo_stale(result.script, result.stale)


@main.command("plan")
@click.argument("script", type=click.Path(path_type=Path))
@click.option("--lang", "languages", multiple=True, help="Only this language (repeatable).")
@only_option
@force_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON, for programs.")
@run_settings(
    "offline",
    "no_fallback",
    "out",
    "bitrate",
    "cache",
    "cache_url",
    "voices_dirs",
    cache_url="Also say which of the takes to record the shared take cache holds; also GUIDE_CACHE_URL.",
)
def plan_command(
    script: Path, languages: tuple[str, ...], only: tuple[str, ...], force: bool, as_json: bool, settings: RunSettings
) -> None:
    """Show what `guide build SCRIPT` would record and encode, and why, without doing it."""
    registry = settings.registry()
    work = builder.plan_build(script, settings, languages, registry, only=only, force=force)
    held: set[str] | None = None
    standing: set[str] = set()  # planned takes the shared cache holds only as their fallback voice spoke them
    warning = None
    if settings.cache_url and work.record:
        shared = open_shared(settings.cache_url, settings.take_cache(), "ro")
        held = shared.holds(job.take.key for job in work.record)
        # What the build fetches: the planned takes, else what their fallback voice said (builder.build).
        others = builder.stand_ins(job.take for job in work.record if job.take.key not in held)
        found = shared.holds(others.values())
        standing = {planned for planned, stand_in in others.items() if stand_in in found}
        warning = shared.warning()
    to_record = {job.take.key for job in work.record}
    costs = cost.estimate(work.plan.takes(), lambda key: key not in to_record, registry)
    if as_json:
        data = work.as_json()
        if held is not None:
            for take in data["record"]:
                take["in_shared_cache"] = take["key"] in held
                take["fallback_in_shared_cache"] = take["key"] in standing
        data["online"] = [
            {
                "engine": c.engine,
                "voices": list(c.voices),
                "takes": c.takes,
                "characters": c.characters,
                "next_takes": c.next_takes,
                "next_characters": c.next_characters,
                "usd_per_million": c.price.usd_per_million if c.price else None,
                "price_source": c.price.source if c.price else None,
                "cold_usd": c.cold_usd,
                "next_usd": c.next_usd,
            }
            for c in costs
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if work.nothing_to_do:
        click.echo(f"{script}: nothing to do, everything is up to date")
        return
    click.echo(f"{script}: {counted(len(work.record), 'take')} to record, {work.reused} reused from the cache")
    if held is not None:
        fetched = len(held) + len(standing)
        fallback = (
            f" ({len(standing)} only as spoken by their fallback voice, used where their own voice fails)"
            if standing
            else ""
        )
        click.echo(
            f"  {fetched:>4} of them {'is' if fetched == 1 else 'are'} in the shared cache {settings.cache_url}"
            f"{fallback}: the build fetches {'it' if fetched == 1 else 'them'} instead"
        )
    reasons = Counter(job.reason for job in work.record)
    for reason, count in reasons.most_common():
        click.echo(f"  {count:>4} {reason}")
    for job in work.record[:20]:
        shared_mark = (
            " [in the shared cache]"
            if held is not None and job.take.key in held
            else " [in the shared cache, as its fallback voice spoke it]"
            if job.take.key in standing
            else ""
        )
        click.echo(f"    {job.take.voice.lang}: {job.take.text[:70]}  ({job.reason}){shared_mark}")
    if len(work.record) > 20:
        click.echo(f"    … and {len(work.record) - 20} more")
    for engine_cost in costs:
        click.echo(f"  {engine_cost.describe()}")
    click.echo(
        f"{counted(len(work.encode), 'file')} to write (tracks encoded, full guides joined from their pieces' frames):"
    )
    for job in work.encode:
        how = " (joined)" if job.kind == "full" else ""
        click.echo(f"  {job.file:<48} {', '.join(job.reasons)}{how}")
    skipped = [f.file for f in work.files if f.skipped]
    if skipped:
        click.echo(f"{counted(len(skipped), 'file')} left as {'it is' if len(skipped) == 1 else 'they are'} (--only)")
    if warning:
        click.echo(f"warning: {warning}", err=True)


@main.command("print")
@click.argument("script", type=click.Path(path_type=Path))
@click.option(
    "--lang", "languages", multiple=True, help="Only this language (repeatable). Default: every language built."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PDF to write (default: OUT/<id>/<id>.print.pdf).",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "a5", "letter"], case_sensitive=False),
    default="a4",
    show_default=True,
    help="Paper size.",
)
@run_settings(
    "out",
    "base_url",
    out="Output folder of the build to print from.",
    base_url="Where the guide folder is published (the QR codes' addresses); overrides the script's base_url.",
)
def print_command(
    script: Path, languages: tuple[str, ...], output: Path | None, paper: str, settings: RunSettings
) -> None:
    """Write a printable PDF for SCRIPT's build: a QR poster per language and an answer card
    (with its own QR code) per section and FAQ entry, several to a page with cut marks."""
    result = builder.print_guide(script, settings, languages, output=output, paper=paper.lower())
    doc = result.printout
    click.echo(
        f"Wrote {result.pdf}: {len(doc.posters)} poster{'s' if len(doc.posters) != 1 else ''} and "
        f"{len(doc.cards)} answer card{'s' if len(doc.cards) != 1 else ''} on {result.pages} {paper.upper()} "
        f"page{'s' if result.pages != 1 else ''}"
    )
    click.echo(f"  QR codes lead to {doc.posters[0].url.rsplit('#', 1)[0]}" if doc.posters else "")


@main.command()
@click.argument("scripts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--allow-missing", is_flag=True, help="Accept texts not translated yet (left empty) and list them.")
@click.option(
    "--max-words",
    type=click.IntRange(5, 500),
    default=builder.MAX_WORDS,
    show_default=True,
    help="Warn about sentences longer than this (hard to follow by ear).",
)
@_strict_option
@run_settings("offline", "no_fallback", "cache", "voices_dirs")
def check(scripts: tuple[Path, ...], allow_missing: bool, max_words: int, strict: bool, settings: RunSettings) -> None:
    """Validate SCRIPTS without recording anything; warn about what may not sound right; estimate each language,
    and what the online voices will be sent and cost."""
    registry = settings.registry()
    failures: list[GuideError] = []
    needing_review = 0
    for path in scripts:
        try:
            script, advice = builder.check(path, settings, registry, allow_missing=allow_missing, max_words=max_words)
            stale = builder.stale_translations(script)
        except GuideError as exc:
            failures.append(exc)
            click.echo(exc.format_message(), err=True)
            continue
        items = len(script.sections) + len(script.faq) + bool(script.intro) + bool(script.outro)
        click.echo(f"{path}: ok ({counted(items, 'track')} per language)")
        choices = builder.voice_choices(script, registry)
        for choice in choices:
            click.echo(f"  voice {choice}")
        for estimate in advice.estimates:
            by_voice = ", ".join(f"{n} by {label}" for label, n in estimate.voices.items())
            web = f"; {estimate.web_requests} gTTS web requests" if estimate.web_requests else ""
            partial = (
                f" ({counted(estimate.untranslated, 'text')} not translated yet, not counted)"
                if estimate.untranslated
                else ""
            )
            click.echo(
                f"  {estimate.lang}: about {_minutes(estimate.seconds)} for the full guide{partial}; "
                f"{counted(estimate.takes, 'take')} ({by_voice}){web}"
            )
        for engine_cost in advice.costs:
            click.echo(f"  {engine_cost.describe()}")
        for warning in [*dict.fromkeys(c.warning for c in choices if c.warning), *advice.warnings]:
            click.echo(f"warning: {warning}", err=True)
        _echo_number_exceptions(script)
        _echo_translations(script)
        needing_review += _echo_stale(script, stale)
        if script.missing:
            click.echo(f"{counted(len(script.missing), 'text')} not translated yet:", err=True)
            for problem in script.missing:
                click.echo(f"  {problem}", err=True)
    if failures:
        raise InputError(
            f"{len(failures)} of {counted(len(scripts), 'script')} {'has' if len(failures) == 1 else 'have'} problems"
        )
    if strict and needing_review:
        raise GuideError(f"--strict: {counted(needing_review, 'translation')} to review")


@main.command()
@click.argument("script", type=click.Path(path_type=Path))
@click.option(
    "--mark",
    "texts",
    multiple=True,
    metavar="TEXT",
    help="Record this text's translations as reviewed against its source text now (repeatable): a text as guide "
    'check names it ("faq how-long, answer"), a whole item ("faq how-long"), or all.',
)
@click.option("--lang", "langs", multiple=True, help="Only this translation (repeatable; default: every one).")
@_strict_option
@run_settings("voices_dirs")
def review(script: Path, texts: tuple[str, ...], langs: tuple[str, ...], strict: bool, settings: RunSettings) -> None:
    """List the translations of SCRIPT whose source text changed since they were reviewed, with the change;
    with --mark, record them as reviewed once a translator has checked them.

    The record is SCRIPT's name with .reviewed.yaml, beside it: commit it with the script."""
    registry = settings.registry()
    if texts:
        marked = builder.mark_reviewed(script, texts, langs, registry)
        for label, lang in marked[:10]:
            click.echo(f"reviewed: {label}, {language_name(lang)}")
        if len(marked) > 10:
            click.echo(f"... and {len(marked) - 10} more: {counted(len(marked), 'translation')} recorded as reviewed")
        if not marked:
            click.echo("nothing to mark: those translations were already reviewed against their source text")
    loaded = builder.load(script, registry)
    stale = builder.stale_translations(loaded)
    if not _echo_stale(loaded, stale):
        click.echo(f"{script}: every translation is reviewed against its {language_name(loaded.source)} text")
    elif strict:
        raise GuideError(f"--strict: {counted(len(stale), 'translation')} to review")


def _echo_translations(script: Script) -> None:
    """List every ``translation differs`` marker, and each language whose numbers guide cannot compare."""
    markers = script.translation_markers
    if markers:
        click.echo(
            f"{counted(len(markers), 'deliberate difference')} between languages "
            "(marked 'translation differs'): check each with the translator:",
            err=True,
        )
        for marker in markers:
            click.echo(f"  {marker}", err=True)
    for warning in language_problems(script):
        click.echo(f"warning: {warning}", err=True)


def _echo_stale(script: Script, stale: list[Stale]) -> int:
    """List translations whose source changed since they were reviewed, with the change; how many."""
    if not stale:
        return 0
    source = language_name(script.source)
    click.echo(
        f"warning: {counted(len(stale), 'translation')} to review: the {source} changed since "
        f"{'they were' if len(stale) != 1 else 'it was'} reviewed",
        err=True,
    )
    for item in stale:
        lang = language_name(item.lang)
        where = f"  {script.path}:{item.line}: {item.label}:"
        if item.before is None:
            click.echo(f"{where} added since the {lang} was last reviewed", err=True)
        else:
            click.echo(f'{where} the {source} changed since the {lang} was reviewed: "{item.diff()}"', err=True)
    first = stale[0]
    click.echo(
        f'  once checked: guide review {script.path} --mark "{first.label}" --lang {first.lang}'
        + (" (or --mark all)" if len(stale) > 1 else ""),
        err=True,
    )
    return len(stale)


def _echo_number_exceptions(script: Script) -> None:
    """List every ``numbers differ`` marker, and what each lets the voice say, for a reviewer (each run)."""
    if not script.number_exceptions:
        return
    count = len(script.number_exceptions)
    click.echo(
        f"{count} deliberate number difference{'s' if count != 1 else ''} (marked 'numbers differ'): "
        "the voice says other numbers than are written; check each with the text's author:",
        err=True,
    )
    for exception in script.number_exceptions:
        click.echo(f"  {exception}", err=True)
        for sentence in exception.sentences:
            click.echo(
                f'      "{sentence.written}" is said "{sentence.said}": the voice will {sentence.change}', err=True
            )
        if not exception.sentences:
            click.echo("      changes no number in the script: the marker can go", err=True)


def _voice_option(value: str | None) -> VoiceSettings | None:
    """``engine`` or ``engine:voice`` (``espeak:ar``, ``piper:en_US-joe-medium``, ``gtts:ar``)."""
    if not value:
        return None
    engine, _, name = value.partition(":")
    names = EngineRegistry().names()
    if engine not in names:
        raise InputError(
            f"--voice {value}: the engine must be one of {', '.join(names)} (as in piper:en_US-joe-medium)"
        )
    return VoiceSettings(engine=engine, voice=name or None)


@main.command()
@click.argument("text")
@click.option("--lang", required=True, help="Language of TEXT (en, ar, …).")
@click.option(
    "--voice",
    "voice_name",
    metavar="ENGINE[:VOICE]",
    help="Voice for --lang, e.g. espeak:ar, piper:en_US-joe-medium, gtts:ar.",
)
@click.option(
    "--script",
    "script_path",
    type=click.Path(path_type=Path),
    help="Use this script's voices, lexicon and code switching.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("say.mp3"),
    show_default=True,
    help="Output file (.mp3, or .wav).",
)
@run_settings("offline", "no_fallback", "cache", "voices_dirs")
def say(
    text: str, lang: str, voice_name: str | None, script_path: Path | None, out: Path, settings: RunSettings
) -> None:
    """Speak TEXT through the same front-end and voices as a build, to try a pronunciation."""
    from .text.diacritize import diacritize  # noqa: PLC0415 - loads the diacritizer's ONNX runtime: only say pays

    spoken, seconds = builder.say(
        text, lang, out, settings, voice=_voice_option(voice_name), script_path=script_path, loudness=Loudness()
    )
    for sentence in spoken:
        click.echo(f"{sentence.text}")
        for piece in sentence.pieces:
            if isinstance(piece, Pause):
                click.echo(f"  [pause {piece.seconds:g}s]")
            else:
                given = diacritize(piece.text) if piece.voice.diacritize else piece.text
                click.echo(f"  {piece.voice.label:<28} {given}")
    click.echo(f"{out} ({seconds:.1f} s)")


@main.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="Script to write (default: scripts/<id>.yaml)."
)
@click.option(
    "--languages", default="en,ar", show_default=True, help="Languages, comma-separated; the first is the article's."
)
@click.option("--id", "script_id", help="The guide's id (default: from the article's file name).")
@click.option("--force", is_flag=True, help="Overwrite an existing script.")
def init(article: Path, out: Path | None, languages: str, script_id: str | None, force: bool) -> None:
    """Write a script skeleton from ARTICLE (plain text or Markdown); other languages are left to translate."""
    from .authoring import init_script  # noqa: PLC0415 - the article reader loads only for guide init

    langs = tuple(code.strip() for code in languages.split(",") if code.strip())
    written = init_script(article, out, langs, script_id, force)
    click.echo(f"wrote {written}")
    if len(langs) > 1:
        click.echo(
            f"next: translate the empty {', '.join(langs[1:])} texts; "
            f"`guide check --allow-missing {written}` lists them"
        )


SCHEMAS = {
    "script": ("guide.script", "schema.json"),
    "manifest": ("guide", "manifest.schema.json"),
    "reviewed": ("guide.translations", "reviewed.schema.json"),
}
"""``guide schema WHICH``: the package and file of each JSON Schema shipped."""


@main.command()
@click.argument("which", type=click.Choice(sorted(SCHEMAS)), default="script")
@click.option("--path", "show_path", is_flag=True, help="Print where the schema file is instead of its content.")
def schema(which: str, show_path: bool) -> None:
    """Print the JSON Schema of the script format (for editors: see docs/script-format.md); with `manifest`,
    that of the manifest.json a build writes; with `reviewed`, that of the review record beside a script."""
    package, name = SCHEMAS[which]
    resource = files(package) / name
    if show_path:
        with as_file(resource) as path:
            click.echo(str(path))
    else:
        click.echo(resource.read_text(encoding="utf-8"), nl=False)


@main.group(invoke_without_command=True)
@click.option("--engine", help="Only this engine (piper, espeak, gtts, azure, … or an installed plug-in's).")
@click.option("--lang", help="Only voices for this language (e.g. ar).")
@run_settings("voices_dirs")
@click.pass_context
def voices(ctx: click.Context, engine: str | None, lang: str | None, settings: RunSettings) -> None:
    """List the voices each engine offers on this machine; add or remove your own Piper voices."""
    if ctx.invoked_subcommand is not None:
        return
    registry = settings.registry()
    if engine is not None and engine not in registry.names():
        raise InputError(f"--engine {engine}: no such engine (installed: {', '.join(registry.names())})")
    for name in [engine] if engine else registry.names():
        try:
            found = registry.get(name).list_voices()
        except GuideError as exc:  # a broken plug-in: say so, and list the others
            click.echo(f"{name}: {exc.message}", err=True)
            continue
        if lang:
            found = [v for v in found if any(code.split("-")[0] == lang.split("-")[0] for code in v.languages)]
        where = "offline" if registry.get(name).offline else "online, needs internet"
        click.echo(f"{name} ({where}): {len(found)} voice(s)")
        for voice in found:
            click.echo(f"  {voice.name:<28} {','.join(voice.languages):<16} {voice.detail}")


@voices.command("add")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a voice of the same name.")
def voices_add(model: Path, force: bool) -> None:
    """Copy a Piper voice (MODEL.onnx and MODEL.onnx.json) into your voices folder, which every build searches."""
    voice = add_voice(model, force=force, check=check_model)
    click.echo(
        f"added {voice.name} ({voice.language}, {voice.quality or 'quality not given'}, {voice.sample_rate} Hz) "
        f"to {voice.model.parent}"
    )
    click.echo(f"use it in a script: voices: {{{voice.lang}: {{engine: piper, voice: {voice.name}}}}}")


@voices.command("remove")
@click.argument("name")
def voices_remove(name: str) -> None:
    """Remove one of your Piper voices by NAME (as `guide voices` lists it)."""
    folder = remove_voice(name)
    click.echo(f"removed {name} from {folder}")


@main.group()
def cache() -> None:
    """Inspect or prune the take cache."""


@cache.command("info")
@run_settings("cache")
def cache_info(settings: RunSettings) -> None:
    """Where the take cache is, and how big."""
    info = settings.take_cache().info()
    click.echo(f"{info.folder}: {info.takes} takes, {info.bytes / 1e6:.1f} MB, {_minutes(info.seconds)} of audio")


@cache.command("prune")
@click.argument("scripts", nargs=-1, type=click.Path(path_type=Path))
@run_settings("cache", "voices_dirs")
def cache_prune(scripts: tuple[Path, ...], settings: RunSettings) -> None:
    """Drop takes that no script in SCRIPTS (default: scripts/) uses."""
    keep = builder.all_take_keys(_scripts(scripts), settings.registry())
    removed, freed = settings.take_cache().prune(keep)
    click.echo(f"removed {removed} takes ({freed / 1e6:.1f} MB); kept {len(keep)} that the scripts use")


@main.command()
@run_settings("out", "cache", "voices_dirs", out="Output folder to check.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def doctor(as_json: bool, settings: RunSettings) -> None:
    """Check that this machine can build a guide: Python, ffmpeg, voices, cache, disk, network.

    Exit status 0 when a build can run, 1 otherwise; each ✗ comes with a fix.
    """
    from . import doctor as doc  # noqa: PLC0415 - its probes load what only guide doctor needs (0.2 s)

    report = doc.diagnose(
        out=settings.out, cache_folder=settings.cache, scripts_dir=SCRIPTS_DIR, voices_dirs=settings.voices_dirs
    )
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in doc.lines(report):
            click.echo(line)
    raise SystemExit(doc.exit_status(report))


main.add_command(proof_command)


@main.command()
@click.argument("scripts", required=False, metavar="[SCRIPT|FOLDER]", type=click.Path(path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but this machine's own lets others on the network reach the studio.",
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@run_settings(
    "offline",
    "out",
    "base_url",
    "cache",
    "cache_url",
    "cache_mode",
    "voices_dirs",
    out="Output folder of builds.",
    cache_url="A shared take cache behind the local one for the studio's builds (as guide build's); "
    "also GUIDE_CACHE_URL.",
)
def studio(scripts: Path | None, port: int, host: str, no_browser: bool, settings: RunSettings) -> None:
    """Edit, hear and build guides in the browser: the scripts in FOLDER (default: scripts/), or one SCRIPT.

    Prints the studio's address, with a one-time login token, on a line of its own; Ctrl-C stops it.
    """
    # Starlette and uvicorn load only for guide studio (0.4 s).
    from .studio.server import Studio, open_browser  # noqa: PLC0415
    from .studio.workspace import Workspace  # noqa: PLC0415

    folder = scripts or SCRIPTS_DIR
    if not folder.exists():
        raise InputError(
            f"{folder}: no such script or folder (guide init ARTICLE writes a first script into {SCRIPTS_DIR}/)"
        )
    workspace = Workspace(folder, settings)
    running = Studio(workspace, host, port)
    if running.exposed:
        click.echo(
            f"warning: listening on {host}: other machines on the network can reach the studio "
            "(each still needs the token below)",
            err=True,
        )
    url = running.login_url()
    click.echo(f"guide studio: editing {folder}; open this address (its token works once), Ctrl-C to stop:")
    click.echo(url)

    def started() -> None:
        if not no_browser:
            open_browser(url)

    try:
        running.serve(started)
    except KeyboardInterrupt:
        pass  # uvicorn re-raises the Ctrl-C it has handled: stopping is what was asked
    click.echo("guide studio stopped.")


@main.command("publish")
@click.argument("script", type=click.Path(path_type=Path))
@click.argument("dest")
@run_settings("out", out="Output folder of the build to publish.")
@click.option("--dry-run", is_flag=True, help="Print what would be uploaded and removed; change nothing.")
@click.option("--delete", is_flag=True, help="Delete pages, feeds and playlists the guide no longer has from DEST.")
@click.option("--max-deletes", type=int, default=None, help="Refuse to delete more files than this (default 10).")
@click.option(
    "--grace-days",
    type=float,
    default=None,
    help="Days an earlier version of a file stays at DEST after it was replaced (default 7).",
)
@click.option("--public-url", help="The address DEST is served at: warns when the QR codes and feeds point elsewhere.")
def publish_command(
    script: Path,
    dest: str,
    dry_run: bool,
    delete: bool,
    max_deletes: int | None,
    grace_days: float | None,
    public_url: str | None,
    settings: RunSettings,
) -> None:
    """Upload the built guide of SCRIPT to DEST (s3://bucket/prefix, gs://…, az://…, file:///srv/www/…): changed
    files only, new audio beside the old, the pages and feeds after it, the manifest last. Credentials come from
    the environment or the vendor's files."""
    from .deploy.plan import DEFAULT_GRACE_DAYS  # noqa: PLC0415 - with the command, like its wording
    from .deploy.report import summary  # noqa: PLC0415

    loaded = builder.load(script)
    folder = settings.out / loaded.id
    result = publish(
        folder,
        dest,
        dry_run=dry_run,
        delete=delete,
        max_deletes=DEFAULT_MAX_DELETES if max_deletes is None else max_deletes,
        grace_days=DEFAULT_GRACE_DAYS if grace_days is None else grace_days,
        base_url=loaded.base_url,
        public_url=public_url,
        report=click.echo,
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for line in summary(result, dest):
        click.echo(line)
