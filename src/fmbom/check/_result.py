"""What a check produces: findings about one subject and one record section each."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import attrs

from fmbom._enums import parse_member
from fmbom._formats import Profile
from fmbom._subject_ref import SubjectRef
from fmbom.severity import Severity, SeveritySummary
from fmbom.vocabulary import Vocabulary

__all__ = ["CheckResult", "Finding", "FindingId", "FindingSubject", "Profile", "Section"]


class Section(str, Enum):
    """The section of the minimum record a finding concerns; ``composition`` is the BOM itself."""

    IDENTITY = "identity"
    TRAINING_DATA = "training-data"
    POST_TRAINING = "post-training"
    EVALUATION = "evaluation"
    CONTROLS = "controls"
    OBLIGATIONS = "obligations"
    COMPOSITION = "composition"

    def __str__(self) -> str:
        return str(self.value)


_SECTION_ORDER = {section: index for index, section in enumerate(Section)}


class FindingId(Vocabulary):
    """Every finding id a check can report. The values are a public contract: findings are
    added, never renamed; a member compares equal to its value."""

    RECORD_SECTION_MISSING = "record-section-missing"
    RECORD_SECTION_EMPTY = "record-section-empty"
    EVALUATION_GAP = "evaluation-gap"
    EVALUATION_UNIT_MISMATCH = "evaluation-unit-mismatch"
    STALE_EVALUATION = "stale-evaluation"
    PROVIDER_ONLY_SAFETY_CLAIM = "provider-only-safety-claim"
    OPEN_WEIGHTS_WITHOUT_MISUSE_ASSESSMENT = "open-weights-without-misuse-assessment"
    DATASET_WITHOUT_LICENSE = "dataset-without-license"
    DATASET_WITHOUT_PROVENANCE = "dataset-without-provenance"
    NO_GUARD_FOR_END_USERS = "no-guard-for-end-users"
    END_USERS_UNKNOWN = "end-users-unknown"
    GUARD_NOT_ATTACHED = "guard-not-attached"
    PROVIDER_WITHOUT_RETENTION_TERMS = "provider-without-retention-terms"
    UNSAFE_WEIGHTS_FORMAT = "unsafe-weights-format"
    GPAI_MODEL_MISSING = "gpai-model-missing"
    GPAI_PROVIDER_CONTACT_MISSING = "gpai-provider-contact-missing"
    GPAI_INTENDED_TASKS_MISSING = "gpai-intended-tasks-missing"
    GPAI_ACCEPTABLE_USE_POLICY_MISSING = "gpai-acceptable-use-policy-missing"
    GPAI_RELEASE_AND_DISTRIBUTION_MISSING = "gpai-release-and-distribution-missing"
    GPAI_ARCHITECTURE_MISSING = "gpai-architecture-missing"
    GPAI_MODALITIES_MISSING = "gpai-modalities-missing"
    GPAI_LICENSE_MISSING = "gpai-license-missing"
    GPAI_TRAINING_METHODOLOGY_MISSING = "gpai-training-methodology-missing"
    GPAI_TRAINING_DATA_INFORMATION_MISSING = "gpai-training-data-information-missing"
    GPAI_COMPUTE_MISSING = "gpai-compute-missing"
    GPAI_ENERGY_MISSING = "gpai-energy-missing"
    GPAI_EVALUATION_MISSING = "gpai-evaluation-missing"
    GPAI_INTEGRATION_GUIDANCE_MISSING = "gpai-integration-guidance-missing"
    GPAI_COPYRIGHT_POLICY_MISSING = "gpai-copyright-policy-missing"
    GPAI_TRAINING_CONTENT_SUMMARY_MISSING = "gpai-training-content-summary-missing"
    GPAI_DATASET_COPYRIGHT_STATUS_MISSING = "gpai-dataset-copyright-status-missing"
    GPAI_SYSTEMIC_RISK_EVALUATION_MISSING = "gpai-systemic-risk-evaluation-missing"
    GPAI_SYSTEMIC_RISK_INCIDENT_RESPONSE_MISSING = "gpai-systemic-risk-incident-response-missing"
    GPAI_SYSTEMIC_RISK_CYBERSECURITY_MISSING = "gpai-systemic-risk-cybersecurity-missing"

    @classmethod
    def parse(cls, text: str | FindingId) -> FindingId:
        """The finding id ``text`` names; ``ValueError`` naming the known ids otherwise."""
        return parse_member(cls, text, "finding id")


def _finding_id(value: str | FindingId) -> FindingId:
    if value.__class__ is FindingId:  # what the checks pass: taken without a call
        return value
    return FindingId.parse(value)


#: What a finding is about: the :class:`SubjectRef` that diff changes use too.
FindingSubject = SubjectRef


@attrs.frozen(kw_only=True)
class Finding:
    """One gap in the record: a stable ``id``, how much it matters, and where it is."""

    id: FindingId = attrs.field(converter=_finding_id)
    severity: Severity
    subject: SubjectRef
    section: Section
    message: str

    @property
    def sort_key(self) -> tuple[int, str, str, str, int, str]:
        """Most severe first, then by id, subject, section (in record order) and message."""
        return (
            -self.severity.rank,
            self.id,
            self.subject.ref or "",
            self.subject.name,
            _SECTION_ORDER[self.section],
            self.message,
        )


def _sorted_findings(items: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(items, key=lambda f: f.sort_key))


@attrs.frozen(kw_only=True)
class CheckResult:
    """The findings of one check of one BOM under one profile, most severe first."""

    profile: Profile
    subject: SubjectRef
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_sorted_findings)

    @property
    def summary(self) -> SeveritySummary:
        """Number of findings of each severity, every severity present, critical first."""
        return SeveritySummary(f.severity for f in self.findings)

    def at_or_above(self, threshold: Severity | None) -> tuple[Finding, ...]:
        """The findings whose severity is ``threshold`` or higher (none when it is None)."""
        if threshold is None:
            return ()
        return tuple(f for f in self.findings if f.severity >= threshold)

    @property
    def passed(self) -> bool:
        """True when the check found nothing at all."""
        return not self.findings
