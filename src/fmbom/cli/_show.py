"""``fmbom show FILE``: a readable tree of the system, its lineage and its parts."""

from __future__ import annotations

import argparse

from fmbom.cli._common import EXIT_OK, add_output, add_strict, emit, read_input

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "show",
        help=summary,
        description="Print a readable tree of a BOM: the system, its lineage, its parts by kind.",
    )
    parser.add_argument("file", metavar="FILE", help="BOM file, or - for standard input")
    parser.add_argument(
        "--provenance",
        action="store_true",
        help="also print where each fact was read: file and key, stated or derived",
    )
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fmbom.render import render_sources, render_tree

    bom = read_input(args, args.file)
    text = render_tree(bom)
    if args.provenance:
        text += "\n" + render_sources(bom)
    emit(args, text)
    return EXIT_OK
