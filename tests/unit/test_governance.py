"""The governance record: six sections, evaluations that name their unit and source."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from fmbom.errors import ValidationError
from fmbom.governance import (
    DownstreamObligations,
    Evaluation,
    EvaluationCategory,
    Governance,
    Identity,
    PostTraining,
    ReleaseControls,
    SourceType,
    TrainingData,
    Unit,
)


def evaluation(**overrides: Any) -> Evaluation:
    fields: dict[str, Any] = {
        "benchmark": "acme-eval",
        "metric": "accuracy",
        "unit": Unit.ADAPTED_MODEL,
        "source_type": SourceType.PROVIDER_CLAIM,
    }
    fields.update(overrides)
    return Evaluation(**fields)


def test_the_four_units_are_distinct() -> None:
    assert [u.value for u in Unit] == [
        "base-model",
        "adapted-model",
        "release-artifact",
        "deployed-system",
    ]
    assert str(Unit.DEPLOYED_SYSTEM) == "deployed-system"
    assert str(SourceType.INDEPENDENT_AUDIT) == "independent-audit"
    assert str(EvaluationCategory.SAFETY) == "safety"


def test_source_types_cover_the_minimum_record() -> None:
    assert {s.value for s in SourceType} == {
        "provider-claim",
        "independent-audit",
        "regulator-filing",
        "peer-reviewed",
    }


def test_evaluation_defaults() -> None:
    built = evaluation()
    assert built.category is EvaluationCategory.CAPABILITY
    assert built.value is None
    assert built.passed is None
    assert built.date is None


def test_evaluation_requires_unit_and_source_type() -> None:
    with pytest.raises(TypeError, match="unit"):
        Evaluation(benchmark="b", metric="m", source_type=SourceType.PEER_REVIEWED)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"benchmark": " "}, "benchmark"),
        ({"metric": ""}, "metric"),
        ({"value": float("nan")}, "value"),
        ({"value": float("-inf")}, "value"),
        ({"uncertainty": -0.1}, "uncertainty"),
        ({"uncertainty": float("inf")}, "uncertainty"),
        ({"source_url": "see the paper"}, "source_url"),
    ],
)
def test_evaluation_validation_names_the_field(overrides: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        evaluation(**overrides)
    assert caught.value.path == path


def test_evaluation_keeps_the_evidence() -> None:
    built = evaluation(
        value=-0.5,
        uncertainty=0.0,
        passed=False,
        harness="lm-eval",
        harness_version="0.4.5",
        setup="5-shot",
        date=datetime.date(2025, 1, 2),
        evaluated_version="1.0",
        source_url="https://audits.example/r/1",
    )
    assert built.value == -0.5
    assert built.passed is False
    assert built.date == datetime.date(2025, 1, 2)


@pytest.mark.parametrize("field", ["training_compute_flops", "energy_kwh"])
def test_training_data_quantities_are_non_negative(field: str) -> None:
    negative: dict[str, Any] = {field: -1.0}
    zero: dict[str, Any] = {field: 0.0}
    with pytest.raises(ValidationError) as caught:
        TrainingData(**negative)
    assert caught.value.path == field
    assert getattr(TrainingData(**zero), field) == 0.0


def test_missing_sections_are_none() -> None:
    record = Governance()
    assert record.identity is None
    assert record.training_data is None
    assert record.post_training is None
    assert record.evaluations == ()
    assert record.controls is None
    assert record.obligations is None


def test_list_fields_become_tuples_and_keep_their_order() -> None:
    identity = Identity(intended_uses=["b", "a"], limitations=["x"])
    assert identity.intended_uses == ("b", "a")
    assert TrainingData(data_sources=["web"]).data_sources == ("web",)
    assert PostTraining(methods=["sft", "dpo"]).methods == ("sft", "dpo")
    obligations = DownstreamObligations(prohibited_uses=["x"], update_triggers=["y"])
    assert obligations.prohibited_uses == ("x",)
    assert obligations.update_triggers == ("y",)
    record = Governance(evaluations=[evaluation(metric="b"), evaluation(metric="a")])
    assert [e.metric for e in record.evaluations] == ["b", "a"]


def test_full_record_compares_by_value() -> None:
    def build() -> Governance:
        return Governance(
            identity=Identity(provider="Acme AI", release_date=datetime.date(2025, 1, 1)),
            training_data=TrainingData(content_summary="web"),
            post_training=PostTraining(summary="sft"),
            evaluations=[evaluation()],
            controls=ReleaseControls(rollback="keep previous"),
            obligations=DownstreamObligations(user_notice="AI-generated"),
        )

    assert build() == build()
    assert hash(build()) == hash(build())
