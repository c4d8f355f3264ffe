"""Every finding a check can report: its stable id, default severity, section and meaning.

Ids are kebab-case and never renamed; new findings get new ids. ``docs/check.md`` lists them.
"""

from __future__ import annotations

import attrs

from fmbom.check._result import FindingId, Profile, Section
from fmbom.severity import Severity

__all__ = ["CATALOGUE", "Rule"]

H, M, L, C = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.CRITICAL
S = Section
MIN, GPAI = Profile.MINIMUM_RECORD, Profile.EU_AI_ACT_GPAI


@attrs.frozen(kw_only=True)
class Rule:
    """A kind of finding: id, default severity, record section, profile and what it means."""

    id: FindingId
    severity: Severity
    section: Section | None
    profile: Profile
    meaning: str


def _rules(
    *rows: tuple[FindingId, Severity, Section | None, Profile, str],
) -> dict[FindingId, Rule]:
    return {
        row[0]: Rule(id=row[0], severity=row[1], section=row[2], profile=row[3], meaning=row[4])
        for row in rows
    }


#: The finding catalogue, by id. ``section`` None means "the section named in the finding".
CATALOGUE: dict[FindingId, Rule] = _rules(
    (
        FindingId.RECORD_SECTION_MISSING,
        H,
        None,
        MIN,
        (
            "A section of the minimum record is absent for a model or for the described system "
            "(severity per section: see the table below)."
        ),
    ),
    (
        FindingId.RECORD_SECTION_EMPTY,
        M,
        None,
        MIN,
        "A section is present but every field in it is empty.",
    ),
    (
        FindingId.EVALUATION_GAP,
        H,
        S.EVALUATION,
        MIN,
        (
            "The BOM describes a deployed system with a router, guard model, adapter or retrieval "
            "data, but no evaluation covers the deployed system."
        ),
    ),
    (
        FindingId.EVALUATION_UNIT_MISMATCH,
        M,
        S.EVALUATION,
        MIN,
        "An adapted model's record holds only evaluations of the base model.",
    ),
    (
        FindingId.STALE_EVALUATION,
        M,
        S.EVALUATION,
        MIN,
        "An evaluation tested an older version than the one in the BOM.",
    ),
    (
        FindingId.PROVIDER_ONLY_SAFETY_CLAIM,
        H,
        S.EVALUATION,
        MIN,
        "Every safety, security or suitability evaluation of a record is a provider claim.",
    ),
    (
        FindingId.OPEN_WEIGHTS_WITHOUT_MISUSE_ASSESSMENT,
        H,
        S.CONTROLS,
        MIN,
        "A model released as open or gated weights has no misuse risk assessment.",
    ),
    (
        FindingId.DATASET_WITHOUT_LICENSE,
        M,
        S.TRAINING_DATA,
        MIN,
        "A dataset has no license expression.",
    ),
    (
        FindingId.DATASET_WITHOUT_PROVENANCE,
        M,
        S.TRAINING_DATA,
        MIN,
        "A dataset lacks its source or its collection method.",
    ),
    (
        FindingId.NO_GUARD_FOR_END_USERS,
        H,
        S.CONTROLS,
        MIN,
        "The system serves end users and has no guard model.",
    ),
    (
        FindingId.END_USERS_UNKNOWN,
        M,
        S.CONTROLS,
        MIN,
        (
            "A deployed system with models and no guard model does not say whether it "
            "serves end users."
        ),
    ),
    (
        FindingId.GUARD_NOT_ATTACHED,
        L,
        S.COMPOSITION,
        MIN,
        "A guard model guards nothing (no guards relation).",
    ),
    (
        FindingId.PROVIDER_WITHOUT_RETENTION_TERMS,
        M,
        S.OBLIGATIONS,
        MIN,
        "An inference provider has no data-retention terms.",
    ),
    (
        FindingId.UNSAFE_WEIGHTS_FORMAT,
        H,
        S.CONTROLS,
        MIN,
        "Weights are in a pickle-based format whose loading can run code.",
    ),
    (
        FindingId.GPAI_MODEL_MISSING,
        H,
        S.COMPOSITION,
        GPAI,
        "The BOM holds no base or adapted model whose documentation could be checked.",
    ),
    (
        FindingId.GPAI_PROVIDER_CONTACT_MISSING,
        H,
        S.IDENTITY,
        GPAI,
        "No provider name or contact point for the documentation (Art. 53(1)(a)-(b)).",
    ),
    (
        FindingId.GPAI_INTENDED_TASKS_MISSING,
        H,
        S.IDENTITY,
        GPAI,
        "No intended tasks or uses (Annex XI §1.1(a), Annex XII §1(a)).",
    ),
    (
        FindingId.GPAI_ACCEPTABLE_USE_POLICY_MISSING,
        M,
        S.OBLIGATIONS,
        GPAI,
        "No acceptable-use policy or prohibited uses (Annex XI §1.1(b), Annex XII §1(b)).",
    ),
    (
        FindingId.GPAI_RELEASE_AND_DISTRIBUTION_MISSING,
        M,
        S.IDENTITY,
        GPAI,
        "No release date or method of distribution (Annex XI §1.1(c), Annex XII §1(c)).",
    ),
    (
        FindingId.GPAI_ARCHITECTURE_MISSING,
        H,
        S.IDENTITY,
        GPAI,
        "No architecture or parameter count (Annex XI §1.1(d), Annex XII §1(f)).",
    ),
    (
        FindingId.GPAI_MODALITIES_MISSING,
        M,
        S.IDENTITY,
        GPAI,
        (
            "No input/output modalities or maximum input size "
            "(Annex XI §1.1(e), Annex XII §1(g), §2(b))."
        ),
    ),
    (
        FindingId.GPAI_LICENSE_MISSING,
        M,
        S.IDENTITY,
        GPAI,
        "No licence (Annex XI §1.1(f), Annex XII §1(h)).",
    ),
    (
        FindingId.GPAI_TRAINING_METHODOLOGY_MISSING,
        H,
        S.POST_TRAINING,
        GPAI,
        "No description of the training process and methods (Annex XI §1.2(b)).",
    ),
    (
        FindingId.GPAI_TRAINING_DATA_INFORMATION_MISSING,
        H,
        S.TRAINING_DATA,
        GPAI,
        "No data sources, curation or personal-data handling (Annex XI §1.2(c), Annex XII §2(c)).",
    ),
    (
        FindingId.GPAI_COMPUTE_MISSING,
        M,
        S.TRAINING_DATA,
        GPAI,
        "No training compute figure (Annex XI §1.2(d)).",
    ),
    (
        FindingId.GPAI_ENERGY_MISSING,
        L,
        S.TRAINING_DATA,
        GPAI,
        "No energy consumption figure (Annex XI §1.2(e)).",
    ),
    (
        FindingId.GPAI_EVALUATION_MISSING,
        H,
        S.EVALUATION,
        GPAI,
        "No evaluation results (Art. 53(1)(a)).",
    ),
    (
        FindingId.GPAI_INTEGRATION_GUIDANCE_MISSING,
        H,
        S.OBLIGATIONS,
        GPAI,
        "No integration guidance for downstream providers (Annex XI §1.2(a), Annex XII §2(a)).",
    ),
    (
        FindingId.GPAI_COPYRIGHT_POLICY_MISSING,
        H,
        S.TRAINING_DATA,
        GPAI,
        "No copyright policy (Art. 53(1)(c)).",
    ),
    (
        FindingId.GPAI_TRAINING_CONTENT_SUMMARY_MISSING,
        H,
        S.TRAINING_DATA,
        GPAI,
        "No summary of the content used for training (Art. 53(1)(d)).",
    ),
    (
        FindingId.GPAI_DATASET_COPYRIGHT_STATUS_MISSING,
        M,
        S.TRAINING_DATA,
        GPAI,
        "A dataset the model was trained on has no copyright status (supports Art. 53(1)(c)-(d)).",
    ),
    (
        FindingId.GPAI_SYSTEMIC_RISK_EVALUATION_MISSING,
        H,
        S.EVALUATION,
        GPAI,
        "Training compute above 10^25 FLOP and no safety or security evaluation (Art. 55(1)(a)).",
    ),
    (
        FindingId.GPAI_SYSTEMIC_RISK_INCIDENT_RESPONSE_MISSING,
        H,
        S.CONTROLS,
        GPAI,
        "Training compute above 10^25 FLOP and no incident response (Art. 55(1)(c)).",
    ),
    (
        FindingId.GPAI_SYSTEMIC_RISK_CYBERSECURITY_MISSING,
        H,
        S.CONTROLS,
        GPAI,
        "Training compute above 10^25 FLOP and no weight security (Art. 55(1)(d)).",
    ),
)
