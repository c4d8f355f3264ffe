"""Laws of the CycloneDX format: export then import gives back the same BOM."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from fmbom import cyclonedx, native
from fmbom.bom import Bom
from fmbom.errors import ExportError
from fmbom.model import Model
from tests.property.strategies import boms

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
def test_export_then_import_is_identity(generated: Bom, spec_version: str, encoding: str) -> None:
    bom = _for(encoding, generated)
    text = cyclonedx.dumps(bom, format=encoding, spec_version=spec_version)  # type: ignore[arg-type]
    back, warnings = cyclonedx.load_with_report(text, validate=False)
    assert back == bom
    assert warnings == []


@pytest.mark.parametrize("spec_version", cyclonedx.SPEC_VERSIONS)
@SETTINGS
@given(generated=boms())
def test_export_is_deterministic_and_schema_valid(generated: Bom, spec_version: str) -> None:
    for encoding in ("json", "xml"):
        bom = _for(encoding, generated)
        first = cyclonedx.dumps(bom, format=encoding, spec_version=spec_version)  # type: ignore[arg-type]
        assert cyclonedx.dumps(bom, format=encoding, spec_version=spec_version) == first  # type: ignore[arg-type]
        assert cyclonedx.schema_errors(first) == []


@SETTINGS
@given(generated=boms())
def test_control_characters_are_refused_in_xml_only(generated: Bom) -> None:
    bom = generated.add(Model(ref="fmbom-law-bell", name="bell\x07"))
    with pytest.raises(ExportError, match="control characters"):
        cyclonedx.dumps(bom, format="xml")
    assert cyclonedx.loads(cyclonedx.dumps(bom), validate=False) == bom
