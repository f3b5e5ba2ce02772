"""Podcast publishing: one RSS 2.0 feed per language (feedgen, with the iTunes and
Podcasting 2.0 namespaces), JSON chapters, and M3U8 playlists.

Each feed has one episode: the language's full guide, with its chapters and
transcripts (a guide is listened to as one programme; the kiosk and the
playlist use the separate tracks).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..dates import build_time
from .transcripts import whole_seconds

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PODCAST_GUID_NAMESPACE = "ead4c236-bf58-58c6-a2c6-a6b28d128cb6"
"""The UUID namespace Podcasting 2.0 defines for ``<podcast:guid>`` (a UUIDv5 of the feed URL)."""
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PSC_NS = "http://podlove.org/simple-chapters"
"""Podlove Simple Chapters: chapters inside the feed, as gPodder (podcastparser), AntennaPod and Podlove
players read them."""


@dataclass(frozen=True)
class Chapter:
    """A chapter of a full guide."""

    title: str
    """Its title, in the guide's language."""

    start: float
    """Seconds from the start."""

    end: float
    """Seconds from the start."""


@dataclass(frozen=True)
class Episode:
    """What a feed needs to know about the full guide of one language."""

    lang: str
    title: str
    description: str
    author: str | None
    file: str
    """Path relative to the guide folder."""
    bytes: int
    duration: float
    sha256: str
    published: datetime
    chapters_file: str
    vtt_file: str
    srt_file: str
    cover_file: str | None
    category: str
    owner: tuple[str, str] | None = None
    """(name, e-mail) for ``<itunes:owner>``."""
    feed_file: str = ""
    """The feed's own path relative to the guide folder (its URL names the show: ``<podcast:guid>``)."""
    chapters: tuple[Chapter, ...] = ()
    """The full guide's chapters, also written into the feed (``<psc:chapters>``) for apps that read no JSON
    chapters."""


@dataclass(frozen=True)
class TrackEpisode:
    """One track as an episode of its own (``publish: {feed: per-track}``)."""

    number: int
    """Its place in the guide, from 1 (``<itunes:episode>`` of a serial show)."""
    title: str
    text: str
    """What it says: the episode's description."""
    file: str
    """Path relative to the guide folder."""
    bytes: int
    duration: float
    sha256: str
    published: datetime
    """When this audio was first published (it stays while the audio does)."""
    vtt_file: str
    srt_file: str


DESCRIPTION_MAX = 4000
"""Characters Apple Podcasts shows of an episode's description."""


def chapters_json(chapters: Sequence[Chapter], title: str) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0)."""
    data = {
        "version": "1.2.0",
        "title": title,
        "chapters": [{"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title} for c in chapters],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def playlist(entries: Sequence[tuple[str, float, str]]) -> str:
    """An extended M3U playlist (UTF-8) of (file name, seconds, title) entries, relative paths."""
    lines = ["#EXTM3U"]
    for name, seconds, title in entries:
        lines += [f"#EXTINF:{round(seconds)},{title}", name]
    return "\n".join(lines) + "\n"


def podcast_guid(feed_url: str) -> str:
    """The show's ``<podcast:guid>``: a UUIDv5 of its feed URL without the scheme and trailing slashes,
    in Podcasting 2.0's namespace, so every copy of guide gives the same show the same id."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(uuid.UUID(PODCAST_GUID_NAMESPACE), bare))


def _timestamp(seconds: float) -> str:
    """A Podlove normal play time with milliseconds: ``HH:MM:SS.mmm``."""
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms % 3600000 // 60000:02d}:{ms % 60000 // 1000:02d}.{ms % 1000:03d}"


