"""The model card sections written from fmbom's governance record and training relations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fmbom.governance import Evaluation, Governance
from fmbom.model import Relation, RelationKind, TrainingStage

__all__ = ["approach", "governance_card", "metric"]


def approach(relations: Sequence[Relation]) -> str | None:
    stages = {r.stage for r in relations if r.kind is RelationKind.TRAINED_ON}
    if TrainingStage.PREFERENCE in stages:
        return "reinforcement-learning"
    if stages & {TrainingStage.SFT, TrainingStage.SAFETY}:
        return "supervised"
    if TrainingStage.PRETRAINING in stages:
        return "self-supervised"
    return None


def metric(evaluation: Evaluation) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": evaluation.metric}
    if evaluation.value is not None:
        entry["value"] = repr(evaluation.value)
    entry["slice"] = evaluation.benchmark
    if evaluation.value is not None and evaluation.uncertainty is not None:
        entry["confidenceInterval"] = {
            "lowerBound": repr(evaluation.value - evaluation.uncertainty),
            "upperBound": repr(evaluation.value + evaluation.uncertainty),
        }
    return entry


def governance_card(governance: Governance | None, card: dict[str, Any]) -> None:
    """Add quantitativeAnalysis and considerations for a governance record to ``card``."""
    if governance is None:
        return
    if governance.evaluations:
        card["quantitativeAnalysis"] = {
            "performanceMetrics": [metric(e) for e in governance.evaluations]
        }
    identity = governance.identity
    if identity is None:
        return
    considerations: dict[str, Any] = {}
    if identity.intended_users:
        considerations["users"] = list(identity.intended_users)
    if identity.intended_uses:
        considerations["useCases"] = list(identity.intended_uses)
    if identity.limitations:
        considerations["technicalLimitations"] = list(identity.limitations)
    if identity.ethical_considerations:
        considerations["ethicalConsiderations"] = [
            {"name": text} for text in identity.ethical_considerations
        ]
    if considerations:
        card["considerations"] = considerations
