"""The severity scale shared by diff rules and check findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import Enum

__all__ = ["FAIL_ON_CHOICES", "Severity", "SeveritySummary", "parse_fail_on"]


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
        """Read a severity name, case-insensitively; a :class:`~fmbom.errors.ValidationError`
        (a ``ValueError``) naming the choices otherwise."""
        try:
            return cls(text.strip().lower())
        except (ValueError, AttributeError):
            from fmbom.errors import ValidationError  # on error only: it imports attrs

            choices = ", ".join(s.value for s in reversed(cls))
            raise ValidationError(f"unknown severity {text!r} (choose from {choices})") from None


_RANK = {s: i for i, s in enumerate(Severity)}


class SeveritySummary(Mapping[Severity, int]):
    """How many changes or findings there are of each severity: every severity present, most
    severe first, and the ``total``. Diff results and check results both summarise this way.

    It prints and serialises with the severities' names: ``{'critical': 1, ..., 'info': 0}``.
    The JSON form holds the counts by severity only, so that its values sum to the total.
    """

    __slots__ = ("_counts",)

    def __init__(self, severities: Iterable[Severity] = ()) -> None:
        counts = dict.fromkeys(sorted(Severity, reverse=True), 0)
        for severity in severities:
            counts[severity] += 1
        self._counts = counts

    def __getitem__(self, severity: Severity) -> int:
        return self._counts[severity]

    def __iter__(self) -> Iterator[Severity]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    @property
    def total(self) -> int:
        """The number of changes or findings of any severity."""
        return sum(self._counts.values())

    def to_json(self) -> dict[str, int]:
        """``{"critical": n, "high": n, "medium": n, "low": n, "info": n}``."""
        return {s.value: n for s, n in self._counts.items()}

    def __repr__(self) -> str:
        return repr({s.value: n for s, n in self._counts.items()})

    def __str__(self) -> str:
        return ", ".join(f"{n} {s.value}" for s, n in self._counts.items())


#: The values ``--fail-on`` accepts: a severity, or ``never``.
FAIL_ON_CHOICES: tuple[str, ...] = (*(s.value for s in sorted(Severity, reverse=True)), "never")


def parse_fail_on(text: str) -> Severity | None:
    """``--fail-on`` value → the threshold severity, or None for ``never``."""
    if text.strip().lower() == "never":
        return None
    return Severity.parse(text)
