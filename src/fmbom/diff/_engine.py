"""The diff engine: match components, compare matched pairs, classify every change.

Components are matched by identity (see :mod:`fmbom.diff._match`), relations by their kind
and the identities of their endpoints, so regenerated bom-refs and version bumps do not show
up as removed and added relations. Everything runs in time linear in the size of the BOMs,
plus sorting the changes.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

import attrs

from fmbom._subject_ref import SubjectRef
from fmbom.bom import Bom
from fmbom.diff._match import match_components, purl_identity, purl_namespace
from fmbom.diff._policy import Policy
from fmbom.diff._result import Change, DiffResult, JsonValue
from fmbom.diff._rules import RuleId
from fmbom.licenses import licenses_key
from fmbom.model import (
    Adapter,
    AnyComponent,
    Component,
    ComponentKind,
    Dataset,
    GuardModel,
    InferenceProvider,
    Model,
    Router,
    Tokenizer,
    Weights,
)
from fmbom.severity import Severity

__all__ = ["PRESENCE_RULES", "diff"]

from fmbom.diff._collect import (
    Dependents,
    _changed_text,
    _Collector,
    _label,
    _one_or_list,
    _or_none,
    _subject_of,
    _version,
    plain,
)
from fmbom.diff._records import (
    _compare_document,
    _compare_extensions,
    _compare_governance,
    _compare_subject,
    _drop_explained,
    _namer,
)
from fmbom.diff._relations import (
    _compare_relations,
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
#: Property name prefixes whose change has a rule of its own: the settings of a quantization
#: config that ``Quantization`` has no field for (GPTQ ``desc_act``, ``sym``, ...).
_PROPERTY_PREFIX_RULES = {
    "fmbom:scan:quantization:": (RuleId.QUANTIZATION_CHANGED, "quantization"),
}


def _property_rule(name: str) -> tuple[RuleId, str] | None:
    ruled = _PROPERTY_RULES.get(name)
    if ruled is not None:
        return ruled
    for prefix, (rule, noun) in _PROPERTY_PREFIX_RULES.items():
        if name.startswith(prefix):
            return rule, f"{noun} {name.removeprefix(prefix)}"
    return None


def _compare_properties(p: _Pair) -> None:
    a = _grouped_properties(p.a)
    b = _grouped_properties(p.b)
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name), b.get(name)
        ruled = _property_rule(name)
        if x != y and ruled is not None:
            before = None if x is None else _one_or_list(x)
            after = None if y is None else _one_or_list(y)
            what = f"{ruled[1]} {_or_none(before)} -> {_or_none(after)}"
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


def diff_parts(
    old: Bom, new: Bom, policy: Policy | None, dependents: tuple[Dependents, Dependents]
) -> DiffResult:
    """:func:`diff` of two BOMs that hold part of two documents: what rests on a component
    is asked of ``dependents`` (old, new), which know the whole documents."""
    return _diff(old, new, policy if policy is not None else Policy(), dependents)


def _diff(
    old: Bom, new: Bom, policy: Policy, dependents: tuple[Dependents, Dependents] | None = None
) -> DiffResult:
    out = _Collector(old=old, new=new, policy=policy, dependents=dependents)
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
