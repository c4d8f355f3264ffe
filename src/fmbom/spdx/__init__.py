"""SPDX 3.0.1 JSON-LD export and import (the Core, Software, AI, Dataset, SimpleLicensing and
Extension profiles).

Export::

    from fmbom import spdx

    text = spdx.dumps(bom)

Import (fmbom's own documents exactly, other tools' documents best effort)::

    bom = spdx.loads(text)
    bom, warnings = spdx.load_with_report(text)
    bom = spdx.loads(text, strict=True)   # refuse documents that deviate from SPDX 3.0.1

This package is the only part of fmbom that knows SPDX 3.
"""

from __future__ import annotations

import json
from typing import Any

from fmbom._gc import no_gc
from fmbom.bom import Bom
from fmbom.errors import InputFormatError, Problem
from fmbom.spdx._export import build_document
from fmbom.spdx._foreign import read_foreign
from fmbom.spdx._graph import is_spdx3, load_graph
from fmbom.spdx._names import CONTEXT_URL, SPEC_VERSION
from fmbom.spdx._own import read_own, written_by_fmbom
from fmbom.spdx._schema import schema_errors

__all__ = [
    "CONTEXT_URL",
    "SPEC_VERSION",
    "dumps",
    "from_dict",
    "is_spdx3",
    "load_with_report",
    "loads",
    "schema_errors",
    "to_dict",
]


def to_dict(bom: Bom) -> dict[str, Any]:
    """The SPDX 3.0.1 JSON-LD document of ``bom`` as plain Python data."""
    with no_gc():
        return build_document(bom)


def dumps(bom: Bom) -> str:
    """SPDX 3.0.1 JSON-LD text: deterministic (the same BOM always gives the same bytes).

    One element a line: readable and diffable, and written by the json module's C encoder
    (an indented dump goes through its pure-Python encoder, several times slower).
    """
    with no_gc():
        document = build_document(bom)
        lines = ",\n".join(json.dumps(e, ensure_ascii=False) for e in document["@graph"])
    context = json.dumps(document["@context"])
    return f'{{"@context": {context},\n"@graph": [\n{lines}\n]}}\n'


def from_dict(document: Any, source: str = "", strict: bool = False) -> tuple[Bom, list[str]]:
    """Read a parsed SPDX 3 document; returns the BOM and a warning per fact not carried over.

    With ``strict``, a document that deviates from SPDX 3.0.1 (see :func:`load_with_report`)
    is refused with :class:`fmbom.errors.InputFormatError` listing each deviation.
    """
    with no_gc():
        graph = load_graph(document, source)
        own = written_by_fmbom(graph)
        if own is not None:
            bom, warnings = read_own(graph, own, source)
            deviations = list(graph.warnings)
        else:
            bom, warnings, deviations = read_foreign(graph, source)
            deviations = graph.warnings + deviations
    if strict and deviations:
        problems = [Problem("", f"not valid SPDX 3.0.1: {d}") for d in deviations]
        raise InputFormatError(problems[0].message, source, problems=problems)
    return bom, deviations + warnings


def load_with_report(
    text: str | bytes, source: str = "", strict: bool = False
) -> tuple[Bom, list[str]]:
    """Parse SPDX 3 JSON-LD text into a BOM and the list of warnings.

    Other tools' documents are read best effort: what maps goes to fields, facts fmbom has
    no field for are kept as ``spdx:*`` properties, and each deviation from SPDX 3.0.1 (names
    without their profile prefix, an ``element`` array instead of ``@graph``, relationship
    targets with no element behind them, licences stated on a sibling package) is read
    leniently with one warning.
    """
    try:
        with no_gc():
            document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputFormatError(f"not valid JSON: {error}", source) from None
    except RecursionError:
        raise InputFormatError("JSON nested too deeply", source) from None
    return from_dict(document, source, strict=strict)


def loads(text: str | bytes, source: str = "", strict: bool = False) -> Bom:
    """Parse SPDX 3 JSON-LD text into a BOM (warnings are dropped; see load_with_report)."""
    return load_with_report(text, source, strict=strict)[0]
