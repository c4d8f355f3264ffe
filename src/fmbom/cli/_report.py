"""``fmbom report FILE``: a readable model/system card from the BOM."""

from __future__ import annotations

import argparse

from fmbom._formats import Profile, ReportFormat
from fmbom.cli._common import EXIT_OK, add_output, add_strict, choices, emit, read_input

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help=summary,
        description=(
            "Write a system card from a BOM: identity, lineage picture, datasets, evaluations "
            "by unit and source type, controls, obligations and check findings. The HTML is "
            "one self-contained file that opens offline."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="BOM file, or - for standard input")
    parser.add_argument(
        "--format",
        choices=choices(ReportFormat),
        default=ReportFormat.MARKDOWN.value,
        help="output format",
    )
    parser.add_argument(
        "--profile",
        choices=choices(Profile),
        default=Profile.MINIMUM_RECORD.value,
        help="check profile for the findings section",
    )
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fmbom.report import render

    emit(args, render(read_input(args, args.file), args.format, args.profile))
    return EXIT_OK
