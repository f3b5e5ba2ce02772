"""The podcast feed, read by the parsers podcast apps are built on (feedparser; gPodder's podcastparser),
and checked against the rules of the directories it is written for.

Rules checked (Apple Podcasts' "Podcast RSS feed requirements" and the Podcasting 2.0 namespace):
- channel: <title>, <description>, <language>, <link>, <itunes:image> (an absolute URL),
  <itunes:category> (one of Apple's), <itunes:explicit> ("true"/"false"), <itunes:author>,
  <itunes:owner> with <itunes:email> (Apple verifies the show with it), <itunes:type>;
- item: <title>, <enclosure> with url, length in bytes and an audio type, <guid>, <pubDate>,
  <itunes:duration>: without any of them Apple refuses the episode;
- Podcasting 2.0: <podcast:guid> is the UUIDv5 of the feed URL (scheme and trailing slashes
  removed) in the namespace ead4c236-…; <podcast:locked>; <podcast:chapters> with
  type application/json+chapters; <podcast:transcript> with its type and language;
- Podlove Simple Chapters (<psc:chapters version="1.2">, start as HH:MM:SS.mmm): the chapters inside
  the feed, for the apps that read no JSON chapters (gPodder's podcastparser, AntennaPod).
- a per-track feed (``publish: {feed: per-track}``): <itunes:type> serial, each item with its own
  <itunes:episode> number (Apple orders a serial show by it), guid and enclosure, a description
  of at most 4,000 characters (what Apple shows), and its own transcripts.
Image size and squareness are a property of the file, checked where the cover is made.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import feedparser
import podcastparser
import pytest
from lxml import etree

from guide.publish.feed import DESCRIPTION_MAX, Chapter, Episode, TrackEpisode, feed_xml, podcast_guid

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0"}
BASE = "https://clinic.example/guides/botox"


CHAPTERS = {
    "en": (
        Chapter("Introduction", 0.0, 31.227),
        Chapter("How long can I safely use Botox?", 31.227, 3725.5),
        Chapter("Conclusion", 3725.5, 3760.0),
    ),
    "ar": (
        Chapter("المقدمة", 0.0, 47.528),
        Chapter("إلى متى يمكنني استخدام البوتوكس بأمان؟", 47.528, 3725.5),
        Chapter("الخاتمة", 3725.5, 3760.0),
    ),
}


def episode(lang: str = "en", **changes) -> Episode:
    fields = {
        "lang": lang,
        "title": {"en": "Botox", "ar": "البوتوكس"}[lang],
        "description": "A guide for patients.",
        "author": "Example Clinic",
        "file": f"{lang}/botox.{lang}.mp3",
        "bytes": 123456,
        "duration": 754.3,
        "sha256": "ab" * 32,
        "published": datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        "chapters_file": f"{lang}/botox.{lang}.chapters.json",
        "vtt_file": f"{lang}/botox.{lang}.vtt",
        "srt_file": f"{lang}/botox.{lang}.srt",
        "cover_file": f"{lang}/cover.jpg",
        "category": "Health & Fitness",
        "owner": ("Example Clinic", "podcast@clinic.example"),
        "feed_file": f"{lang}/feed.xml",
        "chapters": CHAPTERS[lang],
    }
    return Episode(**{**fields, **changes})


@pytest.mark.parametrize(
    "url, guid",
    [
        (
            "https://mp3s.nashownotes.com/pc20rss.xml",
            "917393e3-1b1e-5cef-ace4-edaa54e1f810",
        ),  # the namespace's own example
        (
            "http://mp3s.nashownotes.com/pc20rss.xml/",
            "917393e3-1b1e-5cef-ace4-edaa54e1f810",
        ),  # scheme and trailing slash go
    ],
)
def test_podcast_guid_is_the_namespaces_uuid5_of_the_feed_url(url, guid):
    assert podcast_guid(url) == guid


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_rule_the_directories_check(lang):
    text = feed_xml(episode(lang), BASE)
    channel = etree.fromstring(text.encode("utf-8")).find("channel")
    for tag in ("title", "description", "language", "link"):
        assert (channel.findtext(tag) or "").strip(), tag
    assert channel.findtext("language") == lang
    assert channel.find("itunes:image", NS).get("href") == f"{BASE}/{lang}/cover.jpg"
    assert channel.find("image/url").text == f"{BASE}/{lang}/cover.jpg"
    assert channel.find("itunes:category", NS).get("text") == "Health & Fitness"
    assert channel.findtext("itunes:explicit", namespaces=NS) in ("true", "false")
    assert channel.findtext("itunes:author", namespaces=NS) == "Example Clinic"
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == "podcast@clinic.example"
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS) == "Example Clinic"
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(f"{BASE}/{lang}/feed.xml")
    assert channel.findtext("podcast:locked", namespaces=NS) == "no"
    (item,) = channel.findall("item")
    assert item.findtext("title") and item.findtext("guid") and item.findtext("pubDate")
    enclosure = item.find("enclosure")
    assert (enclosure.get("url"), enclosure.get("length"), enclosure.get("type")) == (
        f"{BASE}/{lang}/botox.{lang}.mp3",
        "123456",
        "audio/mpeg",
    )
    assert item.findtext("itunes:duration", namespaces=NS) == "00:12:34"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_feedparser_reads_everything(lang):
    parsed = feedparser.parse(feed_xml(episode(lang), BASE))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.language == lang and parsed.feed.title == episode(lang).title
    assert parsed.feed.image.href == f"{BASE}/{lang}/cover.jpg"
    assert parsed.feed.publisher_detail.email == "podcast@clinic.example"
    (entry,) = parsed.entries
    assert entry.enclosures[0].href == f"{BASE}/{lang}/botox.{lang}.mp3" and entry.enclosures[0].length == "123456"
    assert entry.itunes_duration == "00:12:34"
    assert entry.published_parsed[:5] == (2026, 12, 1, 9, 30)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_podcastparser_reads_everything(lang):
    parsed = podcastparser.parse(f"{BASE}/{lang}/feed.xml", io.BytesIO(feed_xml(episode(lang), BASE).encode("utf-8")))
    assert parsed["title"] == episode(lang).title and parsed["cover_url"] == f"{BASE}/{lang}/cover.jpg"
    (item,) = parsed["episodes"]
    assert (
        item["enclosures"][0]["url"] == f"{BASE}/{lang}/botox.{lang}.mp3"
        and item["enclosures"][0]["file_size"] == 123456
    )
    assert item["total_time"] == 754  # seconds, from itunes:duration
    assert item["guid"] and item["published"] == int(datetime(2026, 12, 1, 9, 30, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("tracked", [False, True], ids=["one-episode", "per-track"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_feed_names_itself_with_an_atom_self_link(lang, tracked):
    """<atom:link rel="self"> holds the feed's own address (what validators ask of a feed that declares the Atom
    namespace), while the RSS <link> stays the guide's page; feedparser reads both."""
    text = feed_xml(episode(lang), BASE, tracks(lang) if tracked else ())
    channel = etree.fromstring(text.encode("utf-8")).find("channel")
    (self_link,) = [a for a in channel.findall("{http://www.w3.org/2005/Atom}link") if a.get("rel") == "self"]
    assert (self_link.get("href"), self_link.get("type")) == (f"{BASE}/{lang}/feed.xml", "application/rss+xml")
    assert channel.findtext("link") == f"{BASE}/"
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [(link.rel, link.href) for link in parsed.feed.links if link.rel == "self"] == [
        ("self", f"{BASE}/{lang}/feed.xml")
    ]
    assert parsed.feed.link == f"{BASE}/"


