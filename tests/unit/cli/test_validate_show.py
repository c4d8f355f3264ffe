"""``fmbom validate`` and ``fmbom show``, and what every verb shares: exit codes, one-line
errors on stderr, atomic ``-o``, ``--help`` and ``--version``."""

from __future__ import annotations

import io as stdio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fmbom import __version__, native
from fmbom.bom import Bom
from fmbom.cli import VERBS, main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def good(tmp_path: Path, example_v1: Bom) -> Path:
    path = tmp_path / "good.json"
    path.write_text(native.dumps(example_v1), encoding="utf-8")
    return path


@pytest.fixture
def inconsistent(tmp_path: Path) -> Path:
    path = tmp_path / "inconsistent.json"
    document = {
        "fmbom": "1",
        "metadata": {"subject": {"name": "s"}},
        "components": [
            {"kind": "adapter", "ref": "lora", "name": "lora"},
            {"kind": "model", "ref": "m", "name": "m"},
        ],
        "relations": [{"kind": "trained-on", "source": "m", "target": "gone"}],
    }
    path.write_text(json.dumps(document))
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1, err
    assert err.startswith("fmbom: error: ")
    assert "Traceback" not in err
    return err[len("fmbom: error: ") : -1]


# --- validate --------------------------------------------------------------------------------


def test_validate_a_valid_bom(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", str(good)], capsys)
    assert (code, err) == (0, "")
    assert out == f"{good}: valid: 23 components, 30 relations\n"


def test_validate_lists_every_problem(
    inconsistent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["validate", str(inconsistent)], capsys)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{inconsistent}: invalid: 2 problem(s)",
        "  $.relations[0].target: unknown ref 'gone'",
        "  $.components[0]: adapter 'lora' has no adapts relation to the model it adapts",
    ]


def test_validate_a_field_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "field.json"
    path.write_text(json.dumps({"fmbom": "1", "metadata": {"subject": {"name": "s", "x": 1}}}))
    code, out, err = run(["validate", str(path)], capsys)
    assert (code, err) == (1, "")
    assert out == (f"{path}: invalid: 1 problem(s)\n  $.metadata.subject: unknown key(s) x\n")


def test_validate_checks_cyclonedx_against_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cdx.json"
    path.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": "x"}')
    code, out, err = run(["validate", str(path)], capsys)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{path}: invalid: 1 schema problem(s)",
        "  $.version: 'x' is not of type 'integer'",
    ]
    path.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}')
    code, out, _ = run(["validate", str(path)], capsys)
    assert (code, out) == (0, f"{path}: valid: 0 components, 0 relations\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not a bom", "neither JSON nor XML: not a BOM"),
        ("{broken", "not valid JSON"),
        ('{"fmbom": "9", "metadata": {}}', "unsupported native format version '9'"),
        ("[]", "not a BOM"),
    ],
)
def test_unreadable_input_exits_2(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.json"
    path.write_text(content)
    for verb in ("validate", "show"):
        code, out, err = run([verb, str(path)], capsys)
        assert (code, out) == (2, "")
        assert one_line_error(err).startswith(f"{path}: {message}")


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    code, out, err = run(["validate", str(missing)], capsys)
    assert (code, out) == (2, "")
    assert one_line_error(err) == f"{missing}: cannot read: No such file or directory"


def test_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["show", str(tmp_path)], capsys)
    assert code == 2
    assert one_line_error(err) == f"{tmp_path}: is a directory, not a BOM file"


def test_show_with_inconsistent_input_exits_2(
    inconsistent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["show", str(inconsistent)], capsys)
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert [line.split(": ")[3] for line in lines] == [
        "$.relations[0].target",
        "$.components[0]",
    ]
    assert all(line.startswith(f"fmbom: error: {inconsistent}: ") for line in lines)
    assert "Traceback" not in err


