"""The CycloneDX document around the components: metadata (the subject, the tools), the
dependency graph, nesting and inline placement, and the serial number derived from the text.

The components and services themselves are written by :mod:`fmbom.cyclonedx._export`.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from fmbom._version import __version__
from fmbom.bom import Bom, Subject, Tool
from fmbom.cyclonedx._card import governance_card
from fmbom.cyclonedx._carry import INLINE, NESTED_IN, SUBJECT_DEPENDS_ON, apply, marker
from fmbom.cyclonedx._common import (
    EXPORTER_PROPERTY,
    RECORDED_TOOL_PROPERTY,
    SPEC_VERSIONS,
    SUBJECT_PREFIX,
    encode_value,
)
from fmbom.cyclonedx._export import _prop, _references, entry_json, is_service, licenses_json
from fmbom.errors import ExportError
from fmbom.native import _CONVERTER

__all__ = [
    "SERIAL_PLACEHOLDER",
    "build_document",
    "metadata_json",
    "serial_number",
    "subject_json",
    "with_serial",
]


def _subject_ref(bom: Bom) -> str:
    ref = "fmbom-subject"
    index = 0
    while ref in bom:
        index += 1
        ref = f"fmbom-subject-{index}"
    return ref


def subject_json(subject: Subject, ref: str) -> dict[str, Any]:
    """The metadata component of a subject that is not itself a component."""
    model_unit = subject.unit.value in ("base-model", "adapted-model")
    out: dict[str, Any] = {
        "type": "machine-learning-model" if model_unit else "application",
        "bom-ref": ref,
    }
    if subject.supplier is not None:
        out["supplier"] = {"name": subject.supplier}
    out["name"] = subject.name
    if subject.version is not None:
        out["version"] = subject.version
    if subject.description is not None:
        out["description"] = subject.description
    if subject.licenses:
        out["licenses"] = licenses_json(subject.licenses)
    references = _references(subject.external_references)
    if references:
        out["externalReferences"] = references
    out["properties"] = subject_properties(subject, references)
    if model_unit:
        card: dict[str, Any] = {}
        governance_card(subject.governance, card)
        if card:
            out["modelCard"] = card
    return apply(out, subject.extensions)


def subject_properties(
    subject: Subject, references: list[dict[str, Any]] | None = None
) -> list[dict[str, str]]:
    """The ``fmbom:subject:*`` properties that carry what CycloneDX has no field for."""
    if references is None:
        references = _references(subject.external_references)
    props = [_prop(SUBJECT_PREFIX + "unit", subject.unit.value)]
    if len(references) != len(subject.external_references):
        # Some URLs are not URIs the schemas accept: the whole ordered list goes here.
        props.append(
            _prop(
                SUBJECT_PREFIX + "external-references",
                encode_value(subject.external_references),
            )
        )
    if subject.serves_end_users is not None:
        props.append(
            _prop(SUBJECT_PREFIX + "serves-end-users", encode_value(subject.serves_end_users))
        )
    if subject.governance is not None:
        props.append(_prop(SUBJECT_PREFIX + "governance", encode_value(subject.governance)))
    return props


def _tool(tool: Tool, exporter: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "application"}
    if tool.vendor is not None:
        out["supplier"] = {"name": tool.vendor}
    out["name"] = tool.name
    if tool.version is not None:
        out["version"] = tool.version
    if exporter:
        out["properties"] = [_prop(EXPORTER_PROPERTY, "true")]
    return out


#: Stands for the serial number while the text it is derived from is written.
SERIAL_PLACEHOLDER = "urn:uuid:00000000-0000-5000-8000-000000000000"


def serial_number(text: str) -> str:
    """A ``urn:uuid`` derived from a document's text (written with the placeholder serial)."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    return uuid.UUID(bytes=digest[:16], version=5).urn


def with_serial(text: str) -> str:
    """Replace the placeholder serial number by one derived from the text itself."""
    return text.replace(SERIAL_PLACEHOLDER, serial_number(text), 1)


