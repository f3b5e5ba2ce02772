"""Planning: script -> utterances -> tracks, for each language. Pure: no engine, no file.

The plan says exactly what will be spoken, by which voice, in which order and
with which pauses; the renderer only carries it out.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from .engines.base import VoiceRef
from .script.model import BulletList, Music, Paragraph, Script, Text
from .text import announce
from .text.frontend import FrontEnd
from .text.frontend import sentences as spoken_sentences
from .text.markup import Silence
from .text.memo import SentenceMemo, context_of

RUN_GAP = 0.06
"""Silence between two runs of one sentence spoken by different voices: a word break, no more."""

TAKE_FORMAT = "pcm_s16le 44100 Hz mono; edges trimmed below -50 dBFS keeping 15 ms; soxr VHQ resampling; v1"
"""The form every take is stored in; part of each take key, so changing it re-records."""


def normalize(text: str) -> str:
    """The text as the engine receives it: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def take_key(voice: VoiceRef, sentence: str) -> str:
    """Cache key of one take: a hash of everything that changes its sound, and nothing else."""
    ingredients = {
        "format": TAKE_FORMAT,
        "engine": voice.engine,
        "identity": voice.identity,
        # A voice that is a local model is identified by the model's hash (in identity), not where the file lies.
        "voice": voice.voice if voice.can.voice_in_key else "",
        "lang": voice.lang,
        "speed": voice.speed,
        "pitch": voice.pitch,
        "tld": voice.tld,
        "slow": voice.slow,
        "text": normalize(sentence),
    }
    if voice.diacritize:  # only when on, so keys of every other voice stay as they were
        ingredients["diacritize"] = voice.diacritize
    if voice.model:
        ingredients["model"] = voice.model
    said = phonemes_in(voice, sentence)
    if said:  # only the pronunciations this sentence uses: a new lexicon entry records only its own sentences
        ingredients["phonemes"] = said
    return hashlib.sha256(json.dumps(ingredients, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def phonemes_in(voice: VoiceRef, sentence: str) -> list[list[str]]:
    """The voice's lexicon pronunciations (word, IPA) that `sentence` uses, as whole words."""
    return [[word, ipa] for word, ipa in voice.phonemes if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", sentence)]


@dataclass(frozen=True)
class TakeSpec:
    """One sentence to be recorded by one voice: the unit of recording and of caching."""

    key: str
    """Cache key (see :func:`take_key`)."""

    text: str
    """The sentence, normalised."""

    voice: VoiceRef
    """Who speaks it."""


@dataclass(frozen=True)
class Sentence:
    """One sentence as heard: its takes (one per language run) with short silences between them."""

    text: str
    """The sentence as the transcript shows it (the script's text, markup removed)."""

    pieces: tuple[TakeSpec | Pause, ...]
    """Takes and silences, in order."""

    @property
    def takes(self) -> tuple[TakeSpec, ...]:
        return tuple(p for p in self.pieces if isinstance(p, TakeSpec))


@dataclass(frozen=True)
class Utterance:
    """A text spoken by one voice: a paragraph, a bullet, a title, an announcement."""

    text: str
    """The text as written in the script (or the announcement), markup included."""

    voice: VoiceRef
    """Who speaks it (runs in another language inside it are spoken by that language's voice)."""

    sentences: tuple[Sentence, ...]
    """What is heard, sentence by sentence; consecutive sentences are joined by `pause`."""

    role: str
    """What it is: title, paragraph, bullet, question, answer, announcement."""

    pause: float
    """Silence between two of its sentences."""

    @property
    def takes(self) -> tuple[TakeSpec, ...]:
        """Every take, in order."""
        return tuple(t for s in self.sentences for t in s.takes)


@dataclass(frozen=True)
class Pause:
    """Silence of a fixed length."""

    seconds: float
    """Length of the silence."""


@dataclass(frozen=True)
class ChapterMark:
    """In a full guide: chapter `index` (the track of that index) starts here, with its announcement."""

    index: int
    """Position of the track in its language's track list."""


@dataclass(frozen=True)
class TrackRef:
    """In a full guide: the whole audio of one track of the same language."""

    index: int
    """Position of the track in its language's track list."""


Step = Utterance | Pause


def units(steps) -> Iterator[Sentence | Pause | TrackRef | ChapterMark]:  # steps of a track or full guide
    """Sentences and pauses in the order heard (track references and chapter marks kept as they are)."""
    for step in steps:
        if isinstance(step, Utterance):
            for i, sentence in enumerate(step.sentences):
                if i:
                    yield Pause(step.pause)
                yield sentence
        else:
            yield step


def pieces(steps) -> Iterator[TakeSpec | Pause | TrackRef | ChapterMark]:
    """Flatten steps into what is heard: takes and pauses (track references and chapter marks kept as they are)."""
    for unit in units(steps):
        if isinstance(unit, Sentence):
            yield from unit.pieces
        else:
            yield unit


def heard(steps, tracks: Sequence[TrackPlan]) -> Iterator[TakeSpec | Pause | ChapterMark]:
    """Takes, pauses and chapter marks in the order heard, each track reference replaced by that track's."""
    for piece in pieces(steps):
        if isinstance(piece, TrackRef):
            yield from heard(tracks[piece.index].steps, tracks)
        else:
            yield piece


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

    music: Music | None = None
    """A jingle mixed under this track (the intro's, when the script has one)."""


@dataclass(frozen=True)
class FullPlan:
    """The full guide of one language: announcements, then each track, with pauses."""

    file: str
    """Path relative to the guide folder: ``<lang>/<id>.<lang>.mp3``."""

    title: str
    """The guide's title in this language."""

    steps: tuple[Utterance | Pause | TrackRef | ChapterMark, ...]
    """What is heard, in order, with a mark where each chapter starts."""


@dataclass(frozen=True)
class Bridge:
    """In a full guide: what is heard before a track and after the one before it (the pause,
    the chapter mark, the announcements), encoded once as a piece of its own."""

    steps: tuple[Utterance | Pause | ChapterMark, ...]
    """What is heard, in order."""


def full_pieces(full: FullPlan) -> tuple[Bridge | TrackRef, ...]:
    """The full guide as the pieces joined to make it: bridges and whole tracks, in order."""
    out: list[Bridge | TrackRef] = []
    steps: list = []
    for step in full.steps:
        if isinstance(step, TrackRef):
            if steps:
                out.append(Bridge(tuple(steps)))
                steps = []
            out.append(step)
        else:
            steps.append(step)
    if steps:
        out.append(Bridge(tuple(steps)))
    return tuple(out)


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

    def takes(self) -> list[TakeSpec]:
        """Every distinct take, in first-heard order (what must be recorded)."""
        seen: dict[str, TakeSpec] = {}
        for lang_plan in self.languages:
            for steps in [*(t.steps for t in lang_plan.tracks), lang_plan.full.steps]:
                for piece in pieces(steps):
                    if isinstance(piece, TakeSpec):
                        seen.setdefault(piece.key, piece)
        return list(seen.values())


def plan_script(
    script: Script,
    voices: Mapping[str, VoiceRef],
    languages: tuple[str, ...] | None = None,
    memo: SentenceMemo | None = None,
) -> Plan:
    """Plan the build of `script` for `languages` (default: all of the script's), with resolved `voices`.

    `voices` has a voice for every language spoken, including languages only spoken
    inside texts (code switching, ``[lang xx]``). `memo` (made for this script's lexicon and
    code switching) serves texts the front-end expanded before and keeps the new ones.
    """
    langs = languages or script.languages
    if memo is not None and memo.context != context_of(script.code_switch, script.lexicon):
        raise ValueError("the sentence memo was made for another lexicon or code switching")
    frontend = FrontEnd(code_switch=script.code_switch, lexicon=script.lexicon, memo=memo)
    return Plan(script, tuple(_Planner(script, lang, voices, frontend).language() for lang in langs))


def plan_sentences(
    text: str, lang: str, voices: Mapping[str, VoiceRef], frontend: FrontEnd, run_gap: float = RUN_GAP
) -> tuple[Sentence, ...]:
    """`text` (language `lang`, markup allowed) as sentences of takes, each run voiced by its language's voice."""
    out: list[Sentence] = []
    for sentence in spoken_sentences(text, lang, frontend):
        parts: list[TakeSpec | Pause] = []
        for part in sentence.parts:
            if isinstance(part, Silence):
                parts.append(Pause(part.seconds))
                continue
            voice = voices.get(part.lang) or voices[lang]
            if parts and isinstance(parts[-1], TakeSpec):
                parts.append(Pause(run_gap))
            text_ = normalize(part.text)
            parts.append(TakeSpec(take_key(voice, text_), text_, voice))
        if parts:
            out.append(Sentence(sentence.shown, tuple(parts)))
    return tuple(out)


def _joined(parts: list[Step], gap: float) -> list[Step]:
    """Insert a pause of `gap` between consecutive parts."""
    out: list[Step] = []
    for part in parts:
        if out:
            out.append(Pause(gap))
        out.append(part)
    return out


class _Planner:
    """Plans one language of one script."""

    def __init__(self, script: Script, lang: str, voices: Mapping[str, VoiceRef], frontend: FrontEnd) -> None:
        self.script = script
        self.lang = lang
        self.voices = voices
        self.voice = voices[lang]
        self.frontend = frontend
        self.pauses = script.pauses

    def say(self, text: str, role: str) -> Utterance:
        sentences = plan_sentences(text, self.lang, self.voices, self.frontend)
        return Utterance(text, self.voice, sentences, role, self.pauses.sentence)

    def section_steps(self, title: Text, body) -> list[Step]:  # body: a section's blocks
        pauses = self.pauses
        steps: list[Step] = [self.say(title.source(self.lang), "title")]
        for block in body:
            steps.append(Pause(pauses.paragraph))
            if isinstance(block, Paragraph):
                steps.append(self.say(block.text.source(self.lang), "paragraph"))
            elif isinstance(block, BulletList):
                if block.title is not None:
                    steps += [self.say(block.title.source(self.lang), "title"), Pause(pauses.bullet)]
                steps += _joined([self.say(item.source(self.lang), "bullet") for item in block.items], pauses.bullet)
        return steps

    def language(self) -> LanguagePlan:
        script, lang, pauses = self.script, self.lang, self.pauses
        tracks: list[TrackPlan] = []
        number = 0 if script.intro else 1

        def add(item_id: str, kind: str, title: str, steps: list[Step]) -> None:
            nonlocal number
            file = f"{lang}/{number:02d}-{item_id}.mp3"
            music = script.music if kind == "intro" else None
            tracks.append(TrackPlan(item_id, kind, number, title, file, tuple(steps), music))
            number += 1

        if script.intro:
            add("intro", "intro", announce.intro_title(lang), [self.say(script.intro.source(lang), "paragraph")])
        for section in script.sections:
            add(section.id, "section", section.title[lang], self.section_steps(section.title, section.body))
        for entry in script.faq:
            steps: list[Step] = [
                self.say(entry.question.source(lang), "question"),
                Pause(pauses.question),
                self.say(entry.answer.source(lang), "answer"),
            ]
            add(entry.id, "faq", entry.question[lang], steps)
        if script.outro:
            add("outro", "outro", announce.outro_title(lang), [self.say(script.outro.source(lang), "paragraph")])

        return LanguagePlan(lang, self.voice, tuple(tracks), self.full(tracks))

    def full(self, tracks: list[TrackPlan]) -> FullPlan:
        """The full guide: the title, then each track after its spoken announcement."""
        script, lang, pauses = self.script, self.lang, self.pauses
        steps: list[Utterance | Pause | TrackRef | ChapterMark] = [
            ChapterMark(0),
            self.say(script.title.source(lang), "announcement"),
            Pause(pauses.announcement),
        ]
        chapter = question = 0
        for index, track in enumerate(tracks):
            if index > 0:
                steps += [Pause(pauses.track), ChapterMark(index)]
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
                steps += [
                    self.say(words, "announcement"),
                    Pause(pauses.announcement if i == len(spoken) - 1 else pauses.paragraph),
                ]
            steps.append(TrackRef(index))
        return FullPlan(f"{lang}/{script.id}.{lang}.mp3", script.title[lang], tuple(steps))
