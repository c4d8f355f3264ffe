"""The diff engine: match components, compare matched pairs, classify every change.

Components are matched by identity (see :mod:`fmbom.diff._match`), relations by their kind
and the identities of their endpoints, so regenerated bom-refs and version bumps do not show
up as removed and added relations. Everything runs in time linear in the size of the BOMs,
plus sorting the changes.
"""

from __future__ import annotations

import datetime
import gc
import json
from collections.abc import Callable, Mapping
from enum import Enum
from functools import lru_cache
from operator import attrgetter
from typing import Any

import attrs
from packaging.version import InvalidVersion, Version

from fmbom._subject_ref import SubjectRef
from fmbom.bom import Bom, BomMetadata, Subject
from fmbom.diff._match import match_components, purl_identity, purl_namespace
from fmbom.diff._policy import Policy
from fmbom.diff._result import Change, DiffResult, JsonValue
from fmbom.diff._rules import RULES, RuleId
from fmbom.extensions import Extension
from fmbom.governance import Evaluation, Governance
from fmbom.licenses import licenses_key
from fmbom.model import (
    Adapter,
    AnyComponent,
    Component,
    ComponentKind,
    Dataset,
    Digest,
    ExternalReference,
    GuardModel,
    InferenceProvider,
    Model,
    Relation,
    RelationKind,
    Router,
    Tokenizer,
    Weights,
)
from fmbom.severity import Severity

__all__ = ["PRESENCE_RULES", "diff"]

# --- values ----------------------------------------------------------------------------------


