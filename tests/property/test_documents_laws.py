"""Laws of diffing two documents: reading only what differs gives the diff of reading all.

Two CycloneDX JSON documents are drawn as a version and its next version written again by a
tool: refs regenerated or kept, components reordered, some changed, added or removed,
dependencies rewired, names shared between components, nested components, model cards that
name datasets, services, escapes and other formatting. ``diff_documents`` must give exactly
the changes (with their reach and order) and the matching of reading both in full, and warn
only with warnings reading in full gives.
"""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fmbom.cyclonedx import _pair, _sides, _spans
from fmbom.diff import diff, diff_documents
from fmbom.io import loads_bom_with_report
from tests.profiles import examples

_NAMES = ("alpha", "Alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta")
_VERSIONS = ("1.0", "1.1", "2.0", "2.0.1", None)
_TYPES = ("library", "library", "library", "framework", "application", "file", "data")
_LICENSES = (
    [{"license": {"id": "MIT"}}],
    [{"license": {"id": "Apache-2.0"}}],
    [{"license": {"name": "Custom licence"}}],
    [{"expression": "MIT OR Apache-2.0"}],
)
_TEXTS = ("plain", 'with "quotes"', "back\\slash", "line\nbreak", "unicodé ✓", "tab\there")


def _hash(rng: random.Random) -> list[dict[str, str]]:
    return [{"alg": "SHA-256", "content": f"{rng.getrandbits(256):064x}"}]


def _component(rng: random.Random, index: int) -> dict[str, Any]:
    kind = rng.choice(_TYPES)
    name = rng.choice(_NAMES) if rng.random() < 0.3 else f"pkg-{index}"
    item: dict[str, Any] = {"type": kind, "name": name}
    version = rng.choice(_VERSIONS)
    if version is not None:
        item["version"] = version
        if rng.random() < 0.5:
            item["purl"] = f"pkg:pypi/{name.lower()}@{version}"
    if rng.random() < 0.6:
        item["hashes"] = _hash(rng)
    if rng.random() < 0.5:
        item["licenses"] = rng.choice(_LICENSES)
    if rng.random() < 0.3:
        item["supplier"] = {"name": rng.choice(("Acme", "Initech"))}
    if rng.random() < 0.05:
        item["description"] = rng.choice(_TEXTS)
    if rng.random() < 0.05:
        item["properties"] = [{"name": "tool:found-by", "value": rng.choice(_TEXTS)}]
    if kind == "data" and rng.random() < 0.5:
        item["data"] = [{"type": "dataset", "name": f"{name}-data"}]
    if rng.random() < 0.03:
        item["components"] = [
            {"type": "library", "name": f"{name}-inner", "bom-ref": f"n{index}-inner"}
        ]
    if rng.random() < 0.92:
        item["bom-ref"] = f"c{index}"
    return item


def _model(rng: random.Random, index: int, datasets: list[str]) -> dict[str, Any]:
    named: list[dict[str, Any]] = [{"ref": ref} for ref in datasets]
    if rng.random() < 0.5:
        named.append({"type": "dataset", "name": "inline corpus"})
    return {
        "type": "machine-learning-model",
        "name": rng.choice(("model-a", "model-b")),
        "version": rng.choice(("1", "2")),
        "hashes": _hash(rng),
        "modelCard": {"modelParameters": {"datasets": named}},
        "bom-ref": f"m{index}",
    }


def _document(
    rng: random.Random,
    components: list[dict[str, Any]],
    dependencies: dict[str, list[str]],
    subject: dict[str, Any],
    services: list[dict[str, Any]],
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"timestamp": "2026-01-05T10:00:00Z", "component": subject},
        "components": components,
    }
    if services:
        document["services"] = services
    document["dependencies"] = [
        {"ref": ref, "dependsOn": targets} for ref, targets in dependencies.items()
    ]
    return document


def _refs(components: list[dict[str, Any]]) -> list[str]:
    return [c["bom-ref"] for c in components if "bom-ref" in c]


