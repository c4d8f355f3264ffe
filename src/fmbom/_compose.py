"""Composing one system BOM from parts: a deployment scan, model scans, hand-written BOMs.

Components of the parts are unified by identity (kind, group or supplier, name, and the
version when both state one); where two unified components state different values for a
field the first part's value is kept and the difference is reported as a :class:`Conflict`.
A value equal to the field's default, an empty value or None counts as not stated, so the
other part's value fills it without a conflict; names that differ only in case are the same
name. Digests, external references and properties are united.

A served model a deployment scan names (``fmbom:deploy:served-model``) that does not unify by
identity is linked to the model component that describes it in another part: same package URL,
same Hugging Face page, or, when exactly one model has it, the same name. Relations are united
with their refs rewritten; a ref two different components use is made unique.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs

from fmbom.bom import Bom, BomMetadata, Subject, Tool, identity_key
from fmbom.errors import BomValidationError, ValidationError
from fmbom.model import AnyComponent, Component, Model, Relation

__all__ = ["ComposeResult", "Conflict", "Link", "compose"]

SERVED: Final = "fmbom:deploy:served-model"
_SETS: Final = frozenset({"digests", "external_references", "properties"})
_NAMES: Final = frozenset({"name", "group", "supplier"})


def _folded(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


@attrs.frozen(kw_only=True)
class Conflict:
    """Two parts state different values for one field of one component (the first is kept)."""

    ref: str
    field: str
    kept: str
    other: str
    part: int

    def __str__(self) -> str:
        return (
            f"{self.ref}: {self.field}: part {self.part + 1} states {self.other}, kept {self.kept}"
        )


@attrs.frozen(kw_only=True)
class Link:
    """A served model of a deployment linked to the component that describes it."""

    served: str
    model: str
    by: str


@attrs.frozen(kw_only=True)
class ComposeResult:
    """The composed BOM, the conflicts met, the served models linked and those left alone."""

    bom: Bom
    conflicts: tuple[Conflict, ...] = ()
    links: tuple[Link, ...] = ()
    unlinked: tuple[str, ...] = ()


def _stated(value: object, default: object) -> bool:
    return value is not None and value != default and value not in ((), "")


def _shown(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Component):
        return value.ref
    return repr(getattr(value, "value", value))


_DEFAULTS: Final[dict[type[Component], dict[str, object]]] = {}


def _defaults(cls: type[Component]) -> dict[str, object]:
    """Each field's default value (None where there is none), computed once per class."""
    cached = _DEFAULTS.get(cls)
    if cached is not None:
        return cached
    found: dict[str, object] = {}
    for field in attrs.fields(cls):
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        found[field.name] = None if default is attrs.NOTHING else default
    _DEFAULTS[cls] = found
    return found


