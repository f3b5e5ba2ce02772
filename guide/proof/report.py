"""The proof's results: per sentence, track and language; the terminal summary, JSON and ``proof.html``."""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..plural import counted
from ..text.parity import can_read, language_name
from ..translations.state import DIFFERS, NOT_COMPARED, SAME, SOURCE, TextState
from .compare import NUMBER_NOT_HEARD, Mishearing, unit_of

ARABIC_NOTE = (
    "Arabic is measured in characters by Whisper base, which understands synthetic Arabic poorly: "
    "most of this figure is the recogniser's, not the voice's. A larger Whisper (--model FOLDER) tells more."
)


@dataclass
class SentenceResult:
    """One sentence: what was written, what was heard, how much was missed and why it is flagged."""

    lang: str
    """Language of its track."""

    track: str
    """Item id of its track."""

    file: str
    """Its MP3, relative to the guide folder."""

    start: float
    """Start in the file, seconds."""

    end: float
    """End in the file, seconds."""

    text: str
    """As written in the script."""

    expected: str
    """The reference: numbers and symbols as words, other-script runs left out, no lexicon."""

    heard: str
    """What the recogniser heard."""

    miss: float
    """Share of the reference missed (substitutions + deletions)."""

    missed: int
    """Reference units missed."""

    length: int
    """Reference units."""

    flags: list[str] = field(default_factory=list)
    """Short reasons to listen to it; empty when heard right."""

    fixes: list[str] = field(default_factory=list)
    """What to try, one per flag kind."""

    spoken: list[str] = field(default_factory=list)
    """What the voices were given (lexicon applied), per take."""

    reused: bool = False
    """Its transcript came from the cache."""

    numbers_differ: dict[str, Any] = field(default_factory=dict)
    """When a ``numbers differ`` marker lets its voice say other numbers than written: the marker and where,
    what the voice was given, what changes, and which text was heard. Empty otherwise."""

    fallback: str = ""
    """The fallback voice that spoke it ("espeak:ar") because its own voice failed when it was built; "" when its
    own voice spoke it."""

    @property
    def about_numbers(self) -> bool:
        """Flagged for a number: said other than written on purpose, or not heard as written."""
        return bool(self.numbers_differ) or any(flag.startswith(NUMBER_NOT_HEARD) for flag in self.flags)

    def as_json(self) -> dict[str, Any]:
        return {
            "track": self.track,
            "file": self.file,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "expected": self.expected,
            "heard": self.heard,
            "miss": round(self.miss, 4),
            "flags": list(self.flags),
            "fixes": list(self.fixes),
            "reused": self.reused,
            "numbers_differ": dict(self.numbers_differ) or None,
            "fallback": self.fallback or None,
        }


Piece = tuple[str, str | None]
"""Part of a sentence the report says: (its own words, None), or (text from the script, the text's language)."""


def parity_pieces(state: TextState, source: str) -> list[Piece]:
    """A text's numbers against the source text's, and its review, in a few words:
    "numbers: same as the English; needs review: the English changed since the Arabic was reviewed: <diff>"."""
    src, lang = language_name(source), language_name(state.lang)
    if state.parity == NOT_COMPARED:
        unread = [language_name(code) for code in dict.fromkeys((source, state.lang)) if not can_read(code)]
        said = f"not compared ({', '.join(unread) or 'not translated'})"
    else:
        said = {SOURCE: f"the {src} source", SAME: f"same as the {src}", DIFFERS: f"differ from the {src}"}[
            state.parity
        ]
    out: list[Piece] = [(f"numbers: {said}" + (f": {state.message}" if state.message else ""), None)]
    if state.marked:
        out.append(("; marked 'translation differs': ", None))
        for n, words in enumerate(state.marked):
            if n:
                out.append((", ", None))
            out.append((words, state.lang))
    if state.stale is not None and state.stale.before is None:
        out.append((f"; needs review: added since the {lang} was last reviewed", None))
    elif state.stale is not None:
        out += [
            (f"; needs review: the {src} changed since the {lang} was reviewed: ", None),
            (state.stale.diff(), source),
        ]
    return out


def parity_words(state: TextState, source: str) -> str:
    """:func:`parity_pieces` as one line, the script's words in quotes."""
    return "".join(text if lang is None else f'"{text}"' for text, lang in parity_pieces(state, source))


