"""``spdx.schema_errors``: the SPDX 3.0.1 JSON schema, every problem with its path."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fmbom import Bom, spdx
from fmbom.model import ComponentKind, RelationKind, SoftwareRole
from fmbom.spdx._names import ELEMENT_TYPE, RELATIONSHIP_TYPES, SOFTWARE_PURPOSE


@pytest.fixture(scope="module")
def document(example_v1: Bom) -> dict[str, Any]:
    return spdx.to_dict(example_v1)


def test_a_valid_document_has_no_problems(document: dict[str, Any]) -> None:
    assert spdx.schema_errors(document) == []


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ([], "$: an SPDX 3 document must be a JSON object"),
        ({"@graph": []}, "$.@context: must be"),
        ({"@context": spdx.CONTEXT_URL, "@graph": {}}, "$.@graph: must be an array"),
        ({"@context": spdx.CONTEXT_URL, "@graph": [], "x": 1}, "beside @graph: x"),
        ({"@context": spdx.CONTEXT_URL, "@graph": [{"type": "Nope"}]}, "$.@graph[0]: "),
        # A type that is not a string (unhashable) is a problem, not a TypeError.
        ({"@context": spdx.CONTEXT_URL, "@graph": [{"type": []}]}, "$.@graph[0]"),
        ({"@context": spdx.CONTEXT_URL, "@graph": [{"type": {"a": 1}, "x": [{}]}]}, "$.@graph"),
    ],
)
def test_document_level_problems(broken: Any, problem: str) -> None:
    assert any(p.startswith(problem) or problem in p for p in spdx.schema_errors(broken))


def test_each_broken_element_is_named(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    packages = [e for e in broken["@graph"] if e["type"] == "ai_AIPackage"]
    packages[0]["ai_autonomyType"] = "maybe"
    packages[1]["verifiedUsing"] = [{"type": "Hash", "algorithm": "sha999", "hashValue": "x"}]
    packages[1]["verifiedUsing"][0]["extra"] = 1
    problems = spdx.schema_errors(broken)
    first = broken["@graph"].index(packages[0])
    second = broken["@graph"].index(packages[1])
    assert (
        f"$.@graph[{first}].ai_autonomyType: 'maybe' is not one of ['no', 'noAssertion', 'yes']"
        in problems
    )
    assert any(p.startswith(f"$.@graph[{second}].verifiedUsing[0]") for p in problems)
    assert (
        f"$.@graph[{second}].verifiedUsing[0]: property 'extra' is not allowed on Hash" in problems
    )


def test_past_twenty_broken_elements_the_short_message_is_kept(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    relationships = [e for e in broken["@graph"] if e["type"] == "Relationship"][:25]
    for element in relationships:
        element["relationshipType"] = "knows"
    problems = spdx.schema_errors(broken)
    assert len(problems) == 25
    assert sum("'knows' is not one of" in p for p in problems) == 20


def test_every_kind_role_and_relation_has_an_spdx_mapping() -> None:
    assert set(ELEMENT_TYPE) == set(ComponentKind)
    assert set(SOFTWARE_PURPOSE) == set(SoftwareRole)
    assert set(RELATIONSHIP_TYPES) == set(RelationKind)