class _Composer:
    def __init__(self) -> None:
        self.components: dict[str, AnyComponent] = {}
        self.origin: dict[str, int] = {}
        self.by_identity: dict[tuple[str, str, str, str | None], str] = {}
        self.by_base: dict[tuple[str, str, str], list[str]] = {}
        self.conflicts: list[Conflict] = []
        self.relations: dict[tuple[str, str, str], Relation] = {}

    def find(self, component: AnyComponent) -> str | None:
        """The composed component this one unifies with: same identity and version, or the
        only one of that identity when either side states no version."""
        base = identity_key(component)
        found = self.by_identity.get((base[0], base[1], base[2], component.version))
        if found is not None:
            return found
        same = self.by_base.get(base, [])
        if component.version is None:
            return same[0] if len(same) == 1 else None
        unversioned = self.by_identity.get((base[0], base[1], base[2], None))
        return unversioned if unversioned is not None and len(same) == 1 else None

    def take(self, part: int, bom: Bom) -> dict[str, str]:
        """Add one part's components; returns its refs mapped to refs of the composed BOM."""
        mapping: dict[str, str] = {}
        for item in bom.components:
            original = item.ref
            target = self.find(item)
            if target is not None:
                self.merge(target, item, part)
                mapping[original] = target
                continue
            ref = original
            component = item
            if ref in self.components:
                ref = self.fresh(f"p{part + 1}:{original}")
                component = attrs.evolve(item, ref=ref)
            self.components[ref] = component
            self.origin[ref] = part
            base = identity_key(component)
            self.by_identity[(base[0], base[1], base[2], component.version)] = ref
            self.by_base.setdefault(base, []).append(ref)
            mapping[original] = ref
        return mapping

    def fresh(self, ref: str) -> str:
        candidate, number = ref, 1
        while candidate in self.components:
            number += 1
            candidate = f"{ref}#{number}"
        return candidate[:512]

    def merge(self, ref: str, other: AnyComponent, part: int) -> None:
        kept = self.components[ref]
        if type(kept) is not type(other):  # pragma: no cover - identity includes the kind
            return
        changes: dict[str, Any] = {}
        defaults = _defaults(type(kept))
        for field in attrs.fields(type(kept)):
            name = field.name
            if name == "ref":
                continue
            mine, theirs = getattr(kept, name), getattr(other, name)
            if mine == theirs or (name in _NAMES and _folded(mine) == _folded(theirs)):
                continue
            if name in _SETS:
                changes[name] = self.union(ref, name, mine, theirs, part)
            elif not _stated(theirs, defaults[name]):
                continue
            elif not _stated(mine, defaults[name]):
                changes[name] = theirs
            else:
                self.conflicts.append(
                    Conflict(
                        ref=ref, field=name, kept=_shown(mine), other=_shown(theirs), part=part
                    )
                )
        if changes:
            try:
                self.components[ref] = attrs.evolve(kept, **changes)
            except ValidationError as error:
                self.conflicts.append(
                    Conflict(
                        ref=ref,
                        field=error.path or "?",
                        kept="first part's values",
                        other=error.message,
                        part=part,
                    )
                )

    def union(
        self, ref: str, name: str, mine: tuple[Any, ...], theirs: tuple[Any, ...], part: int
    ) -> tuple[Any, ...]:
        if name == "digests":
            algorithms = {d.algorithm: d for d in mine}
            extra = []
            for digest in theirs:
                same = algorithms.get(digest.algorithm)
                if same is None:
                    extra.append(digest)
                elif same != digest:
                    self.conflicts.append(
                        Conflict(
                            ref=ref,
                            field=f"digests.{digest.algorithm.value}",
                            kept=same.value,
                            other=digest.value,
                            part=part,
                        )
                    )
            return (*mine, *extra)
        return (*mine, *(item for item in theirs if item not in mine))

    def relate(self, relation: Relation, mapping: dict[str, str], part: int) -> None:
        source, target = mapping.get(relation.source), mapping.get(relation.target)
        if source is None or target is None or source == target:
            return
        moved = relation
        if (source, target) != (relation.source, relation.target):
            moved = attrs.evolve(relation, source=source, target=target)
        found = self.relations.get(moved.key)
        if found is None:
            self.relations[moved.key] = moved
        elif found != moved:
            self.conflicts.append(
                Conflict(
                    ref=source,
                    field=f"{relation.kind.value} {target}",
                    kept=_relation_text(found),
                    other=_relation_text(moved),
                    part=part,
                )
            )


def _relation_text(relation: Relation) -> str:
    details = [
        f"{name}={getattr(relation, name)}"
        for name in ("method", "stage", "order", "condition")
        if getattr(relation, name) is not None
    ]
    return ", ".join(details) or "no details"


def _page_keys(model: Model) -> set[str]:
    return {r.url.rstrip("/").lower() for r in model.external_references}


class _Described:
    """The models that describe served ones, indexed by package URL, web page and name, so each
    served model finds its candidates without a pass over every model."""

    def __init__(self, models: Sequence[Model]) -> None:
        self.models = models
        self.by_purl: dict[str, list[int]] = {}
        self.by_page: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        for position, model in enumerate(models):
            if model.purl:
                self.by_purl.setdefault(model.purl, []).append(position)
            for page in _page_keys(model):
                self.by_page.setdefault(page, []).append(position)
            self.by_name.setdefault(model.name.strip().lower(), []).append(position)

    def candidates(self, model: Model, keep: Callable[[Model], bool]) -> tuple[list[Model], str]:
        """The models ``model`` names, in their original order, by the first key that finds
        any: package URL, then web page, then name (its own or the served name's last part)."""
        if model.purl:
            found = self._kept(self.by_purl.get(model.purl, ()), keep)
            if found:
                return found, "package URL"
        pages = _page_keys(model)
        if pages:
            found = self._kept({p for page in pages for p in self.by_page.get(page, ())}, keep)
            if found:
                return found, "web page"
        served = (model.property(SERVED) or "").strip().lower()
        names = {model.name.strip().lower(), served.rpartition("/")[2]}
        return self._kept({p for name in names for p in self.by_name.get(name, ())}, keep), "name"

    def _kept(self, positions: Iterable[int], keep: Callable[[Model], bool]) -> list[Model]:
        return [self.models[p] for p in sorted(positions) if keep(self.models[p])]


