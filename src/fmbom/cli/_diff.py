"""``fmbom diff OLD NEW``: classify every supply-chain change between two BOM versions."""

from __future__ import annotations

import argparse
import os

from fmbom._formats import DiffFormat
from fmbom.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    add_output,
    add_strict,
    choices,
    emit,
    stdin_once,
    stream_is_terminal,
    warn,
)
from fmbom.severity import FAIL_ON_CHOICES, Severity

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "diff",
        help=summary,
        description=(
            "Compare two BOMs (native or CycloneDX JSON/XML, mixed) and report every change "
            "with a rule id and a severity. Two 'fmbom scan --each' output folders are compared "
            "unit by unit in one report. Exit 0 when no change is at or above --fail-on, "
            "1 when one is, 2 when an input or the policy cannot be read."
        ),
    )
    parser.add_argument(
        "old",
        metavar="OLD",
        help="the previous BOM (- for standard input), or an 'fmbom scan --each' folder",
    )
    parser.add_argument(
        "new", metavar="NEW", help="the new BOM (- for standard input), or a fleet folder"
    )
    parser.add_argument(
        "--format", choices=choices(DiffFormat), default=DiffFormat.TEXT.value, help="report format"
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default=Severity.HIGH.value,
        help="exit 1 when a change is at or above this severity; never: always exit 0",
    )
    parser.add_argument("--policy", metavar="FILE", help="TOML policy file")
    parser.add_argument(
        "--ignore",
        metavar="RULE",
        action="append",
        default=[],
        help="do not report this rule (repeatable)",
    )
    parser.add_argument(
        "--severity",
        metavar="RULE=LEVEL",
        action="append",
        default=[],
        help="report RULE at LEVEL instead of its default (repeatable)",
    )
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def _colour(args: argparse.Namespace) -> bool:
    return stream_is_terminal(args) and not os.environ.get("NO_COLOR")


def run(args: argparse.Namespace) -> int:
    from fmbom.diff import Policy, parse_severity_override, render
    from fmbom.severity import parse_fail_on

    stdin_once(args.old, args.new)
    policy = Policy.load(args.policy) if args.policy else Policy()
    overrides = dict(parse_severity_override(item) for item in args.severity)
    policy = policy.with_overrides(ignore=_checked_rules(args.ignore), severity=overrides)
    threshold = parse_fail_on(args.fail_on)
    from fmbom.cli._fleet import is_fleet_diff, run_fleet_diff

    if is_fleet_diff(args.old, args.new):
        return run_fleet_diff(args, policy, threshold, _colour(args))
    from fmbom._gc import keep
    from fmbom.diff import diff_owned
    from fmbom.io import read_bytes

    found = diff_owned(
        [read_bytes(args.old)],
        [read_bytes(args.new)],
        policy,
        old_source=args.old,
        new_source=args.new,
        strict=args.strict,
    )
    keep()  # what was read lives until the process exits: out of the collector's walks
    warn(args, args.old, found.old_warnings)
    warn(args, args.new, found.new_warnings)
    result = found.result
    emit(args, render(result, args.format, colour=_colour(args)))
    if threshold is not None and result.at_or_above(threshold):
        return EXIT_FAILED
    return EXIT_OK


def _checked_rules(rules: list[str]) -> list[str]:
    from fmbom.diff import RULES
    from fmbom.errors import PolicyError

    for rule in rules:
        if rule not in RULES:
            known = ", ".join(sorted(RULES))
            raise PolicyError(f"unknown rule {rule!r} (known: {known})", "--ignore")
    return rules
