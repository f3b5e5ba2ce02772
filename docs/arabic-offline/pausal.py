"""Pausal endings (waqf) for diacritized Arabic: a pure function, no model, no engine.

MSA read aloud drops a word's final case vowel (and its tanween) where the reader
pauses. espeak-ng says every mark it is given, so a diacritizer's full i'rab
("...العضلاتِ،") is heard as an extra syllable at every pause. This removes it.
"""

from __future__ import annotations

import re

_SHORT = "\u064b\u064c\u064d\u064e\u064f\u0650"  # fathatan dammatan kasratan fatha damma kasra
_FATHATAN = "\u064b"
_FATHA = "\u064e"
_MARKS = "\u064b-\u065f\u0670"  # harakat, shadda, sukun, and other combining marks
_WORD = re.compile(rf"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3][\u0621-\u063a\u0640-\u064a\u0671-\u06d3{_MARKS}]*")
PAUSE_MARKS = "،,؛;.؟?!:…"
"""Punctuation after which a reader pauses (a colon too: "ضمور العضلات: ...")."""
_BEFORE_PAUSE = re.compile(rf"\s*[\"'”’»)\]]*\s*(?:[{re.escape(PAUSE_MARKS)}]|$)")


def _pausal_word(word: str) -> str:
    """`word` with its final short vowel or tanween dropped; shadda and sukun kept.

    A tanween of accusative -an before a final alif (or alif maqsura) becomes a
    plain fatha, so the alif is read long, as in the pausal form ("خيارًا" -> "خيارَا", read khiyārā).
    """
    # A final alif / alif maqsura carrying no mark, preceded by a letter with fathatan.
    m = re.search(rf"([{_MARKS}]*)([اى])$", word)
    if m and _FATHATAN in m.group(1):
        marks = m.group(1).replace(_FATHATAN, _FATHA)
        return word[: m.start()] + marks + m.group(2)
    m = re.search(rf"[{_MARKS}]+$", word)
    if not m:
        return word
    kept = "".join(c for c in m.group(0) if c not in _SHORT)
    return word[: m.start()] + kept


def pausal(text: str, where: str = "pause") -> str:
    """Diacritized `text` with pausal endings.

    where: ``"pause"`` drops the final short vowel / tanween only of words before
    a pause (punctuation in :data:`PAUSE_MARKS`, or the end of the text);
    ``"every"`` drops it at every word.

    >>> pausal("يَعْمَلُ البُوتُوكْسُ بِشَكْلٍ مُؤَقَّتٍ، ثُمَّ يَزُولُ.")
    'يَعْمَلُ البُوتُوكْسُ بِشَكْلٍ مُؤَقَّت، ثُمَّ يَزُول.'
    """
    if where not in ("pause", "every"):
        raise ValueError(where)
    out = []
    last = 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        if where == "every" or _BEFORE_PAUSE.match(text, m.end()):
            word = _pausal_word(word)
        out.append(text[last : m.start()])
        out.append(word)
        last = m.end()
    out.append(text[last:])
    return "".join(out)
