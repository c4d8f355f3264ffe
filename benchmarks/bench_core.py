"""Scaling of the core: build, validate, dump and load BOMs of 1,000 to 100,000 components.

Run ``python benchmarks/bench_core.py`` (``--sizes 1000 10000`` for a quicker run). For each
operation it prints the time per component at each size and the ratio of the largest size to
the one ten times smaller: about 10 means linear; much more than 12 means something is
superlinear.

The BOM is a realistic mix: groups of a base model with its pretraining datasets, an adapted
model derived from it, safetensors and quantized GGUF weights, a tokenizer, a LoRA adapter, a
guard model, a router with a fallback chain over two inference providers, and software.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import hashlib
import itertools
import json
import time
from collections.abc import Callable
from typing import TypeVar

from fmbom import native
from fmbom.bom import Bom, BomMetadata, Subject
from fmbom.model import (
    Adapter,
    AnyComponent,
    Dataset,
    DatasetPurpose,
    DerivationMethod,
    Digest,
    GuardModel,
    HashAlgorithm,
    InferenceProvider,
    Model,
    ModelRole,
    Quantization,
    Relation,
    RelationKind,
    Router,
    RouterStrategy,
    Software,
    Tokenizer,
    TrainingStage,
    WeightFile,
    WeightFormat,
    Weights,
)

T = TypeVar("T")
R = RelationKind
GROUP_SIZE = 14  # components per group below


def _digest(text: str) -> Digest:
    return Digest(algorithm=HashAlgorithm.SHA256, value=hashlib.sha256(text.encode()).hexdigest())


def _group(g: int) -> tuple[list[AnyComponent], list[Relation]]:
    """One deployed model stack: 14 components and 20 relations."""
    p = f"g{g}:"
    components: list[AnyComponent] = [
        Dataset(
            ref=p + "web",
            name=f"web-{g}",
            version="1",
            purpose=DatasetPurpose.PRETRAINING,
            licenses=["CC-BY-4.0"],
            records=1_000_000,
        ),
        Dataset(ref=p + "code", name=f"code-{g}", purpose=DatasetPurpose.PRETRAINING),
        Dataset(ref=p + "sft", name=f"sft-{g}", purpose=DatasetPurpose.FINE_TUNING),
        Dataset(ref=p + "eval", name=f"eval-{g}", purpose=DatasetPurpose.EVALUATION),
        Model(ref=p + "base", name=f"base-{g}", version="1.0", licenses=["Apache-2.0"]),
        Model(ref=p + "tuned", name=f"tuned-{g}", version="1.0", role=ModelRole.ADAPTED),
        Weights(
            ref=p + "st",
            name=f"st-{g}",
            files=[
                WeightFile(
                    path=f"model-{i}.safetensors", size=4_000_000_000, digest=_digest(p + str(i))
                )
                for i in range(2)
            ],
        ),
        Weights(
            ref=p + "gguf",
            name=f"gguf-{g}",
            format=WeightFormat.GGUF,
            quantization=Quantization(method="q4_k_m", bits=4),
            digests=[_digest(p + "gguf")],
        ),
        Tokenizer(
            ref=p + "tok", name=f"tok-{g}", vocab_size=128_000, chat_template_digest=_digest(p)
        ),
        Adapter(ref=p + "lora", name=f"lora-{g}", rank=16, digests=[_digest(p + "lora")]),
        GuardModel(ref=p + "guard", name=f"guard-{g}"),
        Router(ref=p + "router", name=f"router-{g}", strategy=RouterStrategy.FALLBACK_CHAIN),
        InferenceProvider(ref=p + "eu", name=f"eu-{g}", region="eu-central-1"),
        Software(ref=p + "vllm", name="vllm", version="0.6.3", purl="pkg:pypi/vllm@0.6.3"),
    ]

    def rel(source: str, kind: RelationKind, target: str, **extra: object) -> Relation:
        return Relation(kind=kind, source=p + source, target=p + target, **extra)  # type: ignore[arg-type]

    relations = [
        rel("base", R.TRAINED_ON, "web", stage=TrainingStage.PRETRAINING),
        rel("base", R.TRAINED_ON, "code", stage=TrainingStage.PRETRAINING),
        rel("tuned", R.DERIVED_FROM, "base", method=DerivationMethod.FINE_TUNE),
        rel("tuned", R.TRAINED_ON, "sft", stage=TrainingStage.SFT),
        rel("tuned", R.EVALUATED_ON, "eval"),
        rel("tuned", R.HAS_WEIGHTS, "st"),
        rel("tuned", R.HAS_WEIGHTS, "gguf"),
        rel("gguf", R.QUANTIZED_FROM, "st"),
        rel("base", R.USES_TOKENIZER, "tok"),
        rel("tuned", R.USES_TOKENIZER, "tok"),
        rel("lora", R.ADAPTS, "tuned"),
        rel("lora", R.SERVED_BY, "eu"),
        rel("tuned", R.SERVED_BY, "eu"),
        rel("guard", R.GUARDS, "router"),
        rel("guard", R.DEPENDS_ON, "base"),
        rel("router", R.ROUTES_TO, "eu", order=0),
        rel("router", R.ROUTES_TO, "tuned", order=1, condition="fallback"),
        rel("eu", R.DEPENDS_ON, "vllm"),
        rel("router", R.DEPENDS_ON, "vllm"),
        rel("guard", R.EVALUATED_ON, "eval"),
    ]
    return components, relations


def build_parts(size: int) -> tuple[list[AnyComponent], list[Relation]]:
    """Components and relations of a BOM of ``size`` components (a multiple of 14 or less)."""
    components: list[AnyComponent] = []
    relations: list[Relation] = []
    for g in range(max(1, size // GROUP_SIZE)):
        group_components, group_relations = _group(g)
        components += group_components
        relations += group_relations
    return components, relations


def assemble(components: list[AnyComponent], relations: list[Relation]) -> Bom:
    """Construct (and so validate) the BOM."""
    metadata = BomMetadata(
        subject=Subject(name="bench", version="1"),
        timestamp=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    )
    return Bom(metadata=metadata, components=components, relations=relations)


def timed(action: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Best CPU time of ``repeat`` runs: CPU time, not wall time, so that other processes on
    the machine do not distort the ratios. The garbage collector stays on, as for users."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        result = None
        gc.collect()
        start = time.process_time()
        result = action()
        best = min(best, time.process_time() - start)
    assert result is not None
    return best, result


def plain_index(components: list[AnyComponent], relations: list[Relation]) -> dict[str, object]:
    """Baseline for validation: the least any consistency check must do (index components by
    ref, look up both ends of every relation, group relations by source and target) in plain
    Python dicts and lists."""
    by_ref: dict[str, object] = {c.ref: c for c in components}
    outgoing: dict[str, list[Relation]] = {}
    incoming: dict[str, list[Relation]] = {}
    for relation in relations:
        if relation.source in by_ref and relation.target in by_ref:
            outgoing.setdefault(relation.source, []).append(relation)
            incoming.setdefault(relation.target, []).append(relation)
    return by_ref


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()

    sizes: list[int] = args.sizes
    # Each fmbom operation, then the plain-Python baseline it is compared with.
    rows = {
        "build": "objects: build components and relations",
        "validate": "Bom(...): sort, index and check the whole BOM",
        "dump": "native.dumps",
        "load": "native.loads",
        "base:validate": "baseline: plain dict index of refs and relations",
        "base:dump": "baseline: json.dumps of the same document",
        "base:load": "baseline: json.loads of the same text",
    }
    seconds: dict[str, dict[int, float]] = {row: {} for row in rows}
    counts: dict[int, int] = {}
    for size in sizes:
        repeat = 5 if size <= 10_000 else 2
        found: dict[str, float] = {}
        found["build"], (components, relations) = timed(lambda: build_parts(size), repeat)  # noqa: B023
        found["validate"], bom = timed(lambda: assemble(components, relations), repeat)  # noqa: B023
        found["dump"], text = timed(lambda: native.dumps(bom), repeat)  # noqa: B023
        found["load"], loaded = timed(lambda: native.loads(text), repeat)  # noqa: B023
        assert loaded == bom
        document = native.to_dict(bom)
        baselines: dict[str, Callable[[], object]] = {
            "base:validate": lambda: plain_index(components, relations),  # noqa: B023
            "base:dump": lambda: json.dumps(document, indent=2, sort_keys=True),  # noqa: B023
            "base:load": lambda: json.loads(text),  # noqa: B023
        }
        for row, action in baselines.items():
            found[row], _ = timed(action, repeat)
        counts[size] = len(bom)
        for row, value in found.items():
            seconds[row][size] = value
        print(
            f"{len(bom):>7} components, {len(bom.relations):>7} relations, "
            f"{len(text) / 1e6:6.1f} MB native JSON"
        )

    print()
    header = "".join(f"{f'{s:,}':>11}" for s in sizes)
    print(f"{'CPU µs per component':<22}{header}   time ratio for 10x the components")
    for row, title in rows.items():
        cells = "".join(f"{seconds[row][s] / counts[s] * 1e6:>11.2f}" for s in sizes)
        ratios = [
            f"{b:,}/{a:,}: {seconds[row][b] / seconds[row][a]:4.1f}x"
            for a, b in itertools.pairwise(sizes)
            if b == 10 * a
        ]
        print(f"{row:<22}{cells}   {', '.join(ratios)}   {title}")
    print()
    print("fmbom / baseline time, per size (flat means fmbom scales like plain Python does):")
    for op in ("validate", "dump", "load"):
        cells = "".join(f"{seconds[op][s] / seconds['base:' + op][s]:>11.1f}" for s in sizes)
        print(f"{op:<22}{cells}")


if __name__ == "__main__":
    main()
