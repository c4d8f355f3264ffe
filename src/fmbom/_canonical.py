"""The canonical text of a native document, on the standard library alone.

:func:`fmbom.native.dumps` writes every BOM through it, and the replay of an unchanged scan
(:mod:`fmbom._rescan`) writes a stored document through it without importing the object
model: both give the same bytes for the same document.
"""

from __future__ import annotations

import json

__all__ = ["native_text"]


def native_text(document: object) -> str:
    """Sorted keys, two-space indent, characters as they are, one final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
