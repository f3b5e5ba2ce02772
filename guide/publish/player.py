"""The bilingual web player: one static ``index.html`` that works from ``file://`` and any
static server, with no network: everything (data, style, script) is inside the page."""

from __future__ import annotations

import json
from importlib.resources import files

from .transcripts import is_rtl

UI = {
    "en": {"name": "English", "tracks": "Tracks", "chapters": "Chapters", "transcript": "Transcript", "full": "Full guide", "language": "Language"},
    "ar": {"name": "العربية", "tracks": "المقاطع", "chapters": "الفصول", "transcript": "النص المكتوب", "full": "الدليل كاملا", "language": "اللغة"},
}


def player_html(languages: list[dict]) -> str:
    """The page for `languages`: each ``{"lang", "title", "tracks": [...], "full": {...}}`` where a track or
    the full guide is ``{"id", "title", "file", "duration", "cues": [[start, end, text, track], ...]}`` and the
    full guide (id ``full``) also has ``"chapters": [{"title", "start"}]``. Files are relative to the page.

    The page opens at the language and track its address names: ``index.html#ar``, ``index.html#ar/how-long``."""
    data = {
        "languages": [
            {**lang, "dir": "rtl" if is_rtl(lang["lang"]) else "ltr", "name": _ui(lang["lang"])["name"], "ui": _ui(lang["lang"])}
            for lang in languages
        ]
    }
    first = data["languages"][0]
    # "</" cannot appear inside the JSON script element, or the page's parser would end it there.
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    template = files("guide.publish").joinpath("player.html").read_text(encoding="utf-8")
    return (
        template.replace("__LANG__", first["lang"])
        .replace("__DIR__", first["dir"])
        .replace("__TITLE__", _escape(first["title"]))
        .replace("__LANGUAGE_LABEL__", _escape(first["ui"]["language"]))
        .replace("__DATA__", payload)
    )


def _ui(lang: str) -> dict:
    return UI.get(lang.split("-")[0], {**UI["en"], "name": lang})


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
