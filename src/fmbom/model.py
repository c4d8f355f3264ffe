"""The typed object model: vocabularies, value types, the nine component kinds and relations.

Every class is an immutable, slotted attrs class with keyword-only arguments. Values are
validated when an object is built; a bad value raises :class:`fmbom.errors.ValidationError`
naming the field. Collections whose order carries no meaning (licenses, digests, properties,
external references) are stored in a canonical order, so two objects built from the same facts
in a different order are equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum
from typing import ClassVar

import attrs

from fmbom import _validate as v
from fmbom.errors import ValidationError
from fmbom.governance import Governance

__all__ = [
    "COMPONENT_TYPES",
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


class _Vocabulary(str, Enum):
    """A closed vocabulary whose values are the strings used in every serialized form."""

    def __str__(self) -> str:
        return str(self.value)


class ComponentKind(_Vocabulary):
    """The nine kinds of component; the ``kind`` tag of every serialized component."""

    MODEL = "model"
    WEIGHTS = "weights"
    TOKENIZER = "tokenizer"
    ADAPTER = "adapter"
    DATASET = "dataset"
    GUARD_MODEL = "guard-model"
    ROUTER = "router"
    INFERENCE_PROVIDER = "inference-provider"
    SOFTWARE = "software"


class HashAlgorithm(_Vocabulary):
    """Digest algorithms, with the hex length each produces."""

    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA512 = "sha512"
    SHA3_256 = "sha3-256"
    SHA3_384 = "sha3-384"
    SHA3_512 = "sha3-512"
    BLAKE2B_256 = "blake2b-256"
    BLAKE2B_384 = "blake2b-384"
    BLAKE2B_512 = "blake2b-512"
    BLAKE3 = "blake3"

    @property
    def hex_length(self) -> int:
        """Number of hex digits of a digest of this algorithm."""
        return _HEX_LENGTHS[self]

    @classmethod
    def parse(cls, text: str) -> HashAlgorithm:
        """Read any common spelling: ``SHA-256``, ``SHA256``, ``sha_256`` and ``sha256`` agree."""
        found = _ALGORITHM_SPELLINGS.get(re.sub(r"[\s_\-]", "", text).lower())
        if found is None:
            known = ", ".join(a.value for a in cls)
            raise ValidationError(f"unknown hash algorithm {text!r} (known: {known})")
        return found


_HEX_LENGTHS = {
    HashAlgorithm.MD5: 32,
    HashAlgorithm.SHA1: 40,
    HashAlgorithm.SHA256: 64,
    HashAlgorithm.SHA384: 96,
    HashAlgorithm.SHA512: 128,
    HashAlgorithm.SHA3_256: 64,
    HashAlgorithm.SHA3_384: 96,
    HashAlgorithm.SHA3_512: 128,
    HashAlgorithm.BLAKE2B_256: 64,
    HashAlgorithm.BLAKE2B_384: 96,
    HashAlgorithm.BLAKE2B_512: 128,
    HashAlgorithm.BLAKE3: 64,
}
_ALGORITHM_SPELLINGS = {a.value.replace("-", ""): a for a in HashAlgorithm}


class ExternalReferenceType(_Vocabulary):
    """What an external reference points at (names follow CycloneDX where it has one)."""

    WEBSITE = "website"
    VCS = "vcs"
    DOCUMENTATION = "documentation"
    DISTRIBUTION = "distribution"
    ISSUE_TRACKER = "issue-tracker"
    LICENSE = "license"
    MODEL_CARD = "model-card"
    RELEASE_NOTES = "release-notes"
    SECURITY_CONTACT = "security-contact"
    ADVISORIES = "advisories"
    EVIDENCE = "evidence"
    ATTESTATION = "attestation"
    SUPPORT = "support"
    OTHER = "other"


class ModelRole(_Vocabulary):
    """What a trained model is for in the system."""

    BASE = "base"
    ADAPTED = "adapted"
    GUARD_CLASSIFIER = "guard-classifier"
    EMBEDDING = "embedding"
    REWARD = "reward"
    ROUTER_CLASSIFIER = "router-classifier"


class Modality(_Vocabulary):
    """An input or output modality."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    CODE = "code"
    TABULAR = "tabular"
    EMBEDDING = "embedding"
    STRUCTURED = "structured"
    OTHER = "other"


