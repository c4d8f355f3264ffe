"""The ``eu-ai-act-gpai`` profile: what a provider of a general-purpose AI model keeps and
passes downstream (technical documentation, downstream information, training-content summary,
copyright policy), each item read from fmbom fields. See ``docs/check.md`` for the mapping."""

from __future__ import annotations

from collections.abc import Iterator

from fmbom.bom import Bom
from fmbom.check._minimum import component_subject, finding, is_blank, subject_of
from fmbom.check._result import Finding, FindingId
from fmbom.governance import (
    DownstreamObligations,
    EvaluationCategory,
    Governance,
    Identity,
    PostTraining,
    ReleaseControls,
    TrainingData,
)
from fmbom.model import Dataset, Model, ModelRole, RelationKind

__all__ = ["SYSTEMIC_RISK_FLOPS", "gpai"]

#: Training compute from which a general-purpose model is presumed to have systemic risk.
SYSTEMIC_RISK_FLOPS = 1e25

_EMPTY_IDENTITY = Identity()
_EMPTY_TRAINING = TrainingData()
_EMPTY_POST = PostTraining()
_EMPTY_CONTROLS = ReleaseControls()
_EMPTY_OBLIGATIONS = DownstreamObligations()


_Items = list[tuple[FindingId, list[tuple[str, object]]]]


def _items(bom: Bom, model: Model) -> _Items:
    """(finding id, [(field label, value), ...]) for every documentation item of ``model``."""
    governance = model.governance or Governance()
    identity = governance.identity or _EMPTY_IDENTITY
    training = governance.training_data or _EMPTY_TRAINING
    post = governance.post_training or _EMPTY_POST
    controls = governance.controls or _EMPTY_CONTROLS
    obligations = governance.obligations or _EMPTY_OBLIGATIONS
    datasets = bom.outgoing(model.ref, RelationKind.TRAINED_ON)
    items: _Items = [
        (
            FindingId.GPAI_PROVIDER_CONTACT_MISSING,
            [
                ("identity.provider or supplier", identity.provider or model.supplier),
                ("identity.contact", identity.contact),
            ],
        ),
        (
            FindingId.GPAI_INTENDED_TASKS_MISSING,
            [("identity.intended_uses or task", identity.intended_uses or model.task)],
        ),
        (
            FindingId.GPAI_ACCEPTABLE_USE_POLICY_MISSING,
            [("obligations.prohibited_uses", obligations.prohibited_uses)],
        ),
        (
            FindingId.GPAI_RELEASE_AND_DISTRIBUTION_MISSING,
            [
                ("identity.release_date", identity.release_date),
                ("access_route", model.access_route),
            ],
        ),
        (
            FindingId.GPAI_ARCHITECTURE_MISSING,
            [
                (
                    "architecture or architecture_family",
                    model.architecture or model.architecture_family,
                ),
                ("parameter_count", model.parameter_count),
            ],
        ),
        (
            FindingId.GPAI_MODALITIES_MISSING,
            [
                ("modalities_in", model.modalities_in),
                ("modalities_out", model.modalities_out),
                ("context_length", model.context_length),
            ],
        ),
        (FindingId.GPAI_LICENSE_MISSING, [("licenses", model.licenses)]),
        (
            FindingId.GPAI_TRAINING_METHODOLOGY_MISSING,
            [("post_training.methods or summary", post.methods or post.summary)],
        ),
        (
            FindingId.GPAI_TRAINING_DATA_INFORMATION_MISSING,
            [
                (
                    "training_data.data_sources or trained-on datasets",
                    training.data_sources or datasets,
                ),
                ("training_data.filtering", training.filtering),
                ("training_data.personal_data_handling", training.personal_data_handling),
            ],
        ),
        (
            FindingId.GPAI_COMPUTE_MISSING,
            [("training_data.training_compute_flops", training.training_compute_flops)],
        ),
        (FindingId.GPAI_ENERGY_MISSING, [("training_data.energy_kwh", training.energy_kwh)]),
        (FindingId.GPAI_EVALUATION_MISSING, [("evaluations", governance.evaluations)]),
        (
            FindingId.GPAI_INTEGRATION_GUIDANCE_MISSING,
            [("obligations.integration_guidance", obligations.integration_guidance)],
        ),
        (
            FindingId.GPAI_COPYRIGHT_POLICY_MISSING,
            [("training_data.copyright_policy", training.copyright_policy)],
        ),
        (
            FindingId.GPAI_TRAINING_CONTENT_SUMMARY_MISSING,
            [("training_data.content_summary", training.content_summary)],
        ),
    ]
    flops = training.training_compute_flops
    if flops is not None and flops >= SYSTEMIC_RISK_FLOPS:
        risky = [
            e
            for e in governance.evaluations
            if e.category in (EvaluationCategory.SAFETY, EvaluationCategory.SECURITY)
        ]
        items += [
            (
                FindingId.GPAI_SYSTEMIC_RISK_EVALUATION_MISSING,
                [("safety or security evaluations", risky)],
            ),
            (
                FindingId.GPAI_SYSTEMIC_RISK_INCIDENT_RESPONSE_MISSING,
                [("controls.incident_response", controls.incident_response)],
            ),
            (
                FindingId.GPAI_SYSTEMIC_RISK_CYBERSECURITY_MISSING,
                [("controls.weight_security", controls.weight_security)],
            ),
        ]
    return items


def _model_items(bom: Bom, model: Model) -> Iterator[Finding]:
    subject = component_subject(model)
    for rule_id, fields in _items(bom, model):
        missing = [label for label, value in fields if is_blank(value)]
        if missing:
            yield finding(rule_id, subject, "missing: " + ", ".join(missing))


def gpai(bom: Bom) -> Iterator[Finding]:
    """Every finding of the ``eu-ai-act-gpai`` profile, unordered."""
    models = [m for m in bom.of_type(Model) if m.role in (ModelRole.BASE, ModelRole.ADAPTED)]
    if not models:
        yield finding(
            FindingId.GPAI_MODEL_MISSING,
            subject_of(bom),
            "no base or adapted model in the BOM; nothing to document as a general-purpose model",
        )
        return
    reported: set[str] = set()
    for model in models:
        yield from _model_items(bom, model)
        for relation in bom.outgoing(model.ref, RelationKind.TRAINED_ON):
            dataset = bom.component(relation.target)
            if (
                isinstance(dataset, Dataset)
                and is_blank(dataset.copyright_status)
                and dataset.ref not in reported
            ):
                reported.add(dataset.ref)
                yield finding(
                    FindingId.GPAI_DATASET_COPYRIGHT_STATUS_MISSING,
                    component_subject(dataset),
                    f"trained on by {model.name} but has no copyright_status",
                )
