"""diff_documents: two CycloneDX JSON documents read in full only where they differ, with the
diff of reading both in full; every other pair read in full."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from fmbom import cyclonedx
from fmbom.cli import main
from fmbom.cyclonedx import _spans
from fmbom.diff import DocumentsDiff, diff, diff_documents, render
from fmbom.errors import InputFormatError
from fmbom.io import loads_bom_with_report, read_bom
from tests.property.test_documents_laws import _component, _document, _next_version, _rewired

_ROOT = Path(__file__).resolve().parents[3]


def _pair(seed: int, count: int = 80) -> tuple[dict[str, Any], dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - test data
    components = [_component(rng, i) for i in range(count)]
    for item in components:  # comparable by their text: no escape, nothing nested
        item.pop("description", None)
        item.pop("properties", None)
        item.pop("components", None)
        item.setdefault("bom-ref", f"x{id(item)}")
    subject = {"type": "application", "name": "system", "version": "1", "bom-ref": "root"}
    dependencies = _rewired(rng, [c["bom-ref"] for c in components], "root")
    new, rewired = _next_version(rng, components, dependencies)
    return (
        _document(rng, components, dependencies, subject, []),
        _document(rng, new, rewired, subject, []),
    )


@pytest.fixture(params=[True, False], ids=["msgspec", "json"])
def accelerated(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The lists found by msgspec (when it is installed), or every item parsed with json."""
    if request.param and not _spans.INSTALLED:
        pytest.skip("msgspec is not installed")
    monkeypatch.setattr(_spans, "ENABLED", request.param)
    return bool(request.param)


def _whole(old: str | bytes, new: str | bytes) -> tuple[Any, list[str], list[str]]:
    old_bom, old_warnings = loads_bom_with_report(old, "old")
    new_bom, new_warnings = loads_bom_with_report(new, "new")
    return diff(old_bom, new_bom), old_warnings, new_warnings


def _both(old: str | bytes, new: str | bytes, **options: Any) -> DocumentsDiff:
    found = diff_documents(old, new, old_source="old", new_source="new", **options)
    whole, old_warnings, new_warnings = _whole(old, new)
    assert found.result.changes == whole.changes
    assert dict(found.result.matched) == dict(whole.matched)
    assert set(found.old_warnings) <= set(old_warnings)
    assert set(found.new_warnings) <= set(new_warnings)
    return found


@pytest.mark.parametrize("seed", range(6))
def test_a_large_share_is_left_out_and_the_diff_is_the_same(seed: int) -> None:
    old, new = _pair(seed)
    found = _both(json.dumps(old, indent=2), json.dumps(new, indent=2))
    assert found.left_out > len(old["components"]) // 3
    assert found.read[0] + found.left_out == len(old["components"])


def test_a_change_is_found_with_its_reach_through_components_left_out() -> None:
    chain = [
        {"type": "library", "name": f"lib{i}", "version": "1", "bom-ref": f"r{i}"}
        for i in range(30)
    ]
    subject = {"type": "application", "name": "app", "bom-ref": "root"}
    deps = {"root": ["r29"], **{f"r{i + 1}": [f"r{i}"] for i in range(29)}}
    changed = json.loads(json.dumps(chain))
    changed[0]["version"] = "2"
    found = _both(
        json.dumps(_document(random.Random(0), chain, deps, subject, [])),  # noqa: S311
        json.dumps(_document(random.Random(0), changed, deps, subject, [])),  # noqa: S311
    )
    assert found.left_out >= 25
    (change,) = found.result.changes
    assert [r.name for r in change.reaches] == [*(f"lib{i}" for i in range(1, 30)), "app"]


def test_warnings_name_the_place_in_the_whole_document() -> None:
    old, new = _pair(3)
    new["components"][7]["licenses"] = [{"license": {"name": "Custom licence"}}]
    new["components"][7]["version"] = "9.9"
    found = _both(json.dumps(old), json.dumps(new))
    assert found.left_out > 0
    assert any(w.startswith("$.components[7].licenses") for w in found.new_warnings)


def test_pedigree_ancestors_read_both_in_full() -> None:
    old, new = _pair(1)
    new["components"][0]["pedigree"] = {
        "ancestors": [{"type": "library", "name": new["components"][1]["name"]}]
    }
    assert _both(json.dumps(old), json.dumps(new)).left_out == 0


def test_two_spec_versions_read_both_in_full() -> None:
    old, new = _pair(2)
    new["specVersion"] = "1.5"
    assert _both(json.dumps(old), json.dumps(new)).left_out == 0


def test_fmbom_s_own_documents_read_both_in_full() -> None:
    first = read_bom(_ROOT / "docs" / "examples" / "assistant-v1.json")
    second = read_bom(_ROOT / "docs" / "examples" / "assistant-v2.json")
    found = _both(cyclonedx.dumps(first), cyclonedx.dumps(second))
    assert found.left_out == 0
    assert found.result.changes


