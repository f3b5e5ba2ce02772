"""Speaking a text outside a build, through the same front-end, engines and take cache: ``guide say`` and the
studio's ▶ (:meth:`guide.studio.workspace.Workspace.preview`) share :func:`speak`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..audio.ffmpeg import require_capable
from ..cache import TakeCache
from ..engines import EngineRegistry, VoiceNotFound, VoiceRef
from ..errors import InputError
from ..planner import Sentence, Utterance, plan_sentences
from ..publish.mp3 import Tags, write_mp3
from ..renderer import Substitution, Timeline, record_takes, stream
from ..safe_files import write_wav
from ..script.loader import default_voice
from ..script.model import Loudness, Pauses, VoiceSettings
from ..settings import RunSettings
from ..text import markup
from ..text.frontend import FrontEnd, languages_spoken
from .inputs import disk_errors, load


def sentences_of(text: str, lang: str, voices: Mapping[str, VoiceRef], frontend: FrontEnd) -> tuple[Sentence, ...]:
    """The sentences of `text` in `lang` as a build would plan them; markup.MarkupError for bad markup."""
    markup.parse(text)
    return tuple(plan_sentences(text, lang, voices, frontend))


@dataclass(frozen=True)
class Spoken:
    """What :func:`speak` made."""

    samples: np.ndarray
    """The audio, in the pipeline's format (44.1 kHz mono int16)."""

    seconds: float
    """Its length."""

    recorded: bool
    """Whether any take was recorded now (the others came from the cache)."""

    substitutions: tuple[Substitution, ...]
    """Takes a fallback voice spoke because their own voice failed."""


def speak(
    sentences: Sequence[Sentence], voice: VoiceRef, registry: EngineRegistry, cache: TakeCache, pause: float
) -> Spoken:
    """Record the takes of `sentences` the cache lacks (each once; an ordinary take, which the next build
    reuses), then lay them end to end as a build would, `pause` seconds between sentences, a fallback voice's
    take standing in where a voice failed."""
    missing = [t for s in sentences for t in s.takes if not cache.has(t.key)]
    substitutions = record_takes(list({t.key: t for t in missing}.values()), registry, cache, 1, None)
    substitutes = {s.key: s.used for s in substitutions}
    timeline = Timeline()
    steps = (Utterance(" ".join(s.text for s in sentences), voice, tuple(sentences), "paragraph", pause),)
    samples = np.concatenate([np.zeros(0, dtype=np.int16), *stream(steps, (), cache, timeline, substitutes)])
    return Spoken(samples, timeline.seconds, bool(missing), tuple(substitutions))


def say(
    text: str,
    lang: str,
    out: str | Path,
    settings: RunSettings | None = None,
    registry: EngineRegistry | None = None,
    *,
    voice: VoiceSettings | None = None,
    script_path: str | Path | None = None,
    loudness: Loudness | None = None,
) -> tuple[tuple[Sentence, ...], float]:
    """Speak one text through the same front-end and engines as a build, into `out` (MP3, or WAV by suffix).

    `script_path` lends a script's voices, lexicon, code switching and pauses; `voice` overrides
    the voice of `lang`. Returns what was spoken (sentences of takes) and the duration.
    """
    settings = settings or RunSettings.make()
    registry = registry or settings.registry()
    require_capable()
    script = load(script_path, registry) if script_path is not None else None
    chosen: dict[str, VoiceSettings] = dict(script.voices) if script else {}
    if voice is not None:
        chosen[lang] = voice
    base = script.path.parent if script else Path.cwd()
    code_switch, lexicon = (script.code_switch, dict(script.lexicon)) if script else (True, {})
    frontend = FrontEnd(code_switch=code_switch, lexicon=lexicon)
    try:
        markup.parse(text)
    except markup.MarkupError as exc:
        raise InputError(f"TEXT: {exc.message}") from None
    voices: dict[str, VoiceRef] = {}
    for code in {lang, *languages_spoken(text, lang, frontend)}:
        try:
            voices[code] = registry.resolve(code, chosen.get(code) or default_voice(code, registry), base)
            if script is not None:
                voices[code] = registry.with_phonemes(voices[code], script.phonemes(code))
        except VoiceNotFound as exc:
            raise InputError(f"voice for '{code}': {exc.message}") from None
    spoken = sentences_of(text, lang, voices, frontend)
    if not spoken:
        raise InputError("TEXT: nothing to say (only punctuation or symbols)")
    out = Path(out)
    pause = (script.pauses if script else Pauses()).sentence
    with disk_errors():
        result = speak(spoken, voices[lang], registry, settings.take_cache(), pause)
        if out.suffix.lower() == ".wav":
            write_wav(out, result.samples)
        else:
            tags = Tags(" ".join(s.text for s in spoken)[:120], "guide say", lang, None, None)
            write_mp3(lambda: [result.samples], out, tags, "128k", loudness)
    return spoken, result.seconds
