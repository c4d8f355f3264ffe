"""CycloneDX (JSON-shaped document) → fmbom.

Documents fmbom wrote itself (recognised by the ``fmbom:exporter`` tool and the ``fmbom:kind``
property of each component) are read back exactly (:mod:`._read_own`). Other documents are
read best effort (:mod:`._read_foreign`). Relations are resolved in :mod:`._relations`. Then
every value of the document that fmbom's own writing would not reproduce is carried as an
extension of the object it belongs to (:mod:`._carry`), so writing the BOM again gives back
every field in its place.
"""

from __future__ import annotations

import datetime
from typing import Any, Final

import attrs

from fmbom._trusted import evolve_checked
from fmbom.bom import Bom, BomMetadata, Subject, Tool
from fmbom.cyclonedx._carry import (
    FORMAT,
    INLINE,
    NESTED_IN,
    SUBJECT_DEPENDS_ON,
    own_properties,
    plain_residual,
    residual,
)
from fmbom.cyclonedx._common import (
    EXPORTER_PROPERTY,
    KIND_PROPERTY,
    READ_VERSIONS,
    RECORDED_TOOL_PROPERTY,
)
from fmbom.cyclonedx._document import metadata_json, subject_json
from fmbom.cyclonedx._export import entry_json, inline_json, plain_json
from fmbom.cyclonedx._read_common import Entry, Reader, walk
from fmbom.cyclonedx._read_foreign import foreign_component
from fmbom.cyclonedx._read_own import own_component, own_subject
from fmbom.cyclonedx._relations import dependencies, foreign_edges, own_inline, resolve
from fmbom.errors import BomValidationError, InputFormatError, ValidationError
from fmbom.extensions import Extension
from fmbom.governance import Unit
from fmbom.model import AnyComponent, ComponentKind, Model

__all__ = ["is_ours", "read_document"]

#: Top-level keys fmbom writes itself (the others are carried as they are).
_WRITTEN: Final = frozenset(
    {"$schema", "bomFormat", "specVersion", "serialNumber", "version", "components"}
    | {"services", "dependencies"}
)
#: Metadata keys read into fmbom's own fields and written again from them.
_METADATA_WRITTEN: Final = frozenset({"component", "tools", "timestamp"})


def is_ours(metadata: dict[str, Any]) -> bool:
    """True when the metadata lists fmbom's exporter among its tools."""
    tools = metadata.get("tools")
    found = tools.get("components") if isinstance(tools, dict) else None
    return any(
        isinstance(tool, dict)
        and any(
            isinstance(p, dict) and p.get("name") == EXPORTER_PROPERTY
            for p in tool.get("properties") or ()
        )
        for tool in (found if isinstance(found, list) else ())
    )


def _has_kind(data: dict[str, Any]) -> bool:
    found = data.get("properties")
    return any(
        isinstance(p, dict) and p.get("name") == KIND_PROPERTY
        for p in (found if isinstance(found, list) else ())
    )


def _component(reader: Reader, entry: Entry) -> AnyComponent:
    found = entry.data.get("properties")
    raw_props = reader.properties(found) if found else []
    kind_value = (
        next((p.value for p in raw_props if p.name == KIND_PROPERTY), None) if reader.ours else None
    )
    if kind_value is not None:
        try:
            kind = ComponentKind(kind_value)
        except ValueError:
            reader.warn(entry.path, f"unknown fmbom:kind {kind_value!r}; read as CycloneDX")
        else:
            reader.own_refs.add(entry.ref)
            return own_component(reader, entry, kind, raw_props)
    return foreign_component(reader, entry, raw_props)


def _entries(
    document: dict[str, Any], subject_data: Any, subject_is_component: bool
) -> list[Entry]:
    entries: list[Entry] = []
    if isinstance(subject_data, dict):
        if subject_is_component:
            entries.append(
                Entry(
                    data=subject_data,
                    path="$.metadata.component",
                    service=False,
                    inline="metadata.component",
                )
            )
        entries.extend(
            walk(
                subject_data.get("components"),
                "$.metadata.component.components",
                service=False,
                parent="$.metadata.component",
            )
        )
    entries.extend(walk(document.get("components"), "$.components", service=False, parent=None))
    entries.extend(walk(document.get("services"), "$.services", service=True, parent=None))
    return entries


