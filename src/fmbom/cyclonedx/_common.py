"""Names and helpers shared by the CycloneDX writer and reader."""

from __future__ import annotations

import contextlib
import gc
import json
import typing
from collections.abc import Iterator
from enum import Enum
from typing import Any, Final

import attrs

from fmbom.evidence import FieldSource
from fmbom.model import ComponentKind, Software, SoftwareRole
from fmbom.native import _CONVERTER

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
DEFAULT_SPEC_VERSION: Final = "1.6"

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
    }
)

#: CycloneDX component type of each fmbom kind (software depends on its role).
COMPONENT_TYPE: Final = {
    ComponentKind.MODEL: "machine-learning-model",
    ComponentKind.ADAPTER: "machine-learning-model",
    ComponentKind.GUARD_MODEL: "machine-learning-model",
    ComponentKind.WEIGHTS: "file",
    ComponentKind.TOKENIZER: "file",
    ComponentKind.DATASET: "data",
    ComponentKind.ROUTER: "application",
    ComponentKind.INFERENCE_PROVIDER: "application",
}
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


def cdx_type(component: object) -> str:
    """The CycloneDX component type fmbom writes for a component."""
    if isinstance(component, Software):
        return SOFTWARE_TYPE[component.role]
    kind: ComponentKind = component.kind  # type: ignore[attr-defined]
    return COMPONENT_TYPE[kind]


def dumps_compact(value: Any) -> str:
    """Canonical compact JSON (sorted keys) used inside property values."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def field_property(name: str) -> str:
    """The property name that carries an fmbom field: ``fmbom:<field-with-dashes>``."""
    return "fmbom:" + name.replace("_", "-")


_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def field_types(cls: type) -> dict[str, Any]:
    """Resolved types of the attrs fields of ``cls`` (strings under postponed annotations)."""
    found = _FIELD_TYPES.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _FIELD_TYPES[cls] = {f.name: hints[f.name] for f in attrs.fields(cls)}
    return found


def _is_plain(tp: Any) -> bool:
    """True for types stored as the bare string: str, enums and their optional forms."""
    args = [a for a in typing.get_args(tp) if a is not type(None)] or [tp]
    return len(args) == 1 and (
        args[0] is str or (isinstance(args[0], type) and issubclass(args[0], Enum))
    )


def encode_value(value: Any) -> str:
    """A field value as a property value: strings bare, everything else canonical JSON."""
    plain = _CONVERTER.unstructure(value)
    if isinstance(plain, str):
        return plain
    return dumps_compact(plain)


def decode_field(cls: type, name: str, raw: str) -> Any:
    """Read back a value written by :func:`encode_value` for field ``name`` of ``cls``."""
    tp = field_types(cls)[name]
    if _is_plain(tp):
        return _CONVERTER.structure(raw, tp)
    return _CONVERTER.structure(json.loads(raw), tp)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large, acyclic trees of dicts.

    Exporting or importing 100,000 components allocates millions of small objects, and the
    collector's full passes over them cost as much as the work itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
