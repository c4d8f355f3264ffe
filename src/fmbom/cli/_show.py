"""``fmbom show FILE``: a readable tree of the system, its lineage and its parts."""

from __future__ import annotations

import argparse
from typing import Any

from fmbom.cli._common import EXIT_OK, add_output, add_strict, emit, read_input


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "show",
        help="print the system, its lineage and its parts by kind",
        description="Print a readable tree of a BOM: the system, its lineage, its parts by kind.",
    )
    parser.add_argument("file", metavar="FILE", help="BOM file, or - for standard input")
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fmbom.render import render_tree

    emit(args, render_tree(read_input(args, args.file)))
    return EXIT_OK
