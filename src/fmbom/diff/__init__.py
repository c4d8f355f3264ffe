"""Diff two BOMs: every supply-chain change, classified by a stable rule id and a severity.

::

    from fmbom.diff import diff

    result = diff(old_bom, new_bom)
    for change in result.at_or_above(Severity.HIGH):
        print(change.severity, change.rule, change.message)

See the rule catalog (``RULES``) and :class:`Policy` for severity overrides and ignored rules.
"""

from __future__ import annotations

from fmbom.diff._engine import diff
from fmbom.diff._policy import Policy, parse_severity_override
from fmbom.diff._result import SCHEMA_VERSION, Change, ChangeSubject, DiffResult
from fmbom.diff._rules import RULES, RuleInfo, mirror_rule
from fmbom.severity import Severity

__all__ = [
    "RULES",
    "SCHEMA_VERSION",
    "Change",
    "ChangeSubject",
    "DiffResult",
    "Policy",
    "RuleInfo",
    "Severity",
    "diff",
    "mirror_rule",
    "parse_severity_override",
]
