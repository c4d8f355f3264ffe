"""``fmbom export`` reads through :mod:`fmbom.io` and writes every :class:`OutputFormat`."""

from __future__ import annotations

from pathlib import Path

import pytest

from fmbom.bom import Bom
from fmbom.cli import main
from fmbom.io import OutputFormat, dumps_bom, loads_bom
from tests.conftest import EXAMPLES

V1 = str(EXAMPLES / "assistant-v1.json")


@pytest.mark.parametrize("chosen", list(OutputFormat))
def test_export_writes_every_output_format(
    chosen: OutputFormat, example_v1: Bom, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", V1, "--format", chosen.value]) == 0
    out = capsys.readouterr().out
    assert out == dumps_bom(example_v1, chosen)
    assert loads_bom(out) == loads_bom(dumps_bom(example_v1, chosen))


def test_native_export_refuses_cyclonedx_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", V1, "--format", "native", "--spec-version", "1.5"]) == 2
    assert "apply only to the cyclonedx formats" in capsys.readouterr().err


def test_export_of_cyclonedx_input_prints_import_warnings(
    tmp_path: Path, example_v1: Bom, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.cdx.json"
    source.write_text(
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, '
        '"metadata": {"component": {"type": "application", "name": "s"}}, '
        '"annotations": [{"text": "x", "subjects": [], "annotator": {}, "timestamp": "2024"}]}',
        encoding="utf-8",
    )
    assert main(["export", str(source), "--format", "native"]) == 0
    captured = capsys.readouterr()
    assert loads_bom(captured.out).metadata.subject.name == "s"
    assert f"fmbom: warning: {source}: " in captured.err
