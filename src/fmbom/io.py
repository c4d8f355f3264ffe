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

import os
import sys
from io import UnsupportedOperation
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal

from fmbom._atomic import write_atomic
from fmbom._bounded import loads_json, markup_of
from fmbom._formats import OutputFormat
from fmbom._gc import no_gc
from fmbom.bom import Bom
from fmbom.errors import InputFormatError

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
            data = _read_limited(sys.stdin.buffer)
        else:
            with Path(name).open("rb") as handle:
                data = _read_limited(handle)
    except IsADirectoryError:
        raise InputFormatError("is a directory, not a BOM file", name) from None
    except OSError as error:
        raise InputFormatError(f"cannot read: {error.strerror or error}", name) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputFormatError(f"larger than {MAX_INPUT_BYTES} bytes; refused", name)
    return data


#: What a read of a stream of unknown size asks for at a time.
_CHUNK: Final = 1 << 20


def _read_limited(stream: BinaryIO) -> bytes:
    """At most ``MAX_INPUT_BYTES + 1`` bytes of ``stream`` (one more tells it is too large),
    without reserving that much memory up front: a file is read in one call of its size, a
    pipe in chunks."""
    try:
        size = os.fstat(stream.fileno()).st_size
    except (OSError, ValueError, UnsupportedOperation):
        size = 0
    want = min(size, MAX_INPUT_BYTES) + 1 if size > 0 else _CHUNK
    chunks: list[bytes] = []
    total = 0
    while total <= MAX_INPUT_BYTES:
        chunk = stream.read(min(want, MAX_INPUT_BYTES + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = _CHUNK
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


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
    return _loads_owned([data], source, strict=strict)


def _loads_owned(holder: list[bytes | str], source: str, *, strict: bool) -> tuple[Bom, list[str]]:
    """:func:`loads_bom_with_report` of the one item of ``holder``, which it takes out: the
    input's bytes are dropped once parsed, before the BOM is built (when the caller holds
    no other reference to them, as :func:`read_bom_with_report` does not)."""
    data = holder.pop()
    if isinstance(data, str):
        head = data.lstrip("\ufeff \t\r\n")[:1]
        markup = "xml" if head == "<" else "json" if head in ("{", "[") else None
    else:
        markup = markup_of(data)
    if markup == "xml":
        from fmbom import cyclonedx

        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        del data
        return cyclonedx.load_with_report(raw, source=source, strict=strict)
    if markup is None:
        raise InputFormatError("neither JSON nor XML: not a BOM", source)
    with no_gc():  # the parsed tree and the BOM built from it hold no cycles
        document = loads_json(data, source)
        del data
        kind = _json_kind(document, source)
        if kind == "native":
            from fmbom import native

            return native.from_dict(document, source), []
        if kind == "spdx3-json":
            from fmbom import spdx

            return spdx.from_dict(document, source, strict=strict)
        from fmbom import cyclonedx

        return cyclonedx.read_parsed(document, source=source, strict=strict)


def read_bom(path: str | os.PathLike[str], *, strict: bool = False) -> Bom:
    """Read a BOM file (``-`` for standard input) in any supported format."""
    return read_bom_with_report(path, strict=strict)[0]


def read_bom_with_report(
    path: str | os.PathLike[str], *, strict: bool = False
) -> tuple[Bom, list[str]]:
    """Like :func:`read_bom`, also returning the warnings (see :func:`loads_bom_with_report`)."""
    name = os.fspath(path)
    return _loads_owned([read_bytes(name)], name, strict=strict)


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
