"""A small deployed system to plant single changes in, for the diff tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import attrs

from fmbom import (
    AccessRoute,
    Adapter,
    AnyComponent,
    Bom,
    Dataset,
    DatasetPurpose,
    DerivationMethod,
    Digest,
    Evaluation,
    Governance,
    GuardModel,
    InferenceProvider,
    Model,
    ModelRole,
    Quantization,
    Relation,
    RelationKind,
    Router,
    Software,
    SourceType,
    Tokenizer,
    TokenizerType,
    Unit,
    WeightFile,
    WeightFormat,
    Weights,
)

R = RelationKind


def sha256(label: str) -> Digest:
    """A deterministic sha256 digest for a label."""
    return Digest.of("SHA-256", (label.encode().hex() * 64)[:64])


def system() -> Bom:
    """``assistant 1.0``: base and tuned model, weights, tokenizer, datasets, guard, router,
    provider, adapter and a library, every prefixed ``sys-`` so that generated components
    never share their identity."""
    components: list[AnyComponent] = [
        Model(
            ref="m-base",
            name="sys-base-lm",
            group="acme",
            version="1.0",
            licenses=("Apache-2.0",),
            digests=(sha256("base"),),
            governance=Governance(
                evaluations=(
                    Evaluation(
                        benchmark="mmlu",
                        metric="accuracy",
                        unit=Unit.BASE_MODEL,
                        source_type=SourceType.PROVIDER_CLAIM,
                        value=0.61,
                    ),
                )
            ),
        ),
        Model(ref="m-other", name="sys-other-base", group="acme", version="2.0"),
        Model(
            ref="m-chat",
            name="sys-chat-lm",
            group="acme",
            version="1.0",
            role=ModelRole.ADAPTED,
            access_route=AccessRoute.API,
        ),
        Weights(
            ref="w-chat",
            name="sys-chat-lm-weights",
            group="acme",
            version="1.0",
            digests=(sha256("weights"),),
            files=(WeightFile(path="model.safetensors", size=10, digest=sha256("file")),),
            quantization=Quantization(method="awq", bits=4),
        ),
        Tokenizer(
            ref="t-chat",
            name="sys-chat-tokenizer",
            group="acme",
            version="1.0",
            tokenizer_type=TokenizerType.BPE,
            vocab_size=32000,
        ),
        Dataset(ref="d-web", name="sys-web-crawl", purpose=DatasetPurpose.PRETRAINING),
        Dataset(ref="d-sft", name="sys-sft-mix", purpose=DatasetPurpose.FINE_TUNING),
        Dataset(ref="d-eval", name="sys-eval-set", purpose=DatasetPurpose.EVALUATION),
        GuardModel(ref="g-shield", name="sys-shield", group="acme", version="1.0"),
        Router(ref="r-main", name="sys-router", group="acme", version="1.0"),
        InferenceProvider(
            ref="p-cloud",
            name="sys-cloud",
            organization="Cloud A",
            endpoint="https://a.example/v1",
            region="us-east-1",
        ),
        Adapter(ref="a-lora", name="sys-support-lora", group="acme", version="1.0", rank=8),
        Software(
            ref="s-vllm",
            name="sys-vllm",
            group="vllm-project",
            version="0.5.0",
            purl="pkg:pypi/sys-vllm@0.5.0",
        ),
    ]
    relations = [
        Relation(kind=R.TRAINED_ON, source="m-base", target="d-web"),
        Relation(
            kind=R.DERIVED_FROM,
            source="m-chat",
            target="m-base",
            method=DerivationMethod.FINE_TUNE,
        ),
        Relation(kind=R.TRAINED_ON, source="m-chat", target="d-sft"),
        Relation(kind=R.HAS_WEIGHTS, source="m-chat", target="w-chat"),
        Relation(kind=R.USES_TOKENIZER, source="m-chat", target="t-chat"),
        Relation(kind=R.GUARDS, source="g-shield", target="m-chat"),
        Relation(kind=R.ROUTES_TO, source="r-main", target="m-chat", order=0),
        Relation(kind=R.SERVED_BY, source="m-chat", target="p-cloud"),
        Relation(kind=R.ADAPTS, source="a-lora", target="m-chat"),
        Relation(kind=R.DEPENDS_ON, source="p-cloud", target="s-vllm"),
    ]
    empty = Bom.create("sys-assistant", "1.0")
    return attrs.evolve(empty, components=components, relations=relations)


def evolve(bom: Bom, ref: str, **changes: Any) -> Bom:
    """``bom`` with one component's fields changed."""
    return bom.replace(attrs.evolve(bom.component(ref), **changes))


def regenerate_refs(bom: Bom, seed: int = 0) -> Bom:
    """The same BOM with fresh UUID refs everywhere and every reference updated."""
    fresh = {c.ref: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}:{c.ref}")) for c in bom.components}
    return attrs.evolve(
        bom,
        components=[attrs.evolve(c, ref=fresh[c.ref]) for c in bom.components],
        relations=[
            attrs.evolve(r, source=fresh[r.source], target=fresh[r.target]) for r in bom.relations
        ],
    )


def _relink(bom: Bom, kind: RelationKind, source: str, old: str, new: str) -> Bom:
    kept = [r for r in bom.relations if r.key != (kind.value, source, old)]
    return attrs.evolve(bom, relations=[*kept, Relation(kind=kind, source=source, target=new)])


