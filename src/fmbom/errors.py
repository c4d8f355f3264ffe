"""The exceptions fmbom raises for bad input.

Every error a public function raises for bad input derives from :class:`FmbomError`, so a
caller can catch one type. Each error says what was wrong and where: a field name, a JSON
path, or a file path.
"""

from __future__ import annotations

__all__ = [
    "BomValidationError",
    "ExportError",
    "FmbomError",
    "InputFormatError",
    "OutputError",
    "ScanError",
    "ValidationError",
]


class FmbomError(Exception):
    """Root of every error fmbom raises for bad input or a failed operation."""


class ValidationError(FmbomError, ValueError):
    """A value does not satisfy the object model.

    ``path`` locates the offending value: a dotted field path such as ``digests[0].value``, or
    a JSON path such as ``$.components[3].ref`` when the value came from a document.
    """

    def __init__(self, message: str, path: str = "") -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)

    def at(self, prefix: str) -> ValidationError:
        """Return the same error with ``prefix`` prepended to its path."""
        if not self.path:
            joined = prefix
        elif self.path.startswith("["):
            joined = prefix + self.path
        else:
            joined = f"{prefix}.{self.path}"
        return type(self)(self.message, joined)


class BomValidationError(ValidationError):
    """A bill of materials is inconsistent: unknown or duplicate refs, cycles, bad relations."""


class InputFormatError(FmbomError):
    """A document cannot be read: not JSON/XML, an unknown format, or an invalid structure."""

    def __init__(self, message: str, source: str = "") -> None:
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class ExportError(FmbomError):
    """A bill of materials cannot be written in the requested format."""


class ScanError(FmbomError):
    """A file or directory cannot be scanned or hashed."""


class OutputError(FmbomError):
    """Standard output cannot take the result (a full disk, an I/O error)."""
