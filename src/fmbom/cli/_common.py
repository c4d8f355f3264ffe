"""Pieces every verb shares: output option, atomic writing, error reporting."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Final

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TERMINAL_UNSAFE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: 128 + SIGPIPE: the status of a Unix tool whose reader went away.
EXIT_BROKEN_PIPE: Final = 141

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2


class CliError(Exception):
    """A usage error or bad input found by the CLI layer itself."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def printable(text: str) -> str:
    """One line that is safe on a terminal: white space runs become one space, and control
    characters (escape sequences from hostile file names or values) become ``\\xNN``."""
    line = " ".join(text.split())
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line)


def fail(message: str, code: int) -> int:
    """Print ``fmbom: error: message`` as one line on stderr and return ``code``."""
    sys.stderr.write(f"fmbom: error: {printable(message)}\n")
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
    """Write a verb's output to stdout or atomically to ``--output``.

    On an interactive terminal, control characters other than newline and tab are shown as
    ``\\xNN``, so escape sequences in hostile names never reach the terminal raw.
    """
    from fmbom.io import write_atomic

    if args.output in (None, "-"):
        if sys.stdout.isatty():
            text = _TERMINAL_UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
        write_atomic("-", text)
        return
    write_atomic(args.output, text)


def stream_is_terminal(args: argparse.Namespace) -> bool:
    """True when output goes to an interactive terminal (colour, progress bars)."""
    return args.output in (None, "-") and sys.stdout.isatty()
