"""Arabic diacritization (tashkeel) for espeak-ng: text2tashkeel's model, then pausal endings.

espeak-ng reads undiacritized Arabic poorly: without short vowels it guesses, often
wrongly. What is done here was chosen by listening (``guide proof``, several runs on two
texts; docs/arabic-offline.md): text2tashkeel's ``rawi-ensemble`` model (int8 ONNX inside the
wheel, no download), the author's letters kept where the model "corrects" them, and every
word read in its pausal form (waqf). Text the author already diacritized is kept as written.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import lru_cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ..errors import EngineError

MODEL = "rawi-ensemble"
"""The text2tashkeel model: the package's default, the best of its bundled models on its benchmark."""
MODEL_FILE = "rawi_ensemble.int8.onnx"
"""The file in text2tashkeel's ``models/`` folder that `MODEL` runs (hashed into `model_id`)."""
PAUSAL = "every"
"""Where words take their pausal form: at every word (measured best with espeak-ng), or only before a "pause"."""
RULES = 1
"""Version of the rules applied after the model (keep_letters, pausal_endings): bump when they change."""

_LETTERS = re.compile(r"[\u0621-\u064a\u066e-\u06d3]")
_HARAKAT = re.compile(r"[\u064b-\u0652]")
AUTHORED_RATIO = 0.3
"""A text with at least this many diacritics per Arabic letter counts as diacritized by its author."""

_lock = threading.Lock()


def is_diacritized(text: str) -> bool:
    """True when `text` already carries the author's diacritics (or has no Arabic letters)."""
    letters = len(_LETTERS.findall(text))
    return letters == 0 or len(_HARAKAT.findall(text)) >= AUTHORED_RATIO * letters


@lru_cache(maxsize=1)
def _model() -> Any:
    from text2tashkeel import Diacritizer  # noqa: PLC0415 - heavy (onnxruntime): only when Arabic is spoken offline

    return Diacritizer(MODEL)


@lru_cache(maxsize=1)
def model_id() -> str:
    """What decides the diacritized text: the model's bytes and the rules after it.

    Part of every diacritized take's key.
    """
    # Found, not imported: importing text2tashkeel loads onnxruntime, which a rebuild with nothing to record
    # never needs.
    spec = find_spec("text2tashkeel")
    if spec is None or spec.origin is None:
        raise EngineError("text2tashkeel (the Arabic diacritizer) is not installed: reinstall guide (pip install -e .)")
    model = Path(spec.origin).parent / "models" / MODEL_FILE
    digest = hashlib.sha256(model.read_bytes()).hexdigest()[:12]
    return f"text2tashkeel-{metadata.version('text2tashkeel')}-{MODEL}-{digest}+keep-letters+pausal-{PAUSAL}.{RULES}"


def diacritize(text: str) -> str:
    """`text` as espeak-ng should read it: diacritized, the author's letters, pausal endings.

    Text the author diacritized is returned unchanged.
    """
    if is_diacritized(text):
        return text
    with _lock:  # one ONNX session shared by threads
        marked = _model().diacritize(text)
    return pausal_endings(keep_letters(text, marked), PAUSAL)


_FINAL_VOWELS = "\u064b\u064c\u064d\u064e\u064f\u0650"
"""Tanween (fathatan, dammatan, kasratan) and short vowels (fatha, damma, kasra): what a pausal ending drops."""
_MARK_CLASS = "\u064b-\u065f\u0670"
"""Every Arabic combining mark: harakat, shadda (kept), sukun (kept), dagger alef."""
_ARABIC_WORD = re.compile(
    rf"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3][\u0621-\u063a\u0640-\u064a\u0671-\u06d3{_MARK_CLASS}]*"
)
_TRAILING_MARKS = re.compile(rf"[{_MARK_CLASS}]+$")
_ACCUSATIVE_ALEF = re.compile(rf"([{_MARK_CLASS}]*)([اى])$")
_PAUSE_MARKS = "،,؛;.؟?!:…"
_BEFORE_PAUSE = re.compile(rf"\s*[\"'”’»)\]]*\s*(?:[{re.escape(_PAUSE_MARKS)}]|$)")
_ALL_MARKS = re.compile(rf"[{_MARK_CLASS}]")


