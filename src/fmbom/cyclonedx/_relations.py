"""Relations of a read document: found edges resolved to the relations a Bom accepts.

fmbom's own relations name their target by ref and by identity (kind, group, name, version,
purl). Another tool may regenerate every bom-ref, so a target is the component with that ref
only when its identity agrees; otherwise the component with that identity, told apart by the
source's ``dependencies`` entry when several share it. What cannot be resolved is dropped
with a warning, never an error. Edges of other tools' documents come from nesting-free
sources: nesting, ``pedigree`` ancestors, model card datasets and ``dependencies``.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from fmbom.bom import ENDPOINT_KINDS
from fmbom.cyclonedx import _read_common
from fmbom.cyclonedx._carry import FORMAT, INLINE
from fmbom.cyclonedx._read_common import REF, Entry, Pending, Reader
from fmbom.extensions import Extension
from fmbom.model import AnyComponent, ComponentKind, Relation, RelationKind

__all__ = ["dependencies", "foreign_edges", "own_inline", "resolve"]


def dependencies(reader: Reader, document: dict[str, Any]) -> dict[str, list[str]]:
    """The document's ``dependencies`` with refs mapped to the refs read (source → targets)."""
    found: dict[str, list[str]] = {}
    items = document.get("dependencies")
    refs = reader.refs
    for dependency in items if isinstance(items, list) else ():
        if not isinstance(dependency, dict):
            continue
        source = str(dependency.get("ref"))
        targets = dependency.get("dependsOn")
        mapped = found.setdefault(refs.get(source, source), [])
        if isinstance(targets, list):
            for target in targets:
                text = target if type(target) is str else str(target)
                mapped.append(refs.get(text, text))
    return found


def foreign_edges(reader: Reader, document: dict[str, Any], foreign: set[str]) -> None:
    """Pending edges of the components not written by fmbom: pedigree and dependencies."""
    by_path = {e.path: e for e in reader.entries}
    pending = reader.pending
    depends_on = RelationKind.DEPENDS_ON
    indexed = False  # the components read so far, by purl and name, once an ancestor needs it
    for entry in list(reader.entries):
        ref = entry.ref
        if ref not in foreign:
            continue
        if entry.parent is not None:
            parent = by_path.get(entry.parent)
            if parent is not None:
                pending.append(Pending(parent.ref, ref, entry.path, depends_on))
        if entry.inline not in (None, "metadata.component"):
            continue
        pedigree = entry.data.get("pedigree")
        if isinstance(pedigree, dict):
            ancestors = pedigree.get("ancestors")
            for index, ancestor in enumerate(ancestors if isinstance(ancestors, list) else ()):
                if isinstance(ancestor, dict):
                    if not indexed:
                        reader.index()
                        indexed = True
                    _ancestor(reader, entry, ancestor, f"{entry.path}.pedigree.ancestors[{index}]")
    items = document.get("dependencies")
    refs = reader.refs
    for index, dependency in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(dependency, dict):
            continue
        source = str(dependency.get("ref"))
        if refs.get(source, source) not in foreign:
            continue
        targets = dependency.get("dependsOn")
        if isinstance(targets, list) and targets:
            path = f"$.dependencies[{index}]"
            pending.extend(Pending(source, str(t), path, depends_on) for t in targets)
        if dependency.get("provides"):
            reader.warn(f"$.dependencies[{index}]", "provides kept as written, not read")


def own_inline(reader: Reader, entry: Entry) -> None:
    """The components fmbom wrote only inside one of its own: model card datasets and
    pedigree ancestors with a bom-ref no component of the document has."""
    from fmbom.cyclonedx._read_foreign import card_datasets

    card_datasets(reader, entry)
    pedigree = entry.data.get("pedigree")
    ancestors = pedigree.get("ancestors") if isinstance(pedigree, dict) else None
    for index, ancestor in enumerate(ancestors if isinstance(ancestors, list) else ()):
        ref = ancestor.get("bom-ref") if isinstance(ancestor, dict) else None
        if isinstance(ancestor, dict) and isinstance(ref, str) and ref not in reader.taken:
            _ancestor(reader, entry, ancestor, f"{entry.path}.pedigree.ancestors[{index}]")


