"""Diffs of CycloneDX documents from other tools: noise is silent, real changes are reported."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fmbom import cyclonedx, loads_bom
from fmbom.cli import main
from fmbom.diff import DiffResult, Severity, diff
from tests.conftest import DATA, EXAMPLES

Doc = dict[str, Any]

DOCUMENTS = [
    "generic-ml-bom.cdx.json",
    "qwen-7b-mlbom-1.7.json",
    "k8s-aibom-vllm-deployment-output.json",
    "hunyuanworld-voyager-aibom.json",
]
_SETS = {
    "components",
    "services",
    "dependencies",
    "dependsOn",
    "hashes",
    "properties",
    "licenses",
    "externalReferences",
    "datasets",
    "ancestors",
}


def document(name: str) -> Doc:
    loaded: Doc = json.loads((DATA / "diff" / name).read_text(encoding="utf-8"))
    return loaded


def read(doc: Doc) -> Any:
    return loads_bom(json.dumps(doc), source="test.cdx.json")


def _collect_refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("bom-ref"), str):
            found.add(node["bom-ref"])
        for value in node.values():
            _collect_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect_refs(value, found)


def _rewrite(node: Any, fresh: dict[str, str], key: str = "") -> Any:
    if isinstance(node, dict):
        return {k: _rewrite(v, fresh, k) for k, v in node.items()}
    if isinstance(node, list):
        items = [_rewrite(v, fresh, key) for v in node]
        return list(reversed(items)) if key in _SETS else items
    if isinstance(node, str) and key in {"bom-ref", "ref", "dependsOn", "provides"}:
        return fresh.get(node, node)
    return node


def noisy(doc: Doc) -> Doc:
    """Fresh UUID bom-refs everywhere (every reference updated), reversed arrays, a new
    serial number, timestamp and tool list."""
    refs: set[str] = set()
    _collect_refs(doc, refs)
    fresh = {ref: f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ref)}" for ref in sorted(refs)}
    out: Doc = _rewrite(doc, fresh)
    out["serialNumber"] = "urn:uuid:99999999-9999-4999-8999-999999999999"
    metadata = out.setdefault("metadata", {})
    metadata["timestamp"] = "2031-12-31T23:59:59Z"
    metadata["tools"] = {"components": [{"type": "application", "name": "regen", "version": "9"}]}
    return out


@pytest.mark.parametrize("name", DOCUMENTS)
def test_noise_gives_zero_changes(name: str) -> None:
    doc = document(name)
    result = diff(read(doc), read(noisy(doc)))
    assert result.changes == ()


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents_are_read_in_full(name: str) -> None:
    """Every component of a third-party document takes part: removing any one is reported."""
    doc = document(name)
    bom = read(doc)
    assert len(bom.components) >= 1
    for index in range(len(doc["components"])):
        fewer = copy.deepcopy(doc)
        removed = fewer["components"].pop(index)
        fewer["dependencies"] = [
            {**d, "dependsOn": [r for r in d.get("dependsOn", []) if r != removed.get("bom-ref")]}
            for d in fewer.get("dependencies", [])
            if d.get("ref") != removed.get("bom-ref")
        ]
        result = diff(bom, read(fewer))
        assert result.removed_refs(), f"removing components[{index}] went unnoticed"


def _model(doc: Doc) -> Doc:
    found: Doc = doc["components"][0]
    return found


def _set_hash(doc: Doc) -> None:
    _model(doc)["hashes"][0]["content"] = "3" * 64


def _bump_torch(doc: Doc) -> None:
    doc["components"][2].update(version="2.5.0", purl="pkg:pypi/torch@2.5.0")


def _substitute_torch(doc: Doc) -> None:
    doc["components"][2].update(group="evil", purl="pkg:pypi/evil/torch@2.4.0")


def _drop_inline_dataset(doc: Doc) -> None:
    _model(doc)["modelCard"]["modelParameters"]["datasets"].pop(0)


def _drop_dataset_ref(doc: Doc) -> None:
    _model(doc)["modelCard"]["modelParameters"]["datasets"].pop(1)


def _add_inline_dataset(doc: Doc) -> None:
    _model(doc)["modelCard"]["modelParameters"]["datasets"].append(
        {"type": "dataset", "name": "scraped-forum", "contents": {"url": "https://x.example/f"}}
    )


def _classification(doc: Doc) -> None:
    doc["components"][1]["data"][0]["classification"] = "public"


def _license(doc: Doc) -> None:
    _model(doc)["licenses"] = [{"expression": "GPL-3.0-only"}]


def _equivalent_license(doc: Doc) -> None:
    _model(doc)["licenses"] = [{"expression": "mit or apache-2.0"}]


def _hash_spelling(doc: Doc) -> None:
    _model(doc)["hashes"][0]["content"] = "1" * 64
    _model(doc)["hashes"][0]["alg"] = "SHA-256"


def _endpoint(doc: Doc) -> None:
    doc["services"][0]["endpoints"] = ["https://api.cloud-b.example/v1"]


def _remove_nested(doc: Doc) -> None:
    _model(doc).pop("components")
    for dependency in doc["dependencies"]:
        dependency["dependsOn"] = [r for r in dependency["dependsOn"] if r != "tok-1"]


def _add_edge(doc: Doc) -> None:
    doc["dependencies"].append({"ref": "lib-1", "dependsOn": ["tok-1"]})


def _task(doc: Doc) -> None:
    _model(doc)["modelCard"]["modelParameters"]["task"] = "summarization"


GENERIC_CHANGES: list[tuple[str, Callable[[Doc], None], list[str]]] = [
    ("hash under the same version", _set_hash, ["digest-changed-same-version"]),
    ("library upgrade", _bump_torch, ["version-upgraded"]),
    ("same version, other namespace", _substitute_torch, ["supplier-changed"]),
    ("inline modelCard dataset removed", _drop_inline_dataset, ["dataset-removed"]),
    ("referenced modelCard dataset dropped", _drop_dataset_ref, ["relation-removed"]),
    ("modelCard dataset added", _add_inline_dataset, ["dataset-added"]),
    ("data classification", _classification, ["field-changed"]),
    ("license", _license, ["license-changed"]),
    ("equivalent license", _equivalent_license, []),
    ("hash spelling", _hash_spelling, []),
    ("service endpoint", _endpoint, ["provider-changed"]),
    ("nested component removed", _remove_nested, ["component-removed"]),
    ("dependency edge added", _add_edge, ["relation-added"]),
    ("modelCard task", _task, ["field-changed"]),
]


@pytest.mark.parametrize(
    ("name", "change", "rules"), GENERIC_CHANGES, ids=[c[0] for c in GENERIC_CHANGES]
)
def test_generic_changes_are_reported(
    name: str, change: Callable[[Doc], None], rules: list[str]
) -> None:
    old = document("generic-ml-bom.cdx.json")
    new = copy.deepcopy(old)
    change(new)
    result = diff(read(old), read(new))
    assert sorted({c.rule for c in result.changes}) == rules
    result = diff(read(noisy(old)), read(noisy(new)))
    assert sorted({c.rule for c in result.changes}) == rules


def test_model_change_reaches_the_service_and_system() -> None:
    old = document("generic-ml-bom.cdx.json")
    new = copy.deepcopy(old)
    _set_hash(new)
    (change,) = diff(read(old), read(new)).changes
    assert change.severity is Severity.CRITICAL
    assert [r.name for r in change.reaches] == ["inference-api", "chat-service"]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_native_against_cyclonedx_json_and_xml(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    v1 = loads_bom((EXAMPLES / "assistant-v1.json").read_bytes())
    v2 = str(EXAMPLES / "assistant-v2.json")
    native_report = _cli(capsys, str(EXAMPLES / "assistant-v1.json"), v2, "--format", "json")
    for fmt in ("json", "xml"):
        path = tmp_path / f"v1.cdx.{fmt}"
        path.write_text(cyclonedx.dumps(v1, format=fmt), encoding="utf-8")
        assert _cli(capsys, str(EXAMPLES / "assistant-v1.json"), str(path)) == (
            0,
            "No changes.\n",
            "",
        )
        assert _cli(capsys, str(path), v2, "--format", "json") == native_report


@pytest.mark.parametrize(
    "text",
    [
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": "none"}',
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]}',
        "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components><oops/>",
    ],
)
def test_unreadable_cyclonedx_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str
) -> None:
    bad = tmp_path / "bad.cdx"
    bad.write_text(text, encoding="utf-8")
    good = str(DATA / "diff" / "generic-ml-bom.cdx.json")
    code, out, err = _cli(capsys, good, str(bad), "--strict")
    assert (code, out) == (2, "")
    assert err.startswith("fmbom: error:")
    if text.startswith("{"):
        # Without --strict an invalid document is read best effort, one warning per problem.
        code, out, err = _cli(capsys, good, str(bad))
        assert code != 2
        assert out
        assert err.startswith(f"fmbom: warning: {bad}: $.components")


def _result(old: Doc, new: Doc) -> DiffResult:
    return diff(read(old), read(new))


def test_third_party_version_change() -> None:
    old = document("k8s-aibom-vllm-deployment-output.json")
    new = copy.deepcopy(old)
    new["components"][0]["version"] = "v0.6.4"
    (change,) = _result(old, new).changes
    assert (change.rule, change.before, change.after) == ("version-upgraded", "v0.6.3", "v0.6.4")
