"""Names and helpers shared by the CycloneDX writer and reader."""

from __future__ import annotations

import json
from typing import Final

import attrs

from fmbom._fields import (
    decode_field,
    dumps_compact,
    encode_value,
    field_property,
    field_types,
)
from fmbom._formats import DEFAULT_SPEC_VERSION
from fmbom._gc import no_gc
from fmbom.evidence import FieldSource
from fmbom.model import ComponentKind, Software, SoftwareRole

__all__ = [
    "COMMON_FIELDS",
    "DEFAULT_SPEC_VERSION",
    "EXPORTER_PROPERTY",
    "KIND_PROPERTY",
    "NAMESPACE",
    "OWN_PROPERTY_PREFIXES",
    "RECORDED_TOOL_PROPERTY",
    "RELATION_PROPERTY",
    "SOURCE_PREFIX",
    "SPEC_VERSIONS",
    "USER_PREFIX",
    "decode_field",
    "dumps_compact",
    "encode_value",
    "field_property",
    "field_types",
    "no_gc",
    "read_source",
    "source_value",
]

#: The CycloneDX versions fmbom writes.
SPEC_VERSIONS: Final = ("1.5", "1.6", "1.7")
#: The CycloneDX versions fmbom reads.
READ_VERSIONS: Final = ("1.4", "1.5", "1.6", "1.7")

NAMESPACE: Final = "http://cyclonedx.org/schema/bom/"

KIND_PROPERTY: Final = "fmbom:kind"
RELATION_PROPERTY: Final = "fmbom:relation"
GOVERNANCE_PROPERTY: Final = "fmbom:governance"
EXPORTER_PROPERTY: Final = "fmbom:exporter"
SUBJECT_PREFIX: Final = "fmbom:subject:"
USER_PREFIX: Final = "fmbom:user:"
#: Property namespaces fmbom itself writes as component properties (the scanner's facts):
#: carried as they are, not under ``fmbom:user:``.
OWN_PROPERTY_PREFIXES: Final = ("fmbom:scan:",)
#: ``fmbom:source:<field>``: where a field's value was read (``Component.sources``).
SOURCE_PREFIX: Final = "fmbom:source:"
#: On the exporter's tool entry: the BOM itself names this fmbom as its first tool.
RECORDED_TOOL_PROPERTY: Final = "fmbom:recorded-tool"


def source_value(source: FieldSource) -> str:
    """A field source as a property value: ``{"derived":..,"file":..,"locator":..}``."""
    return dumps_compact(
        {"derived": source.derived, "file": source.file, "locator": source.locator}
    )


def read_source(field: str, raw: str) -> FieldSource:
    """The field source a ``fmbom:source:<field>`` property holds; ValueError or TypeError
    when malformed."""
    plain = json.loads(raw)
    if not isinstance(plain, dict) or set(plain) != {"derived", "file", "locator"}:
        raise ValueError("expected an object with derived, file and locator")
    derived, file, locator = plain["derived"], plain["file"], plain["locator"]
    if not isinstance(derived, bool) or not isinstance(file, str) or not isinstance(locator, str):
        raise TypeError("derived must be true or false, file and locator strings")
    return FieldSource(field=field, file=file, locator=locator, derived=derived)


IMPORT_PREFIX: Final = "fmbom:import:"
PARAMETER_COUNT: Final = "cdx:ai-ml:model:parameter:count"
CONTEXT_LENGTH: Final = "cdx:ai-ml:model:hyperparameter:context_length"
#: Model card properties of an adapter.
ADAPTER_METHOD: Final = "fmbom:adapter:method"
ADAPTER_RANK: Final = "fmbom:adapter:rank"

#: Fields every component has; the writer maps them onto CycloneDX's own fields.
COMMON_FIELDS: Final = frozenset(
    {
        "ref",
        "name",
        "version",
        "group",
        "supplier",
        "purl",
        "licenses",
        "digests",
        "external_references",
        "description",
        "properties",
        "authors",
        "manufacturer",
        "publisher",
        "copyright",
        "tags",
        "extensions",
    }
)

#: Component fields held by a CycloneDX string of the same meaning: (field, CycloneDX key).
#: The writer and both readers use this one table.
TEXT_FIELDS: Final = (
    ("publisher", "publisher"),
    ("group", "group"),
    ("name", "name"),
    ("version", "version"),
    ("description", "description"),
    ("copyright", "copyright"),
    ("purl", "purl"),
)
#: Component fields held by a CycloneDX organizational entity's ``name``.
ORGANIZATION_FIELDS: Final = (("supplier", "supplier"), ("manufacturer", "manufacturer"))


@attrs.frozen
class KindType:
    """How one component kind is written as a CycloneDX component type."""

    kind: ComponentKind
    type: str
    #: A component of this CycloneDX type written by another tool is read as this kind.
    reads_back: bool


#: The one table of component kinds and CycloneDX component types; the reader's inverse
#: (:data:`KIND_OF_TYPE`) is derived from it. Software's type depends on its role.
KIND_TYPES: Final = (
    KindType(ComponentKind.MODEL, "machine-learning-model", reads_back=True),
    KindType(ComponentKind.ADAPTER, "machine-learning-model", reads_back=False),
    KindType(ComponentKind.GUARD_MODEL, "machine-learning-model", reads_back=False),
    KindType(ComponentKind.WEIGHTS, "file", reads_back=False),
    KindType(ComponentKind.TOKENIZER, "file", reads_back=False),
    KindType(ComponentKind.DATASET, "data", reads_back=True),
    KindType(ComponentKind.ROUTER, "application", reads_back=False),
    KindType(ComponentKind.INFERENCE_PROVIDER, "application", reads_back=False),
)
COMPONENT_TYPE: Final = {entry.kind: entry.type for entry in KIND_TYPES}
KIND_OF_TYPE: Final = {entry.type: entry.kind for entry in KIND_TYPES if entry.reads_back}
#: CycloneDX type of software of each role, and (derived) the role of each type read back.
SOFTWARE_TYPE: Final = {
    SoftwareRole.LIBRARY: "library",
    SoftwareRole.FRAMEWORK: "framework",
    SoftwareRole.RUNTIME: "platform",
    SoftwareRole.APPLICATION: "application",
    SoftwareRole.INFERENCE_SERVER: "application",
    SoftwareRole.VECTOR_STORE: "application",
    SoftwareRole.EVAL_HARNESS: "application",
    SoftwareRole.OTHER: "library",
}
ROLE_OF_TYPE: Final[dict[str, SoftwareRole]] = {}
for _role, _type in SOFTWARE_TYPE.items():
    if _role is not SoftwareRole.OTHER:
        ROLE_OF_TYPE.setdefault(_type, _role)


def cdx_type(component: object) -> str:
    """The CycloneDX component type fmbom writes for a component."""
    if isinstance(component, Software):
        return SOFTWARE_TYPE[component.role]
    kind: ComponentKind = component.kind  # type: ignore[attr-defined]
    return COMPONENT_TYPE[kind]
