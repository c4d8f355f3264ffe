"""Relations of a read document: edges built without re-running the checks are the same."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fmbom.cyclonedx import _read_common, _relations
from fmbom.model import ComponentKind, Relation, RelationKind
from tests.profiles import examples
from tests.property.strategies import refs


@examples(200)
@given(kind=st.sampled_from(list(RelationKind)), source=refs, target=refs)
def test_an_edge_is_the_relation_the_constructor_builds(
    kind: RelationKind, source: str, target: str
) -> None:
    assume(source != target)
    edge = _relations._edge(kind, source, target)
    built = Relation(kind=kind, source=source, target=target)
    assert edge == built
    assert attrs.asdict(edge) == attrs.asdict(built)
    assert hash(edge) == hash(built)


def test_without_the_trusted_path_the_constructor_builds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_read_common, "TRUSTED", False)
    edge = _relations._edge(RelationKind.DEPENDS_ON, "a", "b")
    assert edge == Relation(kind=RelationKind.DEPENDS_ON, source="a", target="b")
    with pytest.raises(ValueError, match="itself"):
        _relations._edge(RelationKind.DEPENDS_ON, "a", "a")


@pytest.mark.parametrize(
    ("found", "source", "target", "expected"),
    [
        (
            RelationKind.DEPENDS_ON,
            ComponentKind.SOFTWARE,
            ComponentKind.SOFTWARE,
            (RelationKind.DEPENDS_ON, None),
        ),
        (
            RelationKind.DERIVED_FROM,
            ComponentKind.MODEL,
            ComponentKind.MODEL,
            (RelationKind.DERIVED_FROM, None),
        ),
        (
            RelationKind.DERIVED_FROM,
            ComponentKind.WEIGHTS,
            ComponentKind.WEIGHTS,
            (RelationKind.QUANTIZED_FROM, None),
        ),
        (
            RelationKind.DERIVED_FROM,
            ComponentKind.SOFTWARE,
            ComponentKind.MODEL,
            (RelationKind.DEPENDS_ON, None),
        ),
        (
            RelationKind.TRAINED_ON,
            ComponentKind.SOFTWARE,
            ComponentKind.DATASET,
            (RelationKind.DEPENDS_ON, RelationKind.TRAINED_ON),
        ),
    ],
)
def test_the_kind_an_edge_is_read_as(
    found: RelationKind,
    source: ComponentKind,
    target: ComponentKind,
    expected: tuple[RelationKind, RelationKind | None],
) -> None:
    assert _relations._kind(found, source, target) == expected
