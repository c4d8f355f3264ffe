"""``fmbom scan PATH``: build the BOM of a model directory from its artifacts."""

from __future__ import annotations

import argparse
import re
import sys
import time

from fmbom._formats import OutputFormat
from fmbom._hashes import HashAlgorithm
from fmbom.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    add_bom_format,
    add_output,
    choices,
    emit,
    printable,
)

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any, Final

    from fmbom._rescan import ScanMemo
    from fmbom.scan import ScanResult


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "scan",
        help=summary,
        description=(
            "Walk a model directory (Hugging Face layout, PEFT adapter, sentence-transformers, "
            "GGUF files, dataset card) or a single file: hash every file, read configs, "
            "tokenizer files, safetensors and GGUF headers and card front matter, and print "
            "the BOM. Nothing is loaded or unpickled and the tree is never modified. "
            "Per-file problems are printed on stderr, one line each; the exit code stays 0 "
            "unless --strict is given (then 1 when there were problems). Exit 2 when PATH "
            "does not exist or cannot be scanned."
        ),
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        help=(
            "model directory or file to scan, or a URL (http(s)://, s3://, gs://, hf://, ... "
            "through fsspec; needs fmbom[remote]); ROOT with --each"
        ),
    )
    add_bom_format(parser, OutputFormat.NATIVE)
    parser.add_argument(
        "--algorithm",
        default=HashAlgorithm.SHA256.value,
        metavar="NAME",
        help=f"digest algorithm, any spelling of: {', '.join(choices(HashAlgorithm))}",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="hash every file again; do not use the hash cache"
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        default=None,
        help="hash cache directory (default: $XDG_CACHE_HOME/fmbom or ~/.cache/fmbom)",
    )
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="hashing threads (default: CPUs)"
    )
    parser.add_argument("--name", default=None, help="name of the release (default: PATH's name)")
    parser.add_argument("--version", default=None, help="version of the release")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any file had a problem")
    parser.add_argument(
        "--each",
        action="store_true",
        help=(
            "scan every model, adapter and dataset folder under ROOT: one native BOM per unit "
            "and index.json in the folder -o names; exit 1 when a unit could not be scanned"
        ),
    )
    parser.add_argument(
        "--executor",
        default="thread",
        metavar="NAME",
        help=(
            "with --each, where hashing runs: thread, process, dask-local or dask://HOST:PORT "
            "(default: thread; Dask needs fmbom[dask])"
        ),
    )
    add_output(parser)
    parser.set_defaults(run=run)


class _ProgressBar:
    """``hashing  42% 1.2 GiB/2.9 GiB 1.8 GiB/s`` on one stderr line, redrawn in place."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-6)
        share = 100 * done // total if total else 100
        sys.stderr.write(
            f"\rhashing {share:3d}% {_size(done)}/{_size(total)} {_size(int(rate))}/s   "
        )
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def run(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise CliError("--workers must be at least 1")
    if args.each:
        from fmbom.cli._fleet import run_each

        return run_each(args)
    if args.executor != "thread":
        raise CliError("--executor applies to --each")
    if args.spec_version is not None and args.format == OutputFormat.NATIVE:
        raise CliError("--spec-version applies only to the cyclonedx formats")
    memo = _memo(args)
    replayed = memo.replay() if memo is not None else None
    text, problems = replayed if replayed is not None else _scan(args, memo)
    for problem in problems:
        sys.stderr.write(f"fmbom: {printable(problem)}\n")
    emit(args, text if text.endswith("\n") else text + "\n")
    return EXIT_FAILED if args.strict and problems else EXIT_OK


#: ``SCHEME://``: PATH is a URL for fsspec (the test of ``fmbom.fleet._remote.is_url``, here
#: without importing the scanner, so that an unchanged rescan stays light).
_URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def _is_url(path: str) -> bool:
    return _URL.match(path) is not None


def _memo(args: argparse.Namespace) -> ScanMemo | None:
    """The memo of this scan's native output, unless the hash cache is off, the output is
    not native or PATH is a URL (see :mod:`fmbom._rescan`)."""
    if args.no_cache or args.format != OutputFormat.NATIVE or _is_url(args.path):
        return None
    from fmbom._rescan import ScanMemo

    return ScanMemo.of(args.path, args.cache_dir, args.algorithm, args.name, args.version)


def _scan(args: argparse.Namespace, memo: ScanMemo | None) -> tuple[str, list[str]]:
    from fmbom.io import dumps_bom

    tree = memo.fingerprint() if memo is not None else None
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        result = _scan_path(args, bar)
    finally:
        if bar is not None:
            bar.close()
    problems = [str(problem) for problem in result.problems]
    if memo is None:
        return dumps_bom(result.bom, args.format, spec_version=args.spec_version), problems
    from fmbom import native
    from fmbom._canonical import native_text

    document = native.to_dict(result.bom)
    failure = memo.remember(tree, document, problems)
    if failure is not None:
        sys.stderr.write(f"fmbom: warning: {printable(failure)}\n")
    return native_text(document), problems


def _scan_path(args: argparse.Namespace, bar: _ProgressBar | None) -> ScanResult:
    """The scan of PATH: a local file or folder, or a URL read through fsspec."""
    if _is_url(args.path):
        from fmbom.fleet import scan_url

        return scan_url(
            args.path,
            algorithm=args.algorithm,
            workers=args.workers,
            progress=bar,
            name=args.name,
            version=args.version,
        )
    from fmbom.scan import scan

    return scan(
        args.path,
        algorithm=args.algorithm,
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir,
        workers=args.workers,
        progress=bar,
        name=args.name,
        version=args.version,
    )
