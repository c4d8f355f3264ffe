"""SPDX 3.0.1 names, vocabulary tables and the ``fmbom:*`` extension codec.

Every table that must be read both ways is written once here, and the reverse direction is
derived from it, so the writer and the reader cannot drift apart.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import quote, unquote

from fmbom._fields import decode_field, encode_value, field_types
from fmbom._fields import field_property as field_entry_name
from fmbom.model import (
    ComponentKind,
    ExternalReferenceType,
    HashAlgorithm,
    Modality,
    RelationKind,
    Sensitivity,
    SoftwareRole,
)

__all__ = [
    "CONTEXT_URL",
    "SPEC_VERSION",
    "decode_field",
    "encode_value",
    "field_entry_name",
    "field_types",
    "quote_part",
    "unquote_part",
]

#: The JSON-LD context every SPDX 3.0.1 JSON document names.
CONTEXT_URL: Final = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION: Final = "3.0.1"
#: The blank node of the one ``CreationInfo`` every element of an fmbom document shares.
CREATION_INFO: Final = "_:creationinfo"
#: Prefix of the element ids fmbom writes; the namespace follows from the subject's identity.
ID_ROOT: Final = "https://spdx.org/spdxdocs/fmbom-"

KIND_ENTRY: Final = "fmbom:kind"
RELATION_ENTRY: Final = "fmbom:relation"
EXPORTER_ENTRY: Final = "fmbom:exporter"
USER_PREFIX: Final = "fmbom:user:"
#: Where facts read from another tool's document that fmbom has no field for are kept.
FOREIGN_PREFIX: Final = "spdx:"

#: The profiles a document conforms to. ``extension`` is left out although the document uses
#: it: the 3.0.1 JSON-LD context maps that word to the ``extension`` property, not to the
#: profile, so declaring it makes the document fail the SHACL model.
PROFILES: Final = ("core", "software", "ai", "dataset", "simpleLicensing")

#: fmbom hash algorithm → SPDX ``HashAlgorithm`` (a bijection).
HASH_ALGORITHMS: Final = {
    HashAlgorithm.MD5: "md5",
    HashAlgorithm.SHA1: "sha1",
    HashAlgorithm.SHA256: "sha256",
    HashAlgorithm.SHA384: "sha384",
    HashAlgorithm.SHA512: "sha512",
    HashAlgorithm.SHA3_256: "sha3_256",
    HashAlgorithm.SHA3_384: "sha3_384",
    HashAlgorithm.SHA3_512: "sha3_512",
    HashAlgorithm.BLAKE2B_256: "blake2b256",
    HashAlgorithm.BLAKE2B_384: "blake2b384",
    HashAlgorithm.BLAKE2B_512: "blake2b512",
    HashAlgorithm.BLAKE3: "blake3",
}
SPDX_HASH_ALGORITHMS: Final = {value: key for key, value in HASH_ALGORITHMS.items()}

#: fmbom reference type → SPDX ``ExternalRefType``. Types whose SPDX counterpart is shared
#: (model cards and evidence are both "documentation"/"other" to SPDX) are not in the reverse
#: table; a component that has one also carries its exact list as an extension entry.
REFERENCE_TYPES: Final = {
    ExternalReferenceType.WEBSITE: "altWebPage",
    ExternalReferenceType.VCS: "vcs",
    ExternalReferenceType.DOCUMENTATION: "documentation",
    ExternalReferenceType.DISTRIBUTION: "altDownloadLocation",
    ExternalReferenceType.ISSUE_TRACKER: "issueTracker",
    ExternalReferenceType.LICENSE: "license",
    ExternalReferenceType.MODEL_CARD: "documentation",
    ExternalReferenceType.RELEASE_NOTES: "releaseNotes",
    ExternalReferenceType.SECURITY_CONTACT: "securityOther",
    ExternalReferenceType.ADVISORIES: "securityAdvisory",
    ExternalReferenceType.EVIDENCE: "other",
    ExternalReferenceType.ATTESTATION: "secureSoftwareAttestation",
    ExternalReferenceType.SUPPORT: "support",
    ExternalReferenceType.OTHER: "other",
}
SPDX_REFERENCE_TYPES: Final = {
    value: key
    for key, value in REFERENCE_TYPES.items()
    if key not in (ExternalReferenceType.MODEL_CARD, ExternalReferenceType.EVIDENCE)
}
LOSSY_REFERENCE_TYPES: Final = frozenset(
    {ExternalReferenceType.MODEL_CARD, ExternalReferenceType.EVIDENCE}
)

#: SPDX class and primary purpose of each kind (software's purpose follows its role).
ELEMENT_TYPE: Final = {
    ComponentKind.MODEL: ("ai_AIPackage", "model"),
    ComponentKind.ADAPTER: ("ai_AIPackage", "model"),
    ComponentKind.GUARD_MODEL: ("ai_AIPackage", "model"),
    ComponentKind.DATASET: ("dataset_DatasetPackage", "data"),
    ComponentKind.WEIGHTS: ("software_Package", "model"),
    ComponentKind.TOKENIZER: ("software_Package", "configuration"),
    ComponentKind.ROUTER: ("software_Package", "application"),
    ComponentKind.INFERENCE_PROVIDER: ("software_Package", "platform"),
    ComponentKind.SOFTWARE: ("software_Package", "library"),
}
SOFTWARE_PURPOSE: Final = {
    SoftwareRole.LIBRARY: "library",
    SoftwareRole.RUNTIME: "platform",
    SoftwareRole.FRAMEWORK: "framework",
    SoftwareRole.INFERENCE_SERVER: "application",
    SoftwareRole.VECTOR_STORE: "application",
    SoftwareRole.EVAL_HARNESS: "test",
    SoftwareRole.APPLICATION: "application",
    SoftwareRole.OTHER: "other",
}
#: Reading another tool's software package: its primary purpose gives the role.
PURPOSE_ROLE: Final = {
    "library": SoftwareRole.LIBRARY,
    "platform": SoftwareRole.RUNTIME,
    "operatingSystem": SoftwareRole.RUNTIME,
    "container": SoftwareRole.RUNTIME,
    "framework": SoftwareRole.FRAMEWORK,
    "application": SoftwareRole.APPLICATION,
    "executable": SoftwareRole.APPLICATION,
    "test": SoftwareRole.EVAL_HARNESS,
}

#: fmbom relation kind → SPDX relationship type. The first kind listed for a type is the one a
#: plain relationship of that type reads as; the others carry an ``fmbom:relation`` entry.
RELATIONSHIP_TYPES: Final = {
    RelationKind.DEPENDS_ON: "dependsOn",
    RelationKind.DERIVED_FROM: "descendantOf",
    RelationKind.TRAINED_ON: "trainedOn",
    RelationKind.EVALUATED_ON: "testedOn",
    RelationKind.HAS_WEIGHTS: "hasDistributionArtifact",
    RelationKind.SERVED_BY: "availableFrom",
    RelationKind.QUANTIZED_FROM: "descendantOf",
    RelationKind.ADAPTS: "descendantOf",
    RelationKind.USES_TOKENIZER: "dependsOn",
    RelationKind.ROUTES_TO: "dependsOn",
    RelationKind.GUARDS: "other",
}
SPDX_RELATIONSHIP_TYPES: Final[dict[str, RelationKind]] = {}
for _kind, _type in RELATIONSHIP_TYPES.items():
    SPDX_RELATIONSHIP_TYPES.setdefault(_type, _kind)

#: Modality → SPDX ``DatasetType`` (written for SPDX readers; the exact list is an entry).
DATASET_TYPES: Final = {
    Modality.TEXT: "text",
    Modality.IMAGE: "image",
    Modality.AUDIO: "audio",
    Modality.VIDEO: "video",
    Modality.CODE: "text",
    Modality.TABULAR: "structured",
    Modality.EMBEDDING: "numeric",
    Modality.STRUCTURED: "structured",
    Modality.OTHER: "other",
}
SPDX_DATASET_TYPES: Final = {
    "text": Modality.TEXT,
    "image": Modality.IMAGE,
    "audio": Modality.AUDIO,
    "video": Modality.VIDEO,
    "structured": Modality.STRUCTURED,
    "numeric": Modality.TABULAR,
    "categorical": Modality.TABULAR,
    "timeseries": Modality.TABULAR,
    "other": Modality.OTHER,
}
#: Sensitivity → (``hasSensitivePersonalInformation``, ``confidentialityLevel``).
SENSITIVITY: Final = {
    Sensitivity.NONE: ("no", None),
    Sensitivity.PUBLIC: ("no", "clear"),
    Sensitivity.PII: ("yes", None),
    Sensitivity.SENSITIVE_PII: ("yes", "red"),
    Sensitivity.CONFIDENTIAL: (None, "amber"),
    Sensitivity.UNKNOWN: ("noAssertion", None),
}


def quote_part(text: str) -> str:
    """``text`` as one IRI path segment (reversible with :func:`unquote_part`)."""
    return quote(text, safe="-._~")


def unquote_part(text: str) -> str:
    """The text a :func:`quote_part` segment stands for."""
    return unquote(text)


def entry_field_name(entry: str) -> str:
    """The field an ``fmbom:<field>`` entry carries (inverse of :func:`field_entry_name`)."""
    return entry[len("fmbom:") :].replace("-", "_")
