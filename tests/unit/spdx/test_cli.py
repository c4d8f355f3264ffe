"""``fmbom export --format spdx3-json|native``, ``validate`` and ``diff`` on SPDX 3 documents."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom import Bom, cyclonedx, native, spdx
from fmbom.cli import main
from tests.conftest import EXAMPLES


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_export_writes_spdx_and_native(tmp_path: Path, example_v1: Bom) -> None:
    source = _write(tmp_path / "v1.json", native.dumps(example_v1))
    out = tmp_path / "v1.spdx.json"
    assert main(["export", str(source), "--format", "spdx3-json", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == spdx.dumps(example_v1)
    back = tmp_path / "back.json"
    assert main(["export", str(out), "--format", "native", "-o", str(back)]) == 0
    assert back.read_text(encoding="utf-8") == native.dumps(example_v1)


def test_export_native_converts_cyclonedx_and_reports_warnings(
    tmp_path: Path, corpus: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = corpus("spdx/ai-example01-simplehtr.spdx3.json")
    assert main(["export", str(path), "--format", "native"]) == 0
    captured = capsys.readouterr()
    assert native.loads(captured.out) == spdx.loads(path.read_text(encoding="utf-8"))
    assert "fmbom: warning: " in captured.err
    cdx = _write(tmp_path / "in.cdx.json", cyclonedx.dumps(spdx.loads(path.read_bytes())))
    assert main(["export", str(cdx), "--format", "native"]) == 0
    assert native.loads(capsys.readouterr().out) == cyclonedx.loads(cdx.read_text("utf-8"))


def test_merge_is_refused_for_spdx(tmp_path: Path, example_v1: Bom) -> None:
    source = _write(tmp_path / "v1.json", native.dumps(example_v1))
    code = main(["export", str(source), "--format", "spdx3-json", "--merge", str(source)])
    assert code == 2


def test_validate_checks_spdx_against_the_json_schema(
    tmp_path: Path, example_v1: Bom, capsys: pytest.CaptureFixture[str]
) -> None:
    document = spdx.to_dict(example_v1)
    good = _write(tmp_path / "good.json", json.dumps(document))
    assert main(["validate", str(good)]) == 0
    assert "valid: " in capsys.readouterr().out
    document["@graph"][-1]["bogus"] = 1
    document["@graph"][0]["specVersion"] = 3
    bad = _write(tmp_path / "bad.json", json.dumps(document))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "invalid: 2 SPDX 3.0.1 schema problem(s)" in out
    assert "'bogus' is not allowed" in out
    assert "$.@graph[0].specVersion: 3 is not of type 'string'" in out


def _diff_json(old: Path, new: Path, capsys: pytest.CaptureFixture[str]) -> object:
    main(["diff", str(old), str(new), "--format", "json", "--fail-on", "never"])
    return json.loads(capsys.readouterr().out)


def test_diff_of_native_against_spdx_equals_the_native_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1, v2 = EXAMPLES / "assistant-v1.json", EXAMPLES / "assistant-v2.json"
    v2_spdx = _write(tmp_path / "v2.spdx.json", spdx.dumps(native.loads(v2.read_bytes())))
    v1_spdx = _write(tmp_path / "v1.spdx.json", spdx.dumps(native.loads(v1.read_bytes())))
    expected = _diff_json(v1, v2, capsys)
    assert expected["changes"]  # type: ignore[index]
    assert _diff_json(v1, v2_spdx, capsys) == expected
    assert _diff_json(v1_spdx, v2, capsys) == expected
    assert _diff_json(v1_spdx, v2_spdx, capsys) == expected


def test_write_bom_writes_spdx(tmp_path: Path, example_v1: Bom) -> None:
    from fmbom import io
    from fmbom.errors import ExportError

    path = tmp_path / "out.spdx.json"
    io.write_bom(example_v1, path, "spdx3-json")
    assert path.read_text(encoding="utf-8") == spdx.dumps(example_v1)
    assert io.read_bom(path) == example_v1
    with pytest.raises(ExportError, match="only to the CycloneDX formats"):
        io.dumps_bom(example_v1, io.OutputFormat.SPDX3_JSON, spec_version="1.6")
