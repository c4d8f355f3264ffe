"""Laws of the CycloneDX format: export then import gives back the same BOM."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fmbom import cyclonedx, native
from fmbom.bom import Bom
from fmbom.errors import ExportError, FmbomError
from fmbom.model import Model
from tests.profiles import examples
from tests.property.strategies import boms

SETTINGS = examples(60)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(value: Any) -> Any:
    """The same data with the characters XML 1.0 cannot carry replaced by '?'."""
    if isinstance(value, str):
        return _NOT_XML.sub("?", value)
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    return value


def _for(encoding: str, bom: Bom) -> Bom:
    if encoding == "json":
        return bom
    return native.from_dict(_xml_safe(native.to_dict(bom)))


@pytest.mark.parametrize("spec_version", cyclonedx.SPEC_VERSIONS)
@pytest.mark.parametrize("encoding", ["json", "xml"])
@SETTINGS
@given(generated=boms())
def test_export_then_import_is_identity(
    generated: Bom, spec_version: str, encoding: Literal["json", "xml"]
) -> None:
    bom = _for(encoding, generated)
    text = cyclonedx.dumps(bom, format=encoding, spec_version=spec_version)
    back, warnings = cyclonedx.load_with_report(text, validate=False)
    assert back == bom
    assert warnings == []


@pytest.mark.parametrize("spec_version", cyclonedx.SPEC_VERSIONS)
@SETTINGS
@given(generated=boms())
def test_export_is_deterministic_and_schema_valid(generated: Bom, spec_version: str) -> None:
    for encoding in ("json", "xml"):
        bom = _for(encoding, generated)
        first = cyclonedx.dumps(bom, format=encoding, spec_version=spec_version)
        assert cyclonedx.dumps(bom, format=encoding, spec_version=spec_version) == first
        assert cyclonedx.schema_errors(first) == []


@SETTINGS
@given(generated=boms())
def test_control_characters_are_refused_in_xml_only(generated: Bom) -> None:
    bom = generated.add(Model(ref="fmbom-law-bell", name="bell\x07"))
    with pytest.raises(ExportError, match="control characters"):
        cyclonedx.dumps(bom, format="xml")
    assert cyclonedx.loads(cyclonedx.dumps(bom), validate=False) == bom


# --- never a traceback: random mutations of valid documents --------------------------------

_DATA = Path(__file__).resolve().parents[1] / "data" / "cyclonedx"
_CORPUS = (
    "valid-machine-learning-1.6.json",
    "valid-machine-learning-considerations-env-1.7.json",
    "valid-component-data-1.7.json",
    "k8s-aibom-vllm-deployment-output.json",
    "qwen-7b-mlbom-1.7_schema_example_v1.json",
    "owasp-aibom-generator-expected_aibom.json",
)
#: Values that mean something to a CycloneDX reader, mixed into the random ones.
_WORDS = (
    "machine-learning-model",
    "data",
    "library",
    "dataset",
    "inbound",
    "SHA-256",
    "MIT",
    "mit",
    "Apache-2.0 OR MIT",
    "fmbom:kind",
    "fmbom:relation",
    "model",
    "https://example.com/x",
    "pkg:pypi/x@1",
    "2024-01-01T00:00:00Z",
    "a" * 64,
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(_WORDS)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.sampled_from(_WORDS), inner, max_size=3)
    ),
    max_leaves=8,
)


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside a JSON-shaped document (the root included)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _nodes(item, (*path, index))
    return found


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value))
    return set()


@st.composite
def _mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document (of another tool, or fmbom's own) with one to four random changes:
    a value replaced, a key or item removed, or a key (often a CycloneDX one) added."""
    name = draw(st.sampled_from((*_CORPUS, "fmbom")))
    if name == "fmbom":
        version = draw(st.sampled_from(cyclonedx.SPEC_VERSIONS))
        document = cyclonedx.to_dict(draw(boms()), spec_version=version)
    else:
        document = json.loads((_DATA / name).read_text(encoding="utf-8"))
    vocabulary = sorted(_keys(document))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(_nodes(document)))
        parent: Any = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(("replace", "delete", "insert")))
        if not path or action == "insert":
            target = parent[path[-1]] if path else document
            if isinstance(target, dict):
                key = draw(st.sampled_from(vocabulary) | st.text(max_size=8))
                target[key] = draw(_VALUES)
            elif isinstance(target, list):
                target.append(draw(_VALUES))
            elif path:
                parent[path[-1]] = draw(_VALUES)
        elif action == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_VALUES)
    return document


@examples(300, suppress_every_health_check=True)
@given(document=_mutated())
def test_mutated_documents_give_a_bom_or_a_clear_error(document: dict[str, Any]) -> None:
    text = json.dumps(document)
    for outcome in (_outcome(document), _outcome(text)):
        if isinstance(outcome, str):
            assert outcome.strip()
            assert "\n" not in outcome
        else:
            assert isinstance(outcome, Bom)


def _outcome(document: dict[str, Any] | str) -> Bom | str:
    """The BOM read from the document, or the message of the error that refused it."""
    try:
        if isinstance(document, str):
            return cyclonedx.loads(document, source="mutated.json")
        return cyclonedx.from_json_dict(document, source="mutated.json")
    except FmbomError as error:
        return str(error)
