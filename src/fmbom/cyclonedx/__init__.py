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

from fmbom._bounded import check_tree, loads_json, markup_of
from fmbom._formats import SpecVersion
from fmbom.bom import Bom
from fmbom.cyclonedx._check import check_document
from fmbom.cyclonedx._common import (
    DEFAULT_SPEC_VERSION,
    READ_VERSIONS,
    SPEC_VERSIONS,
    no_gc,
)
from fmbom.cyclonedx._document import (
    SERIAL_PLACEHOLDER,
    build_document,
    serial_number,
    with_serial,
)
from fmbom.cyclonedx._import import is_ours, read_document
from fmbom.cyclonedx._interop import merge, to_cyclonedx_bom
from fmbom.cyclonedx._schema import (
    SchemaProblem,
    json_schema_errors,
    json_schema_problems,
    prune,
    repair,
    xml_schema_errors,
    xml_schema_problems,
)
from fmbom.cyclonedx._text import json_text
from fmbom.cyclonedx._xml import parse_xml, to_xml
from fmbom.errors import ExportError, FmbomError, InputFormatError, Problem

__all__ = [
    "DEFAULT_SPEC_VERSION",
    "READ_VERSIONS",
    "SPEC_VERSIONS",
    "SchemaProblem",
    "SpecVersion",
    "document_errors",
    "dumps",
    "dumps_with_report",
    "fit",
    "from_json_dict",
    "load_with_report",
    "loads",
    "merge",
    "problems",
    "read_parsed",
    "read_sbom",
    "schema_errors",
    "to_cyclonedx_bom",
    "to_dict",
    "to_dict_with_report",
    "write",
]

Format = Literal["json", "xml"]


def _carries(bom: Bom) -> bool:
    return bool(
        bom.metadata.extensions
        or bom.metadata.subject.extensions
        or any(c.extensions for c in bom.components)
    )


