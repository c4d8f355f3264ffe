"""Fields of an interchange format that the object model has no native place for.

A CycloneDX document written by another tool holds more than fmbom models: evidence,
compositions, formulation, release notes, a second and third service endpoint, the exact
shape of a model card's considerations. Reading such a document keeps each of those values as
an :class:`Extension`: the format it came from, where it sits in that format (a dotted path
relative to the object that carries it, such as ``modelCard.considerations`` on a component
or ``compositions`` on the document) and the JSON value itself. Writing the same format puts
each value back in its place, so the document round-trips; ``diff`` compares extensions path
by path like any other field.

An extension whose ``removed`` flag is set records that the original object had no value at
that path where fmbom's own mapping would write one (a service without a data flow, say).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeAlias

import attrs

from fmbom import _validate as v
from fmbom.errors import ValidationError

__all__ = ["Extension", "JsonValue", "encoded", "extension_tuple"]

#: A JSON value: what an extension holds.
JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"


def _canonical(value: object) -> str:
    """The canonical JSON text of a value (sorted keys, no spaces); refuses non-JSON values."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"not a JSON value: {error}", "value") from None


@attrs.frozen(kw_only=True)
class Extension:
    """A value kept verbatim from an interchange format, with where it belongs there."""

    #: The format the value belongs to, such as ``cyclonedx``.
    format: str = attrs.field(validator=v.non_empty)
    #: Where the value sits in that format, relative to the object that carries it.
    path: str = attrs.field(validator=v.non_empty)
    #: The canonical JSON text of the value (use :attr:`value` for the parsed value).
    text: str = "null"
    #: The original had no value at ``path`` (the format's default mapping is suppressed).
    removed: bool = False
    #: What fmbom's own writer wrote at ``path`` when the value was read, as canonical JSON
    #: text (``null``: nothing), or None when that is not known. Writing the format applies
    #: the value only while the writer still writes the same there, so an edit of the field
    #: the value stood for wins over the value carried from before the edit.
    basis: str | None = None

    @classmethod
    def of(
        cls,
        format: str,  # noqa: A002
        path: str,
        value: Any,
        basis: str | None = None,
    ) -> Extension:
        """An extension holding the JSON value ``value``."""
        return cls(format=format, path=path, text=_canonical(value), basis=basis)

    @classmethod
    def absent(cls, format: str, path: str, basis: str | None = None) -> Extension:  # noqa: A002
        """An extension recording that the original had no value at ``path``."""
        return cls(format=format, path=path, removed=True, basis=basis)

    @property
    def value(self) -> JsonValue:
        """The JSON value (None when ``removed``)."""
        parsed: JsonValue = json.loads(self.text)
        return parsed

    def __attrs_post_init__(self) -> None:
        try:
            json.loads(self.text)
        except (TypeError, ValueError):
            raise ValidationError(f"not JSON text: {self.text[:40]!r}", "text") from None
        if self.basis is not None:
            try:
                json.loads(self.basis)
            except (TypeError, ValueError):
                raise ValidationError(f"not JSON text: {self.basis[:40]!r}", "basis") from None


def encoded(
    format: str,  # noqa: A002
    path: str,
    text: str,
    *,
    removed: bool = False,
    basis: str | None = None,
) -> Extension:
    """An extension from texts a JSON encoder wrote (``text``, ``basis``), not parsed again
    (for readers that make many); the format and path are checked as always."""
    if type(format) is not str or type(path) is not str or not format.strip() or not path.strip():
        return Extension(format=format, path=path, text=text, removed=removed, basis=basis)
    extension = object.__new__(Extension)
    set_ = object.__setattr__
    set_(extension, "format", format)
    set_(extension, "path", path)
    set_(extension, "text", text)
    set_(extension, "removed", removed)
    set_(extension, "basis", basis)
    return extension


def extension_tuple(items: Iterable[Extension]) -> tuple[Extension, ...]:
    """Extensions in canonical order (format, then path); one per format and path."""
    found: dict[tuple[str, str], Extension] = {}
    for item in items:
        if not isinstance(item, Extension):
            raise ValidationError(f"not an Extension: {item!r}")
        key = (item.format, item.path)
        if key in found and found[key] != item:
            raise ValidationError(f"two values for {item.format} path {item.path!r}")
        found[key] = item
    return tuple(found[key] for key in sorted(found))
