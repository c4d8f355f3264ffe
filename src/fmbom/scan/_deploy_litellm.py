"""LiteLLM proxy / router ``config.yaml``: providers, served models, the router and guardrails.

Mapping (see docs/how-to/deployment.md):

- each ``model_list`` entry is an inference provider (one deployment): the provider from the
  ``provider/`` prefix of ``litellm_params.model``, ``api_base`` as endpoint, ``api_version``,
  the region where stated (``region_name``, ``aws_region_name``, ``vertex_location``), and the
  served model (``model_info.base_model`` when given, else the model id after the prefix);
- the proxy is a router (strategy from ``router_settings.routing_strategy``, LiteLLM's default
  ``simple-shuffle`` when none is stated) routing to one router per model group
  (``model_name``); each group router is a fallback chain: its own deployments first (order 0),
  then its ``fallbacks`` / ``context_window_fallbacks`` / ``content_policy_fallbacks`` groups in
  order (``default_fallbacks`` for groups without their own);
- each ``guardrails`` entry is a guard model guarding the proxy router, its position from
  ``mode`` (``pre_call`` and ``during_call``: input, ``post_call``: output, several: both), its
  policy the guardrail type, its endpoint ``api_base``; a ``model`` it runs is a guard
  classifier it depends on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from fmbom.model import (
    GuardModel,
    GuardPosition,
    InferenceProvider,
    ModelRole,
    Property,
    RelationKind,
    Router,
    RouterStrategy,
    Threshold,
)
from fmbom.scan._deploy import (
    Builder,
    Config,
    D,
    is_reference,
    listing,
    mapping,
    ref_part,
    text,
)

__all__ = ["read", "recognises"]

L: Final = "fmbom:litellm:"

_STRATEGIES: Final = {
    "simple-shuffle": RouterStrategy.LOAD_BALANCE,
    "least-busy": RouterStrategy.LOAD_BALANCE,
    "usage-based-routing": RouterStrategy.LOAD_BALANCE,
    "usage-based-routing-v2": RouterStrategy.LOAD_BALANCE,
    "latency-based-routing": RouterStrategy.LATENCY,
    "cost-based-routing": RouterStrategy.COST,
}
_DEFAULT_STRATEGY: Final = "simple-shuffle"
_FALLBACKS: Final = (
    ("fallbacks", "on error"),
    ("context_window_fallbacks", "on context window exceeded"),
    ("content_policy_fallbacks", "on content policy violation"),
)
_POSITIONS: Final = {
    "pre_call": GuardPosition.INPUT,
    "during_call": GuardPosition.INPUT,
    "post_call": GuardPosition.OUTPUT,
}
#: Providers whose prefix names the model's own supplier.
_FIRST_PARTY: Final = {
    "openai": "OpenAI",
    "text-completion-openai": "OpenAI",
    "anthropic": "Anthropic",
    "mistral": "Mistral AI",
    "cohere": "Cohere",
    "gemini": "Google",
}
_HUGGING_FACE: Final = frozenset({"huggingface", "hosted_vllm", "vllm", "together_ai"})
_REGION_KEYS: Final = ("region_name", "aws_region_name", "vertex_location", "region")
_TOP_KEYS: Final = frozenset({"model_list", "router_settings", "guardrails", "litellm_settings"})


def recognises(document: Any) -> bool:
    """A mapping with a LiteLLM ``model_list`` or ``guardrails`` list, or ``router_settings``."""
    if not isinstance(document, Mapping):
        return False
    if isinstance(document.get("model_list"), list) or isinstance(
        document.get("router_settings"), Mapping
    ):
        return True
    guardrails = document.get("guardrails")
    return isinstance(guardrails, list) and any(
        isinstance(g, Mapping) and "guardrail_name" in g for g in guardrails
    )


class _Reader:
    def __init__(self, builder: Builder, config: Config) -> None:
        self.b = builder
        self.rel = config.rel
        self.doc: Mapping[str, Any] = mapping(config.document)
        self.router = ref_part(f"router:litellm:{self.rel}")
        self.groups: dict[str, str] = {}

    def run(self) -> None:
        self.b.secrets(self.rel, self.doc)
        settings = {
            **mapping(self.doc.get("litellm_settings")),
            **mapping(self.doc.get("router_settings")),
        }
        self.proxy_router(settings)
        deployments: dict[str, list[str]] = {}
        for index, entry in enumerate(listing(self.doc.get("model_list"))):
            self.deployment(index, entry, deployments)
        for order, (group, providers) in enumerate(deployments.items()):
            group_ref = self.group_router(group)
            self.b.relate(
                self.router,
                RelationKind.ROUTES_TO,
                group_ref,
                order=order,
                condition=f"model == {group}",
            )
            for provider in providers:
                self.b.relate(group_ref, RelationKind.ROUTES_TO, provider, order=0)
        self.fallbacks(settings)
        for index, entry in enumerate(listing(self.doc.get("guardrails"))):
            self.guardrail(index, entry)
        self.legacy_guardrails(settings)

    # --- the router ------------------------------------------------------------------------

    def proxy_router(self, settings: Mapping[str, Any]) -> None:
        stated = text(settings.get("routing_strategy"))
        raw = stated or _DEFAULT_STRATEGY
        strategy = _STRATEGIES.get(raw)
        properties = [Property(name=D + "source", value=self.rel)]
        properties.append(Property(name="fmbom:routing-strategy", value=raw))
        if stated is None:
            properties.append(Property(name=L + "routing-strategy-stated", value="false"))
        if strategy is None:
            self.b.warn(
                self.rel,
                f"routing_strategy {raw!r} is not one fmbom knows; recorded as "
                "a property, strategy left as rule",
            )
        for key in ("num_retries", "timeout", "allowed_fails", "cooldown_time", "retry_after"):
            value = text(settings.get(key))
            if value is not None:
                properties.append(Property(name=L + key.replace("_", "-"), value=value))
        self.b.add(
            Router(
                ref=self.router,
                name="litellm proxy",
                strategy=strategy or RouterStrategy.RULE,
                properties=properties,
            )
        )

    def group_router(self, group: str) -> str:
        ref = self.groups.get(group)
        if ref is None:
            ref = ref_part(f"router:litellm:{self.rel}:{group}")
            self.groups[group] = ref
            self.b.add(
                Router(
                    ref=ref,
                    name=f"model group {group}",
                    strategy=RouterStrategy.FALLBACK_CHAIN,
                    properties=(
                        Property(name=D + "source", value=self.rel),
                        Property(name=L + "model-name", value=group),
                    ),
                )
            )
        return ref

    def fallbacks(self, settings: Mapping[str, Any]) -> None:
        with_own: set[str] = set()
        for key, condition in _FALLBACKS:
            for item in listing(settings.get(key)):
                for group, targets in mapping(item).items():
                    self.chain(str(group), listing(targets) or [targets], condition, key)
                    if key == "fallbacks":
                        with_own.add(str(group))
        defaults = listing(settings.get("default_fallbacks"))
        if defaults:
            for group in list(self.groups):
                if group not in with_own:
                    self.chain(group, defaults, "on error (default fallback)", "default_fallbacks")

    def chain(self, group: str, targets: list[Any], condition: str, key: str) -> None:
        if group not in self.groups:
            self.b.warn(
                self.rel,
                f"{key}: {group!r} is not a model_name of model_list; "
                "its fallbacks are not recorded",
            )
            return
        source = self.groups[group]
        for position, target in enumerate(targets, start=1):
            name = text(target)
            if name is None or name not in self.groups:
                self.b.warn(
                    self.rel,
                    f"{key}: fallback {target!r} of {group!r} is not a "
                    "model_name of model_list; not recorded",
                )
                continue
            self.b.relate(
                source,
                RelationKind.ROUTES_TO,
                self.groups[name],
                order=position,
                condition=condition,
            )

    # --- deployments -----------------------------------------------------------------------

    def deployment(self, index: int, entry: object, groups: dict[str, list[str]]) -> None:
        where = f"model_list[{index}]"
        item = mapping(entry)
        group = text(item.get("model_name"))
        params = mapping(item.get("litellm_params"))
        model = text(params.get("model"))
        if group is None or model is None:
            self.b.warn(self.rel, f"{where}: no model_name or litellm_params.model; skipped")
            return
        info = mapping(item.get("model_info"))
        provider_id, _, served = model.partition("/") if "/" in model else ("", "", model)
        ref = ref_part(f"provider:litellm:{self.rel}:{index}")
        properties = [
            Property(name=D + "source", value=self.rel),
            Property(name=L + "model-name", value=group),
            Property(name=L + "model", value=model),
        ]
        endpoint = self.b.clean(
            self.rel, f"{where}.litellm_params.api_base", params.get("api_base")
        )
        if endpoint is not None and (is_reference(endpoint) or "://" not in endpoint):
            properties.append(Property(name=D + "endpoint-reference", value=endpoint))
            endpoint = None
        for key in ("api_key", "aws_access_key_id", "vertex_credentials"):
            value = text(params.get(key))
            if value is not None and is_reference(value):
                properties.append(Property(name=D + "credential-reference", value=value))
        for key in ("rpm", "tpm"):
            value = text(item.get(key, params.get(key)))
            if value is not None:
                properties.append(Property(name=L + key, value=value))
        identity = text(info.get("id"))
        if identity is not None:
            properties.append(Property(name=L + "model-id", value=identity))
        region = next((text(params.get(k)) for k in _REGION_KEYS if text(params.get(k))), None)
        self.b.add(
            InferenceProvider(
                ref=ref,
                name=f"{group} -> {model}"
                + (f" #{identity}" if identity else self.suffix(group, model, index)),
                organization=provider_id or None,
                endpoint=endpoint,
                region=region,
                api_version=text(params.get("api_version")),
                served_model_id=served or None,
                properties=properties,
            )
        )
        groups.setdefault(group, []).append(ref)
        base = text(info.get("base_model"))
        if base is not None and "/" in base and base.partition("/")[0] == provider_id:
            base = base.partition("/")[2]
        target = base or served
        if not target or "*" in target:
            return
        role = ModelRole.EMBEDDING if text(info.get("mode")) == "embedding" else ModelRole.BASE
        model_ref = self.b.served_model(
            target,
            role=role,
            hugging_face=provider_id in _HUGGING_FACE,
            supplier=_FIRST_PARTY.get(provider_id),
            source=self.rel,
        )
        self.b.relate(model_ref, RelationKind.SERVED_BY, ref)

    def suffix(self, group: str, model: str, index: int) -> str:
        """Deployments with the same group and model are told apart by their position."""
        same = [
            i
            for i, e in enumerate(listing(self.doc.get("model_list")))
            if text(mapping(e).get("model_name")) == group
            and text(mapping(mapping(e).get("litellm_params")).get("model")) == model
        ]
        return f" #{same.index(index) + 1}" if len(same) > 1 else ""

    # --- guardrails ------------------------------------------------------------------------

    def guardrail(self, index: int, entry: object) -> None:
        where = f"guardrails[{index}]"
        item = mapping(entry)
        name = text(item.get("guardrail_name"))
        params = mapping(item.get("litellm_params"))
        if name is None:
            self.b.warn(self.rel, f"{where}: no guardrail_name; skipped")
            return
        position = self.position(params.get("mode"), where)
        properties = [Property(name=D + "source", value=self.rel)]
        modes = params.get("mode")
        if "during_call" in (modes if isinstance(modes, list) else [modes]):
            # Position says input; this says the check runs alongside the call, not before it.
            properties.append(Property(name=L + "during-call", value="true"))
        for key in ("default_on", "detector_id", "guardrail_id", "guardrail_version"):
            value = params.get(key)
            shown = ",".join(str(v) for v in value) if isinstance(value, list) else text(value)
            if shown is not None:
                properties.append(Property(name=L + key.replace("_", "-"), value=shown))
        endpoint = None
        for key in ("api_base", "base_url"):
            value = self.b.clean(self.rel, f"{where}.litellm_params.{key}", params.get(key))
            if value is not None and "://" in value and not is_reference(value):
                endpoint = value
            elif value is not None:
                properties.append(Property(name=D + "endpoint-reference", value=value))
        thresholds = [
            Threshold(name=key, value=float(value))
            for key, value in sorted({**mapping(params.get("optional_params")), **params}.items())
            if "threshold" in str(key)
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ]
        guard_ref = ref_part(f"guard:litellm:{self.rel}:{name}")
        self.b.add(
            GuardModel(
                ref=guard_ref,
                name=name,
                position=position or GuardPosition.BOTH,
                policy=text(params.get("guardrail")),
                endpoint=endpoint,
                thresholds=thresholds,
                properties=properties,
            )
        )
        self.b.relate(guard_ref, RelationKind.GUARDS, self.router)
        runs = text(params.get("model"))
        if runs is not None:
            model_ref = self.b.served_model(
                runs.partition("/")[2] if "/" in runs else runs,
                role=ModelRole.GUARD_CLASSIFIER,
                source=self.rel,
            )
            self.b.relate(guard_ref, RelationKind.DEPENDS_ON, model_ref)

    def position(self, mode: object, where: str) -> GuardPosition | None:
        modes = [text(m) for m in mode] if isinstance(mode, list) else [text(mode)]
        found = {_POSITIONS[m] for m in modes if m in _POSITIONS}
        unknown = [m for m in modes if m not in _POSITIONS]
        if unknown:
            self.b.warn(
                self.rel,
                f"{where}: guardrail mode {', '.join(map(str, unknown))} "
                "gives no position; position recorded as both",
            )
        if not found:
            return None
        return found.pop() if len(found) == 1 else GuardPosition.BOTH

    def legacy_guardrails(self, settings: Mapping[str, Any]) -> None:
        """``litellm_settings.guardrails: [{name: {callbacks: [...], default_on: ...}}]``."""
        for index, item in enumerate(
            listing(mapping(self.doc.get("litellm_settings")).get("guardrails"))
        ):
            for name, body in mapping(item).items():
                details = mapping(body)
                callbacks = [text(c) for c in listing(details.get("callbacks"))]
                guard_ref = ref_part(f"guard:litellm:{self.rel}:{name}")
                self.b.add(
                    GuardModel(
                        ref=guard_ref,
                        name=str(name),
                        position=GuardPosition.INPUT,
                        policy=", ".join(c for c in callbacks if c) or None,
                        properties=(
                            Property(name=D + "source", value=self.rel),
                            Property(
                                name=L + "legacy-guardrail",
                                value=f"litellm_settings.guardrails[{index}]",
                            ),
                        ),
                    )
                )
                self.b.relate(guard_ref, RelationKind.GUARDS, self.router)
        del settings


def read(builder: Builder, config: Config) -> None:
    """Add what a LiteLLM configuration states to ``builder``."""
    _Reader(builder, config).run()
