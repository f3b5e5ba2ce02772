"""Editing a script's lexicon entries and voices in place: only the bytes of the change are written.

:func:`set_lexicon_entry` adds, changes or removes one word of ``lexicon.<lang>``, and
:func:`set_voice` changes keys of ``voices.<lang>``. Like :mod:`guide.studio.edits`, they
find each mapping, key and value by its exact span in the YAML composer's marks and
rewrite only that span: a value in its own quoting style when that style can hold it, a
new entry after its mapping's last entry (a new line at the entries' indentation in block
style, inside the braces in flow style). Comments, key order, quoting elsewhere and blank
lines are never touched.

Keys and values are written plain when plain YAML reads back as the same string, else
double-quoted. The result is read back before it is returned: the edited entry must read
as asked and every other value of the document exactly as before, or :class:`EditError`
is raised and nothing is returned.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .edits import EditError

__all__ = ["set_lexicon_entry", "set_voice"]

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"

Render = Callable[[str | None], str]
"""Writes a value, given the style of the value it replaces (None for plain, or a new value)."""

# Characters YAML may not hold raw (PyYAML's reader refuses them) or reads as line breaks.
_RAW_UNSAFE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# Plain is kept for words that cannot be misread: no indicator first, no ": " or " #", and none of
# ",?[]{}" anywhere (a flow mapping would split on them); how it resolves ("30", "yes", "null") is checked by loading.
_PLAIN_UNSAFE = re.compile(r"""^[\s\-?:,\[\]{}#&*!|>'"%@`=~]|:\s|:$|\s#|[,?\[\]{}\n\r\t]|\s$|^$|^<<$""")


# -- writing scalars ----------------------------------------------------------------------------
def _plain_ok(text: str) -> bool:
    if _PLAIN_UNSAFE.search(text) or _RAW_UNSAFE.search(text):
        return False
    try:
        # Read where it will be written: a key and a value, in a flow and in a block mapping.
        return yaml.safe_load(f"{text}: [{text}, {{{text}: {text}}}]\n") == {text: [text, {text: text}]}
    except yaml.YAMLError:
        return False


def _double(text: str) -> str:
    """`text` double-quoted: JSON's escapes are YAML's, plus escapes for what YAML may not hold raw."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _RAW_UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) <= 0xFFFF else f"\\U{ord(m.group()):08x}", quoted
    )


def _text(text: str, style: str | None = None) -> str:
    """`text` in the style of the value it replaces when that style can hold it, else plain or double-quoted."""
    if style == "'" and "\n" not in text and not _RAW_UNSAFE.search(text):
        return "'" + text.replace("'", "''") + "'"
    if style in (None, "|", ">") and _plain_ok(text):
        return text
    return _double(text)


def _setting(value: object) -> Render:
    """How to write one setting of a voice: a string in the replaced value's style, other values plain."""
    if isinstance(value, str):
        return lambda style: _text(value, style)
    if isinstance(value, bool):
        return lambda style: "true" if value else "false"
    if isinstance(value, int):
        return lambda style: str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EditError(f"{value} is not a number a script can hold")
        written = repr(value)
        if "e" in written and "." not in written:  # YAML 1.1 reads 1e-05 as a string; 1.0e-05 is a float
            mantissa, exponent = written.split("e")
            written = f"{mantissa}.0e{exponent}"
        return lambda style: written
    raise EditError(f"a voice setting must be text, a number or true/false, not {type(value).__name__}")


# -- finding nodes and their places -------------------------------------------------------------
def _compose(source: str) -> yaml.MappingNode:
    try:
        # The pure-Python composer: its marks count characters of `source`, as str indexes do.
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise EditError(f"the script is not valid YAML: {exc}") from None
    if not isinstance(root, yaml.MappingNode):
        raise EditError("the script is not a mapping of keys to values")
    return root


def _find(mapping: yaml.MappingNode, name: str, what: str) -> int | None:
    """Index of the entry whose key is written `name` (as the loader reads keys), or None."""
    found = [i for i, (key, _) in enumerate(mapping.value) if isinstance(key, yaml.ScalarNode) and key.value == name]
    if len(found) > 1:
        raise EditError(f"{what}: '{name}' is written twice; remove one first")
    return found[0] if found else None


def _loaded(node: yaml.Node) -> Any:
    """The value of `node` as yaml.safe_load reads it (a key written 30 is the number 30)."""
    return SafeConstructor().construct_object(node, deep=True)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL


def _uses(root: yaml.Node) -> Counter[int]:
    """How many places of the document each node stands in (more than one: an anchor and its aliases)."""
    counts: Counter[int] = Counter()
    stack = [root]
    while stack:
        node = stack.pop()
        counts[id(node)] += 1
        if counts[id(node)] > 1:
            continue
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return counts


def _unshared(root: yaml.Node, node: yaml.Node, what: str) -> None:
    # Writing into an anchored value would change every alias of it too.
    if _uses(root)[id(node)] > 1:
        raise EditError(f"{what} is used in more than one place (an anchor and its aliases); write it out to edit it")


def _content_end(source: str, node: yaml.Node) -> int:
    """Offset just after the node's last character: a block collection's comments and blank lines after it,
    and a block scalar's final line breaks, are not its content."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark.index
        if node.style in ("|", ">"):
            while end > node.start_mark.index + 1 and source[end - 1] in " \t\r\n":
                end -= 1
        return end
    if node.flow_style or not node.value:
        return node.end_mark.index
    if isinstance(node, yaml.MappingNode):
        key, value = node.value[-1]
        return max(key.end_mark.index, _content_end(source, value))
    return _content_end(source, node.value[-1])


def _line_start(source: str, index: int) -> int:
    return source.rfind("\n", 0, index) + 1


def _line_end(source: str, index: int) -> int:
    """Offset just after the line break of the line holding `index` (the end of the text on the last line)."""
    found = source.find("\n", index)
    return len(source) if found < 0 else found + 1


def _newline(source: str) -> str:
    return "\r\n" if "\r\n" in source else "\n"


def _colon(source: str, key: yaml.Node) -> int:
    """Offset just after the ':' that follows a key."""
    return source.index(":", key.end_mark.index) + 1


def _insert_lines(source: str, index: int, lines: list[str]) -> str:
    """`lines` as new lines after the line holding `index` (a line break first if that line has none)."""
    nl = _newline(source)
    at = _line_end(source, index)
    head = "" if at == 0 or source[:at].endswith("\n") else nl
    return source[:at] + head + "".join(line + nl for line in lines) + source[at:]


# -- changing one entry of a mapping ------------------------------------------------------------
def _add(source: str, mapping: yaml.MappingNode, key: str, inline: str, nested: list[str] | None = None) -> str:
    """`source` with `key: inline` added after the mapping's last entry.

    A block mapping gets a new line at its entries' indentation (or, given `nested`, the key
    alone and those lines indented under it); a flow mapping gets the entry inside its braces."""
    entry = f"{_text(key)}: {inline}"
    if mapping.flow_style:
        if not mapping.value:
            return source[: mapping.start_mark.index] + "{" + entry + "}" + source[mapping.end_mark.index :]
        # The last value's own end, before the closing brace (and any spaces or comma before it).
        last_key, last_value = mapping.value[-1]
        at = max(last_key.end_mark.index, _content_end(source, last_value))
        return source[:at] + ", " + entry + source[at:]
    indent = " " * mapping.value[0][0].start_mark.column
    if nested is None:
        lines = [indent + entry]
    else:
        lines = [indent + f"{_text(key)}:", *(indent + "  " + line for line in nested)]
    return _insert_lines(source, _content_end(source, mapping), lines)


def _remove(source: str, mapping: yaml.MappingNode, parent: yaml.Node, index: int) -> str:
    """`source` without the mapping's entry `index`; the mapping left empty is written ``{}``."""
    key, value = mapping.value[index]
    if mapping.flow_style:
        if len(mapping.value) == 1:
            return source[: mapping.start_mark.index] + "{}" + source[mapping.end_mark.index :]
        if index + 1 < len(mapping.value):  # "key: value, " up to the next key
            start, end = key.start_mark.index, mapping.value[index + 1][0].start_mark.index
        else:  # ", key: value" from the end of the entry before it
            before_key, before_value = mapping.value[index - 1]
            start = max(before_key.end_mark.index, _content_end(source, before_value))
            end = max(key.end_mark.index, _content_end(source, value))
        return source[:start] + source[end:]
    start = _line_start(source, key.start_mark.index)
    if source[start : key.start_mark.index].strip(" "):
        raise EditError(f"'{key.value}' does not start its own line; edit it by hand")
    end = _line_end(source, max(key.end_mark.index, _content_end(source, value)))
    result = source[:start] + source[end:]
    if len(mapping.value) == 1:
        # The last entry: the mapping stays a mapping, "en: {}", not "en:" (which reads as nothing).
        colon = _colon(source, parent)
        result = result[:colon] + " {}" + result[colon:]
    return result


