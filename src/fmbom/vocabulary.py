"""The closed vocabularies of the object model: one ``str`` enum per vocabulary.

Each value is the string every serialized form uses (native JSON, CycloneDX ``fmbom:*``
properties, the CLI). Members print as their value. Everything here is re-exported from
:mod:`fmbom.model` and from :mod:`fmbom`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, NamedTuple, TypeVar

if TYPE_CHECKING:
    from fmbom.errors import ValidationError

__all__ = [
    "HASH_NAMES",
    "AccessRoute",
    "AdapterMethod",
    "ComponentKind",
    "DatasetPurpose",
    "DerivationMethod",
    "EvaluationCategory",
    "ExternalReferenceType",
    "GuardPosition",
    "HashAlgorithm",
    "HashNames",
    "Modality",
    "ModelRole",
    "RelationKind",
    "RouterStrategy",
    "Sensitivity",
    "SoftwareRole",
    "SourceType",
    "TokenizerType",
    "TrainingStage",
    "Unit",
    "Vocabulary",
    "WeightFormat",
]

V = TypeVar("V", bound="Vocabulary")


class Vocabulary(str, Enum):
    """A closed vocabulary whose values are the strings used in every serialized form.

    Everywhere the object model expects a member, the member's string value is accepted too
    and converted through the enum (``Model(role="adapted")``); anything else is a
    :class:`~fmbom.errors.ValidationError` naming the field.
    """

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def coerce(cls: type[V], value: object, field: str = "") -> V:
        """``value`` as a member of this vocabulary: a member, or the string value of one.

        Raises :class:`~fmbom.errors.ValidationError` (with ``field`` as its path) otherwise.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                pass
        known = ", ".join(str(member.value) for member in cls)
        raise _invalid(f"expected one of {known}; got {value!r}", field)


def parse_member(cls: type[V], text: str | V, noun: str) -> V:
    """The member of ``cls`` whose value is ``text``; a :class:`ValidationError` (a
    ``ValueError``) naming the ``noun`` and the known values otherwise. Used by the ids of
    diff rules and check findings, whose lists are long and shown sorted."""
    if isinstance(text, cls):
        return text
    try:
        return cls(text)
    except ValueError:
        known = ", ".join(sorted(str(member.value) for member in cls))
        raise _invalid(f"unknown {noun} {text!r} (known: {known})") from None


class ComponentKind(Vocabulary):
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


class HashAlgorithm(Vocabulary):
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
        return HASH_NAMES[self].hex_length

    @property
    def names(self) -> HashNames:
        """How this algorithm is written elsewhere: CycloneDX, SPDX 3, :mod:`hashlib`."""
        return HASH_NAMES[self]

    @classmethod
    def parse(cls, text: str) -> HashAlgorithm:
        """Read any common spelling: ``SHA-256``, ``SHA256``, ``sha_256`` and ``sha256`` agree."""
        found = _ALGORITHM_SPELLINGS.get(text)
        if found is None:
            found = _ALGORITHM_SPELLINGS.get(_spelling_key(text))
        if found is None:
            known = ", ".join(a.value for a in cls)
            raise _invalid(f"unknown hash algorithm {text!r} (known: {known})")
        return found

    @classmethod
    def coerce(cls, value: object, field: str = "") -> HashAlgorithm:
        """A member, or any common spelling of one (see :meth:`parse`)."""
        if isinstance(value, HashAlgorithm):
            return value
        if not isinstance(value, str):
            known = ", ".join(a.value for a in cls)
            raise _invalid(f"expected a hash algorithm ({known}); got {value!r}", field)
        found = _ALGORITHM_SPELLINGS.get(_spelling_key(value))
        if found is None:
            known = ", ".join(a.value for a in cls)
            raise _invalid(f"unknown hash algorithm {value!r} (known: {known})", field)
        return found


def _invalid(message: str, field: str = "") -> ValidationError:
    """The error for a value outside a vocabulary; :mod:`fmbom.errors` (attrs, cattrs) is
    imported only then, so that the command line's choices cost no more than :mod:`enum`."""
    from fmbom.errors import ValidationError

    return ValidationError(message, field)


class HashNames(NamedTuple):
    """One hash algorithm's digest length and its names in the formats fmbom reads and writes.

    ``hashlib`` is the name :func:`hashlib.new` takes (with ``digest_size`` for BLAKE2b), or
    None where the standard library has no such hash (BLAKE3).
    """

    hex_length: int
    cyclonedx: str
    spdx: str
    hashlib: str | None


#: Every hash algorithm's digest length and names: the one table of their spellings.
HASH_NAMES: Final[Mapping[HashAlgorithm, HashNames]] = MappingProxyType(
    {
        HashAlgorithm.MD5: HashNames(hex_length=32, cyclonedx="MD5", spdx="md5", hashlib="md5"),
        HashAlgorithm.SHA1: HashNames(
            hex_length=40, cyclonedx="SHA-1", spdx="sha1", hashlib="sha1"
        ),
        HashAlgorithm.SHA256: HashNames(
            hex_length=64, cyclonedx="SHA-256", spdx="sha256", hashlib="sha256"
        ),
        HashAlgorithm.SHA384: HashNames(
            hex_length=96, cyclonedx="SHA-384", spdx="sha384", hashlib="sha384"
        ),
        HashAlgorithm.SHA512: HashNames(
            hex_length=128, cyclonedx="SHA-512", spdx="sha512", hashlib="sha512"
        ),
        HashAlgorithm.SHA3_256: HashNames(
            hex_length=64, cyclonedx="SHA3-256", spdx="sha3_256", hashlib="sha3_256"
        ),
        HashAlgorithm.SHA3_384: HashNames(
            hex_length=96, cyclonedx="SHA3-384", spdx="sha3_384", hashlib="sha3_384"
        ),
        HashAlgorithm.SHA3_512: HashNames(
            hex_length=128, cyclonedx="SHA3-512", spdx="sha3_512", hashlib="sha3_512"
        ),
        HashAlgorithm.BLAKE2B_256: HashNames(
            hex_length=64, cyclonedx="BLAKE2b-256", spdx="blake2b256", hashlib="blake2b"
        ),
        HashAlgorithm.BLAKE2B_384: HashNames(
            hex_length=96, cyclonedx="BLAKE2b-384", spdx="blake2b384", hashlib="blake2b"
        ),
        HashAlgorithm.BLAKE2B_512: HashNames(
            hex_length=128, cyclonedx="BLAKE2b-512", spdx="blake2b512", hashlib="blake2b"
        ),
        HashAlgorithm.BLAKE3: HashNames(
            hex_length=64, cyclonedx="BLAKE3", spdx="blake3", hashlib=None
        ),
    }
)


