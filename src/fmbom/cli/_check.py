"""``fmbom check FILE``: is the governance record complete, current and backed by evidence?"""

from __future__ import annotations

import argparse
from typing import Any

from fmbom.cli._common import EXIT_FAILED, EXIT_OK, add_output, add_strict, emit, read_input
from fmbom.severity import FAIL_ON_CHOICES

_PROFILES = ("minimum-record", "eu-ai-act-gpai")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="check the governance record of a BOM for completeness and evidence",
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
        choices=_PROFILES,
        default="minimum-record",
        help="what to check for (default: minimum-record)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="high",
        metavar="SEVERITY",
        help="exit 1 when a finding has this severity or higher: "
        "critical, high, medium, low, info or never (default: high)",
    )
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fmbom.check import check, to_json, to_markdown, to_text
    from fmbom.severity import parse_fail_on

    result = check(read_input(args, args.file), args.profile)
    render = {"text": to_text, "json": to_json, "markdown": to_markdown}[args.format]
    emit(args, render(result))
    return EXIT_FAILED if result.at_or_above(parse_fail_on(args.fail_on)) else EXIT_OK
