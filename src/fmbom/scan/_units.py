"""The unit assemblers: one model, adapter or dataset directory becomes its components.

A unit's card, configs, weights and tokenizer are read by their own modules; this module
decides what they make together (a model with weights and a tokenizer, an adapter and the
model it adapts, a dataset and its data files), relates them, and records where each fact
came from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, Final

import attrs

from fmbom.governance import Governance, Unit
from fmbom.model import (
    Adapter,
    AnyComponent,
    Dataset,
    Model,
    ModelRole,
    Property,
    RelationKind,
    WeightFormat,
    Weights,
)
from fmbom.scan import _hf
from fmbom.scan._card import (
    Card,
    card_languages,
    card_licenses,
    dataset_size,
    evaluations,
    identity,
    read_card,
)
from fmbom.scan._context import FileRecord, P, UnitScope, ref_part
from fmbom.scan._links import REPO_ID, evaluation_unit, lineage, link_datasets, link_software
from fmbom.scan._quantization import add_weights, unit_quantization
from fmbom.scan._tokenizer import gguf_tokenizer, read_tokenizer
from fmbom.scan._weights import read_weights

__all__ = ["CODE_SUFFIXES", "build_unit"]

_CONFIG_FILES: Final = (
    "config.json",
    "generation_config.json",
    "adapter_config.json",
    "quantize_config.json",
    "quant_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "config_setfit.json",
    "params.json",
    "preprocessor_config.json",
)
#: Files that run as code when a model is loaded: listed as software, never as unit files.
CODE_SUFFIXES: Final = (".py", ".so", ".dll", ".dylib", ".pyd", ".js", ".mjs")
_DATASET_KEYS: Final = frozenset(
    {
        "task_categories",
        "size_categories",
        "dataset_info",
        "configs",
        "annotations_creators",
        "source_datasets",
        "task_ids",
        "multilinguality",
        "language_creators",
        "pretty_name",
    }
)
_MODEL_KEYS: Final = frozenset({"base_model", "pipeline_tag", "model-index", "library_name"})
_EMBEDDING_TASKS: Final = frozenset({"sentence-similarity", "feature-extraction"})
#: sentence-transformers modules that save no files (their folder is absent in real repos).
_STATELESS_MODULES: Final = frozenset({"Normalize"})
_ADAPTER_WEIGHTS: Final = ("adapter_model.safetensors", "adapter_model.bin")


@attrs.frozen(kw_only=True)
class _Name:
    name: str
    group: str | None = None


def build_unit(unit: UnitScope, override: str | None) -> tuple[str, ...]:
    """Build the unit's components; returns the licences of its main component.

    ``override`` is the release name the caller gave (for the root unit only).
    """
    card = read_card(unit)
    config = unit.json("config.json")
    config = config if isinstance(config, dict) else {}
    adapter_config = unit.json("adapter_config.json")
    torch_dtype = config.get("torch_dtype") or config.get("dtype")
    weights = read_weights(unit, torch_dtype if isinstance(torch_dtype, str) else None)
    if isinstance(adapter_config, dict):
        ref = unit.prefix + "adapter"
        licenses = card_licenses(unit, card, ref)
        _adapter_unit(
            unit,
            ref=ref,
            adapter_config=adapter_config,
            card=card,
            config=config,
            licenses=licenses,
            weights=weights,
            override=override,
        )
    elif _is_dataset(unit, card, config, weights):
        ref = unit.prefix + "dataset"
        licenses = card_licenses(unit, card, ref)
        _dataset_unit(unit, ref=ref, card=card, licenses=licenses, override=override)
    elif config or weights or card or "MODEL_CARD.md" in unit.files:
        ref = unit.prefix + "model"
        licenses = card_licenses(unit, card, ref)
        _model_unit(
            unit,
            ref=ref,
            config=config,
            card=card,
            licenses=licenses,
            weights=weights,
            override=override,
        )
    else:
        return ()
    _attach_unit_files(unit)
    return licenses


def _is_dataset(
    unit: UnitScope, card: Card, config: Mapping[str, Any], weights: list[Weights]
) -> bool:
    if config or weights or any(k in card for k in _MODEL_KEYS):
        return False
    if unit.state.repo_type == "datasets" and not unit.rel:
        return True
    if any(k in card for k in _DATASET_KEYS):
        return True
    parts = (*unit.state.root_parts, *PurePosixPath(unit.rel).parts)[:-1]
    has_card = card.record is not None
    return has_card and any(p == "datasets" or p.startswith("datasets--") for p in parts)


def _name(
    unit: UnitScope, ref: str, override: str | None, stated: tuple[str, str, str] | None
) -> _Name:
    """The unit's name: the caller's, the cache repo id, what a file states, else the folder.

    ``stated`` is (name, file, locator) when one of the unit's files names it.
    """
    state = unit.state
    if not unit.rel and override:
        return _Name(name=override)
    if not unit.rel and state.repo_id:
        group, _, short = state.repo_id.rpartition("/")
        state.note(ref, "name", ".", "Hugging Face cache folder name (repo id)")
        return _Name(name=short, group=group or None)
    if stated is not None:
        unit.state.note(ref, "name", stated[1], stated[2])
        return _Name(name=stated[0])
    state.note(ref, "name", unit.where, "folder name", derived=True)
    return _Name(name=unit.name)


def _version(unit: UnitScope, ref: str) -> str | None:
    """The release version for the root unit; the cache revision when none was given."""
    if unit.rel:
        return None
    if unit.state.version is not None:
        return unit.state.version
    if unit.state.revision is not None:
        unit.state.note(ref, "version", ".", "Hugging Face cache snapshot (commit id)")
        return unit.state.revision
    return None


def _purl(unit: UnitScope, version: str | None) -> str | None:
    state = unit.state
    if unit.rel or not state.repo_id or not REPO_ID.fullmatch(state.repo_id):
        return None
    kind = "datasets/" if state.repo_type == "datasets" else ""
    suffix = f"@{version}" if version else ""
    return f"pkg:huggingface/{kind}{state.repo_id}{suffix}"


def _languages(unit: UnitScope, ref: str, card: Card) -> list[str]:
    key, languages = card_languages(card)
    if languages and key is not None:
        unit.state.note(ref, "languages", card.path, f"front matter {key}")
    return languages


def _card_properties(card: Card) -> list[Property]:
    props = []
    if card.get("library_name"):
        props.append(Property(name=P + "library", value=str(card.get("library_name"))))
    return props


def _is_code(name: str) -> bool:
    return name.lower().endswith(CODE_SUFFIXES)


def _attach_unit_files(unit: UnitScope) -> None:
    """The unit's remaining files (docs, configs, prompts, licences) go to its main component."""
    main = main_component(unit.state.components, unit.prefix) or next(
        (c for r, c in unit.state.components.items() if r.startswith(unit.prefix + "model")), None
    )
    if main is None:
        return
    rest = [
        r
        for n, r in sorted(unit.files.items())
        if not r.used and r.error is None and not _is_code(n)
    ]
    if not rest:
        return
    unit.use(main.ref, *rest)


