"""The element graph of an SPDX 3 JSON-LD document, read leniently and indexed.

Documents from other tools often deviate from SPDX 3.0.1 in the same few ways: class and
property names without their profile prefix (``AIPackage``, ``typeOfModel``), a top-level
``element`` array instead of ``@graph``. :func:`load_graph` reads them anyway and returns one
warning per deviation, so a strict caller can refuse the document instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any, Final

import attrs

from fmbom.errors import InputFormatError
from fmbom.spdx._names import CONTEXT_URL, EXPORTER_ENTRY

__all__ = ["Graph", "entries", "is_spdx3", "load_graph", "strings"]


@cache
def _prefixed_names() -> dict[str, str]:
    """Unprefixed name → profile-prefixed name, for every name of the 3.0.1 context."""
    text = resources.files("fmbom.spdx").joinpath("data/spdx-context.jsonld").read_text("utf-8")
    terms = json.loads(text)["@context"]
    out: dict[str, str] = {}
    for term in terms:
        if "_" in term:
            short = term.split("_", 1)[1]
            if short not in terms:
                out[short] = term
    return out


def is_spdx3(document: Any) -> bool:
    """True when a parsed JSON document looks like SPDX 3 JSON-LD (ours or another tool's)."""
    if not isinstance(document, dict):
        return False
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if any(isinstance(c, str) and "spdx.org/rdf/3" in c for c in contexts):
        return True
    return (
        "@graph" not in document
        and isinstance(document.get("element"), list)
        and (isinstance(document.get("spdxId"), str) or "@context" in document)
    )


@attrs.define
class Graph:
    """The elements of a document, by id, with relationships indexed by their ``from``."""

    elements: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]]
    outgoing: dict[str, list[dict[str, Any]]]
    warnings: list[str]

    def of_type(self, *types: str) -> Iterator[dict[str, Any]]:
        """The elements of the given classes, in document order."""
        return (e for e in self.elements if e.get("type") in types)

    def objects(self, value: Any) -> list[dict[str, Any] | str]:
        """The objects a property holds (one or a list): inline objects, and objects named by
        their IRI (JSON-LD lets either stand); an IRI with no object behind it stays a string."""
        out: list[dict[str, Any] | str] = []
        for item in value if isinstance(value, list) else [] if value is None else [value]:
            if isinstance(item, dict):
                out.append(item)
            elif isinstance(item, str):
                out.append(self.by_id.get(item, item))
        return out


def strings(value: Any) -> list[str]:
    """A property that should hold a list of strings (a lone string counts as one)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def entries(element: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, value) of every ``extension_CdxPropertyEntry`` of an element, in order."""
    out = []
    extensions = element.get("extension")
    for extension in extensions if isinstance(extensions, list) else ():
        if not isinstance(extension, dict):
            continue
        items = extension.get("extension_cdxProperty")
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and isinstance(item.get("extension_cdxPropName"), str):
                value = item.get("extension_cdxPropValue")
                out.append((item["extension_cdxPropName"], value if isinstance(value, str) else ""))
    return out


_SCALARS: Final = (str, int, float, bool)
#: Terms that name one thing: the reader indexes by them, so a list is refused too.
_SINGLE: Final = {
    "type": ("a class name", (str,)),
    "spdxId": ("an IRI", (str,)),
    "@id": ("an IRI", (str,)),
    "relationshipType": ("a relationship type", (str,)),
    "from": ("an element IRI", (str,)),
    "creationInfo": ("a CreationInfo IRI or object", (str, dict)),
}


@cache
def _lists() -> frozenset[str]:
    """The terms the 3.0.1 JSON schema makes arrays (``profileConformance``, ...)."""
    text = resources.files("fmbom.spdx").joinpath("data/spdx-json-schema.json").read_text("utf-8")
    found: set[str] = set()
    for name, definition in json.loads(text)["$defs"].items():
        if not name.endswith("_props") or not isinstance(definition, dict):
            continue
        for part in definition.get("allOf", ()):
            for term, shape in part.get("properties", {}).items():
                options = shape.get("anyOf", [shape]) if isinstance(shape, dict) else []
                if any(isinstance(o, dict) and o.get("type") == "array" for o in options):
                    found.add(term)
    return frozenset(found)


@cache
def _terms() -> dict[str, str]:
    """Term → ``literal``, ``member`` (of an enumeration) or ``reference`` (an IRI or an object),
    for the typed terms of the 3.0.1 context."""
    text = resources.files("fmbom.spdx").joinpath("data/spdx-context.jsonld").read_text("utf-8")
    out: dict[str, str] = {}
    for term, definition in json.loads(text)["@context"].items():
        if not isinstance(definition, dict) or definition.get("@type") is None:
            continue
        if definition["@type"] != "@vocab":
            out[term] = "literal"
        elif "@context" in definition:
            out[term] = "members" if term in _lists() else "member"
        else:
            out[term] = "reference"
    return out


