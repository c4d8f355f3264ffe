"""Native JSON: canonical output and strict loading whose errors name the JSON path."""

from __future__ import annotations

import copy
import datetime
import json
from typing import Any

import pytest

from fmbom import native
from fmbom.bom import Bom, BomMetadata, Subject
from fmbom.errors import BomValidationError, FmbomError, InputFormatError, ValidationError
from fmbom.governance import Evaluation, Governance, SourceType, Unit
from fmbom.model import Model, Relation, RelationKind

DOC: dict[str, Any] = {
    "fmbom": "1",
    "metadata": {"subject": {"name": "system"}},
    "components": [
        {"kind": "model", "ref": "base", "name": "base"},
        {"kind": "model", "ref": "tuned", "name": "tuned", "role": "adapted"},
    ],
    "relations": [{"kind": "derived-from", "source": "tuned", "target": "base"}],
}


def document(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(DOC)
    doc.update(changes)
    return doc


def load_error(doc: Any, source: str = "") -> FmbomError:
    with pytest.raises(FmbomError) as caught:
        native.loads(json.dumps(doc), source=source)
    return caught.value


# --- writing ---------------------------------------------------------------------------------


def test_dump_is_canonical_json(example_v1: Bom) -> None:
    text = native.dumps(example_v1)
    assert text.endswith("}\n")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert list(data) == ["components", "fmbom", "metadata", "relations"]
    assert data["fmbom"] == native.FORMAT_VERSION


def test_defaults_are_left_out() -> None:
    bom = native.from_dict(document())
    base = native.to_dict(bom)["components"][0]
    assert base == {"kind": "model", "ref": "base", "name": "base"}
    assert native.to_dict(bom)["metadata"] == {"subject": {"name": "system"}}


def test_non_ascii_is_written_as_is() -> None:
    bom = Bom.create("système ✓").add(Model(ref="m", name="模型"))
    text = native.dumps(bom)
    assert "模型" in text
    assert "système ✓" in text
    assert native.loads(text.encode("utf-8")) == bom


def test_timestamps_are_written_in_utc_with_z() -> None:
    zone = datetime.timezone(datetime.timedelta(hours=2))
    stamp = datetime.datetime(2025, 3, 1, 12, 30, tzinfo=zone)
    bom = Bom(metadata=BomMetadata(subject=Subject(name="s"), timestamp=stamp))
    data = native.to_dict(bom)
    assert data["metadata"]["timestamp"] == "2025-03-01T10:30:00Z"
    assert native.from_dict(data).metadata.timestamp == stamp


def test_dates_are_iso() -> None:
    evaluation = Evaluation(
        benchmark="b",
        metric="m",
        unit=Unit.BASE_MODEL,
        source_type=SourceType.PEER_REVIEWED,
        date=datetime.date(2025, 2, 3),
    )
    subject = Subject(name="s", governance=Governance(evaluations=[evaluation]))
    data = native.to_dict(Bom(metadata=BomMetadata(subject=subject)))
    assert data["metadata"]["subject"]["governance"]["evaluations"][0]["date"] == "2025-02-03"


def test_relation_attributes_round_trip() -> None:
    doc = document(
        relations=[{"kind": "derived-from", "source": "tuned", "target": "base", "method": "merge"}]
    )
    bom = native.from_dict(doc)
    assert bom.relations[0].method is not None
    assert native.to_dict(bom)["relations"] == doc["relations"]


# --- reading: documents ----------------------------------------------------------------------


def test_loads_accepts_text_and_bytes() -> None:
    text = json.dumps(DOC)
    assert native.loads(text) == native.loads(text.encode())
    assert len(native.loads(text)) == 2


def test_not_json() -> None:
    error = load_error_text("{not json", source="a.json")
    assert isinstance(error, InputFormatError)
    assert str(error).startswith("a.json: not valid JSON: ")
    assert error.source == "a.json"


def load_error_text(text: str | bytes, source: str = "") -> FmbomError:
    with pytest.raises(FmbomError) as caught:
        native.loads(text, source=source)
    return caught.value


def test_invalid_utf8() -> None:
    assert isinstance(load_error_text(b'{"fmbom": "\xff"}'), InputFormatError)


def test_deeply_nested_json() -> None:
    error = load_error_text("[" * 200_000 + "]" * 200_000)
    assert isinstance(error, InputFormatError)
    assert "nested too deeply" in str(error)


@pytest.mark.parametrize("value", [[], "text", 1, None])
def test_document_must_be_an_object(value: Any) -> None:
    error = load_error(value, source="x.json")
    assert isinstance(error, InputFormatError)
    assert str(error) == "x.json: a native fmbom document must be a JSON object"


@pytest.mark.parametrize("version", [None, "2", 1])
def test_format_version(version: Any) -> None:
    doc = document(fmbom=version) if version is not None else document()
    if version is None:
        del doc["fmbom"]
    error = load_error(doc)
    assert isinstance(error, InputFormatError)
    assert f"unsupported native format version {version!r} (this fmbom reads '1')" in str(error)


def test_unknown_top_level_key() -> None:
    error = load_error(document(extra=1, zeta=2), source="b.json")
    assert str(error) == "b.json: $: unknown key(s) extra, zeta"
    assert isinstance(error, ValidationError)
    assert error.path == "$"


def test_missing_metadata() -> None:
    doc = document()
    del doc["metadata"]
    assert str(load_error(doc)) == "$: required key 'metadata' is missing"


def test_components_and_relations_may_be_absent() -> None:
    doc = document()
    del doc["components"]
    del doc["relations"]
    assert len(native.from_dict(doc)) == 0


@pytest.mark.parametrize("key", ["components", "relations"])
def test_components_and_relations_must_be_arrays(key: str) -> None:
    assert str(load_error(document(**{key: {}}))) == f"$.{key}: expected an array, got object"


# --- reading: exact paths --------------------------------------------------------------------


def mutated(path: list[Any], value: Any) -> dict[str, Any]:
    doc = document()
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["components", 1, "name"], 3, "$.components[1].name: expected a string, got int 3"),
        (["components", 0, "ref"], "a b", "$.components[0].ref: must be 1-512 printable"),
        (
            ["components", 1, "role"],
            "boss",
            "$.components[1].role: 'boss' is not one of: base, adapted,",
        ),
        (
            ["components", 0, "parameter_count"],
            True,
            "$.components[0].parameter_count: expected an integer, got bool True",
        ),
        (
            ["components", 0, "parameter_count"],
            1.5,
            "$.components[0].parameter_count: expected an integer, got float 1.5",
        ),
        (
            ["components", 0, "licenses"],
            "MIT",
            "$.components[0].licenses: expected an array, got string",
        ),
        (
            ["components", 0, "licenses"],
            ["MIT", "GPL OR"],
            "$.components[0].licenses[1]: unexpected end in license expression 'GPL OR'",
        ),
        (
            ["components", 0, "modalities_in"],
            None,
            "$.components[0].modalities_in: expected an array, got null",
        ),
        (
            ["components", 0, "governance"],
            [],
            "$.components[0].governance: expected an object, got array",
        ),
        (
            ["components", 0, "digests"],
            [{"algorithm": "sha256", "value": "00"}],
            "$.components[0].digests[0].value: sha256 digest must be 64 hex digits, got '00'",
        ),
        (
            ["components", 0, "digests"],
            [{"algorithm": "crc", "value": "00"}],
            "$.components[0].digests[0].algorithm: 'crc' is not one of: md5,",
        ),
        (
            ["components", 0, "digests"],
            [{"value": "00"}],
            "$.components[0].digests[0]: required key 'algorithm' is missing",
        ),
        (
            ["components", 0, "governance"],
            {"evaluations": [{"benchmark": "b", "metric": "m", "unit": "base-model"}]},
            "$.components[0].governance.evaluations[0]: required key 'source_type' is missing",
        ),
        (
            ["components", 0, "governance"],
            {"identity": {"release_date": "2025-02-30"}},
            "$.components[0].governance.identity.release_date: expected an ISO 8601 date",
        ),
        (
            ["components", 0, "governance"],
            {"identity": {"release_date": 20250101}},
            "$.components[0].governance.identity.release_date: expected an ISO 8601 date",
        ),
        (
            ["components", 0, "governance"],
            {"identity": {"provider": "x", "surprise": 1}},
            "$.components[0].governance.identity: unknown key(s) surprise",
        ),
        (
            ["components", 0, "governance"],
            {"training_data": {"energy_kwh": "lots"}},
            "$.components[0].governance.training_data.energy_kwh: expected a number, got str",
        ),
        (["components", 0, "kind"], "robot", "$.components[0]: unknown or missing kind 'robot'"),
        (["components", 0], 7, "$.components[0]: expected an object, got int"),
        (["components", 1, "colour"], "red", "$.components[1]: unknown key(s) colour"),
        (["relations", 0, "kind"], "likes", "$.relations[0].kind: 'likes' is not one of:"),
        (
            ["relations", 0, "stage"],
            "sft",
            "$.relations[0].stage: only trained-on relations have a stage, not derived-from",
        ),
        (["relations", 0], ["tuned"], "$.relations[0]: expected an object, got array"),
        (["metadata", "subject"], None, "$.metadata.subject: expected an object, got null"),
        (
            ["metadata", "subject", "serves_end_users"],
            "yes",
            "$.metadata.subject.serves_end_users: expected true or false, got str 'yes'",
        ),
        (
            ["metadata", "timestamp"],
            "2025-01-01T00:00:00",
            "$.metadata.timestamp: timestamp '2025-01-01T00:00:00' has no time zone",
        ),
        (
            ["metadata", "timestamp"],
            "yesterday",
            "$.metadata.timestamp: expected an ISO 8601 timestamp, got 'yesterday'",
        ),
        (
            ["metadata", "timestamp"],
            0,
            "$.metadata.timestamp: expected an ISO 8601 timestamp, got 0",
        ),
        (["metadata", "tools"], [{}], "$.metadata.tools[0]: required key 'name' is missing"),
    ],
)
def test_errors_name_the_json_path(path: list[Any], value: Any, expected: str) -> None:
    error = load_error(mutated(path, value), source="bom.json")
    assert isinstance(error, ValidationError)
    assert str(error).startswith(f"bom.json: {expected}"), str(error)
    assert error.path == expected.split(": ", maxsplit=1)[0]


