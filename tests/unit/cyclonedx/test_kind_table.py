"""The one table of component kinds and CycloneDX types covers every kind, and its inverse
agrees with it."""

from __future__ import annotations

from fmbom.cyclonedx._common import COMPONENT_TYPE, KIND_OF_TYPE, KIND_TYPES, SOFTWARE_TYPE
from fmbom.model import ComponentKind, SoftwareRole


def test_every_kind_has_one_cyclonedx_type() -> None:
    kinds = [entry.kind for entry in KIND_TYPES]
    assert len(kinds) == len(set(kinds)), "a kind is listed twice"
    # Software's type follows its role: every role has one.
    assert set(kinds) | {ComponentKind.SOFTWARE} == set(ComponentKind)
    assert ComponentKind.SOFTWARE not in kinds
    assert set(SOFTWARE_TYPE) == set(SoftwareRole)


def test_the_inverse_is_derived_from_the_table() -> None:
    read_back = [entry for entry in KIND_TYPES if entry.reads_back]
    assert len({entry.type for entry in read_back}) == len(read_back), "a type reads two kinds"
    for entry in read_back:
        assert KIND_OF_TYPE[entry.type] is entry.kind
        assert COMPONENT_TYPE[entry.kind] == entry.type


def test_parameter_counts_are_read_exactly() -> None:
    from fmbom.cyclonedx._read_common import parse_count

    assert parse_count("9007199254740993") == 2**53 + 1  # a float would give 2**53
    assert parse_count("7B") == 7_000_000_000
    assert parse_count("1.5k") == 1500
    assert parse_count("0.5") is None
    assert parse_count("1" * 5000) is None
