"""Check results as text, JSON and Markdown."""

from __future__ import annotations

import json
from typing import Any, Final

from fmbom._formats import CheckFormat
from fmbom._markdown import escape_markdown
from fmbom._subject_ref import SubjectRef
from fmbom.check._result import CheckResult, Finding

__all__ = [
    "JSON_VERSION",
    "CheckFormat",
    "render",
    "to_json",
    "to_json_dict",
    "to_markdown",
    "to_text",
]

#: The value of the ``fmbom-check`` key of the JSON report.
JSON_VERSION: Final = "1"


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id.value,
        "severity": finding.severity.value,
        "subject": finding.subject.to_json(),
        "section": finding.section.value,
        "message": finding.message,
    }


def to_json_dict(result: CheckResult) -> dict[str, Any]:
    """The JSON report as plain data: ``fmbom-check``, ``profile``, ``subject``, ``findings``,
    ``summary``."""
    return {
        "fmbom-check": JSON_VERSION,
        "profile": result.profile.value,
        "subject": result.subject.to_json(),
        "findings": [_finding_dict(f) for f in result.findings],
        # the check report has carried the total beside the counts since its first version
        "summary": {**result.summary.to_json(), "total": result.summary.total},
    }


def to_json(result: CheckResult) -> str:
    """The JSON report, deterministic, with a trailing newline."""
    return json.dumps(to_json_dict(result), indent=2, ensure_ascii=False) + "\n"


def _name(subject: SubjectRef) -> str:
    ref = f" [{subject.ref}]" if subject.ref is not None else ""
    return f"{subject.kind.value} {subject.name}{ref}"


def _summary_line(result: CheckResult) -> str:
    counts = result.summary
    total = counts.total
    parts = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    noun = "finding" if total == 1 else "findings"
    return f"{total} {noun}" + (f" ({parts})" if parts else "")


def _heading(result: CheckResult) -> str:
    return f"check of {_name(result.subject)} (profile {result.profile.value})"


def _flat(text: str) -> str:
    """Text on one line: every run of white space, newlines included, becomes one space."""
    return " ".join(text.split())


def to_text(result: CheckResult) -> str:
    """One finding a line, most severe first, then a summary line."""
    lines = [_flat(_heading(result)) + ": " + _summary_line(result)]
    lines.extend(
        f"{f.severity.value.upper():<8} {f.id.value}  {_flat(_name(f.subject))}  "
        f"{f.section.value}: {_flat(f.message)}"
        for f in result.findings
    )
    if result.passed:
        lines.append("the record is complete for this profile (documentation, not a safety review)")
    return "\n".join(lines) + "\n"


def to_markdown(result: CheckResult, heading_level: int = 1) -> str:
    """A Markdown section: heading, summary, and a table of findings."""
    hashes = "#" * heading_level
    lines = [
        f"{hashes} Check: {escape_markdown(_name(result.subject))}",
        "",
        f"Profile `{result.profile.value}`: {_summary_line(result)}.",
        "",
    ]
    if result.findings:
        lines += [
            "| severity | id | subject | section | message |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {f.severity.value} | `{f.id.value}` | {escape_markdown(_name(f.subject))} "
            f"| {f.section.value} | {escape_markdown(f.message)} |"
            for f in result.findings
        ]
    else:
        lines.append(
            "No findings: the record is complete for this profile. This is a statement about "
            "documentation, not about safety or legal compliance."
        )
    return "\n".join(lines) + "\n"


def render(result: CheckResult, format: CheckFormat | str) -> str:  # noqa: A002 - the CLI's name
    """The report of ``result`` in ``format``."""
    chosen = CheckFormat.coerce(format, "format")
    if chosen is CheckFormat.JSON:
        return to_json(result)
    if chosen is CheckFormat.MARKDOWN:
        return to_markdown(result)
    return to_text(result)
