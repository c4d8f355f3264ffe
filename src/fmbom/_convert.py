"""attrs converters: vocabulary strings become enum members, collections become tuples.

Each converter is a named function with a precise signature (the attrs plugin of mypy reads
it to type the ``__init__`` argument). A converter raises :class:`~fmbom.errors.ValidationError`
with a path relative to its field; :func:`fmbom._validate.named` prefixes the field name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from fmbom.errors import ValidationError
from fmbom.vocabulary import (
    AccessRoute,
    AdapterMethod,
    DatasetPurpose,
    DerivationMethod,
    EvaluationCategory,
    ExternalReferenceType,
    GuardPosition,
    HashAlgorithm,
    Modality,
    ModelRole,
    RelationKind,
    RouterStrategy,
    Sensitivity,
    SoftwareRole,
    SourceType,
    TokenizerType,
    TrainingStage,
    Unit,
    WeightFormat,
)

T = TypeVar("T")


def items_of(kind: type[T], items: Iterable[T], name: str) -> tuple[T, ...]:
    """``items`` as a tuple, each checked to be a ``kind`` (``name`` says what one is)."""
    kind_of_items = type(items)
    if (kind_of_items is not list and kind_of_items is not tuple) and (
        isinstance(items, (str, bytes)) or not isinstance(items, Iterable)
    ):
        raise ValidationError(f"expected a list of {name}s, got {_shown(items)}")
    values = tuple(items)
    for index, item in enumerate(values):
        if not isinstance(item, kind):
            raise ValidationError(f"expected {name}, got {_shown(item)}", f"[{index}]")
    return values


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 80 else text[:77] + '...'}"


def hash_algorithm(value: str) -> HashAlgorithm:
    """Any spelling of a hash algorithm name (``SHA-256``, ``sha256``) or a member."""
    return HashAlgorithm.coerce(value)


def reference_type(value: str) -> ExternalReferenceType:
    return ExternalReferenceType.coerce(value)


def model_role(value: str) -> ModelRole:
    return ModelRole.coerce(value)


def access_route(value: str) -> AccessRoute:
    return AccessRoute.coerce(value)


def weight_format(value: str) -> WeightFormat:
    return WeightFormat.coerce(value)


def tokenizer_type(value: str) -> TokenizerType:
    return TokenizerType.coerce(value)


def adapter_method(value: str) -> AdapterMethod:
    return AdapterMethod.coerce(value)


def dataset_purpose(value: str) -> DatasetPurpose:
    return DatasetPurpose.coerce(value)


def sensitivity(value: str) -> Sensitivity:
    return Sensitivity.coerce(value)


def guard_position(value: str) -> GuardPosition:
    return GuardPosition.coerce(value)


def router_strategy(value: str) -> RouterStrategy:
    return RouterStrategy.coerce(value)


def software_role(value: str) -> SoftwareRole:
    return SoftwareRole.coerce(value)


def relation_kind(value: str) -> RelationKind:
    return RelationKind.coerce(value)


def derivation_method(value: str) -> DerivationMethod:
    return DerivationMethod.coerce(value)


def training_stage(value: str) -> TrainingStage:
    return TrainingStage.coerce(value)


def unit(value: str) -> Unit:
    return Unit.coerce(value)


def source_type(value: str) -> SourceType:
    return SourceType.coerce(value)


def evaluation_category(value: str) -> EvaluationCategory:
    return EvaluationCategory.coerce(value)


def modalities(items: Iterable[str]) -> tuple[Modality, ...]:
    """An ordered list of modalities (members or their string values)."""
    values = items_of(str, items, "a modality")
    converted = []
    for index, item in enumerate(values):
        try:
            converted.append(Modality.coerce(item))
        except ValidationError as error:
            raise error.at(f"[{index}]") from None
    return tuple(converted)