@dataclass
class TextResult:
    """One text of the script in one language as the proof heard it: its sentences, and its numbers and review
    against the source text (:func:`guide.translations.state.text_states`, computed once per proof)."""

    track: str
    """Item id of the track it is heard in."""

    state: TextState
    """Its parity with the source text, the words marked 'translation differs', and whether it needs review."""

    sentences: list[SentenceResult] = field(default_factory=list)
    """Its sentences the proof heard, in order."""

    @property
    def name(self) -> str:
        """As :meth:`Script.texts` names it (``faq[0].answer``)."""
        return self.state.name

    @property
    def label(self) -> str:
        """As messages name it ("faq rest, answer")."""
        return self.state.label

    @property
    def miss(self) -> float:
        """Miss rate over its sentences, weighted by reference length."""
        length = sum(s.length for s in self.sentences)
        return sum(s.missed for s in self.sentences) / length if length else 0.0

    @property
    def flagged(self) -> int:
        """Its sentences flagged."""
        return sum(bool(s.flags) for s in self.sentences)

    @property
    def plain_source(self) -> bool:
        """A source text with nothing marked: nothing to say about its numbers."""
        return self.state.parity == SOURCE and not self.state.marked

    def parity_json(self, source: str) -> dict[str, Any]:
        state = self.state
        return {
            "state": state.parity,
            "words": parity_words(state, source),
            "message": state.message,
            "marked": list(state.marked),
            "stale": state.stale.diff() if state.stale is not None else None,
        }

    def as_json(self, source: str, index: Mapping[int, int]) -> dict[str, Any]:
        """`index`: each sentence's place (by ``id``) in its language's ``sentences``."""
        return {
            "name": self.name,
            "label": self.label,
            "track": self.track,
            "miss": round(self.miss, 4),
            "flagged": self.flagged,
            "sentences": [index[id(s)] for s in self.sentences],
            "parity": self.parity_json(source),
        }


def parity_counts(texts: Sequence[TextResult], source: str) -> str:
    """The texts by state: "3 texts: 2 same numbers as the English, 1 numbers not compared; 1 needs review"."""
    src = language_name(source)
    names = {
        SOURCE: f"in the source language ({src})",
        SAME: f"same numbers as the {src}",
        DIFFERS: f"numbers differ from the {src}",
        NOT_COMPARED: "numbers not compared",
    }
    counts = Counter(t.state.parity for t in texts)
    parts = [", ".join(f"{counts[state]} {words}" for state, words in names.items() if counts[state])]
    stale = sum(t.state.stale is not None for t in texts)
    if stale:
        parts.append(f"{stale} need{'s' if stale == 1 else ''} review")
    marked = sum(bool(t.state.marked) for t in texts)
    if marked:
        parts.append(f"{marked} with words marked 'translation differs'")
    return f"{len(texts)} text{'s' if len(texts) != 1 else ''}: " + "; ".join(parts)


@dataclass
class TrackFigure:
    """One track's figure."""

    id: str
    """Item id."""

    file: str
    """The MP3, relative to the guide folder."""

    title: str
    """Its title."""

    miss: float = 0.0
    """Miss rate over its sentences, weighted by reference length."""

    flagged: int = 0
    """Sentences flagged."""

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "title": self.title, "miss": round(self.miss, 4), "flagged": self.flagged}


@dataclass
class LanguageReport:
    """One language's figures and sentences."""

    lang: str
    """Language code."""

    voice: str
    """The voice the manifest names."""

    max_miss: float
    """The per-sentence flag threshold used."""

    miss: float = 0.0
    """Miss rate over all its sentences, weighted by reference length."""

    tracks: dict[str, TrackFigure] = field(default_factory=dict)
    """Per track id."""

    sentences: list[SentenceResult] = field(default_factory=list)
    """In track and time order."""

    mishearings: list[Mishearing] = field(default_factory=list)
    """Words the recogniser repeatedly hears as something else."""

    warnings: list[str] = field(default_factory=list)
    """Findings without listening (a lexicon entry that changes a number)."""

    note: str = ""
    """What to keep in mind reading the figure (the Arabic caveat)."""

    texts: list[TextResult] = field(default_factory=list)
    """The texts its sentences are of, in reading order (a sentence no longer in the script is in none)."""

    @property
    def unit(self) -> str:
        return unit_of(self.lang)

    @property
    def flagged(self) -> list[SentenceResult]:
        """Flagged sentences, worst first."""
        return sorted((s for s in self.sentences if s.flags), key=lambda s: (-_severity(s), -s.miss))

    def as_json(self, source: str) -> dict[str, Any]:
        index = {id(s): n for n, s in enumerate(self.sentences)}
        return {
            "miss": round(self.miss, 4),
            "unit": self.unit,
            "max_miss": self.max_miss,
            "voice": self.voice,
            "note": self.note,
            "tracks": {tid: t.as_json() for tid, t in self.tracks.items()},
            "mishearings": [
                {"written": m.written, "heard": m.heard, "count": m.count, "suggestion": m.entry(self.lang)}
                for m in self.mishearings
            ],
            "warnings": list(self.warnings),
            "sentences": [s.as_json() for s in self.sentences],
            "texts": [t.as_json(source, index) for t in self.texts],
        }


