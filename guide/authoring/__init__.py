"""Authoring helpers: turn an article (plain text or Markdown) into a YAML script skeleton (``guide init``)."""

from .article import (
    Article,
    ArticleList,
    ArticleSection,
    Block,
    Question,
    parse_article,
    strip_markdown,
)
from .skeleton import (
    escape_markup,
    init_script,
    read_article,
    script_data,
    skeleton_yaml,
    slugify,
)

__all__ = [
    "Article",
    "ArticleList",
    "ArticleSection",
    "Block",
    "Question",
    "escape_markup",
    "init_script",
    "parse_article",
    "read_article",
    "script_data",
    "skeleton_yaml",
    "slugify",
    "strip_markdown",
]
