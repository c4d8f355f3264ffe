"""Validation against the official SPDX 3.0.1 JSON schema, shipped in ``fmbom/spdx/data``.

The schema is draft 2020-12 and dispatches every element through ``if``/``then`` over some
450 definitions. jsonschema checks it faithfully but takes about 60 ms per element, so a
100,000-component document would take hours. fastjsonschema compiles it to Python once per
process and checks each element in microseconds, but it does not implement
``unevaluatedProperties``, the keyword that refuses unknown property names. So:

1. every element is checked with the fastjsonschema code (types, enums, patterns, required
   properties, nested objects);
2. every object with a ``type`` is checked for property names its class does not have (the
   allowed names are read from the schema's ``<Class>_props`` definitions);
3. only the elements that fail step 1 go through jsonschema, for a message that names the
   property at fault (the first 20; the rest keep fastjsonschema's message).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import Any, Final

from fmbom.spdx._names import CONTEXT_URL

__all__ = ["schema_errors"]

_DETAILED: Final = 20


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("fmbom.spdx").joinpath("data/spdx-json-schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _element_check() -> Callable[[Any], Any]:
    import fastjsonschema

    schema = _schema()
    element = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/AnyClass"}
    check: Callable[[Any], Any] = fastjsonschema.compile(element)
    return check


@cache
def _detailed_check(kind: str) -> Any:
    import jsonschema  # type: ignore[import-untyped]  # no stubs; a dependency of ours

    schema = _schema()
    element = {
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        "$ref": f"#/$defs/{kind}",
        "unevaluatedProperties": False,
    }
    return jsonschema.Draft202012Validator(element)


def _props_names(name: str, defs: dict[str, Any], out: set[str]) -> None:
    node = defs.get(name)
    if not isinstance(node, dict):
        return
    for part in node.get("allOf", ()):
        ref = part.get("$ref", "")
        if ref.startswith("#/$defs/"):
            _props_names(ref[len("#/$defs/") :], defs, out)
        out.update(part.get("properties", {}))


@cache
def _allowed() -> dict[str, frozenset[str]]:
    """Class name → the property names an object of that class may have."""
    defs = _schema()["$defs"]
    out = {}
    for name, node in defs.items():
        then = node.get("then") if isinstance(node, dict) else None
        if not isinstance(then, dict) or f"{name}_props" not in defs:
            continue
        names: set[str] = {"type"}
        for part in then.get("allOf", ()):
            names.update(part.get("properties", {}))
        _props_names(f"{name}_props", defs, names)
        out[name] = frozenset(names)
    return out


def _unknown_names(value: Any, path: str, allowed: dict[str, frozenset[str]]) -> Iterator[str]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unknown_names(item, f"{path}[{index}]", allowed)
        return
    if not isinstance(value, dict):
        return
    kind = value.get("type")
    # A type that is not a string is the schema pass's problem; names are checked by class.
    names = allowed.get(kind) if isinstance(kind, str) else None
    for key, item in value.items():
        if names is not None and key not in names:
            yield f"{path}: property {key!r} is not allowed on {value['type']}"
        yield from _unknown_names(item, f"{path}.{key}", allowed)


def _detail(element: Any, path: str, fallback: str) -> list[str]:
    kind = element.get("type") if isinstance(element, dict) else None
    if not isinstance(kind, str) or kind not in _schema()["$defs"]:
        return [f"{path}: {fallback}"]
    found = []
    for error in _detailed_check(kind).iter_errors(element):
        if error.validator == "unevaluatedProperties":
            continue  # reported by the property-name pass, which knows each name's class
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        found.append(f"{path}{where}: {error.message}")
    return found or [f"{path}: {fallback}"]


def schema_errors(document: Any) -> list[str]:
    """Every way ``document`` breaks the SPDX 3.0.1 JSON schema (empty when valid)."""
    from fastjsonschema import JsonSchemaValueException

    if not isinstance(document, dict):
        return ["$: an SPDX 3 document must be a JSON object"]
    problems = []
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if CONTEXT_URL not in contexts:
        problems.append(f"$.@context: must be {CONTEXT_URL!r}")
    extra = sorted(set(document) - {"@context", "@graph"})
    if extra:
        problems.append(f"$: properties not allowed beside @graph: {', '.join(extra)}")
    graph = document.get("@graph")
    if not isinstance(graph, list):
        problems.append("$.@graph: must be an array of elements")
        return problems
    check = _element_check()
    allowed = _allowed()
    detailed = 0
    for index, element in enumerate(graph):
        path = f"$.@graph[{index}]"
        try:
            check(element)
        except JsonSchemaValueException as error:
            if detailed < _DETAILED:
                detailed += 1
                problems.extend(_detail(element, path, error.message))
            else:
                problems.append(f"{path}: {error.message}")
        problems.extend(_unknown_names(element, path, allowed))
    return problems
