"""What every build reads and checks before it records or writes anything: the script, its voices,
the plan, the take cache and the front-end's memo; and how a file that cannot be written is reported."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..cache import TakeCache
from ..engines import EngineRegistry, VoiceNotFound, VoiceRef
from ..errors import InputError, OutputError, Problem, ScriptError
from ..planner import Plan, plan_script
from ..script.loader import load_script
from ..script.model import Script
from ..text.memo import ParityMemo, SentenceMemo


def load(
    path: str | Path,
    registry: EngineRegistry | None = None,
    *,
    allow_missing: bool = False,
    parity_memo: ParityMemo | None = None,
) -> Script:
    """Read and fully validate a script, voices included (``guide check``).

    With `allow_missing`, texts not translated yet are accepted and listed in ``Script.missing``. With
    `parity_memo` (:func:`open_parity_memo`), the cross-language check reads only the pairs of texts it has not
    found agreeing in an earlier run; the caller saves it once its work succeeded.
    """
    registry = registry or EngineRegistry()
    return load_script(
        path, check_voice=registry.check_voice, allow_missing=allow_missing, engines=registry, parity_memo=parity_memo
    )


def open_parity_memo(path: str | Path, cache: TakeCache) -> ParityMemo:
    """The pairs of texts of the script at `path` an earlier check found agreeing, kept in `cache`."""
    return ParityMemo.load(cache.parity_path(Path(path)))


def resolve_voices(script: Script, registry: EngineRegistry) -> dict[str, VoiceRef]:
    """Each language's concrete voice; ScriptError naming every voice that cannot be used."""
    voices, problems = {}, []
    for lang, settings in script.voices.items():
        try:
            voice = registry.resolve(lang, settings, script.path.parent)
            voices[lang] = registry.with_phonemes(voice, script.phonemes(lang))
        except VoiceNotFound as exc:
            problems.append(Problem(script.path, settings.line, f"voices.{lang}: {exc.message}"))
    if problems:
        raise ScriptError(problems)
    return voices


def plan(
    script: Script, registry: EngineRegistry, languages: Sequence[str] | None = None, memo: SentenceMemo | None = None
) -> Plan:
    """Plan a build of `script` for `languages` (default: all the script declares).

    `memo` (:func:`open_memo`) serves the texts the front-end expanded in earlier runs
    and keeps the new ones, so an unchanged script is planned without expanding its texts again."""
    langs = tuple(languages) if languages else script.languages
    unknown = [lang for lang in langs if lang not in script.languages]
    if unknown:
        raise InputError(
            f"{script.path}: language {', '.join(unknown)} is not in the script "
            f"(it declares: {', '.join(script.languages)})"
        )
    return plan_script(script, resolve_voices(script, registry), langs, memo)


def open_memo(script: Script, cache: TakeCache) -> SentenceMemo:
    """The front-end's notes on `script`'s texts, kept in `cache` (saved by the caller once its work succeeded)."""
    return SentenceMemo.for_front_end(cache.memo_path(script.id), script.code_switch, script.lexicon)


def save_memo(memo: SentenceMemo, script: Script, languages: Sequence[str] | None) -> None:
    """Keep the front-end's notes, unless only some languages were planned."""
    if not languages or tuple(languages) == script.languages:  # a plan of some languages would drop the others' texts
        memo.save()


@contextmanager
def disk_errors() -> Iterator[None]:
    """A file that cannot be written (disk full, read-only folder) is the user's to fix: say which, no traceback.

    Every file is renamed into place whole, so what was there before is intact.
    """
    try:
        yield
    except OSError as exc:
        where = exc.filename or "the output or cache folder"
        raise OutputError(
            f"cannot write {where}: {exc.strerror or exc}; files already published are unchanged"
        ) from None
