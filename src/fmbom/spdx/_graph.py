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
from typing import Any

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
