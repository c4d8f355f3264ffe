"""The exact reader of the documents fmbom wrote: every ``fmbom:*`` property back to its field.

A document is fmbom's own when its tool list names the ``fmbom:exporter``; a component is read
this way when it also carries ``fmbom:kind``. Relations come from ``fmbom:relation`` properties,
whose target is resolved by identity (see :mod:`fmbom.cyclonedx._relations`), never by the
document-local bom-ref alone: other tools regenerate bom-refs.
"""

from __future__ import annotations

import json
from typing import Any, Final

from cattrs.errors import BaseValidationError

from fmbom._fields import DECODE_ERRORS
from fmbom.bom import Subject
from fmbom.cyclonedx._common import (
    CONTEXT_LENGTH,
    KIND_PROPERTY,
    OWN_PROPERTY_PREFIXES,
    PARAMETER_COUNT,
    RELATION_PROPERTY,
    SOURCE_PREFIX,
    SUBJECT_PREFIX,
    USER_PREFIX,
    decode_field,
    field_types,
    read_source,
)
from fmbom.cyclonedx._read_common import URL, Entry, Pending, Reader, parse_count
from fmbom.errors import InputFormatError, ValidationError
from fmbom.model import (
    COMPONENT_TYPES,
    AnyComponent,
    ComponentKind,
    Modality,
    Property,
    Relation,
    Sensitivity,
)
from fmbom.native import _CONVERTER

__all__ = ["DECODE_ERRORS", "OWN_ERRORS", "own_component", "own_subject"]

#: What decoding a value fmbom wrote (an ``fmbom:*`` property, an enumeration) may raise
#: when the document was edited by hand.
OWN_ERRORS: Final = (ValueError, TypeError, KeyError, AttributeError, BaseValidationError)
_NOT_PROPERTIES: Final = frozenset({"ref", "properties", "extensions"})
#: Values fmbom writes from a closed vocabulary; another value in these places was put there
#: by another tool and is carried, not read.
_SENSITIVITY: Final = {s.value: s for s in Sensitivity}
_MODALITY: Final = {m.value: m for m in Modality}


def own_component(
    reader: Reader, entry: Entry, kind: ComponentKind, raw_props: list[Property]
) -> AnyComponent:
    """Read a component fmbom wrote; raises InputFormatError for a value edited by hand."""
    try:
        return _own_component(reader, entry, kind, raw_props)
    except OWN_ERRORS as error:
        # A value fmbom writes from an enumeration, changed by hand.
        raise InputFormatError(
            f"{entry.path}: cannot be read as fmbom's own: {error}", reader.source
        ) from None


