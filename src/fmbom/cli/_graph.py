"""``fmbom graph FILE``: the system and its lineage as Mermaid or Graphviz DOT."""

from __future__ import annotations

import argparse

from fmbom._formats import GraphFormat
from fmbom.cli._common import (
    EXIT_OK,
    CliError,
    add_output,
    add_strict,
    choices,
    emit,
    read_input,
    stdin_once,
)

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "graph",
        help=summary,
        description=(
            "Draw the system and its lineage: each component kind with its own shape, each "
            "relation as a labelled edge. With --diff OLD NEW, draw both versions in one "
            "picture, colouring added (green), removed (red, dashed) and changed (orange) parts."
        ),
    )
    parser.add_argument(
        "files",
        metavar="FILE",
        nargs="+",
        help="BOM file (or OLD NEW with --diff), native or CycloneDX; - for standard input",
    )
    parser.add_argument(
        "--format",
        choices=choices(GraphFormat),
        default=GraphFormat.MERMAID.value,
        help="output format",
    )
    parser.add_argument(
        "--diff", action="store_true", help="compare two BOMs: fmbom graph --diff OLD NEW"
    )
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    expected = 2 if args.diff else 1
    if len(args.files) != expected:
        usage = "--diff OLD NEW" if args.diff else "FILE (use --diff OLD NEW to compare two)"
        raise CliError(f"graph takes {usage}, got {len(args.files)} file(s)")
    stdin_once(*args.files)
    from fmbom.graph import build, build_diff, render

    if args.diff:
        graph = build_diff(read_input(args, args.files[0]), read_input(args, args.files[1]))
    else:
        graph = build(read_input(args, args.files[0]))
    emit(args, render(graph, args.format))
    return EXIT_OK