def plain(value: Any) -> JsonValue:
    """A JSON value for a model value: enums by value, digests as ``alg:hex``, objects as dicts
    without their empty fields, tuples as lists, dates in ISO 8601."""
    if value is None or (isinstance(value, (bool, int, float)) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, Digest):
        return str(value)
    if isinstance(value, (tuple, list, frozenset, set)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if attrs.has(type(value)):
        out = {}
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if item is None or item == ():
                continue
            out[field.name] = plain(item)
        return out
    return str(value)


def _label(component: Component) -> str:
    return f"{component.name} {component.version}" if component.version else component.name


@lru_cache(maxsize=65536)
def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _shown(value: JsonValue) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _changed_text(field: str, before: JsonValue, after: JsonValue) -> str:
    """``field changed: before -> after`` with long values shortened."""
    if before is None:
        return f"{field} set to {_shown(after)}"
    if after is None:
        return f"{field} removed (was {_shown(before)})"
    return f"{field} changed: {_shown(before)} -> {_shown(after)}"


def _or_none(value: object) -> str:
    """A value for a message: ``(none)`` where there is none, never Python's ``None``."""
    return "(none)" if value is None else str(value)


def _one_or_list(items: list[str]) -> JsonValue:
    return items[0] if len(items) == 1 else items


# --- collecting changes ----------------------------------------------------------------------


def _subject_of(component: Component) -> SubjectRef:
    return SubjectRef(kind=component.kind, name=component.name, ref=component.ref)


@attrs.define
class _Collector:
    old: Bom
    new: Bom
    policy: Policy
    changes: list[Change] = attrs.field(factory=list)
    old_to_new: dict[str, str] = attrs.field(factory=dict)
    new_to_old: dict[str, str] = attrs.field(factory=dict)
    _reach_cache: dict[tuple[bool, str], tuple[SubjectRef, ...]] = attrs.field(factory=dict)

    def system(self) -> SubjectRef:
        subject = self.new.metadata.subject
        return SubjectRef(kind=subject.unit, name=subject.name, ref=None)

    def reaches(self, old_ref: str | None, new_ref: str | None) -> tuple[SubjectRef, ...]:
        """What rests on a component, nearest first, ending with the system; nothing for the
        described system itself (no ref on either side)."""
        on_new = new_ref is not None
        ref = new_ref if new_ref is not None else old_ref
        if ref is None:
            return ()
        key = (on_new, ref)
        found = self._reach_cache.get(key)
        if found is None:
            bom = self.new if on_new else self.old
            found = (*(_subject_of(c) for c in bom.dependents(ref)), self.system())
            self._reach_cache[key] = found
        return found

    def add(
        self,
        rule: RuleId,
        subject: SubjectRef,
        message: str,
        *,
        old_ref: str | None,
        new_ref: str | None,
        field: str | None = None,
        before: JsonValue = None,
        after: JsonValue = None,
        severity: Severity | None = None,
    ) -> None:
        default = severity if severity is not None else RULES[rule].severity
        resolved = self.policy.resolve(rule, subject.kind, default)
        if resolved is None:
            return
        reaches = self.reaches(old_ref, new_ref)
        self.changes.append(
            Change(
                rule=rule,
                severity=resolved,
                subject=subject,
                field=field,
                before=before,
                after=after,
                message=message,
                reaches=reaches,
                old_ref=old_ref,
                new_ref=new_ref,
            )
        )


# --- added and removed components ------------------------------------------------------------

_COMPONENT = (RuleId.COMPONENT_ADDED, RuleId.COMPONENT_REMOVED)

#: The rules of a component that appears or disappears, by kind: (added, removed). Weights in
#: an unsafe format get ``unsafe-format-introduced`` / ``unsafe-format-removed`` instead.
PRESENCE_RULES: Mapping[ComponentKind, tuple[RuleId, RuleId]] = {
    ComponentKind.MODEL: _COMPONENT,
    ComponentKind.WEIGHTS: _COMPONENT,
    ComponentKind.TOKENIZER: _COMPONENT,
    ComponentKind.ADAPTER: (RuleId.ADAPTER_ADDED, RuleId.ADAPTER_REMOVED),
    ComponentKind.DATASET: (RuleId.DATASET_ADDED, RuleId.DATASET_REMOVED),
    ComponentKind.GUARD_MODEL: (RuleId.GUARD_ADDED, RuleId.GUARD_REMOVED),
    ComponentKind.ROUTER: _COMPONENT,
    ComponentKind.INFERENCE_PROVIDER: _COMPONENT,
    ComponentKind.SOFTWARE: _COMPONENT,
}


def _presence_rule(component: AnyComponent, *, added: bool) -> RuleId:
    if isinstance(component, Weights) and component.format.is_unsafe:
        return RuleId.UNSAFE_FORMAT_INTRODUCED if added else RuleId.UNSAFE_FORMAT_REMOVED
    pair = PRESENCE_RULES[component.kind]
    return pair[0] if added else pair[1]


def _added(out: _Collector, component: AnyComponent) -> None:
    rule = _presence_rule(component, added=True)
    extra = ""
    if isinstance(component, Weights) and rule == RuleId.UNSAFE_FORMAT_INTRODUCED:
        extra = f" in {component.format.value} format"
    out.add(
        rule,
        _subject_of(component),
        f"{component.kind.value} {_label(component)} added{extra}",
        old_ref=None,
        new_ref=component.ref,
        after=_label(component),
    )


def _removed(out: _Collector, component: AnyComponent) -> None:
    out.add(
        _presence_rule(component, added=False),
        _subject_of(component),
        f"{component.kind.value} {_label(component)} removed",
        old_ref=component.ref,
        new_ref=None,
        before=_label(component),
    )


# --- matched components ----------------------------------------------------------------------

_HANDLED = frozenset(
    {"ref", "name", "version", "group", "supplier", "purl", "licenses", "digests", "properties"}
)


@attrs.frozen
class _Pair:
    a: AnyComponent
    b: AnyComponent
    out: _Collector
    #: Content facts (field, what, before, after): the component's digests and its files'
    #: digests. One content change is one entry carrying every fact (see :func:`_content`).
    content: list[tuple[str, str, JsonValue, JsonValue]] = attrs.field(factory=list)

    @property
    def subject(self) -> SubjectRef:
        return _subject_of(self.b)

    @property
    def same_version(self) -> bool:
        """The versions did not change. A part without a version of its own (weights, a
        tokenizer: a scan gives them none) is versioned by the release the BOM describes."""
        if self.a.version is None and self.b.version is None:
            old, new = self.out.old.metadata.subject, self.out.new.metadata.subject
            return old.version == new.version
        return self.a.version == self.b.version

    def add(self, rule: RuleId, message: str, **kwargs: Any) -> None:
        self.out.add(
            rule,
            self.subject,
            f"{self.b.kind.value} {_label(self.b)}: {message}",
            old_ref=self.a.ref,
            new_ref=self.b.ref,
            **kwargs,
        )

    def field_changed(self, field: str, before: Any, after: Any) -> None:
        x, y = plain(before), plain(after)
        self.add(RuleId.FIELD_CHANGED, _changed_text(field, x, y), field=field, before=x, after=y)


def _compare_name(p: _Pair) -> None:
    a, b = p.a.name, p.b.name
    if a == b:
        return
    if a.strip().lower() != b.strip().lower():
        p.add(
            RuleId.COMPONENT_RENAMED,
            f"renamed from {a!r} (same content)",
            field="name",
            before=a,
            after=b,
        )
    else:
        p.field_changed("name", a, b)


def _owner_fields(c: Component) -> dict[str, str | None]:
    return {
        "group": (c.group or "").strip().lower() or None,
        "supplier": (c.supplier or "").strip().lower() or None,
        "purl": purl_namespace(c.purl),
    }


def _compare_owner(p: _Pair) -> None:
    """Group, supplier and purl namespace: who the component comes from."""
    a, b = p.a, p.b
    owner_a, owner_b = _owner_fields(a), _owner_fields(b)
    differing = [f for f in owner_a if owner_a[f] != owner_b[f]]
    if differing:
        before = {f: getattr(a, f) for f in differing}
        after = {f: getattr(b, f) for f in differing}
        shown = ", ".join(f"{f} {_or_none(before[f])} -> {_or_none(after[f])}" for f in differing)
        p.add(
            RuleId.SUPPLIER_CHANGED,
            f"{shown}; possible substitution",
            field=differing[0] if len(differing) == 1 else None,
            before=before,
            after=after,
        )
    for field in ("group", "supplier"):
        x, y = getattr(a, field), getattr(b, field)
        if field not in differing and x != y:
            p.field_changed(field, x, y)
    # The version part of a purl follows the version field, whose rules cover it.
    if (
        "purl" not in differing
        and a.purl != b.purl
        and (a.version == b.version or purl_identity(a.purl) != purl_identity(b.purl))
    ):
        p.field_changed("purl", a.purl, b.purl)


def _compare_version(p: _Pair) -> None:
    a, b = p.a.version, p.b.version
    if a == b:
        return
    va = _version(a) if a is not None else None
    vb = _version(b) if b is not None else None
    if va is None or vb is None or va == vb:
        p.add(
            RuleId.VERSION_CHANGED,
            f"version {_or_none(a)} -> {_or_none(b)}",
            field="version",
            before=a,
            after=b,
        )
    elif vb > va:
        major = vb.major > va.major
        p.add(
            RuleId.VERSION_UPGRADED,
            f"{'major ' if major else ''}upgrade {a} -> {b}",
            field="version",
            before=a,
            after=b,
            severity=Severity.MEDIUM if major else None,
        )
    else:
        p.add(
            RuleId.VERSION_DOWNGRADED, f"downgraded {a} -> {b}", field="version", before=a, after=b
        )


def _digest_rule(p: _Pair) -> RuleId:
    return RuleId.DIGEST_CHANGED_SAME_VERSION if p.same_version else RuleId.DIGEST_CHANGED


def _digest_message(p: _Pair, what: str) -> str:
    if p.same_version:
        # a part without a version of its own is versioned by the release (see same_version)
        version = p.b.version or p.out.new.metadata.subject.version
        if version is None:
            return f"{what} changed and there is no version to tell the two apart"
        return f"{what} changed but the version {version} did not"
    return f"{what} changed with the version"


def _compare_digests(p: _Pair) -> None:
    a = {d.algorithm: d for d in p.a.digests}
    b = {d.algorithm: d for d in p.b.digests}
    common = sorted(set(a) & set(b), key=lambda alg: alg.value)
    changed = [alg for alg in common if a[alg] != b[alg]]
    if changed:
        alg = changed[0]
        p.content.append(("digests", f"{alg.value} digest", str(a[alg]), str(b[alg])))
    elif set(a) != set(b):
        # Equal where both have one, or nothing to compare: an algorithm came or went.
        p.field_changed("digests", p.a.digests, p.b.digests)


def _compare_licenses(p: _Pair) -> None:
    a, b = p.a.licenses, p.b.licenses
    if a == b or licenses_key(a) == licenses_key(b):
        return
    p.add(
        RuleId.LICENSE_CHANGED,
        f"license {' AND '.join(a) or '(none)'} -> {' AND '.join(b) or '(none)'}",
        field="licenses",
        before=list(a),
        after=list(b),
    )


def _grouped_properties(component: Component) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop in component.properties:
        found.setdefault(prop.name, []).append(prop.value)
    return found


#: Properties whose change has a rule of its own (deployment scans record these).
_PROPERTY_RULES = {
    "fmbom:quantization": (RuleId.QUANTIZATION_CHANGED, "quantization"),
    "fmbom:routing-strategy": (RuleId.ROUTING_STRATEGY_CHANGED, "routing strategy"),
}


def _compare_properties(p: _Pair) -> None:
    a = _grouped_properties(p.a)
    b = _grouped_properties(p.b)
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name), b.get(name)
        ruled = _PROPERTY_RULES.get(name)
        if x != y and ruled is not None:
            before = None if x is None else _one_or_list(x)
            after = None if y is None else _one_or_list(y)
            what = f"{ruled[1]} {before} -> {after}"
            p.add(ruled[0], what, field=f"properties.{name}", before=before, after=after)
        elif x != y:
            p.field_changed(
                f"properties.{name}",
                None if x is None else _one_or_list(x),
                None if y is None else _one_or_list(y),
            )


