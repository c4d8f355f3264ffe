"""The governance record a foundation-model provider owes its downstream users.

It follows the minimum foundation-model record, in six sections: identity, training and data,
post-training and adaptation, evaluation evidence, release and security controls, and
downstream obligations. A section left as ``None`` is *missing*; ``fmbom check`` reports it.

Every :class:`Evaluation` says which of the four units it covered (base model, adapted model,
release artifact, deployed system) and what kind of source backs it, because a benchmark of the
base model says little about the deployed system, and a provider's own claim is not an audit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import attrs

from fmbom import _convert as c
from fmbom import _validate as v
from fmbom.vocabulary import EvaluationCategory, SourceType, Unit

__all__ = [
    "DownstreamObligations",
    "Evaluation",
    "EvaluationCategory",
    "Governance",
    "Identity",
    "PostTraining",
    "ReleaseControls",
    "SourceType",
    "TrainingData",
    "Unit",
]


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Identity:
    """Who provides the model or system, what it is for, and how to reach them."""

    provider: str | None = None
    contact: str | None = None
    release_date: datetime.date | None = None
    intended_uses: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    intended_users: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    out_of_scope_uses: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    limitations: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    ethical_considerations: tuple[str, ...] = attrs.field(default=(), converter=v.strings)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class TrainingData:
    """How the model was trained and on what: the training-content summary and its policies."""

    content_summary: str | None = None
    data_sources: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    data_cutoff: datetime.date | None = None
    filtering: str | None = None
    copyright_policy: str | None = None
    personal_data_handling: str | None = None
    training_compute_flops: float | None = attrs.field(default=None, validator=v.non_negative)
    energy_kwh: float | None = attrs.field(default=None, validator=v.non_negative)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class PostTraining:
    """Instruction tuning, preference training, safety tuning and other adaptation."""

    methods: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    summary: str | None = None
    safety_tuning: str | None = None


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Evaluation:
    """One piece of evaluation evidence.

    ``unit`` is the unit the evaluation covered and ``evaluated_version`` the version of it
    that was tested, so evidence about an older version can be told apart from current evidence.
    """

    benchmark: str = attrs.field(validator=v.non_empty)
    metric: str = attrs.field(validator=v.non_empty)
    unit: Unit = attrs.field(converter=c.unit)
    source_type: SourceType = attrs.field(converter=c.source_type)
    value: float | None = attrs.field(default=None, validator=v.finite)
    uncertainty: float | None = attrs.field(default=None, validator=v.non_negative)
    passed: bool | None = None
    category: EvaluationCategory = attrs.field(
        default=EvaluationCategory.CAPABILITY, converter=c.evaluation_category
    )
    harness: str | None = None
    harness_version: str | None = None
    setup: str | None = None
    date: datetime.date | None = None
    evaluated_version: str | None = None
    source_url: str | None = attrs.field(default=None, validator=v.url)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class ReleaseControls:
    """Release and security controls: access, weight security, monitoring, response."""

    access_tier: str | None = None
    weight_security: str | None = None
    monitoring: str | None = None
    abuse_reporting: str | None = None
    vulnerability_disclosure: str | None = None
    incident_response: str | None = None
    rollback: str | None = None
    misuse_risk_assessment: str | None = None


@attrs.frozen(kw_only=True, field_transformer=v.named)
class DownstreamObligations:
    """What a downstream integrator must do, and what the provider tells them."""

    integration_guidance: str | None = None
    prohibited_uses: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    human_oversight: str | None = None
    logging: str | None = None
    retention: str | None = None
    user_notice: str | None = None
    appeal_routes: str | None = None
    update_triggers: tuple[str, ...] = attrs.field(default=(), converter=v.strings)


def _evaluations(items: Iterable[Evaluation]) -> tuple[Evaluation, ...]:
    return c.items_of(Evaluation, items, "an Evaluation")


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Governance:
    """The minimum foundation-model record; ``None`` marks a section as missing."""

    identity: Identity | None = None
    training_data: TrainingData | None = None
    post_training: PostTraining | None = None
    evaluations: tuple[Evaluation, ...] = attrs.field(default=(), converter=_evaluations)
    controls: ReleaseControls | None = None
    obligations: DownstreamObligations | None = None