def _replace_scalar(source: str, node: yaml.ScalarNode, render: Render) -> str:
    """`source` with the scalar `node` rewritten; an empty value ("key:") gets its text after the colon."""
    start, end = node.start_mark.index, _content_end(source, node)
    if start == end:
        return source[:start] + " " + render(None) + source[end:]
    return source[:start] + render(node.style) + source[end:]


def _replace_collection(source: str, key: yaml.Node, node: yaml.Node, text: str) -> str:
    """`source` with the collection `node` rewritten as `text` (one line, written after the key's colon)."""
    if getattr(node, "flow_style", False):
        return source[: node.start_mark.index] + text + source[node.end_mark.index :]
    return source[: _colon(source, key)] + " " + text + source[_content_end(source, node) :]


def _fill(source: str, key: yaml.Node, node: yaml.ScalarNode, inline: str, nested: list[str] | None = None) -> str:
    """`source` with the empty value of `key` ("lexicon:", "en: ~") replaced by a mapping.

    An empty value gets `nested` as lines indented under the key, when given; otherwise (or
    for a written ``~`` or ``null``) the value becomes `inline`."""
    if node.start_mark.index == node.end_mark.index and nested is not None:
        indent = " " * (key.start_mark.column + 2)
        return _insert_lines(source, key.end_mark.index, [indent + line for line in nested])
    return _replace_scalar(source, node, lambda style: inline)


