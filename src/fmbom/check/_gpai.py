"""The ``eu-ai-act-gpai`` profile: what a provider of a general-purpose AI model keeps and
passes downstream (technical documentation, downstream information, training-content summary,
copyright policy), each item read from fmbom fields. See ``docs/check.md`` for the mapping."""

from __future__ import annotations

from collections.abc import Iterator

from fmbom.bom import Bom
from fmbom.check._minimum import component_subject, finding, is_blank, subject_of
from fmbom.check._result import Finding
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


_Items = list[tuple[str, list[tuple[str, object]]]]


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
            "gpai-provider-contact-missing",
            [
                ("identity.provider or supplier", identity.provider or model.supplier),
                ("identity.contact", identity.contact),
            ],
        ),
        (
            "gpai-intended-tasks-missing",
            [("identity.intended_uses or task", identity.intended_uses or model.task)],
        ),
        (
            "gpai-acceptable-use-policy-missing",
            [("obligations.prohibited_uses", obligations.prohibited_uses)],
        ),
        (
            "gpai-release-and-distribution-missing",
            [
                ("identity.release_date", identity.release_date),
                ("access_route", model.access_route),
            ],
        ),
        (
            "gpai-architecture-missing",
            [
                (
                    "architecture or architecture_family",
                    model.architecture or model.architecture_family,
                ),
                ("parameter_count", model.parameter_count),
            ],
        ),
        (
            "gpai-modalities-missing",
            [
                ("modalities_in", model.modalities_in),
                ("modalities_out", model.modalities_out),
                ("context_length", model.context_length),
            ],
        ),
        ("gpai-license-missing", [("licenses", model.licenses)]),
        (
            "gpai-training-methodology-missing",
            [("post_training.methods or summary", post.methods or post.summary)],
        ),
        (
            "gpai-training-data-information-missing",
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
            "gpai-compute-missing",
            [("training_data.training_compute_flops", training.training_compute_flops)],
        ),
        ("gpai-energy-missing", [("training_data.energy_kwh", training.energy_kwh)]),
        ("gpai-evaluation-missing", [("evaluations", governance.evaluations)]),
        (
            "gpai-integration-guidance-missing",
            [("obligations.integration_guidance", obligations.integration_guidance)],
        ),
        (
            "gpai-copyright-policy-missing",
            [("training_data.copyright_policy", training.copyright_policy)],
        ),
        (
            "gpai-training-content-summary-missing",
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
            ("gpai-systemic-risk-evaluation-missing", [("safety or security evaluations", risky)]),
            (
                "gpai-systemic-risk-incident-response-missing",
                [("controls.incident_response", controls.incident_response)],
            ),
            (
                "gpai-systemic-risk-cybersecurity-missing",
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
            "gpai-model-missing",
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
                    "gpai-dataset-copyright-status-missing",
                    component_subject(dataset),
                    f"trained on by {model.name} but has no copyright_status",
                )
