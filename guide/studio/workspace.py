"""The studio's state over the library: the scripts of a project folder, its warm voices, its take cache,
and what the page asks of them (read, save, undo, preview, build, proof).

Nothing here knows HTTP: :mod:`guide.studio.app` turns requests into these calls, and tests
and other programs may call them directly. Scripts are named by their id among those found
(``botox_long_term_effects``), never by a path, so no request can name a file.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gtts.tts
import requests

from .. import builder
from ..engines import EngineRegistry
from ..errors import GuideError, InputError, ScriptError
from ..lock import held_elsewhere
from ..planner import TakeSpec, pieces, plan_sentences
from ..proof.run import ProofOptions, proof
from ..renderer import default_jobs
from ..safe_files import safe_child, wav_bytes
from ..script.files import script_files
from ..script.loader import load_source
from ..script.model import Script
from ..settings import RunSettings
from ..stages.speak import sentences_of, speak
from ..storage.shared_cache import open_shared
from ..text import markup
from ..text.frontend import FrontEnd
from ..text.guard import sentence_key
from ..translations.reviews import Record, mark, read_record, record_path, write_record
from ..translations.state import DIFFERS, TextState, text_states
from . import saving
from .blocks import set_lexicon_entry, set_voice
from .edits import EditError, TextKey, edit_texts, text_places
from .jobs import Job
from .view import address_of, addresses, guide_view

__all__ = ["Refused", "UnknownScript", "UnknownText", "Workspace"]

_ID = re.compile(r"[^A-Za-z0-9_.-]+")
_TEXT_NAME = re.compile(r"^(?:title|intro|outro|sections|faq)(?:\[\d+\])?(?:\.\w+(?:\[\d+\])?)*: ")
"""A problem's opening name of its text (``faq[1].answer.en: ``)."""


class UnknownScript(InputError):
    """Raised when a request names a script id that is not among the folder's scripts."""


class UnknownText(InputError):
    """Raised when a request names a text address the script does not have."""


