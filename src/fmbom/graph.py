"""Lineage pictures: the system and its parts as a Mermaid flowchart or a Graphviz DOT graph.

:func:`build` turns a BOM into a :class:`Graph` (nodes, edges, each with a diff status);
:func:`build_diff` overlays two versions, marking what was added, removed or changed;
:func:`to_mermaid` and :func:`to_dot` render a graph. Output is deterministic: nodes are
numbered in ref order, edges follow the BOM's relation order.

Edges point from the component that rests on another to the one it rests on, as relations do
(``adapted --derived-from--> base``), and the system node points at every component nothing
else points at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import attrs

from fmbom._formats import GraphFormat
from fmbom.bom import Bom
from fmbom.model import AnyComponent, ComponentKind, Relation

if TYPE_CHECKING:
    from fmbom.diff import DiffResult

__all__ = [
    "DETAIL_FIELDS",
    "SHAPES",
    "SYSTEM_KIND",
    "SYSTEM_SHAPE",
    "Edge",
    "Graph",
    "GraphFormat",
    "Node",
    "Shape",
    "Status",
    "build",
    "build_diff",
    "edge_label",
    "render",
    "shape_of",
    "to_dot",
    "to_mermaid",
]

#: The ``kind`` of the node standing for the BOM's subject.
SYSTEM_KIND = "system"


class Status(str, Enum):
    """How a node or edge compares with the other version in a diff graph."""

    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"

    def __str__(self) -> str:
        return str(self.value)


@attrs.frozen(kw_only=True)
class Node:
    """A drawn node: the system (``ref`` None) or one component."""

    id: str
    ref: str | None
    kind: str
    name: str
    version: str | None = None
    detail: str | None = None
    status: Status = Status.SAME

    @property
    def lines(self) -> tuple[str, ...]:
        """The label's lines: name and version, then kind and role/purpose."""
        title = f"{self.name} {self.version}" if self.version else self.name
        kind = f"{self.kind} · {self.detail}" if self.detail else self.kind
        return (title, kind)


@attrs.frozen(kw_only=True)
class Edge:
    """A drawn edge; ``kind`` None marks the system's link to a top-level part."""

    source: str
    target: str
    kind: str | None
    label: str
    status: Status = Status.SAME


@attrs.frozen(kw_only=True)
class Graph:
    """Nodes (system first, then components) and edges, in drawing order."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def edge_label(relation: Relation) -> str:
    """A relation's label: kind, then method or stage, route order and condition."""
    parts = [relation.kind.value]
    if relation.method is not None:
        parts.append(f"({relation.method.value})")
    if relation.stage is not None:
        parts.append(f"({relation.stage.value})")
    if relation.order is not None:
        parts.append(f"#{relation.order}")
    if relation.condition:
        parts.append(f"when {relation.condition}")
    return " ".join(parts)


#: The field a node shows after its kind, by kind (None: the kind alone).
DETAIL_FIELDS: Final[Mapping[ComponentKind, str | None]] = MappingProxyType(
    {
        ComponentKind.MODEL: "role",
        ComponentKind.WEIGHTS: "format",
        ComponentKind.TOKENIZER: None,
        ComponentKind.ADAPTER: "method",
        ComponentKind.DATASET: "purpose",
        ComponentKind.GUARD_MODEL: "position",
        ComponentKind.ROUTER: "strategy",
        ComponentKind.INFERENCE_PROVIDER: None,
        ComponentKind.SOFTWARE: "role",
    }
)


def _detail(component: AnyComponent) -> str | None:
    field = DETAIL_FIELDS[component.kind]
    value = getattr(component, field) if field is not None else None
    return str(value) if value is not None else None


def _node(component: AnyComponent, node_id: str, status: Status = Status.SAME) -> Node:
    return Node(
        id=node_id,
        ref=component.ref,
        kind=component.kind.value,
        name=component.name,
        version=component.version,
        detail=_detail(component),
        status=status,
    )


def _system_node(bom: Bom, status: Status = Status.SAME) -> Node:
    subject = bom.metadata.subject
    return Node(
        id="n0",
        ref=None,
        kind=SYSTEM_KIND,
        name=subject.name,
        version=subject.version,
        detail=subject.unit.value,
        status=status,
    )


def _roots(refs: Iterable[str], relations: Iterable[Relation]) -> list[str]:
    targets = {r.target for r in relations}
    return [ref for ref in refs if ref not in targets]


def build(bom: Bom) -> Graph:
    """The graph of one BOM: the system, every component, every relation."""
    ids = {c.ref: f"n{i}" for i, c in enumerate(bom.components, start=1)}
    nodes = [_system_node(bom), *(_node(c, ids[c.ref]) for c in bom.components)]
    edges = [
        Edge(source=ids[r.source], target=ids[r.target], kind=r.kind.value, label=edge_label(r))
        for r in bom.relations
    ]
    edges += [
        Edge(source="n0", target=ids[ref], kind=None, label="")
        for ref in _roots((c.ref for c in bom.components), bom.relations)
    ]
    return Graph(nodes=tuple(nodes), edges=tuple(edges))