def read_document(document: Any, source: str = "") -> tuple[Bom, list[str]]:
    """Build a BOM from a parsed CycloneDX document; returns (bom, warnings)."""
    if not isinstance(document, dict):
        raise InputFormatError("a CycloneDX document must be a JSON object", source)
    if document.get("bomFormat") != "CycloneDX":
        raise InputFormatError('not a CycloneDX document ("bomFormat" is not "CycloneDX")', source)
    version = document.get("specVersion")
    if version not in READ_VERSIONS:
        known = ", ".join(READ_VERSIONS)
        raise InputFormatError(
            f"CycloneDX specVersion {version!r} is not supported (reads {known})", source
        )
    reader = Reader(source=source)
    found_metadata = document.get("metadata")
    metadata: dict[str, Any] = found_metadata if isinstance(found_metadata, dict) else {}
    reader.ours = is_ours(metadata)
    subject_data = metadata.get("component")
    subject_is_component = isinstance(subject_data, dict) and (
        _has_kind(subject_data)
        if reader.ours
        else subject_data.get("type") == "machine-learning-model"
    )
    entries = _entries(document, subject_data, subject_is_component)
    subject_ref = subject_data.get("bom-ref") if isinstance(subject_data, dict) else None
    if isinstance(subject_ref, str) and not subject_is_component:
        reader.taken.add(subject_ref)
    reader.assign_refs(entries)
    for entry in entries:
        reader.add(entry, _component(reader, entry))
    for entry in entries:
        if entry.ref in reader.own_refs:
            own_inline(reader, entry)
    depends = dependencies(reader, document)
    foreign = {e.ref for e in entries} - reader.own_refs
    if foreign:
        foreign_edges(reader, document, foreign)
    relations = resolve(reader, depends)
    subject = _subject(reader, subject_data, subject_is_component)
    bom_metadata = BomMetadata(
        subject=subject,
        timestamp=_timestamp(reader, metadata.get("timestamp")),
        authors=_authors(metadata.get("authors")),
        tools=_tools(metadata.get("tools")),
    )
    try:
        bom = Bom(metadata=bom_metadata, components=reader.components, relations=relations)
        bom = _carry(
            reader,
            bom,
            document=document,
            version=str(version),
            subject_data=subject_data,
            depends=depends,
        )
    except BomValidationError as error:
        raise InputFormatError(f"inconsistent BOM: {error}", source) from None
    return bom, reader.warnings


def _carry(
    reader: Reader,
    bom: Bom,
    *,
    document: dict[str, Any],
    version: str,
    subject_data: Any,
    depends: dict[str, list[str]],
) -> Bom:
    """The BOM with every value fmbom's writing would not reproduce kept as an extension."""
    write_version = version if version != "1.4" else "1.5"
    by_path = {e.path: e for e in reader.entries}
    # First the markers and the components found inside others (written inline by their
    # holder), then every other component against a BOM that already has them.
    marked: list[AnyComponent] = []
    for entry, component in zip(reader.entries, reader.components, strict=True):
        extensions = _markers(entry, by_path)
        if entry.inline not in (None, "metadata.component"):
            inline = inline_json(evolve_checked(component, extensions=extensions))
            if inline is not None:
                extensions.extend(residual(entry.data, inline, skip=("bom-ref",)))
        marked.append(evolve_checked(component, extensions=extensions) if extensions else component)
    bom = bom.with_components(marked)
    components = []
    for entry, found in zip(reader.entries, marked, strict=True):
        extra = (
            component_residual(entry.data, found, bom, write_version)
            if entry.inline in (None, "metadata.component")
            else []
        )
        components.append(
            evolve_checked(found, extensions=(*found.extensions, *extra)) if extra else found
        )
    subject = bom.metadata.subject
    if isinstance(subject_data, dict) and not any(
        e.inline == "metadata.component" for e in reader.entries
    ):
        written_subject = subject_json(subject, "subject")
        subject_extensions = residual(subject_data, written_subject)
        if subject_extensions:
            subject = attrs.evolve(subject, extensions=subject_extensions)
    document_extensions = _document_residual(bom, document, subject_data, depends, components)
    metadata = attrs.evolve(bom.metadata, subject=subject, extensions=document_extensions)
    return bom.with_components(components, metadata)


def component_residual(
    data: dict[str, Any], component: AnyComponent, bom: Bom, version: str
) -> list[Extension]:
    """``residual(data, entry_json(component, bom, version))`` without the whole writing.

    Of what the writer adds to a component object, only the pedigree and the model card
    (written from relations) need it: a component object without them (and a component
    without carried values yet) is compared with what the writer writes for every other key
    (:func:`~._export.plain_json`), and its properties with the ones the writer writes from
    the component's own (every other property it writes is in fmbom's namespace). Services
    and the rest take the whole writing. The result is the same either way (a property
    test holds them to that, on every test document and on random and hostile objects).
    """
    plain = None
    if (
        "pedigree" not in data
        and "modelCard" not in data
        and (not component.extensions or all(e.path[:1] == "@" for e in component.extensions))
    ):
        plain = plain_json(component, version)
    if plain is None:
        return residual(data, entry_json(component, bom, version))
    if "properties" not in data:
        return plain_residual(data, plain)
    mine = {(p.name, p.value) for p in component.properties}
    carried = own_properties(data["properties"], mine)
    if carried is None:
        return residual(data, entry_json(component, bom, version))
    return [*plain_residual(data, plain), *carried]