def compose(boms: Sequence[Bom], *, subject: Subject | None = None) -> ComposeResult:
    """One BOM from ``boms``: components unified by identity, served models linked.

    The subject is ``subject``, or the first part's. Raises
    :class:`~fmbom.errors.BomValidationError` when the parts together are inconsistent (a
    lineage cycle across parts, for instance) and :class:`~fmbom.errors.ValidationError` when
    no BOM is given.
    """
    if not boms:
        raise ValidationError("compose needs at least one BOM", "boms")
    composer = _Composer()
    mappings = [composer.take(part, bom) for part, bom in enumerate(boms)]
    for part, (bom, mapping) in enumerate(zip(boms, mappings, strict=True)):
        for relation in bom.relations:
            composer.relate(relation, mapping, part)
    links, unlinked = _link_served(composer)
    metadata = _metadata(boms, subject)
    try:
        bom = Bom(
            metadata=metadata,
            components=tuple(composer.components.values()),
            relations=tuple(composer.relations.values()),
        )
    except BomValidationError as error:
        raise BomValidationError(
            f"the composed BOM is inconsistent: {error.message}", error.path
        ) from None
    return ComposeResult(
        bom=bom, conflicts=tuple(composer.conflicts), links=tuple(links), unlinked=tuple(unlinked)
    )


def _link_served(composer: _Composer) -> tuple[list[Link], list[str]]:
    described = _Described(
        [
            c
            for c in composer.components.values()
            if isinstance(c, Model) and c.property(SERVED) is None
        ]
    )
    links: list[Link] = []
    unlinked: list[str] = []
    moved: dict[str, str] = {}
    for ref, component in list(composer.components.items()):
        if not isinstance(component, Model) or component.property(SERVED) is None:
            continue
        origin = composer.origin.get(ref)

        def other_part(model: Model, origin: int | None = origin) -> bool:
            return composer.origin.get(model.ref) != origin

        found, by = described.candidates(component, other_part)
        if len(found) != 1:
            unlinked.append(ref)
            continue
        target = found[0].ref
        composer.merge(target, _as_described(component, found[0]), composer.origin.get(ref, 0))
        del composer.components[ref]
        moved[ref] = target
        links.append(Link(served=ref, model=target, by=by))
    if moved:
        _repoint(composer, moved)
    return links, unlinked


def _as_described(served: Model, described: Model) -> Model:
    """The served model's facts under the described model's identity (it names it)."""
    return attrs.evolve(
        served,
        ref=described.ref,
        name=described.name,
        group=described.group,
        supplier=described.supplier,
        purl=described.purl or served.purl,
    )


def _repoint(composer: _Composer, moved: dict[str, str]) -> None:
    """Point the relations of linked served models at the models that describe them (the
    targets are never linked themselves); a relation that becomes a duplicate of an earlier
    one, or points at its own source, is dropped."""
    relations: dict[tuple[str, str, str], Relation] = {}
    for relation in composer.relations.values():
        source = moved.get(relation.source, relation.source)
        target = moved.get(relation.target, relation.target)
        if source == target:
            continue
        pointed = relation
        if (source, target) != (relation.source, relation.target):
            pointed = attrs.evolve(relation, source=source, target=target)
        relations.setdefault(pointed.key, pointed)
    composer.relations = relations


def _metadata(boms: Iterable[Bom], subject: Subject | None) -> BomMetadata:
    parts = list(boms)
    first = parts[0].metadata
    tools: list[Tool] = []
    authors: list[str] = []
    for bom in parts:
        tools.extend(t for t in bom.metadata.tools if t not in tools)
        authors.extend(a for a in bom.metadata.authors if a not in authors)
    return attrs.evolve(first, subject=subject or first.subject, tools=tools, authors=authors)
