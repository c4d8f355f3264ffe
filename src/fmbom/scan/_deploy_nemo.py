"""NeMo Guardrails ``config.yml``: the main model, rail models, and input and output rails.

Mapping (see docs/how-to/deployment.md):

- each ``models`` entry is a served model (``model``, or ``parameters.model_name``) with an
  inference provider (``engine`` as organisation, ``parameters.base_url`` /
  ``openai_api_base`` / ``endpoint_url`` as endpoint); the ``main`` model has role base, every
  other type (``llama_guard``, ``content_safety``, ``shieldgemma``...) is a guard classifier;
- each flow of ``rails.input.flows`` and ``rails.output.flows`` is a guard model guarding the
  main model, its position from the section; the model it runs (``$model=TYPE``, the
  ``llama guard`` flows' ``llama_guard`` type, the ``self check`` flows' main model) is a
  dependency; the ``jailbreak detection`` flows take their endpoint and thresholds from
  ``rails.config.jailbreak_detection``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from fmbom.model import (
    GuardModel,
    GuardPosition,
    InferenceProvider,
    ModelRole,
    Property,
    RelationKind,
    Threshold,
)
from fmbom.scan._deploy import Builder, Config, D, is_reference, listing, mapping, ref_part, text

__all__ = ["read", "recognises"]

N: Final = "fmbom:nemo:"

_MODEL_ARGUMENT: Final = re.compile(r"\$model\s*=\s*\"?([A-Za-z0-9_\-.]+)\"?")
_ENDPOINT_KEYS: Final = ("base_url", "openai_api_base", "endpoint_url", "api_base", "server_url")
_NAMED_FLOWS: Final = (
    ("llama guard check", "llama_guard"),
    ("patronus lynx check", "patronus_lynx"),
)
_RAIL_SECTIONS: Final = (("input", GuardPosition.INPUT), ("output", GuardPosition.OUTPUT))
_SUPPLIERS: Final = {"openai": "OpenAI", "anthropic": "Anthropic", "cohere": "Cohere"}
_UNRECORDED: Final = ("dialog", "retrieval", "execution", "tool_input", "tool_output")
_HUGGING_FACE_ENGINES: Final = frozenset(
    {"vllm_openai", "huggingface_endpoint", "huggingface_pipeline", "hf_pipeline"}
)


def recognises(document: Any) -> bool:
    """A mapping whose ``models`` list has ``type``/``engine`` entries, or with ``rails``."""
    if not isinstance(document, Mapping):
        return False
    models = document.get("models")
    if isinstance(models, list) and any(
        isinstance(m, Mapping) and "engine" in m and "type" in m for m in models
    ):
        return True
    rails = document.get("rails")
    return isinstance(rails, Mapping) and any(
        isinstance(rails.get(s), Mapping) for s in ("input", "output")
    )


class _Reader:
    def __init__(self, builder: Builder, config: Config) -> None:
        self.b = builder
        self.rel = config.rel
        self.doc: Mapping[str, Any] = mapping(config.document)
        self.models: dict[str, str] = {}

    def run(self) -> None:
        self.b.secrets(self.rel, self.doc)
        for index, entry in enumerate(listing(self.doc.get("models"))):
            self.model(index, mapping(entry))
        rails = mapping(self.doc.get("rails"))
        for section, position in _RAIL_SECTIONS:
            for flow in listing(mapping(rails.get(section)).get("flows")):
                name = text(flow)
                if name is not None:
                    self.rail(name, position, mapping(rails.get("config")))
        for section in _UNRECORDED:
            if rails.get(section):
                self.b.warn(
                    self.rel,
                    f"rails.{section} is not recorded (only input and output "
                    "rails filter what reaches or leaves the model)",
                )

    def model(self, index: int, entry: Mapping[str, Any]) -> None:
        where = f"models[{index}]"
        kind = text(entry.get("type"))
        engine = text(entry.get("engine"))
        parameters = mapping(entry.get("parameters"))
        served = (
            text(entry.get("model"))
            or text(parameters.get("model_name"))
            or text(parameters.get("model"))
        )
        if kind is None or served is None:
            self.b.warn(self.rel, f"{where}: no type or model; skipped")
            return
        role = ModelRole.BASE if kind == "main" else ModelRole.GUARD_CLASSIFIER
        model_ref = self.b.served_model(
            served,
            role=role,
            hugging_face=engine in _HUGGING_FACE_ENGINES,
            supplier=_SUPPLIERS.get(engine or ""),
            source=self.rel,
        )
        self.models[kind] = model_ref
        properties = [
            Property(name=D + "source", value=self.rel),
            Property(name=N + "model-type", value=kind),
        ]
        endpoint = None
        for key in _ENDPOINT_KEYS:
            value = self.b.clean(self.rel, f"{where}.parameters.{key}", parameters.get(key))
            if value is None:
                continue
            if "://" in value and not is_reference(value):
                endpoint = value
            else:
                properties.append(Property(name=D + "endpoint-reference", value=value))
        provider_ref = ref_part(f"provider:nemo:{self.rel}:{kind}")
        self.b.add(
            InferenceProvider(
                ref=provider_ref,
                name=f"{kind} model ({engine or 'unknown engine'})",
                organization=engine,
                endpoint=endpoint,
                served_model_id=served,
                properties=properties,
            )
        )
        self.b.relate(model_ref, RelationKind.SERVED_BY, provider_ref)

    def rail(self, flow: str, position: GuardPosition, config: Mapping[str, Any]) -> None:
        runs = self.runs(flow)
        endpoint = None
        thresholds: list[Threshold] = []
        properties = [
            Property(name=D + "source", value=self.rel),
            Property(name=N + "flow", value=flow),
        ]
        if flow.startswith("jailbreak detect"):
            settings = mapping(config.get("jailbreak_detection"))
            value = self.b.clean(
                self.rel,
                "rails.config.jailbreak_detection.server_endpoint",
                settings.get("server_endpoint"),
            )
            if value is not None and "://" in value and not is_reference(value):
                endpoint = value
            thresholds = [
                Threshold(name=str(k), value=float(v))
                for k, v in sorted(settings.items())
                if str(k).endswith("threshold")
                and isinstance(v, (int, float))
                and not isinstance(v, bool)
            ]
        policy = _MODEL_ARGUMENT.sub("", flow).replace(" input", "").replace(" output", "").strip()
        guard_ref = ref_part(f"guard:nemo:{self.rel}:{flow}")
        self.b.add(
            GuardModel(
                ref=guard_ref,
                name=flow,
                position=position,
                policy=policy or None,
                endpoint=endpoint,
                thresholds=thresholds,
                properties=properties,
            )
        )
        main = self.models.get("main")
        if main is not None:
            self.b.relate(guard_ref, RelationKind.GUARDS, main)
        if runs is not None:
            self.b.relate(guard_ref, RelationKind.DEPENDS_ON, runs)

    def runs(self, flow: str) -> str | None:
        """The model a flow runs: ``$model=TYPE``, a named flow's type, or the main model."""
        match = _MODEL_ARGUMENT.search(flow)
        kind = match.group(1) if match else None
        if kind is None:
            kind = next((k for prefix, k in _NAMED_FLOWS if flow.startswith(prefix)), None)
        if kind is None and flow.startswith("self check"):
            kind = "main"
        if kind is None:
            return None
        found = self.models.get(kind)
        if found is None:
            self.b.warn(
                self.rel, f"rail flow {flow!r} runs model type {kind!r}, which models does not list"
            )
        return found


def read(builder: Builder, config: Config) -> None:
    """Add what a NeMo Guardrails configuration states to ``builder``."""
    _Reader(builder, config).run()
