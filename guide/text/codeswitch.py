"""Code switching: cut runs written in another script out of a text, for the voice of their language.

"Botox Injections(حقن البوتوكس) provides…" in English becomes an English run,
an Arabic run and an English run. Only letters decide: digits, spaces and
punctuation belong to the text's own language, so numbers are read in the
language of the sentence around them.
"""

from __future__ import annotations

import re

# Letters (with their combining marks and the tatweel) of the Arabic script blocks.
_ARABIC_LETTER = (
    "\u0621-\u064a\u0656-\u065f\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
)
_ARABIC_MARKS = "\u0610-\u061a\u064b-\u0655\u0670\u06d6-\u06ed\u0640"
_LATIN_LETTER = "A-Za-z\u00c0-\u024f"

SCRIPT_LANGUAGES = {"arabic": "ar", "latin": "en"}
"""The language a run in each script is spoken in, when the script does not say (``[lang xx]``)."""

_ARABIC_SCRIPT_LANGS = frozenset({"ar", "fa", "ur", "ps", "ku", "sd", "ug"})

# A run: words of the other script, joined by spaces or light punctuation (not by the text's own letters).
_JOIN = r"[\s\u200c\u200d\u200e\u200f\-–—'’.,،]*"
_RUNS = {
    "arabic": re.compile(
        rf"[{_ARABIC_LETTER}][{_ARABIC_LETTER}{_ARABIC_MARKS}]*"
        rf"(?:{_JOIN}[{_ARABIC_LETTER}][{_ARABIC_LETTER}{_ARABIC_MARKS}]*)*"
    ),
    "latin": re.compile(
        rf"[{_LATIN_LETTER}](?:[{_LATIN_LETTER}'’.\-]*[{_LATIN_LETTER}])?"
        rf"(?:{_JOIN}[{_LATIN_LETTER}](?:[{_LATIN_LETTER}'’.\-]*[{_LATIN_LETTER}])?)*"
    ),
}


def script_of(lang: str) -> str:
    """The writing system a language is written in here: ``arabic`` or ``latin``."""
    return "arabic" if lang.split("-")[0] in _ARABIC_SCRIPT_LANGS else "latin"


def foreign_runs(text: str, lang: str) -> list[tuple[str, str]]:
    """`text` as (language, text) runs: the other script's runs get its language, the rest `lang`.

    >>> foreign_runs("Botox Injections(حقن البوتوكس) provides", "en")
    [('en', 'Botox Injections('), ('ar', 'حقن البوتوكس'), ('en', ') provides')]
    """
    other = "latin" if script_of(lang) == "arabic" else "arabic"
    other_lang = SCRIPT_LANGUAGES[other]
    runs: list[tuple[str, str]] = []
    at = 0
    for match in _RUNS[other].finditer(text):
        if match.start() > at:
            runs.append((lang, text[at : match.start()]))
        runs.append((other_lang, match.group(0)))
        at = match.end()
    if at < len(text):
        runs.append((lang, text[at:]))
    return runs


def has_foreign(text: str, lang: str) -> str | None:
    """The language of the first run in another script in `text`, or None."""
    other = "latin" if script_of(lang) == "arabic" else "arabic"
    return SCRIPT_LANGUAGES[other] if _RUNS[other].search(text) else None