def _weights(p: _Pair) -> tuple[Weights, Weights]:
    a, b = p.a, p.b
    if not isinstance(a, Weights) or not isinstance(b, Weights):  # pragma: no cover
        raise TypeError("weights rule applied to another kind")
    return a, b


def _compare_files(p: _Pair) -> None:
    """A file's content changed, came or went: a digest rule (the artifact's content)."""
    a = {f.path: f for f in getattr(p.a, "files", ())}
    b = {f.path: f for f in getattr(p.b, "files", ())}
    for path in sorted(set(a) | set(b)):
        x, y = a.get(path), b.get(path)
        if x == y:
            continue
        if x is None or y is None:
            what = f"file {path} {'added' if x is None else 'removed'}"
            p.content.append((f"files[{path}]", what, plain(x), plain(y)))
            continue
        if x.digest != y.digest and x.digest is not None and y.digest is not None:
            fact = (f"files[{path}].digest", f"digest of file {path}", str(x.digest), str(y.digest))
            p.content.append(fact)
        elif x.digest != y.digest:
            p.field_changed(f"files[{path}].digest", x.digest, y.digest)
        if x.size != y.size:
            p.field_changed(f"files[{path}].size", x.size, y.size)
        if x.lfs_pointer != y.lfs_pointer:
            p.field_changed(f"files[{path}].lfs_pointer", x.lfs_pointer, y.lfs_pointer)


