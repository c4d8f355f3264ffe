"""fmbom's native JSON format: versioned, canonical, strict.

The document is an object ``{"fmbom": "1", "metadata": ..., "components": [...],
"relations": [...]}``. Every component carries its ``kind``. Fields at their default value
are left out; keys are sorted; components are in ref order and relations in (kind, source,
target) order, so the same BOM always serializes to the same bytes. Loading rejects unknown
keys, missing required keys and values of the wrong type, and reports every problem with its
JSON path in one :class:`~fmbom.errors.ValidationError`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from enum import Enum
from typing import Any, Final, NoReturn, TypeVar, cast, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import ClassValidationError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from fmbom._bounded import loads_json
from fmbom._canonical import native_text
from fmbom._gc import no_gc
from fmbom.bom import Bom
from fmbom.errors import (
    BomValidationError,
    InputFormatError,
    Problem,
    ValidationError,
    join_path,
    problems_from_structuring,
)
from fmbom.extensions import Extension
from fmbom.model import COMPONENT_TYPES, AnyComponent, Component, ComponentKind

__all__ = ["FORMAT_VERSION", "dumps", "from_dict", "loads", "to_dict"]

#: The value of the ``fmbom`` key: the native format version this module reads and writes.
FORMAT_VERSION: Final = "1"

T = TypeVar("T")


def _strict(kind: type[T], name: str) -> Callable[[Any, type[T]], T]:
    """A structure hook that accepts only ``kind`` (str-based enums dispatch here too)."""

    def structure(value: Any, target: type[T]) -> T:
        if target is kind and type(value) is kind:
            return value  # the common case: exactly the type asked for
        if target is not kind and issubclass(target, Enum):
            try:
                return target(value)
            except ValueError:
                known = ", ".join(str(m.value) for m in target)
                raise ValidationError(f"{value!r} is not one of: {known}") from None
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ValidationError(f"expected {name}, got {type(value).__name__} {value!r}")
        return value

    return structure


def _structure_float(value: Any, _: type[float]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"expected a number, got {type(value).__name__} {value!r}")
    return float(value)


def _structure_bool(value: Any, _: type[bool]) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"expected true or false, got {type(value).__name__} {value!r}")
    return value


def _structure_datetime(value: Any, _: type[datetime.datetime]) -> datetime.datetime:
    if not isinstance(value, str):
        raise ValidationError(f"expected an ISO 8601 timestamp, got {value!r}")
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"expected an ISO 8601 timestamp, got {value!r}") from None
    if parsed.tzinfo is None:
        raise ValidationError(f"timestamp {value!r} has no time zone (add Z or +00:00)")
    return parsed


def _unstructure_datetime(value: datetime.datetime) -> str:
    return value.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def _structure_date(value: Any, _: type[datetime.date]) -> datetime.date:
    if not isinstance(value, str):
        raise ValidationError(f"expected an ISO 8601 date (YYYY-MM-DD), got {value!r}")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"expected an ISO 8601 date (YYYY-MM-DD), got {value!r}") from None


def _is_optional(t: Any) -> bool:
    args = get_args(t)
    return len(args) == 2 and type(None) in args


def _optional_hook(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(t: Any) -> Callable[[Any, Any], Any]:
        inner = next(a for a in get_args(t) if a is not type(None))

        def structure(value: Any, _: Any) -> Any:
            return None if value is None else converter.structure(value, inner)

        return structure

    return factory


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def _is_homogeneous_tuple(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _array_hook(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Collections must be JSON arrays: a string or an object is not silently iterated."""

    def factory(t: Any) -> Callable[[Any, Any], Any]:
        items = homogenous_tuple_structure_factory(t, converter)

        def structure(value: Any, target: Any) -> Any:
            if not isinstance(value, list):
                raise ValidationError(f"expected an array, got {_json_type(value)}")
            return items(value, target)

        return structure

    return factory


