"""Reading and writing BOMs in every supported format.

Four names, one per direction and medium:

- :func:`read_bom` (a file) and :func:`loads_bom` (text or bytes) read any supported format,
  detected from the content, not the file name: native fmbom JSON (an object with an
  ``fmbom`` key), CycloneDX JSON (``"bomFormat": "CycloneDX"``), CycloneDX XML (a ``bom``
  root element in a CycloneDX namespace) or SPDX 3 JSON-LD (an SPDX 3 ``@context``);
- :func:`write_bom` (a file, written atomically) and :func:`dumps_bom` (text) write the
  :class:`OutputFormat` asked for (native by default).
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, Literal

from fmbom._bounded import loads_json, markup_of
from fmbom._formats import OutputFormat
from fmbom.bom import Bom
from fmbom.errors import InputFormatError, WriteError

__all__ = [
    "MAX_INPUT_BYTES",
    "InputKind",
    "OutputFormat",
    "detect_format",
    "dumps_bom",
    "loads_bom",
    "loads_bom_with_report",
    "read_bom",
    "read_bom_with_report",
    "read_bytes",
    "write_atomic",
    "write_bom",
]

#: Inputs larger than this are refused rather than read into memory.
MAX_INPUT_BYTES: Final = 1 << 30

InputKind = Literal["native", "cyclonedx-json", "cyclonedx-xml", "spdx3-json"]


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a whole input file (``-`` is standard input), refusing oversized input."""
    name = os.fspath(path)
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with Path(name).open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    except IsADirectoryError:
        raise InputFormatError("is a directory, not a BOM file", name) from None
    except OSError as error:
        raise InputFormatError(f"cannot read: {error.strerror or error}", name) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputFormatError(f"larger than {MAX_INPUT_BYTES} bytes; refused", name)
    return data


def detect_format(data: bytes, source: str = "") -> InputKind:
    """Tell which format ``data`` is in, from its content; :class:`InputFormatError` if none."""
    markup = markup_of(data)
    if markup == "xml":
        return "cyclonedx-xml"
    if markup is None:
        raise InputFormatError("neither JSON nor XML: not a BOM", source)
    return _json_kind(loads_json(data, source), source)


def _json_kind(document: Any, source: str) -> InputKind:
    if isinstance(document, dict):
        if "fmbom" in document:
            return "native"
        if document.get("bomFormat") == "CycloneDX":
            return "cyclonedx-json"
        from fmbom import spdx

        if spdx.is_spdx3(document):
            return "spdx3-json"
        if "spdxVersion" in document:
            raise InputFormatError(
                f"{document['spdxVersion']} documents are not read; fmbom reads SPDX 3", source
            )
    raise InputFormatError(
        "not a BOM: expected a native fmbom document, a CycloneDX document "
        '("bomFormat": "CycloneDX") or an SPDX 3 JSON-LD document',
        source,
    )


def loads_bom(data: bytes | str, source: str = "", *, strict: bool = False) -> Bom:
    """Build a BOM from a document in any supported format, detected from its content."""
    return loads_bom_with_report(data, source, strict=strict)[0]


def loads_bom_with_report(
    data: bytes | str, source: str = "", *, strict: bool = False
) -> tuple[Bom, list[str]]:
    """Like :func:`loads_bom`, also returning the warnings of a best-effort CycloneDX read.

    A CycloneDX document another tool wrote that is not valid against its schema is read
    best effort, one warning per problem; with ``strict`` it is refused instead.
    """
    if isinstance(data, str):
        head = data.lstrip("\ufeff \t\r\n")[:1]
        markup = "xml" if head == "<" else "json" if head in ("{", "[") else None
    else:
        markup = markup_of(data)
    if markup == "xml":
        from fmbom import cyclonedx

        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        return cyclonedx.load_with_report(raw, source=source, strict=strict)
    if markup is None:
        raise InputFormatError("neither JSON nor XML: not a BOM", source)
    document = loads_json(data, source)
    kind = _json_kind(document, source)
    if kind == "native":
        from fmbom import native

        return native.from_dict(document, source), []
    if kind == "spdx3-json":
        from fmbom import spdx

        return spdx.from_dict(document, source, strict=strict)
    from fmbom import cyclonedx

    return cyclonedx.from_json_dict_with_report(document, source=source, strict=strict)


