"""CycloneDX export: content, validity against the official schemas, determinism, goldens."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from fmbom import Bom, cyclonedx
from fmbom.errors import ExportError
from fmbom.model import Dataset, InferenceProvider, Model, RelationKind

VERSIONS = cyclonedx.SPEC_VERSIONS


@pytest.fixture
def examples(example_v1: Bom, example_v2: Bom) -> dict[str, Bom]:
    return {"assistant-v1": example_v1, "assistant-v2": example_v2}


def _by_ref(items: list[dict[str, Any]], ref: str) -> dict[str, Any]:
    return next(item for item in items if item["bom-ref"] == ref)


def _props(item: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop in item.get("properties", ()):
        found.setdefault(prop["name"], []).append(prop["value"])
    return found


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("encoding", ["json", "xml"])
def test_examples_validate_against_the_official_schemas(
    example_v1: Bom, example_v2: Bom, version: str, encoding: str
) -> None:
    for bom in (example_v1, example_v2):
        text = cyclonedx.dumps(bom, format=encoding, spec_version=version)  # type: ignore[arg-type]
        assert cyclonedx.schema_errors(text) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("encoding", ["json", "xml"])
@pytest.mark.parametrize("name", ["assistant-v1", "assistant-v2"])
def test_goldens(
    golden: Callable[[str, str], None],
    examples: dict[str, Bom],
    name: str,
    version: str,
    encoding: str,
) -> None:
    bom = examples[name]
    text = cyclonedx.dumps(bom, format=encoding, spec_version=version)  # type: ignore[arg-type]
    assert cyclonedx.schema_errors(text) == []
    golden(f"cyclonedx/{name}.cdx-{version}.{encoding}", text)


def test_models_carry_a_model_card(example_v1: Bom) -> None:
    document = cyclonedx.to_dict(example_v1)
    models = example_v1.of_type(Model)
    assert models
    for model in models:
        item = _by_ref(document["components"], model.ref)
        assert item["type"] == "machine-learning-model"
        assert _props(item)["fmbom:kind"] == ["model"]
        card = item.get("modelCard", {})
        parameters = card.get("modelParameters", {})
        if model.task is not None:
            assert parameters["task"] == model.task
        if model.architecture_family is not None:
            assert parameters["architectureFamily"] == model.architecture_family
        if model.architecture is not None:
            assert parameters["modelArchitecture"] == model.architecture
        assert [i["format"] for i in parameters.get("inputs", ())] == [
            m.value for m in model.modalities_in
        ]
        trained = sorted(r.target for r in example_v1.outgoing(model.ref, RelationKind.TRAINED_ON))
        assert sorted(d["ref"] for d in parameters.get("datasets", ())) == trained
        evaluations = model.governance.evaluations if model.governance else ()
        metrics = card.get("quantitativeAnalysis", {}).get("performanceMetrics", [])
        assert [(m["slice"], m["type"]) for m in metrics] == [
            (e.benchmark, e.metric) for e in evaluations
        ]
        identity = model.governance.identity if model.governance else None
        if identity is not None and identity.intended_uses:
            assert card["considerations"]["useCases"] == list(identity.intended_uses)


def test_a_model_with_evaluations_has_metrics_with_values(example_v1: Bom) -> None:
    document = cyclonedx.to_dict(example_v1)
    evaluated = [m for m in example_v1.of_type(Model) if m.governance and m.governance.evaluations]
    assert evaluated, "the example has an evaluated model"
    model = evaluated[0]
    assert model.governance is not None
    metrics = _by_ref(document["components"], model.ref)["modelCard"]["quantitativeAnalysis"]
    values = [m.get("value") for m in metrics["performanceMetrics"]]
    assert values == [
        None if e.value is None else repr(e.value) for e in model.governance.evaluations
    ]


def test_datasets_are_data_components_with_data_entries(example_v1: Bom) -> None:
    document = cyclonedx.to_dict(example_v1)
    datasets = example_v1.of_type(Dataset)
    assert datasets
    for dataset in datasets:
        item = _by_ref(document["components"], dataset.ref)
        assert item["type"] == "data"
        entry = item["data"][0]
        assert entry["type"] == "dataset"
        assert entry["name"] == dataset.name
        if dataset.sensitivity is not None:
            assert entry["classification"] == dataset.sensitivity.value
        assert _props(item)["fmbom:purpose"] == [dataset.purpose.value]


def test_providers_are_services(example_v1: Bom) -> None:
    document = cyclonedx.to_dict(example_v1)
    providers = example_v1.of_type(InferenceProvider)
    assert providers
    for provider in providers:
        item = _by_ref(document["services"], provider.ref)
        assert _props(item)["fmbom:kind"] == ["inference-provider"]
        if provider.endpoint is not None:
            assert item["endpoints"] == [provider.endpoint]
        if provider.organization is not None:
            assert item["provider"] == {"name": provider.organization}
        if provider.trust_zone is not None:
            assert item["trustZone"] == provider.trust_zone
        if provider.region is not None:
            assert _props(item)["fmbom:region"] == [provider.region]
        assert item["data"] == [
            {"flow": "bi-directional", "classification": "prompts-and-completions"}
        ]


def test_every_relation_is_a_dependency_and_lineage_is_pedigree(example_v1: Bom) -> None:
    document = cyclonedx.to_dict(example_v1)
    depends = {d["ref"]: set(d.get("dependsOn", ())) for d in document["dependencies"]}
    for relation in example_v1.relations:
        assert relation.target in depends[relation.source]
    derived = [r for r in example_v1.relations if r.kind is RelationKind.DERIVED_FROM]
    assert derived
    for relation in derived:
        item = _by_ref(document["components"], relation.source)
        target = example_v1.component(relation.target)
        ancestors = item["pedigree"]["ancestors"]
        assert {"name": target.name, "version": target.version} in [
            {"name": a["name"], "version": a.get("version")} for a in ancestors
        ]
    subject = document["metadata"]["component"]["bom-ref"]
    assert depends[subject], "the subject depends on the top-level components"


def test_metadata_names_the_subject_and_fmbom_as_tool(example_v1: Bom) -> None:
    document = cyclonedx.to_dict(example_v1)
    metadata = document["metadata"]
    assert metadata["component"]["name"] == example_v1.metadata.subject.name
    tool = metadata["tools"]["components"][0]
    assert tool["name"] == "fmbom"
    assert tool["version"] == __import__("fmbom").__version__
    if example_v1.metadata.timestamp is None:
        assert "timestamp" not in metadata


def test_licenses_use_spdx_ids_when_listed() -> None:
    bom = Bom.create("s").add(
        Model(ref="a", name="a", licenses=("Apache-2.0", "llama3.2")),
        Model(ref="b", name="b", licenses=("MIT OR Apache-2.0",)),
    )
    document = cyclonedx.to_dict(bom)
    assert _by_ref(document["components"], "a")["licenses"] == [
        {"license": {"id": "Apache-2.0"}},
        {"license": {"name": "llama3.2"}},
    ]
    assert _by_ref(document["components"], "b")["licenses"] == [{"expression": "MIT OR Apache-2.0"}]
    assert cyclonedx.document_errors(document) == []


def test_output_is_deterministic_and_serial_follows_content(example_v1: Bom) -> None:
    first = cyclonedx.dumps(example_v1)
    assert cyclonedx.dumps(example_v1) == first
    serial = json.loads(first)["serialNumber"]
    assert serial.startswith("urn:uuid:")
    other = json.loads(cyclonedx.dumps(example_v1.remove(example_v1.components[0].ref)))
    assert other["serialNumber"] != serial


def test_unknown_spec_version_and_encoding_are_refused() -> None:
    bom = Bom.create("s")
    with pytest.raises(ExportError, match=r"1\.4"):
        cyclonedx.dumps(bom, spec_version="1.4")
    with pytest.raises(ExportError, match="yaml"):
        cyclonedx.dumps(bom, format="yaml")  # type: ignore[arg-type]


def test_control_characters_cannot_go_to_xml() -> None:
    bom = Bom.create("s").add(Model(ref="a", name="bell\x07"))
    with pytest.raises(ExportError, match="control characters"):
        cyclonedx.dumps(bom, format="xml")
    assert cyclonedx.loads(cyclonedx.dumps(bom)) == bom


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("encoding", ["json", "xml"])
def test_examples_round_trip(example_v1: Bom, example_v2: Bom, version: str, encoding: str) -> None:
    for bom in (example_v1, example_v2):
        text = cyclonedx.dumps(bom, format=encoding, spec_version=version)  # type: ignore[arg-type]
        back, warnings = cyclonedx.load_with_report(text)
        assert back == bom
        assert warnings == []


@pytest.mark.parametrize(
    ("tag", "entry"),
    [
        ("property", {"name": "fmbom:kind", "value": "model"}),
        ("property", {"value": 'x & <y> "z"\r\nw', "name": 'a"b&c<d>\n\te'}),
        ("property", {"name": "n", "value": 3}),
        ("property", {"name": "n"}),
        ("property", {"name": "n", "value": ""}),
        ("hash", {"alg": "SHA-256", "content": "ab" * 32}),
        ("hash", {"content": "ab" * 32, "alg": "SHA-256"}),
        ("hash", {"alg": "MD5", "content": "00", "extra": "x"}),
    ],
)
def test_xml_of_a_property_or_hash_list_is_each_item_written_whole(
    tag: str, entry: dict[str, Any]
) -> None:
    """A list of properties or hashes writes each item as the element it is, whichever way
    it is written (two string keys or anything else)."""
    from fmbom.cyclonedx._xml import _Writer
    from fmbom.cyclonedx._xsd import root_type

    item_type = root_type("1.6")
    for name in ("components", "component", {"property": "properties", "hash": "hashes"}[tag], tag):
        assert item_type is not None
        item_type = item_type.child(name)
    listed: list[str] = []
    _Writer(listed).items("  ", tag, [entry, entry], item_type)
    alone: list[str] = []
    _Writer(alone).element("  ", tag, entry, "", item_type)
    assert listed == alone * 2
    assert "".join(alone).startswith(f"  <{tag}")
