"""Scaling of ``compose``: one system BOM from parts, at 1,000 to 100,000 components per part.

Run ``python benchmarks/bench_compose.py`` (``--sizes 1000 10000`` for a quicker run). Two
workloads, each timed against constructing the composed BOM's components and relations into a
``Bom`` directly (the least composing must do) in the same run:

- ``unify``: the realistic mix of ``bench_core`` twice, the second part with other refs and twice
  the components, so half of them unify by identity with the first part's;
- ``link``: a deployment part serving N models (each with a provider and a ``servedBy``
  relation) and a model part describing them, so every served model is linked by name and its
  relations are pointed at the described model.

It prints CPU µs per input component at each size, the time ratio for ten times the components
(about 10 means linear) and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).parent))

from bench_core import assemble, build_parts, timed

from fmbom._compose import compose
from fmbom.bom import Bom
from fmbom.model import (
    InferenceProvider,
    Model,
    Property,
    Relation,
    RelationKind,
)

SERVED = "fmbom:deploy:served-model"


def unify_parts(size: int) -> list[Bom]:
    """The bench_core mix, then twice as many components under other refs."""
    first = assemble(*build_parts(size))
    components, relations = build_parts(2 * size)
    moved = [attrs.evolve(c, ref=f"x-{c.ref}") for c in components]
    links = [attrs.evolve(r, source=f"x-{r.source}", target=f"x-{r.target}") for r in relations]
    return [first, assemble(moved, links)]


def link_parts(size: int) -> list[Bom]:
    """A deployment serving ``size // 2`` models from as many providers, and the models."""
    count = max(1, size // 2)
    served: list[Model | InferenceProvider] = []
    relations: list[Relation] = []
    for i in range(count):
        name = f"model-{i}"
        served.append(
            Model(ref=f"s{i}", name=name, properties=(Property(name=SERVED, value=f"acme/{name}"),))
        )
        served.append(InferenceProvider(ref=f"p{i}", name=f"gpu-{i}"))
        relations.append(Relation(source=f"s{i}", kind=RelationKind.SERVED_BY, target=f"p{i}"))
    deployment = attrs.evolve(
        Bom.create("deploy"), components=tuple(served), relations=tuple(relations)
    )
    models = attrs.evolve(
        Bom.create("models"),
        components=tuple(Model(ref=f"m{i}", name=f"model-{i}", group="acme") for i in range(count)),
    )
    return [deployment, models]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    sizes: list[int] = args.sizes
    workloads: dict[str, Callable[[int], list[Bom]]] = {"unify": unify_parts, "link": link_parts}
    seconds: dict[str, dict[int, float]] = {}
    baseline: dict[str, dict[int, float]] = {}
    counts: dict[str, dict[int, int]] = {}
    for name, make in workloads.items():
        seconds[name], baseline[name], counts[name] = {}, {}, {}
        for size in sizes:
            parts = make(size)
            repeat = 3 if size <= 10_000 else 1
            spent, result = timed(lambda: compose(parts), repeat)  # noqa: B023
            bom = result.bom
            base, _ = timed(
                lambda: attrs.evolve(bom, components=bom.components, relations=bom.relations),  # noqa: B023
                repeat,
            )
            seconds[name][size], baseline[name][size] = spent, base
            counts[name][size] = sum(len(part) for part in parts)
            print(
                f"{name:<6} {counts[name][size]:>8,} input components -> {len(bom):>8,} "
                f"({len(result.links):,} links, {len(result.conflicts):,} conflicts)"
            )
    print()
    header = "".join(f"{f'{s:,}':>11}" for s in sizes)
    print(f"{'CPU µs per component':<22}{header}   time ratio for 10x the components")
    for name in workloads:
        cells = "".join(f"{seconds[name][s] / counts[name][s] * 1e6:>11.2f}" for s in sizes)
        ratios = [
            f"{b:,}/{a:,}: {seconds[name][b] / seconds[name][a]:4.1f}x"
            for a, b in itertools.pairwise(sizes)
            if b == 10 * a
        ]
        print(f"{name:<22}{cells}   {', '.join(ratios)}")
    print()
    print("compose / building the composed Bom directly, per size:")
    for name in workloads:
        cells = "".join(f"{seconds[name][s] / baseline[name][s]:>11.1f}" for s in sizes)
        print(f"{name:<22}{cells}")


if __name__ == "__main__":
    main()
