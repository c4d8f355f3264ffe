"""What a diff of two CycloneDX JSON documents must read in full, and what it need not.

Given two documents parsed by :mod:`fmbom.cyclonedx._pair`, each side is reduced to a smaller
document that holds every component the comparison looks at:

- the components with no twin on the other side (changed, added, removed) and the special
  ones (read in full whatever changed);
- the twins that share a name with one of those: the diff pairs the components of one name by
  version and content, so such a group is compared whole;
- the components whose ``dependencies`` differ (a dependency on a component with no twin
  counts as differing) and the components on both ends of each differing dependency;
- the components a component read in full names anywhere in it (model card datasets), and
  the ones the metadata and the services name.

A twin left out is equal, ref aside, to its twin, and so is every dependency it states; the
diff would pair them and find no change. A dependency between two components of which one is
left out is stated by both versions, and is left out of both. The diff of the two smaller
documents is then the diff of the whole ones, except for what rests on a changed component
(the reach of a change), which runs through components left out: :class:`Dependents` walks the
whole dependency graph for it, in the order in which the reader would have made the relations.
"""

from __future__ import annotations

from collections import deque
from functools import cache
from typing import Any, Final

from fmbom._subject_ref import SubjectRef
from fmbom.bom import Bom
from fmbom.cyclonedx._common import KIND_OF_TYPE, READ_VERSIONS
from fmbom.cyclonedx._fastschema import item_check
from fmbom.cyclonedx._pair import parse_pair
from fmbom.cyclonedx._sides import (
    ML_MODEL,
    ReadInFullError,
    Side,
    parsed_component,
    strings,
    usable,
)
from fmbom.model import ComponentKind, RelationKind

__all__ = ["Dependents", "Reduced", "read", "split"]

#: ``Side.unit_of`` values of refs outside the components list: a component read in full
#: whatever changed (the metadata's, the services), and a ref that names no component (the
#: subject of a document whose subject is not a model).
_FIXED: Final = -1
_NOT_COMPONENT: Final = -2


class Reduced:
    """What the diff reads of two documents: a smaller document for each side, the twins left
    out of both (old ref -> new ref), where each item of the smaller lists came from, and
    both parsed sides (for :class:`Dependents`)."""

    __slots__ = ("new", "new_origin", "old", "old_origin", "sides", "twins")

    def __init__(
        self,
        documents: tuple[dict[str, Any], dict[str, Any]],
        origins: tuple[dict[str, list[int]], dict[str, list[int]]],
        twins: dict[str, str],
        sides: tuple[Side, Side],
    ) -> None:
        self.old, self.new = documents
        #: For "components" and "dependencies": the index in the document of each item kept.
        self.old_origin, self.new_origin = origins
        self.twins = twins
        self.sides = sides


def split(old: str, new: str) -> Reduced | None:
    """The two documents (JSON text that :func:`fmbom._bounded.plain_json_text` let through)
    reduced to what differs and what its comparison looks at, or None when that cannot be
    shown from their text (then read both in full)."""
    try:
        a, b = parse_pair(old, new)
        return _Reducer(a, b).reduced()
    except ReadInFullError:
        return None


def read(document: dict[str, Any], source: str) -> tuple[Bom, list[str]]:
    """Read a reduced document (valid against the schema as the document it comes from)."""
    from fmbom.cyclonedx._import import read_document

    return read_document(document, source)


