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

from __future__ import annotations

from fmbom._version import __version__

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time); type checkers
#: take the name for theirs.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from fmbom._compose import ComposeResult, Conflict, Link
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

#: Where each re-exported name lives (module, name there). Each is imported on first use, so
#: that ``import fmbom`` (and with it the command line's start-up) loads only what the caller
#: reads: ``fmbom.Bom`` imports :mod:`fmbom.bom`, ``from fmbom import diff_boms`` the diff
#: engine. ``from fmbom import Bom`` works as it always did.
_LAZY: dict[str, tuple[str, str]] = {
    "ComposeResult": ("fmbom._compose", "ComposeResult"),
    "Conflict": ("fmbom._compose", "Conflict"),
    "Link": ("fmbom._compose", "Link"),
    "Bom": ("fmbom.bom", "Bom"),
    "BomMetadata": ("fmbom.bom", "BomMetadata"),
    "Subject": ("fmbom.bom", "Subject"),
    "Tool": ("fmbom.bom", "Tool"),
    "identity_key": ("fmbom.bom", "identity_key"),
    "CheckResult": ("fmbom.check", "CheckResult"),
    "Finding": ("fmbom.check", "Finding"),
    "Profile": ("fmbom.check", "Profile"),
    "check_bom": ("fmbom.check", "check"),
    "Change": ("fmbom.diff", "Change"),
    "ChangeSubject": ("fmbom.diff", "ChangeSubject"),
    "DiffResult": ("fmbom.diff", "DiffResult"),
    "Policy": ("fmbom.diff", "Policy"),
    "diff_boms": ("fmbom.diff", "diff"),
    "BomValidationError": ("fmbom.errors", "BomValidationError"),
    "ExportError": ("fmbom.errors", "ExportError"),
    "FmbomError": ("fmbom.errors", "FmbomError"),
    "InputFormatError": ("fmbom.errors", "InputFormatError"),
    "PolicyError": ("fmbom.errors", "PolicyError"),
    "Problem": ("fmbom.errors", "Problem"),
    "ScanError": ("fmbom.errors", "ScanError"),
    "ValidationError": ("fmbom.errors", "ValidationError"),
    "WriteError": ("fmbom.errors", "WriteError"),
    "DownstreamObligations": ("fmbom.governance", "DownstreamObligations"),
    "Evaluation": ("fmbom.governance", "Evaluation"),
    "EvaluationCategory": ("fmbom.governance", "EvaluationCategory"),
    "Governance": ("fmbom.governance", "Governance"),
    "Identity": ("fmbom.governance", "Identity"),
    "PostTraining": ("fmbom.governance", "PostTraining"),
    "ReleaseControls": ("fmbom.governance", "ReleaseControls"),
    "SourceType": ("fmbom.governance", "SourceType"),
    "TrainingData": ("fmbom.governance", "TrainingData"),
    "Unit": ("fmbom.governance", "Unit"),
    "OutputFormat": ("fmbom.io", "OutputFormat"),
    "dumps_bom": ("fmbom.io", "dumps_bom"),
    "loads_bom": ("fmbom.io", "loads_bom"),
    "read_bom": ("fmbom.io", "read_bom"),
    "write_atomic": ("fmbom.io", "write_atomic"),
    "write_bom": ("fmbom.io", "write_bom"),
    "AccessRoute": ("fmbom.model", "AccessRoute"),
    "Adapter": ("fmbom.model", "Adapter"),
    "AdapterMethod": ("fmbom.model", "AdapterMethod"),
    "AnyComponent": ("fmbom.model", "AnyComponent"),
    "Component": ("fmbom.model", "Component"),
    "ComponentKind": ("fmbom.model", "ComponentKind"),
    "Dataset": ("fmbom.model", "Dataset"),
    "DatasetPurpose": ("fmbom.model", "DatasetPurpose"),
    "DerivationMethod": ("fmbom.model", "DerivationMethod"),
    "Digest": ("fmbom.model", "Digest"),
    "ExternalReference": ("fmbom.model", "ExternalReference"),
    "ExternalReferenceType": ("fmbom.model", "ExternalReferenceType"),
    "GuardModel": ("fmbom.model", "GuardModel"),
    "GuardPosition": ("fmbom.model", "GuardPosition"),
    "HashAlgorithm": ("fmbom.model", "HashAlgorithm"),
    "InferenceProvider": ("fmbom.model", "InferenceProvider"),
    "Modality": ("fmbom.model", "Modality"),
    "Model": ("fmbom.model", "Model"),
    "ModelRole": ("fmbom.model", "ModelRole"),
    "Property": ("fmbom.model", "Property"),
    "Quantization": ("fmbom.model", "Quantization"),
    "Relation": ("fmbom.model", "Relation"),
    "RelationKind": ("fmbom.model", "RelationKind"),
    "Router": ("fmbom.model", "Router"),
    "RouterStrategy": ("fmbom.model", "RouterStrategy"),
    "Sensitivity": ("fmbom.model", "Sensitivity"),
    "Software": ("fmbom.model", "Software"),
    "SoftwareRole": ("fmbom.model", "SoftwareRole"),
    "SpecialToken": ("fmbom.model", "SpecialToken"),
    "Threshold": ("fmbom.model", "Threshold"),
    "Tokenizer": ("fmbom.model", "Tokenizer"),
    "TokenizerType": ("fmbom.model", "TokenizerType"),
    "TrainingStage": ("fmbom.model", "TrainingStage"),
    "WeightFile": ("fmbom.model", "WeightFile"),
    "WeightFormat": ("fmbom.model", "WeightFormat"),
    "Weights": ("fmbom.model", "Weights"),
    "ScanProblem": ("fmbom.scan", "ScanProblem"),
    "ScanResult": ("fmbom.scan", "ScanResult"),
    "scan_path": ("fmbom.scan", "scan"),
    "Severity": ("fmbom.severity", "Severity"),
    "HASH_NAMES": ("fmbom.vocabulary", "HASH_NAMES"),
    "HashNames": ("fmbom.vocabulary", "HashNames"),
    "Vocabulary": ("fmbom.vocabulary", "Vocabulary"),
}

#: The modules and subpackages reachable as attributes of the package (``fmbom.diff.diff``
#: after a bare ``import fmbom``), imported on first use as well.
_SUBMODULES = frozenset(
    (
        "bom",
        "check",
        "cyclonedx",
        "diff",
        "errors",
        "evidence",
        "extensions",
        "governance",
        "graph",
        "io",
        "licenses",
        "model",
        "native",
        "render",
        "report",
        "scan",
        "severity",
        "spdx",
        "values",
        "vocabulary",
    )
)

_MOVED = {
    "dumps": "fmbom.dumps_bom (any format) or fmbom.native.dumps",
    "loads": "fmbom.loads_bom (any format) or fmbom.native.loads",
}


def __getattr__(name: str) -> object:
    """Import a re-exported name or a submodule on first use; name the new home of removed
    names."""
    import importlib

    found = _LAZY.get(name)
    if found is not None:
        value = getattr(importlib.import_module(found[0]), found[1])
        globals()[name] = value  # later reads find it without this function
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"fmbom.{name}")
    if name in _MOVED:
        raise AttributeError(f"fmbom.{name} was removed after 0.1; use {_MOVED[name]}")
    raise AttributeError(f"module 'fmbom' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES} - {"TYPE_CHECKING"})
