"""Editing a script's texts in place: only the edited values change, every other character stays.

The studio (and any program) changes a text by its place in the script, named as
:meth:`guide.script.model.Script.texts` names it (``intro``, ``sections[1].body[0]``,
``faq[2].answer``), and its language. :func:`edit_texts` finds each value's exact span
with the YAML composer's marks and writes the new text into that span, in the value's own
style when the style can hold it (plain, ``'single'``, ``"double"``, ``|`` block), else
double-quoted. Comments, key order, quoting elsewhere and blank lines are never touched.

The result is read back before it is returned: the edited values must read as the new
texts and every other value exactly as before, or :class:`EditError` is raised and
nothing is written anywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import InputError

__all__ = ["EditError", "Place", "edit_texts", "text_places"]

_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML has it: reading back is 5-10 times faster. The places themselves
come from the pure-Python composer, whose offsets count a byte-order mark as the file does."""


def _read(source: str) -> Any:
    """The document's data, as guide's loader reads it (libyaml's safe loader where PyYAML has it)."""
    return yaml.load(source, Loader=_FAST)  # a safe loader


TextKey = tuple[str, str]
"""(the text's name, its language): ``("faq[0].answer", "ar")``."""


class EditError(InputError):
    """Raised when an edit cannot be made: an unknown text, a language the text does not have, or
    a new text that would not read back as written (the script is left as it was)."""


@dataclass(frozen=True)
class Place:
    """Where one language's text is written in the script's source."""

    start: int
    """Character offset where the value starts (its quote or block indicator included)."""

    end: int
    """Character offset just after the value."""

    style: str | None
    """YAML's style: None (plain), ``'``, ``"``, ``|`` or ``>``."""

    column: int
    """Column of the value's key: a block value's lines are indented beyond it."""

    value: str
    """The text as YAML reads it."""

    path: tuple[str | int, ...]
    """Keys and indexes from the document's root to the value (for reading it back)."""


def _texts(root: yaml.Node) -> Iterator[tuple[str, yaml.Node, tuple[str | int, ...]]]:
    """Every text node of a script, named as Script.texts() names them, with its path from the root."""
    top = _fields(root)
    for key in ("title", "intro"):
        if key in top:
            yield key, top[key], (key,)
    sections = top.get("sections")
    for i, section in enumerate(sections.value if isinstance(sections, yaml.SequenceNode) else []):
        fields = _fields(section)
        if "title" in fields:
            yield f"sections[{i}].title", fields["title"], ("sections", i, "title")
        body = fields.get("body")
        for j, block in enumerate(body.value if isinstance(body, yaml.SequenceNode) else []):
            parts = _fields(block)
            if "bullets" not in parts:
                yield f"sections[{i}].body[{j}]", block, ("sections", i, "body", j)
                continue
            if "title" in parts:
                yield f"sections[{i}].body[{j}].title", parts["title"], ("sections", i, "body", j, "title")
            bullets = parts["bullets"]
            for k, item in enumerate(bullets.value if isinstance(bullets, yaml.SequenceNode) else []):
                yield f"sections[{i}].body[{j}].bullets[{k}]", item, ("sections", i, "body", j, "bullets", k)
    faq = top.get("faq")
    for i, entry in enumerate(faq.value if isinstance(faq, yaml.SequenceNode) else []):
        fields = _fields(entry)
        for key in ("question", "answer"):
            if key in fields:
                yield f"faq[{i}].{key}", fields[key], ("faq", i, key)
    if "outro" in top:
        yield "outro", top["outro"], ("outro",)


def _fields(node: yaml.Node) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def text_places(source: str, languages: tuple[str, ...] = ()) -> dict[TextKey, Place]:
    """Where each text of the script `source` is written, per language.

    A single-language script may write a text as a plain string: it is found under each
    of `languages` (the script's one language).
    """
    # The pure-Python composer: its marks count characters of `source`, as str indexes do.
    root = yaml.compose(source, Loader=yaml.SafeLoader)
    places: dict[TextKey, Place] = {}
    if root is None:
        return places
    for name, node, path in _texts(root):
        if isinstance(node, yaml.ScalarNode):
            for lang in languages[:1]:
                places[(name, lang)] = _place(node, node.start_mark.column, path, source)
            continue
        for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else []:
            if isinstance(key_node, yaml.ScalarNode) and isinstance(value_node, yaml.ScalarNode):
                places[(name, key_node.value)] = _place(
                    value_node, key_node.start_mark.column, (*path, key_node.value), source, key_node
                )
    return places


