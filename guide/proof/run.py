"""``guide proof``, the run: an offline listener that transcribes every built sentence and flags those heard wrong.

It works on what ``guide build`` made: the manifest gives each track's sentences
with their start, end, takes and text. Every sentence's span is transcribed,
blind, by faster-whisper (:mod:`.listen`), then compared with the script's own
words (:mod:`.compare`); :mod:`.report` prints, serialises and renders the result.
The recogniser is the optional ``proof`` extra (:mod:`.model`).

Nothing is imported from faster-whisper until a proof runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..engines import EngineRegistry
from ..errors import GuideError, InputError
from ..manifest import MANIFEST, PROOF_PAGE, Manifest
from ..safe_files import read_own_text, safe_child, write_text
from ..script.model import Script
from ..settings import RunSettings
from ..stages.inputs import load
from ..text.frontend import FrontEnd
from ..text.frontend import sentences as spoken_sentences
from ..text.guard import sentence_key
from ..text.lexicon import entries_for
from ..text.quantities import quantities
from ..translations.reviews import read_record
from ..translations.state import TextState, text_states
from .compare import (
    expand,
    heard_numbers,
    max_miss_for,
    mishearings_in,
    reference,
    repeated_mishearings,
    score,
)
from .compare import (
    flags as sentence_flags,
)
from .listen import Listening, Progress, ResultStore, Settings, Span, listen
from .model import Model, bundled_model, check_installed, given_model
from .report import ARABIC_NOTE, LanguageReport, ProofReport, SentenceResult, TextResult, TrackFigure, html_page

__all__ = ["HTML_NAME", "ProofOptions", "proof", "write_html"]

HTML_NAME = PROOF_PAGE
"""The HTML report, beside the web player's ``index.html``."""


@dataclass(frozen=True)
class ProofOptions:
    """What to proof and how."""

    languages: tuple[str, ...] = ()
    """Only these languages (default: every language built)."""

    only: tuple[str, ...] = ()
    """Only these items' tracks (default: every track)."""

    model: Path | None = None
    """A faster-whisper model folder instead of the bundled Whisper base."""

    settings: Settings = field(default_factory=Settings)
    """How the recogniser listens."""


def _read_manifest(folder: Path, script_path: Path, out: Path) -> Manifest:
    text = read_own_text(folder / MANIFEST)
    if text is None:
        raise InputError(f"{folder / MANIFEST}: no build to proof; run  guide build {script_path} --out {out}  first")
    try:
        return Manifest.from_text(text)
    except (KeyError, ValueError):
        raise InputError(
            f"{folder / MANIFEST}: not a manifest guide wrote; run  guide build {script_path} --out {out}  again"
        ) from None


def spans_of(manifest: Manifest, folder: Path, languages: Sequence[str], only: Sequence[str]) -> list[Span]:
    """Every sentence of the per-track files (not the full guides) of `languages`, limited to `only` items."""
    spans: list[Span] = []
    for lang in languages:
        block = manifest.languages.get(lang)
        for track in block.tracks if block is not None else ():
            if track.kind == "full" or (only and track.id not in only):
                continue
            path = safe_child(folder, track.file)
            if not path.is_file():
                raise InputError(f"{path}: listed in the manifest but missing; run guide build again")
            for sentence in track.sentences:
                spans.append(
                    Span(
                        lang=lang,
                        track=track.id,
                        title=track.title,
                        file=track.file,
                        start=float(sentence.start),
                        end=float(sentence.end),
                        text=sentence.text,
                        takes=tuple(t.key for t in sentence.takes),
                        spoken=tuple(t.text for t in sentence.takes),
                        fallback=any(t.planned is not None for t in sentence.takes),
                    )
                )
    return spans


