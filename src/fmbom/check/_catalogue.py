"""Every finding a check can report: its stable id, default severity, section and meaning.

Ids are kebab-case and never renamed; new findings get new ids. ``docs/check.md`` lists them.
"""

from __future__ import annotations

import attrs

from fmbom.check._result import Profile, Section
from fmbom.severity import Severity

__all__ = ["CATALOGUE", "Rule"]

H, M, L, C = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.CRITICAL
S = Section
MIN, GPAI = Profile.MINIMUM_RECORD, Profile.EU_AI_ACT_GPAI


@attrs.frozen(kw_only=True)
class Rule:
    """A kind of finding: id, default severity, record section, profile and what it means."""

    id: str
    severity: Severity
    section: Section | None
    profile: Profile
    meaning: str


def _rules(*rows: tuple[str, Severity, Section | None, Profile, str]) -> dict[str, Rule]:
    return {
        row[0]: Rule(id=row[0], severity=row[1], section=row[2], profile=row[3], meaning=row[4])
        for row in rows
    }


#: The finding catalogue, by id. ``section`` None means "the section named in the finding".
CATALOGUE: dict[str, Rule] = _rules(
    (
        "record-section-missing",
        H,
        None,
        MIN,
        (
            "A section of the minimum record is absent for a model or for the described system "
            "(severity per section: see the table below)."
        ),
    ),
    (
        "record-section-empty",
        M,
        None,
        MIN,
        "A section is present but every field in it is empty.",
    ),
    (
        "evaluation-gap",
        H,
        S.EVALUATION,
        MIN,
        (
            "The BOM describes a deployed system with a router, guard model, adapter or retrieval "
            "data, but no evaluation covers the deployed system."
        ),
    ),
    (
        "evaluation-unit-mismatch",
        M,
        S.EVALUATION,
        MIN,
        "An adapted model's record holds only evaluations of the base model.",
    ),
    (
        "stale-evaluation",
        M,
        S.EVALUATION,
        MIN,
        "An evaluation tested an older version than the one in the BOM.",
    ),
    (
        "provider-only-safety-claim",
        H,
        S.EVALUATION,
        MIN,
        "Every safety, security or suitability evaluation of a record is a provider claim.",
    ),
    (
        "open-weights-without-misuse-assessment",
        H,
        S.CONTROLS,
        MIN,
        "A model released as open or gated weights has no misuse risk assessment.",
    ),
    (
        "dataset-without-license",
        M,
        S.TRAINING_DATA,
        MIN,
        "A dataset has no license expression.",
    ),
    (
        "dataset-without-provenance",
        M,
        S.TRAINING_DATA,
        MIN,
        "A dataset lacks its source or its collection method.",
    ),
    (
        "no-guard-for-end-users",
        H,
        S.CONTROLS,
        MIN,
        "The system serves end users and has no guard model.",
    ),
    (
        "guard-not-attached",
        L,
        S.COMPOSITION,
        MIN,
        "A guard model guards nothing (no guards relation).",
    ),
    (
        "provider-without-retention-terms",
        M,
        S.OBLIGATIONS,
        MIN,
        "An inference provider has no data-retention terms.",
    ),
    (
        "unsafe-weights-format",
        H,
        S.CONTROLS,
        MIN,
        "Weights are in a pickle-based format whose loading can run code.",
    ),
    (
        "gpai-model-missing",
        H,
        S.COMPOSITION,
        GPAI,
        "The BOM holds no base or adapted model whose documentation could be checked.",
    ),
    (
        "gpai-provider-contact-missing",
        H,
        S.IDENTITY,
        GPAI,
        "No provider name or contact point for the documentation (Art. 53(1)(a)-(b)).",
    ),
    (
        "gpai-intended-tasks-missing",
        H,
        S.IDENTITY,
        GPAI,
        "No intended tasks or uses (Annex XI §1.1(a), Annex XII §1(a)).",
    ),
    (
        "gpai-acceptable-use-policy-missing",
        M,
        S.OBLIGATIONS,
        GPAI,
        "No acceptable-use policy or prohibited uses (Annex XI §1.1(b), Annex XII §1(b)).",
    ),
    (
        "gpai-release-and-distribution-missing",
        M,
        S.IDENTITY,
        GPAI,
        "No release date or method of distribution (Annex XI §1.1(c), Annex XII §1(c)).",
    ),
    (
        "gpai-architecture-missing",
        H,
        S.IDENTITY,
        GPAI,
        "No architecture or parameter count (Annex XI §1.1(d), Annex XII §1(f)).",
    ),
    (
        "gpai-modalities-missing",
        M,
        S.IDENTITY,
        GPAI,
        (
            "No input/output modalities or maximum input size "
            "(Annex XI §1.1(e), Annex XII §1(g), §2(b))."
        ),
    ),
    (
        "gpai-license-missing",
        M,
        S.IDENTITY,
        GPAI,
        "No licence (Annex XI §1.1(f), Annex XII §1(h)).",
    ),
    (
        "gpai-training-methodology-missing",
        H,
        S.POST_TRAINING,
        GPAI,
        "No description of the training process and methods (Annex XI §1.2(b)).",
    ),
    (
        "gpai-training-data-information-missing",
        H,
        S.TRAINING_DATA,
        GPAI,
        "No data sources, curation or personal-data handling (Annex XI §1.2(c), Annex XII §2(c)).",
    ),
    (
        "gpai-compute-missing",
        M,
        S.TRAINING_DATA,
        GPAI,
        "No training compute figure (Annex XI §1.2(d)).",
    ),
    (
        "gpai-energy-missing",
        L,
        S.TRAINING_DATA,
        GPAI,
        "No energy consumption figure (Annex XI §1.2(e)).",
    ),
    (
        "gpai-evaluation-missing",
        H,
        S.EVALUATION,
        GPAI,
        "No evaluation results (Art. 53(1)(a)).",
    ),
    (
        "gpai-integration-guidance-missing",
        H,
        S.OBLIGATIONS,
        GPAI,
        "No integration guidance for downstream providers (Annex XI §1.2(a), Annex XII §2(a)).",
    ),
    (
        "gpai-copyright-policy-missing",
        H,
        S.TRAINING_DATA,
        GPAI,
        "No copyright policy (Art. 53(1)(c)).",
    ),
    (
        "gpai-training-content-summary-missing",
        H,
        S.TRAINING_DATA,
        GPAI,
        "No summary of the content used for training (Art. 53(1)(d)).",
    ),
    (
        "gpai-dataset-copyright-status-missing",
        M,
        S.TRAINING_DATA,
        GPAI,
        "A dataset the model was trained on has no copyright status (supports Art. 53(1)(c)-(d)).",
    ),
    (
        "gpai-systemic-risk-evaluation-missing",
        H,
        S.EVALUATION,
        GPAI,
        "Training compute above 10^25 FLOP and no safety or security evaluation (Art. 55(1)(a)).",
    ),
    (
        "gpai-systemic-risk-incident-response-missing",
        H,
        S.CONTROLS,
        GPAI,
        "Training compute above 10^25 FLOP and no incident response (Art. 55(1)(c)).",
    ),
    (
        "gpai-systemic-risk-cybersecurity-missing",
        H,
        S.CONTROLS,
        GPAI,
        "Training compute above 10^25 FLOP and no weight security (Art. 55(1)(d)).",
    ),
)
