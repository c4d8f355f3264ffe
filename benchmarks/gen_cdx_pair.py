"""Generate two CycloneDX 1.6 JSON BOMs of the kind other tools write, about 1% changed.

Deterministic: the same arguments always give the same bytes. The documents look like an
SBOM generator's output for a large Python/npm/Maven application with a few ML models and
datasets: libraries with package URLs, SHA-256 hashes, licences (SPDX ids and expressions),
some with a supplier or author and tool properties (no ``fmbom:*`` property anywhere), ML
models with a ``modelCard``, ``data`` components with ``data[]`` entries, a metadata
component, tools, and a ``dependencies`` graph.

The new document is what a second run of such a tool writes after a release: a new serial
number and timestamp, a newer tool version, every ``bom-ref`` regenerated, components in
another order, and about 1% of the components changed. Each planted change is listed in
``planted.json`` with the diff rule it must raise, so a benchmark can check recall:

- ``version-upgraded`` / ``version-downgraded``: version and package URL changed;
- ``license-changed``: another licence, same version;
- ``digest-changed-same-version``: new content hash under the same version;
- ``component-removed`` / ``component-added``: a library dropped, another one added;
- ``supplier-changed``: same name and version, another supplier (a possible substitution);
- ``dataset-removed`` / ``dataset-added``; model weights re-hashed under the same version.

Run: ``python benchmarks/gen_cdx_pair.py OUTDIR [--components 20000] [--seed 13]``; it
writes ``OUTDIR/old.cdx.json``, ``OUTDIR/new.cdx.json`` and ``OUTDIR/planted.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import uuid
from pathlib import Path
from typing import Any

ECOSYSTEMS = ("pypi", "npm", "maven", "golang")
LICENSES = (
    [{"license": {"id": "MIT"}}],
    [{"license": {"id": "Apache-2.0"}}],
    [{"license": {"id": "BSD-3-Clause"}}],
    [{"license": {"id": "ISC"}}],
    [{"expression": "MIT OR Apache-2.0"}],
    [{"license": {"name": "Custom proprietary licence"}}],
)
SUPPLIERS = ("Acme Corp", "Initech", "Globex", "Umbrella", "Hooli", "Vandelay")
# Counts of each planted change per 20,000 components (scaled for other sizes): 200 in all.
PLANTED = {
    "version-upgraded": 60,
    "version-downgraded": 10,
    "license-changed": 25,
    "digest-changed-same-version": 25,
    "component-removed": 30,
    "component-added": 30,
    "supplier-changed": 10,
    "dataset-removed": 4,
    "dataset-added": 4,
    "model-digest-changed-same-version": 2,
}


def _sha256(*parts: object) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _purl(eco: str, name: str, version: str) -> str:
    if eco == "maven":
        return f"pkg:maven/org.example.{name.split('-', maxsplit=1)[0]}/{name}@{version}"
    if eco == "golang":
        return f"pkg:golang/github.com/example/{name}@v{version}"
    return f"pkg:{eco}/{name}@{version}"


def _library(i: int, rng: random.Random) -> dict[str, Any]:
    eco = ECOSYSTEMS[i % len(ECOSYSTEMS)]
    name = f"{rng.choice(('fast', 'py', 'lib', 'node', 'go', 'core', 'data'))}-pkg{i:05d}"
    version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
    component: dict[str, Any] = {
        "type": "library",
        "name": name,
        "version": version,
        "purl": _purl(eco, name, version),
        "hashes": [{"alg": "SHA-256", "content": _sha256("lib", i, version)}],
        "licenses": rng.choice(LICENSES),
        "properties": [
            {"name": "cdx:generator:foundBy", "value": f"{eco}-package-cataloger"},
            {"name": "cdx:generator:location:0:path", "value": f"/app/{eco}/{name}"},
        ],
    }
    if i % 5 == 0:
        component["supplier"] = {"name": SUPPLIERS[i % len(SUPPLIERS)]}
    if i % 7 == 0:
        component["author"] = f"Maintainer {i % 97}"
    if i % 11 == 0:
        component["description"] = f"Library number {i} of the application"
    if i % 13 == 0:
        component["externalReferences"] = [
            {"type": "vcs", "url": f"https://github.com/example/{name}"}
        ]
    return component


def _model(i: int) -> dict[str, Any]:
    return {
        "type": "machine-learning-model",
        "group": "example-org",
        "name": f"model-{i}",
        "version": "1.0",
        "hashes": [{"alg": "SHA-256", "content": _sha256("model", i)}],
        "licenses": [{"license": {"id": "Apache-2.0"}}],
        "modelCard": {
            "modelParameters": {
                "task": "text-generation",
                "architectureFamily": "transformer",
                "datasets": [],
            }
        },
    }


def _dataset(i: int) -> dict[str, Any]:
    return {
        "type": "data",
        "name": f"dataset-{i}",
        "version": "2025.1",
        "data": [{"type": "dataset", "name": f"dataset-{i}", "classification": "public"}],
    }


def _document(
    components: list[dict[str, Any]],
    dependencies: list[dict[str, Any]],
    rng: random.Random,
    *,
    timestamp: str,
    tool_version: str,
) -> dict[str, Any]:
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{_uuid(rng)}",
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {
                "components": [
                    {"type": "application", "name": "example-sbom-tool", "version": tool_version}
                ]
            },
            "component": {
                "bom-ref": "root-application",
                "type": "application",
                "name": "example-application",
                "version": "4.2",
            },
        },
        "components": components,
        "dependencies": dependencies,
    }


def generate(count: int, seed: int = 13) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """The old document, the new one and the planted changes, for ``count`` components."""
    rng = random.Random(seed)  # noqa: S311 - deterministic synthetic data, not security
    models = max(2, count // 1000)
    datasets = max(2, count // 500)
    libraries = count - models - datasets
    old: list[dict[str, Any]] = [_library(i, rng) for i in range(libraries)]
    old += [_model(i) for i in range(models)]
    old += [_dataset(i) for i in range(datasets)]
    for m in range(models):  # each model names two of the datasets it was trained on
        card = old[libraries + m]["modelCard"]["modelParameters"]
        card["datasets"] = [{"ref": f"dataset-{(2 * m + k) % datasets}"} for k in range(2)]

    new = [json.loads(json.dumps(c)) for c in old]
    planted: list[dict[str, str]] = []
    scale = count / 20_000
    plan = {rule: max(1, round(n * scale)) for rule, n in PLANTED.items()}
    library_slots = iter(rng.sample(range(libraries), k=sum(plan.values())))
    dropped: set[int] = set()

    def plant(rule: str, c: dict[str, Any], what: str) -> None:
        planted.append({"rule": rule, "name": c["name"], "what": what})

    for _ in range(plan["version-upgraded"]):
        c = new[next(library_slots)]
        major, minor, patch = map(int, c["version"].split("."))
        c["version"] = f"{major}.{minor + 1}.0"
        c["purl"] = _purl_with(c["purl"], c["version"])
        c["hashes"] = [{"alg": "SHA-256", "content": _sha256("lib", c["name"], c["version"])}]
        plant("version-upgraded", c, "version bump")
    for _ in range(plan["version-downgraded"]):
        c = new[next(library_slots)]
        major, minor, patch = map(int, c["version"].split("."))
        c["version"] = f"{major - 1}.{minor}.{patch}" if major else f"0.{minor}.{patch}-rc1"
        c["purl"] = _purl_with(c["purl"], c["version"])
        c["hashes"] = [{"alg": "SHA-256", "content": _sha256("lib", c["name"], c["version"])}]
        plant("version-downgraded", c, "version downgrade")
    for _ in range(plan["license-changed"]):
        c = new[next(library_slots)]
        c["licenses"] = (
            [{"license": {"id": "GPL-3.0-only"}}]
            if c["licenses"] != [{"license": {"id": "GPL-3.0-only"}}]
            else [{"license": {"id": "MIT"}}]
        )
        plant("license-changed", c, "licence")
    for _ in range(plan["digest-changed-same-version"]):
        c = new[next(library_slots)]
        c["hashes"] = [{"alg": "SHA-256", "content": _sha256("tampered", c["name"])}]
        plant("digest-changed-same-version", c, "content hash, same version")
    for _ in range(plan["supplier-changed"]):
        c = new[next(library_slots)]
        c["supplier"] = {"name": "Typosquat Ltd"}
        plant("supplier-changed", c, "supplier")
    for _ in range(plan["component-removed"]):
        slot = next(library_slots)
        dropped.add(slot)
        plant("component-removed", old[slot], "removed")
    for k in range(plan["component-added"]):
        c = _library(libraries + datasets + models + k, rng)
        new.append(c)
        plant("component-added", c, "added")
    for k in range(plan["dataset-removed"]):
        slot = libraries + models + datasets - 1 - k
        dropped.add(slot)
        plant("dataset-removed", old[slot], "removed")
    for k in range(plan["dataset-added"]):
        c = _dataset(datasets + k)
        new.append(c)
        plant("dataset-added", c, "added")
    for k in range(plan["model-digest-changed-same-version"]):
        c = new[libraries + k]
        c["hashes"] = [{"alg": "SHA-256", "content": _sha256("retrained", c["name"])}]
        plant("digest-changed-same-version", c, "model weights re-hashed")
    kept = [c for i, c in enumerate(new) if i not in dropped]

    old_doc = _finish(old, rng, timestamp="2026-01-05T10:00:00Z", tool_version="1.4.0")
    new_doc = _finish(kept, rng, timestamp="2026-02-09T11:30:00Z", tool_version="1.5.2")
    return old_doc, new_doc, planted


def _purl_with(purl: str, version: str) -> str:
    base = purl.rsplit("@", 1)[0]
    return f"{base}@v{version}" if base.startswith("pkg:golang/") else f"{base}@{version}"


def _finish(
    components: list[dict[str, Any]], rng: random.Random, *, timestamp: str, tool_version: str
) -> dict[str, Any]:
    """Fresh bom-refs, a shuffled order, dependencies by the new refs: one tool run."""
    items = [dict(c) for c in components]
    rng.shuffle(items)
    by_name: dict[str, str] = {}
    for c in items:
        c["bom-ref"] = (
            f"{c['purl']}?package-id={rng.getrandbits(64):016x}" if "purl" in c else _uuid(rng)
        )
        by_name[c["name"]] = c["bom-ref"]
    for c in items:
        if c["type"] == "machine-learning-model":
            params = c["modelCard"]["modelParameters"]
            params["datasets"] = [
                {"ref": by_name[d["ref"]]} for d in params["datasets"] if d["ref"] in by_name
            ]
            # keep the names stable for the next run's lookup
            c["modelCard"] = {"modelParameters": dict(params)}
    dependencies = _dependencies(items, by_name)
    return _document(items, dependencies, rng, timestamp=timestamp, tool_version=tool_version)


def _dependencies(items: list[dict[str, Any]], by_name: dict[str, str]) -> list[dict[str, Any]]:
    """A stable graph over names: library ``pkgN`` depends on ``pkg(N//4)`` when present;
    the root application depends on every model and on the first hundred libraries."""
    names = sorted(by_name)
    by_number = {
        int(n.rsplit("pkg", 1)[1]): n for n in names if "-pkg" in n and n.rsplit("pkg", 1)[1]
    }
    out: list[dict[str, Any]] = []
    for c in items:
        name = c["name"]
        if "-pkg" not in name:
            continue
        number = int(name.rsplit("pkg", 1)[1])
        parent = by_number.get(number // 4)
        if number and parent is not None and parent != name:
            out.append({"ref": c["bom-ref"], "dependsOn": [by_name[parent]]})
    roots = [by_name[n] for n in names if n.startswith("model-")]
    roots += [by_name[by_number[k]] for k in sorted(by_number)[:100]]
    out.append({"ref": "root-application", "dependsOn": roots})
    return out


def write(outdir: Path, count: int, seed: int = 13) -> tuple[Path, Path, Path]:
    """Write ``old.cdx.json``, ``new.cdx.json`` and ``planted.json`` into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    old, new, planted = generate(count, seed)
    paths = (outdir / "old.cdx.json", outdir / "new.cdx.json", outdir / "planted.json")
    for path, value in zip(paths, (old, new, planted), strict=True):
        path.write_text(json.dumps(value, indent=1) + "\n", encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--components", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    paths = write(args.outdir, args.components, args.seed)
    for path in paths:
        print(path)


if __name__ == "__main__":
    main()
