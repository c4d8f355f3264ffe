"""Links a unit states to other components: the base models it derives from (card
``base_model``, ``adapter_config.json`` ``base_model_name_or_path``, ``config.json``
``_name_or_path``), the datasets it was trained on and the software it needs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from fmbom.governance import Unit
from fmbom.model import (
    Dataset,
    DerivationMethod,
    ExternalReference,
    ExternalReferenceType,
    Model,
    Quantization,
    RelationKind,
    Software,
    SoftwareRole,
)
from fmbom.scan import _hf
from fmbom.scan._card import Card
from fmbom.scan._context import UnitScope, ref_part

__all__ = ["REPO_ID", "evaluation_unit", "lineage", "link_datasets", "link_software"]

REPO_ID: Final = re.compile(r"[\w.\-]+/[\w.\-]+")
#: First path parts of ``_name_or_path`` values that are local training outputs, not repos.
_LOCAL_PARTS: Final = frozenset(
    {"output", "outputs", "out", "tmp", "models", "model", "runs", "results", "checkpoints"}
)


def _name_or_path(unit: UnitScope, config: Mapping[str, Any], own: str) -> str | None:
    """The repo id ``config.json`` ``_name_or_path`` names, when it is another repo's id."""
    value = config.get("_name_or_path")
    if not isinstance(value, str) or not REPO_ID.fullmatch(value.strip()):
        return None
    value = value.strip()
    org, _, short = value.partition("/")
    if org.lower() in _LOCAL_PARTS or short.lower().startswith("checkpoint"):
        return None
    if short.lower() == own.lower() or value.lower() == (unit.state.repo_id or "").lower():
        return None
    return value


def lineage(
    unit: UnitScope,
    source: str,
    card: Card,
    *,
    config: Mapping[str, Any],
    quantization: Quantization | None,
    own_name: str,
    is_adapter: bool,
    adapter_base: str | None = None,
) -> list[str]:
    """Relate ``source`` to its base models; returns their refs."""
    state = unit.state
    ids = _hf.base_model_ids(card.data)
    if ids:
        state.note(source, "lineage", card.path, "front matter base_model")
    if adapter_base:
        ids = [adapter_base, *(i for i in ids if i != adapter_base)]
        unit.note(source, "lineage", "adapter_config.json", "base_model_name_or_path")
    if not ids:
        origin = _name_or_path(unit, config, own_name)
        if origin is not None:
            ids = [origin]
            unit.note(source, "lineage", "config.json", "_name_or_path")
    relation = str(card.get("base_model_relation") or "").lower()
    if not relation:
        relation = "adapter" if is_adapter else "quantized" if quantization else ""
    refs = []
    for index, repo_id in enumerate(ids):
        target = state.add(_base_model(repo_id))
        refs.append(target)
        if relation == "adapter" and is_adapter:
            if index == 0:
                state.relate(source, RelationKind.ADAPTS, target)
            else:
                state.warn(unit.where, f"an adapter adapts one model; {repo_id!r} ignored")
                refs.pop()
        elif relation == "quantized":
            state.relate(source, RelationKind.QUANTIZED_FROM, target)
        else:
            if relation == "adapter":
                state.warn(
                    unit.where,
                    "card says base_model_relation: adapter but no adapter_config.json; "
                    "recorded as derived-from",
                )
            method = {"finetune": DerivationMethod.FINE_TUNE, "merge": DerivationMethod.MERGE}
            state.relate(source, RelationKind.DERIVED_FROM, target, method.get(relation))
    return refs


def _base_model(repo_id: str) -> Model:
    group, _, short = repo_id.rpartition("/")
    valid = re.fullmatch(r"[\w.\-]+(/[\w.\-]+)?", repo_id) is not None
    return Model(
        ref=ref_part(f"base:{repo_id}"),
        name=short or repo_id,
        group=group or None,
        purl=f"pkg:huggingface/{repo_id}" if valid and group else None,
        external_references=(
            (
                ExternalReference(
                    url=f"https://huggingface.co/{repo_id}", type=ExternalReferenceType.WEBSITE
                ),
            )
            if valid
            else ()
        ),
    )


def evaluation_unit(bases: list[str], quantization: Quantization | None) -> Unit:
    if quantization is not None:
        return Unit.RELEASE_ARTIFACT
    return Unit.ADAPTED_MODEL if bases else Unit.BASE_MODEL


def link_software(unit: UnitScope, source: str, config: Mapping[str, Any]) -> None:
    packages: dict[str, str] = {}
    version = config.get("transformers_version")
    if isinstance(version, str) and version.strip():
        packages["transformers"] = version.strip()
    st = unit.json("config_sentence_transformers.json")
    versions = st.get("__version__") if isinstance(st, dict) else None
    if isinstance(versions, dict):
        names = {"sentence_transformers": "sentence-transformers", "pytorch": "torch"}
        for key, value in versions.items():
            if isinstance(value, str) and value.strip():
                packages.setdefault(names.get(str(key), str(key)), value.strip())
    for package, package_version in sorted(packages.items()):
        target = unit.state.add(
            Software(
                ref=ref_part(f"software:{package}@{package_version}"),
                name=package,
                version=package_version,
                purl=f"pkg:pypi/{package}@{package_version}",
                role=SoftwareRole.FRAMEWORK,
            )
        )
        unit.state.relate(source, RelationKind.DEPENDS_ON, target)


def link_datasets(unit: UnitScope, source: str, card: Card) -> None:
    for dataset_id in _hf.string_list(card.get("datasets")):
        repo_id = _hf.normalize_repo_id(dataset_id)
        group, _, short = repo_id.rpartition("/")
        target = unit.state.add(
            Dataset(
                ref=ref_part(f"dataset:{repo_id}"),
                name=short or repo_id,
                group=group or None,
                external_references=(
                    ExternalReference(
                        url=f"https://huggingface.co/datasets/{repo_id}",
                        type=ExternalReferenceType.WEBSITE,
                    ),
                )
                if re.fullmatch(r"[\w.\-/]+", repo_id)
                else (),
            )
        )
        unit.state.relate(source, RelationKind.TRAINED_ON, target)
