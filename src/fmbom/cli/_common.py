"""Pieces every verb shares: output option, atomic writing, error reporting."""

from __future__ import annotations

import argparse
import sys
from typing import Final

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2


class CliError(Exception):
    """A usage error or bad input found by the CLI layer itself."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int) -> int:
    """Print ``fmbom: error: message`` as one line on stderr and return ``code``."""
    line = " ".join(message.split())
    sys.stderr.write(f"fmbom: error: {line}\n")
    return code


def fail_lines(lines: list[str], code: int) -> int:
    """Print each line as ``fmbom: error: line`` on stderr (one per problem); return ``code``."""
    for line in lines:
        fail(line, code)
    return code


def stdin_once(*inputs: str | None) -> None:
    """Refuse ``-`` (standard input) for more than one input: it can be read only once."""
    if sum(1 for name in inputs if name == "-") > 1:
        raise CliError("standard input can be read only once: give at most one input as -")


def add_output(parser: argparse.ArgumentParser) -> None:
    """The ``-o/--output`` option every verb takes."""
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default="-",
        help="write here instead of standard output (written atomically)",
    )


def emit(args: argparse.Namespace, text: str) -> None:
    """Write a verb's output to stdout or atomically to ``--output``."""
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from fmbom.io import write_atomic

    write_atomic(args.output, text)


def stream_is_terminal(args: argparse.Namespace) -> bool:
    """True when output goes to an interactive terminal (colour, progress bars)."""
    return args.output in (None, "-") and sys.stdout.isatty()
