"""SPDX 3 import: the spdx-examples documents, lenient reading of common deviations, errors."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fmbom import Bom, io, spdx
from fmbom.cli import main
from fmbom.errors import InputFormatError
from fmbom.model import ComponentKind, Dataset, Model, RelationKind, Sensitivity, Software


def _load(corpus: Callable[[str], Path], name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(corpus(f"spdx/{name}").read_text(encoding="utf-8"))
    return document


def _kinds(bom: Bom) -> dict[str, ComponentKind]:
    return {c.name: c.kind for c in bom.components}


def test_ai_example01_recovers_models_dataset_and_training(corpus: Callable[[str], Path]) -> None:
    bom, warnings = spdx.from_dict(_load(corpus, "ai-example01-simplehtr.spdx3.json"))
    models = {m.name: m for m in bom.of_type(Model)}
    assert set(models) == {"word-model", "line-model"}
    word = models["word-model"]
    assert word.licenses == ("MIT",)
    assert word.version == "0.0"
    assert word.task == "handwriting recognition, image recognition, optical character recognition"
    assert word.governance is not None
    assert word.governance.training_data is not None
    assert word.governance.training_data.content_summary is not None
    assert word.property("spdx:ai_safetyRiskAssessment") == "low"
    (dataset,) = bom.of_type(Dataset)
    assert dataset.name == "IAMdataset"
    assert dataset.size_bytes == 4_620_000_000
    assert dataset.licenses == ("LicenseRef-CustomLicense-c63547c2-62e0-48ec-b98d-ff1b917d67db",)
    trained = {(bom.component(r.source).name, r.kind) for r in bom.relations}
    assert ("word-model", RelationKind.TRAINED_ON) in trained
    assert ("line-model", RelationKind.EVALUATED_ON) in trained
    assert bom.metadata.subject.name == "SimpleHTR"
    assert bom.metadata.timestamp is not None
    libraries = {s.name for s in bom.of_type(Software)}
    assert {"numpy", "tensorflow"} <= libraries
    assert any("33 software_File element(s) not carried over" in w for w in warnings)


def test_ai_example02_reads_files_named_by_training_relationships(
    corpus: Callable[[str], Path],
) -> None:
    bom, warnings = spdx.from_dict(_load(corpus, "ai-example02-sbom.spdx3.json"))
    kinds = _kinds(bom)
    assert kinds["model.bin"] is ComponentKind.MODEL
    assert kinds["train.txt"] is ComponentKind.DATASET
    assert kinds["test.txt"] is ComponentKind.DATASET
    relations = {(bom.component(r.target).name, r.kind) for r in bom.relations}
    assert relations >= {
        ("train.txt", RelationKind.TRAINED_ON),
        ("valid.txt", RelationKind.TRAINED_ON),
        ("test.txt", RelationKind.EVALUATED_ON),
    }
    assert any("File10" in w and "read as a model" in w for w in warnings)


def test_dataset_example01_maps_the_dataset_profile(corpus: Callable[[str], Path]) -> None:
    bom, _ = spdx.from_dict(_load(corpus, "dataset-example01.spdx3.json"))
    (dataset,) = bom.of_type(Dataset)
    assert dataset.licenses == ("CC-BY-4.0",)
    assert dataset.version == "2024-04-15"
    assert dataset.size_bytes == 2689
    assert dataset.source == "https://github.com/owid/co2-data/"
    assert dataset.sensitivity is Sensitivity.PUBLIC
    assert dataset.supplier == "Our World in Data"
    assert len(dataset.digests) == 2
    assert dataset.property("spdx:dataset_datasetType") == '["structured","timestamp"]'
    assert bom.metadata.authors == ("Arthit Suriyawongkul",)


def test_io_detects_spdx_from_content(corpus: Callable[[str], Path]) -> None:
    path = corpus("spdx/dataset-example01.spdx3.json")
    assert io.detect_format(path.read_bytes()) == "spdx3-json"
    assert io.read_bom(path).of_type(Dataset)[0].name.startswith("Our World in Data")


def _deviant(document: dict[str, Any]) -> dict[str, Any]:
    """The dataset example as tools often write it: no prefixes, ``element`` not ``@graph``."""
    out = copy.deepcopy(document)
    graph = out.pop("@graph")
    for element in graph:
        if element["type"] == "dataset_DatasetPackage":
            element["type"] = "DatasetPackage"
            element["datasetSize"] = element.pop("dataset_datasetSize")
    out["element"] = graph
    return out


def test_deviations_are_read_with_one_warning_each(corpus: Callable[[str], Path]) -> None:
    document = _deviant(_load(corpus, "dataset-example01.spdx3.json"))
    bom, warnings = spdx.from_dict(document)
    assert bom.of_type(Dataset)[0].size_bytes == 2689
    assert sum("'element' array instead of '@graph'" in w for w in warnings) == 1
    assert sum("'DatasetPackage' lacks its profile prefix" in w for w in warnings) == 1
    assert sum("'datasetSize' lacks its profile prefix" in w for w in warnings) == 1
    refused = r"not valid SPDX 3\.0\.1: top-level 'element'"
    with pytest.raises(InputFormatError, match=refused) as err:
        spdx.from_dict(document, strict=True)
    assert len(err.value.problems) == 3


def test_the_cli_strict_option_reaches_the_spdx_reader(
    corpus: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deviant.spdx3.json"
    path.write_text(json.dumps(_deviant(_load(corpus, "dataset-example01.spdx3.json"))))
    assert main(["show", str(path)]) == 0
    assert "'element' array instead of '@graph'" in capsys.readouterr().err
    for verb in (["show"], ["export", "--format", "native"], ["diff", str(path)]):
        assert main([*verb, "--strict", str(path)]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 3, err
        assert all(f"{path}: not valid SPDX 3.0.1: " in line for line in err), err


def test_bare_string_targets_become_what_the_relationship_says(
    corpus: Callable[[str], Path],
) -> None:
    document = _load(corpus, "ai-example02-sbom.spdx3.json")
    model = next(e for e in document["@graph"] if e["type"] == "ai_AIPackage")
    document["@graph"].append(
        {
            "type": "Relationship",
            "spdxId": "https://example.com/rel/1",
            "creationInfo": "_:creationinfo",
            "relationshipType": "trainedOn",
            "from": model["spdxId"],
            "to": ["https://huggingface.co/datasets/imdb"],
        }
    )
    bom, warnings = spdx.from_dict(document)
    imdb = next(c for c in bom.components if c.name == "https://huggingface.co/datasets/imdb")
    assert imdb.kind is ComponentKind.DATASET
    assert bom.outgoing(model["spdxId"], RelationKind.TRAINED_ON)[0].target == imdb.ref
    assert any("has no element in the document" in w for w in warnings)
    with pytest.raises(InputFormatError, match="has no element"):
        spdx.from_dict(document, strict=True)


def test_licence_on_a_sibling_package_is_applied(corpus: Callable[[str], Path]) -> None:
    document = _load(corpus, "ai-example02-sbom.spdx3.json")
    model = next(e for e in document["@graph"] if e["type"] == "ai_AIPackage")
    document["@graph"] = [
        e
        for e in document["@graph"]
        if not (e["type"] == "Relationship" and e["from"] == model["spdxId"])
        or not e["relationshipType"].startswith("has")
    ]
    sibling = "https://example.com/sibling"
    document["@graph"] += [
        {
            "type": "software_Package",
            "spdxId": sibling,
            "creationInfo": "_:creationinfo",
            "name": model["name"],
        },
        {
            "type": "Relationship",
            "spdxId": "https://example.com/rel/2",
            "creationInfo": "_:creationinfo",
            "relationshipType": "hasDeclaredLicense",
            "from": sibling,
            "to": ["https://spdx.org/licenses/Apache-2.0"],
        },
    ]
    bom, warnings = spdx.from_dict(document)
    assert bom.component(model["spdxId"]).licenses == ("Apache-2.0",)
    assert any("stated on sibling package" in w for w in warnings)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a JSON object"),
        ({"@context": spdx.CONTEXT_URL}, "no @graph array"),
        ({"@context": spdx.CONTEXT_URL, "@graph": {}}, "must be an array"),
        ({"@context": spdx.CONTEXT_URL, "@graph": [3]}, r"\$\.@graph\[0\]: an element must be"),
    ],
)
def test_unreadable_documents_are_refused(document: Any, message: str) -> None:
    with pytest.raises(InputFormatError, match=message):
        spdx.from_dict(document, source="in.json")


def test_a_damaged_fmbom_document_is_refused_with_where(example_v1: Bom) -> None:
    document = spdx.to_dict(example_v1)
    for element in document["@graph"]:
        if element.get("type") == "Relationship" and "/relation/" in element["spdxId"]:
            element["to"] = ["https://elsewhere.example/x"]
            break
    with pytest.raises(InputFormatError, match="is not an fmbom component id"):
        spdx.from_dict(document, source="in.json")
    with pytest.raises(InputFormatError, match="not valid JSON"):
        spdx.loads("{", source="in.json")


def test_a_non_string_name_in_an_fmbom_document_is_refused_with_where(example_v1: Bom) -> None:
    document = spdx.to_dict(example_v1)
    package = next(e for e in document["@graph"] if e.get("type") == "ai_AIPackage")
    package["name"] = 7
    with pytest.raises(InputFormatError, match="must be a string, not int") as error:
        spdx.from_dict(document, source="in.json")
    assert error.value.path == f"{package['spdxId']}.name"


@pytest.mark.parametrize("name", [None, 7, " "])
def test_a_weights_file_without_a_path_is_refused_with_where(example_v1: Bom, name: object) -> None:
    document = spdx.to_dict(example_v1)
    element = next(e for e in document["@graph"] if "/file/" in str(e.get("spdxId")))
    if name is None:
        del element["name"]
    else:
        element["name"] = name
    with pytest.raises(InputFormatError) as error:
        spdx.from_dict(document, source="in.json")
    assert error.value.path is not None
    assert element["spdxId"] in error.value.path
