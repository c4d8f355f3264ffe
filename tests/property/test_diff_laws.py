"""Laws of the diff: identity, mirror symmetry, single planted mutations, and noise."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from fmbom.bom import Bom, identity_key
from fmbom.diff import Change, diff, mirror_rule
from tests.profiles import examples
from tests.property import strategies as fs
from tests.unit.diff._system import MUTATIONS, regenerate_refs, system

_SETTINGS = examples(60)


def _mirror_key(change: Change) -> tuple[object, ...]:
    return (
        mirror_rule(change.rule),
        repr(change.field),
        repr(change.after),
        repr(change.before),
        repr(change.new_ref),
        repr(change.old_ref),
    )


def _key(change: Change) -> tuple[object, ...]:
    return (
        change.rule,
        repr(change.field),
        repr(change.before),
        repr(change.after),
        repr(change.old_ref),
        repr(change.new_ref),
    )


@_SETTINGS
@given(fs.boms())
def test_diff_of_a_bom_with_itself_is_empty(bom: Bom) -> None:
    assert diff(bom, bom).changes == ()


@_SETTINGS
@given(fs.boms(), fs.boms())
def test_reversed_diff_mirrors(a: Bom, b: Bom) -> None:
    forward = sorted(_mirror_key(c) for c in diff(a, b).changes)
    backward = sorted(_key(c) for c in diff(b, a).changes)
    assert forward == backward


@_SETTINGS
@given(fs.boms(), st.integers(min_value=0, max_value=1000))
def test_regenerated_refs_reordering_and_metadata_are_no_change(bom: Bom, seed: int) -> None:
    noisy = regenerate_refs(bom, seed)
    noisy = noisy.with_metadata(
        attrs.evolve(
            noisy.metadata,
            timestamp=datetime.datetime(2031, 5, 1, tzinfo=datetime.timezone.utc),
            tools=(),
            authors=("regenerated",),
        )
    )
    noisy = attrs.evolve(
        noisy,
        components=list(reversed(noisy.components)),
        relations=list(reversed(noisy.relations)),
    )
    assert diff(bom, noisy).changes == ()


def _merged(generated: Bom) -> Bom | None:
    """The planted system plus the generated components, or None when they would clash."""
    planted = system()
    refs = {c.ref for c in planted.components}
    identities = {identity_key(c) for c in planted.components}
    if any(c.ref in refs or identity_key(c) in identities for c in generated.components):
        return None
    return attrs.evolve(
        planted,
        components=[*planted.components, *generated.components],
        relations=[*planted.relations, *generated.relations],
    )


@_SETTINGS
@given(fs.boms(max_components=5), st.sampled_from(MUTATIONS))
def test_single_planted_mutation_reports_exactly_its_rule(
    generated: Bom, mutation: tuple[str, Callable[[Bom], Bom], str]
) -> None:
    _, mutate, rule = mutation
    bom = _merged(generated)
    assume(bom is not None)
    assert bom is not None
    result = diff(bom, mutate(bom))
    (expected,) = result.by_rule(rule)
    assert [c for c in result.at_or_above(expected.severity) if c.rule != rule] == []
    reversed_result = diff(mutate(bom), bom)
    assert len(reversed_result.by_rule(mirror_rule(rule))) == 1