def _ancestor(reader: Reader, entry: Entry, ancestor: dict[str, Any], path: str) -> None:
    purl = ancestor.get("purl")
    target = reader.by_purl.get(str(purl)) if purl else None
    if target is None:
        key = (ancestor.get("name"), ancestor.get("group"), ancestor.get("version"))
        target = next((r for r in reader.by_name.get(key, ()) if r != entry.ref), None)
    if target is None:
        from fmbom.cyclonedx._read_foreign import foreign_component

        ref = ancestor.get("bom-ref")
        new = Entry(data=ancestor, path=path, service=False, inline="pedigree")
        if isinstance(ref, str) and REF.fullmatch(ref) and ref not in reader.taken:
            new.ref = ref
            reader.taken.add(ref)
        else:
            new.ref = reader.new_ref(ancestor, "ancestor")
        props = reader.properties(ancestor.get("properties"))
        reader.add(new, foreign_component(reader, new, props))
        target = new.ref
    reader.pending.append(Pending(entry.ref, target, path, RelationKind.DERIVED_FROM))


def _identity_of(component: AnyComponent) -> dict[str, str]:
    out = {"kind": component.kind.value, "name": component.name}
    for key in ("group", "version", "purl"):
        value = getattr(component, key)
        if value is not None:
            out[key] = value
    return out


class _Targets:
    """Finds the target of an fmbom relation by ref and identity."""

    def __init__(self, by_ref: dict[str, AnyComponent], depends: dict[str, list[str]]) -> None:
        self.by_ref = by_ref
        self.depends = depends
        self.by_identity: dict[tuple[tuple[str, str], ...], list[str]] | None = None

    def find(self, item: Pending) -> str | None:
        identity = item.identity
        found = self.by_ref.get(item.target)
        if found is not None and (identity is None or _identity_of(found) == identity):
            return item.target
        if identity is None:
            return None
        listed = self.depends.get(item.source, [])
        if self.by_identity is None:
            self.by_identity = {}
            for ref, component in self.by_ref.items():
                key = tuple(sorted(_identity_of(component).items()))
                self.by_identity.setdefault(key, []).append(ref)
        candidates = self.by_identity.get(tuple(sorted(identity.items())), [])
        if len(candidates) > 1:
            candidates = [c for c in candidates if c in listed]
        return candidates[0] if len(candidates) == 1 else None


