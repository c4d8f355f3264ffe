"""The msgspec accelerator of the two-document diff: what it takes as known valid the schema
checks take too, and its check of numbers finds every number that reading in full refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fmbom.cyclonedx import _spans
from fmbom.cyclonedx._common import READ_VERSIONS
from fmbom.cyclonedx._fastschema import item_check
from tests.profiles import examples

pytestmark = pytest.mark.skipif(not _spans.INSTALLED, reason="msgspec is not installed")

_REFS = st.one_of(st.sampled_from(["", "a", "b", "pkg:pypi/x@1", "a b"]), st.text(max_size=4))
_ITEMS = st.fixed_dictionaries(
    {"ref": st.one_of(_REFS, st.integers(), st.none())},
    optional={
        "dependsOn": st.one_of(st.lists(_REFS, max_size=4), st.none(), _REFS),
        "provides": st.lists(_REFS, max_size=2),
        "other": st.just(1),
    },
)


@given(st.lists(_ITEMS, max_size=4))
@examples(200)
def test_a_plain_dependency_is_one_every_schema_takes(items: list[dict[str, Any]]) -> None:
    found = _spans.dependencies(json.dumps(items).encode())
    if found is None:
        return
    assert len(found) == len(items)
    for item, plain in zip(items, found, strict=True):
        assert set(item) <= {"ref", "dependsOn"}
        assert plain.ref == item["ref"]
        targets = item.get("dependsOn")
        if targets is not None and len(set(targets)) != len(targets):
            continue  # the caller refuses repeated targets
        for version in READ_VERSIONS:
            check = item_check(version, "dependencies")
            assert check is not None
            assert check(item) is True, (version, item)


def test_a_dependency_with_more_than_a_ref_and_targets_is_parsed_as_it_is() -> None:
    assert _spans.dependencies(b'[{"ref": "a", "provides": ["b"]}]') is None
    assert _spans.dependencies(b'[{"ref": ""}]') is None
    found = _spans.dependencies(b'[{"ref": "a"}, {"ref": "b", "dependsOn": ["a"]}]')
    assert found is not None
    assert [d.ref for d in found] == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (b'{"a": 1e999}', False),
        (b'{"a": [-1.5E+400]}', False),
        (b'{"a": [\n 1,\n 2e308]}', False),
        (b'{"a": -2e-400}', False),  # underflows to 0.0: taken, but not shown safe here
        (b'{"a": ' + b"9" * 300 + b"}", False),
        (b'{"a": 1e99, "b": 123456}', True),
        (b'{"h": "3e123", "i": "a3e1234", "u": "id=5e123"}', True),
        (b'{"purl": "pkg:x/y@1e500"}', True),
    ],
)
def test_the_numbers_check_finds_every_number_that_may_overflow(text: bytes, plain: bool) -> None:
    assert _spans._plain_numbers(text) is plain


_NUMBERS = st.builds(
    lambda sign, digits, fraction, exponent: f"{sign}{digits}{fraction}{exponent}",
    st.sampled_from(["", "-"]),
    st.from_regex(r"0|[1-9][0-9]{0,5}", fullmatch=True),
    st.sampled_from(["", ".5", ".000"]),
    st.one_of(st.just(""), st.from_regex(r"[eE][+-]?[0-9]{1,4}", fullmatch=True)),
)


@given(_NUMBERS, st.sampled_from(['{"a": %s}', '{"a": [1, {"b": %s}]}', "[\n %s\n]"]))
@examples(300)
def test_a_number_reading_in_full_refuses_is_never_shown_plain(number: str, shape: str) -> None:
    if float(number) in (float("inf"), float("-inf")):
        assert not _spans._plain_numbers((shape % number).encode())
