"""CycloneDX fidelity: other tools' documents come back whole, and diff sees every change."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from fmbom import cyclonedx, native
from fmbom.bom import Bom
from fmbom.cli import main
from fmbom.diff import diff
from fmbom.io import loads_bom
from fmbom.model import Adapter, AdapterMethod, InferenceProvider, Model, Relation, RelationKind

DATA = Path(__file__).resolve().parents[2] / "data" / "cyclonedx"
EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"

#: Real ML-BOMs other tools wrote (origins in tests/data/SOURCES.md).
THIRD_PARTY = [
    "bxf12315-hunyuanworld-voyager-aibom.json",
    "k8s-aibom-vllm-deployment-output.json",
    "owasp-aibom-generator-expected_aibom.json",
    "qwen-7b-mlbom-1.7_schema_example_v1.json",
    "valid-machine-learning-1.6.json",
    "valid-machine-learning-considerations-env-1.7.json",
    "valid-component-data-1.7.json",
    "valid-component-types-1.7.json",
    "valid-formulation-1.5.json",
]
#: What fmbom writes whatever the input: its own properties and tool, its serial number.
_ADDED_KEYS = {"bom-ref", "properties", "modelCard", "serialNumber", "$schema", "dependencies"}


def _document(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return loaded


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every scalar of a JSON value with the keys and indexes leading to it."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [(path, value)]


def _canonical(value: Any) -> Any:
    """A JSON value with arrays as sorted lists (fmbom stores sets in canonical order)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _without_fmbom(value: Any, key: str = "") -> Any:
    """The value without what fmbom adds (its properties, bom-refs, tool) for comparison."""
    if isinstance(value, dict):
        return {
            k: _without_fmbom(v, k)
            for k, v in value.items()
            if k not in ("bom-ref", "tools", "timestamp", "serialNumber", "$schema")
            and k != "dependencies"
        }
    if isinstance(value, list):
        return [
            _without_fmbom(v, key)
            for v in value
            if not (isinstance(v, dict) and str(v.get("name", "")).startswith("fmbom:"))
        ]
    return value


def _same_except_additions(original: Any, written: Any, path: str = "$") -> list[str]:
    """Where ``written`` lost or changed a value of ``original`` (additions are allowed)."""
    if isinstance(original, dict) and isinstance(written, dict):
        found = []
        for key, value in original.items():
            if key not in written:
                found.append(f"{path}.{key} lost")
            else:
                found += _same_except_additions(value, written[key], f"{path}.{key}")
        return found
    if (
        isinstance(original, list)
        and isinstance(written, list)
        and len(original) == len(written)
        and all(isinstance(item, dict) and "name" in item for item in original + written)
    ):
        # Components and the like: each original item against the written one of its name.
        found = []
        remaining = list(written)
        for item in original:
            key = (item.get("name"), item.get("version"), item.get("purl"))
            match = next(
                (w for w in remaining if (w.get("name"), w.get("version"), w.get("purl")) == key),
                None,
            )
            if match is None:
                found.append(f"{path}[{key}] lost")
                continue
            remaining.remove(match)
            found += _same_except_additions(item, match, f"{path}[{key[0]}]")
        return found
    if _canonical(original) != _canonical(written):
        return [f"{path} changed"]
    return []


@pytest.mark.parametrize("name", THIRD_PARTY)
def test_export_at_the_same_version_keeps_every_field_in_its_place(name: str) -> None:
    document = _document(name)
    bom, _ = cyclonedx.from_json_dict_with_report(document)
    version = document["specVersion"]
    written = json.loads(cyclonedx.dumps(bom, spec_version=version))
    assert cyclonedx.document_errors(written) == []
    original = _without_fmbom(document)
    lost = _same_except_additions(original, _without_fmbom(written))
    # An SPDX id in the wrong case is the one value fmbom corrects (with a warning).
    assert [p for p in lost if "licenses" not in p] == []
    assert all(name.startswith("owasp") for _ in lost)
    # Read again, the export is the same BOM: nothing was carried twice or dropped.
    assert cyclonedx.loads(json.dumps(written)) == bom
    # Saved as native JSON and exported again, nothing is lost either.
    again = native.loads(native.dumps(bom))
    assert json.loads(cyclonedx.dumps(again, spec_version=version)) == written