def _fixed(side: Side) -> dict[str, Any]:
    """Record the refs and strings of the metadata and services; returns the metadata."""
    from fmbom.cyclonedx._import import is_ours

    metadata = side.member("metadata")
    if metadata is None:
        metadata = {}
    if type(metadata) is not dict or is_ours(metadata):
        raise ReadInFullError("fmbom's own document, or no metadata object")
    subject = metadata.get("component")
    refs: list[str] = []
    if type(subject) is dict:
        ref = subject.get("bom-ref")
        if type(ref) is str:
            if not usable(ref):
                raise ReadInFullError("a bom-ref the reader would replace")
            side.add_ref(ref, _FIXED if subject.get("type") == ML_MODEL else _NOT_COMPONENT)
        for nested in subject.get("components") or ():
            strings(nested, side.fixed_mentions, refs)
    for key, value in side.members:
        if key not in ("components", "dependencies", "services"):
            strings(value, side.fixed_mentions, [])
    services = side.member("services")
    if services is not None:
        strings(services, side.fixed_mentions, refs)
    if "pedigree" in side.fixed_mentions:
        raise ReadInFullError("pedigree ancestors are found among all components")
    # The components' refs were found usable as they were parsed.
    if not all(usable(r) for r in refs):
        raise ReadInFullError("a bom-ref the reader would replace")
    for ref in refs:
        side.add_ref(ref, _FIXED)
    return metadata


@cache
def _component_types(version: str) -> frozenset[str]:
    """The component types of ``version``'s schema."""
    from fmbom.cyclonedx._schema import schema_documents

    spec = schema_documents(version)[0]["definitions"]["component"]["properties"]["type"]
    return frozenset(spec["enum"])


def _check_rest(side: Side) -> None:
    """Everything but the components known valid against the schema, and the components
    list's items unique (those with a ref have a unique one; the others are compared)."""
    from fmbom.cyclonedx._schema import json_schema_errors
    from fmbom.cyclonedx._schemacode import unique

    # The components list, parsed item by item, is None among the members.
    skeleton = {key: [] if value is None else value for key, value in side.members}
    if json_schema_errors(skeleton):
        raise ReadInFullError("not valid as it is")
    refs = [u.ref for u in side.units if u.ref is not None]
    if len(set(refs)) != len(refs):
        raise ReadInFullError("two components of one ref")
    if not unique([u.data for u in side.units if u.ref is None]):
        raise ReadInFullError("two equal components")


