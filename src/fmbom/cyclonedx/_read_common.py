"""What both CycloneDX readers share: refs, the common component fields, construction."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from fractions import Fraction
from typing import Any, Final

import attrs

from fmbom._trusted import build_checked
from fmbom.cyclonedx._common import ORGANIZATION_FIELDS, TEXT_FIELDS, dumps_compact
from fmbom.errors import InputFormatError, ValidationError
from fmbom.licenses import parse_license_expression
from fmbom.model import (
    AnyComponent,
    Digest,
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    Property,
    Relation,
    RelationKind,
)

__all__ = ["Entry", "Pending", "Reader", "as_float", "parse_count", "text", "walk"]

REF: Final = re.compile(r"[!-~]{1,512}")
URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+")
_REFERENCE_TYPES: Final = {t.value: t for t in ExternalReferenceType}
#: Most entries a per-read memo keeps (hostile documents may hold a new value each time).
_MEMO_SIZE: Final = 4096
#: Most values a read shares (the first ones met; an entry costs about 100 bytes).
_SHARED_SIZE: Final = 16384
_SUFFIX: Final = {"k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}
#: Build components from checked values without the field validators (see Reader.build).
TRUSTED = True


def parse_count(value: str) -> int | None:
    """``7B`` → 7000000000, ``8192`` → 8192; None when not a count."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmMbBtT]?)\s*", value)
    if match is None:
        return None
    number, suffix = match.groups()
    # Exact arithmetic: a float loses counts above 2**53 (9007199254740993 read as ...992).
    try:
        parsed = Fraction(number) * _SUFFIX.get(suffix.lower(), 1)
    except ValueError:  # more digits than Python converts
        return None
    return int(parsed) if parsed.denominator == 1 else None


def as_float(value: Any) -> float | None:
    try:
        parsed = float(str(value).strip().rstrip("%"))
    except ValueError:
        return None
    return parsed if math.isfinite(parsed) else None


def text(value: Any) -> str:
    return value if isinstance(value, str) else dumps_compact(value)


@attrs.define
class Entry:
    """A component or service found in the document, with where it was found."""

    data: dict[str, Any]
    path: str
    service: bool
    #: Path of the entry this one is nested in ("$.metadata.component" for the subject).
    parent: str | None = None
    original_ref: str | None = None
    ref: str = ""
    #: Where the entry is written when it is not in the components list (see _carry.INLINE).
    inline: str | None = None


@attrs.frozen
class Pending:
    """An edge found in the document, resolved to a relation once every component is known."""

    source: str
    target: str
    path: str
    kind: RelationKind
    #: The full relation when fmbom wrote it; ``target`` is then resolved by identity.
    relation: Relation | None = None
    #: The identity of the target fmbom wrote next to its ref (kind, group, name, ...).
    identity: dict[str, str] | None = None


