"""The ``fmbom`` command line: argument parsing, rendering and exit codes only.

Each verb lives in its own module (``fmbom.cli._<verb>``) with ``register(subparsers,
summary)``; the library does the work. Only the verb that runs is imported, and it imports
the library inside its ``run``: ``fmbom --version`` and ``fmbom --help`` load ``argparse``
and this package, nothing more. Exit codes: 0 success, 1 the check failed (``diff`` found
changes at or above ``--fail-on``, ``validate``/``check`` found problems), 2 usage error or
unreadable or invalid input, reported on stderr as one line per problem without a traceback
(``--debug`` adds the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from fmbom._version import __version__
from fmbom.cli._common import (
    EXIT_BROKEN_PIPE,
    EXIT_USAGE,
    CliError,
    HelpFormatter,
    fail,
    fail_lines,
)

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeGuard

    from fmbom.errors import FmbomError

__all__ = ["main"]

#: The verbs, in the order ``fmbom --help`` lists them, with the line it shows for each; each
#: is a module ``fmbom.cli._<verb>``, imported only when that verb runs.
VERBS: dict[str, str] = {
    "scan": "build the BOM of a model directory (or file) from its artifacts",
    "export": "write a BOM as CycloneDX (JSON or XML), SPDX 3 JSON-LD or native JSON",
    "diff": "report every supply-chain change between two BOMs, by rule and severity",
    "validate": "check that a BOM (native, CycloneDX or SPDX 3) is valid and consistent",
    "show": "print the system, its lineage and its parts by kind",
    "check": "check the governance record of a BOM for completeness and evidence",
    "graph": "draw the system and its lineage as Mermaid or Graphviz DOT",
    "report": "write a readable system card (Markdown or self-contained HTML)",
    "compose": "compose one system BOM from parts (a deployment scan, model scans, BOMs)",
}


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        """Usage errors: one line on stderr and exit code 2 (argparse's own convention)."""
        self.print_usage(sys.stderr)
        raise CliError(message)


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: with every verb's options, or, given ``verb``, with that verb's
    options only (the others are listed by name and summary, as ``fmbom --help`` shows them)."""
    parser = _Parser(
        prog="fmbom",
        description="AI bill of materials for foundation-model systems.",
    )
    parser.add_argument("--version", action="version", version=f"fmbom {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on an error, also print the traceback (default: one line per problem)",
    )
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for name, summary in VERBS.items():
        if verb is None or verb == name:
            # __import__, not importlib: -X importtime sees it, as it sees an import statement
            module = __import__(f"fmbom.cli._{name}", fromlist=["register"])
            module.register(subparsers, summary)
        else:
            subparsers.add_parser(name, help=summary)
    return parser


def _before_verb(argv: Sequence[str]) -> tuple[bool, str]:
    """Whether ``--debug`` is among the options before the verb (known even when parsing
    fails), and the verb: the first argument that is not an option (no option of ``fmbom``
    itself takes a value), ``""`` when there is none."""
    debug = False
    for item in argv:
        if not item.startswith("-"):
            return debug, item
        debug = debug or item == "--debug"
    return debug, ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    debug, verb = _before_verb(arguments)
    try:
        parser = build_parser(verb if verb in VERBS else "")
        args = parser.parse_args(arguments)
        if args.verb is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        code: int = args.run(args)
        return code
    except CliError as error:
        if debug:
            _print_traceback()
        return fail(str(error), error.code)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except MemoryError:
        return fail("out of memory", EXIT_USAGE)
    except Exception as error:
        if not _is_fmbom_error(error):
            raise
        if isinstance(error, sys.modules["fmbom.errors"].WriteError):
            # Nothing more goes to standard output; if it is what failed, its unwritten
            # buffer must not fail again when the interpreter flushes it at exit.
            _silence_stdout()
        if debug:
            _print_traceback()
        return fail_lines(error.lines(), EXIT_USAGE)


def _print_traceback() -> None:
    import traceback  # only with --debug: it is not a small import

    traceback.print_exc(file=sys.stderr)


def _is_fmbom_error(error: Exception) -> TypeGuard[FmbomError]:
    """Whether ``error`` is an :class:`~fmbom.errors.FmbomError`, without importing
    :mod:`fmbom.errors` (and attrs and cattrs with it) at start-up: only code that imported
    that module can raise one, so when it is not loaded, the error is not one of fmbom's."""
    errors = sys.modules.get("fmbom.errors")
    return errors is not None and isinstance(error, errors.FmbomError)


def _silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's final flush of what
    could not be written neither fails nor prints (the Python documentation's EPIPE recipe)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)
