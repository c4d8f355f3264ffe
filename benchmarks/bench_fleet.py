"""Time ``fmbom scan ROOT --each`` on a generated registry under each executor.

Generates a registry of 50 model folders (about 4 GiB of weights by default: 10 folders with
two large safetensors shards, 40 with one small shard, each with a config, a tokenizer
config and a card) in a temporary directory, then measures, in this order:

1. single-core SHA-256 speed: ``hashlib.sha256`` over a 256 MiB in-memory buffer (no I/O),
   and the machine's hashing limit: that speed times the number of cores (a file's SHA-256
   is sequential, so parallelism is across files);
2. the baseline: single-stream ``hashlib`` over every file of the registry, one after the
   other (the same bytes the scans hash);
3. ``scan_each`` + ``write_fleet`` with the ``thread``, ``process`` and ``dask-local``
   executors, ``--workers`` each (default 2), executor start-up included and also shown on
   its own; every executor's output folder is checked to be byte-identical to the first's.

The files are read from the page cache (they were just written and fit in memory), so the
figures measure hashing and scheduling, not the disk. The registry is deleted at the end.

Run: ``python benchmarks/bench_fleet.py [--large 10] [--small 40] [--large-mb 160]
[--small-mb 22] [--workers 2] [--executors thread process dask-local] [--dir DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import tempfile
import time
from pathlib import Path

from fmbom.fleet import scan_each, write_fleet
from fmbom.fleet._executors import open_executor

MIB = 1 << 20
GIB = 1 << 30


def _shard(path: Path, size: int, block: bytearray, salt: int) -> int:
    """A valid safetensors file of about ``size`` bytes whose content differs by ``salt``."""
    header = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}}).encode()
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", len(header)) + header)
        left = size
        block[salt % len(block)] ^= 0xFF
        block[(salt * 7919) % len(block)] ^= 0x5A
        while left:
            chunk = memoryview(block)[: min(left, len(block))]
            handle.write(chunk)
            left -= len(chunk)
    return 8 + len(header) + size


def _make_registry(root: Path, large: int, small: int, large_mb: int, small_mb: int) -> int:
    block = bytearray(os.urandom(64 * MIB))
    total = 0
    for index in range(large + small):
        folder = root / f"org-{index % 5}" / f"model-{index:02d}"
        folder.mkdir(parents=True)
        config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"]}
        (folder / "config.json").write_text(json.dumps(config))
        (folder / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 4096}))
        (folder / "README.md").write_text(f"---\nlicense: apache-2.0\n---\n# model {index}\n")
        if index < large:
            for shard in (1, 2):
                name = f"model-0000{shard}-of-00002.safetensors"
                total += _shard(folder / name, large_mb * MIB, block, index * 3 + shard)
        else:
            total += _shard(folder / "model.safetensors", small_mb * MIB, block, index * 3)
    return total


def _single_core_speed() -> float:
    buffer = os.urandom(256 * MIB)
    start = time.perf_counter()
    hashlib.sha256(buffer).hexdigest()
    return len(buffer) / (time.perf_counter() - start)


def _baseline(root: Path) -> tuple[float, int]:
    """Single-stream hashlib over every file; (seconds, bytes)."""
    total = 0
    start = time.perf_counter()
    buffer = bytearray(4 * MIB)
    view = memoryview(buffer)
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        hasher = hashlib.sha256()
        with path.open("rb", buffering=0) as handle:
            while count := handle.readinto(view):
                hasher.update(view[:count])
                total += count
    return time.perf_counter() - start, total


def _startup(name: str, workers: int) -> float:
    start = time.perf_counter()
    with open_executor(name, workers=workers) as executor:
        executor.submit(len, b"x").result()
    return time.perf_counter() - start


def _files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.iterdir())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=10, help="folders with two large shards")
    parser.add_argument("--small", type=int, default=40, help="folders with one small shard")
    parser.add_argument("--large-mb", type=int, default=160)
    parser.add_argument("--small-mb", type=int, default=22)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--executors", nargs="+", default=["thread", "process", "dask-local"], metavar="NAME"
    )
    parser.add_argument("--dir", default=None, help="where to generate (default: a temp dir)")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    base = Path(tempfile.mkdtemp(prefix="fmbom-bench-fleet-", dir=args.dir))
    try:
        root = base / "registry"
        made = _make_registry(root, args.large, args.small, args.large_mb, args.small_mb)
        folders = args.large + args.small
        print(f"registry: {folders} folders, {made / GIB:.2f} GiB of weights, {root}")
        core = _single_core_speed()
        cores = os.cpu_count() or 1
        limit = core * min(cores, args.workers)
        print(f"single-core SHA-256 (memory): {core / GIB:.2f} GiB/s; {cores} CPUs")
        print(
            f"hashing limit with {args.workers} workers: {limit / GIB:.2f} GiB/s "
            f"(single-core speed x min(CPUs, workers))"
        )
        seconds, hashed = _baseline(root)
        stream = hashed / seconds
        print(
            f"baseline, single-stream hashlib over all files: {seconds:.2f} s, "
            f"{stream / GIB:.2f} GiB/s ({hashed / GIB:.2f} GiB)"
        )
        print()
        print(
            f"{'executor':<12} {'wall s':>8} {'start s':>8} {'GiB/s':>7} "
            f"{'x stream':>9} {'of limit':>9}  units  identical"
        )
        first: dict[str, bytes] | None = None
        for name in args.executors:
            start_up = _startup(name, args.workers)
            out = base / f"out-{name}"
            start = time.perf_counter()
            with open_executor(name, workers=args.workers) as executor:
                result = scan_each(root, executor=executor, use_cache=False)
            write_fleet(result, out)
            wall = time.perf_counter() - start
            files = _files_of(out)
            same = first is None or files == first
            first = files if first is None else first
            rate = result.bytes_hashed / wall
            print(
                f"{name:<12} {wall:8.2f} {start_up:8.2f} {rate / GIB:7.2f} "
                f"{rate / stream:9.2f} {rate / limit:9.0%}  {len(result.units):5d}  "
                f"{'yes' if same else 'NO'}"
            )
            assert same, f"{name}: output differs from {args.executors[0]}"
            assert len(result.units) == folders
            assert not result.failed
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