def read_bom(path: str | os.PathLike[str], *, strict: bool = False) -> Bom:
    """Read a BOM file (``-`` for standard input) in any supported format."""
    return read_bom_with_report(path, strict=strict)[0]


def read_bom_with_report(
    path: str | os.PathLike[str], *, strict: bool = False
) -> tuple[Bom, list[str]]:
    """Like :func:`read_bom`, also returning the warnings (see :func:`loads_bom_with_report`)."""
    name = os.fspath(path)
    return loads_bom_with_report(read_bytes(name), source=name, strict=strict)


def dumps_bom(
    bom: Bom,
    format: OutputFormat | str = OutputFormat.NATIVE,  # noqa: A002 - the CLI's name
    *,
    spec_version: str | None = None,
) -> str:
    """The text of ``bom`` in ``format`` (deterministic: the same BOM gives the same text).

    ``spec_version`` is the CycloneDX version (default: the latest fmbom writes); it is an
    :class:`~fmbom.errors.ExportError` to give one for the native format.
    """
    from fmbom.errors import ExportError

    chosen = OutputFormat.coerce(format, "format")
    if chosen in (OutputFormat.NATIVE, OutputFormat.SPDX3_JSON):
        if spec_version is not None:
            raise ExportError("spec_version applies only to the CycloneDX formats")
        if chosen is OutputFormat.NATIVE:
            from fmbom import native

            return native.dumps(bom)
        from fmbom import spdx

        return spdx.dumps(bom)
    from fmbom import cyclonedx

    encoding: Literal["json", "xml"] = "json" if chosen is OutputFormat.CYCLONEDX_JSON else "xml"
    if spec_version is None:
        return cyclonedx.dumps(bom, format=encoding)
    return cyclonedx.dumps(bom, format=encoding, spec_version=spec_version)


def write_bom(
    bom: Bom,
    path: str | os.PathLike[str],
    format: OutputFormat | str = OutputFormat.NATIVE,  # noqa: A002 - the CLI's name
    *,
    spec_version: str | None = None,
) -> None:
    """Write ``bom`` to ``path`` in ``format``, atomically (see :func:`write_atomic`)."""
    write_atomic(path, dumps_bom(bom, format, spec_version=spec_version))


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
        info = Path(name).stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise WriteError(f"cannot write: {error.strerror or error}", source=name) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise WriteError("cannot write: is a directory", source=name)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(name, payload)
        return
    target = Path(os.path.realpath(name)) if Path(name).is_symlink() else Path(name)
    with _cleanup_on_signals() as temps:
        _replace(target, payload, temps)


def _encode(data: str | bytes, name: str) -> bytes:
    if isinstance(data, bytes):
        return data
    try:
        return data.encode("utf-8")
    except UnicodeEncodeError as error:
        raise WriteError(
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
        raise WriteError(f"cannot write to standard output: {error.strerror or error}") from None


def _write_through(name: str, payload: bytes) -> None:
    """Write to a device, FIFO or socket in place (no temporary file, no rename)."""
    try:
        fd = os.open(name, os.O_WRONLY | os.O_NOCTTY)
    except OSError as error:
        raise WriteError(f"cannot write: {error.strerror or error}", source=name) from None
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as error:
        raise WriteError(f"cannot write: {error.strerror or error}", source=name) from None
    finally:
        os.close(fd)


def _replace(target: Path, payload: bytes, temps: list[str]) -> None:
    directory = target.parent if str(target.parent) else Path()
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise WriteError(f"cannot write: {error.strerror or error}", source=str(target)) from None
    temps.append(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            current: os.stat_result | None = target.lstat()
        except FileNotFoundError:
            current = None
        if current is not None and not stat.S_ISREG(current.st_mode):
            # Replaced by something else meanwhile: never rename over a device or a link.
            raise WriteError("cannot write: no longer a regular file", source=str(target))
        if current is not None:
            with contextlib.suppress(OSError):
                Path(temp_name).chmod(current.st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            Path(temp_name).chmod(0o666 & ~umask)
        Path(temp_name).replace(target)
        temps.remove(temp_name)
    except OSError as error:
        raise WriteError(f"cannot write: {error.strerror or error}", source=str(target)) from None


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
                Path(temp).unlink()
        for number, handler in previous.items():
            if handler is not None:
                signal.signal(number, handler)
