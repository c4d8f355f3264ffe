"""The diff engine on a small system: planted changes, matching, noise, reach."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import attrs
import pytest

from fmbom import (
    Bom,
    Dataset,
    Digest,
    Evaluation,
    Governance,
    HashAlgorithm,
    Property,
    Software,
    SourceType,
    Tool,
    Unit,
    WeightFormat,
    Weights,
)
from fmbom.diff import RULES, Severity, diff
from tests.unit.diff._system import MUTATIONS, evolve, regenerate_refs, sha256, system


@pytest.fixture(scope="module")
def base() -> Bom:
    return system()


@pytest.mark.parametrize(("name", "mutate", "rule"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_planted_change_reports_its_rule_and_nothing_as_severe(
    base: Bom, name: str, mutate: Callable[[Bom], Bom], rule: str
) -> None:
    result = diff(base, mutate(base))
    expected = result.by_rule(rule)
    assert len(expected) == 1, result.changes
    severity = expected[0].severity
    assert [c for c in result.at_or_above(severity) if c.rule != rule] == []
    assert expected[0].message


def test_every_rule_has_a_mirror_that_mirrors_back() -> None:
    for rule, info in RULES.items():
        assert info.mirror in RULES
        assert RULES[info.mirror].mirror == rule


def test_identical_boms_have_no_changes(base: Bom) -> None:
    result = diff(base, base)
    assert result.changes == ()
    assert result.max_severity is None
    assert not result


def test_regenerated_refs_are_no_change(base: Bom) -> None:
    fresh = regenerate_refs(base, seed=7)
    assert {c.ref for c in fresh.components}.isdisjoint(c.ref for c in base.components)
    result = diff(base, fresh)
    assert result.changes == ()
    assert result.matched["m-chat"] == next(
        c.ref for c in fresh.components if c.name == "sys-chat-lm"
    )


def test_metadata_noise_is_no_change(base: Bom) -> None:
    noisy = base.with_metadata(
        attrs.evolve(
            base.metadata,
            timestamp=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
            tools=(Tool(name="other-generator", version="9"),),
            authors=("someone else",),
        )
    )
    assert diff(base, noisy).changes == ()


def test_hash_spelling_and_equivalent_licenses_are_equal(base: Bom) -> None:
    value = sha256("weights").value
    spelled = evolve(base, "w-chat", digests=(Digest.of("SHA256", value.upper()),))
    assert diff(base, spelled).changes == ()
    licensed = evolve(base, "m-base", licenses=("(MIT OR Apache-2.0)",))
    reordered = evolve(base, "m-base", licenses=("apache-2.0 or mit",))
    assert diff(licensed, reordered).changes == ()


def test_version_bump_does_not_cascade_to_relations(base: Bom) -> None:
    bumped = evolve(base, "m-base", version="1.1")
    bumped = regenerate_refs(bumped, seed=3)
    result = diff(base, bumped)
    assert [c.rule for c in result.changes] == ["version-upgraded"]
    assert result.changes[0].severity is Severity.LOW


def test_major_upgrade_is_medium(base: Bom) -> None:
    result = diff(base, evolve(base, "m-base", version="2.0"))
    (change,) = result.changes
    assert (change.rule, change.severity) == ("version-upgraded", Severity.MEDIUM)
    assert (change.before, change.after) == ("1.0", "2.0")


def test_supplier_change_is_one_change_not_add_and_remove(base: Bom) -> None:
    result = diff(base, evolve(base, "s-vllm", group="evil", purl="pkg:pypi/evil/sys-vllm@0.5.0"))
    (change,) = result.changes
    assert change.rule == "supplier-changed"
    assert change.before == {"group": "vllm-project", "purl": "pkg:pypi/sys-vllm@0.5.0"}
    assert change.after == {"group": "evil", "purl": "pkg:pypi/evil/sys-vllm@0.5.0"}
    assert (change.old_ref, change.new_ref) == ("s-vllm", "s-vllm")


def test_matching_by_purl_without_version(base: Bom) -> None:
    moved = evolve(
        base,
        "s-vllm",
        name="vllm-renamed",
        version="0.6.0",
        group=None,
        purl="pkg:pypi/sys-vllm@0.6.0",
    )
    rules = sorted(c.rule for c in diff(base, moved).changes)
    assert "component-added" not in rules
    assert "component-removed" not in rules
    assert "version-upgraded" in rules


def test_digest_change_under_same_version_names_algorithm_and_values(base: Bom) -> None:
    result = diff(base, evolve(base, "w-chat", digests=(sha256("evil"),)))
    (change,) = result.changes
    assert change.severity is Severity.CRITICAL
    assert change.field == "digests"
    assert change.before == str(sha256("weights"))
    assert change.after == str(sha256("evil"))
    assert "1.0" in change.message


def test_digest_change_with_the_version_is_low(base: Bom) -> None:
    result = diff(base, evolve(base, "w-chat", version="1.1", digests=(sha256("v11"),)))
    assert sorted((c.rule, c.severity) for c in result.changes) == [
        ("digest-changed", Severity.LOW),
        ("version-upgraded", Severity.LOW),
    ]


def test_weight_file_digest_changes_are_matched_by_path(base: Bom) -> None:
    weights = base.component("w-chat")
    files = tuple(attrs.evolve(f, digest=sha256("other")) for f in weights.files)  # type: ignore[union-attr]
    (change,) = diff(base, evolve(base, "w-chat", files=files)).changes
    assert change.rule == "digest-changed-same-version"
    assert change.field == "files[model.safetensors].digest"


def test_digest_with_another_algorithm_only_is_a_field_change(base: Bom) -> None:
    other = Digest(algorithm=HashAlgorithm.SHA512, value="ab" * 64)
    (change,) = diff(base, evolve(base, "w-chat", digests=(other,))).changes
    assert (change.rule, change.field) == ("field-changed", "digests")


def test_dataset_change_reaches_models_and_system(base: Bom) -> None:
    result = diff(base, evolve(base, "d-web", records=10))
    (change,) = result.changes
    names = [r.name for r in change.reaches]
    assert names[0] == "sys-base-lm"
    assert "sys-chat-lm" in names
    assert names[-1] == "sys-assistant"
    assert change.reaches[-1].ref is None


def test_properties_and_generic_fields_are_compared(base: Bom) -> None:
    changed = evolve(base, "d-web", properties=(Property(name="acme:batch", value="7"),))
    (change,) = diff(base, changed).changes
    assert (change.rule, change.field, change.before, change.after) == (
        "field-changed",
        "properties.acme:batch",
        None,
        "7",
    )


def test_route_order_change_is_a_fallback_order_change(base: Bom) -> None:
    moved = attrs.evolve(
        base,
        relations=[
            attrs.evolve(r, order=3) if r.kind.value == "routes-to" else r for r in base.relations
        ],
    )
    (change,) = diff(base, moved).changes
    assert (change.rule, change.severity, change.field, change.before, change.after) == (
        "fallback-order-changed",
        Severity.MEDIUM,
        "routes-to.order",
        0,
        3,
    )


def test_relation_condition_change_is_a_field_change(base: Bom) -> None:
    moved = attrs.evolve(
        base,
        relations=[
            attrs.evolve(r, condition="on error") if r.kind.value == "routes-to" else r
            for r in base.relations
        ],
    )
    (change,) = diff(base, moved).changes
    assert (change.rule, change.field, change.after) == (
        "field-changed",
        "routes-to.condition",
        "on error",
    )


def test_evaluations_are_matched_by_benchmark_metric_unit(base: Bom) -> None:
    model = base.component("m-base")
    old = model.governance.evaluations[0]  # type: ignore[union-attr]
    updated = attrs.evolve(old, value=0.7, metric="Accuracy")
    extra = Evaluation(
        benchmark="gsm8k",
        metric="accuracy",
        unit=Unit.BASE_MODEL,
        source_type=SourceType.INDEPENDENT_AUDIT,
    )
    changed = evolve(base, "m-base", governance=Governance(evaluations=(updated, extra)))
    result = diff(base, changed)
    assert sorted((c.rule, c.field) for c in result.changes) == [
        ("evaluation-added", "governance.evaluations"),
        ("field-changed", "governance.evaluations[mmlu/accuracy/base-model].metric"),
        ("field-changed", "governance.evaluations[mmlu/accuracy/base-model].value"),
    ]


def test_subject_changes(base: Bom) -> None:
    subject = base.metadata.subject
    changed = base.with_metadata(
        attrs.evolve(
            base.metadata,
            subject=attrs.evolve(subject, version="2.0", licenses=("MIT",), serves_end_users=True),
        )
    )
    result = diff(base, changed)
    assert sorted(c.rule for c in result.changes) == [
        "field-changed",
        "license-changed",
        "subject-version-changed",
    ]
    assert all(c.subject.ref is None and c.subject.kind == "deployed-system" for c in result)


def test_two_versions_of_one_library_pair_by_version() -> None:
    old = Bom.create("s").add(
        Software(ref="a", name="lib", version="1.0"), Software(ref="b", name="lib", version="2.0")
    )
    new = Bom.create("s").add(
        Software(ref="x", name="lib", version="2.0"), Software(ref="y", name="lib", version="3.0")
    )
    result = diff(old, new)
    assert [(c.rule, c.before, c.after) for c in result.changes] == [
        ("version-upgraded", "1.0", "3.0")
    ]
    assert result.matched == {"a": "y", "b": "x"}


def test_ref_helpers_for_graph_colouring(base: Bom) -> None:
    mutated = evolve(base.remove("d-sft"), "p-cloud", region="eu-west-1")
    mutated = mutated.add(Dataset(ref="d-new", name="sys-new"))
    result = diff(base, mutated)
    assert result.added_refs() == {"d-new"}
    assert result.removed_refs() == {"d-sft"}
    assert result.changed_refs("new") == {"p-cloud"}
    assert result.changed_refs("old") == {"p-cloud"}


def test_summary_counts_every_severity(base: Bom) -> None:
    result = diff(base, base.remove("g-shield").remove("d-sft"))
    assert list(result.summary) == list(reversed(Severity))
    assert result.summary[Severity.CRITICAL] == 1
    assert result.summary[Severity.MEDIUM] == 1
    assert result.max_severity is Severity.CRITICAL
    assert len(result.at_or_above(Severity.MEDIUM)) == 2
    assert len(result.at_or_above(Severity.CRITICAL)) == 1


def test_json_has_the_documented_keys(base: Bom) -> None:
    document = diff(base, base.remove("g-shield")).to_json()
    assert document["fmbom-diff"] == "1"
    assert document["summary"] == {"critical": 1, "high": 0, "medium": 0, "low": 0, "info": 0}
    (change,) = document["changes"]
    assert set(change) == {
        "rule",
        "severity",
        "subject",
        "field",
        "before",
        "after",
        "message",
        "reaches",
    }
    assert change["subject"] == {"kind": "guard-model", "name": "sys-shield", "ref": "g-shield"}
    assert change["severity"] == "critical"


def test_rename_with_the_same_digest_is_one_change() -> None:
    old = Bom.create("s").add(Software(ref="a", name="lib", version="1", digests=(sha256("x"),)))
    new = Bom.create("s").add(
        Software(ref="b", name="renamed-lib", version="1", digests=(sha256("x"),))
    )
    result = diff(old, new)
    assert [(c.rule, c.before, c.after) for c in result.changes] == [
        ("component-renamed", "lib", "renamed-lib")
    ]
    assert result.matched == {"a": "b"}


def test_ambiguous_digest_does_not_pair() -> None:
    twins = (sha256("same"),)
    old = Bom.create("s").add(
        Software(ref="a", name="x", digests=twins), Software(ref="b", name="y", digests=twins)
    )
    new = Bom.create("s").add(Software(ref="c", name="z", digests=twins))
    rules = sorted(c.rule for c in diff(old, new).changes)
    assert rules == ["component-added", "component-removed", "component-removed"]


def test_pickle_replaced_by_safetensors(base: Bom) -> None:
    pickled = evolve(base, "w-chat", format=WeightFormat.PYTORCH_PICKLE)
    (change,) = diff(pickled, base).changes
    assert (change.rule, change.before, change.after) == (
        "unsafe-format-removed",
        "pytorch-pickle",
        "safetensors",
    )
    onnx = evolve(base, "w-chat", format=WeightFormat.ONNX)
    (change,) = diff(base, onnx).changes
    assert (change.rule, change.field) == ("field-changed", "format")


def test_small_identity_changes_are_field_changes(base: Bom) -> None:
    cased = evolve(base, "s-vllm", name="SYS-vllm", purl="pkg:pypi/sys-vllm@0.5.0?arch=x86")
    assert sorted((c.rule, c.field) for c in diff(base, cased).changes) == [
        ("field-changed", "name"),
        ("field-changed", "purl"),
    ]


def test_weight_file_size_and_missing_digest(base: Bom) -> None:
    weights = base.component("w-chat")
    assert isinstance(weights, Weights)
    (first,) = weights.files
    changed = evolve(base, "w-chat", files=(attrs.evolve(first, size=11, digest=None),))
    assert sorted((c.rule, c.field) for c in diff(base, changed).changes) == [
        ("field-changed", "files[model.safetensors].digest"),
        ("field-changed", "files[model.safetensors].size"),
    ]
