"""Objects a reader builds without the field validators equal those built with them."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fmbom import cyclonedx
from fmbom._trusted import build_checked, evolve_checked
from fmbom.cyclonedx import _read_common
from fmbom.errors import FmbomError, ValidationError
from fmbom.extensions import Extension
from fmbom.model import AnyComponent, Digest, Software
from tests.profiles import examples
from tests.property.strategies import any_components, boms, cdx_components, cdx_ml_entries


def _fields(component: AnyComponent) -> dict[str, Any]:
    return {f.name: getattr(component, f.name) for f in attrs.fields(type(component))}


@examples(200)
@given(component=any_components())
def test_checked_values_build_the_same_object(component: AnyComponent) -> None:
    fields = _fields(component)
    cls: Any = type(component)
    built = build_checked(cls, fields)
    assert built == cls(**fields)
    assert built == component
    assert type(built) is type(component)


@examples(100)
@given(component=any_components())
def test_lists_in_any_order_build_the_canonical_object(component: AnyComponent) -> None:
    fields = _fields(component)
    reordered = {k: list(reversed(v)) if isinstance(v, tuple) else v for k, v in fields.items()}
    cls: Any = type(component)
    assert build_checked(cls, reordered) == cls(**reordered)


def _read(document: dict[str, Any]) -> tuple[Any, list[str]] | str:
    try:
        return cyclonedx.from_json_dict_with_report(document, "doc.json")
    except FmbomError as error:
        return str(error)


@examples(150)
@given(
    components=st.lists(cdx_components(), max_size=4),
    version=st.sampled_from(["1.4", "1.5", "1.6", "1.7"]),
)
def test_a_document_reads_the_same_with_and_without_the_validators(
    components: list[dict[str, Any]], version: str
) -> None:
    refs = [c["bom-ref"] for c in components if isinstance(c.get("bom-ref"), str)]
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": version,
        "version": 1,
        "components": components,
        # each component depends on the next one and on itself (refused), the last on a
        # ref nothing has (dropped with a warning)
        "dependencies": [
            {"ref": ref, "dependsOn": [*refs[i + 1 : i + 2], ref, "nowhere"]}
            for i, ref in enumerate(refs)
        ],
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_read_common, "TRUSTED", False)
        validated = _read(document)
    assert _read(document) == validated


@examples(150)
@given(
    entries=st.lists(cdx_ml_entries(), max_size=4),
    version=st.sampled_from(["1.5", "1.6", "1.7"]),
)
def test_models_datasets_and_services_read_the_same_with_and_without_the_validators(
    entries: list[dict[str, Any]], version: str
) -> None:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": version,
        "version": 1,
        "components": [e for e in entries if "endpoints" not in e],
        "services": [e for e in entries if "endpoints" in e],
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_read_common, "TRUSTED", False)
        validated = _read(document)
    assert _read(document) == validated


@examples(100)
@given(generated=boms(), version=st.sampled_from(["1.5", "1.6", "1.7"]))
def test_fmbom_s_own_documents_read_the_same_with_and_without_the_validators(
    generated: Any, version: str
) -> None:
    document = cyclonedx.to_dict(generated, spec_version=version)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_read_common, "TRUSTED", False)
        validated = _read(document)
    assert _read(document) == validated


def test_a_service_endpoint_that_is_not_a_url_is_dropped_with_a_warning() -> None:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "services": [{"name": "api", "endpoints": ["not a url"]}],
    }
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    assert bom.components[0].endpoint is None  # type: ignore[union-attr]
    assert any("endpoint kept as written" in w for w in warnings)


def test_checks_across_fields_still_run() -> None:
    digest = Digest.of("sha256", "ab" * 32)
    with pytest.raises(ValidationError, match="two sha256 digests"):
        build_checked(
            Software, {"ref": "a", "name": "a", "digests": [digest, Digest.of("sha256", "cd" * 32)]}
        )


def test_unknown_and_missing_fields_are_refused() -> None:
    with pytest.raises(TypeError, match="has no field colour"):
        build_checked(Software, {"ref": "a", "name": "a", "colour": "red"})
    with pytest.raises(TypeError, match="needs name"):
        build_checked(Software, {"ref": "a"})


def test_a_reader_value_the_model_refuses_is_dropped_with_a_warning() -> None:
    # Two digests of one algorithm under two spellings: the trusted build refuses them, the
    # validated path then names the field it drops, as it did before.
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": [
            {
                "type": "library",
                "name": "x",
                "hashes": [
                    {"alg": "SHA-256", "content": "ab" * 32},
                    {"alg": "SHA-256", "content": "cd" * 32},
                ],
            }
        ],
    }
    bom, warnings = cyclonedx.from_json_dict_with_report(document)
    assert [d.value for d in bom.components[0].digests] == ["ab" * 32]
    assert any("second digest of one algorithm" in w for w in warnings)


@examples(100)
@given(
    component=any_components(),
    paths=st.lists(st.sampled_from(["a", "b.c", "@inline", "d"]), max_size=3),
)
def test_evolving_a_valid_object_gives_what_attrs_evolve_gives(
    component: AnyComponent, paths: list[str]
) -> None:
    extensions = [Extension.of("cyclonedx", path, {"v": path}) for path in paths]
    assert evolve_checked(component, extensions=extensions) == attrs.evolve(
        component, extensions=extensions
    )
    with pytest.raises(ValidationError):
        evolve_checked(component, extensions=["not an extension"])
