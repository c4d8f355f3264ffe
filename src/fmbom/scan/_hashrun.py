"""Hashing orchestration: LFS pointers, cache-snapshot blob names, the hash cache, the threads.

Every file gets a digest from the cheapest source that is exact: the object id of a Git LFS
pointer (the digest of the content it stands for), the name of a Hugging Face cache blob when
that name is a SHA-256 and SHA-256 was asked for, the hash cache when the file's size, mtime
and inode are unchanged, and otherwise hashing the bytes (files in parallel).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import Final, TypeAlias

from fmbom.model import Digest, HashAlgorithm
from fmbom.scan._cache import HashCache
from fmbom.scan._context import FileRecord, ScanContext
from fmbom.scan._hashing import HashJob, HashOutcome, hash_files
from fmbom.scan._lfs import MAX_POINTER_SIZE, parse_lfs_pointer
from fmbom.scan._result import ProgressCallback

__all__ = ["HashRunner", "hash_records"]

#: ``runner(jobs, algorithm, on_bytes)``: the digests of ``jobs``, in their order. The default
#: hashes in local threads; a fleet scan hands the jobs to its executor instead.
HashRunner: TypeAlias = Callable[
    [Sequence[HashJob], HashAlgorithm, Callable[[int], None]], list[HashOutcome]
]

_SHA256_NAME: Final = re.compile(r"[0-9a-f]{64}")


def _read_pointers(records: list[FileRecord]) -> None:
    for record in records:
        if record.found.stat.st_size > MAX_POINTER_SIZE:
            continue
        try:
            data = record.found.path.read_bytes()
        except OSError as error:
            record.error = f"cannot read: {error.strerror or error}"
            continue
        record.lfs = parse_lfs_pointer(data)
        if record.lfs is not None:
            record.digest = Digest(algorithm=HashAlgorithm.SHA256, value=record.lfs.oid)


def hash_records(
    state: ScanContext,
    records: list[FileRecord],
    *,
    use_cache: bool,
    cache_dir: str | os.PathLike[str] | None,
    workers: int | None,
    progress: ProgressCallback | None,
    runner: HashRunner | None = None,
) -> tuple[int, int]:
    """Give every readable record its digest; returns (bytes hashed, cache hits).

    ``runner`` hashes the files that need it (default: :func:`hash_files` in ``workers``
    threads).
    """
    _read_pointers(records)
    cache = HashCache(cache_dir) if use_cache else None
    jobs: list[HashJob] = []
    waiting: dict[tuple[int, int], list[FileRecord]] = {}
    algo = state.algorithm.value
    base = str(state.real_root)
    for record in records:
        if record.lfs is not None or record.error is not None:
            continue
        if (
            state.algorithm is HashAlgorithm.SHA256
            and record.blob is not None
            and _SHA256_NAME.fullmatch(record.blob)
        ):
            # A cache blob of an LFS file is named by the SHA-256 of its content.
            record.digest = Digest(algorithm=HashAlgorithm.SHA256, value=record.blob)
            continue
        stat = record.found.stat
        key = f"{base}/{record.rel}"
        cached = cache.get(algo, key, stat) if cache is not None else None
        if cached is not None:
            record.digest = Digest(algorithm=state.algorithm, value=cached)
            continue
        identity = (stat.st_dev, stat.st_ino)  # a file reached twice is hashed once
        if identity not in waiting:
            jobs.append(HashJob(path=record.found.path, size=stat.st_size))
        waiting.setdefault(identity, []).append(record)
    total = sum(job.size for job in jobs)
    done = 0

    def on_bytes(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    if runner is None:
        outcomes = hash_files(jobs, state.algorithm, workers=workers, on_bytes=on_bytes)
    else:
        outcomes = runner(jobs, state.algorithm, on_bytes)
    for outcome, group in zip(outcomes, waiting.values(), strict=True):
        for record in group:
            if outcome.digest is None:
                record.error = f"cannot read: {outcome.error}"
                continue
            record.digest = Digest(algorithm=state.algorithm, value=outcome.digest)
            if cache is not None:
                cache.put(algo, f"{base}/{record.rel}", record.found.stat, outcome.digest)
    for record in records:
        if record.error is not None:
            state.error(record.rel, record.error)
    if cache is None:
        return done, 0
    failure = cache.save()
    if failure is not None:
        state.warn(".", failure)
    return done, cache.hits
