"""The replay of an unchanged scan: ``fmbom scan`` of a tree that did not change since the
last scan with the same options prints the same BOM without building it again.

A scan's native output depends on the bytes of the files it reads, on what the tree holds
(names, kinds, symlink targets, permissions), on its options and on fmbom itself. After a
scan, :meth:`ScanMemo.remember` stores the native document and the per-file problems under a
key made of the options, the tree's path, the user and fmbom's own files, beside the tree's
*fingerprint*: the ``lstat`` of every entry under the root (mode, size, mtime and ctime in
nanoseconds, inode and device), and for a symlink its target text and the ``stat`` of what it
points to. :meth:`ScanMemo.replay` takes the fingerprint again and, when it is equal, returns
the stored document with the new scan's timestamp: byte for byte what the scan would print.

This module imports the standard library only: a replay costs the start-up, one ``lstat``
per entry of the tree and the JSON text of the BOM, not the object model. Its rules:

- a tree with a symlink to a directory inside it is never remembered (what the link reaches
  is not walked); the root itself may be such a link;
- a fingerprint in which any entry changed less than :data:`RACY_SECONDS` before the scan is
  not remembered: a file written again within the file system's time resolution could keep
  its size and times;
- anything unexpected (an unreadable memo, a changed entry, a vanished file, an invalid
  ``SOURCE_DATE_EPOCH``) means no replay: the scan runs in full.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
import zlib

from fmbom._canonical import native_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    import datetime
    from pathlib import Path
    from typing import Any, Final, TypeAlias

    #: One list per entry: relative path, mode, size, mtime_ns, ctime_ns, inode, device, the
    #: symlink's target text (or None) and the state of what it points to (or None).
    Fingerprint: TypeAlias = list[list[Any]]

__all__ = [
    "MEMO_DIR_NAME",
    "RACY_SECONDS",
    "ScanMemo",
    "default_cache_dir",
    "fingerprint",
    "recorded_time",
]

#: The folder of the cache directory that holds one memo per scanned tree and options.
MEMO_DIR_NAME: Final = "scans-v1"
#: Entries changed this recently when the fingerprint is taken keep a tree from being
#: remembered (their next change could go unseen within the file system's time resolution).
RACY_SECONDS: Final = 2
_FORMAT: Final = "fmbom-scan-memo-1"
#: The latest time ``datetime`` (and so a scan) can record: 9999-12-31T23:59:59Z.
_LAST_SECOND: Final = 253402300799


def _cache_folder() -> str:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "fmbom")
    return os.path.join(os.path.expanduser("~"), ".cache", "fmbom")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/fmbom`` when set (and absolute), else ``~/.cache/fmbom``: the folder
    of the hash cache and of the scan memos."""
    from pathlib import Path

    return Path(_cache_folder())


def _recorded_seconds() -> int | None:
    """The seconds since 1970 a scan records (see :func:`recorded_time`)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return int(time.time())
    try:
        seconds = int(epoch.strip())
    except ValueError:
        return None
    return seconds if 0 <= seconds <= _LAST_SECOND else None


def recorded_time() -> datetime.datetime | None:
    """The time a scan records: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now
    (UTC, whole seconds); None when ``SOURCE_DATE_EPOCH`` is not a non-negative integer that
    names a time up to the year 9999."""
    import datetime

    seconds = _recorded_seconds()
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def _native_time(seconds: int) -> str:
    """A time as the native format writes it (ISO 8601, UTC, ``Z``): what
    :mod:`fmbom.native` writes for :func:`recorded_time`."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _state(info: os.stat_result) -> list[int]:
    return [
        info.st_mode,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
        info.st_dev,
    ]


def fingerprint(root: str | os.PathLike[str]) -> Fingerprint | None:
    """The state of every entry under ``root`` (``root`` itself first); None when the tree
    cannot be fingerprinted exactly (a symlink to a directory below the root, an entry that
    vanished or cannot be read)."""
    top = os.fspath(root)
    try:
        found: Fingerprint = [_entry(top, "", os.lstat(top))]
    except OSError:
        return None
    mode = found[0][8][0] if found[0][8] is not None else found[0][1]
    # A root that is a symlink to a folder is followed, as the scan follows it.
    pending = [(top, "")] if stat.S_ISDIR(mode) else []
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
            listed = [
                _entry(e.path, f"{prefix}{e.name}", e.stat(follow_symlinks=False)) for e in entries
            ]
        except OSError:
            return None
        for item, entry in zip(entries, listed, strict=True):
            if entry[8] is not None and stat.S_ISDIR(entry[8][0]):
                return None
            found.append(entry)
            if stat.S_ISDIR(entry[1]):
                pending.append((item.path, entry[0] + "/"))
    return found


