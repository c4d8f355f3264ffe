"""SPDX 3.0.1 export: structure, determinism, schema and SHACL validity, exact read-back."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from typing import Any

import attrs
import pytest

from fmbom import Bom, spdx
from fmbom.bom import BomMetadata, Subject, Tool
from fmbom.governance import Governance, TrainingData, Unit
from fmbom.model import (
    Dataset,
    Digest,
    ExternalReference,
    ExternalReferenceType,
    Modality,
    Model,
    Property,
    Relation,
    RelationKind,
    Sensitivity,
    WeightFile,
    Weights,
)
from fmbom.spdx._names import quote_part
from tests.unit.spdx.shacl import shacl_report

SHA = "a" * 64


def _by_type(document: dict[str, Any]) -> Counter[str]:
    return Counter(e["type"] for e in document["@graph"])


def _component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    suffix = f"/component/{quote_part(ref)}"
    return next(e for e in document["@graph"] if e.get("spdxId", "").endswith(suffix))


def _entries(element: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for extension in element.get("extension", ()):
        for entry in extension["extension_cdxProperty"]:
            found[entry["extension_cdxPropName"]] = entry["extension_cdxPropValue"]
    return found


def test_example_assistant_is_valid_spdx_with_ai_and_dataset_profiles(example_v1: Bom) -> None:
    document = spdx.to_dict(example_v1)
    assert document["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    types = _by_type(document)
    assert types["SpdxDocument"] == 1
    assert types["CreationInfo"] == 1
    assert types["ai_AIPackage"] >= 1
    assert types["dataset_DatasetPackage"] == len(example_v1.of_type(Dataset))
    relationship_types = {
        e["relationshipType"] for e in document["@graph"] if e["type"] == "Relationship"
    }
    assert {"trainedOn", "testedOn", "descendantOf", "hasDeclaredLicense"} <= relationship_types
    assert spdx.schema_errors(document) == []
    conforms, report = shacl_report(document)
    assert conforms, report


def test_export_is_deterministic_and_reads_back_exactly(example_v1: Bom, example_v2: Bom) -> None:
    for bom in (example_v1, example_v2):
        text = spdx.dumps(bom)
        assert spdx.dumps(bom) == text
        back, warnings = spdx.load_with_report(text)
        assert back == bom
        assert warnings == []


def test_ids_are_stable_across_unrelated_changes(example_v1: Bom) -> None:
    """An element's spdxId depends on the subject and its ref, not on the rest of the BOM."""
    first = spdx.to_dict(example_v1)
    ref = example_v1.components[0].ref
    smaller = example_v1.remove(example_v1.components[-1].ref)
    second = spdx.to_dict(smaller)
    assert _component(first, ref)["spdxId"] == _component(second, ref)["spdxId"]


def _small(**metadata: Any) -> Bom:
    model = Model(
        ref="m",
        name="llama",
        version="3.1",
        supplier="Meta",
        licenses=["LicenseRef-llama3"],
        task="text-generation",
        architecture_family="llama",
        modalities_in=[Modality.TEXT],
        context_length=8192,
        digests=[Digest.of("SHA-256", SHA)],
        external_references=[
            ExternalReference(url="https://hf.co/m", type=ExternalReferenceType.MODEL_CARD)
        ],
        properties=[Property(name="team", value="core"), Property(name="fmbom:odd", value="x")],
        governance=Governance(training_data=TrainingData(energy_kwh=1.5e6)),
    )
    data = Dataset(
        ref="d",
        name="web",
        modalities=[Modality.TEXT, Modality.CODE],
        size_bytes=10,
        sensitivity=Sensitivity.SENSITIVE_PII,
        collection_method="crawl",
    )
    weights = Weights(
        ref="w",
        name="w",
        files=[WeightFile(path="b.safetensors", size=3), WeightFile(path="a.safetensors")],
    )
    subject = Subject(name="assistant", version="1", unit=Unit.BASE_MODEL)
    return Bom(
        metadata=BomMetadata(subject=subject, **metadata),
        components=[model, data, weights],
        relations=[
            Relation(kind=RelationKind.TRAINED_ON, source="m", target="d"),
            Relation(kind=RelationKind.HAS_WEIGHTS, source="m", target="w"),
        ],
    )


def test_fields_go_to_spdx_properties_and_the_rest_to_extension_entries() -> None:
    document = spdx.to_dict(_small())
    model = _component(document, "m")
    assert model["type"] == "ai_AIPackage"
    assert model["software_packageVersion"] == "3.1"
    assert model["ai_domain"] == ["text-generation"]
    assert model["ai_typeOfModel"] == ["llama"]
    assert model["verifiedUsing"] == [{"type": "Hash", "algorithm": "sha256", "hashValue": SHA}]
    entries = _entries(model)
    assert entries["fmbom:kind"] == "model"
    assert entries["fmbom:modalities-in"] == '["text"]'
    assert entries["team"] == "core"
    assert entries["fmbom:user:fmbom:odd"] == "x"
    # a model card is "documentation" to SPDX: the exact list is kept beside it
    assert model["externalRef"][0]["externalRefType"] == "documentation"
    assert "fmbom:external-references" in entries
    energy = model["ai_energyConsumption"]["ai_trainingEnergyConsumption"][0]
    assert energy["ai_energyQuantity"] == "1500000.0"
    dataset = _component(document, "d")
    assert dataset["dataset_datasetType"] == ["text"]
    assert dataset["dataset_hasSensitivePersonalInformation"] == "yes"
    assert dataset["dataset_confidentialityLevel"] == "red"
    assert dataset["dataset_datasetSize"] == 10
    files = [e for e in document["@graph"] if e["type"] == "software_File"]
    assert [f["name"] for f in files] == ["b.safetensors", "a.safetensors"]
    supplier = next(e for e in document["@graph"] if e["type"] == "Organization")
    assert supplier["name"] == "Meta"
    assert model["suppliedBy"] == supplier["spdxId"]
    assert spdx.schema_errors(document) == []


@pytest.mark.parametrize(
    "metadata",
    [
        {},
        {"timestamp": datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)},
        {"timestamp": datetime.datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)},
        {"authors": ["Ana", "Ana"], "tools": [Tool(name="scanner", version="2", vendor="x")]},
    ],
)
def test_metadata_reads_back_exactly(metadata: dict[str, Any]) -> None:
    bom = _small(**metadata)
    document = spdx.to_dict(bom)
    creation = document["@graph"][0]
    assert creation["type"] == "CreationInfo"
    stamp = metadata.get("timestamp")
    assert creation["created"] == (
        stamp.strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else "1970-01-01T00:00:00Z"
    )
    assert spdx.loads(json.dumps(document)) == bom
    assert spdx.schema_errors(document) == []


def test_the_export_never_states_the_time_of_export() -> None:
    bom = _small()
    assert bom.metadata.timestamp is None
    document = spdx.to_dict(bom)
    entries = _entries(next(e for e in document["@graph"] if e["type"] == "SpdxDocument"))
    assert entries["fmbom:timestamp"] == "null"


def test_relations_without_their_own_spdx_type_carry_their_kind() -> None:
    bom = _small()
    bom = bom.replace(attrs.evolve(bom.component("w"), name="w2"))
    document = spdx.to_dict(bom)
    relationships = {
        e["relationshipType"]: e
        for e in document["@graph"]
        if e["type"] == "Relationship" and "/relation/" in e["spdxId"]
    }
    assert set(relationships) == {"trainedOn", "hasDistributionArtifact"}
    assert "extension" not in relationships["trainedOn"]
