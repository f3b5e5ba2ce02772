"""The proof's results: per sentence, track and language; the terminal summary, JSON and ``proof.html``."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compare import Mishearing, unit_of

ARABIC_NOTE = (
    "Arabic is measured in characters by Whisper base, which understands synthetic Arabic poorly: "
    "most of this figure is the recogniser's, not the voice's. A larger Whisper (--model FOLDER) tells more."
)


NUMBER_NOT_HEARD = "number not heard as written"
"""How the flag of a number the recogniser did not hear as written starts (:func:`.compare.flags`)."""


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
        }


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

    @property
    def unit(self) -> str:
        return unit_of(self.lang)

    @property
    def flagged(self) -> list[SentenceResult]:
        """Flagged sentences, worst first."""
        return sorted((s for s in self.sentences if s.flags), key=lambda s: (-_severity(s), -s.miss))

    def as_json(self) -> dict[str, Any]:
        return {
            "miss": round(self.miss, 4),
            "unit": self.unit,
            "max_miss": self.max_miss,
            "voice": self.voice,
            "note": self.note,
            "tracks": {tid: t.as_json() for tid, t in self.tracks.items()},
            "mishearings": [
                {"written": m.written, "heard": m.heard, "count": m.count, "suggestion": m.entry(self.lang)} for m in self.mishearings
            ],
            "warnings": list(self.warnings),
            "sentences": [s.as_json() for s in self.sentences],
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

    def as_json(self) -> dict[str, Any]:
        return {
            "script": self.script,
            "languages": {lang: report.as_json() for lang, report in self.languages.items()},
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
    lines = [f"{report.script}: {report.transcribed} sentences transcribed, {report.reused} reused ({report.model.get('name', '')})"]
    if report.transcribed and report.audio_seconds:
        lines.append(f"  {report.seconds:.0f} s for {report.audio_seconds / 60:.1f} min of audio ({report.seconds / report.audio_seconds * 60:.0f} s per audio minute)")
    for lang, lr in report.languages.items():
        flagged = lr.flagged
        lines.append("")
        lines.append(
            f"{lang} ({lr.voice}): {lr.miss:.1%} of the {lr.unit} missed over {len(lr.sentences)} sentences; "
            f"{len(flagged)} flagged (a sentence is flagged above {lr.max_miss:.0%}, and for any number not heard as written)"
        )
        on_purpose = [s for s in flagged if s.numbers_differ]
        if on_purpose:
            lines.append(
                f"  {len(on_purpose)} sentence(s) said with other numbers than written, on purpose ('numbers differ'): "
                "listed first below; confirm each with the text's author"
            )
        if lr.note:
            lines.append(f"  note: {lr.note}")
        for tid, track in lr.tracks.items():
            lines.append(f"  {track.file:<34} {track.miss:6.1%}  {track.flagged:>2} flagged  {track.title}")
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


def as_json(report: ProofReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def _colour(sentence: SentenceResult, max_miss: float) -> str:
    """good (nothing flagged, little missed), fair (not flagged), bad (flagged)."""
    if sentence.flags:
        return "bad"
    return "good" if sentence.miss <= max_miss / 2 else "fair"


_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:1.5em auto;max-width:60em;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.2em;margin-top:2em}
.s{display:block;width:100%;text-align:inherit;font:inherit;border:0;border-radius:6px;padding:.5em .7em;margin:.3em 0;cursor:pointer}
.good{background:#dff3df}.fair{background:#fff3c4}.bad{background:#f9d0cc}.playing{outline:3px solid #2a6fdb}
.heard,.flags,.t{display:block;font-size:.85em;color:#555}.flags{color:#8a1c10}
table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:start}
"""

_SCRIPT = """
const audio = document.getElementById('player');
let stopAt = null, current = null;
document.querySelectorAll('button.s').forEach(b => b.addEventListener('click', () => {
  if (current) current.classList.remove('playing');
  current = b; b.classList.add('playing');
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


def _sentence_button(sentence: SentenceResult, max_miss: float) -> str:
    """A sentence as a button that plays its span: its time, text, what was heard and its flags."""
    e = html.escape
    flags = "".join(f'<span class="flags" dir="ltr" lang="en">{e(f)}</span>' for f in sentence.flags)
    return (
        f'<button class="s {_colour(sentence, max_miss)}" type="button" data-file="{e(sentence.file)}" '
        f'data-start="{sentence.start:.3f}" data-end="{sentence.end:.3f}">'
        f'<span class="t" dir="ltr">{clock(sentence.start)}–{clock(sentence.end)} · {sentence.miss:.0%} missed</span>'
        f"{e(sentence.text)}"
        f'<span class="heard">heard: {e(sentence.heard or "(nothing)")}</span>{flags}</button>'
    )


def html_page(report: ProofReport, title: str) -> str:
    """``proof.html``: each sentence coloured by how well it was heard; a click plays its span of the track."""
    e = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Proof: {e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Proof listening: {e(title)}</h1>",
        f"<p>Heard by {e(str(report.model.get('name', '')))}, blind (never told the text). "
        "Green: heard right; yellow: partly missed; red: flagged. Click a sentence to play it.</p>",
        '<audio id="player" controls preload="none"></audio>',
    ]
    for lang, lr in report.languages.items():
        rtl = ' dir="rtl"' if lang.split("-")[0] in ("ar", "fa", "ur", "he") else ""
        parts.append(f'<section lang="{e(lang)}"{rtl}>')
        parts.append(f'<h2>{e(lang)}: {lr.miss:.1%} of the {e(lr.unit)} missed</h2>')
        if lr.note:
            parts.append(f'<p dir="ltr" lang="en">{e(lr.note)}</p>')
        if lr.mishearings or lr.warnings:
            parts.append('<ul dir="ltr" lang="en">')
            for m in lr.mishearings:
                parts.append(f"<li>'{e(m.written)}' heard as '{e(m.heard)}' {m.count} times: try <code>{e(m.entry(lang))}</code></li>")
            for warning in lr.warnings:
                parts.append(f"<li>{e(warning)}</li>")
            parts.append("</ul>")
        flagged = lr.flagged
        if flagged:
            # Worst first, numbers said other than written before all: what to listen to before publishing.
            parts.append(f'<h3 dir="ltr" lang="en">Flagged: {len(flagged)} sentence(s), numbers first</h3><ol class="flagged">')
            parts.extend(f"<li>{_sentence_button(sentence, lr.max_miss)}</li>" for sentence in flagged)
            parts.append("</ol>")
        track = None
        for sentence in lr.sentences:
            if sentence.track != track:
                track = sentence.track
                figure = lr.tracks.get(track)
                name = figure.title if figure else track
                miss = f" ({figure.miss:.0%} missed)" if figure else ""
                parts.append(f"<h3>{e(name)}<span dir=\"ltr\">{e(miss)}</span></h3>")
            parts.append(_sentence_button(sentence, lr.max_miss))
        parts.append("</section>")
    parts.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"
