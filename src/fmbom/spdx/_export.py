"""fmbom → SPDX 3.0.1 JSON-LD, built as plain dicts in one linear pass.

Every fmbom field either goes to one SPDX property whose reading gives back the same value,
or into an ``fmbom:<field>`` entry of the element's ``extension_CdxPropertiesExtension``
(the names CycloneDX properties use). Where SPDX has a property that says the same thing
less precisely (a model's training summary, a dataset's type), it is written too, for SPDX
readers; fmbom reads its own documents from the exact places only.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from fmbom._version import __version__
from fmbom.bom import Bom, BomMetadata, Subject, Tool
from fmbom.governance import Governance, Unit
from fmbom.model import (
    Adapter,
    AnyComponent,
    Dataset,
    Digest,
    ExternalReference,
    GuardModel,
    Model,
    Property,
    Relation,
    Software,
    Weights,
)
from fmbom.spdx._names import (
    CONTEXT_URL,
    CREATION_INFO,
    DATASET_TYPES,
    ELEMENT_TYPE,
    EXPORTER_ENTRY,
    HASH_ALGORITHMS,
    ID_ROOT,
    KIND_ENTRY,
    LOSSY_REFERENCE_TYPES,
    PROFILES,
    REFERENCE_TYPES,
    RELATION_ENTRY,
    RELATIONSHIP_TYPES,
    SENSITIVITY,
    SOFTWARE_PURPOSE,
    SPDX_RELATIONSHIP_TYPES,
    SPEC_VERSION,
    USER_PREFIX,
    encode_value,
    field_entry_name,
    quote_part,
)

__all__ = ["EXACT_FIELDS", "build_document", "namespace", "timestamp_text"]

#: Fields every component has that SPDX holds exactly (the rest become extension entries).
COMMON_EXACT: Final = frozenset(
    {
        "ref",
        "name",
        "version",
        "supplier",
        "purl",
        "licenses",
        "digests",
        "external_references",
        "description",
        "properties",
    }
)
#: Per class, the fields SPDX holds exactly beyond the common ones.
EXACT_FIELDS: Final[dict[type, frozenset[str]]] = {
    Model: COMMON_EXACT | {"task"},
    Dataset: COMMON_EXACT | {"collection_method", "size_bytes"},
    Weights: COMMON_EXACT | {"files"},
    GuardModel: COMMON_EXACT | {"thresholds"},
    Subject: frozenset({"name", "version", "supplier", "description", "licenses"})
    | {"external_references"},
    Tool: frozenset({"name"}),
    BomMetadata: frozenset({"subject", "authors", "tools"}),
}
_EPOCH: Final = "1970-01-01T00:00:00Z"


def namespace(subject: Subject) -> str:
    """The id prefix of a document's elements: stable for one subject name and version."""
    key = f"fmbom:{subject.name}\x00{subject.version or ''}"
    return f"{ID_ROOT}{uuid.uuid5(uuid.NAMESPACE_URL, key)}/"


def timestamp_text(value: datetime.datetime) -> str:
    """An SPDX ``DateTimeStamp``: UTC, whole seconds, ``Z``."""
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(name: str, value: str) -> dict[str, str]:
    return {
        "type": "extension_CdxPropertyEntry",
        "extension_cdxPropName": name,
        "extension_cdxPropValue": value,
    }


def _extension(entries: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{"type": "extension_CdxPropertiesExtension", "extension_cdxProperty": entries}]


_OWN_FIELDS: dict[type, tuple[tuple[str, Any, str], ...]] = {}


def _own_fields(cls: type) -> tuple[tuple[str, Any, str], ...]:
    """(name, default, entry name) of each field of ``cls`` SPDX does not hold exactly."""
    found = _OWN_FIELDS.get(cls)
    if found is None:
        exact = EXACT_FIELDS.get(cls, COMMON_EXACT)
        found = _OWN_FIELDS[cls] = tuple(
            (f.name, f.default, field_entry_name(f.name))
            for f in attrs.fields(cls)
            if f.name not in exact
        )
    return found


def field_entries(obj: object) -> list[dict[str, str]]:
    """An ``fmbom:<field>`` entry for every field SPDX cannot hold that is not at its default."""
    out = []
    for name, default, entry_name in _own_fields(type(obj)):
        value = getattr(obj, name)
        if default is not attrs.NOTHING and value == default:
            continue
        out.append(_entry(entry_name, encode_value(value)))
    return out


