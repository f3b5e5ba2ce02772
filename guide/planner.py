"""Planning: script -> utterances -> tracks, for each language. Pure: no engine, no file.

The plan says exactly what will be spoken, by which voice, in which order and
with which pauses; the renderer only carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Union

from .engines.base import VoiceRef
from .script.model import BulletList, Paragraph, Pauses, Script, Text
from .text import announce
from .text.sentences import split_sentences


@dataclass(frozen=True)
class Utterance:
    """A text spoken by one voice: a paragraph, a bullet, a title, an announcement."""

    text: str
    """The text as written in the script (or the announcement)."""

    voice: VoiceRef
    """Who speaks it."""

    sentences: tuple[str, ...]
    """`text` split into sentences; each is one engine call, joined by the sentence pause."""

    role: str
    """What it is: title, paragraph, bullet, question, answer, announcement."""


@dataclass(frozen=True)
class Pause:
    """Silence of a fixed length."""

    seconds: float
    """Length of the silence."""


@dataclass(frozen=True)
class TrackRef:
    """In a full guide: the whole audio of one track of the same language."""

    index: int
    """Position of the track in its language's track list."""


Step = Union[Utterance, Pause]


@dataclass(frozen=True)
class TrackPlan:
    """One MP3 track: an intro, a section, an FAQ entry or the outro."""

    id: str
    """The item id (``intro``, a section or FAQ id, ``outro``)."""

    kind: str
    """``intro``, ``section``, ``faq`` or ``outro``."""

    number: int
    """Track number in the file name (``NN-``); the intro is 00."""

    title: str
    """Title in the track's language (ID3 title, manifest)."""

    file: str
    """Path relative to the guide folder: ``<lang>/NN-<id>.mp3``."""

    steps: tuple[Step, ...]
    """What is heard, in order."""


@dataclass(frozen=True)
class FullPlan:
    """The full guide of one language: announcements, then each track, with pauses."""

    file: str
    """Path relative to the guide folder: ``<lang>/<id>.<lang>.mp3``."""

    title: str
    """The guide's title in this language."""

    steps: tuple[Union[Utterance, Pause, TrackRef], ...]
    """What is heard, in order."""


@dataclass(frozen=True)
class LanguagePlan:
    """Everything built for one language."""

    lang: str
    """Language code."""

    voice: VoiceRef
    """The language's voice."""

    tracks: tuple[TrackPlan, ...]
    """The tracks, in order."""

    full: FullPlan
    """The full guide."""


@dataclass(frozen=True)
class Plan:
    """Everything a build of one script will record and write."""

    script: Script
    """The script planned."""

    languages: tuple[LanguagePlan, ...]
    """One plan per language built, in the script's order."""

    def utterances(self) -> list[Utterance]:
        """Every distinct utterance, in first-heard order (what must be recorded)."""
        seen: dict[tuple[VoiceRef, str], Utterance] = {}
        for lang_plan in self.languages:
            for track in lang_plan.tracks:
                for step in track.steps:
                    if isinstance(step, Utterance):
                        seen.setdefault((step.voice, step.text), step)
            for step in lang_plan.full.steps:
                if isinstance(step, Utterance):
                    seen.setdefault((step.voice, step.text), step)
        return list(seen.values())


def plan_script(script: Script, voices: Mapping[str, VoiceRef], languages: tuple[str, ...] | None = None) -> Plan:
    """Plan the build of `script` for `languages` (default: all of the script's), with resolved `voices`."""
    langs = languages or script.languages
    return Plan(script, tuple(_plan_language(script, lang, voices[lang]) for lang in langs))


def _say(text: str, voice: VoiceRef, role: str) -> Utterance:
    return Utterance(text, voice, tuple(split_sentences(text, voice.lang)), role)


def _joined(parts: list[Step], gap: float) -> list[Step]:
    """Insert a pause of `gap` between consecutive parts."""
    out: list[Step] = []
    for part in parts:
        if out:
            out.append(Pause(gap))
        out.append(part)
    return out


def _section_steps(title: Text, body, lang: str, voice: VoiceRef, pauses: Pauses) -> list[Step]:
    steps: list[Step] = [_say(title[lang], voice, "title")]
    for block in body:
        steps.append(Pause(pauses.paragraph))
        if isinstance(block, Paragraph):
            steps.append(_say(block.text[lang], voice, "paragraph"))
        elif isinstance(block, BulletList):
            if block.title is not None:
                steps += [_say(block.title[lang], voice, "title"), Pause(pauses.bullet)]
            steps += _joined([_say(item[lang], voice, "bullet") for item in block.items], pauses.bullet)
    return steps


def _plan_language(script: Script, lang: str, voice: VoiceRef) -> LanguagePlan:
    pauses = script.pauses
    tracks: list[TrackPlan] = []
    number = 0 if script.intro else 1

    def add(item_id: str, kind: str, title: str, steps: list[Step]) -> None:
        nonlocal number
        file = f"{lang}/{number:02d}-{item_id}.mp3"
        tracks.append(TrackPlan(item_id, kind, number, title, file, tuple(steps)))
        number += 1

    if script.intro:
        add("intro", "intro", announce.intro_title(lang), [_say(script.intro[lang], voice, "paragraph")])
    for section in script.sections:
        add(section.id, "section", section.title[lang], _section_steps(section.title, section.body, lang, voice, pauses))
    for entry in script.faq:
        steps: list[Step] = [
            _say(entry.question[lang], voice, "question"),
            Pause(pauses.question),
            _say(entry.answer[lang], voice, "answer"),
        ]
        add(entry.id, "faq", entry.question[lang], steps)
    if script.outro:
        add("outro", "outro", announce.outro_title(lang), [_say(script.outro[lang], voice, "paragraph")])

    return LanguagePlan(lang, voice, tuple(tracks), _plan_full(script, lang, voice, tracks))


def _plan_full(script: Script, lang: str, voice: VoiceRef, tracks: list[TrackPlan]) -> FullPlan:
    """The full guide: the title, then each track after its spoken announcement."""
    pauses = script.pauses
    steps: list[Union[Utterance, Pause, TrackRef]] = [_say(script.title[lang], voice, "announcement"), Pause(pauses.announcement)]
    chapter = question = 0
    for index, track in enumerate(tracks):
        if index > 0:
            steps.append(Pause(pauses.track))
        spoken: list[str] = []
        if track.kind == "section":
            chapter += 1
            spoken.append(announce.chapter(chapter, lang))
        elif track.kind == "faq":
            question += 1
            heading = announce.faq_heading(lang)
            if question == 1 and heading:
                spoken.append(heading)
            spoken.append(announce.question(question, lang))
        elif track.kind == "outro":
            heading = announce.conclusion(lang)
            if heading:
                spoken.append(heading)
        for i, words in enumerate(spoken):
            steps += [_say(words, voice, "announcement"), Pause(pauses.announcement if i == len(spoken) - 1 else pauses.paragraph)]
        steps.append(TrackRef(index))
    return FullPlan(f"{lang}/{script.id}.{lang}.mp3", script.title[lang], tuple(steps))
