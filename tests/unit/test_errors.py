"""The structured error: typed source and problems, one line per problem, cattrs groups."""

from __future__ import annotations

import pickle

import attrs
import cattrs
import pytest

from fmbom.errors import (
    BomValidationError,
    ExportError,
    FmbomError,
    InputFormatError,
    PolicyError,
    Problem,
    ScanError,
    ValidationError,
    WriteError,
    join_path,
    problems_from_structuring,
)


def test_a_plain_error_has_one_problem() -> None:
    error = ValidationError("must not be empty", "name")
    assert error.problems == (Problem("name", "must not be empty"),)
    assert error.message == "must not be empty"
    assert error.path == "name"
    assert error.source is None
    assert str(error) == "name: must not be empty"


def test_source_and_every_problem_are_typed_fields() -> None:
    problems = [Problem("$.a", "bad a"), Problem("$.b[0]", "bad b"), Problem("", "bad doc")]
    error = InputFormatError(source="f.json", problems=problems)
    assert error.source == "f.json"
    assert error.problems == tuple(problems)
    assert error.message == "bad a"
    assert str(error) == "f.json: $.a: bad a (and 2 more problems)"
    assert error.lines() == ["f.json: $.a: bad a", "f.json: $.b[0]: bad b", "f.json: bad doc"]


def test_two_problems_say_one_more() -> None:
    error = FmbomError(problems=[Problem("x", "one"), Problem("y", "two")])
    assert str(error) == "x: one (and 1 more problem)"


def test_empty_source_is_none() -> None:
    assert InputFormatError("nope", "").source is None
    assert str(InputFormatError("nope", "")) == "nope"


def test_lines_fold_white_space_so_each_problem_is_one_line() -> None:
    error = ScanError("cannot\nread\tthis", source="dir")
    assert error.lines() == ["dir: cannot read this"]


def test_at_prefixes_every_path_and_keeps_the_type() -> None:
    error = BomValidationError(problems=[Problem("ref", "dup"), Problem("[2]", "bad")])
    moved = error.at("components")
    assert type(moved) is BomValidationError
    assert [p.path for p in moved.problems] == ["components.ref", "components[2]"]
    assert [p.path for p in error.problems] == ["ref", "[2]"]


def test_with_source_keeps_type_and_problems() -> None:
    error = PolicyError("unknown rule 'x'", "ignore[0]").with_source("policy.toml")
    assert isinstance(error, PolicyError)
    assert isinstance(error, ValidationError)
    assert str(error) == "policy.toml: ignore[0]: unknown rule 'x'"


@pytest.mark.parametrize(
    "error",
    [
        ValidationError("bad", "a.b", source="s"),
        InputFormatError("unreadable", "f.json"),
        WriteError("cannot write: No space left on device", source="out.json"),
        ExportError(problems=[Problem("x", "1"), Problem("y", "2")]),
    ],
)
def test_errors_survive_pickling(error: FmbomError) -> None:
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(again) is type(error)
    assert again.problems == error.problems
    assert again.source == error.source
    assert str(again) == str(error)


def test_validation_errors_are_value_errors() -> None:
    assert issubclass(ValidationError, ValueError)
    for sub in (BomValidationError, PolicyError):
        assert issubclass(sub, ValidationError)
    for other in (InputFormatError, ExportError, WriteError, ScanError):
        assert issubclass(other, FmbomError)
        assert not issubclass(other, ValidationError)


def test_join_path() -> None:
    assert join_path("$", "a") == "$.a"
    assert join_path("$", "[1]") == "$[1]"
    assert join_path("", "a") == "a"
    assert join_path("$", "") == "$"


@attrs.frozen
class _Inner:
    n: int


@attrs.frozen
class _Outer:
    name: str
    items: list[_Inner]


def _strict_int(value: object, _: type) -> int:
    if not isinstance(value, int):
        raise ValidationError(f"expected an integer, got {value!r}")
    return value


def test_problems_from_structuring_lists_every_leaf_with_its_path() -> None:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(int, _strict_int)
    data = {"items": [{"n": 1}, {"n": "x"}, {"n": 2, "extra": 1}, {}]}
    with pytest.raises(cattrs.errors.ClassValidationError) as caught:
        converter.structure(data, _Outer)
    found = problems_from_structuring(caught.value)
    assert sorted(map(str, found)) == sorted(
        [
            "$: required key 'name' is missing",
            "$.items[1].n: expected an integer, got 'x'",
            "$.items[2]: unknown key(s) extra",
            "$.items[3]: required key 'n' is missing",
        ]
    )


def test_problems_from_structuring_of_a_plain_exception() -> None:
    assert problems_from_structuring(ValueError("'q' is not a valid Kind"), "$.k") == [
        Problem("$.k", "'q' is not a valid value of Kind")
    ]
    assert problems_from_structuring(TypeError(), "$") == [Problem("$", "TypeError")]