def _spelling_key(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text).lower()


#: Every accepted spelling, folded (no case, spaces, dashes or underscores), to its algorithm;
#: the names as CycloneDX and SPDX write them are there unfolded too (found without folding).
_ALGORITHM_SPELLINGS: Final = {
    key: algorithm
    for algorithm, names in HASH_NAMES.items()
    for spelling in (algorithm.value, names.cyclonedx, names.spdx)
    for key in (_spelling_key(spelling), spelling)
}


class ExternalReferenceType(Vocabulary):
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


class ModelRole(Vocabulary):
    """What a trained model is for in the system."""

    BASE = "base"
    ADAPTED = "adapted"
    GUARD_CLASSIFIER = "guard-classifier"
    EMBEDDING = "embedding"
    REWARD = "reward"
    ROUTER_CLASSIFIER = "router-classifier"


class Modality(Vocabulary):
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


class AccessRoute(Vocabulary):
    """How downstream users reach a model."""

    OPEN_WEIGHTS = "open-weights"
    GATED_WEIGHTS = "gated-weights"
    API = "api"
    HOSTED_PRODUCT = "hosted-product"
    INTERNAL = "internal"


class WeightFormat(Vocabulary):
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


class TokenizerType(Vocabulary):
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


class AdapterMethod(Vocabulary):
    """Parameter-efficient adaptation methods."""

    LORA = "lora"
    QLORA = "qlora"
    DORA = "dora"
    PREFIX_TUNING = "prefix-tuning"
    PROMPT_TUNING = "prompt-tuning"
    P_TUNING = "p-tuning"
    IA3 = "ia3"
    OTHER = "other"


class DatasetPurpose(Vocabulary):
    """What a dataset is used for in the chain."""

    PRETRAINING = "pretraining"
    FINE_TUNING = "fine-tuning"
    PREFERENCE = "preference"
    SAFETY = "safety"
    EVALUATION = "evaluation"
    RETRIEVAL = "retrieval"
    CALIBRATION = "calibration"
    OTHER = "other"


class Sensitivity(Vocabulary):
    """The personal-data and confidentiality classification of a dataset."""

    NONE = "none"
    PUBLIC = "public"
    PII = "pii"
    SENSITIVE_PII = "sensitive-pii"
    CONFIDENTIAL = "confidential"
    UNKNOWN = "unknown"


class GuardPosition(Vocabulary):
    """Where a guard model filters: prompts, completions, or both."""

    INPUT = "input"
    OUTPUT = "output"
    BOTH = "both"


class RouterStrategy(Vocabulary):
    """How a router picks a route."""

    RULE = "rule"
    CLASSIFIER = "classifier"
    COST = "cost"
    LATENCY = "latency"
    FALLBACK_CHAIN = "fallback-chain"
    LOAD_BALANCE = "load-balance"


class SoftwareRole(Vocabulary):
    """What a piece of software does in the system."""

    LIBRARY = "library"
    RUNTIME = "runtime"
    FRAMEWORK = "framework"
    INFERENCE_SERVER = "inference-server"
    VECTOR_STORE = "vector-store"
    EVAL_HARNESS = "eval-harness"
    APPLICATION = "application"
    OTHER = "other"


class RelationKind(Vocabulary):
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


class DerivationMethod(Vocabulary):
    """How a ``derived-from`` model was made from its source."""

    FINE_TUNE = "fine-tune"
    PREFERENCE_TUNING = "preference-tuning"
    DISTILLATION = "distillation"
    MERGE = "merge"
    CONTINUED_PRETRAINING = "continued-pretraining"


class TrainingStage(Vocabulary):
    """The training stage a ``trained-on`` dataset fed."""

    PRETRAINING = "pretraining"
    SFT = "sft"
    PREFERENCE = "preference"
    SAFETY = "safety"


class Unit(Vocabulary):
    """The four units that must never be collapsed."""

    BASE_MODEL = "base-model"
    ADAPTED_MODEL = "adapted-model"
    RELEASE_ARTIFACT = "release-artifact"
    DEPLOYED_SYSTEM = "deployed-system"


class SourceType(Vocabulary):
    """Who stands behind a piece of evaluation evidence."""

    PROVIDER_CLAIM = "provider-claim"
    INDEPENDENT_AUDIT = "independent-audit"
    REGULATOR_FILING = "regulator-filing"
    PEER_REVIEWED = "peer-reviewed"


class EvaluationCategory(Vocabulary):
    """What an evaluation measures; safety and suitability claims need more than a claim."""

    CAPABILITY = "capability"
    SAFETY = "safety"
    SECURITY = "security"
    FAIRNESS = "fairness"
    ROBUSTNESS = "robustness"
    SUITABILITY = "suitability"
    OTHER = "other"
