"""Field values as strings: how the format writers carry a field that has no place of its own.

CycloneDX properties and SPDX 3 extension entries both name such a field ``fmbom:<field>`` and
hold its value as the bare string for strings and enums, compact canonical JSON otherwise.
"""

from __future__ import annotations

import json
import typing
from enum import Enum
from typing import Any, Final

import attrs
from cattrs.errors import BaseValidationError

from fmbom.errors import FmbomError
from fmbom.native import _CONVERTER

__all__ = [
    "DECODE_ERRORS",
    "decode_field",
    "dumps_compact",
    "encode_value",
    "field_property",
    "field_types",
]


def dumps_compact(value: Any) -> str:
    """Canonical compact JSON (sorted keys)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def field_property(name: str) -> str:
    """The name that carries an fmbom field: ``fmbom:<field-with-dashes>``."""
    return "fmbom:" + name.replace("_", "-")


_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def field_types(cls: type) -> dict[str, Any]:
    """Resolved types of the attrs fields of ``cls`` (strings under postponed annotations)."""
    found = _FIELD_TYPES.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _FIELD_TYPES[cls] = {f.name: hints[f.name] for f in attrs.fields(cls)}
    return found


def _is_plain(tp: Any) -> bool:
    """True for types stored as the bare string: str, enums and their optional forms."""
    args = [a for a in typing.get_args(tp) if a is not type(None)] or [tp]
    return len(args) == 1 and (
        args[0] is str or (isinstance(args[0], type) and issubclass(args[0], Enum))
    )


def encode_value(value: Any) -> str:
    """A field value as a string: strings bare, everything else canonical JSON."""
    plain = _CONVERTER.unstructure(value)
    if isinstance(plain, str):
        return plain
    return dumps_compact(plain)


#: What :func:`decode_field` raises for a value that is not a valid value of its field.
DECODE_ERRORS: Final = (FmbomError, ValueError, TypeError, KeyError, BaseValidationError)


def decode_field(cls: type, name: str, raw: str) -> Any:
    """Read back a value written by :func:`encode_value` for field ``name`` of ``cls``."""
    tp = field_types(cls)[name]
    if _is_plain(tp):
        return _CONVERTER.structure(raw, tp)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw  # a value whose JSON form is a string (a date, a time) is written bare
    return _CONVERTER.structure(value, tp)
