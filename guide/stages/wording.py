"""What a build says to people: which voice speaks each language and why, and what a listener would notice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engines import EngineRegistry
from ..plural import counted
from ..script.model import Script

if TYPE_CHECKING:
    from .results import BuildResult

ARABIC_BY_ESPEAK = (
    "Arabic will be spoken by espeak-ng, a robotic voice that listeners understand poorly "
    "(a speech recogniser misses about half of its characters, against 6 % of natural speech): "
    "build online for Google's voice, or add a Piper Arabic voice (guide voices add)"
)


@dataclass(frozen=True)
class VoiceChoice:
    """Which voice will speak a language, and why (``guide check``, the build summary)."""

    lang: str
    """The script language."""

    voice: str
    """The voice that will speak it, e.g. ``gtts:ar`` or ``espeak:ar``."""

    why: str
    """In words: online or offline, the default or the script's, the fallback."""

    warning: str | None = None
    """Said when the choice will be hard to understand (Arabic by espeak-ng)."""

    def __str__(self) -> str:
        return f"{self.lang}: {self.voice} ({self.why})"


def voice_choices(
    script: Script, registry: EngineRegistry, languages: Sequence[str] | None = None
) -> list[VoiceChoice]:
    """The voice of each language a build makes, and why; the script must be loaded (voices checked)."""
    choices = []
    for lang in languages or script.languages:
        settings = script.voices[lang]
        origin = "the default" if settings.line is None else "the script's"
        voice = registry.resolve(lang, settings, script.path.parent)
        online = not registry.get(settings.engine).offline
        shown, service = registry.get(settings.engine).capabilities.named(settings.engine)
        if online and registry.offline:
            why = f"offline build, {shown} not asked; {origin} is {shown}"
        elif online:
            paid = ", paid" if registry.get(settings.engine).paid else ""
            if voice.fallback:
                fallback = f"offline fallback: {voice.fallback.label}"
            elif settings.fallback is not None:  # the registry refuses fallbacks (--no-fallback)
                fallback = f"its fallback refused (--no-fallback): the build stops when {service} cannot be reached"
            else:
                fallback = f"no offline fallback: the build stops when {service} cannot be reached"
            why = f"online{paid}, {origin}; {fallback}"
        else:
            why = f"offline, {origin}"
        warning = ARABIC_BY_ESPEAK if voice.can.hard_to_follow_in(lang) else None
        choices.append(VoiceChoice(lang, voice.label, why, warning))
    return choices


def warnings(result: BuildResult) -> list[str]:
    """What a listener would notice, in words: a hard-to-understand voice, takes spoken by a fallback,
    sentences said with other numbers than written (the CLI and the studio show the same)."""
    out = list(dict.fromkeys(c.warning for c in result.voices if c.warning))
    if result.shared_warning:
        out.append(result.shared_warning)
    if result.fallbacks:
        first = result.fallbacks[0]
        shown = "; ".join(f'"{s.text[:50]}"' for s in result.fallbacks[:3])
        more = f" and {len(result.fallbacks) - 3} more" if len(result.fallbacks) > 3 else ""
        count = len(result.fallbacks)
        out.append(
            f"{counted(count, 'take')} {'was' if count == 1 else 'were'} spoken by the fallback voice "
            f"{first.fallback} because {first.voice} failed: {first.reason.split('. ')[0]}. "
            f"The {'take' if count == 1 else 'takes'}: {shown}{more}. The next build tries {first.voice} again; "
            f"--no-fallback (or GUIDE_NO_FALLBACK=1) makes this an error."
        )
        if first.hard_to_follow and ARABIC_BY_ESPEAK not in out:
            out.append(ARABIC_BY_ESPEAK)
    changing = [e for e in result.script.number_exceptions if e.sentences]
    if changing:
        where = ", ".join(f"{e.path.name}:{e.line}" for e in changing[:3]) + (" …" if len(changing) > 3 else "")
        said = sum(len(e.sentences) for e in changing)
        out.append(
            f"{counted(said, 'sentence')} {'is' if said == 1 else 'are'} said with other numbers than are written, "
            f"allowed by 'numbers differ' at {where}; guide check lists them, guide proof flags them"
        )
    return out
