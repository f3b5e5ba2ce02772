"""The script model: what a validated YAML script means.

Objects here are built only by :mod:`guide.script.loader`, after every check
passed, so the rest of the program can trust them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from ..text.markup import shown_text
from ..text.parity import language_name

_NAME = re.compile(
    r"faq\[(?P<faq>\d+)\]\.(?P<part>question|answer)"
    r"|sections\[(?P<section>\d+)\]\.(?:title|body\[(?P<block>\d+)\](?:(?P<list_title>\.title)"
    r"|\.bullets\[(?P<bullet>\d+)\])?)"
    r"|title|intro|outro"
)


@dataclass(frozen=True)
class Text:
    """One piece of text in every language of the script."""

    by_lang: Mapping[str, str]
    """Language code -> the text as written, inline markup included; stripped, and non-empty
    unless the script was loaded with ``allow_missing`` (then "" = not translated yet)."""

    line: int
    """Line in the script where this text starts (for messages)."""

    lines: Mapping[str, int] = field(default_factory=dict)
    """Language code -> the line where that language's text starts (``line`` when not known)."""

    def line_of(self, lang: str) -> int:
        """The line where the text in `lang` starts."""
        return self.lines.get(lang, self.line)

    def __getitem__(self, lang: str) -> str:
        """The text as shown (titles, tags, transcripts): inline markup removed."""
        return shown_text(self.by_lang[lang])

    def source(self, lang: str) -> str:
        """The text as written, markup included: what the front-end speaks."""
        return self.by_lang[lang]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a section body: read as prose."""

    text: Text
    """The paragraph's text."""


@dataclass(frozen=True)
class BulletList:
    """A bullet list of a section body: read as a list, with a pause after each item."""

    items: tuple[Text, ...]
    """The bullets, in order."""

    title: Text | None = None
    """An optional lead-in spoken before the list ("Possible long-term risks")."""


BodyBlock = Paragraph | BulletList


@dataclass(frozen=True)
class Section:
    """A chapter of the guide: a title and a body of paragraphs and bullet lists."""

    id: str
    """A safe slug, unique in the script; becomes part of the track's file name."""

    title: Text
    """Spoken first in the section's track."""

    body: tuple[BodyBlock, ...]
    """Paragraphs and bullet lists in reading order."""


@dataclass(frozen=True)
class FaqEntry:
    """A question and its answer; one track each ("press to hear the answer")."""

    id: str
    """A safe slug, unique in the script."""

    question: Text
    """Spoken first, then a pause."""

    answer: Text
    """Spoken after the question."""


@dataclass(frozen=True)
class VoiceSettings:
    """Which engine speaks a language, and how."""

    engine: str
    """Engine name from the registry: ``piper``, ``espeak``, ``gtts``, a cloud engine (``azure``,
    ``google-cloud``, ``polly``, ``elevenlabs``) or an installed plug-in's."""

    voice: str | None = None
    """Engine-specific voice: a Piper voice name or ``.onnx`` path, an espeak-ng voice."""

    lang: str | None = None
    """Language code passed to the engine when it differs from the script's (gTTS ``lang``)."""

    speed: float = 1.0
    """Speaking speed; 1.0 is the voice's normal speed, 1.2 is 20 % faster."""

    pitch: int | None = None
    """Pitch, 0-100 (50 is the voice's own): espeak-ng, and the cloud engines that can change it (azure,
    google-cloud)."""

    model: str | None = None
    """Cloud engines with several models: ElevenLabs' ``model_id``, Polly's engine (``neural``, ``standard``)."""

    tld: str = "com"
    """gTTS: top-level domain of the Google host, which selects the accent (``com``, ``co.uk``)."""

    slow: bool = False
    """gTTS: ask for Google's slow reading."""

    diacritize: str = "auto"
    """Arabic: ``auto`` adds diacritics (tashkeel) before engines that need them (espeak-ng); ``off`` never."""

    fallback: VoiceSettings | None = None
    """Opt-in voice for takes this voice fails to record (gTTS offline or rate-limited); reported, never silent."""

    line: int | None = None
    """Line in the script where these settings are written (None for defaults)."""

    def describe(self) -> str:
        """A short human label, e.g. ``piper:en_US-joe-medium``."""
        return f"{self.engine}:{self.voice or self.lang or '-'}"


@dataclass(frozen=True)
class Theme:
    """How the guide looks where it is shown."""

    colour: str | None = None
    """The generated covers' background, ``#rrggbb`` (the player's blue when not given)."""


@dataclass(frozen=True)
class Owner:
    """The podcast's owner, as directories ask for it."""

    name: str
    """A person or the clinic."""

    email: str
    """An address the owner reads: Apple Podcasts sends its verification code there."""


@dataclass(frozen=True)
class Pauses:
    """Silences, in seconds, that the assembler puts between pieces of speech."""

    sentence: float = 0.35
    """Between two sentences of the same text."""

    paragraph: float = 0.8
    """Between paragraphs, and after a section title."""

    bullet: float = 0.6
    """After each bullet of a list."""

    question: float = 1.0
    """Between an FAQ question and its answer."""

    announcement: float = 0.7
    """After a spoken chapter announcement in the full guide."""

    track: float = 1.5
    """Between tracks in the full guide."""


