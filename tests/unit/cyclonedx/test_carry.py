"""The carry layer: the residual derived without writing every component back is the one the
whole writing gives, and a carried value never overwrites an edit of the field it stood for."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fmbom import cyclonedx, native
from fmbom.bom import Bom
from fmbom.cyclonedx import _import
from fmbom.cyclonedx._carry import INLINE, NOTHING, apply, marker, residual
from fmbom.cyclonedx._export import entry_json
from fmbom.errors import FmbomError
from fmbom.extensions import Extension
from fmbom.model import AnyComponent
from tests.shared_corpus import shared_files

DATA = Path(__file__).resolve().parents[2] / "data"


@contextlib.contextmanager
def _both_ways() -> Iterator[list[int]]:
    """Every component residual computed both ways, asserting they are the same; yields the
    count of components compared."""
    fast = _import.component_residual
    seen = [0]

    def checked(
        data: dict[str, Any], component: AnyComponent, bom: Bom, version: str
    ) -> list[Extension]:
        found = fast(data, component, bom, version)
        whole = residual(data, entry_json(component, bom, version))
        assert sorted(found, key=_key) == sorted(whole, key=_key), data
        seen[0] += 1
        return found

    with mock.patch.object(_import, "component_residual", checked):
        yield seen


def _key(extension: Extension) -> tuple[str, str, str]:
    return (extension.path, extension.text, str(extension.basis))


def _documents() -> list[Path]:
    return sorted(
        path
        for path in (DATA / "cyclonedx").rglob("*")
        if path.suffix in (".json", ".xml") and "invalid" not in path.name
    )


def _compared(path: Path) -> None:
    """Read a document with both ways compared: one comparison per component written in the
    components or services lists (or as the metadata component), none for the others."""
    with _both_ways() as seen:
        try:
            bom, _ = cyclonedx.load_with_report(path.read_bytes(), str(path))
        except FmbomError:
            return  # refused documents are other tests' business
    where = [marker(c.extensions, INLINE) for c in bom.components]
    assert seen[0] == sum(m is None or m.value == "metadata.component" for m in where)


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_residual_of_every_test_document_is_the_whole_writings(path: Path) -> None:
    _compared(path)


@pytest.mark.parametrize("path", shared_files("cyclonedx/**/*.json"))
def test_residual_of_every_shared_corpus_document_is_the_whole_writings(path: Path) -> None:
    _compared(path)


# --- random and hostile component objects ----------------------------------------------------

_TEXT = st.sampled_from(
    ["", " ", "a", "MIT", "Apache-2.0", "fmbom:kind", "fmbom:x", "cdx:x", "x y", "é", "1.0"]
)
_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), _TEXT)
_JSON = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=6,
)
_PROPERTY = st.one_of(
    st.fixed_dictionaries({"name": _TEXT, "value": _TEXT}),
    st.fixed_dictionaries({"name": _TEXT}, optional={"value": _JSON, "bom-ref": _TEXT}),
    _JSON,
)
_LICENSE = st.one_of(
    st.fixed_dictionaries({"license": st.fixed_dictionaries({}, optional={"id": _TEXT})}),
    st.fixed_dictionaries(
        {"license": st.fixed_dictionaries({"name": _TEXT}, optional={"url": _TEXT})}
    ),
    st.fixed_dictionaries({"expression": st.sampled_from(["MIT OR Apache-2.0", "MIT", "x y"])}),
    _JSON,
)
_HASH = st.fixed_dictionaries(
    {
        "alg": st.sampled_from(["SHA-256", "SHA-1", "MD5", "BLAKE3", "nope"]),
        "content": st.sampled_from(["0" * 64, "a" * 40, "b" * 32, "xyz"]),
    }
)
_REFERENCE = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["website", "vcs", "distribution", "nope"]),
        "url": st.sampled_from(["https://e.org/x", "not a url", "a b", "https://e.org/é"]),
    },
    optional={"comment": _TEXT},
)
_ENTITY = st.one_of(
    st.fixed_dictionaries({"name": _TEXT}, optional={"url": st.lists(_TEXT, max_size=2)}),
    _JSON,
)
_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "group": _TEXT,
    "version": _TEXT,
    "description": _JSON,
    "publisher": _TEXT,
    "copyright": _TEXT,
    "purl": st.sampled_from(["pkg:pypi/a@1", "pkg:npm/b", "nope", ""]),
    "supplier": _ENTITY,
    "manufacturer": _ENTITY,
    "author": _TEXT,
    "authors": st.lists(_ENTITY, max_size=2),
    "hashes": st.lists(_HASH, max_size=2) | _JSON,
    "licenses": st.lists(_LICENSE, max_size=2),
    "externalReferences": st.lists(_REFERENCE, max_size=2),
    "properties": st.lists(_PROPERTY, max_size=3) | _JSON,
    "tags": st.lists(_TEXT, max_size=2),
    "data": st.lists(
        st.fixed_dictionaries(
            {"type": st.just("dataset")},
            optional={"contents": st.fixed_dictionaries({"url": _TEXT}), "classification": _TEXT},
        ),
        max_size=2,
    ),
    "evidence": _JSON,
    "scope": st.sampled_from(["required", "optional", "nope"]),
    "modelCard": st.fixed_dictionaries({}, optional={"modelParameters": _JSON}),
}
_COMPONENT = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["library", "application", "machine-learning-model", "data", "framework", "device"]
        ),
        "name": st.sampled_from(["a", "b", "model", " "]),
    },
    optional={"bom-ref": st.sampled_from(["r1", "r2", "r3"]), **_FIELDS},
)


@given(
    components=st.lists(_COMPONENT, max_size=4),
    version=st.sampled_from(["1.4", "1.5", "1.6"]),
    checked=st.booleans(),
)
def test_residual_of_random_components_is_the_whole_writings(
    components: list[dict[str, Any]], version: str, checked: bool
) -> None:
    document = {"bomFormat": "CycloneDX", "specVersion": version, "components": components}
    with _both_ways():
        try:
            if checked:  # the schema's pruning first, as every read of a file does
                bom, _ = cyclonedx.from_json_dict_with_report(document)
            else:  # values no schema checked, straight into the reader
                bom, _ = _import.read_document(json.loads(json.dumps(document)))
        except FmbomError:
            return
        # fmbom's own document of it, read back exactly.
        cyclonedx.loads(cyclonedx.dumps(bom), "own.json")


# --- a carried value and an edit of the field it stands for ----------------------------------

_FOREIGN = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "metadata": {"component": {"type": "application", "name": "app", "bom-ref": "app"}},
    "components": [
        {
            "type": "library",
            "bom-ref": "lib",
            "name": "lib",
            "version": "1.0",
            "author": "Ann",
            "supplier": {"name": "Acme", "url": ["https://acme.example"]},
            "licenses": [{"license": {"id": "MIT", "url": "https://l.example"}}],
        }
    ],
}


def _read() -> Bom:
    bom, _ = cyclonedx.from_json_dict_with_report(json.loads(json.dumps(_FOREIGN)))
    return bom


def _written(bom: Bom) -> dict[str, Any]:
    document = cyclonedx.to_dict(bom)
    found: dict[str, Any] = document["components"][0]
    return found


def _edit(bom: Bom, **changes: Any) -> Bom:
    component = attrs.evolve(bom.component("lib"), **changes)
    return bom.with_components([component])


def test_unedited_component_is_written_as_read() -> None:
    written = _written(_read())
    assert written["licenses"] == _FOREIGN["components"][0]["licenses"]  # type: ignore[index]
    assert written["author"] == "Ann"
    assert "authors" not in written
    assert written["supplier"] == {"name": "Acme", "url": ["https://acme.example"]}


def test_carried_values_have_the_writers_output_as_basis() -> None:
    by_path = {e.path: e for e in _read().component("lib").extensions}
    assert by_path["licenses"].basis == '[{"license":{"id":"MIT"}}]'
    assert by_path["author"].basis == NOTHING
    assert by_path["authors"].removed
    assert by_path["authors"].basis == '[{"name":"Ann"}]'
    assert by_path["supplier.url"].basis == NOTHING


def test_an_edited_field_wins_over_its_carried_form() -> None:
    written = _written(_edit(_read(), licenses=("Apache-2.0",), authors=("Bob",)))
    assert written["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    assert written["authors"] == [{"name": "Bob"}]
    # Values that stand for no edited field are still written back.
    assert written["supplier"] == {"name": "Acme", "url": ["https://acme.example"]}


def test_the_edit_survives_the_next_read() -> None:
    edited = _edit(_read(), licenses=("Apache-2.0",))
    again = cyclonedx.loads(cyclonedx.dumps(edited), "again.json")
    assert again.component("lib").licenses == ("Apache-2.0",)


def test_native_keeps_the_basis() -> None:
    bom = _read()
    again = native.loads(native.dumps(bom))
    assert again == bom
    edited = _edit(again, licenses=("ISC",))
    assert _written(edited)["licenses"] == [{"license": {"id": "ISC"}}]


def test_a_value_the_reader_could_not_model_gives_way_to_a_value_set_later() -> None:
    document = json.loads(json.dumps(_FOREIGN))
    document["components"][0]["licenses"] = [{"license": {"name": "Custom licence"}}]
    bom, _ = cyclonedx.from_json_dict_with_report(document)
    assert bom.component("lib").licenses == ()
    assert _written(bom)["licenses"] == [{"license": {"name": "Custom licence"}}]
    assert _written(_edit(bom, licenses=("MIT",)))["licenses"] == [{"license": {"id": "MIT"}}]


def test_an_extension_without_basis_is_always_applied() -> None:
    target: dict[str, Any] = {"licenses": [{"license": {"id": "MIT"}}], "name": "x"}
    apply(
        target,
        [
            Extension.of("cyclonedx", "licenses", [{"expression": "X"}]),
            Extension.of("cyclonedx", "name", "y", basis='"other"'),
            Extension.absent("cyclonedx", "gone", basis=NOTHING),
        ],
    )
    assert target == {"licenses": [{"expression": "X"}], "name": "x"}


def test_a_basis_must_be_json() -> None:
    with pytest.raises(FmbomError, match="basis"):
        Extension(format="cyclonedx", path="x", basis="{")
