"""The exceptions fmbom raises for bad input or a failed operation.

Every error a public function raises for bad input derives from :class:`FmbomError`, so a
caller can catch one type. An error carries typed fields instead of text to parse:

- ``source``: the file or stream the problem was found in (``None`` when there is none),
- ``problems``: every :class:`Problem` found, each with a ``path`` (a JSON path such as
  ``$.components[3].ref``, a dotted field path such as ``digests[0].value``, or a file path
  inside a scanned tree) and a ``message``.

Readers collect every problem before raising, so a user fixing a file sees all of it at once::

    try:
        bom = fmbom.read_bom("release.json")
    except fmbom.FmbomError as error:
        for line in error.lines():
            print(line)             # release.json: $.components[2].version: expected a string ...
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

__all__ = [
    "BomValidationError",
    "ExportError",
    "FmbomError",
    "InputFormatError",
    "PolicyError",
    "Problem",
    "ScanError",
    "ValidationError",
    "WriteError",
    "join_path",
    "problems_from_structuring",
]


@attrs.frozen
class Problem:
    """One problem: where (``path``, empty when the whole input is concerned) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def at(self, prefix: str) -> Problem:
        """The same problem with ``prefix`` prepended to its path."""
        return Problem(join_path(prefix, self.path), self.message)


def join_path(prefix: str, path: str) -> str:
    """``prefix`` and ``path`` joined as a field or JSON path (``a`` + ``[0].b`` = ``a[0].b``)."""
    if not prefix:
        return path
    if not path:
        return prefix
    return prefix + (path if path.startswith("[") else f".{path}")


class FmbomError(Exception):
    """Root of every error fmbom raises for bad input or a failed operation.

    ``message`` is the first problem's message, ``path`` its path; ``problems`` holds them
    all (never empty); ``source`` names the file or stream read, or is ``None``.
    """

    message: str
    source: str | None
    problems: tuple[Problem, ...]

    def __init__(
        self,
        message: str = "",
        *,
        source: str | None = None,
        path: str = "",
        problems: Iterable[Problem] = (),
    ) -> None:
        found = tuple(problems) or (Problem(path, message),)
        self.problems = found
        self.message = message or found[0].message
        self.source = source or None
        super().__init__(self.message)

    @property
    def path(self) -> str:
        """The path of the first problem (empty when it concerns the whole input)."""
        return self.problems[0].path

    def lines(self) -> list[str]:
        """One line per problem: ``source: path: message``."""
        where = f"{self.source}: " if self.source else ""
        return [f"{where}{' '.join(str(p).split())}" for p in self.problems]

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        first = self.problems[0]
        text = first.message if len(self.problems) > 1 else self.message
        located = f"{first.path}: {text}" if first.path else text
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        return f"{where}{located}{tail}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), dict(self.__dict__)))

    def _evolve(self, **changes: Any) -> Any:
        clone = type(self).__new__(type(self))
        Exception.__init__(clone, changes.get("message", self.message))
        clone.__dict__.update(self.__dict__)
        clone.__dict__.update(changes)
        return clone

    def with_source(self, source: str | None) -> Any:
        """The same error (same type and problems) read from ``source``."""
        return self._evolve(source=source or None)

    def at(self, prefix: str) -> Any:
        """The same error with ``prefix`` prepended to the path of every problem."""
        return self._evolve(problems=tuple(p.at(prefix) for p in self.problems))


def _restore(cls: type[FmbomError], state: dict[str, Any]) -> FmbomError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class ValidationError(FmbomError, ValueError):
    """A value does not satisfy the object model.

    ``path`` locates the offending value: a dotted field path such as ``digests[0].value``, or
    a JSON path such as ``$.components[3].ref`` when the value came from a document.
    """

    def __init__(
        self,
        message: str = "",
        path: str = "",
        *,
        source: str | None = None,
        problems: Iterable[Problem] = (),
    ) -> None:
        super().__init__(message, source=source, path=path, problems=problems)


class BomValidationError(ValidationError):
    """A bill of materials is inconsistent: unknown or duplicate refs, cycles, bad relations."""


class PolicyError(ValidationError):
    """A diff policy (file, table or override such as ``RULE=LEVEL``) cannot be used."""


class InputFormatError(FmbomError):
    """A document cannot be read: not JSON/XML, an unknown format, or an invalid structure."""

    def __init__(
        self,
        message: str = "",
        source: str | None = None,
        *,
        path: str = "",
        problems: Iterable[Problem] = (),
    ) -> None:
        super().__init__(message, source=source, path=path, problems=problems)


class ExportError(FmbomError):
    """A bill of materials cannot be written in the requested format."""


class WriteError(FmbomError):
    """An output cannot be written (``source`` is the file that could not be written)."""


class ScanError(FmbomError):
    """A file or directory cannot be scanned or hashed."""


# --- structuring (cattrs) --------------------------------------------------------------------


def _leaf(error: BaseException) -> Problem:
    """The problem a leaf exception raised while structuring stands for (path relative)."""
    if isinstance(error, FmbomError):
        return error.problems[0]
    if isinstance(error, ForbiddenExtraKeysError):
        return Problem("", f"unknown key(s) {', '.join(sorted(error.extra_fields))}")
    if isinstance(error, KeyError):
        return Problem("", f"required key {error.args[0]!r} is missing")
    text = str(error) or type(error).__name__
    if isinstance(error, ValueError) and "is not a valid" in text:
        text = text.replace("is not a valid", "is not a valid value of")
    return Problem("", text)


def problems_from_structuring(error: BaseException, root: str = "$") -> list[Problem]:
    """Every problem of a cattrs structuring error, each with its JSON path from ``root``.

    cattrs (with detailed validation) gathers what goes wrong while structuring nested data
    into exception groups whose notes name the attribute or index; this walks the whole tree
    (as cattrs' ``transform_error`` does) and returns :class:`Problem` objects instead of
    strings. A leaf that is already an :class:`FmbomError` contributes all its problems.
    """
    if isinstance(error, (ClassValidationError, IterableValidationError)):
        with_notes, without = error.group_exceptions()
        found: list[Problem] = []
        for inner, note in with_notes:
            if isinstance(note, IterableValidationNote):
                step = f"{root}[{note.index}]"
            elif isinstance(inner, KeyError) and not isinstance(inner, FmbomError):
                found.append(Problem(root, f"required key {note.name!r} is missing"))
                continue
            else:
                step = f"{root}.{note.name}"
            found.extend(problems_from_structuring(inner, step))
        for inner in without:
            found.extend(problems_from_structuring(inner, root))
        return found
    if isinstance(error, FmbomError):
        return [p.at(root) for p in error.problems]
    leaf = _leaf(error)
    return [leaf.at(root)]
