"""Finding the units of a registry: every model, adapter and dataset folder under a root.

The detection is the single scan's own (:func:`fmbom.scan._layout.group_units`): a folder
with an ``adapter_config.json``, a ``modules.json``, a ``config.json`` naming a model type or
a card with front matter is a unit, and in a tree without a marker at its top every folder
holding weights is one. A fleet unit is the top-most such folder: a unit inside another one
(an adapter kept in its model's folder) belongs to the outer unit's BOM, exactly as a single
scan of the outer folder records it. Every repository of a Hugging Face hub cache
(``models--ORG--NAME``, ``datasets--ORG--NAME``) is a unit; the cache root's own ``.locks/``
and ``version.txt`` are bookkeeping, not content. A weights file lying loose at
the top is a unit of its own. Any other file outside every unit is reported, not dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import attrs

from fmbom._weight_formats import weight_format_of
from fmbom.scan._context import FileRecord
from fmbom.scan._layout import _is_unit_marker, ancestors, group_units
from fmbom.scan._result import ScanProblem
from fmbom.scan._walk import FoundFile

__all__ = ["Discovery", "discover_units", "top_is_marked"]

_CACHE_REPO: Final = re.compile(r"^(?:models|datasets|spaces)--.+$")


@attrs.frozen(kw_only=True)
class Discovery:
    """The units under a root (paths relative to it, POSIX form, sorted; ``.`` for the root
    itself) and a warning for every file that belongs to none."""

    units: tuple[str, ...]
    problems: tuple[ScanProblem, ...] = ()


def _cache_repo_of(rel: str) -> str | None:
    """The hub cache repository folder ``rel`` lies in (``models--a--b/...``), if any."""
    parts = rel.split("/")
    for depth, part in enumerate(parts[:-1]):
        if _CACHE_REPO.match(part) and parts[depth + 1] in ("snapshots", "blobs", "refs"):
            return "/".join(parts[: depth + 1])
    return None


def discover_units(found: Sequence[FoundFile], *, root_is_unit: bool) -> Discovery:
    """The units a listing of a tree holds (``found``: its files, relative to the root).

    ``root_is_unit`` says the root itself is one unit (a hub cache repository, or a folder a
    single scan reads as one model); then the fleet has that one unit.
    """
    if root_is_unit:
        return Discovery(units=(".",))
    units: set[str] = set()
    rest: list[FoundFile] = []
    for item in found:
        repo = _cache_repo_of(item.rel)
        if repo is not None:
            units.add(repo)
        else:
            rest.append(item)
    if units:
        # a hub cache root's own bookkeeping: download locks and the cache layout version
        rest = [f for f in rest if not f.rel.startswith(".locks/") and f.rel != "version.txt"]
    records = [FileRecord(found=item) for item in rest]
    grouped = group_units(records)
    tops = {u for u in grouped if u and not any(a in grouped for a in ancestors(u))}
    units.update(tops)
    problems: list[ScanProblem] = []
    for record in grouped.get("", {}).values():
        if "/" not in record.rel and weight_format_of(record.name) is not None:
            units.add(record.rel)
            continue
        problems.append(
            ScanProblem(
                path=record.rel,
                message="is in no model, adapter or dataset folder; not scanned",
            )
        )
    return Discovery(units=tuple(sorted(units)), problems=tuple(problems))


def top_is_marked(found: Sequence[FoundFile]) -> bool:
    """True when a file at the top of the listing marks the root itself as a unit."""
    return any("/" not in item.rel and _is_unit_marker(FileRecord(found=item)) for item in found)
