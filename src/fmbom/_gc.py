"""Pausing the cyclic garbage collector around the format writers and readers."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["no_gc"]


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large, acyclic trees of dicts.

    Exporting or importing 100,000 components allocates millions of small objects, and the
    collector's full passes over them cost as much as the work itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
