"""``scan_each``: scan every unit of a registry, hashing on any executor, and write the fleet.

The units are found first (:mod:`fmbom.fleet._discover`); each is then scanned by the single
scan (:func:`fmbom.scan.scan`, or its remote form), several at a time in local threads, with
a hash runner that sends the hashing to the executor. Everything but hashing (listing,
reading configs, headers and cards, building the BOM) stays in this process, so what a unit's
BOM holds does not depend on the executor; every unit's BOM carries the fleet's one scan time.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs

from fmbom.errors import ScanError, WriteError
from fmbom.fleet._discover import discover_units, top_is_marked
from fmbom.fleet._index import (
    INDEX_NAME,
    FleetIndex,
    FleetUnit,
    bom_file_name,
    count_digests,
    dumps_index,
    read_index,
)
from fmbom.fleet._remote import RemoteTree, is_url
from fmbom.fleet._work import ExecutorRunner
from fmbom.model import HashAlgorithm
from fmbom.scan._cache import HashCache
from fmbom.scan._layout import find_cache_repo
from fmbom.scan._result import ScanProblem, ScanResult
from fmbom.scan._scanner import scan, scan_timestamp
from fmbom.scan._units import main_component
from fmbom.scan._walk import stat_root, walk_tree

__all__ = ["FleetProgress", "FleetResult", "UnitScan", "scan_each", "write_fleet"]

#: ``progress(units_done, units_total, bytes_hashed)``, called under a lock.
FleetProgress = Callable[[int, int, int], None]

#: Units scanned at the same time in this process (their hashing runs on the executor).
_UNIT_THREADS = 8
_UNIT_KINDS = frozenset({"model", "adapter", "dataset"})


@attrs.frozen(kw_only=True)
class UnitScan:
    """One unit: its id (path under the root), where it was read, and the scan's result or the
    error that stopped it."""

    unit: str
    source: str
    result: ScanResult | None = None
    error: ScanError | None = None

    def entry(self) -> FleetUnit:
        """The unit as ``index.json`` lists it."""
        if self.result is None:
            message = str(self.error) if self.error is not None else "not scanned"
            failed = ScanProblem(path=".", message=message, severity="error")
            return FleetUnit(
                unit=self.unit,
                source=self.source,
                bom=None,
                name=None,
                kind=None,
                digests=0,
                problems=(failed,),
            )
        bom = self.result.bom
        main = main_component({c.ref: c for c in bom.components}, "")
        kinds = {c.kind.value for c in bom.components if c.kind.value in _UNIT_KINDS}
        kind = main.kind.value if main is not None else None
        if kind is None and len(kinds) == 1:
            kind = next(iter(kinds))  # loose files of one kind (GGUF models, say)
        return FleetUnit(
            unit=self.unit,
            source=self.source,
            bom=bom_file_name(self.unit),
            name=bom.metadata.subject.name,
            kind=kind,
            digests=count_digests(bom),
            problems=self.result.problems,
        )


@attrs.frozen(kw_only=True)
class FleetResult:
    """Every unit of a registry, sorted by id, and the problems of the registry as a whole
    (files that are in no unit)."""

    root: str
    units: tuple[UnitScan, ...]
    problems: tuple[ScanProblem, ...] = ()
    bytes_hashed: int = 0

    @property
    def failed(self) -> tuple[UnitScan, ...]:
        """The units that could not be scanned at all."""
        return tuple(u for u in self.units if u.result is None)

    def index(self) -> FleetIndex:
        """The fleet's ``index.json``."""
        return FleetIndex(
            root=self.root, units=tuple(u.entry() for u in self.units), problems=self.problems
        )


def _local_units(root: Path) -> tuple[list[str], list[ScanProblem]]:
    info = stat_root(root)
    if not stat.S_ISDIR(info.st_mode):
        raise ScanError(f"{root}: not a directory; --each scans the units of a folder")
    if find_cache_repo(root) is not None:
        return ["."], []
    found, warnings = walk_tree(root)
    discovery = discover_units(found, root_is_unit=top_is_marked(found))
    problems = [ScanProblem(path=p, message=m) for p, m in warnings]
    return list(discovery.units), [*problems, *discovery.problems]