def metadata_json(bom: Bom) -> dict[str, Any]:
    """The ``metadata`` object without its component."""
    metadata: dict[str, Any] = {}
    if bom.metadata.timestamp is not None:
        metadata["timestamp"] = _CONVERTER.unstructure(bom.metadata.timestamp)
    exporter = Tool(name="fmbom", version=__version__)
    exporter_entry = _tool(exporter, exporter=True)
    # A BOM this fmbom made (a scan) names it first: one entry stands for both, so fmbom is
    # listed once; the importer reads it back as the BOM's own tool.
    made_here = bom.metadata.tools[:1] == (exporter,)
    if made_here:
        exporter_entry["properties"].append(_prop(RECORDED_TOOL_PROPERTY, "true"))
    tools = [exporter_entry]
    seen_tools: dict[Tool, int] = {}
    for index, tool in enumerate(bom.metadata.tools):
        count = seen_tools.get(tool, 0)
        seen_tools[tool] = count + 1
        if made_here and index == 0:
            continue
        tool_entry = _tool(tool)
        if count:
            # The schema wants distinct tool entries; a repeated tool is told apart by number.
            tool_entry["properties"] = [_prop("fmbom:occurrence", str(count + 1))]
        tools.append(tool_entry)
    metadata["tools"] = {"components": tools}
    if bom.metadata.authors:
        metadata["authors"] = [{"name": a} for a in bom.metadata.authors]
    return metadata


def _layout(bom: Bom) -> tuple[dict[str, str | None], set[str], str | None]:
    """Where each component goes: parent of nested ones, inline ones, the subject component."""
    parents: dict[str, str | None] = {}
    inline: set[str] = set()
    subject: str | None = None
    for component in bom.components:
        if not component.extensions:
            continue
        where = marker(component.extensions, INLINE)
        if where is not None:
            if where.value == "metadata.component" and subject is None:
                subject = component.ref
            else:
                inline.add(component.ref)
            continue
        nested = marker(component.extensions, NESTED_IN)
        if nested is not None:
            parent = nested.value
            if parent is None or (isinstance(parent, str) and parent in bom):
                parents[component.ref] = parent
    return parents, inline, subject


def build_document(bom: Bom, spec_version: str = "1.6") -> dict[str, Any]:
    """The CycloneDX JSON document of ``bom`` as plain Python data."""
    if spec_version not in SPEC_VERSIONS:
        known = ", ".join(SPEC_VERSIONS)
        raise ExportError(f"unsupported CycloneDX version {spec_version!r} (supported: {known})")
    parents, inline, subject_component = _layout(bom)
    metadata = metadata_json(bom)
    if subject_component is not None:
        subject_ref = subject_component
        subject = entry_json(bom.component(subject_component), bom, spec_version)
        subject.setdefault("properties", []).extend(subject_properties(bom.metadata.subject))
        metadata["component"] = subject
    else:
        subject_ref = _subject_ref(bom)
        subject = metadata["component"] = subject_json(bom.metadata.subject, subject_ref)

    components: list[dict[str, Any]] = []
    services: list[dict[str, Any]] = []
    dependencies: list[dict[str, Any]] = []
    written: dict[str, dict[str, Any]] = {}
    targeted: set[str] = set()
    for relation in bom.relations:
        targeted.add(relation.target)
    for component in bom.components:
        ref = component.ref
        if ref in inline or ref == subject_component:
            if ref == subject_component:
                _dependency(dependencies, ref, bom, inline)
            continue
        item = written[ref] = entry_json(component, bom, spec_version)
        key = "services" if is_service(component) else "components"
        if ref not in parents:
            (services if key == "services" else components).append(item)
        _dependency(dependencies, ref, bom, inline)
    for ref, parent in parents.items():
        key = "services" if is_service(bom.component(ref)) else "components"
        holder = subject if parent is None else written.get(parent, subject)
        holder.setdefault(key, []).append(written[ref])
    if subject_component is None:
        chosen = marker(bom.metadata.extensions, SUBJECT_DEPENDS_ON)
        if chosen is not None and isinstance(chosen.value, list):
            top = sorted({str(r) for r in chosen.value if str(r) in bom and r not in inline})
        else:
            top = [c.ref for c in bom.components if c.ref not in targeted and c.ref not in inline]
        dependencies.append({"ref": subject_ref, "dependsOn": top} if top else {"ref": subject_ref})
    dependencies.sort(key=lambda d: str(d["ref"]))

    document: dict[str, Any] = {
        "$schema": f"http://cyclonedx.org/schema/bom-{spec_version}.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": spec_version,
        "serialNumber": SERIAL_PLACEHOLDER,
        "version": 1,
        "metadata": metadata,
    }
    if components:
        document["components"] = components
    if services:
        document["services"] = services
    document["dependencies"] = dependencies
    return apply(document, bom.metadata.extensions)


def _dependency(out: list[dict[str, Any]], ref: str, bom: Bom, inline: set[str]) -> None:
    targets = sorted({r.target for r in bom.outgoing(ref) if r.target not in inline})
    entry: dict[str, Any] = {"ref": ref}
    if targets:
        entry["dependsOn"] = targets
    out.append(entry)
