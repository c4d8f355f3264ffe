"""``fmbom export`` and ``fmbom validate`` on CycloneDX documents."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom import Bom, cyclonedx
from fmbom.cli import main
from fmbom.native import dumps


@pytest.fixture
def native_file(tmp_path: Path, example_v1: Bom) -> Path:
    path = tmp_path / "assistant.json"
    path.write_text(dumps(example_v1), encoding="utf-8")
    return path


@pytest.mark.parametrize("version", ["1.5", "1.6", "1.7"])
@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml"])
def test_export_writes_valid_cyclonedx(
    native_file: Path, tmp_path: Path, example_v1: Bom, version: str, fmt: str
) -> None:
    out = tmp_path / f"out.{fmt}"
    code = main(
        ["export", str(native_file), "--format", fmt, "--spec-version", version, "-o", str(out)]
    )
    assert code == 0
    text = out.read_text(encoding="utf-8")
    encoding = "json" if fmt.endswith("json") else "xml"
    assert text == cyclonedx.dumps(example_v1, format=encoding, spec_version=version)  # type: ignore[arg-type]
    assert cyclonedx.schema_errors(text) == []


def test_export_defaults_to_json_1_6_on_stdout(
    native_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(native_file)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["specVersion"] == "1.6"


def test_export_of_cyclonedx_input_prints_warnings(
    corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    source = corpus("cyclonedx/valid-formulation-1.5.json")
    assert main(["export", str(source), "--format", "cyclonedx-xml"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("<?xml")
    assert "fmbom: warning:" in captured.err
    assert "formulation" in captured.err


def test_export_merge(
    native_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = tmp_path / "sbom.json"
    sbom.write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "version": 1,
                "components": [
                    {"type": "library", "name": "numpy", "bom-ref": "pkg:pypi/numpy@2.0.0"}
                ],
            }
        ),
        encoding="utf-8",
    )
    assert main(["export", str(native_file), "--merge", str(sbom)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "pkg:pypi/numpy@2.0.0" in {c["bom-ref"] for c in document["components"]}


def test_export_merge_of_an_invalid_sbom_fails_cleanly(
    native_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sbom = tmp_path / "sbom.json"
    sbom.write_text(
        json.dumps({"bomFormat": "CycloneDX", "components": [{"type": "foo", "name": "x"}]}),
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    assert main(["export", str(native_file), "--merge", str(sbom), "-o", str(out)]) == 2
    assert "CycloneDX specVersion None is not supported" in capsys.readouterr().err
    assert not out.exists()


def test_export_of_unreadable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["export", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fmbom: error:")
    assert "Traceback" not in err


def test_validate_reports_schema_problems(
    corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    source = corpus("cyclonedx/invalid-service-data-1.6.json")
    assert main(["validate", str(source)]) == 1
    out = capsys.readouterr().out
    assert "schema problem" in out
    assert "$.services[0].data[0].flow" in out


def test_validate_accepts_valid_cyclonedx(
    corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    source = corpus("cyclonedx/valid-machine-learning-1.6.xml")
    assert main(["validate", str(source)]) == 0
    assert "valid: 2 components" in capsys.readouterr().out
