"""The cost of grouping the CLI's warnings, against printing each one, in one run.

For each size, that many warnings in the forms a best-effort CycloneDX read gives (a licence
that is not an SPDX expression, a hash value the schema refuses and left out, naming its path
twice, and an unexpected key whose name varies, so that groups of one mix with large ones) are
turned into standard-error lines twice, in CPU seconds of the process, best of ``--repeat``:

- ``all``: every warning formatted as ``fmbom: warning: FILE: WARNING`` (``--all-warnings``);
- ``grouped``: the same after :func:`fmbom.cli._warnings.warning_lines` groups them.

It prints the seconds of both, the lines the grouping leaves, the ratio grouped/all (the
writing of the lines to standard error is left aside, so ``all`` is its cheapest) and the
growth of the grouped time between sizes against the growth of the sizes: equal is linear.

Run: ``python benchmarks/bench_warnings.py [--sizes 10000 100000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from itertools import pairwise

from fmbom.cli._common import printable
from fmbom.cli._warnings import warning_lines

SOURCE = "supplier.cdx.json"


def _warnings(count: int) -> list[str]:
    out: list[str] = []
    for index in range(count):
        kind = index % 3
        if kind == 0:
            out.append(
                f"$.components[{index}].licenses[0]: 'Custom proprietary licence' is not an "
                "SPDX expression; kept as written"
            )
        elif kind == 1:
            out.append(
                f"$.components[{index}].hashes[0].content: 'zz' does not match the pattern; "
                f"$.components[{index}].hashes[0] left out"
            )
        else:
            out.append(
                f"$.components[{index}]: Additional properties are not allowed "
                f"('x-{index % 500}' was unexpected); left out"
            )
    return out


def _lines(warnings: list[str], *, every: bool) -> list[str]:
    return [
        f"fmbom: warning: {printable(f'{SOURCE}: {line}')}\n"
        for line in warning_lines(warnings, every=every)
    ]


def _best(action: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    timed: list[tuple[int, float]] = []
    print(f"{'warnings':>9} {'all s':>8} {'grouped s':>10} {'lines':>6} {'ratio':>6}")
    for size in args.sizes:
        warnings = _warnings(size)
        every = _best(partial(_lines, warnings, every=True), args.repeat)
        grouped = _best(partial(_lines, warnings, every=False), args.repeat)
        shown = len(_lines(warnings, every=False))
        assert shown < size, "the grouping printed no fewer lines"
        timed.append((size, grouped))
        ratio = grouped / every
        print(f"{size:>9,} {every:>8.3f} {grouped:>10.3f} {shown:>6,} {ratio:>6.2f}")
    for (small, before), (large, after) in pairwise(timed):
        growth = after / before
        print(f"grouped {large:,} / {small:,}: time x{growth:.1f} for size x{large / small:.1f}")


if __name__ == "__main__":
    main()