@dataclass(frozen=True)
class Loudness:
    """A loudness target (EBU R128 / ITU-R BS.1770 measurement)."""

    integrated: float = -16.0
    """Integrated loudness in LUFS: -16 for podcasts, -19 for mono, -23 for EBU R128 broadcast."""

    true_peak: float = -1.0
    """Ceiling for the true peak of the published MP3, in dBTP."""


@dataclass(frozen=True)
class Music:
    """A jingle under the intro: it fades in, ducks under the voice, and fades out."""

    file: Path
    """The music file (any format ffmpeg reads), resolved against the script's folder."""

    fade_in: float = 1.0
    """Seconds of fade-in at the start."""

    fade_out: float = 2.0
    """Seconds of fade-out after the intro's last word."""

    duck_db: float = -18.0
    """Music level while the voice speaks, in dB relative to its own level."""

    volume_db: float = -6.0
    """Music level when the voice is silent, in dB."""

    lead: float = 2.0
    """Seconds of music before the voice starts."""


@dataclass(frozen=True)
class Publish:
    """Which publishers run (all by default)."""

    transcripts: bool = True
    """SRT and WebVTT beside every MP3, a text transcript per language, USLT frames."""

    chapters: bool = True
    """ID3 chapters (CTOC + CHAP) in the full guides, and JSON chapters."""

    playlists: bool = True
    """``<lang>/playlist.m3u8``."""

    feed: bool | str = True
    """``<lang>/feed.xml`` podcast feeds (need a base URL): the full guide as one episode, or with
    ``per-track``, one episode per chapter and FAQ answer."""

    m4b: bool = False
    """``<lang>/<id>.<lang>.m4b``: the full guide as an audiobook (AAC, chapters, cover)."""

    player: bool = True
    """``index.html``, the bilingual web player, and ``kiosk.html``, its waiting-room kiosk mode."""


@dataclass(frozen=True)
class LexiconSource:
    """Where a lexicon entry is written, and whether it may change the numbers a text says."""

    path: Path
    """The script or the ``lexicon_file`` the entry is in."""

    line: int
    """Line of the entry."""

    numbers_differ: bool = False
    """Written ``{say: …, numbers_differ: true}``: a deliberate exception to the number guard."""

    ipa: str = ""
    """Written ``{ipa: "ˈboʊtɑks"}``: the pronunciation in IPA, sent as an SSML phoneme to the cloud voices that
    take phonemes in this language (Azure's ar-SA, ar-EG and English); every other voice says ``say``."""


@dataclass(frozen=True)
class ChangedSentence:
    """A sentence whose voice says other quantities than are written."""

    lang: str
    """The language of the text it is in."""

    written: str
    """The sentence as written (markup removed): the transcript's cue."""

    said: str
    """What the voice is given."""

    change: str
    """What changes, in words: "say 13 where 30 is written"."""

    lost: tuple[str, ...] = ()
    """Quantities written but not said ("30")."""

    added: tuple[str, ...] = ()
    """Quantities said but not written ("13")."""


