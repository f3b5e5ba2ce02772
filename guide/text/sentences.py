"""Sentence splitting per language: small pure functions, no engine involved.

Each sentence becomes one engine call, so per-sentence timings are exact and a
long paragraph never reaches an engine (or gTTS's 100-character limit) whole.
"""

from __future__ import annotations

import re

# Sentence-final marks: Latin . ! ?, the ellipsis, Arabic question mark ؟ (U+061F),
# Arabic full stop ۔ (U+06D4). Arabic ؛ (U+061B) is a strong clause break that
# listeners hear as a sentence end, so Arabic text also splits there.
_FINAL = {
    "default": ".!?…؟۔",
    "ar": ".!?…؟۔؛",
}
# Closing quotes/brackets that belong to the sentence before the break.
_CLOSERS = "\"'”’»)]"

# Abbreviations whose period does not end a sentence.
_ABBREVIATIONS = {
    "en": {
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "approx",
        "no",
        "fig",
        "jr",
        "sr",
        "inc",
        "ltd",
        "mt",
    },
}

_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"


def split_sentences(text: str, lang: str) -> list[str]:
    """Split `text` into sentences for language `lang`; whitespace is normalised.

    >>> split_sentences("Hi there. How are you? Fine", "en")
    ['Hi there.', 'How are you?', 'Fine']
    >>> split_sentences("ما هذا؟ إنه اختبار.", "ar")
    ['ما هذا؟', 'إنه اختبار.']
    """
    text = " ".join(text.split())
    if not text:
        return []
    base = lang.split("-")[0].lower()
    finals = re.escape(_FINAL.get(base, _FINAL["default"]))
    abbreviations = _ABBREVIATIONS.get(base, set())
    # A break is a run of final marks (plus closers) followed by a space.
    pattern = re.compile(rf"[{finals}]+[{re.escape(_CLOSERS)}]*(?=\s)")
    sentences: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        end = match.end()
        if _is_false_break(text, match.start(), match.group(), abbreviations):
            continue
        sentences.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def _is_false_break(text: str, at: int, mark: str, abbreviations: set[str]) -> bool:
    """True when a '.' is part of an abbreviation or an initial, not a sentence end."""
    if mark != ".":
        return False
    word = re.search(r"(\S+)$", text[:at])
    if not word:
        return False
    token = word.group(1).lower().lstrip("(\"'“‘")
    return token in abbreviations


def is_silent(text: str) -> bool:
    """True when `text` has nothing an engine could pronounce (only punctuation or symbols)."""
    return not re.search(rf"[\w{_DIGITS}]", text)
