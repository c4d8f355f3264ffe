"""Streaming file hashing, files in parallel across threads.

A digest is computed by reading the file into one reusable buffer (4 MiB) and feeding the
hash object; ``hashlib`` releases the GIL for large updates, so threads hash different files
on different cores at the same time. A single file's SHA-256 is sequential, so parallelism is
across files.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import attrs

from fmbom.errors import ScanError
from fmbom.model import HashAlgorithm

__all__ = ["BUFFER_SIZE", "HashJob", "HashOutcome", "hash_file", "hash_files", "new_hasher"]

#: Bytes read per call; large enough that the per-call overhead is negligible.
BUFFER_SIZE = 4 << 20


class _Hasher(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...  # pragma: no cover
    def hexdigest(self) -> str: ...  # pragma: no cover


def new_hasher(algorithm: HashAlgorithm) -> _Hasher:
    """A fresh hash object for ``algorithm``; :class:`ScanError` if it is unavailable."""
    names = algorithm.names
    if names.hashlib is None:  # BLAKE3, from its own package
        try:
            import blake3  # type: ignore[import-not-found]
        except ImportError:
            raise ScanError(
                "blake3 hashing needs the 'blake3' package (pip install blake3)"
            ) from None
        hasher: _Hasher = blake3.blake3(max_threads=1)
        return hasher
    if names.hashlib == "blake2b":
        return hashlib.blake2b(digest_size=names.hex_length // 2)
    return hashlib.new(names.hashlib)


def hash_file(
    path: str | os.PathLike[str],
    algorithm: HashAlgorithm = HashAlgorithm.SHA256,
    *,
    buffer: bytearray | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> str:
    """The hex digest of a file, streamed through one buffer. Raises :class:`OSError`."""
    hasher = new_hasher(algorithm)
    buf = buffer if buffer is not None else bytearray(BUFFER_SIZE)
    view = memoryview(buf)
    with Path(path).open("rb", buffering=0) as handle:
        while True:
            count = handle.readinto(view)
            if not count:
                break
            hasher.update(view[:count])
            if on_bytes is not None:
                on_bytes(count)
    return hasher.hexdigest()


@attrs.frozen(kw_only=True)
class HashJob:
    """A file to hash: where to read it and how many bytes it should have."""

    path: Path
    size: int


@attrs.frozen(kw_only=True)
class HashOutcome:
    """The digest of a job, or the error that prevented it."""

    job: HashJob
    digest: str | None
    error: str | None = None


def hash_files(
    jobs: Sequence[HashJob],
    algorithm: HashAlgorithm,
    *,
    workers: int | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> list[HashOutcome]:
    """Hash many files in parallel threads; results come back in the order of ``jobs``.

    A file that cannot be read gives an outcome with ``error`` set; the others go on.
    Large files are started first so that one big shard does not finish last on its own.
    """
    new_hasher(algorithm)  # fail early when the algorithm is unavailable
    if not jobs:
        return []
    count = workers if workers and workers > 0 else (os.cpu_count() or 1)
    count = max(1, min(count, len(jobs)))
    local = threading.local()
    lock = threading.Lock()

    def report(n: int) -> None:
        if on_bytes is not None:
            with lock:
                on_bytes(n)

    def run(job: HashJob) -> HashOutcome:
        buffer = getattr(local, "buffer", None)
        if buffer is None:
            buffer = local.buffer = bytearray(BUFFER_SIZE)
        try:
            digest = hash_file(job.path, algorithm, buffer=buffer, on_bytes=report)
        except OSError as error:
            return HashOutcome(job=job, digest=None, error=error.strerror or str(error))
        return HashOutcome(job=job, digest=digest)

    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].size)
    results: list[HashOutcome | None] = [None] * len(jobs)
    if count == 1:
        for index in order:
            results[index] = run(jobs[index])
    else:
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="fmbom-hash") as pool:
            for index, outcome in zip(order, pool.map(run, (jobs[i] for i in order)), strict=True):
                results[index] = outcome
    return [r for r in results if r is not None]
