"""What a diff change or a check finding is about: one component, or the described system.

Diff changes and check findings share one :class:`SubjectRef`: the component's kind, name and
ref, or, for the described system (the BOM's :class:`~fmbom.bom.Subject`), its unit
(``deployed-system``, ``base-model``, ...), its name and no ref. ``kind`` is a
:class:`~fmbom.model.ComponentKind` or a :class:`~fmbom.governance.Unit`; vocabulary strings
are accepted and converted.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, TypeAlias

import attrs

from fmbom.errors import ValidationError
from fmbom.governance import Unit
from fmbom.model import ComponentKind

__all__ = ["SUBJECT_KINDS", "SubjectKind", "SubjectRef", "subject_kind"]

#: A component kind, or the unit of the described system.
SubjectKind: TypeAlias = ComponentKind | Unit

#: Every subject kind by its name: the component kinds, then the units.
SUBJECT_KINDS: Final[Mapping[str, SubjectKind]] = MappingProxyType(
    {kind.value: kind for kind in (*ComponentKind, *Unit)}
)


def subject_kind(value: object) -> SubjectKind:
    """The component kind or unit ``value`` names; ``ValidationError`` naming the choices."""
    if isinstance(value, (ComponentKind, Unit)):
        return value
    found = SUBJECT_KINDS.get(value) if isinstance(value, str) else None
    if found is None:
        known = ", ".join(SUBJECT_KINDS)
        raise ValidationError(f"unknown component kind {value!r} (known: {known})", "kind")
    return found


@attrs.frozen(kw_only=True)
class SubjectRef:
    """A component (its kind, name and ref) or the described system (its unit, name, no ref)."""

    kind: SubjectKind = attrs.field(converter=subject_kind)
    name: str
    ref: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """``{"kind": ..., "name": ..., "ref": ...}``."""
        return {"kind": self.kind.value, "name": self.name, "ref": self.ref}

    def __str__(self) -> str:
        return f"{self.kind.value} {self.name}"