@attrs.define
class Reader:
    source: str
    warnings: list[str] = attrs.field(factory=list)
    ours: bool = False
    refs: dict[str, str] = attrs.field(factory=dict)
    components: list[AnyComponent] = attrs.field(factory=list)
    entries: list[Entry] = attrs.field(factory=list)
    taken: set[str] = attrs.field(factory=set)
    pending: list[Pending] = attrs.field(factory=list)
    own_refs: set[str] = attrs.field(factory=set)
    by_purl: dict[str, str] = attrs.field(factory=dict)
    by_name: dict[tuple[Any, Any, Any], list[str]] = attrs.field(factory=dict)
    #: Memos of pure functions for this read: license text → valid, hash name → algorithm.
    _licenses: dict[str, bool] = attrs.field(factory=dict)
    _algorithms: dict[str, HashAlgorithm] = attrs.field(factory=dict)
    #: One object per repeated value (see shared), for the memory of large documents.
    _strings: dict[str, str] = attrs.field(factory=dict)
    _properties: dict[tuple[str, str], Property] = attrs.field(factory=dict)

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(f"{path}: {message}")

    def add(self, entry: Entry, component: AnyComponent) -> None:
        self.entries.append(entry)
        self.components.append(component)

    # --- refs ---------------------------------------------------------------------------

    def new_ref(self, entry: dict[str, Any], hint: str) -> str:
        body = {k: v for k, v in entry.items() if k not in ("components", "services")}
        digest = hashlib.sha256(dumps_compact(body).encode("utf-8")).hexdigest()[:16]
        base = f"cdx-{hint}-{digest}" if hint else f"cdx-{digest}"
        ref, index = base, 1
        while ref in self.taken:
            index += 1
            ref = f"{base}-{index}"
        self.taken.add(ref)
        return ref

    def assign_refs(self, entries: list[Entry]) -> None:
        for entry in entries:
            original = entry.data.get("bom-ref")
            if isinstance(original, str) and REF.fullmatch(original):
                if original not in self.taken:
                    entry.ref = original
                    entry.original_ref = original
                    self.taken.add(original)
                    self.refs[original] = original
                    continue
                self.warn(entry.path, f"duplicate bom-ref {original!r}; a new ref was made")
        for entry in entries:
            if entry.ref:
                continue
            original = entry.data.get("bom-ref")
            entry.ref = self.new_ref(entry.data, "")
            if isinstance(original, str):
                entry.original_ref = original
                self.refs.setdefault(original, entry.ref)
                if not REF.fullmatch(original):
                    self.warn(entry.path, f"bom-ref {original!r} replaced by {entry.ref!r}")

    # --- common fields ------------------------------------------------------------------

    def licenses(self, data: Any, path: str) -> list[str]:
        found: list[str] = []
        if not isinstance(data, list):
            return found
        known = self._licenses
        for index, choice in enumerate(data):
            if not isinstance(choice, dict):
                continue
            if "expression" in choice:
                value = str(choice["expression"])
            else:
                lic = choice.get("license")
                if not isinstance(lic, dict):
                    continue
                value = str(lic.get("id") or lic.get("name") or "")
            valid = known.get(value)
            if valid is None:
                try:
                    parse_license_expression(value)
                except ValidationError:
                    valid = False
                else:
                    valid = True
                if len(known) < _MEMO_SIZE:
                    known[value] = valid
            if not valid:
                self.warn(
                    f"{path}.licenses[{index}]",
                    f"{value!r} is not an SPDX expression; kept as written",
                )
                continue
            if value:
                found.append(self.shared(value))
        return found

    def digests(self, data: Any, path: str) -> list[Digest]:
        if not isinstance(data, list):
            return []
        found: dict[HashAlgorithm, Digest] = {}
        algorithms = self._algorithms
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                continue
            alg = str(item.get("alg", ""))
            try:
                algorithm = algorithms.get(alg)
                if algorithm is None:
                    algorithm = HashAlgorithm.parse(alg)
                    if len(algorithms) < _MEMO_SIZE:
                        algorithms[alg] = algorithm
                # Digest has converters and a check across its fields, no validators.
                digest: Digest = build_checked(
                    Digest, {"algorithm": algorithm, "value": str(item.get("content", ""))}
                )
            except ValidationError as error:
                self.warn(f"{path}.hashes[{index}]", f"kept as written: {error.message}")
                continue
            other = found.get(algorithm)
            if other is not None and other != digest:
                self.warn(
                    f"{path}.hashes[{index}]", "second digest of one algorithm kept as written"
                )
                continue
            found[algorithm] = digest
        return list(found.values())

    def references(self, data: Any) -> list[ExternalReference]:
        found: list[ExternalReference] = []
        if not isinstance(data, list):
            return found
        for item in data:
            if not isinstance(item, dict):
                continue
            url = str(item.get("url", ""))
            kind = _REFERENCE_TYPES.get(str(item.get("type", "other")))
            if kind is None or not URL.fullmatch(url):
                continue
            comment = item.get("comment")
            # the url is checked against the validator's pattern above
            reference: ExternalReference = build_checked(
                ExternalReference,
                {"url": url, "type": kind, "comment": None if comment is None else str(comment)},
            )
            found.append(reference)
        return found

    def common(self, entry: Entry) -> dict[str, Any]:
        """The fields every component has, from the keys CycloneDX gives them."""
        data = entry.data
        get = data.get
        fields: dict[str, Any] = {"ref": entry.ref}
        for field, key in TEXT_FIELDS:
            value = get(key)
            if value is not None:
                fields[field] = value if value.__class__ is str else text(value)
        version = fields.get("version")
        if version is not None:
            fields["version"] = self.shared(version)
        name = fields.get("name")
        if name is None or not name.strip():
            self.warn(entry.path, "no name; named 'unnamed'")
            fields["name"] = "unnamed"
        purl = fields.get("purl")
        if purl is not None and not URL.fullmatch(purl):
            del fields["purl"]
            self.warn(entry.path, f"purl {purl!r} is not a URL; kept as written")
        for field, key in ORGANIZATION_FIELDS:
            organization = get(key)
            if isinstance(organization, dict) and organization.get("name") is not None:
                fields[field] = self.shared(str(organization["name"]))
        authors = get("authors")
        if isinstance(authors, list):
            fields["authors"] = [
                self.shared(str(a["name"]))
                for a in authors
                if isinstance(a, dict) and a.get("name")
            ]
        elif isinstance(get("author"), str):
            fields["authors"] = [self.shared(data["author"])]
        tags = get("tags")
        if isinstance(tags, list):
            fields["tags"] = [self.shared(str(tag)) for tag in tags]
        fields["licenses"] = self.licenses(get("licenses"), entry.path)
        fields["digests"] = self.digests(get("hashes"), entry.path)
        fields["external_references"] = self.references(get("externalReferences"))
        return fields

    def properties(self, data: Any) -> list[Property]:
        found: list[Property] = []
        if not isinstance(data, list):
            return found
        shared = self._properties
        for item in data:
            if not isinstance(item, dict):
                continue
            name = str(item.get("name", ""))
            if name.strip():
                value = item.get("value", "")
                if value.__class__ is not str:
                    value = text(value)
                prop = shared.get((name, value))
                if prop is None:
                    # the name is checked for emptiness above, as its validator does
                    prop = build_checked(Property, {"name": name, "value": value})
                    if len(shared) < _SHARED_SIZE:
                        shared[name, value] = prop
                found.append(prop)
        return found

    def shared(self, value: str) -> str:
        """``value``, or an equal string read before (one object for a text many components
        repeat: a supplier, a license, a version)."""
        strings = self._strings
        found = strings.get(value)
        if found is None:
            if len(strings) < _SHARED_SIZE:
                strings[value] = value
            return value
        return found

    def build(
        self, cls: type[Any], fields: dict[str, Any], path: str, *, checked: bool = False
    ) -> AnyComponent:
        """Construct, dropping (with a warning) each field the object model rejects.

        ``checked``: every value is one the reader has checked against the field's validator
        (see :mod:`fmbom._trusted`), so the object is built without running them again.
        """
        if checked and TRUSTED:
            try:
                built: AnyComponent = build_checked(cls, fields)
            except ValidationError:
                pass  # the checks across fields: the validated path names what to drop
            else:
                return built
        for _ in range(len(fields) + 1):
            try:
                component: AnyComponent = cls(**fields)
                return component
            except ValidationError as error:
                field = re.split(r"[.\[]", error.path or "")[0]
                if field in ("", "ref", "name") or field not in fields:
                    raise InputFormatError(f"{path}: {error}", self.source) from None
                self.warn(path, f"{field} kept as written: {error.message}")
                del fields[field]
        raise InputFormatError(f"{path}: cannot be read", self.source)  # pragma: no cover

    def index(self) -> None:
        """Index the components read so far by purl and by (name, group, version)."""
        self.by_purl.clear()
        self.by_name.clear()
        for component in self.components:
            if component.purl is not None:
                self.by_purl.setdefault(component.purl, component.ref)
            key = (component.name, component.group, component.version)
            self.by_name.setdefault(key, []).append(component.ref)


def walk(items: Any, path: str, *, service: bool, parent: str | None) -> Iterator[Entry]:
    """Every component (or service) of a list, nested ones after their parent."""
    if not isinstance(items, list):
        return
    key = "services" if service else "components"
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        here = f"{path}[{index}]"
        yield Entry(data=item, path=here, service=service, parent=parent)
        children = item.get(key)
        if children:
            yield from walk(children, f"{here}.{key}", service=service, parent=here)