class AccessRoute(_Vocabulary):
    """How downstream users reach a model."""

    OPEN_WEIGHTS = "open-weights"
    GATED_WEIGHTS = "gated-weights"
    API = "api"
    HOSTED_PRODUCT = "hosted-product"
    INTERNAL = "internal"


class WeightFormat(_Vocabulary):
    """The on-disk format of a weights artifact; ``pytorch-pickle`` can run code on load."""

    SAFETENSORS = "safetensors"
    GGUF = "gguf"
    ONNX = "onnx"
    PYTORCH_PICKLE = "pytorch-pickle"
    TENSORFLOW = "tensorflow"
    KERAS = "keras"
    FLAX = "flax"
    COREML = "coreml"
    TENSORRT = "tensorrt"
    OPENVINO = "openvino"
    MLX = "mlx"
    OTHER = "other"

    @property
    def is_unsafe(self) -> bool:
        """True for formats whose loading can execute arbitrary code."""
        return self is WeightFormat.PYTORCH_PICKLE


class TokenizerType(_Vocabulary):
    """The tokenization algorithm."""

    BPE = "bpe"
    BYTE_LEVEL_BPE = "byte-level-bpe"
    SENTENCEPIECE = "sentencepiece"
    WORDPIECE = "wordpiece"
    UNIGRAM = "unigram"
    TIKTOKEN = "tiktoken"
    TEKKEN = "tekken"
    CHARACTER = "character"
    OTHER = "other"


class AdapterMethod(_Vocabulary):
    """Parameter-efficient adaptation methods."""

    LORA = "lora"
    QLORA = "qlora"
    DORA = "dora"
    PREFIX_TUNING = "prefix-tuning"
    PROMPT_TUNING = "prompt-tuning"
    P_TUNING = "p-tuning"
    IA3 = "ia3"
    OTHER = "other"


class DatasetPurpose(_Vocabulary):
    """What a dataset is used for in the chain."""

    PRETRAINING = "pretraining"
    FINE_TUNING = "fine-tuning"
    PREFERENCE = "preference"
    SAFETY = "safety"
    EVALUATION = "evaluation"
    RETRIEVAL = "retrieval"
    CALIBRATION = "calibration"
    OTHER = "other"


class Sensitivity(_Vocabulary):
    """The personal-data and confidentiality classification of a dataset."""

    NONE = "none"
    PUBLIC = "public"
    PII = "pii"
    SENSITIVE_PII = "sensitive-pii"
    CONFIDENTIAL = "confidential"
    UNKNOWN = "unknown"


class GuardPosition(_Vocabulary):
    """Where a guard model filters: prompts, completions, or both."""

    INPUT = "input"
    OUTPUT = "output"
    BOTH = "both"


class RouterStrategy(_Vocabulary):
    """How a router picks a route."""

    RULE = "rule"
    CLASSIFIER = "classifier"
    COST = "cost"
    LATENCY = "latency"
    FALLBACK_CHAIN = "fallback-chain"
    LOAD_BALANCE = "load-balance"


class SoftwareRole(_Vocabulary):
    """What a piece of software does in the system."""

    LIBRARY = "library"
    RUNTIME = "runtime"
    FRAMEWORK = "framework"
    INFERENCE_SERVER = "inference-server"
    VECTOR_STORE = "vector-store"
    EVAL_HARNESS = "eval-harness"
    APPLICATION = "application"
    OTHER = "other"