def _rewired(rng: random.Random, refs: list[str], root: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {root: [r for r in refs if rng.random() < 0.3]}
    for ref in refs:
        if rng.random() < 0.15:
            found[ref] = sorted({rng.choice(refs) for _ in range(rng.randint(1, 2))})
    return found


def _next_version(
    rng: random.Random, old: list[dict[str, Any]], dependencies: dict[str, list[str]]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    new: list[dict[str, Any]] = []
    for item in old:
        roll = rng.random()
        if roll < 0.02:
            continue  # removed
        copy = json.loads(json.dumps(item))
        if roll < 0.04:
            copy["version"] = rng.choice(("3.0", "0.9"))
        elif roll < 0.06:
            copy["hashes"] = _hash(rng)
        elif roll < 0.08:
            copy["licenses"] = rng.choice(_LICENSES)
        elif roll < 0.09:
            copy["supplier"] = {"name": "Umbrella"}
        new.append(copy)
    new.extend(_component(rng, 1000 + index) for index in range(rng.randint(0, 1)))
    kept = set(_refs(new))
    rewired = {
        ref: [t for t in targets if t in kept or t == "root"]
        for ref, targets in dependencies.items()
        if ref in kept or ref == "root"
    }
    refs = _refs(new)
    for _ in range(rng.randint(0, 1)):
        if refs:
            rewired.setdefault(rng.choice(refs), []).append(rng.choice(refs))
    if rng.random() < 0.5:
        rng.shuffle(new)
    if rng.random() < 0.6:  # another run of the tool: every ref regenerated
        renamed = {ref: f"r{rng.getrandbits(32):08x}-{ref}" for ref in refs}
        for item in new:
            if item.get("bom-ref") in renamed:
                item["bom-ref"] = renamed[item["bom-ref"]]
        rewired = {
            renamed.get(ref, ref): [renamed.get(t, t) for t in targets]
            for ref, targets in rewired.items()
        }
    return new, rewired


def _style(rng: random.Random) -> dict[str, Any]:
    return {
        "indent": rng.choice((None, 1, 2)),
        "ensure_ascii": rng.random() < 0.1,
        "sort_keys": rng.random() < 0.2,
    }


@st.composite
def document_pairs(draw: st.DrawFn) -> tuple[str, str]:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))  # noqa: S311 - test data
    count = draw(st.one_of(st.integers(1, 10), st.integers(40, 120)))
    components = [_component(rng, i) for i in range(count)]
    datasets = [c["bom-ref"] for c in components if c["type"] == "data" and "bom-ref" in c]
    components.extend(_model(rng, i, datasets[:2]) for i in range(draw(st.integers(0, 2))))
    model_subject = draw(st.booleans())
    subject: dict[str, Any] = {
        "type": "machine-learning-model" if model_subject else "application",
        "name": "system",
        "version": "1",
        "bom-ref": "root",
    }
    services = (
        [{"name": "inference", "bom-ref": "svc", "endpoints": ["https://api.example.com/v1"]}]
        if draw(st.booleans())
        else []
    )
    refs = _refs(components)
    dependencies = _rewired(rng, refs, "root")
    if services and refs:
        dependencies["svc"] = [rng.choice(refs)]
    old = _document(rng, components, dependencies, subject, services)
    changed, rewired = _next_version(rng, components, dependencies)
    new = _document(rng, changed, rewired, subject, services)
    style = _style(rng)
    # Mostly one tool's formatting for both versions; sometimes another one's.
    other = style if rng.random() < 0.8 else _style(rng)
    return json.dumps(old, **style), json.dumps(new, **other)


class _Accelerated:
    """Within: the lists found by msgspec when ``on`` (and it is installed), else parsed
    item by item with json."""

    def __init__(self, on: bool) -> None:
        self.on = on and _spans.INSTALLED

    def __enter__(self) -> None:
        self.before = _spans.ENABLED
        _spans.ENABLED = self.on

    def __exit__(self, *_: object) -> None:
        _spans.ENABLED = self.before


@given(document_pairs(), st.booleans())
@examples(150)
def test_reading_what_differs_is_reading_all(pair: tuple[str, str], accelerated: bool) -> None:
    old, new = pair
    with _Accelerated(accelerated):
        found = diff_documents(old.encode(), new.encode(), old_source="old", new_source="new")
    old_bom, old_warnings = loads_bom_with_report(old, "old")
    new_bom, new_warnings = loads_bom_with_report(new, "new")
    whole = diff(old_bom, new_bom)
    assert found.result.changes == whole.changes
    assert dict(found.result.matched) == dict(whole.matched)
    assert set(found.old_warnings) <= set(old_warnings)
    assert set(found.new_warnings) <= set(new_warnings)
    assert found.read[0] + found.left_out == len(old_bom.components) or found.left_out == 0


def _shape(side: _sides.Side) -> tuple[Any, ...]:
    fields = ("start", "end", "ref", "name", "type", "raw_name", "quote", "after", "partner")
    units = [(*(getattr(u, f) for f in fields), u.refs, u.mentions) for u in side.units]
    data = [u.data for u in side.units]
    return (
        units,
        data,
        side.members,
        side.unit_of,
        side.edges,
        side.dependencies,
        side.written,
        side.version,
    )


def _parsed(old: str, new: str, accelerated: bool) -> object:
    with _Accelerated(accelerated):
        try:
            a, b = _pair.parse_pair(old, new)
        except _sides.ReadInFullError:
            return "read in full"
    return _shape(a), _shape(b)


@given(document_pairs())
@examples(60)
def test_the_lists_msgspec_finds_parse_as_json_parses_them(pair: tuple[str, str]) -> None:
    """With msgspec, each side is parsed into the same units, refs, twins and dependencies
    as item by item with json (or both leave the pair to the reading in full)."""
    old, new = pair
    assert _parsed(old, new, accelerated=True) == _parsed(old, new, accelerated=False)
