"""Two versions of a CycloneDX JSON document as :mod:`fmbom.cyclonedx._pair` parses them: a
:class:`Side` per document, a :class:`Unit` per item of its components list, and what reads
them back (:func:`parsed_component`) or gives up on reading in part (:class:`ReadInFullError`).
"""

from __future__ import annotations

import json
from typing import Any, Final

from fmbom._bounded import _bad_number

__all__ = [
    "DECODER",
    "ML_MODEL",
    "REF_LENGTH",
    "ReadInFullError",
    "Side",
    "Unit",
    "parsed_component",
    "strings",
    "usable",
]

#: The longest bom-ref the reader keeps (``_read_common.REF``).
REF_LENGTH: Final = 512
ML_MODEL: Final = "machine-learning-model"
_NO_MENTIONS: Final[frozenset[str]] = frozenset()


class ReadInFullError(Exception):
    """The documents are not of the kind the diff can read in part: read them in full."""


def _refuse(token: str) -> Any:
    raise ReadInFullError(token)


DECODER: Final = json.JSONDecoder(parse_constant=_refuse, parse_float=_bad_number)


class Unit:
    """One item of a document's components list (with what is nested in it)."""

    __slots__ = (
        "after",
        "data",
        "end",
        "mentions",
        "name",
        "nested",
        "partner",
        "quote",
        "raw_name",
        "ref",
        "start",
        "type",
    )

    def __init__(
        self,
        start: int,
        end: int,
        ref: str | None,
        name: str,
        *,
        kind: Any,
        raw_name: Any,
        quote: int,
        after: int,
    ) -> None:
        self.start = start
        self.end = end
        self.ref = ref
        #: The case-folded name the diff pairs components by ("unnamed" when blank).
        self.name = name
        #: The CycloneDX type and name, as written.
        self.type = kind
        self.raw_name = raw_name
        #: Where the ref's value is in the text, from its opening quote to just after it
        #: (-1: a special unit, read in full).
        self.quote = quote
        self.after = after
        #: The parsed component, kept for special units only.
        self.data: dict[str, Any] | None = None
        #: Every valid bom-ref of a special unit, its own and nested ones (empty for a unit
        #: compared by its text, whose only ref is its own).
        self.nested: tuple[str, ...] = ()
        #: Every string of a special unit (the refs it may name).
        self.mentions: frozenset[str] = _NO_MENTIONS
        #: The index of the twin on the other side.
        self.partner: int | None = None

    @property
    def refs(self) -> tuple[str, ...]:
        """Every valid bom-ref of the unit (nested ones too)."""
        if self.nested:
            return self.nested
        return () if self.ref is None else (self.ref,)


class Side:
    """One document, parsed member by member."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.members: list[tuple[str, Any]] = []
        self.units: list[Unit] = []
        #: Every component ref (nested and metadata components too) -> its unit (-1: fixed).
        self.unit_of: dict[str, int] = {}
        #: The graph of the ``dependencies`` member: source ref -> target refs, in order.
        self.edges: dict[str, list[str]] = {}
        #: The ref of each item of ``dependencies``.
        self.dependencies: list[str] = []
        #: Where the items of ``dependencies`` still to be checked against the schema are.
        self.unchecked: list[int] = []
        #: The items of ``dependencies`` with more than a ref and its targets, by ref.
        self.written: dict[str, dict[str, Any]] = {}
        self.version: str | None = None
        #: Strings of the metadata and services, which are always read in full.
        self.fixed_mentions: set[str] = set()
        self._sources: dict[str, list[str]] | None = None

    def sources(self) -> dict[str, list[str]]:
        """The graph of the ``dependencies`` member the other way: target ref -> the refs that
        depend on it, in the order the dependencies state them (made once)."""
        found = self._sources
        if found is None:
            found = self._sources = {}
            get = found.get
            for source, targets in self.edges.items():
                for target in targets:
                    listed = get(target)
                    if listed is None:
                        found[target] = [source]
                    else:
                        listed.append(source)
        return found

    def member(self, key: str) -> Any:
        return next((value for name, value in self.members if name == key), None)

    def add_ref(self, ref: str, index: int) -> None:
        if ref in self.unit_of:
            raise ReadInFullError(f"bom-ref {ref!r} twice")
        self.unit_of[ref] = index


def strings(value: Any, found: set[str], refs: list[str]) -> None:
    """Every string of a parsed value into ``found``; the values of "bom-ref" keys into refs."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            ref = item.get("bom-ref")
            if type(ref) is str:
                refs.append(ref)
            for key, inner in item.items():
                found.add(key)
                stack.append(inner)
        elif type(item) is list:
            stack.extend(item)
        elif type(item) is str:
            found.add(item)


def usable(ref: str) -> bool:
    """A bom-ref the reader keeps as it is (not one it would replace or could have made)."""
    # REF ([!-~]{1,512}) with string methods: printable ASCII but the space.
    return (
        0 < len(ref) <= REF_LENGTH
        and ref.isascii()
        and ref.isprintable()
        and " " not in ref
        and not ref.startswith("cdx-")
    )


def parsed_component(side: Side, unit: Unit, other: Side) -> dict[str, Any]:
    """The parsed component of ``unit``: kept from the parse, or parsed from the text (for
    the new side, the text of its old twin, with its own ref)."""
    if unit.data is not None:
        return unit.data
    if unit.partner is not None and not side.text:
        twin = other.units[unit.partner]
        return {**parsed_component(other, twin, side), "bom-ref": unit.ref}
    return DECODER.raw_decode(side.text, unit.start)[0]  # type: ignore[no-any-return]
