"""What a check produces: findings about one subject and one record section each."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import attrs

from fmbom.severity import Severity

__all__ = ["CheckResult", "Finding", "FindingSubject", "Profile", "Section"]


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


class Profile(str, Enum):
    """What a check asks of the BOM."""

    MINIMUM_RECORD = "minimum-record"
    EU_AI_ACT_GPAI = "eu-ai-act-gpai"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def parse(cls, text: str | Profile) -> Profile:
        """The profile named ``text``; ``ValueError`` naming the choices otherwise."""
        if isinstance(text, Profile):
            return text
        try:
            return cls(text.strip().lower())
        except ValueError:
            choices = ", ".join(p.value for p in cls)
            raise ValueError(f"unknown profile {text!r} (choose from {choices})") from None


@attrs.frozen(kw_only=True)
class FindingSubject:
    """What a finding is about: a component (its kind, name and ref) or the described system.

    For the BOM's subject, ``kind`` is its unit (``deployed-system``, ``base-model``,
    ``adapted-model``, ``release-artifact``), as in diff reports, and ``ref`` is None.
    """

    kind: str
    name: str
    ref: str | None = None


@attrs.frozen(kw_only=True)
class Finding:
    """One gap in the record: a stable ``id``, how much it matters, and where it is."""

    id: str
    severity: Severity
    subject: FindingSubject
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
    subject: FindingSubject
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_sorted_findings)

    @property
    def summary(self) -> dict[str, int]:
        """Number of findings per severity, most severe first, plus ``total``."""
        counts = {s.value: 0 for s in sorted(Severity, reverse=True)}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        counts["total"] = len(self.findings)
        return counts

    def at_or_above(self, threshold: Severity | None) -> tuple[Finding, ...]:
        """The findings whose severity is ``threshold`` or higher (none when it is None)."""
        if threshold is None:
            return ()
        return tuple(f for f in self.findings if f.severity >= threshold)

    @property
    def passed(self) -> bool:
        """True when the check found nothing at all."""
        return not self.findings
