"""Laws of the native JSON format: round trip, canonical bytes, and strict, located errors."""

from __future__ import annotations

import copy
import json
import types
from collections.abc import Callable
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fmbom import native
from fmbom.bom import Bom, BomMetadata
from fmbom.errors import BomValidationError, FmbomError, InputFormatError, ValidationError
from fmbom.model import COMPONENT_TYPES, AnyComponent, ComponentKind, Digest
from tests.profiles import examples
from tests.property import strategies as fs

# --- round trip and canonical form -----------------------------------------------------------


@given(fs.boms())
def test_load_of_dump_is_identity(bom: Bom) -> None:
    assert native.loads(native.dumps(bom)) == bom


@given(fs.boms())
def test_dump_is_byte_stable(bom: Bom) -> None:
    text = native.dumps(bom)
    assert native.dumps(native.loads(text)) == text


@given(fs.boms())
def test_dict_round_trip_survives_json(bom: Bom) -> None:
    document = native.to_dict(bom)
    assert json.loads(json.dumps(document)) == document
    assert native.from_dict(document) == bom


class _Colour(str, Enum):
    RED = "red"
    QUOTED = 'a "b"\n'


_JSON_KEYS = st.text(max_size=4)
_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(list(_Colour))
    | st.sampled_from([ComponentKind.MODEL, 3.0, -0.0, 10**40])
)
_JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(_JSON_KEYS | st.sampled_from(list(_Colour)), inner, max_size=4)
        | st.dictionaries(st.integers(0, 3) | st.sampled_from(["2", "x"]), inner, max_size=3)
    ),
    max_leaves=24,
)


@given(_JSON_VALUES)
def test_canonical_text_is_the_standard_librarys(value: Any) -> None:
    """The writer of the native text gives ``json.dumps``'s text (sorted keys, indent 2, no
    ASCII escapes) for any JSON value, string enumerations, tuples, NaN, enumeration and
    number keys included, and its error for keys that do not sort."""
    from fmbom._canonical import native_text

    try:
        expected = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    except TypeError:  # keys that do not sort together (numbers and strings)
        with pytest.raises(TypeError):
            native_text(value)
    else:
        assert native_text(value) == expected


def test_canonical_text_of_a_cycle_or_an_object_is_the_standard_librarys_error() -> None:
    from fmbom._canonical import native_text

    loop: list[Any] = [1]
    loop.append({"a": loop})
    with pytest.raises(ValueError, match="Circular reference detected"):
        native_text({"loop": loop})
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        native_text({"a": [1, {"b": object()}]})


@given(fs.boms(min_components=1), st.randoms(use_true_random=False))
def test_component_and_relation_order_do_not_change_the_dump(bom: Bom, rnd: Any) -> None:
    components = list(bom.components)
    relations = list(bom.relations)
    rnd.shuffle(components)
    rnd.shuffle(relations)
    shuffled = Bom(metadata=bom.metadata, components=components, relations=relations)
    assert shuffled == bom
    assert native.dumps(shuffled) == native.dumps(bom)


@given(fs.boms(min_components=1), st.randoms(use_true_random=False))
def test_document_order_does_not_change_the_bom(bom: Bom, rnd: Any) -> None:
    document = native.to_dict(bom)
    rnd.shuffle(document["components"])
    rnd.shuffle(document["relations"])
    assert native.from_dict(document) == bom


@given(fs.boms())
def test_dump_is_sorted_and_versioned(bom: Bom) -> None:
    document = json.loads(native.dumps(bom))
    assert document["fmbom"] == native.FORMAT_VERSION
    refs = [c["ref"] for c in document["components"]]
    assert refs == sorted(refs)
    keys = [(r["kind"], r["source"], r["target"]) for r in document["relations"]]
    assert keys == sorted(keys)
    assert all(c["kind"] in {k.value for k in ComponentKind} for c in document["components"])


# --- walking a document alongside its types --------------------------------------------------


@attrs.frozen
class Record:
    """A JSON object of the document, the class it structures to, and its JSON path."""

    value: dict[str, Any]
    cls: type
    path: str


@attrs.frozen
class Slot:
    """A value inside a container of the document (a field or a list item) and its type."""

    container: Any
    key: Any
    type: Any
    path: str


def _strip_optional(tp: Any) -> Any:
    args = get_args(tp)
    if get_origin(tp) in (Union, types.UnionType) and type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None))
    return tp


def _walk(value: Any, tp: Any, path: str, records: list[Record], slots: list[Slot]) -> None:
    tp = _strip_optional(tp)
    if get_origin(tp) is tuple:
        inner = get_args(tp)[0]
        for index, item in enumerate(value):
            slots.append(Slot(value, index, inner, f"{path}[{index}]"))
            _walk(item, inner, f"{path}[{index}]", records, slots)
        return
    if tp == AnyComponent:
        tp = COMPONENT_TYPES[ComponentKind(value["kind"])]
    if isinstance(tp, type) and attrs.has(tp):
        records.append(Record(value, tp, path))
        hints = get_type_hints(tp)
        for field in attrs.fields(tp):
            if field.init and field.name in value:
                slots.append(Slot(value, field.name, hints[field.name], f"{path}.{field.name}"))
                _walk(value[field.name], hints[field.name], f"{path}.{field.name}", records, slots)


