"""Carry what fmbom does not model: the difference between a document and fmbom's own writing.

Reading a component (or service, the metadata component, the document itself), fmbom maps
what it can onto its object model, then writes that object back with its own writer and keeps
every value where the two differ as an :class:`~fmbom.extensions.Extension` at that value's
path. Writing applies the extensions over the writer's output. So every field of the original
goes back into the same CycloneDX field, whatever fmbom models; what fmbom models is written
by one mapping only (the writer), and the difference is derived, never a second table.

Lists whose items differ only in order compare equal (fmbom stores licenses, hashes,
references and properties in canonical order, and reordering is no change). Properties are a
set: fmbom's own ``fmbom:*`` additions are kept next to the original ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from fmbom.extensions import Extension, encoded

__all__ = [
    "FORMAT",
    "INLINE",
    "NESTED_IN",
    "NOTHING",
    "apply",
    "marker",
    "own_properties",
    "plain_residual",
    "residual",
]

FORMAT: Final = "cyclonedx"
#: Extension path (not a CycloneDX field) naming the component this one is nested in;
#: its value is the parent's ref, or None for the document's metadata component.
NESTED_IN: Final = "@nested-in"
#: Extension path (not a CycloneDX field): the component is written only where it was found
#: (``pedigree``, ``modelCard`` or ``metadata.component``), not in the components list.
INLINE: Final = "@inline"
#: Extension path of the document (not a CycloneDX field): the refs the metadata component
#: depends on, when they are not the components nothing else depends on.
SUBJECT_DEPENDS_ON: Final = "@subject-depends-on"

#: Keys fmbom may add to an object that lacked them without changing what it says.
_ADDITIONS: Final = frozenset({"bom-ref", "properties", "modelCard", "pedigree"})
#: Keys the readers turn into separate objects (nested components and services).
_STRUCTURE: Final = frozenset({"components", "services"})


#: One encoder for every comparison (``json.dumps`` would build one per call).
_ENCODER: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical(value: Any) -> str:
    return _ENCODER.encode(value)


def _property_key(prop: Any) -> tuple[str, Any, str]:
    """A key equal for two properties exactly when their canonical JSON texts are: a flat
    object of strings by its items, anything else by its text."""
    if type(prop) is dict:
        if len(prop) == 2 and type(prop.get("name")) is str and type(prop.get("value")) is str:
            return ("name-value", prop["name"], prop["value"])
        if all(type(v) is str for v in prop.values()):
            return ("items", tuple(sorted(prop.items())), "")
    return ("json", _canonical(prop), "")


def _without_refs(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_refs(v) for k, v in value.items() if k != "bom-ref"}
    if isinstance(value, list):
        return [_without_refs(v) for v in value]
    return value


def _same(original: Any, written: Any) -> bool:
    """Equal, or arrays with the same items in another order (bom-refs aside: fmbom gives
    the objects it writes inside others their own)."""
    if original == written:
        return True
    if isinstance(original, list) and isinstance(written, list) and len(original) == len(written):
        mine = sorted(_canonical(_without_refs(item)) for item in written)
        return sorted(_canonical(_without_refs(item)) for item in original) == mine
    return False


#: The basis of a value where fmbom's writer wrote nothing (it never writes a JSON null).
NOTHING: Final = "null"
#: The key whose carried value is merged with what the writer writes (see :func:`apply`), so
#: it has no basis: fmbom's own entries change with every relation, and are kept anyway.
_MERGED: Final = "properties"


def _carried(path: str, value: Any, basis: str | None) -> Extension:
    return encoded(FORMAT, path, _canonical(value), basis=basis)


def residual(
    original: dict[str, Any],
    written: dict[str, Any],
    *,
    skip: Iterable[str] = (),
    prefix: str = "",
) -> list[Extension]:
    """The extensions that turn ``written`` back into ``original`` (see :func:`apply`), each
    with what ``written`` holds at its path as its basis."""
    skipped = frozenset(skip) | _STRUCTURE if not prefix else frozenset()
    out: list[Extension] = []
    for key, value in original.items():
        if key in skipped or key == "bom-ref":
            continue
        path = prefix + key
        merged = key == _MERGED
        if key not in written:
            out.append(_carried(path, value, None if merged else NOTHING))
            continue
        mine = written[key]
        if _same(value, mine):
            continue
        if merged and isinstance(value, list) and isinstance(mine, list):
            out.extend(_properties(path, value, {_property_key(p) for p in mine}, whole=True) or ())
            continue
        if (
            isinstance(value, dict)
            and isinstance(mine, dict)
            and not any("." in k or k.startswith("@") for k in value)
        ):
            out.extend(residual(value, mine, prefix=path + "."))
            continue
        out.append(_carried(path, value, None if merged else _canonical(mine)))
    out.extend(
        encoded(
            FORMAT,
            prefix + key,
            "null",
            removed=True,
            basis=None if key == _MERGED else _canonical(mine),
        )
        for key, mine in written.items()
        if key not in original and key not in _ADDITIONS and key not in skipped
    )
    return out


def _properties(
    path: str, value: list[Any], mine_keys: set[Any], *, whole: bool
) -> list[Extension] | None:
    """The residual of a properties list that differs from the written one: every original
    property that is not fmbom's own must be among the written ones (``mine_keys``: all of
    them when ``whole``); [] when they are. None when they are not, ``mine_keys`` are not
    whole and the original holds some of fmbom's own (see :func:`own_properties`)."""
    theirs = [p for p in value if not _is_own(p)]
    if all(_property_key(p) in mine_keys for p in theirs):
        return []
    if not whole and len(theirs) != len(value):
        return None
    return [_carried(path, theirs, None)]