def _generation_properties(unit: UnitScope) -> list[Property]:
    document = unit.json("generation_config.json")
    if not isinstance(document, dict):
        return []
    return [
        Property(name=f"{P}generation:{key}", value=json.dumps(value, sort_keys=True))
        for key, value in sorted(document.items())
        if key not in ("transformers_version", "_from_model_config")
    ]


def _sentence_transformers(unit: UnitScope, props: list[Property]) -> bool:
    modules = unit.json("modules.json")
    if not isinstance(modules, list):
        return False
    kinds: list[str] = []
    for module in modules:
        if not isinstance(module, dict):
            continue
        kind = str(module.get("type", "")).rsplit(".", 1)[-1]
        kinds.append(kind)
        directory = str(module.get("path") or "").strip("/")
        stateless = kind in _STATELESS_MODULES
        if (
            directory
            and not stateless
            and not any(n.startswith(directory + "/") for n in unit.files)
        ):
            unit.state.warn(
                unit.path_of("modules.json"),
                f"module {kind or '?'} is in {directory!r}, which is missing",
            )
        if kind == "Pooling" and directory:
            record = unit.files.get(f"{directory}/config.json")
            pooling = unit.state.read_json(record)
            unit.use(unit.prefix + "model", record)
            if isinstance(pooling, dict):
                modes = sorted(
                    k.removeprefix("pooling_mode_").removesuffix("_tokens")
                    for k, v in pooling.items()
                    if k.startswith("pooling_mode_") and v is True
                )
                props.append(Property(name=f"{P}pooling:{directory}", value=",".join(modes)))
    props.append(Property(name=P + "sentence-transformers-modules", value=",".join(kinds)))
    bert = unit.json("sentence_bert_config.json")
    if isinstance(bert, dict) and isinstance(bert.get("max_seq_length"), int):
        props.append(Property(name=P + "max-seq-length", value=str(bert["max_seq_length"])))
    return True