def _pausal_word(word: str) -> str:
    m = _ACCUSATIVE_ALEF.search(word)
    if m and "\u064b" in m.group(1):  # -an written with a final alif: read as a long a (khiyārā)
        return word[: m.start()] + m.group(1).replace("\u064b", "\u064e") + m.group(2)
    m = _TRAILING_MARKS.search(word)
    if not m:
        return word
    return word[: m.start()] + "".join(c for c in m.group(0) if c not in _FINAL_VOWELS)


def pausal_endings(text: str, where: str = "every") -> str:
    """Diacritized Arabic with pausal endings (waqf): a word's final short vowel or tanween dropped.

    A final shadda or sukun is kept; tanween fath before a final alif (or ى) becomes a
    fatha, so the alif is still read long. `where`: ``"every"`` word (what measured
    best with espeak-ng) or only before a ``"pause"``: punctuation (، , ؛ ; . ؟ ? ! : …)
    or the end of the text. Text without diacritics comes back unchanged.

    >>> pausal_endings("يَعْمَلُ البُوتُوكْسُ بِشَكْلٍ مُؤَقَّتٍ، ثُمَّ يَزُولُ.")
    'يَعْمَل البُوتُوكْس بِشَكْل مُؤَقَّت، ثُمّ يَزُول.'
    >>> pausal_endings("يَعْمَلُ البُوتُوكْسُ بِشَكْلٍ مُؤَقَّتٍ، ثُمَّ يَزُولُ.", where="pause")
    'يَعْمَلُ البُوتُوكْسُ بِشَكْلٍ مُؤَقَّت، ثُمَّ يَزُول.'
    >>> pausal_endings("تَجْعَلُهُ خِيَارًا شَائِعًا")      # -an + alif -> long a
    'تَجْعَلُه خِيَارَا شَائِعَا'
    >>> pausal_endings("عَدُوٌّ")                        # final shadda kept
    'عَدُوّ'
    >>> pausal_endings("كَانَتْ فِي")                    # sukun kept; a final long vowel letter untouched
    'كَانَتْ فِي'
    >>> pausal_endings("ضُمُورُ العَضَلَاتِ: قَدْ يُؤَدِّي", where="pause")   # a colon is a pause
    'ضُمُورُ العَضَلَات: قَدْ يُؤَدِّي'
    >>> pausal_endings("Botox 20 حُقْنَةً")
    'Botox 20 حُقْنَة'
    """
    if where not in ("every", "pause"):
        raise ValueError(f"where must be 'every' or 'pause', not {where!r}")
    out: list[str] = []
    last = 0
    for m in _ARABIC_WORD.finditer(text):
        word = m.group(0)
        if where == "every" or _BEFORE_PAUSE.match(text, m.end()):
            word = _pausal_word(word)
        out.append(text[last : m.start()])
        out.append(word)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def keep_letters(original: str, diacritized: str) -> str:
    """`diacritized` with every word whose letters the model changed given back as written.

    text2tashkeel's rawi models also "restore" hamzas and letters (0.8 % of the words
    of our two texts, some wrongly: آمن -> أَمْن, دافئ -> دَافِي); the voice must say
    the author's letters. When the words do not line up, the original text is returned.

    >>> keep_letters("آمن بوجه عام", "أَمْنٌ بِوَجْهٍ عَامٍّ")
    'آمن بِوَجْهٍ عَامٍّ'
    >>> keep_letters("اضغط بلطف.", "أَضْغَطُ بِلُطْفٍ.")
    'اضغط بِلُطْفٍ.'
    >>> keep_letters("a b", "a")
    'a b'
    """
    src = re.split(r"(\s+)", original)
    out = re.split(r"(\s+)", diacritized)
    if len(src) != len(out):
        return original
    return "".join(d if _ALL_MARKS.sub("", d) == o else o for o, d in zip(src, out, strict=True))
