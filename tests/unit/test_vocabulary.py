"""Closed vocabularies: rule and finding ids as enums, one subject type, one summary shape, and
every kind-keyed table covering every kind."""

from __future__ import annotations

import json
import operator
import re
from pathlib import Path

import attrs
import pytest

from fmbom import Bom
from fmbom.check import CATALOGUE, FindingId, FindingSubject, check
from fmbom.diff import (
    PRESENCE_RULES,
    RULES,
    ChangeSubject,
    Policy,
    RuleId,
    SeveritySummary,
    SubjectRef,
    diff,
    mirror_rule,
)
from fmbom.errors import ValidationError
from fmbom.governance import Unit
from fmbom.graph import DETAIL_FIELDS, SHAPES, SYSTEM_SHAPE
from fmbom.model import COMPONENT_TYPES, ComponentKind, Dataset, GuardModel, HashAlgorithm, Model
from fmbom.report import _LOOKS as REPORT_LOOKS
from fmbom.scan._hashing import new_hasher
from fmbom.severity import Severity
from fmbom.vocabulary import HASH_NAMES
from tests.conftest import ROOT
from tests.shared_corpus import SHARED_CORPUS

# --- rule and finding ids --------------------------------------------------------------------


def test_every_rule_id_has_one_catalog_entry_under_its_own_id() -> None:
    assert list(RULES) == [r for r in RuleId if r in RULES]
    assert set(RULES) == set(RuleId)
    for rule, info in RULES.items():
        assert info.id is rule
        assert mirror_rule(mirror_rule(rule)) is rule


def test_rule_ids_are_strings_with_the_public_values() -> None:
    assert operator.eq(RuleId.GUARD_REMOVED, "guard-removed")  # a str, equal to its value
    assert str(RuleId.DIGEST_CHANGED_SAME_VERSION) == "digest-changed-same-version"
    assert f"{RuleId.LICENSE_CHANGED}" == "license-changed"
    assert json.dumps([RuleId.FIELD_CHANGED]) == '["field-changed"]'
    assert RuleId.parse("tokenizer-changed") is RuleId.TOKENIZER_CHANGED
    assert mirror_rule("guard-removed") is RuleId.GUARD_ADDED
    with pytest.raises(ValueError, match="unknown rule 'guard-gone'"):
        RuleId.parse("guard-gone")


def test_every_finding_id_has_one_catalogue_entry() -> None:
    assert set(CATALOGUE) == set(FindingId)
    for finding_id, rule in CATALOGUE.items():
        assert rule.id is finding_id
    assert operator.eq(FindingId.EVALUATION_GAP, "evaluation-gap")
    assert FindingId.parse("stale-evaluation") is FindingId.STALE_EVALUATION
    with pytest.raises(ValueError, match="unknown finding id 'nope'"):
        FindingId.parse("nope")


def _system() -> tuple[Bom, Bom]:
    old = Bom.create("assistant", "1.0").add(
        Model(ref="m", name="base"),
        GuardModel(ref="g", name="shield"),
        Dataset(ref="d", name="web"),
    )
    return old, old.remove("g")


def test_changes_and_findings_carry_enums_and_report_their_values() -> None:
    old, new = _system()
    result = diff(old, new)
    (change,) = result.by_rule("guard-removed")
    assert change.rule is RuleId.GUARD_REMOVED
    assert change.to_json()["rule"] == "guard-removed"
    assert type(change.to_json()["rule"]) is str
    assert result.by_rule(RuleId.GUARD_REMOVED) == (change,)
    with pytest.raises(ValueError, match="unknown rule"):
        result.by_rule("guard-gone")
    finding = check(new).findings[0]
    assert isinstance(finding.id, FindingId)
    assert type(finding.id.value) is str


# --- one subject type ------------------------------------------------------------------------


def test_changes_and_findings_share_one_subject_type() -> None:
    assert ChangeSubject is SubjectRef
    assert FindingSubject is SubjectRef
    old, new = _system()
    change = diff(old, new).changes[0]
    finding = check(new).findings[0]
    assert type(change.subject) is type(finding.subject) is SubjectRef
    assert check(new).subject == SubjectRef(kind=Unit.DEPLOYED_SYSTEM, name="assistant")


def test_subject_kinds_accept_the_vocabulary_and_refuse_the_rest() -> None:
    subject = SubjectRef(kind="guard-model", name="shield", ref="g")
    assert subject.kind is ComponentKind.GUARD_MODEL
    assert SubjectRef(kind="base-model", name="b").kind is Unit.BASE_MODEL
    assert subject.to_json() == {"kind": "guard-model", "name": "shield", "ref": "g"}
    assert str(subject) == "guard-model shield"
    with pytest.raises(ValidationError, match="unknown component kind 'spaceship'") as caught:
        SubjectRef(kind="spaceship", name="x")
    assert caught.value.path == "kind"


# --- one severity summary --------------------------------------------------------------------


def test_diff_and_check_summaries_share_one_shape() -> None:
    old, new = _system()
    result, checked = diff(old, new), check(new)
    for summary, items in ((result.summary, result.changes), (checked.summary, checked.findings)):
        assert isinstance(summary, SeveritySummary)
        assert list(summary) == sorted(Severity, reverse=True)
        assert summary.total == len(items)
        for severity in Severity:
            assert summary[severity] == sum(1 for i in items if i.severity is severity)
        assert sum(summary.to_json().values()) == summary.total