def _relation_key(relation: Relation, mapping: Mapping[str, str]) -> tuple[str, str, str] | None:
    source = mapping.get(relation.source)
    target = mapping.get(relation.target)
    if source is None or target is None:
        return None
    return (relation.kind.value, source, target)


def build_diff(old: Bom, new: Bom, result: DiffResult | None = None) -> Graph:
    """Both versions in one graph: the new BOM, plus what the old one had and lost.

    Components and relations are matched with :func:`fmbom.diff.diff` (pass its result to
    reuse it); each node and edge is marked added, removed, changed or same.
    """
    if result is None:
        from fmbom.diff import diff

        result = diff(old, new)
    matched: Mapping[str, str] = result.matched
    added = result.added_refs()
    changed = result.changed_refs("new")
    system_changed = any(c.old_ref is None and c.new_ref is None for c in result.changes)

    ids: dict[str, str] = {}
    nodes = [_system_node(new, Status.CHANGED if system_changed else Status.SAME)]
    for component in new.components:
        ids[component.ref] = node_id = f"n{len(nodes)}"
        if component.ref in added:
            status = Status.ADDED
        elif component.ref in changed:
            status = Status.CHANGED
        else:
            status = Status.SAME
        nodes.append(_node(component, node_id, status))
    old_ids: dict[str, str] = {}
    for component in old.components:
        counterpart = matched.get(component.ref)
        if counterpart is not None and counterpart in ids:
            old_ids[component.ref] = ids[counterpart]
        else:
            old_ids[component.ref] = node_id = f"n{len(nodes)}"
            nodes.append(_node(component, node_id, Status.REMOVED))

    new_identity = {ref: ref for ref in ids}
    old_to_new = {ref: new_ref for ref, new_ref in matched.items() if new_ref in ids}
    old_keys = {_relation_key(r, old_to_new): r for r in old.relations}
    new_keys = {_relation_key(r, new_identity) for r in new.relations}

    edges: list[Edge] = []
    for relation in new.relations:
        key = _relation_key(relation, new_identity)
        before = old_keys.get(key)
        if before is None:
            status = Status.ADDED
        elif edge_label(before) != edge_label(relation):
            status = Status.CHANGED
        else:
            status = Status.SAME
        edges.append(
            Edge(
                source=ids[relation.source],
                target=ids[relation.target],
                kind=relation.kind.value,
                label=edge_label(relation),
                status=status,
            )
        )
    for relation in old.relations:
        key = _relation_key(relation, old_to_new)
        if key is not None and key in new_keys:
            continue
        edges.append(
            Edge(
                source=old_ids[relation.source],
                target=old_ids[relation.target],
                kind=relation.kind.value,
                label=edge_label(relation),
                status=Status.REMOVED,
            )
        )
    drawn_targets = {e.target for e in edges}
    for node in nodes[1:]:
        if node.id not in drawn_targets:
            status = node.status if node.status in (Status.ADDED, Status.REMOVED) else Status.SAME
            edges.append(Edge(source="n0", target=node.id, kind=None, label="", status=status))
    return Graph(nodes=tuple(nodes), edges=tuple(edges))


_LEGEND = "green: added, red dashed: removed, orange: changed"


@attrs.frozen
class Shape:
    """How a kind of node is drawn: the brackets around a Mermaid label and a Graphviz shape."""

    mermaid: tuple[str, str]
    dot: str


#: The shape of the node standing for the described system.
SYSTEM_SHAPE: Final = Shape(mermaid=('(["', '"])'), dot="doubleoctagon")

#: The shape of each kind of component, in Mermaid and in Graphviz.
SHAPES: Final[Mapping[ComponentKind, Shape]] = MappingProxyType(
    {
        ComponentKind.MODEL: Shape(mermaid=('["', '"]'), dot="box"),
        ComponentKind.WEIGHTS: Shape(mermaid=('[["', '"]]'), dot="box3d"),
        ComponentKind.TOKENIZER: Shape(mermaid=('[/"', '"/]'), dot="parallelogram"),
        ComponentKind.ADAPTER: Shape(mermaid=('[/"', '"\\]'), dot="trapezium"),
        ComponentKind.DATASET: Shape(mermaid=('[("', '")]'), dot="cylinder"),
        ComponentKind.GUARD_MODEL: Shape(mermaid=('{{"', '"}}'), dot="hexagon"),
        ComponentKind.ROUTER: Shape(mermaid=('{"', '"}'), dot="diamond"),
        ComponentKind.INFERENCE_PROVIDER: Shape(mermaid=('>"', '"]'), dot="cds"),
        ComponentKind.SOFTWARE: Shape(mermaid=('("', '")'), dot="component"),
    }
)


