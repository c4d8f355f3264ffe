"""The base of fmbom's vocabularies, on :mod:`enum` alone.

The command line's choices are vocabularies, so this module imports nothing else (not even
:mod:`typing`): ``fmbom --help`` and each verb's ``--help`` cost no more. Everything here is
public in :mod:`fmbom.vocabulary`.
"""

from __future__ import annotations

from enum import Enum

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time); type checkers
#: treat any ``TYPE_CHECKING`` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    from fmbom.errors import ValidationError

    V = TypeVar("V", bound="Vocabulary")

__all__ = ["Vocabulary", "invalid", "parse_member"]


class Vocabulary(str, Enum):
    """A closed vocabulary whose values are the strings used in every serialized form.

    Everywhere the object model expects a member, the member's string value is accepted too
    and converted through the enum (``Model(role="adapted")``); anything else is a
    :class:`~fmbom.errors.ValidationError` naming the field.
    """

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def coerce(cls: type[V], value: object, field: str = "") -> V:
        """``value`` as a member of this vocabulary: a member, or the string value of one.

        Raises :class:`~fmbom.errors.ValidationError` (with ``field`` as its path) otherwise.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                pass
        known = ", ".join(str(member.value) for member in cls)
        raise invalid(f"expected one of {known}; got {value!r}", field)


def parse_member(cls: type[V], text: str | V, noun: str) -> V:
    """The member of ``cls`` whose value is ``text``; a :class:`ValidationError` (a
    ``ValueError``) naming the ``noun`` and the known values otherwise. Used by the ids of
    diff rules and check findings, whose lists are long and shown sorted."""
    if isinstance(text, cls):
        return text
    try:
        return cls(text)
    except ValueError:
        known = ", ".join(sorted(str(member.value) for member in cls))
        raise invalid(f"unknown {noun} {text!r} (known: {known})") from None


def invalid(message: str, field: str = "") -> ValidationError:
    """The error for a value outside a vocabulary; :mod:`fmbom.errors` (attrs, cattrs) is
    imported only then, so that the command line's choices cost no more than :mod:`enum`."""
    from fmbom.errors import ValidationError

    return ValidationError(message, field)