def test_summary_prints_values_not_enum_reprs() -> None:
    old, new = _system()
    summary = diff(old, new).summary
    assert repr(summary) == "{'critical': 1, 'high': 0, 'medium': 0, 'low': 0, 'info': 0}"
    assert str(summary) == "1 critical, 0 high, 0 medium, 0 low, 0 info"
    assert "Severity." not in f"{summary!r} {summary}"
    assert summary == {Severity.CRITICAL: 1, **dict.fromkeys(list(Severity)[:4], 0)}
    assert SeveritySummary() == SeveritySummary([])
    assert SeveritySummary([Severity.LOW]) != SeveritySummary([Severity.HIGH])


# --- kind-keyed tables -----------------------------------------------------------------------


def test_presence_rules_cover_every_kind() -> None:
    assert set(PRESENCE_RULES) == set(ComponentKind)
    for added, removed in PRESENCE_RULES.values():
        assert mirror_rule(added) is removed


@pytest.mark.parametrize("kind", [*ComponentKind, *Unit], ids=str)
def test_a_policy_can_scope_settings_to_every_kind_and_unit(kind: ComponentKind | Unit) -> None:
    policy = Policy.from_toml(f'[kinds.{kind.value}]\nignore = ["field-changed"]')
    assert set(policy.kinds) == {kind}
    assert policy.resolve("field-changed", kind.value, Severity.INFO) is None
    other = ComponentKind.SOFTWARE if kind is not ComponentKind.SOFTWARE else ComponentKind.MODEL
    assert policy.resolve(RuleId.FIELD_CHANGED, other, Severity.INFO) is Severity.INFO


def test_graph_shapes_cover_every_kind_and_tell_kinds_apart() -> None:
    assert set(SHAPES) == set(ComponentKind)
    shapes = [*SHAPES.values(), SYSTEM_SHAPE]
    assert len({s.mermaid for s in shapes}) == len(shapes)
    assert len({s.dot for s in shapes}) == len(shapes)


def test_every_kind_is_drawn_in_the_system_card() -> None:
    assert set(REPORT_LOOKS) == set(ComponentKind)
    drawings = {kind: look.draw(0, 0, look.fill) for kind, look in REPORT_LOOKS.items()}
    for kind, drawing in drawings.items():
        assert f'fill="{REPORT_LOOKS[kind].fill}"' in drawing, kind
    assert len(set(drawings.values())) == len(drawings)


def test_the_graph_page_shows_the_shape_of_every_kind() -> None:
    page = (ROOT / "docs" / "graph.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| [^|]+ \| `([a-z0-9]+)` \|$", page, re.M))
    assert rows == {kind.value: shape.dot for kind, shape in SHAPES.items()}
    assert f"| `{SYSTEM_SHAPE.dot}` |" in page


def test_graph_details_cover_every_kind_with_a_field_the_kind_has() -> None:
    assert set(DETAIL_FIELDS) == set(ComponentKind)
    for kind, field in DETAIL_FIELDS.items():
        names = {a.name for a in attrs.fields(COMPONENT_TYPES[kind])}
        assert field is None or field in names, kind


# --- hash algorithm names --------------------------------------------------------------------


def test_hash_names_cover_every_algorithm_and_every_spelling_reads_back() -> None:
    assert set(HASH_NAMES) == set(HashAlgorithm)
    for algorithm, names in HASH_NAMES.items():
        assert algorithm.names is names
        assert algorithm.hex_length == names.hex_length
        for spelling in (algorithm.value, names.cyclonedx, names.spdx, algorithm.value.upper()):
            assert HashAlgorithm.parse(spelling) is algorithm, spelling


@pytest.mark.parametrize("algorithm", [a for a in HashAlgorithm if a.names.hashlib], ids=str)
def test_hashlib_names_give_digests_of_the_stated_length(algorithm: HashAlgorithm) -> None:
    hasher = new_hasher(algorithm)
    hasher.update(b"fmbom")
    assert len(hasher.hexdigest()) == algorithm.hex_length


def test_cyclonedx_names_are_the_schema_hash_algorithms() -> None:
    from cyclonedx.schema import SchemaVersion, _res

    for version in (SchemaVersion.V1_5, SchemaVersion.V1_6):
        path = _res.BOM_JSON[version]
        assert path is not None
        with Path(path).open(encoding="utf-8") as handle:
            allowed = json.load(handle)["definitions"]["hash-alg"]["enum"]
        assert sorted(n.cyclonedx for n in HASH_NAMES.values()) == sorted(allowed)


def test_spdx_names_are_spdx_3_hash_algorithms() -> None:
    schema = SHARED_CORPUS / "spdx" / "schema-3.0.1" / "spdx-json-schema.json"
    if not schema.is_file():
        pytest.skip(f"the shared corpus is absent (looked for {schema})")
    known = set(re.findall(r'"spdx:Core/HashAlgorithm/(\w+)"', schema.read_text(encoding="utf-8")))
    assert {n.spdx for n in HASH_NAMES.values()} <= known