def _governance(unit: UnitScope, ref: str, card: Card, evaluated: Unit) -> Governance | None:
    found = list(evaluations(unit, card, evaluated, ref))
    who = identity(unit, card, ref)
    if not found and who is None:
        return None
    return Governance(identity=who, evaluations=found)


def _stated_model_name(weights: list[Weights]) -> tuple[str, str, str] | None:
    """The name a safetensors header's metadata states (a card's ``model_name`` is not used:
    quantized repositories put the original model's name there)."""
    for weight in weights:
        for key in ("name", "modelspec.title"):
            value = weight.property(f"{P}safetensors:{key}")
            if value and value.strip():
                return value.strip(), weight.files[0].path, f"__metadata__.{key}"
    return None


def _model_unit(
    unit: UnitScope,
    *,
    ref: str,
    config: Mapping[str, Any],
    card: Card,
    licenses: tuple[str, ...],
    weights: list[Weights],
    override: str | None,
) -> None:
    state = unit.state
    props = _card_properties(card)
    unit.use(ref, *(unit.files.get(n) for n in _CONFIG_FILES if n in unit.files))
    dtype = config.get("torch_dtype") or config.get("dtype")
    if isinstance(dtype, str):
        props.append(Property(name=P + "torch-dtype", value=dtype))
    props += _generation_properties(unit)
    gguf_models = [w for w in weights if w.format is WeightFormat.GGUF]
    if not config and gguf_models and len(gguf_models) == len(weights):
        _gguf_models(
            unit,
            weights=gguf_models,
            card=card,
            licenses=licenses,
            props=props,
            override=override,
        )
        return
    role = ModelRole.BASE
    embedding = _sentence_transformers(unit, props)
    quantization, quant_props = unit_quantization(unit, ref, config)
    if embedding or card.get("pipeline_tag") in _EMBEDDING_TASKS:
        role = ModelRole.EMBEDDING
    named = _name(unit, ref, override, _stated_model_name(weights))
    bases = lineage(
        unit,
        ref,
        card,
        config=config,
        quantization=quantization,
        own_name=named.name,
        is_adapter=False,
    )
    if bases and role is ModelRole.BASE:
        role = ModelRole.ADAPTED
    architectures = config.get("architectures")
    parameter_count = None
    counted = [w for w in weights if w.format is WeightFormat.SAFETENSORS]
    if quantization is None and len(counted) == 1 and counted[0].quantization is None:
        parameter_count = counted[0].parameter_count
        source = state.sources.get((counted[0].ref, "parameter_count"))
        if parameter_count is not None and source is not None:
            state.note(ref, "parameter_count", source.file, source.locator, derived=source.derived)
    _note_config(unit, ref, config, card)
    version = _version(unit, ref)
    model = Model(
        ref=ref,
        name=named.name,
        group=named.group,
        version=version,
        purl=_purl(unit, version),
        licenses=licenses,
        role=role,
        task=str(card.get("pipeline_tag")) if card.get("pipeline_tag") else None,
        architecture=str(architectures[0])
        if isinstance(architectures, list) and architectures
        else None,
        architecture_family=str(config["model_type"]) if config.get("model_type") else None,
        context_length=_hf.context_length(config),
        parameter_count=parameter_count,
        governance=_governance(unit, ref, card, evaluation_unit(bases, quantization)),
        languages=_languages(unit, ref, card),
        properties=props,
    )
    state.add(model)
    add_weights(unit, owner=ref, weights=weights, quantization=quantization, props=quant_props)
    tokenizer = read_tokenizer(unit)
    if tokenizer is not None:
        state.add(tokenizer)
        state.relate(ref, RelationKind.USES_TOKENIZER, tokenizer.ref)
    link_software(unit, ref, config)
    link_datasets(unit, ref, card)


