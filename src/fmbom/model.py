"""The typed object model: the nine component kinds and the relations between them.

Every class is an immutable, slotted attrs class with keyword-only arguments. Values are
validated when an object is built; a bad value raises :class:`fmbom.errors.ValidationError`
naming the field. Collections whose order carries no meaning (licenses, digests, properties,
external references) are stored in a canonical order, so two objects built from the same facts
in a different order are equal.

The vocabularies (:mod:`fmbom.vocabulary`) and value types (:mod:`fmbom.values`) live in
modules of their own and are re-exported here. Wherever an enum member is expected, its string
value is accepted and converted (``Model(role="adapted")``, ``Relation(kind="trained-on")``).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import ClassVar, Final

import attrs

from fmbom import _convert as c
from fmbom import _validate as v
from fmbom.errors import ValidationError
from fmbom.evidence import DtypeCount, FieldSource, FileRecord, sort_files, sort_sources
from fmbom.extensions import Extension, extension_tuple
from fmbom.governance import Governance
from fmbom.values import (
    Digest,
    ExternalReference,
    Property,
    Quantization,
    SpecialToken,
    Threshold,
    WeightFile,
)
from fmbom.vocabulary import (
    HASH_NAMES,
    AccessRoute,
    AdapterMethod,
    ComponentKind,
    DatasetPurpose,
    DerivationMethod,
    ExternalReferenceType,
    GuardPosition,
    HashAlgorithm,
    HashNames,
    Modality,
    ModelRole,
    RelationKind,
    RouterStrategy,
    Sensitivity,
    SoftwareRole,
    TokenizerType,
    TrainingStage,
    WeightFormat,
)

__all__ = [
    "COMPONENT_TYPES",
    "HASH_NAMES",
    "AccessRoute",
    "Adapter",
    "AdapterMethod",
    "AnyComponent",
    "Component",
    "ComponentKind",
    "Dataset",
    "DatasetPurpose",
    "DerivationMethod",
    "Digest",
    "ExternalReference",
    "ExternalReferenceType",
    "GuardModel",
    "GuardPosition",
    "HashAlgorithm",
    "HashNames",
    "InferenceProvider",
    "Modality",
    "Model",
    "ModelRole",
    "Property",
    "Quantization",
    "Relation",
    "RelationKind",
    "Router",
    "RouterStrategy",
    "Sensitivity",
    "Software",
    "SoftwareRole",
    "SpecialToken",
    "Threshold",
    "Tokenizer",
    "TokenizerType",
    "TrainingStage",
    "WeightFile",
    "WeightFormat",
    "Weights",
]


_DIGEST_ORDER = attrgetter("algorithm.value", "value")
_PROPERTY_ORDER = attrgetter("name", "value")


def _sort_digests(items: Iterable[Digest]) -> tuple[Digest, ...]:
    if type(items) is list and len(items) == 1 and type(items[0]) is Digest:
        return (items[0],)  # the common case, as below
    checked = c.items_of(Digest, items, "a Digest")
    return tuple(sorted(checked, key=_DIGEST_ORDER))


def _sort_references(items: Iterable[ExternalReference]) -> tuple[ExternalReference, ...]:
    checked = c.items_of(ExternalReference, items, "an ExternalReference")
    if len(checked) < 2:
        return checked
    return tuple(
        sorted(checked, key=lambda r: (r.type.value, r.url, r.comment is not None, r.comment or ""))
    )


def _sort_properties(items: Iterable[Property]) -> tuple[Property, ...]:
    checked = c.items_of(Property, items, "a Property")
    return tuple(sorted(checked, key=_PROPERTY_ORDER)) if len(checked) > 1 else checked


# Typed converters (a generic one would leave mypy unable to check callers' lists).
def _weight_files(items: Iterable[WeightFile]) -> tuple[WeightFile, ...]:
    return c.items_of(WeightFile, items, "a WeightFile")


def _dtype_counts(items: Iterable[DtypeCount]) -> tuple[DtypeCount, ...]:
    return tuple(sorted(c.items_of(DtypeCount, items, "a DtypeCount"), key=lambda d: d.dtype))


def _special_tokens(items: Iterable[SpecialToken]) -> tuple[SpecialToken, ...]:
    return c.items_of(SpecialToken, items, "a SpecialToken")


def _thresholds(items: Iterable[Threshold]) -> tuple[Threshold, ...]:
    return c.items_of(Threshold, items, "a Threshold")


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Component:
    """The fields every component has. Not used directly: build one of the nine kinds."""

    kind: ClassVar[ComponentKind]

    ref: str = attrs.field(validator=v.ref)
    name: str = attrs.field(validator=v.non_empty)
    version: str | None = None
    group: str | None = None
    supplier: str | None = None
    purl: str | None = attrs.field(default=None, validator=v.url)
    licenses: tuple[str, ...] = attrs.field(
        default=(), converter=v.license_list, validator=v.license_expressions
    )
    digests: tuple[Digest, ...] = attrs.field(default=(), converter=_sort_digests)
    external_references: tuple[ExternalReference, ...] = attrs.field(
        default=(), converter=_sort_references
    )
    description: str | None = None
    properties: tuple[Property, ...] = attrs.field(default=(), converter=_sort_properties)
    #: Who made the component (names of people or organisations), in the order given.
    authors: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    manufacturer: str | None = None
    publisher: str | None = None
    copyright: str | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    #: Values of an interchange format that have no field here (see fmbom.extensions).
    extensions: tuple[Extension, ...] = attrs.field(default=(), converter=extension_tuple)
    #: Where each field's value was read (a scan fills it; see fmbom.evidence).
    sources: tuple[FieldSource, ...] = attrs.field(default=(), converter=sort_sources)

    def __attrs_post_init__(self) -> None:
        if len(self.digests) < 2:
            return
        seen: set[HashAlgorithm] = set()
        for index, digest in enumerate(self.digests):
            if digest.algorithm in seen:
                raise ValidationError(
                    f"two {digest.algorithm.value} digests for one component", f"digests[{index}]"
                )
            seen.add(digest.algorithm)

    def digest(self, algorithm: HashAlgorithm = HashAlgorithm.SHA256) -> Digest | None:
        """The digest of the given algorithm, if the component has one."""
        for digest in self.digests:
            if digest.algorithm is algorithm:
                return digest
        return None

    def property(self, name: str) -> str | None:
        """The value of the first property with this name, if any."""
        for prop in self.properties:
            if prop.name == name:
                return prop.value
        return None


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Model(Component):
    """A trained model: base, adapted, guard classifier, embedding, reward or router model."""

    kind: ClassVar[ComponentKind] = ComponentKind.MODEL

    role: ModelRole = attrs.field(default=ModelRole.BASE, converter=c.model_role)
    task: str | None = None
    architecture_family: str | None = None
    architecture: str | None = None
    modalities_in: tuple[Modality, ...] = attrs.field(default=(), converter=c.modalities)
    modalities_out: tuple[Modality, ...] = attrs.field(default=(), converter=c.modalities)
    parameter_count: int | None = attrs.field(default=None, validator=v.non_negative)
    context_length: int | None = attrs.field(default=None, validator=v.positive)
    access_route: AccessRoute | None = attrs.field(
        default=None, converter=attrs.converters.optional(c.access_route)
    )
    governance: Governance | None = None
    languages: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    #: Files of the model that are not its weights or tokenizer: configs, card, licence...
    files: tuple[FileRecord, ...] = attrs.field(default=(), converter=sort_files)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Weights(Component):
    """A concrete parameter artifact: files, format, dtype, quantization and sharding."""

    kind: ClassVar[ComponentKind] = ComponentKind.WEIGHTS

    files: tuple[WeightFile, ...] = attrs.field(default=(), converter=_weight_files)
    format: WeightFormat = attrs.field(default=WeightFormat.SAFETENSORS, converter=c.weight_format)
    dtype: str | None = None
    quantization: Quantization | None = None
    shard_count: int | None = attrs.field(default=None, validator=v.positive)
    parameter_count: int | None = attrs.field(default=None, validator=v.non_negative)
    #: Parameters per dtype, as the headers state them.
    dtypes: tuple[DtypeCount, ...] = attrs.field(default=(), converter=_dtype_counts)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        seen: set[str] = set()
        for index, weight_file in enumerate(self.files):
            if weight_file.path in seen:
                raise ValidationError(
                    f"file path {weight_file.path!r} is listed twice", f"files[{index}].path"
                )
            seen.add(weight_file.path)

    @property
    def total_size(self) -> int | None:
        """Sum of the file sizes, or None when no file is listed or any size is unknown."""
        sizes = [f.size for f in self.files]
        if not sizes or any(s is None for s in sizes):
            return None
        return sum(s or 0 for s in sizes)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Tokenizer(Component):
    """A tokenizer or processor: algorithm, vocabulary, special tokens, chat template."""

    kind: ClassVar[ComponentKind] = ComponentKind.TOKENIZER

    tokenizer_type: TokenizerType | None = attrs.field(
        default=None, converter=attrs.converters.optional(c.tokenizer_type)
    )
    vocab_size: int | None = attrs.field(default=None, validator=v.non_negative)
    special_tokens: tuple[SpecialToken, ...] = attrs.field(default=(), converter=_special_tokens)
    chat_template_digest: Digest | None = None
    files: tuple[FileRecord, ...] = attrs.field(default=(), converter=sort_files)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Adapter(Component):
    """A parameter-efficient adapter (LoRA, QLoRA, prefix, IA3...) on a base model."""

    kind: ClassVar[ComponentKind] = ComponentKind.ADAPTER

    method: AdapterMethod = attrs.field(default=AdapterMethod.LORA, converter=c.adapter_method)
    rank: int | None = attrs.field(default=None, validator=v.positive)
    alpha: float | None = attrs.field(default=None, validator=v.finite)
    dropout: float | None = attrs.field(default=None, validator=v.fraction)
    target_modules: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    base_model_name: str | None = None
    languages: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    files: tuple[FileRecord, ...] = attrs.field(default=(), converter=sort_files)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Dataset(Component):
    """Training, tuning, evaluation or retrieval data."""

    kind: ClassVar[ComponentKind] = ComponentKind.DATASET

    purpose: DatasetPurpose = attrs.field(default=DatasetPurpose.OTHER, converter=c.dataset_purpose)
    modalities: tuple[Modality, ...] = attrs.field(default=(), converter=c.modalities)
    records: int | None = attrs.field(default=None, validator=v.non_negative)
    size_bytes: int | None = attrs.field(default=None, validator=v.non_negative)
    source: str | None = None
    collection_method: str | None = None
    synthetic_share: float | None = attrs.field(default=None, validator=v.fraction)
    sensitivity: Sensitivity | None = attrs.field(
        default=None, converter=attrs.converters.optional(c.sensitivity)
    )
    copyright_status: str | None = None
    known_exclusions: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    languages: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    #: The data files (and card) of the dataset, with their digests.
    files: tuple[FileRecord, ...] = attrs.field(default=(), converter=sort_files)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class GuardModel(Component):
    """An input/output safety filter. The model it runs is linked with ``depends-on``."""

    kind: ClassVar[ComponentKind] = ComponentKind.GUARD_MODEL

    position: GuardPosition = attrs.field(default=GuardPosition.BOTH, converter=c.guard_position)
    policy: str | None = None
    categories: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    thresholds: tuple[Threshold, ...] = attrs.field(default=(), converter=_thresholds)
    endpoint: str | None = attrs.field(default=None, validator=v.url)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Router(Component):
    """Picks a model or provider per request; its routes are ordered ``routes-to`` relations."""

    kind: ClassVar[ComponentKind] = ComponentKind.ROUTER

    strategy: RouterStrategy = attrs.field(default=RouterStrategy.RULE, converter=c.router_strategy)
    endpoint: str | None = attrs.field(default=None, validator=v.url)


@attrs.frozen(kw_only=True, field_transformer=v.named)
class InferenceProvider(Component):
    """Where a model is served: organisation, endpoint, region, API, retention, trust zone."""

    kind: ClassVar[ComponentKind] = ComponentKind.INFERENCE_PROVIDER

    organization: str | None = None
    endpoint: str | None = attrs.field(default=None, validator=v.url)
    region: str | None = None
    api_version: str | None = None
    served_model_id: str | None = None
    data_retention: str | None = None
    trust_zone: str | None = None


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Software(Component):
    """A library, runtime, framework, inference server, vector store or evaluation harness."""

    kind: ClassVar[ComponentKind] = ComponentKind.SOFTWARE

    role: SoftwareRole = attrs.field(default=SoftwareRole.LIBRARY, converter=c.software_role)


AnyComponent = (
    Model
    | Weights
    | Tokenizer
    | Adapter
    | Dataset
    | GuardModel
    | Router
    | InferenceProvider
    | Software
)

COMPONENT_TYPES: dict[ComponentKind, type[Component]] = {
    cls.kind: cls
    for cls in (
        Model,
        Weights,
        Tokenizer,
        Adapter,
        Dataset,
        GuardModel,
        Router,
        InferenceProvider,
        Software,
    )
}


# --- relations -------------------------------------------------------------------------------


#: The relation fields that belong to one kind of relation only.
_RELATION_FIELD_OWNERS: Final = {
    "method": RelationKind.DERIVED_FROM,
    "stage": RelationKind.TRAINED_ON,
    "order": RelationKind.ROUTES_TO,
    "condition": RelationKind.ROUTES_TO,
}


@attrs.frozen(kw_only=True, field_transformer=v.named)
class Relation:
    """A typed edge ``source --kind--> target`` between two components of one BOM.

    ``method`` belongs to ``derived-from``, ``stage`` to ``trained-on``, ``order`` and
    ``condition`` to ``routes-to``; giving one to another kind is an error.
    """

    kind: RelationKind = attrs.field(converter=c.relation_kind)
    source: str = attrs.field(validator=v.ref)
    target: str = attrs.field(validator=v.ref)
    method: DerivationMethod | None = attrs.field(
        default=None, converter=attrs.converters.optional(c.derivation_method)
    )
    stage: TrainingStage | None = attrs.field(
        default=None, converter=attrs.converters.optional(c.training_stage)
    )
    order: int | None = attrs.field(default=None, validator=v.non_negative)
    condition: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.source == self.target:
            raise ValidationError(
                f"a component cannot relate to itself ({self.source!r})", "target"
            )
        extras = (self.method, self.stage, self.order, self.condition)
        if extras == (None, None, None, None):
            return
        for field, owner in _RELATION_FIELD_OWNERS.items():
            if getattr(self, field) is not None and self.kind is not owner:
                raise ValidationError(
                    f"only {owner.value} relations have a {field}, not {self.kind.value}", field
                )

    @property
    def key(self) -> tuple[str, str, str]:
        """(kind, source, target): unique within a BOM."""
        return (self.kind.value, self.source, self.target)
