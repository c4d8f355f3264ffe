"""Record-level comparisons: governance, carried extensions, the subject and the document."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs

from fmbom._subject_ref import SubjectRef
from fmbom.bom import Bom, BomMetadata, Subject
from fmbom.diff._collect import (
    _changed_text,
    _Collector,
    _or_none,
    plain,
)
from fmbom.diff._result import Change, JsonValue
from fmbom.diff._rules import RuleId
from fmbom.extensions import Extension
from fmbom.governance import Evaluation, Governance
from fmbom.licenses import licenses_key
from fmbom.model import (
    ExternalReference,
)

_Add = Callable[..., None]


def _compare_record(add: _Add, path: str, a: Any, b: Any) -> None:
    """Field by field over two attrs records (either may be None)."""
    if a == b:
        return
    if a is None or b is None:
        add(
            RuleId.FIELD_CHANGED,
            f"{path} {'added' if a is None else 'removed'}",
            field=path,
            before=plain(a),
            after=plain(b),
        )
        return
    for field in attrs.fields(type(a)):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if x != y:
            where = f"{path}.{field.name}"
            px, py = plain(x), plain(y)
            add(
                RuleId.FIELD_CHANGED, _changed_text(where, px, py), field=where, before=px, after=py
            )


def _evaluation_key(evaluation: Evaluation) -> tuple[str, str, str]:
    return (
        evaluation.benchmark.strip().lower(),
        evaluation.metric.strip().lower(),
        evaluation.unit.value,
    )


def _evaluation_name(evaluation: Evaluation) -> str:
    return f"{evaluation.benchmark}/{evaluation.metric}/{evaluation.unit.value}"


def _compare_evaluations(add: _Add, a: tuple[Evaluation, ...], b: tuple[Evaluation, ...]) -> None:
    old: dict[tuple[str, str, str], list[Evaluation]] = {}
    new: dict[tuple[str, str, str], list[Evaluation]] = {}
    for evaluation in a:
        old.setdefault(_evaluation_key(evaluation), []).append(evaluation)
    for evaluation in b:
        new.setdefault(_evaluation_key(evaluation), []).append(evaluation)
    for key in sorted(set(old) | set(new)):
        xs = sorted(old.get(key, []), key=lambda e: json.dumps(plain(e), sort_keys=True))
        ys = sorted(new.get(key, []), key=lambda e: json.dumps(plain(e), sort_keys=True))
        for x, y in zip(xs, ys, strict=False):
            _compare_record(add, f"governance.evaluations[{_evaluation_name(x)}]", x, y)
        for x in xs[len(ys) :]:
            add(
                RuleId.EVALUATION_REMOVED,
                f"evaluation {_evaluation_name(x)} removed",
                field="governance.evaluations",
                before=plain(x),
                after=None,
            )
        for y in ys[len(xs) :]:
            add(
                RuleId.EVALUATION_ADDED,
                f"evaluation {_evaluation_name(y)} added",
                field="governance.evaluations",
                before=None,
                after=plain(y),
            )


def _compare_governance(add: _Add, a: Governance | None, b: Governance | None) -> None:
    x = a if a is not None else Governance()
    y = b if b is not None else Governance()
    for field in attrs.fields(Governance):
        name = field.name
        if name == "evaluations":
            _compare_evaluations(add, x.evaluations, y.evaluations)
        else:
            _compare_record(add, f"governance.{name}", getattr(x, name), getattr(y, name))


# --- extensions ------------------------------------------------------------------------------

#: Extension paths that name other components by ref (structure, compared as relations are).
_STRUCTURAL_EXTENSIONS = frozenset({"@nested-in", "@subject-depends-on"})


#: Keys of CycloneDX objects whose string values are bom-refs.
_REF_KEYS = frozenset(
    {"ref", "dependsOn", "provides", "assemblies", "dependencies", "subjects", "target"}
)


def _inner_refs(value: JsonValue, found: dict[str, str]) -> dict[str, str]:
    """bom-ref → what names the object, for the objects inside a carried value."""
    if isinstance(value, dict):
        ref = value.get("bom-ref")
        if isinstance(ref, str):
            found[ref] = "<{} {} {}>".format(
                *(value.get(k) or "" for k in ("type", "name", "version"))
            )
        for item in value.values():
            _inner_refs(item, found)
    elif isinstance(value, list):
        for item in value:
            _inner_refs(item, found)
    return found


def _carried(value: JsonValue, names: Callable[[str], str | None]) -> JsonValue:
    """A carried value as diff compares it: arrays as sets, bom-refs left out, refs replaced
    by what names the object they point at (other tools regenerate bom-refs)."""
    inner = _inner_refs(value, {})

    def walk(item: JsonValue, key: str) -> JsonValue:
        if isinstance(item, dict):
            return {k: walk(v, k) for k, v in item.items() if k != "bom-ref"}
        if isinstance(item, list):
            found = (walk(v, key) for v in item)
            return sorted(found, key=lambda v: json.dumps(v, sort_keys=True))
        if isinstance(item, str) and key in _REF_KEYS:
            return inner.get(item) or names(item) or item
        return item

    return walk(value, "")


def _compare_extensions(
    add: _Add,
    a: tuple[Extension, ...],
    b: tuple[Extension, ...],
    names: tuple[Callable[[str], str | None], Callable[[str], str | None]] | None = None,
) -> None:
    """One change per format path whose carried value differs."""
    old = {(e.format, e.path): e for e in a if e.path not in _STRUCTURAL_EXTENSIONS}
    new = {(e.format, e.path): e for e in b if e.path not in _STRUCTURAL_EXTENSIONS}
    old_names, new_names = names or (_no_name, _no_name)
    for key in sorted(set(old) | set(new)):
        x, y = old.get(key), new.get(key)
        if x == y:
            continue
        px = None if x is None or x.removed else x.value
        py = None if y is None or y.removed else y.value
        if _carried(px, old_names) == _carried(py, new_names):
            continue
        where = f"{key[0]}:{key[1]}"
        add(RuleId.FIELD_CHANGED, _changed_text(where, px, py), field=where, before=px, after=py)


#: The fields whose change also changes a carried CycloneDX value (by the value's first key).
_EXPLAINED_BY = {
    "licenses": {"licenses"},
    "hashes": {"digests"},
    "externalReferences": {"external_references"},
    "supplier": {"supplier"},
    "manufacturer": {"manufacturer"},
    "authors": {"authors"},
    "author": {"authors"},
    "tags": {"tags"},
    "purl": {"purl"},
    "data": {"source", "sensitivity"},
    "endpoints": {"endpoint"},
    "provider": {"organization"},
}
#: Carried values that list relations (model card datasets, pedigree ancestors).
_RELATION_PATHS = ("modelCard.modelParameters.datasets", "pedigree")
_RELATION_RULES = frozenset(
    {RuleId.RELATION_ADDED, RuleId.RELATION_REMOVED, RuleId.DATASET_ADDED}
    | {RuleId.DATASET_REMOVED, RuleId.BASE_MODEL_CHANGED, RuleId.COMPONENT_ADDED}
    | {RuleId.COMPONENT_REMOVED}
)


def _drop_explained(changes: list[Change]) -> list[Change]:
    """Leave out a carried value's change when a change of the field it holds is reported
    for the same component (the value changed because that field did)."""
    fields: dict[str | None, set[str]] = {}
    related: set[str | None] = set()
    for change in changes:
        if change.field is not None and change.field.startswith("cyclonedx:"):
            continue
        ref = change.new_ref or change.old_ref
        if change.field is not None:
            fields.setdefault(ref, set()).add(change.field)
        if change.rule in _RELATION_RULES:
            related.add(ref)
            related.update(s.ref for s in change.reaches)
    kept = []
    for change in changes:
        field = change.field or ""
        if field.startswith("cyclonedx:"):
            path = field[len("cyclonedx:") :]
            ref = change.new_ref or change.old_ref
            if ref in related and path.startswith(_RELATION_PATHS):
                continue
            if _EXPLAINED_BY.get(path.split(".")[0], set()) & fields.get(ref, set()):
                continue
        kept.append(change)
    return kept


def _no_name(_: str) -> str | None:
    return None


def _namer(bom: Bom) -> Callable[[str], str | None]:
    def name(ref: str) -> str | None:
        if ref not in bom:
            return None
        component = bom.component(ref)
        return f"<{component.kind.value} {component.group or ''}/{component.name}>"

    return name


# --- the described system --------------------------------------------------------------------

_SUBJECT_FIELDS = tuple(
    f.name
    for f in attrs.fields(Subject)
    if f.name not in {"version", "licenses", "governance", "extensions"}
)


def _sorted_references(items: tuple[ExternalReference, ...]) -> tuple[ExternalReference, ...]:
    return tuple(sorted(items, key=lambda r: (r.type.value, r.url, r.comment or "")))


def _compare_subject(out: _Collector, a: Subject, b: Subject) -> None:
    if a == b:
        return
    subject = SubjectRef(kind=b.unit, name=b.name, ref=None)

    def add(rule: RuleId, message: str, **kwargs: Any) -> None:
        out.add(
            rule,
            subject,
            f"{b.unit.value} {b.name}: {message}",
            old_ref=None,
            new_ref=None,
            **kwargs,
        )

    if a.version != b.version:
        add(
            RuleId.SUBJECT_VERSION_CHANGED,
            f"version {_or_none(a.version)} -> {_or_none(b.version)}",
            field="version",
            before=a.version,
            after=b.version,
        )
    if licenses_key(a.licenses) != licenses_key(b.licenses):
        add(
            RuleId.LICENSE_CHANGED,
            f"license {' AND '.join(a.licenses) or '(none)'} -> "
            f"{' AND '.join(b.licenses) or '(none)'}",
            field="licenses",
            before=list(a.licenses),
            after=list(b.licenses),
        )
    for name in _SUBJECT_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if name == "external_references":  # a set: its order carries no meaning
            x, y = _sorted_references(x), _sorted_references(y)
        if x != y:
            px, py = plain(x), plain(y)
            add(RuleId.FIELD_CHANGED, _changed_text(name, px, py), field=name, before=px, after=py)
    if a.governance != b.governance:
        _compare_governance(add, a.governance, b.governance)
    if a.extensions != b.extensions:
        _compare_extensions(add, a.extensions, b.extensions, (_namer(out.old), _namer(out.new)))


def _compare_document(out: _Collector, a: BomMetadata, b: BomMetadata) -> None:
    """What the document carries beyond fmbom's fields (never its tools, times or authors)."""
    if a.extensions == b.extensions:
        return
    subject = out.system()

    def add(rule: RuleId, message: str, **kwargs: Any) -> None:
        out.add(rule, subject, f"document: {message}", old_ref=None, new_ref=None, **kwargs)

    _compare_extensions(add, a.extensions, b.extensions, (_namer(out.old), _namer(out.new)))


# --- relations -------------------------------------------------------------------------------