def _compare_unit_files(p: _Pair) -> None:
    """The files documenting a model or adapter (card, configs, licence): one info change
    per file, since their facts are compared field by field already."""
    a = {f.path: f for f in getattr(p.a, "files", ())}
    b = {f.path: f for f in getattr(p.b, "files", ())}
    for path in sorted(set(a) | set(b)):
        if a.get(path) != b.get(path):
            p.field_changed(f"files[{path}]", a.get(path), b.get(path))


def _content(p: _Pair) -> None:
    """One change for a content change, whatever number of digests show it.

    A changed byte in a weights file changes the file's digest and the artifact's digest;
    that is one change to the content, reported once with both facts: ``before`` and ``after``
    map each field to its value when there is more than one.
    """
    if not p.content:
        return
    if len(p.content) == 1:
        ((field, what, before, after),) = p.content
        p.add(_digest_rule(p), _digest_message(p, what), field=field, before=before, after=after)
        return
    facts = "; ".join(what for _, what, _, _ in p.content)
    p.add(
        _digest_rule(p),
        f"{_digest_message(p, 'content')}: {facts}",
        field=None,
        before={field: before for field, _, before, _ in p.content},
        after={field: after for field, _, _, after in p.content},
    )


def _compare_format(p: _Pair) -> None:
    old, new = _weights(p)
    a, b = old.format, new.format
    if a is b:
        return
    if b.is_unsafe:
        rule, what = (
            RuleId.UNSAFE_FORMAT_INTRODUCED,
            f"format {a.value} -> {b.value} (can run code on load)",
        )
    elif a.is_unsafe:
        rule, what = RuleId.UNSAFE_FORMAT_REMOVED, f"format {a.value} -> {b.value}"
    else:
        p.field_changed("format", a, b)
        return
    p.add(rule, what, field="format", before=a.value, after=b.value)


