"""Time ``check``, ``graph`` and ``report`` on large synthetic BOMs against native JSON output.

Each figure is printed as a ratio to ``fmbom.dumps_bom`` of the same BOM in the same run (the
baseline: one linear pass over every component), so the numbers compare across machines.
Run: ``python benchmarks/bench_check_graph.py [N ...]`` (default 10000 100000 components).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import fmbom
from fmbom import (
    AccessRoute,
    Bom,
    Dataset,
    DerivationMethod,
    Evaluation,
    Governance,
    Identity,
    InferenceProvider,
    Model,
    ModelRole,
    Relation,
    RelationKind,
    SourceType,
    TrainingStage,
    Unit,
)
from fmbom.check import check
from fmbom.graph import build, build_diff, to_dot, to_mermaid
from fmbom.report import to_markdown


def synthetic(count: int, version: str = "1.0") -> Bom:
    """``count`` components in families of four: base, adapted, dataset, provider."""
    components: list[fmbom.AnyComponent] = []
    relations: list[Relation] = []
    for i in range(count // 4):
        record = Governance(
            identity=Identity(provider="bench"),
            evaluations=(
                Evaluation(
                    benchmark="b",
                    metric="m",
                    unit=Unit.BASE_MODEL,
                    source_type=SourceType.PROVIDER_CLAIM,
                    evaluated_version="0.9",
                ),
            ),
        )
        components += [
            Model(ref=f"base{i}", name=f"base-{i}", version=version, governance=record),
            Model(
                ref=f"tuned{i}",
                name=f"tuned-{i}",
                version=version,
                role=ModelRole.ADAPTED,
                access_route=AccessRoute.OPEN_WEIGHTS,
                governance=record,
            ),
            Dataset(ref=f"data{i}", name=f"data-{i}"),
            InferenceProvider(ref=f"host{i}", name=f"host-{i}"),
        ]
        relations += [
            Relation(
                kind=RelationKind.DERIVED_FROM,
                source=f"tuned{i}",
                target=f"base{i}",
                method=DerivationMethod.FINE_TUNE,
            ),
            Relation(
                kind=RelationKind.TRAINED_ON,
                source=f"base{i}",
                target=f"data{i}",
                stage=TrainingStage.PRETRAINING,
            ),
            Relation(kind=RelationKind.SERVED_BY, source=f"tuned{i}", target=f"host{i}"),
        ]
    return Bom(
        metadata=Bom.create("bench-system", version).metadata,
        components=tuple(components),
        relations=tuple(relations),
    )


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(sizes: list[int]) -> None:
    for size in sizes:
        bom = synthetic(size)
        newer = synthetic(size, "1.1")
        baseline = timed(lambda b=bom: fmbom.dumps_bom(b))
        print(f"{len(bom.components)} components: fmbom.dumps_bom {baseline:.3f} s (baseline)")
        runs = {
            "check minimum-record": lambda b=bom: check(b),
            "check eu-ai-act-gpai": lambda b=bom: check(b, "eu-ai-act-gpai"),
            "graph mermaid": lambda b=bom: to_mermaid(build(b)),
            "graph dot": lambda b=bom: to_dot(build(b)),
            "graph --diff mermaid (includes the diff)": lambda b=bom, n=newer: to_mermaid(
                build_diff(b, n)
            ),
            "report markdown": lambda b=bom: to_markdown(b),
        }
        for name, action in runs.items():
            seconds = timed(action)
            print(f"  {name:<42} {seconds:8.3f} s  {seconds / baseline:6.2f}x dumps")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
