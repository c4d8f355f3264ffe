"""``fmbom scan ROOT --each -o OUTDIR`` and ``fmbom diff OLD_OUTDIR NEW_OUTDIR``: fleets."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fmbom._formats import OutputFormat
from fmbom.cli._common import EXIT_FAILED, EXIT_OK, CliError, emit, printable
from fmbom.cli._scan import _ProgressBar, _size

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from fmbom.diff import Policy
    from fmbom.severity import Severity

__all__ = ["is_fleet_diff", "run_each", "run_fleet_diff"]


class _FleetProgress(_ProgressBar):
    """``units 3/50  hashed 1.2 GiB  180.0 MiB/s`` on one stderr line, redrawn in place."""

    def __call__(self, done: int, total: int, hashed: int) -> None:  # type: ignore[override]
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        rate = hashed / max(now - self.start, 1e-6)
        sys.stderr.write(f"\runits {done}/{total}  hashed {_size(hashed)}  {_size(int(rate))}/s   ")
        sys.stderr.flush()
        self.drawn = True


def run_each(args: argparse.Namespace) -> int:
    """``scan ROOT --each -o OUTDIR``: one native BOM per unit and ``OUTDIR/index.json``."""
    from fmbom.fleet import scan_each, write_fleet
    from fmbom.fleet._executors import open_executor

    if args.output in (None, "-"):
        raise CliError("--each writes one BOM per unit: give the output folder with -o OUTDIR")
    if args.format != OutputFormat.NATIVE.value or args.spec_version is not None:
        raise CliError("--each writes native BOMs; convert them with 'fmbom export'")
    if args.name is not None or args.version is not None:
        raise CliError("--name and --version describe one release; --each scans many units")
    bar = _FleetProgress() if sys.stderr.isatty() else None
    try:
        with open_executor(args.executor, workers=args.workers) as executor:
            result = scan_each(
                args.path,
                executor=executor,
                algorithm=args.algorithm,
                use_cache=not args.no_cache,
                cache_dir=args.cache_dir,
                progress=bar,
            )
    finally:
        if bar is not None:
            bar.close()
    index = write_fleet(result, args.output)
    for problem in index.problems:
        sys.stderr.write(f"fmbom: {printable(str(problem))}\n")
    for unit in index.units:
        for problem in unit.problems:
            sys.stderr.write(f"fmbom: {printable(unit.unit)}: {printable(str(problem))}\n")
    failed = [u.unit for u in index.units if u.bom is None]
    if failed:
        sys.stderr.write(
            f"fmbom: {len(failed)} of {len(index.units)} units could not be scanned "
            f"(listed in {Path(args.output) / 'index.json'})\n"
        )
        return EXIT_FAILED
    has_problems = index.problems or any(u.problems for u in index.units)
    return EXIT_FAILED if args.strict and has_problems else EXIT_OK


def is_fleet_diff(old: str, new: str) -> bool:
    """True when OLD and NEW are folders (fleet scans); a folder and a file is an error."""
    old_dir, new_dir = Path(old).is_dir(), Path(new).is_dir()
    if old_dir != new_dir:
        folder, other = (old, new) if old_dir else (new, old)
        raise CliError(
            f"{folder} is a folder but {other} is not: a fleet diff compares two "
            "'fmbom scan --each' output folders"
        )
    return old_dir


def run_fleet_diff(
    args: argparse.Namespace, policy: Policy, threshold: Severity | None, colour: bool
) -> int:
    """``diff OLD_OUTDIR NEW_OUTDIR``: every unit's changes in one report, one exit code."""
    from fmbom.fleet._diff import diff_fleets, render_fleet_diff

    result = diff_fleets(args.old, args.new, policy)
    emit(args, render_fleet_diff(result, args.format, colour=colour))
    if threshold is not None and result.at_or_above(threshold):
        return EXIT_FAILED
    return EXIT_OK
