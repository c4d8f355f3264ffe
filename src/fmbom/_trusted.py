"""Building objects of the model from values a reader has already checked.

``cls(**fields)`` runs every field's validator; a reader that has checked a whole document in
one pass (each bom-ref against the ref pattern, each name for emptiness, each package URL
against the URL pattern, each license expression parsed) would check the same values again.
:func:`build_checked` builds the object without the validators: the converters still run
(they put lists in canonical order and turn strings into enum members), and so does the
class's ``__attrs_post_init__`` (checks across fields, such as one digest per algorithm).

Each class gets a builder generated once (as attrs generates ``__init__``): one dictionary
look-up and one attribute store per field, the converted default where a field is not
given, the converter called only on a value that is not already what it makes (an enum
member where the converter makes that enum, an empty list where it makes an empty tuple).
A converter that refuses a value raises the :class:`~fmbom.errors.ValidationError` that
``cls(**fields)`` raises, naming the field.

The caller answers for the validators: it passes only values that satisfy them. A property
test builds the same objects both ways and compares them.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["build_checked", "evolve_checked"]

T = TypeVar("T")

_MISSING: Any = object()

_Plan = tuple[tuple[str, Any, Callable[[Any], Any] | None, Any], ...]
_PLANS: dict[type[Any], _Plan] = {}
_BUILDERS: dict[type[Any], Callable[[dict[str, Any]], Any]] = {}


def _plan(cls: type[Any]) -> _Plan:
    found = _PLANS.get(cls)
    if found is None:
        found = _PLANS[cls] = _make_plan(cls)
    return found


def _make_plan(cls: type[Any]) -> _Plan:
    """Per field: its name, its converted default, its converter, and what the converter
    makes of an empty list (:data:`_MISSING` when it refuses one)."""
    plan = []
    for field in attrs.fields(cls):
        if not field.init:  # pragma: no cover - the model's classes set every field in init
            raise TypeError(f"{cls.__name__}.{field.name} is not set by __init__")
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]  # pragma: no cover
            raise TypeError(f"{cls.__name__}.{field.name} has a factory default")
        convert = field.converter
        default = field.default
        if default is attrs.NOTHING:
            default = _MISSING
        elif convert is not None:
            default = convert(default)
        empty = _MISSING
        if convert is not None:
            try:
                empty = convert([])
            except (TypeError, ValueError):
                empty = _MISSING
        plan.append((field.name, default, convert, empty))
    return tuple(plan)


def _made_enum(convert: Callable[[Any], Any]) -> type[enum.Enum] | None:
    """The enum a converter turns strings into (from its return annotation), if any."""
    raw = getattr(convert, "__wrapped__", convert)
    try:
        made = typing.get_type_hints(raw).get("return")
    except (NameError, TypeError):  # pragma: no cover - every converter's hints resolve
        return None
    return made if isinstance(made, type) and issubclass(made, enum.Enum) else None


def _builder(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    found = _BUILDERS.get(cls)
    if found is None:
        found = _BUILDERS[cls] = _make_builder(cls)
    return found


def _make_builder(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    """Generate ``build(fields)`` for ``cls`` (see the module's documentation)."""
    plan = _plan(cls)
    namespace: dict[str, Any] = {
        "_new": object.__new__,
        "_set": object.__setattr__,
        "_cls": cls,
        "_M": _MISSING,
        "_unknown": _unknown,
        "_missing": _missing,
        "_list": list,
    }
    lines = ["def build(fields):", "    get = fields.get", "    self = _new(_cls)", "    used = 0"]
    for index, (name, default, convert, empty) in enumerate(plan):
        namespace[f"_d{index}"] = default
        lines.append(f"    v = get({name!r}, _M)")
        if default is _MISSING:
            lines += ["    if v is _M:", f"        _missing(_cls, {name!r})"]
        else:
            lines += ["    if v is _M:", f"        v = _d{index}", "    else:"]
        indent = "        " if default is not _MISSING else "    "
        lines.append(f"{indent}used += 1")
        if convert is not None:
            # The converter itself, without the wrapper naming the field in its errors; when
            # it refuses the value, the wrapper runs again to raise what cls(**fields) raises.
            namespace[f"_c{index}"] = convert
            namespace[f"_r{index}"] = getattr(convert, "__wrapped__", convert)
            call = [
                f"{indent}try:",
                f"{indent}    v = _r{index}(v)",
                f"{indent}except Exception:",
                f"{indent}    v = _c{index}(v)",
            ]
            made = _made_enum(convert)
            if made is not None:
                namespace[f"_e{index}"] = made
                lines.append(f"{indent}if v.__class__ is not _e{index}:")
                lines += ["    " + line for line in call]
            elif empty is not _MISSING:
                namespace[f"_z{index}"] = empty
                lines += [
                    f"{indent}if v.__class__ is _list and not v:",
                    f"{indent}    v = _z{index}",
                ]
                lines.append(f"{indent}else:")
                lines += ["    " + line for line in call]
            else:
                lines += call
        lines.append(f"    _set(self, {name!r}, v)")
    lines += ["    if used != len(fields):", "        _unknown(_cls, fields)"]
    if hasattr(cls, "__attrs_post_init__"):
        lines.append("    self.__attrs_post_init__()")
    lines.append("    return self")
    exec(compile("\n".join(lines), f"<checked builder of {cls.__name__}>", "exec"), namespace)  # noqa: S102 - code generated from the class's own fields, as attrs generates __init__
    built: Callable[[dict[str, Any]], Any] = namespace["build"]
    return built


def _missing(cls: type[Any], name: str) -> None:
    raise TypeError(f"{cls.__name__} needs {name}")


def _unknown(cls: type[Any], fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - {plan[0] for plan in _plan(cls)})
    raise TypeError(f"{cls.__name__} has no field {unknown[0]}")


def build_checked(cls: type[T], fields: dict[str, Any]) -> T:
    """``cls(**fields)`` without the field validators (see the module's documentation)."""
    built: T = _builder(cls)(fields)
    return built


def evolve_checked(instance: T, **changes: Any) -> T:
    """``attrs.evolve(instance, **changes)`` for an object that is valid: the fields not
    changed are copied as they are, the changed ones converted (not validated), and the
    checks across fields run again."""
    cls = type(instance)
    evolved = object.__new__(cls)
    setattr_ = object.__setattr__
    for name, _, convert, _ in _plan(cls):
        if name in changes:
            value = changes[name]
            setattr_(evolved, name, value if convert is None else convert(value))
        else:
            setattr_(evolved, name, getattr(instance, name))
    post_init = getattr(evolved, "__attrs_post_init__", None)
    if post_init is not None:
        post_init()
    return evolved
