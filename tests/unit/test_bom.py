"""The Bom: whole-BOM validation, queries and the step-by-step builders."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import cast

import attrs
import pytest

from fmbom.bom import ENDPOINT_KINDS, Bom, BomMetadata, Subject, Tool, identity_key
from fmbom.errors import BomValidationError, ValidationError
from fmbom.governance import Unit
from fmbom.model import (
    COMPONENT_TYPES,
    Adapter,
    AnyComponent,
    Component,
    ComponentKind,
    Dataset,
    DatasetPurpose,
    DerivationMethod,
    GuardModel,
    InferenceProvider,
    Model,
    ModelRole,
    Relation,
    RelationKind,
    Router,
    Software,
    Tokenizer,
    TrainingStage,
    Weights,
)

R = RelationKind
META = BomMetadata(subject=Subject(name="system"))


def as_any(components: Sequence[Component]) -> list[AnyComponent]:
    return cast("list[AnyComponent]", list(components))


def make(kind: ComponentKind, ref: str) -> AnyComponent:
    component: AnyComponent = COMPONENT_TYPES[kind](ref=ref, name=ref)  # type: ignore[assignment]
    return component


def rel(source: str, kind: RelationKind, target: str) -> Relation:
    return Relation(kind=kind, source=source, target=target)


def problems_of(components: Sequence[Component], relations: list[Relation]) -> list[str]:
    with pytest.raises(BomValidationError) as caught:
        Bom(metadata=META, components=as_any(components), relations=relations)
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


# --- validation ------------------------------------------------------------------------------


def test_an_empty_bom_is_valid() -> None:
    bom = Bom(metadata=META)
    assert len(bom) == 0
    assert bom.problems() == []


def test_duplicate_refs() -> None:
    found = problems_of([Model(ref="m", name="a"), Dataset(ref="m", name="b")], [])
    assert found == ["components[1].ref: duplicate ref 'm' (another component has the same ref)"]


def test_unknown_refs_name_the_end() -> None:
    found = problems_of(
        [Model(ref="m", name="m")], [rel("m", R.TRAINED_ON, "d"), rel("x", R.DEPENDS_ON, "y")]
    )
    assert found == [
        "relations[0].source: unknown ref 'x'",
        "relations[0].target: unknown ref 'y'",
        "relations[1].target: unknown ref 'd'",
    ]


def test_duplicate_relations() -> None:
    components = [Model(ref="m", name="m"), Software(ref="s", name="s")]
    found = problems_of(components, [rel("m", R.DEPENDS_ON, "s"), rel("m", R.DEPENDS_ON, "s")])
    assert found == [
        "relations[1]: duplicate depends-on relation 'm' -> 's' (the same relation is listed twice)"
    ]


def _bad_pair(kind: RelationKind) -> tuple[ComponentKind, ComponentKind]:
    sources, targets = ENDPOINT_KINDS[kind]
    for source in ComponentKind:
        for target in ComponentKind:
            if source not in sources or target not in targets:
                return source, target
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", [k for k in RelationKind if k is not R.DEPENDS_ON])
def test_endpoint_kinds_are_checked_for_every_relation_kind(kind: RelationKind) -> None:
    source_kind, target_kind = _bad_pair(kind)
    components = [make(source_kind, "src"), make(target_kind, "dst")]
    if source_kind is ComponentKind.ADAPTER:
        components.append(Model(ref="base", name="base"))
    relations = [rel("src", kind, "dst")]
    if source_kind is ComponentKind.ADAPTER and kind is not R.ADAPTS:
        relations.append(rel("src", R.ADAPTS, "base"))
    found = problems_of(components, relations)
    assert any(
        f"{kind.value} is not allowed from {source_kind.value} 'src' to {target_kind.value} 'dst'"
        in line
        for line in found
    ), found


def test_depends_on_links_any_kinds() -> None:
    assert ENDPOINT_KINDS[R.DEPENDS_ON] == (frozenset(ComponentKind), frozenset(ComponentKind))
    assert set(ENDPOINT_KINDS) == set(RelationKind)
    bom = Bom(
        metadata=META,
        components=[Dataset(ref="d", name="d"), Software(ref="s", name="s")],
        relations=[rel("d", R.DEPENDS_ON, "s")],
    )
    assert bom.outgoing("d") == (rel("d", R.DEPENDS_ON, "s"),)


def test_endpoint_message_lists_the_allowed_kinds() -> None:
    found = problems_of(
        [Dataset(ref="a", name="a"), Dataset(ref="b", name="b")], [rel("a", R.GUARDS, "b")]
    )
    assert found == [
        (
            "relations[0]: guards is not allowed from dataset 'a' to dataset 'b' (guards goes "
            "from guard-model to adapter, inference-provider, model, router)"
        )
    ]


def test_lineage_cycle_of_two() -> None:
    components = [Model(ref="a", name="a"), Model(ref="b", name="b")]
    found = problems_of(components, [rel("a", R.DERIVED_FROM, "b"), rel("b", R.DERIVED_FROM, "a")])
    assert found == ["relations: lineage cycle: a -> b -> a"]


def test_lineage_cycle_through_mixed_kinds() -> None:
    components = [Model(ref="a", name="a"), Weights(ref="w", name="w"), Model(ref="c", name="c")]
    relations = [
        rel("a", R.DERIVED_FROM, "c"),
        rel("c", R.QUANTIZED_FROM, "w"),
        rel("w", R.QUANTIZED_FROM, "a"),
    ]
    found = problems_of(components, relations)
    assert len(found) == 1
    assert found[0].startswith("relations: lineage cycle: ")
    assert set(found[0].split(": ")[-1].split(" -> ")) == {"a", "c", "w"}


def test_non_lineage_relations_may_form_loops() -> None:
    components: list[AnyComponent] = [Model(ref="a", name="a"), Software(ref="s", name="s")]
    bom = Bom(
        metadata=META,
        components=components,
        relations=[rel("a", R.DEPENDS_ON, "s"), rel("s", R.DEPENDS_ON, "a")],
    )
    assert len(bom.relations) == 2


def test_diamond_lineage_is_not_a_cycle() -> None:
    components = [Model(ref=r, name=r) for r in "abcd"]
    relations = [
        rel("a", R.DERIVED_FROM, "b"),
        rel("a", R.DERIVED_FROM, "c"),
        rel("b", R.DERIVED_FROM, "d"),
        rel("c", R.DERIVED_FROM, "d"),
    ]
    bom = Bom(metadata=META, components=components, relations=relations)
    assert [c.ref for c in bom.base_models("a")] == ["d"]


def test_adapter_without_adapts() -> None:
    found = problems_of([Adapter(ref="lora", name="lora")], [])
    assert found == ["components[0]: adapter 'lora' has no adapts relation to the model it adapts"]


def test_adapter_adapting_two_models() -> None:
    components = [Adapter(ref="lora", name="l"), Model(ref="a", name="a"), Model(ref="b", name="b")]
    found = problems_of(components, [rel("lora", R.ADAPTS, "a"), rel("lora", R.ADAPTS, "b")])
    assert found == ["components[2]: adapter 'lora' adapts 2 models; an adapter adapts exactly one"]


def test_an_adapter_is_added_step_by_step_together_with_its_relation() -> None:
    bom = Bom.create("system").add(Model(ref="base", name="base"))
    with pytest.raises(BomValidationError, match="has no adapts relation"):
        bom.add(Adapter(ref="lora", name="lora"))
    grown = bom.add(Adapter(ref="lora", name="lora"), relations=[rel("lora", R.ADAPTS, "base")])
    assert [c.ref for c in grown.components] == ["base", "lora"]
    assert grown.outgoing("lora", R.ADAPTS) == (rel("lora", R.ADAPTS, "base"),)
    assert bom.relations == ()  # the original is unchanged


def test_every_problem_is_collected_and_the_first_is_raised() -> None:
    components: list[AnyComponent] = [
        Model(ref="m", name="m"),
        Model(ref="m", name="n"),
        Adapter(ref="z", name="z"),
    ]
    with pytest.raises(BomValidationError) as caught:
        Bom(metadata=META, components=components, relations=[rel("m", R.GUARDS, "q")])
    error = caught.value
    assert len(error.problems) == 3
    assert error.path == "components[1].ref"
    assert str(error).endswith("(and 2 more problems)")
    assert isinstance(error, ValidationError)


# --- queries ---------------------------------------------------------------------------------


def test_components_and_relations_are_kept_sorted(example_v1: Bom) -> None:
    refs = [c.ref for c in example_v1.components]
    assert refs == sorted(refs)
    keys = [r.key for r in example_v1.relations]
    assert keys == sorted(keys)


def test_get_component_and_contains(example_v1: Bom) -> None:
    assert "model:acme-lm-8b" in example_v1
    assert "nope" not in example_v1
    assert 3 not in example_v1
    assert example_v1.get("nope") is None
    model = example_v1.component("model:acme-lm-8b")
    assert isinstance(model, Model)
    assert example_v1.get("model:acme-lm-8b") is model
    with pytest.raises(ValidationError, match="no component with ref 'nope'"):
        example_v1.component("nope")


def test_of_type_and_of_kind(example_v1: Bom) -> None:
    models = example_v1.of_type(Model)
    assert [m.name for m in models] == ["acme-guard-1b", "acme-lm-8b", "acme-lm-8b-instruct"]
    assert example_v1.of_kind(ComponentKind.MODEL) == models
    assert len(example_v1.of_type(InferenceProvider)) == 2
    assert example_v1.of_kind(ComponentKind.ROUTER) == example_v1.of_type(Router)


def test_of_type_answers_from_the_bom_it_is_asked_of(example_v1: Bom) -> None:
    """The answer is kept for the next question, and a BOM with other components (same
    refs and kinds) answers with its own components, not the ones of the BOM it came from."""
    from fmbom.model import Component

    models = example_v1.of_type(Model)
    assert example_v1.of_type(Model) is models
    assert example_v1.of_type(Component) == example_v1.components
    renamed = [
        attrs.evolve(c, description="changed") if isinstance(c, Model) else c
        for c in example_v1.components
    ]
    other = example_v1.with_components(renamed)
    assert [m.description for m in other.of_type(Model)] == ["changed"] * len(models)
    assert [m.description for m in example_v1.of_type(Model)] != ["changed"] * len(models)
    assert other.of_type(Router) == example_v1.of_type(Router)


def test_outgoing_and_incoming(example_v1: Bom) -> None:
    trained = example_v1.outgoing("model:acme-lm-8b", R.TRAINED_ON)
    assert {r.target for r in trained} == {"dataset:acme-webtext", "dataset:acme-code-corpus"}
    assert {r.stage for r in trained} == {TrainingStage.PRETRAINING}
    everything = example_v1.outgoing("model:acme-lm-8b")
    assert len(everything) > len(trained)
    routes = example_v1.incoming("provider:nimbus-eu", R.ROUTES_TO)
    assert [(r.source, r.order) for r in routes] == [("router:assistant", 0)]
    assert example_v1.outgoing("nope") == ()
    assert example_v1.incoming("model:acme-lm-8b", R.ADAPTS) == ()


def test_lineage_goes_back_to_base_model_and_datasets(example_v1: Bom) -> None:
    lineage = [c.ref for c in example_v1.lineage("adapter:acme-support-lora")]
    assert lineage[:2] == ["model:acme-lm-8b-instruct", "dataset:acme-support-tickets"]
    assert set(lineage) == {
        "model:acme-lm-8b-instruct",
        "dataset:acme-support-tickets",
        "model:acme-lm-8b",
        "dataset:acme-instruct-sft",
        "dataset:acme-preference-pairs",
        "dataset:acme-webtext",
        "dataset:acme-code-corpus",
    }
    assert lineage.index("model:acme-lm-8b-instruct") < lineage.index("model:acme-lm-8b")
    assert example_v1.lineage("dataset:acme-webtext") == ()
    with pytest.raises(ValidationError):
        example_v1.lineage("nope")


def test_lineage_of_quantized_weights(example_v1: Bom) -> None:
    lineage = example_v1.lineage("weights:acme-lm-8b-instruct-gguf")
    assert [c.ref for c in lineage] == ["weights:acme-lm-8b-instruct-safetensors"]


def test_base_models(example_v1: Bom) -> None:
    for ref in ("adapter:acme-support-lora", "model:acme-lm-8b-instruct", "model:acme-lm-8b"):
        assert [c.ref for c in example_v1.base_models(ref)] == ["model:acme-lm-8b"]
    assert example_v1.base_models("dataset:acme-webtext") == ()
    assert example_v1.base_models("weights:acme-lm-8b-instruct-gguf") == ()


def test_dependents_find_what_rests_on_a_dataset(example_v1: Bom) -> None:
    dependents = [c.ref for c in example_v1.dependents("dataset:acme-webtext")]
    assert dependents[0] == "model:acme-lm-8b"
    assert {"model:acme-lm-8b-instruct", "adapter:acme-support-lora"} <= set(dependents)
    assert "dataset:acme-instruct-sft" not in dependents
    assert example_v1.dependents("guard:acme-shield") == ()


def test_dependents_of_software_reach_the_router(example_v1: Bom) -> None:
    dependents = {c.ref for c in example_v1.dependents("software:vllm")}
    assert {"provider:nimbus-eu", "provider:stratus-us", "router:assistant"} <= dependents
    assert "guard:acme-shield" in dependents


def test_dependencies_follow_every_relation(example_v1: Bom) -> None:
    dependencies = {c.ref for c in example_v1.dependencies("guard:acme-shield")}
    assert {"model:acme-guard-1b", "router:assistant", "provider:nimbus-eu"} <= dependencies
    assert "software:vllm" in dependencies
    assert example_v1.dependencies("software:vllm") == ()


def test_identity_excludes_the_version() -> None:
    old = Model(ref="a", name="Acme-LM", version="1.0", group="ai.acme", supplier="Acme")
    new = Model(ref="b", name="acme-lm ", version="2.0", group="AI.acme")
    assert identity_key(old) == identity_key(new) == ("model", "ai.acme", "acme-lm")
    assert identity_key(Model(ref="c", name="x", supplier=" Acme AI ")) == ("model", "acme ai", "x")
    assert identity_key(Model(ref="d", name="x")) == ("model", "", "x")
    assert identity_key(Dataset(ref="e", name="x")) != identity_key(Model(ref="f", name="x"))


def test_identity_query(example_v1: Bom, example_v2: Bom) -> None:
    ref = "adapter:acme-support-lora"
    assert example_v1.identity(ref) == example_v2.identity(ref)
    assert example_v1.component(ref).version != example_v2.component(ref).version


# --- building --------------------------------------------------------------------------------


def test_create_describes_a_deployed_system_by_default() -> None:
    bom = Bom.create("assistant", "1.0", supplier="Acme AI", serves_end_users=True)
    subject = bom.metadata.subject
    assert (subject.name, subject.version, subject.unit) == (
        "assistant",
        "1.0",
        Unit.DEPLOYED_SYSTEM,
    )
    assert subject.supplier == "Acme AI"
    assert subject.serves_end_users is True
    assert (
        Bom.create("m", unit=Unit.RELEASE_ARTIFACT).metadata.subject.unit is Unit.RELEASE_ARTIFACT
    )


def test_builders_return_new_boms() -> None:
    empty = Bom.create("s")
    base = Model(ref="base", name="base")
    data = Dataset(ref="web", name="web", purpose=DatasetPurpose.PRETRAINING)
    tuned = Model(ref="tuned", name="tuned", role=ModelRole.ADAPTED)
    bom = (
        empty.add(base, [data, tuned])
        .relate("base", R.TRAINED_ON, "web", stage=TrainingStage.PRETRAINING)
        .relate("tuned", R.DERIVED_FROM, "base", method=DerivationMethod.FINE_TUNE)
    )
    assert len(empty) == 0
    assert [c.ref for c in bom.components] == ["base", "tuned", "web"]
    assert bom.outgoing("tuned")[0].method is DerivationMethod.FINE_TUNE
    assert bom.outgoing("base")[0].stage is TrainingStage.PRETRAINING

    routed = bom.add(Router(ref="r", name="r"), InferenceProvider(ref="p", name="p")).relate(
        "r", R.ROUTES_TO, "p", order=1, condition="fallback"
    )
    route = routed.outgoing("r")[0]
    assert (route.order, route.condition) == (1, "fallback")

    with_guard = routed.add(GuardModel(ref="g", name="g")).with_relations(
        rel("g", R.GUARDS, "r"), rel("g", R.DEPENDS_ON, "tuned")
    )
    assert {r.kind for r in with_guard.outgoing("g")} == {R.GUARDS, R.DEPENDS_ON}


def test_add_checks_the_result() -> None:
    bom = Bom.create("s").add(Model(ref="m", name="m"))
    with pytest.raises(BomValidationError, match="duplicate ref 'm'"):
        bom.add(Dataset(ref="m", name="d"))
    with pytest.raises(BomValidationError, match="unknown ref 'x'"):
        bom.relate("m", R.TRAINED_ON, "x")


def test_adding_an_adapter_and_its_relation_in_one_step() -> None:
    bom = Bom.create("s").add(Model(ref="m", name="m"))
    with pytest.raises(BomValidationError, match="has no adapts relation"):
        bom.add(Adapter(ref="a", name="a"))
    adapted = Bom(
        metadata=bom.metadata,
        components=[*bom.components, Adapter(ref="a", name="a")],
        relations=[rel("a", R.ADAPTS, "m")],
    )
    assert [c.ref for c in adapted.base_models("a")] == ["m"]


def test_replace_keeps_relations(example_v1: Bom) -> None:
    ref = "tokenizer:acme-bpe-128k"
    old = example_v1.component(ref)
    assert isinstance(old, Tokenizer)
    replaced = example_v1.replace(attrs.evolve(old, vocab_size=1))
    assert replaced.component(ref).vocab_size == 1  # type: ignore[union-attr]
    assert replaced.relations == example_v1.relations
    assert example_v1.component(ref) is old
    with pytest.raises(ValidationError, match="no component with ref 'nope'"):
        example_v1.replace(Model(ref="nope", name="x"))


def test_remove_drops_the_relations_that_touch_it(example_v1: Bom) -> None:
    removed = example_v1.remove("dataset:acme-webtext")
    assert "dataset:acme-webtext" not in removed
    assert len(removed) == len(example_v1) - 1
    assert all("dataset:acme-webtext" not in (r.source, r.target) for r in removed.relations)
    assert len(removed.relations) == len(example_v1.relations) - 1
    with pytest.raises(ValidationError):
        example_v1.remove("nope")


def test_removing_an_adapted_model_leaves_an_orphan_adapter(example_v1: Bom) -> None:
    with pytest.raises(BomValidationError, match="has no adapts relation"):
        example_v1.remove("model:acme-lm-8b-instruct")


def test_with_metadata() -> None:
    bom = Bom.create("s", "1")
    stamp = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    newer = bom.with_metadata(
        attrs.evolve(bom.metadata, timestamp=stamp, tools=[Tool(name="pipeline")], authors=["me"])
    )
    assert newer.metadata.timestamp == stamp
    assert newer.metadata.tools == (Tool(name="pipeline"),)
    assert newer.metadata.authors == ("me",)
    assert bom.metadata.timestamp is None


def test_subject_validation() -> None:
    with pytest.raises(ValidationError) as caught:
        Subject(name="s", licenses=["MIT OR"])
    assert caught.value.path == "licenses[0]"
    with pytest.raises(ValidationError):
        Subject(name=" ")
    with pytest.raises(ValidationError):
        Tool(name="")


def test_equal_content_means_equal_boms() -> None:
    a = Model(ref="a", name="a")
    b = Dataset(ref="b", name="b")
    one = Bom(metadata=META, components=[a, b], relations=[rel("a", R.TRAINED_ON, "b")])
    two = Bom(metadata=META, components=[b, a], relations=[rel("a", R.TRAINED_ON, "b")])
    assert one == two
    assert one != Bom(metadata=META, components=[a, b])
