"""``fmbom diff``: formats, exit codes, policy flags, goldens of the example release."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom.cli import main
from fmbom.native import dumps
from tests.conftest import EXAMPLES
from tests.unit.diff._system import system

V1 = str(EXAMPLES / "assistant-v1.json")
V2 = str(EXAMPLES / "assistant-v2.json")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("json", "json"), ("markdown", "md")])
def test_example_release_goldens(
    capsys: pytest.CaptureFixture[str],
    golden: Callable[[str, str], None],
    fmt: str,
    suffix: str,
) -> None:
    code, out, err = run(capsys, V1, V2, "--format", fmt, "--fail-on", "never")
    assert (code, err) == (0, "")
    golden(f"diff/assistant-v1-v2.{suffix}", out)


def test_json_report_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, V1, V2, "--format", "json")
    document = json.loads(out)
    assert document["fmbom-diff"] == "1"
    assert sum(document["summary"].values()) == len(document["changes"])
    assert code == (1 if document["summary"]["critical"] + document["summary"]["high"] else 0)


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("critical", 0), ("high", 1), ("medium", 1), ("info", 1), ("never", 0)],
)
def test_fail_on_threshold(capsys: pytest.CaptureFixture[str], fail_on: str, expected: int) -> None:
    assert run(capsys, V1, V2, "--fail-on", fail_on)[0] == expected


def test_default_fail_on_is_high(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, V1, V2, "--ignore", "provider-changed", "--ignore", "dataset-added")
    assert code == 0
    code, _, _ = run(capsys, V1, V2, "--ignore", "provider-changed")
    assert code == 1


def test_identical_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, V1, V1) == (0, "No changes.\n", "")


def test_severity_flag_and_policy_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text('ignore = ["provider-changed"]\n', encoding="utf-8")
    code, out, _ = run(
        capsys,
        V1,
        V2,
        "--policy",
        str(policy),
        "--severity",
        "dataset-added=low",
        "--format",
        "json",
    )
    rules = {c["rule"]: c["severity"] for c in json.loads(out)["changes"]}
    assert "provider-changed" not in rules
    assert rules["dataset-added"] == "low"
    assert code == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ignore", "nope"], "unknown rule 'nope'"),
        (["--severity", "license-changed=huge"], "unknown severity 'huge'"),
        (["--severity", "license-changed"], "RULE=LEVEL"),
        (["--policy", "/nonexistent/p.toml"], "cannot read policy"),
        (["--fail-on", "sometimes"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, V1, V2, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b'{"bomFormat": "SPDX"}', b'{"fmbom": "1", "components": 3}', b"[1, 2]"],
)
def test_unreadable_input_is_an_error_never_an_empty_diff(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, err = run(capsys, V1, str(bad))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert all(line.startswith(f"fmbom: error: {bad}: ") for line in lines)
    assert len(lines) == (2 if b"components" in content else 1)  # one line per problem
    assert "Traceback" not in err


def test_output_file_written_atomically(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    code, out, _ = run(capsys, V1, V2, "--format", "markdown", "-o", str(target))
    assert code == 1
    assert out == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("## BOM diff")
    assert "| critical | 0 |" in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_colour_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    old = tmp_path / "old.json"
    old.write_text(dumps(system()), encoding="utf-8")
    new = tmp_path / "new.json"
    new.write_text(dumps(system().remove("g-shield")), encoding="utf-8")
    _, plain, _ = run(capsys, str(old), str(new))
    assert "\033[" not in plain
    assert "CRITICAL (1)" in plain
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, coloured, _ = run(capsys, str(old), str(new))
    assert "\033[1;31mCRITICAL (1)\033[0m" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    _, no_colour, _ = run(capsys, str(old), str(new))
    assert "\033[" not in no_colour