def resolve(
    reader: Reader, depends: dict[str, list[str]], extra: list[Relation] | None = None
) -> list[Relation]:
    """Resolve pending edges to relations the Bom accepts; warn about the rest."""
    relations = list(extra or ())
    by_ref = {c.ref: c for c in reader.components}
    targets = _Targets(by_ref, depends)
    seen: set[tuple[RelationKind, str, str]] = set()
    pairs: set[tuple[str, str]] = set()
    lineage: dict[str, set[str]] = {}
    for item in reader.pending:
        if item.relation is None:
            continue
        target = targets.find(item)
        if target is None:
            reader.warn(
                item.path,
                f"{item.kind.value} relation to {item.target!r} dropped: no component with "
                "that ref and identity",
            )
            continue
        relation = item.relation
        if target != relation.target:
            relation = Relation(
                kind=relation.kind,
                source=relation.source,
                target=target,
                method=relation.method,
                stage=relation.stage,
                order=relation.order,
                condition=relation.condition,
            )
        key = (relation.kind, relation.source, relation.target)
        if key not in seen:
            seen.add(key)
            pairs.add((relation.source, relation.target))
            relations.append(relation)
    typed = [
        p for p in reader.pending if p.relation is None and p.kind is not RelationKind.DEPENDS_ON
    ]
    plain = [p for p in reader.pending if p.relation is None and p.kind is RelationKind.DEPENDS_ON]
    refs = reader.refs
    kinds = {ref: component.kind for ref, component in by_ref.items()}
    #: (found kind, source kind, target kind) -> what _kind says of them
    read_as: dict[
        tuple[RelationKind, ComponentKind, ComponentKind], tuple[RelationKind, RelationKind | None]
    ] = {}
    for item in typed + plain:
        source = refs.get(item.source, item.source)
        target = refs.get(item.target, item.target)
        source_kind, target_kind = kinds.get(source), kinds.get(target)
        if source_kind is None or target_kind is None:
            missing = item.source if source_kind is None else item.target
            if missing not in reader.taken:
                reader.warn(item.path, f"relation to unknown ref {missing!r} dropped")
            continue
        if source == target or (source, target) in pairs:
            continue
        found = read_as.get((item.kind, source_kind, target_kind))
        if found is None:
            found = read_as[item.kind, source_kind, target_kind] = _kind(
                item.kind, source_kind, target_kind
            )
        kind, refused = found
        if refused is not None:
            reader.warn(
                item.path, f"{refused.value} {item.source!r} -> {item.target!r} read as depends-on"
            )
        if kind.is_lineage:
            if _reaches(lineage, target, source):
                reader.warn(item.path, f"lineage cycle through {source!r}; read as depends-on")
                kind = RelationKind.DEPENDS_ON
            else:
                lineage.setdefault(source, set()).add(target)
        key = (kind, source, target)
        if key in seen:
            continue
        seen.add(key)
        pairs.add((source, target))
        relations.append(_edge(kind, source, target))
    return relations


def _kind(
    kind: RelationKind, source_kind: ComponentKind, target_kind: ComponentKind
) -> tuple[RelationKind, RelationKind | None]:
    """The kind an edge found as ``kind`` is read as between components of these kinds, and
    the kind their kinds refuse (then read as depends-on, with a warning), if any."""
    if kind is RelationKind.DERIVED_FROM and (source_kind, target_kind) != (
        ComponentKind.MODEL,
        ComponentKind.MODEL,
    ):
        allowed = ENDPOINT_KINDS[RelationKind.QUANTIZED_FROM]
        kind = (
            RelationKind.QUANTIZED_FROM
            if source_kind in allowed[0]
            and target_kind in allowed[1]
            and ComponentKind.WEIGHTS in (source_kind, target_kind)
            else RelationKind.DEPENDS_ON
        )
    sources, targets = ENDPOINT_KINDS[kind]
    if source_kind not in sources or target_kind not in targets:
        return RelationKind.DEPENDS_ON, kind
    return kind, None


#: The fields of a relation beside its kind and endpoints, with their defaults.
_DEFAULTS: Final = tuple(
    (field.name, field.default)
    for field in attrs.fields(Relation)
    if field.name not in ("kind", "source", "target")
)


def _edge(kind: RelationKind, source: str, target: str) -> Relation:
    """``Relation(kind=kind, source=source, target=target)`` for two different refs of
    components read: both passed the ref pattern, and a relation without method, stage,
    order or condition has no other check, so the validators would pass."""
    if not _read_common.TRUSTED:
        return Relation(kind=kind, source=source, target=target)
    relation: Relation = object.__new__(Relation)
    setattr_ = object.__setattr__
    setattr_(relation, "kind", kind)
    setattr_(relation, "source", source)
    setattr_(relation, "target", target)
    for name, default in _DEFAULTS:
        setattr_(relation, name, default)
    return relation


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    stack, seen = [start], {start}
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def inline_marker(where: str) -> Extension:
    """The extension that keeps a component where it was found (see _carry.INLINE)."""
    return Extension.of(FORMAT, INLINE, where)
