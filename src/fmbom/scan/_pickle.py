"""Pickle-based weight files: recognised by name, never loaded.

Loading a pickle can run arbitrary code, so these files are only hashed. The first bytes are
looked at (never unpickled) to say what the file seems to contain.
"""

from __future__ import annotations

from typing import Final

__all__ = ["PICKLE_SUFFIXES", "sniff_pickle"]

#: File suffixes of pickle-based formats (PyTorch, joblib and plain pickles).
PICKLE_SUFFIXES: Final = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib"})


def sniff_pickle(head: bytes) -> str:
    """What the first bytes suggest: ``zip`` (PyTorch archive), ``pickle``, or ``unrecognised``."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "pickle"
    return "unrecognised"