def _markers(entry: Entry, by_path: dict[str, Entry]) -> list[Extension]:
    """Where a component was found, when that is not the document's components list."""
    found: list[Extension] = []
    if entry.inline is not None:
        found.append(Extension.of(FORMAT, INLINE, entry.inline))
    if entry.parent is not None:
        parent = by_path.get(entry.parent)
        if parent is not None and parent.inline != "metadata.component":
            found.append(Extension.of(FORMAT, NESTED_IN, parent.ref))
        elif entry.parent == "$.metadata.component":
            found.append(Extension.of(FORMAT, NESTED_IN, None))
    return found


def _document_residual(
    bom: Bom,
    document: dict[str, Any],
    subject_data: Any,
    depends: dict[str, list[str]],
    components: list[AnyComponent],
) -> list[Extension]:
    original = {k: v for k, v in document.items() if k not in _WRITTEN}
    written: dict[str, Any] = {}
    metadata = original.get("metadata")
    if isinstance(metadata, dict):
        original["metadata"] = {k: v for k, v in metadata.items() if k not in _METADATA_WRITTEN}
        written["metadata"] = {
            k: v for k, v in metadata_json(bom).items() if k not in _METADATA_WRITTEN
        }
    found = residual(original, written)
    subject_ref = subject_data.get("bom-ref") if isinstance(subject_data, dict) else None
    inline_subject = any(
        e.path == INLINE and e.value == "metadata.component"
        for c in components
        for e in c.extensions
    )
    if isinstance(subject_ref, str) and not inline_subject:
        inline = {
            c.ref
            for c in components
            for e in c.extensions
            if e.path == INLINE and e.format == FORMAT
        }
        hidden = {r.target for r in bom.relations} | inline
        default = sorted(c.ref for c in components if c.ref not in hidden)
        chosen = sorted({r for r in depends.get(subject_ref, []) if r in bom and r not in inline})
        if chosen != default:
            found.append(Extension.of(FORMAT, SUBJECT_DEPENDS_ON, chosen))
    return found


def _timestamp(reader: Reader, value: Any) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        reader.warn("$.metadata.timestamp", f"not a timestamp: {value!r}; dropped")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def _authors(value: Any) -> list[str]:
    return (
        [str(a["name"]) for a in value or () if isinstance(a, dict) and a.get("name") is not None]
        if isinstance(value, list)
        else []
    )


def _tools(value: Any) -> list[Tool]:
    items: list[Any]
    if isinstance(value, dict):
        items = [*(value.get("components") or ()), *(value.get("services") or ())]
    elif isinstance(value, list):
        items = value
    else:
        return []
    found = []
    for item in items:
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            continue
        names = {p.get("name") for p in item.get("properties") or () if isinstance(p, dict)}
        if EXPORTER_PROPERTY in names and RECORDED_TOOL_PROPERTY not in names:
            continue
        vendor = item.get("vendor")
        for key in ("supplier", "manufacturer", "provider"):
            if vendor is None and isinstance(item.get(key), dict):
                vendor = item[key].get("name")
        found.append(
            Tool(
                name=str(item["name"]),
                version=None if item.get("version") is None else str(item["version"]),
                vendor=None if vendor is None else str(vendor),
            )
        )
    return found


def _subject(reader: Reader, data: Any, is_component: bool) -> Subject:
    if not isinstance(data, dict):
        reader.warn("$.metadata", "no metadata.component; the subject is named 'unnamed'")
        return Subject(name="unnamed")
    entry = Entry(data=data, path="$.metadata.component", service=False, ref="subject")
    fields = reader.common(entry)
    subject: dict[str, Any] = {
        key: fields[key]
        for key in ("name", "version", "supplier", "description")
        if fields.get(key) is not None
    }
    subject["licenses"] = fields["licenses"]
    subject["external_references"] = fields["external_references"]
    if is_component:
        # The same references as the component it is, in one order whoever wrote it.
        subject["external_references"] = sorted(
            subject["external_references"], key=lambda r: (r.type.value, r.url, r.comment or "")
        )
    if reader.ours:
        return own_subject(reader, data, subject)
    if is_component:
        subject["unit"] = Unit.BASE_MODEL
        model = reader.components[0] if reader.components else None
        if isinstance(model, Model) and model.governance is not None:
            subject["governance"] = model.governance
    else:
        subject["unit"] = Unit.DEPLOYED_SYSTEM
    try:
        return Subject(**subject)
    except ValidationError as error:
        reader.warn("$.metadata.component", f"{error}; only the name kept")
        return Subject(name=subject["name"])
