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
from collections.abc import Iterable
from typing import Any, Final

from fmbom.extensions import Extension

__all__ = ["FORMAT", "INLINE", "NESTED_IN", "apply", "marker", "residual"]

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


def residual(
    original: dict[str, Any],
    written: dict[str, Any],
    *,
    skip: Iterable[str] = (),
    prefix: str = "",
) -> list[Extension]:
    """The extensions that turn ``written`` back into ``original`` (see :func:`apply`)."""
    skipped = frozenset(skip) | _STRUCTURE if not prefix else frozenset()
    out: list[Extension] = []
    for key, value in original.items():
        if key in skipped or key == "bom-ref":
            continue
        path = prefix + key
        if key not in written:
            out.append(Extension.of(FORMAT, path, value))
            continue
        mine = written[key]
        if _same(value, mine):
            continue
        if key == "properties" and isinstance(value, list) and isinstance(mine, list):
            # fmbom's own properties are written again from the object; others must be there.
            theirs = [p for p in value if not _is_own(p)]
            mine_keys = {_property_key(p) for p in mine}
            if all(_property_key(p) in mine_keys for p in theirs):
                continue
            out.append(Extension.of(FORMAT, path, theirs))
            continue
        if (
            isinstance(value, dict)
            and isinstance(mine, dict)
            and not any("." in k or k.startswith("@") for k in value)
        ):
            out.extend(residual(value, mine, prefix=path + "."))
            continue
        out.append(Extension.of(FORMAT, path, value))
    out.extend(
        Extension.absent(FORMAT, prefix + key)
        for key in written
        if key not in original and key not in _ADDITIONS and key not in skipped
    )
    return out


def _is_own(prop: Any) -> bool:
    return isinstance(prop, dict) and str(prop.get("name", "")).startswith("fmbom:")


def marker(extensions: Iterable[Extension], path: str) -> Extension | None:
    """The CycloneDX extension at ``path`` (a marker such as :data:`NESTED_IN`), if any."""
    for extension in extensions:
        if extension.format == FORMAT and extension.path == path:
            return extension
    return None


def apply(target: dict[str, Any], extensions: Iterable[Extension]) -> dict[str, Any]:
    """Put each CycloneDX extension's value at its path in ``target`` (changed in place).

    Original properties come first, followed by the ones fmbom adds under names they lack.
    """
    for extension in extensions:
        if extension.format != FORMAT or extension.path.startswith("@"):
            continue
        steps = extension.path.split(".")
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
