"""The typed result of a diff: changes, their subjects, and the summary."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

import attrs

from fmbom.severity import Severity

__all__ = ["SCHEMA_VERSION", "Change", "ChangeSubject", "DiffResult", "JsonValue"]

#: The value of the ``"fmbom-diff"`` key of the JSON report.
SCHEMA_VERSION = "1"

#: What ``before`` and ``after`` hold: plain JSON values.
JsonValue = Any


@attrs.frozen(kw_only=True)
class ChangeSubject:
    """What a change is about: a component (its kind, name and ref) or the described system.

    For the described system (the BOM's subject) ``kind`` is its unit, such as
    ``deployed-system``, and ``ref`` is None.
    """

    kind: str
    name: str
    ref: str | None

    def to_json(self) -> dict[str, str | None]:
        """``{"kind": ..., "name": ..., "ref": ...}``."""
        return {"kind": self.kind, "name": self.name, "ref": self.ref}

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


@attrs.frozen(kw_only=True)
class Change:
    """One classified change between two BOMs.

    ``subject.ref`` is the ref in the new BOM, or in the old one for a removed component;
    ``old_ref`` and ``new_ref`` give both (None on the side where the component does not
    exist, or for changes to the described system). ``reaches`` lists what rests on the
    subject downstream, nearest first, ending with the described system.
    """

    rule: str
    severity: Severity
    subject: ChangeSubject
    field: str | None
    before: JsonValue
    after: JsonValue
    message: str
    reaches: tuple[ChangeSubject, ...] = ()
    old_ref: str | None = None
    new_ref: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The change as an object of the JSON report."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "subject": self.subject.to_json(),
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "message": self.message,
            "reaches": [r.to_json() for r in self.reaches],
        }


def _count(changes: tuple[Change, ...]) -> Mapping[Severity, int]:
    counts = dict.fromkeys(reversed(Severity), 0)
    for change in changes:
        counts[change.severity] += 1
    return counts


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
    def summary(self) -> Mapping[Severity, int]:
        """Number of changes of each severity, every severity present, critical first."""
        return _count(self.changes)

    @property
    def max_severity(self) -> Severity | None:
        """The highest severity among the changes, or None when there is none."""
        return max((c.severity for c in self.changes), default=None)

    def at_or_above(self, severity: Severity) -> tuple[Change, ...]:
        """The changes whose severity is ``severity`` or higher."""
        return tuple(c for c in self.changes if c.severity >= severity)

    def by_rule(self, rule: str) -> tuple[Change, ...]:
        """The changes reported under one rule id."""
        return tuple(c for c in self.changes if c.rule == rule)

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
            "summary": {s.value: n for s, n in self.summary.items()},
            "changes": [c.to_json() for c in self.changes],
        }
