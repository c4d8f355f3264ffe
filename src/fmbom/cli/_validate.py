"""``fmbom validate FILE``: is the BOM readable and consistent?"""

from __future__ import annotations

import argparse
from typing import Any

from fmbom.cli._common import EXIT_FAILED, EXIT_OK, add_output, emit


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check that a BOM (native, CycloneDX or SPDX 3) is readable and consistent",
        description=(
            "Read a BOM and check it: structure, field values, unknown or duplicate refs, "
            "relation endpoint kinds, lineage cycles, adapters without a base model. "
            "Exit 0 when valid, 1 when it has problems, 2 when it cannot be read."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="BOM file, or - for standard input")
    add_output(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fmbom.errors import ValidationError
    from fmbom.io import detect_format, loads_bom, read_bytes

    raw = read_bytes(args.file)
    kind = detect_format(raw, args.file)
    if kind == "spdx3-json":
        import json

        from fmbom import spdx

        spdx_problems = spdx.schema_errors(json.loads(raw))
        if spdx_problems:
            lines = [f"{args.file}: invalid: {len(spdx_problems)} SPDX 3.0.1 schema problem(s)"]
            lines += [f"  {p}" for p in spdx_problems]
            emit(args, "\n".join(lines) + "\n")
            return EXIT_FAILED
    cyclonedx_input = kind in ("cyclonedx-json", "cyclonedx-xml")
    if cyclonedx_input:
        from fmbom import cyclonedx

        schema_problems = cyclonedx.schema_errors(raw, args.file)
        if schema_problems:
            lines = [f"{args.file}: invalid: {len(schema_problems)} schema problem(s)"]
            lines += [f"  {p}" for p in schema_problems]
            emit(args, "\n".join(lines) + "\n")
            return EXIT_FAILED
    try:
        if cyclonedx_input:
            bom = cyclonedx.loads(raw, source=args.file, validate=False)
        else:
            bom = loads_bom(raw, source=args.file)
    except ValidationError as error:
        problems = error.problems
        lines = [f"{args.file}: invalid: {len(problems)} problem(s)"]
        lines += [f"  {' '.join(str(p).split())}" for p in problems]
        emit(args, "\n".join(lines) + "\n")
        return EXIT_FAILED
    emit(
        args,
        f"{args.file}: valid: {len(bom.components)} components, {len(bom.relations)} relations\n",
    )
    return EXIT_OK
