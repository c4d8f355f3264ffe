"""Diff two BOM documents as stored: read in full only what the comparison needs.

Two CycloneDX JSON versions of a large BOM share most of their components. For them,
:func:`diff_documents` finds from the text what both versions hold alike and reads the rest
(see :mod:`fmbom.cyclonedx._reduce`); the result is the one :func:`~fmbom.diff.diff` gives
for the two BOMs read in full. Every other pair of documents is read in full.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from fmbom._gc import no_gc
from fmbom.diff._engine import diff, diff_parts
from fmbom.diff._policy import Policy
from fmbom.diff._result import DiffResult
from fmbom.errors import FmbomError

__all__ = ["DocumentsDiff", "diff_documents", "diff_owned"]

#: In the text of every CycloneDX JSON document (its "bomFormat"); a cheap first test.
_CYCLONEDX: Final = '"CycloneDX"'
_LISTED: Final = re.compile(r"^\$\.(components|dependencies)\[(\d+)\]")


@attrs.frozen(kw_only=True)
class DocumentsDiff:
    """The diff of two documents, the warnings of reading each, and how much was read.

    ``read`` is the number of components read in full from the old and the new document;
    ``left_out`` the number of components found alike in both from their text and not read
    (0 when both documents were read in full). The warnings are those of what was read: a
    component left out is the same in both versions, and so are its warnings.
    """

    result: DiffResult
    old_warnings: tuple[str, ...]
    new_warnings: tuple[str, ...]
    read: tuple[int, int]
    left_out: int = 0


def diff_documents(
    old: bytes | str,
    new: bytes | str,
    policy: Policy | None = None,
    *,
    old_source: str = "",
    new_source: str = "",
    strict: bool = False,
) -> DocumentsDiff:
    """Every change from the BOM document ``old`` to ``new`` (any format fmbom reads).

    The result is that of reading both (:func:`fmbom.io.loads_bom_with_report`) and calling
    :func:`~fmbom.diff.diff`, but two CycloneDX JSON documents are read in full only where
    they differ. ``strict`` reads both in full and refuses a CycloneDX document that is not
    valid against its schema, as everywhere in fmbom.
    """
    return diff_owned(
        [old], [new], policy, old_source=old_source, new_source=new_source, strict=strict
    )


def diff_owned(
    old: list[bytes | str],
    new: list[bytes | str],
    policy: Policy | None = None,
    *,
    old_source: str = "",
    new_source: str = "",
    strict: bool = False,
) -> DocumentsDiff:
    """:func:`diff_documents` of the one item of ``old`` and of ``new``, which it takes out:
    a document's bytes are dropped once decoded (when the caller holds no other reference)."""
    first, second = _decoded(old.pop()), _decoded(new.pop())
    if (
        not strict
        and isinstance(first, str)
        and isinstance(second, str)
        and _CYCLONEDX in first
        and _CYCLONEDX in second
    ):
        found = _reduced_diff(first, second, policy, old_source, new_source)
        if found is not None:
            return found
    from fmbom.io import loads_bom_with_report

    old_bom, old_warnings = loads_bom_with_report(first, old_source, strict=strict)
    del first
    new_bom, new_warnings = loads_bom_with_report(second, new_source, strict=strict)
    del second
    return DocumentsDiff(
        result=diff(old_bom, new_bom, policy),
        old_warnings=tuple(old_warnings),
        new_warnings=tuple(new_warnings),
        read=(len(old_bom.components), len(new_bom.components)),
    )


def _decoded(data: bytes | str) -> bytes | str:
    """The text of a JSON document that needs none of the checks of a parsed tree (see
    :func:`fmbom._bounded.plain_json_text`), else the input as it is."""
    from fmbom._bounded import markup_of, plain_json_text

    if isinstance(data, str) or markup_of(data) != "json":
        return data
    text = plain_json_text(data)
    return data if text is None else text


def _reduced_diff(
    old: str, new: str, policy: Policy | None, old_source: str, new_source: str
) -> DocumentsDiff | None:
    from fmbom.cyclonedx import _reduce

    with no_gc():
        reduced = _reduce.split(old, new)
        if reduced is None:
            return None
        try:
            old_bom, old_warnings = _reduce.read(reduced.old, old_source)
            new_bom, new_warnings = _reduce.read(reduced.new, new_source)
        except (FmbomError, RecursionError):
            return None  # read in full, the documents give the error with its whole context
        old_side, new_side = reduced.sides
        dependents = (
            _reduce.Dependents(old_side, old_bom),
            _reduce.Dependents(new_side, new_bom),
        )
        result = diff_parts(old_bom, new_bom, policy, dependents)
    return DocumentsDiff(
        result=DiffResult(changes=result.changes, matched={**reduced.twins, **result.matched}),
        old_warnings=_placed(old_warnings, reduced.old_origin),
        new_warnings=_placed(new_warnings, reduced.new_origin),
        read=(len(old_bom.components), len(new_bom.components)),
        left_out=len(reduced.twins),
    )


def _placed(warnings: list[str], origin: dict[str, list[int]]) -> tuple[str, ...]:
    """The warnings with the list indexes of the smaller document mapped to the document's."""

    def place(match: re.Match[str]) -> str:
        key, index = match.group(1), int(match.group(2))
        return f"$.{key}[{origin[key][index]}]"

    return tuple(_LISTED.sub(place, warning, count=1) for warning in warnings)
