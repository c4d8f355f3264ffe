"""The typed result of a diff: changes, their subjects, and the summary."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

import attrs

from fmbom._subject_ref import SubjectRef
from fmbom.diff._rules import RuleId, rule_id
from fmbom.severity import Severity, SeveritySummary

__all__ = ["SCHEMA_VERSION", "Change", "ChangeSubject", "DiffResult", "JsonValue"]

#: The value of the ``"fmbom-diff"`` key of the JSON report.
SCHEMA_VERSION = "1"

#: What ``before`` and ``after`` hold: plain JSON values.
JsonValue = Any


#: What a change is about: the :class:`SubjectRef` that check findings use too.
ChangeSubject = SubjectRef


@attrs.frozen(kw_only=True)
class Change:
    """One classified change between two BOMs.

    ``subject.ref`` is the ref in the new BOM, or in the old one for a removed component;
    ``old_ref`` and ``new_ref`` give both (None on the side where the component does not
    exist, or for changes to the described system). ``reaches`` lists what rests on the
    subject downstream, nearest first, ending with the described system.
    """

    rule: RuleId = attrs.field(converter=rule_id)
    severity: Severity
    subject: SubjectRef
    field: str | None
    before: JsonValue
    after: JsonValue
    message: str
    reaches: tuple[SubjectRef, ...] = ()
    old_ref: str | None = None
    new_ref: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The change as an object of the JSON report."""
        return {
            "rule": self.rule.value,
            "severity": self.severity.value,
            "subject": self.subject.to_json(),
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "message": self.message,
            "reaches": [r.to_json() for r in self.reaches],
        }


@attrs.frozen(kw_only=True)
class DiffResult:
    """All changes from an old BOM to a new one, most severe first, in a stable order.

    ``matched`` maps the ref of every component of the old BOM that has a counterpart in the
    new BOM to that counterpart's ref.
    """

    changes: tuple[Change, ...]
    matched: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    @property
    def summary(self) -> SeveritySummary:
        """Number of changes of each severity, every severity present, critical first."""
        return SeveritySummary(c.severity for c in self.changes)

    @property
    def max_severity(self) -> Severity | None:
        """The highest severity among the changes, or None when there is none."""
        return max((c.severity for c in self.changes), default=None)

    def at_or_above(self, severity: Severity) -> tuple[Change, ...]:
        """The changes whose severity is ``severity`` or higher."""
        return tuple(c for c in self.changes if c.severity >= severity)

    def by_rule(self, rule: str | RuleId) -> tuple[Change, ...]:
        """The changes reported under one rule id (``ValueError`` for an unknown one)."""
        wanted = RuleId.parse(rule)
        return tuple(c for c in self.changes if c.rule is wanted)

    def added_refs(self) -> frozenset[str]:
        """Refs (in the new BOM) of components that have no counterpart in the old one."""
        return frozenset(
            c.new_ref for c in self.changes if c.old_ref is None and c.new_ref is not None
        )

    def removed_refs(self) -> frozenset[str]:
        """Refs (in the old BOM) of components that have no counterpart in the new one."""
        return frozenset(
            c.old_ref for c in self.changes if c.new_ref is None and c.old_ref is not None
        )

    def changed_refs(self, side: Literal["old", "new"] = "new") -> frozenset[str]:
        """Refs of kept components with at least one change, on the ``old`` or ``new`` side.

        A relation change counts for the component it starts from.
        """
        found: set[str] = set()
        for change in self.changes:
            if change.old_ref is not None and change.new_ref is not None:
                found.add(change.old_ref if side == "old" else change.new_ref)
        return frozenset(found)

    def to_json(self) -> dict[str, Any]:
        """The JSON report: ``{"fmbom-diff": "1", "summary": {...}, "changes": [...]}``."""
        return {
            "fmbom-diff": SCHEMA_VERSION,
            "summary": self.summary.to_json(),
            "changes": [c.to_json() for c in self.changes],
        }
