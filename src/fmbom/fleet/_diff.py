"""``diff_fleets``: compare two fleet scans, unit by unit, in one report.

Units are paired by their id (their path under the scanned root); a unit left over on both
sides is then paired by the kind and name of what it holds when that pair is unique (a
folder that moved), and the move is reported. A paired unit's BOMs are compared by
:func:`fmbom.diff.diff`; every component of an added or removed unit is reported added or
removed under the rule the single diff uses for its kind (a new dataset is ``dataset-added``,
new pickle weights ``unsafe-format-introduced``), so a fleet's severities and policy are the
single diff's. A unit whose BOM is missing or unreadable is an error, never an empty diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import attrs

from fmbom._formats import DiffFormat
from fmbom._subject_ref import SubjectKind, SubjectRef
from fmbom.bom import Bom
from fmbom.diff import PRESENCE_RULES, RULES, Change, DiffResult, Policy, RuleId, diff
from fmbom.diff import render as render_diff
from fmbom.errors import FmbomError, InputFormatError, Problem
from fmbom.fleet._index import FleetUnit, read_index
from fmbom.governance import Unit
from fmbom.model import AnyComponent, Weights
from fmbom.severity import Severity, SeveritySummary

__all__ = ["FleetDiff", "UnitChange", "diff_fleets", "render_fleet_diff"]

UnitStatus = Literal["added", "removed", "changed", "unchanged"]


@attrs.frozen(kw_only=True)
class UnitChange:
    """One unit of the two fleets: its ids on each side, what happened, its changes."""

    unit: str
    status: UnitStatus
    old: FleetUnit | None
    new: FleetUnit | None
    changes: tuple[Change, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "status": self.status,
            "old": self.old.unit if self.old is not None else None,
            "new": self.new.unit if self.new is not None else None,
            "summary": SeveritySummary(c.severity for c in self.changes).to_json(),
        }


@attrs.frozen(kw_only=True)
class FleetDiff:
    """Every unit of two fleets and every change, most severe first."""

    units: tuple[UnitChange, ...]

    def items(self) -> Iterator[tuple[str, Change]]:
        """(unit id, change) for every change, most severe first, then by unit."""
        pairs = [(u.unit, c) for u in self.units for c in u.changes]
        return iter(sorted(pairs, key=lambda p: p[1].severity, reverse=True))

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for _, c in self.items())

    @property
    def summary(self) -> SeveritySummary:
        return SeveritySummary(c.severity for c in self.changes)

    def at_or_above(self, severity: Severity) -> tuple[Change, ...]:
        """The changes whose severity is ``severity`` or higher."""
        return tuple(c for c in self.changes if c.severity >= severity)

    def count(self, status: UnitStatus) -> int:
        return sum(1 for u in self.units if u.status == status)

    def to_json(self) -> dict[str, Any]:
        """The diff report (``summary``, ``changes``) with each change's ``unit``, and
        ``units``: every unit's status and summary."""
        changes = []
        for unit, change in self.items():
            entry = change.to_json()
            entry["unit"] = unit
            changes.append(entry)
        return {
            "fmbom-diff": "1",
            "fleet": True,
            "summary": self.summary.to_json(),
            "changes": changes,
            "units": [u.to_json() for u in self.units],
        }


def _label(component: AnyComponent) -> str:
    name = f"{component.group}/{component.name}" if component.group else component.name
    return f"{name}@{component.version}" if component.version else name


def _presence(bom: Bom, unit: str, policy: Policy, *, added: bool) -> tuple[Change, ...]:
    """Every component of a unit that appeared or disappeared with it."""
    found = []
    for component in bom.components:
        if isinstance(component, Weights) and component.format.is_unsafe:
            rule = RuleId.UNSAFE_FORMAT_INTRODUCED if added else RuleId.UNSAFE_FORMAT_REMOVED
        else:
            pair = PRESENCE_RULES[component.kind]
            rule = pair[0] if added else pair[1]
        severity = policy.resolve(rule, component.kind, RULES[rule].severity)
        if severity is None:
            continue
        label = _label(component)
        what = "added with the new" if added else "removed with the"
        found.append(
            Change(
                rule=rule,
                severity=severity,
                subject=SubjectRef(kind=component.kind, name=label, ref=component.ref),
                field=None,
                before=None if added else label,
                after=label if added else None,
                message=f"{component.kind.value} {label} {what} unit {unit}",
                old_ref=None if added else component.ref,
                new_ref=component.ref if added else None,
            )
        )
    return tuple(sorted(found, key=lambda c: c.severity, reverse=True))


def _load(folder: Path, entry: FleetUnit) -> Bom:
    from fmbom.io import read_bom

    if entry.bom is None:
        first = entry.problems[0].message if entry.problems else "no BOM"
        raise InputFormatError(
            f"unit {entry.unit} has no BOM (its scan failed: {first}); cannot compare",
            source=str(folder / "index.json"),
        )
    return read_bom(folder / entry.bom)


