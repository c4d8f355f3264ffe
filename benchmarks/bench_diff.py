"""Time ``fmbom diff`` in process and end to end, against baselines measured in the same run.

In process: two synthetic BOMs of 10,000 and 100,000 components with about 1% changes
(version bumps, new digests, a removed and an added component per hundred), once with the
same bom-refs and once with every bom-ref regenerated. The baseline is a naive differ that
matches components by bom-ref and compares them for equality (no identity matching, no
classification): fmbom's ratio to it is printed. Goal: 100,000 components in 1 s or less.

End to end: ``fmbom diff OLD NEW --format json`` on two 20,000-component CycloneDX JSON
documents written by another tool (no ``fmbom:*`` properties), about 1% changed, in a fresh
interpreter each time. Baselines: starting Python and reading both files with ``json.load``.
Goal: 0.5 s wall or less. Peak memory is printed for both.

Run: ``python benchmarks/bench_diff.py [N ...]`` (default 10000 100000).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from fmbom import (
    AnyComponent,
    Bom,
    Dataset,
    Digest,
    Model,
    ModelRole,
    Relation,
    RelationKind,
    Software,
    WeightFile,
    Weights,
)
from fmbom.diff import diff


def _hex(i: int, salt: str = "") -> str:
    return f"{salt}{i:x}".encode().hex().ljust(64, "0")[:64]


def synthetic(count: int) -> Bom:
    """``count`` components in families of ten: a model, its weights, a dataset, seven
    libraries; each model trained on its dataset, has its weights, depends on its libraries."""
    components: list[AnyComponent] = []
    relations: list[Relation] = []
    for f in range(count // 10):
        model, weights, data = f"m{f}", f"w{f}", f"d{f}"
        components += [
            Model(
                ref=model,
                name=f"model-{f}",
                group="acme",
                version="1.0",
                role=ModelRole.ADAPTED,
                licenses=("Apache-2.0",),
            ),
            Weights(
                ref=weights,
                name=f"model-{f}-weights",
                group="acme",
                version="1.0",
                digests=(Digest.of("sha256", _hex(f)),),
                files=(
                    WeightFile(
                        path="model.safetensors", size=f, digest=Digest.of("sha256", _hex(f, "f"))
                    ),
                ),
            ),
            Dataset(ref=data, name=f"data-{f}", version="2025"),
        ]
        relations += [
            Relation(kind=RelationKind.TRAINED_ON, source=model, target=data),
            Relation(kind=RelationKind.HAS_WEIGHTS, source=model, target=weights),
        ]
        for j in range(7):
            lib = f"s{f}-{j}"
            components.append(
                Software(
                    ref=lib,
                    name=f"lib-{f}-{j}",
                    version="1.2.3",
                    purl=f"pkg:pypi/lib-{f}-{j}@1.2.3",
                    licenses=("MIT",),
                )
            )
            relations.append(Relation(kind=RelationKind.DEPENDS_ON, source=model, target=lib))
    return Bom.create("bench-system", "1.0").add(components).with_relations(*relations)


def mutated(bom: Bom, *, regenerate: bool) -> Bom:
    """About 1% of the components changed: per 100, a version bump, a new weights digest
    under the same version, a removed library and an added one."""
    components = list(bom.components)
    by_ref = {c.ref: i for i, c in enumerate(components)}
    removed: set[str] = set()
    added: list[AnyComponent] = []
    for f in range(0, len(bom) // 10, 10):
        lib = components[by_ref[f"s{f}-0"]]
        components[by_ref[lib.ref]] = attrs.evolve(
            lib, version="1.3.0", purl=f"pkg:pypi/lib-{f}-0@1.3.0"
        )
        weights = components[by_ref[f"w{f}"]]
        components[by_ref[weights.ref]] = attrs.evolve(
            weights, digests=(Digest.of("sha256", _hex(f, "x")),)
        )
        removed.add(f"s{f}-1")
        added.append(Software(ref=f"new{f}", name=f"new-lib-{f}", version="0.1"))
    kept = [c for c in components if c.ref not in removed]
    relations = [r for r in bom.relations if r.target not in removed]
    new = attrs.evolve(bom, components=[*kept, *added], relations=relations)
    if not regenerate:
        return new
    fresh = {
        c.ref: f"urn:uuid:{i:08x}-0000-4000-8000-000000000000" for i, c in enumerate(new.components)
    }
    return attrs.evolve(
        new,
        components=[attrs.evolve(c, ref=fresh[c.ref]) for c in new.components],
        relations=[
            attrs.evolve(r, source=fresh[r.source], target=fresh[r.target]) for r in new.relations
        ],
    )


def naive(old: Bom, new: Bom) -> int:
    """Baseline: match by bom-ref, compare for equality; no identity, no classification."""
    before = {c.ref: c for c in old.components}
    after = {c.ref: c for c in new.components}
    changed = sum(1 for ref, c in after.items() if ref in before and before[ref] != c)
    return changed + len(before.keys() - after.keys()) + len(after.keys() - before.keys())


def best(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """Best wall and CPU time of ``repeat`` runs (CPU time is steadier on a busy machine)."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def in_process(count: int) -> None:
    old = synthetic(count)
    for regenerate in (False, True):
        new = mutated(old, regenerate=regenerate)
        result = diff(old, new)
        fmbom_s, fmbom_cpu = best(lambda new=new: diff(old, new))
        naive_s, _ = best(lambda new=new: naive(old, new))
        label = "regenerated refs" if regenerate else "same refs"
        peak = peak_mib(lambda new=new: diff(old, new))
        print(
            f"  {count:>7,} components, {label:<16}: diff {fmbom_s:6.3f} s wall "
            f"{fmbom_cpu:6.3f} s CPU ({len(result):,} changes), naive by-ref {naive_s:6.3f} s, "
            f"ratio {fmbom_s / naive_s:5.1f}x, peak {peak:6.1f} MiB"
        )


