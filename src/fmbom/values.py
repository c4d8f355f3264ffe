"""Value types of the object model: digests, references, properties, weight files...

Immutable, slotted attrs classes with keyword-only arguments, validated when built (a bad
value raises :class:`fmbom.errors.ValidationError` naming the field). Re-exported from
:mod:`fmbom.model` and :mod:`fmbom`.
"""

from __future__ import annotations

import attrs

from fmbom import _convert as c
from fmbom import _validate as v
from fmbom.errors import ValidationError
from fmbom.vocabulary import ExternalReferenceType, HashAlgorithm

__all__ = [
    "Digest",
    "ExternalReference",
    "Property",
    "Quantization",
    "SpecialToken",
    "Threshold",
    "WeightFile",
]


def _lower(text: str) -> str:
    if not isinstance(text, str):
        raise ValidationError(f"expected a hex string, got {type(text).__name__} {text!r}")
    return text.strip().lower()


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Digest:
    """A content digest: algorithm and lowercase hex value of the right length."""

    algorithm: HashAlgorithm = attrs.field(converter=c.hash_algorithm)
    value: str = attrs.field(converter=_lower)

    def __attrs_post_init__(self) -> None:
        expected = self.algorithm.hex_length
        # strip() removes hex digits from both ends: anything left is not a hex digit
        if len(self.value) != expected or self.value.strip("0123456789abcdef"):
            raise ValidationError(
                f"{self.algorithm.value} digest must be {expected} hex digits, got {self.value!r}",
                "value",
            )

    @classmethod
    def of(cls, algorithm: str, value: str) -> Digest:
        """Build a digest from any spelling of the algorithm name (``SHA-256``, ``sha256``)."""
        return cls(algorithm=HashAlgorithm.parse(algorithm), value=value)

    def __str__(self) -> str:
        return f"{self.algorithm.value}:{self.value}"


@attrs.frozen(kw_only=True, field_transformer=v.named)
class ExternalReference:
    """A typed link: model card, paper, repository, distribution, licence text..."""

    url: str = attrs.field(validator=v.url)
    type: ExternalReferenceType = attrs.field(
        default=ExternalReferenceType.OTHER, converter=c.reference_type
    )
    comment: str | None = None


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Property:
    """A namespaced key/value pair (``namespace:key``) for facts without a field of their own."""

    name: str = attrs.field(validator=v.non_empty)
    value: str


@attrs.frozen(kw_only=True, field_transformer=v.named)
class WeightFile:
    """One file of a weights artifact: its path inside the artifact, size and digest."""

    path: str = attrs.field(validator=v.non_empty)
    size: int | None = attrs.field(default=None, validator=v.non_negative)
    digest: Digest | None = None
    #: The file is a Git LFS pointer: size and digest are those of the content it names.
    lfs_pointer: bool = False


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Quantization:
    """How weights were quantized: method (gptq, awq, bitsandbytes, gguf q4_k_m, fp8...)."""

    method: str = attrs.field(validator=v.non_empty)
    bits: int | None = attrs.field(default=None, validator=v.positive)
    group_size: int | None = attrs.field(default=None, validator=v.positive)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class SpecialToken:
    """A special token and the role it plays (bos, eos, pad, unk, ...)."""

    role: str = attrs.field(validator=v.non_empty)
    content: str


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Threshold:
    """A named decision threshold of a guard model."""

    name: str = attrs.field(validator=v.non_empty)
    value: float = attrs.field(validator=v.finite)
