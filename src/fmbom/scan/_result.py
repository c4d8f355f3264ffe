"""What a scan returns: the BOM, the per-file problems met on the way, and hashing counters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

import attrs

from fmbom.bom import Bom

__all__ = ["ProgressCallback", "ScanProblem", "ScanResult", "Source"]

#: ``progress(bytes_done, bytes_total)``, called from hashing threads under a lock.
ProgressCallback = Callable[[int, int], None]


@attrs.frozen(kw_only=True)
class ScanProblem:
    """A per-file problem: ``error`` (a file could not be read or understood) or ``warning``."""

    path: str
    message: str
    severity: Literal["error", "warning"] = "warning"

    def __str__(self) -> str:
        return f"{self.path}: {self.severity}: {self.message}"


@attrs.frozen(kw_only=True)
class Source:
    """Where one scanned fact came from: a file and the key, header field, card section or
    file-name convention inside it; ``derived`` when the value was computed, not stated."""

    file: str
    locator: str
    derived: bool = False


@attrs.frozen(kw_only=True)
class ScanResult:
    """The BOM a scan built, the per-file problems it met, and what the hashing did."""

    bom: Bom
    problems: tuple[ScanProblem, ...] = ()
    files: int = 0
    bytes_hashed: int = 0
    cache_hits: int = 0
    #: (component ref, field) -> where the scan read the field's value.
    sources: Mapping[tuple[str, str], Source] = attrs.field(factory=dict)

    @property
    def errors(self) -> tuple[ScanProblem, ...]:
        """Problems of severity ``error``."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[ScanProblem, ...]:
        """Problems of severity ``warning``."""
        return tuple(p for p in self.problems if p.severity == "warning")