def _entry(path: str, rel: str, info: os.stat_result) -> list[Any]:
    link: str | None = None
    target: list[int] | None = None
    if stat.S_ISLNK(info.st_mode):
        link = os.readlink(path)
        with contextlib.suppress(OSError):  # a dangling link is recorded as one
            target = _state(os.stat(path))
    return [rel, *_state(info), link, target]


def _racy(found: Fingerprint, now_ns: int) -> bool:
    limit = now_ns - RACY_SECONDS * 1_000_000_000
    for entry in found:
        states = [entry[1:7]] + ([entry[8]] if entry[8] is not None else [])
        if any(state[2] >= limit or state[3] >= limit for state in states):
            return True
    return False


def _own_files() -> list[list[Any]]:
    """fmbom's own source files (path, size, mtime): a changed fmbom is a different scanner."""
    own: list[list[Any]] = []
    pending = [os.path.dirname(os.path.abspath(__file__))]
    while pending:
        with os.scandir(pending.pop()) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    own.append([entry.path, info.st_size, info.st_mtime_ns])
    own.sort()
    return own


class ScanMemo:
    """The memo of one scan: a tree (``root`` as given and its real path) scanned with the
    same options by the same user with the same fmbom."""

    def __init__(self, root: str, path: str, key: str) -> None:
        self.root = root
        self.path = path
        self.key = key

    @classmethod
    def of(
        cls,
        root: str | os.PathLike[str],
        cache_dir: str | os.PathLike[str] | None,
        algorithm: str,
        name: str | None,
        version: str | None,
    ) -> ScanMemo | None:
        """The memo of scanning ``root`` with these options (as ``fmbom scan`` takes them);
        None when the algorithm is not one fmbom knows (the scan itself says why)."""
        from fmbom._version import __version__
        from fmbom.vocabulary import HashAlgorithm

        try:
            chosen = HashAlgorithm.parse(algorithm).value
        except ValueError:
            return None
        given = os.fspath(root)
        key = json.dumps(
            {
                "fmbom": __version__,
                "code": _own_files(),
                "root": [given, os.path.realpath(given)],
                "options": {"algorithm": chosen, "name": name, "version": version},
                "user": os.getuid() if hasattr(os, "getuid") else None,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        # The file name only spreads memos over names; the memo holds its whole key, which a
        # replay compares, so two keys that share a name can never be mistaken for each other.
        data = key.encode("utf-8", "surrogatepass")
        name_of = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}.json"
        folder = os.fspath(cache_dir) if cache_dir is not None else _cache_folder()
        return cls(given, os.path.join(folder, MEMO_DIR_NAME, name_of), key)

    def fingerprint(self) -> Fingerprint | None:
        """The tree's fingerprint now (see :func:`fingerprint`)."""
        return fingerprint(self.root)

    def replay(self) -> tuple[str, list[str]] | None:
        """The native text and the problems of the last scan, with the timestamp of a scan
        now, when nothing under the root changed since; None otherwise."""
        seconds = _recorded_seconds()
        if seconds is None:
            return None
        try:
            with open(self.path, "rb") as handle:
                memo = json.loads(handle.read())
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(memo, dict) or memo.get("format") != _FORMAT:
            return None
        document, problems = memo.get("document"), memo.get("problems")
        if memo.get("key") != self.key or not isinstance(document, dict):
            return None
        if not isinstance(document.get("metadata"), dict) or not isinstance(problems, list):
            return None
        if not all(isinstance(p, str) for p in problems) or self.fingerprint() != memo.get("tree"):
            return None
        document["metadata"]["timestamp"] = _native_time(seconds)
        return native_text(document), problems

    def remember(
        self, tree: Fingerprint | None, document: dict[str, Any], problems: list[str]
    ) -> str | None:
        """Store a scan's native ``document`` and ``problems`` for the tree as it was before
        the scan (``tree``, from :meth:`fingerprint`). Returns a warning instead of raising
        when the memo cannot be written; nothing is stored for a tree that cannot be
        fingerprinted or changed too recently."""
        import tempfile

        if tree is None or _racy(tree, time.time_ns()):
            return None
        memo = {
            "format": _FORMAT,
            "key": self.key,
            "tree": tree,
            "document": document,
            "problems": problems,
        }
        # ASCII with escapes: file names that are not UTF-8 (lone surrogates) survive.
        encoded = json.dumps(memo, separators=(",", ":")).encode("ascii")
        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".scan.", suffix=".tmp", dir=folder)
        except OSError as error:
            return f"cannot write the scan memo in {folder}: {error.strerror or error}"
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(encoded)
            os.replace(temp, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            return f"cannot write the scan memo in {folder}: {error.strerror or error}"
        return None