def _own_component(
    reader: Reader, entry: Entry, kind: ComponentKind, raw_props: list[Property]
) -> AnyComponent:
    cls = COMPONENT_TYPES[kind]
    props: list[Property] = []
    decoded = False
    fields = reader.common(entry)
    data = entry.data
    types = field_types(cls)
    if entry.service:
        provider = data.get("provider")
        if isinstance(provider, dict) and "organization" in types and "name" in provider:
            fields["organization"] = str(provider["name"])
        endpoints = data.get("endpoints")
        if isinstance(endpoints, list) and endpoints and "endpoint" in types:
            fields["endpoint"] = str(endpoints[0])
        if "trustZone" in data and "trust_zone" in types:
            fields["trust_zone"] = str(data["trustZone"])
    if kind is ComponentKind.MODEL:
        _model_card(reader, data.get("modelCard"), fields)
    if kind is ComponentKind.DATASET:
        entries = data.get("data")
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            first = entries[0]
            contents = first.get("contents")
            if isinstance(contents, dict) and "url" in contents:
                fields["source"] = str(contents["url"])
            classification = str(first.get("classification"))
            if classification in _SENSITIVITY:
                fields["sensitivity"] = _SENSITIVITY[classification]
    for prop in raw_props:
        name = prop.name
        if name == KIND_PROPERTY or name.startswith(SUBJECT_PREFIX):
            continue
        if name == RELATION_PROPERTY:
            _relation(reader, entry.ref, prop.value, entry.path)
        elif name.startswith(USER_PREFIX):
            props.append(Property(name=name[len(USER_PREFIX) :], value=prop.value))
        elif name.startswith(OWN_PROPERTY_PREFIXES):
            props.append(prop)
        elif name.startswith(SOURCE_PREFIX) and "sources" in types:
            try:
                source = read_source(name[len(SOURCE_PREFIX) :], prop.value)
            except (ValueError, TypeError, ValidationError) as error:
                raise InputFormatError(
                    f"{entry.path}: property {name} cannot be read: {error}", reader.source
                ) from None
            fields["sources"] = (*fields.get("sources", ()), source)
        elif name.startswith("fmbom:"):
            field = name[len("fmbom:") :].replace("-", "_")
            if field in types and field not in _NOT_PROPERTIES:
                decoded = True
                try:
                    value = decode_field(cls, field, prop.value)
                    if field == "external_references":
                        value = (*fields.get(field, ()), *value)
                    fields[field] = value
                except DECODE_ERRORS as error:
                    raise InputFormatError(
                        f"{entry.path}: property {name} cannot be read: {error}", reader.source
                    ) from None
            elif not name.startswith("fmbom:adapter:"):
                reader.warn(entry.path, f"unknown property {name} kept as is")
                props.append(prop)
        else:
            props.append(prop)
    fields["properties"] = props
    # Values decoded from fmbom:* properties are not checked on the way: those go through
    # the validators; otherwise every value is one the reader checked (Reader.common) or
    # one no validator constrains, except an endpoint (a URL) and a context length (> 0).
    endpoint, length = fields.get("endpoint"), fields.get("context_length")
    checked = (
        not decoded
        and (endpoint is None or URL.fullmatch(endpoint) is not None)
        and (length is None or length > 0)
    )
    return reader.build(cls, fields, entry.path, checked=checked)


def _model_card(reader: Reader, card: Any, fields: dict[str, Any]) -> None:
    if not isinstance(card, dict):
        return
    parameters = card.get("modelParameters")
    if isinstance(parameters, dict):
        for key, field in (
            ("task", "task"),
            ("architectureFamily", "architecture_family"),
            ("modelArchitecture", "architecture"),
        ):
            if key in parameters:
                fields[field] = str(parameters[key])
        for key, field in (("inputs", "modalities_in"), ("outputs", "modalities_out")):
            items = parameters.get(key)
            if isinstance(items, list):
                formats = [str(i.get("format")) for i in items if isinstance(i, dict)]
                fields[field] = [_MODALITY[f] for f in formats if f in _MODALITY]
    for prop in reader.properties(card.get("properties")):
        if prop.name == PARAMETER_COUNT:
            fields["parameter_count"] = parse_count(prop.value)
        elif prop.name == CONTEXT_LENGTH:
            fields["context_length"] = parse_count(prop.value)


def _relation(reader: Reader, source: str, value: str, path: str) -> None:
    try:
        plain = json.loads(value)
        identity = plain.pop("to", None) if isinstance(plain, dict) else None
        relation = _CONVERTER.structure({**plain, "source": source}, Relation)
    except DECODE_ERRORS as error:
        raise InputFormatError(
            f"{path}: bad {RELATION_PROPERTY} {value!r}: {error}", reader.source
        ) from None
    reader.pending.append(
        Pending(
            source=source,
            target=relation.target,
            path=path,
            kind=relation.kind,
            relation=relation,
            identity={str(k): str(v) for k, v in identity.items()}
            if isinstance(identity, dict)
            else None,
        )
    )


def own_subject(reader: Reader, data: dict[str, Any], subject: dict[str, Any]) -> Subject:
    """The subject fmbom wrote: its ``fmbom:subject:*`` properties back to their fields."""
    for prop in reader.properties(data.get("properties")):
        if prop.name.startswith(SUBJECT_PREFIX):
            field = prop.name[len(SUBJECT_PREFIX) :].replace("-", "_")
            try:
                subject[field] = decode_field(Subject, field, prop.value)
            except DECODE_ERRORS as error:
                raise InputFormatError(
                    f"$.metadata.component: property {prop.name} cannot be read: {error}",
                    reader.source,
                ) from None
    return Subject(**subject)