@pytest.mark.parametrize(("seconds", "shown"), [(754.3, "00:12:34"), (754.7, "00:12:34"), (3600.999, "01:00:00")])
def test_itunes_duration_cuts_to_the_whole_second_as_every_length_guide_shows(seconds, shown):
    """itunes:duration follows guide's one rule (the browser control's): whole seconds cut, never rounded up."""
    item = etree.fromstring(feed_xml(episode(duration=seconds), BASE).encode("utf-8")).find("channel/item")
    assert item.findtext("itunes:duration", namespaces=NS) == shown
    (entry,) = podcastparser.parse(
        f"{BASE}/en/feed.xml", io.BytesIO(feed_xml(episode(duration=seconds), BASE).encode())
    )["episodes"]
    assert entry["total_time"] == int(seconds)


def test_the_same_audio_gives_the_same_guid_and_date_and_new_audio_new_ones():
    def guid_and_date(ep: Episode) -> tuple[str, str]:
        item = etree.fromstring(feed_xml(ep, BASE).encode("utf-8")).find("channel/item")
        return item.findtext("guid"), item.findtext("pubDate")

    same = guid_and_date(episode())
    assert guid_and_date(episode()) == same
    changed = guid_and_date(episode(sha256="cd" * 32, published=datetime(2026, 12, 2, 8, 0, tzinfo=UTC)))
    assert changed[0] != same[0] and changed[1] != same[1]


