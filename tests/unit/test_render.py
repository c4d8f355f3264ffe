"""The readable tree ``fmbom show`` prints."""

from __future__ import annotations

import datetime

from fmbom.bom import Bom, BomMetadata, Subject
from fmbom.governance import Unit
from fmbom.model import Dataset, DatasetPurpose, Model, ModelRole, RelationKind, Software
from fmbom.render import describe, render_tree


def test_describe() -> None:
    model = Model(ref="m", name="acme", version="1.0", role=ModelRole.ADAPTED)
    assert describe(model) == "model acme 1.0 (adapted) [m]"
    data = Dataset(ref="d", name="web", purpose=DatasetPurpose.PRETRAINING)
    assert describe(data) == "dataset web (pretraining) [d]"
    assert describe(Software(ref="s", name="vllm")) == "software vllm (library) [s]"


def test_tree_of_the_example(example_v1: Bom) -> None:
    text = render_tree(example_v1)
    lines = text.splitlines()
    assert lines[0] == "Acme Support Assistant 1.4.0 (deployed-system)"
    assert lines[1] == "supplier: Acme AI"
    assert lines[2] == "timestamp: 2025-11-12T09:00:00+00:00"
    assert lines[3] == "23 components, 30 relations"
    assert text.endswith("\n")

    lineage = lines[lines.index("Lineage") + 1 :]
    assert lineage[0] == "adapter acme-support-lora 1.0 [adapter:acme-support-lora]"
    assert any("adapts → model acme-lm-8b-instruct 1.0 (adapted)" in line for line in lineage[:3])
    assert any("derived-from (fine-tune) → model acme-lm-8b 1.0 (base)" in line for line in lineage)
    assert any("trained-on (pretraining) → dataset acme-webtext" in line for line in lineage)
    assert any(line.endswith("(see above)") for line in lineage)

    serving = lines[lines.index("Serving") + 1 : lines.index("Components by kind") - 1]
    assert (
        "acme-shield --guards--> router acme-assistant-router 1.4.0 [router:assistant]" in serving
    )
    assert (
        "acme-assistant-router --routes-to #1 when primary unavailable or p95 latency above 4 s"
        "--> inference-provider stratus-serve [provider:stratus-us]"
    ) in serving
    routes = [line for line in serving if "--routes-to" in line]
    assert ["#0" in routes[0], "#1" in routes[1]] == [True, True]

    kinds = lines[lines.index("Components by kind") + 1 :]
    assert "model (3)" in kinds
    assert "dataset (7)" in kinds
    assert "  - software vllm 0.6.3 (inference-server) [software:vllm]" in kinds
    assert "router (1)" in kinds


def test_tree_of_a_bare_bom() -> None:
    bom = Bom(metadata=BomMetadata(subject=Subject(name="solo", unit=Unit.BASE_MODEL)))
    assert (
        render_tree(bom) == "solo (base-model)\n0 components, 0 relations\n\nComponents by kind\n"
    )


def test_tree_without_lineage_or_serving() -> None:
    stamp = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    bom = Bom(
        metadata=BomMetadata(subject=Subject(name="s", version="2"), timestamp=stamp),
        components=[Model(ref="m", name="m"), Software(ref="s", name="s")],
    ).relate("m", RelationKind.DEPENDS_ON, "s")
    text = render_tree(bom)
    assert "Lineage" not in text
    assert "Serving" not in text
    assert text.splitlines()[:3] == [
        "s 2 (deployed-system)",
        "timestamp: 2025-01-01T00:00:00+00:00",
        "2 components, 1 relations",
    ]


def test_route_without_order_or_condition() -> None:
    from fmbom.model import InferenceProvider, Router

    bom = Bom.create("s").add(Router(ref="r", name="r"), InferenceProvider(ref="p", name="p"))
    text = render_tree(bom.relate("r", RelationKind.ROUTES_TO, "p"))
    assert "r --routes-to--> inference-provider p [p]" in text.splitlines()


def test_show_lists_licences_digests_quantization_and_parameter_counts() -> None:
    from fmbom import Bom, Digest, Model, Quantization, WeightFile, Weights
    from fmbom.render import render_tree

    digest = Digest(algorithm="sha256", value="ab" * 32)
    bom = Bom.create("s").add(
        Model(ref="m", name="m", licenses=["Apache-2.0"], parameter_count=7_000_000_000),
        Weights(
            ref="w",
            name="w",
            format="gguf",
            quantization=Quantization(method="q4_k_m", bits=4, group_size=32),
            digests=[digest],
            files=[WeightFile(path="w.gguf", digest=digest)],
        ),
    )
    text = render_tree(bom)
    assert "licenses: Apache-2.0" in text
    assert "parameters: 7,000,000,000" in text
    assert "quantization: q4_k_m, 4-bit, group size 32" in text
    assert f"digest: {digest}" in text
    assert f"file w.gguf: {digest}" in text
    assert "None" not in text


def test_show_leaves_unknown_facts_out() -> None:
    from fmbom import Bom, Model
    from fmbom.render import details

    assert details(Bom.create("s").add(Model(ref="m", name="m")).component("m")) == []
