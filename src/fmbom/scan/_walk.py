"""Listing the files of a tree without leaving it and without following escaping symlinks."""

from __future__ import annotations

import os
import stat as stat_module
from pathlib import Path

import attrs

from fmbom.errors import ScanError

__all__ = ["SKIPPED_DIRS", "FoundFile", "escape_name", "stat_root", "walk_tree"]

#: Directory names never descended into (version-control and download bookkeeping).
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})


@attrs.frozen(kw_only=True)
class FoundFile:
    """A regular file in the tree: its path relative to the root (POSIX form) and its stat."""

    rel: str
    path: Path
    stat: os.stat_result


def escape_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 become ``\\xNN`` escapes.

    The operating system hands such bytes over as lone surrogates (``surrogateescape``),
    which no output could encode; fmbom records the escaped form instead.
    """
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def stat_root(root: Path) -> os.stat_result:
    """The status of the path a scan starts from (symlinks followed); a :class:`ScanError`
    naming it when it does not exist or cannot be read."""
    try:
        return root.stat()
    except FileNotFoundError:
        raise ScanError(f"{root}: no such file or directory") from None
    except OSError as error:
        raise ScanError(f"{root}: cannot read: {error.strerror or error}") from None


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def walk_tree(
    root: Path, *, boundary: Path | None = None
) -> tuple[list[FoundFile], list[tuple[str, str]]]:
    """Regular files under ``root``, sorted by relative path, and (path, warning) pairs.

    Symlinks whose target lies outside ``boundary`` (default: the tree itself) are not
    followed; symlinked directories are followed only when they stay inside it and were not
    visited yet. Special files (FIFOs, sockets, devices) are skipped, since reading them
    could block.
    """
    real_root = os.path.realpath(root)
    limit = os.path.realpath(boundary) if boundary is not None else real_root
    files: list[FoundFile] = []
    warnings: list[tuple[str, str]] = []
    visited: set[str] = {real_root}
    pending: list[tuple[Path, str]] = [(root, "")]
    # Symlinked directories wait until the real tree is done, so a file is listed under its
    # real path when both lead to it.
    deferred: list[tuple[Path, str]] = []
    while pending or deferred:
        if pending:
            directory, prefix = pending.pop()
        else:
            directory, prefix = deferred.pop(0)
            real = os.path.realpath(directory)
            if real in visited:
                continue
            visited.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            warnings.append((prefix or ".", f"cannot list directory: {error.strerror or error}"))
            continue
        for entry in entries:
            name = escape_name(entry.name)
            rel = f"{prefix}{name}"
            path = Path(entry.path)
            if name != entry.name:
                warnings.append((rel, "name is not valid UTF-8; recorded with \\x escapes"))
            try:
                linked = entry.is_symlink()
                if linked and not _inside(os.path.realpath(path), limit):
                    warnings.append((rel, "symlink leaves the scanned tree; not followed"))
                    continue
                info = path.stat()
            except OSError as error:
                warnings.append((rel, f"cannot read: {error.strerror or error}"))
                continue
            if stat_module.S_ISDIR(info.st_mode):
                if entry.name in SKIPPED_DIRS:
                    continue
                if linked:
                    deferred.append((path, rel + "/"))
                else:
                    visited.add(os.path.realpath(path))
                    pending.append((path, rel + "/"))
            elif stat_module.S_ISREG(info.st_mode):
                files.append(FoundFile(rel=rel, path=path, stat=info))
            else:
                warnings.append((rel, "not a regular file; skipped"))
    files.sort(key=lambda f: f.rel)
    return files, warnings