def shape_of(node: Node) -> Shape:
    """The shape ``node`` is drawn with: the system's, or its component kind's."""
    return SYSTEM_SHAPE if node.kind == SYSTEM_KIND else SHAPES[ComponentKind(node.kind)]


def _is_diff(graph: Graph) -> bool:
    """True when anything in the graph differs from the other version."""
    return any(n.status is not Status.SAME for n in graph.nodes) or any(
        e.status is not Status.SAME for e in graph.edges
    )


# --- Mermaid ---------------------------------------------------------------------------------

_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#34;",
    "&": "#38;",
    "<": "#60;",
    ">": "#62;",
    "[": "#91;",
    "]": "#93;",
    "`": "#96;",
    "|": "#124;",
    "\\": "#92;",
}
_MERMAID_STYLE = {
    Status.ADDED: "fill:#e6f4ea,stroke:#2e7d32,stroke-width:2px",
    Status.REMOVED: "fill:#fdecea,stroke:#c62828,stroke-width:2px,stroke-dasharray:5 3",
    Status.CHANGED: "fill:#fff4e5,stroke:#ef6c00,stroke-width:2px",
}
_EDGE_COLOUR = {Status.ADDED: "#2e7d32", Status.REMOVED: "#c62828", Status.CHANGED: "#ef6c00"}


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: entity codes for the characters it parses."""
    flat = " ".join(text.split())
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in flat)


def to_mermaid(graph: Graph, direction: str = "TD") -> str:
    """A Mermaid flowchart: kinds as shapes, relations as labelled edges, diff status as
    classes (``added``, ``removed``, ``changed``) and coloured links."""
    lines = [f"flowchart {direction}"]
    if _is_diff(graph):
        lines.append(f"  %% {_LEGEND}")
    for node in graph.nodes:
        start, end = shape_of(node).mermaid
        label = "<br/>".join(_mermaid_text(line) for line in node.lines)
        lines.append(f"  {node.id}{start}{label}{end}")
    styled: list[tuple[int, Status]] = []
    for index, edge in enumerate(graph.edges):
        if edge.kind is None:
            lines.append(f"  {edge.source} -.-> {edge.target}")
        else:
            arrow = "-.->" if edge.status is Status.REMOVED else "-->"
            lines.append(f'  {edge.source} {arrow}|"{_mermaid_text(edge.label)}"| {edge.target}')
        if edge.status is not Status.SAME:
            styled.append((index, edge.status))
    for status, style in _MERMAID_STYLE.items():
        members = [n.id for n in graph.nodes if n.status is status]
        if members:
            lines.append(f"  classDef {status.value} {style}")
            lines.append(f"  class {','.join(members)} {status.value}")
    for index, status in styled:
        lines.append(f"  linkStyle {index} stroke:{_EDGE_COLOUR[status]},stroke-width:2px")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT ----------------------------------------------------------------------------

_DOT_STYLE = {
    Status.SAME: 'style=filled, fillcolor="#ffffff", color="#455a64"',
    Status.ADDED: 'style=filled, fillcolor="#e6f4ea", color="#2e7d32", penwidth=2',
    Status.REMOVED: 'style="filled,dashed", fillcolor="#fdecea", color="#c62828", penwidth=2',
    Status.CHANGED: 'style=filled, fillcolor="#fff4e5", color="#ef6c00", penwidth=2',
}


def _dot_text(text: str) -> str:
    """Text safe inside a double-quoted DOT string (backslashes and quotes escaped)."""
    flat = " ".join(text.split())
    return flat.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: Graph) -> str:
    """A Graphviz digraph: kinds as shapes, relations as labelled edges, diff status as colour."""
    lines = [
        "digraph fmbom {",
        "  rankdir=TB;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#455a64"];',
    ]
    if _is_diff(graph):
        lines.insert(1, f"  // {_LEGEND}")
    for node in graph.nodes:
        label = "\\n".join(_dot_text(line) for line in node.lines)
        shape = shape_of(node).dot
        lines.append(f'  {node.id} [label="{label}", shape={shape}, {_DOT_STYLE[node.status]}];')
    for edge in graph.edges:
        attributes = [f'label="{_dot_text(edge.label)}"'] if edge.kind is not None else []
        if edge.kind is None:
            attributes.append("style=dotted")
        if edge.status is not Status.SAME:
            attributes.append(f'color="{_EDGE_COLOUR[edge.status]}"')
            attributes.append("penwidth=2")
            if edge.status is Status.REMOVED and edge.kind is not None:
                attributes.append("style=dashed")
        lines.append(f"  {edge.source} -> {edge.target} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(graph: Graph, format: GraphFormat | str) -> str:  # noqa: A002 - the CLI's name
    """``graph`` as Mermaid or Graphviz DOT text."""
    chosen = GraphFormat.coerce(format, "format")
    return to_dot(graph) if chosen is GraphFormat.DOT else to_mermaid(graph)
