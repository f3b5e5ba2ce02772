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


def whole_seconds(seconds: float) -> int:
    """The whole seconds of a length as it is shown: cut, not rounded (see :func:`clock`); never below 0."""
    return int(max(0.0, seconds))


def clock(seconds: float) -> str:
    """A length or a moment as a person is shown it: whole seconds, cut (never rounded up), ``m:ss``, or ``h:mm:ss``
    from an hour on.

    The one rule of every length guide shows (the player, the kiosk, the printed cards and posters, the feed's
    ``itunes:duration``, the build's summary): the browser's own audio control cuts to the whole second
    (Chromium's ``MediaControlsSharedHelpers::FormatTime`` casts to int; measured: a 483.986 s guide is 8:03 in
    its control), so a page that rounded said 8:04 beside it. The JavaScript twin is ``clock()`` in kiosk.html and
    player.html.
    """
    hours, rest = divmod(whole_seconds(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


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
