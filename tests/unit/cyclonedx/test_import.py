"""CycloneDX import: documents of other tools, invalid documents, XML safety, interop."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom import Bom, cyclonedx
from fmbom.errors import ExportError, InputFormatError
from fmbom.io import loads_bom
from fmbom.model import Dataset, InferenceProvider, Model, RelationKind, Software, SoftwareRole
from tests.shared_corpus import shared_files

Corpus = Callable[[str], Path]


def _load(corpus: Corpus, name: str) -> tuple[Bom, list[str]]:
    return cyclonedx.load_with_report(corpus(f"cyclonedx/{name}").read_bytes(), source=name)


def _prop(component: object, name: str) -> list[str]:
    return [p.value for p in component.properties if p.name == name]  # type: ignore[attr-defined]


def _carried(holder: object, path: str) -> object:
    """The CycloneDX value carried at ``path`` (AssertionError when there is none)."""
    (found,) = [e for e in holder.extensions if e.path == path]  # type: ignore[attr-defined]
    return found.value


@pytest.mark.parametrize("encoding", ["json", "xml"])
def test_spec_machine_learning_model_card_is_mapped(corpus: Corpus, encoding: str) -> None:
    bom, _ = _load(corpus, f"valid-machine-learning-1.6.{encoding}")
    model = bom.component("component-a")
    assert isinstance(model, Model)
    assert (model.name, model.group, model.version) == ("stable-diffusion", "CompVis", "1.4")
    assert model.task == "task goes here"
    assert model.architecture_family == "the architecture family goes here"
    assert model.architecture == "The architecture of the model."
    assert _carried(model, "modelCard.modelParameters.approach") == {"type": "supervised"}
    assert _carried(model, "modelCard.modelParameters.inputs") == [{"format": "string"}]
    card_properties = _carried(model, "modelCard.properties")
    assert isinstance(card_properties, list)
    assert {"name": "modelcard:custom-property", "value": "custom-value"} in card_properties
    assert model.governance is not None
    identity = model.governance.identity
    assert identity is not None
    assert "Data scientists and ML researchers" in identity.intended_users
    assert "Limited performance on non-photographic styles" in identity.limitations
    assert any(
        t.startswith("Fairness assessment: group at risk") for t in identity.ethical_considerations
    )
    (evaluation,) = model.governance.evaluations
    assert evaluation.metric == "The type of performance metric"
    assert evaluation.value is None
    assert evaluation.setup is not None
    assert "The value of the performance metric" in evaluation.setup
    (trained,) = bom.outgoing("component-a", RelationKind.TRAINED_ON)
    dataset = bom.component(trained.target)
    assert isinstance(dataset, Dataset)
    assert dataset.name == "Training Data"
    assert dataset.source == "https://example.com/path/to/dataset"
    assert dataset.sensitivity is not None
    assert dataset.sensitivity.value == "public"


@pytest.mark.parametrize("encoding", ["json", "xml"])
def test_spec_environmental_considerations(corpus: Corpus, encoding: str) -> None:
    bom, _ = _load(corpus, f"valid-machine-learning-considerations-env-1.7.{encoding}")
    model = bom.component("huggingface.co-meta-llama-Llama-2-7b")
    assert isinstance(model, Model)
    assert model.supplier == "Hugging Face"
    assert model.governance is not None
    assert model.governance.training_data is not None
    assert model.governance.training_data.energy_kwh == pytest.approx(0.4)
    assert model.publisher == "meta"
    considerations = _carried(model, "modelCard.considerations")
    assert isinstance(considerations, dict)
    assert considerations["environmentalConsiderations"]["energyConsumptions"]


@pytest.mark.parametrize("encoding", ["json", "xml"])
def test_spec_component_types_become_software_with_the_type(corpus: Corpus, encoding: str) -> None:
    bom, warnings = _load(corpus, f"valid-component-types-1.7.{encoding}")
    names = {c.name: c for c in bom.components}
    assert len(names) == 9
    assert isinstance(names["data-a"], Dataset)
    library = names["library-a"]
    assert isinstance(library, Software)
    assert library.role is SoftwareRole.LIBRARY
    assert _carried(names["firmware-a"], "type") == "firmware"
    assert names["firmware-a"].properties == ()
    assert len({c.ref for c in bom.components}) == 9, "missing bom-refs are generated"
    assert any("no metadata.component" in w for w in warnings)
    again, _ = _load(corpus, f"valid-component-types-1.7.{encoding}")
    assert again == bom, "generated refs are deterministic"


@pytest.mark.parametrize("encoding", ["json", "xml"])
def test_spec_component_data_entries(corpus: Corpus, encoding: str) -> None:
    bom, _ = _load(corpus, f"valid-component-data-1.7.{encoding}")
    (dataset,) = bom.components
    assert isinstance(dataset, Dataset)
    assert dataset.source == "https://example.com/cfg/1337/app.ini"
    entries = _carried(dataset, "data")
    assert isinstance(entries, list)
    assert [e["name"] for e in entries] == ["app.ini", ".env"]
    text = cyclonedx.dumps(bom, spec_version="1.7")
    assert json.loads(text)["components"][0]["data"] == entries


def test_formulation_is_carried_back_to_its_place(corpus: Corpus) -> None:
    raw = corpus("cyclonedx/valid-formulation-1.5.json").read_bytes()
    bom, warnings = cyclonedx.load_with_report(raw)
    assert warnings == ["$.metadata: no metadata.component; the subject is named 'unnamed'"]
    original = json.loads(raw)["formulation"]
    assert _carried(bom.metadata, "formulation") == original
    assert json.loads(cyclonedx.dumps(bom, spec_version="1.5"))["formulation"] == original


def test_qwen_guide_example(corpus: Corpus) -> None:
    bom, warnings = _load(corpus, "qwen-7b-mlbom-1.7_schema_example_v1.json")
    model = bom.component("pkg:huggingface/Qwen/Qwen-7B@ef3c5c9")
    assert isinstance(model, Model)
    assert bom.metadata.subject.name == "Qwen/Qwen-7B"
    assert model.task == "text-generation"
    assert model.architecture == "QWenLMHeadModel"
    assert model.parameter_count == 7_000_000_000
    assert model.context_length == 8192
    assert model.governance is not None
    assert [e.benchmark for e in model.governance.evaluations] == ["unspecified", "cola"]
    assert model.governance.evaluations[0].value == pytest.approx(58.2)
    assert model.governance.evaluations[0].uncertainty == pytest.approx(0.72)
    (base,) = bom.outgoing(model.ref, RelationKind.DERIVED_FROM)
    assert bom.component(base.target).name == "meta-llama/Llama-3.2-3B-Instruct"
    trained = {
        bom.component(r.target).name for r in bom.outgoing(model.ref, RelationKind.TRAINED_ON)
    }
    assert trained == {"UltraFeedback dataset", "ACME Midwest health data"}
    nested = {
        bom.component(r.target).name for r in bom.outgoing(model.ref, RelationKind.DEPENDS_ON)
    }
    assert "config.json" in nested
    assert warnings == []
    assert "formulation" in json.loads(cyclonedx.dumps(bom, spec_version="1.7"))


def test_k8s_aibom(corpus: Corpus) -> None:
    bom, _ = _load(corpus, "k8s-aibom-vllm-deployment-output.json")
    models = bom.of_type(Model)
    assert len(models) == 2
    assert {m.name for m in models} == {"meta-llama/Llama-3.1-8B-Instruct"}
    container = next(c for c in bom.components if c.name == "vllm/vllm-openai")
    assert container.digests[0].algorithm.value == "sha256"
    assert _prop(container, "aibom.confidence") == ["declared"]
    assert bom.metadata.tools[0].name == "k8s-aibom"


def test_hunyuan_aibom(corpus: Corpus) -> None:
    bom, warnings = _load(corpus, "bxf12315-hunyuanworld-voyager-aibom.json")
    (model,) = bom.of_type(Model)
    assert model.licenses == ("tencent-hunyuanworld-voyager-community",)
    assert model.supplier == "tencent"
    assert model.copyright == "NOASSERTION"
    assert warnings == []
    document = json.loads(corpus("cyclonedx/bxf12315-hunyuanworld-voyager-aibom.json").read_text())
    again = json.loads(cyclonedx.dumps(bom))
    assert again["externalReferences"] == document["externalReferences"]


def test_owasp_aibom_is_repaired_with_warnings(corpus: Corpus) -> None:
    bom, warnings = _load(corpus, "owasp-aibom-generator-expected_aibom.json")
    (model,) = bom.of_type(Model)
    assert model.licenses == ("Apache-2.0",)
    assert model.architecture == "LlamaForCausalLM"
    assert any("read as 'Apache-2.0'" in w for w in warnings)
    assert any("serialNumber" in w for w in warnings)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("invalid-component-type-1.6.json", "$.components[0].type"),
        ("invalid-license-id-1.6.json", "$.components[0].licenses"),
        ("invalid-metadata-timestamp-1.6.json", "$.metadata.timestamp"),
        ("invalid-missing-component-type-1.6.json", "'type'"),
        ("invalid-service-data-1.6.json", "flow"),
        ("invalid-component-type-1.7.xml", "'foo'"),
        ("invalid-license-id-1.7.xml", "Apache-2"),
        ("invalid-metadata-timestamp-1.7.xml", "timestamp"),
        ("invalid-missing-component-type-1.7.xml", "'type' is required"),
        ("invalid-service-data-1.7.xml", "flow"),
    ],
)
def test_invalid_documents_name_the_problem(corpus: Corpus, name: str, problem: str) -> None:
    with pytest.raises(InputFormatError, match="not valid CycloneDX") as caught:
        cyclonedx.loads(corpus(f"cyclonedx/{name}").read_bytes(), source=name, strict=True)
    assert problem in str(caught.value)
    assert name in str(caught.value)
    _, warnings = _load(corpus, name)
    assert any(problem in w for w in warnings)


@pytest.mark.parametrize("path", shared_files("cyclonedx/spec-tests/*/valid-*"))
def test_every_valid_spec_document_of_the_shared_corpus_loads(path: Path) -> None:
    bom = loads_bom(path.read_bytes(), source=path.name)
    assert len(bom.components) >= 1


@pytest.mark.parametrize("path", shared_files("cyclonedx/spec-tests/*/invalid-*"))
def test_every_invalid_spec_document_of_the_shared_corpus_is_refused_when_strict(
    path: Path,
) -> None:
    with pytest.raises(InputFormatError, match="not valid CycloneDX"):
        loads_bom(path.read_bytes(), source=path.name, strict=True)
    bom, warnings = cyclonedx.load_with_report(path.read_bytes(), source=path.name)
    assert warnings
    assert bom.metadata.subject.name


# --- refs and relations of other tools' documents --------------------------------------------


def _document(**extra: object) -> dict[str, object]:
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, **extra}


def test_duplicate_and_odd_bom_refs_are_replaced_deterministically() -> None:
    document = _document(
        components=[
            {"type": "library", "name": "a", "bom-ref": "same"},
            {"type": "library", "name": "b", "bom-ref": "same"},
            {"type": "library", "name": "c", "bom-ref": "has space"},
        ],
        dependencies=[{"ref": "same", "dependsOn": ["has space"]}],
    )
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    refs = {c.name: c.ref for c in bom.components}
    assert refs["a"] == "same"
    assert refs["b"] != "same"
    assert " " not in refs["c"]
    (relation,) = bom.relations
    assert (relation.source, relation.target) == ("same", refs["c"])
    assert any("duplicate bom-ref" in w for w in warnings)
    assert cyclonedx.from_json_dict(document) == bom


def test_dependencies_that_cannot_be_kept_are_warnings() -> None:
    document = _document(
        components=[
            {"type": "machine-learning-model", "name": "m", "bom-ref": "m"},
            {"type": "library", "name": "lib", "bom-ref": "lib"},
        ],
        dependencies=[{"ref": "m", "dependsOn": ["lib", "ghost"]}],
    )
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    (relation,) = bom.relations
    assert relation.kind is RelationKind.DEPENDS_ON
    assert any("'ghost'" in w for w in warnings)


def test_pedigree_ancestor_of_the_wrong_kind_is_downgraded() -> None:
    document = _document(
        components=[
            {
                "type": "library",
                "name": "fork",
                "bom-ref": "fork",
                "pedigree": {"ancestors": [{"type": "library", "name": "upstream"}]},
            },
            {
                "type": "machine-learning-model",
                "name": "tuned",
                "bom-ref": "tuned",
                "pedigree": {"ancestors": [{"type": "machine-learning-model", "name": "base"}]},
            },
        ]
    )
    bom, _ = cyclonedx.from_json_dict_with_report(document)
    kinds = {(bom.component(r.source).name, r.kind) for r in bom.relations}
    assert ("fork", RelationKind.DEPENDS_ON) in kinds
    assert ("tuned", RelationKind.DERIVED_FROM) in kinds


def test_services_become_inference_providers() -> None:
    document = _document(
        services=[
            {
                "bom-ref": "api",
                "name": "chat-api",
                "provider": {"name": "Acme Cloud"},
                "endpoints": ["https://api.example.com/v1", "https://backup.example.com"],
                "trustZone": "external",
                "data": [{"flow": "outbound", "classification": "PII"}],
            }
        ]
    )
    bom, _ = cyclonedx.from_json_dict_with_report(document)
    provider = bom.component("api")
    assert isinstance(provider, InferenceProvider)
    assert provider.organization == "Acme Cloud"
    assert provider.endpoint == "https://api.example.com/v1"
    assert provider.trust_zone == "external"
    endpoints = _carried(provider, "endpoints")
    assert isinstance(endpoints, list)
    assert "https://backup.example.com" in endpoints
    flows = _carried(provider, "data")
    assert isinstance(flows, list)
    assert flows[0]["flow"] == "outbound"


def test_not_cyclonedx_and_unsupported_versions_are_refused() -> None:
    with pytest.raises(InputFormatError, match="not a CycloneDX"):
        cyclonedx.from_json_dict({"bomFormat": "SPDX"})
    with pytest.raises(InputFormatError, match=r"1\.3"):
        cyclonedx.from_json_dict(_document(specVersion="1.3"), validate=False)
    with pytest.raises(InputFormatError, match="not valid JSON"):
        cyclonedx.loads(b"{nope")


# --- XML safety ------------------------------------------------------------------------------

_NS = "http://cyclonedx.org/schema/bom/1.6"


def test_billion_laughs_is_refused() -> None:
    doc = (
        '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;">]>'
        f'<bom xmlns="{_NS}" version="1"><components><component type="library">'
        "<name>&c;</name></component></components></bom>"
    )
    with pytest.raises(InputFormatError, match="DOCTYPE"):
        cyclonedx.loads(doc, validate=False)


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<bom xmlns="{_NS}" version="1"><components><component type="library">'
        "<name>&x;</name></component></components></bom>"
    )
    with pytest.raises(InputFormatError, match="DOCTYPE"):
        cyclonedx.loads(doc, validate=False)


def test_deep_nesting_is_refused() -> None:
    depth = 100
    inner = "<components><component type='library'><name>x</name>" * depth
    inner += "</component></components>" * depth
    doc = f'<bom xmlns="{_NS}" version="1">{inner}</bom>'
    with pytest.raises(InputFormatError, match="nested deeper"):
        cyclonedx.loads(doc, validate=False)


@pytest.mark.parametrize("validate", [True, False])
def test_deeply_nested_json_is_refused(validate: bool) -> None:
    depth = 2000
    text = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": '
    text += '[{"type": "library", "name": "x", "components": ' * depth + "[]"
    text += "}]" * depth + "}"
    with pytest.raises(InputFormatError, match="nested too deeply"):
        cyclonedx.loads(text, validate=validate)


def test_malformed_xml_and_foreign_roots_are_refused() -> None:
    with pytest.raises(InputFormatError, match="well-formed"):
        cyclonedx.loads(b"<bom", validate=False)
    with pytest.raises(InputFormatError, match="not a CycloneDX XML"):
        cyclonedx.loads(b"<html/>", validate=False)


# --- interop -------------------------------------------------------------------------------


def test_to_cyclonedx_bom(example_v1: Bom) -> None:
    library_bom = cyclonedx.to_cyclonedx_bom(example_v1)
    refs = {c.bom_ref.value for c in library_bom.components}
    refs |= {s.bom_ref.value for s in library_bom.services}
    assert refs == {c.ref for c in example_v1.components}
    assert library_bom.metadata.component.name == example_v1.metadata.subject.name


def test_merge_folds_an_sbom_in(example_v1: Bom) -> None:
    sbom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "env", "bom-ref": "env"}},
        "components": [
            {
                "type": "library",
                "name": "torch",
                "version": "2.4.0",
                "bom-ref": "pkg:pypi/torch@2.4.0",
                "purl": "pkg:pypi/torch@2.4.0",
            },
        ],
        "dependencies": [{"ref": "env", "dependsOn": ["pkg:pypi/torch@2.4.0"]}],
    }
    document = cyclonedx.to_dict(example_v1)
    merged = cyclonedx.merge(document, sbom)
    assert cyclonedx.document_errors(merged) == []
    refs = {c["bom-ref"] for c in merged["components"]}
    assert {"env", "pkg:pypi/torch@2.4.0"} <= refs
    subject = merged["metadata"]["component"]["bom-ref"]
    depends = {d["ref"]: d.get("dependsOn", []) for d in merged["dependencies"]}
    assert "env" in depends[subject]
    assert depends["env"] == ["pkg:pypi/torch@2.4.0"]
    assert merged["serialNumber"] != document["serialNumber"]
    back = cyclonedx.from_json_dict(merged)
    assert {c.ref for c in example_v1.components} < {c.ref for c in back.components}
    assert cyclonedx.schema_errors(cyclonedx.write(merged, "xml")) == []


def test_merge_refuses_a_clashing_ref(example_v1: Bom) -> None:
    ref = example_v1.components[0].ref
    sbom = {
        "bomFormat": "CycloneDX",
        "components": [{"type": "library", "name": "zz", "bom-ref": ref}],
    }
    with pytest.raises(ExportError, match="another component"):
        cyclonedx.merge(cyclonedx.to_dict(example_v1), sbom)


def test_merged_document_reads_back_with_the_sbom_dependencies(example_v1: Bom) -> None:
    sbom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            {"type": "library", "name": "a", "bom-ref": "pkg:pypi/a@1"},
            {"type": "library", "name": "b", "bom-ref": "pkg:pypi/b@1"},
        ],
        "dependencies": [{"ref": "pkg:pypi/a@1", "dependsOn": ["pkg:pypi/b@1"]}],
    }
    back = cyclonedx.from_json_dict(cyclonedx.merge(cyclonedx.to_dict(example_v1), sbom))
    for component in example_v1.components:
        assert back.component(component.ref) == component
    assert set(example_v1.relations) < set(back.relations)
    (edge,) = back.outgoing("pkg:pypi/a@1")
    assert (edge.kind, edge.target) == (RelationKind.DEPENDS_ON, "pkg:pypi/b@1")
    library = back.component("pkg:pypi/b@1")
    assert library.extensions == ()


def test_reading_does_not_change_the_callers_document(corpus: Corpus) -> None:
    document = json.loads(corpus("cyclonedx/k8s-aibom-vllm-deployment-output.json").read_bytes())
    before = json.dumps(document, sort_keys=True)
    cyclonedx.from_json_dict(document)
    assert json.dumps(document, sort_keys=True) == before
    assert "scope" not in document["components"][0]


def test_model_card_dataset_refs_become_trained_on() -> None:
    document = _document(
        components=[
            {
                "type": "machine-learning-model",
                "name": "m",
                "bom-ref": "m",
                "modelCard": {
                    "modelParameters": {
                        "datasets": [{"ref": "d"}, {"ref": "lib"}, {"ref": "missing"}]
                    }
                },
            },
            {"type": "data", "name": "d", "bom-ref": "d"},
            {"type": "library", "name": "lib", "bom-ref": "lib"},
        ]
    )
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    kinds = {(r.kind, r.target) for r in bom.outgoing("m")}
    assert kinds == {(RelationKind.TRAINED_ON, "d"), (RelationKind.DEPENDS_ON, "lib")}
    assert any("trained-on 'm' -> 'lib' read as depends-on" in w for w in warnings)
    assert any("'missing'" in w for w in warnings)