class _Reducer:
    def __init__(self, a: Side, b: Side) -> None:
        if a.version != b.version or a.version not in READ_VERSIONS:
            raise ReadInFullError("two spec versions, or one fmbom does not read")
        self.sides = (a, b)
        for side in (a, b):
            _check_rest(side)
        subjects = (_fixed(a), _fixed(b))
        self.kept = (bytearray(len(a.units)), bytearray(len(b.units)))
        check = item_check(str(a.version), "components")
        if check is None:
            raise ReadInFullError("no check of a component for this version")
        self.check = check
        #: Components read that the fast checks do not decide, for the schema validator.
        self.undecided: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
        self.work: list[tuple[int, int]] = []
        #: (old ref, new ref, index on the new side) of every pair of twins.
        self.pairs = [
            (x, y, i)
            for i, u in enumerate(b.units)
            if u.partner is not None
            and (x := a.units[u.partner].ref) is not None
            and (y := u.ref) is not None
        ]
        self.a2b = {x: y for x, y, _ in self.pairs}
        x, y = (s.get("component") for s in subjects)
        if type(x) is dict and type(y) is dict:
            ref_x, ref_y = x.get("bom-ref"), y.get("bom-ref")
            if type(ref_x) is str and type(ref_y) is str:
                self.a2b[ref_x] = ref_y

    def keep(self, side: int, ref: str) -> None:
        index = self.sides[side].unit_of.get(ref, _NOT_COMPONENT)
        if index >= 0 and not self.kept[side][index]:
            self.work.append((side, index))

    def reduced(self) -> Reduced:
        a, b = self.sides
        names: set[str] = set()
        for side, units in enumerate((a.units, b.units)):
            for index, unit in enumerate(units):
                if unit.partner is None:
                    self.work.append((side, index))
                    names.add(unit.name)
        grouped = [
            (index, unit.partner)
            for index, unit in enumerate(b.units)
            if unit.partner is not None and unit.name in names
        ]
        self.work.extend((1, index) for index, _ in grouped)
        if grouped:
            self.keep_neighbours(grouped)
        # What rests on a change is named by the type and name of components left out: one
        # whose type or name the schema refuses is read (then checked, and the documents read
        # in full: a best-effort read would drop it).
        types = _component_types(str(a.version))
        for index, unit in enumerate(a.units):
            if (
                type(unit.type) is not str
                or unit.type not in types
                or type(unit.raw_name) is not str
            ):
                self.work.append((0, index))
        for side, found in enumerate(self.sides):
            for mention in found.fixed_mentions:
                self.keep(side, mention)
        self.compare_dependencies()
        self.close()
        for undecided in self.undecided:
            if undecided:
                from fmbom.cyclonedx._schema import json_schema_errors

                listed = {"bomFormat": "CycloneDX", "specVersion": a.version}
                if json_schema_errors({**listed, "components": undecided}):
                    raise ReadInFullError("a component not valid against the schema")
        twins = {old: new for old, new, i in self.pairs if not self.kept[1][i]}
        old, old_origin = self.document(0)
        new, new_origin = self.document(1)
        a.text = ""  # all that is read is parsed now
        return Reduced((old, new), (old_origin, new_origin), twins, self.sides)

    def keep_neighbours(self, grouped: list[tuple[int, int]]) -> None:
        """Keep both ends of every dependency of twins read with their name group: the diff
        may pair such a twin with another component of its group than its twin, and then
        compares the dependencies of the two as they are."""
        for side, found in enumerate(self.sides):
            sources = found.sources()
            for pair in grouped:
                unit = found.units[pair[1 - side]]
                for ref in unit.refs:
                    for other in found.edges.get(ref, ()):
                        self.keep(side, other)
                    for other in sources.get(ref, ()):
                        self.keep(side, other)

    def compare_dependencies(self) -> None:
        """Keep both ends of every dependency one side states and the other does not, and
        every target of a component that is read in full."""
        a, b = self.sides
        a2b = self.a2b
        b2a = {y: x for x, y in a2b.items()}
        for source, targets in a.edges.items():
            partner = a2b.get(source)
            if partner is None:
                self.keep(0, source)
                for target in targets:
                    self.keep(0, target)
                continue
            theirs = b.edges.get(partner, [])
            if len(targets) == 1 and len(theirs) == 1 and a2b.get(targets[0]) == theirs[0]:
                continue
            mapped: set[object] = {a2b.get(t, ("old", t)) for t in targets}
            if mapped == set(theirs):
                continue
            self.keep(0, source)
            self.keep(1, partner)
            mine = set(theirs)
            for target in targets:
                if a2b.get(target, ("old", target)) not in mine:
                    self.keep(0, target)
            for target in theirs:
                if target not in mapped:
                    self.keep(1, target)
        for source, targets in b.edges.items():
            partner = b2a.get(source)
            if partner is not None and partner in a.edges:
                continue
            self.keep(1, source)
            for target in targets:
                self.keep(1, target)

    def close(self) -> None:
        """Keep, with every unit kept, its twin and what it names (a carried value that
        names a component is compared by what it names)."""
        work = self.work
        while work:
            side, index = work.pop()
            kept = self.kept[side]
            if kept[index]:
                continue
            kept[index] = 1
            found = self.sides[side]
            unit = found.units[index]
            if unit.partner is not None:
                work.append((1 - side, unit.partner))
            if unit.data is None or (unit.quote >= 0 and not unit.mentions):
                unit.data = parsed_component(found, unit, self.sides[1 - side])
                mentions: set[str] = set()
                strings(unit.data, mentions, [])
                unit.mentions = frozenset(mentions)
            if unit.partner is None or side == 0:
                # A twin of the new side is valid when its old twin is, which is kept too.
                valid = self.check(unit.data)
                if valid is False:
                    raise ReadInFullError("a component not valid against the schema")
                if valid is None:
                    self.undecided[side].append(unit.data)
            for mention in unit.mentions:
                self.keep(side, mention)

    def document(self, side_index: int) -> tuple[dict[str, Any], dict[str, list[int]]]:
        side = self.sides[side_index]
        kept = self.kept[side_index]
        origin: dict[str, list[int]] = {"components": [], "dependencies": []}
        components = []
        for index, unit in enumerate(side.units):
            if kept[index]:
                origin["components"].append(index)
                components.append(unit.data)
        document: dict[str, Any] = {}
        for key, value in side.members:
            if key == "components":
                document[key] = components
            elif key == "dependencies" and value is None:
                document[key] = _dependencies(side, kept, origin[key])
            else:
                document[key] = value
        return document, origin


