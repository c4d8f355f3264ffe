"""Standard output that fails (full disk, closed pipe), and error lines that must not carry raw
escape sequences to a terminal: one clear line or a quiet exit, never a traceback."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fmbom.cli import main
from fmbom.cli._common import EXIT_BROKEN_PIPE, printable

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "assistant-v1.json"
FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")
def test_full_stdout_is_exit_2_with_one_line() -> None:
    with FULL.open("wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "fmbom", "show", str(EXAMPLE)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
    assert stat.S_ISCHR(FULL.lstat().st_mode)
    assert result.returncode == 2
    assert result.stderr == (
        "fmbom: error: cannot write to standard output: No space left on device\n"
    )


def test_closed_pipe_exits_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "fmbom", "export", str(EXAMPLE), "--format", "cyclonedx-xml"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # the reader goes away before anything is written
    error = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == EXIT_BROKEN_PIPE
    assert error == b""


def test_output_to_a_file_keeps_every_byte(tmp_path: Path) -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["components"][0]["name"] = "tab\there"
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["show", str(path), "-o", str(out)]) == 0
    assert "tab\there" in out.read_text(encoding="utf-8")


def test_printable() -> None:
    assert printable("a\x1b[31mb\n c\x9b") == "a\\x1b[31mb c\\x9b"
    assert printable("plain \u00e9") == "plain \u00e9"


def test_errors_with_escape_sequences_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no\x1b[2Jsuch.json"
    assert main(["show", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "no\\x1b[2Jsuch.json" in err