def test_missing_required_component_key() -> None:
    doc = document()
    del doc["components"][1]["name"]
    assert str(load_error(doc)) == "$.components[1]: required key 'name' is missing"


def test_nan_is_refused() -> None:
    text = json.dumps(mutated(["components", 0, "governance"], {"evaluations": []}))
    text = text.replace('"evaluations": []', '"training_data": {"energy_kwh": NaN}')
    error = load_error_text(text)
    assert (
        str(error)
        == "$.components[0].governance.training_data.energy_kwh: must be a finite number, got nan"
    )


def test_integers_are_accepted_as_floats() -> None:
    doc = mutated(["components", 0, "governance"], {"training_data": {"energy_kwh": 12}})
    record = native.from_dict(doc).component("base").governance  # type: ignore[union-attr]
    assert record is not None
    assert record.training_data is not None
    assert record.training_data.energy_kwh == 12.0


def test_timestamp_with_z() -> None:
    bom = native.from_dict(mutated(["metadata", "timestamp"], "2025-01-01T00:00:00Z"))
    assert bom.metadata.timestamp == datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)


# --- reading: whole-BOM problems -------------------------------------------------------------


def test_bom_problems_keep_their_type_and_every_problem() -> None:
    doc = document(
        components=[
            {"kind": "adapter", "ref": "z-lora", "name": "lora"},
            {"kind": "model", "ref": "m", "name": "m"},
            {"kind": "dataset", "ref": "m", "name": "d"},
        ],
        relations=[{"kind": "trained-on", "source": "m", "target": "gone"}],
    )
    error = load_error(doc, source="s.json")
    assert isinstance(error, BomValidationError)
    messages = [f"{p.path}: {p.message}" for p in error.problems]
    assert messages == [
        "$.components[2].ref: duplicate ref 'm' (another component has the same ref)",
        "$.relations[0].target: unknown ref 'gone'",
        "$.components[0]: adapter 'z-lora' has no adapts relation to the model it adapts",
    ]
    assert str(error).startswith("s.json: $.components[2].ref: duplicate ref 'm'")


