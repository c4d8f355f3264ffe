"""Values, messages and the collector of changes shared by the diff engine's comparisons."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from typing import Any

import attrs
from packaging.version import InvalidVersion, Version

from fmbom._subject_ref import SubjectRef
from fmbom.bom import Bom
from fmbom.diff._policy import Policy
from fmbom.diff._result import Change, JsonValue
from fmbom.diff._rules import RULES, RuleId
from fmbom.model import (
    Component,
    Digest,
)
from fmbom.severity import Severity

__all__: list[str] = []

# --- values ----------------------------------------------------------------------------------


def plain(value: Any) -> JsonValue:
    """A JSON value for a model value: enums by value, digests as ``alg:hex``, objects as dicts
    without their empty fields, tuples as lists, dates in ISO 8601."""
    if value is None or (isinstance(value, (bool, int, float)) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, Digest):
        return str(value)
    if isinstance(value, (tuple, list, frozenset, set)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if attrs.has(type(value)):
        out = {}
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if item is None or item == ():
                continue
            out[field.name] = plain(item)
        return out
    return str(value)


def _label(component: Component) -> str:
    return f"{component.name} {component.version}" if component.version else component.name


@lru_cache(maxsize=65536)
def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _shown(value: JsonValue) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _changed_text(field: str, before: JsonValue, after: JsonValue) -> str:
    """``field changed: before -> after`` with long values shortened."""
    if before is None:
        return f"{field} set to {_shown(after)}"
    if after is None:
        return f"{field} removed (was {_shown(before)})"
    return f"{field} changed: {_shown(before)} -> {_shown(after)}"


def _or_none(value: object) -> str:
    """A value for a message: ``(none)`` where there is none, never Python's ``None``."""
    return "(none)" if value is None else str(value)


def _one_or_list(items: list[str]) -> JsonValue:
    return items[0] if len(items) == 1 else items


# --- collecting changes ----------------------------------------------------------------------


def _subject_of(component: Component) -> SubjectRef:
    return SubjectRef(kind=component.kind, name=component.name, ref=component.ref)


@attrs.define
class _Collector:
    old: Bom
    new: Bom
    policy: Policy
    changes: list[Change] = attrs.field(factory=list)
    old_to_new: dict[str, str] = attrs.field(factory=dict)
    new_to_old: dict[str, str] = attrs.field(factory=dict)
    _reach_cache: dict[tuple[bool, str], tuple[SubjectRef, ...]] = attrs.field(factory=dict)
    #: What rests on a ref in the old and the new document, when the BOMs compared hold only
    #: part of them (see :mod:`fmbom.diff._documents`); None: the BOMs' own.
    dependents: tuple[Dependents, Dependents] | None = None

    def system(self) -> SubjectRef:
        subject = self.new.metadata.subject
        return SubjectRef(kind=subject.unit, name=subject.name, ref=None)

    def reaches(self, old_ref: str | None, new_ref: str | None) -> tuple[SubjectRef, ...]:
        """What rests on a component, nearest first, ending with the system; nothing for the
        described system itself (no ref on either side)."""
        on_new = new_ref is not None
        ref = new_ref if new_ref is not None else old_ref
        if ref is None:
            return ()
        key = (on_new, ref)
        found = self._reach_cache.get(key)
        if found is None:
            if self.dependents is not None:
                found = (*self.dependents[on_new](ref), self.system())
            else:
                bom = self.new if on_new else self.old
                found = (*(_subject_of(c) for c in bom.dependents(ref)), self.system())
            self._reach_cache[key] = found
        return found

    def add(
        self,
        rule: RuleId,
        subject: SubjectRef,
        message: str,
        *,
        old_ref: str | None,
        new_ref: str | None,
        field: str | None = None,
        before: JsonValue = None,
        after: JsonValue = None,
        severity: Severity | None = None,
    ) -> None:
        default = severity if severity is not None else RULES[rule].severity
        resolved = self.policy.resolve(rule, subject.kind, default)
        if resolved is None:
            return
        reaches = self.reaches(old_ref, new_ref)
        self.changes.append(
            Change(
                rule=rule,
                severity=resolved,
                subject=subject,
                field=field,
                before=before,
                after=after,
                message=message,
                reaches=reaches,
                old_ref=old_ref,
                new_ref=new_ref,
            )
        )


_Add = Callable[..., None]
#: What rests on a ref, nearest first (as :meth:`fmbom.bom.Bom.dependents`, as subjects).
Dependents = Callable[[str], tuple[SubjectRef, ...]]