def _severity(sentence: SentenceResult) -> int:
    """Numbers said other than written first, then numbers not heard as written (a wrong dose is a harm),
    then lexicon words, then the rest."""
    if sentence.numbers_differ:
        return 3
    text = " ".join(sentence.flags)
    return 2 if "number" in text else 1 if "lexicon" in text or "heard as" in text else 0


@dataclass
class ProofReport:
    """Everything a proof found."""

    script: str
    """The guide's id."""

    folder: Path
    """The guide's output folder."""

    languages: dict[str, LanguageReport]
    """Per language, in the script's order."""

    transcribed: int
    """Sentences transcribed by this run."""

    reused: int
    """Sentences whose transcript came from the cache."""

    model: dict[str, Any]
    """The recogniser: name, path, hash, settings."""

    audio_seconds: float = 0.0
    """Audio transcribed by this run."""

    seconds: float = 0.0
    """Time spent transcribing by this run."""

    source: str = "en"
    """The script's source language: what each translation's numbers are compared with."""

    def as_json(self) -> dict[str, Any]:
        return {
            "script": self.script,
            "source_language": self.source,
            "languages": {lang: report.as_json(self.source) for lang, report in self.languages.items()},
            "transcribed": self.transcribed,
            "reused": self.reused,
            "model": self.model,
            "audio_seconds": round(self.audio_seconds, 1),
            "seconds": round(self.seconds, 1),
        }

    def worse_than(self, limit: float) -> list[str]:
        """Languages whose miss rate is above `limit`."""
        return [lang for lang, report in self.languages.items() if report.miss > limit]

    def number_flagged(self) -> list[SentenceResult]:
        """Sentences flagged for a number, in every language: these make ``guide proof`` exit 1."""
        return [s for report in self.languages.values() for s in report.flagged if s.about_numbers]


def clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def summary(report: ProofReport, worst: int = 10) -> list[str]:
    """The terminal summary: each language's figure and tracks, then its worst sentences with the fix to try."""
    lines = [
        f"{report.script}: {report.transcribed} sentences transcribed, {report.reused} reused "
        f"({report.model.get('name', '')})"
    ]
    if report.transcribed and report.audio_seconds:
        lines.append(
            f"  {report.seconds:.0f} s for {report.audio_seconds / 60:.1f} min of audio "
            f"({report.seconds / report.audio_seconds * 60:.0f} s per audio minute)"
        )
    for lang, lr in report.languages.items():
        flagged = lr.flagged
        lines.append("")
        lines.append(
            f"{lang} ({lr.voice}): {lr.miss:.1%} of the {lr.unit} missed over {len(lr.sentences)} sentences; "
            f"{len(flagged)} flagged (a sentence is flagged above {lr.max_miss:.0%}, "
            f"and for any number not heard as written)"
        )
        by_fallback = [s for s in lr.sentences if s.fallback]
        if by_fallback:
            lines.append(
                f"  {counted(len(by_fallback), 'sentence')} of {len(lr.sentences)} spoken by the fallback voice "
                f"{by_fallback[0].fallback}, not {lr.voice}: its own voice failed when it was built"
            )
        on_purpose = [s for s in flagged if s.numbers_differ]
        if on_purpose:
            lines.append(
                f"  {len(on_purpose)} sentence(s) said with other numbers than written, on purpose ('numbers differ'): "
                "listed first below; confirm each with the text's author"
            )
        if lr.note:
            lines.append(f"  note: {lr.note}")
        if lr.texts:
            lines.append(f"  {parity_counts(lr.texts, report.source)}")
        for track in lr.tracks.values():
            line = f"  {track.file:<34} {track.miss:6.1%}  {track.flagged:>2} flagged  {track.title}"
            lines += _with_parity(line, [t for t in lr.texts if t.track == track.id], report.source)
        for warning in lr.warnings:
            lines.append(f"  warning: {warning}")
        for m in lr.mishearings:
            lines.append(f"  '{m.written}' is heard as '{m.heard}' {m.count} times; try  {m.entry(lang)}")
        for sentence in flagged[:worst]:
            lines.append(f"  {sentence.file} {clock(sentence.start)}-{clock(sentence.end)}  miss {sentence.miss:.0%}")
            lines.append(f"    written:  {sentence.text}")
            if sentence.expected != sentence.text:
                lines.append(f"    expected: {sentence.expected}")
            lines.append(f"    heard:    {sentence.heard or '(nothing)'}")
            for flag in sentence.flags:
                lines.append(f"    - {flag}")
            for fix in sentence.fixes:
                lines.append(f"    fix: {fix}")
        if len(flagged) > worst:
            lines.append(f"  … and {len(flagged) - worst} more flagged sentences (--json or --html lists them all)")
    return lines


