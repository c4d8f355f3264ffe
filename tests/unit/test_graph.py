"""Lineage pictures: shapes per kind, labelled edges, escaping, determinism, goldens, CLI."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from fmbom import (
    Adapter,
    Bom,
    Dataset,
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
    read_bom,
)
from fmbom.cli import main
from fmbom.diff import diff
from fmbom.graph import (
    SYSTEM_KIND,
    Graph,
    Status,
    build,
    build_diff,
    edge_label,
    to_dot,
    to_mermaid,
)
from fmbom.native import dumps
from tests.conftest import EXAMPLES

NASTY = 'a "quoted" [bracket] {brace} (paren) <script>alert(1)</script> #1 | & \\ `tick` ✓ 模型'

OPENINGS = r"\(\[|\[\[|\[/|\[\(|\{\{|\{|>|\(|\["
CLOSINGS = r"\]\)|\]\]|/\]|\\\]|\)\]|\}\}|\}|\]|\)"
MERMAID_NODE = re.compile(rf'^  (n\d+)({OPENINGS})"([^"]*)"({CLOSINGS})$')
MERMAID_EDGE = re.compile(r'^  (n\d+) (-->|-\.->)(?:\|"([^"]*)"\|)? (n\d+)$')
DOT_STRING = r'"(?:[^"\\]|\\.)*"'
DOT_NODE = re.compile(rf"^  (n\d+) \[label=({DOT_STRING}), shape=(\w+), .*\];$")
DOT_EDGE = re.compile(rf"^  (n\d+) -> (n\d+) \[(?:label=({DOT_STRING}))?.*\];$")


def every_kind(name_suffix: str = "") -> Bom:
    """One component of every kind, with a relation of most kinds, all named with a suffix."""
    k = RelationKind
    relations = (
        Relation(
            kind=k.DERIVED_FROM, source="tuned", target="base", method=DerivationMethod.FINE_TUNE
        ),
        Relation(kind=k.TRAINED_ON, source="base", target="data", stage=TrainingStage.PRETRAINING),
        Relation(kind=k.HAS_WEIGHTS, source="tuned", target="w"),
        Relation(kind=k.USES_TOKENIZER, source="tuned", target="tok"),
        Relation(kind=k.ADAPTS, source="lora", target="tuned"),
        Relation(kind=k.GUARDS, source="guard", target="router"),
        Relation(
            kind=k.ROUTES_TO,
            source="router",
            target="host",
            order=0,
            condition=f"default{name_suffix}",
        ),
        Relation(kind=k.SERVED_BY, source="lora", target="host"),
        Relation(kind=k.DEPENDS_ON, source="host", target="sw"),
    )
    return Bom(
        metadata=Bom.create(f"system{name_suffix}", "1.0").metadata,
        components=(
            Model(ref="base", name=f"base{name_suffix}", version="1", role=ModelRole.BASE),
            Model(ref="tuned", name=f"tuned{name_suffix}", role=ModelRole.ADAPTED),
            Weights(ref="w", name=f"weights{name_suffix}"),
            Tokenizer(ref="tok", name=f"tok{name_suffix}"),
            Adapter(ref="lora", name=f"lora{name_suffix}"),
            Dataset(ref="data", name=f"data{name_suffix}"),
            GuardModel(ref="guard", name=f"guard{name_suffix}"),
            Router(ref="router", name=f"router{name_suffix}"),
            InferenceProvider(ref="host", name=f"host{name_suffix}"),
            Software(ref="sw", name=f"sw{name_suffix}"),
        ),
        relations=relations,
    )


def _mermaid_nodes(text: str) -> dict[str, str]:
    """Node id to label, for every node line that parses."""
    return {m.group(1): m.group(3) for line in text.splitlines() if (m := MERMAID_NODE.match(line))}


def test_every_kind_has_its_own_shape_in_both_syntaxes() -> None:
    graph = build(every_kind())
    kinds = {node.id: node.kind for node in graph.nodes}
    assert set(kinds.values()) == {SYSTEM_KIND, *(c.kind.value for c in every_kind().components)}
    shapes: dict[str, set[tuple[str, str]]] = {}
    for line in to_mermaid(graph).splitlines():
        match = MERMAID_NODE.match(line)
        if match:
            shapes.setdefault(kinds[match.group(1)], set()).add((match.group(2), match.group(4)))
    assert set(shapes) == set(kinds.values())
    assert all(len(s) == 1 for s in shapes.values())  # one shape per kind
    assert len({next(iter(s)) for s in shapes.values()}) == len(shapes)  # all different
    dot_shapes: dict[str, str] = {}
    for line in to_dot(graph).splitlines():
        match = DOT_NODE.match(line)
        if match:
            dot_shapes[kinds[match.group(1)]] = match.group(3)
    assert len(dot_shapes) == len(set(kinds.values()))
    assert len(set(dot_shapes.values())) == len(dot_shapes)


def test_edges_carry_relation_kind_method_stage_order_and_condition() -> None:
    labels = {e.label for e in build(every_kind()).edges}
    assert "derived-from (fine-tune)" in labels
    assert "trained-on (pretraining)" in labels
    assert "routes-to #0 when default" in labels
    assert "adapts" in labels
    mermaid = to_mermaid(build(every_kind()))
    edges = [m for line in mermaid.splitlines() if (m := MERMAID_EDGE.match(line))]
    assert len(edges) == len(build(every_kind()).edges)
    assert {m.group(3) for m in edges if m.group(3)} >= {
        "derived-from (fine-tune)",
        "routes-to #35;0 when default",
    }


def test_system_points_at_the_parts_nothing_else_points_at() -> None:
    graph = build(every_kind())
    system_edges = {e.target for e in graph.edges if e.kind is None}
    by_ref = {n.id: n.ref for n in graph.nodes}
    assert {by_ref[t] for t in system_edges} == {"lora", "guard"}
    assert all(e.source == "n0" for e in graph.edges if e.kind is None)


def test_nasty_names_are_escaped_in_mermaid() -> None:
    text = to_mermaid(build(every_kind(NASTY)))
    nodes = _mermaid_nodes(text)
    assert len(nodes) == 11  # every node line still parses: no quote broke out
    label = nodes["n1"]
    assert "<script>" not in text
    assert "#60;script#62;" in label
    assert "#34;quoted#34;" in label
    assert "#91;bracket#93; {brace} (paren)" in label
    assert "#35;1 #124; #38; #92; #96;tick#96; ✓ 模型" in label
    edges = [m for line in text.splitlines() if (m := MERMAID_EDGE.match(line))]
    assert len(edges) == len(build(every_kind()).edges)


def _dot_unescape(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


def test_nasty_names_are_escaped_in_dot() -> None:
    text = to_dot(build(every_kind(NASTY)))
    labels = []
    for line in text.splitlines()[4:-1]:
        match = DOT_NODE.match(line) or DOT_EDGE.match(line)
        assert match, line
        if line.startswith("  n") and "->" not in line:
            labels.append(_dot_unescape(match.group(2)))
    assert any(label.startswith(f"lora{NASTY}") for label in labels)
    assert text.startswith("digraph fmbom {\n")
    assert text.endswith("}\n")


def test_newlines_in_names_do_not_break_lines() -> None:
    bom = Bom.create("sys\nname").add(Model(ref="m", name="two\nlines"))
    assert len(to_mermaid(build(bom)).splitlines()) == 4
    assert len(to_dot(build(bom)).splitlines()) == 8


def test_output_is_deterministic_whatever_the_build_order() -> None:
    forward = every_kind()
    backward = Bom(
        metadata=forward.metadata,
        components=tuple(reversed(forward.components)),
        relations=tuple(reversed(forward.relations)),
    )
    assert to_mermaid(build(forward)) == to_mermaid(build(backward))
    assert to_dot(build(forward)) == to_dot(build(backward))


def test_edge_label_of_plain_relation() -> None:
    relation = every_kind().outgoing("guard")[0]
    assert edge_label(relation) == "guards"
    assert all(e.status is Status.SAME for e in build(every_kind()).edges)


@pytest.mark.parametrize(("fmt", "extension"), [("mermaid", "mmd"), ("dot", "dot")])
def test_example_graph_goldens(
    fmt: str, extension: str, golden: Callable[[str, str], None], tmp_path: Path
) -> None:
    out = tmp_path / f"graph.{extension}"
    assert (
        main(["graph", str(EXAMPLES / "assistant-v1.json"), "--format", fmt, "-o", str(out)]) == 0
    )
    text = out.read_text(encoding="utf-8")
    graph = build(read_bom(EXAMPLES / "assistant-v1.json"))
    assert text == (to_mermaid(graph) if fmt == "mermaid" else to_dot(graph))
    golden(f"graph/assistant-v1.{extension}", text)


def test_graph_cli_rejects_wrong_file_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bom.json"
    path.write_text(dumps(every_kind()), encoding="utf-8")
    assert main(["graph", str(path), str(path)]) == 2
    assert "graph takes FILE" in capsys.readouterr().err
    assert main(["graph", "--diff", str(path)]) == 2
    assert "--diff OLD NEW" in capsys.readouterr().err
    assert main(["graph", str(tmp_path / "missing.json")]) == 2


# --- diff pictures ---------------------------------------------------------------------------


def _statuses(graph: Graph) -> dict[str | None, Status]:
    return {node.ref: node.status for node in graph.nodes}


def test_diff_of_a_bom_with_itself_marks_nothing() -> None:
    graph = build_diff(every_kind(), every_kind())
    assert set(_statuses(graph).values()) == {Status.SAME}
    assert {e.status for e in graph.edges} == {Status.SAME}
    assert "classDef" not in to_mermaid(graph)
    assert "green: added" not in to_dot(graph)


def _renamed(bom: Bom, prefix: str) -> Bom:
    """The same BOM with every bom-ref regenerated."""
    refs = {c.ref: prefix + c.ref for c in bom.components}
    return Bom(
        metadata=bom.metadata,
        components=tuple(attrs.evolve(c, ref=refs[c.ref]) for c in bom.components),
        relations=tuple(
            attrs.evolve(r, source=refs[r.source], target=refs[r.target]) for r in bom.relations
        ),
    )


def test_diff_colours_added_removed_and_changed_parts() -> None:
    old = every_kind()
    new = _renamed(
        old.remove("router")
        .replace(Model(ref="base", name="base", version="2", role=ModelRole.BASE))
        .add(Dataset(ref="extra", name="extra-data"))
        .relate("tuned", RelationKind.TRAINED_ON, "extra", stage=TrainingStage.SFT),
        "v2-",
    )
    graph = build_diff(old, new)
    statuses = _statuses(graph)
    assert statuses["v2-extra"] is Status.ADDED
    assert statuses["router"] is Status.REMOVED  # drawn from the old BOM
    assert statuses["v2-base"] is Status.CHANGED
    assert statuses["v2-tuned"] is Status.SAME  # its new training data shows as an added edge
    assert statuses["v2-data"] is Status.SAME  # regenerated refs are not changes
    assert "base" not in statuses
    edges = {(e.label, e.status) for e in graph.edges if e.kind is not None}
    assert ("trained-on (sft)", Status.ADDED) in edges
    assert ("guards", Status.REMOVED) in edges
    assert ("routes-to #0 when default", Status.REMOVED) in edges
    assert ("derived-from (fine-tune)", Status.SAME) in edges
    mermaid = to_mermaid(graph)
    by_ref = {n.ref: n.id for n in graph.nodes}
    assert f"  class {by_ref['v2-extra']} added" in mermaid
    assert f"  class {by_ref['router']} removed" in mermaid
    removed_edges = [i for i, e in enumerate(graph.edges) if e.status is Status.REMOVED]
    assert all(f"  linkStyle {i} stroke:#c62828,stroke-width:2px" in mermaid for i in removed_edges)
    dot = to_dot(graph)
    router_line = f'  {by_ref["router"]} [label="router\\nrouter · rule", shape=diamond, '
    assert router_line + 'style="filled,dashed"' in dot


def test_changed_relation_details_mark_the_edge_changed() -> None:
    old = every_kind()
    rerouted = tuple(
        attrs.evolve(r, condition="peak hours") if r.kind is RelationKind.ROUTES_TO else r
        for r in old.relations
    )
    graph = build_diff(old, attrs.evolve(old, relations=rerouted))
    assert [e.status for e in graph.edges if e.kind == "routes-to"] == [Status.CHANGED]


def test_diff_reuses_a_given_diff_result() -> None:
    old, new = every_kind(), every_kind().remove("sw")
    assert build_diff(old, new, diff(old, new)) == build_diff(old, new)


@pytest.mark.parametrize(("fmt", "extension"), [("mermaid", "mmd"), ("dot", "dot")])
def test_example_diff_goldens(
    fmt: str, extension: str, golden: Callable[[str, str], None], tmp_path: Path
) -> None:
    old, new = EXAMPLES / "assistant-v1.json", EXAMPLES / "assistant-v2.json"
    out = tmp_path / f"diff.{extension}"
    assert main(["graph", "--diff", str(old), str(new), "--format", fmt, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    graph = build_diff(read_bom(old), read_bom(new))
    statuses = _statuses(graph)
    assert statuses["provider:stratus-us"] is Status.REMOVED
    assert statuses["provider:cirrus-ap"] is Status.ADDED
    assert statuses["dataset:acme-safety-dialogues"] is Status.ADDED
    assert statuses["weights:acme-lm-8b-instruct-gguf"] is Status.CHANGED
    golden(f"graph/assistant-v1-v2.{extension}", text)


def test_docs_show_the_current_pictures(golden: Callable[[str, str], None]) -> None:
    page = (EXAMPLES.parent / "graph.md").read_text(encoding="utf-8")
    old, new = read_bom(EXAMPLES / "assistant-v1.json"), read_bom(EXAMPLES / "assistant-v2.json")
    pictures = iter([to_mermaid(build(old)), to_mermaid(build_diff(old, new))])
    blocks = re.split(r"(?<=```mermaid\n)(?:.*?)(?=```)", page, flags=re.DOTALL)
    assert len(blocks) == 3, "docs/graph.md must hold exactly two mermaid blocks"
    expected = blocks[0] + next(pictures) + blocks[1] + next(pictures) + blocks[2]
    golden("../../docs/graph.md", expected)


def test_added_root_gets_an_added_link_from_the_system() -> None:
    old = every_kind()
    new = old.add(Software(ref="extra", name="extra-tool"))
    graph = build_diff(old, new)
    extra = next(n for n in graph.nodes if n.ref == "extra")
    links = [e for e in graph.edges if e.target == extra.id]
    assert [(e.source, e.kind, e.status) for e in links] == [("n0", None, Status.ADDED)]
    assert str(Status.ADDED) == "added"