def _shown_value(value: JsonValue) -> str:
    if value is None or isinstance(value, (str, int, float)):
        return _or_none(value)
    return json.dumps(value)


def _special(rule: RuleId, field: str, noun: str) -> Callable[[_Pair], None]:
    def compare(p: _Pair) -> None:
        a, b = getattr(p.a, field), getattr(p.b, field)
        if a == b:
            return
        before, after = plain(a), plain(b)
        shown_a = _shown_value(before)
        shown_b = _shown_value(after)
        p.add(rule, f"{noun} {shown_a} -> {shown_b}", field=field, before=before, after=after)

    return compare


_ENDPOINT = _special(RuleId.PROVIDER_CHANGED, "endpoint", "endpoint")
_STRATEGY = _special(RuleId.ROUTING_STRATEGY_CHANGED, "strategy", "routing strategy")


def _router_strategy(p: _Pair) -> None:
    # A router whose configuration names its strategy carries it as a property on both sides;
    # the property rule reports the change once, in the configuration's own words.
    named = "fmbom:routing-strategy"
    if p.a.property(named) is None or p.b.property(named) is None:
        _STRATEGY(p)


_FIELD_RULES: dict[type[Component], dict[str, Callable[[_Pair], None]]] = {
    Model: {
        "access_route": _special(RuleId.ACCESS_ROUTE_CHANGED, "access_route", "access route"),
        "files": _compare_unit_files,
    },
    Adapter: {"files": _compare_unit_files},
    # a data file changed under the same card is a silent data change: a digest rule
    Dataset: {"files": _compare_files},
    Weights: {
        "files": _compare_files,
        "format": _compare_format,
        "quantization": _special(RuleId.QUANTIZATION_CHANGED, "quantization", "quantization"),
    },
    Tokenizer: {
        "tokenizer_type": _special(RuleId.TOKENIZER_CHANGED, "tokenizer_type", "tokenizer type"),
        "vocab_size": _special(RuleId.TOKENIZER_CHANGED, "vocab_size", "vocabulary size"),
        "special_tokens": _special(RuleId.TOKENIZER_CHANGED, "special_tokens", "special tokens"),
        "chat_template_digest": _special(
            RuleId.TOKENIZER_CHANGED, "chat_template_digest", "chat template digest"
        ),
        "files": _compare_files,
    },
    GuardModel: {
        "endpoint": _ENDPOINT,
        "position": _special(RuleId.GUARD_POSITION_CHANGED, "position", "guard position"),
    },
    Router: {"endpoint": _ENDPOINT, "strategy": _router_strategy},
    InferenceProvider: {
        "endpoint": _ENDPOINT,
        "organization": _special(RuleId.PROVIDER_CHANGED, "organization", "provider organisation"),
        "region": _special(RuleId.PROVIDER_REGION_CHANGED, "region", "region"),
    },
}


