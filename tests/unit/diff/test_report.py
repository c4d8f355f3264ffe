"""Text and Markdown renderings of a diff result."""

from __future__ import annotations

from fmbom import Bom, Dataset, Model, RelationKind
from fmbom.diff import diff
from fmbom.diff._report import render_markdown, render_text


def _wide() -> tuple[Bom, Bom]:
    """A dataset that eight models were trained on; then its description changes."""
    models = [Model(ref=f"m{i}", name=f"model|{i}") for i in range(8)]
    old = Bom.create("sys").add(Dataset(ref="d", name="data"), models)
    for i in range(8):
        old = old.relate(f"m{i}", RelationKind.TRAINED_ON, "d")
    new = old.replace(Dataset(ref="d", name="data", description="new | text"))
    return old, new


def test_text_groups_by_severity_and_shortens_long_reach() -> None:
    old, new = _wide()
    text = render_text(diff(old, new))
    lines = text.splitlines()
    assert lines[0] == "1 change (0 critical, 0 high, 0 medium, 0 low, 1 info)"
    assert lines[2] == "INFO (1)"
    assert lines[3] == "  [field-changed] dataset data: description set to new | text"
    assert lines[4].startswith("      reaches: model|0, model|1, ")
    assert lines[4].endswith("model|4, 3 more")


def test_markdown_escapes_table_cells() -> None:
    old, new = _wide()
    markdown = render_markdown(diff(old, new))
    assert "| info | 1 |" in markdown
    assert "### Info (1)" in markdown
    assert "description set to new \\| text" in markdown
    assert "model\\|0" in markdown
    assert render_markdown(diff(old, old)) == "## BOM diff\n\nNo changes.\n"
