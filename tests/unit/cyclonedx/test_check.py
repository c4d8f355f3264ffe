"""The targeted checks every CycloneDX import runs (without the official-schema validator)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from fmbom import cyclonedx
from fmbom.cyclonedx import _schema
from fmbom.cyclonedx._check import COMPONENT_TYPES, DATA_FLOWS, DATA_TYPES, HASH_ALGORITHMS
from fmbom.errors import InputFormatError

DATA = Path(__file__).resolve().parents[2] / "data" / "cyclonedx"

#: What each kind of the specification's invalid test documents must be refused for.
PROBLEMS = {
    "component-type": r"\$\.components\[0\]\.type: 'foo' is not a CycloneDX 1\.\d component type",
    "license-id": r"\$\.components\[0\]\.licenses\[0\]\.license\.id: 'Apache-2' is not an SPDX",
    "metadata-timestamp": r"\$\.metadata\.timestamp: '2020-04-\d\d' is not a date-time",
    "missing-component-type": r"\$\.components\[0\]: 'type' is required",
    "service-data": r"\$\.services\[0\]\.data\[0\]\.flow: '(foo|bar)' is not a data flow",
}


@pytest.fixture
def no_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any use of the official-schema validators fail the test."""

    def refuse(*_: object, **__: object) -> list[str]:
        raise AssertionError("the schema validator was used")

    monkeypatch.setattr(_schema, "json_schema_errors", refuse)
    monkeypatch.setattr(_schema, "xml_schema_errors", refuse)
    monkeypatch.setattr(cyclonedx, "json_schema_errors", refuse)
    monkeypatch.setattr(cyclonedx, "xml_schema_errors", refuse)


def _invalid() -> list[Path]:
    return sorted(DATA.glob("invalid-*"))


def test_every_version_and_encoding_of_the_invalid_documents_is_here() -> None:
    names = {p.name for p in _invalid()}
    expected = {
        f"invalid-{kind}-{version}.{encoding}"
        for kind in PROBLEMS
        for version in ("1.5", "1.6", "1.7")
        for encoding in ("json", "xml")
    }
    assert names == expected


def _targeted(data: bytes, source: str = "doc.json", *, strict: bool = True) -> list[str]:
    """Run only the targeted checks on a JSON or XML document; returns their notes."""
    from fmbom.cyclonedx._check import check_document
    from fmbom.cyclonedx._xml import parse_xml

    xml = data.lstrip()[:1] == b"<"
    document = parse_xml(data, source)[0] if xml else json.loads(data)
    return check_document(document, str(document["specVersion"]), source, xml=xml, strict=strict)[1]


@pytest.mark.usefixtures("no_schema")
@pytest.mark.parametrize("path", _invalid(), ids=lambda p: p.name)
def test_targeted_checks_find_the_problem_of_each_invalid_spec_document(path: Path) -> None:
    kind = path.stem.removeprefix("invalid-").rsplit("-", 1)[0]
    version = path.stem.rsplit("-", 1)[1]
    with pytest.raises(InputFormatError, match=PROBLEMS[kind]) as caught:
        _targeted(path.read_bytes(), path.name)
    assert str(caught.value).startswith(f"{path.name}: not valid CycloneDX {version}: ")
    assert len(caught.value.problems) == 1
    notes = _targeted(path.read_bytes(), path.name, strict=False)
    assert any(re.match(PROBLEMS[kind], note) for note in notes)


@pytest.mark.parametrize("path", _invalid(), ids=lambda p: p.name)
def test_invalid_spec_documents_are_read_best_effort_or_refused_when_strict(path: Path) -> None:
    version = path.stem.rsplit("-", 1)[1]
    bom, warnings = cyclonedx.load_with_report(path.read_bytes(), source=path.name)
    expected = cyclonedx.problems(path.read_bytes())
    assert expected
    for problem in expected:
        assert any(w.startswith(f"{problem.path}: {problem.message}") for w in warnings)
    assert bom.metadata.subject.name
    with pytest.raises(InputFormatError) as caught:
        cyclonedx.loads(path.read_bytes(), source=path.name, strict=True)
    assert str(caught.value).startswith(f"{path.name}: not valid CycloneDX {version}: ")
    assert expected[0].path in str(caught.value)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in DATA.iterdir() if not p.name.startswith("invalid-")),
    ids=lambda p: p.name,
)
def test_valid_documents_read_the_same_with_and_without_the_schema(path: Path) -> None:
    raw = path.read_bytes()
    assert cyclonedx.load_with_report(raw, path.name) == cyclonedx.load_with_report(
        raw, path.name, validate=True
    )


