"""``fmbom export IN --format FORMAT``: write a BOM as CycloneDX, SPDX 3 or native JSON."""

from __future__ import annotations

import argparse
from typing import Any, Literal

from fmbom.cli._common import EXIT_OK, CliError, add_bom_format, add_output, emit, stdin_once
from fmbom.cyclonedx import DEFAULT_SPEC_VERSION
from fmbom.io import OutputFormat


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="write a BOM as CycloneDX (JSON or XML), SPDX 3 JSON-LD or native JSON",
        description=(
            "Read a BOM (native, CycloneDX or SPDX 3) and write it as a CycloneDX ML-BOM, "
            "SPDX 3.0.1 JSON-LD or native fmbom JSON. Import warnings go to standard error."
        ),
    )
    parser.add_argument("file", metavar="IN", help="BOM file, or - for standard input")
    add_bom_format(parser, OutputFormat.CYCLONEDX_JSON)
    parser.add_argument(
        "--merge",
        metavar="SBOM",
        help="fold this CycloneDX JSON SBOM's components and dependencies into the output",
    )
    add_output(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from fmbom import cyclonedx
    from fmbom.io import dumps_bom, read_bom_with_report, read_bytes

    stdin_once(args.file, args.merge)
    chosen = OutputFormat(args.format)
    if chosen in (OutputFormat.NATIVE, OutputFormat.SPDX3_JSON) and (
        args.spec_version or args.merge
    ):
        raise CliError("--spec-version and --merge apply only to the cyclonedx formats")
    bom, warnings = read_bom_with_report(args.file)
    for warning in warnings:
        sys.stderr.write(f"fmbom: warning: {args.file}: {warning}\n")
    if not args.merge:
        emit(args, dumps_bom(bom, chosen, spec_version=args.spec_version))
        return EXIT_OK
    spec_version = args.spec_version or DEFAULT_SPEC_VERSION
    encoding: Literal["json", "xml"] = "json" if chosen is OutputFormat.CYCLONEDX_JSON else "xml"
    document = cyclonedx.to_dict(bom, spec_version=spec_version)
    sbom_raw = read_bytes(args.merge)
    try:
        sbom = json.loads(sbom_raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CliError(f"{args.merge}: not valid JSON: {error}") from None
    document = cyclonedx.merge(document, sbom)
    problems = cyclonedx.document_errors(document)
    if problems:
        raise CliError(
            f"{args.merge}: the merged document is not valid CycloneDX "
            f"{spec_version}: {problems[0]}"
        )
    text = cyclonedx.write(document, encoding)
    emit(args, text)
    return EXIT_OK
