"""A BOM whose governance record is complete for every profile, and ways to break it."""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from fmbom import (
    AccessRoute,
    Bom,
    Dataset,
    DatasetPurpose,
    DerivationMethod,
    DownstreamObligations,
    Evaluation,
    EvaluationCategory,
    Governance,
    GuardModel,
    Identity,
    InferenceProvider,
    Modality,
    Model,
    ModelRole,
    PostTraining,
    RelationKind,
    ReleaseControls,
    SourceType,
    TrainingData,
    TrainingStage,
    Unit,
    WeightFile,
    Weights,
)

DAY = datetime.date(2025, 6, 1)


def identity() -> Identity:
    return Identity(
        provider="Example Labs",
        contact="trust@example.test",
        release_date=DAY,
        intended_uses=("dialogue",),
        intended_users=("integrators",),
        limitations=("English only",),
    )


def training() -> TrainingData:
    return TrainingData(
        content_summary="public web text and licensed books",
        data_sources=("web",),
        data_cutoff=DAY,
        filtering="deduplication and toxicity filtering",
        copyright_policy="honours opt-outs",
        personal_data_handling="PII scrubbed",
        training_compute_flops=3e25,
        energy_kwh=1.5e6,
    )


def controls() -> ReleaseControls:
    return ReleaseControls(
        access_tier="gated",
        weight_security="HSM-held keys",
        monitoring="abuse monitoring",
        incident_response="24h on call",
        misuse_risk_assessment="assessed in the release review",
    )


def obligations() -> DownstreamObligations:
    return DownstreamObligations(
        integration_guidance="see the integration guide",
        prohibited_uses=("medical advice",),
        human_oversight="review escalations",
    )


def evaluation(unit: Unit, version: str, **changes: Any) -> Evaluation:
    base = Evaluation(
        benchmark="harmbench",
        metric="refusal rate",
        unit=unit,
        source_type=SourceType.INDEPENDENT_AUDIT,
        category=EvaluationCategory.SAFETY,
        value=0.97,
        evaluated_version=version,
    )
    return attrs.evolve(base, **changes)


def governance(unit: Unit, version: str) -> Governance:
    return Governance(
        identity=identity(),
        training_data=training(),
        post_training=PostTraining(methods=("sft",), summary="instruction tuning"),
        evaluations=(evaluation(unit, version),),
        controls=controls(),
        obligations=obligations(),
    )


def model(ref: str, role: ModelRole, unit: Unit, **changes: Any) -> Model:
    built = Model(
        ref=ref,
        name=f"example-{ref}",
        version="2.0",
        supplier="Example Labs",
        role=role,
        architecture_family="transformer",
        parameter_count=7_000_000_000,
        modalities_in=(Modality.TEXT,),
        modalities_out=(Modality.TEXT,),
        context_length=8192,
        access_route=AccessRoute.OPEN_WEIGHTS,
        licenses=("Apache-2.0",),
        governance=governance(unit, "2.0"),
    )
    return attrs.evolve(built, **changes)


def complete() -> Bom:
    """A deployed system whose record satisfies every profile: no findings at all."""
    system = Governance(
        identity=identity(),
        evaluations=(evaluation(Unit.DEPLOYED_SYSTEM, "1.0"),),
        controls=controls(),
        obligations=obligations(),
    )
    return (
        Bom.create("example-assistant", "1.0", serves_end_users=True, governance=system)
        .add(
            model("base", ModelRole.BASE, Unit.BASE_MODEL),
            model("tuned", ModelRole.ADAPTED, Unit.ADAPTED_MODEL),
            Dataset(
                ref="web",
                name="web-text",
                purpose=DatasetPurpose.PRETRAINING,
                licenses=("CC-BY-4.0",),
                source="public web crawl",
                collection_method="crawl",
                copyright_status="opt-outs removed",
            ),
            GuardModel(ref="guard", name="shield"),
            InferenceProvider(ref="host", name="host", data_retention="30 days"),
            Weights(ref="w", name="tuned-weights", files=(WeightFile(path="model.safetensors"),)),
        )
        .relate("tuned", RelationKind.DERIVED_FROM, "base", method=DerivationMethod.FINE_TUNE)
        .relate("base", RelationKind.TRAINED_ON, "web", stage=TrainingStage.PRETRAINING)
        .relate("guard", RelationKind.GUARDS, "tuned")
        .relate("tuned", RelationKind.SERVED_BY, "host")
        .relate("tuned", RelationKind.HAS_WEIGHTS, "w")
    )


def with_model(bom: Bom, ref: str, **changes: Any) -> Bom:
    """``bom`` with fields of the model ``ref`` changed."""
    return bom.replace(attrs.evolve(bom.component(ref), **changes))


def with_governance(bom: Bom, ref: str, **changes: Any) -> Bom:
    """``bom`` with sections of the governance record of model ``ref`` changed."""
    found = bom.component(ref)
    assert isinstance(found, Model)
    assert found.governance is not None
    return with_model(bom, ref, governance=attrs.evolve(found.governance, **changes))


def with_system_governance(bom: Bom, **changes: Any) -> Bom:
    """``bom`` with sections of the system's governance record changed."""
    subject = bom.metadata.subject
    assert subject.governance is not None
    new_subject = attrs.evolve(subject, governance=attrs.evolve(subject.governance, **changes))
    return bom.with_metadata(attrs.evolve(bom.metadata, subject=new_subject))


def with_subject(bom: Bom, **changes: Any) -> Bom:
    """``bom`` with fields of its subject changed."""
    subject = attrs.evolve(bom.metadata.subject, **changes)
    return bom.with_metadata(attrs.evolve(bom.metadata, subject=subject))