def test_debug_adds_the_traceback(inconsistent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--debug", "show", str(inconsistent)], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("Traceback (most recent call last):")
    assert "fmbom.errors.BomValidationError" in err
    assert err.count("fmbom: error: ") == 2


def test_debug_on_a_usage_error_adds_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--debug", "diff", "-", "-"], capsys)
    assert code == 2
    assert "Traceback (most recent call last):" in err
    assert err.endswith(
        "fmbom: error: standard input can be read only once: give at most one input as -\n"
    )


@pytest.mark.parametrize(
    "argv",
    [["diff", "-", "-"], ["graph", "--diff", "-", "-"], ["export", "-", "--merge", "-"]],
)
def test_stdin_twice_is_refused_naming_stdin(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "standard input can be read only once: give at most one input as -"
    )


def test_validate_reads_stdin(
    good: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", stdio.TextIOWrapper(stdio.BytesIO(good.read_bytes())))
    code, out, _ = run(["validate", "-"], capsys)
    assert code == 0
    assert out == "-: valid: 23 components, 30 relations\n"


# --- show ------------------------------------------------------------------------------------


def test_show_prints_the_tree(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fmbom.render import render_tree

    code, out, err = run(["show", str(good)], capsys)
    assert (code, err) == (0, "")
    assert out == render_tree(native.loads(good.read_text()))
    assert out.startswith("Acme Support Assistant 1.4.0 (deployed-system)\n")


# --- output ----------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["validate", "show"])
def test_output_file_is_written_atomically(
    verb: str, good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    code, out, _ = run([verb, str(good), "-o", str(target)], capsys)
    assert (code, out) == (0, "")
    assert target.read_text().startswith(("Acme Support Assistant", f"{good}: valid"))
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_failed_run_leaves_the_output_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("previous report")
    code, _, err = run(["show", str(tmp_path / "missing.json"), "--output", str(target)], capsys)
    assert code == 2
    assert "cannot read" in one_line_error(err)
    assert target.read_text() == "previous report"


def test_unwritable_output_exits_2(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-dir" / "out.txt"
    code, _, err = run(["show", str(good), "-o", str(target)], capsys)
    assert code == 2
    assert one_line_error(err) == f"{target}: cannot write: No such file or directory"


# --- usage -----------------------------------------------------------------------------------


def test_no_verb_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([], capsys)
    assert (code, out) == (2, "")
    assert "usage: fmbom" in err
    for verb in ("validate", "show"):
        assert verb in err


@pytest.mark.parametrize(
    "argv", [["frobnicate"], ["validate"], ["show", "a", "b"], ["validate", "--nope", "x"]]
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, capsys)
    assert (code, out) == (2, "")
    assert err.startswith("usage: fmbom")
    assert err.splitlines()[-1].startswith("fmbom: error: ")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"fmbom {__version__}\n"


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([verb, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: fmbom {verb}")
    assert "-o FILE, --output FILE" in out


def test_top_level_help_lists_every_verb(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(verb in out for verb in VERBS)


def test_python_dash_m(good: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "fmbom", "validate", str(good)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{good}: valid: 23 components, 30 relations\n"
    failed = subprocess.run(
        [sys.executable, "-m", "fmbom", "show", str(good.parent / "missing.json")],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1
    assert failed.stderr.startswith("fmbom: error: ")


# --- the error boundary of main() ------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        (KeyboardInterrupt(), 130, "fmbom: error: interrupted\n"),
        (BrokenPipeError(), 0, ""),
        (MemoryError(), 2, "fmbom: error: out of memory\n"),
    ],
)
def test_main_maps_interruptions(
    case: tuple[BaseException, int, str],
    good: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fmbom.cli import _show

    raised, code, message = case

    def explode(*_: object) -> str:
        raise raised

    monkeypatch.setattr("fmbom.render.render_tree", explode)
    assert _show.run.__module__ == "fmbom.cli._show"
    got, out, err = run(["show", str(good)], capsys)
    assert (got, out, err) == (code, "", message)


def test_output_to_a_terminal_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from fmbom.cli._common import stream_is_terminal

    class Tty(stdio.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Tty())
    assert stream_is_terminal(argparse.Namespace(output="-"))
    assert stream_is_terminal(argparse.Namespace(output=None))
    assert not stream_is_terminal(argparse.Namespace(output="file.txt"))


def test_module_entry_point_in_process(
    good: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import runpy

    monkeypatch.setattr(sys, "argv", ["fmbom", "validate", str(good)])
    with pytest.raises(SystemExit) as caught:
        runpy.run_module("fmbom", run_name="__main__", alter_sys=False)
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"{good}: valid: 23 components, 30 relations\n"