def _duration(seconds: float) -> str:
    """``itunes:duration`` as ``HH:MM:SS``: whole seconds cut, as every length guide shows
    (:func:`~guide.publish.transcripts.clock`)."""
    total = whole_seconds(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def feed_xml(episode: Episode, base_url: str, tracks: Sequence[TrackEpisode] = ()) -> str:
    """The RSS feed of one language: channel metadata and the full guide as its episode, or
    with `tracks`, one episode per track instead (a serial show, in the guide's order)."""
    # ~15 ms, loaded only to write a feed.
    from feedgen.ext.base import BaseEntryExtension, BaseExtension  # noqa: PLC0415
    from feedgen.feed import FeedGenerator  # noqa: PLC0415 - ~15 ms, loaded only to write a feed
    from lxml import etree  # noqa: PLC0415 - ~15 ms, loaded only to write a feed

    base = base_url.rstrip("/")

    def url(relative: str) -> str:
        return f"{base}/{relative}"

    class Podcast2(BaseExtension):
        def extend_ns(self) -> dict:
            return {"podcast": PODCAST_NS, "psc": PSC_NS}

        def extend_rss(self, feed):  # feed: an lxml element, returned
            channel = feed[0]
            etree.SubElement(channel, f"{{{ITUNES_NS}}}explicit").text = "false"
            etree.SubElement(channel, f"{{{PODCAST_NS}}}locked").text = "no"
            if episode.feed_file:
                etree.SubElement(channel, f"{{{PODCAST_NS}}}guid").text = podcast_guid(url(episode.feed_file))
            return feed

    class Podcast2Entry(BaseEntryExtension):
        def __init__(self) -> None:
            self.source: Episode | TrackEpisode = episode

        def extend_rss(self, item):  # item: an lxml element, returned
            source = self.source
            if isinstance(source, Episode):
                chapters = etree.SubElement(item, f"{{{PODCAST_NS}}}chapters")
                chapters.set("url", url(source.chapters_file))
                chapters.set("type", "application/json+chapters")
                if source.chapters:
                    inline = etree.SubElement(item, f"{{{PSC_NS}}}chapters")
                    inline.set("version", "1.2")
                    for chapter in source.chapters:
                        mark = etree.SubElement(inline, f"{{{PSC_NS}}}chapter")
                        mark.set("start", _timestamp(chapter.start))
                        mark.set("title", chapter.title)
            for relative, mime in ((source.vtt_file, "text/vtt"), (source.srt_file, "application/x-subrip")):
                transcript = etree.SubElement(item, f"{{{PODCAST_NS}}}transcript")
                transcript.set("url", url(relative))
                transcript.set("type", mime)
                transcript.set("language", episode.lang)
                transcript.set("rel", "captions")
            etree.SubElement(item, f"{{{ITUNES_NS}}}explicit").text = "false"
            return item

    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.register_extension("podcast2", Podcast2, Podcast2Entry, atom=False, rss=True)
    feed.title(episode.title)
    feed.description(episode.description)
    if episode.feed_file:  # the feed's own address (<atom:link rel="self">), as the RSS Advisory Board recommends
        feed.link(href=url(episode.feed_file), rel="self", type="application/rss+xml")
    feed.link(href=url(""), rel="alternate")  # after the self link: feedgen makes the last link the RSS <link>
    feed.language(episode.lang)
    feed.generator("guide")
    feed.podcast.itunes_category(episode.category)
    feed.podcast.itunes_type("serial" if tracks else "episodic")
    feed.podcast.itunes_summary(episode.description)
    if episode.author:
        feed.podcast.itunes_author(episode.author)
        feed.author({"name": episode.author})
    if episode.owner:
        feed.podcast.itunes_owner(name=episode.owner[0], email=episode.owner[1])
        if not episode.author:  # Apple shows itunes:author under the show's name: the owner, then
            feed.podcast.itunes_author(episode.owner[0])
    if episode.cover_file:
        feed.podcast.itunes_image(url(episode.cover_file))
        feed.image(url=url(episode.cover_file), title=episode.title, link=url(""))
    feed.lastBuildDate(max([episode.published, *(t.published for t in tracks)]))

    # feedgen lists entries newest first (each added at the top): the last track is added first.
    for source in reversed(tracks) if tracks else [episode]:
        entry = feed.add_entry()
        entry.podcast2.source = source
        guid = f"urn:guide:{source.file}:{source.sha256[:16]}"  # new audio, new guid: apps fetch it again
        entry.id(guid)
        entry.guid(guid, permalink=False)
        entry.title(source.title)
        if isinstance(source, TrackEpisode):
            text = source.text if len(source.text) <= DESCRIPTION_MAX else source.text[: DESCRIPTION_MAX - 1] + "…"
            entry.description(text or source.title)
            entry.podcast.itunes_episode(source.number)
            entry.podcast.itunes_episode_type("full")
        else:
            entry.description(source.description)
        entry.enclosure(url(source.file), str(source.bytes), "audio/mpeg")
        entry.published(source.published)
        entry.podcast.itunes_duration(_duration(source.duration))
    return feed.rss_str(pretty=True).decode("utf-8")


def now() -> datetime:
    """The time stamp of a newly encoded track or full guide (:func:`guide.dates.build_time`)."""
    return build_time()