def _dependencies(side: Side, kept: bytearray, origin: list[int]) -> list[dict[str, Any]]:
    """The dependencies with the components left out left out of them."""
    unit_of = side.unit_of

    def present(ref: str) -> bool:
        index = unit_of.get(ref, _NOT_COMPONENT)
        return index < 0 or bool(kept[index])

    found = []
    for index, ref in enumerate(side.dependencies):
        if not present(ref):
            continue
        written = side.written.get(ref)
        item: dict[str, Any] = dict(written) if written is not None else {"ref": ref}
        if written is None and side.edges[ref]:
            item["dependsOn"] = side.edges[ref]
        targets = item.get("dependsOn")
        if targets:
            left = [t for t in targets if present(t)]
            if len(left) != len(targets):
                item["dependsOn"] = left
        origin.append(index)
        found.append(item)
    return found


class Dependents:
    """What rests on a component of one whole document, nearest first, as
    :meth:`fmbom.bom.Bom.dependents` of the document read in full would answer.

    The relations to a component are those of the components read (``bom``: model card
    datasets, nesting, and the dependencies between components read) and every dependency of
    the whole document; a BOM keeps its relations in (kind, source, target) order, and a walk
    takes them in that order.
    """

    def __init__(self, side: Side, bom: Bom) -> None:
        self.side = side
        self.bom = bom
        #: Relations of the components read, by target: (kind, source).
        self.read: dict[str, list[tuple[str, str]]] | None = None
        self.typed: set[tuple[str, str]] = set()
        self.ordered: dict[str, list[str]] = {}

    def _index(self) -> dict[str, list[tuple[str, str]]]:
        read: dict[str, list[tuple[str, str]]] = {}
        for relation in self.bom.relations:
            read.setdefault(relation.target, []).append((relation.kind.value, relation.source))
            if relation.kind is not RelationKind.DEPENDS_ON:
                self.typed.add((relation.source, relation.target))
        return read

    def _sources(self, ref: str) -> list[str]:
        """The sources of the relations to ``ref``, in the BOM's order of relations."""
        found = self.ordered.get(ref)
        if found is None:
            if self.read is None:
                self.read = self._index()
            pairs = set(self.read.get(ref, ()))
            typed = self.typed
            depends_on = RelationKind.DEPENDS_ON.value
            unit_of = self.side.unit_of
            pairs.update(
                (depends_on, source)
                for source in self.side.sources().get(ref, ())
                if source != ref
                and (source, ref) not in typed
                and unit_of.get(source, _NOT_COMPONENT) != _NOT_COMPONENT
            )
            found = self.ordered[ref] = [source for _, source in sorted(pairs)]
        return found

    def __call__(self, ref: str) -> tuple[SubjectRef, ...]:
        seen = {ref}
        order: list[SubjectRef] = []
        queue = deque([ref])
        while queue:
            for source in self._sources(queue.popleft()):
                if source not in seen:
                    seen.add(source)
                    order.append(self._subject(source))
                    queue.append(source)
        return tuple(order)

    def _subject(self, ref: str) -> SubjectRef:
        if ref in self.bom:
            component = self.bom.component(ref)
            return SubjectRef(kind=component.kind, name=component.name, ref=ref)
        unit = self.side.units[self.side.unit_of[ref]]
        kind = KIND_OF_TYPE.get(str(unit.type))
        if kind not in (ComponentKind.MODEL, ComponentKind.DATASET):
            kind = ComponentKind.SOFTWARE
        return SubjectRef(kind=kind, name=unit.raw_name, ref=ref)
