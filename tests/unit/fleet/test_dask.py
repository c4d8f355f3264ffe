"""Fleet scans on Dask: a small in-process LocalCluster, its scheduler address, dask-local."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from fmbom.cli import main
from fmbom.errors import ScanError
from fmbom.fleet import scan_each, write_fleet
from fmbom.fleet._executors import open_executor
from tests.shared_corpus import SHARED_CORPUS

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
from distributed import Client  # noqa: E402 - after the skip when Dask is missing


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """One small cluster for the module: in-process workers, no dashboard."""
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=2,
            processes=False,
            protocol="tcp",
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def test_dask_executor_output_is_identical_to_threads(
    registry: Path, tmp_path: Path, client: Client
) -> None:
    with ThreadPoolExecutor(2) as pool:
        write_fleet(scan_each(registry, executor=pool, use_cache=False), tmp_path / "threads")
    executor = client.get_executor()  # type: ignore[no-untyped-call] # untyped in distributed
    result = scan_each(registry, executor=executor, use_cache=False)
    write_fleet(result, tmp_path / "dask")
    assert _tree(tmp_path / "dask") == _tree(tmp_path / "threads")
    assert result.bytes_hashed > 0


def test_cli_connects_to_a_running_scheduler(
    registry: Path, tmp_path: Path, client: Client
) -> None:
    scheduler = str(client.scheduler_info()["address"])
    assert scheduler.startswith("tcp://")
    address = scheduler.removeprefix("tcp://")
    out = tmp_path / "out"
    args = ["scan", str(registry), "--each", "-o", str(out), "--executor", f"dask://{address}"]
    assert main(args) == 0
    with ThreadPoolExecutor(2) as pool:
        write_fleet(scan_each(registry, executor=pool), tmp_path / "threads")
    assert _tree(out) == _tree(tmp_path / "threads")


def test_dask_local_starts_and_stops_its_own_cluster(registry: Path, tmp_path: Path) -> None:
    with open_executor("dask-local", workers=1) as executor:
        result = scan_each(registry / "gguf", executor=executor, use_cache=False)
    files = sorted((registry / "gguf").iterdir())
    assert [u.unit for u in result.units] == [p.name for p in files]  # loose weights: a unit each
    assert result.bytes_hashed == sum(p.stat().st_size for p in files)


def test_unreachable_scheduler_is_a_scan_error() -> None:
    with pytest.raises(ScanError, match="cannot reach the Dask scheduler"):  # noqa: SIM117
        with open_executor("dask://127.0.0.1:9"):
            pass  # pragma: no cover


@pytest.mark.skipif(
    not SHARED_CORPUS.is_dir(), reason=f"the shared corpus is absent (looked for {SHARED_CORPUS})"
)
def test_corpus_registry_is_identical_under_every_executor(tmp_path: Path, client: Client) -> None:
    """A registry made of the shared corpus's model, adapter and dataset folders."""
    root = tmp_path / "corpus"
    for part in ("hf", "weights"):
        shutil.copytree(SHARED_CORPUS / part, root / part)
    with ThreadPoolExecutor(2) as threads:
        write_fleet(scan_each(root, executor=threads, use_cache=False), tmp_path / "thread")
    with ProcessPoolExecutor(2) as processes:
        write_fleet(scan_each(root, executor=processes, use_cache=False), tmp_path / "process")
    executor = client.get_executor()  # type: ignore[no-untyped-call] # untyped in distributed
    result = scan_each(root, executor=executor, use_cache=False)
    write_fleet(result, tmp_path / "dask")
    expected = _tree(tmp_path / "thread")
    assert _tree(tmp_path / "process") == expected
    assert _tree(tmp_path / "dask") == expected
    units = [u.unit for u in result.units]
    assert "hf/peft-lora-llama-3.2-3b-checkpoint-900" in units
    assert "hf/datasets/gsm8k" in units
    assert len(units) == len(expected) - 1 >= 15
    assert not result.failed