def test_bom_problem_paths_follow_the_document_order() -> None:
    doc = document(
        components=[
            {"kind": "model", "ref": "z", "name": "z"},
            {"kind": "model", "ref": "a", "name": "a"},
        ],
        relations=[
            {"kind": "guards", "source": "z", "target": "a"},
            {"kind": "derived-from", "source": "a", "target": "z"},
        ],
    )
    error = load_error(doc)
    assert isinstance(error, BomValidationError)
    assert error.path == "$.relations[0]"
    assert "guards is not allowed from model 'z' to model 'a'" in error.message


def test_lineage_cycle_from_a_document() -> None:
    doc = document(
        relations=[
            {"kind": "derived-from", "source": "tuned", "target": "base"},
            {"kind": "quantized-from", "source": "base", "target": "tuned"},
        ]
    )
    error = load_error(doc)
    assert isinstance(error, BomValidationError)
    assert error.path == "$.relations"
    assert error.message.startswith("lineage cycle: ")


def test_round_trip_of_the_example(example_v2: Bom) -> None:
    assert native.loads(native.dumps(example_v2)) == example_v2


def test_to_dict_of_a_component_carries_its_kind() -> None:
    bom = Bom.create("s").add(Model(ref="m", name="m"), Model(ref="n", name="n"))
    bom = bom.with_relations(Relation(kind=RelationKind.DEPENDS_ON, source="m", target="n"))
    data = native.to_dict(bom)
    assert [c["kind"] for c in data["components"]] == ["model", "model"]
    assert data["relations"] == [{"kind": "depends-on", "source": "m", "target": "n"}]


