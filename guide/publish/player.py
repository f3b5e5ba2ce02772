"""The bilingual web player: one static ``index.html`` that works from ``file://`` and any
static server, with no network: everything (data, style, script) is inside the page."""

from __future__ import annotations

import json
from importlib.resources import files

from ..plural import counted
from .transcripts import is_rtl

UI = {
    "en": {
        "name": "English",
        "tracks": "Tracks",
        "chapters": "Chapters",
        "transcript": "Transcript",
        "full": "Full guide",
        "language": "Language",
        "pick": "Tap your language",
        "home": "Languages",
        "topics": "Topics",
        "play": "Play",
        "pause": "Pause",
        "player": "Player",
        "backup": "Part spoken by a backup voice",
    },
    "ar": {
        "name": "العربية",
        "tracks": "المقاطع",
        "chapters": "الفصول",
        "transcript": "النص المكتوب",
        "full": "الدليل كاملا",
        "language": "اللغة",
        "pick": "اختر لغتك",
        "home": "اللغات",
        "topics": "المواضيع",
        "play": "تشغيل",
        "pause": "إيقاف مؤقت",
        "player": "المشغل",
        "backup": "بعضه بصوت احتياطي",
    },
}


ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def fallback_note(lang: str, fallen: int, sentences: int) -> str:
    """In the listener's language, that `fallen` of a track's `sentences` were spoken by a backup voice (the
    script's fallback, because its own voice could not be used); Arabic with Arabic-Indic digits, worded so the
    noun need not agree with the number."""
    if lang.split("-")[0] == "ar":
        counts = f"{fallen} من {sentences}".translate(ARABIC_DIGITS)
        return f"جمل بصوت احتياطي لأن الصوت المختار لم يكن متاحا: {counts}"
    return (
        f"{fallen} of {counted(sentences, 'sentence')} spoken by a backup voice, because the chosen voice "
        "could not be used"
    )


def player_html(languages: list[dict]) -> str:
    """The page for `languages`: each ``{"lang", "title", "tracks": [...], "full": {...}}`` where a track or
    the full guide is ``{"id", "title", "file", "duration", "cues": [[start, end, text, track], ...]}`` and the
    full guide (id ``full``) also has ``"chapters": [{"title", "start"}]``. Files are relative to the page.
    A track or full guide may say ``"sentences"`` and ``"fallback_sentences"`` (how many a fallback voice
    spoke): the page then says so, in words, on the track's button and while it is chosen.

    The page opens at the language and track its address names: ``index.html#ar``, ``index.html#ar/how-long``,
    where one large play/pause button, with the track's title and time, plays it."""
    return _page("player.html", languages)


def kiosk_html(languages: list[dict]) -> str:
    """The waiting-room kiosk page (``kiosk.html``) for the same `languages` as :func:`player_html`:
    a language picker as the home screen, the tracks as big tiles, the line being spoken shown
    large, the screen kept awake while playing, and back home after ``kiosk.html?idle=SECONDS``
    (default 90) without a touch while nothing plays. Pinch zoom works, as on any page; ``kiosk.html?lock=1``
    locks it, for a tablet fixed to the wall."""
    return _page("kiosk.html", languages)


def _noted(lang: str, item: dict) -> dict:
    """`item` (a track or full guide) with its backup-voice note, when a fallback voice spoke any of it."""
    fallen = int(item.get("fallback_sentences") or 0)
    if not fallen:
        return item
    return {**item, "note": fallback_note(lang, fallen, int(item.get("sentences") or fallen))}


def _page(template_name: str, languages: list[dict]) -> str:
    data = {
        "languages": [
            {
                **lang,
                "tracks": [_noted(lang["lang"], t) for t in lang["tracks"]],
                "full": _noted(lang["lang"], lang["full"]),
                "dir": "rtl" if is_rtl(lang["lang"]) else "ltr",
                "name": _ui(lang["lang"])["name"],
                "ui": _ui(lang["lang"]),
            }
            for lang in languages
        ]
    }
    first = data["languages"][0]
    # "</" cannot appear inside the JSON script element, or the page's parser would end it there.
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    template = files("guide.publish").joinpath(template_name).read_text(encoding="utf-8")
    return (
        template.replace("__LANG__", first["lang"])
        .replace("__DIR__", first["dir"])
        .replace("__TITLE__", _escape(first["title"]))
        .replace("__LANGUAGE_LABEL__", _escape(first["ui"]["language"]))
        .replace("__PLAYER_LABEL__", _escape(first["ui"]["player"]))
        .replace("__DATA__", payload)
    )


def _ui(lang: str) -> dict:
    return UI.get(lang.split("-")[0], {**UI["en"], "name": lang})


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
