"""Quantization a unit's configs state: GPTQ/AWQ/bitsandbytes ``quantization_config`` or
``quantize_config.json`` (every key kept), optimum/transformers.js ONNX ``per_model_config``,
and the ``quantized-from`` link between quantized files and the float file beside them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

from fmbom.model import Property, Quantization, RelationKind, WeightFormat, Weights
from fmbom.scan import _hf
from fmbom.scan._context import P, UnitScope
from fmbom.scan._weights import quantized_sources

__all__ = ["add_weights", "unit_quantization"]


_STANDALONE: tuple[str, ...] = ("quantize_config.json", "quant_config.json")


def _quantization_source(
    unit: UnitScope, config: Mapping[str, Any]
) -> tuple[Mapping[str, Any], str, str] | None:
    """The quantization settings of the unit: ``config.json``'s ``quantization_config``, or a
    standalone ``quantize_config.json`` / ``quant_config.json``. When both state settings, the
    keys only the standalone file has are kept too, and each key they state differently is a
    scan problem (``config.json``'s value is the one used, as transformers does)."""
    standalone: tuple[dict[str, Any], str] | None = None
    for name in _STANDALONE:
        document = unit.json(name)
        if isinstance(document, dict) and "per_model_config" not in document:
            standalone = document, name
            break
    source = config.get("quantization_config")
    if not isinstance(source, dict):
        if standalone is None:
            return None
        return standalone[0], standalone[1], "(whole file)"
    if standalone is None:
        return source, "config.json", "quantization_config"
    other, name = standalone
    for key in sorted(set(source) & set(other)):
        if source[key] != other[key]:
            unit.state.warn(
                unit.where,
                f"config.json quantization_config and {name} disagree on {key!r} "
                f"({json.dumps(source[key])} vs {json.dumps(other[key])}); "
                "config.json's value is used",
            )
    return {**other, **source}, "config.json", "quantization_config"


def unit_quantization(
    unit: UnitScope, ref: str, config: Mapping[str, Any]
) -> tuple[Quantization | None, list[Property]]:
    """The quantization a config states, with every other key it holds as properties."""
    found = _quantization_source(unit, config)
    if found is None:
        return None, []
    source, file, locator = found
    props = [
        Property(name=f"{P}quantization:{key}", value=json.dumps(value, sort_keys=True))
        for key, value in sorted(source.items())
        if key not in ("quant_method", "bits", "group_size", "per_model_config")
    ]
    try:
        quantization = _hf.quantization_from_config(source)
    except ValueError as error:
        unit.state.warn(unit.where, f"quantization config not understood: {error}")
        return None, props
    if quantization is not None:
        unit.note(ref, "quantization", file, locator)
    return quantization, props


def _onnx_quantization(unit: UnitScope) -> Quantization | None:
    """The quantization of the ``*_quantized.onnx`` files an optimum/transformers.js
    ``quantize_config.json`` describes (``per_model_config.*.weight_type``)."""
    document = unit.json("quantize_config.json")
    per_model = document.get("per_model_config") if isinstance(document, dict) else None
    if not isinstance(per_model, dict):
        return None
    types = sorted(
        {
            str(entry["weight_type"])
            for entry in per_model.values()
            if isinstance(entry, dict) and isinstance(entry.get("weight_type"), str)
        }
    )
    if len(types) != 1:
        return None
    weight_type = types[0]
    bits = re.search(r"(\d+)$", weight_type)
    return Quantization(
        method=f"onnx-{weight_type.lower()}", bits=int(bits.group(1)) if bits else None
    )


def _with_quantization(weight: Weights, quantization: Quantization | None) -> Weights:
    if quantization is None or weight.quantization is not None:
        return weight
    if weight.format not in (WeightFormat.SAFETENSORS, WeightFormat.PYTORCH_PICKLE):
        return weight
    return attrs.evolve(weight, quantization=quantization)


def add_weights(
    unit: UnitScope,
    *,
    owner: str,
    weights: list[Weights],
    quantization: Quantization | None,
    props: list[Property],
) -> None:
    state = unit.state
    onnx = _onnx_quantization(unit)
    pairs = quantized_sources(weights)
    quantized = {q for q, _ in pairs}
    stated = state.sources.get((owner, "quantization"))
    for weight in weights:
        added = weight
        if weight.ref in quantized and onnx is not None and weight.format is WeightFormat.ONNX:
            added = attrs.evolve(weight, quantization=onnx)
            unit.note(
                weight.ref, "quantization", "quantize_config.json", "per_model_config.*.weight_type"
            )
        elif weight.quantization is None and _with_quantization(weight, quantization) is not weight:
            added = attrs.evolve(
                weight, quantization=quantization, properties=(*weight.properties, *props)
            )
            if stated is not None:
                state.note(weight.ref, "quantization", stated.file, stated.locator)
        state.add(added)
        state.relate(owner, RelationKind.HAS_WEIGHTS, added.ref)
    for target, origin in pairs:
        state.relate(target, RelationKind.QUANTIZED_FROM, origin)