# --- end to end on generic CycloneDX --------------------------------------------------------


def generic_document(count: int, *, changed: bool) -> dict[str, Any]:
    """A CycloneDX 1.6 document as another tool writes it: libraries with purls, hashes and
    licenses, ML models with a modelCard, data components, dependencies; no fmbom properties."""
    components: list[dict[str, Any]] = []
    dependencies: list[dict[str, Any]] = []
    for f in range(count // 10):
        model = {
            "bom-ref": f"model-{f}",
            "type": "machine-learning-model",
            "group": "acme",
            "name": f"model-{f}",
            "version": "1.0",
            "hashes": [
                {"alg": "SHA-256", "content": _hex(f, "x" if changed and f % 10 == 0 else "")}
            ],
            "modelCard": {
                "modelParameters": {"task": "text-generation", "datasets": [{"ref": f"data-{f}"}]}
            },
        }
        data = {
            "bom-ref": f"data-{f}",
            "type": "data",
            "name": f"data-{f}",
            "data": [{"type": "dataset", "name": f"data-{f}"}],
        }
        components += [model, data]
        libs = []
        for j in range(8):
            version = "1.3.0" if changed and f % 10 == 0 and j == 0 else "1.2.3"
            if changed and f % 10 == 0 and j == 1:
                continue
            libs.append(f"lib-{f}-{j}")
            components.append(
                {
                    "bom-ref": f"lib-{f}-{j}",
                    "type": "library",
                    "name": f"lib-{f}-{j}",
                    "version": version,
                    "purl": f"pkg:pypi/lib-{f}-{j}@{version}",
                    "licenses": [{"license": {"id": "MIT"}}],
                }
            )
        dependencies.append({"ref": f"model-{f}", "dependsOn": libs})
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "bench-system", "version": "1"}},
        "components": components,
        "dependencies": dependencies,
    }


def end_to_end(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp, "old.cdx.json"), Path(tmp, "new.cdx.json")
        old.write_text(json.dumps(generic_document(count, changed=False)), encoding="utf-8")
        new.write_text(json.dumps(generic_document(count, changed=True)), encoding="utf-8")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

        def wall(*argv: str) -> tuple[float, int]:
            times = []
            code = 0
            for _ in range(3):
                start = time.perf_counter()
                code = subprocess.run(  # noqa: S603 - our own interpreter and files
                    [sys.executable, *argv], env=env, check=False, stdout=subprocess.DEVNULL
                ).returncode
                times.append(time.perf_counter() - start)
            return statistics.median(times), code

        python_s, _ = wall("-c", "pass")
        load_s, _ = wall(
            "-c", f"import json; json.load(open({str(old)!r})); json.load(open({str(new)!r}))"
        )
        cli_s, code = wall(
            "-m", "fmbom", "diff", str(old), str(new), "--format", "json", "-o", os.devnull
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        where_time_goes(old, new)
        print(
            f"  CLI on two {count:,}-component CycloneDX JSON files: {cli_s:6.3f} s wall "
            f"(exit {code}); python start-up {python_s:.3f} s, json.load of both {load_s:.3f} s, "
            f"ratio to json.load {cli_s / load_s:4.1f}x; "
            f"peak RSS of the largest child {before / 1024:.0f} MiB"
        )


def where_time_goes(old: Path, new: Path) -> None:
    """The CLI's steps, timed one by one in this process (first call, then a second one)."""
    from fmbom import cyclonedx
    from fmbom.diff._report import render_json

    steps: list[tuple[str, float]] = []

    def step(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = fn()
        steps.append((name, time.perf_counter() - start))
        return value

    docs = [
        step(f"json.loads {p.name}", lambda p=p: json.loads(p.read_bytes())) for p in (old, new)
    ]
    boms = [
        step(f"import #{i + 1} (checks + import)", lambda doc=doc: cyclonedx.from_json_dict(doc))
        for i, doc in enumerate(docs)
    ]
    step("(not in the CLI) full schema", lambda: cyclonedx.document_errors(docs[0]))
    result = step("diff", lambda: diff(boms[0], boms[1]))
    step("render json", lambda: render_json(result))
    print("  where the CLI's time goes (in process):")
    for name, seconds in steps:
        print(f"    {name:<32} {seconds:6.3f} s")


def main(argv: list[str]) -> None:
    counts = [int(a) for a in argv] or [10_000, 100_000]
    print("fmbom diff, in process (best of 3):")
    for count in counts:
        in_process(count)
    print("fmbom diff, end to end (median of 3):")
    end_to_end(20_000)


if __name__ == "__main__":
    main(sys.argv[1:])
