"""Everything published around the MP3s, made from the manifest alone: transcripts,
playlists, JSON chapters, podcast feeds, the cover, the web player and its kiosk page.

Each file is rewritten only when its content changes, so a build with nothing
new leaves the folder untouched. Every file is written inside the guide folder and
through no symbolic link (:func:`guide.safe_files.safe_child`): a link planted in
place of a companion is replaced by the file, whatever it points to.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from functools import partial
from pathlib import Path

from ..audio.assemble import Cue
from ..manifest import LanguageEntry, Manifest, TrackEntry
from ..safe_files import atomic_path, read_own, safe_child
from ..script.model import Script
from . import feed as feeds
from .cover import Covers
from .player import kiosk_html, player_html
from .transcripts import plain, srt, vtt


def _put_bytes(folder: Path, relative: str, data: bytes, written: list[str], made: list[str] | None) -> None:
    if made is not None:
        made.append(relative)
    target = safe_child(folder, relative)
    if read_own(target) == data:
        return
    with atomic_path(target, root=folder) as tmp:
        tmp.write_bytes(data)
    written.append(relative)


def _put(folder: Path, relative: str, text: str, written: list[str], made: list[str] | None = None) -> None:
    _put_bytes(folder, relative, text.encode("utf-8"), written, made)


def transcript_files(mp3: str) -> list[str]:
    """The SRT and VTT files published beside an MP3 (relative paths)."""
    stem = mp3[: -len(".mp3")]
    return [f"{stem}.srt", f"{stem}.vtt"]


def companion_kind(relative: str) -> str:
    """What a companion file is, as the manifest's inventory says (:data:`guide.manifest.FILE_KINDS`)."""
    name = relative.rsplit("/", 1)[-1]
    if name.endswith((".srt", ".vtt")):
        return "subtitles"
    if name.endswith(".chapters.json"):
        return "chapters"
    if name.endswith(".txt"):
        return "transcript"
    if name.endswith(".m3u8"):
        return "playlist"
    if name.endswith(".xml"):
        return "feed"
    if name.endswith(".html"):
        return "page"
    return "cover"


def write_companions(
    folder: Path,
    script: Script,
    manifest: Manifest,
    base_url: str | None,
    made: list[str] | None = None,
    covers: Covers | None = None,
) -> list[str]:
    """Write every companion file the script asks for; returns those written (relative paths).

    `made`, when given, is extended with every companion file, written or already as it should be.
    `covers` are the script's covers (the builder's, so each is drawn once per build)."""
    written: list[str] = []
    put = partial(_put, made=made)
    publish = script.publish
    covers = covers or Covers(script)
    languages = {lang: (entry, entry.full_guide) for lang, entry in manifest.languages.items() if entry.full_guide}

    for lang, (entry, full) in languages.items():
        cover = covers.name(lang)
        if publish.feed or publish.player:  # (it is in every MP3 anyway)
            _put_bytes(folder, cover, covers.data(lang), written, made)
            # A PNG cover in place of a JPEG one, or the other way: the other is not left behind.
            other = cover[: -len("png")] + ("jpg" if cover.endswith(".png") else "png")
            safe_child(folder, other).unlink(missing_ok=True)
        if publish.transcripts:
            for item in entry.entries():
                cues = [Cue(s.text, s.start, s.end) for s in item.sentences]
                srt_file, vtt_file = transcript_files(item.file)
                put(folder, srt_file, srt(cues, lang), written)
                put(folder, vtt_file, vtt(cues, lang), written)
            sections = [(t.title, [s.text for s in t.sentences]) for t in entry.tracks]
            put(folder, f"{lang}/{script.id}.{lang}.txt", plain(script.title[lang], sections), written)
        if publish.playlists:
            rows = [(Path(t.file).name, t.duration, t.title) for t in entry.tracks]
            put(folder, f"{lang}/playlist.m3u8", feeds.playlist(rows), written)
        chapters_file = f"{lang}/{script.id}.{lang}.chapters.json"
        chapters = [feeds.Chapter(c.title, c.start, c.end) for c in full.chapters or ()]
        if publish.chapters:
            put(folder, chapters_file, feeds.chapters_json(chapters, script.title[lang]), written)
        if publish.feed and base_url and publish.chapters and publish.transcripts:
            srt_file, vtt_file = transcript_files(full.file)
            episode = feeds.Episode(
                lang=lang,
                title=script.title[lang],
                description=script.description[lang] if script.description else script.title[lang],
                author=script.author,
                file=full.file,
                bytes=full.bytes,
                duration=full.duration,
                sha256=full.sha256 or "",
                published=datetime.fromisoformat(full.published or ""),
                chapters_file=chapters_file,
                vtt_file=vtt_file,
                srt_file=srt_file,
                cover_file=cover,
                category=script.category,
                owner=(script.owner.name, script.owner.email) if script.owner else None,
                feed_file=f"{lang}/feed.xml",
                chapters=tuple(chapters),
            )
            tracks = _track_episodes(entry, episode.published) if publish.feed == "per-track" else ()
            put(folder, f"{lang}/feed.xml", feeds.feed_xml(episode, base_url, tracks), written)

    if publish.player and languages:
        pages = [
            _player_language(lang, entry, full, script, covers.name(lang)) for lang, (entry, full) in languages.items()
        ]
        put(folder, "index.html", player_html(pages), written)
        put(folder, "kiosk.html", kiosk_html(pages), written)
    return written


EPISODE_KINDS = ("section", "faq")
"""The tracks a per-track feed makes episodes of: each chapter and FAQ answer (not the welcome and goodbye)."""


def _track_episodes(entry: LanguageEntry, fallback: datetime) -> list[feeds.TrackEpisode]:
    """The episodes of a per-track feed, in the guide's order; a track from before tracks had a
    publication time gets the full guide's."""
    chosen = [t for t in entry.tracks if t.kind in EPISODE_KINDS]
    episodes = []
    for n, t in enumerate(chosen, start=1):
        srt_file, vtt_file = transcript_files(t.file)
        episodes.append(
            feeds.TrackEpisode(
                number=n,
                title=t.title,
                text=" ".join(s.text for s in t.sentences),
                file=t.file,
                bytes=t.bytes,
                duration=t.duration,
                sha256=t.sha256 or "",
                published=datetime.fromisoformat(t.published) if t.published else fallback,
                vtt_file=vtt_file,
                srt_file=srt_file,
            )
        )
    return episodes


def _player_language(lang: str, entry: LanguageEntry, full_guide: TrackEntry, script: Script, cover: str) -> dict:
    def item(data: TrackEntry, track: int | None = None) -> dict:
        return {
            "id": data.id,
            "title": data.title,
            "file": data.file,
            "duration": data.duration,
            "cues": [[s.start, s.end, s.text, track] for s in data.sentences],
            # The player says, in words, when a backup (fallback) voice spoke some of it.
            "sentences": len(data.sentences),
            "fallback_sentences": sum(1 for s in data.sentences if any(t.planned for t in s.takes)),
        }

    full = item(full_guide)
    full["id"] = "full"
    full["title"] = script.title[lang]
    full["chapters"] = [{"title": c.title, "start": c.start} for c in full_guide.chapters or ()]
    # In the full guide's transcript, one paragraph per chapter.
    starts = sorted(c["start"] for c in full["chapters"])
    for cue in full["cues"]:
        cue[3] = bisect.bisect_right(starts, cue[0] + 1e-6) - 1
    return {
        "lang": lang,
        "title": script.title[lang],
        "cover": cover,
        "tracks": [item(t, i) for i, t in enumerate(entry.tracks)],
        "full": full,
    }
