"""Pickle-based weight files: recognised by name (``fmbom._weight_formats``), never loaded.

Loading a pickle can run arbitrary code, so these files are only hashed. The first bytes are
looked at (never unpickled) to say what the file seems to contain.
"""

from __future__ import annotations

__all__ = ["sniff_pickle"]


def sniff_pickle(head: bytes) -> str:
    """What the first bytes suggest: ``zip`` (PyTorch archive), ``pickle``, or ``unrecognised``."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "pickle"
    return "unrecognised"