def _schema_enum(version: str, *keys: str) -> frozenset[str]:
    from cyclonedx.schema import SchemaVersion, _res

    path = _res.BOM_JSON[SchemaVersion.from_version(version)]
    assert path is not None
    node: Any = json.loads(Path(path).read_text(encoding="utf-8"))["definitions"]
    for key in keys:
        node = node[key]
    return frozenset(node["enum"])


@pytest.mark.parametrize("version", ["1.4", "1.5", "1.6", "1.7"])
def test_enumerations_are_those_of_the_official_schemas(version: str) -> None:
    assert COMPONENT_TYPES[version] == _schema_enum(version, "component", "properties", "type")
    assert HASH_ALGORITHMS[version] == _schema_enum(version, "hash-alg")
    flow = "dataFlow" if version == "1.4" else "dataFlowDirection"
    assert _schema_enum(version, flow) == DATA_FLOWS
    if version != "1.4":
        assert _schema_enum(version, "componentData", "properties", "type") == DATA_TYPES


def _document(**extra: object) -> dict[str, Any]:
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, **extra}


def _library(**extra: object) -> dict[str, Any]:
    return {"type": "library", "name": "lib", **extra}


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (
            _document(components={"type": "library"}),
            "$.components: must be an array, not an object",
        ),
        (_document(components=["lib"]), "$.components[0]: must be an object, not a string"),
        (_document(metadata=[]), "$.metadata: must be an object, not an array"),
        (_document(components=[_library(name=3)]), "$.components[0].name: must be a string"),
        (_document(components=[_library(type=7)]), "$.components[0].type: 7 is not a CycloneDX"),
        (
            _document(components=[_library(licenses={"id": "MIT"})]),
            "$.components[0].licenses: must be an array",
        ),
        (
            _document(components=[_library(licenses=[{"license": {}}])]),
            "$.components[0].licenses[0].license: either 'id' or 'name' is required",
        ),
        (
            _document(components=[_library(hashes=[{"alg": "SHA-999", "content": "ab" * 32}])]),
            "$.components[0].hashes[0].alg: 'SHA-999' is not a CycloneDX 1.6 hash algorithm",
        ),
        (
            _document(components=[_library(hashes=[{"alg": "SHA-256", "content": "xyz"}])]),
            "$.components[0].hashes[0].content: 'xyz' is not a hexadecimal digest",
        ),
        (
            _document(
                components=[
                    _library(components=[_library(externalReferences=[{"type": "website"}])])
                ]
            ),
            "$.components[0].components[0].externalReferences[0]: 'url' is required",
        ),
        (
            _document(components=[{"type": "data", "name": "d", "data": [{"name": "x"}]}]),
            "$.components[0].data[0]: 'type' is required",
        ),
        (
            _document(
                components=[
                    {
                        "type": "machine-learning-model",
                        "name": "m",
                        "modelCard": {"modelParameters": {"datasets": [{"type": "table"}]}},
                    }
                ]
            ),
            "$.components[0].modelCard.modelParameters.datasets[0].type: 'table' is not a data",
        ),
        (
            _document(services=[{"name": "s", "data": [{"flow": "inbound"}]}]),
            "$.services[0].data[0]: 'classification' is required",
        ),
        (
            _document(services=[{"name": "s", "endpoints": "https://x.example"}]),
            "$.services[0].endpoints: must be an array, not a string",
        ),
        (_document(dependencies=[{"dependsOn": ["a"]}]), "$.dependencies[0]: 'ref' is required"),
        (
            _document(dependencies=[{"ref": "a", "dependsOn": [1]}]),
            "$.dependencies[0].dependsOn[0]: must be a string, not a number",
        ),
        (
            _document(metadata={"timestamp": "2024-13-01T00:00:00Z"}),
            "$.metadata.timestamp: '2024-13-01T00:00:00Z' is not a date-time",
        ),
        (
            _document(metadata={"component": {"name": "system"}}),
            "$.metadata.component: 'type' is required",
        ),
        (
            _document(metadata={"tools": {"components": [{"name": 1}]}}),
            "$.metadata.tools.components[0].name: must be a string",
        ),
        (
            _document(components=[_library(pedigree={"ancestors": [{"name": "up"}]})]),
            "$.components[0].pedigree.ancestors[0]: 'type' is required",
        ),
    ],
)
def test_targeted_checks_name_the_json_path(document: dict[str, Any], problem: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        _targeted(json.dumps(document).encode())
    assert str(caught.value).startswith("doc.json: not valid CycloneDX 1.6: ")
    assert problem in str(caught.value)
    assert len(caught.value.problems) == 1
    notes = _targeted(json.dumps(document).encode(), strict=False)
    assert any(note.startswith(problem) for note in notes)
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    assert warnings
    assert bom.metadata.subject.name


def test_a_version_without_a_component_type_refuses_it() -> None:
    document = _document(specVersion="1.4", components=[{"type": "data", "name": "d"}])
    with pytest.raises(InputFormatError, match=r"'data' is not a CycloneDX 1\.4 component type"):
        _targeted(json.dumps(document).encode())
    assert cyclonedx.from_json_dict({**document, "specVersion": "1.5"}).components


def test_spdx_id_in_the_wrong_case_is_repaired_on_a_copy_with_a_warning() -> None:
    document = _document(
        serialNumber="urn:uuid:not-a-uuid",
        components=[_library(**{"bom-ref": "lib", "licenses": [{"license": {"id": "mit"}}]})],
    )
    before = copy.deepcopy(document)
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    assert bom.component("lib").licenses == ("MIT",)
    assert "$.components[0].licenses[0]: SPDX id 'mit' read as 'MIT'" in warnings
    assert any(w.startswith("$.serialNumber:") for w in warnings)
    assert document == before


def test_other_tools_documents_are_checked_against_the_schema_best_effort() -> None:
    document = _document(components=[_library(scope="sometimes")])
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    assert len(bom.components) == 1
    assert any(w.startswith("$.components[0].scope: 'sometimes' is not one of") for w in warnings)
    with pytest.raises(InputFormatError, match=r"\$\.components\[0\]\.scope"):
        cyclonedx.from_json_dict(document, strict=True)
    with pytest.raises(InputFormatError, match="scope"):
        cyclonedx.loads(json.dumps(document), strict=True)


def test_a_timestamp_without_time_zone_is_valid_in_xml_only() -> None:
    xml = (
        '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">'
        "<metadata><timestamp>2020-04-07T10:00:00</timestamp></metadata></bom>"
    )
    assert cyclonedx.schema_errors(xml) == []
    bom = cyclonedx.loads(xml)
    assert bom.metadata.timestamp is not None
    assert bom.metadata.timestamp.isoformat() == "2020-04-07T10:00:00+00:00"
    document = _document(metadata={"timestamp": "2020-04-07T10:00:00"})
    assert cyclonedx.document_errors(document) != []
    with pytest.raises(InputFormatError, match="is not a"):
        cyclonedx.from_json_dict(document, strict=True)
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    assert bom.metadata.timestamp is None
    assert any(w.startswith("$.metadata.timestamp: ") for w in warnings)


def test_own_documents_edited_by_hand_are_refused_cleanly_or_carried() -> None:
    from fmbom import Bom
    from fmbom.model import Dataset, Model

    bom = Bom.create("system", "1").add(
        Dataset(ref="d", name="d", source="https://data.example/d"),
        Model(ref="m", name="m", parameter_count=5, task="chat"),
    )
    document = cyclonedx.to_dict(bom)
    dataset, model = document["components"]
    # A value in a CycloneDX field that is not one fmbom writes is carried, not refused.
    dataset["data"][0]["classification"] = "weird"
    model["modelCard"]["properties"][0]["value"] = "many"
    back = cyclonedx.from_json_dict(document, source="own.json")
    read_dataset, read_model = back.component("d"), back.component("m")
    assert isinstance(read_dataset, Dataset)
    assert isinstance(read_model, Model)
    assert read_dataset.sensitivity is None
    assert read_model.parameter_count is None
    again = cyclonedx.to_dict(back)
    assert again["components"][0]["data"][0]["classification"] == "weird"
    assert again["components"][1]["modelCard"]["properties"][0]["value"] == "many"
    # An fmbom:* property fmbom cannot decode is refused, naming the component.
    model["properties"] = [
        {"name": "fmbom:kind", "value": "model"},
        {"name": "fmbom:role", "value": "weird"},
    ]
    with pytest.raises(InputFormatError, match=r"\$\.components\[1\]: property fmbom:role"):
        cyclonedx.from_json_dict(document, source="own.json")
