"""Arabic diacritization (tashkeel) with the model that ships inside piper-tts.

espeak-ng reads undiacritized Arabic poorly: without short vowels it guesses,
often wrongly. piper-tts bundles libtashkeel's ONNX model (4.8 MB), so adding
diacritics needs no download. Text the author already diacritized is kept.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import lru_cache
from typing import Any

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
    from piper.tashkeel import TashkeelDiacritizer  # heavy (onnxruntime): only when Arabic is spoken

    return TashkeelDiacritizer()


@lru_cache(maxsize=1)
def model_id() -> str:
    """A short hash of the tashkeel model: part of the take key of every diacritized take."""
    from piper.tashkeel import TASHKEEL_DIR

    return "tashkeel-" + hashlib.sha256((TASHKEEL_DIR / "model.onnx").read_bytes()).hexdigest()[:16]


def diacritize(text: str) -> str:
    """`text` with diacritics added, unless the author already wrote them."""
    if is_diacritized(text):
        return text
    with _lock:  # one ONNX session shared by threads
        return _model().diacritize(text)
