"""Each finding is triggered by a minimal break of a complete BOM, absent from the complete one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from fmbom import (
    AccessRoute,
    Bom,
    DatasetPurpose,
    DownstreamObligations,
    EvaluationCategory,
    GuardModel,
    ModelRole,
    ReleaseControls,
    SourceType,
    Unit,
    WeightFile,
    WeightFormat,
)
from fmbom.check import CATALOGUE, Finding, FindingId, Profile, Section, Severity, check
from tests.unit.check import boms
from tests.unit.check.boms import (
    complete,
    evaluation,
    with_governance,
    with_model,
    with_subject,
    with_system_governance,
)

Mutation = Callable[[Bom], Bom]


def _ids(bom: Bom, profile: str = "minimum-record") -> set[str]:
    return {f.id for f in check(bom, profile).findings}


def _only(bom: Bom, profile: str = "minimum-record") -> Finding:
    findings = check(bom, profile).findings
    assert len(findings) == 1, [(f.id, f.message) for f in findings]
    return findings[0]


def _component(bom: Bom, ref: str, **changes: Any) -> Bom:
    return bom.replace(attrs.evolve(bom.component(ref), **changes))


@pytest.mark.parametrize("profile", list(Profile))
def test_complete_bom_has_no_findings(profile: Profile) -> None:
    result = check(complete(), profile)
    assert result.findings == ()
    assert result.passed
    assert result.summary.total == 0


MINIMUM: dict[str, tuple[Mutation, Section, str]] = {
    "record-section-missing": (
        lambda b: with_system_governance(b, identity=None),
        Section.IDENTITY,
        "",
    ),
    "record-section-empty": (
        lambda b: with_governance(b, "tuned", obligations=DownstreamObligations()),
        Section.OBLIGATIONS,
        "tuned",
    ),
    "evaluation-gap": (
        lambda b: with_system_governance(b, evaluations=(evaluation(Unit.ADAPTED_MODEL, "2.0"),)),
        Section.EVALUATION,
        "",
    ),
    "evaluation-unit-mismatch": (
        lambda b: with_governance(b, "tuned", evaluations=(evaluation(Unit.BASE_MODEL, "2.0"),)),
        Section.EVALUATION,
        "tuned",
    ),
    "stale-evaluation": (
        lambda b: with_governance(b, "tuned", evaluations=(evaluation(Unit.ADAPTED_MODEL, "1.9"),)),
        Section.EVALUATION,
        "tuned",
    ),
    "provider-only-safety-claim": (
        lambda b: with_governance(
            b,
            "tuned",
            evaluations=(
                evaluation(Unit.ADAPTED_MODEL, "2.0", source_type=SourceType.PROVIDER_CLAIM),
            ),
        ),
        Section.EVALUATION,
        "tuned",
    ),
    "open-weights-without-misuse-assessment": (
        lambda b: with_governance(
            b, "base", controls=attrs.evolve(boms.controls(), misuse_risk_assessment=" ")
        ),
        Section.CONTROLS,
        "base",
    ),
    "dataset-without-license": (
        lambda b: _component(b, "web", licenses=()),
        Section.TRAINING_DATA,
        "web",
    ),
    "dataset-without-provenance": (
        lambda b: _component(b, "web", source=None),
        Section.TRAINING_DATA,
        "web",
    ),
    "no-guard-for-end-users": (lambda b: b.remove("guard"), Section.CONTROLS, ""),
    # unknown is not absence: no guard and no statement about end users is a finding too
    "end-users-unknown": (
        lambda b: with_subject(b.remove("guard"), serves_end_users=None),
        Section.CONTROLS,
        "",
    ),
    "guard-not-attached": (
        lambda b: b.add(GuardModel(ref="guard2", name="spare-shield")),
        Section.COMPOSITION,
        "guard2",
    ),
    "provider-without-retention-terms": (
        lambda b: _component(b, "host", data_retention=None),
        Section.OBLIGATIONS,
        "host",
    ),
    "unsafe-weights-format": (
        lambda b: _component(b, "w", format=WeightFormat.PYTORCH_PICKLE),
        Section.CONTROLS,
        "w",
    ),
}


@pytest.mark.parametrize("rule_id", sorted(MINIMUM))
def test_each_minimum_record_finding_is_triggered_alone(rule_id: str) -> None:
    mutate, section, ref = MINIMUM[rule_id]
    found = _only(mutate(complete()))
    assert found.id == rule_id
    assert found.section is section
    assert found.severity is CATALOGUE[FindingId(rule_id)].severity or rule_id.startswith("record-")
    if ref:
        assert found.subject.ref == ref
        assert found.subject.kind != "deployed-system"
    else:
        assert found.subject == check(complete()).subject
        assert found.subject.kind == "deployed-system"
        assert found.subject.ref is None
    assert found.message
    assert "\n" not in found.message


def test_missing_record_reports_every_section_with_its_severity() -> None:
    bom = with_model(complete(), "base", governance=None)
    findings = [f for f in check(bom).findings if f.subject.ref == "base"]
    by_section = {f.section: f.severity for f in findings if f.id == "record-section-missing"}
    assert by_section == {
        Section.IDENTITY: Severity.HIGH,
        Section.TRAINING_DATA: Severity.HIGH,
        Section.POST_TRAINING: Severity.LOW,  # a base model may have had none
        Section.EVALUATION: Severity.HIGH,
        Section.CONTROLS: Severity.MEDIUM,
        Section.OBLIGATIONS: Severity.MEDIUM,
    }
    assert "open-weights-without-misuse-assessment" in {f.id for f in findings}


def test_adapted_model_missing_post_training_is_medium() -> None:
    found = _only(with_governance(complete(), "tuned", post_training=None))
    assert (found.section, found.severity) == (Section.POST_TRAINING, Severity.MEDIUM)


def test_deployed_system_needs_four_sections_a_model_release_six() -> None:
    system = with_subject(complete(), governance=None)
    sections = {f.section for f in check(system).findings if f.id == "record-section-missing"}
    assert sections == {
        Section.IDENTITY,
        Section.EVALUATION,
        Section.CONTROLS,
        Section.OBLIGATIONS,
    }
    release = with_subject(complete(), unit=Unit.ADAPTED_MODEL, governance=None)
    findings = check(release).findings
    assert {f.section for f in findings if f.id == "record-section-missing"} == set(Section) - {
        Section.COMPOSITION
    }
    assert all(f.subject.kind == "adapted-model" for f in findings)


def test_empty_evaluations_are_reported_as_missing_evidence() -> None:
    found = _only(with_governance(complete(), "tuned", evaluations=()))
    assert (found.id, found.section) == ("record-section-missing", Section.EVALUATION)
    assert "no evaluation evidence" in found.message


def test_empty_section_is_one_level_below_missing() -> None:
    found = _only(with_system_governance(complete(), controls=ReleaseControls()))
    assert (found.id, found.severity) == ("record-section-empty", Severity.LOW)


@pytest.mark.parametrize(
    ("evaluated", "current", "stale"),
    [
        ("1.9", "2.0", True),
        ("2.0.0", "2.0", False),  # PEP 440 equal
        ("2.1", "2.0", False),  # newer evidence is not stale
        ("1.10", "1.9", False),  # compared as versions, not strings
        ("abc123", "def456", True),  # commit hashes: any difference
        ("abc123", "abc123", False),
    ],
)
def test_stale_evaluation_compares_versions(evaluated: str, current: str, stale: bool) -> None:
    bom = with_governance(
        with_model(complete(), "tuned", version=current),
        "tuned",
        evaluations=(evaluation(Unit.ADAPTED_MODEL, evaluated),),
    )
    assert ("stale-evaluation" in _ids(bom)) is stale


def test_stale_base_model_evidence_in_adapted_record_uses_base_version() -> None:
    bom = with_governance(
        with_model(complete(), "base", version="3.0"),
        "tuned",
        evaluations=(
            evaluation(Unit.BASE_MODEL, "2.0"),
            evaluation(Unit.ADAPTED_MODEL, "2.0"),
        ),
    )
    base_eval = with_governance(bom, "base", evaluations=(evaluation(Unit.BASE_MODEL, "3.0"),))
    stale = [f for f in check(base_eval).findings if f.id == "stale-evaluation"]
    assert len(stale) == 1
    assert stale[0].subject.ref == "tuned"
    assert "example-base 2.0" in stale[0].message
    assert "3.0" in stale[0].message


def test_provider_claims_about_capability_are_not_flagged() -> None:
    claim = evaluation(
        Unit.ADAPTED_MODEL,
        "2.0",
        source_type=SourceType.PROVIDER_CLAIM,
        category=EvaluationCategory.CAPABILITY,
    )
    bom = with_governance(
        complete(), "tuned", evaluations=(evaluation(Unit.ADAPTED_MODEL, "2.0"), claim)
    )
    assert check(bom).findings == ()


def test_one_independent_source_clears_a_provider_safety_claim() -> None:
    claim = evaluation(Unit.ADAPTED_MODEL, "2.0", source_type=SourceType.PROVIDER_CLAIM)
    audit = evaluation(Unit.ADAPTED_MODEL, "2.0", source_type=SourceType.PEER_REVIEWED)
    assert check(with_governance(complete(), "tuned", evaluations=(claim, audit))).passed
    suitability = attrs.evolve(claim, category=EvaluationCategory.SUITABILITY)
    both = with_governance(complete(), "tuned", evaluations=(audit, suitability))
    assert "suitability" in _only(both).message


def test_api_models_need_no_misuse_assessment() -> None:
    bom = with_governance(
        with_model(complete(), "base", access_route=AccessRoute.API),
        "base",
        controls=attrs.evolve(boms.controls(), misuse_risk_assessment=None),
    )
    assert check(bom).passed
    gated = with_model(bom, "base", access_route=AccessRoute.GATED_WEIGHTS)
    assert "gated-weights" in _only(gated).message


def test_evaluation_gap_needs_system_parts() -> None:
    no_parts = with_subject(complete().remove("guard"), serves_end_users=False)
    only_model_evidence = with_system_governance(
        no_parts, evaluations=(evaluation(Unit.ADAPTED_MODEL, "2.0"),)
    )
    assert check(only_model_evidence).passed
    retrieval = with_system_governance(
        _component(complete(), "web", purpose=DatasetPurpose.RETRIEVAL),
        evaluations=(evaluation(Unit.BASE_MODEL, "2.0"),),
    )
    gap = _only(retrieval)
    assert gap.id == "evaluation-gap"
    assert "1 guard model" in gap.message
    assert "1 retrieval dataset" in gap.message
    assert "cover only base-model, adapted-model" in gap.message


def test_evaluation_gap_without_any_evaluation() -> None:
    bom = with_governance(
        with_governance(with_system_governance(complete(), evaluations=()), "base", evaluations=()),
        "tuned",
        evaluations=(),
    )
    gap = [f for f in check(bom).findings if f.id == "evaluation-gap"]
    assert len(gap) == 1
    assert "there is no evaluation" in gap[0].message


def test_provenance_names_what_is_missing() -> None:
    bom = _component(complete(), "web", source=None, collection_method="")
    assert _only(bom).message == "no source and no collection method recorded"


def test_pickle_files_under_a_safe_format_are_flagged() -> None:
    files = (WeightFile(path="model.safetensors"), WeightFile(path="pytorch_model.BIN"))
    found = _only(_component(complete(), "w", files=files))
    assert found.id == "unsafe-weights-format"
    assert "pytorch_model.BIN" in found.message
    assert "declared safetensors" in found.message


def test_end_user_system_without_guard_but_not_serving_users_passes() -> None:
    assert check(with_subject(complete().remove("guard"), serves_end_users=False)).passed


GPAI: dict[str, Mutation] = {
    "gpai-model-missing": lambda b: Bom.create("empty-system"),
    "gpai-provider-contact-missing": lambda b: with_governance(
        b, "base", identity=attrs.evolve(boms.identity(), contact=None)
    ),
    "gpai-intended-tasks-missing": lambda b: with_governance(
        b, "base", identity=attrs.evolve(boms.identity(), intended_uses=())
    ),
    "gpai-acceptable-use-policy-missing": lambda b: with_governance(
        b, "base", obligations=attrs.evolve(boms.obligations(), prohibited_uses=())
    ),
    "gpai-release-and-distribution-missing": lambda b: with_model(b, "base", access_route=None),
    "gpai-architecture-missing": lambda b: with_model(b, "base", parameter_count=None),
    "gpai-modalities-missing": lambda b: with_model(b, "base", context_length=None),
    "gpai-license-missing": lambda b: with_model(b, "base", licenses=()),
    "gpai-training-methodology-missing": lambda b: with_governance(b, "base", post_training=None),
    "gpai-training-data-information-missing": lambda b: with_governance(
        b, "base", training_data=attrs.evolve(boms.training(), filtering=None)
    ),
    "gpai-compute-missing": lambda b: with_governance(
        b, "base", training_data=attrs.evolve(boms.training(), training_compute_flops=None)
    ),
    "gpai-energy-missing": lambda b: with_governance(
        b, "base", training_data=attrs.evolve(boms.training(), energy_kwh=None)
    ),
    "gpai-evaluation-missing": lambda b: with_governance(
        b,
        "base",
        evaluations=(),
        training_data=attrs.evolve(boms.training(), training_compute_flops=1e23),
    ),
    "gpai-integration-guidance-missing": lambda b: with_governance(
        b, "base", obligations=attrs.evolve(boms.obligations(), integration_guidance=None)
    ),
    "gpai-copyright-policy-missing": lambda b: with_governance(
        b, "base", training_data=attrs.evolve(boms.training(), copyright_policy=None)
    ),
    "gpai-training-content-summary-missing": lambda b: with_governance(
        b, "base", training_data=attrs.evolve(boms.training(), content_summary="")
    ),
    "gpai-dataset-copyright-status-missing": lambda b: _component(b, "web", copyright_status=None),
    "gpai-systemic-risk-evaluation-missing": lambda b: with_governance(
        b,
        "base",
        evaluations=(evaluation(Unit.BASE_MODEL, "2.0", category=EvaluationCategory.CAPABILITY),),
    ),
    "gpai-systemic-risk-incident-response-missing": lambda b: with_governance(
        b, "base", controls=attrs.evolve(boms.controls(), incident_response=None)
    ),
    "gpai-systemic-risk-cybersecurity-missing": lambda b: with_governance(
        b, "base", controls=attrs.evolve(boms.controls(), weight_security=None)
    ),
}


@pytest.mark.parametrize("rule_id", sorted(GPAI))
def test_each_gpai_finding_is_triggered_alone(rule_id: str) -> None:
    found = _only(GPAI[rule_id](complete()), "eu-ai-act-gpai")
    assert found.id == rule_id
    assert found.severity is CATALOGUE[FindingId(rule_id)].severity
    assert found.section is CATALOGUE[FindingId(rule_id)].section
    if rule_id == "gpai-model-missing":
        assert found.subject.ref is None
    elif rule_id == "gpai-dataset-copyright-status-missing":
        assert found.subject.ref == "web"
    else:
        assert found.subject.ref == "base"


def test_systemic_risk_items_apply_only_above_the_threshold() -> None:
    low_compute = attrs.evolve(boms.training(), training_compute_flops=1e23)
    bom = with_governance(
        complete(),
        "base",
        training_data=low_compute,
        controls=attrs.evolve(boms.controls(), incident_response=None, weight_security=None),
    )
    assert check(bom, "eu-ai-act-gpai").passed


def test_gpai_profile_accepts_task_and_supplier_as_fallbacks() -> None:
    bom = with_governance(
        with_model(complete(), "base", task="text-generation"),
        "base",
        identity=attrs.evolve(boms.identity(), intended_uses=(), provider=None),
    )
    assert check(bom, "eu-ai-act-gpai").passed


def test_every_catalogued_finding_has_a_test() -> None:
    assert set(CATALOGUE) == set(MINIMUM) | set(GPAI)
    for rule_id, rule in CATALOGUE.items():
        assert rule.profile is (
            Profile.EU_AI_ACT_GPAI if rule_id.startswith("gpai-") else Profile.MINIMUM_RECORD
        )


def test_unknown_profile_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown profile 'hipaa'.*minimum-record"):
        check(complete(), "hipaa")


def test_findings_are_sorted_most_severe_first() -> None:
    bom = with_model(complete(), "base", governance=None)
    ranks = [f.severity.rank for f in check(bom).findings]
    assert ranks == sorted(ranks, reverse=True)
    assert check(bom) == check(bom)


def test_model_evidence_in_the_system_record_is_compared_with_that_model() -> None:
    evidence = (
        evaluation(Unit.DEPLOYED_SYSTEM, "1.0"),
        evaluation(Unit.ADAPTED_MODEL, "1.5"),  # the BOM's adapted model is 2.0
        evaluation(Unit.RELEASE_ARTIFACT, "0.1"),  # no release artifact to compare with
    )
    found = _only(with_system_governance(complete(), evaluations=evidence))
    assert found.id == "stale-evaluation"
    assert found.subject.kind == "deployed-system"
    assert "example-tuned 1.5, but the BOM has 2.0" in found.message
    two_bases = complete().add(boms.model("base2", ModelRole.BASE, Unit.BASE_MODEL))
    ambiguous = (evaluation(Unit.DEPLOYED_SYSTEM, "1.0"), evaluation(Unit.BASE_MODEL, "0.1"))
    assert check(with_system_governance(two_bases, evaluations=ambiguous)).passed


def test_system_evidence_in_a_guard_classifier_record_closes_the_gap() -> None:
    classifier = boms.model(
        "classifier",
        ModelRole.GUARD_CLASSIFIER,
        Unit.DEPLOYED_SYSTEM,
        access_route=AccessRoute.INTERNAL,
    )
    bom = with_system_governance(
        complete().add(classifier), evaluations=(evaluation(Unit.ADAPTED_MODEL, "2.0"),)
    )
    assert check(bom).passed
    assert str(Section.CONTROLS) == "controls"
    assert str(Profile.EU_AI_ACT_GPAI) == "eu-ai-act-gpai"
