"""The executors ``fmbom scan --each --executor`` names: threads, processes, Dask.

``thread`` and ``process`` are the standard library's pools; ``dask-local`` starts a Dask
``LocalCluster`` on this machine for the scan; ``dask://HOST:PORT`` connects to a running
Dask scheduler (``tcp://HOST:PORT``). Both Dask forms hand the scan
``Client.get_executor()``; Dask is the optional extra ``fmbom[dask]``. Every worker must be
able to read the scanned files at the same paths (shared storage), or reach the same URLs.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from fmbom.errors import ScanError
from fmbom.vocabulary import Vocabulary

__all__ = ["ExecutorKind", "open_executor"]


class ExecutorKind(Vocabulary):
    """The named executors (``--executor``); ``dask://HOST:PORT`` is accepted besides."""

    THREAD = "thread"
    PROCESS = "process"
    DASK_LOCAL = "dask-local"


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise ScanError(
            "the Dask executors need the 'dask' extra: pip install 'fmbom[dask]'"
        ) from None
    return distributed


def _process_context() -> Any:
    # forkserver (or spawn) rather than fork: the scan runs threads, and a forked child of a
    # threaded process can inherit a held lock
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


@contextmanager
def open_executor(spec: str, *, workers: int | None = None) -> Iterator[Executor]:
    """The executor ``spec`` names, shut down (or disconnected) on exit.

    ``workers`` is the number of threads, processes or local Dask workers (default: the
    number of CPUs). Raises :class:`ScanError` for an unknown name, a missing Dask install or
    a scheduler that cannot be reached.
    """
    count = workers if workers and workers > 0 else (os.cpu_count() or 1)
    if spec.startswith("dask://"):
        address = spec[len("dask://") :]
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ScanError(f"--executor {spec}: expected dask://HOST:PORT")
        distributed = _dask()
        try:
            client = distributed.Client(f"tcp://{address}", timeout="10s")
        except (OSError, TimeoutError) as error:
            raise ScanError(
                f"--executor {spec}: cannot reach the Dask scheduler: {error}"
            ) from None
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    try:
        kind = ExecutorKind(spec)
    except ValueError:
        raise ScanError(
            f"--executor {spec!r}: expected thread, process, dask-local or dask://HOST:PORT"
        ) from None
    if kind is ExecutorKind.THREAD:
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="fmbom-hash") as pool:
            yield pool
    elif kind is ExecutorKind.PROCESS:
        with ProcessPoolExecutor(max_workers=count, mp_context=_process_context()) as pool:
            yield pool
    else:
        distributed = _dask()
        with (
            distributed.LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client.get_executor()
