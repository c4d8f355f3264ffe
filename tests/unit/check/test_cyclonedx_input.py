"""Check, graph and report read CycloneDX: fmbom's own export and third-party ML-BOMs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom import read_bom
from fmbom.check import check, to_json
from fmbom.cli import main
from fmbom.graph import build, to_mermaid
from fmbom.report import to_html
from tests.conftest import EXAMPLES


def test_exported_cyclonedx_checks_like_the_native_bom(tmp_path: Path) -> None:
    exported = tmp_path / "assistant.cdx.json"
    native = EXAMPLES / "assistant-v1.json"
    assert main(["export", str(native), "--format", "cyclonedx-json", "-o", str(exported)]) == 0
    assert to_json(check(read_bom(exported))) == to_json(check(read_bom(native)))
    assert to_mermaid(build(read_bom(exported))) == to_mermaid(build(read_bom(native)))


@pytest.mark.parametrize(
    ("name", "subject_kind"),
    [
        ("check/qwen-7b-mlbom-1.7_schema_example_v1.json", "base-model"),
        ("check/k8s-aibom-vllm-deployment-output.json", "deployed-system"),
    ],
)
def test_third_party_ml_boms(
    name: str,
    subject_kind: str,
    corpus: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = corpus(name)
    out = tmp_path / "check.json"
    # third-party BOMs carry no fmbom governance record: high findings, exit 1
    assert main(["check", str(path), "--format", "json", "-o", str(out)]) == 1
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["subject"]["kind"] == subject_kind
    assert document["summary"]["high"] >= 1
    missing = {
        f["section"]
        for f in document["findings"]
        if f["id"] == "record-section-missing" and f["subject"]["ref"] is None
    }
    assert "identity" in missing
    bom = read_bom(path)
    page = to_html(bom)
    assert page.count("<g>") == len(bom.components) + 1
    assert main(["graph", str(path), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph fmbom {")