def own_properties(value: Any, mine: set[tuple[str, str]]) -> list[Extension] | None:
    """:func:`residual` at an object's ``properties`` knowing only the (name, value) of each
    property fmbom writes whose name is not in its own ``fmbom:`` namespace (``mine``; it may
    hold more): the others are fmbom's own, which no original property outside that
    namespace can match.

    None when not all the original's properties are written but fmbom's own ones among them
    may be the written ones: then only the whole comparison decides.
    """
    if not isinstance(value, list):
        # Never the written list, never merged with it: carried as it is.
        return [_carried(_MERGED, value, None)]
    for prop in value:
        # The common case at once: a plain (name, value) pair that fmbom writes again.
        if type(prop) is not dict or len(prop) != 2:
            break
        name, text = prop.get("name"), prop.get("value")
        if type(name) is not str or type(text) is not str or (name, text) not in mine:
            break
    else:
        return []
    keys = {("name-value", name, text) for name, text in mine}
    return _properties(_MERGED, value, keys, whole=False)


#: Keys :func:`plain_residual` leaves to others.
_PLAIN_SKIP: Final = frozenset({"bom-ref", _MERGED}) | _STRUCTURE
_ABSENT: Final = object()


def plain_residual(original: dict[str, Any], written: dict[str, Any]) -> list[Extension]:
    """``residual(original, written, skip=("properties",))`` for a ``written`` object without
    the keys fmbom may add (:data:`_ADDITIONS`) but its bom-ref: [] at once when every other
    key is equal."""
    equal = 0
    for key, value in original.items():
        if key in _PLAIN_SKIP:
            continue
        if written.get(key, _ABSENT) != value:
            break
        equal += 1
    else:
        if equal == len(written) - ("bom-ref" in written):
            return []
    return residual(original, written, skip=(_MERGED,))


def _is_own(prop: Any) -> bool:
    return isinstance(prop, dict) and str(prop.get("name", "")).startswith("fmbom:")


def marker(extensions: Iterable[Extension], path: str) -> Extension | None:
    """The CycloneDX extension at ``path`` (a marker such as :data:`NESTED_IN`), if any."""
    for extension in extensions:
        if extension.format == FORMAT and extension.path == path:
            return extension
    return None


def _written(target: dict[str, Any], steps: list[str]) -> str:
    """The canonical text of what ``target`` holds at a path (:data:`NOTHING`: nothing)."""
    node: Any = target
    for step in steps:
        if not isinstance(node, dict) or step not in node:
            return NOTHING
        node = node[step]
    return _canonical(node)


def apply(target: dict[str, Any], extensions: Sequence[Extension]) -> dict[str, Any]:
    """Put each CycloneDX extension's value at its path in ``target`` (changed in place).

    An extension with a basis is applied only while ``target`` (the writer's output) still
    holds its basis at that path: otherwise the field it stood for was edited after the
    read, and the edit is written. Original properties come first, followed by the ones
    fmbom adds under names they lack.
    """
    if not extensions:
        return target
    chosen: list[tuple[Extension, list[str]]] = []
    for extension in extensions:
        if extension.format != FORMAT or extension.path.startswith("@"):
            continue
        steps = extension.path.split(".")
        if extension.basis is None or _written(target, steps) == extension.basis:
            chosen.append((extension, steps))
    for extension, steps in chosen:
        node = target
        for step in steps[:-1]:
            child = node.get(step)
            if not isinstance(child, dict):
                child = node[step] = {}
            node = child
        last = steps[-1]
        if extension.removed:
            node.pop(last, None)
            continue
        value = extension.value
        current = node.get(last)
        if last == "properties" and isinstance(value, list) and isinstance(current, list):
            named = {p.get("name") for p in value if isinstance(p, dict)}
            value = [*value, *(p for p in current if p.get("name") not in named)]
        node[last] = value
    return target
