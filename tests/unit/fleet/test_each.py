"""``scan_each`` and ``fmbom scan ROOT --each``: discovery, executors, index, output folder."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from fmbom import read_bom
from fmbom.cli import main
from fmbom.errors import ScanError, WriteError
from fmbom.fleet import bom_file_name, read_index, scan_each, write_fleet
from fmbom.fleet._index import count_digests
from fmbom.fleet._work import BATCH_FILES, LARGE_FILE, ExecutorRunner, plan_batches
from fmbom.io import OutputFormat, dumps_bom
from fmbom.model import HashAlgorithm, Weights
from fmbom.scan import scan
from fmbom.scan._hashing import HashJob
from tests.unit.fleet.conftest import DATA


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))}


def _expected_units(root: Path) -> list[str]:
    units = []
    for child in sorted(p for p in root.iterdir() if p.is_dir()):
        if child.name == "datasets":
            units += [f"datasets/{d.name}" for d in sorted(child.iterdir())]
        else:
            units.append(child.name)
    return units


# --- discovery and the BOM of each unit ------------------------------------------------------


def test_every_unit_is_found_and_scanned_as_a_single_scan_would(
    registry: Path, tmp_path: Path
) -> None:
    result = scan_each(registry, use_cache=False)
    assert [u.unit for u in result.units] == _expected_units(registry)
    assert not result.failed
    out = tmp_path / "out"
    index = write_fleet(result, out)
    for entry in index.units:
        assert entry.bom == bom_file_name(entry.unit)
        single = scan(registry / entry.unit, use_cache=False)
        text = dumps_bom(single.bom, OutputFormat.NATIVE)
        assert (out / entry.bom).read_text(encoding="utf-8") == text.rstrip("\n") + "\n"
        assert entry.problems == single.problems
        assert entry.digests == count_digests(single.bom) > 0
        assert entry.source == str(registry / entry.unit)
    kinds = {u.unit: u.kind for u in index.units}
    assert kinds["peft-lora-llama-3.2-3b"] == "adapter"
    assert kinds["datasets/gsm8k"] == "dataset"
    assert kinds["granite-sharded"] == "model"
    assert kinds["gguf"] == "model"  # three loose GGUF models, no main one


def test_thread_and_process_executors_write_identical_folders(
    registry: Path, tmp_path: Path
) -> None:
    outputs = []
    pools: list[Callable[[], Executor]] = [
        lambda: ThreadPoolExecutor(2),
        lambda: ProcessPoolExecutor(2),
    ]
    for number, make in enumerate(pools):
        with make() as pool:
            result = scan_each(registry, executor=pool, use_cache=False)
        write_fleet(result, tmp_path / f"out{number}")
        outputs.append(_tree(tmp_path / f"out{number}"))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == len(_expected_units(registry)) + 1


def test_hub_cache_root_is_a_fleet_of_its_repositories(hub: Path, tmp_path: Path) -> None:
    (hub / ".locks" / "models--acme--other-tiny").mkdir(parents=True)
    (hub / ".locks" / "models--acme--other-tiny" / ("a" * 64 + ".lock")).write_text("")
    (hub / "version.txt").write_text("1")
    result = scan_each(hub, use_cache=False)
    assert [u.unit for u in result.units] == [
        "models--acme--other-tiny",
        "models--ibm-granite--granite-tiny",
    ]
    index = write_fleet(result, tmp_path / "out")
    assert [u.name for u in index.units] == ["acme/other-tiny", "ibm-granite/granite-tiny"]
    for unit in result.units:
        assert unit.result is not None
        weights = unit.result.bom.component("weights")
        assert isinstance(weights, Weights)
        blobs = [p.name for p in (hub / unit.unit / "blobs").iterdir() if len(p.name) == 64]
        assert [d.value for d in weights.digests] == blobs  # the LFS blob's name, not hashed
    assert not result.problems


def test_nested_units_loose_weights_and_stray_files(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(DATA / "granite-sharded", root / "org" / "granite")
    shutil.copytree(DATA / "peft-lora-llama-3.2-3b", root / "org" / "granite" / "lora")
    shutil.copy(DATA / "gguf" / "ggml-vocab-gpt-2.gguf", root / "loose.gguf")
    (root / "NOTES.txt").write_text("kept by hand\n")
    result = scan_each(root, use_cache=False)
    assert [u.unit for u in result.units] == ["loose.gguf", "org/granite"]
    assert [(p.path, p.severity) for p in result.problems] == [("NOTES.txt", "warning")]
    assert "no model, adapter or dataset folder" in result.problems[0].message
    granite = result.units[1].result
    assert granite is not None
    assert [c.kind.value for c in granite.bom.components].count("adapter") == 1


def test_a_root_that_is_one_unit_is_a_fleet_of_one(tmp_path: Path) -> None:
    root = tmp_path / "model"
    shutil.copytree(DATA / "granite-sharded", root)
    result = scan_each(root, use_cache=False)
    assert [u.unit for u in result.units] == ["."]
    assert result.units[0].source == str(root)
    index = write_fleet(result, tmp_path / "out")
    assert index.units[0].bom == bom_file_name(".")


def test_unit_that_cannot_be_scanned_is_listed_with_its_error(hub: Path, tmp_path: Path) -> None:
    repo = hub / "models--acme--other-tiny"
    (repo / "refs" / "main").unlink()
    (repo / "snapshots" / ("9" * 40)).mkdir()
    result = scan_each(hub, use_cache=False)
    assert [u.unit for u in result.failed] == ["models--acme--other-tiny"]
    index = write_fleet(result, tmp_path / "out")
    failed = index.units[0]
    assert failed.bom is None
    assert failed.kind is None
    assert failed.problems[0].severity == "error"
    assert "2 snapshots" in failed.problems[0].message
    assert index.units[1].bom is not None


def test_hash_cache_is_shared_by_the_units(registry: Path, tmp_path: Path) -> None:
    first = scan_each(registry, cache_dir=tmp_path / "cache")
    assert first.bytes_hashed > 0
    second = scan_each(registry, cache_dir=tmp_path / "cache")
    assert second.bytes_hashed == 0
    assert [u.result.bom for u in first.units if u.result] == [
        u.result.bom for u in second.units if u.result
    ]


def test_progress_counts_units_and_bytes(registry: Path) -> None:
    calls: list[tuple[int, int, int]] = []
    result = scan_each(registry, use_cache=False, progress=lambda d, t, b: calls.append((d, t, b)))
    total = len(result.units)
    assert calls[-1][0] == total
    assert {t for _, t, _ in calls} == {total}
    assert max(b for _, _, b in calls) == result.bytes_hashed > 0
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)


def test_rescan_removes_the_bom_of_a_unit_that_went_away(registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_fleet(scan_each(registry, use_cache=False), out)
    gone = out / bom_file_name("fasttext")
    assert gone.exists()
    shutil.rmtree(registry / "fasttext")
    write_fleet(scan_each(registry, use_cache=False), out)
    assert not gone.exists()
    assert "fasttext" not in [u.unit for u in read_index(out).units]


def test_output_folder_must_be_a_folder_outside_the_tree(registry: Path, tmp_path: Path) -> None:
    result = scan_each(registry / "gguf", use_cache=False)
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(WriteError, match="not a directory"):
        write_fleet(result, afile)
    with pytest.raises(WriteError, match="inside the scanned tree"):
        write_fleet(result, registry / "gguf" / "boms")
    assert not (registry / "gguf" / "boms").exists()
    assert afile.read_text() == "x"


@pytest.mark.parametrize("make", ["missing", "file"])
def test_root_must_be_an_existing_folder(tmp_path: Path, make: str) -> None:
    root = tmp_path / "root"
    if make == "file":
        root.write_text("x")
    with pytest.raises(ScanError, match="root"):
        scan_each(root)


# --- tasks -----------------------------------------------------------------------------------


def test_large_files_are_tasks_of_their_own_and_small_files_are_batched() -> None:
    sizes = [LARGE_FILE, 10, LARGE_FILE * 2, *([1] * (BATCH_FILES + 3))]
    batches = plan_batches(sizes)
    assert batches[0] == [2]
    assert batches[1] == [0]
    small = [i for b in batches[2:] for i in b]
    assert sorted(small) == [1, *range(3, len(sizes))]
    assert all(len(b) <= BATCH_FILES for b in batches)
    assert len(batches) == 4
    assert plan_batches(sizes) == batches


class _Failing(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(RuntimeError("worker lost\nsecond line"))
        return future


def _jobs(paths: Sequence[Path]) -> list[HashJob]:
    return [HashJob(path=p, size=p.stat().st_size if p.exists() else 0) for p in paths]


def _ignore(count: int) -> None:
    assert count >= 0


def test_runner_reports_unreadable_files_and_failed_tasks(tmp_path: Path) -> None:
    good = tmp_path / "good.bin"
    good.write_bytes(b"abc")
    missing = tmp_path / "missing.bin"
    with ThreadPoolExecutor(1) as pool:
        outcomes = ExecutorRunner(pool)(_jobs([good, missing]), HashAlgorithm.SHA256, _ignore)
    assert outcomes[0].digest == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert outcomes[1].digest is None
    assert outcomes[1].error
    with pytest.raises(ScanError, match=r"good\.bin: the executor failed.*worker lost$"):
        ExecutorRunner(_Failing())(_jobs([good]), HashAlgorithm.SHA256, _ignore)


# --- the command line ------------------------------------------------------------------------


def test_cli_writes_the_folder_and_reports_problems(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (registry / "NOTES.txt").write_text("by hand\n")
    code = main(["scan", str(registry), "--each", "-o", str(out), "--no-cache"])
    _, err = capsys.readouterr()
    assert code == 0
    index = json.loads((out / "index.json").read_text())
    assert index["fmbom-fleet"] == "1"
    assert [u["unit"] for u in index["units"]] == _expected_units(registry)
    lines = err.splitlines()
    expected = sum(len(u["problems"]) for u in index["units"])
    assert len(lines) == expected + 1
    assert (
        lines[0]
        == "fmbom: NOTES.txt: warning: is in no model, adapter or dataset folder; not scanned"
    )
    assert all(line.startswith("fmbom: ") for line in lines)
    for unit in index["units"]:
        read_bom(out / unit["bom"])
    assert main(["scan", str(registry), "--each", "-o", str(out), "--strict"]) == 1


def test_cli_exit_1_when_a_unit_failed(
    hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (hub / "models--acme--other-tiny" / "refs" / "main").unlink()
    (hub / "models--acme--other-tiny" / "snapshots" / ("9" * 40)).mkdir()
    assert main(["scan", str(hub), "--each", "-o", str(tmp_path / "out")]) == 1
    assert "1 of 2 units could not be scanned" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "give the output folder with -o OUTDIR"),
        (["-o", "OUT", "--format", "cyclonedx-json"], "--each writes native BOMs"),
        (["-o", "OUT", "--name", "x"], "--name and --version describe one release"),
        (["-o", "OUT", "--executor", "bogus"], "expected thread, process, dask-local"),
        (["-o", "OUT", "--executor", "dask://nohost"], "expected dask://HOST:PORT"),
    ],
)
def test_cli_usage_errors_are_one_line(
    registry: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    args = [a.replace("OUT", str(tmp_path / "out")) for a in extra]
    assert main(["scan", str(registry), "--each", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_cli_bad_root_and_bad_outdir_are_one_line_errors(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    cases = [
        (["scan", str(afile), "--each", "-o", str(tmp_path / "o1")], str(afile)),
        (["scan", str(tmp_path / "nope"), "--each", "-o", str(tmp_path / "o2")], "nope"),
        (["scan", str(registry), "--each", "-o", str(afile)], str(afile)),
        (["scan", str(registry), "--executor", "process"], "--executor applies to --each"),
    ]
    for args, where in cases:
        assert main(args) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1, err
        assert where in err
    assert afile.read_text() == "x"


def test_progress_line_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from fmbom.cli._fleet import _FleetProgress

    bar = _FleetProgress()
    bar(1, 2, 3 << 20)
    bar(2, 2, 5 << 20)
    bar.close()
    err = capsys.readouterr().err
    assert "\runits 1/2  hashed 3.0 MiB  " in err
    assert "\runits 2/2  hashed 5.0 MiB  " in err
    assert err.endswith("\r\x1b[K")


def test_process_executor_and_its_start_method(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from fmbom.fleet import _executors

    with _executors.open_executor("process", workers=1) as pool:
        result = scan_each(registry / "fasttext", executor=pool, use_cache=False)
    # a folder without a marker: its loose weights file is a unit, its LICENSE is reported
    assert [u.unit for u in result.units] == ["model.bin"]
    assert result.bytes_hashed == (registry / "fasttext" / "model.bin").stat().st_size
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert _executors._process_context().get_start_method() == "spawn"


def test_missing_dask_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from fmbom.fleet._executors import open_executor

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ScanError, match=r"pip install 'fmbom\[dask\]'"):  # noqa: SIM117
        with open_executor("dask-local"):
            pass  # pragma: no cover


def test_a_cache_that_cannot_be_saved_is_a_problem(registry: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    result = scan_each(registry / "gguf", cache_dir=blocked)
    assert [p.path for p in result.problems] == ["."]
    assert "cannot write the hash cache" in result.problems[0].message