def test_without_an_owner_there_is_no_empty_owner():
    channel = etree.fromstring(feed_xml(episode(owner=None, author=None), BASE).encode("utf-8")).find("channel")
    assert channel.find("itunes:owner", NS) is None


def tracks(lang: str = "en", count: int = 3) -> list[TrackEpisode]:
    return [
        TrackEpisode(
            number=n,
            title=f"Question {n}",
            text=f"Answer {n}. " * (700 if n == 2 else 3),
            file=f"{lang}/0{n}-q{n}.mp3",
            bytes=1000 * n,
            duration=60.0 * n,
            sha256=f"{n:02d}" * 32,
            published=datetime(2026, 12, n, 9, 0, tzinfo=UTC),
            vtt_file=f"{lang}/0{n}-q{n}.vtt",
            srt_file=f"{lang}/0{n}-q{n}.srt",
        )
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_per_track_feed_is_a_serial_show_of_one_episode_per_track(lang):
    text = feed_xml(episode(lang), BASE, tracks(lang))
    channel = etree.fromstring(text.encode("utf-8")).find("channel")
    assert channel.findtext("itunes:type", namespaces=NS) == "serial"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Question 1", "Question 2", "Question 3"]
    assert [i.findtext("itunes:episode", namespaces=NS) for i in items] == ["1", "2", "3"]
    assert len({i.findtext("guid") for i in items}) == 3
    assert [i.find("enclosure").get("url") for i in items] == [f"{BASE}/{lang}/0{n}-q{n}.mp3" for n in (1, 2, 3)]
    assert all(len(i.findtext("description")) <= DESCRIPTION_MAX for i in items)
    assert items[1].findtext("description").endswith("…")
    assert [i.find("podcast:transcript", NS).get("url") for i in items] == [
        f"{BASE}/{lang}/0{n}-q{n}.vtt" for n in (1, 2, 3)
    ]
    assert all(i.find("podcast:chapters", NS) is None for i in items)  # a track has no chapters
    assert channel.findtext("lastBuildDate") == "Thu, 03 Dec 2026 09:00:00 +0000"  # the newest of them

    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.itunes_episode for e in parsed.entries] == ["1", "2", "3"]
    pod = podcastparser.parse(f"{BASE}/{lang}/feed.xml", io.BytesIO(text.encode("utf-8")))
    assert sorted(e["number"] for e in pod["episodes"]) == [1, 2, 3]
    assert sorted(e["enclosures"][0]["file_size"] for e in pod["episodes"]) == [1000, 2000, 3000]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_chapters_are_in_the_feed_for_apps_that_read_no_json(lang):
    text = feed_xml(episode(lang), BASE)
    marks = etree.fromstring(text.encode("utf-8")).findall(
        "channel/item/{http://podlove.org/simple-chapters}chapters/*"
    )
    assert [(m.get("start"), m.get("title")) for m in marks] == [
        ("00:00:00.000", CHAPTERS[lang][0].title),
        (f"00:00:{CHAPTERS[lang][1].start:06.3f}", CHAPTERS[lang][1].title),
        ("01:02:05.500", CHAPTERS[lang][2].title),
    ]
    (item,) = podcastparser.parse(f"{BASE}/{lang}/feed.xml", io.BytesIO(text.encode("utf-8")))["episodes"]
    assert [(c["start"], c["title"]) for c in item["chapters"]] == [
        (0, CHAPTERS[lang][0].title),
        (int(CHAPTERS[lang][1].start), CHAPTERS[lang][1].title),
        (3725, CHAPTERS[lang][2].title),
    ]
