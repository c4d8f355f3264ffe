"""The closed vocabularies of the object model: one ``str`` enum per vocabulary.

Each value is the string every serialized form uses (native JSON, CycloneDX ``fmbom:*``
properties, the CLI). Members print as their value. Everything here is re-exported from
:mod:`fmbom.model` and from :mod:`fmbom`.
"""

from __future__ import annotations

from fmbom._enums import Vocabulary
from fmbom._hashes import HASH_NAMES, HashAlgorithm, HashNames

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
