"""Reading a script's composed YAML nodes: typed values (a mapping's keys, a list, a number in bounds, a safe id),
every problem collected with its line, every node visit counted (bounding alias bombs), and tags other than plain
YAML's, and unprintable characters, refused."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from ..errors import Problem, ScriptError
from .limits import ENVIRONMENT, Limits
from .safe_yaml import MERGE_TAG, PLAIN_TAGS, UNPRINTABLE, codepoint, shown

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
ON_OFF = ("auto", "off")

CREDENTIAL = re.compile(
    r"(secret|passw|token|credential|api[_-]?key|access[_-]?key|private[_-]?key|authori[sz]ation)", re.IGNORECASE
)
"""Key names that hold a credential: refused with their own message, whatever their place in a script."""


class NodeReader:
    """Reads values out of YAML nodes for one file, collecting its problems (the script's, a lexicon file's)."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        """The file read, named in every problem."""
        self.limits = limits or Limits()
        """The bounds on what is read."""
        self.problems: list[Problem] = []
        """Every problem found so far, in the order found."""
        self.visits = 0
        """Nodes visited so far, an aliased node counted each time it is used."""
        self.refused: set[int] = set()
        """Ids of nodes already reported for their tag or characters: an alias repeats a node, not its problems."""

    # -- reporting ---------------------------------------------------------
    def problem(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        # Messages quote the script's values; never send control characters to the terminal.
        self.problems.append(Problem(self.path, line, shown(message)))

    def visit(self, node: yaml.Node) -> None:
        """Count a node (bounding alias bombs); refuse tags that are not plain YAML and unprintable characters."""
        self.visits += 1
        if self.visits > self.limits.yaml_nodes:
            # Alias bombs make the tree enormous; stop before it costs memory or time.
            raise ScriptError(
                [
                    *self.problems,
                    Problem(
                        self.path,
                        node.start_mark.line + 1,
                        f"script too large or too deeply aliased (more than {self.limits.yaml_nodes:,} values; "
                        f"{ENVIRONMENT['yaml_nodes']} raises the limit)",
                    ),
                ]
            )
        if id(node) in self.refused:
            return
        if node.tag not in PLAIN_TAGS:
            self.refused.add(id(node))
            self.problem(
                node, f"YAML tag '{node.tag}' is not allowed in a script (only plain text, numbers, lists and mappings)"
            )
        elif isinstance(node, yaml.ScalarNode):
            bad = UNPRINTABLE.search(node.value)
            if bad:
                self.refused.add(id(node))
                self.problem(
                    node,
                    f"the value contains character {codepoint(bad.group())} (written with an escape); "
                    "control characters and unpaired surrogates are not allowed in a script",
                )

    def usable(self, node: yaml.Node) -> bool:
        """Whether a visited scalar may be used (not refused for its tag or characters)."""
        return id(node) not in self.refused

    # -- node helpers ------------------------------------------------------
    def mapping(
        self, node: yaml.Node, what: str, allowed: Sequence[str] | None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """Keys of a mapping node -> (key node, value node); reports wrong types, unknown and duplicate keys.

        `allowed` None accepts any key (languages, lexicon words: the caller checks them).
        """
        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping (key: value lines), not {_kind(node)}")
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                # YAML 1.2 (editors, the JSON schema) has no merge keys: '<<' would mean two different things.
                self.problem(
                    key_node,
                    f"{what}: merge keys ('<<') are not supported; write the keys out "
                    "(an alias like *name may stand for a whole value)",
                )
                continue
            self.visit(key_node)
            if not self.usable(key_node):
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(key_node, f"{what}: keys must be plain words")
                continue
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.problem(key_node, f"{what}: duplicate key '{key}' (first at line {first})")
                continue
            if allowed is not None and key not in allowed and CREDENTIAL.search(key):
                self.problem(
                    key_node,
                    f"{what}: '{key}' looks like a credential; a script never holds one (it is shared, and published "
                    "beside the guide): set it in the environment or the vendor's credential file instead",
                )
                continue
            if allowed is not None and key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
                hint = f"did you mean '{near[0]}'? " if near else ""
                self.problem(key_node, f"{what}: unknown key '{key}' ({hint}allowed: {', '.join(allowed)})")
                continue
            out[key] = (key_node, value_node)
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        self.visit(node)
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list (lines starting with '- '), not {_kind(node)}")
            return []
        return list(node.value)

    def items(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """A list that must have at least one entry."""
        found = self.sequence(node, what)
        if not found and isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} is empty")
        return found

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        """A non-null scalar's text as written."""
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be a single value, not {_kind(node)}")
            return None
        if not self.usable(node):
            return None
        if node.tag == "tag:yaml.org,2002:null":
            self.problem(node, f"{what} is empty")
            return None
        return node.value

    def number(self, node: yaml.Node, what: str, low: float, high: float) -> float | None:
        raw = self.scalar(node, what)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.problem(node, f"{what} must be a number, not '{raw}'")
            return None
        if not low <= value <= high:
            self.problem(node, f"{what} must be between {low:g} and {high:g}, not {value:g}")
            return None
        return value

    def slug(self, node: yaml.Node, what: str) -> str | None:
        raw = self.scalar(node, what)
        if raw is None:
            return None
        if not SLUG_RE.fullmatch(raw) or len(raw) > SLUG_MAX:
            self.problem(
                node,
                f"{what} '{raw}' is not a safe id: use lowercase letters, digits and single hyphens "
                f"(like 'how-long'), at most {SLUG_MAX} characters",
            )
            return None
        return raw

    def choice(self, node: yaml.Node, what: str, allowed: Sequence[str]) -> str | None:
        """One of a few words; YAML's `off` (a boolean) is read as the word."""
        raw = self.scalar(node, what)
        if raw is None:
            return None
        if raw.lower() not in allowed:
            self.problem(node, f"{what} must be one of {', '.join(allowed)}, not '{raw}'")
            return None
        return raw.lower()

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        raw = self.scalar(node, what)
        if raw is None:
            return None
        if node.tag != "tag:yaml.org,2002:bool":
            self.problem(node, f"{what} must be true or false, not '{raw}'")
            return None
        return raw.lower() in ("true", "yes", "on")

    def existing_file(self, node: yaml.Node, what: str) -> Path | None:
        """A file named in the script, relative to the script's folder, that must exist and be readable."""
        raw = self.scalar(node, what)
        if raw is None:
            return None
        try:
            path = (self.path.parent / raw).expanduser()
            found = path.is_file()
        except RuntimeError:  # '~someone/…' for a user this machine does not know
            self.problem(node, f"{what}: cannot find the home folder in '{raw[:60]}'")
            return None
        except OSError as exc:  # a name too long for the file system, a loop of links
            self.problem(node, f"{what}: cannot use '{raw[:60]}…': {exc.strerror}")
            return None
        if not found:
            self.problem(node, f"{what}: no such file: {path}")
            return None
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            self.problem(node, f"{what}: cannot read {path}: {exc.strerror}")
            return None
        return path


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null":
        return "empty"
    return f"the value '{node.value[:40]}'"
