"""Layout detection: which directories of a tree are units, and Hugging Face cache repos.

A unit is a directory that holds one model, adapter or dataset: the scanned root, any
directory with an ``adapter_config.json``, a ``modules.json``, a ``config.json`` naming a
model type, or a card with front matter; in a tree with no marker at its root, every
directory holding weights is a unit of its own.

A Hugging Face hub cache keeps a repository as ``models--ORG--NAME/`` with ``blobs/`` (the
content, named by digest), ``refs/`` (branch name -> commit) and ``snapshots/REV/`` (one
folder per commit whose files are symlinks into ``../../blobs``). Both the repository folder
and a snapshot folder can be scanned; either way the snapshot's files are read through their
links, which stay inside the repository folder.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Final

import attrs

from fmbom._weight_formats import weight_format_of
from fmbom.errors import ScanError
from fmbom.scan._context import MAX_CARD, MAX_JSON, FileRecord

__all__ = ["CacheRepo", "find_cache_repo", "group_units"]

_MARKER_NAMES: Final = frozenset(
    {"adapter_config.json", "modules.json", "config.json", "README.md"}
)
_CACHE_REPO: Final = re.compile(r"^(?P<type>models|datasets|spaces)--(?P<id>.+)$")


@attrs.frozen(kw_only=True)
class CacheRepo:
    """A repository of a Hugging Face hub cache and the snapshot to scan."""

    folder: Path
    snapshot: Path
    repo_type: str
    repo_id: str
    revision: str


def _cache_repo_id(name: str) -> tuple[str, str] | None:
    match = _CACHE_REPO.match(name)
    if match is None:
        return None
    return match.group("type"), match.group("id").replace("--", "/")


def find_cache_repo(root: Path) -> CacheRepo | None:
    """The cache repository ``root`` is (or is a snapshot of); None for any other folder.

    Scanning a repository folder picks the snapshot ``refs/main`` names, else its only
    snapshot; with several snapshots and no ``refs/main`` the choice is the user's, so a
    :class:`ScanError` lists them.
    """
    real = Path(os.path.realpath(root))
    if real.parent.name == "snapshots" and (named := _cache_repo_id(real.parent.parent.name)):
        repo_type, repo_id = named
        return CacheRepo(
            folder=real.parent.parent,
            snapshot=root,
            repo_type=repo_type,
            repo_id=repo_id,
            revision=real.name,
        )
    named = _cache_repo_id(real.name)
    snapshots = real / "snapshots"
    if named is None or not snapshots.is_dir():
        return None
    repo_type, repo_id = named
    revision = None
    try:
        revision = (real / "refs" / "main").read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        revision = None
    try:
        found = sorted(p.name for p in snapshots.iterdir() if p.is_dir())
    except OSError as error:
        raise ScanError(f"{snapshots}: cannot list: {error.strerror or error}") from None
    if revision is None or revision not in found:
        if len(found) != 1:
            listed = ", ".join(found) if found else "none"
            raise ScanError(
                f"{root}: a Hugging Face cache repository with no refs/main and "
                f"{len(found)} snapshots ({listed}); scan one snapshot folder"
            )
        revision = found[0]
    return CacheRepo(
        folder=real,
        snapshot=snapshots / revision,
        repo_type=repo_type,
        repo_id=repo_id,
        revision=revision,
    )


def _peek_json(record: FileRecord) -> Any:
    if record.lfs is not None or record.found.stat.st_size > MAX_JSON:
        return None
    try:
        return json.loads(record.found.path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None


def _is_unit_marker(record: FileRecord) -> bool:
    name = record.name
    if name in ("adapter_config.json", "modules.json"):
        return True
    if name == "config.json":
        document = _peek_json(record)
        return isinstance(document, dict) and (
            "model_type" in document or "architectures" in document
        )
    if name == "README.md" and record.lfs is None and record.found.stat.st_size <= MAX_CARD:
        head = record.head(4096).decode("utf-8-sig", errors="replace")
        return head.lstrip().startswith("---")
    return False


def ancestors(rel: str) -> list[str]:
    """``a/b/c.txt`` -> ``["a/b", "a"]``: the directories above a path, nearest first."""
    found = []
    head = rel.rpartition("/")[0]
    while head:
        found.append(head)
        head = head.rpartition("/")[0]
    return found


def group_units(records: list[FileRecord]) -> dict[str, dict[str, FileRecord]]:
    """Files grouped by the nearest enclosing unit directory (the root is always a unit)."""
    roots = {""}
    root_marked = False
    for record in records:
        if record.name in _MARKER_NAMES and _is_unit_marker(record):
            parent = record.rel.rpartition("/")[0]
            if parent:
                roots.add(parent)
            else:
                root_marked = True
    if not root_marked:
        # A tree of loose model directories: each directory holding weights is a model.
        for record in records:
            folder = record.rel.rpartition("/")[0]
            if not folder or weight_format_of(record.name) is None:
                continue
            if not any(p in roots for p in ancestors(record.rel)):
                roots.add(folder)
    units: dict[str, dict[str, FileRecord]] = {root: {} for root in roots}
    for record in records:
        owner = next((p for p in ancestors(record.rel) if p in roots), "")
        inner = record.rel[len(owner) + 1 :] if owner else record.rel
        units[owner][inner] = record
    return units