def _note_config(unit: UnitScope, ref: str, config: Mapping[str, Any], card: Card) -> None:
    if card.get("pipeline_tag"):
        unit.state.note(ref, "task", card.path, "front matter pipeline_tag")
    if isinstance(config.get("architectures"), list) and config["architectures"]:
        unit.note(ref, "architecture", "config.json", "architectures[0]")
    if config.get("model_type"):
        unit.note(ref, "architecture_family", "config.json", "model_type")
    for source in (config, config.get("text_config")):
        if isinstance(source, Mapping):
            key = next((k for k in _hf.CONTEXT_KEYS if isinstance(source.get(k), int)), None)
            if key is not None:
                prefix = "" if source is config else "text_config."
                unit.note(ref, "context_length", "config.json", prefix + key)
                break


def _gguf_models(
    unit: UnitScope,
    *,
    weights: list[Weights],
    card: Card,
    licenses: tuple[str, ...],
    props: list[Property],
    override: str | None,
) -> None:
    """A directory of GGUF files without config.json: the models come from the headers."""
    state = unit.state
    groups: dict[str, list[Weights]] = {}
    for weight in weights:
        groups.setdefault(weight.property(P + "gguf:name") or weight.name, []).append(weight)
    single = len(groups) == 1
    for key, members in sorted(groups.items()):
        first = members[0]
        ref = unit.prefix + ("model" if single else "model:" + ref_part(key))
        source = first.files[0].path if first.files else first.name
        stated = first.property(P + "gguf:name")
        if single:
            named = _name(unit, ref, override, (stated, source, "general.name") if stated else None)
        else:
            named = _Name(name=key)
            state.note(ref, "name", source, "general.name" if stated else "file name")
        context = first.property(P + "gguf:context-length")
        if context:
            state.note(
                ref,
                "context_length",
                source,
                f"{first.property(P + 'gguf:architecture')}.context_length",
            )
        if first.property(P + "gguf:architecture"):
            state.note(ref, "architecture_family", source, "general.architecture")
        tensors = [w.parameter_count for w in members if w.parameter_count]
        if tensors:
            state.note(ref, "parameter_count", source, "header tensor shapes", derived=True)
        version = _version(unit, ref) if single else None
        model = Model(
            ref=ref,
            name=named.name,
            group=named.group,
            version=version,
            purl=_purl(unit, version) if single else None,
            licenses=licenses,
            task=str(card.get("pipeline_tag")) if card.get("pipeline_tag") else None,
            architecture_family=first.property(P + "gguf:architecture"),
            context_length=int(context)
            if context and context.isdigit() and int(context) > 0
            else None,
            parameter_count=max(tensors) if tensors else None,
            governance=_governance(unit, ref, card, Unit.RELEASE_ARTIFACT) if single else None,
            languages=_languages(unit, ref, card),
            properties=props if single or key == min(groups) else (),
        )
        state.add(model)
        for weight in members:
            state.add(weight)
            state.relate(ref, RelationKind.HAS_WEIGHTS, weight.ref)
        tokenizer = gguf_tokenizer(
            unit,
            first,
            unit.prefix + "tokenizer" if single else ref + ":tokenizer",
            f"{named.name} tokenizer",
        )
        if tokenizer is not None:
            state.add(tokenizer)
            state.relate(ref, RelationKind.USES_TOKENIZER, tokenizer.ref)
    if single:
        lineage(
            unit,
            unit.prefix + "model",
            card,
            config={},
            quantization=None,
            own_name=unit.name,
            is_adapter=False,
        )