class RelationKind(_Vocabulary):
    """The typed edges a BOM holds between components."""

    DERIVED_FROM = "derived-from"
    QUANTIZED_FROM = "quantized-from"
    TRAINED_ON = "trained-on"
    EVALUATED_ON = "evaluated-on"
    HAS_WEIGHTS = "has-weights"
    USES_TOKENIZER = "uses-tokenizer"
    ADAPTS = "adapts"
    GUARDS = "guards"
    ROUTES_TO = "routes-to"
    SERVED_BY = "served-by"
    DEPENDS_ON = "depends-on"

    @property
    def is_lineage(self) -> bool:
        """True for the edges that make up a model's lineage (and must not form a cycle)."""
        return self in _LINEAGE


_LINEAGE = frozenset({RelationKind.DERIVED_FROM, RelationKind.QUANTIZED_FROM, RelationKind.ADAPTS})


class DerivationMethod(_Vocabulary):
    """How a ``derived-from`` model was made from its source."""

    FINE_TUNE = "fine-tune"
    PREFERENCE_TUNING = "preference-tuning"
    DISTILLATION = "distillation"
    MERGE = "merge"
    CONTINUED_PRETRAINING = "continued-pretraining"


class TrainingStage(_Vocabulary):
    """The training stage a ``trained-on`` dataset fed."""

    PRETRAINING = "pretraining"
    SFT = "sft"
    PREFERENCE = "preference"
    SAFETY = "safety"


# --- value types -----------------------------------------------------------------------------


def _lower(text: str) -> str:
    return text.strip().lower()


@attrs.frozen(kw_only=True)
class Digest:
    """A content digest: algorithm and lowercase hex value of the right length."""

    algorithm: HashAlgorithm
    value: str = attrs.field(converter=_lower)

    def __attrs_post_init__(self) -> None:
        expected = self.algorithm.hex_length
        if len(self.value) != expected or any(c not in "0123456789abcdef" for c in self.value):
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


@attrs.frozen(kw_only=True)
class ExternalReference:
    """A typed link: model card, paper, repository, distribution, licence text..."""

    url: str = attrs.field(validator=v.url)
    type: ExternalReferenceType = ExternalReferenceType.OTHER
    comment: str | None = None


@attrs.frozen(kw_only=True)
class Property:
    """A namespaced key/value pair (``namespace:key``) for facts without a field of their own."""

    name: str = attrs.field(validator=v.non_empty)
    value: str


@attrs.frozen(kw_only=True)
class WeightFile:
    """One file of a weights artifact: its path inside the artifact, size and digest."""

    path: str = attrs.field(validator=v.non_empty)
    size: int | None = attrs.field(default=None, validator=v.non_negative)
    digest: Digest | None = None
    #: The file is a Git LFS pointer: size and digest are those of the content it names.
    lfs_pointer: bool = False


# The evidence types (a component's files, the sources of its fields) hold a Digest: imported
# once Digest exists, so that either module can be imported first.
from fmbom.evidence import (  # noqa: E402
    DtypeCount,
    FieldSource,
    FileRecord,
    sort_files,
    sort_sources,
)


@attrs.frozen(kw_only=True)
class Quantization:
    """How weights were quantized: method (gptq, awq, bitsandbytes, gguf q4_k_m, fp8...)."""

    method: str = attrs.field(validator=v.non_empty)
    bits: int | None = attrs.field(default=None, validator=v.positive)
    group_size: int | None = attrs.field(default=None, validator=v.positive)


@attrs.frozen(kw_only=True)
class SpecialToken:
    """A special token and the role it plays (bos, eos, pad, unk, ...)."""

    role: str = attrs.field(validator=v.non_empty)
    content: str


@attrs.frozen(kw_only=True)
class Threshold:
    """A named decision threshold of a guard model."""

    name: str = attrs.field(validator=v.non_empty)
    value: float = attrs.field(validator=v.finite)


