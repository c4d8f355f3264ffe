"""Generated schema checks decide only as fastjsonschema decides, for any small schema."""

from __future__ import annotations

from typing import Any

import fastjsonschema
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fmbom.cyclonedx import _schema, _schemacode
from tests.profiles import examples

_KEYS = ["a", "b", "ref"]
_PATTERNS = ["^a+$", "^a$|b$", "b", "^[ab]{2}$"]
_TYPES = ["string", "object", "array", "boolean", "null", "integer", "number"]

_LEAF_SCHEMA = st.one_of(
    st.booleans(),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(_TYPES)
            | st.lists(st.sampled_from(_TYPES), min_size=1, max_size=2, unique=True)
        }
    ),
    st.fixed_dictionaries(
        {
            "enum": st.lists(
                st.sampled_from(["a", "b", 1, None]), min_size=1, max_size=3, unique=True
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("string"),
            "enum": st.lists(
                st.sampled_from(["a", "b", "aa"]), min_size=1, max_size=3, unique=True
            ),
        }
    ),
    st.fixed_dictionaries({"const": st.sampled_from(["a", 1])}),
    st.fixed_dictionaries(
        {"minLength": st.integers(0, 2)},
        optional={"maxLength": st.integers(1, 3), "type": st.just("string")},
    ),
    st.fixed_dictionaries({"pattern": st.sampled_from(_PATTERNS)}),
    st.fixed_dictionaries({"format": st.sampled_from(["date-time", "iri-reference", "email"])}),
    st.fixed_dictionaries(
        {}, optional={"minimum": st.sampled_from([0, 1.5]), "maximum": st.sampled_from([2, 3.5])}
    ),
    st.fixed_dictionaries({"required": st.lists(st.sampled_from(_KEYS), max_size=2, unique=True)}),
    st.fixed_dictionaries({"not": st.just({"type": "string"})}),
    st.fixed_dictionaries({"$ref": st.just("#/definitions/leaf")}),
)


def _extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    properties = st.dictionaries(st.sampled_from(_KEYS), inner, max_size=3)
    return st.one_of(
        st.fixed_dictionaries(
            {"properties": properties},
            optional={
                "type": st.just("object"),
                "required": st.lists(st.sampled_from(_KEYS), max_size=2, unique=True),
                "additionalProperties": st.booleans() | inner,
            },
        ),
        st.fixed_dictionaries(
            {"items": inner | st.lists(inner, min_size=1, max_size=2)},
            optional={
                "type": st.just("array"),
                "additionalItems": st.booleans() | inner,
                "minItems": st.integers(0, 2),
                "maxItems": st.integers(1, 3),
                "uniqueItems": st.booleans(),
            },
        ),
        st.fixed_dictionaries({"patternProperties": st.just({"^a": {"type": "string"}})}),
        st.builds(
            lambda name, branches: {name: branches},
            st.sampled_from(["oneOf", "anyOf", "allOf"]),
            st.lists(inner, min_size=1, max_size=3),
        ),
    )


_SCHEMAS = st.recursive(_LEAF_SCHEMA, _extend, max_leaves=6)

_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.sampled_from([0, 1, 2, 3, 1.0, 2.5, -1])
    | st.sampled_from(["", "a", "aa", "b", "ab", "ba", "a\n", "2024-01-01T00:00:00Z"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=3)
    ),
    max_leaves=6,
)


def _validator(schema: Any) -> Any:
    """fastjsonschema's validator of ``schema``, or None for a schema it refuses."""
    document = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": {"leaf": {"type": "string", "minLength": 1}},
        "allOf": [schema],
    }
    try:
        return fastjsonschema.compile(
            document,
            formats={"date-time": _schema.is_date_time, "iri-reference": lambda _: True},
            use_default=False,
        )
    except fastjsonschema.JsonSchemaDefinitionException:
        return None


def _passes(validate: Any, value: Any) -> bool:
    try:
        validate(value)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


@examples(300)
@given(schema=_SCHEMAS, values=st.lists(_VALUES, min_size=1, max_size=4))
def test_every_decided_answer_is_that_of_fastjsonschema(schema: Any, values: list[Any]) -> None:
    root = {
        "definitions": {"leaf": {"type": "string", "minLength": 1}},
        "allOf": [schema],
    }
    validate = _validator(schema)
    assume(validate is not None)
    check = _schemacode.compile_schema(root, {}, _schema.is_date_time)
    for value in values:
        verdict = check(value)
        if verdict is not None:
            assert verdict is _passes(validate, value), value


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"properties": {"a": 3}}, {"a": "x"}),
        ({"pattern": 3}, "x"),
        ({"format": 3}, "x"),
        ({"enum": "a"}, "a"),
        ({"minimum": True}, 1),
        ({"minLength": "1"}, "x"),
        ({"oneOf": "a"}, "x"),
        ({"$ref": "#/nowhere"}, "x"),
        ({"$ref": "other.json#/x"}, "x"),
        ({"type": "thing"}, "x"),
    ],
)
def test_odd_schemas_are_unknown_not_wrong(schema: dict[str, Any], value: Any) -> None:
    """Values that are not schemas and keywords with odd arguments answer unknown."""
    check = _schemacode.compile_schema(schema, {}, _schema.is_date_time)
    assert check(value) is None


@pytest.mark.parametrize("depth", [3, 30])
def test_deep_anonymous_schemas_get_functions_of_their_own(depth: int) -> None:
    """Nesting beyond what Python compiles in one function is split into functions."""
    schema: Any = {"type": "string"}
    value: Any = "x"
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": {"type": "array", "items": schema}}}
        value = {"a": [value]}
    check = _schemacode.compile_schema(schema, {}, _schema.is_date_time)
    assert check(value) is True
    assert check({"a": [{"a": 1}]}) is False
