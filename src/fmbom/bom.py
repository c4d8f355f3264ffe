"""The bill of materials: what it describes, its components, their typed relations.

A :class:`Bom` is immutable. Building one checks it as a whole (unique refs, known relation
endpoints, endpoint kinds that make sense, no lineage cycle, every adapter tied to the model it
adapts) and raises :class:`fmbom.errors.BomValidationError` listing every problem. Pipelines
grow a BOM step by step with :meth:`Bom.add`, :meth:`Bom.relate`, :meth:`Bom.replace` and
:meth:`Bom.remove`, each returning a new BOM; prefer adding many components in one call when
building large BOMs, since each step re-checks the whole BOM in linear time.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar, cast

import attrs

from fmbom import _convert as c
from fmbom import _validate as v
from fmbom.errors import BomValidationError, Problem, ValidationError
from fmbom.extensions import Extension, extension_tuple
from fmbom.governance import Governance, Unit
from fmbom.model import (
    Adapter,
    AnyComponent,
    Component,
    ComponentKind,
    DerivationMethod,
    ExternalReference,
    Relation,
    RelationKind,
    TrainingStage,
)

if TYPE_CHECKING:
    from fmbom._compose import ComposeResult

__all__ = [
    "ENDPOINT_KINDS",
    "Bom",
    "BomMetadata",
    "Subject",
    "Tool",
    "identity_key",
]

C = TypeVar("C", bound=Component)
K = ComponentKind

_ANY = frozenset(ComponentKind)
_MODELISH = frozenset({K.MODEL, K.ADAPTER, K.GUARD_MODEL, K.ROUTER})

#: For each relation kind, the component kinds allowed as (source, target).
ENDPOINT_KINDS: dict[RelationKind, tuple[frozenset[ComponentKind], frozenset[ComponentKind]]] = {
    RelationKind.DERIVED_FROM: (frozenset({K.MODEL}), frozenset({K.MODEL})),
    RelationKind.QUANTIZED_FROM: (
        frozenset({K.MODEL, K.WEIGHTS}),
        frozenset({K.MODEL, K.WEIGHTS}),
    ),
    RelationKind.TRAINED_ON: (frozenset({K.MODEL, K.ADAPTER}), frozenset({K.DATASET})),
    RelationKind.EVALUATED_ON: (_MODELISH, frozenset({K.DATASET})),
    RelationKind.HAS_WEIGHTS: (frozenset({K.MODEL, K.ADAPTER}), frozenset({K.WEIGHTS})),
    RelationKind.USES_TOKENIZER: (
        frozenset({K.MODEL, K.GUARD_MODEL}),
        frozenset({K.TOKENIZER}),
    ),
    RelationKind.ADAPTS: (frozenset({K.ADAPTER}), frozenset({K.MODEL})),
    RelationKind.GUARDS: (
        frozenset({K.GUARD_MODEL}),
        frozenset({K.MODEL, K.ROUTER, K.INFERENCE_PROVIDER, K.ADAPTER}),
    ),
    RelationKind.ROUTES_TO: (
        frozenset({K.ROUTER}),
        frozenset({K.MODEL, K.ROUTER, K.INFERENCE_PROVIDER, K.ADAPTER, K.GUARD_MODEL}),
    ),
    RelationKind.SERVED_BY: (_MODELISH, frozenset({K.INFERENCE_PROVIDER})),
    RelationKind.DEPENDS_ON: (_ANY, _ANY),
}


def identity_key(component: Component) -> tuple[str, str, str]:
    """The identity of a component across versions: kind, group or supplier, and name.

    The version is left out on purpose, so that ``llama 3.1`` and ``llama 3.2`` of the same
    supplier are one component in two versions. Comparison is case-insensitive.
    """
    owner = component.group or component.supplier or ""
    return (component.kind.value, owner.strip().lower(), component.name.strip().lower())


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Tool:
    """A tool that produced or edited the BOM."""

    name: str = attrs.field(validator=v.non_empty)
    version: str | None = None
    vendor: str | None = None


def _references(items: Iterable[ExternalReference]) -> tuple[ExternalReference, ...]:
    return c.items_of(ExternalReference, items, "an ExternalReference")


def _tools(items: Iterable[Tool]) -> tuple[Tool, ...]:
    return c.items_of(Tool, items, "a Tool")


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Subject:
    """What the BOM describes: usually a deployed system, sometimes a single model release."""

    name: str = attrs.field(validator=v.non_empty)
    version: str | None = None
    unit: Unit = attrs.field(default=Unit.DEPLOYED_SYSTEM, converter=c.unit)
    supplier: str | None = None
    description: str | None = None
    licenses: tuple[str, ...] = attrs.field(
        default=(), converter=v.license_list, validator=v.license_expressions
    )
    external_references: tuple[ExternalReference, ...] = attrs.field(
        default=(), converter=_references
    )
    #: Whether the system serves end users; None when the record does not say.
    serves_end_users: bool | None = None
    governance: Governance | None = None
    #: Values of an interchange format that have no field here (see fmbom.extensions).
    extensions: tuple[Extension, ...] = attrs.field(default=(), converter=extension_tuple)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class BomMetadata:
    """The subject of the BOM, when it was made, by whom and with which tools."""

    subject: Subject
    timestamp: datetime.datetime | None = None
    authors: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    tools: tuple[Tool, ...] = attrs.field(default=(), converter=_tools)
    #: Document-level values of an interchange format (compositions, formulation, ...).
    extensions: tuple[Extension, ...] = attrs.field(default=(), converter=extension_tuple)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class _Index:
    by_ref: dict[str, AnyComponent]
    outgoing: dict[str, list[Relation]]
    incoming: dict[str, list[Relation]]
    #: :meth:`Bom.of_type`'s answers, each found on first use (the check and the report ask
    #: for the models, the datasets, ... several times each).
    by_class: dict[type[Component], tuple[AnyComponent, ...]] = attrs.field(factory=dict)


def _build_index(components: tuple[AnyComponent, ...], relations: tuple[Relation, ...]) -> _Index:
    by_ref: dict[str, AnyComponent] = dict(zip(map(_REF, components), components, strict=True))
    if len(by_ref) != len(components):  # a duplicate ref (a problem): the first one counts
        by_ref = {}
        for component in components:
            by_ref.setdefault(component.ref, component)
    outgoing: dict[str, list[Relation]] = {}
    incoming: dict[str, list[Relation]] = {}
    for relation in relations:
        source, target = relation.source, relation.target
        found = outgoing.get(source)
        if found is None:
            outgoing[source] = [relation]
        else:
            found.append(relation)
        found = incoming.get(target)
        if found is None:
            incoming[target] = [relation]
        else:
            found.append(relation)
    return _Index(by_ref=by_ref, outgoing=outgoing, incoming=incoming)


def _problem(message: str, path: str) -> Problem:
    return Problem(path, message)


_REF = attrgetter("ref")
#: (kind, source, target): a relation kind is a string enumeration, ordered as its value.
_RELATION_ORDER = attrgetter("kind", "source", "target")


def _sort_components(items: Iterable[AnyComponent]) -> tuple[AnyComponent, ...]:
    checked = cast("tuple[AnyComponent, ...]", c.items_of(Component, items, "a component"))
    return tuple(sorted(checked, key=_REF))


def _sort_relations(items: Iterable[Relation]) -> tuple[Relation, ...]:
    return tuple(sorted(c.items_of(Relation, items, "a Relation"), key=_RELATION_ORDER))


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Bom:
    """A bill of materials: metadata, components and relations, checked as a whole.

    Components are kept in ref order and relations in (kind, source, target) order, so two
    BOMs with the same content are equal whatever order they were built in. The order of a
    router's routes is the ``order`` of its ``routes-to`` relations.
    """

    metadata: BomMetadata
    components: tuple[AnyComponent, ...] = attrs.field(default=(), converter=_sort_components)
    relations: tuple[Relation, ...] = attrs.field(default=(), converter=_sort_relations)
    _index: _Index = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self.components, self.relations))
        problems = self.problems()
        if problems:
            raise BomValidationError(problems=problems)

    def with_components(
        self, components: Iterable[AnyComponent], metadata: BomMetadata | None = None
    ) -> Bom:
        """This BOM with its components replaced (and its metadata, when given).

        When the new components have the refs and kinds of the old ones, every check of the
        BOM gives what it gave before (the checks read only refs, kinds and relations), so
        the BOM is built without running them again; otherwise it is built and checked.
        """
        ordered = _sort_components(components)
        chosen = self.metadata if metadata is None else metadata
        same = len(ordered) == len(self.components) and all(
            new.ref == old.ref and new.kind is old.kind
            for new, old in zip(ordered, self.components, strict=True)
        )
        if not same or not isinstance(chosen, BomMetadata):
            return Bom(metadata=chosen, components=ordered, relations=self.relations)
        bom: Bom = object.__new__(Bom)
        object.__setattr__(bom, "metadata", chosen)
        object.__setattr__(bom, "components", ordered)
        object.__setattr__(bom, "relations", self.relations)
        # the refs are those of this BOM's components, so distinct (checked when it was built)
        by_ref = dict(zip(map(_REF, ordered), ordered, strict=True))
        index = self._index
        object.__setattr__(
            bom, "_index", _Index(by_ref=by_ref, outgoing=index.outgoing, incoming=index.incoming)
        )
        return bom

    # --- checking ----------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Every consistency problem of this BOM, in BOM order (empty when valid)."""
        found: list[Problem] = []
        found.extend(self._duplicate_refs())
        found.extend(self._bad_relations())
        found.extend(self._lineage_cycles())
        found.extend(self._orphan_adapters())
        return found

    def _duplicate_refs(self) -> Iterator[Problem]:
        if len(self._index.by_ref) == len(self.components):
            return
        seen: set[str] = set()
        for index, component in enumerate(self.components):
            if component.ref in seen:
                yield _problem(
                    f"duplicate ref {component.ref!r} (another component has the same ref)",
                    f"components[{index}].ref",
                )
            else:
                seen.add(component.ref)

    def _bad_relations(self) -> Iterator[Problem]:
        seen: set[tuple[RelationKind, str, str]] = set()
        by_ref = self._index.by_ref
        endpoints = ENDPOINT_KINDS
        for index, relation in enumerate(self.relations):
            kind, source_ref, target_ref = relation.kind, relation.source, relation.target
            key = (kind, source_ref, target_ref)
            if key in seen:
                yield _problem(
                    f"duplicate {kind.value} relation {source_ref!r} -> "
                    f"{target_ref!r} (the same relation is listed twice)",
                    f"relations[{index}]",
                )
                continue
            seen.add(key)
            source = by_ref.get(source_ref)
            target = by_ref.get(target_ref)
            if source is not None and target is not None:
                sources, targets = endpoints[kind]
                if source.kind in sources and target.kind in targets:
                    continue
                allowed = ", ".join(sorted(k.value for k in sources))
                allowed_to = ", ".join(sorted(k.value for k in targets))
                yield _problem(
                    f"{kind.value} is not allowed from {source.kind.value} "
                    f"{source_ref!r} to {target.kind.value} {target_ref!r} "
                    f"({kind.value} goes from {allowed} to {allowed_to})",
                    f"relations[{index}]",
                )
                continue
            if source is None:
                yield _problem(f"unknown ref {source_ref!r}", f"relations[{index}].source")
            if target is None:
                yield _problem(f"unknown ref {target_ref!r}", f"relations[{index}].target")

    def _lineage_cycles(self) -> Iterator[Problem]:
        edges: dict[str, list[str]] = {}
        for relation in self.relations:
            if relation.kind.is_lineage:
                edges.setdefault(relation.source, []).append(relation.target)
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for start in edges:
            if state.get(start):
                continue
            path: list[str] = [start]
            stack: list[Iterator[str]] = [iter(edges.get(start, ()))]
            state[start] = 1
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    state[path.pop()] = 2
                    stack.pop()
                    continue
                mark = state.get(nxt)
                if mark == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    yield _problem("lineage cycle: " + " -> ".join(cycle), "relations")
                    return
                if mark is None:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append(iter(edges.get(nxt, ())))

    def _orphan_adapters(self) -> Iterator[Problem]:
        for index, component in enumerate(self.components):
            if not isinstance(component, Adapter):
                continue
            adapted = [
                r
                for r in self._index.outgoing.get(component.ref, ())
                if r.kind is RelationKind.ADAPTS
            ]
            if not adapted:
                yield _problem(
                    f"adapter {component.ref!r} has no adapts relation to the model it adapts",
                    f"components[{index}]",
                )
            elif len(adapted) > 1:
                yield _problem(
                    f"adapter {component.ref!r} adapts {len(adapted)} models; an adapter "
                    "adapts exactly one",
                    f"components[{index}]",
                )

    # --- queries -----------------------------------------------------------------------------

    def __contains__(self, ref: object) -> bool:
        return ref in self._index.by_ref

    def __len__(self) -> int:
        return len(self.components)

    def get(self, ref: str) -> AnyComponent | None:
        """The component with this ref, or None."""
        return self._index.by_ref.get(ref)

    def component(self, ref: str) -> AnyComponent:
        """The component with this ref; :class:`ValidationError` when there is none."""
        found = self._index.by_ref.get(ref)
        if found is None:
            raise ValidationError(f"no component with ref {ref!r}", "ref")
        return found

    def of_type(self, cls: type[C]) -> tuple[C, ...]:
        """The components of one class, in BOM order: ``bom.of_type(Dataset)``."""
        memo = self._index.by_class
        found = memo.get(cls)
        if found is None:
            found = memo[cls] = tuple(c for c in self.components if isinstance(c, cls))
        return cast("tuple[C, ...]", found)

    def of_kind(self, kind: ComponentKind) -> tuple[AnyComponent, ...]:
        """The components of one kind, in BOM order."""
        return tuple(c for c in self.components if c.kind is kind)

    def outgoing(self, ref: str, kind: RelationKind | None = None) -> tuple[Relation, ...]:
        """Relations whose source is ``ref`` (optionally only of one kind)."""
        found = self._index.outgoing.get(ref, ())
        return tuple(r for r in found if kind is None or r.kind is kind)

    def incoming(self, ref: str, kind: RelationKind | None = None) -> tuple[Relation, ...]:
        """Relations whose target is ``ref`` (optionally only of one kind)."""
        found = self._index.incoming.get(ref, ())
        return tuple(r for r in found if kind is None or r.kind is kind)

    def _walk(
        self,
        start: str,
        step: dict[str, list[Relation]],
        follow: frozenset[RelationKind] | None,
        upstream: bool,
    ) -> tuple[AnyComponent, ...]:
        self.component(start)
        seen = {start}
        order: list[AnyComponent] = []
        queue = deque([start])
        while queue:
            ref = queue.popleft()
            for relation in step.get(ref, ()):
                if follow is not None and relation.kind not in follow:
                    continue
                other = relation.target if upstream else relation.source
                if other not in seen:
                    seen.add(other)
                    order.append(self._index.by_ref[other])
                    queue.append(other)
        return tuple(order)

    def lineage(self, ref: str) -> tuple[AnyComponent, ...]:
        """What ``ref`` was made from, nearest first: the models it derives from, adapts or
        was quantized from, back to the base model, and the datasets each was trained on."""
        follow = frozenset(
            {
                RelationKind.DERIVED_FROM,
                RelationKind.QUANTIZED_FROM,
                RelationKind.ADAPTS,
                RelationKind.TRAINED_ON,
            }
        )
        return self._walk(ref, self._index.outgoing, follow, upstream=True)

    def base_models(self, ref: str) -> tuple[AnyComponent, ...]:
        """The roots of the lineage of ``ref``: models it descends from that descend from none."""
        roots = []
        for component in (self.component(ref), *self.lineage(ref)):
            if component.kind is not ComponentKind.MODEL:
                continue
            if not any(r.kind.is_lineage for r in self._index.outgoing.get(component.ref, ())):
                roots.append(component)
        return tuple(roots)

    def dependencies(self, ref: str) -> tuple[AnyComponent, ...]:
        """Everything ``ref`` rests on, following every relation from source to target."""
        return self._walk(ref, self._index.outgoing, None, upstream=True)

    def dependents(self, ref: str) -> tuple[AnyComponent, ...]:
        """Everything that rests on ``ref``, directly or not, nearest first: for a dataset,
        the models trained on it, the models derived from those, the routers and guards that
        use them. The deployed system (the BOM's subject) rests on every component."""
        return self._walk(ref, self._index.incoming, None, upstream=False)

    def identity(self, ref: str) -> tuple[str, str, str]:
        """The version-independent identity key of a component (see :func:`identity_key`)."""
        return identity_key(self.component(ref))

    # --- building ----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        name: str,
        version: str | None = None,
        *,
        unit: Unit = Unit.DEPLOYED_SYSTEM,
        **subject: object,
    ) -> Bom:
        """An empty BOM describing ``name`` (a deployed system unless ``unit`` says otherwise)."""
        return cls(
            metadata=BomMetadata(subject=Subject(name=name, version=version, unit=unit, **subject))  # type: ignore[arg-type]
        )

    def add(
        self,
        *components: AnyComponent | Iterable[AnyComponent],
        relations: Iterable[Relation] = (),
    ) -> Bom:
        """A new BOM with these components (components or iterables of them) and relations
        added, checked once. Components that need a relation to be valid, such as an adapter
        and its ``adapts`` relation, are added together::

            bom.add(lora, relations=[Relation(kind=RelationKind.ADAPTS, source=..., target=...)])
        """
        added: list[AnyComponent] = []
        for item in components:
            if isinstance(item, Component):
                added.append(item)
            else:
                added.extend(item)
        return attrs.evolve(
            self,
            components=(*self.components, *added),
            relations=(*self.relations, *relations),
        )

    def relate(
        self,
        source: str,
        kind: RelationKind | str,
        target: str,
        *,
        method: DerivationMethod | str | None = None,
        stage: TrainingStage | str | None = None,
        order: int | None = None,
        condition: str | None = None,
    ) -> Bom:
        """A new BOM with the relation ``source --kind--> target`` added.

        ``kind``, ``method`` and ``stage`` take members or their string values:
        ``bom.relate("m", "trained-on", "d", stage="sft")``.
        """
        relation = Relation(
            kind=kind,
            source=source,
            target=target,
            method=method,
            stage=stage,
            order=order,
            condition=condition,
        )
        return attrs.evolve(self, relations=(*self.relations, relation))

    def with_relations(self, *relations: Relation) -> Bom:
        """A new BOM with these relations appended."""
        return attrs.evolve(self, relations=(*self.relations, *relations))

    def replace(self, component: AnyComponent) -> Bom:
        """A new BOM in which the component with the same ref is replaced by ``component``."""
        self.component(component.ref)
        return attrs.evolve(
            self,
            components=tuple(component if c.ref == component.ref else c for c in self.components),
        )

    def remove(self, ref: str) -> Bom:
        """A new BOM without the component ``ref`` and without the relations that touch it."""
        self.component(ref)
        return attrs.evolve(
            self,
            components=tuple(c for c in self.components if c.ref != ref),
            relations=tuple(r for r in self.relations if ref not in (r.source, r.target)),
        )

    def compose(self, *others: Bom, subject: Subject | None = None) -> ComposeResult:
        """One system BOM from this BOM and ``others`` (model scans, hand-written parts).

        Components are unified by identity; a conflicting field keeps this BOM's value and is
        reported in :attr:`ComposeResult.conflicts`; models a deployment serves are linked to
        the components that describe them. The subject is ``subject`` or this BOM's.
        """
        from fmbom._compose import compose

        return compose((self, *others), subject=subject)

    def with_metadata(self, metadata: BomMetadata) -> Bom:
        """A new BOM with other metadata: ``bom.with_metadata(attrs.evolve(bom.metadata, ...))``."""
        return attrs.evolve(self, metadata=metadata)