@pytest.mark.parametrize("name", THIRD_PARTY)
def test_a_mutation_of_any_carried_value_is_a_change(name: str) -> None:
    document = _document(name)
    bom = loads_bom(json.dumps(document))
    changed_somewhere = 0
    for path, value in _leaves(document):
        if not path or path[0] in _ADDED_KEYS or path[-1] in _ADDED_KEYS:
            continue
        if path[0] in ("bomFormat", "specVersion", "version"):
            continue
        if path[:2] in (("metadata", "tools"), ("metadata", "timestamp")):
            continue
        if "dependencies" in path or "dependsOn" in path or path[-1] in ("ref", "bom-ref"):
            continue
        mutated = copy.deepcopy(document)
        holder = mutated
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = _mutate(value)
        other = loads_bom(json.dumps(mutated))
        if other == bom:
            continue  # the value was not read (invalid once mutated, or not carried)
        changed_somewhere += 1
        assert diff(bom, other).changes, f"{name}: changing {path} is not reported"
    assert changed_somewhere > 5


def _mutate(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        text: str = value
        if text.startswith(("http://", "https://")):
            return text + "/changed"
        return text + "-changed" if text else "changed"
    return "changed"


def test_service_endpoints_and_properties_come_back() -> None:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "assistant"}},
        "services": [
            {
                "bom-ref": "svc",
                "provider": {"name": "Nimbus", "url": ["https://nimbus.example"]},
                "name": "inference",
                "endpoints": [
                    "https://a.nimbus.example",
                    "https://b.nimbus.example",
                    "https://c.nimbus.example",
                ],
                "authenticated": True,
                "properties": [{"name": "region", "value": "eu-west"}],
            }
        ],
    }
    bom = cyclonedx.from_json_dict(document)
    service = bom.component("svc")
    assert isinstance(service, InferenceProvider)
    assert service.organization == "Nimbus"
    assert service.endpoint == "https://a.nimbus.example"
    (written,) = json.loads(cyclonedx.dumps(bom))["services"]
    assert written["endpoints"] == document["services"][0]["endpoints"]  # type: ignore[index]
    assert written["provider"] == {"name": "Nimbus", "url": ["https://nimbus.example"]}
    assert written["authenticated"] is True
    assert "data" not in written, "no data flow is invented for a service that had none"
    assert {"name": "region", "value": "eu-west"} in written["properties"]
    moved = copy.deepcopy(document)
    moved["services"][0]["endpoints"][2] = "https://d.nimbus.example"  # type: ignore[index]
    (change,) = diff(bom, cyclonedx.from_json_dict(moved)).changes
    assert change.field == "cyclonedx:endpoints"


def test_parties_are_fields_and_read_back_exactly() -> None:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": [
            {
                "type": "machine-learning-model",
                "bom-ref": "m",
                "name": "m",
                "supplier": {"name": "Acme", "url": ["https://acme.example"]},
                "manufacturer": {"name": "Acme Labs"},
                "authors": [{"name": "Ada", "email": "ada@acme.example"}, {"name": "Bob"}],
                "publisher": "Acme Publishing",
                "copyright": "(c) 2025 Acme",
                "tags": ["llm", "chat"],
                "evidence": {"identity": [{"field": "purl", "confidence": 0.8}]},
            }
        ],
    }
    bom = cyclonedx.from_json_dict(document)
    model = bom.component("m")
    assert isinstance(model, Model)
    assert model.authors == ("Ada", "Bob")
    assert (model.manufacturer, model.publisher, model.copyright) == (
        "Acme Labs",
        "Acme Publishing",
        "(c) 2025 Acme",
    )
    assert model.tags == ("chat", "llm")
    (written,) = json.loads(cyclonedx.dumps(bom))["components"]
    for key in ("supplier", "manufacturer", "authors", "publisher", "copyright", "evidence"):
        assert written[key] == document["components"][0][key]  # type: ignore[index]
    assert sorted(written["tags"]) == ["chat", "llm"]
    for key, value in (
        ("publisher", "Other"),
        ("authors", [{"name": "Eve"}]),
        ("evidence", {"identity": [{"field": "purl", "confidence": 0.1}]}),
    ):
        changed = copy.deepcopy(document)
        changed["components"][0][key] = value  # type: ignore[index]
        assert diff(bom, cyclonedx.from_json_dict(changed)).changes, key


