"""Warnings on standard error, grouped: one problem repeated over 20,000 components is printed
as three examples and one line that counts the rest, not as 20,000 lines.

Two warnings are *alike* when their texts are the same once every list index of the JSON paths
in them (``$.components[12].licenses[0]``) is read as ``[*]``. A group of alike warnings prints
its first :data:`SHOWN` in full, where they stand; in place of the next one, a single line
stands for all the rest of the group: their common text, where each index is the one they all
share or ``*`` where they differ, and how many they are. A group with one more warning than
:data:`SHOWN` prints it in full (a count would save no line). Every other line keeps its place,
so the order of first appearance is kept and a run with no large group prints what it printed
before. ``every=True`` (``--all-warnings``) prints each warning in full.
"""

from __future__ import annotations

import re

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final

#: The warnings of a group printed in full before the line that counts the rest.
SHOWN: Final = 3

#: A JSON path as fmbom writes it (``$``, then ``.key``, ``[3]``, ``["odd key"]`` steps). Only
#: one at the start of a warning or after white space counts (``...; $.components[3] left
#: out``): a ``$`` inside a value (``'1.0$[2]'``) is text.
_PATH: Final = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_\-]*|\[[0-9]+\]|\[\"(?:[^\"\\]|\\.)*\"\])+")
#: In such a path, a list index (group 1) or a quoted key (whose brackets are text).
_BRACKETS: Final = re.compile(r"\[([0-9]+)\]|\[\"(?:[^\"\\]|\\.)*\"\]")


def _shape(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The text cut at the list indices of its JSON paths: (the pieces between the indices,
    the indices). Two warnings are alike when their pieces are equal."""
    pieces: list[str] = []
    indices: list[str] = []
    start = 0
    for path in _PATH.finditer(text):
        at = path.start()
        if at and not text[at - 1].isspace():
            continue
        for step in _BRACKETS.finditer(text, at, path.end()):
            if step.group(1) is not None:
                pieces.append(text[start : step.start(1)])
                indices.append(step.group(1))
                start = step.end(1)
    pieces.append(text[start:])
    return tuple(pieces), tuple(indices)


def _summary(pieces: tuple[str, ...], rest: list[tuple[str, ...]]) -> str:
    """The common text of the ``rest`` of a group and how many they are."""
    out = [pieces[0]]
    for position, piece in enumerate(pieces[1:]):
        values = {indices[position] for indices in rest}
        out.append(values.pop() if len(values) == 1 else "*")
        out.append(piece)
    return f"{''.join(out)} (and {len(rest):,} more like it; --all-warnings prints each)"


def warning_lines(warnings: Sequence[str], *, every: bool = False) -> list[str]:
    """The lines that report ``warnings``: grouped as the module says, or each in full."""
    if every:
        return list(warnings)
    shapes = [_shape(text) for text in warnings]
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for pieces, indices in shapes:
        groups.setdefault(pieces, []).append(indices)
    lines: list[str] = []
    seen: dict[tuple[str, ...], int] = {}
    for text, (pieces, _) in zip(warnings, shapes, strict=True):
        group = groups[pieces]
        rank = seen[pieces] = seen.get(pieces, -1) + 1
        if rank < SHOWN or len(group) <= SHOWN + 1:
            lines.append(text)
        elif rank == SHOWN:
            lines.append(_summary(pieces, group[SHOWN:]))
    return lines
