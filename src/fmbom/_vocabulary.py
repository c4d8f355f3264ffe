"""The base of fmbom's closed vocabularies shown to users: ``str`` enums printed as their value."""

from __future__ import annotations

from typing import TypeVar

from fmbom.errors import ValidationError
from fmbom.vocabulary import Vocabulary

__all__ = ["Vocabulary", "parse_member"]

_E = TypeVar("_E", bound="Vocabulary")


def parse_member(cls: type[_E], text: str | _E, noun: str) -> _E:
    """The member of ``cls`` whose value is ``text``; a :class:`ValidationError` (a
    ``ValueError``) naming the known values otherwise."""
    if isinstance(text, cls):
        return text
    try:
        return cls(text)
    except ValueError:
        known = ", ".join(sorted(member.value for member in cls))
        raise ValidationError(f"unknown {noun} {text!r} (known: {known})") from None
