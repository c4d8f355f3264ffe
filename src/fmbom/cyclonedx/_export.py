"""fmbom → CycloneDX: builds the JSON document as plain dicts, in one linear pass.

The keys of every object are inserted in the order the XML schema wants its elements, so
the XML writer can walk the same dicts. Nothing here goes through cyclonedx-python-lib's
serializer, whose dependency check is quadratic in the number of components.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any, Final

import attrs

from fmbom.bom import Bom
from fmbom.cyclonedx._card import approach, governance_card
from fmbom.cyclonedx._carry import INLINE, apply, marker
from fmbom.cyclonedx._check import is_spdx_id
from fmbom.cyclonedx._common import (
    ADAPTER_METHOD,
    ADAPTER_RANK,
    COMMON_FIELDS,
    CONTEXT_LENGTH,
    GOVERNANCE_PROPERTY,
    KIND_PROPERTY,
    OWN_PROPERTY_PREFIXES,
    PARAMETER_COUNT,
    RELATION_PROPERTY,
    SOURCE_PREFIX,
    TEXT_FIELDS,
    USER_PREFIX,
    cdx_type,
    encode_value,
    field_property,
    source_value,
)
from fmbom.cyclonedx._text import compact
from fmbom.model import (
    Adapter,
    AnyComponent,
    Dataset,
    Digest,
    ExternalReference,
    GuardModel,
    InferenceProvider,
    Model,
    Property,
    Relation,
    RelationKind,
    Router,
)

__all__ = ["entry_json", "hash_alg", "inline_json", "is_service", "licenses_json", "plain_json"]

#: The data flow of every inference provider service.
SERVICE_DATA_FLOW: Final = {"flow": "bi-directional", "classification": "prompts-and-completions"}
_LINEAGE_KINDS = (RelationKind.DERIVED_FROM, RelationKind.QUANTIZED_FROM, RelationKind.ADAPTS)


def hash_alg(digest: Digest) -> str:
    """CycloneDX spelling of a digest algorithm."""
    return digest.algorithm.names.cyclonedx


def is_service(component: AnyComponent) -> bool:
    """Inference providers, and guard models or routers reached at an endpoint, are services."""
    if isinstance(component, InferenceProvider):
        return True
    return isinstance(component, (GuardModel, Router)) and component.endpoint is not None


def licenses_json(licenses: Sequence[str]) -> list[dict[str, Any]]:
    """SPDX ids as ``id``, a single compound expression as ``expression``, others by name."""
    if len(licenses) == 1 and (" " in licenses[0] or "(" in licenses[0]):
        return [{"expression": licenses[0]}]
    out: list[dict[str, Any]] = []
    for text in licenses:
        key = "id" if is_spdx_id(text) else "name"
        out.append({"license": {key: text}})
    return out


_URI = re.compile(r"(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")


def uri_safe(text: str) -> bool:
    """True when ``text`` is a URI every CycloneDX schema accepts (XML's anyURI is strict)."""
    return _URI.fullmatch(text) is not None


def _references(items: Iterable[ExternalReference]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if not uri_safe(item.url):
            continue
        entry: dict[str, Any] = {"type": item.type.value, "url": item.url}
        if item.comment is not None:
            entry["comment"] = item.comment
        out.append(entry)
    return out


def _user_properties(items: Iterable[Property]) -> list[dict[str, str]]:
    out = []
    for prop in items:
        # fmbom's own namespaces (what scan writes) pass as they are: never fmbom:user:fmbom:...
        own = prop.name.startswith(OWN_PROPERTY_PREFIXES)
        name = USER_PREFIX + prop.name if prop.name.startswith("fmbom:") and not own else prop.name
        out.append({"name": name, "value": prop.value})
    return out


def _prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


_OWN_FIELDS: dict[type, tuple[tuple[str, Any, str], ...]] = {}


def _own_fields(cls: type) -> tuple[tuple[str, Any, str], ...]:
    """(name, default, property name) of each field of ``cls`` that is not a common one."""
    found = _OWN_FIELDS.get(cls)
    if found is None:
        found = _OWN_FIELDS[cls] = tuple(
            (f.name, f.default, field_property(f.name))
            for f in attrs.fields(cls)
            if f.name not in COMMON_FIELDS and f.name != "governance"
        )
    return found


def _encode(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return encode_value(value)


def _field_properties(obj: object, skip: set[str]) -> list[dict[str, str]]:
    """``fmbom:<field>`` properties for every non-default field not in ``skip``."""
    out = []
    for name, default, prop_name in _own_fields(type(obj)):
        if name in skip:
            continue
        value = getattr(obj, name)
        if value is None or (default is not attrs.NOTHING and value == default):
            if value is None and default is attrs.NOTHING:
                out.append({"name": prop_name, "value": encode_value(value)})
            continue
        out.append({"name": prop_name, "value": _encode(value)})
    return out


def identity(component: AnyComponent) -> dict[str, str]:
    """What names a component whatever its bom-ref: kind, group, name, version, purl."""
    out = {"kind": component.kind.value, "name": component.name}
    for key in ("group", "version", "purl"):
        value = getattr(component, key)
        if value is not None:
            out[key] = value
    return out


def _relation_value(relation: Relation, bom: Bom) -> str:
    plain: dict[str, Any] = {"kind": relation.kind.value, "target": relation.target}
    plain["to"] = identity(bom.component(relation.target))
    if relation.method is not None:
        plain["method"] = relation.method.value
    if relation.stage is not None:
        plain["stage"] = relation.stage.value
    if relation.order is not None:
        plain["order"] = relation.order
    if relation.condition is not None:
        plain["condition"] = relation.condition
    text: str = compact(plain)
    return text


def _model_card(component: AnyComponent, outgoing: Sequence[Relation], bom: Bom) -> dict[str, Any]:
    """The model card of a model, adapter or guard model (never empty)."""
    parameters: dict[str, Any] = {}
    found_approach = approach(outgoing)
    if found_approach is not None:
        parameters["approach"] = {"type": found_approach}
    model = component if isinstance(component, Model) else None
    if model is not None and model.task is not None:
        parameters["task"] = model.task
    if model is not None and model.architecture_family is not None:
        parameters["architectureFamily"] = model.architecture_family
    if model is not None and model.architecture is not None:
        parameters["modelArchitecture"] = model.architecture
    datasets = [
        _card_dataset(bom.component(r.target))
        for r in outgoing
        if r.kind is RelationKind.TRAINED_ON
    ]
    if datasets:
        parameters["datasets"] = datasets
    if model is not None and model.modalities_in:
        parameters["inputs"] = [{"format": m.value} for m in model.modalities_in]
    if model is not None and model.modalities_out:
        parameters["outputs"] = [{"format": m.value} for m in model.modalities_out]
    card: dict[str, Any] = {}
    if parameters:
        card["modelParameters"] = parameters
    props = []
    if model is not None:
        governance_card(model.governance, card)
        if model.parameter_count is not None:
            props.append(_prop(PARAMETER_COUNT, str(model.parameter_count)))
        if model.context_length is not None:
            props.append(_prop(CONTEXT_LENGTH, str(model.context_length)))
    if isinstance(component, Adapter):
        props.append(_prop(ADAPTER_METHOD, component.method.value))
        if component.rank is not None:
            props.append(_prop(ADAPTER_RANK, str(component.rank)))
    if props:
        card["properties"] = props
    return card


_MODEL_MAPPED = (
    "task",
    "architecture_family",
    "architecture",
    "modalities_in",
    "modalities_out",
    "parameter_count",
    "context_length",
)


def _is_url(text: str) -> bool:
    scheme, sep, rest = text.partition("://")
    return bool(sep) and scheme.isalpha() and bool(rest) and not any(c.isspace() for c in text)


def _dataset_entry(dataset: Dataset) -> tuple[dict[str, Any], set[str]]:
    entry: dict[str, Any] = {"type": "dataset", "name": dataset.name}
    mapped = set()
    if dataset.source is not None and _is_url(dataset.source) and uri_safe(dataset.source):
        entry["contents"] = {"url": dataset.source}
        mapped.add("source")
    if dataset.sensitivity is not None:
        entry["classification"] = dataset.sensitivity.value
        mapped.add("sensitivity")
    return entry, mapped


def _inline_where(component: AnyComponent) -> object:
    found = marker(component.extensions, INLINE) if component.extensions else None
    return None if found is None else found.value


def _card_dataset(dataset: AnyComponent) -> dict[str, Any]:
    """A model card's dataset: the entry itself when it was found there, else a ref."""
    if isinstance(dataset, Dataset) and _inline_where(dataset) == "modelCard":
        return {"bom-ref": dataset.ref, **apply(_dataset_entry(dataset)[0], dataset.extensions)}
    return {"ref": dataset.ref}


def _pedigree_ancestor(component: AnyComponent) -> dict[str, Any]:
    if _inline_where(component) == "pedigree":
        # Found only here: its bom-ref is unique, and reading the document again finds it.
        found = apply(_inline_ancestor(component), component.extensions)
        return {"bom-ref": component.ref, **found}
    return _ancestor(component)


def inline_json(component: AnyComponent) -> dict[str, Any] | None:
    """How a component found inside another (a model card dataset, a pedigree ancestor) is
    written there, before its carried values; None for other components."""
    where = _inline_where(component)
    if where == "modelCard" and isinstance(component, Dataset):
        return _dataset_entry(component)[0]
    if where == "pedigree":
        return _inline_ancestor(component)
    return None


def _inline_ancestor(component: AnyComponent) -> dict[str, Any]:
    """An ancestor found only in a pedigree, with every text field it had."""
    entry = _ancestor(component)
    for field, key in TEXT_FIELDS:
        value = getattr(component, field)
        if value is not None:
            entry[key] = value
    if component.supplier is not None:
        entry["supplier"] = {"name": component.supplier}
    return entry


def _ancestor(component: AnyComponent) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": cdx_type(component)}
    if component.group is not None:
        entry["group"] = component.group
    entry["name"] = component.name
    if component.version is not None:
        entry["version"] = component.version
    if component.digests:
        entry["hashes"] = [{"alg": hash_alg(d), "content": d.value} for d in component.digests]
    if component.purl is not None:
        entry["purl"] = component.purl
    return entry


def _head(component: AnyComponent, native: bool) -> dict[str, Any]:
    """A component object's keys up to ``purl`` (authors, manufacturer where ``native``)."""
    out: dict[str, Any] = {"type": cdx_type(component), "bom-ref": component.ref}
    if component.supplier is not None:
        out["supplier"] = {"name": component.supplier}
    if native:
        if component.manufacturer is not None:
            out["manufacturer"] = {"name": component.manufacturer}
        if component.authors:
            out["authors"] = [{"name": name} for name in component.authors]
    for field, key in TEXT_FIELDS:
        value = getattr(component, field)
        if value is not None and key not in ("purl", "copyright"):
            out[key] = value
    if component.digests:
        out["hashes"] = [{"alg": hash_alg(d), "content": d.value} for d in component.digests]
    if component.licenses:
        out["licenses"] = licenses_json(component.licenses)
    if component.copyright is not None:
        out["copyright"] = component.copyright
    if component.purl is not None:
        out["purl"] = component.purl
    return out


def _data(component: AnyComponent, kind: str) -> tuple[dict[str, Any], set[str]] | None:
    """The ``data`` entry of a dataset written as a data component, and the fields it maps."""
    if kind != "machine-learning-model" and isinstance(component, Dataset):
        return _dataset_entry(component)
    return None


def plain_json(component: AnyComponent, version: str) -> dict[str, Any] | None:
    """:func:`entry_json` of a component without the keys fmbom may add to an object that
    lacked them (``pedigree``, ``properties``, ``modelCard``) or carried values; None for a
    service."""
    if is_service(component):
        return None
    native = version != "1.5"
    out = _head(component, native)
    references = _references(component.external_references)
    if references:
        out["externalReferences"] = references
    data = _data(component, out["type"])
    if data is not None:
        out["data"] = [data[0]]
    if component.tags and native:
        out["tags"] = list(component.tags)
    return out


def _component(
    component: AnyComponent, outgoing: Sequence[Relation], bom: Bom, version: str
) -> dict[str, Any]:
    native = version != "1.5"  # authors, manufacturer, tags: fields, else properties
    skip = set(COMMON_FIELDS) - (set() if native else {"authors", "manufacturer", "tags"})
    out = _head(component, native)
    ancestors = [bom.component(r.target) for r in outgoing if r.kind in _LINEAGE_KINDS]
    if ancestors:
        out["pedigree"] = {"ancestors": [_pedigree_ancestor(a) for a in ancestors]}
    references = _references(component.external_references)
    if references:
        out["externalReferences"] = references
    card: dict[str, Any] | None = None
    data = _data(component, out["type"])
    if out["type"] == "machine-learning-model":
        card = _model_card(component, outgoing, bom)
        skip.update(_MODEL_MAPPED)
    elif data is not None:
        skip.update(data[1])
    out["properties"] = _properties(component, skip, outgoing, bom)
    if card is not None:
        out["modelCard"] = card
    if data is not None:
        out["data"] = [data[0]]
    if component.tags and "tags" in skip:
        out["tags"] = list(component.tags)
    return apply(out, component.extensions)


def _properties(
    component: AnyComponent,
    skip: set[str],
    outgoing: Sequence[Relation],
    bom: Bom,
    service: bool = False,
) -> list[dict[str, str]]:
    props = [_prop(KIND_PROPERTY, component.kind.value)]
    governance = getattr(component, "governance", None)
    skip.update(("governance", "sources"))
    props.extend(_prop(SOURCE_PREFIX + s.field, source_value(s)) for s in component.sources)
    if governance is not None:
        props.append(_prop(GOVERNANCE_PROPERTY, encode_value(governance)))
    props.extend(_field_properties(component, skip))
    unsafe = tuple(r for r in component.external_references if not uri_safe(r.url))
    if unsafe:
        props.append(_prop(field_property("external_references"), encode_value(unsafe)))
    for name in ("authors", "manufacturer", "tags"):
        # Fields the CycloneDX version (or a service) has no place for.
        value = getattr(component, name)
        if name not in skip and value:
            props.append(_prop(field_property(name), encode_value(value)))
    if service:
        # A CycloneDX service has no supplier, purl, hashes, publisher or copyright.
        for name in ("supplier", "purl", "digests", "publisher", "copyright"):
            value = getattr(component, name)
            if value:
                props.append(_prop(field_property(name), encode_value(value)))
            elif value is not None and name != "digests":
                props.append(_prop(field_property(name), value))
    props.extend(_prop(RELATION_PROPERTY, _relation_value(r, bom)) for r in outgoing)
    props.extend(_user_properties(component.properties))
    return props


def _service(
    component: AnyComponent, outgoing: Sequence[Relation], bom: Bom, version: str
) -> dict[str, Any]:
    skip = {"ref", "name", "version", "group", "description", "licenses", "extensions"}
    skip.update({"external_references", "properties"})
    out: dict[str, Any] = {"bom-ref": component.ref}
    if isinstance(component, InferenceProvider) and component.organization is not None:
        out["provider"] = {"name": component.organization}
        skip.add("organization")
    if component.group is not None:
        out["group"] = component.group
    out["name"] = component.name
    if component.version is not None:
        out["version"] = component.version
    if component.description is not None:
        out["description"] = component.description
    endpoint = getattr(component, "endpoint", None)
    if endpoint is not None and uri_safe(endpoint):
        out["endpoints"] = [endpoint]
        skip.add("endpoint")
    if isinstance(component, InferenceProvider) and component.trust_zone is not None:
        out["trustZone"] = component.trust_zone
        skip.add("trust_zone")
    if isinstance(component, InferenceProvider):
        # What any inference provider handles: the prompts sent to it and what it returns.
        out["data"] = [dict(SERVICE_DATA_FLOW)]
    if component.licenses:
        out["licenses"] = licenses_json(component.licenses)
    references = _references(component.external_references)
    if references:
        out["externalReferences"] = references
    if version != "1.5":
        skip.add("tags")
    out["properties"] = _properties(component, skip, outgoing, bom, service=True)
    if component.tags and "tags" in skip:
        out["tags"] = list(component.tags)
    return apply(out, component.extensions)


def entry_json(component: AnyComponent, bom: Bom, version: str) -> dict[str, Any]:
    """The CycloneDX component or service object of one component."""
    outgoing = bom.outgoing(component.ref)
    if is_service(component):
        return _service(component, outgoing, bom, version)
    return _component(component, outgoing, bom, version)