def _languages(manifest: Manifest, script_languages: Sequence[str], wanted: Sequence[str], path: Path) -> list[str]:
    built = [lang for lang in script_languages if lang in manifest.languages]
    unknown = [lang for lang in wanted if lang not in script_languages]
    if unknown:
        raise InputError(f"--lang {', '.join(unknown)}: not in {path} (it declares: {', '.join(script_languages)})")
    missing = [lang for lang in wanted if lang not in built]
    if missing:
        raise InputError(
            f"--lang {', '.join(missing)}: not built yet; run  guide build {path} --lang {missing[0]}  first"
        )
    return list(wanted) or built


def _check_only(manifest: Manifest, only: Sequence[str], languages: Sequence[str]) -> None:
    known = {t.id for lang in languages if lang in manifest.languages for t in manifest.languages[lang].tracks}
    unknown = [item for item in only if item not in known]
    if unknown:
        raise InputError(
            f"--only {', '.join(unknown)}: no such item (items: {', '.join(sorted(str(k) for k in known))})"
        )


def _fixes(found: list[str], span: Span, script_path: Path, voice: str, varies: bool) -> list[str]:
    """What to do about a sentence's flags; `varies`: the voice's takes come out differently when recorded again."""
    fixes = []
    text = " ".join(found)
    if "on purpose ('numbers differ'" in text:
        fixes.append(
            "listen to it and confirm with the text's author that the voice should say this; if not, remove the "
            "'numbers differ' marker and correct the respelling (guide check shows where), then guide build"
        )
        text = " ".join(found[1:])
    if "number" in text:
        fixes.append(
            "listen to it; if the number is said wrong, check the lexicon for it, or write it as words with "
            "{written|spoken} markup, then guide build"
        )
    if "lexicon word" in text:
        fixes.append(
            "the lexicon respelling is not heard as written: try others with  "
            f'guide say "..." --lang {span.lang} --script {script_path}'
        )
    if "times in this guide" in text:
        fixes.append("add the suggested lexicon entry (try it with guide say first), then guide build")
    if "heard wrong" in text:
        again = (
            f"; a {voice} take can be recorded again with  guide build --only {span.track} --force" if varies else ""
        )
        fixes.append("listen to it; respell an unclear word in the lexicon or with {written|spoken}" + again)
    return fixes


def proof(
    path: str | Path,
    settings: RunSettings | None = None,
    options: ProofOptions | None = None,
    registry: EngineRegistry | None = None,
    progress: Progress | None = None,
) -> ProofReport:
    """Transcribe the built sentences of the script at `path` and compare them with what it writes.

    Raises:
        MissingRecogniser: the ``proof`` extra is not installed.
        InputError: no build, an unknown language or item, a bad --model folder.
    """
    check_installed()
    settings = settings or RunSettings.make()
    options = options or ProofOptions()
    registry = registry or settings.registry()
    script = load(path, registry)
    folder = settings.out / script.id
    manifest = _read_manifest(folder, Path(path), settings.out)
    languages = _languages(manifest, script.languages, options.languages, Path(path))
    _check_only(manifest, options.only, languages)
    spans = spans_of(manifest, folder, languages, options.only)
    cache = settings.cache
    model: Model = given_model(Path(options.model), cache) if options.model else bundled_model(cache)
    listening = listen(spans, folder, model, ResultStore(cache), options.settings, progress)
    return _report(script, folder, manifest, languages, listening, model, options.settings, Path(path), registry)


def _changed_sentences(script) -> dict[tuple[str, str], list[dict[str, object]]]:
    """(language, sentence as written) -> the ``numbers differ`` markers that let its voice say other numbers."""
    changed: dict[tuple[str, str], list[dict[str, object]]] = {}
    for exception in script.number_exceptions:
        for sentence in exception.sentences:
            changed.setdefault(sentence_key(sentence.lang, sentence.written), []).append(
                {
                    "marker": exception.marker,
                    "where": f"{exception.path}:{exception.line}",
                    "said": sentence.said,
                    "change": sentence.change,
                    "written_quantities": list(sentence.lost),
                    "said_quantities": list(sentence.added),
                }
            )
    return changed


