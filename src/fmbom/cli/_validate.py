"""``fmbom validate FILE``: is the BOM valid and consistent? Lists every problem."""

from __future__ import annotations

import argparse
import json

from fmbom.cli._common import EXIT_FAILED, EXIT_OK, add_output, emit

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("text", "json")


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help=summary,
        description=(
            "Read a BOM and check it: the official schema of a CycloneDX document (every "
            "problem with its JSON path or XML line), then structure, field values, unknown "
            "or duplicate refs, relation endpoint kinds, lineage cycles. Exit 0 when valid, "
            "1 when it has problems, 2 when it cannot be read at all."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="BOM file, or - for standard input")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help='text, or json: {"valid": bool, "problems": [{"path", "message"}]}',
    )
    add_output(parser)
    parser.set_defaults(run=run)


def _located(path: str, message: str) -> tuple[str, str]:
    """(JSON path, message) of an error whose message may start with the path."""
    if not path.startswith("$") and message.startswith("$"):
        path, _, message = message.partition(": ")
    return path if path.startswith("$") else "$", message


def problems_of(raw: bytes, source: str) -> tuple[list[tuple[str, str]], str, str]:
    """Every problem of a BOM (path, message), what kind they are, a summary when valid."""
    from fmbom.errors import InputFormatError, ValidationError
    from fmbom.io import detect_format, loads_bom_with_report

    found: list[tuple[str, str]] = []
    kind = detect_format(raw, source)
    if kind == "spdx3-json":
        from fmbom import spdx

        found = [_located("", str(p)) for p in spdx.schema_errors(json.loads(raw))]
        if found:
            return found, "SPDX 3.0.1 schema problem(s)", ""
    elif kind != "native":
        from fmbom import cyclonedx

        found = [(p.path, p.message) for p in cyclonedx.problems(raw, source)]
        if found:
            return found, "schema problem(s)", ""
    try:
        bom, _ = loads_bom_with_report(raw, source=source, strict=True)
    except ValidationError as error:
        return [_located(p.path, p.message) for p in error.problems], "problem(s)", ""
    except InputFormatError as error:
        if not error.message.startswith("not valid CycloneDX"):
            raise
        return [_located(p.path, p.message) for p in error.problems], "problem(s)", ""
    return [], "", f"{len(bom.components)} components, {len(bom.relations)} relations"


def run(args: argparse.Namespace) -> int:
    from fmbom.io import read_bytes

    raw = read_bytes(args.file)
    found, what, summary = problems_of(raw, args.file)
    if args.format == "json":
        report = {
            "valid": not found,
            "problems": [{"path": path, "message": message} for path, message in found],
        }
        emit(args, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    elif found:
        lines = [f"{args.file}: invalid: {len(found)} {what}"]
        lines += [f"  {path}: {message}" for path, message in found]
        emit(args, "\n".join(lines) + "\n")
    else:
        emit(args, f"{args.file}: valid: {summary}\n")
    return EXIT_FAILED if found else EXIT_OK
