"""Diff two BOMs: every supply-chain change, classified by a stable rule id and a severity.

::

    from fmbom.diff import diff

    result = diff(old_bom, new_bom)
    for change in result.at_or_above(Severity.HIGH):
        print(change.severity, change.rule, change.message)

See the rule catalog (``RULES``) and :class:`Policy` for severity overrides and ignored rules.
"""

from __future__ import annotations

from fmbom._subject_ref import SubjectRef
from fmbom.diff._documents import DocumentsDiff, diff_documents, diff_owned
from fmbom.diff._engine import PRESENCE_RULES, diff
from fmbom.diff._policy import Policy, parse_severity_override
from fmbom.diff._report import DiffFormat, render
from fmbom.diff._result import SCHEMA_VERSION, Change, ChangeSubject, DiffResult
from fmbom.diff._rules import RULES, RuleId, RuleInfo, mirror_rule
from fmbom.severity import Severity, SeveritySummary

__all__ = [
    "PRESENCE_RULES",
    "RULES",
    "SCHEMA_VERSION",
    "Change",
    "ChangeSubject",
    "DiffFormat",
    "DiffResult",
    "DocumentsDiff",
    "Policy",
    "RuleId",
    "RuleInfo",
    "Severity",
    "SeveritySummary",
    "SubjectRef",
    "diff",
    "diff_documents",
    "diff_owned",
    "mirror_rule",
    "parse_severity_override",
    "render",
]
