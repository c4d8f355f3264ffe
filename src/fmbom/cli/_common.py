"""Pieces every verb shares: output option, atomic writing, error reporting."""

from __future__ import annotations

import argparse
import re
import sys
from enum import Enum

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final

    from fmbom._formats import OutputFormat
    from fmbom.bom import Bom

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
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


def choices(vocabulary: type[Enum]) -> list[str]:
    """The values of a library vocabulary, as argparse choices (the CLI copies no strings)."""
    return [str(member.value) for member in vocabulary]


class HelpFormatter(argparse.HelpFormatter):
    """Every option that takes a value ends its help with its default (``none`` when there is
    none), unless the help already states it; argparse lists the choices."""

    def __init__(self, prog: str) -> None:
        # argparse would import shutil (and with it bz2, lzma, fnmatch) only to ask this.
        super().__init__(prog, width=_terminal_width() - 2)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if not action.option_strings or action.nargs == 0 or "default" in text:
            return text  # positionals, flags, and help that states its default
        if default is None or default == []:
            return text + " (default: none)"
        return text + " (default: %(default)s)"


def _terminal_width() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` gives it: ``COLUMNS`` when
    set, else standard output's terminal, else 80."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def add_bom_format(parser: argparse.ArgumentParser, default: OutputFormat) -> None:
    """``--format`` (a BOM output format) and ``--spec-version`` (for CycloneDX)."""
    from fmbom._formats import DEFAULT_SPEC_VERSION, OutputFormat, SpecVersion

    parser.add_argument(
        "--format", choices=choices(OutputFormat), default=default.value, help="output format"
    )
    parser.add_argument(
        "--spec-version",
        choices=choices(SpecVersion),
        default=None,
        help=f"CycloneDX version, for the cyclonedx formats (default: {DEFAULT_SPEC_VERSION})",
    )


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
        help="write here, atomically, instead of to standard output (default: standard output)",
    )


def emit(args: argparse.Namespace, text: str) -> None:
    """Write a verb's output to stdout or atomically to ``--output`` (see ``write_atomic``)."""
    from fmbom._atomic import write_atomic

    write_atomic("-" if args.output is None else args.output, text)


def stream_is_terminal(args: argparse.Namespace) -> bool:
    """True when output goes to an interactive terminal (colour, progress bars)."""
    return args.output in (None, "-") and sys.stdout.isatty()


def add_strict(parser: argparse.ArgumentParser) -> None:
    """The ``--strict`` and ``--all-warnings`` options of every verb that reads a BOM."""
    parser.add_argument(
        "--strict",
        action="store_true",
        help=(
            "refuse a CycloneDX document that is not valid against its schema, or an SPDX 3 "
            "document that deviates from SPDX 3.0.1 (by default it is read best effort, with "
            "a warning per problem)"
        ),
    )
    parser.add_argument(
        "--all-warnings",
        action="store_true",
        help=(
            "print every warning in full (by default, of the warnings that differ only in the "
            "list indices of their JSON paths, the first 3 are printed and one line counts the "
            "rest)"
        ),
    )


def warn(args: argparse.Namespace, source: str, warnings: Sequence[str]) -> None:
    """Print ``fmbom: warning: SOURCE: WARNING`` lines on standard error, alike warnings
    grouped unless ``--all-warnings`` was given (see :mod:`fmbom.cli._warnings`)."""
    from fmbom.cli._warnings import warning_lines

    every = bool(getattr(args, "all_warnings", False))
    sys.stderr.writelines(
        f"fmbom: warning: {printable(f'{source}: {line}')}\n"
        for line in warning_lines(warnings, every=every)
    )


def read_input(args: argparse.Namespace, path: str) -> Bom:
    """Read a BOM for a verb: warnings to standard error (see :func:`warn`), ``--strict``
    honoured."""
    from fmbom._gc import keep, no_gc
    from fmbom.io import read_bom_with_report

    with no_gc():
        bom, warnings = read_bom_with_report(path, strict=bool(getattr(args, "strict", False)))
        # The verb keeps what it read until the process exits: out of the collector's walks
        # from now on, before the collector runs again.
        keep()
    warn(args, path, warnings)
    return bom