def _numbers_flag(
    marks: list[dict[str, object]], ref_text: str, heard: str, lang: str
) -> tuple[str, dict[str, object]]:
    """The flag of a sentence said with other numbers on purpose, and its JSON, with which text was heard."""
    first = marks[0]
    heard_quantities = [str(q) for q in quantities(expand(heard, lang), lang)]
    written = [str(q) for q in quantities(ref_text, lang)]
    given = list(written)
    for item in first["written_quantities"]:  # type: ignore[union-attr]
        if item in given:
            given.remove(item)
    given += list(first["said_quantities"])  # type: ignore[arg-type]
    heard_as = heard_numbers(written, given, heard_quantities)
    markers = "; ".join(f"{m['marker']} at {m['where']}" for m in marks)
    flag = (
        f"said with other numbers than written, on purpose ('numbers differ': {markers}): "
        f'the voice was given "{first["said"]}", so it will {first["change"]}; {heard_as}'
    )
    return flag, {**first, "markers": [f"{m['marker']} at {m['where']}" for m in marks], "heard_as": heard_as}


def _fallback_voice(script: Script, lang: str) -> str:
    """The voice that speaks `lang`'s takes when its own fails ("espeak:ar"), as the report names it."""
    settings = script.voices.get(lang)
    fallback = settings.fallback if settings is not None else None
    return fallback.describe() if fallback is not None else "a fallback voice"


_ITEM = re.compile(r"(sections|faq)\[(\d+)\]")


def _track_of(script: Script, name: str) -> str | None:
    """The item id of the track a text (as :meth:`Script.texts` names it) is heard in; None for the guide's title,
    heard only in the full guides, which proof does not listen to."""
    head = name.split(".", 1)[0]
    found = _ITEM.fullmatch(head)
    if found is not None:
        return (script.sections if found[1] == "sections" else script.faq)[int(found[2])].id
    return head if head in ("intro", "outro") else None


def texts_heard(
    script: Script,
    lang: str,
    sentences: Sequence[SentenceResult],
    states: Mapping[tuple[str, str], TextState],
    frontend: FrontEnd,
) -> list[TextResult]:
    """The texts of `sentences` (language `lang`, in track order), in reading order, each with its state.

    A track's sentences are matched in order with its texts' sentences as the front-end splits them; a
    sentence the script no longer has (built before an edit) is in no text. `states`: by (text name, language).
    """
    expected: dict[str, list[tuple[tuple[str, str], str]]] = {}
    for name, text in script.texts():
        track = _track_of(script, name)
        written = text.by_lang.get(lang, "")
        if track is not None and written:
            expected.setdefault(track, []).extend(
                (sentence_key(lang, s.shown), name) for s in spoken_sentences(written, lang, frontend)
            )
    found: dict[str, TextResult] = {}
    place: dict[str, int] = {}
    for sentence in sentences:
        queue = expected.get(sentence.track, [])
        key = sentence_key(lang, sentence.text)
        at = next((n for n in range(place.get(sentence.track, 0), len(queue)) if queue[n][0] == key), None)
        if at is None:
            continue
        place[sentence.track] = at + 1
        name = queue[at][1]
        found.setdefault(name, TextResult(sentence.track, states[name, lang])).sentences.append(sentence)
    return list(found.values())


