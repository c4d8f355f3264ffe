"""The atomic writer on hostile targets: devices, FIFOs, symlinks, failures and signals.

Devices are only ever written through, never replaced; the only device these tests write to
is ``/dev/full`` (writing there is harmless), and each checks it is still a character device.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from fmbom.errors import FmbomError
from fmbom.io import write_atomic

FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _is_char_device(path: Path) -> bool:
    return stat.S_ISCHR(path.lstat().st_mode)


@needs_dev_full
def test_a_device_is_written_through_not_replaced() -> None:
    assert _is_char_device(FULL)
    with pytest.raises(FmbomError, match="/dev/full: cannot write: No space left on device"):
        write_atomic(FULL, "data\n")
    assert _is_char_device(FULL)


@needs_fifo
def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(timeout=30)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_dash_is_standard_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    write_atomic("-", "to stdout \u00e9\n")
    assert capsysbinary.readouterr().out == "to stdout \u00e9\n".encode()


def test_a_symlink_keeps_linking_and_its_target_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert link.readlink() == target
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    write_atomic(link, "made")
    assert link.is_symlink()
    assert (tmp_path / "made.json").read_text(encoding="utf-8") == "made"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FmbomError, match="is a directory"):
        write_atomic(tmp_path, "x")


def test_a_failed_write_leaves_the_target_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(FmbomError, match=r"out\.json: cannot write: Input/output error"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@needs_fifo
def test_never_renames_over_a_node_that_appeared_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    real_fsync = os.fsync

    def swap_in_a_fifo(fd: int) -> None:
        real_fsync(fd)
        os.mkfifo(target)

    monkeypatch.setattr(os, "fsync", swap_in_a_fifo)
    with pytest.raises(FmbomError, match="no longer a regular file"):
        write_atomic(target, "new")
    assert stat.S_ISFIFO(target.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.skipif(not hasattr(os, "kill"), reason="no signals")
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_terminating_signal_removes_the_temporary_file(tmp_path: Path, signal_name: str) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from fmbom.io import write_atomic
        real_fsync = os.fsync
        def fsync_then_die(fd):
            real_fsync(fd)
            os.kill(os.getpid(), signal.{signal_name})
        os.fsync = fsync_then_die
        write_atomic(sys.argv[1], "new")
        print("not reached")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    import signal

    assert result.returncode == 128 + getattr(signal, signal_name), result.stderr
    assert "not reached" not in result.stdout
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_signal_handlers_are_restored(tmp_path: Path) -> None:
    import signal

    before = signal.getsignal(signal.SIGTERM)
    write_atomic(tmp_path / "x", "x")
    assert signal.getsignal(signal.SIGTERM) is before


def test_writing_from_a_thread_leaves_handlers_alone(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            write_atomic(tmp_path / "t.json", "t")
        except BaseException as error:  # noqa: BLE001 - reported through the list
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not errors
    assert (tmp_path / "t.json").read_text(encoding="utf-8") == "t"
