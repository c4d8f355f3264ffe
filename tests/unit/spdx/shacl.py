"""Check a document against the SPDX 3.0.1 SHACL model (``tests/data/spdx/spdx-model.ttl``).

The document is parsed as JSON-LD with the shipped 3.0.1 context put in place of the remote
one, so nothing is fetched.
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

MODEL = Path(__file__).resolve().parents[2] / "data" / "spdx" / "spdx-model.ttl"


@cache
def _shapes() -> Any:
    import rdflib

    return rdflib.Graph().parse(MODEL, format="turtle")


@cache
def _context() -> Any:
    text = resources.files("fmbom.spdx").joinpath("data/spdx-context.jsonld").read_text("utf-8")
    return json.loads(text)["@context"]


def shacl_report(document: dict[str, Any]) -> tuple[bool, str]:
    """(conforms, report text) of ``document`` against the SHACL shapes."""
    import pyshacl
    import rdflib

    local = dict(document)
    local["@context"] = _context()
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser and pyshacl use rdflib's own deprecated ConjunctiveGraph.
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph().parse(data=json.dumps(local), format="json-ld")
        conforms, _, text = pyshacl.validate(
            graph, shacl_graph=_shapes(), ont_graph=_shapes(), inference="none"
        )
    return bool(conforms), str(text)
