"""The shared corpus beside the clone (``../shared/corpus``), for tests that sweep all of it.

Most tests read the few files they need from ``tests/data``. The sweeps over the whole shared
corpus run where it exists (CI keeps ``../shared`` beside the clone) and are skipped, with the
reason stated, where it does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pytest

__all__ = ["SHARED_CORPUS", "shared_files"]

#: ``../shared/corpus`` relative to the repository root.
SHARED_CORPUS: Final = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def shared_files(pattern: str, root: Path = SHARED_CORPUS) -> list[Any]:
    """Parameters for every file of the shared corpus matching ``pattern``, sorted.

    Without the corpus: one parameter that skips, naming the directory it looked for. With the
    corpus but no match: a collection error, since a sweep over nothing would pass silently.
    """
    if not root.is_dir():
        reason = f"the shared corpus is absent (looked for {root})"
        return [pytest.param(None, id="no-shared-corpus", marks=pytest.mark.skip(reason=reason))]
    found = sorted(root.glob(pattern))
    if not found:
        raise pytest.UsageError(f"no file of the shared corpus {root} matches {pattern!r}")
    return [pytest.param(path, id=path.name) for path in found]
