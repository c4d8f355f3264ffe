"""Reading CycloneDX JSON: microseconds per component at 20,000 and 100,000 components.

Two documents at each size: a foreign one (``gen_cdx_pair.py``'s old document: another tool's
SBOM with libraries, models and datasets, no ``fmbom:*`` property, schema-checked on read)
and fmbom's own (that BOM exported by fmbom, read back exactly). Each is read from its bytes
with ``fmbom.io.loads_bom_with_report`` (parse, checks, objects, the ``Bom``), best of
``--runs`` after one warm-up read (which also compiles the schema, once per process), with
the same read's figure for ``json.loads`` alone (the floor any Python reader pays) and the
ratio of the largest size to the smallest per component (about 1 means linear).

Run: ``python benchmarks/bench_read.py [--sizes 20000 100000] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_cdx_pair import generate

from fmbom import cyclonedx, io


def best(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm-up: the schema is compiled once a process
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def documents(size: int) -> dict[str, bytes]:
    old, _, _ = generate(size)
    foreign = json.dumps(old, indent=1).encode()
    bom, _ = io.loads_bom_with_report(foreign)
    own = cyclonedx.dumps(bom, spec_version="1.6").encode()
    return {"foreign": foreign, "own": own}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    per: dict[tuple[str, int], float] = {}
    print(f"{'document':<9} {'components':>10} {'read s':>8} {'µs/comp':>8} {'json.loads µs':>14}")
    for size in args.sizes:
        for name, data in documents(size).items():
            count = len(io.loads_bom(data))
            seconds = best(lambda data=data: io.loads_bom_with_report(data), args.runs)
            floor = best(lambda data=data: json.loads(data), args.runs)
            per[name, size] = seconds / count * 1e6
            print(
                f"{name:<9} {count:>10,} {seconds:>8.3f} {per[name, size]:>8.1f} "
                f"{floor / count * 1e6:>14.1f}"
            )
    if len(args.sizes) > 1:
        low, high = min(args.sizes), max(args.sizes)
        for name in ("foreign", "own"):
            ratio = per[name, high] / per[name, low]
            print(f"{name}: µs per component at {high:,} / at {low:,} = {ratio:.2f} (1 is linear)")


if __name__ == "__main__":
    main()
