"""Relation comparisons: relations are matched by kind and the identities of their endpoints."""

from __future__ import annotations

from typing import Any

from fmbom.diff._collect import (
    _Collector,
    _label,
    _one_or_list,
    _subject_of,
    plain,
)
from fmbom.diff._rules import RuleId
from fmbom.model import (
    AnyComponent,
    Relation,
    RelationKind,
)

_SWAPS = {
    RelationKind.DERIVED_FROM: (RuleId.BASE_MODEL_CHANGED, "base model"),
    RelationKind.QUANTIZED_FROM: (RuleId.BASE_MODEL_CHANGED, "quantized from"),
    RelationKind.ADAPTS: (RuleId.BASE_MODEL_CHANGED, "adapted model"),
    RelationKind.USES_TOKENIZER: (RuleId.TOKENIZER_CHANGED, "tokenizer"),
    RelationKind.SERVED_BY: (RuleId.PROVIDER_CHANGED, "served by"),
}
_RELATION_FIELDS = ("method", "stage", "order", "condition")

_Key = tuple[RelationKind, object, object]


def _keyed_relations(
    relations: tuple[Relation, ...], ids: dict[str, object], side: str
) -> dict[_Key, Relation]:
    """Relations by (kind, source identity, target identity); an unmatched endpoint is its
    own identity on its side."""
    keyed: dict[_Key, Relation] = {}
    get = ids.get
    for r in relations:
        source, target = get(r.source), get(r.target)
        if source is None:
            source = (side, r.source)
        if target is None:
            target = (side, r.target)
        keyed[r.kind, source, target] = r
    return keyed


def _compare_relations(
    out: _Collector,
    pairs: list[tuple[AnyComponent, AnyComponent]],
) -> None:
    old_id: dict[str, object] = {}
    new_id: dict[str, object] = {}
    for index, (a, b) in enumerate(pairs):
        old_id[a.ref] = index
        new_id[b.ref] = index

    old_rel = _keyed_relations(out.old.relations, old_id, "old")
    new_rel = _keyed_relations(out.new.relations, new_id, "new")
    if old_rel.keys() == new_rel.keys() and all(
        _relation_details(old_rel[k]) == _relation_details(new_rel[k]) for k in old_rel
    ):
        return
    removed: dict[tuple[RelationKind, object], list[Relation]] = {}
    added: dict[tuple[RelationKind, object], list[Relation]] = {}
    for k, rel in old_rel.items():
        other = new_rel.get(k)
        if other is None:
            removed.setdefault((k[0], k[1]), []).append(rel)
        elif _relation_details(rel) != _relation_details(other):
            _relation_fields_changed(out, rel, other)
    for k, rel in new_rel.items():
        if k not in old_rel:
            added.setdefault((k[0], k[1]), []).append(rel)
    for group_key in sorted(set(removed) & set(added), key=repr):
        kind = group_key[0]
        if kind not in _SWAPS or not isinstance(group_key[1], int):
            continue
        rule, noun = _SWAPS[kind]
        gone = removed.pop(group_key)
        came = added.pop(group_key)
        source = out.new.component(came[0].source)
        before = sorted(_label(out.old.component(r.target)) for r in gone)
        after = sorted(_label(out.new.component(r.target)) for r in came)
        out.add(
            rule,
            _subject_of(source),
            f"{source.kind.value} {_label(source)}: {noun} {', '.join(before)} -> "
            f"{', '.join(after)}",
            old_ref=gone[0].source,
            new_ref=source.ref,
            field=kind.value,
            before=_one_or_list(before),
            after=_one_or_list(after),
        )
    for group in removed.values():
        for rel in group:
            _relation_presence(out, rel, present_in_new=False)
    for group in added.values():
        for rel in group:
            _relation_presence(out, rel, present_in_new=True)


def _relation_details(rel: Relation) -> tuple[Any, ...]:
    return (rel.method, rel.stage, rel.order, rel.condition)


def _relation_fields_changed(out: _Collector, a: Relation, b: Relation) -> None:
    source = out.new.component(b.source)
    target = out.new.component(b.target)
    for name in _RELATION_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            field = f"{b.kind.value}.{name}"
            ordered = b.kind is RelationKind.ROUTES_TO and name == "order"
            out.add(
                RuleId.FALLBACK_ORDER_CHANGED if ordered else RuleId.FIELD_CHANGED,
                _subject_of(source),
                f"{source.kind.value} {_label(source)}: {b.kind.value} {target.name} "
                f"{name} {plain(x)} -> {plain(y)}",
                old_ref=a.source,
                new_ref=b.source,
                field=field,
                before=plain(x),
                after=plain(y),
            )


def _relation_presence(out: _Collector, rel: Relation, *, present_in_new: bool) -> None:
    own = out.new_to_old if present_in_new else out.old_to_new
    if rel.source not in own:
        return  # the source itself was added or removed: that change covers its relations
    bom = out.new if present_in_new else out.old
    target = bom.component(rel.target)
    if rel.kind is RelationKind.ROUTES_TO:
        rule = RuleId.ROUTE_ADDED if present_in_new else RuleId.ROUTE_REMOVED
    elif rel.target not in own:
        return  # the target was added or removed: that change covers the relation
    elif rel.kind is RelationKind.GUARDS:
        rule = RuleId.GUARD_ADDED if present_in_new else RuleId.GUARD_REMOVED
    else:
        rule = RuleId.RELATION_ADDED if present_in_new else RuleId.RELATION_REMOVED
    if present_in_new:
        old_ref, new_ref = own[rel.source], rel.source
    else:
        old_ref, new_ref = rel.source, own[rel.source]
    subject = out.new.component(new_ref)
    verb = "added" if present_in_new else "removed"
    out.add(
        rule,
        _subject_of(subject),
        f"{subject.kind.value} {_label(subject)}: {rel.kind.value} {_label(target)} {verb}",
        old_ref=old_ref,
        new_ref=new_ref,
        field=rel.kind.value,
        before=None if present_in_new else _label(target),
        after=_label(target) if present_in_new else None,
    )