def test_nested_components_stay_nested_and_document_fields_come_back() -> None:
    document = _document("qwen-7b-mlbom-1.7_schema_example_v1.json")
    bom = cyclonedx.from_json_dict(document)
    written = json.loads(cyclonedx.dumps(bom, spec_version="1.7"))
    nested = sorted(c["name"] for c in written["metadata"]["component"]["components"])
    assert nested == sorted(c["name"] for c in document["metadata"]["component"]["components"])
    for key in ("compositions", "formulation"):
        assert _canonical(_without_fmbom(written[key])) == _canonical(_without_fmbom(document[key]))


def test_metadata_component_dependencies_are_kept() -> None:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "app", "bom-ref": "app"}},
        "components": [
            {"type": "library", "name": "a", "bom-ref": "a"},
            {"type": "library", "name": "b", "bom-ref": "b"},
        ],
        "dependencies": [{"ref": "app", "dependsOn": ["a"]}, {"ref": "a"}, {"ref": "b"}],
    }
    bom = cyclonedx.from_json_dict(document)
    written = json.loads(cyclonedx.dumps(bom))
    subject_ref = written["metadata"]["component"]["bom-ref"]
    (entry,) = [d for d in written["dependencies"] if d["ref"] == subject_ref]
    assert entry["dependsOn"] == ["a"]


def _regenerate_refs(document: dict[str, Any]) -> dict[str, Any]:
    """Every bom-ref replaced by a fresh UUID, every reference to it too (as mergers do)."""
    text = json.dumps(document)
    refs: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("bom-ref"), str):
                refs.add(node["bom-ref"])
            for item in node.values():
                collect(item)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(document)
    fresh = {ref: f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ref)}" for ref in refs}

    def rewrite(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: rewrite(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v, key) for v in node]
        if isinstance(node, str) and key in ("bom-ref", "ref", "dependsOn"):
            return fresh.get(node, node)
        return node

    rewritten: dict[str, Any] = rewrite(json.loads(text))
    return rewritten


@pytest.mark.parametrize("version", cyclonedx.SPEC_VERSIONS)
def test_own_export_with_regenerated_refs_reads_and_diffs_clean(version: str) -> None:
    bom = native.loads((EXAMPLES / "assistant-v2.json").read_bytes())
    document = cyclonedx.to_dict(bom, spec_version=version)
    regenerated = _regenerate_refs(document)
    back, warnings = cyclonedx.from_json_dict_with_report(regenerated)
    assert warnings == []
    assert len(back.relations) == len(bom.relations)
    assert diff(bom, back).changes == ()
    # A relation target that cannot be found any more is a warning, not a failure.
    broken = copy.deepcopy(regenerated)
    target = broken["components"][0]
    target["name"] = "renamed"
    back, warnings = cyclonedx.from_json_dict_with_report(broken)
    assert back.components
    assert all("relation" in w or "dropped" in w for w in warnings)


def test_every_model_component_has_a_model_card_adapters_too() -> None:
    bom = Bom.create("system", "1").add(
        Model(ref="base", name="base"),
        Adapter(ref="lora", name="lora", method=AdapterMethod.LORA, rank=16),
        relations=[Relation(kind=RelationKind.ADAPTS, source="lora", target="base")],
    )
    for version in cyclonedx.SPEC_VERSIONS:
        document = json.loads(cyclonedx.dumps(bom, spec_version=version))
        models = [c for c in document["components"] if c["type"] == "machine-learning-model"]
        assert len(models) == 2
        assert all("modelCard" in c for c in models)
        (adapter,) = [c for c in models if c["bom-ref"] == "lora"]
        assert {"name": "fmbom:adapter:rank", "value": "16"} in adapter["modelCard"]["properties"]
        assert cyclonedx.loads(json.dumps(document)) == bom


def test_a_version_that_cannot_hold_a_carried_value_leaves_it_out_with_a_warning() -> None:
    document = _document("valid-machine-learning-considerations-env-1.7.json")
    bom = cyclonedx.from_json_dict(document)
    text, notes = cyclonedx.dumps_with_report(bom, spec_version="1.5")
    assert cyclonedx.document_errors(json.loads(text)) == []
    assert notes
    assert all("left out of CycloneDX 1.5" in n for n in notes)


