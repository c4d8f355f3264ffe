"""Time ``fmbom scan`` hashing against baselines measured in the same run.

Generates a model directory of several multi-hundred-MB safetensors shards (2.4 GB by
default) in a temporary directory, then measures, in this order:

1. single-core SHA-256 speed: ``hashlib.sha256`` over a 256 MiB in-memory buffer (no I/O);
   the machine limit is that speed times the number of cores (and never more than
   files x single-core speed, since one file's SHA-256 is sequential). The speed of that
   many threads hashing memory at the same time is measured too: on machines whose
   "cores" share one physical core (hyper-threads, CPU quotas) it is the real ceiling;
2. the baseline: single-threaded ``hashlib`` over every file of the tree, one after the other;
3. ``fmbom.scan.scan(tree, use_cache=False)``: the whole scan (walk, headers, BOM) with its
   parallel hashing;
4. the cached rescan: a first ``scan`` fills a fresh cache, the second is timed.

The files are read from the page cache (they were just written and fit in memory), so the
figures measure hashing, not the disk. The tree is deleted at the end.

Run: ``python benchmarks/bench_scan.py [--shards 6] [--shard-mb 400] [--dir DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import tempfile
import threading
import time
from pathlib import Path

from fmbom.scan import scan

MIB = 1 << 20


def _make_tree(root: Path, shards: int, shard_bytes: int) -> int:
    """Write ``shards`` valid safetensors files of about ``shard_bytes`` each; total bytes."""
    block = bytearray(os.urandom(64 * MIB))
    total = 0
    for index in range(shards):
        name = f"model-{index + 1:05d}-of-{shards:05d}.safetensors"
        header = json.dumps(
            {
                f"layer.{index}.weight": {
                    "dtype": "U8",
                    "shape": [shard_bytes],
                    "data_offsets": [0, shard_bytes],
                }
            }
        ).encode()
        with (root / name).open("wb") as handle:
            handle.write(struct.pack("<Q", len(header)) + header)
            left = shard_bytes
            while left:
                block[index % len(block)] ^= 0xFF  # every shard differs
                chunk = memoryview(block)[: min(left, len(block))]
                handle.write(chunk)
                left -= len(chunk)
        total += (root / name).stat().st_size
    (root / "config.json").write_text(
        json.dumps({"model_type": "bench", "architectures": ["Bench"]})
    )
    return total + (root / "config.json").stat().st_size


def _single_core_speed(buffer: bytes) -> float:
    start = time.perf_counter()
    hashlib.sha256(buffer).hexdigest()
    return len(buffer) / (time.perf_counter() - start)


def _parallel_memory_speed(buffer: bytes, threads: int) -> float:
    """Bytes/s of ``threads`` threads hashing in-memory buffers at once (no I/O)."""
    workers = [
        threading.Thread(target=lambda: hashlib.sha256(buffer).hexdigest()) for _ in range(threads)
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * len(buffer) / (time.perf_counter() - start)


def _baseline(root: Path) -> float:
    start = time.perf_counter()
    for path in sorted(root.iterdir()):
        hasher = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(MIB):
                hasher.update(chunk)
    return time.perf_counter() - start


def _gb_s(count: float, seconds: float) -> str:
    return f"{count / seconds / 1e9:6.2f} GB/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=6)
    parser.add_argument("--shard-mb", type=int, default=400)
    parser.add_argument("--dir", default=None, help="where to create the tree (default: temp)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="fmbom-bench-scan-", dir=args.dir))
    cache = Path(tempfile.mkdtemp(prefix="fmbom-bench-cache-"))
    try:
        total = _make_tree(root, args.shards, args.shard_mb * MIB)
        cores = os.cpu_count() or 1
        files = args.shards
        print(f"tree: {files} shards, {total / 1e9:.2f} GB, {cores} cores")
        _baseline(root)  # warm the page cache
        buffer = os.urandom(256 * MIB)
        single = max(_single_core_speed(buffer) for _ in range(2))
        limit = single * min(cores, files)
        measured = _parallel_memory_speed(buffer, min(cores, files))
        base = min(_baseline(root) for _ in range(2))
        runs = []
        for _ in range(2):
            start = time.perf_counter()
            result = scan(root, use_cache=False)
            runs.append(time.perf_counter() - start)
            assert result.bytes_hashed == total
        ours = min(runs)
        scan(root, cache_dir=cache)
        start = time.perf_counter()
        cached = scan(root, cache_dir=cache)
        rescan = time.perf_counter() - start
        assert cached.cache_hits == files + 1
        print(f"single-core sha256 (memory)      {_gb_s(1, 1 / single)}")
        print(f"machine limit ({min(cores, files)} x single core)    {_gb_s(1, 1 / limit)}")
        print(f"{min(cores, files)} threads hashing memory at once   {_gb_s(1, 1 / measured)}")
        print(f"baseline: hashlib, 1 thread      {_gb_s(total, base)}  ({base:.2f} s)")
        print(f"fmbom scan, no cache             {_gb_s(total, ours)}  ({ours:.2f} s)")
        print(f"  ratio to single-thread hashlib {base / ours:6.2f} x")
        print(f"  share of the machine limit     {total / ours / limit * 100:6.1f} %")
        print(f"  share of the measured parallel {total / ours / measured * 100:6.1f} %")
        speedup = ours / rescan
        print(f"fmbom scan, cached rescan        {rescan * 1000:8.1f} ms  ({speedup:.0f} x faster)")
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
