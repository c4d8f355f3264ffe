"""Laws of the SPDX 3 format: export then import is identity; every export is schema-valid."""

from __future__ import annotations

import json

from hypothesis import given

from fmbom import spdx
from fmbom.bom import Bom
from tests.profiles import examples
from tests.property.strategies import boms
from tests.unit.spdx.shacl import shacl_report

SETTINGS = examples(40)


@SETTINGS
@given(generated=boms())
def test_export_then_import_is_identity(generated: Bom) -> None:
    text = spdx.dumps(generated)
    back, warnings = spdx.load_with_report(text)
    assert back == generated
    assert warnings == []
    assert spdx.dumps(back) == text


@SETTINGS
@given(generated=boms())
def test_every_export_is_valid_against_the_json_schema(generated: Bom) -> None:
    assert spdx.schema_errors(spdx.to_dict(generated)) == []


@examples(3, suppress_every_health_check=True)
@given(generated=boms(min_components=3))
def test_a_sample_of_exports_conforms_to_the_shacl_model(generated: Bom) -> None:
    document = json.loads(spdx.dumps(generated))
    conforms, report = shacl_report(document)
    assert conforms, report
