"""Transcripts: SRT and WebVTT beside every MP3 (one cue per sentence, timed from the real
audio), and a plain-text transcript per language.

Arabic cues start with U+200F RIGHT-TO-LEFT MARK so players that render cues
left-to-right still lay them out right-to-left.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import srt as srt_lib

from ..audio.assemble import Cue

RLM = "\u200f"
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "yi", "ps", "sd", "ug", "ku"})


def is_rtl(lang: str) -> bool:
    """Whether `lang` is written right to left."""
    return lang.split("-")[0].lower() in RTL_LANGUAGES


def _text(cue: Cue, lang: str) -> str:
    return (RLM + cue.text) if is_rtl(lang) else cue.text


def srt(cues: Sequence[Cue], lang: str) -> str:
    """The cues as SubRip text."""
    subtitles = [
        srt_lib.Subtitle(
            index=i, start=timedelta(seconds=c.start), end=timedelta(seconds=c.end), content=_text(c, lang)
        )
        for i, c in enumerate(cues, start=1)
    ]
    return srt_lib.compose(subtitles, reindex=False)


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def vtt(cues: Sequence[Cue], lang: str) -> str:
    """The cues as WebVTT text."""
    import webvtt  # noqa: PLC0415 - ~4 ms, loaded only to write a transcript

    document = webvtt.WebVTT(
        captions=[webvtt.Caption(_vtt_time(c.start), _vtt_time(c.end), _text(c, lang)) for c in cues]
    )
    return document.content


def plain(title: str, sections: Sequence[tuple[str, Sequence[str]]]) -> str:
    """A plain-text transcript: the title, then each track's title and sentences as paragraphs."""
    parts = [title, "=" * len(title), ""]
    for heading, sentences in sections:
        parts += [heading, " ".join(sentences), ""]
    return "\n".join(parts)
