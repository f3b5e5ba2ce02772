"""SSML for the cloud engines: script text always arrives as text, never as markup.

Every text is escaped (``&``, ``<``, ``>``, both quotes) and stripped of the characters
XML 1.0 cannot hold, so ``<script>``, ``]]>`` or a stray ``&`` in a script is spoken (or
dropped) and the document stays well-formed. Pauses are not sent as ``<break>``: the
assembler inserts every ``[pause]`` as exact silence between takes, the same for every
engine, so changing a pause records nothing again (and buys nothing again).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 forbids (C0 controls but tab, newline, return; lone surrogates; U+FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

SSML_NS = "http://www.w3.org/2001/10/synthesis"


def text(value: str) -> str:
    """`value` as SSML character data: escaped, and without characters XML cannot carry."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;", "'": "&apos;"})


def attr(value: str) -> str:
    """`value` as a quoted SSML attribute."""
    return quoteattr(_NOT_XML.sub("", value))


def with_phonemes(sentence: str, phonemes: Iterable[tuple[str, str]], alphabet: str = "ipa") -> str:
    """`sentence` as SSML content, each whole-word occurrence of a word in `phonemes` (word -> IPA) as a
    ``<phoneme>`` element; the rest escaped. Longer words win, as in the lexicon."""
    pairs = {word: ipa for word, ipa in phonemes if word and ipa}
    if not pairs:
        return text(sentence)
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in sorted(pairs, key=len, reverse=True))})(?!\w)")
    out: list[str] = []
    last = 0
    for match in pattern.finditer(sentence):
        out.append(text(sentence[last : match.start()]))
        out.append(
            f"<phoneme alphabet={attr(alphabet)} ph={attr(pairs[match.group(0)])}>{text(match.group(0))}</phoneme>"
        )
        last = match.end()
    out.append(text(sentence[last:]))
    return "".join(out)


def prosody(content: str, rate: str | None = None, pitch: str | None = None) -> str:
    """`content` (already SSML) inside ``<prosody>`` when a rate or pitch is given."""
    attrs = "".join(f" {name}={attr(value)}" for name, value in (("rate", rate), ("pitch", pitch)) if value)
    return f"<prosody{attrs}>{content}</prosody>" if attrs else content


def rate_percent(speed: float) -> str | None:
    """A speaking speed (1.0 normal) as SSML's relative rate (``+20%``), None when normal."""
    return None if abs(speed - 1.0) < 1e-6 else f"{(speed - 1.0) * 100:+.0f}%"


def pitch_semitones(pitch: int | None) -> float | None:
    """guide's pitch (0-100, 50 the voice's own) as semitones (-10 to +10), None when the voice's own."""
    return None if pitch is None or pitch == 50 else round((pitch - 50) / 5, 1)
