"""attrs validators that raise :class:`fmbom.errors.ValidationError` naming field and value."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from fmbom.errors import ValidationError
from fmbom.licenses import parse_license_expression

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_REF = re.compile(r"[!-~]{1,512}")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+")


def _fail(attribute: attrs.Attribute[Any], value: object, why: str) -> ValidationError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return ValidationError(f"{why}, got {shown}", attribute.name)


def named(_cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """attrs ``field_transformer``: errors a field's converter raises name the field.

    A converter reports paths relative to its value (``[2]``, ``value``); the wrapper
    prefixes the field name. Anything else a converter raises on a wrong type (TypeError,
    ValueError, AttributeError) becomes a :class:`ValidationError` naming the field.
    """
    transformed = []
    for field in fields:
        convert: Any = field.converter
        # an inherited field was wrapped by the base class already
        if (
            convert is None
            or getattr(field, "inherited", False)
            or isinstance(convert, attrs.Converter)
        ):
            transformed.append(field)
        else:
            transformed.append(field.evolve(converter=_naming(convert, field.name)))
    return transformed


def _naming(convert: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def run(value: Any) -> Any:
        try:
            return convert(value)
        except ValidationError as error:
            raise error.at(name) from None
        except (TypeError, ValueError, AttributeError) as error:
            raise ValidationError(f"cannot use {_shown(value)}: {error}", name) from None

    run.__doc__ = convert.__doc__
    run.__wrapped__ = convert  # type: ignore[attr-defined]
    return run


def _shown(value: object) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return text


def _not_str(attribute: attrs.Attribute[Any], value: object) -> ValidationError | None:
    if value is None or isinstance(value, str):
        return None
    return ValidationError(
        f"expected a string, got {type(value).__name__} {_shown(value)}", attribute.name
    )


def _not_number(attribute: attrs.Attribute[Any], value: object) -> ValidationError | None:
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return None
    return ValidationError(
        f"expected a number, got {type(value).__name__} {_shown(value)}", attribute.name
    )


def ref(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """A bom reference: 1 to 512 printable ASCII characters without spaces."""
    wrong = _not_str(attribute, value)
    if wrong is not None:
        raise wrong
    if value is not None and not _REF.fullmatch(value):
        raise _fail(attribute, value, "must be 1-512 printable ASCII characters without spaces")


def non_empty(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """A string that is not empty or only white space; None only for a field with a default
    (an optional one): a field without a default states a fact the object cannot go without."""
    wrong = _not_str(attribute, value)
    if wrong is not None:
        raise wrong
    if value is None:
        if attribute.default is attrs.NOTHING:
            raise _fail(attribute, value, "is required")
        return
    if not value.strip():
        raise _fail(attribute, value, "must not be empty")


def url(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """An absolute URL or URN (``scheme:rest``) without white space."""
    wrong = _not_str(attribute, value)
    if wrong is not None:
        raise wrong
    if value is not None and not _URL.fullmatch(value):
        raise _fail(attribute, value, "must be an absolute URL such as https://example.com/x")


def non_negative(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A count or size: zero or more, and finite."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(
            f"expected a number, got {type(value).__name__} {_shown(value)}", attribute.name
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(attribute, value, "must be a finite number")
    if value < 0:
        raise _fail(attribute, value, "must not be negative")


def positive(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A strictly positive integer (bits, ranks, group sizes)."""
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
        raise _fail(attribute, value, "must be a positive integer")


def fraction(_: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """A share between 0 and 1 inclusive."""
    wrong = _not_number(attribute, value)
    if wrong is not None:
        raise wrong
    if value is not None and not (0.0 <= value <= 1.0):
        raise _fail(attribute, value, "must be between 0 and 1")


def finite(_: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """A finite float (no NaN or infinity, which JSON cannot carry)."""
    wrong = _not_number(attribute, value)
    if wrong is not None:
        raise wrong
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


def strings(items: Iterable[str], what: str = "a string") -> tuple[str, ...]:
    """Converter for ordered string lists (a typed :func:`as_tuple`, which mypy can check)."""
    if isinstance(items, str):
        raise ValidationError(f"expected a list, got the string {_shown(items)}")
    values = tuple(items)
    for index, item in enumerate(values):
        if not isinstance(item, str):
            raise ValidationError(
                f"expected {what}, got {type(item).__name__} {_shown(item)}", f"[{index}]"
            )
    return values


def license_list(items: Iterable[str]) -> tuple[str, ...]:
    """Converter for license fields: check each expression where the caller put it (so the
    error names its index as given), then store them deduplicated and sorted."""
    if type(items) is list and len(items) == 1 and type(items[0]) is str:
        # the common case: one expression (parsed once per text, see parse_license_expression)
        try:
            parse_license_expression(items[0])
        except ValidationError as error:
            raise ValidationError(error.message, "[0]") from None
        return (items[0],)
    values = strings(items, "a license expression string")
    for index, expression in enumerate(values):
        try:
            parse_license_expression(expression)
        except ValidationError as error:
            raise ValidationError(error.message, f"[{index}]") from None
    return tuple(sorted(set(values)))


def unique_sorted_strings(items: Iterable[str]) -> tuple[str, ...]:
    """Converter for sets of strings such as licenses or target modules."""
    return tuple(sorted(set(strings(items))))
