"""Matching components across two BOMs by identity, never by bom-ref alone.

Components equal in every field, bom-ref included, are paired first. Then passes, each over
the components the previous ones left unmatched:

1. identity: kind + group (or supplier) + name, case-insensitive, version left out;
2. package URL without its version (and without qualifiers and subpath);
3. same kind, name and version under another group or supplier (a possible substitution);
4. weights with the same set of file paths;
5. an equal content digest (a rename), on the component or on every weights file.

Passes 1 to 3 pair several candidates of one key by equal version, then by version order;
passes 4 and 5 pair only when the key is unique on both sides. Each pass is linear.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import attrs

from fmbom.model import AnyComponent, Weights

__all__ = ["Matching", "match_components", "purl_identity", "purl_namespace"]

Pairs = list[tuple[AnyComponent, AnyComponent]]


@attrs.frozen
class Matching:
    """The result of matching: ``pairs`` (the first ``unchanged`` of them are equal in every
    field, ref included), the unmatched components of the old BOM and of the new one."""

    pairs: Pairs
    unchanged: int
    removed: list[AnyComponent]
    added: list[AnyComponent]


def purl_identity(purl: str | None) -> str | None:
    """``pkg:type/namespace/name`` of a package URL: version, qualifiers, subpath removed."""
    if not purl:
        return None
    base = purl
    for mark in ("#", "?"):
        base = base.split(mark, 1)[0]
    slash = base.rfind("/")
    at = base.rfind("@")
    if at > slash:
        base = base[:at]
    return base.lower()


def purl_namespace(purl: str | None) -> str | None:
    """``pkg:type/namespace`` of a package URL: who publishes it, without name or version."""
    base = purl_identity(purl)
    if base is None:
        return None
    return base.rsplit("/", 1)[0] if "/" in base else base


def _identity(c: AnyComponent) -> Hashable:
    return (c.kind, (c.group or c.supplier or "").strip().lower(), c.name.strip().lower())


def _purl(c: AnyComponent) -> Hashable:
    key = purl_identity(c.purl)
    return None if key is None else (c.kind, key)


def _name_version(c: AnyComponent) -> Hashable:
    return (c.kind, c.name.strip().lower(), c.version)


def _paths(c: AnyComponent) -> Hashable:
    if not isinstance(c, Weights) or not c.files:
        return None
    return frozenset(f.path for f in c.files)


def _digest_keys(c: AnyComponent) -> list[Hashable]:
    keys: list[Hashable] = [(c.kind, str(d)) for d in c.digests]
    if isinstance(c, Weights) and c.files and all(f.digest is not None for f in c.files):
        keys.append((c.kind, frozenset(str(f.digest) for f in c.files)))
    return keys


def _version_order(c: AnyComponent) -> tuple[str, str]:
    """Order among candidates of one key: by version, then by content (never by ref, so
    regenerated refs pair the same way)."""
    return (c.version or "", repr(attrs.evolve(c, ref="-")))


def _pair_group(
    olds: list[AnyComponent],
    news: list[AnyComponent],
    pairs: list[tuple[AnyComponent, AnyComponent]],
) -> tuple[list[AnyComponent], list[AnyComponent]]:
    if len(olds) == 1 and len(news) == 1:
        pairs.append((olds[0], news[0]))
        return [], []
    by_version: dict[str | None, list[AnyComponent]] = {}
    for component in sorted(news, key=_version_order):
        by_version.setdefault(component.version, []).append(component)
    rest_old: list[AnyComponent] = []
    for component in sorted(olds, key=_version_order):
        same = by_version.get(component.version)
        if same:
            pairs.append((component, same.pop(0)))
        else:
            rest_old.append(component)
    rest_new = sorted((c for group in by_version.values() for c in group), key=_version_order)
    count = min(len(rest_old), len(rest_new))
    pairs.extend(zip(rest_old[:count], rest_new[:count], strict=True))
    return rest_old[count:], rest_new[count:]


def _pass(
    olds: Sequence[AnyComponent],
    news: Sequence[AnyComponent],
    key: Callable[[AnyComponent], Hashable],
    pairs: list[tuple[AnyComponent, AnyComponent]],
    *,
    unique: bool,
) -> tuple[list[AnyComponent], list[AnyComponent]]:
    old_groups: dict[Hashable, list[AnyComponent]] = {}
    left_old: list[AnyComponent] = []
    for k, component in zip(map(key, olds), olds, strict=True):
        if k is None:
            left_old.append(component)
        elif k in old_groups:
            old_groups[k].append(component)
        else:
            old_groups[k] = [component]
    new_groups: dict[Hashable, list[AnyComponent]] = {}
    left_new: list[AnyComponent] = []
    for k, component in zip(map(key, news), news, strict=True):
        if k is None or k not in old_groups:
            left_new.append(component)
        elif k in new_groups:
            new_groups[k].append(component)
        else:
            new_groups[k] = [component]
    for k, group in old_groups.items():
        found = new_groups.get(k)
        if found is None:
            left_old.extend(group)
        elif len(group) == 1 and len(found) == 1:
            pairs.append((group[0], found[0]))
        elif unique:
            left_old.extend(group)
            left_new.extend(found)
        else:
            rest_old, rest_new = _pair_group(group, found, pairs)
            left_old.extend(rest_old)
            left_new.extend(rest_new)
    return left_old, left_new


def _digest_pass(
    olds: list[AnyComponent],
    news: list[AnyComponent],
    pairs: list[tuple[AnyComponent, AnyComponent]],
) -> tuple[list[AnyComponent], list[AnyComponent]]:
    old_index: dict[Hashable, list[AnyComponent]] = {}
    new_index: dict[Hashable, list[AnyComponent]] = {}
    for component in olds:
        for k in _digest_keys(component):
            old_index.setdefault(k, []).append(component)
    for component in news:
        for k in _digest_keys(component):
            new_index.setdefault(k, []).append(component)
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    for k, found in old_index.items():
        other = new_index.get(k)
        if other is None or len(found) != 1 or len(other) != 1:
            continue
        a, b = found[0], other[0]
        if a.ref in taken_old or b.ref in taken_new:
            continue
        taken_old.add(a.ref)
        taken_new.add(b.ref)
        pairs.append((a, b))
    return (
        [c for c in olds if c.ref not in taken_old],
        [c for c in news if c.ref not in taken_new],
    )


def _unchanged(
    olds: Sequence[AnyComponent],
    news: Sequence[AnyComponent],
    pairs: list[tuple[AnyComponent, AnyComponent]],
) -> tuple[list[AnyComponent], list[AnyComponent]]:
    """Components equal in every field, ref included: the common case, paired at once."""
    by_ref = {c.ref: c for c in news}
    rest_old: list[AnyComponent] = []
    for component in olds:
        other = by_ref.get(component.ref)
        if other is not None and other == component:
            pairs.append((component, other))
            del by_ref[component.ref]
        else:
            rest_old.append(component)
    if len(by_ref) == len(news):
        return rest_old, list(news)
    return rest_old, [c for c in news if by_ref.get(c.ref) is c]


def match_components(olds: Sequence[AnyComponent], news: Sequence[AnyComponent]) -> Matching:
    """Pair the components of two BOMs: (pairs, unmatched old, unmatched new)."""
    pairs: list[tuple[AnyComponent, AnyComponent]] = []
    rest_old, rest_new = _unchanged(olds, news, pairs)
    unchanged = len(pairs)
    rest_old, rest_new = _pass(rest_old, rest_new, _identity, pairs, unique=False)
    if rest_old and rest_new:
        rest_old, rest_new = _pass(rest_old, rest_new, _purl, pairs, unique=False)
    if rest_old and rest_new:
        rest_old, rest_new = _pass(rest_old, rest_new, _name_version, pairs, unique=False)
    if rest_old and rest_new:
        rest_old, rest_new = _pass(rest_old, rest_new, _paths, pairs, unique=True)
    if rest_old and rest_new:
        rest_old, rest_new = _digest_pass(rest_old, rest_new, pairs)
    return Matching(pairs=pairs, unchanged=unchanged, removed=rest_old, added=rest_new)
