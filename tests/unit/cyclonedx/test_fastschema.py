"""The fast acceptor of CycloneDX documents agrees with the official schema's validator."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fmbom.cyclonedx import _fastschema, _schema
from fmbom.cyclonedx._check import check_document
from tests.profiles import examples
from tests.property.strategies import cdx_components

VERSIONS = ("1.4", "1.5", "1.6", "1.7")
DATA = Path(__file__).resolve().parents[2] / "data"


def _document(version: str, components: list[Any]) -> dict[str, Any]:
    return {
        "bomFormat": "CycloneDX",
        "specVersion": version,
        "version": 1,
        "components": components,
    }


def _full(document: dict[str, Any]) -> bool:
    return _schema._passes(_schema._json_validator(str(document["specVersion"])), document)


@examples(300)
@given(component=cdx_components(), version=st.sampled_from(VERSIONS))
def test_a_decided_component_is_decided_as_the_schema_decides(
    component: dict[str, Any], version: str
) -> None:
    checks = _fastschema._item_checks(version)
    assert checks is not None
    verdict = checks["components"](component)
    if verdict is not None:
        assert verdict is _full(_document(version, [component]))


@examples(100)
@given(components=st.lists(cdx_components(), max_size=4), version=st.sampled_from(VERSIONS))
def test_schema_errors_are_those_of_the_full_validator(
    components: list[dict[str, Any]], version: str
) -> None:
    document = _document(version, components)
    fast = _schema.json_schema_errors(copy.deepcopy(document))
    validator = _schema._json_validator(version)
    full = [] if _schema._passes(validator, document) else ["invalid"]
    assert bool(fast) is bool(full)


def test_duplicate_components_are_refused_as_the_schema_refuses_them() -> None:
    one = {"type": "library", "name": "a", "version": "1"}
    document = _document("1.6", [one, dict(one)])
    assert not _fastschema.fast_valid(document, lambda _: True)
    assert _schema.json_schema_errors(document) == ["$.components: must contain unique items"]
    # distinct bom-refs make the list unique without comparing whole components
    distinct = _document("1.6", [{**one, "bom-ref": "a"}, {**one, "bom-ref": "b"}])
    assert _fastschema.fast_valid(distinct, lambda _: True)


def test_whole_floats_and_unknown_keywords_are_left_to_the_schema() -> None:
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer"}, "s": {"type": "string", "format": "email"}},
        "patternProperties": {"^x": {}},
    }
    check = _fastschema.compile_schema(schema, {}, _schema.is_date_time)
    assert check({"n": 1}) is None  # patternProperties is not decided here
    inner = _fastschema.compile_schema(
        {"properties": {"n": {"type": "integer"}, "s": {"format": "email"}}},
        {},
        _schema.is_date_time,
    )
    assert inner({"n": 1}) is True
    assert inner({"n": 1.0}) is None
    assert inner({"n": "1"}) is False
    assert inner({"s": "a@b"}) is None
    assert inner({"s": 3}) is True


def test_one_of_counts_the_branches_that_pass() -> None:
    schema = {"oneOf": [{"type": "string"}, {"type": "string", "maxLength": 2}]}
    check = _fastschema.compile_schema(schema, {}, _schema.is_date_time)
    assert check("abc") is True
    assert check("ab") is False
    assert check(1) is False
    any_of = _fastschema.compile_schema(
        {"anyOf": [{"type": "string"}, {"minimum": 3}]}, {}, _schema.is_date_time
    )
    assert any_of("x") is True
    assert any_of(1) is False
    assert any_of(True) is None


def test_a_reference_that_cannot_be_resolved_is_unknown() -> None:
    check = _fastschema.compile_schema({"$ref": "other.json#/x"}, {}, _schema.is_date_time)
    assert check({}) is None


REAL = sorted((DATA / "cyclonedx").glob("*.json"))


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_documents_get_the_same_problems(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(path.read_bytes())
    if document.get("bomFormat") != "CycloneDX" or document.get("specVersion") not in VERSIONS:
        pytest.skip(f"{path.name}: not a CycloneDX {'/'.join(VERSIONS)} JSON document")
    validator = _schema._json_validator(document["specVersion"])
    fast = _schema.json_schema_problems(document)
    assert (fast == []) is _schema._passes(validator, document)
    monkeypatch.setattr(_schema, "fast_valid", lambda *_: False)
    assert _schema.json_schema_problems(document) == fast


def test_the_real_documents_are_there() -> None:
    assert len(REAL) >= 10


@examples(200)
@given(components=st.lists(cdx_components(), max_size=3), version=st.sampled_from(VERSIONS))
def test_a_schema_valid_document_passes_the_targeted_checks(
    components: list[dict[str, Any]], version: str
) -> None:
    document = _document(version, components)
    if _schema.json_schema_errors(document):
        return
    checked, notes = check_document(copy.deepcopy(document), version, strict=True)
    assert notes == []
    assert checked == document


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_schema_valid_documents_pass_the_targeted_checks(path: Path) -> None:
    document = json.loads(path.read_bytes())
    version = document.get("specVersion")
    if version not in VERSIONS or _schema.json_schema_errors(document):
        pytest.skip(f"{path.name}: not schema-valid CycloneDX JSON")
    assert check_document(copy.deepcopy(document), version, strict=True) == (document, [])
