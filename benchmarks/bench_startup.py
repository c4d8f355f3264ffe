"""Start-up of the ``fmbom`` command and the cost of an unchanged rescan.

Measured in fresh processes, each command in turn with the yardstick (a bare
``python -I -c pass``), median of ``--runs``:

- ``fmbom --version`` and ``fmbom --help`` (goal: within 4x the bare interpreter);
- ``fmbom VERB --help`` for every verb, with the number of modules the process imported,
  so a verb that pulls in another verb's libraries shows;
- ``fmbom scan DIR`` a second time over an unchanged model folder (six safetensors shards
  of ``--shard-mb`` MB each and a config, every digest in the hash cache), against
  ``fmbom --version`` (goal: at most start-up + 0.1 s);
- the slowest imports of ``fmbom --version`` from ``python -X importtime``.

Run: ``python benchmarks/bench_startup.py [--runs 15] [--shard-mb 64]``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import _make_tree

PYTHON = sys.executable
FMBOM = [PYTHON, "-m", "fmbom"]
VERBS = ("scan", "export", "diff", "validate", "show", "check", "graph", "report")


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=False, capture_output=True)  # noqa: S603
    return time.perf_counter() - start


def paired(argv: list[str], yardstick: list[str], runs: int) -> tuple[float, float, float]:
    """Median wall of ``argv``, of ``yardstick``, and the median of the paired ratios."""
    wall(argv)
    wall(yardstick)
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(wall(argv))
        theirs.append(wall(yardstick))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


def module_count(argv: list[str]) -> int:
    """How many modules the command imported (``-X importtime`` lines)."""
    result = subprocess.run(  # noqa: S603
        [PYTHON, "-X", "importtime", *argv[1:]], check=False, capture_output=True, text=True
    )
    return sum(1 for line in result.stderr.splitlines() if line.startswith("import time:"))


def slowest_imports(argv: list[str], count: int = 12) -> list[tuple[int, str]]:
    result = subprocess.run(  # noqa: S603
        [PYTHON, "-X", "importtime", *argv[1:]], check=False, capture_output=True, text=True
    )
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 3:  # top level and one below
            rows.append((int(match.group(1)), match.group(2) + match.group(3)))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--shard-mb", type=int, default=64)
    args = parser.parse_args()
    bare = [PYTHON, "-I", "-c", "pass"]

    print(f"start-up, median of {args.runs} paired runs against `python -I -c pass`:")
    for label, argv in (
        ("fmbom --version", [*FMBOM, "--version"]),
        ("fmbom --help", [*FMBOM, "--help"]),
    ):
        ours, base, ratio = paired(argv, bare, args.runs)
        print(f"  {label:<22} {ours * 1000:7.1f} ms   bare python {base * 1000:6.1f} ms", end="")
        print(f"   {ratio:4.1f}x")
    print(f"  {'(modules imported)':<22} {module_count([*FMBOM, '--version']):7d}")

    print("each verb's --help (modules imported):")
    for verb in VERBS:
        argv = [*FMBOM, verb, "--help"]
        print(f"  fmbom {verb:<16} {module_count(argv):5d} modules")

    with tempfile.TemporaryDirectory() as tmp:
        root, cache = Path(tmp, "model"), Path(tmp, "cache")
        root.mkdir()
        _make_tree(root, 6, args.shard_mb << 20)
        output = Path(tmp, "bom.json")
        scan = [*FMBOM, "scan", str(root), "--cache-dir", str(cache), "-o", str(output)]
        env_epoch = os.environ.get("SOURCE_DATE_EPOCH")
        first = wall(scan)
        ours, base, ratio = paired(scan, [*FMBOM, "--version"], max(5, args.runs // 3))
        print(
            f"unchanged rescan of {6 * args.shard_mb} MB (first scan {first:.2f} s): "
            f"{ours * 1000:.1f} ms, fmbom --version {base * 1000:.1f} ms, "
            f"difference {(ours - base) * 1000:.1f} ms (paired ratio {ratio:.2f}x)"
            + ("" if env_epoch is None else " [SOURCE_DATE_EPOCH set]")
        )

    print("slowest imports of `fmbom --version` (cumulative µs, python -X importtime):")
    for micros, name in slowest_imports([*FMBOM, "--version"]):
        print(f"  {micros:9,d}  {name}")


if __name__ == "__main__":
    main()