@dataclass(frozen=True)
class NumberException:
    """A place where the voice says other numbers than are written, allowed by a ``numbers differ`` marker."""

    path: Path
    """The file the marker is written in."""

    line: int
    """Line of the marker: the lexicon entry, or the text holding ``{shown|spoken|numbers differ}``."""

    marker: str
    """The marker as a reviewer finds it: ``lexicon en "30": "13"`` or ``{30|13|numbers differ}``."""

    lang: str
    """Language of the texts it changes."""

    sentences: tuple[ChangedSentence, ...] = ()
    """Each sentence it changes."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.marker}"


@dataclass(frozen=True)
class TranslationMarker:
    """A span marked ``{…|translation differs}``: quantities one language says and the others need not."""

    path: Path
    """The script."""

    line: int
    """Line of the text holding the marker."""

    label: str
    """The text, as messages name it ("faq contact, answer")."""

    lang: str
    """The language of the text holding the marker."""

    shown: str
    """The marked words."""

    amounts: tuple[str, ...] = ()
    """What they say, in words ("the phone number 0223456789"), left out of the comparison."""

    def __str__(self) -> str:
        said = f" ({', '.join(self.amounts)})" if self.amounts else " (no number in it: the marker can go)"
        where = f"{self.path}:{self.line}: {self.label}, {language_name(self.lang)}"
        return f'{where}: "{self.shown}" is not compared{said}'


@dataclass(frozen=True)
class Script:
    """A whole, validated script."""

    path: Path
    """The YAML file it was read from."""

    id: str
    """A safe slug; names the output folder and the full-guide files."""

    title: Text
    """The guide's title (album tag, spoken at the start of the full guide)."""

    languages: tuple[str, ...]
    """Languages to build, in this order."""

    voices: Mapping[str, VoiceSettings]
    """Voice for each language in ``languages`` (defaults filled in)."""

    sections: tuple[Section, ...] = ()
    """The chapters, in order."""

    faq: tuple[FaqEntry, ...] = ()
    """The FAQ entries, in order."""

    intro: Text | None = None
    """Spoken before the first chapter (track ``00-intro``)."""

    outro: Text | None = None
    """Spoken last (the conclusion)."""

    author: str | None = None
    """Optional author or publisher (artist tag)."""

    pauses: Pauses = field(default_factory=Pauses)
    """Silences between pieces of speech."""

    description: Text | None = None
    """What the guide is about (podcast feed description)."""

    cover: Path | None = None
    """Cover art: a square PNG or JPEG of 1400 to 3000 px, resolved against the script's folder (ID3 APIC,
    M4B, feed image, player). Without it, guide makes one per language (:mod:`guide.publish.cover`)."""

    category: str = "Health & Fitness"
    """The podcast category (Apple's list)."""

    theme: Theme = Theme()
    """Colours of what guide draws (the generated covers)."""

    owner: Owner | None = None
    """Who runs the podcast feed (``<itunes:owner>``: Apple writes to this address to verify the show)."""

    base_url: str | None = None
    """Where the guide folder is published (feed URLs); ``--base-url`` overrides it."""

    loudness: Loudness | None = field(default_factory=lambda: Loudness())
    """Loudness target of every track and full guide; None when normalisation is off."""

    music: Music | None = None
    """Optional jingle under the intro."""

    publish: Publish = field(default_factory=Publish)
    """Which publishers run."""

    code_switch: bool = True
    """Speak runs written in another script (Arabic inside English, Latin inside Arabic) with that language's voice."""

    lexicon: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Language -> written word -> what the voice says (``lexicon_file`` merged under ``lexicon``)."""

    missing: tuple[Problem, ...] = ()
    """Texts not translated yet (only when loaded with ``allow_missing``): where, and which language."""

    lexicon_sources: Mapping[tuple[str, str], LexiconSource] = field(default_factory=dict)
    """(language, written word) -> where the lexicon entry is written, and whether it is marked ``numbers_differ``."""

    def phonemes(self, lang: str) -> tuple[tuple[str, str], ...]:
        """The lexicon's IPA pronunciations for `lang` (``en-GB`` also takes ``en``'s): (word as the voice is
        given it, IPA), sorted."""
        base = lang.split("-")[0]
        found: dict[str, str] = {}
        for code in (base, lang):
            for (entry_lang, word), source in self.lexicon_sources.items():
                if entry_lang == code and source.ipa:
                    found[self.lexicon.get(code, {}).get(word, word)] = source.ipa
        return tuple(sorted(found.items()))

    number_exceptions: tuple[NumberException, ...] = ()
    """Every ``numbers differ`` marker, with the sentences whose numbers it lets the voice change."""

    source_language: str = ""
    """The language the others are translated from (``source_language:``, else the first listed)."""

    translation_markers: tuple[TranslationMarker, ...] = ()
    """Every ``translation differs`` marker, with what it leaves out of the cross-language check."""

    parity_problems: tuple[Problem, ...] = ()
    """Translations saying other numbers than their source text, kept when loaded with ``parity=False`` (the
    studio); a load with the check on fails on them instead."""

    unread_languages: tuple[str, ...] = ()
    """Languages whose numbers in words guide cannot read, so their texts are not compared with the source's."""

    @property
    def source(self) -> str:
        """The source language: ``source_language``, else the first language."""
        return self.source_language or self.languages[0]

    def label(self, name: str) -> str:
        """A text's name (from :meth:`texts`) as an editor reads it: ``faq[0].answer`` -> "faq how-long, answer"."""
        match = _NAME.fullmatch(name)
        if match is None:
            return name
        if match["faq"] is not None:
            return f"faq {self.faq[int(match['faq'])].id}, {match['part']}"
        if match["section"] is None:
            return {"title": "the guide's title"}.get(name, name)
        where = f"section {self.sections[int(match['section'])].id}"
        if match["block"] is None:
            return f"{where}, title"
        block = int(match["block"])
        if match["bullet"] is not None:
            return f"{where}, list {block + 1}, bullet {int(match['bullet']) + 1}"
        if match["list_title"]:
            return f"{where}, list {block + 1}, title"
        return f"{where}, paragraph {block + 1}"

    def texts(self) -> Iterator[tuple[str, Text]]:
        """Every spoken text of the script with a name for messages (``sections[2].body[0]``), in reading order."""
        yield "title", self.title
        if self.intro:
            yield "intro", self.intro
        for i, section in enumerate(self.sections):
            yield f"sections[{i}].title", section.title
            for j, block in enumerate(section.body):
                if isinstance(block, Paragraph):
                    yield f"sections[{i}].body[{j}]", block.text
                else:
                    if block.title is not None:
                        yield f"sections[{i}].body[{j}].title", block.title
                    for k, item in enumerate(block.items):
                        yield f"sections[{i}].body[{j}].bullets[{k}]", item
        for i, entry in enumerate(self.faq):
            yield f"faq[{i}].question", entry.question
            yield f"faq[{i}].answer", entry.answer
        if self.outro:
            yield "outro", self.outro
