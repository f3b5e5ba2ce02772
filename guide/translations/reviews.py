"""The review record: the source text each translation was last reviewed against.

It is a small YAML file next to the script (``botox.yaml`` -> ``botox.reviewed.yaml``), meant to be
committed with it, never in the cache. For each text (named as messages name it, "faq how-long, answer")
and each translation, it holds the source-language text, as shown, that the translation was checked
against. When the source text changes and the record still holds the old one, the translation is stale:
:func:`stale` lists it with a word diff of the change, as translation memories mark a translation
"needs review".

Who writes it: :func:`mark` (``guide review --mark``, the studio's "Mark reviewed"), and the first build of a
script that has none (every translation starts reviewed). A build never marks anything reviewed otherwise.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputError
from ..safe_files import write_text
from ..script.files import REVIEW_SUFFIX
from ..script.model import Script
from ..text.parity import language_name

SUFFIX = REVIEW_SUFFIX
_HEADER = """\
# Which {source} text each translation of {script} was last reviewed against, written by guide.
# guide check lists a translation whose {source} has changed since; `guide review --mark` (or the
# studio's "Mark reviewed") records it as reviewed again. Commit this file with the script.
"""
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def record_path(script_path: Path) -> Path:
    """Where the record of the script at `script_path` is: beside it, ``<stem>.reviewed.yaml``."""
    return script_path.with_name(script_path.stem + SUFFIX)


@dataclass(frozen=True)
class Record:
    """What the review file says: text -> translation language -> the source text it was reviewed against."""

    path: Path
    """The file."""

    source: str
    """The source language the texts are in."""

    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    """Text label -> language -> the source text (as shown) that translation was reviewed against."""

    exists: bool = True
    """The file is there (else this is an empty record: a script seen for the first time)."""

    def against(self, label: str, lang: str) -> str | None:
        """The source text the `lang` translation of `label` was reviewed against; None if never recorded."""
        return self.texts.get(label, {}).get(lang)


@dataclass(frozen=True)
class Stale:
    """A translation whose source text changed since it was reviewed (or that was never reviewed)."""

    label: str
    """The text, as messages name it."""

    lang: str
    """The translation's language."""

    line: int
    """Line of the translation in the script."""

    before: str | None
    """The source text it was reviewed against; None for a text added since the record was made."""

    now: str
    """The source text now."""

    def diff(self) -> str:
        """The change as a word diff: ``Results last 3 [-to 4-]{+to 6+} months.``"""
        return word_diff(self.before or "", self.now)