def _adapter_unit(
    unit: UnitScope,
    *,
    ref: str,
    adapter_config: Mapping[str, Any],
    card: Card,
    config: Mapping[str, Any],
    licenses: tuple[str, ...],
    weights: list[Weights],
    override: str | None,
) -> None:
    state = unit.state
    props = _card_properties(card)
    unit.use(ref, *(unit.files.get(n) for n in _CONFIG_FILES if n in unit.files))
    base = adapter_config.get("base_model_name_or_path")
    base_id = _hf.normalize_repo_id(base) if isinstance(base, str) and base.strip() else None
    for key in ("task_type", "bias", "use_rslora", "revision"):
        if adapter_config.get(key) is not None:
            props.append(Property(name=f"{P}peft:{key}", value=str(adapter_config[key])))
    if not any(n in unit.files for n in _ADAPTER_WEIGHTS):
        state.warn(
            unit.path_of("adapter_config.json"),
            "no adapter weights file beside it (adapter_model.safetensors or adapter_model.bin)",
        )
    rank = adapter_config.get("r")
    alpha = adapter_config.get("lora_alpha")
    dropout = adapter_config.get("lora_dropout")
    for field, key in (
        ("method", "peft_type"),
        ("rank", "r"),
        ("alpha", "lora_alpha"),
        ("dropout", "lora_dropout"),
        ("target_modules", "target_modules"),
        ("base_model_name", "base_model_name_or_path"),
    ):
        if adapter_config.get(key) is not None:
            unit.note(ref, field, "adapter_config.json", key)
    named = _name(unit, ref, override, None)
    adapter = Adapter(
        ref=ref,
        name=named.name,
        group=named.group,
        version=_version(unit, ref),
        licenses=licenses,
        method=_hf.adapter_method(adapter_config),
        rank=rank if isinstance(rank, int) and not isinstance(rank, bool) and rank > 0 else None,
        alpha=float(alpha)
        if isinstance(alpha, (int, float)) and not isinstance(alpha, bool)
        else None,
        dropout=float(dropout)
        if isinstance(dropout, (int, float)) and not isinstance(dropout, bool) and 0 <= dropout <= 1
        else None,
        target_modules=_hf.string_list(adapter_config.get("target_modules")),
        base_model_name=base_id,
        languages=_languages(unit, ref, card),
        properties=props,
    )
    state.add(adapter)
    bases = lineage(
        unit,
        ref,
        card,
        config=config,
        quantization=None,
        own_name=named.name,
        is_adapter=True,
        adapter_base=base_id,
    )
    if not bases:
        state.warn(unit.where, "adapter names no base model; recorded as adapting an unknown model")
        target = state.add(Model(ref="base:unknown", name="unknown base model"))
        state.relate(ref, RelationKind.ADAPTS, target)
    for weight in weights:
        state.add(weight)
        state.relate(ref, RelationKind.HAS_WEIGHTS, weight.ref)
    tokenizer = read_tokenizer(unit)
    if tokenizer is not None:
        state.add(tokenizer)
        state.relate(ref, RelationKind.DEPENDS_ON, tokenizer.ref)
    link_datasets(unit, ref, card)


def _dataset_unit(
    unit: UnitScope, *, ref: str, card: Card, licenses: tuple[str, ...], override: str | None
) -> None:
    props = _card_properties(card)
    for key, name in (
        ("task_categories", "task-categories"),
        ("size_categories", "size-category"),
    ):
        values = _hf.string_list(card.get(key))
        if values:
            props.append(Property(name=P + name, value=",".join(values)))
    files: list[FileRecord | None] = [unit.files[n] for n in sorted(unit.files)]
    unit.use(ref, *files)
    records, size = dataset_size(card.get("dataset_info"))
    for field, value in (("records", records), ("size_bytes", size)):
        if value is not None:
            unit.state.note(
                ref, field, card.path, "front matter dataset_info (default config)", derived=True
            )
    creators = _hf.string_list(card.get("annotations_creators"))
    sources = _hf.string_list(card.get("source_datasets"))
    if creators:
        unit.state.note(ref, "collection_method", card.path, "front matter annotations_creators")
    if sources:
        unit.state.note(ref, "source", card.path, "front matter source_datasets")
    pretty = card.get("pretty_name")
    stated = (
        (str(pretty).strip(), card.path, "front matter pretty_name")
        if pretty and str(pretty).strip()
        else None
    )
    named = _name(unit, ref, override, stated)
    version = _version(unit, ref)
    unit.state.add(
        Dataset(
            ref=ref,
            name=named.name,
            group=named.group,
            version=version,
            purl=_purl(unit, version),
            licenses=licenses,
            description=str(pretty) if pretty else None,
            records=records,
            size_bytes=size,
            source=",".join(sources) or None,
            collection_method=",".join(creators) or None,
            languages=_languages(unit, ref, card),
            properties=props,
        )
    )


def main_component(components: Mapping[str, AnyComponent], prefix: str) -> AnyComponent | None:
    """The main component of the unit with ref ``prefix`` (model, adapter or dataset)."""
    for kind in ("model", "adapter", "dataset"):
        found = components.get(prefix + kind)
        if found is not None:
            return found
    return None