def scan_each(
    root: str | os.PathLike[str],
    *,
    executor: Executor | None = None,
    algorithm: str | HashAlgorithm = HashAlgorithm.SHA256,
    use_cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    progress: FleetProgress | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> FleetResult:
    """Scan every model, adapter and dataset unit under ``root`` (a folder or a URL).

    ``executor`` runs the hashing: any :class:`concurrent.futures.Executor` (a thread or
    process pool, ``dask.distributed.Client(...).get_executor()``, ...); by default a pool of
    ``workers`` threads. The result is the same whatever the executor. ``use_cache`` and
    ``cache_dir`` are the single scan's hash cache, shared by all units (local files only);
    ``storage_options`` go to fsspec for a URL (see :func:`scan_url`). A unit that cannot be
    scanned is listed with its error; only a ``root`` that cannot be listed raises
    :class:`ScanError`.
    """
    algo = algorithm if isinstance(algorithm, HashAlgorithm) else HashAlgorithm.parse(algorithm)
    timestamp = scan_timestamp()
    text = os.fspath(root)
    remote = None
    if is_url(text):
        remote = RemoteTree.open(text, storage_options)
        text = remote.url
        ids, problems = remote.units()
    else:
        ids, problems = _local_units(Path(text))
    cache = HashCache(cache_dir) if use_cache and remote is None else None
    lock = threading.Lock()
    state = {"units": 0, "bytes": 0}

    def on_bytes(count: int) -> None:
        with lock:
            state["bytes"] += count
            if progress is not None:
                progress(state["units"], len(ids), state["bytes"])

    own = executor is None
    pool = executor if executor is not None else ThreadPoolExecutor(max_workers=workers)
    runner = ExecutorRunner(pool, cache=cache, on_bytes=on_bytes)

    def scan_one(unit: str) -> UnitScan:
        source = text if unit == "." else _join(text, unit)
        try:
            if remote is not None:
                result = remote.scan(unit, algorithm=algo, runner=runner)
            else:
                result = scan(source, algorithm=algo, use_cache=False, runner=runner)
        except ScanError as error:
            outcome = UnitScan(unit=unit, source=source, error=error)
        else:
            metadata = attrs.evolve(result.bom.metadata, timestamp=timestamp)
            bom = attrs.evolve(result.bom, metadata=metadata)
            outcome = UnitScan(unit=unit, source=source, result=attrs.evolve(result, bom=bom))
        with lock:
            state["units"] += 1
            if progress is not None:
                progress(state["units"], len(ids), state["bytes"])
        return outcome

    try:
        threads = max(1, min(_UNIT_THREADS, len(ids)))
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="fmbom-unit") as units:
            scans = list(units.map(scan_one, ids))
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    if cache is not None:
        failure = cache.save()
        if failure is not None:
            problems.append(ScanProblem(path=".", message=failure))
    return FleetResult(
        root=text, units=tuple(scans), problems=tuple(problems), bytes_hashed=state["bytes"]
    )


def _join(root: str, unit: str) -> str:
    return root.rstrip("/") + "/" + unit if is_url(root) else str(Path(root) / unit)


def write_fleet(result: FleetResult, folder: str | os.PathLike[str]) -> FleetIndex:
    """Write one native BOM per scanned unit and ``index.json`` (last) into ``folder``.

    Every file is written atomically; BOM files an earlier scan listed in the folder's
    index and this one does not are removed after the new index is in place. Raises
    :class:`WriteError` when ``folder`` is not a directory, cannot be created, or lies
    inside the scanned tree.
    """
    from fmbom.io import OutputFormat, dumps_bom, write_atomic

    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise WriteError("not a directory", source=str(out))
    if not is_url(result.root):
        real_root = os.path.realpath(result.root)
        real_out = os.path.realpath(out)
        if real_out == real_root or real_out.startswith(real_root.rstrip(os.sep) + os.sep):
            raise WriteError(
                "is inside the scanned tree; the scan never writes there", source=str(out)
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(f"cannot create: {error.strerror or error}", source=str(out)) from None
    try:
        previous = {u.bom for u in read_index(out).units if u.bom is not None}
    except Exception:  # noqa: BLE001 - no usable earlier index: nothing to clean up
        previous = set()
    index = result.index()
    for unit, entry in zip(result.units, index.units, strict=True):
        if unit.result is not None and entry.bom is not None:
            text = dumps_bom(unit.result.bom, OutputFormat.NATIVE)
            write_atomic(out / entry.bom, text if text.endswith("\n") else text + "\n")
    write_atomic(out / INDEX_NAME, dumps_index(index))
    for stale in sorted(previous - {u.bom for u in index.units if u.bom is not None}):
        try:
            (out / stale).unlink()
        except OSError:
            continue
    return index