def _flow(entries: Mapping[str, str]) -> str:
    """A flow mapping of keys to values already written."""
    return "{" + ", ".join(f"{_text(key)}: {value}" for key, value in entries.items()) + "}"


# -- a section's language mapping ---------------------------------------------------------------
def _language(
    source: str, section: str, lang: str, first: Mapping[str, str] | None
) -> tuple[str, list[Any], yaml.Node | None, yaml.MappingNode | None]:
    """The mapping ``<section>.<lang>`` (``lexicon.en``), created holding the entries `first` when
    it is missing; with `first` None nothing is created.

    Returns the source (changed only when the mapping was created), the keys of the mapping's
    path as yaml.safe_load reads them, and the mapping's key and node (None when it was created
    or is missing: there is nothing more to do in it).
    """
    root = _compose(source)
    flow = _flow(first or {})
    at = _find(root, section, "the script")
    if at is None:
        if first is None:
            return source, [section, lang], None, None
        if root.flow_style:
            return _add(source, root, section, _flow({lang: flow})), [section, lang], None, None
        return _add(source, root, section, "", [f"{_text(lang)}: {flow}"]), [section, lang], None, None
    section_key, section_node = root.value[at]
    path: list[Any] = [_loaded(section_key)]
    if _is_null(section_node):
        if first is None:
            return source, [*path, lang], None, None
        return (
            _fill(source, section_key, section_node, _flow({lang: flow}), [f"{_text(lang)}: {flow}"]),
            [*path, lang],
            None,
            None,
        )
    if not isinstance(section_node, yaml.MappingNode):
        raise EditError(
            f"{section} must be a mapping of languages, not {_kind(section_node)}; correct it by hand first"
        )
    _unshared(root, section_node, section)
    at = _find(section_node, lang, section)
    if at is None:
        if first is None:
            return source, [*path, lang], None, None
        return _add(source, section_node, lang, flow), [*path, lang], None, None
    lang_key, lang_node = section_node.value[at]
    path.append(_loaded(lang_key))
    if _is_null(lang_node):
        if first is None:
            return source, path, None, None
        return _fill(source, lang_key, lang_node, flow), path, None, None
    if not isinstance(lang_node, yaml.MappingNode):
        raise EditError(f"{section}.{lang} must be a mapping, not {_kind(lang_node)}; correct it by hand first")
    _unshared(root, lang_node, f"{section}.{lang}")
    return source, path, lang_key, lang_node


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"'{node.value}'"


