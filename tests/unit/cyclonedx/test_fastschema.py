"""The fast acceptor of CycloneDX documents agrees with the official schema's validator."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fmbom.cyclonedx import _fastschema, _schema, _schemacode
from fmbom.cyclonedx._check import check_document
from tests.fuzz.harness import _nodes
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


# -- the generated checks -------------------------------------------------------------------

_LEAVES: list[Any] = [None, True, False, 0, 1, 1.0, 1.5, -3, "", "a", "x\n", "MIT", "SHA-256"]
_LEAVES += ["library", "a" * 64, "a" * 64 + "\n", "2024-01-01T00:00:00Z", "2024-13-01T00:00Z"]
_LEAVES += [[], {}, ["a"], ["a", "a"], [{"a": 1}], {"name": "x"}, {"license": {"id": "MIT"}}]


def _real_items() -> list[tuple[str, str, Any]]:
    """(version, list key, item) of the real documents' components, services, dependencies."""
    found: list[tuple[str, str, Any]] = []
    for path in REAL:
        document = json.loads(path.read_bytes())
        if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
            continue
        for key in ("components", "services", "dependencies"):
            items = document.get(key)
            for item in (items if isinstance(items, list) else [])[:20]:
                found.extend((version, key, item) for version in VERSIONS)
    return found


_ITEMS = _real_items()


@st.composite
def _mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one to three places replaced, removed, added to or duplicated."""
    value = copy.deepcopy(value)
    for _ in range(draw(st.integers(1, 3))):
        places = _nodes(value)
        if not places:
            break
        parent, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "remove", "add", "repeat"]))
        if action == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(_LEAVES)))
        elif action == "remove":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["zz", "name", "hashes", "bom-ref"]))] = copy.deepcopy(
                draw(st.sampled_from(_LEAVES))
            )
        elif isinstance(parent[key], list) and parent[key]:
            parent[key].append(copy.deepcopy(parent[key][0]))
    return value


def _one_item(version: str, key: str, item: Any) -> bool:
    """fastjsonschema's verdict on a document holding ``item`` alone in its list."""
    document = _document(version, [])
    document[key] = [item]
    return _full(document)


@examples(400)
@given(data=st.data())
def test_a_decided_real_item_mutated_is_decided_as_the_schema_decides(data: Any) -> None:
    version, key, item = data.draw(st.sampled_from(_ITEMS))
    changed = data.draw(_mutated(item))
    checks = _fastschema._item_checks(version)
    assert checks is not None
    verdict = checks[key](changed)
    if verdict is not None:
        assert verdict is _one_item(version, key, changed)


def test_the_real_items_are_there() -> None:
    assert {key for _, key, _ in _ITEMS} >= {"components", "dependencies"}


def test_objects_are_checked_by_shape_and_beyond_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large object is checked by a function made for its set of keys, in any order; past
    the table's size an object of another set is not decided here (no function per object)."""
    monkeypatch.setattr(_schemacode, "_MAX_SHAPES", 2)
    root, store = _schema.schema_documents("1.6")
    check = _fastschema.compile_schema(root, store, _schema.is_date_time, "#/definitions/component")
    shapes = [
        {"type": "library", "name": "a"},
        {"name": "a", "type": "library"},
        {"type": "library", "name": "a", "version": "1"},
        {"version": "1", "type": "library", "name": "a"},
        {"type": "library", "name": "a", "group": 3},
        {"type": "library", "name": "a", "unknown": 1},
        {"type": "library"},
    ]
    assert [check(c) for c in shapes] == [True, True, True, True, None, None, None]
    assert [check(c) for c in shapes] == [True, True, True, True, None, None, None]


