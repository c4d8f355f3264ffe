"""fmbom: the AI bill of materials of foundation-model systems.

Build a :class:`Bom` from typed components and relations, save and load it as native JSON,
and read BOMs from files in any supported format::

    import fmbom

    bom = fmbom.Bom.create("assistant", "1.0").add(
        fmbom.Model(ref="base", name="acme-base", version="1.0"),
        fmbom.Dataset(ref="web", name="web-crawl", purpose=fmbom.DatasetPurpose.PRETRAINING),
    ).relate("base", fmbom.RelationKind.TRAINED_ON, "web")
    text = fmbom.dumps(bom)
    assert fmbom.loads(text) == bom
"""

from fmbom._version import __version__
from fmbom.bom import Bom, BomMetadata, Subject, Tool, identity_key
from fmbom.diff import Change, ChangeSubject, DiffResult, diff
from fmbom.errors import (
    BomValidationError,
    ExportError,
    FmbomError,
    InputFormatError,
    ScanError,
    ValidationError,
)
from fmbom.governance import (
    DownstreamObligations,
    Evaluation,
    EvaluationCategory,
    Governance,
    Identity,
    PostTraining,
    ReleaseControls,
    SourceType,
    TrainingData,
    Unit,
)
from fmbom.io import loads_bom, read_bom, write_atomic
from fmbom.model import (
    AccessRoute,
    Adapter,
    AdapterMethod,
    AnyComponent,
    Component,
    ComponentKind,
    Dataset,
    DatasetPurpose,
    DerivationMethod,
    Digest,
    ExternalReference,
    ExternalReferenceType,
    GuardModel,
    GuardPosition,
    HashAlgorithm,
    InferenceProvider,
    Modality,
    Model,
    ModelRole,
    Property,
    Quantization,
    Relation,
    RelationKind,
    Router,
    RouterStrategy,
    Sensitivity,
    Software,
    SoftwareRole,
    SpecialToken,
    Threshold,
    Tokenizer,
    TokenizerType,
    TrainingStage,
    WeightFile,
    WeightFormat,
    Weights,
)
from fmbom.native import dumps, loads

__all__ = [
    "AccessRoute",
    "Adapter",
    "AdapterMethod",
    "AnyComponent",
    "Bom",
    "BomMetadata",
    "BomValidationError",
    "Change",
    "ChangeSubject",
    "Component",
    "ComponentKind",
    "Dataset",
    "DatasetPurpose",
    "DerivationMethod",
    "DiffResult",
    "Digest",
    "DownstreamObligations",
    "Evaluation",
    "EvaluationCategory",
    "ExportError",
    "ExternalReference",
    "ExternalReferenceType",
    "FmbomError",
    "Governance",
    "GuardModel",
    "GuardPosition",
    "HashAlgorithm",
    "Identity",
    "InferenceProvider",
    "InputFormatError",
    "Modality",
    "Model",
    "ModelRole",
    "PostTraining",
    "Property",
    "Quantization",
    "Relation",
    "RelationKind",
    "ReleaseControls",
    "Router",
    "RouterStrategy",
    "ScanError",
    "Sensitivity",
    "Software",
    "SoftwareRole",
    "SourceType",
    "SpecialToken",
    "Subject",
    "Threshold",
    "Tokenizer",
    "TokenizerType",
    "Tool",
    "TrainingData",
    "TrainingStage",
    "Unit",
    "ValidationError",
    "WeightFile",
    "WeightFormat",
    "Weights",
    "__version__",
    "diff",
    "dumps",
    "identity_key",
    "loads",
    "loads_bom",
    "read_bom",
    "scan",
    "write_atomic",
]


def __getattr__(name: str) -> object:
    """Import ``fmbom.scan`` on first use (``fmbom.scan(path)``), keeping ``import fmbom`` light."""
    if name == "scan":
        import importlib

        return importlib.import_module("fmbom.scan")
    raise AttributeError(f"module 'fmbom' has no attribute {name!r}")
