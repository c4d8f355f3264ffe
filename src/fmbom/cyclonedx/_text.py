"""Fast, deterministic JSON text for CycloneDX documents.

The standard library only uses its C encoder without indentation; with ``indent`` it falls
back to pure Python, several times slower on large documents. This writer indents the
structure but hands every flat object or list (a property, a hash, a reference, a list of
strings) to the C encoder whole, printing it on one line. Keys keep their insertion order,
which the exporter makes deterministic.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["compact", "json_text"]

_STRING = json.encoder.encode_basestring
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
#: sort_keys, skipkeys, allow_nan of the C encoder.
_FLAGS = (False, False, True)


def _make_flat() -> Any:
    if _C_ENCODER is None:  # pragma: no cover - CPython always has the C encoder
        return json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    encoder = _C_ENCODER(None, None, json.encoder.encode_basestring, None, ": ", ", ", *_FLAGS)

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return str(_STRING(value))
        return "".join(encoder(value, 0))

    return encode


_FLAT = _make_flat()


def _make_compact() -> Any:
    if _C_ENCODER is None:  # pragma: no cover - CPython always has the C encoder
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    encoder = _C_ENCODER(None, None, json.encoder.encode_basestring, None, ":", ",", *_FLAGS)

    def encode(value: Any) -> str:
        return "".join(encoder(value, 0))

    return encode


#: Compact JSON of plain data (keys in insertion order), through the C encoder.
compact = _make_compact()


_CONTAINERS = frozenset({dict, list})


def _flat(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return _CONTAINERS.isdisjoint(map(type, items))


def _write(value: Any, pad: str, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value or _flat(value):
            out.append(_FLAT(value))
            return
        inner = pad + "  "
        out.append("{\n")
        last = len(value) - 1
        for index, (key, item) in enumerate(value.items()):
            out.append(inner)
            out.append(_STRING(key))
            out.append(": ")
            _write(item, inner, out)
            out.append("\n" if index == last else ",\n")
        out.append(pad)
        out.append("}")
    elif isinstance(value, list):
        if not value or _flat(value):
            out.append(_FLAT(value))
            return
        inner = pad + "  "
        out.append("[\n")
        last = len(value) - 1
        for index, item in enumerate(value):
            out.append(inner)
            _write(item, inner, out)
            out.append("\n" if index == last else ",\n")
        out.append(pad)
        out.append("]")
    else:
        out.append(_FLAT(value))


def json_text(document: dict[str, Any]) -> str:
    """The document as indented JSON with flat objects on one line, ending in a newline."""
    out: list[str] = []
    _write(document, "", out)
    out.append("\n")
    return "".join(out)
