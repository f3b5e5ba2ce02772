"""The documents that promise behaviour name tests that exist."""

from __future__ import annotations

import re

from .conftest import ROOT


def test_every_test_named_in_reliability_md_exists():
    doc = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(?:test_[a-z_]+\.py::)?(test_[a-z0-9_]+)(?:\*|\[|`)", doc))
    source = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").glob("test_*.py"))
    defined = set(re.findall(r"def (test_[a-z0-9_]+)", source))
    # "test_billion_laughs_*" names a family of tests by its prefix.
    missing = sorted(n for n in named if n not in defined and not any(d.startswith(n) for d in defined))
    assert len(named) > 50 and missing == []
