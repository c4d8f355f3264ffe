"""The base of fmbom's closed vocabularies shown to users: ``str`` enums printed as their value."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

__all__ = ["Vocabulary", "parse_member"]

_E = TypeVar("_E", bound="Vocabulary")


class Vocabulary(str, Enum):
    """A ``str`` enum whose members print, format and serialise as their value."""

    def __str__(self) -> str:
        return str(self.value)


def parse_member(cls: type[_E], text: str | _E, noun: str) -> _E:
    """The member of ``cls`` whose value is ``text``; ``ValueError`` naming the known values."""
    if isinstance(text, cls):
        return text
    try:
        return cls(text)
    except ValueError:
        known = ", ".join(sorted(member.value for member in cls))
        raise ValueError(f"unknown {noun} {text!r} (known: {known})") from None
