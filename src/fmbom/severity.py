"""The severity scale shared by diff rules and check findings."""

from __future__ import annotations

from enum import Enum

__all__ = ["FAIL_ON_CHOICES", "Severity", "parse_fail_on"]


class Severity(str, Enum):
    """How much a change or finding matters; ordered ``info < low < medium < high < critical``."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return _RANK[self]

    # str defines ordering by text; severities order by rank instead.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    __hash__ = str.__hash__

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity name, case-insensitively; ``ValueError`` naming the choices."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in reversed(cls))
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


_RANK = {s: i for i, s in enumerate(Severity)}

#: The values ``--fail-on`` accepts: a severity, or ``never``.
FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "info", "never")


def parse_fail_on(text: str) -> Severity | None:
    """``--fail-on`` value → the threshold severity, or None for ``never``."""
    if text.strip().lower() == "never":
        return None
    return Severity.parse(text)