def _load(source: str) -> dict[Any, Any]:
    """The script as yaml.safe_load reads it: what every value but the edited one must still read as."""
    _compose(source)  # refuses what is not YAML, or not a mapping, with EditError
    return yaml.safe_load(source)


def _expect(data: dict[Any, Any], path: list[Any], value: Any = None, remove: bool = False) -> None:
    """Make the change in loaded data, as the edited script must then read."""
    for step in path[:-1]:
        if data.get(step) is None:
            data[step] = {}
        data = data[step]
    if remove:
        data.pop(path[-1], None)
    else:
        data[path[-1]] = value


def _checked(result: str, expected: Any) -> str:
    try:
        loaded = yaml.safe_load(result)
    except yaml.YAMLError:
        loaded = None
    if loaded != expected:
        raise EditError("the edited script would not read back as edited; nothing was changed")
    return result


def _check_name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EditError(f"{what} must be a non-empty string, not {value!r}")
    return value


# -- the lexicon --------------------------------------------------------------------------------
def set_lexicon_entry(source: str, lang: str, word: str, say: str | None, *, numbers_differ: bool = False) -> str:
    """`source` with ``lexicon.<lang>.<word>`` saying `say` (the entry removed when `say` is None),
    every other character as it was.

    With `numbers_differ` the entry is written ``{say: …, numbers_differ: true}``, the marked
    exception to the number guard; without it a marked entry loses its mark. Removing a word
    the lexicon does not have changes nothing.

    Raises:
        EditError: the lexicon or its language is not a mapping (a list, a scalar), the word is
            written twice, or the result would not read back as asked.
    """
    _check_name(lang, "the language")
    _check_name(word, "the word")
    if say is not None and not isinstance(say, str):
        raise EditError(f"what to say must be a string or None, not {say!r}")
    if not isinstance(numbers_differ, bool):
        raise EditError(f"numbers_differ must be True or False, not {numbers_differ!r}")
    expected = _load(source)
    if say is None:
        entry, loaded_entry = "", None
    elif numbers_differ:
        entry, loaded_entry = _flow({"say": _text(say), "numbers_differ": "true"}), {"say": say, "numbers_differ": True}
    else:
        entry, loaded_entry = _text(say), say
    result, path, lang_key, words = _language(source, "lexicon", lang, None if say is None else {word: entry})
    if words is None or lang_key is None:
        if result is source:  # a removal from a language the lexicon does not have
            return source
        _expect(expected, [*path, word], loaded_entry)
        return _checked(result, expected)
    at = _find(words, word, f"lexicon.{lang}")
    if at is None:
        if say is None:
            return source
        _expect(expected, [*path, word], loaded_entry)
        return _checked(_add(source, words, word, entry), expected)
    key, value = words.value[at]
    path.append(_loaded(key))
    if say is None:
        _expect(expected, path, remove=True)
        return _checked(_remove(source, words, lang_key, at), expected)
    if isinstance(value, yaml.ScalarNode):
        if not numbers_differ:
            if value.tag != _NULL and _loaded(value) == say:
                return source
            _expect(expected, path, say)
            return _checked(_replace_scalar(source, value, lambda style: _text(say, style)), expected)
        _expect(expected, path, loaded_entry)
        # The new mapping keeps the value's own quoting for what to say.
        style = value.style if value.style in ("'", '"') else None
        return _checked(
            _replace_scalar(source, value, lambda _: _flow({"say": _text(say, style), "numbers_differ": "true"})),
            expected,
        )
    if not isinstance(value, yaml.MappingNode):
        raise EditError(
            f"lexicon.{lang}.{word} must be what to say or {{say: …}}, not {_kind(value)}; correct it by hand first"
        )
    fields = _marked_fields(value, f"lexicon.{lang}.{word}")
    if not numbers_differ and "numbers_differ" in fields and len(fields) == len(value.value):
        # The mark goes and only say is left: the entry becomes what to say alone, in say's own quoting.
        _expect(expected, path, say)
        style = value.value[fields["say"]][1].style if "say" in fields else None
        return _checked(_replace_collection(source, key, value, _text(say, style)), expected)
    marked = dict(_loaded(value))
    marked["say"] = say
    if numbers_differ:
        marked["numbers_differ"] = True
    else:
        marked.pop("numbers_differ", None)
    _expect(expected, path, marked)
    result = _set_marked(source, lang, word, say, numbers_differ)
    return source if result is source else _checked(result, expected)


