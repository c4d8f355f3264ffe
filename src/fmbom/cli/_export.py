"""``fmbom export IN --format FORMAT``: write a BOM as CycloneDX, SPDX 3 or native JSON."""

from __future__ import annotations

import argparse

from fmbom._formats import DEFAULT_SPEC_VERSION, OutputFormat
from fmbom.cli._common import (
    EXIT_OK,
    CliError,
    add_bom_format,
    add_output,
    add_strict,
    emit,
    read_input,
    stdin_once,
    warn,
)

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal


def register(subparsers: Any, summary: str) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help=summary,
        description=(
            "Read a BOM (native, CycloneDX or SPDX 3) and write it as a CycloneDX ML-BOM, "
            "SPDX 3.0.1 JSON-LD or native fmbom JSON. Import warnings go to standard error. "
            "The output is checked against the official schema before anything is written."
        ),
    )
    parser.add_argument("file", metavar="IN", help="BOM file, or - for standard input")
    add_bom_format(parser, OutputFormat.CYCLONEDX_JSON)
    parser.add_argument(
        "--merge",
        metavar="SBOM",
        help=(
            "fold this CycloneDX SBOM's components and dependencies into the output (JSON or "
            "XML, any version fmbom reads; what the output version cannot hold is left out "
            "with a warning)"
        ),
    )
    add_output(parser)
    add_strict(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fmbom import cyclonedx
    from fmbom.io import dumps_bom, read_bytes

    stdin_once(args.file, args.merge)
    chosen = OutputFormat(args.format)
    if chosen in (OutputFormat.NATIVE, OutputFormat.SPDX3_JSON) and (
        args.spec_version or args.merge
    ):
        raise CliError("--spec-version and --merge apply only to the cyclonedx formats")
    bom = read_input(args, args.file)
    if chosen in (OutputFormat.NATIVE, OutputFormat.SPDX3_JSON):
        emit(args, dumps_bom(bom, chosen))
        return EXIT_OK
    spec_version = args.spec_version or DEFAULT_SPEC_VERSION
    encoding: Literal["json", "xml"] = "json" if chosen is OutputFormat.CYCLONEDX_JSON else "xml"
    if args.merge:
        document, notes = cyclonedx.to_dict_with_report(bom, spec_version=spec_version)
        sbom = cyclonedx.read_sbom(read_bytes(args.merge), args.merge)
        document, more = cyclonedx.fit(cyclonedx.merge(document, sbom))
        text = cyclonedx.write(document, encoding, check=True)
        notes += more
    else:
        text, notes = cyclonedx.dumps_with_report(bom, encoding, spec_version=spec_version)
    warn(args, args.file, notes)
    emit(args, text)
    return EXIT_OK