@attrs.frozen
class _ClassPlan:
    everything: Callable[[Any], tuple[Any, ...]]
    fields: tuple[str, ...]
    handlers: dict[str, Callable[[_Pair], None]]


_PLANS: dict[type[Component], _ClassPlan] = {}


def _plan(cls: type[Component]) -> _ClassPlan:
    found = _PLANS.get(cls)
    if found is None:
        names = tuple(f.name for f in attrs.fields(cls) if f.name != "ref")
        found = _ClassPlan(
            everything=attrgetter(*names),
            fields=tuple(n for n in names if n not in _HANDLED),
            handlers=_FIELD_RULES.get(cls, {}),
        )
        _PLANS[cls] = found
    return found


def _compare_pair(out: _Collector, a: AnyComponent, b: AnyComponent) -> None:
    plan = _plan(type(b))
    if type(a) is type(b) and plan.everything(a) == plan.everything(b):
        return
    p = _Pair(a, b, out)
    _compare_name(p)
    _compare_owner(p)
    _compare_version(p)
    _compare_digests(p)
    _compare_licenses(p)
    _compare_properties(p)
    if type(a) is not type(b):  # pragma: no cover - matching never pairs two kinds
        _content(p)
        return
    for field in plan.fields:
        handler = plan.handlers.get(field)
        if handler is not None:
            handler(p)
            continue
        x, y = getattr(a, field), getattr(b, field)
        if x == y:
            continue
        if field == "governance":
            _compare_governance(p.add, x, y)
        elif field == "extensions":
            _compare_extensions(p.add, x, y, (_namer(out.old), _namer(out.new)))
        else:
            p.field_changed(field, x, y)
    _content(p)


# --- governance ------------------------------------------------------------------------------

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
    return {
        (r.kind, ids.get(r.source, (side, r.source)), ids.get(r.target, (side, r.target))): r
        for r in relations
    }


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


# --- entry point -----------------------------------------------------------------------------


def _sort_key(change: Change) -> tuple[Any, ...]:
    return (
        -change.severity.rank,
        change.subject.kind,
        change.subject.name.lower(),
        change.subject.name,
        change.subject.ref or "",
        change.rule,
        change.field or "",
        json.dumps(change.before, sort_keys=True),
        json.dumps(change.after, sort_keys=True),
    )


def diff(old: Bom, new: Bom, policy: Policy | None = None) -> DiffResult:
    """Every supply-chain change from ``old`` to ``new``, classified by rule and severity.

    Components are matched by identity (kind, group or supplier, name; then package URL
    without version; then same name and version under another owner; then weights file paths;
    then content digest), never by bom-ref alone. Relations are matched by kind and the
    identities of their endpoints. ``policy`` changes severities or drops rules.
    """
    # The diff allocates many small acyclic objects; pausing the cyclic collector meanwhile
    # keeps it from re-scanning the two BOMs over and over (it halves the time on large BOMs).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _diff(old, new, policy if policy is not None else Policy())
    finally:
        if paused:
            gc.enable()


def _diff(old: Bom, new: Bom, policy: Policy) -> DiffResult:
    out = _Collector(old=old, new=new, policy=policy)
    matching = match_components(old.components, new.components)
    pairs = matching.pairs
    for a, b in pairs:
        out.old_to_new[a.ref] = b.ref
        out.new_to_old[b.ref] = a.ref
    _compare_subject(out, old.metadata.subject, new.metadata.subject)
    _compare_document(out, old.metadata, new.metadata)
    for a, b in pairs[matching.unchanged :]:
        _compare_pair(out, a, b)
    for component in matching.removed:
        _removed(out, component)
    for component in matching.added:
        _added(out, component)
    _compare_relations(out, pairs)
    changes = tuple(sorted(_drop_explained(out.changes), key=_sort_key))
    return DiffResult(changes=changes, matched=dict(out.old_to_new))