def _report(
    script: Script,
    folder: Path,
    manifest: Manifest,
    languages: list[str],
    listening: Listening,
    model: Model,
    settings: Settings,
    path: Path,
    registry: EngineRegistry,
) -> ProofReport:
    reports: dict[str, LanguageReport] = {}
    changed = _changed_sentences(script)
    states = {(state.name, state.lang): state for state in text_states(script, read_record(script))}
    frontend = FrontEnd(code_switch=script.code_switch, lexicon=script.lexicon)
    for lang in languages:
        block = manifest.languages.get(lang)
        voice = block.voice if block is not None else ""
        found_caps = registry.capabilities(voice.split(":")[0]) if voice else None
        varies = found_caps is not None and found_caps.takes_vary
        lr = LanguageReport(lang, voice, max_miss_for(lang))
        if lang.split("-")[0] == "ar" and model.bundled:
            lr.note = ARABIC_NOTE
        heard = [h for h in listening.heard if h.span.lang == lang]
        scored = []
        for item in heard:
            ref = reference(item.span.text, lang, script.lexicon, script.code_switch)
            result = score(ref, item.text)
            scored.append((item, ref, result))
        respelt = {key.casefold(): said for key, said in entries_for(script.lexicon, lang)}
        for m in repeated_mishearings((r for _, _, r in scored), lang):
            if m.written in respelt:  # already respelt: the lexicon flags say where; suggesting it again would not help
                lr.warnings.append(
                    f"the lexicon's '{respelt[m.written]}' for '{m.written}' is still misheard {m.count} times "
                    f"(as '{m.heard}'): try another respelling with guide say"
                )
            else:
                lr.mishearings.append(m)
        by_word = {m.written: m for m in lr.mishearings}
        missed = total = 0
        per_track: dict[str, list[int]] = {}
        for item, ref, result in scored:
            marks = changed.get(sentence_key(lang, item.span.text))
            said_otherwise = []
            if marks:
                # The numbers the marker changes are flagged once, by it, with which text was heard.
                lost = {q for m in marks for q in m["written_quantities"]}  # type: ignore[union-attr]
                said_otherwise = [
                    w for w in ref.watched if lost & {str(q) for q in quantities(expand(w.written, lang), lang)}
                ]
            found = sentence_flags(ref, result, lr.max_miss, said_otherwise)
            for written, heard_words in mishearings_in(result):
                m = by_word.get(written)
                if m is not None:
                    found.append(
                        f"'{written}' heard as '{heard_words}' (misheard {m.count} times in this guide): "
                        f"try {m.entry(lang)}"
                    )
            span = item.span
            numbers: dict[str, object] = {}
            if marks:
                flag, numbers = _numbers_flag(marks, ref.text, item.text, lang)
                found.insert(0, flag)
            sentence = SentenceResult(
                lang=lang,
                track=span.track,
                file=span.file,
                start=span.start,
                end=span.end,
                text=span.text,
                expected=ref.text,
                heard=item.text,
                miss=result.miss,
                missed=result.substitutions + result.deletions,
                length=result.length,
                flags=found,
                fixes=_fixes(found, span, path, voice, varies),
                spoken=list(span.spoken),
                reused=item.reused,
                numbers_differ=numbers,
                fallback=_fallback_voice(script, lang) if span.fallback else "",
            )
            lr.sentences.append(sentence)
            figure = lr.tracks.setdefault(span.track, TrackFigure(span.track, span.file, span.title))
            counts = per_track.setdefault(span.track, [0, 0])
            counts[0] += sentence.missed
            counts[1] += sentence.length
            figure.flagged += bool(found)
            missed += sentence.missed
            total += sentence.length
        for tid, (m, n) in per_track.items():
            lr.tracks[tid].miss = m / n if n else 0.0
        lr.miss = missed / total if total else 0.0
        lr.texts = texts_heard(script, lang, lr.sentences, states, frontend)
        reports[lang] = lr
    return ProofReport(
        script=script.id,
        folder=folder,
        languages=reports,
        transcribed=listening.transcribed,
        reused=listening.reused,
        model={**model.as_json(), "settings": settings.key_fields()},
        audio_seconds=listening.audio_seconds,
        seconds=listening.seconds,
        source=script.source,
    )


def write_html(report: ProofReport, title: str) -> Path:
    """Write ``proof.html`` into the guide folder, atomically; returns its path."""
    target = report.folder / HTML_NAME
    try:
        write_text(target, html_page(report, title), root=report.folder)
    except OSError as exc:
        raise GuideError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
