"""A persistent cache of file digests, so that rescanning an unchanged tree is near-instant.

An entry is keyed on the algorithm and the file's absolute path and holds its size,
modification time (ns) and inode: a file whose size, mtime or inode changed is a miss. The
cache is one JSON file under ``$XDG_CACHE_HOME/fmbom`` (else ``~/.cache/fmbom``), written
atomically; a corrupt or unreadable cache file is ignored and replaced on the next write.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Final

from fmbom._rescan import default_cache_dir

__all__ = ["CACHE_FILE_NAME", "HashCache", "default_cache_dir"]

CACHE_FILE_NAME: Final = "hashes-v1.json"
_FORMAT: Final = "fmbom-hash-cache-1"


class HashCache:
    """Digests by (algorithm, path) with the (size, mtime_ns, inode) they were computed for."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.path / CACHE_FILE_NAME
        self._entries: dict[str, list[Any]] = {}
        self._dirty = False
        self.hits = 0
        self.misses = 0
        self._load()

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
            document = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            return
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            return
        entries = document.get("entries")
        if isinstance(entries, dict):
            self._entries = {
                k: v
                for k, v in entries.items()
                if isinstance(v, list) and len(v) == 4 and isinstance(v[3], str)
            }

    @staticmethod
    def _key(algorithm: str, path: str | os.PathLike[str]) -> str:
        return f"{algorithm}\t{os.fspath(path)}"

    def get(self, algorithm: str, path: str | os.PathLike[str], stat: os.stat_result) -> str | None:
        """The cached digest if the file's size, mtime and inode are unchanged."""
        entry = self._entries.get(self._key(algorithm, path))
        if entry is not None and entry[:3] == [stat.st_size, stat.st_mtime_ns, stat.st_ino]:
            self.hits += 1
            return str(entry[3])
        self.misses += 1
        return None

    def put(
        self, algorithm: str, path: str | os.PathLike[str], stat: os.stat_result, digest: str
    ) -> None:
        """Remember a digest computed for this state of the file."""
        entry = [stat.st_size, stat.st_mtime_ns, stat.st_ino, digest]
        key = self._key(algorithm, path)
        if self._entries.get(key) != entry:
            self._entries[key] = entry
            self._dirty = True

    def save(self) -> str | None:
        """Write the cache atomically if it changed; returns a warning instead of raising."""
        if not self._dirty:
            return None
        document = {"format": _FORMAT, "entries": self._entries}
        data = json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".hashes.", suffix=".tmp", dir=self.path.parent)
        except OSError as error:
            return f"cannot write the hash cache {self.path}: {error.strerror or error}"
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(temp).replace(self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                Path(temp).unlink()
            return f"cannot write the hash cache {self.path}: {error.strerror or error}"
        self._dirty = False
        return None
