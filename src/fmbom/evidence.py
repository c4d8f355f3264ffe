"""What a component's facts rest on: the files it consists of and where each field was read.

A scan records, for every component, the files that make it up or document it
(:class:`FileRecord`: path, size, digest, and whether the file is a Git LFS pointer standing
in for content that is absent) and, for every field it filled, the :class:`FieldSource`: the
file and the key, header field, card section or file-name convention the value was read from,
and whether it was stated there or derived (computed, counted, identified). Both are ordinary
fields of the object model, so native JSON, CycloneDX and diff carry them.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

import attrs

from fmbom import _convert as c
from fmbom import _validate as v
from fmbom.errors import ValidationError
from fmbom.values import Digest

__all__ = ["DtypeCount", "FieldSource", "FileRecord", "sort_files", "sort_sources"]


@attrs.frozen(kw_only=True, field_transformer=v.named)
class FileRecord:
    """One file of a component: its path (relative to the scanned root), size and digest.

    ``lfs_pointer`` marks a Git LFS pointer file: the size and digest are those of the content
    it names, which is not present.
    """

    path: str = attrs.field(validator=v.non_empty)
    size: int | None = attrs.field(default=None, validator=v.non_negative)
    digest: Digest | None = None
    lfs_pointer: bool = False


@attrs.frozen(kw_only=True, field_transformer=v.named)
class FieldSource:
    """Where the value of one field came from.

    ``field`` is the field's name (dotted inside nested records, e.g.
    ``governance.identity.limitations``; ``lineage`` for the component's lineage relations),
    ``file`` the file it was read from, ``locator`` the key, header field, card section or
    file-name convention inside it, and ``derived`` is true when the value was computed from
    what the file states rather than stated by it.
    """

    field: str = attrs.field(validator=v.non_empty)
    file: str = attrs.field(validator=v.non_empty)
    locator: str = attrs.field(validator=v.non_empty)
    derived: bool = False

    def __str__(self) -> str:
        how = "derived" if self.derived else "stated"
        return f"{self.file} {self.locator} ({how})"


@attrs.frozen(kw_only=True, field_transformer=v.named)
class DtypeCount:
    """How many parameters a weights artifact holds in one dtype."""

    dtype: str = attrs.field(validator=v.non_empty)
    parameters: int = attrs.field(validator=v.non_negative)


def sort_files(items: Iterable[FileRecord]) -> tuple[FileRecord, ...]:
    """Files in path order; a path listed twice is a :class:`ValidationError`."""
    files = sorted(c.items_of(FileRecord, items, "a FileRecord"), key=lambda f: f.path)
    for index, (first, second) in enumerate(pairwise(files)):
        if first.path == second.path:
            raise ValidationError(f"file path {first.path!r} is listed twice", f"[{index + 1}]")
    return tuple(files)


def sort_sources(items: Iterable[FieldSource]) -> tuple[FieldSource, ...]:
    """Sources in field order; a field with two sources is a :class:`ValidationError`."""
    sources = sorted(c.items_of(FieldSource, items, "a FieldSource"), key=lambda s: s.field)
    for index, (first, second) in enumerate(pairwise(sources)):
        if first.field == second.field:
            raise ValidationError(f"field {first.field!r} has two sources", f"[{index + 1}]")
    return tuple(sources)