def test_key_order_does_not_make_new_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Components whose keys come in every order cost one function per set of keys."""
    made: list[str] = []

    def counting(source: str, filename: str, mode: str) -> Any:
        made.append(filename)
        return compile(source, filename, mode)

    monkeypatch.setattr(_schemacode, "compile", counting, raising=False)
    root, store = _schema.schema_documents("1.6")
    check = _fastschema.compile_schema(root, store, _schema.is_date_time, "#/definitions/component")
    keys = ["type", "name", "version", "purl", "description", "group"]
    values = {"type": "library", "name": "a", "version": "1", "purl": "pkg:pypi/a@1"}
    values |= {"description": "d", "group": "g"}
    assert all(
        check({k: values[k] for k in order}) is True for order in itertools.permutations(keys)
    )
    shape_functions = [name for name in made if name.startswith("<fmbom schema check _s")]
    assert len(shape_functions) == 1, shape_functions


def test_a_pattern_ending_the_text_is_unknown_on_a_final_line_break() -> None:
    """``$`` before a final line break matches for jsonschema, not for fastjsonschema."""
    check = _fastschema.compile_schema({"pattern": "^a+$"}, {}, _schema.is_date_time)
    assert [check("aa"), check("ab"), check("aa\n"), check(3)] == [True, False, None, True]
    inner = _fastschema.compile_schema({"pattern": "^a$|b$"}, {}, _schema.is_date_time)
    assert [inner("a"), inner("cb"), inner("c"), inner("b\n")] == [True, True, False, None]
    plain = _fastschema.compile_schema({"pattern": "^a"}, {}, _schema.is_date_time)
    assert [plain("ab"), plain("ba"), plain("a\n")] == [True, False, True]


def test_numbers_bounds_and_types_are_decided_only_where_both_validators_agree() -> None:
    schema = {"type": ["integer", "null"], "minimum": 0, "maximum": 10}
    check = _fastschema.compile_schema(schema, {}, _schema.is_date_time)
    assert [check(3), check(None), check(11), check(-1), check(2.0), check(True)] == [
        True,
        True,
        False,
        False,
        None,
        None,
    ]
    assert check("3") is False
    odd = _fastschema.compile_schema({"minimum": "0", "type": "thing"}, {}, _schema.is_date_time)
    assert odd(1) is None


def test_tuples_arrays_and_additional_items() -> None:
    schema = {
        "type": "array",
        "items": [{"type": "string"}, {"enum": ["x"]}],
        "additionalItems": False,
        "minItems": 1,
        "maxItems": 3,
        "uniqueItems": True,
    }
    check = _fastschema.compile_schema(schema, {}, _schema.is_date_time)
    assert [check(["a"]), check(["a", "x"]), check(["a", "y"]), check([1])] == [
        True,
        True,
        False,
        False,
    ]
    assert [check([]), check(["a", "x", "z"]), check({}), check(["a", "a"])] == [
        False,
        False,
        False,
        False,
    ]
    loose = _fastschema.compile_schema(
        {"items": {"type": "object", "additionalProperties": {"type": "integer"}}},
        {},
        _schema.is_date_time,
    )
    assert [loose("not a list"), loose([{"a": 1}]), loose([{"a": "1"}])] == [True, True, False]


def test_checks_compile_once_under_threads() -> None:
    """The generated functions compile on first use, once, whichever thread comes first."""
    import threading

    root, store = _schema.schema_documents("1.5")
    check = _fastschema.compile_schema(root, store, _schema.is_date_time, "#/definitions/service")
    answers: list[bool | None] = []
    service = {"name": "s", "endpoints": ["https://x"], "data": [{"flow": "inbound"}]}

    def run() -> None:
        answers.append(check(service))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [_one_item("1.5", "services", service)] * 8


def _frozen_unique(items: list[Any]) -> bool:
    return len({_schemacode._frozen(i) for i in items}) == len(items)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from([1.0, 0.5]) | st.text("ab"),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["ref", "bom-ref", "x"]), inner, max_size=3)
    ),
    max_leaves=8,
)


@examples(300)
@given(items=st.lists(_JSON, max_size=5))
def test_unique_is_json_equality(items: list[Any]) -> None:
    assert _fastschema.unique(items) is _frozen_unique(items)