class Refused(InputError):
    """Raised when a save or undo cannot be made; `fields` says which texts each problem belongs to."""

    def __init__(self, message: str, fields: list[dict[str, str | None]] | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.fields = fields or []
        self.status = status


@dataclass
class _Proofed:
    """The last proof of a script: flags and what was heard, by sentence."""

    flags: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    heard: dict[tuple[str, str], str] = field(default_factory=dict)


class Workspace:
    """A project's scripts, as the studio edits, hears and builds them."""

    def __init__(
        self, scripts: Path, settings: RunSettings | None = None, registry: EngineRegistry | None = None
    ) -> None:
        """`scripts` is a folder of scripts or one script file; `settings` those of every build, preview and proof
        (their shared take cache, ``cache_url``, is behind the local one for every build); `registry` the
        engines (default: the settings')."""
        self.scripts_path = Path(scripts)
        self.settings = settings or RunSettings.make()
        self.out = self.settings.out
        self.cache = self.settings.take_cache()
        self.registry = registry or self.settings.registry()
        self._lock = threading.RLock()  # saves, undos and job starts, one at a time
        self._jobs: dict[str, Job] = {}
        self._proofed: dict[str, _Proofed] = {}
        self.on_event: Callable[[], None] = lambda: None
        """Called from any thread whenever a job has a new event (the app wakes its event streams)."""

    # -- scripts ---------------------------------------------------------------
    def scripts(self) -> dict[str, Path]:
        """Script id -> file, in name order (looked up anew each time: a script added is seen); a script's review
        record beside it is not one."""
        if self.scripts_path.is_file():
            files = [self.scripts_path]
        else:
            files = script_files(self.scripts_path)
        found: dict[str, Path] = {}
        for path in files:
            base = _ID.sub("-", path.stem) or "script"
            name, n = base, 2
            while name in found:
                name, n = f"{base}-{n}", n + 1
            found[name] = path
        return found

    def path_of(self, script_id: str) -> Path:
        """The file of the script called `script_id`; UnknownScript for any other string."""
        found = self.scripts()
        if script_id not in found:
            raise UnknownScript(f"there is no script '{script_id[:80]}' here")
        return found[script_id]

    def load(self, script_id: str) -> tuple[saving.Loaded, Script]:
        """The script as it is on disk, checked like ``guide check`` (untranslated texts allowed; a translation
        saying other numbers than its source is kept in ``parity_problems``: shown at its text, refused by a build)."""
        loaded = saving.read(self.path_of(script_id))
        script = load_source(loaded.text, loaded.path, self.registry.check_voice, allow_missing=True, parity=False)
        return loaded, script

    def document(self, script_id: str) -> dict[str, Any]:
        """Everything the page shows of a script, as JSON: its texts with their sentences' states, their numbers
        against the source's and their review, its version, the build or proof running, whether a CLI build holds
        the lock; or, when it cannot be read, its problems."""
        path = self.path_of(script_id)
        loaded = saving.read(path)
        doc: dict[str, Any] = {
            "id": script_id,
            "file": path.name,
            "version": loaded.sha256,
            "job": self.job_state(script_id),
        }
        try:
            script = load_source(loaded.text, path, self.registry.check_voice, allow_missing=True, parity=False)
            voices = builder.resolve_voices(script, self.registry)
        except ScriptError as exc:
            doc["problems"] = _field_problems(exc, loaded.text, _languages_of(loaded.text))
            return doc
        proofed = self._proofed.get(script_id, _Proofed())
        texts = guide_view(script, voices, self.cache, proofed.flags, proofed.heard)
        states, review_problem = _standing(script)
        folder = self.out / script.id
        doc.update(
            title={lang: script.title.by_lang.get(lang, "") for lang in script.languages},
            languages=list(script.languages),
            source_language=script.source,
            review_problem=review_problem,
            voices=[asdict(choice) for choice in builder.voice_choices(script, self.registry)],
            missing=len(script.missing),
            texts=[_text_json(t, states[t.name, t.lang]) for t in texts],
            built_elsewhere=self.job_state(script_id) is None and held_elsewhere(folder),
            player=(folder / "index.html").is_file(),
            proof_available=_proof_available(),
        )
        return doc

    # -- saving ----------------------------------------------------------------
    def _keys(self, script: Script, texts: Mapping[str, str]) -> dict[TextKey, str]:
        known = addresses(script)
        edits: dict[TextKey, str] = {}
        for address, value in texts.items():
            if address not in known:
                raise UnknownText(f"this script has no text '{str(address)[:120]}'")
            if not isinstance(value, str):
                raise UnknownText(f"the text of '{address}' must be a string")
            edits[known[address]] = value
        return edits

    def save(self, script_id: str, version: str, texts: Mapping[str, str]) -> dict[str, Any]:
        """Write the edited `texts` (address -> new text) into the script loaded at `version`.

        Returns the new version, the texts that changed, and every text's numbers and review (``states``): a
        translation saying other numbers than its source is saved, and shown there.

        Raises:
            Refused: the file changed on disk since (status 409), or the edit breaks a rule of
                ``guide check`` (422, each problem with the text it belongs to). Nothing is written.
        """
        with self._lock:
            loaded, script = self._current(script_id, version)
            edits = self._keys(script, texts)
            try:
                saved = saving.save(loaded, edits, self.cache.folder, self.registry.check_voice)
            except saving.ChangedOnDisk as exc:
                raise Refused(_words(exc), status=409) from None
            except ScriptError as exc:
                languages = script.languages
                edited = edit_texts(saving.read(loaded.path).text, edits, languages)
                by_key = {key: address for address, key in addresses(script).items()}
                problems = _field_problems(exc, edited, languages, by_key)
                raise Refused(
                    "the edit was not saved: " + "; ".join(p["message"] for p in problems), problems
                ) from None
            except EditError as exc:
                raise Refused(_words(exc)) from None
            by_key = {key: address for address, key in addresses(saved.script).items()}
            return {
                "version": saved.loaded.sha256,
                "changed": [by_key.get(key, key[0]) for key in saved.changed],
                "states": _states_json(saved.script),
            }

    def mark_reviewed(self, script_id: str, version: str, address: str) -> dict[str, Any]:
        """Record the translation at `address` (``faq/how-long/answer/ar``) as reviewed against its source text as
        it is in the script loaded at `version`, in the review record beside the script.

        Returns the version, whether it was not already (``marked``), and every text's numbers and review.

        Raises:
            UnknownText: the script has no such text (404).
            InputError: it is the source text (422).
            Refused: the script changed on disk since (409), or the record cannot be read or written (422).
        """
        with self._lock:
            loaded, script = self._current(script_id, version)
            known = addresses(script)
            if address not in known:
                raise UnknownText(f"this script has no text '{address[:120]}'")
            name, lang = known[address]
            if lang == script.source:
                raise InputError(f"'{address[:120]}' is the source text: its translations are reviewed against it")
            try:
                record, done = mark(script, read_record(script), [script.label(name)], [lang])
                write_record(script, record)
            except InputError as exc:
                raise Refused(_words(exc)) from None
            return {"version": loaded.sha256, "marked": bool(done), "states": _states_json(script)}

    def undo(self, script_id: str, version: str) -> dict[str, Any]:
        """Put back the previous version of the script; Refused when it changed on disk or has no earlier version."""
        with self._lock:
            loaded, _ = self._current(script_id, version)
            try:
                saved = saving.undo(loaded, self.cache.folder, self.registry.check_voice)
            except saving.ChangedOnDisk as exc:
                raise Refused(_words(exc), status=409) from None
            except InputError as exc:
                raise Refused(_words(exc), status=409) from None
            return {"version": saved.loaded.sha256}

    def _current(self, script_id: str, version: str) -> tuple[saving.Loaded, Script]:
        path = self.path_of(script_id)
        loaded = saving.read(path)
        if loaded.sha256 != version:
            raise Refused(
                f"{path.name} changed since this page loaded it (another tab or editor saved it); nothing was saved. "
                "Your text is still in the page: copy it, reload, and make your edit again.",
                status=409,
            )
        try:
            return loaded, load_source(loaded.text, path, self.registry.check_voice, allow_missing=True, parity=False)
        except ScriptError as exc:
            raise Refused("the script on disk has problems: " + "; ".join(p.message for p in exc.problems)) from None

    def _rewrite(self, script_id: str, version: str, change: Callable[[str], str]) -> dict[str, Any]:
        """A change to the script beyond its texts (a lexicon entry, a voice), under the save's rules."""
        with self._lock:
            loaded, _script = self._current(script_id, version)
            try:
                saved = saving.rewrite(loaded, change, self.cache.folder, self.registry.check_voice)
            except saving.ChangedOnDisk as exc:
                raise Refused(_words(exc), status=409) from None
            except ScriptError as exc:
                raise Refused(
                    "not saved: " + "; ".join(p.message for p in exc.problems),
                    [{"path": None, "message": p.message} for p in exc.problems],
                ) from None
            except EditError as exc:
                raise Refused(_words(exc)) from None
            return {"version": saved.loaded.sha256, "changed": bool(saved.kept)}

    # -- pronunciations --------------------------------------------------------
    def lexicon(self, script_id: str) -> list[dict[str, Any]]:
        """Every lexicon entry: language, written word, what is said, and whether it is the script's own
        (editable here) or comes from its ``lexicon_file``."""
        _, script = self.load(script_id)
        out = []
        for lang, entries in script.lexicon.items():
            for word, said in entries.items():
                source = script.lexicon_sources.get((lang, word))
                own = source is None or source.path == script.path
                out.append(
                    {
                        "lang": lang,
                        "word": word,
                        "say": said,
                        "editable": own,
                        "numbers_differ": bool(source and source.numbers_differ),
                    }
                )
        return out

    def pronunciation_effect(self, script_id: str, lang: str, word: str, say: str | None) -> list[dict[str, Any]]:
        """The sentences a lexicon entry changes (adding, changing or removing it): where each is, and
        what the voice is given before and after."""
        _, script = self.load(script_id)
        _check_entry(script, lang, word)
        voices = builder.resolve_voices(script, self.registry)
        before = FrontEnd(code_switch=script.code_switch, lexicon=script.lexicon)
        after = FrontEnd(code_switch=script.code_switch, lexicon=_with_entry(script.lexicon, lang, word, say))
        names = {key: address for address, key in addresses(script).items()}
        found = []
        for name, text in script.texts():
            for text_lang, source in text.by_lang.items():
                if not source:
                    continue
                old = plan_sentences(source, text_lang, voices, before)
                new = plan_sentences(source, text_lang, voices, after)
                for index, (a, b) in enumerate(zip(old, new, strict=False)):
                    said_before = " ".join(t.text for t in a.takes)
                    said_after = " ".join(t.text for t in b.takes)
                    if said_before != said_after:
                        found.append(
                            {
                                "path": names.get((name, text_lang), name),
                                "sentence": index,
                                "text": a.text,
                                "before": said_before,
                                "after": said_after,
                            }
                        )
        return found

    def set_pronunciation(
        self, script_id: str, version: str, lang: str, word: str, say: str | None, numbers_differ: bool = False
    ) -> dict[str, Any]:
        """Add, change or remove (`say` None) a lexicon entry of the script, every other byte kept."""
        _, script = self.load(script_id)
        _check_entry(script, lang, word)
        source = script.lexicon_sources.get((lang, word))
        if source is not None and source.path != script.path:
            raise Refused(f"'{word}' is written in {source.path.name}, the script's lexicon_file: change it there")
        return self._rewrite(
            script_id, version, lambda text: set_lexicon_entry(text, lang, word, say, numbers_differ=numbers_differ)
        )

    # -- voices ----------------------------------------------------------------
    def voices(self, script_id: str) -> list[dict[str, Any]]:
        """Per language: the voice the script names, the voice a build would use now and why, the fallback,
        whether an online voice can be reached now, and the voices this machine offers for it."""
        _, script = self.load(script_id)
        offered = builder.list_voices(self.registry)
        choices = {c.lang: c for c in builder.voice_choices(script, self.registry)}
        online = None
        out = []
        for lang in script.languages:
            settings = script.voices[lang]
            engine = self.registry.get(settings.engine)
            if not engine.offline and online is None:
                online = _online_now(self.registry)
            base = lang.split("-")[0]
            options = [
                {"engine": v.engine, "voice": v.name, "detail": v.detail}
                for name, voices in offered.items()
                for v in voices
                if any(code.split("-")[0] == base for code in v.languages)
            ]
            choice = choices[lang]
            out.append(
                {
                    "lang": lang,
                    "engine": settings.engine,
                    "voice": settings.voice or "",
                    "speed": settings.speed,
                    "fallback": None
                    if settings.fallback is None
                    else f"{settings.fallback.engine}:{settings.fallback.voice or lang}",
                    "speaks": choice.voice,
                    "why": choice.why,
                    "warning": choice.warning,
                    "online": None if engine.offline else online,
                    "options": options,
                }
            )
        return out

    def set_voice(
        self, script_id: str, version: str, lang: str, engine: str, voice: str | None, speed: float
    ) -> dict[str, Any]:
        """Choose a language's engine, voice and speed (checked like ``guide check`` before it is written)."""
        _, script = self.load(script_id)
        if lang not in script.languages:
            raise UnknownText(f"this script has no language '{lang[:20]}'")
        if engine not in self.registry.names():
            raise InputError(f"unknown engine '{engine[:40]}' (available: {', '.join(self.registry.names())})")
        if not 0.5 <= speed <= 2.0:
            raise InputError("the speed must be between 0.5 and 2")
        changes: dict[str, object] = {
            "engine": engine,
            "voice": voice or None,
            "speed": None if speed == 1.0 else speed,
        }
        return self._rewrite(script_id, version, lambda text: set_voice(text, lang, changes))

    # -- new guides ------------------------------------------------------------
    def new_guide(
        self, article: str, name: str, languages: tuple[str, ...] = ("en", "ar"), markdown: bool = False
    ) -> str:
        """Write a new script from an article's text (``guide init`` underneath) into the scripts folder; its id."""
        from ..authoring.skeleton import init_script, slugify  # noqa: PLC0415 - the article reader: guide init's

        if not self.scripts_path.is_dir():
            raise InputError(
                "the studio was started on one script; start it on a folder (guide studio scripts/) to add guides"
            )
        if not article.strip():
            raise InputError("the article is empty: paste its text or choose a .txt or .md file")
        script_id = slugify(name or "")
        if not script_id:
            raise InputError("give the guide a name in Latin letters (it names its files), e.g. Botox aftercare")
        target = self.scripts_path / f"{script_id}.yaml"
        if target.exists():
            raise Refused(f"there is already a guide called {target.name}; choose another name", status=409)
        with self._lock, tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / f"{script_id}{'.md' if markdown else '.txt'}"
            source.write_text(article, encoding="utf-8")
            init_script(source, target, languages, script_id)
        return next(i for i, p in self.scripts().items() if p == target)

    # -- hearing ---------------------------------------------------------------
    def preview(
        self,
        script_id: str,
        address: str,
        index: int,
        text: str | None = None,
        entry: tuple[str, str, str | None] | None = None,
    ) -> tuple[bytes, dict[str, Any]]:
        """One sentence of a text as WAV bytes, recorded first when the cache lacks it (an ordinary take,
        which the next build reuses). `text` is the text as the page has it now, saved or not; `entry`
        (language, word, what to say or None) is a lexicon entry tried before it is saved.

        Returns the WAV and what was played: the sentence, whether it was recorded now, and by which voice.
        """
        _, script = self.load(script_id)
        known = addresses(script)
        if address not in known:
            raise UnknownText(f"this script has no text '{address[:120]}'")
        name, lang = known[address]
        if text is None:
            text = dict(script.texts())[name].by_lang.get(lang, "")
        voices = builder.resolve_voices(script, self.registry)
        lexicon = script.lexicon
        if entry is not None:
            _check_entry(script, entry[0], entry[1])
            lexicon = _with_entry(lexicon, *entry)
        try:
            sentences = sentences_of(text, lang, voices, FrontEnd(code_switch=script.code_switch, lexicon=lexicon))
        except markup.MarkupError as exc:
            raise InputError(exc.message) from None
        if not 0 <= index < len(sentences):
            raise UnknownText(f"the text has {len(sentences)} sentence(s); there is no sentence {index + 1}")
        sentence = sentences[index]
        spoken = speak([sentence], voices[lang], self.registry, self.cache, script.pauses.sentence)
        about = {
            "sentence": sentence.text,
            "recorded": spoken.recorded,
            "voice": ", ".join(dict.fromkeys(t.voice.label for t in sentence.takes)),
            "fallback": [f"spoken by {s.fallback} because {s.voice} failed: {s.reason}" for s in spoken.substitutions],
        }
        return wav_bytes(spoken.samples), about

    def warm(self) -> None:
        """Load the offline voices of every script now, so the first ▶ does not wait for them (never fails)."""
        # No voice loaded yet: only says that voices load optimised, with every core.
        self.registry.settle(default_jobs())
        for script_id in self.scripts():
            try:
                _, script = self.load(script_id)
                voices = builder.resolve_voices(script, self.registry)
            except GuideError:
                continue
            for voice in voices.values():
                for candidate in (voice, voice.fallback):
                    if candidate is not None and self.registry.get(candidate.engine).offline:
                        try:
                            self.registry.synthesize(
                                "Ready." if candidate.lang.startswith("en") else "جاهز.", candidate
                            )
                        except GuideError:
                            pass
                        break

    # -- jobs ------------------------------------------------------------------
    def job(self, script_id: str) -> Job | None:
        """The script's latest build or proof, running or finished."""
        return self._jobs.get(script_id)

    def job_state(self, script_id: str) -> dict[str, Any] | None:
        job = self._jobs.get(script_id)
        return job.snapshot() if job else None

    def start_build(self, script_id: str) -> Job:
        """Start building the script in the background (the same build as ``guide build``, the same lock).

        Raises:
            Refused: a translation says other numbers than its source (422, ``guide build``'s own message).
        """
        with self._lock:
            path = self._buildable(script_id)
            self._idle(script_id)
            job = Job("build", self.on_event)
            self._jobs[script_id] = job
            job.start(lambda: self._build(job, path))
            return job

    def start_proof(self, script_id: str) -> Job:
        """Start ``guide proof`` on the script's last build in the background."""
        if not _proof_available():
            raise InputError("proof needs the recogniser: pip install -e '.[proof]'")
        with self._lock:
            path = self._buildable(script_id)
            self._idle(script_id)
            job = Job("proof", self.on_event)
            self._jobs[script_id] = job
            job.start(lambda: self._proof(job, script_id, path))
            return job

    def cancel(self, script_id: str) -> bool:
        """Ask the running job to stop after the take being recorded; False when nothing runs."""
        job = self._jobs.get(script_id)
        return job.cancel() if job else False

    def stop(self, timeout: float = 30.0) -> None:
        """Cancel every running job and wait for it (a Ctrl-C): takes recorded stay, nothing half-written is left."""
        for job in list(self._jobs.values()):
            job.cancel()
        for job in list(self._jobs.values()):
            job.join(timeout)

    def _buildable(self, script_id: str) -> Path:
        """The script's file, refused (422) as ``guide build`` refuses it while a translation says other numbers
        than its source: the command line's message, and each difference at its text (``fields``)."""
        _, script = self.load(script_id)
        if script.parity_problems:
            states, _ = _standing(script)
            raise Refused(
                ScriptError(list(script.parity_problems)).format_message(),
                [
                    {"path": address_of(script, s.name, s.lang), "message": _parity_json(s)["message"]}
                    for s in states.values()
                    if s.parity == DIFFERS
                ],
            )
        return script.path

    def _idle(self, script_id: str) -> None:
        job = self._jobs.get(script_id)
        if job is not None and job.running:
            raise Refused(f"a {job.kind} of this guide is running; wait for it or cancel it", status=409)

    def _build(self, job: Job, path: Path) -> dict[str, Any]:
        items: dict[str, str] = {}

        def on_work(work: Any) -> None:
            items.update(_items_of(work.plan))
            job.expect({t.take.key: (t.take.voice.engine, len(t.take.text)) for t in work.record})

        def progress(done: int, total: int) -> None:
            job.check()
            job.progress(done, total)

        def on_take(key: str) -> None:
            job.item = items.get(key, job.item)
            job.took(key)

        shared = None
        if self.settings.cache_url:
            shared = open_shared(self.settings.cache_url, self.cache, self.settings.cache_mode)
        try:
            result = builder.build(
                path,
                self.settings,
                registry=self.registry,
                progress=progress,
                on_take=on_take,
                on_work=on_work,
                shared=shared,
            )
        finally:
            # A build records in parallel threads of one thread each; ▶ speaks one sentence, fastest with every core.
            self.registry.settle(default_jobs())
        return {
            "summary": _summary(result),
            "files": [*result.encoded, *result.published],
            "warnings": builder.warnings(result),
            "player": (result.folder / "index.html").is_file(),
        }

    def _proof(self, job: Job, script_id: str, path: Path) -> dict[str, Any]:
        def progress(done: int, total: int) -> None:
            job.check()
            job.progress(done, total)

        report = proof(path, self.settings, ProofOptions(), self.registry, progress)
        proofed = _Proofed()
        flagged = 0
        for lang, lang_report in report.languages.items():
            for sentence in lang_report.sentences:
                if sentence.flags:
                    flagged += 1
                    key = sentence_key(lang, sentence.text)
                    proofed.flags.setdefault(key, []).extend(sentence.flags)
                    proofed.heard[key] = sentence.heard
        self._proofed[script_id] = proofed
        return {
            "summary": f"{report.transcribed + report.reused} sentences heard, {flagged} flagged",
            "files": [],
            "warnings": [],
        }

    def player_file(self, script_id: str, relative: str) -> Path:
        """A file of the script's built guide (the player and what it plays), checked to be inside it."""
        _, script = self.load(script_id)
        folder = self.out / script.id
        if (
            not relative
            or relative.startswith("/")
            or "\\" in relative
            or any(part in ("", ".", "..") for part in relative.split("/"))
        ):
            raise UnknownText("no such file in the guide")
        try:
            path = safe_child(folder, relative)
        except GuideError:
            raise UnknownText("no such file in the guide") from None
        if not path.is_file() or path.is_symlink():
            raise UnknownText("no such file in the guide")
        return path


def _items_of(the_plan: Any) -> dict[str, str]:
    """Take key -> the item it is heard in, in words (``ar: الأسئلة…``), for the build's progress."""
    items: dict[str, str] = {}
    for lang_plan in the_plan.languages:
        for track in lang_plan.tracks:
            for piece in pieces(track.steps):
                if isinstance(piece, TakeSpec):
                    items.setdefault(piece.key, f"{lang_plan.lang}: {track.title}")
    return items


def _summary(result: builder.BuildResult) -> str:
    if result.nothing_to_do:
        return f"Nothing to do: everything is up to date ({result.seconds:.1f} s)."
    shared = ""
    reused = result.reused
    if result.shared is not None:
        shared = f"{result.shared.fetched} from the shared cache, "
        reused -= result.shared.fetched - result.shared.fetched_late
    return (
        f"{result.recorded} sentences recorded, {shared}{reused} reused; {len(result.encoded)} audio files written "
        f"in {result.seconds:.1f} s."
    )


def _standing(script: Script) -> tuple[dict[tuple[str, str], TextState], str]:
    """Each text's numbers and review by (name, language), and why the review record cannot be read ("" when
    it can; every translation then counts as reviewed)."""
    try:
        record, problem = read_record(script), ""
    except InputError as exc:
        record, problem = Record(record_path(script.path), script.source, exists=False), _words(exc)
    return {(s.name, s.lang): s for s in text_states(script, record)}, problem


def _parity_json(state: TextState) -> dict[str, Any]:
    """Its numbers against the source's: ``state``, the difference in words (at its text: without its name)."""
    message = state.message.removeprefix(f"{state.label}: ")
    return {"state": state.parity, "message": message, "marked": list(state.marked)}


def _review_json(state: TextState) -> dict[str, Any]:
    """Its review: ``stale`` when the source text changed since, with the change as a word diff."""
    stale = state.stale
    if stale is None:
        return {"stale": False, "diff": "", "before": None, "now": None}
    return {"stale": True, "diff": stale.diff(), "before": stale.before, "now": stale.now}


def _states_json(script: Script) -> list[dict[str, Any]]:
    """Every text's numbers and review, by address (what a save or a "Mark reviewed" answers)."""
    states, _ = _standing(script)
    return [
        {"path": address_of(script, s.name, s.lang), "parity": _parity_json(s), "review": _review_json(s)}
        for s in states.values()
    ]


def _text_json(text: Any, state: TextState) -> dict[str, Any]:
    return {
        "path": text.address,
        "name": text.name,
        "lang": text.lang,
        "rtl": text.rtl,
        "source": text.source,
        "state": text.state,
        "sentences": [
            {"text": s.text, "state": s.state, "flags": list(s.flags), "heard": s.heard} for s in text.sentences
        ],
        "parity": _parity_json(state),
        "review": _review_json(state),
    }


def _words(exc: GuideError) -> str:
    """A message without the file path a clinic user has no use for."""
    return re.sub(r"^\S+\.ya?ml(:\d+)*: ", "", exc.format_message())


def _languages_of(text: str) -> tuple[str, ...]:
    return tuple(saving._languages(text)) or ("en", "ar")


def _field_problems(
    exc: ScriptError, source: str, languages: tuple[str, ...] | list[str], by_key: Mapping[TextKey, str] | None = None
) -> list[dict[str, str | None]]:
    """Each problem in words, with the address of the text on whose lines it is (None when it is elsewhere)."""
    try:
        places = text_places(source, tuple(languages))
    except (EditError, ValueError):
        places = {}
    spans = [
        (source.count("\n", 0, place.start) + 1, source.count("\n", 0, place.end) + 1, key)
        for key, place in places.items()
    ]
    out: list[dict[str, str | None]] = []
    for problem in exc.problems:
        where = None
        if problem.line is not None and by_key is not None:
            for first, last, key in spans:
                if first <= problem.line <= last and key in by_key:
                    where = by_key[key]
                    break
        message = problem.message
        if where is not None:  # shown at its text: the script's name for the text says nothing more
            message = _TEXT_NAME.sub("", message)
        out.append({"path": where, "message": message})
    return out


def _check_entry(script: Script, lang: str, word: str) -> None:
    if lang not in script.languages:
        raise UnknownText(f"this script has no language '{lang[:20]}'")
    if not word.strip():
        raise InputError("write the word as it is written in the texts")


def _with_entry(
    lexicon: Mapping[str, Mapping[str, str]], lang: str, word: str, say: str | None
) -> dict[str, dict[str, str]]:
    out = {code: dict(entries) for code, entries in lexicon.items()}
    if say is None:
        out.get(lang, {}).pop(word, None)
    else:
        out.setdefault(lang, {})[word] = say
    return out


def _online_now(registry: EngineRegistry, timeout: float = 2.0) -> dict[str, Any]:
    """Whether Google's voice can be reached now (a HEAD request, as ``guide doctor`` sends)."""
    if registry.offline:
        return {"reachable": False, "message": "not asked: the studio runs offline (GUIDE_OFFLINE or --offline)"}
    url = gtts.tts._translate_url(tld="com")  # the host gTTS sends its requests to
    try:
        requests.head(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        return {"reachable": False, "message": f"cannot be reached now ({type(exc).__name__})"}
    return {"reachable": True, "message": "reachable now"}


def _proof_available() -> bool:
    return importlib.util.find_spec("faster_whisper") is not None
