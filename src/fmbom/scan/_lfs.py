"""Git LFS pointer files: the small text stand-ins a clone has when LFS content is missing."""

from __future__ import annotations

import re
from typing import Final

import attrs

__all__ = ["MAX_POINTER_SIZE", "LfsPointer", "parse_lfs_pointer"]

#: The LFS specification caps pointer files at 1024 bytes.
MAX_POINTER_SIZE: Final = 1024

_POINTER = re.compile(
    rb"version https://git-lfs\.github\.com/spec/v1\n"
    rb"(?:[a-z0-9.\-]+ [^\n]*\n)*?"
    rb"oid sha256:(?P<oid>[0-9a-f]{64})\n"
    rb"(?:[a-z0-9.\-]+ [^\n]*\n)*?"
    rb"size (?P<size>[0-9]{1,20})\n"
    rb"(?:[a-z0-9.\-]+ [^\n]*\n)*"
)


@attrs.frozen(kw_only=True)
class LfsPointer:
    """The object a pointer names: the SHA-256 and size of the real content."""

    oid: str
    size: int


def parse_lfs_pointer(data: bytes) -> LfsPointer | None:
    """The pointer in ``data``, or None when ``data`` is not an LFS pointer file."""
    if len(data) > MAX_POINTER_SIZE or not data.startswith(b"version https://git-lfs"):
        return None
    match = _POINTER.fullmatch(data)
    if match is None:
        return None
    return LfsPointer(oid=match.group("oid").decode(), size=int(match.group("size")))
