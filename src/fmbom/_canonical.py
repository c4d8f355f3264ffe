"""The canonical text of a native document, on the standard library alone.

:func:`fmbom.native.dumps` writes every BOM through it, and the replay of an unchanged scan
(:mod:`fmbom._rescan`) writes a stored document through it without importing the object
model: both give the same bytes for the same document.

The text is ``json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)`` and a
newline. With ``indent`` the standard library encodes in pure Python, through a generator
per container; :func:`native_text` writes the same text by appending to one list, and hands
every value that is not an object or an array to the standard library's C encoder, so each
string and number is written exactly as ``json.dumps`` writes it. A document it does not
expect (a key that is not a string, a value of another type, a cycle) is written by
``json.dumps`` itself, which gives its text or its error.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["native_text"]

_STRING = json.encoder.encode_basestring
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
#: sort_keys, skipkeys, allow_nan of the C encoder, as json.dumps sets them.
_FLAGS = (True, False, True)


def _make_encoder(item_separator: str) -> Any:
    """The C encoder as ``json.dumps`` sets it up, with its own item separator."""
    if _C_ENCODER is None:  # pragma: no cover - CPython always has the C encoder
        return json.JSONEncoder(
            ensure_ascii=False, sort_keys=True, separators=(item_separator, ": ")
        ).iterencode
    encoder = _C_ENCODER({}, None, _STRING, None, ": ", item_separator, *_FLAGS)
    return lambda value: encoder(value, 0)


#: The C encoder of a string or a number.
_SCALAR = _make_encoder(", ")
#: The C encoder of each indentation's flat containers: items separated by a comma, a
#: newline and the indentation, as ``json.dumps`` separates them.
_FLAT: dict[str, Any] = {}
#: The types of the values a flat container holds: strings, numbers and None, and each
#: subclass of a string or a number met (a string enumeration), added when first met.
_SCALARS = {str, int, float, bool, type(None)}


class _UnexpectedError(Exception):
    """A document :func:`_write` leaves to ``json.dumps``."""


def _flat(value: Any, pad: str) -> str:
    """An object or array of scalars: the C encoder writes it in one call, then the brackets
    get their own lines."""
    inner = pad + "  "
    encoder = _FLAT.get(inner)
    if encoder is None:
        encoder = _FLAT[inner] = _make_encoder(",\n" + inner)
    text = "".join(encoder(value))
    return f"{text[0]}\n{inner}{text[1:-1]}\n{pad}{text[-1]}"


def _write(value: Any, pad: str, out: list[str]) -> None:
    kind = type(value)
    if kind is dict or kind is list or kind is tuple:
        items = value.values() if kind is dict else value
        if not value:
            out.append("{}" if kind is dict else "[]")
        elif _SCALARS.issuperset(map(type, items)):
            out.append(_flat(value, pad))
        else:
            _nested(value, kind is dict, pad, out)
    elif kind in _SCALARS:
        out.append("".join(_SCALAR(value)))
    elif isinstance(value, (str, int, float)) and not isinstance(value, (dict, list, tuple)):
        # json.dumps writes it as the string or number it is; so does the C encoder.
        _SCALARS.add(kind)
        out.append("".join(_SCALAR(value)))
    else:
        raise _UnexpectedError


def _nested(value: Any, is_object: bool, pad: str, out: list[str]) -> None:
    """An object (keys sorted) or array holding an object or array: one item a line."""
    inner = pad + "  "
    separator = ",\n" + inner
    out.append(("{\n" if is_object else "[\n") + inner)
    first = True
    for entry in sorted(value) if is_object else value:
        if not first:
            out.append(separator)
        first = False
        if is_object:
            if type(entry) is not str:
                raise _UnexpectedError
            out.append(_STRING(entry))
            out.append(": ")
            entry = value[entry]  # noqa: PLW2901 - the key's value, written next
        _write(entry, inner, out)
    out.append("\n" + pad + ("}" if is_object else "]"))


def native_text(document: object) -> str:
    """Sorted keys, two-space indent, characters as they are, one final newline."""
    out: list[str] = []
    try:
        _write(document, "", out)
    except (_UnexpectedError, RecursionError):
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    out.append("\n")
    return "".join(out)
