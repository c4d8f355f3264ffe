"""Building objects of the model from values a reader has already checked.

``cls(**fields)`` runs every field's validator; a reader that has checked a whole document in
one pass (each bom-ref against the ref pattern, each name for emptiness, each package URL
against the URL pattern, each license expression parsed) would check the same values again.
:func:`build_checked` builds the object without the validators: the converters still run
(they put lists in canonical order and turn strings into enum members), and so does the
class's ``__attrs_post_init__`` (checks across fields, such as one digest per algorithm).

The caller answers for the validators: it passes only values that satisfy them. A property
test builds the same objects both ways and compares them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["build_checked", "evolve_checked"]

T = TypeVar("T")

_MISSING: Any = object()
_FACTORY: Any = attrs.Factory


_Plan = tuple[tuple[str, Any, Callable[[Any], Any] | None, Any], ...]
_PLANS: dict[type[Any], _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    found = _PLANS.get(cls)
    if found is None:
        found = _PLANS[cls] = _make_plan(cls)
    return found


def _make_plan(cls: type[Any]) -> _Plan:
    """Per field: its name, its converted default (or a factory), its converter, and what
    the converter makes of an empty list (:data:`_MISSING` when it refuses one)."""
    plan = []
    for field in attrs.fields(cls):
        if not field.init:  # pragma: no cover - the model's classes set every field in init
            raise TypeError(f"{cls.__name__}.{field.name} is not set by __init__")
        convert = field.converter
        default = field.default
        if default is attrs.NOTHING:
            default = _MISSING
        elif not isinstance(default, _FACTORY) and convert is not None:
            default = convert(default)
        empty = _MISSING
        if convert is not None:
            try:
                empty = convert([])
            except (TypeError, ValueError):
                empty = _MISSING
        plan.append((field.name, default, convert, empty))
    return tuple(plan)


def build_checked(cls: type[T], fields: dict[str, Any]) -> T:
    """``cls(**fields)`` without the field validators (see the module's documentation)."""
    instance = object.__new__(cls)
    setattr_ = object.__setattr__
    used = 0
    for name, default, convert, empty in _plan(cls):
        if name in fields:
            value = fields[name]
            used += 1
            if convert is not None:
                if type(value) is list and not value and empty is not _MISSING:
                    value = empty
                else:
                    value = convert(value)
        elif default is _MISSING:
            raise TypeError(f"{cls.__name__} needs {name}")
        elif isinstance(default, _FACTORY):
            value = default.factory()  # pragma: no cover - the model uses no factories
        else:
            value = default
        setattr_(instance, name, value)
    if used != len(fields):
        unknown = sorted(set(fields) - {plan[0] for plan in _plan(cls)})
        raise TypeError(f"{cls.__name__} has no field {unknown[0]}")
    post_init = getattr(instance, "__attrs_post_init__", None)
    if post_init is not None:
        post_init()
    return instance


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
