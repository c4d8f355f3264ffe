"""``fmbom export IN --format cyclonedx-json|cyclonedx-xml``: write a CycloneDX ML-BOM."""

from __future__ import annotations

import argparse
from typing import Any, Literal

from fmbom.cli._common import EXIT_OK, add_output, add_strict, emit, read_input, stdin_once

FORMATS = ("cyclonedx-json", "cyclonedx-xml")
SPEC_VERSIONS = ("1.5", "1.6", "1.7")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="write a BOM as a CycloneDX ML-BOM (JSON or XML)",
        description=(
            "Read a BOM (native or CycloneDX) and write it as a CycloneDX ML-BOM. "
            "Import warnings go to standard error. The output is checked against the "
            "official schema before anything is written."
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
    import sys

    from fmbom import cyclonedx
    from fmbom.io import read_bytes

    stdin_once(args.file, args.merge)
    bom = read_input(args, args.file)
    encoding: Literal["json", "xml"] = "json" if args.format == "cyclonedx-json" else "xml"
    if args.merge:
        document, notes = cyclonedx.to_dict_with_report(bom, spec_version=args.spec_version)
        sbom = cyclonedx.read_sbom(read_bytes(args.merge), args.merge)
        document, more = cyclonedx.fit(cyclonedx.merge(document, sbom))
        text = cyclonedx.write(document, encoding, check=True)
        notes += more
    else:
        text, notes = cyclonedx.dumps_with_report(bom, encoding, spec_version=args.spec_version)
    for note in notes:
        sys.stderr.write(f"fmbom: warning: {args.file}: {note}\n")
    emit(args, text)
    return EXIT_OK