def test_strict_reads_both_in_full() -> None:
    old, new = _pair(4)
    assert _both(json.dumps(old), json.dumps(new), strict=True).left_out == 0


def test_other_formats_read_in_full() -> None:
    native = (_ROOT / "docs" / "examples" / "assistant-v1.json").read_bytes()
    xml = cyclonedx.dumps(read_bom(_ROOT / "docs" / "examples" / "assistant-v2.json"), "xml")
    found = _both(native, xml.encode())
    assert found.left_out == 0
    assert found.read[0] > 0


def test_a_document_not_valid_as_it_is_reads_as_before() -> None:
    old, new = _pair(5)
    new["components"][3]["hashes"] = [{"alg": "SHA-256", "content": "not hex"}]
    found = _both(json.dumps(old), json.dumps(new))
    assert found.left_out == 0
    assert any("hashes" in w for w in found.new_warnings)


@pytest.mark.parametrize(
    "text",
    [
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [',
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": NaN}',
        '{"bomFormat": "CycloneDX", "bomFormat": "CycloneDX", "specVersion": "1.6"} x',
    ],
)
def test_unreadable_input_is_the_error_of_reading_it(text: str) -> None:
    old, _ = _pair(0)
    with pytest.raises(InputFormatError) as expected:
        loads_bom_with_report(text, "new")
    with pytest.raises(InputFormatError) as found:
        diff_documents(json.dumps(old), text, new_source="new")
    assert str(found.value) == str(expected.value)


def test_the_command_reports_what_reading_in_full_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _pair(6)
    new["components"][2]["licenses"] = [{"license": {"name": "Custom licence"}}]
    (tmp_path / "old.json").write_text(json.dumps(old, indent=1))
    (tmp_path / "new.json").write_text(json.dumps(new, indent=1))
    code = main(
        ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--format", "json"]
    )
    out, err = capsys.readouterr()
    whole, _, _ = _whole(json.dumps(old, indent=1), json.dumps(new, indent=1))
    assert out == render(whole, "json")
    assert code in (0, 1)
    assert f"{tmp_path / 'new.json'}: $.components[2].licenses" in err


@pytest.mark.parametrize(("field", "value"), [("type", "gadget"), ("name", 7)])
def test_a_component_left_out_is_one_the_schema_accepts(field: str, value: object) -> None:
    chain: list[dict[str, object]] = [
        {"type": "library", "name": f"lib{i}", "version": "1", "bom-ref": f"r{i}"}
        for i in range(12)
    ]
    chain[5][field] = value
    subject = {"type": "application", "name": "app", "bom-ref": "root"}
    deps = {"root": ["r11"], **{f"r{i + 1}": [f"r{i}"] for i in range(11)}}
    changed = json.loads(json.dumps(chain))
    changed[0]["version"] = "2"
    rng = random.Random(0)  # noqa: S311 - test data
    found = _both(
        json.dumps(_document(rng, chain, deps, subject, [])),
        json.dumps(_document(rng, changed, deps, subject, [])),
    )
    assert found.left_out == 0


def _variants() -> list[tuple[str, str]]:
    """Pairs of documents the reading in part must either read exactly or leave to the reading
    in full: odd layouts, refs the reader would replace, lists out of shape."""
    old, new = _pair(8, count=30)
    text = json.dumps(old, indent=1)
    found: list[tuple[str, str]] = [
        ("empty object", "{}"),
        ("an array", json.dumps([old])),
        ("trailing text", text + " []"),
        ("keys sorted: lists before the version", json.dumps(new, sort_keys=True)),
        ("compact", json.dumps(new, separators=(",", ":"))),
        ("spaced ref", json.dumps(new, indent=1).replace('"bom-ref": "', '"bom-ref" :  "')),
        ("no components", json.dumps({k: v for k, v in new.items() if k != "components"})),
        ("empty lists", json.dumps({**new, "components": [], "dependencies": []})),
        ("components twice", text.replace('"components": [', '"components": [], "components": [')),
        (
            "dependencies twice",
            text.replace('"dependencies": [', '"dependencies": [], "dependencies": ['),
        ),
    ]
    odd: list[tuple[str, Any]] = [
        ("ref made by fmbom", ("components", 0, "bom-ref", "cdx-1234")),
        ("ref with a space", ("components", 0, "bom-ref", "a ref")),
        ("ref twice", ("components", 1, "bom-ref", new["components"][0]["bom-ref"])),
        ("no ref", ("components", 2, "bom-ref", None)),
        ("blank name", ("components", 3, "name", " ")),
        ("escape in a name", ("components", 4, "name", 'quote " and \\ slash')),
        ("targets not a list", ("dependencies", 0, "dependsOn", "x")),
        ("dependency twice", ("dependencies", 1, "ref", new["dependencies"][0]["ref"])),
        ("dependency with provides", ("dependencies", 0, "provides", ["x"])),
        ("a component not an object", ("components", 5, None, 7)),
        ("a type that is a list", ("components", 6, "type", ["library"])),
        ("a type that is an object", ("components", 6, "type", {"library": 1})),
    ]
    for label, (key, index, field, value) in odd:
        changed = json.loads(json.dumps(new))
        items = changed[key]
        if index >= len(items):
            continue
        if field is None:
            items[index] = value
        elif value is None:
            items[index].pop(field, None)
        else:
            items[index][field] = value
        found.append((label, json.dumps(changed, indent=1)))
    return [(label, text) for label, text in found] + [("old", text)]


@pytest.mark.parametrize(("label", "other"), _variants(), ids=lambda v: str(v)[:30])
@pytest.mark.usefixtures("accelerated")
def test_odd_documents_give_the_diff_of_reading_all(label: str, other: str) -> None:
    old, _ = _pair(8, count=30)
    text = json.dumps(old, indent=1)
    for first, second in ((text, other), (other, text)):
        refused: str | None = None
        try:
            _whole(first, second)
        except InputFormatError as error:
            refused = str(error)
        if refused is None:
            _both(first, second)
            continue
        with pytest.raises(InputFormatError) as found:
            diff_documents(first, second, old_source="old", new_source="new")
        assert str(found.value) == refused, label


_NUMBERS = [
    ("1e999", "refused"),
    ("-2.5E+400", "refused"),
    ("1" * 400, "kept"),
    ("12", "kept"),
    ('"1e999"', "kept"),
]


@pytest.mark.usefixtures("accelerated")
@pytest.mark.parametrize(("number", "kind"), _NUMBERS)
def test_numbers_in_components_left_out_are_checked(number: str, kind: str) -> None:
    """A number in a component that has a twin (never parsed) is refused as reading in full
    refuses it, wherever it stands; any other number changes nothing."""
    old, new = _pair(3, count=30)
    place = '"@number@"' if number.startswith('"') else "0"
    for document in (old, new):
        occurrence = {"location": "/app", "line": 0}
        if number.startswith('"'):
            occurrence = {"location": "@number@"}
        document["components"][7]["evidence"] = {"occurrences": [occurrence]}
    first = json.dumps(old, indent=1).replace(f'"line": {place}', f'"line": {number}')
    second = json.dumps(new, indent=1).replace(f'"line": {place}', f'"line": {number}')
    first, second = (t.replace('"@number@"', number) for t in (first, second))
    assert number in first
    assert number in second
    refused = None
    try:
        _whole(first, second)
    except InputFormatError as error:
        refused = str(error)
    if kind == "refused":
        with pytest.raises(InputFormatError) as found:
            diff_documents(first, second, old_source="old", new_source="new")
        assert str(found.value) == refused
    else:
        assert refused is None
        assert _both(first, second).left_out > 0


@pytest.mark.usefixtures("accelerated")
def test_components_alike_but_for_their_refs_pair_as_the_diff_pairs_them() -> None:
    """Two components equal but for their refs, written again with new refs whose order is
    not that of the text: the diff pairs them in the order of their refs (as a BOM keeps its
    components), so their dependencies are compared across, as reading in full does."""

    def document(refs: dict[str, str]) -> str:
        alike = {"type": "library", "name": "eta", "version": "1.1"}
        components = [
            {**alike, "bom-ref": refs["first"]},
            {"type": "library", "name": "x", "version": "1", "bom-ref": refs["x"]},
            {**alike, "bom-ref": refs["second"]},
            {"type": "library", "name": "y", "version": "1", "bom-ref": refs["y"]},
        ]
        dependencies = [
            {"ref": refs["first"], "dependsOn": [refs["x"]]},
            {"ref": refs["second"], "dependsOn": [refs["y"]]},
        ]
        return json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "version": 1,
                "components": components,
                "dependencies": dependencies,
            },
            indent=2,
        )

    old = document({"first": "c4", "second": "c62", "x": "x", "y": "y"})
    new = document({"first": "z-c4", "second": "a-c62", "x": "x2", "y": "y2"})
    found = _both(old, new)
    assert dict(found.result.matched)["c4"] == "a-c62"
    assert {c.rule.value for c in found.result.changes} >= {"relation-added", "relation-removed"}
    same_refs = _both(old, document({"first": "c62", "second": "c4", "x": "x", "y": "y"}))
    assert dict(same_refs.result.matched) == {"c4": "c4", "c62": "c62", "x": "x", "y": "y"}
