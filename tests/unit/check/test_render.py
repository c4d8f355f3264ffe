"""The text, JSON and Markdown forms of a check result."""

from __future__ import annotations

import json

from fmbom.check import CheckResult, Severity, check, to_json, to_json_dict, to_markdown, to_text
from tests.unit.check.boms import complete, with_model


def _broken() -> CheckResult:
    return check(with_model(complete(), "base", governance=None, name='base "|<x>|" ✓'))


def test_json_report_has_the_documented_keys() -> None:
    result = _broken()
    document = json.loads(to_json(result))
    assert document["fmbom-check"] == "1"
    assert document["profile"] == "minimum-record"
    assert document["subject"] == {
        "kind": "deployed-system",
        "name": "example-assistant",
        "ref": None,
    }
    assert len(document["findings"]) == len(result.findings)
    for finding in document["findings"]:
        assert set(finding) == {"id", "severity", "subject", "section", "message"}
        assert set(finding["subject"]) == {"kind", "name", "ref"}
        assert finding["severity"] in {s.value for s in Severity}
    first = document["findings"][0]
    assert first["subject"] == {"kind": "model", "name": 'base "|<x>|" ✓', "ref": "base"}
    summary = document["summary"]
    assert list(summary) == ["critical", "high", "medium", "low", "info", "total"]
    assert summary["total"] == len(result.findings)
    assert sum(v for k, v in summary.items() if k != "total") == summary["total"]
    assert to_json_dict(result) == document


def test_json_is_deterministic() -> None:
    assert to_json(_broken()) == to_json(_broken())


def test_text_lists_one_finding_a_line_with_a_summary() -> None:
    result = _broken()
    lines = to_text(result).splitlines()
    high = sum(1 for f in result.findings if f.severity is Severity.HIGH)
    assert lines[0].startswith("check of deployed-system example-assistant")
    assert f"{len(result.findings)} findings ({high} high" in lines[0]
    assert len(lines) == 1 + len(result.findings)
    assert lines[1].startswith("HIGH ")
    assert all(f.id in line for f, line in zip(result.findings, lines[1:], strict=True))


def test_text_of_a_passing_check_says_what_it_means() -> None:
    text = to_text(check(complete()))
    assert text.startswith("check of deployed-system example-assistant (profile minimum-record)")
    assert "0 findings" in text
    assert "not a safety review" in text


def test_markdown_table_escapes_user_text() -> None:
    markdown = to_markdown(_broken())
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert rows[0] == "| severity | id | subject | section | message |"
    body = rows[1:]
    assert len(body) == len(_broken().findings)
    assert all(row.count(" | ") == 4 for row in body)  # no pipe broke out of its cell
    assert '\\|&lt;x&gt;\\|" ✓' in markdown
    assert "<x>" not in markdown


def test_markdown_of_a_passing_check_disclaims_safety() -> None:
    markdown = to_markdown(check(complete()), heading_level=2)
    assert markdown.startswith("## Check: deployed-system example-assistant")
    assert "not about safety or legal compliance" in markdown