def _user_entries(items: Iterable[Property]) -> list[dict[str, str]]:
    out = []
    for prop in items:
        name = USER_PREFIX + prop.name if prop.name.startswith("fmbom:") else prop.name
        out.append(_entry(name, prop.value))
    return out


def _hashes(digests: Iterable[Digest]) -> list[dict[str, str]]:
    return [
        {"type": "Hash", "algorithm": HASH_ALGORITHMS[d.algorithm], "hashValue": d.value}
        for d in digests
    ]


def _references(items: Sequence[ExternalReference]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        ref: dict[str, Any] = {
            "type": "ExternalRef",
            "externalRefType": REFERENCE_TYPES[item.type],
            "locator": [item.url],
        }
        if item.comment is not None:
            ref["comment"] = item.comment
        out.append(ref)
    return out


def _entry_pairs(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"type": "DictionaryEntry", "key": key, "value": value} for key, value in pairs]


class _Writer:
    """Collects the elements of one document; shared elements (agents, licences) once."""

    def __init__(self, bom: Bom) -> None:
        self.bom = bom
        self.ns = namespace(bom.metadata.subject)
        self.graph: list[dict[str, Any]] = []
        self.tail: list[dict[str, Any]] = []
        self.organizations: dict[str, str] = {}
        self.licenses: dict[str, str] = {}
        self.ids: dict[str, str] = {}

    def element(self, kind: str, spdx_id: str, **fields: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": kind, "spdxId": spdx_id, "creationInfo": CREATION_INFO}
        out.update(fields)
        return out

    def component_id(self, ref: str) -> str:
        found = self.ids.get(ref)
        if found is None:
            found = self.ids[ref] = f"{self.ns}component/{quote_part(ref)}"
        return found

    def organization(self, name: str) -> str:
        found = self.organizations.get(name)
        if found is None:
            found = self.organizations[name] = f"{self.ns}agent/{quote_part(name)}"
            self.tail.append(self.element("Organization", found, name=name))
        return found

    def license_ids(self, owner: str, expressions: Sequence[str]) -> None:
        targets = []
        for text in expressions:
            found = self.licenses.get(text)
            if found is None:
                found = self.licenses[text] = f"{self.ns}license/{quote_part(text)}"
                self.tail.append(
                    self.element(
                        "simplelicensing_LicenseExpression",
                        found,
                        simplelicensing_licenseExpression=text,
                    )
                )
            targets.append(found)
        self.graph.append(
            self.element(
                "Relationship",
                f"{owner}/declared-license",
                relationshipType="hasDeclaredLicense",
                **{"from": owner, "to": targets},
            )
        )

    def package(
        self,
        kind: str,
        spdx_id: str,
        item: AnyComponent | Subject,
        entries: list[dict[str, str]],
        purpose: str,
    ) -> dict[str, Any]:
        """The fields every package shares, in SPDX's own properties."""
        out = self.element(kind, spdx_id, name=item.name)
        if item.description is not None:
            out["description"] = item.description
        if item.supplier is not None:
            out["suppliedBy"] = self.organization(item.supplier)
        if item.version is not None:
            out["software_packageVersion"] = item.version
        purl = getattr(item, "purl", None)
        if purl is not None:
            out["software_packageUrl"] = purl
        digests = getattr(item, "digests", ())
        if digests:
            out["verifiedUsing"] = _hashes(digests)
        if item.external_references:
            out["externalRef"] = _references(item.external_references)
            if any(r.type in LOSSY_REFERENCE_TYPES for r in item.external_references):
                entries.append(
                    _entry(
                        field_entry_name("external_references"),
                        encode_value(item.external_references),
                    )
                )
        out["software_primaryPurpose"] = purpose
        if item.licenses:
            self.license_ids(spdx_id, item.licenses)
        if entries:
            out["extension"] = _extension(entries)
        return out


def _model_fields(model: Model, out: dict[str, Any]) -> None:
    if model.task is not None:
        out["ai_domain"] = [model.task]
    kinds = [k for k in (model.architecture_family, model.architecture) if k is not None]
    if kinds:
        out["ai_typeOfModel"] = kinds
    if model.context_length is not None:
        out["ai_hyperparameter"] = _entry_pairs([("context_length", str(model.context_length))])
    if model.governance is not None:
        _governance_fields(model.governance, out)


def _governance_fields(governance: Governance, out: dict[str, Any]) -> None:
    """What SPDX's AI profile has a property for, from the governance record."""
    identity, training = governance.identity, governance.training_data
    if identity is not None:
        if identity.limitations:
            out["ai_limitation"] = "\n".join(identity.limitations)
        if identity.intended_uses:
            out["ai_informationAboutApplication"] = "\n".join(identity.intended_uses)
        if identity.release_date is not None:
            out["releaseTime"] = f"{identity.release_date.isoformat()}T00:00:00Z"
    if training is not None:
        if training.content_summary is not None:
            out["ai_informationAboutTraining"] = training.content_summary
        if training.filtering is not None:
            out["ai_modelDataPreprocessing"] = [training.filtering]
        if training.energy_kwh is not None:
            out["ai_energyConsumption"] = {
                "type": "ai_EnergyConsumption",
                "ai_trainingEnergyConsumption": [
                    {
                        "type": "ai_EnergyConsumptionDescription",
                        "ai_energyQuantity": _decimal(training.energy_kwh),
                        "ai_energyUnit": "kilowattHour",
                    }
                ],
            }
    metrics = [
        (f"{e.benchmark}: {e.metric}", repr(e.value))
        for e in governance.evaluations
        if e.value is not None
    ]
    if metrics:
        out["ai_metric"] = _entry_pairs(metrics)


def _decimal(value: float) -> str:
    """An ``xsd:decimal`` literal (no exponent: JSON-LD would type a JSON number as double)."""
    return format(decimal.Decimal(repr(value)), "f")


def _adapter_fields(adapter: Adapter, out: dict[str, Any]) -> None:
    out["ai_typeOfModel"] = [adapter.method.value]
    pairs = [
        (name, repr(value) if isinstance(value, float) else str(value))
        for name, value in (
            ("rank", adapter.rank),
            ("alpha", adapter.alpha),
            ("dropout", adapter.dropout),
        )
        if value is not None
    ]
    if pairs:
        out["ai_hyperparameter"] = _entry_pairs(pairs)


def _dataset_fields(dataset: Dataset, out: dict[str, Any]) -> None:
    types = sorted({DATASET_TYPES[m] for m in dataset.modalities}) or ["noAssertion"]
    out["dataset_datasetType"] = types
    if dataset.collection_method is not None:
        out["dataset_dataCollectionProcess"] = dataset.collection_method
    if dataset.size_bytes is not None:
        out["dataset_datasetSize"] = dataset.size_bytes
    out["dataset_intendedUse"] = dataset.purpose.value
    if dataset.sensitivity is not None:
        personal, level = SENSITIVITY[dataset.sensitivity]
        if personal is not None:
            out["dataset_hasSensitivePersonalInformation"] = personal
        if level is not None:
            out["dataset_confidentialityLevel"] = level


def _purpose(component: AnyComponent) -> str:
    if isinstance(component, Software):
        return SOFTWARE_PURPOSE[component.role]
    return ELEMENT_TYPE[component.kind][1]


def _component(writer: _Writer, component: AnyComponent) -> None:
    spdx_id = writer.component_id(component.ref)
    entries = [_entry(KIND_ENTRY, component.kind.value)]
    entries += field_entries(component)
    entries += _user_entries(component.properties)
    kind = ELEMENT_TYPE[component.kind][0]
    out = writer.package(kind, spdx_id, component, entries, _purpose(component))
    if isinstance(component, Model):
        _model_fields(component, out)
    elif isinstance(component, Adapter):
        _adapter_fields(component, out)
    elif isinstance(component, Dataset):
        _dataset_fields(component, out)
    elif isinstance(component, GuardModel) and component.thresholds:
        out["ai_metricDecisionThreshold"] = _entry_pairs(
            (t.name, repr(t.value)) for t in component.thresholds
        )
    writer.graph.append(out)
    if isinstance(component, Weights) and component.files:
        files = []
        for weight_file in component.files:
            file_id = f"{spdx_id}/file/{quote_part(weight_file.path)}"
            element = writer.element(
                "software_File", file_id, name=weight_file.path, software_primaryPurpose="model"
            )
            if weight_file.digest is not None:
                element["verifiedUsing"] = _hashes([weight_file.digest])
            if weight_file.size is not None:
                element["extension"] = _extension(
                    [_entry(field_entry_name("size"), str(weight_file.size))]
                )
            writer.graph.append(element)
            files.append(file_id)
        writer.graph.append(
            writer.element(
                "Relationship",
                f"{spdx_id}/files",
                relationshipType="contains",
                **{"from": spdx_id, "to": files},
            )
        )


def _relationship(writer: _Writer, relation: Relation) -> dict[str, Any]:
    spdx_type = RELATIONSHIP_TYPES[relation.kind]
    source, target = writer.component_id(relation.source), writer.component_id(relation.target)
    spdx_id = f"{writer.ns}relation/{relation.kind.value}/{source.rsplit('/', 1)[1]}/"
    spdx_id += target.rsplit("/", 1)[1]
    out = writer.element(
        "Relationship", spdx_id, relationshipType=spdx_type, **{"from": source, "to": [target]}
    )
    entries = []
    if SPDX_RELATIONSHIP_TYPES[spdx_type] is not relation.kind:
        entries.append(_entry(RELATION_ENTRY, relation.kind.value))
    entries += field_entries(relation)
    if entries:
        out["extension"] = _extension(entries)
    return out


_RELATION_EXACT: Final = frozenset({"kind", "source", "target"})
EXACT_FIELDS[Relation] = _RELATION_EXACT


def _subject(writer: _Writer, subject: Subject) -> str:
    spdx_id = f"{writer.ns}subject"
    model_unit = subject.unit in (Unit.BASE_MODEL, Unit.ADAPTED_MODEL)
    kind = "ai_AIPackage" if model_unit else "software_Package"
    purpose = "model" if model_unit else "application"
    out = writer.package(kind, spdx_id, subject, field_entries(subject), purpose)
    if model_unit and subject.governance is not None:
        _governance_fields(subject.governance, out)
    writer.graph.append(out)
    return spdx_id


def build_document(bom: Bom) -> dict[str, Any]:
    """The SPDX 3.0.1 JSON-LD document of ``bom`` as plain Python data."""
    writer = _Writer(bom)
    metadata = bom.metadata
    exporter_id = f"{writer.ns}tool/fmbom"
    agents = [
        writer.element("Agent", f"{writer.ns}author/{index}", name=name)
        for index, name in enumerate(metadata.authors)
    ]
    if not agents:
        agents = [writer.element("SoftwareAgent", f"{writer.ns}agent/fmbom", name="fmbom")]
    tools = [
        writer.element(
            "Tool",
            exporter_id,
            name=f"fmbom {__version__}",
            extension=_extension([_entry(EXPORTER_ENTRY, __version__)]),
        )
    ]
    for index, tool in enumerate(metadata.tools):
        element = writer.element("Tool", f"{writer.ns}tool/{index}", name=tool.name)
        entries = field_entries(tool)
        if entries:
            element["extension"] = _extension(entries)
        tools.append(element)
    creation: dict[str, Any] = {
        "type": "CreationInfo",
        "@id": CREATION_INFO,
        "specVersion": SPEC_VERSION,
        "created": _EPOCH,
        "createdBy": [a["spdxId"] for a in agents],
        "createdUsing": [t["spdxId"] for t in tools],
    }
    document_entries = [_entry(EXPORTER_ENTRY, __version__)]
    if metadata.timestamp is None:
        document_entries.append(_entry(field_entry_name("timestamp"), "null"))
    else:
        creation["created"] = timestamp_text(metadata.timestamp)
        if metadata.timestamp.microsecond:
            exact = encode_value(metadata.timestamp)
            document_entries.append(_entry(field_entry_name("timestamp"), exact))
    document_entries += [
        e
        for e in field_entries(metadata)
        if e["extension_cdxPropName"] != field_entry_name("timestamp")
    ]
    subject_id = _subject(writer, metadata.subject)
    components = [writer.component_id(c.ref) for c in bom.components]
    for component in bom.components:
        _component(writer, component)
    writer.graph.extend(_relationship(writer, r) for r in bom.relations)
    if components:
        writer.graph.append(
            writer.element(
                "Relationship",
                f"{subject_id}/components",
                relationshipType="contains",
                **{"from": subject_id, "to": components},
            )
        )
    sbom_id = f"{writer.ns}sbom"
    head = [
        creation,
        *agents,
        *tools,
        writer.element(
            "SpdxDocument",
            f"{writer.ns}document",
            name=metadata.subject.name,
            profileConformance=list(PROFILES),
            rootElement=[sbom_id],
            extension=_extension(document_entries),
        ),
        writer.element(
            "software_Sbom",
            sbom_id,
            profileConformance=list(PROFILES),
            rootElement=[subject_id],
        ),
    ]
    return {"@context": CONTEXT_URL, "@graph": head + writer.graph + writer.tail}