def _place(
    node: yaml.ScalarNode, column: int, path: tuple[str | int, ...], source: str, key: yaml.Node | None = None
) -> Place:
    start, end = node.start_mark.index, node.end_mark.index
    if node.tag == "tag:yaml.org,2002:null" and start == end and key is not None:
        # "ar:" with nothing after it: the new text goes right after the colon.
        colon = source.index(":", key.end_mark.index)
        start = end = colon + 1
    return Place(start, end, node.style, column, "" if node.tag == "tag:yaml.org,2002:null" else node.value, path)


_PLAIN_UNSAFE = re.compile(r"""^[\s\-?:,\[\]{}#&*!|>'"%@`]|:\s|\s#|[\n\t]|\s$|^$""")


def _candidates(text: str, place: Place, source: str) -> list[str]:
    """Ways to write `text` in `place`, its own style first, double quotes last (they hold anything).

    A block value's span ends with its line break (and any blank lines after it): every way
    keeps them, so the next key stays on its own line."""
    original = source[place.start : place.end]
    trailing = original[len(original.rstrip()) :] if place.style in ("|", ">") else ""
    out: list[str] = []
    if place.style is None and not _PLAIN_UNSAFE.search(text):
        out.append(text)
    if place.style == "'" and "\n" not in text:
        out.append("'" + text.replace("'", "''") + "'")
    if place.style in ("|", ">") and text.strip():
        body_lines = [line for line in original.split("\n")[1:] if line.strip()]
        indent = (len(body_lines[0]) - len(body_lines[0].lstrip(" "))) if body_lines else place.column + 2
        lines = "\n".join(" " * indent + line if line else "" for line in text.split("\n"))
        # "-": no final line break in the value, as the loader keeps texts (stripped).
        out.append(f"{place.style}-\n{lines}" + (trailing if "\n" in trailing else "\n"))
    out.append(json.dumps(text, ensure_ascii=False) + trailing)
    return out


def _set(data: Any, path: tuple[str | int, ...], value: str) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def edit_texts(source: str, edits: Mapping[TextKey, str], languages: tuple[str, ...] = ()) -> str:
    """`source` with each edited text replaced, and every other character as it was.

    Raises:
        EditError: a text or language the script does not have, or a text that cannot be
            written so that it reads back as given.
    """
    places = text_places(source, languages)
    unknown = [f"{name}.{lang}" for name, lang in edits if (name, lang) not in places]
    if unknown:
        raise EditError(f"no such text to edit: {', '.join(unknown)} (add it to the script first)")
    expected = _read(source)
    chosen: dict[TextKey, str] = {}
    for key, text in edits.items():
        place = places[key]
        if text == place.value:
            continue
        _set(expected, place.path, text)
        chosen[key] = ""
    if not chosen:
        return source
    # Try each text's styles in turn; the first that reads back as expected is kept.
    for key in chosen:
        place = places[key]
        for candidate in _candidates(edits[key], place, source):
            trial = source[: place.start] + candidate + source[place.end :]
            try:
                # Read as the loader reads it: "0" or "yes" written plain would not be text.
                value = _value_at(_read(trial), place.path)
                if candidate[:1] not in ("'", '"', "|", ">") and _value_at(yaml.safe_load(trial), place.path) != value:
                    continue  # libyaml and PyYAML read some plain scalars apart ("0?" in a flow mapping): quote it
            except yaml.YAMLError:
                continue
            if value == edits[key]:
                chosen[key] = candidate
                break
        else:
            raise EditError(f"{key[0]}.{key[1]}: the new text cannot be written into the script")
    result = source
    for key in sorted(chosen, key=lambda k: places[k].start, reverse=True):  # last first: earlier offsets stay right
        place = places[key]
        result = result[: place.start] + chosen[key] + result[place.end :]
    if _read(result) != expected:
        raise EditError("the edited script would not read back as edited; nothing was saved")
    return result


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at `path` in loaded YAML data, or None where there is none."""
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data
