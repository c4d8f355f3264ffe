"""Reading a member of a closed vocabulary by its value, with an error naming the known ones."""

from __future__ import annotations

from typing import TypeVar

from fmbom.vocabulary import Vocabulary

__all__ = ["parse_member"]

_E = TypeVar("_E", bound=Vocabulary)


def parse_member(cls: type[_E], text: str | _E, noun: str) -> _E:
    """The member of ``cls`` whose value is ``text``; ``ValueError`` naming the known values."""
    if isinstance(text, cls):
        return text
    try:
        return cls(text)
    except ValueError:
        known = ", ".join(sorted(member.value for member in cls))
        raise ValueError(f"unknown {noun} {text!r} (known: {known})") from None