def _drop_relation(bom: Bom, kind: RelationKind, source: str, target: str) -> Bom:
    return attrs.evolve(
        bom, relations=[r for r in bom.relations if r.key != (kind.value, source, target)]
    )


def _new_tokenizer(bom: Bom) -> Bom:
    swapped = bom.add(Tokenizer(ref="t-new", name="sys-other-tokenizer", group="acme"))
    return _relink(swapped, R.USES_TOKENIZER, "m-chat", "t-chat", "t-new")


def _new_dataset(bom: Bom) -> Bom:
    added = bom.add(Dataset(ref="d-new", name="sys-scraped", purpose=DatasetPurpose.FINE_TUNING))
    return added.relate("m-chat", R.TRAINED_ON, "d-new")


def _rename(bom: Bom) -> Bom:
    return evolve(bom, "w-chat", name="sys-renamed-weights")


def _remove_evaluation(bom: Bom) -> Bom:
    model = bom.component("m-base")
    assert isinstance(model, Model)
    return evolve(bom, "m-base", governance=Governance())


#: Single planted mutations: (name, mutate, the one rule expected at its severity or above).
MUTATIONS: list[tuple[str, Callable[[Bom], Bom], str]] = [
    (
        "new digest, same version",
        lambda b: evolve(b, "w-chat", digests=(sha256("tampered"),)),
        "digest-changed-same-version",
    ),
    ("guard model removed", lambda b: b.remove("g-shield"), "guard-removed"),
    (
        "guard stops guarding",
        lambda b: _drop_relation(b, R.GUARDS, "g-shield", "m-chat"),
        "guard-removed",
    ),
    (
        "pickle weights",
        lambda b: evolve(b, "w-chat", format=WeightFormat.PYTORCH_PICKLE),
        "unsafe-format-introduced",
    ),
    (
        "swapped base model",
        lambda b: _relink(b, R.DERIVED_FROM, "m-chat", "m-base", "m-other"),
        "base-model-changed",
    ),
    ("swapped tokenizer", _new_tokenizer, "tokenizer-changed"),
    ("tokenizer vocabulary", lambda b: evolve(b, "t-chat", vocab_size=64000), "tokenizer-changed"),
    ("changed license", lambda b: evolve(b, "m-base", licenses=("MIT",)), "license-changed"),
    (
        "access route",
        lambda b: evolve(b, "m-chat", access_route=AccessRoute.OPEN_WEIGHTS),
        "access-route-changed",
    ),
    (
        "downgrade",
        lambda b: evolve(b, "s-vllm", version="0.4.0", purl="pkg:pypi/sys-vllm@0.4.0"),
        "version-downgraded",
    ),
    (
        "same name and version, other group",
        lambda b: evolve(b, "s-vllm", group="evil"),
        "supplier-changed",
    ),
    ("added dataset", _new_dataset, "dataset-added"),
    ("removed dataset", lambda b: b.remove("d-sft"), "dataset-removed"),
    (
        "provider endpoint",
        lambda b: evolve(b, "p-cloud", endpoint="https://b.example/v1"),
        "provider-changed",
    ),
    (
        "provider organisation",
        lambda b: evolve(b, "p-cloud", organization="Cloud B"),
        "provider-changed",
    ),
    (
        "provider region",
        lambda b: evolve(b, "p-cloud", region="eu-west-1"),
        "provider-region-changed",
    ),
    ("route added", lambda b: b.relate("r-main", R.ROUTES_TO, "m-other", order=1), "route-added"),
    (
        "route removed",
        lambda b: _drop_relation(b, R.ROUTES_TO, "r-main", "m-chat"),
        "route-removed",
    ),
    (
        "adapter added",
        lambda b: attrs.evolve(
            b,
            components=[*b.components, Adapter(ref="a-new", name="sys-new-lora")],
            relations=[*b.relations, Relation(kind=R.ADAPTS, source="a-new", target="m-chat")],
        ),
        "adapter-added",
    ),
    ("adapter removed", lambda b: b.remove("a-lora"), "adapter-removed"),
    (
        "quantization",
        lambda b: evolve(b, "w-chat", quantization=Quantization(method="gptq", bits=4)),
        "quantization-changed",
    ),
    ("evaluation removed", _remove_evaluation, "evaluation-removed"),
    ("software removed", lambda b: b.remove("s-vllm"), "component-removed"),
    (
        "software added",
        lambda b: b.add(Software(ref="s-new", name="sys-torch", version="2.4")),
        "component-added",
    ),
    (
        "relation added",
        lambda b: b.relate("m-chat", R.EVALUATED_ON, "d-eval"),
        "relation-added",
    ),
    (
        "upgrade",
        lambda b: evolve(b, "s-vllm", version="0.6.0", purl="pkg:pypi/sys-vllm@0.6.0"),
        "version-upgraded",
    ),
    (
        "versions that do not order",
        lambda b: evolve(b, "m-other", version="4f2a9c1"),
        "version-changed",
    ),
    ("renamed, same digest", _rename, "component-renamed"),
    ("description", lambda b: evolve(b, "d-web", description="crawl of 2025"), "field-changed"),
]