def _misfit(key: str, value: Any) -> str | None:
    """Why ``value`` cannot be the value of the term ``key``, or None when it can. Odd
    literals (a size of ``"big"``) are the reader's to keep or warn about; the structure is
    checked here: one value where the reader indexes by it, literals where SPDX has a literal
    (one or a list), references or objects where it has references."""
    single = _SINGLE.get(key)
    if single is not None:
        what, allowed = single
        return None if isinstance(value, allowed) else f"must be {what}"
    term = _terms().get(key)
    items = value if isinstance(value, list) else [value]
    if term == "member":
        return None if isinstance(value, str) else "must be the name of one member"
    if term == "members":
        return None if all(isinstance(i, str) for i in items) else "must be member names"
    if term == "literal":
        if all(item is None or isinstance(item, _SCALARS) for item in items):
            return None
        return "must be a literal value or a list of them"
    if term == "reference":
        if all(isinstance(item, (str, dict)) for item in items):
            return None
        return "must be an IRI or an object, or a list of them"
    return None


def check_shapes(value: Any, source: str, path: str) -> None:
    """Refuse a value whose JSON structure does not fit its SPDX 3.0.1 term, anywhere in
    ``value``, with the JSON path of the first one."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        for key, item in node.items():
            here = f"{where}.{key}"
            problem = _misfit(key, item)
            if problem is not None:
                raise InputFormatError(f"{problem}, not {type(item).__name__}", source, path=here)
            stack.append((item, here))


class _Renamer:
    """Adds the profile prefix to names that lack it, noting each name once."""

    def __init__(self) -> None:
        self.names = _prefixed_names()
        self.seen: dict[str, str] = {}

    def fix(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.fix(item) for item in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            new_key: str = self.names.get(key) or key
            if new_key != key:
                self.seen.setdefault(key, new_key)
            if new_key == "type" and isinstance(item, str) and item in self.names:
                self.seen.setdefault(item, self.names[item])
                out[new_key] = self.names[item]
            else:
                out[new_key] = self.fix(item)
        return out


def load_graph(document: Any, source: str) -> Graph:
    """Index the elements of an SPDX 3 document; deviations read leniently, with warnings."""
    if not isinstance(document, dict):
        raise InputFormatError("an SPDX 3 document must be a JSON object", source)
    warnings: list[str] = []
    raw = document.get("@graph")
    if raw is None:
        raw = document.get("element")
        if not isinstance(raw, list):
            raise InputFormatError("SPDX 3 document has no @graph array of elements", source)
        warnings.append("top-level 'element' array instead of '@graph' (not SPDX 3.0.1 JSON-LD)")
        top = {k: v for k, v in document.items() if k not in ("element", "@context")}
        if "type" in top:
            raw = [top, *raw]
    if not isinstance(raw, list):
        raise InputFormatError("SPDX 3 '@graph' must be an array of elements", source)
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if CONTEXT_URL not in contexts:
        warnings.append(f"@context is {context!r}, not {CONTEXT_URL}; read as SPDX 3.0.1")
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InputFormatError(
                "an element must be an object", source, path=f"$.@graph[{index}]"
            )
    renamer = _Renamer()
    # fmbom writes every name with its prefix: its own documents skip the renaming walk.
    own = any(
        e.get("type") == "SpdxDocument" and any(n == EXPORTER_ENTRY for n, _ in entries(e))
        for e in raw
    )
    elements = raw if own else [renamer.fix(item) for item in raw]
    for index, element in enumerate(elements):
        check_shapes(element, source, f"$.@graph[{index}]")
    for short, full in sorted(renamer.seen.items()):
        warnings.append(f"SPDX name {short!r} lacks its profile prefix; read as {full!r}")
    by_id: dict[str, dict[str, Any]] = {}
    outgoing: dict[str, list[dict[str, Any]]] = {}
    for element in elements:
        key = element.get("spdxId", element.get("@id"))
        if isinstance(key, str):
            by_id.setdefault(key, element)
        if element.get("type") in ("Relationship", "LifecycleScopedRelationship"):
            origin = element.get("from")
            if isinstance(origin, str):
                outgoing.setdefault(origin, []).append(element)
    return Graph(elements=elements, by_id=by_id, outgoing=outgoing, warnings=warnings)