# --- components ------------------------------------------------------------------------------


def _sort_digests(items: Iterable[Digest]) -> tuple[Digest, ...]:
    return tuple(sorted(items, key=lambda d: (d.algorithm.value, d.value)))


def _sort_references(items: Iterable[ExternalReference]) -> tuple[ExternalReference, ...]:
    return tuple(
        sorted(items, key=lambda r: (r.type.value, r.url, r.comment is not None, r.comment or ""))
    )


def _sort_properties(items: Iterable[Property]) -> tuple[Property, ...]:
    return tuple(sorted(items, key=lambda p: (p.name, p.value)))


# Typed converters (a generic one would leave mypy unable to check callers' lists).
def _modalities(items: Iterable[Modality]) -> tuple[Modality, ...]:
    return tuple(items)


def _weight_files(items: Iterable[WeightFile]) -> tuple[WeightFile, ...]:
    return tuple(items)


def _dtype_counts(items: Iterable[DtypeCount]) -> tuple[DtypeCount, ...]:
    return tuple(sorted(items, key=lambda d: d.dtype))


def _special_tokens(items: Iterable[SpecialToken]) -> tuple[SpecialToken, ...]:
    return tuple(items)


def _thresholds(items: Iterable[Threshold]) -> tuple[Threshold, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
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
    #: Where each field's value was read (a scan fills it; see fmbom.evidence).
    sources: tuple[FieldSource, ...] = attrs.field(default=(), converter=sort_sources)

    def __attrs_post_init__(self) -> None:
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


@attrs.frozen(kw_only=True)
class Model(Component):
    """A trained model: base, adapted, guard classifier, embedding, reward or router model."""

    kind: ClassVar[ComponentKind] = ComponentKind.MODEL

    role: ModelRole = ModelRole.BASE
    task: str | None = None
    architecture_family: str | None = None
    architecture: str | None = None
    modalities_in: tuple[Modality, ...] = attrs.field(default=(), converter=_modalities)
    modalities_out: tuple[Modality, ...] = attrs.field(default=(), converter=_modalities)
    parameter_count: int | None = attrs.field(default=None, validator=v.non_negative)
    context_length: int | None = attrs.field(default=None, validator=v.positive)
    access_route: AccessRoute | None = None
    governance: Governance | None = None
    languages: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    #: Files of the model that are not its weights or tokenizer: configs, card, licence...
    files: tuple[FileRecord, ...] = attrs.field(default=(), converter=sort_files)


@attrs.frozen(kw_only=True)
class Weights(Component):
    """A concrete parameter artifact: files, format, dtype, quantization and sharding."""

    kind: ClassVar[ComponentKind] = ComponentKind.WEIGHTS

    files: tuple[WeightFile, ...] = attrs.field(default=(), converter=_weight_files)
    format: WeightFormat = WeightFormat.SAFETENSORS
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
        """Sum of the file sizes, or None when any size is unknown."""
        sizes = [f.size for f in self.files]
        return None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)


@attrs.frozen(kw_only=True)
class Tokenizer(Component):
    """A tokenizer or processor: algorithm, vocabulary, special tokens, chat template."""

    kind: ClassVar[ComponentKind] = ComponentKind.TOKENIZER

    tokenizer_type: TokenizerType | None = None
    vocab_size: int | None = attrs.field(default=None, validator=v.non_negative)
    special_tokens: tuple[SpecialToken, ...] = attrs.field(default=(), converter=_special_tokens)
    chat_template_digest: Digest | None = None
    files: tuple[FileRecord, ...] = attrs.field(default=(), converter=sort_files)


