"""``fmbom compose A B ... -o OUT``: one system BOM from a deployment scan and model BOMs."""

from __future__ import annotations

import argparse
import sys

from fmbom.cli._common import EXIT_OK, add_output, add_strict, emit, read_input

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "compose",
        help=summary,
        description=(
            "Unify the components of several BOMs by identity, link the models a deployment "
            "serves to the components that describe them, and write one native BOM. The "
            "first BOM gives the subject. Import warnings, conflicts and unlinked served models "
            "go to standard error; of conflicting values the first part's is kept."
        ),
    )
    parser.add_argument("files", metavar="BOM", nargs="+", help="BOM files (any format)")
    parser.add_argument("--name", help="name of the composed system (default: the first's)")
    parser.add_argument("--version", dest="system_version", help="version of the system")
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import attrs

    from fmbom import native
    from fmbom._compose import compose

    parts = [read_input(args, path) for path in args.files]
    subject = parts[0].metadata.subject
    if args.name:
        subject = attrs.evolve(subject, name=args.name)
    if args.system_version:
        subject = attrs.evolve(subject, version=args.system_version)
    result = compose(parts, subject=subject)
    for conflict in result.conflicts:
        sys.stderr.write(f"fmbom: warning: conflict: {conflict} ({args.files[conflict.part]})\n")
    for ref in result.unlinked:
        sys.stderr.write(f"fmbom: warning: served model {ref} matches no model of the parts\n")
    emit(args, native.dumps(result.bom))
    return EXIT_OK
