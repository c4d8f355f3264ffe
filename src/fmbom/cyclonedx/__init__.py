"""CycloneDX 1.5/1.6/1.7 export and CycloneDX 1.4-1.7 import (JSON and XML).

Export::

    from fmbom import cyclonedx

    text = cyclonedx.dumps(bom, format="json", spec_version="1.6")
    xml = cyclonedx.dumps(bom, format="xml", spec_version="1.7")

Import (the format is detected from the content)::

    bom = cyclonedx.loads(text)
    bom, warnings = cyclonedx.load_with_report(text)

This package is the only part of fmbom that imports cyclonedx-python-lib.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from fmbom.bom import Bom
from fmbom.cyclonedx._check import check_document
from fmbom.cyclonedx._common import DEFAULT_SPEC_VERSION, READ_VERSIONS, SPEC_VERSIONS, no_gc
from fmbom.cyclonedx._export import (
    SERIAL_PLACEHOLDER,
    build_document,
    serial_number,
    with_serial,
)
from fmbom.cyclonedx._import import read_document
from fmbom.cyclonedx._interop import merge, to_cyclonedx_bom
from fmbom.cyclonedx._schema import json_schema_errors, repair, xml_schema_errors
from fmbom.cyclonedx._text import json_text
from fmbom.cyclonedx._xml import parse_xml, to_xml
from fmbom.errors import ExportError, InputFormatError, Problem
from fmbom.vocabulary import Vocabulary

__all__ = [
    "DEFAULT_SPEC_VERSION",
    "READ_VERSIONS",
    "SPEC_VERSIONS",
    "SpecVersion",
    "document_errors",
    "dumps",
    "from_json_dict",
    "load_with_report",
    "loads",
    "merge",
    "schema_errors",
    "to_cyclonedx_bom",
    "to_dict",
    "write",
]

Format = Literal["json", "xml"]


class SpecVersion(Vocabulary):
    """The CycloneDX versions fmbom writes (the choices of ``--spec-version``)."""

    V1_5 = "1.5"
    V1_6 = "1.6"
    V1_7 = "1.7"


def to_dict(bom: Bom, spec_version: str = DEFAULT_SPEC_VERSION) -> dict[str, Any]:
    """The CycloneDX JSON document of ``bom`` as plain Python data (as :func:`dumps` writes)."""
    with no_gc():
        document = build_document(bom, spec_version)
        document["serialNumber"] = serial_number(json_text(document))
    return document


def write(document: dict[str, Any], format: Format = "json") -> str:  # noqa: A002
    """The text of a JSON-shaped CycloneDX document (from :func:`to_dict` or :func:`merge`).

    A serial number equal to the placeholder the exporter uses is replaced by one derived
    from the text.
    """
    if format not in ("json", "xml"):
        raise ExportError(f"unknown CycloneDX encoding {format!r} (use json or xml)")
    with no_gc():
        text = json_text(document) if format == "json" else to_xml(document)
        if document.get("serialNumber") == SERIAL_PLACEHOLDER:
            text = with_serial(text)
    return text


def dumps(
    bom: Bom,
    format: Format = "json",  # noqa: A002
    spec_version: str = DEFAULT_SPEC_VERSION,
) -> str:
    """Serialize ``bom`` as a CycloneDX document (deterministic: same BOM, same text)."""
    if format not in ("json", "xml"):
        raise ExportError(f"unknown CycloneDX encoding {format!r} (use json or xml)")
    with no_gc():
        return write(build_document(bom, spec_version), format)


def _parse(data: bytes | str, source: str) -> tuple[dict[str, Any], list[str], bytes | None]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        document, warnings = parse_xml(raw, source)
        return document, warnings, raw
    try:
        document = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputFormatError(f"not valid JSON: {error}", source) from None
    except RecursionError:
        raise InputFormatError("JSON nested too deeply", source) from None
    if not isinstance(document, dict):
        raise InputFormatError("a CycloneDX document must be a JSON object", source)
    return document, [], None


def document_errors(document: dict[str, Any]) -> list[str]:
    """Official-schema violations of a JSON-shaped CycloneDX document (empty when valid)."""
    return json_schema_errors(document)


def schema_errors(data: bytes | str, source: str = "") -> list[str]:
    """Official-schema violations of a CycloneDX JSON or XML document (empty when valid)."""
    document, _, raw = _parse(data, source)
    if raw is not None:
        return xml_schema_errors(raw, str(document.get("specVersion")), source)
    return json_schema_errors(document)


def _check_schema(
    document: dict[str, Any], raw: bytes | None, source: str
) -> tuple[dict[str, Any], list[str]]:
    """The document (repaired when that makes it valid) and the repair notes."""
    version = str(document.get("specVersion"))
    if version not in READ_VERSIONS:
        return document, []
    if raw is not None:
        errors = xml_schema_errors(raw, version, source)
    else:
        errors = json_schema_errors(document)
        if errors:
            fixed, notes = repair(document)
            if notes and not json_schema_errors(fixed):
                return fixed, notes
    if errors:
        raise InputFormatError(
            source=source,
            problems=[Problem("", f"not valid CycloneDX {version}: {e}") for e in errors],
        )
    return document, []


def _read(document: dict[str, Any], source: str, *, xml: bool = False) -> tuple[Bom, list[str]]:
    """The targeted checks, then the import; returns the BOM and the notes and warnings."""
    notes: list[str] = []
    try:
        with no_gc():
            version = document.get("specVersion")
            if document.get("bomFormat") == "CycloneDX" and version in READ_VERSIONS:
                document, notes = check_document(document, str(version), source, xml=xml)
            bom, warnings = read_document(document, source)
    except RecursionError:
        raise InputFormatError("document nested too deeply", source) from None
    return bom, notes + warnings


def load_with_report(
    data: bytes | str, source: str = "", *, validate: bool = False
) -> tuple[Bom, list[str]]:
    """Read a CycloneDX JSON or XML document; returns the BOM and the import warnings.

    Every value the importer uses is checked (JSON types, component types, SPDX license ids,
    hash algorithms and digests, timestamps, data flows, ...) and the document is refused with
    the JSON path of the first problem. With ``validate`` the document is also checked against
    the complete official schema of its ``specVersion`` first (slower: see ``fmbom validate``).
    """
    document, warnings, raw = _parse(data, source)
    if validate:
        document, notes = _check_schema(document, raw, source)
        warnings.extend(notes)
    bom, more = _read(document, source, xml=raw is not None)
    return bom, warnings + more


def loads(data: bytes | str, source: str = "", *, validate: bool = False) -> Bom:
    """Read a CycloneDX JSON or XML document (warnings are dropped; see load_with_report)."""
    return load_with_report(data, source, validate=validate)[0]


def from_json_dict(document: dict[str, Any], source: str = "", *, validate: bool = False) -> Bom:
    """Read an already parsed CycloneDX JSON document (not changed; see load_with_report)."""
    return from_json_dict_with_report(document, source, validate=validate)[0]


def from_json_dict_with_report(
    document: dict[str, Any], source: str = "", *, validate: bool = False
) -> tuple[Bom, list[str]]:
    """Like :func:`from_json_dict`, also returning the import warnings."""
    notes: list[str] = []
    if validate:
        document, notes = _check_schema(document, None, source)
    bom, warnings = _read(document, source)
    return bom, notes + warnings
