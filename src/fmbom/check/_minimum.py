"""The ``minimum-record`` profile: the minimum foundation-model record and the system around it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
from packaging.version import InvalidVersion, Version

from fmbom._subject_ref import SubjectRef
from fmbom._weight_formats import PICKLE_SUFFIXES
from fmbom.bom import Bom
from fmbom.check._catalogue import CATALOGUE
from fmbom.check._result import Finding, FindingId, Section
from fmbom.governance import EvaluationCategory, Governance, SourceType, Unit
from fmbom.model import (
    AccessRoute,
    Adapter,
    Component,
    Dataset,
    DatasetPurpose,
    GuardModel,
    InferenceProvider,
    Model,
    ModelRole,
    RelationKind,
    Router,
    Weights,
)
from fmbom.severity import Severity

__all__ = [
    "DATASET_SECTIONS",
    "ROLE_UNITS",
    "SYSTEM_SECTIONS",
    "Holder",
    "finding",
    "holders",
    "is_blank",
    "minimum_record",
    "subject_of",
]

#: Model roles that need a full governance record, and the unit each one is.
ROLE_UNITS = {ModelRole.BASE: Unit.BASE_MODEL, ModelRole.ADAPTED: Unit.ADAPTED_MODEL}

#: The sections a deployed system's own record needs; training data and post-training
#: belong to the records of the models it serves.
SYSTEM_SECTIONS = (Section.IDENTITY, Section.EVALUATION, Section.CONTROLS, Section.OBLIGATIONS)
#: The sections the record of a release of data needs: no post-training, no model evaluation.
DATASET_SECTIONS = (Section.IDENTITY, Section.TRAINING_DATA, Section.CONTROLS, Section.OBLIGATIONS)
ALL_SECTIONS = (
    Section.IDENTITY,
    Section.TRAINING_DATA,
    Section.POST_TRAINING,
    Section.EVALUATION,
    Section.CONTROLS,
    Section.OBLIGATIONS,
)
_ATTRIBUTE = {
    Section.IDENTITY: "identity",
    Section.TRAINING_DATA: "training_data",
    Section.POST_TRAINING: "post_training",
    Section.EVALUATION: "evaluations",
    Section.CONTROLS: "controls",
    Section.OBLIGATIONS: "obligations",
}
_MISSING_SEVERITY = {
    Section.IDENTITY: Severity.HIGH,
    Section.TRAINING_DATA: Severity.HIGH,
    Section.POST_TRAINING: Severity.MEDIUM,
    Section.EVALUATION: Severity.HIGH,
    Section.CONTROLS: Severity.MEDIUM,
    Section.OBLIGATIONS: Severity.MEDIUM,
}
_CLAIM_CATEGORIES = (
    EvaluationCategory.SAFETY,
    EvaluationCategory.SECURITY,
    EvaluationCategory.SUITABILITY,
)


@attrs.frozen(kw_only=True)
class Holder:
    """Something that owes a governance record: a base or adapted model, or the subject."""

    subject: SubjectRef
    unit: Unit
    version: str | None
    governance: Governance | None
    sections: tuple[Section, ...]
    component: Component | None = None


def finding(
    rule_id: FindingId,
    subject: SubjectRef,
    message: str,
    *,
    section: Section | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding of a catalogued rule, with its default severity and section unless given."""
    rule = CATALOGUE[rule_id]
    chosen = section or rule.section
    if chosen is None:  # pragma: no cover - a programming error, caught by the tests
        raise AssertionError(f"rule {rule_id} needs a section")
    return Finding(
        id=rule_id,
        severity=severity or rule.severity,
        subject=subject,
        section=chosen,
        message=message,
    )


def component_subject(component: Component) -> SubjectRef:
    """The finding subject naming a component."""
    return SubjectRef(kind=component.kind, name=component.name, ref=component.ref)


def subject_of(bom: Bom) -> SubjectRef:
    """The finding subject naming the BOM's subject: its unit as kind, no ref."""
    subject = bom.metadata.subject
    return SubjectRef(kind=subject.unit, name=subject.name, ref=None)


def _subject_sections(bom: Bom) -> tuple[Section, ...]:
    """The sections the subject's record needs: a deployed system's, a data release's (no
    post-training, no evaluation of a model), else all of them."""
    if bom.metadata.subject.unit is Unit.DEPLOYED_SYSTEM:
        return SYSTEM_SECTIONS
    modelish = any(bom.of_type(kind) for kind in (Model, Adapter, Weights))
    if bom.of_type(Dataset) and not modelish:
        return DATASET_SECTIONS
    return ALL_SECTIONS


def holders(bom: Bom) -> Iterator[Holder]:
    """The described subject, then every base or adapted model, in ref order."""
    subject = bom.metadata.subject
    yield Holder(
        subject=subject_of(bom),
        unit=subject.unit,
        version=subject.version,
        governance=subject.governance,
        sections=_subject_sections(bom),
    )
    for model in bom.of_type(Model):
        unit = ROLE_UNITS.get(model.role)
        if unit is None:
            continue
        yield Holder(
            subject=component_subject(model),
            unit=unit,
            version=model.version,
            governance=model.governance,
            sections=ALL_SECTIONS,
            component=model,
        )


