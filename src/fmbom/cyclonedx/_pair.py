"""Two versions of a CycloneDX JSON document parsed member by member, with the components of
the new one that are *twins* of components of the old one found from their text.

A tool that writes a BOM again after a release writes most components as they were, often with
a new ``bom-ref`` (many tools derive refs from a run) and in another order. Here no tree of
either document is kept: the old document's components are parsed one at a time, checked
against the schema and indexed by the text around their ref; a component of the new document
whose JSON text is the same except for the value of ``bom-ref`` is a twin, found with a look-up
and two comparisons of text, without parsing it. Everything else is parsed.

A component is *special*, never a twin, when the reader looks into it beyond its own fields
(nested components, model card datasets) or its text cannot be compared as written (an escape,
no usable bom-ref, more than one "bom-ref" in it, no name). Anything this parse does not show
to be safe (``pedigree`` ancestors, which are matched among all components; a document that is
not an object) raises :class:`ReadInFullError`: the caller then reads the documents in full.
:mod:`fmbom.cyclonedx._reduce` decides what the diff reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from fmbom.cyclonedx import _spans
from fmbom.cyclonedx._common import READ_VERSIONS
from fmbom.cyclonedx._fastschema import item_check
from fmbom.cyclonedx._sides import (
    DECODER,
    REF_LENGTH,
    ReadInFullError,
    Side,
    Unit,
    strings,
    usable,
)

__all__ = ["parse_pair"]

_WS: Final = re.compile(r"[ \t\n\r]*")
_BOM_REF: Final = '"bom-ref"'
#: What follows the "bom-ref" key in most documents, up to the value's opening quote.
_USUAL: Final = ': "'
#: A "bom-ref" member whose value has no escape (group 1: the value).
_REF_VALUE: Final = re.compile(r'"bom-ref"[ \t\n\r]*:[ \t\n\r]*"([^"\\]*)"')
_SEPARATORS: Final = frozenset({",", "]"})
_NONE: Final[list[int]] = []
#: The keys of a dependency that its ref and its list of targets give back.
_PLAIN_DEPENDENCY: Final = frozenset({"ref", "dependsOn"})
#: Characters after (or before) a ref's value that a twin is looked up by.
_HEAD: Final = 48
#: The most candidates one look-up verifies before it parses the component instead.
_CANDIDATES: Final = 8


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


class _Parser:
    """Parses one document; with ``other`` (the old side), finds twins by their text."""

    def __init__(
        self, side: Side, other: Side | None, tables: _Tables | None, spans: _spans.Spans | None
    ) -> None:
        self.side = side
        self.other = other
        self.tables = tables
        #: The lists as msgspec found them (None: parse every item with json).
        self.spans = spans
        #: One string for each component type.
        self.kinds: dict[str, str] = {}

    def document(self) -> None:
        text = self.side.text
        pos = _skip(text, 0)
        if text[pos : pos + 1] != "{":
            raise ReadInFullError("not an object")
        pos = _skip(text, pos + 1)
        seen: set[str] = set()
        if text[pos : pos + 1] == "}":
            pos += 1
        else:
            while True:
                if text[pos : pos + 1] != '"':
                    raise ReadInFullError("key")
                key, pos = DECODER.raw_decode(text, pos)
                pos = _skip(text, pos)
                if text[pos : pos + 1] != ":" or key in seen:
                    raise ReadInFullError("member")
                seen.add(key)
                pos = _skip(text, pos + 1)
                if key == "components" and text[pos : pos + 1] == "[":
                    self.side.members.append((key, None))
                    end = self.listed_components(pos)
                    pos = self.components(pos + 1) if end < 0 else end
                elif key == "dependencies" and text[pos : pos + 1] == "[":
                    self.side.members.append((key, None))
                    end = self.listed_dependencies(pos)
                    pos = self.dependencies(pos + 1) if end < 0 else end
                else:
                    value, pos = DECODER.raw_decode(text, pos)
                    self.side.members.append((key, value))
                    if key == "specVersion":
                        self.side.version = value if type(value) is str else None
                pos = _skip(text, pos)
                mark = text[pos : pos + 1]
                if mark == ",":
                    pos = _skip(text, pos + 1)
                    continue
                if mark != "}":
                    raise ReadInFullError("object end")
                pos += 1
                break
        if _skip(text, pos) != len(text):
            raise ReadInFullError("trailing text")

    def dependencies(self, pos: int) -> int:
        """The dependencies, one at a time: each checked, its edges recorded with the refs
        the components use (one string each), and its ref."""
        side = self.side
        # Before the specVersion (keys in another order), the items are checked at the end.
        check = item_check(side.version, "dependencies") if side.version in READ_VERSIONS else None
        text = side.text
        skip = _WS.match
        decode = DECODER.raw_decode
        dependency = self.dependency
        same = {ref: ref for ref in side.unit_of}
        pos = skip(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == "]":
            return pos + 1
        while True:
            item, end = decode(text, pos)
            if check is None:
                side.unchecked.append(pos)
            dependency(item, check, same)
            pos = _next_item(text, end)
            if pos < 0:
                return -pos

    def listed_dependencies(self, pos: int) -> int:
        """:meth:`dependencies` from the list msgspec parsed: where the list ends, or -1 when
        there is none of the list at ``pos`` (then parse it item by item)."""
        side = self.side
        whole = None if self.spans is None else self.spans.dependencies
        check = item_check(side.version, "dependencies") if side.version in READ_VERSIONS else None
        if whole is None or check is None or not self.spans.at(whole, pos):  # type: ignore[union-attr]
            return -1
        same = {ref: ref for ref in side.unit_of}
        plain = _spans.dependencies(whole)
        if plain is not None:
            self.plain_dependencies(plain, same)
            return pos + len(whole)
        items = _spans.parsed(whole)
        if items is None:
            return -1
        dependency = self.dependency
        for item in items:
            dependency(item, check, same)
        return pos + len(whole)

    def plain_dependencies(self, items: list[_spans.Dependency], same: dict[str, str]) -> None:
        """The dependencies, each a ref and its targets (known valid when they are unique)."""
        edge = self.edge
        for item in items:
            targets = item.dependsOn
            if not isinstance(targets, list):  # not stated
                edge(item.ref, (), same)
            elif len(targets) < 2 or len(set(targets)) == len(targets):
                edge(item.ref, targets, same)
            else:
                raise ReadInFullError("a dependency not known valid")

    def dependency(self, item: Any, check: Any, same: dict[str, str]) -> None:
        """One item of the dependencies: checked (with ``check``, or later), then recorded."""
        if type(item) is not dict or (check is not None and check(item) is not True):
            raise ReadInFullError("a dependency not known valid")
        ref: str = item.get("ref")  # type: ignore[assignment]  # a string once checked
        targets = item.get("dependsOn")
        if check is None and (
            type(ref) is not str
            or (targets is not None and type(targets) is not list)
            or any(type(t) is not str for t in targets or ())
        ):
            raise ReadInFullError("a dependency that is not a ref and a list of refs")
        ref = self.edge(ref, targets or (), same)
        if not _PLAIN_DEPENDENCY.issuperset(item):
            self.side.written[ref] = item

    def edge(self, ref: str, targets: Sequence[str], same: dict[str, str]) -> str:
        """The edges of one dependency, recorded with the refs the components use (one
        string each); returns its ref as recorded."""
        side = self.side
        ref = same.get(ref, ref)
        if ref in side.edges:
            raise ReadInFullError("two dependencies of one ref")
        side.edges[ref] = list(map(same.get, targets, targets))
        side.dependencies.append(ref)
        return ref

    def components(self, pos: int) -> int:
        text = self.side.text
        skip = _WS.match
        decode = DECODER.raw_decode
        parsed = self.parsed
        pos = skip(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == "]":
            return pos + 1
        twin = self.twin if self.other is not None else None
        while True:
            end = twin(pos) if twin is not None else -1
            if end < 0:
                value, end = decode(text, pos)
                parsed(pos, end, value)
            pos = _next_item(text, end)
            if pos < 0:
                return -pos

    def listed_components(self, pos: int) -> int:
        """:meth:`components` from the texts msgspec found: where the list ends, or -1 when
        there is none of the list at ``pos`` (then parse it item by item).

        An old component is parsed in full only when the fields the pairing looks at (see
        :class:`fmbom.cyclonedx._spans.Head`) do not make it comparable by its text."""
        whole = None if self.spans is None else self.spans.components
        if whole is None or not self.spans.at(whole, pos):  # type: ignore[union-attr]
            return -1
        found = _spans.items(whole)
        if found is None:
            return -1
        text = self.side.text
        decode = DECODER.raw_decode
        twin = self.twin if self.other is not None else None
        at = _skip(text, pos + 1)
        if not found:
            at = -(at + 1) if text[at : at + 1] == "]" else at
        for raw in found:
            end = at + len(raw)
            if twin is not None:
                paired = twin(at)
                if paired < 0:
                    self.parsed(at, end, decode(text, at)[0])
                elif paired != end:
                    raise ReadInFullError("a twin that is not the item msgspec found")
            elif not self.headed(at, end, _spans.head(raw)):
                self.parsed(at, end, decode(text, at)[0])
            at = _next_item(text, end)
            if at < 0:
                break
        if at >= 0 or -at != pos + len(whole):
            raise ReadInFullError("the components list is not the one msgspec found")
        return -at

    def headed(self, start: int, end: int, head: _spans.Head | None) -> bool:
        """An old component comparable by its text, recorded from its :class:`Head`; False
        when the head does not show it comparable (then it is parsed in full)."""
        if (
            head is None
            or head.pedigree is not _spans.UNSET
            or head.components is not _spans.UNSET
            or head.model_card is not _spans.UNSET
        ):
            return False
        ref = head.ref
        cut = self.cut(start, end, ref, head.name)
        if cut is None:
            return False
        kind = None if head.type is _spans.UNSET else head.type
        self.comparable(start, end, cut, ref, kind=kind, raw_name=head.name, data=None)
        return True

    def cut(self, start: int, end: int, ref: Any, raw_name: Any) -> tuple[int, int] | None:
        """Where the ref's value is in the text of a component that is comparable by its text
        (not one with nested components or a model card: the caller sees to those)."""
        text = self.side.text
        if (
            type(ref) is str
            and _name(raw_name) != "unnamed"
            and text.find("\\", start, end) < 0
            and usable(ref)
        ):
            first = text.find(_BOM_REF, start, end)
            if first >= 0 and text.find(_BOM_REF, first + 1, end) < 0:
                return _value_at(text, first, end, ref)
        return None

    def parsed(self, start: int, end: int, data: Any) -> None:
        """A component parsed from the text: comparable by its text, or special (kept
        parsed). It is checked against the schema when it is read (see ``_reduce``)."""
        if type(data) is not dict:
            raise ReadInFullError("a component that is not an object")
        if "pedigree" in data:
            raise ReadInFullError("pedigree ancestors are found among all components")
        get = data.get
        ref: Any = get("bom-ref")
        raw_name = get("name")
        cut = None
        if "components" not in data and "modelCard" not in data:
            cut = self.cut(start, end, ref, raw_name)
        if cut is not None:  # then ref is a string
            self.comparable(start, end, cut, ref, kind=get("type"), raw_name=raw_name, data=data)
            return
        side = self.side
        index = len(side.units)
        unit = Unit(
            start,
            end,
            ref if type(ref) is str else None,
            _name(raw_name),
            kind=get("type"),
            raw_name=raw_name,
            quote=-1,
            after=-1,
        )
        side.units.append(unit)
        found: set[str] = set()
        refs: list[str] = []
        strings(data, found, refs)
        if "pedigree" in found:
            raise ReadInFullError("pedigree ancestors are found among all components")
        unit.data = data
        unit.mentions = frozenset(found)
        if not all(usable(r) for r in refs):
            raise ReadInFullError("a bom-ref the reader would replace")
        unit.nested = tuple(refs)
        for ref_ in refs:
            side.add_ref(ref_, index)

    def comparable(
        self,
        start: int,
        end: int,
        cut: tuple[int, int],
        ref: str,
        *,
        kind: Any,
        raw_name: Any,
        data: dict[str, Any] | None,
    ) -> None:
        """A component comparable by its text: indexed (the old side) or kept parsed (the
        new side's, whose text is dropped)."""
        side = self.side
        text = side.text
        index = len(side.units)
        quote, after = cut
        if type(kind) is str:  # one string for each type
            kind = self.kinds.setdefault(kind, kind)
        unit = Unit(
            start, end, ref, _name(raw_name), kind=kind, raw_name=raw_name, quote=quote, after=after
        )
        side.units.append(unit)
        unit_of = side.unit_of
        if ref in unit_of:
            raise ReadInFullError(f"bom-ref {ref!r} twice")
        unit_of[ref] = index
        tables = self.tables
        if self.other is None and tables is not None:
            prefix = text[start:quote]
            tables.longest = max(tables.longest, quote - start)
            if end - after >= _HEAD:
                key = hash((prefix, text[after : after + _HEAD]))
            else:
                key = hash(prefix)
            found_indexes = tables.keys.get(key)
            if found_indexes is None:
                tables.keys[key] = [index]
            else:
                found_indexes.append(index)
        else:
            unit.data = data  # the new side's text is not kept (see ``parsed_component``)

    def twin(self, pos: int) -> int:
        """The end of the component at ``pos`` when it is a twin of one of the other side's
        (recorded), else -1."""
        other, tables = self.other, self.tables
        if other is None or tables is None:
            return -1
        text = self.side.text
        limit = pos + tables.longest + REF_LENGTH + 2
        first = text.find(_BOM_REF, pos, limit)
        if first < 0:
            return -1
        if text.startswith(_USUAL, first + len(_BOM_REF)):  # how most tools write it
            quote = first + len(_BOM_REF) + len(_USUAL) - 1
            close = text.find('"', quote + 1, limit)
            if close < 0 or text.find("\\", quote, close) >= 0:
                return -1
        else:
            match = _REF_VALUE.match(text, first, limit)
            if match is None:
                return -1
            quote, close = match.start(1) - 1, match.end(1)
        after = close + 1
        prefix = text[pos:quote]
        found = tables.keys.get(hash((prefix, text[after : after + _HEAD])), _NONE)[:_CANDIDATES]
        found += tables.keys.get(hash(prefix), _NONE)[:_CANDIDATES]
        theirs = other.text
        alike = [
            index
            for index in found
            if (unit := other.units[index]).quote >= 0
            and unit.quote - unit.start == len(prefix)
            and text.startswith(theirs[unit.after : unit.end], after)
            and theirs.startswith(prefix, unit.start)
        ]
        if len(alike) > 1:  # the diff pairs these by their refs (see ``_pair_alike``)
            tables.alike[min(alike)] = alike
        for index in alike:
            unit = other.units[index]
            if unit.partner is None:
                ref = text[quote + 1 : close]
                if not usable(ref):
                    return -1
                side = self.side
                mine = Unit(
                    pos,
                    after + unit.end - unit.after,
                    ref,
                    unit.name,
                    kind=unit.type,
                    raw_name=unit.raw_name,
                    quote=quote,
                    after=after,
                )
                mine.partner = index
                unit.partner = len(side.units)
                side.add_ref(ref, unit.partner)
                side.units.append(mine)
                return mine.end
        return -1


def _name(raw_name: Any) -> str:
    """The case-folded name the diff pairs a component by ("unnamed" when it has none)."""
    if type(raw_name) is not str:
        return "unnamed"
    name = raw_name.strip().lower()
    if not name:
        return "unnamed"
    return raw_name if name == raw_name else name  # one string when it is written so


def _next_item(text: str, end: int) -> int:
    """Where the next item of an array starts after one that ends at ``end``; when the array
    ends there instead, minus where the text after it starts."""
    mark = text[end : end + 1]
    if mark not in _SEPARATORS:
        end = _skip(text, end)
        mark = text[end : end + 1]
    if mark == "]":
        return -(end + 1)
    if mark != ",":
        raise ReadInFullError("a list's items not separated by commas")
    return _skip(text, end + 1)


def _value_at(text: str, first: int, end: int, ref: str) -> tuple[int, int] | None:
    """Where the value of the "bom-ref" key at ``first`` is, when it is ``ref`` as written."""
    after_key = first + len(_BOM_REF)
    if text.startswith(_USUAL, after_key):  # how most tools write it
        quote = after_key + len(_USUAL) - 1
    else:
        colon = _skip(text, after_key)
        if text[colon : colon + 1] != ":":
            return None
        quote = _skip(text, colon + 1)
    close = quote + len(ref) + 1
    if close >= end or text[quote] != '"' or text[close] != '"':
        return None
    if text[quote + 1 : close] != ref:
        return None
    return quote, close + 1


class _Tables:
    """The old side's comparable components by their text up to the value of their ref, with
    the text just after it when the component has that much."""

    def __init__(self) -> None:
        self.keys: dict[int, list[int]] = {}
        #: The longest text from a component's start to its ref's value.
        self.longest = 0
        #: Old components alike but for their refs (two or more), by the first of them.
        self.alike: dict[int, list[int]] = {}


def _parse(text: str, old: Side | None, tables: _Tables | None) -> Side:
    side = Side(text)
    # The numbers of the old side's components are checked here: not all are parsed (the
    # new side's are parsed, or the same text as an old one).
    spans = _spans.spans(text, whole_numbers=old is None)
    try:
        _Parser(side, old, tables, spans).document()
    except (ValueError, RecursionError, IndexError) as error:
        raise ReadInFullError(str(error)) from None
    if side.member("bomFormat") != "CycloneDX" or side.version not in READ_VERSIONS:
        raise ReadInFullError("not CycloneDX of a version fmbom reads")
    if side.unchecked:
        check = item_check(side.version, "dependencies")
        for start in side.unchecked:
            if check is None or check(DECODER.raw_decode(text, start)[0]) is not True:
                raise ReadInFullError("a dependency not known valid")
    return side


def parse_pair(old: str, new: str) -> tuple[Side, Side]:
    """Both documents (JSON text that :func:`fmbom._bounded.plain_json_text` let through)
    parsed; the new one's twins paired with the old one's components.

    The new side keeps no text: its components without a twin and its dependencies are kept
    parsed, and a twin is its old twin with another ref (see :func:`parsed_component`).
    """
    tables = _Tables()
    a = _parse(old, None, tables)
    b = _parse(new, a, tables)
    b.text = ""
    for alike in tables.alike.values():
        _pair_alike(a, b, alike)
    return a, b


def _pair_alike(a: Side, b: Side, alike: list[int]) -> None:
    """Pair old components that are alike but for their refs with their new twins as the
    diff pairs them: one with the same ref first, then the rest in the order of their refs
    (a BOM keeps its components in that order; twins found in the order of the text may
    have been paired otherwise)."""
    news = {partner for index in alike if (partner := a.units[index].partner) is not None}
    olds = [index for index in alike if a.units[index].partner is not None]
    by_ref = {a.units[index].ref: index for index in olds}
    pairs = []
    for new in sorted(news, key=lambda index: str(b.units[index].ref)):
        same = by_ref.pop(str(b.units[new].ref), None)
        if same is not None:
            pairs.append((same, new))
            news.discard(new)
    rest = sorted(news, key=lambda index: str(b.units[index].ref))
    pairs.extend(zip(sorted(by_ref.values(), key=lambda i: str(a.units[i].ref)), rest, strict=True))
    for old, new in pairs:
        a.units[old].partner = new
        b.units[new].partner = old
