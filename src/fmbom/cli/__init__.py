"""The ``fmbom`` command line: argument parsing, rendering and exit codes only.

Each verb lives in its own module (``fmbom.cli._<verb>``) with ``register(subparsers)``; the
library does the work. Exit codes: 0 success, 1 the check failed (``diff`` found changes at
or above ``--fail-on``, ``validate``/``check`` found problems), 2 usage error or unreadable or
invalid input, reported on stderr as one line per problem without a traceback (``--debug``
adds the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from fmbom._version import __version__
from fmbom.cli._common import EXIT_OK, EXIT_USAGE, CliError, HelpFormatter, fail, fail_lines
from fmbom.errors import FmbomError

__all__ = ["main"]

#: The verbs, in the order ``fmbom --help`` lists them; each is a module ``fmbom.cli._<verb>``.
VERBS = ("scan", "export", "diff", "validate", "show", "check", "graph", "report", "compose")


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        """Usage errors: one line on stderr and exit code 2 (argparse's own convention)."""
        self.print_usage(sys.stderr)
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every verb registered."""
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
    for verb in VERBS:
        module = importlib.import_module(f"fmbom.cli._{verb}")
        module.register(subparsers)
    return parser


def _wants_debug(argv: Sequence[str]) -> bool:
    """``--debug`` among the options before the verb (known even when parsing fails)."""
    for item in argv:
        if item == "--debug":
            return True
        if not item.startswith("-"):
            return False
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    debug = _wants_debug(arguments)
    try:
        parser = build_parser()
        args = parser.parse_args(arguments)
        if args.verb is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        code: int = args.run(args)
        return code
    except CliError as error:
        if debug:
            traceback.print_exc(file=sys.stderr)
        return fail(str(error), error.code)
    except FmbomError as error:
        if debug:
            traceback.print_exc(file=sys.stderr)
        return fail_lines(error.lines(), EXIT_USAGE)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return EXIT_OK
    except MemoryError:
        return fail("out of memory", EXIT_USAGE)