def _marked_fields(value: yaml.MappingNode, what: str) -> dict[str, int]:
    """Where ``say`` and ``numbers_differ`` are in an entry written as a mapping."""
    fields = {name: _find(value, name, what) for name in ("say", "numbers_differ")}
    return {name: i for name, i in fields.items() if i is not None}


def _set_marked(source: str, lang: str, word: str, say: str, numbers_differ: bool) -> str:
    """Set an entry written as a mapping ``{say: …, numbers_differ: …}``: say first, then the mark,
    finding the entry again after each change (the offsets after it have moved)."""
    what = f"lexicon.{lang}.{word}"

    def entry(text: str) -> tuple[yaml.Node, yaml.MappingNode, dict[str, int]]:
        _, _, _, words = _language(text, "lexicon", lang, None)
        at = None if words is None else _find(words, word, f"lexicon.{lang}")
        if words is None or at is None or not isinstance(words.value[at][1], yaml.MappingNode):
            raise EditError(f"{what} was not found again while it was edited")
        key, value = words.value[at]
        return key, value, _marked_fields(value, what)

    key, value, fields = entry(source)
    if "say" not in fields:
        source = _add(source, value, "say", _text(say))
    else:
        node = value.value[fields["say"]][1]
        if not isinstance(node, yaml.ScalarNode):
            raise EditError(f"{what}.say must be what to say, not {_kind(node)}; correct it by hand first")
        if node.tag == _NULL or _loaded(node) != say:
            source = _replace_scalar(source, node, lambda style: _text(say, style))
    key, value, fields = entry(source)
    if not numbers_differ:
        return _remove(source, value, key, fields["numbers_differ"]) if "numbers_differ" in fields else source
    if "numbers_differ" not in fields:
        return _add(source, value, "numbers_differ", "true")
    mark_key, node = value.value[fields["numbers_differ"]]
    if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL and _loaded(node) is True:
        return source
    if isinstance(node, yaml.ScalarNode):
        return _replace_scalar(source, node, lambda _: "true")
    return _replace_collection(source, mark_key, node, "true")


# -- voices -------------------------------------------------------------------------------------
def set_voice(source: str, lang: str, changes: Mapping[str, object]) -> str:
    """`source` with the keys of ``voices.<lang>`` set as in `changes` (None removes a key), every
    other character as it was; keys not in `changes` (a nested ``fallback``) are kept as written.

    Raises:
        EditError: voices or its language is not a mapping, a change would replace a nested
            mapping with a value, a value is not text, a number or true/false, or the result
            would not read back as asked.
    """
    _check_name(lang, "the language")
    renders = {
        _check_name(name, "a voice setting's name"): None if value is None else _setting(value)
        for name, value in changes.items()
    }
    expected = _load(source)
    result = source
    # One key at a time, the script composed again for each: every offset after a change moves.
    for name, render in renders.items():
        result, path = _set_setting(result, lang, name, render)
        if path is not None:
            _expect(expected, path, changes[name], remove=render is None)
    return source if result is source else _checked(result, expected)


def _set_setting(source: str, lang: str, name: str, render: Render | None) -> tuple[str, list[Any] | None]:
    """One change of a voice: the source, and the path of the key changed (None when nothing changed)."""
    what = f"voices.{lang}"
    first = None if render is None else {name: render(None)}  # a removal never creates the language
    result, path, lang_key, voice = _language(source, "voices", lang, first)
    if voice is None or lang_key is None:
        return result, None if result is source else [*path, name]
    at = _find(voice, name, what)
    if at is None:
        if render is None:
            return source, None
        return _add(source, voice, name, render(None)), [*path, name]
    key, node = voice.value[at]
    if render is None:
        return _remove(source, voice, lang_key, at), [*path, _loaded(key)]
    if not isinstance(node, yaml.ScalarNode):
        raise EditError(f"{what}.{name} is {_kind(node)}; it can be removed, not set to a value")
    written = render(node.style)
    old, new = _loaded(node), yaml.safe_load(written)
    if node.tag != _NULL and type(old) is type(new) and old == new:
        return source, None  # already so: not a byte changes
    return _replace_scalar(source, node, lambda _: written), [*path, _loaded(key)]
