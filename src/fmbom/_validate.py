"""attrs validators that raise :class:`fmbom.errors.ValidationError` naming field and value."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from fmbom.errors import ValidationError
from fmbom.licenses import parse_license_expression

T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_REF = re.compile(r"[!-~]{1,512}")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+")


def _fail(attribute: attrs.Attribute[Any], value: object, why: str) -> ValidationError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return ValidationError(f"{why}, got {shown}", attribute.name)


def ref(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """A bom reference: 1 to 512 printable ASCII characters without spaces."""
    if value is not None and not _REF.fullmatch(value):
        raise _fail(attribute, value, "must be 1-512 printable ASCII characters without spaces")


def non_empty(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """A string that is not empty or only white space."""
    if value is not None and not value.strip():
        raise _fail(attribute, value, "must not be empty")


def url(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """An absolute URL or URN (``scheme:rest``) without white space."""
    if value is not None and not _URL.fullmatch(value):
        raise _fail(attribute, value, "must be an absolute URL such as https://example.com/x")


def non_negative(_: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """A count or size: zero or more, and finite."""
    if value is None:
        return
    if isinstance(value, bool) or (not isinstance(value, int) and not math.isfinite(value)):
        raise _fail(attribute, value, "must be a finite number")
    if value < 0:
        raise _fail(attribute, value, "must not be negative")


def positive(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """A strictly positive integer (bits, ranks, group sizes)."""
    if value is not None and (isinstance(value, bool) or value <= 0):
        raise _fail(attribute, value, "must be a positive integer")


def fraction(_: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """A share between 0 and 1 inclusive."""
    if value is not None and not (0.0 <= value <= 1.0):
        raise _fail(attribute, value, "must be between 0 and 1")


def finite(_: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """A finite float (no NaN or infinity, which JSON cannot carry)."""
    if value is not None and not math.isfinite(value):
        raise _fail(attribute, value, "must be a finite number")


def license_expressions(_: object, attribute: attrs.Attribute[Any], value: Iterable[str]) -> None:
    """Each item is a syntactically valid SPDX license expression."""
    for index, expression in enumerate(value):
        try:
            parse_license_expression(expression)
        except ValidationError as error:
            raise ValidationError(error.message, f"{attribute.name}[{index}]") from None


def each(inner: Validator) -> Validator:
    """Apply ``inner`` to each item of a tuple, naming the index in the path."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Iterable[Any]) -> None:
        for index, item in enumerate(value):
            try:
                inner(instance, attribute, item)
            except ValidationError as error:
                raise ValidationError(error.message, f"{attribute.name}[{index}]") from None

    return check


def strings(items: Iterable[str]) -> tuple[str, ...]:
    """Converter for ordered string lists: accept any iterable, store a tuple."""
    return tuple(items)


def license_list(items: Iterable[str]) -> tuple[str, ...]:
    """Converter for license fields: check each expression where the caller put it (so the
    error names its index as given), then store them deduplicated and sorted."""
    values = tuple(items)
    for index, expression in enumerate(values):
        if not isinstance(expression, str):
            raise ValidationError(
                f"expected a license expression string, got {expression!r}", f"licenses[{index}]"
            )
        try:
            parse_license_expression(expression)
        except ValidationError as error:
            raise ValidationError(error.message, f"licenses[{index}]") from None
    return unique_sorted_strings(values)


def unique_sorted_strings(items: Iterable[str]) -> tuple[str, ...]:
    """Converter for sets of strings such as licenses or target modules."""
    return tuple(sorted(set(items)))
