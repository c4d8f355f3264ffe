"""Rendering a diff result for people and machines: text, JSON and Markdown."""

from __future__ import annotations

import json
from collections.abc import Iterable

from fmbom._formats import DiffFormat
from fmbom._markdown import escape_markdown, table_code
from fmbom.diff._result import Change, ChangeSubject, DiffResult
from fmbom.severity import Severity

__all__ = ["DiffFormat", "render", "render_json", "render_markdown", "render_text"]


_COLOURS = {
    Severity.CRITICAL: "\033[1;31m",
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",
}
_RESET = "\033[0m"
_MAX_REACHES = 6


def render_json(result: DiffResult) -> str:
    """The versioned JSON report, keys sorted, two-space indent, one final newline."""
    return json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _reaches_text(reaches: Iterable[ChangeSubject]) -> str:
    names = [r.name for r in reaches]
    if len(names) > _MAX_REACHES:
        more = len(names) - _MAX_REACHES + 1
        names = [*names[: _MAX_REACHES - 1], f"{more} more"]
    return ", ".join(names)


def _grouped(result: DiffResult) -> list[tuple[Severity, list[Change]]]:
    groups: dict[Severity, list[Change]] = {}
    for change in result.changes:
        groups.setdefault(change.severity, []).append(change)
    return [(s, groups[s]) for s in sorted(groups, reverse=True)]


def _summary_line(result: DiffResult) -> str:
    total = len(result.changes)
    counts = ", ".join(f"{n} {s.value}" for s, n in result.summary.items())
    return f"{total} change{'' if total == 1 else 's'} ({counts})"


def render_text(result: DiffResult, *, colour: bool = False) -> str:
    """Changes grouped by severity, most severe first; ANSI colour when ``colour``."""
    if not result.changes:
        return "No changes.\n"
    lines = [_summary_line(result)]
    for severity, changes in _grouped(result):
        heading = f"{severity.value.upper()} ({len(changes)})"
        if colour:
            heading = f"{_COLOURS[severity]}{heading}{_RESET}"
        lines += ["", heading]
        for change in changes:
            lines.append(f"  [{change.rule}] {change.message}")
            reaches = [r for r in change.reaches if r.ref is not None]
            if reaches:
                lines.append(f"      reaches: {_reaches_text(reaches)}")
    return "\n".join(lines) + "\n"


def render_markdown(result: DiffResult) -> str:
    """A summary table by severity, then the details: ready for a pull-request comment."""
    lines = ["## BOM diff", ""]
    if not result.changes:
        return "\n".join([*lines, "No changes.", ""])
    lines += [_summary_line(result), "", "| Severity | Changes |", "| --- | ---: |"]
    lines += [f"| {s.value} | {n} |" for s, n in result.summary.items()]
    for severity, changes in _grouped(result):
        lines += ["", f"### {severity.value.capitalize()} ({len(changes)})", ""]
        lines += ["| Rule | Component | Change | Reaches |", "| --- | --- | --- | --- |"]
        for change in changes:
            subject = f"{change.subject.kind.value} {table_code(change.subject.name)}"
            reaches = [r for r in change.reaches if r.ref is not None]
            lines.append(
                f"| `{change.rule.value}` | {subject} | {escape_markdown(change.message)} "
                f"| {escape_markdown(_reaches_text(reaches))} |"
            )
    return "\n".join(lines) + "\n"


def render(result: DiffResult, format: DiffFormat | str, *, colour: bool = False) -> str:  # noqa: A002 - the CLI's name
    """The report of ``result`` in ``format`` (``colour`` applies to text only)."""
    chosen = DiffFormat.coerce(format, "format")
    if chosen is DiffFormat.JSON:
        return render_json(result)
    if chosen is DiffFormat.MARKDOWN:
        return render_markdown(result)
    return render_text(result, colour=colour)
