"""Pausing the cyclic garbage collector around the format readers and writers.

Reading a 20,000-component document parses and builds millions of small container objects
(dicts, lists, attrs instances) that live on until the BOM is dropped and form no cycles. With
the collector running, each growth of the heap by a quarter triggers a full collection that
walks all of them again; on a diff of two such documents that was about a tenth of the wall
time. So readers and writers pause it: :func:`no_gc` is re-entrant and shared between threads
(the collector runs again when the last reader or writer in the process is done, and only if
it was running when the first one began), and the command line, which owns its process,
moves what it read out of the collector's reach for good with :func:`keep`.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["keep", "no_gc"]

_lock = threading.Lock()
#: How many readers and writers are inside :func:`no_gc` now, and whether the collector was
#: running when the first of them came in.
_state = {"depth": 0, "resume": False}


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large, acyclic trees of objects.

    Nested and concurrent uses share one pause; an application that disabled the collector
    itself finds it disabled afterwards.
    """
    with _lock:
        if _state["depth"] == 0:
            _state["resume"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["resume"]:
                gc.enable()


def keep() -> None:
    """Leave every object alive now out of all future collections (``gc.freeze``).

    For a process that reads its inputs and keeps them until it exits (the command line):
    the objects stay freed by reference counting when dropped, but the collector no longer
    walks them at each full collection. Not for a library call: it would also keep the
    caller's unreachable cycles from being collected.
    """
    gc.freeze()