def _index(document: dict[str, Any]) -> tuple[list[Record], list[Slot]]:
    records: list[Record] = []
    slots: list[Slot] = []
    hints = get_type_hints(Bom)
    slots.append(Slot(document, "metadata", BomMetadata, "$.metadata"))
    _walk(document["metadata"], BomMetadata, "$.metadata", records, slots)
    for key in ("components", "relations"):
        slots.append(Slot(document, key, hints[key], f"$.{key}"))
        _walk(document[key], hints[key], f"$.{key}", records, slots)
    return records, slots


def _is_enum(tp: Any) -> bool:
    tp = _strip_optional(tp)
    return isinstance(tp, type) and issubclass(tp, Enum)


def _within(a: str, b: str) -> bool:
    """True when one JSON path is the other or one of its ancestors."""
    short, long = sorted((a, b), key=len)
    return long == short or long.startswith((short + ".", short + "["))


# --- mutations -------------------------------------------------------------------------------

Mutation = Callable[[st.DataObject, dict[str, Any]], str]
"""Mutates a document in place and returns the JSON path the error must point at ('' for
BOM-level problems whose location is checked separately)."""


def _wrong_type(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return ["true", 1, []]
    if isinstance(value, int):
        return ["1", 1.5, True, [], {}]
    if isinstance(value, float):
        return ["1.0", True, [], {}]
    if isinstance(value, str):
        return [7, 1.5, False, [], {}]
    if isinstance(value, list):
        return ["x", {}, 3]
    return ["x", [], 3]


def mutate_type(data: st.DataObject, document: dict[str, Any]) -> str:
    _, slots = _index(document)
    slot = data.draw(st.sampled_from(slots))
    current = slot.container[slot.key]
    slot.container[slot.key] = data.draw(st.sampled_from(_wrong_type(current)))
    return slot.path


def mutate_unknown_key(data: st.DataObject, document: dict[str, Any]) -> str:
    records, _ = _index(document)
    choice = data.draw(st.sampled_from([None, *records]))
    if choice is None:
        document["x-unknown"] = 1
        return "$"
    choice.value["x-unknown"] = data.draw(st.sampled_from([None, "x", 1, []]))
    return choice.path


def mutate_missing_key(data: st.DataObject, document: dict[str, Any]) -> str:
    records, _ = _index(document)
    candidates: list[tuple[Record, str]] = [
        (record, field.name)
        for record in records
        for field in attrs.fields(record.cls)
        if field.init and field.default is attrs.NOTHING
    ]
    candidates += [(r, "kind") for r in records if r.cls in COMPONENT_TYPES.values()]
    record, key = data.draw(st.sampled_from(candidates))
    del record.value[key]
    return record.path


def mutate_enum(data: st.DataObject, document: dict[str, Any]) -> str:
    records, slots = _index(document)
    enum_slots = [s for s in slots if _is_enum(s.type)]
    tags = [r for r in records if r.cls in COMPONENT_TYPES.values()]
    assume(enum_slots or tags)
    options: list[Slot | Record] = [*enum_slots, *tags]
    choice = data.draw(st.sampled_from(options))
    bad = data.draw(st.sampled_from(["not-a-known-value", "", "MODEL "]))
    if isinstance(choice, Record):
        choice.value["kind"] = bad
    else:
        choice.container[choice.key] = bad
    return choice.path


def mutate_digest(data: st.DataObject, document: dict[str, Any]) -> str:
    records, _ = _index(document)
    found = [r for r in records if r.cls is Digest]
    assume(found)
    record = data.draw(st.sampled_from(found))
    value = record.value["value"]
    record.value["value"] = data.draw(
        st.sampled_from([value[:-1], value + "0", "g" + value[1:], value[:-1] + " ", ""])
    )
    return f"{record.path}.value"


def _fresh(document: dict[str, Any], stem: str) -> str:
    taken = {c["ref"] for c in document["components"]}
    ref = stem
    while ref in taken:
        ref += "_"
    return ref


def mutate_unknown_ref(data: st.DataObject, document: dict[str, Any]) -> str:
    assume(document["relations"])
    index = data.draw(st.integers(0, len(document["relations"]) - 1))
    end = data.draw(st.sampled_from(["source", "target"]))
    document["relations"][index][end] = _fresh(document, "missing")
    return ""


def mutate_duplicate_ref(data: st.DataObject, document: dict[str, Any]) -> str:
    components = document["components"]
    assume(components)
    original = data.draw(st.sampled_from(components))
    if len(components) > 1 and data.draw(st.booleans()):
        other = data.draw(st.sampled_from([c for c in components if c is not original]))
        other["ref"] = original["ref"]
    else:
        components.append(copy.deepcopy(original))
    return ""


def mutate_cycle(data: st.DataObject, document: dict[str, Any]) -> str:
    lineage = [r for r in document["relations"] if r["kind"] in ("derived-from", "quantized-from")]
    reverse_one = bool(lineage) and data.draw(st.booleans())
    if reverse_one:
        relation = data.draw(st.sampled_from(lineage))
        document["relations"].append(
            {"kind": relation["kind"], "source": relation["target"], "target": relation["source"]}
        )
    else:
        a, b = _fresh(document, "cycle-a"), _fresh(document, "cycle-b")
        document["components"] += [
            {"kind": "model", "ref": a, "name": "a"},
            {"kind": "model", "ref": b, "name": "b"},
        ]
        document["relations"] += [
            {"kind": "derived-from", "source": a, "target": b},
            {"kind": "quantized-from", "source": b, "target": a},
        ]
    return ""


def mutate_orphan_adapter(data: st.DataObject, document: dict[str, Any]) -> str:
    adapts = [r for r in document["relations"] if r["kind"] == "adapts"]
    remove_one = bool(adapts) and data.draw(st.booleans())
    if remove_one:
        document["relations"].remove(data.draw(st.sampled_from(adapts)))
    else:
        ref = _fresh(document, "adapter")
        document["components"].append({"kind": "adapter", "ref": ref, "name": "lora"})
    return ""


def mutate_endpoint_kinds(data: st.DataObject, document: dict[str, Any]) -> str:
    a, b = _fresh(document, "data-a"), _fresh(document, "data-b")
    document["components"] += [
        {"kind": "dataset", "ref": a, "name": "a"},
        {"kind": "dataset", "ref": b, "name": "b"},
    ]
    kind = data.draw(st.sampled_from(["guards", "adapts", "derived-from", "served-by"]))
    document["relations"].append({"kind": kind, "source": a, "target": b})
    return ""


STRUCTURAL: dict[str, Mutation] = {
    "wrong type": mutate_type,
    "unknown key": mutate_unknown_key,
    "missing key": mutate_missing_key,
    "bad enum": mutate_enum,
    "bad digest": mutate_digest,
}
CONSISTENCY: dict[str, tuple[Mutation, str]] = {
    "unknown ref": (mutate_unknown_ref, "unknown ref"),
    "duplicate ref": (mutate_duplicate_ref, "duplicate ref"),
    "lineage cycle": (mutate_cycle, "lineage cycle"),
    "adapter without adapts": (mutate_orphan_adapter, "adapts"),
    "endpoint kinds": (mutate_endpoint_kinds, "is not allowed from"),
}


def _load_error(document: dict[str, Any]) -> FmbomError:
    text = json.dumps(document)
    with pytest.raises(FmbomError) as caught:
        native.loads(text, source="bom.json")
    error = caught.value
    assert "\n" not in str(error)
    assert str(error).startswith("bom.json: ")
    return error


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
@examples(60)
@given(bom=fs.boms(), data=st.data())
def test_structural_mutations_raise_located_errors(name: str, bom: Bom, data: Any) -> None:
    document = native.to_dict(bom)
    where = STRUCTURAL[name](data, document)
    error = _load_error(document)
    assert isinstance(error, ValidationError)
    assert error.path.startswith("$")
    assert _within(error.path, where), (error.path, where)


@pytest.mark.parametrize("name", sorted(CONSISTENCY))
@examples(40)
@given(bom=fs.boms(), data=st.data())
def test_inconsistent_documents_raise_bom_errors(name: str, bom: Bom, data: Any) -> None:
    mutation, expected = CONSISTENCY[name]
    document = native.to_dict(bom)
    mutation(data, document)
    error = _load_error(document)
    assert isinstance(error, BomValidationError)
    problems = getattr(error, "problems", [error])
    assert any(expected in p.message for p in problems), [p.message for p in problems]
    assert all(p.path.startswith("$") for p in problems)


@given(bom=fs.boms(), data=st.data())
def test_truncated_documents_are_input_errors(bom: Bom, data: Any) -> None:
    text = native.dumps(bom)
    cut = data.draw(st.integers(0, text.rindex("}") - 1))
    with pytest.raises(InputFormatError):
        native.loads(text[:cut])


@given(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_arbitrary_bytes_never_escape_as_bare_errors(raw: bytes) -> None:
    with pytest.raises(FmbomError):
        native.loads(raw)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.sampled_from(["fmbom", "metadata", "components", "x"]), children)
        ),
        max_leaves=8,
    )
)
def test_arbitrary_json_values_never_escape_as_bare_errors(value: Any) -> None:
    with pytest.raises(FmbomError):
        native.from_dict(value)
