"""Reading SPDX 3 documents other tools wrote: mapping of each property, and what is kept."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from fmbom import spdx
from fmbom.errors import BomValidationError, InputFormatError
from fmbom.model import (
    ComponentKind,
    Dataset,
    DatasetPurpose,
    ExternalReferenceType,
    HashAlgorithm,
    Modality,
    Model,
    RelationKind,
    Sensitivity,
    Software,
    SoftwareRole,
)

CI = "_:ci"
SHA = "b" * 64


def _doc(*elements: dict[str, Any], created: str = "2024-05-01T10:00:00Z") -> dict[str, Any]:
    graph: list[dict[str, Any]] = [
        {
            "type": "CreationInfo",
            "@id": CI,
            "specVersion": "3.0.1",
            "created": created,
            "createdBy": ["urn:p", "urn:bot"],
            "createdUsing": ["urn:tool"],
        },
        {"type": "Person", "spdxId": "urn:p", "creationInfo": CI, "name": "Ana"},
        {"type": "SoftwareAgent", "spdxId": "urn:bot", "creationInfo": CI, "name": "bot"},
        {"type": "Tool", "spdxId": "urn:tool", "creationInfo": CI, "name": "gen 1"},
        {
            "type": "SpdxDocument",
            "spdxId": "urn:doc",
            "creationInfo": CI,
            "rootElement": ["urn:app"],
        },
    ]
    graph.extend({"creationInfo": CI, **element} for element in elements)
    return {"@context": spdx.CONTEXT_URL, "@graph": graph}


def _rel(kind: str, source: str, *targets: str) -> dict[str, Any]:
    return {
        "type": "Relationship",
        "spdxId": f"urn:rel:{kind}:{source}:{targets[0]}",
        "relationshipType": kind,
        "from": source,
        "to": list(targets),
    }


APP = {
    "type": "software_Package",
    "spdxId": "urn:app",
    "name": "app",
    "software_packageVersion": "2.0",
    "software_primaryPurpose": "application",
    "suppliedBy": "urn:org",
}
ORG = {"type": "Organization", "spdxId": "urn:org", "name": "Acme"}
MODEL = {
    "type": "ai_AIPackage",
    "spdxId": "urn:model",
    "name": "m",
    "ai_domain": ["chat"],
    "ai_hyperparameter": [
        {"type": "DictionaryEntry", "key": "context_length", "value": "4096"},
        {"type": "DictionaryEntry", "key": "epochs", "value": "3"},
    ],
    "ai_limitation": "English only",
    "ai_informationAboutApplication": "support chat",
    "ai_informationAboutTraining": "web text",
    "releaseTime": "2024-04-01T00:00:00Z",
    "verifiedUsing": [
        {"type": "Hash", "algorithm": "sha256", "hashValue": SHA},
        {"type": "Hash", "algorithm": "md2", "hashValue": "00"},
        {"type": "Hash", "algorithm": "sha1", "hashValue": "short"},
    ],
    "externalRef": [
        {"type": "ExternalRef", "externalRefType": "vcs", "locator": ["https://git.example/m"]},
        {"type": "ExternalRef", "externalRefType": "chat", "locator": ["https://chat.example"]},
    ],
    "software_downloadLocation": "https://dl.example/m",
    "software_homePage": "https://m.example",
    "extension": [
        {
            "type": "extension_CdxPropertiesExtension",
            "extension_cdxProperty": [
                {
                    "type": "extension_CdxPropertyEntry",
                    "extension_cdxPropName": "team",
                    "extension_cdxPropValue": "core",
                }
            ],
        }
    ],
}
DATA = {
    "type": "dataset_DatasetPackage",
    "spdxId": "urn:data",
    "name": "d",
    "dataset_datasetType": ["text", "numeric"],
    "dataset_datasetSize": 42,
    "dataset_intendedUse": "evaluation",
    "dataset_hasSensitivePersonalInformation": "yes",
    "dataset_confidentialityLevel": "red",
    "software_downloadLocation": "https://data.example/d",
}


def test_packages_map_to_fields_and_the_rest_is_kept() -> None:
    document = _doc(
        APP,
        ORG,
        MODEL,
        DATA,
        _rel("trainedOn", "urn:model", "urn:data"),
        _rel("dependsOn", "urn:app", "urn:model"),
        _rel("hasDeclaredLicense", "urn:model", "https://spdx.org/licenses/MIT"),
        _rel("hasConcludedLicense", "urn:model", "https://spdx.org/licenses/Apache-2.0"),
        {"type": "Annotation", "spdxId": "urn:note", "subject": "urn:model", "statement": "x"},
    )
    bom, warnings = spdx.from_dict(document)
    model = bom.component("urn:model")
    assert isinstance(model, Model)
    assert model.task == "chat"
    assert model.context_length == 4096
    assert model.licenses == ("MIT",)
    assert model.property("spdx:concludedLicense") == "Apache-2.0"
    assert model.property("spdx:ai_hyperparameter") is not None
    assert model.property("team") == "core"
    assert [d.algorithm for d in model.digests] == [HashAlgorithm.SHA256]
    assert model.governance is not None
    assert model.governance.identity is not None
    assert model.governance.identity.release_date == datetime.date(2024, 4, 1)
    assert model.governance.identity.limitations == ("English only",)
    types = {r.type for r in model.external_references}
    assert types == {
        ExternalReferenceType.VCS,
        ExternalReferenceType.OTHER,
        ExternalReferenceType.DISTRIBUTION,
        ExternalReferenceType.WEBSITE,
    }
    dataset = bom.component("urn:data")
    assert isinstance(dataset, Dataset)
    assert dataset.modalities == (Modality.TEXT, Modality.TABULAR)
    assert dataset.size_bytes == 42
    assert dataset.purpose is DatasetPurpose.EVALUATION
    assert dataset.sensitivity is Sensitivity.SENSITIVE_PII
    assert dataset.source == "https://data.example/d"
    app = bom.component("urn:app")
    assert isinstance(app, Software)
    assert app.role is SoftwareRole.APPLICATION
    assert app.supplier == "Acme"
    assert {(r.kind, r.source) for r in bom.relations} == {
        (RelationKind.TRAINED_ON, "urn:model"),
        (RelationKind.DEPENDS_ON, "urn:app"),
    }
    metadata = bom.metadata
    assert metadata.subject.name == "app"
    assert metadata.subject.version == "2.0"
    assert metadata.subject.supplier == "Acme"
    assert metadata.authors == ("Ana",)
    assert [t.name for t in metadata.tools] == ["bot", "gen 1"]
    assert metadata.timestamp == datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.timezone.utc)
    assert any("md2" in w for w in warnings)
    assert any("hash dropped" in w for w in warnings)
    assert any("1 Annotation element(s) not carried over: urn:note" in w for w in warnings)


def test_lineage_and_providers_and_mismatched_kinds() -> None:
    base = {"type": "ai_AIPackage", "spdxId": "urn:base", "name": "base"}
    tuned = {"type": "ai_AIPackage", "spdxId": "urn:tuned", "name": "tuned"}
    host = {"type": "software_Package", "spdxId": "urn:host", "name": "host"}
    document = _doc(
        base,
        tuned,
        host,
        _rel("ancestorOf", "urn:base", "urn:tuned"),
        _rel("availableFrom", "urn:tuned", "urn:host"),
        _rel("contains", "urn:host", "urn:base"),
    )
    bom, warnings = spdx.from_dict(document)
    kinds = {(r.kind, r.source, r.target) for r in bom.relations}
    assert (RelationKind.DERIVED_FROM, "urn:tuned", "urn:base") in kinds
    assert (RelationKind.DEPENDS_ON, "urn:tuned", "urn:host") in kinds
    assert any("availableFrom from 'urn:tuned'" in w and "depends-on" in w for w in warnings)
    assert any("1 contains relationship(s)" in w for w in warnings)
    assert bom.metadata.subject.name == "urn:doc"


def test_a_lineage_cycle_is_a_clear_error() -> None:
    a = {"type": "ai_AIPackage", "spdxId": "urn:a", "name": "a"}
    b = {"type": "ai_AIPackage", "spdxId": "urn:b", "name": "b"}
    document = _doc(
        a, b, _rel("descendantOf", "urn:a", "urn:b"), _rel("ancestorOf", "urn:a", "urn:b")
    )
    with pytest.raises(BomValidationError, match=r"lineage cycle"):
        spdx.from_dict(document, source="in.json")


@pytest.mark.parametrize(
    ("properties", "sensitivity"),
    [
        ({"dataset_hasSensitivePersonalInformation": "no"}, Sensitivity.NONE),
        (
            {
                "dataset_hasSensitivePersonalInformation": "no",
                "dataset_confidentialityLevel": "clear",
            },
            Sensitivity.PUBLIC,
        ),
        ({"dataset_hasSensitivePersonalInformation": "noAssertion"}, Sensitivity.UNKNOWN),
        ({"dataset_confidentialityLevel": "amber"}, Sensitivity.CONFIDENTIAL),
        ({"dataset_hasSensitivePersonalInformation": "yes"}, Sensitivity.PII),
        ({}, None),
    ],
)
def test_dataset_sensitivity(properties: dict[str, str], sensitivity: Sensitivity | None) -> None:
    data = {"type": "dataset_DatasetPackage", "spdxId": "urn:d", "name": "d", **properties}
    bom, _ = spdx.from_dict(_doc(data))
    assert bom.of_type(Dataset)[0].sensitivity is sensitivity


def test_odd_values_are_kept_not_guessed() -> None:
    data = {
        "type": "dataset_DatasetPackage",
        "spdxId": "urn:d",
        "dataset_datasetType": ["graph"],
        "dataset_datasetSize": "big",
        "dataset_intendedUse": "research",
    }
    licence = {"type": "Organization", "spdxId": "urn:weird"}
    document = _doc(
        data,
        licence,
        _rel("hasDeclaredLicense", "urn:d", "urn:weird"),
        {
            "type": "simplelicensing_LicenseExpression",
            "spdxId": "urn:bad-expr",
            "simplelicensing_licenseExpression": "not a licence (",
        },
        _rel("hasConcludedLicense", "urn:d", "urn:bad-expr"),
        created="yesterday",
    )
    bom, warnings = spdx.from_dict(document)
    (dataset,) = bom.of_type(Dataset)
    assert dataset.name == "urn:d"
    assert dataset.modalities == ()
    assert dataset.size_bytes is None
    assert dataset.purpose is DatasetPurpose.OTHER
    assert dataset.property("spdx:dataset_datasetType") == '["graph"]'
    assert dataset.property("spdx:dataset_intendedUse") == "research"
    assert dataset.licenses == ()
    assert dataset.property("spdx:license") == "not a licence ("
    assert bom.metadata.timestamp is None
    assert any("has no name" in w for w in warnings)
    assert any("licence 'urn:weird' not understood" in w for w in warnings)
    assert any("is not an SPDX expression" in w for w in warnings)
    assert any("'yesterday' is not a timestamp" in w for w in warnings)


def test_other_contexts_are_read_with_a_warning() -> None:
    document = _doc({"type": "software_Package", "spdxId": "urn:app", "name": "app"})
    document["@context"] = ["https://spdx.org/rdf/3.0.0/spdx-context.jsonld"]
    bom, warnings = spdx.from_dict(document)
    assert bom.of_type(Software)[0].name == "app"
    assert any("read as SPDX 3.0.1" in w for w in warnings)
    assert bom.component("urn:app").kind is ComponentKind.SOFTWARE


@pytest.mark.parametrize(
    ("element", "path", "message"),
    [
        ({**APP, "type": ["software_Package"]}, "$.@graph[5].type", "must be a class name"),
        (
            _rel("dependsOn", "urn:app", "urn:org") | {"relationshipType": ["dependsOn"]},
            "$.@graph[5].relationshipType",
            "must be a relationship type",
        ),
        ({**APP, "creationInfo": [CI]}, "$.@graph[5].creationInfo", "CreationInfo IRI or object"),
        ({**APP, "name": {"text": "app"}}, "$.@graph[5].name", "must be a literal value"),
        (
            {**MODEL, "ai_hyperparameter": [1.5]},
            "$.@graph[5].ai_hyperparameter",
            "IRI or an object",
        ),
        (
            {**APP, "verifiedUsing": [{"type": "Hash", "algorithm": ["sha256"]}]},
            "$.@graph[5].verifiedUsing[0].algorithm",
            "must be the name of one member",
        ),
    ],
)
def test_a_value_of_the_wrong_structure_is_refused_with_its_path(
    element: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(InputFormatError, match=message) as error:
        spdx.from_dict(_doc(element), source="odd.spdx3.json")
    assert error.value.path == path
    assert error.value.source == "odd.spdx3.json"


def test_objects_named_by_their_iri_are_read_like_inline_ones() -> None:
    digest = "a" * 64
    hashed = {**APP, "verifiedUsing": ["_:hash", "_:nowhere"]}
    tuned = {**MODEL, "ai_hyperparameter": ["_:context"]}
    document = _doc(hashed, ORG, tuned)
    document["@graph"] += [
        {"type": "Hash", "@id": "_:hash", "algorithm": "sha256", "hashValue": digest},
        {"type": "DictionaryEntry", "@id": "_:context", "key": "context_length", "value": "8192"},
    ]
    bom, warnings = spdx.from_dict(document)
    app = bom.component("urn:app")
    assert [d.value for d in app.digests] == [digest]
    model = bom.component("urn:model")
    assert isinstance(model, Model)
    assert model.context_length == 8192
    assert any("hash '_:nowhere' has no object" in w for w in warnings)
    assert not any("not carried over: _:" in w for w in warnings), warnings


def test_an_inline_creation_info_is_read() -> None:
    document = _doc(APP, ORG)
    for element in document["@graph"]:
        if element["type"] == "SpdxDocument":
            element["creationInfo"] = {"type": "CreationInfo", "created": "2025-02-03T04:05:06Z"}
    bom, _ = spdx.from_dict(document)
    assert bom.metadata.timestamp == datetime.datetime(
        2025, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc
    )


def test_a_value_that_is_not_text_is_kept_as_it_is() -> None:
    bom, _ = spdx.from_dict(_doc({**APP, "software_packageVersion": 2}, ORG))
    app = bom.component("urn:app")
    assert app.version is None
    assert app.property("spdx:software_packageVersion") == "2"


def test_a_location_that_is_not_a_url_is_kept_as_a_property() -> None:
    """spdx-examples' software documents state ``NOASSERTION`` download locations."""
    package = {**APP, "software_downloadLocation": "NOASSERTION", "software_homePage": "acme"}
    bom, warnings = spdx.from_dict(_doc(package, ORG))
    app = bom.component("urn:app")
    assert app.external_references == ()
    assert app.property("spdx:software_downloadLocation") == "NOASSERTION"
    assert app.property("spdx:software_homePage") == "acme"
    assert [w for w in warnings if "is not a URL" in w] == [
        "urn:app: software_homePage 'acme' is not a URL; kept as property spdx:software_homePage"
    ]


@pytest.mark.parametrize("use", [["training", "testing"], 7])
def test_an_intended_use_that_is_not_a_string_is_kept_as_written(use: object) -> None:
    data = {
        "type": "dataset_DatasetPackage",
        "spdxId": "urn:d",
        "name": "d",
        "dataset_intendedUse": use,
    }
    bom, _ = spdx.from_dict(_doc(data))
    (dataset,) = bom.of_type(Dataset)
    assert dataset.purpose is DatasetPurpose.OTHER
    assert dataset.property("spdx:dataset_intendedUse") is not None
