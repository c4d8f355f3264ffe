"""The rule catalog page lists every rule with its default severity and mirror."""

from __future__ import annotations

import re

from fmbom.diff import RULES
from tests.conftest import ROOT


def test_rule_catalog_page_matches_the_rules() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): (m.group(2), m.group(3))
        for m in re.finditer(
            r"^\| `([a-z-]+)` \| ([a-z]+)[^|]* \| (itself|`[a-z-]+`) \|$", text, re.M
        )
    }
    assert set(rows) == set(RULES)
    for rule, info in RULES.items():
        severity, mirror = rows[rule]
        assert severity == info.severity.value, rule
        assert mirror == ("itself" if info.mirror == rule else f"`{info.mirror}`"), rule
        assert f"`{rule}`" in text.split("| --- | --- | --- |", 1)[1].split("\n## ", 1)[1], rule