def _object_hook(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Records must be JSON objects (the error names the type found, not a Python detail)."""

    def factory(t: Any) -> Callable[[Any, Any], Any]:
        fields = make_dict_structure_fn(t, converter, _cattrs_forbid_extra_keys=True)

        def structure(value: Any, target: Any) -> Any:
            if not isinstance(value, dict):
                raise ValidationError(f"expected an object, got {_json_type(value)}")
            return fields(value, target)

        return structure

    return factory


def _unstructure_extension(extension: Extension) -> dict[str, Any]:
    """``{"format", "path", "value"}`` (the JSON value itself), or ``"removed": true``; and
    ``"basis"`` (a JSON value) when it has one."""
    out: dict[str, Any] = {"format": extension.format, "path": extension.path}
    if extension.removed:
        out["removed"] = True
    else:
        out["value"] = extension.value
    if extension.basis is not None:
        out["basis"] = json.loads(extension.basis)
    return out


def _structure_extension(value: Any, _: type[Extension]) -> Extension:
    if not isinstance(value, dict):
        raise ValidationError(f"expected an object, got {_json_type(value)}")
    extra = sorted(set(value) - {"format", "path", "value", "removed", "basis"})
    if extra:
        raise ValidationError(f"unknown key(s): {', '.join(extra)}")
    fmt, path = value.get("format"), value.get("path")
    if not isinstance(fmt, str) or not isinstance(path, str):
        raise ValidationError("format and path must be strings")
    basis = Extension.of(fmt, path, value["basis"]).text if "basis" in value else None
    if value.get("removed") is True:
        return Extension.absent(fmt, path, basis)
    if "value" not in value:
        raise ValidationError("an extension needs a value or removed: true")
    return Extension.of(fmt, path, value["value"], basis)


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
    converter.register_structure_hook(str, _strict(str, "a string"))
    converter.register_structure_hook(int, _strict(int, "an integer"))
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook_factory(_is_optional, _optional_hook(converter))
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _array_hook(converter))
    converter.register_structure_hook_factory(attrs.has, _object_hook(converter))
    converter.register_structure_hook(datetime.datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime.datetime, _unstructure_datetime)
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_unstructure_hook(datetime.date, lambda d: d.isoformat())

    converter.register_structure_hook(Extension, _structure_extension)
    converter.register_unstructure_hook(Extension, _unstructure_extension)

    # Each kind's functions are generated on first use: a scan that writes three kinds and
    # reads none pays for three unstructure functions, not for eighteen (start-up time).
    structure_fns: dict[ComponentKind, Callable[[Any, Any], Any]] = {}
    unstructure_fns: dict[type[Component], Callable[[Any], Any]] = {}

    def structure_fn(kind: ComponentKind) -> Callable[[Any, Any], Any]:
        found = structure_fns.get(kind)
        if found is None:
            found = make_dict_structure_fn(
                COMPONENT_TYPES[kind], converter, _cattrs_forbid_extra_keys=True
            )
            structure_fns[kind] = found
        return found

    def unstructure_fn(cls: type[Component]) -> Callable[[Any], Any]:
        found = unstructure_fns.get(cls)
        if found is None:
            found = make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)
            unstructure_fns[cls] = found
        return found

    def structure_component(value: Any, _: object) -> AnyComponent:
        if not isinstance(value, dict):
            raise ValidationError(f"expected an object, got {type(value).__name__}")
        tag = value.get("kind")
        try:
            kind = ComponentKind(tag)
        except ValueError:
            known = ", ".join(k.value for k in ComponentKind)
            raise ValidationError(f"unknown or missing kind {tag!r} (known: {known})") from None
        body = {k: item for k, item in value.items() if k != "kind"}
        return cast("AnyComponent", structure_fn(kind)(body, COMPONENT_TYPES[kind]))

    def unstructure_component(component: Component) -> dict[str, Any]:
        data: dict[str, Any] = unstructure_fn(type(component))(component)
        data["kind"] = component.kind.value
        return data

    converter.register_structure_hook(AnyComponent, structure_component)
    converter.register_unstructure_hook(AnyComponent, unstructure_component)
    for cls in COMPONENT_TYPES.values():
        converter.register_unstructure_hook(cls, unstructure_component)
    return converter


_CONVERTER: Final = _make_converter()


def to_dict(bom: Bom) -> dict[str, Any]:
    """The native JSON document of ``bom`` as plain Python data."""
    return {
        "fmbom": FORMAT_VERSION,
        "metadata": _CONVERTER.unstructure(bom.metadata),
        "components": [
            _CONVERTER.unstructure(c, unstructure_as=AnyComponent) for c in bom.components
        ],
        "relations": [_CONVERTER.unstructure(r) for r in bom.relations],
    }


def dumps(bom: Bom) -> str:
    """Serialize to canonical native JSON (sorted keys, two-space indent, trailing newline)."""
    with no_gc():  # the document's tree holds no cycles: nothing to collect
        return native_text(to_dict(bom))


def from_dict(data: Any, source: str = "") -> Bom:
    """Build a BOM from a parsed native document.

    Every problem is reported, not only the first: the error's ``problems`` list each one
    with its JSON path (``$.components[2].digests[0].value``).
    """
    if not isinstance(data, dict):
        raise InputFormatError("a native fmbom document must be a JSON object", source)
    version = data.get("fmbom")
    if version != FORMAT_VERSION:
        raise InputFormatError(
            f"unsupported native format version {version!r} (this fmbom reads {FORMAT_VERSION!r})",
            source,
        )
    found: list[Problem] = []
    extra = sorted(set(data) - {"fmbom", "metadata", "components", "relations"})
    if extra:
        found.append(Problem("$", f"unknown key(s) {', '.join(extra)}"))
    body = {k: data[k] for k in ("metadata", "components", "relations") if k in data}
    for key in ("components", "relations"):
        if key in body and not isinstance(body[key], list):
            found.append(Problem(f"$.{key}", f"expected an array, got {_json_type(body[key])}"))
            del body[key]
    try:
        bom = _CONVERTER.structure(body, Bom)
    except BomValidationError as error:
        _raise_bom_problems(error, body, found, source)
    except (ClassValidationError, IterableValidationError) as error:
        # cattrs wraps what the Bom constructor raises; keep its type and every problem.
        inner = next((e for e in error.exceptions if isinstance(e, BomValidationError)), None)
        if inner is not None:
            _raise_bom_problems(inner, body, found, source)
        found.extend(problems_from_structuring(error, "$"))
    except (ValidationError, ValueError, TypeError, KeyError, AttributeError) as error:
        found.extend(problems_from_structuring(error, "$"))
    else:
        if not found:
            return bom
    raise ValidationError(problems=found, source=source)


def _raise_bom_problems(
    error: BomValidationError, body: dict[str, Any], found: list[Problem], source: str
) -> NoReturn:
    """Whole-BOM problems, unless the document has structural ones (which cause them)."""
    if found:
        raise ValidationError(problems=found, source=source) from None
    raise BomValidationError(problems=_bom_problems(error, body), source=source) from None


_ITEM_PATH = re.compile(r"(components|relations)\[(\d+)\]")


def _bom_problems(error: BomValidationError, body: dict[str, Any]) -> list[Problem]:
    """Locate whole-BOM problems in the document: the Bom numbers components and relations
    in its sorted order, the document in its own."""
    orders = {
        "components": sorted(
            range(len(body.get("components", ()))), key=lambda i: body["components"][i]["ref"]
        ),
        "relations": sorted(
            range(len(body.get("relations", ()))),
            key=lambda i: tuple(body["relations"][i][k] for k in ("kind", "source", "target")),
        ),
    }

    def locate(path: str) -> str:
        match = _ITEM_PATH.match(path)
        if match:
            index = orders[match.group(1)][int(match.group(2))]
            path = f"{match.group(1)}[{index}]{path[match.end() :]}"
        return join_path("$", path) if path else "$"

    return [Problem(locate(p.path), p.message) for p in error.problems]


def loads(text: str | bytes, source: str = "") -> Bom:
    """Parse native JSON text into a BOM. ``source`` (a file name) prefixes error messages."""
    with no_gc():  # the parsed tree and the BOM built from it hold no cycles
        return from_dict(loads_json(text, source), source)