# --- defensive paths: whatever the converter raises becomes an FmbomError --------------------


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (TypeError("boom"), "$: boom"),
        (KeyError("name"), "$: required key 'name' is missing"),
        (ValueError("3 is not a valid Thing"), "$: 3 is not a valid value of Thing"),
        (AttributeError(), "$: AttributeError"),
    ],
)
def test_raw_converter_errors_are_wrapped(
    raised: Exception, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        def structure(self, *_: object) -> object:
            raise raised

    monkeypatch.setattr(native, "_CONVERTER", Broken())
    error = load_error(document())
    assert isinstance(error, ValidationError)
    assert str(error) == expected


def test_unwrapped_bom_errors_keep_their_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = BomValidationError("duplicate ref 'tuned'", "components[1].ref")

    class Broken:
        def structure(self, *_: object) -> object:
            raise problem

    monkeypatch.setattr(native, "_CONVERTER", Broken())
    error = load_error(document(), source="f.json")
    assert isinstance(error, BomValidationError)
    assert str(error) == "f.json: $.components[1].ref: duplicate ref 'tuned'"
    assert [p.path for p in error.problems] == ["$.components[1].ref"]


# --- every problem, not the first --------------------------------------------------------------


def test_three_independent_errors_are_reported_together_with_their_paths() -> None:
    doc = document()
    doc["components"][0]["parameter_count"] = "7B"
    doc["components"][1]["role"] = "teacher"
    doc["components"].append(
        {"kind": "weights", "ref": "w", "name": "w", "digests": [{"algorithm": "sha256"}]}
    )
    error = load_error(doc, source="three.json")
    assert isinstance(error, ValidationError)
    assert error.source == "three.json"
    assert [p.path for p in error.problems] == [
        "$.components[0].parameter_count",
        "$.components[1].role",
        "$.components[2].digests[0]",
    ]
    assert "required key 'value' is missing" in error.problems[2].message
    assert len(error.lines()) == 3
    assert all(line.startswith("three.json: $.components[") for line in error.lines())


def test_top_level_and_nested_problems_are_reported_together() -> None:
    doc = document(extra=1)
    doc["relations"] = {"not": "a list"}
    doc["components"][0]["name"] = ""
    error = load_error(doc)
    assert [p.path for p in error.problems] == ["$", "$.relations", "$.components[0].name"]


def test_consistency_problems_wait_for_a_well_formed_document() -> None:
    doc = document()
    doc["components"][0]["name"] = 3
    doc["relations"].append({"kind": "trained-on", "source": "tuned", "target": "nowhere"})
    error = load_error(doc)
    assert not isinstance(error, BomValidationError)
    assert [p.path for p in error.problems] == ["$.components[0].name"]
