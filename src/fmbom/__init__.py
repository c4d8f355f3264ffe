"""fmbom: the AI bill of materials of foundation-model systems.

Build a :class:`Bom` from typed components and relations, write it and read it back in any
supported format, diff two versions, scan a model directory, check the governance record::

    import fmbom

    bom = fmbom.Bom.create("assistant", "1.0").add(
        fmbom.Model(ref="base", name="acme-base", version="1.0"),
        fmbom.Dataset(ref="web", name="web-crawl", purpose="pretraining"),
    ).relate("base", "trained-on", "web")
    text = fmbom.dumps_bom(bom)
    assert fmbom.loads_bom(text) == bom

The subpackages are modules holding their verb and its types: :mod:`fmbom.diff`
(``fmbom.diff.diff``, ``Policy``, ``DiffResult``), :mod:`fmbom.scan`, :mod:`fmbom.check`,
:mod:`fmbom.cyclonedx`, :mod:`fmbom.spdx`, :mod:`fmbom.native`, :mod:`fmbom.io`. The top
level re-exports each verb under a name that shadows no module: :func:`diff_boms`,
:func:`scan_path`, :func:`check_bom`.
"""

from fmbom._compose import ComposeResult, Conflict, Link
from fmbom._version import __version__
from fmbom.bom import Bom, BomMetadata, Subject, Tool, identity_key
from fmbom.check import CheckResult, Finding, Profile
from fmbom.check import check as check_bom
from fmbom.diff import Change, ChangeSubject, DiffResult, Policy
from fmbom.diff import diff as diff_boms
from fmbom.errors import (
    BomValidationError,
    ExportError,
    FmbomError,
    InputFormatError,
    PolicyError,
    Problem,
    ScanError,
    ValidationError,
    WriteError,
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
from fmbom.io import OutputFormat, dumps_bom, loads_bom, read_bom, write_atomic, write_bom
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
from fmbom.scan import ScanProblem, ScanResult
from fmbom.scan import scan as scan_path
from fmbom.severity import Severity
from fmbom.vocabulary import HASH_NAMES, HashNames, Vocabulary

__all__ = [
    "HASH_NAMES",
    "AccessRoute",
    "Adapter",
    "AdapterMethod",
    "AnyComponent",
    "Bom",
    "BomMetadata",
    "BomValidationError",
    "Change",
    "ChangeSubject",
    "CheckResult",
    "Component",
    "ComponentKind",
    "ComposeResult",
    "Conflict",
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
    "Finding",
    "FmbomError",
    "Governance",
    "GuardModel",
    "GuardPosition",
    "HashAlgorithm",
    "HashNames",
    "Identity",
    "InferenceProvider",
    "InputFormatError",
    "Link",
    "Modality",
    "Model",
    "ModelRole",
    "OutputFormat",
    "Policy",
    "PolicyError",
    "PostTraining",
    "Problem",
    "Profile",
    "Property",
    "Quantization",
    "Relation",
    "RelationKind",
    "ReleaseControls",
    "Router",
    "RouterStrategy",
    "ScanError",
    "ScanProblem",
    "ScanResult",
    "Sensitivity",
    "Severity",
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
    "Vocabulary",
    "WeightFile",
    "WeightFormat",
    "Weights",
    "WriteError",
    "__version__",
    "check_bom",
    "diff_boms",
    "dumps_bom",
    "identity_key",
    "loads_bom",
    "read_bom",
    "scan_path",
    "write_atomic",
    "write_bom",
]

_MOVED = {
    "dumps": "fmbom.dumps_bom (any format) or fmbom.native.dumps",
    "loads": "fmbom.loads_bom (any format) or fmbom.native.loads",
}


def __getattr__(name: str) -> object:
    """Import :mod:`fmbom.cyclonedx` and :mod:`fmbom.spdx` on first use; name the new home of
    removed names."""
    if name in ("cyclonedx", "spdx"):
        import importlib

        return importlib.import_module(f"fmbom.{name}")
    if name in _MOVED:
        raise AttributeError(f"fmbom.{name} was removed after 0.1; use {_MOVED[name]}")
    raise AttributeError(f"module 'fmbom' has no attribute {name!r}")