def read_record(script: Script) -> Record:
    """The record beside `script` (an empty one when there is none).

    Raises:
        InputError: the file is not a record guide wrote (file:line and what is wrong).
    """
    path = record_path(script.path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Record(path, script.source, {}, exists=False)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the review record: {exc}") from None
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(f"{where}: the review record is not valid YAML; {_REDO}") from None
    texts = data.get("texts") if isinstance(data, dict) else None
    if not isinstance(texts, dict) or not all(
        isinstance(label, str)
        and isinstance(langs, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in langs.items())
        for label, langs in texts.items()
    ):
        raise InputError(f"{path}: not a review record guide wrote (texts: text -> language -> text); {_REDO}")
    source = data.get("source_language", script.source)
    if source != script.source:
        # The source language changed: every recorded text is in the other language, so none applies.
        return Record(path, script.source, {}, exists=True)
    return Record(path, source, {k: dict(v) for k, v in texts.items()})


_REDO = "fix it, or delete it and run `guide review SCRIPT --mark all` to record every translation as reviewed"


def translations(script: Script) -> Iterable[tuple[str, str, str, int]]:
    """(label, language, source text as shown, line of the translation) of every translated text."""
    source = script.source
    for name, text in script.texts():
        original = text.by_lang.get(source, "")
        if not original:
            continue
        label = script.label(name)
        for lang in script.languages:
            if lang != source and text.by_lang.get(lang, ""):
                yield label, lang, text[source], text.line_of(lang)


def stale(script: Script, record: Record) -> list[Stale]:
    """Translations whose source text is not the one recorded as reviewed, in script order.

    With no record file, nothing is stale (a script seen for the first time starts reviewed). A text whose
    source is recorded under another name (a paragraph moved, one inserted before it) is not stale.
    """
    if not record.exists:
        return []
    known: dict[str, set[str]] = {}
    for langs in record.texts.values():
        for lang, text in langs.items():
            known.setdefault(lang, set()).add(text)
    everything = list(translations(script))
    sources = {now for _label, _lang, now, _line in everything}
    out = []
    for label, lang, now, line in everything:
        before = record.against(label, lang)
        if before == now or now in known.get(lang, ()):
            continue
        # What this name was reviewed against is now another text's (one was inserted before it): this one is new.
        out.append(Stale(label, lang, line, None if before in sources else before, now))
    return out


def mark(
    script: Script, record: Record, labels: Iterable[str] = (), langs: Iterable[str] = ()
) -> tuple[Record, list[tuple[str, str]]]:
    """`record` with translations marked reviewed against their source text now, and (label, language) of each.

    `labels` are texts ("faq how-long, answer") or items ("faq how-long", "how-long": all their texts); none
    marks every text. `langs` limits it to those translations; none, every one.

    Raises:
        InputError: a label or language names nothing in the script.
    """
    wanted_langs = set(langs)
    unknown_langs = wanted_langs - set(script.languages) - {script.source}
    if unknown_langs or script.source in wanted_langs:
        bad = sorted(unknown_langs | ({script.source} & wanted_langs))
        raise InputError(
            f"--lang {', '.join(bad)}: not a translation of this script (its translations: "
            f"{', '.join(lang for lang in script.languages if lang != script.source) or 'none'})"
        )
    everything = list(translations(script))
    wanted = [_label_key(label) for label in labels]
    matched: set[str] = set()
    texts = {label: dict(langs_) for label, langs_ in record.texts.items()}
    done = []
    for label, lang, now, _line in everything:
        hits = [w for w in wanted if _covers(w, label)]
        if wanted and not hits:
            continue
        matched.update(hits)
        if wanted_langs and lang not in wanted_langs:
            continue
        if texts.get(label, {}).get(lang) != now:
            done.append((label, lang))
        texts.setdefault(label, {})[lang] = now
    missing = [w for w in wanted if w not in matched]
    if missing:
        raise InputError(
            f"{', '.join(repr(m) for m in missing)}: no such text in {script.path.name}; name a text as guide check "
            'names it ("faq how-long, answer"), an item ("faq how-long", "section risks"), or \'all\''
        )
    # Only what the script still has, in its order: texts removed from the script leave the record.
    order = {label: i for i, (label, *_rest) in enumerate(everything)}
    kept = {label: texts[label] for label in sorted(texts, key=lambda k: order.get(k, len(order))) if label in order}
    return Record(record.path, script.source, kept), done


def _label_key(label: str) -> str:
    return " ".join(label.replace(",", " , ").split()).lower()


def _covers(wanted: str, label: str) -> bool:
    """Whether a name the user gave covers a text: the text itself, its item, or its item's id alone."""
    if wanted == "all":
        return True
    key = _label_key(label)
    item = key.split(" , ")[0]
    return wanted in (key, item, item.split(" ", 1)[-1])


def write_record(script: Script, record: Record) -> None:
    """Write `record` beside the script, atomically."""
    body = yaml.safe_dump(
        {"source_language": record.source, "texts": record.texts},
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
        default_flow_style=False,
    )
    try:
        write_text(record.path, _HEADER.format(source=language_name(record.source), script=script.path.name) + body)
    except OSError as exc:
        raise InputError(f"{record.path}: cannot write the review record: {exc.strerror or exc}") from None


def start_record(script: Script) -> bool:
    """Write a record with every translation reviewed, if the script has none yet; whether it did."""
    record = read_record(script)
    if record.exists:
        return False
    write_record(script, mark(script, record)[0])
    return True


_WORD = re.compile(r"\S+")


def word_diff(before: str, after: str) -> str:
    """`after` with what changed from `before` marked as git's word diff does: ``[-removed-]{+added+}``."""
    old, new = _WORD.findall(before), _WORD.findall(after)
    out: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(new[b1:b2])
            continue
        if a2 > a1:
            out.append("[-" + " ".join(old[a1:a2]) + "-]")
        if b2 > b1:
            out.append("{+" + " ".join(new[b1:b2]) + "+}")
    return " ".join(out)
