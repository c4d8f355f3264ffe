"""Composing a system BOM: unify by identity, report conflicts, link served models; the
composed BOM of a deployment and its models exports valid CycloneDX."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from fmbom import Bom, native
from fmbom.cli import main
from fmbom.cyclonedx import dumps as cdx_dumps
from fmbom.cyclonedx import schema_errors
from fmbom.errors import BomValidationError, ValidationError
from fmbom.model import (
    ExternalReference,
    InferenceProvider,
    Model,
    ModelRole,
    Property,
    Relation,
    RelationKind,
)
from fmbom.scan import scan
from tests.conftest import DATA

DEPLOY = DATA / "deploy"
MINILM = DATA / "scan" / "all-minilm-l6-v2"


def _deployment(tmp_path: Path) -> Bom:
    path = tmp_path / "compose.yaml"
    path.write_text(
        "services:\n"
        "  embed:\n"
        "    image: ghcr.io/huggingface/text-embeddings-inference:cpu-1.5\n"
        "    command: --model-id sentence-transformers/all-MiniLM-L6-v2\n",
        encoding="utf-8",
    )
    return scan(path).bom


def test_served_model_is_linked_to_the_scanned_model(tmp_path: Path) -> None:
    deployment = _deployment(tmp_path)
    model_scan = scan(MINILM, use_cache=False).bom
    result = deployment.compose(model_scan)
    bom = result.bom
    assert bom.metadata.subject == deployment.metadata.subject
    (link,) = result.links
    assert link.by == "name"
    described = bom.component(link.model)
    assert isinstance(described, Model)
    assert described.name == "all-minilm-l6-v2"
    # The scanned model's facts are kept and the deployment's link is added to it.
    assert described.role is ModelRole.EMBEDDING
    (served_by,) = bom.outgoing(described.ref, RelationKind.SERVED_BY)
    provider = bom.component(served_by.target)
    assert isinstance(provider, InferenceProvider)
    assert provider.name == "embed"
    assert link.served not in bom
    # Lineage from the model scan survives the composition.
    assert bom.outgoing(described.ref, RelationKind.TRAINED_ON)
    assert len(bom) == len(deployment) + len(model_scan) - 1
    assert result.conflicts == ()


def test_composed_deployment_and_model_export_valid_cyclonedx(tmp_path: Path) -> None:
    deployment = scan(DEPLOY / "nemo" / "content_safety" / "config.yml").bom
    parts = [deployment, _deployment(tmp_path), scan(MINILM, use_cache=False).bom]
    bom = parts[0].compose(*parts[1:]).bom
    for version in ("1.5", "1.6", "1.7"):
        text = cdx_dumps(bom, spec_version=version)
        assert json.loads(text)["specVersion"] == version
        assert schema_errors(text) == [], version
    assert native.loads(native.dumps(bom)) == bom


def test_identical_components_unify_and_conflicts_keep_the_first_value() -> None:
    first = Bom.create("system").add(
        Model(ref="m", name="acme-8b", group="acme", version="1.0", licenses=("MIT",)),
        InferenceProvider(ref="p", name="cloud", region="eu-west-1"),
        relations=[Relation(kind=RelationKind.SERVED_BY, source="m", target="p")],
    )
    second = Bom.create("part").add(
        Model(
            ref="model-1",
            name="ACME-8B",
            group="acme",
            version="1.0",
            licenses=("Apache-2.0",),
            parameter_count=8_000_000_000,
            properties=(Property(name="x:y", value="z"),),
        ),
        InferenceProvider(ref="p", name="cloud", region="us-east-1"),
    )
    result = first.compose(second)
    bom = result.bom
    assert len(bom) == 2
    model = bom.component("m")
    assert isinstance(model, Model)
    assert model.parameter_count == 8_000_000_000  # filled from the second part
    assert model.property("x:y") == "z"
    assert model.licenses == ("MIT",)
    conflicts = sorted(str(c) for c in result.conflicts)
    assert conflicts == [
        "m: licenses: part 2 states ('Apache-2.0',), kept ('MIT',)",
        "p: region: part 2 states 'us-east-1', kept 'eu-west-1'",
    ]


def test_other_versions_stay_apart_and_clashing_refs_are_renamed() -> None:
    first = Bom.create("a").add(Model(ref="m", name="acme", version="1.0"))
    second = Bom.create("b").add(
        Model(ref="m", name="acme", version="2.0"),
        InferenceProvider(ref="p", name="cloud"),
        relations=[Relation(kind=RelationKind.SERVED_BY, source="m", target="p")],
    )
    bom = first.compose(second).bom
    assert sorted(c.ref for c in bom.components) == ["m", "p", "p2:m"]
    (relation,) = bom.relations
    assert (relation.source, relation.target) == ("p2:m", "p")


def test_relation_details_that_differ_are_conflicts() -> None:
    def router_bom(order: int) -> Bom:
        from fmbom.model import Router

        return Bom.create("s").add(
            Router(ref="r", name="router"),
            InferenceProvider(ref="p", name="cloud"),
            relations=[Relation(kind=RelationKind.ROUTES_TO, source="r", target="p", order=order)],
        )

    result = router_bom(0).compose(router_bom(1))
    assert [str(c) for c in result.conflicts] == [
        "r: routes-to p: part 2 states order=1, kept order=0"
    ]
    assert result.bom.relations[0].order == 0


def test_a_lineage_cycle_across_parts_is_an_error() -> None:
    a = Model(ref="a", name="a")
    b = Model(ref="b", name="b")
    first = Bom.create("x").add(
        a, b, relations=[Relation(kind=RelationKind.DERIVED_FROM, source="a", target="b")]
    )
    second = Bom.create("y").add(
        a, b, relations=[Relation(kind=RelationKind.DERIVED_FROM, source="b", target="a")]
    )
    with pytest.raises(BomValidationError, match="the composed BOM is inconsistent: lineage cycle"):
        first.compose(second)


def test_compose_needs_a_bom() -> None:
    from fmbom._compose import compose

    with pytest.raises(ValidationError, match="at least one BOM"):
        compose([])


def test_unlinked_served_model_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deployment = tmp_path / "deploy.json"
    model = tmp_path / "model.json"
    out = tmp_path / "system.json"
    assert (
        main(["scan", str(DEPLOY / "kserve" / "kernelcache-isvc.yaml"), "-o", str(deployment)]) == 0
    )
    assert main(["scan", str(MINILM), "-o", str(model), "--no-cache"]) == 0
    capsys.readouterr()
    code = main(
        ["compose", str(deployment), str(model), "--name", "rag", "--version", "2", "-o", str(out)]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "served model model:facebook/opt-125m matches no model of the parts" in err
    bom = native.loads(out.read_text(encoding="utf-8"))
    assert (bom.metadata.subject.name, bom.metadata.subject.version) == ("rag", "2")


def test_compose_cli_reports_conflicts_and_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = Bom.create("s").add(InferenceProvider(ref="p", name="cloud", region="eu"))
    two = Bom.create("s").add(InferenceProvider(ref="p", name="cloud", region="us"))
    paths = []
    for index, bom in enumerate((one, two)):
        path = tmp_path / f"{index}.json"
        path.write_text(native.dumps(bom), encoding="utf-8")
        paths.append(str(path))
    out = tmp_path / "out.json"
    assert main(["compose", *paths, "-o", str(out)]) == 0
    assert "conflict: p: region: part 2 states 'us', kept 'eu'" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    out.unlink()
    assert main(["compose", paths[0], str(broken), "-o", str(out)]) == 2
    assert capsys.readouterr().err.startswith("fmbom: error: ")
    assert not out.exists()


def _served(ref: str, name: str, **fields: object) -> Model:
    served = Property(name="fmbom:deploy:served-model", value=f"acme/{name}")
    return Model(ref=ref, name=name, properties=(served,), **fields)  # type: ignore[arg-type]


def test_served_models_link_by_package_url_then_web_page_then_name() -> None:
    page = "https://huggingface.co/acme/chat-7b"
    models = Bom.create("models").add(
        Model(ref="by-purl", name="other", group="acme", purl="pkg:huggingface/acme/chat-7b"),
        Model(
            ref="by-page",
            name="different",
            group="acme",
            external_references=(ExternalReference(url=page + "/"),),
        ),
        Model(ref="by-name", name="embed", group="acme"),
        Model(ref="twin-1", name="twin", group="acme"),
        Model(ref="twin-2", name="twin", group="beta"),
    )
    providers = [InferenceProvider(ref=f"p{i}", name=f"gpu-{i}") for i in range(4)]
    served = [
        _served("s0", "chat-7b", purl="pkg:huggingface/acme/chat-7b"),
        _served("s1", "chat", external_references=(ExternalReference(url=page.upper()),)),
        _served("s2", "embed"),
        _served("s3", "twin"),
    ]
    deployment = Bom.create("deploy").add(*served, *providers)
    for index in range(4):
        deployment = deployment.relate(f"s{index}", RelationKind.SERVED_BY, f"p{index}")
    result = deployment.compose(models)
    assert [(link.served, link.model, link.by) for link in result.links] == [
        ("s0", "by-purl", "package URL"),
        ("s1", "by-page", "web page"),
        ("s2", "by-name", "name"),
    ]
    # Two models of that name: the served one stays apart rather than being guessed.
    assert result.unlinked == ("s3",)
    bom = result.bom
    for linked, provider in (("by-purl", "p0"), ("by-page", "p1"), ("by-name", "p2")):
        assert [r.target for r in bom.outgoing(linked, RelationKind.SERVED_BY)] == [provider]
    assert [r.target for r in bom.outgoing("s3", RelationKind.SERVED_BY)] == ["p3"]
    assert not any(r.source in {"s0", "s1", "s2"} for r in bom.relations)


def test_a_served_model_is_not_linked_to_a_model_of_its_own_part() -> None:
    deployment = Bom.create("deploy").add(
        _served("s", "embed"), Model(ref="m", name="embed", group="acme")
    )
    result = deployment.compose(Bom.create("empty"))
    assert result.links == ()
    assert result.unlinked == ("s",)


def test_many_served_models_link_and_their_relations_follow() -> None:
    count = 2_000
    models = Bom.create("models").add(
        *(Model(ref=f"m{i}", name=f"model-{i}", group="acme") for i in range(count))
    )
    served = [_served(f"s{i}", f"model-{i}") for i in range(count)]
    deployment = attrs.evolve(
        Bom.create("deploy"),
        components=(*served, InferenceProvider(ref="gpu", name="gpu")),
        relations=tuple(
            Relation(source=f"s{i}", kind=RelationKind.SERVED_BY, target="gpu")
            for i in range(count)
        ),
    )
    result = deployment.compose(models)
    assert len(result.links) == count
    assert {r.source for r in result.bom.relations} == {f"m{i}" for i in range(count)}
