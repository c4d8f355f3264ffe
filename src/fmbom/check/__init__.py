"""Governance check: is the record a BOM carries complete, current and backed by evidence?

:func:`check` returns a :class:`CheckResult` whose findings each have a stable id, a severity,
a subject, the section of the minimum record they concern and a one-line message::

    result = fmbom.check.check(bom)  # or fmbom.check_bom(bom)
    for finding in result.at_or_above(Severity.HIGH):
        print(finding.id, finding.subject.name, finding.message)

A check with no findings says the documentation is complete for the profile; it is not a
finding of safety or of legal compliance.
"""

from __future__ import annotations

from fmbom._gc import no_gc
from fmbom._subject_ref import SubjectRef
from fmbom.bom import Bom
from fmbom.check._catalogue import CATALOGUE, Rule
from fmbom.check._gpai import SYSTEMIC_RISK_FLOPS, gpai
from fmbom.check._minimum import ROLE_UNITS, SYSTEM_SECTIONS, minimum_record, subject_of
from fmbom.check._render import (
    JSON_VERSION,
    CheckFormat,
    render,
    to_json,
    to_json_dict,
    to_markdown,
    to_text,
)
from fmbom.check._result import CheckResult, Finding, FindingId, FindingSubject, Profile, Section
from fmbom.severity import Severity, SeveritySummary

__all__ = [
    "CATALOGUE",
    "JSON_VERSION",
    "ROLE_UNITS",
    "SYSTEMIC_RISK_FLOPS",
    "SYSTEM_SECTIONS",
    "CheckFormat",
    "CheckResult",
    "Finding",
    "FindingId",
    "FindingSubject",
    "Profile",
    "Rule",
    "Section",
    "Severity",
    "SeveritySummary",
    "SubjectRef",
    "check",
    "render",
    "to_json",
    "to_json_dict",
    "to_markdown",
    "to_text",
]


def check(bom: Bom, profile: str | Profile = Profile.MINIMUM_RECORD) -> CheckResult:
    """Check ``bom`` against a profile (``minimum-record`` or ``eu-ai-act-gpai``).

    Raises ``ValueError`` for an unknown profile name.
    """
    chosen = Profile.parse(profile)
    with no_gc():  # findings and their sort keys hold no cycles: nothing to collect
        found = minimum_record(bom) if chosen is Profile.MINIMUM_RECORD else gpai(bom)
        return CheckResult(profile=chosen, subject=subject_of(bom), findings=tuple(found))
