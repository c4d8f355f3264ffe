"""``fmbom report FILE``: a readable model/system card from the BOM."""

from __future__ import annotations

import argparse
from typing import Any

from fmbom.cli._common import EXIT_OK, add_output, add_strict, emit, read_input


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help="write a readable system card (Markdown or self-contained HTML)",
        description=(
            "Write a system card from a BOM: identity, lineage picture, datasets, evaluations "
            "by unit and source type, controls, obligations and check findings. The HTML is "
            "one self-contained file that opens offline."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="BOM file, or - for standard input")
    parser.add_argument(
        "--format",
        choices=("markdown", "html"),
        default="markdown",
        help="output format (default: markdown)",
    )
    parser.add_argument(
        "--profile",
        choices=("minimum-record", "eu-ai-act-gpai"),
        default="minimum-record",
        help="check profile for the findings section (default: minimum-record)",
    )
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fmbom.report import to_html, to_markdown

    bom = read_input(args, args.file)
    render = to_html if args.format == "html" else to_markdown
    emit(args, render(bom, profile=args.profile))
    return EXIT_OK
