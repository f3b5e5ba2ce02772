"""Authoring helpers: turn an article (plain text or Markdown) into a YAML script skeleton (``guide init``),
and review a script before it is recorded (:mod:`guide.authoring.review`).

The names below are loaded on first use: every build imports the review, and only ``guide init``
needs the article parser and the skeleton writer.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    **dict.fromkeys(
        ("Article", "ArticleList", "ArticleSection", "Block", "Question", "parse_article", "strip_markdown"), "article"
    ),
    **dict.fromkeys(
        ("escape_markup", "init_script", "read_article", "script_data", "skeleton_yaml", "slugify"), "skeleton"
    ),
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
