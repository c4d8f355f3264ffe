"""``fmbom scan`` on the command line: outputs, stderr lines, exit codes."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom import Model, Weights, read_bom
from fmbom.cli import main
from fmbom.native import loads
from fmbom.scan import scan
from tests.unit.scan._independent import safetensors_counts

Data = Callable[[str], Path]


def test_scan_prints_native_json_and_warnings(
    data: Data, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["scan", str(data("genz-70b-gptq")), "--cache-dir", str(cache_dir), "--version", "1.0"]
    )
    out, err = capsys.readouterr()
    assert code == 0
    bom = loads(out)
    assert bom.metadata.subject.name == "genz-70b-gptq"
    assert bom.metadata.subject.version == "1.0"
    assert bom.component("model").version == "1.0"
    lines = err.splitlines()
    expected = "fmbom: model.safetensors: warning: is a Git LFS pointer; recorded with the "
    assert lines == [expected + "object id it names"]


def test_output_file_and_name(data: Data, cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bom.json"
    args = ["scan", str(data("fracast")), "-o", str(out), "--name", "fracast", "--no-cache"]
    assert main(args) == 0
    bom = read_bom(out)
    assert bom.metadata.subject.name == "fracast"
    assert not cache_dir.exists()


def test_strict_turns_problems_into_exit_1(
    data: Data, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["scan", str(data("genz-70b-gptq")), "--cache-dir", str(cache_dir), "--strict"]
    assert main(args) == 1
    assert main(["scan", str(data("fracast")), "--cache-dir", str(cache_dir), "--strict"]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "/no/such/model"], "no such file or directory"),
        (["scan", ".", "--algorithm", "md4"], "unknown hash algorithm"),
        (["scan", ".", "--workers", "0"], "--workers must be at least 1"),
        (["scan", ".", "--spec-version", "1.6"], "--spec-version applies only"),
        (["scan", ".", "--format", "spdx"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml"])
def test_cyclonedx_formats(data: Data, cache_dir: Path, tmp_path: Path, fmt: str) -> None:
    cyclonedx = pytest.importorskip("fmbom.cyclonedx")
    out = tmp_path / f"bom.{fmt}"
    args = ["scan", str(data("peft-lora-llama-3.2-3b")), "--cache-dir", str(cache_dir)]
    assert main([*args, "--format", fmt, "-o", str(out)]) == 0
    text = out.read_text()
    assert cyclonedx.schema_errors(text) == []
    if fmt == "cyclonedx-json":
        assert json.loads(text)["specVersion"] == "1.6"
    native = scan(data("peft-lora-llama-3.2-3b"), cache_dir=cache_dir).bom
    assert read_bom(out) == native  # CycloneDX carries everything the scan found


def test_spec_version_for_cyclonedx(
    data: Data, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("fmbom.cyclonedx")
    args = ["scan", str(data("fracast")), "--cache-dir", str(cache_dir)]
    assert main([*args, "--format", "cyclonedx-json", "--spec-version", "1.5"]) == 0
    assert json.loads(capsys.readouterr().out)["specVersion"] == "1.5"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(
    data: Data, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["scan", str(data("gguf")), "--no-cache", "--workers", "2"]) == 0
    drawn = terminal.getvalue()
    assert "\rhashing 100%" in drawn
    assert "/s" in drawn
    assert drawn.endswith("\r\x1b[K")
    assert loads(capsys.readouterr().out).metadata.subject.name == "gguf"


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    data: Data, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(data("gguf")), "--no-cache"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (10, "10.0 B"),
        (2048, "2.0 KiB"),
        (5 << 20, "5.0 MiB"),
        (3 << 30, "3.0 GiB"),
        (2 << 40, "2.0 TiB"),
    ],
)
def test_sizes(count: int, text: str) -> None:
    from fmbom.cli._scan import _size

    assert _size(count) == text


DEMO = Path(__file__).resolve().parents[3] / "docs" / "examples" / "scan-demo"


def test_bundled_demo(tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert size < 3 << 20
    out = tmp_path / "demo.json"
    args = ["scan", str(DEMO), "--name", "scan-demo", "--version", "1.0", "-o", str(out)]
    assert main([*args, "--cache-dir", str(cache_dir)]) == 0
    err = capsys.readouterr().err.splitlines()
    warning = "warning: is a Git LFS pointer; recorded with the object id it names"
    assert err == [f"fmbom: all-minilm-l6-v2/model.safetensors: {warning}"]
    bom = read_bom(out)
    assert sorted(m.ref for m in bom.of_type(Model)) == [
        "all-minilm-l6-v2/model",
        "base:nreimers/MiniLM-L6-H384-uncased",  # config.json _name_or_path
        "bge-vocab-gguf/model",
        "fracast/model",
    ]
    assert {m.version for m in bom.of_type(Model)} == {None}  # the version is the release's
    assert bom.metadata.subject.version == "1.0"
    weights = bom.component("fracast/weights:model.safetensors")
    assert isinstance(weights, Weights)
    counts = safetensors_counts(DEMO / "fracast" / "model.safetensors")
    assert weights.parameter_count == sum(counts.values())
    assert main(["show", str(out)]) == 0
    assert "scan-demo 1.0" in capsys.readouterr().out


def test_fmbom_scan_path_is_the_scan_function(data: Data, cache_dir: Path) -> None:
    import fmbom
    import fmbom.scan
    from fmbom.scan import scan as scan_function

    assert fmbom.scan_path is scan_function
    assert fmbom.scan.scan is scan_function
    direct = fmbom.scan_path(data("fracast"), cache_dir=cache_dir)
    assert direct.bom == scan_function(data("fracast"), use_cache=False).bom
    assert "scan_path" in fmbom.__all__
