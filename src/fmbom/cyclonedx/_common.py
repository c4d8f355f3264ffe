"""Names and helpers shared by the CycloneDX writer and reader."""

from __future__ import annotations

from typing import Final

from fmbom._fields import (
    decode_field,
    dumps_compact,
    encode_value,
    field_property,
    field_types,
)
from fmbom._gc import no_gc
from fmbom.model import ComponentKind, Software, SoftwareRole

__all__ = [
    "COMMON_FIELDS",
    "DEFAULT_SPEC_VERSION",
    "EXPORTER_PROPERTY",
    "KIND_PROPERTY",
    "NAMESPACE",
    "RELATION_PROPERTY",
    "SPEC_VERSIONS",
    "USER_PREFIX",
    "decode_field",
    "dumps_compact",
    "encode_value",
    "field_property",
    "field_types",
    "no_gc",
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