@attrs.frozen(kw_only=True)
class Adapter(Component):
    """A parameter-efficient adapter (LoRA, QLoRA, prefix, IA3...) on a base model."""

    kind: ClassVar[ComponentKind] = ComponentKind.ADAPTER

    method: AdapterMethod = AdapterMethod.LORA
    rank: int | None = attrs.field(default=None, validator=v.positive)
    alpha: float | None = attrs.field(default=None, validator=v.finite)
    dropout: float | None = attrs.field(default=None, validator=v.fraction)
    target_modules: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    base_model_name: str | None = None
    languages: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    files: tuple[FileRecord, ...] = attrs.field(default=(), converter=sort_files)


@attrs.frozen(kw_only=True)
class Dataset(Component):
    """Training, tuning, evaluation or retrieval data."""

    kind: ClassVar[ComponentKind] = ComponentKind.DATASET

    purpose: DatasetPurpose = DatasetPurpose.OTHER
    modalities: tuple[Modality, ...] = attrs.field(default=(), converter=_modalities)
    records: int | None = attrs.field(default=None, validator=v.non_negative)
    size_bytes: int | None = attrs.field(default=None, validator=v.non_negative)
    source: str | None = None
    collection_method: str | None = None
    synthetic_share: float | None = attrs.field(default=None, validator=v.fraction)
    sensitivity: Sensitivity | None = None
    copyright_status: str | None = None
    known_exclusions: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    languages: tuple[str, ...] = attrs.field(default=(), converter=v.unique_sorted_strings)
    #: The data files (and card) of the dataset, with their digests.
    files: tuple[FileRecord, ...] = attrs.field(default=(), converter=sort_files)


@attrs.frozen(kw_only=True)
class GuardModel(Component):
    """An input/output safety filter. The model it runs is linked with ``depends-on``."""

    kind: ClassVar[ComponentKind] = ComponentKind.GUARD_MODEL

    position: GuardPosition = GuardPosition.BOTH
    policy: str | None = None
    categories: tuple[str, ...] = attrs.field(default=(), converter=v.strings)
    thresholds: tuple[Threshold, ...] = attrs.field(default=(), converter=_thresholds)
    endpoint: str | None = attrs.field(default=None, validator=v.url)


@attrs.frozen(kw_only=True)
class Router(Component):
    """Picks a model or provider per request; its routes are ordered ``routes-to`` relations."""

    kind: ClassVar[ComponentKind] = ComponentKind.ROUTER

    strategy: RouterStrategy = RouterStrategy.RULE
    endpoint: str | None = attrs.field(default=None, validator=v.url)


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
class Software(Component):
    """A library, runtime, framework, inference server, vector store or evaluation harness."""

    kind: ClassVar[ComponentKind] = ComponentKind.SOFTWARE

    role: SoftwareRole = SoftwareRole.LIBRARY


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


@attrs.frozen(kw_only=True)
class Relation:
    """A typed edge ``source --kind--> target`` between two components of one BOM.

    ``method`` belongs to ``derived-from``, ``stage`` to ``trained-on``, ``order`` and
    ``condition`` to ``routes-to``; giving one to another kind is an error.
    """

    kind: RelationKind
    source: str = attrs.field(validator=v.ref)
    target: str = attrs.field(validator=v.ref)
    method: DerivationMethod | None = None
    stage: TrainingStage | None = None
    order: int | None = attrs.field(default=None, validator=v.non_negative)
    condition: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.source == self.target:
            raise ValidationError(
                f"a component cannot relate to itself ({self.source!r})", "target"
            )
        owners = {
            "method": RelationKind.DERIVED_FROM,
            "stage": RelationKind.TRAINED_ON,
            "order": RelationKind.ROUTES_TO,
            "condition": RelationKind.ROUTES_TO,
        }
        for field, owner in owners.items():
            if getattr(self, field) is not None and self.kind is not owner:
                raise ValidationError(
                    f"only {owner.value} relations have a {field}, not {self.kind.value}", field
                )

    @property
    def key(self) -> tuple[str, str, str]:
        """(kind, source, target): unique within a BOM."""
        return (self.kind.value, self.source, self.target)
