"""YAML text to nodes, safely: the safe loader only, every node keeping its line, and bounds on what could
exhaust time or memory (nesting depth, values, a second document, unprintable characters) checked before
the work they bound (``docs/limits.md``)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import Problem, ScriptError
from .limits import ENVIRONMENT, Limits

# libyaml's parser and composer are C: ten times faster than PyYAML's Python ones on a
# large script, with the same nodes and marks. The pure-Python loader remains the fallback.
_YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Characters YAML does not allow in a file (PyYAML's and libyaml's reader refuse them
# too), and that a script may not smuggle in through escapes ("\0", "\ud800") either:
# control characters other than tab and line breaks, and unpaired surrogates, which
# cannot be spoken, nor written to any UTF-8 file.
UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What YAML counts as a line break, so lines computed here agree with its marks.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
MERGE_TAG = "tag:yaml.org,2002:merge"
"""YAML 1.1's merge key (``<<``), which a script may not use."""
_LIBYAML_MAX_DEPTH = 1000
"""libyaml refuses deeper nesting itself (YAML_MAX_NESTING_LEVEL)."""
PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
"""The tags of plain YAML values: any other (``!!python/object``) is refused."""


def compose_yaml(source: str, path: Path, limits: Limits) -> yaml.Node | None:
    """Compose YAML text into nodes (None for an empty stream), refusing what could exhaust time or memory.

    Before composing, one cheap pass over the parser's events bounds the nesting depth
    (the composer is recursive) and the number of values (each costs memory), and
    refuses a second document; unprintable characters are refused before parsing.

    Raises:
        ScriptError: a YAML syntax error, a refused character, or a bound exceeded; with its line.
    """
    bad = UNPRINTABLE.search(source)
    if bad:
        line, column = _position(source, bad.start())
        hint = "; is the file UTF-16? save it as UTF-8" if bad.group() == "\0" else "; remove it"
        message = f"character {codepoint(bad.group())} is not allowed in a YAML file{hint}"
        raise ScriptError([Problem(path, line, message, column)])
    try:
        _check_events(source, path, limits)
        return yaml.compose(source, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = f"YAML syntax error: {exc.problem or exc.context or 'invalid YAML'}"
        if "maximum nesting depth" in what:
            # libyaml's own bound (1000 levels), met first when it scans ahead on one long line.
            what = _too_deep(min(limits.yaml_depth, _LIBYAML_MAX_DEPTH))
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise ScriptError([Problem(path, line, shown(what), col)]) from None
    except yaml.reader.ReaderError as exc:
        # Unprintable characters are refused above, so this is a safety net only.
        line, column = _position(source, exc.position)
        raise ScriptError([Problem(path, line, f"YAML error: {exc.reason}", column)]) from None
    except yaml.YAMLError as exc:
        raise ScriptError([Problem(path, None, f"YAML error: {shown(str(exc))}")]) from None
    except RecursionError:
        # Unreachable with the depth bound checked above; the last resort should a composer still recurse too deep.
        raise ScriptError([Problem(path, None, _too_deep(limits.yaml_depth))]) from None


def _check_events(source: str, path: Path, limits: Limits) -> None:
    """Walk the parser's events without composing: bound depth and values, refuse a second document."""
    depth = values = documents = 0
    for event in yaml.parse(source, Loader=_YAML_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            values += 1
            depth += 1
            if depth > limits.yaml_depth:
                raise ScriptError([_at(path, event, _too_deep(limits.yaml_depth))])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            values += 1
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                second = "a second YAML document starts here ('---'); a script is one document"
                raise ScriptError([_at(path, event, second)])
        if values > limits.yaml_nodes:
            message = (
                f"the script holds more than {limits.yaml_nodes:,} YAML values "
                f"({ENVIRONMENT['yaml_nodes']} raises the limit)"
            )
            raise ScriptError([_at(path, event, message)])


def _too_deep(depth: int) -> str:
    """The message for nesting deeper than `depth`."""
    return (
        f"lists and mappings nested more than {depth:,} levels deep "
        f"(a script needs about 8; {ENVIRONMENT['yaml_depth']} raises the limit)"
    )


def _at(path: Path, event: yaml.Event, message: str) -> Problem:
    """A problem at an event's start."""
    mark = event.start_mark
    return Problem(path, mark.line + 1 if mark else None, message, mark.column + 1 if mark else None)


def _position(source: str, index: int) -> tuple[int, int]:
    """1-based line and column of `index` in `source`, counting line breaks as YAML does."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(source, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


def codepoint(char: str) -> str:
    """``U+0000``: a character named for a message."""
    return f"U+{ord(char):04X}"


def shown(text: str) -> str:
    """`text` with characters a terminal should not receive (controls, lone surrogates) written as escapes."""
    return UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)