def fit(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The document pruned to what its CycloneDX version's schema accepts, and what was left out.

    Values carried from another document (or merged from an SBOM) of another version may have
    no place in this one; each is left out with a warning naming it.
    """
    found = json_schema_problems(document)
    if not found:
        return document, []
    version = document.get("specVersion")
    notes = [f"{p.path}: {p.message}; left out of CycloneDX {version}" for p in found]
    return prune(document, found), notes


def to_dict_with_report(
    bom: Bom, spec_version: str = DEFAULT_SPEC_VERSION
) -> tuple[dict[str, Any], list[str]]:
    """Like :func:`to_dict`, also returning what the version could not hold (see :func:`fit`).

    The serial number is left as the placeholder :func:`write` replaces.
    """
    with no_gc():
        document = build_document(bom, spec_version)
        notes: list[str] = []
        if _carries(bom):
            document, notes = fit(document)
    return document, notes


def to_dict(bom: Bom, spec_version: str = DEFAULT_SPEC_VERSION) -> dict[str, Any]:
    """The CycloneDX JSON document of ``bom`` as plain Python data (as :func:`dumps` writes)."""
    document = to_dict_with_report(bom, spec_version)[0]
    document["serialNumber"] = serial_number(json_text(document))
    return document


def write(document: dict[str, Any], format: Format = "json", *, check: bool = False) -> str:  # noqa: A002
    """The text of a JSON-shaped CycloneDX document (from :func:`to_dict` or :func:`merge`).

    A serial number equal to the placeholder the exporter uses is replaced by one derived
    from the text. With ``check`` the text is validated against the official schema first
    and :class:`~fmbom.errors.ExportError` names every problem instead of returning it.
    """
    if format not in ("json", "xml"):
        raise ExportError(f"unknown CycloneDX encoding {format!r} (use json or xml)")
    with no_gc():
        text = json_text(document) if format == "json" else to_xml(document)
        if document.get("serialNumber") == SERIAL_PLACEHOLDER:
            text = with_serial(text)
    if check:
        version = str(document.get("specVersion"))
        found = (
            json_schema_problems(json.loads(text))
            if format == "json"
            else xml_schema_problems(text.encode("utf-8"), version)
        )
        if found:
            listed = "; ".join(f"{p.path}: {p.message}" for p in found)
            raise ExportError(
                f"the {format.upper()} output would not be valid CycloneDX {version}: {listed}"
            )
    return text


def dumps_with_report(
    bom: Bom,
    format: Format = "json",  # noqa: A002
    spec_version: str = DEFAULT_SPEC_VERSION,
) -> tuple[str, list[str]]:
    """Like :func:`dumps`, also returning what the version could not hold."""
    if format not in ("json", "xml"):
        raise ExportError(f"unknown CycloneDX encoding {format!r} (use json or xml)")
    with no_gc():
        if not _carries(bom):
            return write(build_document(bom, spec_version), format), []
        document, notes = fit(build_document(bom, spec_version))
        if format == "json":
            return write(document, format), notes
        return _checked_xml(document, bom, notes), notes


def _checked_xml(document: dict[str, Any], bom: Bom, notes: list[str]) -> str:
    """The XML text, leaving out carried document-level values XML cannot hold as carried
    (from a JSON document whose shape differs from the XML one), each with a note."""
    carried = sorted({e.path.split(".")[0] for e in bom.metadata.extensions} & set(document))
    while True:
        try:
            return write(document, "xml", check=True)
        except ExportError:
            if not carried:
                raise
        key = carried.pop()
        document = {k: v for k, v in document.items() if k != key}
        notes.append(f"$.{key}: cannot be written as CycloneDX XML as carried; left out")


def dumps(
    bom: Bom,
    format: Format = "json",  # noqa: A002
    spec_version: str = DEFAULT_SPEC_VERSION,
) -> str:
    """Serialize ``bom`` as a CycloneDX document (deterministic: same BOM, same text).

    Values carried from another tool's document that the version cannot hold are left out
    (see :func:`dumps_with_report` for which).
    """
    return dumps_with_report(bom, format, spec_version)[0]


def read_sbom(data: bytes | str, source: str = "") -> dict[str, Any]:
    """Parse a CycloneDX SBOM (JSON or XML, any version fmbom reads) for :func:`merge`."""
    document, _, _ = _parse(data, source)
    if document.get("bomFormat") != "CycloneDX":
        raise InputFormatError('not a CycloneDX document ("bomFormat" is not "CycloneDX")', source)
    version = document.get("specVersion")
    if version not in READ_VERSIONS:
        known = ", ".join(READ_VERSIONS)
        raise InputFormatError(
            f"CycloneDX specVersion {version!r} is not supported (reads {known})", source
        )
    return document


def _parse(data: bytes | str, source: str) -> tuple[dict[str, Any], list[str], bytes | None]:
    if isinstance(data, str):
        if data.lstrip("\ufeff \t\r\n")[:1] == "<":
            raw = data.encode("utf-8", errors="surrogatepass")
            xml_document, warnings = parse_xml(raw, source)
            return xml_document, warnings, raw
        document = loads_json(data, source)
    else:
        if markup_of(data) == "xml":
            xml_document, warnings = parse_xml(data, source)
            return xml_document, warnings, data
        document = loads_json(data, source)
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


def _is_ours(document: dict[str, Any]) -> bool:
    """True for a document fmbom wrote (its exporter tool is listed in the metadata)."""
    metadata = document.get("metadata")
    return is_ours(metadata if isinstance(metadata, dict) else {})


def problems(data: bytes | str, source: str = "") -> list[SchemaProblem]:
    """Every official-schema violation of a CycloneDX JSON or XML document, in order.

    Each has the JSON path (JSON) or the line (XML) of the offending value and a message.
    """
    document, _, raw = _parse(data, source)
    if raw is not None:
        return xml_schema_problems(raw, str(document.get("specVersion")), source)
    return json_schema_problems(document)


def _check_schema(
    document: dict[str, Any], raw: bytes | None, source: str, *, strict: bool
) -> tuple[dict[str, Any], list[str]]:
    """The document (repaired or pruned to valid when not ``strict``) and the warnings.

    With ``strict`` an invalid document is refused, naming every problem.
    """
    version = str(document.get("specVersion"))
    if document.get("bomFormat") != "CycloneDX" or version not in READ_VERSIONS:
        return document, []
    notes: list[str] = []
    if raw is not None:
        found = xml_schema_problems(raw, version, source)
    else:
        found = json_schema_problems(document)
        if found and not strict:
            document, notes = repair(document)
            found = json_schema_problems(document) if notes else found
    if not found:
        return document, notes
    if strict:
        raise InputFormatError(
            source=source,
            problems=[
                Problem("", f"not valid CycloneDX {version}: {p.path}: {p.message}") for p in found
            ],
        )
    if raw is None:
        document = prune(document, found)
        return document, [*notes, *(f"{p.path}: {p.message}; dropped" for p in found)]
    return document, [*notes, *(f"{p.path}: {p.message}" for p in found)]


def _read(
    document: dict[str, Any],
    source: str,
    *,
    xml: bool = False,
    strict: bool = False,
    schema_valid: bool = False,
) -> tuple[Bom, list[str]]:
    """The targeted checks (unless the document is known ``schema_valid``), then the
    import; returns the BOM and the notes and warnings."""
    notes: list[str] = []
    try:
        with no_gc():
            version = document.get("specVersion")
            targeted = not schema_valid and document.get("bomFormat") == "CycloneDX"
            if targeted and version in READ_VERSIONS:
                document, notes = check_document(
                    document, str(version), source, xml=xml, strict=strict
                )
            bom, warnings = read_document(document, source)
    except RecursionError:
        raise InputFormatError("document nested too deeply", source) from None
    except FmbomError as error:
        # A value the object model refuses names its field; the error also names the file.
        if error.source is None and source:
            raise error.with_source(source) from None
        raise
    return bom, notes + warnings


def load_with_report(
    data: bytes | str, source: str = "", *, validate: bool = False, strict: bool = False
) -> tuple[Bom, list[str]]:
    """Read a CycloneDX JSON or XML document; returns the BOM and the import warnings.

    A document written by another tool is checked against the official schema of its
    ``specVersion``: each violation is a warning and the offending value is left out (best
    effort), or with ``strict`` the document is refused naming every violation. fmbom's own
    documents get only the fast targeted checks, unless ``validate`` asks for the schema too.
    """
    document, warnings, raw = _parse(data, source)
    return _load(document, raw, source, validate=validate, strict=strict, warnings=warnings)


def _load(
    document: dict[str, Any],
    raw: bytes | None,
    source: str,
    *,
    validate: bool,
    strict: bool,
    warnings: list[str],
) -> tuple[Bom, list[str]]:
    schema_valid = False
    if validate or strict or not _is_ours(document):
        with no_gc():
            document, notes = _check_schema(document, raw, source, strict=strict)
        warnings = [*warnings, *notes]
        # Valid as it is against the official JSON schema: the targeted checks, which ask
        # less of it, have nothing to find (a test holds them to that).
        schema_valid = raw is None and not notes
    bom, more = _read(
        document, source, xml=raw is not None, strict=strict, schema_valid=schema_valid
    )
    return bom, warnings + more


def loads(
    data: bytes | str, source: str = "", *, validate: bool = False, strict: bool = False
) -> Bom:
    """Read a CycloneDX JSON or XML document (warnings are dropped; see load_with_report)."""
    return load_with_report(data, source, validate=validate, strict=strict)[0]


def from_json_dict(
    document: dict[str, Any], source: str = "", *, validate: bool = False, strict: bool = False
) -> Bom:
    """Read an already parsed CycloneDX JSON document (not changed; see load_with_report)."""
    return from_json_dict_with_report(document, source, validate=validate, strict=strict)[0]


def from_json_dict_with_report(
    document: dict[str, Any], source: str = "", *, validate: bool = False, strict: bool = False
) -> tuple[Bom, list[str]]:
    """Like :func:`from_json_dict`, also returning the import warnings."""
    check_tree(document, source)
    return read_parsed(document, source, validate=validate, strict=strict)


def read_parsed(
    document: dict[str, Any], source: str = "", *, validate: bool = False, strict: bool = False
) -> tuple[Bom, list[str]]:
    """Like :func:`from_json_dict_with_report` for a document that the bounded JSON reader
    parsed (:func:`fmbom._bounded.loads_json` checked its limits already)."""
    return _load(document, None, source, validate=validate, strict=strict, warnings=[])
