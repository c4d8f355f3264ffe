"""Hashing as the unit of work: tasks any ``concurrent.futures.Executor`` can run.

A scan's hash jobs are cut into tasks: a large file is one task of its own, small files are
batched (up to :data:`BATCH_BYTES` or :data:`BATCH_FILES` per task) so that a folder of many
small configs does not cost one round trip per file. The task functions are module-level and
take only picklable arguments (paths as strings, the algorithm's name, an fsspec filesystem
for remote files), so a thread pool, a process pool or a Dask cluster runs them alike. The
results go back to the job that asked for them, in the order of the jobs, so what a scan
builds does not depend on which executor hashed or in which order the tasks finished.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, as_completed
from typing import Any, Final

from fmbom.errors import ScanError
from fmbom.model import HashAlgorithm
from fmbom.scan._cache import HashCache
from fmbom.scan._hashing import BUFFER_SIZE, HashJob, HashOutcome, hash_file, new_hasher

__all__ = [
    "BATCH_BYTES",
    "BATCH_FILES",
    "LARGE_FILE",
    "ExecutorRunner",
    "describe_error",
    "hash_local_batch",
    "hash_remote_batch",
    "plan_batches",
]

#: A file of this size or more is a task of its own.
LARGE_FILE: Final = 32 << 20
#: Small files are batched up to this many bytes ...
BATCH_BYTES: Final = 64 << 20
#: ... or this many files per task.
BATCH_FILES: Final = 256

#: (hex digest, None) or (None, why the file could not be read), per path of a task.
TaskResult = list[tuple[str | None, str | None]]


def hash_local_batch(paths: Sequence[str], algorithm: str) -> TaskResult:
    """Hash local files, one after the other, through one buffer (a task's body)."""
    algo = HashAlgorithm(algorithm)
    buffer = bytearray(BUFFER_SIZE)
    results: TaskResult = []
    for path in paths:
        try:
            results.append((hash_file(path, algo, buffer=buffer), None))
        except OSError as error:
            results.append((None, error.strerror or str(error)))
    return results


def hash_remote_batch(filesystem: Any, paths: Sequence[str], algorithm: str) -> TaskResult:
    """Hash files of an fsspec filesystem by streaming them (a task's body)."""
    algo = HashAlgorithm(algorithm)
    results: TaskResult = []
    protocols = filesystem.protocol
    protocols = {protocols} if isinstance(protocols, str) else set(protocols)
    # HTTP: one streaming GET per file (no ranges needed); elsewhere 4 MiB reads, uncached
    options: dict[str, Any] = (
        {"block_size": 0}
        if protocols & {"http", "https"}
        else {"block_size": BUFFER_SIZE, "cache_type": "none"}
    )
    for path in paths:
        hasher = new_hasher(algo)
        try:
            with filesystem.open(path, "rb", **options) as handle:
                while chunk := handle.read(BUFFER_SIZE):
                    hasher.update(chunk)
        except Exception as error:  # noqa: BLE001 - any transport error is this file's problem
            results.append((None, describe_error(error)))
            continue
        results.append((hasher.hexdigest(), None))
    return results


_USERINFO: Final = re.compile(r"//[^/@\s]+@")


def describe_error(error: BaseException) -> str:
    """``Type: first line`` of an error, any ``//user:password@`` of a URL in it removed."""
    text = _USERINFO.sub("//", str(error)).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def plan_batches(sizes: Sequence[int]) -> list[list[int]]:
    """Indexes of the jobs grouped into tasks: large files alone, small ones batched.

    Large files come first (largest first), so that a big shard does not start last and
    finish alone; the order is a pure function of the sizes.
    """
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    current_bytes = 0
    for index in order:
        size = sizes[index]
        if size >= LARGE_FILE:
            batches.append([index])
            continue
        if current and (current_bytes + size > BATCH_BYTES or len(current) >= BATCH_FILES):
            batches.append(current)
            current, current_bytes = [], 0
        current.append(index)
        current_bytes += size
    if current:
        batches.append(current)
    return batches


class ExecutorRunner:
    """Hash a scan's jobs on ``executor`` (the ``runner`` of :func:`fmbom.scan.scan`).

    Several scans may use one runner at the same time (the units of a fleet): the executor
    interleaves their tasks. ``cache`` (shared by those scans, behind a lock) gives the
    digests of unchanged local files without a task. ``on_bytes`` is told of every byte hashed.
    """

    def __init__(
        self,
        executor: Executor,
        *,
        cache: HashCache | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> None:
        self.executor = executor
        self.cache = cache
        self.on_bytes = on_bytes
        self.lock = threading.Lock()

    def __call__(
        self,
        jobs: Sequence[HashJob],
        algorithm: HashAlgorithm,
        on_bytes: Callable[[int], None],
    ) -> list[HashOutcome]:
        new_hasher(algorithm)
        outcomes: list[HashOutcome | None] = [None] * len(jobs)
        pending: list[int] = []
        stats: dict[int, os.stat_result] = {}
        for index, job in enumerate(jobs):
            published = getattr(job.path, "published", None)
            if published is not None and algorithm is HashAlgorithm.SHA256:
                # the store publishes the file's SHA-256: recorded without downloading it
                outcomes[index] = HashOutcome(job=job, digest=published)
                continue
            stat = self._stat(job)
            if stat is not None:
                stats[index] = stat
                with self.lock:
                    cached = self._cache_get(job, algorithm, stat)
                if cached is not None:
                    outcomes[index] = HashOutcome(job=job, digest=cached)
                    continue
            pending.append(index)
        futures: dict[Future[TaskResult], list[int]] = {}
        try:
            for batch in plan_batches([jobs[i].size for i in pending]):
                indexes = [pending[i] for i in batch]
                futures[self._submit([jobs[i] for i in indexes], algorithm)] = indexes
            for future in as_completed(futures):
                indexes = futures[future]
                try:
                    results = future.result()
                except Exception as error:  # noqa: BLE001 - a worker's failure, any kind
                    raise ScanError(
                        f"{jobs[indexes[0]].path}: the executor failed to hash it: "
                        f"{describe_error(error)}"
                    ) from None
                for index, (digest, problem) in zip(indexes, results, strict=True):
                    job = jobs[index]
                    outcomes[index] = HashOutcome(job=job, digest=digest, error=problem)
                    if digest is not None and index in stats:
                        with self.lock:
                            self._cache_put(job, algorithm, stats[index], digest)
                    on_bytes(job.size)
                    if self.on_bytes is not None:
                        self.on_bytes(job.size)
        finally:
            for future in futures:
                future.cancel()
        return [o for o in outcomes if o is not None]

    def _submit(self, jobs: list[HashJob], algorithm: HashAlgorithm) -> Future[TaskResult]:
        first = jobs[0].path
        remote = getattr(first, "filesystem", None)
        if remote is not None:
            paths = [str(getattr(job.path, "remote_path", job.path)) for job in jobs]
            return self.executor.submit(hash_remote_batch, remote, paths, algorithm.value)
        return self.executor.submit(
            hash_local_batch, [os.fspath(job.path) for job in jobs], algorithm.value
        )

    def _stat(self, job: HashJob) -> os.stat_result | None:
        """The stat of a local file before it is hashed (None: no cache, remote, unreadable)."""
        if self.cache is None or getattr(job.path, "filesystem", None) is not None:
            return None
        try:
            return job.path.stat()
        except OSError:
            return None

    def _cache_get(
        self, job: HashJob, algorithm: HashAlgorithm, stat: os.stat_result
    ) -> str | None:
        assert self.cache is not None  # noqa: S101 - _stat gives a stat only with a cache
        return self.cache.get(algorithm.value, os.path.realpath(job.path), stat)

    def _cache_put(
        self, job: HashJob, algorithm: HashAlgorithm, stat: os.stat_result, digest: str
    ) -> None:
        assert self.cache is not None  # noqa: S101 - as in _cache_get
        self.cache.put(algorithm.value, os.path.realpath(job.path), stat, digest)
