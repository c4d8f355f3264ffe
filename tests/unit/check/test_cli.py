"""``fmbom check``: formats, profiles, --fail-on and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fmbom import InferenceProvider
from fmbom.cli import main
from fmbom.native import dumps
from tests.unit.check.boms import complete, with_model


@pytest.fixture
def complete_file(tmp_path: Path) -> Path:
    path = tmp_path / "complete.json"
    path.write_text(dumps(complete()), encoding="utf-8")
    return path


@pytest.fixture
def medium_file(tmp_path: Path) -> Path:
    """A BOM whose only finding is medium: an inference provider without retention terms."""
    bom = complete().replace(InferenceProvider(ref="host", name="host"))
    path = tmp_path / "medium.json"
    path.write_text(dumps(bom), encoding="utf-8")
    return path


def test_passing_check_exits_0(complete_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(complete_file)]) == 0
    assert "0 findings" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [("critical", 0), ("high", 0), ("medium", 1), ("low", 1), ("info", 1), ("never", 0)],
)
def test_fail_on_threshold(
    medium_file: Path, fail_on: str, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(medium_file), "--fail-on", fail_on]) == code
    out = capsys.readouterr().out
    assert "1 finding (1 medium)" in out
    assert "provider-without-retention-terms" in out


def test_default_fail_on_is_high(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(dumps(with_model(complete(), "base", governance=None)), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "record-section-missing" in capsys.readouterr().out


def test_json_output_to_file(complete_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "check.json"
    out.parent.mkdir()
    code = main(["check", str(complete_file), "--format", "json", "-o", str(out)])
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["total"] == 0


def test_profile_option(complete_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["check", str(complete_file), "--profile", "eu-ai-act-gpai", "--format", "markdown"])
        == 0
    )
    assert "Profile `eu-ai-act-gpai`" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{missing}"],
        ["check", "{complete}", "--profile", "nope"],
        ["check", "{complete}", "--fail-on", "severe"],
        ["check", "{complete}", "--format", "yaml"],
        ["check", "{garbage}"],
    ],
)
def test_usage_and_input_errors_exit_2(
    argv: list[str], complete_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"fmbom": "1", "metadata": 3}', encoding="utf-8")
    names = {
        "missing": str(tmp_path / "nope.json"),
        "complete": str(complete_file),
        "garbage": str(garbage),
    }
    assert main([a.format(**names) for a in argv]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("fmbom: error: ")]
    assert len(errors) == 1
    assert err.endswith(errors[0] + "\n")
    assert "Traceback" not in err


def test_failed_run_leaves_no_output(tmp_path: Path) -> None:
    out = tmp_path / "check.txt"
    out.write_text("previous\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "missing.json"), "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "previous\n"
