"""``fmbom export IN --format cyclonedx-json|cyclonedx-xml``: write a CycloneDX ML-BOM."""

from __future__ import annotations

import argparse
from typing import Any, Literal

from fmbom.cli._common import EXIT_OK, CliError, add_output, emit, stdin_once

FORMATS = ("cyclonedx-json", "cyclonedx-xml")
SPEC_VERSIONS = ("1.5", "1.6", "1.7")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="write a BOM as a CycloneDX ML-BOM (JSON or XML)",
        description=(
            "Read a BOM (native or CycloneDX) and write it as a CycloneDX ML-BOM. "
            "Import warnings go to standard error."
        ),
    )
    parser.add_argument("file", metavar="IN", help="BOM file, or - for standard input")
    parser.add_argument("--format", choices=FORMATS, default="cyclonedx-json")
    parser.add_argument(
        "--spec-version", choices=SPEC_VERSIONS, default="1.6", help="CycloneDX version"
    )
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
    from fmbom.io import detect_format, read_bytes

    stdin_once(args.file, args.merge)
    raw = read_bytes(args.file)
    kind = detect_format(raw, args.file)
    if kind == "native":
        from fmbom import native

        bom = native.loads(raw, source=args.file)
    else:
        bom, warnings = cyclonedx.load_with_report(raw, source=args.file)
        for warning in warnings:
            sys.stderr.write(f"fmbom: warning: {args.file}: {warning}\n")
    encoding: Literal["json", "xml"] = "json" if args.format == "cyclonedx-json" else "xml"
    if not args.merge:
        emit(args, cyclonedx.dumps(bom, format=encoding, spec_version=args.spec_version))
        return EXIT_OK
    document = cyclonedx.to_dict(bom, spec_version=args.spec_version)
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
            f"{args.spec_version}: {problems[0]}"
        )
    text = cyclonedx.write(document, encoding)
    emit(args, text)
    return EXIT_OK
