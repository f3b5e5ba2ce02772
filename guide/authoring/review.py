"""``guide check``'s advice: warnings a script may still build with, and what a build will cost.

Pure: works on the validated script and its plan, never records or downloads.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import Problem
from ..planner import Pause, Plan, TakeSpec, heard
from ..script.model import Script, Text
from ..text.codeswitch import script_of
from ..text.frontend import FrontEnd, Run, sentences

MAX_WORDS = 35
"""Default longest sentence, in words, that a listener follows comfortably."""

WORDS_PER_SECOND = {"en": 2.6, "ar": 1.6}
"""Words per second at speed 1.0, from the sample script's build (Piper en 4:37; espeak-ng ar, diacritized, at its
0.85 pace: its sentences last 425 s where they lasted 388 s at full pace, when 1.75 words a second matched)."""

_ALLOWED_SYMBOLS = set("%&+=/-–—'’\"“”«»()[]")


@dataclass
class LanguageEstimate:
    """What building one language will take."""

    lang: str
    """Language code."""

    seconds: float = 0.0
    """Estimated length of the full guide (speech plus pauses)."""

    takes: int = 0
    """Distinct takes to record (from scratch)."""

    web_requests: int = 0
    """Requests to Google's endpoint for gTTS takes (0 when no gTTS voice speaks)."""

    voices: dict[str, int] = field(default_factory=dict)
    """Voice label -> takes it records (a second voice appears with code switching)."""

    untranslated: int = 0
    """Texts still empty in this language (scripts checked with ``allow_missing``): the estimate leaves them out."""


@dataclass
class Review:
    """Warnings and estimates for one script."""

    warnings: list[Problem] = field(default_factory=list)
    """Things that will build but may not sound right, with their lines."""

    estimates: list[LanguageEstimate] = field(default_factory=list)
    """One per language planned."""

    costs: list = field(default_factory=list)
    """What the online voices will be sent, per engine (:class:`~guide.authoring.cost.EngineCost`)."""


def texts(script: Script) -> Iterator[tuple[str, Text]]:
    """Every spoken text of the script with a name for messages (``sections[2].body[0]``)."""
    return script.texts()


def unsayable(run: Run) -> str:
    """Characters in `run` that no voice of its language can say (letters of another script, symbols)."""
    own = script_of(run.lang)
    bad: list[str] = []
    for char in run.text:
        category = unicodedata.category(char)
        if category[0] in "NZ" or category[0] == "P" or category == "Mn" or char in _ALLOWED_SYMBOLS:
            continue
        if category[0] == "L":
            name = unicodedata.name(char, "")
            if (own == "arabic" and name.startswith("ARABIC")) or (own == "latin" and name.startswith("LATIN")):
                continue
        if char not in bad:
            bad.append(char)
    return "".join(bad)


def review(script: Script, plan: Plan, max_words: int = MAX_WORDS, gtts_requests=None) -> Review:
    """Warnings for `script` and estimates for `plan`.

    `gtts_requests(text, voice)` counts the web requests one take sends, for the voices whose engine
    plans them (gTTS: :attr:`~guide.engines.Capabilities.plans_requests`; the registry's ``web_requests``);
    without it each such take counts as one.
    """
    result = Review()
    frontend = FrontEnd(code_switch=script.code_switch, lexicon=script.lexicon)
    for what, text in texts(script):
        for lang in script.languages:
            source = text.source(lang)
            if not source:
                continue
            for sentence in sentences(source, lang, frontend):
                words = len(sentence.shown.split())
                if words > max_words:
                    start = " ".join(sentence.shown.split()[:8])
                    result.warnings.append(
                        Problem(
                            script.path,
                            text.line,
                            f"{what}.{lang}: a sentence of {words} words is hard to follow by ear "
                            f'(over {max_words}): "{start} …"; split it',
                        )
                    )
                for part in sentence.parts:
                    if isinstance(part, Run) and (bad := unsayable(part)):
                        result.warnings.append(
                            Problem(
                                script.path,
                                text.line,
                                f"{what}.{lang}: no {part.lang} voice can say {' '.join(repr(c) for c in bad)}; "
                                "spell it out, or use {shown|spoken}",
                            )
                        )
    for lang_plan in plan.languages:
        estimate = LanguageEstimate(lang_plan.lang)
        estimate.untranslated = sum(1 for _, text in texts(script) if not text.source(lang_plan.lang))
        seen: set[str] = set()
        for piece in heard(lang_plan.full.steps, lang_plan.tracks):
            if isinstance(piece, Pause):
                estimate.seconds += piece.seconds
            elif isinstance(piece, TakeSpec):
                rate = WORDS_PER_SECOND.get(piece.voice.lang.split("-")[0], 2.4) * piece.voice.speed
                estimate.seconds += max(0.4, len(piece.text.split()) / rate)
                if piece.key not in seen:
                    seen.add(piece.key)
                    estimate.takes += 1
                    estimate.voices[piece.voice.label] = estimate.voices.get(piece.voice.label, 0) + 1
                    if piece.voice.can.plans_requests:
                        estimate.web_requests += gtts_requests(piece.text, piece.voice) if gtts_requests else 1
        result.estimates.append(estimate)
    return result
