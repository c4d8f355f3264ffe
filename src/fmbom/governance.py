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
from enum import Enum

import attrs

from fmbom import _validate as v

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


class Unit(str, Enum):
    """The four units that must never be collapsed."""

    BASE_MODEL = "base-model"
    ADAPTED_MODEL = "adapted-model"
    RELEASE_ARTIFACT = "release-artifact"
    DEPLOYED_SYSTEM = "deployed-system"

    def __str__(self) -> str:
        return str(self.value)


class SourceType(str, Enum):
    """Who stands behind a piece of evaluation evidence."""

    PROVIDER_CLAIM = "provider-claim"
    INDEPENDENT_AUDIT = "independent-audit"
    REGULATOR_FILING = "regulator-filing"
    PEER_REVIEWED = "peer-reviewed"

    def __str__(self) -> str:
        return str(self.value)


class EvaluationCategory(str, Enum):
    """What an evaluation measures; safety and suitability claims need more than a claim."""

    CAPABILITY = "capability"
    SAFETY = "safety"
    SECURITY = "security"
    FAIRNESS = "fairness"
    ROBUSTNESS = "robustness"
    SUITABILITY = "suitability"
    OTHER = "other"

    def __str__(self) -> str:
        return str(self.value)


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
class PostTraining:
    """Instruction tuning, preference training, safety tuning and other adaptation."""

    methods: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    summary: str | None = None
    safety_tuning: str | None = None


@attrs.frozen(kw_only=True)
class Evaluation:
    """One piece of evaluation evidence.

    ``unit`` is the unit the evaluation covered and ``evaluated_version`` the version of it
    that was tested, so evidence about an older version can be told apart from current evidence.
    """

    benchmark: str = attrs.field(validator=v.non_empty)
    metric: str = attrs.field(validator=v.non_empty)
    unit: Unit
    source_type: SourceType
    value: float | None = attrs.field(default=None, validator=v.finite)
    uncertainty: float | None = attrs.field(default=None, validator=v.non_negative)
    passed: bool | None = None
    category: EvaluationCategory = EvaluationCategory.CAPABILITY
    harness: str | None = None
    harness_version: str | None = None
    setup: str | None = None
    date: datetime.date | None = None
    evaluated_version: str | None = None
    source_url: str | None = attrs.field(default=None, validator=v.url)


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
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
    return tuple(items)


@attrs.frozen(kw_only=True)
class Governance:
    """The minimum foundation-model record; ``None`` marks a section as missing."""

    identity: Identity | None = None
    training_data: TrainingData | None = None
    post_training: PostTraining | None = None
    evaluations: tuple[Evaluation, ...] = attrs.field(default=(), converter=_evaluations)
    controls: ReleaseControls | None = None
    obligations: DownstreamObligations | None = None