def _with_parity(line: str, texts: list[TextResult], source: str) -> list[str]:
    """A track's line with its texts' state: after it when they all say the same, else one line per text under
    it (a source text with nothing marked says nothing)."""
    said = [(text, parity_words(text.state, source)) for text in texts if not text.plain_source]
    if not said:
        return [line]
    if len(said) == len(texts) and len({words for _, words in said}) == 1:
        return [f"{line}  · {said[0][1]}"]
    return [line] + [
        f"    {text.label:<32} {text.miss:6.1%}  {text.flagged:>2} flagged  {words}" for text, words in said
    ]


def as_json(report: ProofReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def _colour(sentence: SentenceResult, max_miss: float) -> str:
    """good (nothing flagged, little missed), fair (not flagged), bad (flagged)."""
    if sentence.flags:
        return "bad"
    return "good" if sentence.miss <= max_miss / 2 else "fair"


_STYLE = """
html{scroll-padding-top:5rem}
body{font:1rem/1.5 system-ui,"Segoe UI","Noto Sans","Noto Naskh Arabic",Tahoma,sans-serif;margin:1.5em auto;\
max-width:60em;padding:0 1em;color:#1b2430;
background:#fff;overflow-wrap:anywhere}
h1{font-size:1.4em}h2{font-size:1.2em;margin-top:2em}h3{font-size:1.05em;margin:1.5em 0 .5em}
#player{position:sticky;top:0;z-index:1;display:block;width:100%;min-height:3.375rem;padding:.5em 0;background:#fff}
.legend{display:flex;flex-wrap:wrap;gap:.5em;padding:0;list-style:none}
.legend li{padding:.15em .6em;border-radius:6px}
ol.sentences{list-style:none;margin:0;padding:0}
.sentence{border-radius:6px;margin:.4em 0;padding:.2em .2em .5em;border-inline-start:.4em solid transparent}
.good{background:#dff3df;border-color:#2e6b30}.fair{background:#fff3c4;border-color:#8a6d00}
.bad{background:#f9d0cc;border-color:#a3241a}
.s{display:block;width:100%;min-height:2.75rem;text-align:inherit;font:inherit;color:inherit;background:none;border:0;
border-radius:6px;padding:.4em .5em;margin:0;cursor:pointer}
.s:hover .text{text-decoration:underline}
.s:focus-visible{outline:3px solid #1b2430;outline-offset:2px;box-shadow:0 0 0 2px #fff}
.s.playing{box-shadow:inset 0 0 0 3px #1d4f9c}
.s.playing:focus-visible{box-shadow:0 0 0 2px #fff,inset 0 0 0 3px #1d4f9c}
.t,.heard{display:block;font-size:.9em;color:#3b4450}
.t .status{font-weight:700;color:#1b2430}
[dir=rtl] .t,[dir=rtl] .why{text-align:right}
.heard{padding:0 .55em}
.flagged{margin:.3em .5em 0}
ul.flags{margin:0;padding:0;list-style:none}
.backup{display:block;margin:.2em 0;font-weight:600}
ul.flags li{margin:.25em 0;padding:.3em .6em;background:#fff;border:2px solid #a3241a;border-radius:6px;\
color:#7a1a10;font-weight:700}
ul.flags li::before{content:"\\2691\\FE0E\\A0" / ""}
.fix{margin:.25em 0;padding:0 .6em}
.parity{margin:.9em 0 .1em;font-size:.95em}.parity .label{font-weight:700}
section[dir=rtl] .parity{text-align:right}
code{font-size:.95em}
ol.worst{padding-inline-start:1.5em}ol.worst li{margin:.3em 0}
ol.worst a{color:#0a4a8a;display:block;padding:.1em 0}
ol.worst a:focus-visible{outline:3px solid #1b2430;outline-offset:2px}
ol.worst .why{display:block}
table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:start}
"""

_SCRIPT = """
const audio = document.getElementById('player');
let stopAt = null, current = null;
document.querySelectorAll('button.s').forEach(b => b.addEventListener('click', () => {
  if (current) { current.classList.remove('playing'); current.removeAttribute('aria-current'); }
  current = b; b.classList.add('playing'); b.setAttribute('aria-current', 'true');
  const start = parseFloat(b.dataset.start), end = parseFloat(b.dataset.end);
  stopAt = end;
  const go = () => { audio.currentTime = start; audio.play(); };
  if (!audio.src || !audio.src.endsWith(b.dataset.file)) {
    audio.src = b.dataset.file;
    audio.addEventListener('loadedmetadata', go, {once: true});
    audio.load();
  } else { go(); }
}));
audio.addEventListener('timeupdate', () => {
  if (stopAt !== null && audio.currentTime >= stopAt) { audio.pause(); stopAt = null; }
});
"""

_STATUS = {"good": "heard right", "fair": "partly missed", "bad": "flagged"}
"""What each colour says, in words too (colour is never the only sign)."""


def _rtl(lang: str) -> bool:
    """Whether `lang` is written right to left."""
    return lang.split("-")[0] in ("ar", "fa", "ur", "he")


def _parity_html(text: TextResult, source: str) -> str:
    """A text's label and state in words (English), the script's words in it isolated in their own language."""
    e = html.escape
    said = "".join(
        e(words) if lang is None else f'“<bdi lang="{e(lang)}" dir="{"rtl" if _rtl(lang) else "ltr"}">{e(words)}</bdi>”'
        for words, lang in parity_pieces(text.state, source)
    )
    return f'<p class="parity" lang="en" dir="ltr"><span class="label">{e(text.label)}</span>: {said}</p>'


def html_page(report: ProofReport, title: str) -> str:
    """``proof.html``: each sentence coloured by how well it was heard, and saying so in words; its flags, each
    with the fix to try, listed under it; a click (or Enter) plays its span of the track.

    English labels inside a right-to-left language's section are marked ``lang="en"`` and isolated, so a screen
    reader speaks each part in its language and the numbers keep their order."""
    e = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Proof: {e(title)}</title><style>{_STYLE}</style></head><body>",
        "<main>",
        f"<h1>Proof listening: {e(title)}</h1>",
        f"<p>Heard by {e(str(report.model.get('name', '')))}, blind (never told the text). "
        "Each sentence says how well it was heard, and is coloured by it:</p>",
        '<ul class="legend">'
        + "".join(f'<li class="{colour}">{e(label)}</li>' for colour, label in _STATUS.items())
        + "</ul>",
        "<p>A flagged sentence lists why, and what to try. Click a sentence, or press Enter on it, to hear it.</p>",
        '<audio id="player" controls preload="none" aria-label="Player"></audio>',
    ]
    every = [sentence for lr in report.languages.values() for sentence in lr.sentences]
    idents = {id(sentence): f"s{n}" for n, sentence in enumerate(every, 1)}
    for lang, lr in report.languages.items():
        rtl = _rtl(lang)

        def en(text: str, cls: str = "", rtl: bool = rtl) -> str:
            """English words of the page inside this section: marked as English, and isolated in a right-to-left one."""
            attrs = f' class="{cls}"' if cls else ""
            return (
                f'<span{attrs} lang="en" dir="ltr">{text}</span>'
                if rtl
                else (f"<span{attrs}>{text}</span>" if cls else text)
            )

        direction = ' dir="rtl"' if rtl else ""
        parts.append(f'<section lang="{e(lang)}"{direction}>')
        headline = (
            f"{e(lang)}: {lr.miss:.1%} of the {e(lr.unit)} missed; "
            f"{len(lr.flagged)} of {len(lr.sentences)} sentences flagged"
        )
        parts.append(f"<h2>{en(headline)}</h2>")
        if lr.note:
            parts.append(f'<p dir="ltr" lang="en">{e(lr.note)}</p>')
        if lr.texts:
            parts.append(f'<p dir="ltr" lang="en">{e(parity_counts(lr.texts, report.source))}</p>')
        if lr.mishearings or lr.warnings:
            parts.append('<ul dir="ltr" lang="en">')
            for m in lr.mishearings:
                written, heard = (f'<span lang="{e(lang)}">{e(word)}</span>' for word in (m.written, m.heard))
                parts.append(
                    f"<li>'{written}' heard as '{heard}' {m.count} times: try <code>{e(m.entry(lang))}</code></li>"
                )
            for warning in lr.warnings:
                parts.append(f"<li>{e(warning)}</li>")
            parts.append("</ul>")
        if lr.flagged:
            # The flagged sentences first, worst first (numbers, then lexicon words), each a link to its place below.
            parts.append(f'<h3>{en("Flagged, worst first")}</h3><ol class="worst">')
            for sentence in lr.flagged:
                figure = lr.tracks.get(sentence.track)
                where = (
                    f'{e(figure.title if figure else sentence.track)} · <span dir="ltr">{clock(sentence.start)}</span>'
                )
                parts.append(f'<li><a href="#{idents[id(sentence)]}">{where}{en(e(sentence.flags[0]), "why")}</a></li>')
            parts.append("</ol>")
        text_of = {id(s): t for t in lr.texts for s in t.sentences}
        track = None
        text: TextResult | None = None
        for sentence in lr.sentences:
            if sentence.track != track or text_of.get(id(sentence)) is not text:
                # Each track under its title, and each of its texts' sentences under the text's state in words.
                if track is not None:
                    parts.append("</ol>")
                if sentence.track != track:
                    track = sentence.track
                    figure = lr.tracks.get(track)
                    name = figure.title if figure else track
                    miss = f" {en(f'({figure.miss:.0%} missed)')}" if figure else ""
                    parts.append(f"<h3>{e(name)}{miss}</h3>")
                text = text_of.get(id(sentence))
                if text is not None:
                    parts.append(_parity_html(text, report.source))
                parts.append('<ol class="sentences">')
            colour = _colour(sentence, lr.max_miss)
            ident = idents[id(sentence)]
            span = f"{clock(sentence.start)}–{clock(sentence.end)}"
            flags = ""
            if sentence.flags:
                items = "".join(f"<li>{e(flag)}</li>" for flag in sentence.flags)
                fixes = "".join(f'<p class="fix">Try: {e(fix)}</p>' for fix in sentence.fixes)
                flags = (
                    f'<div class="flagged" id="{ident}-flags" dir="ltr" lang="en">'
                    f'<ul class="flags">{items}</ul>{fixes}</div>'
                )
            backup = ""
            if sentence.fallback:
                backup = (
                    f'<span class="backup" id="{ident}-backup">'
                    + en(f"spoken by the fallback voice {e(sentence.fallback)}, not {e(lr.voice)}")
                    + "</span>"
                )
            described = (
                f' aria-describedby="{ident}-heard{f" {ident}-flags" if flags else ""}'
                f'{f" {ident}-backup" if backup else ""}"'
            )
            parts.append(
                f'<li class="sentence {colour}" id="{ident}">'
                f'<button class="s" type="button" data-file="{e(sentence.file)}" '
                f'data-start="{sentence.start:.3f}" data-end="{sentence.end:.3f}"{described}>'
                + en(f'<span class="status">{e(_STATUS[colour])}</span> · {span} · {sentence.miss:.0%} missed', "t")
                + f'<span class="text">{e(sentence.text)}</span></button>'
                f'<span class="heard" id="{ident}-heard">{en("heard:")} '
                f"{e(sentence.heard) if sentence.heard else en('(nothing)')}</span>"
                f"{backup}{flags}</li>"
            )
        if track is not None:
            parts.append("</ol>")
        parts.append("</section>")
    parts.append(f"</main><script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"
