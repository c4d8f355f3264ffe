"""Atomic writing of an output file, on the standard library alone.

:func:`write_atomic` is public as :func:`fmbom.io.write_atomic`; it lives here so that the
command line can write what it prints (the replay of an unchanged scan, for one) without
importing the object model. :mod:`fmbom.errors` is imported only to raise.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import threading

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, Final

    from fmbom.errors import WriteError

__all__ = ["write_atomic"]


def _failure(message: str, *, source: str | None = None) -> WriteError:
    """A :class:`fmbom.errors.WriteError`; the errors module (attrs, cattrs) is imported
    only when writing fails."""
    from fmbom import errors

    return errors.WriteError(message, source=source)


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    - ``-`` is standard output, and devices, FIFOs and sockets are written through: they are
      opened for writing and never replaced (``/dev/null`` stays a device).
    - A regular file (or a new one) gets its data through a temporary file in the same
      directory, flushed to disk and renamed over it. A symlink is followed: its target is
      replaced atomically and the link stays.
    - On any failure, and on SIGTERM, SIGHUP or SIGINT while writing, the temporary file is
      removed and the target is untouched; the error names the path.

    Text holding a lone surrogate cannot be encoded and is refused before anything is written.
    """
    name = os.fspath(path)
    payload = _encode(data, name)
    if name == "-":
        _write_stdout(payload)
        return
    try:
        info = os.stat(name)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _failure(f"cannot write: {error.strerror or error}", source=name) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise _failure("cannot write: is a directory", source=name)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(name, payload)
        return
    target = os.path.realpath(name) if os.path.islink(name) else name
    with _cleanup_on_signals() as temps:
        _replace(target, payload, temps)


def _encode(data: str | bytes, name: str) -> bytes:
    if isinstance(data, bytes):
        return data
    try:
        return data.encode("utf-8")
    except UnicodeEncodeError as error:
        raise _failure(
            f"cannot write: the text holds a lone surrogate at character {error.start} "
            "(not valid Unicode)",
            source="standard output" if name == "-" else name,
        ) from None


def _write_stdout(payload: bytes) -> None:
    """Write to standard output; a full disk is one clear error (a closed pipe propagates)."""
    stream = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
    try:
        if stream is None:
            sys.stdout.write(payload.decode("utf-8"))
            sys.stdout.flush()
        else:
            sys.stdout.flush()
            stream.write(payload)
            stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise _failure(f"cannot write to standard output: {error.strerror or error}") from None


def _write_through(name: str, payload: bytes) -> None:
    """Write to a device, FIFO or socket in place (no temporary file, no rename)."""
    try:
        fd = os.open(name, os.O_WRONLY | os.O_NOCTTY)
    except OSError as error:
        raise _failure(f"cannot write: {error.strerror or error}", source=name) from None
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as error:
        raise _failure(f"cannot write: {error.strerror or error}", source=name) from None
    finally:
        os.close(fd)


def _replace(target: str, payload: bytes, temps: list[str]) -> None:
    import tempfile  # only for a file: writing to standard output does without it

    directory, base = os.path.split(target)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=directory or ".")
    except OSError as error:
        raise _failure(f"cannot write: {error.strerror or error}", source=target) from None
    temps.append(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            current: os.stat_result | None = os.lstat(target)
        except FileNotFoundError:
            current = None
        if current is not None and not stat.S_ISREG(current.st_mode):
            # Replaced by something else meanwhile: never rename over a device or a link.
            raise _failure("cannot write: no longer a regular file", source=target)
        if current is not None:
            with contextlib.suppress(OSError):
                os.chmod(temp_name, current.st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp_name, 0o666 & ~umask)
        os.replace(temp_name, target)
        temps.remove(temp_name)
    except OSError as error:
        raise _failure(f"cannot write: {error.strerror or error}", source=target) from None


_SIGNALS: Final = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[list[str]]:
    """Yield a list of temporary files; they are removed on failure or a terminating signal.

    In the main thread, SIGTERM, SIGHUP and SIGINT raise SystemExit (128 + signal) while the
    block runs, so the removal happens before the process ends; the previous handlers come
    back afterwards. SIGKILL cannot be caught: a leftover ``.NAME.*.tmp`` file is then possible.
    """
    temps: list[str] = []
    previous: dict[int, Any] = {}

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        for number in _SIGNALS:
            with contextlib.suppress(OSError, ValueError):
                previous[number] = signal.signal(number, stop)
    try:
        yield temps
    finally:
        for temp in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        for number, handler in previous.items():
            if handler is not None:
                signal.signal(number, handler)