def is_blank(value: object) -> bool:
    """True for None, empty collections and strings that are empty or only white space."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (tuple, list)):
        return not value
    return False


def _section_empty(section: Any) -> bool:
    return all(is_blank(getattr(section, f.name)) for f in attrs.fields(type(section)))


def _lower(severity: Severity) -> Severity:
    return Severity.LOW if severity <= Severity.MEDIUM else Severity.MEDIUM


def _sections(holder: Holder) -> Iterator[Finding]:
    governance = holder.governance
    for section in holder.sections:
        severity = _MISSING_SEVERITY[section]
        if section is Section.POST_TRAINING and holder.unit is Unit.BASE_MODEL:
            severity = Severity.LOW  # a base model may have had none; the record should say so
        value = None if governance is None else getattr(governance, _ATTRIBUTE[section])
        if is_blank(value):
            why = "no governance record" if governance is None else f"no {section.value} section"
            if section is Section.EVALUATION and governance is not None:
                why = "no evaluation evidence"
            yield finding(
                FindingId.RECORD_SECTION_MISSING,
                holder.subject,
                f"{why}: the {section.value} section of the minimum record is missing",
                section=section,
                severity=severity,
            )
        elif section is not Section.EVALUATION and _section_empty(value):
            yield finding(
                FindingId.RECORD_SECTION_EMPTY,
                holder.subject,
                f"the {section.value} section is present but every field in it is empty",
                section=section,
                severity=_lower(severity),
            )


def _is_older(evaluated: str, current: str) -> bool:
    """``evaluated`` is older than ``current``: by PEP 440 when both parse, else when unequal."""
    try:
        return Version(evaluated) < Version(current)
    except InvalidVersion:
        return evaluated.strip() != current.strip()


def _version_of_unit(bom: Bom, holder: Holder, unit: Unit) -> tuple[str, str | None] | None:
    """(name, version) of the unit an evaluation covered, when the BOM pins it down."""
    if unit is holder.unit:
        return holder.subject.name, holder.version
    if holder.component is not None:
        if unit is Unit.BASE_MODEL:
            bases = bom.base_models(holder.component.ref)
            if len(bases) == 1 and bases[0].ref != holder.component.ref:
                return bases[0].name, bases[0].version
        return None
    # the subject's record: evidence about a model unit refers to the BOM's only such model
    roles = [role for role, role_unit in ROLE_UNITS.items() if role_unit is unit]
    models = [m for m in bom.of_type(Model) if m.role in roles]
    if len(models) == 1:
        return models[0].name, models[0].version
    return None


def _stale(bom: Bom, holder: Holder) -> Iterator[Finding]:
    if holder.governance is None:
        return
    for evaluation in holder.governance.evaluations:
        if evaluation.evaluated_version is None:
            continue
        target = _version_of_unit(bom, holder, evaluation.unit)
        if target is None:
            continue
        name, current = target
        if current is not None and _is_older(evaluation.evaluated_version, current):
            yield finding(
                FindingId.STALE_EVALUATION,
                holder.subject,
                f"{evaluation.benchmark} ({evaluation.metric}) evaluated {name} "
                f"{evaluation.evaluated_version}, but the BOM has {current}",
            )


def _provider_only(holder: Holder) -> Iterator[Finding]:
    if holder.governance is None:
        return
    for category in _CLAIM_CATEGORIES:
        claims = [e for e in holder.governance.evaluations if e.category is category]
        if claims and all(e.source_type is SourceType.PROVIDER_CLAIM for e in claims):
            count = "the only" if len(claims) == 1 else f"all {len(claims)}"
            noun = "evaluation is a" if len(claims) == 1 else "evaluations are"
            yield finding(
                FindingId.PROVIDER_ONLY_SAFETY_CLAIM,
                holder.subject,
                f"{count} {category.value} {noun} provider claim{'s' if len(claims) > 1 else ''}"
                "; no independent audit, regulator filing or peer-reviewed source",
            )


def _unit_mismatch(holder: Holder) -> Iterator[Finding]:
    if holder.unit is not Unit.ADAPTED_MODEL or holder.governance is None:
        return
    evaluations = holder.governance.evaluations
    if evaluations and all(e.unit is Unit.BASE_MODEL for e in evaluations):
        yield finding(
            FindingId.EVALUATION_UNIT_MISMATCH,
            holder.subject,
            f"all {len(evaluations)} evaluations in this adapted model's record cover the base "
            "model, none the adapted model",
        )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _evaluation_gap(bom: Bom, units: set[Unit]) -> Iterator[Finding]:
    if bom.metadata.subject.unit is not Unit.DEPLOYED_SYSTEM or Unit.DEPLOYED_SYSTEM in units:
        return
    parts = [
        (len(bom.of_type(Router)), "router"),
        (len(bom.of_type(GuardModel)), "guard model"),
        (len(bom.of_type(Adapter)), "adapter"),
        (
            sum(1 for d in bom.of_type(Dataset) if d.purpose is DatasetPurpose.RETRIEVAL),
            "retrieval dataset",
        ),
    ]
    present = [_plural(count, noun) for count, noun in parts if count]
    if not present:
        return
    covered = ", ".join(u.value for u in Unit if u in units)
    evidence = f"evaluations cover only {covered}" if covered else "there is no evaluation"
    yield finding(
        FindingId.EVALUATION_GAP,
        subject_of(bom),
        f"{evidence}, while the deployed system adds {', '.join(present)}; "
        "no evaluation covers the deployed system",
    )


def _models(bom: Bom) -> Iterator[Finding]:
    for model in bom.of_type(Model):
        if model.access_route not in (AccessRoute.OPEN_WEIGHTS, AccessRoute.GATED_WEIGHTS):
            continue
        governance = model.governance
        controls = governance.controls if governance is not None else None
        if controls is None or is_blank(controls.misuse_risk_assessment):
            yield finding(
                FindingId.OPEN_WEIGHTS_WITHOUT_MISUSE_ASSESSMENT,
                component_subject(model),
                f"released as {model.access_route.value} with no misuse risk assessment "
                "(controls.misuse_risk_assessment)",
            )


def _datasets(bom: Bom) -> Iterator[Finding]:
    for dataset in bom.of_type(Dataset):
        subject = component_subject(dataset)
        if not dataset.licenses:
            yield finding(FindingId.DATASET_WITHOUT_LICENSE, subject, "no license expression")
        missing = [
            label
            for label, value in (
                ("source", dataset.source),
                ("collection method", dataset.collection_method),
            )
            if is_blank(value)
        ]
        if missing:
            yield finding(
                FindingId.DATASET_WITHOUT_PROVENANCE,
                subject,
                f"no {' and no '.join(missing)} recorded",
            )


def _serving(bom: Bom) -> Iterator[Finding]:
    subject = bom.metadata.subject
    guards = bom.of_type(GuardModel)
    if (
        subject.serves_end_users is None
        and subject.unit is Unit.DEPLOYED_SYSTEM
        and not guards
        and bom.of_type(Model)
    ):
        yield finding(
            FindingId.END_USERS_UNKNOWN,
            subject_of(bom),
            "serves models without a guard model, and the record does not say whether it "
            "serves end users (set serves_end_users)",
        )
    if subject.serves_end_users and not guards:
        yield finding(
            FindingId.NO_GUARD_FOR_END_USERS,
            subject_of(bom),
            "serves end users but the BOM has no guard model filtering input or output",
        )
    for guard in guards:
        if not bom.outgoing(guard.ref, RelationKind.GUARDS):
            yield finding(
                FindingId.GUARD_NOT_ATTACHED,
                component_subject(guard),
                "guard model has no guards relation to a model, router, adapter or provider",
            )
    for provider in bom.of_type(InferenceProvider):
        if is_blank(provider.data_retention):
            yield finding(
                FindingId.PROVIDER_WITHOUT_RETENTION_TERMS,
                component_subject(provider),
                "no data-retention terms recorded for this inference provider",
            )


def _weights(bom: Bom) -> Iterator[Finding]:
    for weights in bom.of_type(Weights):
        subject = component_subject(weights)
        if weights.format.is_unsafe:
            yield finding(
                FindingId.UNSAFE_WEIGHTS_FORMAT,
                subject,
                f"weights in {weights.format.value} format; loading them can execute code",
            )
            continue
        pickled = sorted(
            f.path for f in weights.files if f.path.lower().endswith(tuple(PICKLE_SUFFIXES))
        )
        if pickled:
            shown = ", ".join(pickled[:3]) + (" ..." if len(pickled) > 3 else "")
            yield finding(
                FindingId.UNSAFE_WEIGHTS_FORMAT,
                subject,
                f"declared {weights.format.value} but has pickle-based files ({shown}); "
                "loading them can execute code",
            )


def minimum_record(bom: Bom) -> Iterator[Finding]:
    """Every finding of the ``minimum-record`` profile, unordered."""
    units: set[Unit] = set()
    for holder in holders(bom):
        yield from _sections(holder)
        yield from _stale(bom, holder)
        yield from _provider_only(holder)
        yield from _unit_mismatch(holder)
        if holder.governance is not None:
            units.update(e.unit for e in holder.governance.evaluations)
    for model in bom.of_type(Model):
        if model.role not in ROLE_UNITS and model.governance is not None:
            units.update(e.unit for e in model.governance.evaluations)
    yield from _evaluation_gap(bom, units)
    yield from _models(bom)
    yield from _datasets(bom)
    yield from _serving(bom)
    yield from _weights(bom)
