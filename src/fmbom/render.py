"""Plain-text views of a BOM for people: the tree ``fmbom show`` prints."""

from __future__ import annotations

from fmbom.bom import Bom
from fmbom.model import AnyComponent, ComponentKind, Relation, RelationKind, Weights

__all__ = ["describe", "details", "render_sources", "render_tree"]

_LINEAGE_VIEW = (
    RelationKind.ADAPTS,
    RelationKind.DERIVED_FROM,
    RelationKind.QUANTIZED_FROM,
    RelationKind.TRAINED_ON,
    RelationKind.HAS_WEIGHTS,
    RelationKind.USES_TOKENIZER,
)


def describe(component: AnyComponent) -> str:
    """One line naming a component: ``kind name version [ref]`` plus its role or purpose."""
    version = f" {component.version}" if component.version else ""
    extra = ""
    role = getattr(component, "role", None) or getattr(component, "purpose", None)
    if role is not None:
        extra = f" ({role})"
    return f"{component.kind.value} {component.name}{version}{extra} [{component.ref}]"


def _count(value: int) -> str:
    return f"{value:,}"


def details(component: AnyComponent) -> list[str]:
    """The facts ``show`` lists under a component: licences, parameter count, quantization,
    format and dtype, context length, and every digest in full. Unknown facts are left out."""
    found: list[str] = []
    if component.licenses:
        found.append(f"licenses: {' AND '.join(component.licenses)}")
    parameters = getattr(component, "parameter_count", None)
    if parameters is not None:
        found.append(f"parameters: {_count(parameters)}")
    context = getattr(component, "context_length", None)
    if context is not None:
        found.append(f"context length: {_count(context)}")
    if isinstance(component, Weights):
        shown = [component.format.value]
        if component.dtype:
            shown.append(component.dtype)
        found.append(f"format: {' '.join(shown)}")
        quantization = component.quantization
        if quantization is not None:
            parts = [quantization.method]
            if quantization.bits is not None:
                parts.append(f"{quantization.bits}-bit")
            if quantization.group_size is not None:
                parts.append(f"group size {quantization.group_size}")
            found.append(f"quantization: {', '.join(parts)}")
    found.extend(f"digest: {digest}" for digest in component.digests)
    if isinstance(component, Weights):
        found.extend(
            f"file {item.path}: {item.digest}"
            for item in component.files
            if item.digest is not None
        )
    return found


def _edge_label(relation: Relation) -> str:
    detail = relation.method or relation.stage
    return f"{relation.kind.value} ({detail})" if detail else relation.kind.value


def _lineage_lines(bom: Bom, ref: str, depth: int, seen: set[str], lines: list[str]) -> None:
    for relation in sorted(
        bom.outgoing(ref),
        key=lambda r: (_LINEAGE_VIEW.index(r.kind) if r.kind in _LINEAGE_VIEW else 99, r.target),
    ):
        if relation.kind not in _LINEAGE_VIEW:
            continue
        target = bom.component(relation.target)
        repeat = " (see above)" if relation.target in seen else ""
        lines.append(f"{'  ' * (depth + 1)}└─ {_edge_label(relation)} → {describe(target)}{repeat}")
        if not repeat:
            seen.add(relation.target)
            _lineage_lines(bom, relation.target, depth + 1, seen, lines)


def render_tree(bom: Bom) -> str:
    """The system, the lineage of each top-level model, then every component by kind."""
    subject = bom.metadata.subject
    version = f" {subject.version}" if subject.version else ""
    lines = [f"{subject.name}{version} ({subject.unit.value})"]
    if subject.supplier:
        lines.append(f"supplier: {subject.supplier}")
    if bom.metadata.timestamp:
        lines.append(f"timestamp: {bom.metadata.timestamp.isoformat()}")
    lines.append(f"{len(bom.components)} components, {len(bom.relations)} relations")

    lineage_targets = {r.target for r in bom.relations if r.kind in _LINEAGE_VIEW}
    tops = [
        c
        for c in bom.components
        if c.kind in (ComponentKind.MODEL, ComponentKind.ADAPTER)
        and c.ref not in lineage_targets
        and any(r.kind in _LINEAGE_VIEW for r in bom.outgoing(c.ref))
    ]
    if tops:
        lines += ["", "Lineage"]
        seen: set[str] = set()
        for top in tops:
            lines.append(f"{describe(top)}")
            seen.add(top.ref)
            _lineage_lines(bom, top.ref, 0, seen, lines)

    system_edges = [
        r
        for r in bom.relations
        if r.kind in (RelationKind.GUARDS, RelationKind.ROUTES_TO, RelationKind.SERVED_BY)
    ]
    if system_edges:
        lines += ["", "Serving"]
        for relation in sorted(
            system_edges, key=lambda r: (r.kind.value, r.source, r.order or 0, r.target)
        ):
            source = bom.component(relation.source)
            target = bom.component(relation.target)
            detail = ""
            if relation.order is not None:
                detail += f" #{relation.order}"
            if relation.condition:
                detail += f" when {relation.condition}"
            lines.append(f"{source.name} --{relation.kind.value}{detail}--> {describe(target)}")

    lines += ["", "Components by kind"]
    for kind in ComponentKind:
        members = bom.of_kind(kind)
        if not members:
            continue
        lines.append(f"{kind.value} ({len(members)})")
        for member in members:
            lines.append(f"  - {describe(member)}")
            lines.extend(f"      {fact}" for fact in details(member))
    return "\n".join(lines) + "\n"


def render_sources(bom: Bom) -> str:
    """Where each fact of each component was read (``fmbom show --provenance``): one line per
    field, ``field <- file locator (stated|derived)``, then the component's files."""
    lines = ["Provenance (field <- file, key or section; stated or derived)"]
    shown = 0
    for component in bom.components:
        files = getattr(component, "files", ())
        if not component.sources and not files:
            continue
        shown += 1
        lines += ["", describe(component)]
        for source in component.sources:
            how = "derived" if source.derived else "stated"
            lines.append(f"  {source.field} <- {source.file} {source.locator} ({how})")
        for entry in files:
            digest = str(entry.digest) if entry.digest is not None else "digest unknown"
            size = f"{entry.size} bytes" if entry.size is not None else "size unknown"
            pointer = ", Git LFS pointer" if getattr(entry, "lfs_pointer", False) else ""
            lines.append(f"  file {entry.path}: {size}, {digest}{pointer}")
    if not shown:
        lines += ["", "no component records where its facts came from"]
    return "\n".join(lines) + "\n"
