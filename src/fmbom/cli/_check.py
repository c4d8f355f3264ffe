"""``fmbom check FILE``: is the governance record complete, current and backed by evidence?"""

from __future__ import annotations

import argparse

from fmbom._formats import CheckFormat, Profile
from fmbom.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    add_output,
    add_strict,
    choices,
    emit,
    read_input,
)
from fmbom.severity import FAIL_ON_CHOICES, Severity

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help=summary,
        description=(
            "Check the governance record a BOM carries: missing or empty sections of the "
            "minimum record per model and for the system, evaluations that miss the deployed "
            "system or test an older version, provider-only safety claims, open weights "
            "without a misuse assessment, datasets without license or provenance, and more. "
            "Exit 0 when nothing meets --fail-on, 1 when a finding does, 2 on unreadable input. "
            "A passing check is about documentation completeness, not safety or compliance."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="BOM file, or - for standard input")
    parser.add_argument(
        "--profile",
        choices=choices(Profile),
        default=Profile.MINIMUM_RECORD.value,
        help="what to check for",
    )
    parser.add_argument(
        "--format",
        choices=choices(CheckFormat),
        default=CheckFormat.TEXT.value,
        help="output format",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default=Severity.HIGH.value,
        help="exit 1 when a finding has this severity or higher; never: always exit 0",
    )
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fmbom.check import check, render
    from fmbom.severity import parse_fail_on

    result = check(read_input(args, args.file), args.profile)
    emit(args, render(result, args.format))
    return EXIT_FAILED if result.at_or_above(parse_fail_on(args.fail_on)) else EXIT_OK