def _moved(
    old: dict[str, FleetUnit], new: dict[str, FleetUnit]
) -> list[tuple[FleetUnit, FleetUnit]]:
    """Units left over on both sides with the same unique (kind, name): a folder moved."""

    def by_identity(units: dict[str, FleetUnit]) -> dict[tuple[str, str], FleetUnit]:
        seen: dict[tuple[str, str], list[FleetUnit]] = {}
        for unit in units.values():
            if unit.kind is not None and unit.name is not None:
                seen.setdefault((unit.kind, unit.name), []).append(unit)
        return {key: found[0] for key, found in seen.items() if len(found) == 1}

    left, right = by_identity(old), by_identity(new)
    return [(left[key], right[key]) for key in sorted(left.keys() & right.keys())]


def diff_fleets(
    old: str | os.PathLike[str], new: str | os.PathLike[str], policy: Policy | None = None
) -> FleetDiff:
    """Every change between two ``fmbom scan --each`` output folders.

    Raises :class:`InputFormatError` (one error listing every problem) when a folder has no
    valid ``index.json`` or a unit's BOM is missing or unreadable.
    """
    rules = policy if policy is not None else Policy()
    old_dir, new_dir = Path(old), Path(new)
    old_index, new_index = read_index(old_dir), read_index(new_dir)
    left = {u.unit: u for u in old_index.units}
    right = {u.unit: u for u in new_index.units}
    pairs = [(left[k], right[k]) for k in sorted(left.keys() & right.keys())]
    rest_old = {k: u for k, u in left.items() if k not in right}
    rest_new = {k: u for k, u in right.items() if k not in left}
    moved = _moved(rest_old, rest_new)
    for a, b in moved:
        del rest_old[a.unit], rest_new[b.unit]
    problems: list[Problem] = []
    results: list[UnitChange] = []

    def loaded(folder: Path, entry: FleetUnit) -> Bom | None:
        try:
            return _load(folder, entry)
        except FmbomError as error:
            problems.extend(Problem(entry.unit, line) for line in error.lines())
            return None

    for a, b in [*pairs, *moved]:
        before, after = loaded(old_dir, a), loaded(new_dir, b)
        if before is None or after is None:
            continue
        changes = list(diff(before, after, rules).changes)
        move = _move_change(a, b, after, rules) if a.unit != b.unit else None
        if move is not None:
            changes.append(move)
        status: UnitStatus = "changed" if changes else "unchanged"
        ordered = tuple(sorted(changes, key=_severity, reverse=True))
        results.append(UnitChange(unit=b.unit, status=status, old=a, new=b, changes=ordered))
    alone: list[tuple[Path, dict[str, FleetUnit], UnitStatus]] = [
        (old_dir, rest_old, "removed"),
        (new_dir, rest_new, "added"),
    ]
    for folder, rest, gone_or_came in alone:
        for entry in rest.values():
            bom = loaded(folder, entry)
            if bom is None:
                continue
            added = gone_or_came == "added"
            results.append(
                UnitChange(
                    unit=entry.unit,
                    status=gone_or_came,
                    old=None if added else entry,
                    new=entry if added else None,
                    changes=_presence(bom, entry.unit, rules, added=added),
                )
            )
    if problems:
        raise InputFormatError(problems=problems)
    return FleetDiff(units=tuple(sorted(results, key=lambda u: u.unit)))


def _severity(change: Change) -> Severity:
    return change.severity


def _move_change(a: FleetUnit, b: FleetUnit, bom: Bom, policy: Policy) -> Change | None:
    rule = RuleId.FIELD_CHANGED
    main = next(
        (c for c in bom.components if c.kind.value == b.kind and _named(c) == b.name),
        None,
    )
    kind: SubjectKind = main.kind if main is not None else Unit.RELEASE_ARTIFACT
    severity = policy.resolve(rule, kind, RULES[rule].severity)
    if severity is None:
        return None
    return Change(
        rule=rule,
        severity=severity,
        subject=SubjectRef(kind=kind, name=b.name or b.unit, ref=main.ref if main else None),
        field="unit",
        before=a.unit,
        after=b.unit,
        message=f"{kind.value} {b.name} moved from unit {a.unit} to {b.unit}",
    )


def _named(component: AnyComponent) -> str:
    return f"{component.group}/{component.name}" if component.group else component.name


def render_fleet_diff(
    result: FleetDiff,
    format: DiffFormat | str,  # noqa: A002 - the CLI's name
    *,
    colour: bool = False,
) -> str:
    """The fleet report in ``format``: the single diff's report of every change (each
    message names its unit) after a line counting the units by status; JSON adds ``unit`` to
    every change and a ``units`` list."""
    chosen = DiffFormat.coerce(format, "format")
    if chosen is DiffFormat.JSON:
        return json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    named = tuple(attrs.evolve(c, message=f"{u}: {c.message}") for u, c in result.items())
    body = render_diff(DiffResult(changes=named), chosen, colour=colour)
    counts = ", ".join(
        f"{result.count(s)} {s}" for s in ("added", "removed", "changed", "unchanged")
    )
    line = f"Units: {counts}"
    if chosen is DiffFormat.MARKDOWN:
        head, _, tail = body.partition("\n\n")
        return f"{head}\n\n{line}\n\n{tail}"
    return f"{line}\n{body}"
