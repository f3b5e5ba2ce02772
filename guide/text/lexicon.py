"""The pronunciation lexicon: whole-word replacements applied to spoken text only.

A key written all in lowercase matches the word in any case ("botox" matches
"Botox" and "BOTOX"); a key with a capital matches that spelling exactly, so
"US" (the country) can differ from "us". Longer keys win over shorter ones, so
multi-word entries ("Botox Cosmetic") take precedence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

Lexicon = Mapping[str, Mapping[str, str]]
"""Language code -> written word -> what the voice should say."""


def entries_for(lexicon: Lexicon, lang: str) -> tuple[tuple[str, str], ...]:
    """The entries that apply to `lang` (``en-GB`` also uses ``en``'s), as a hashable tuple."""
    base = lang.split("-")[0]
    merged = {**lexicon.get(base, {}), **lexicon.get(lang, {})}
    return tuple(sorted(merged.items()))


@lru_cache(maxsize=64)
def _compiled(entries: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str], dict[str, str]]:
    exact = {k: v for k, v in entries if k != k.lower()}
    folded = {k: v for k, v in entries if k == k.lower()}
    words = sorted([*exact, *folded], key=len, reverse=True)
    # Exact keys first at equal length; (?i:...) makes only the folded alternatives case-blind.
    alternatives = [re.escape(w) if w in exact else f"(?i:{re.escape(w)})" for w in words]
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")
    return pattern, exact, folded


def apply_lexicon(text: str, entries: tuple[tuple[str, str], ...]) -> str:
    """`text` with every whole-word occurrence of a lexicon key replaced by its spoken form."""
    if not entries or not text:
        return text
    pattern, exact, folded = _compiled(entries)

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        return exact.get(word) or folded.get(word.lower(), word)

    return pattern.sub(replace, text)


def matches(text: str, entries: tuple[tuple[str, str], ...]) -> Iterator[tuple[str, str, int, int]]:
    """Every whole-word occurrence of a lexicon key in `text`, as :func:`apply_lexicon` finds them:
    (the key as written in the lexicon, its spoken form, start, end)."""
    if not entries or not text:
        return
    pattern, exact, folded = _compiled(entries)
    for match in pattern.finditer(text):
        word = match.group(0)
        if word in exact:
            yield word, exact[word], match.start(), match.end()
        elif word.lower() in folded:
            yield word.lower(), folded[word.lower()], match.start(), match.end()