def _problems_by_jsonschema(document: dict[str, Any]) -> int:
    from cyclonedx.schema import SchemaVersion, _res
    from jsonschema import validators  # type: ignore[import-untyped]
    from referencing import Registry, Resource

    def load(path: str) -> Any:
        return json.loads(Path(path).read_text(encoding="utf-8"))

    prefix = "http://cyclonedx.org/schema/"
    registry: Registry[Any] = Registry().with_resources(
        [
            (prefix + "spdx.SNAPSHOT.schema.json", Resource.from_contents(load(_res.SPDX_JSON))),
            (prefix + "jsf-0.82.SNAPSHOT.schema.json", Resource.from_contents(load(_res.JSF))),
            (
                prefix + "cryptography-defs.SNAPSHOT.schema.json",
                Resource.from_contents(load(_res.CRYPTOGRAPHY_DEFS)),
            ),
        ]
    )
    schema_path = _res.BOM_JSON[SchemaVersion.from_version(document["specVersion"])]
    assert schema_path is not None
    schema = load(schema_path)
    cls = validators.validator_for(schema)
    validator = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
    return sum(1 for _ in validator.iter_errors(document))


def _three_problems() -> dict[str, Any]:
    document = _document("valid-machine-learning-1.6.json")
    document["components"][0]["type"] = "model"
    document["components"][0]["hashes"] = [{"alg": "SHA-999", "content": "ab" * 32}]
    document["metadata"] = {"timestamp": 7}
    return document


@pytest.mark.parametrize(
    "name", [p.name for p in sorted(DATA.glob("invalid-*.json"))] + ["three problems"]
)
def test_validate_lists_as_many_problems_as_an_independent_validator(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _three_problems() if name == "three problems" else _document(name)
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["validate", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert len(report["problems"]) == _problems_by_jsonschema(document)
    assert all(set(p) == {"path", "message"} for p in report["problems"])
    assert all(p["path"].startswith("$") for p in report["problems"])
    if name == "three problems":
        assert len(report["problems"]) == 3


def test_validate_lists_every_xml_problem_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (DATA / "invalid-component-type-1.7.xml").read_text(encoding="utf-8")
    text = text.replace("<name>", "<name>", 1).replace("</components>", "<bogus/></components>")
    path = tmp_path / "in.xml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert len(report["problems"]) == 2
    assert all(p["path"].startswith("line ") for p in report["problems"])


def test_validate_json_for_a_valid_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["validate", str(DATA / "valid-machine-learning-1.6.json"), "--format", "json"]) == 0
    )
    assert json.loads(capsys.readouterr().out) == {"valid": True, "problems": []}


@pytest.mark.parametrize("encoding", ["cyclonedx-json", "cyclonedx-xml"])
@pytest.mark.parametrize("sbom", ["cyclonedx-py-env-1.6.cdx.json", "cyclonedx-py-env-1.5.cdx.xml"])
@pytest.mark.parametrize("version", cyclonedx.SPEC_VERSIONS)
def test_merge_with_a_cyclonedx_py_sbom_writes_valid_documents(
    encoding: str, sbom: str, version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "merged"
    argv = [
        "export",
        str(EXAMPLES / "assistant-v1.json"),
        "--merge",
        str(DATA / sbom),
        "--format",
        encoding,
        "--spec-version",
        version,
        "-o",
        str(out),
    ]
    assert main(argv) == 0
    capsys.readouterr()
    data = out.read_bytes()
    assert cyclonedx.schema_errors(data) == []
    merged = cyclonedx.loads(data)
    names = {c.name for c in merged.components}
    assert {"cyclonedx-bom", "acme-lm-8b-instruct"} <= names


def test_strict_refuses_what_best_effort_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(_three_problems()), encoding="utf-8")
    assert main(["show", str(path)]) == 0
    _, err = capsys.readouterr()
    assert len([line for line in err.splitlines() if line.startswith("fmbom: warning:")]) >= 3
    assert main(["show", str(path), "--strict"]) == 2
    _, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("fmbom: error:") for line in lines)
    assert all("not valid CycloneDX 1.6: $." in line for line in lines)
