"""What the studio's page shows: every text of a guide in its languages side by side, each sentence with its state.

Pure over the library: the script, the voices a build would use, the take cache and
the last proof's flags in; plain dataclasses out (the page renders them as JSON).

A sentence is:

* ``recorded``: every take it needs is in the cache;
* ``changed``: a take it needs is not (the text, the lexicon or the voice changed since
  it was last recorded, or it never was);
* ``to translate``: its text is empty in this language (a script loaded with ``allow_missing``).

Proof's flags for a sentence (by language and written text) come with it, and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..cache import TakeCache
from ..engines.base import VoiceRef
from ..planner import plan_sentences
from ..script.model import Script
from ..text.codeswitch import script_of
from ..text.frontend import FrontEnd
from ..text.guard import sentence_key

__all__ = ["CHANGED", "RECORDED", "TO_TRANSLATE", "SentenceView", "TextView", "address_of", "addresses", "guide_view"]

RECORDED = "recorded"
CHANGED = "changed"
TO_TRANSLATE = "to translate"


@dataclass(frozen=True)
class SentenceView:
    """One sentence of a text, as the page shows it."""

    text: str
    """As the transcript shows it."""

    state: str
    """``recorded`` or ``changed``."""

    takes: tuple[str, ...]
    """Its take keys, in order (what ▶ plays, once recorded)."""

    flags: tuple[str, ...] = ()
    """Proof's flags, in words."""

    heard: str = ""
    """What proof heard, when it flagged the sentence."""


@dataclass(frozen=True)
class TextView:
    """One language of one text."""

    name: str
    """The text's place in the script (``faq[0].answer``): what a save names."""

    lang: str
    """Its language."""

    source: str
    """The text as written, markup included (what the editor shows)."""

    line: int
    """Its line in the script."""

    rtl: bool
    """Written right to left (Arabic): the page shows it ``dir="rtl"``."""

    state: str
    """``to translate`` when empty; else ``changed`` when any sentence is, else ``recorded``."""

    sentences: tuple[SentenceView, ...] = field(default_factory=tuple)
    """Its sentences."""

    address: str = ""
    """Its stable address in the page and the API: ``faq/how-long/answer/ar`` (see :func:`address_of`)."""


_NAME_PART = re.compile(r"(\w+)(?:\[(\d+)\])?")


def address_of(script: Script, name: str, lang: str) -> str:
    """A text's address, stable while items keep their ids: ``sections[1].body[2]`` of section
    ``risks`` in Arabic is ``sections/risks/body/2/ar``; ``faq[0].answer`` is ``faq/<its id>/answer/<lang>``."""
    parts: list[str] = []
    for match in _NAME_PART.finditer(name):
        word, index = match.group(1), match.group(2)
        parts.append(word)
        if index is not None:
            i = int(index)
            items = {"sections": script.sections, "faq": script.faq}.get(word)
            parts.append(items[i].id if items is not None else str(i))
    return "/".join([*parts, lang])


def addresses(script: Script) -> dict[str, tuple[str, str]]:
    """Every text's address -> (its name, its language): what a save or a preview names."""
    return {address_of(script, name, lang): (name, lang) for name, _ in script.texts() for lang in script.languages}


def guide_view(
    script: Script,
    voices: Mapping[str, VoiceRef],
    cache: TakeCache,
    proof_flags: Mapping[tuple[str, str], Sequence[str]] | None = None,
    proof_heard: Mapping[tuple[str, str], str] | None = None,
) -> list[TextView]:
    """Every text of `script`, in reading order and in each of its languages, with each sentence's state.

    `proof_flags` and `proof_heard` are by ``sentence_key(lang, text)``: the last proof's flags and what it heard."""
    frontend = FrontEnd(code_switch=script.code_switch, lexicon=script.lexicon)
    flags = proof_flags or {}
    heard = proof_heard or {}
    out: list[TextView] = []
    for name, text in script.texts():
        for lang in script.languages:
            source = text.by_lang.get(lang, "")
            rtl = script_of(lang) == "arabic"
            address = address_of(script, name, lang)
            if not source:
                out.append(TextView(name, lang, "", text.line_of(lang), rtl, TO_TRANSLATE, (), address))
                continue
            sentences = tuple(
                SentenceView(
                    sentence.text,
                    RECORDED if all(cache.has(take.key) for take in sentence.takes) else CHANGED,
                    tuple(take.key for take in sentence.takes),
                    tuple(flags.get(sentence_key(lang, sentence.text), ())),
                    heard.get(sentence_key(lang, sentence.text), ""),
                )
                for sentence in plan_sentences(source, lang, voices, frontend)
            )
            state = CHANGED if any(s.state == CHANGED for s in sentences) else RECORDED
            out.append(TextView(name, lang, source, text.line_of(lang), rtl, state, sentences, address))
    return out
