"""Model servers in Kubernetes manifests, KServe ``InferenceService``\\ s and Compose files.

Mapping (see docs/how-to/deployment.md):

- a container running vLLM, Hugging Face TGI or TEI, KServe's Hugging Face server or Ollama
  (recognised by image or command) is an inference provider named by its workload or service;
  its image is an inference-server software component the provider depends on;
- the served model comes from the arguments (vLLM ``--model`` or ``serve MODEL``,
  ``--served-model-name``; TGI/TEI ``--model-id`` or ``MODEL_ID``; KServe ``--model_id``,
  ``--model_name``), quantization from ``--quantization`` / ``--quantize`` / ``QUANTIZE``,
  adapters from ``--lora-modules`` / ``--lora-adapters`` / ``LORA_ADAPTERS``, the serving
  context limit from ``--max-model-len`` / ``--max-total-tokens``;
- a KServe ``InferenceService`` predictor gives the provider (model format, runtime, protocol
  version) and the served model from ``storageUri`` (``hf://org/name`` is that Hugging Face
  model); transformer and explainer containers are software the provider depends on.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from typing import Any, Final

import attrs

from fmbom.model import (
    Adapter,
    AdapterMethod,
    ExternalReference,
    ExternalReferenceType,
    InferenceProvider,
    Model,
    ModelRole,
    Property,
    RelationKind,
    Software,
    SoftwareRole,
)
from fmbom.scan._deploy import (
    Builder,
    Config,
    D,
    has_reference,
    is_reference,
    listing,
    looks_secret,
    mapping,
    ref_part,
    text,
)

__all__ = ["MODEL_MARKERS", "read", "recognises"]

K: Final = "fmbom:kube:"

#: Files that make a folder a model folder (scanned as a model, not as a deployment).
MODEL_MARKERS: Final = re.compile(
    r"(^|/)(config\.json|adapter_config\.json|modules\.json|tokenizer\.json|tokenizer\.model)$|"
    r"\.(safetensors|gguf|bin|pt|pth|ckpt|onnx|h5|msgpack|pkl)$",
    re.IGNORECASE,
)
_WORKLOADS: Final = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
)
_RUNTIMES: Final = frozenset({"ServingRuntime", "ClusterServingRuntime"})
_FRAMEWORKS: Final = (
    "huggingface", "pytorch", "triton", "tensorflow", "sklearn", "xgboost", "onnx",
    "lightgbm", "pmml", "paddle", "mlflow",
)  # fmt: skip

_VALUED: Final = frozenset(
    {
        "--model", "--served-model-name", "--quantization", "-q", "--lora-modules",
        "--max-model-len", "--dtype", "--tensor-parallel-size", "--revision", "--api-key",
        "--model-id", "--quantize", "--lora-adapters", "--max-total-tokens",
        "--max-input-length", "--max-input-tokens", "--model_id", "--model_name",
        "--max_model_len", "--tokenizer", "--kv-cache-dtype", "--pooling", "--port", "--host",
    }
)  # fmt: skip
_MULTI: Final = frozenset({"--served-model-name", "--lora-modules"})
_RECORDED: Final = {
    "--dtype": "dtype",
    "--tensor-parallel-size": "tensor-parallel-size",
    "--revision": "revision",
    "--kv-cache-dtype": "kv-cache-dtype",
    "--max-total-tokens": "max-total-tokens",
    "--max-input-length": "max-input-length",
    "--max-input-tokens": "max-input-tokens",
    "--pooling": "pooling",
    "--tokenizer": "tokenizer",
}


@attrs.frozen
class _Server:
    kind: str
    role: SoftwareRole = SoftwareRole.INFERENCE_SERVER


def _server(image: str, tokens: list[str]) -> _Server | None:
    joined = " ".join([image, *tokens[:4]]).lower()
    if "text-generation-inference" in joined or "text-generation-launcher" in joined:
        return _Server("text-generation-inference")
    if "text-embeddings-inference" in joined or "text-embeddings-router" in joined:
        return _Server("text-embeddings-inference")
    if "huggingfaceserver" in joined:
        return _Server("kserve-huggingfaceserver")
    if "vllm" in joined:
        return _Server("vllm")
    if image.lower().split(":")[0].endswith("ollama/ollama"):
        return _Server("ollama")
    return None


def _containers(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    spec = mapping(document.get("spec"))
    kind = document.get("kind")
    if kind == "CronJob":
        spec = mapping(mapping(spec.get("jobTemplate")).get("spec"))
    if kind != "Pod":
        spec = mapping(mapping(spec.get("template")).get("spec"))
    return [mapping(c) for c in listing(spec.get("containers"))]


def _tokens(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    shown = text(value)
    if shown is None:
        return []
    try:
        return shlex.split(shown)
    except ValueError:
        return shown.split()


def _env(value: object) -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            shown = text(item)
            if shown is not None:
                found[str(key)] = shown
    for item in listing(value):
        if isinstance(item, Mapping):
            name, shown = text(item.get("name")), text(item.get("value"))
            if name is not None and item.get("valueFrom") is not None:
                found[name] = "valueFrom:" + json.dumps(item.get("valueFrom"), sort_keys=True)
            elif name is not None and shown is not None:
                found[name] = shown
        elif isinstance(item, str) and "=" in item:
            key, _, shown = item.partition("=")
            found[key.strip()] = shown.strip()
    return found


def recognises(documents: list[Any]) -> bool:
    """Kubernetes documents with an ``InferenceService`` or a workload running a model server,
    or a Compose file with such a service."""
    for document in documents:
        if not isinstance(document, Mapping):
            continue
        kind = document.get("kind")
        if kind == "InferenceService" and "serving." in str(document.get("apiVersion", "")):
            return True
        if kind in _WORKLOADS and any(_container_server(c) for c in _containers(document)):
            return True
        services = document.get("services")
        if kind is None and isinstance(services, Mapping):
            return any(_container_server(mapping(s)) for s in services.values())
    return False


def _container_server(container: Mapping[str, Any]) -> _Server | None:
    image = text(container.get("image")) or ""
    tokens = [
        *_tokens(container.get("entrypoint")),
        *_tokens(container.get("command")),
        *_tokens(container.get("args")),
    ]
    return _server(image, tokens)


class _Args:
    """Flags of a model server's command line (``--flag value``, ``--flag=value``)."""

    def __init__(self, tokens: list[str]) -> None:
        self.values: dict[str, list[str]] = {}
        self.positional: list[str] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            if not token.startswith("-") or token == "--":
                self.positional.append(token)
                continue
            flag, equals, value = token.partition("=")
            if equals:
                self.values.setdefault(flag, []).append(value)
                continue
            if flag not in _VALUED:
                self.values.setdefault(flag, [])
                continue
            taken = 0
            while index < len(tokens) and not tokens[index].startswith("-"):
                self.values.setdefault(flag, []).append(tokens[index])
                index += 1
                taken += 1
                if flag not in _MULTI:
                    break
            if taken == 0:
                self.values.setdefault(flag, [])

    def first(self, *flags: str) -> str | None:
        for flag in flags:
            found = self.values.get(flag)
            if found:
                return found[0]
        return None

    def all(self, flag: str) -> list[str]:
        return self.values.get(flag, [])


class _Reader:
    def __init__(self, builder: Builder, config: Config) -> None:
        self.b = builder
        self.rel = config.rel
        self.config = config

    def run(self) -> None:
        for index, document in enumerate(self.config.documents):
            if not isinstance(document, Mapping):
                continue
            where = f"document {index + 1}" if len(self.config.documents) > 1 else "document"
            self.b.secrets(self.rel, document, "")
            kind = document.get("kind")
            name = text(mapping(document.get("metadata")).get("name")) or f"{kind}-{index + 1}"
            if kind == "InferenceService":
                self.inference_service(name, document)
            elif kind in _WORKLOADS:
                for position, container in enumerate(_containers(document)):
                    self.container(
                        f"{name}/{text(container.get('name')) or position}",
                        container,
                        mapping(document.get("metadata")),
                    )
            elif kind in _RUNTIMES:
                self.b.warn(
                    self.rel,
                    f"{where}: {kind} {name} describes a runtime, not a served model; not recorded",
                )
            elif kind is None and isinstance(document.get("services"), Mapping):
                self.compose(mapping(document.get("services")))

    def compose(self, services: Mapping[str, Any]) -> None:
        skipped = []
        for service, body in services.items():
            item = mapping(body)
            if _container_server(item) is None:
                skipped.append(str(service))
                continue
            self.container(str(service), item, {})
        if skipped:
            self.b.warn(
                self.rel,
                f"{len(skipped)} services run no model server and are not "
                f"recorded: {', '.join(skipped)}",
            )

    # --- one container ---------------------------------------------------------------------

    def container(
        self,
        name: str,
        container: Mapping[str, Any],
        metadata: Mapping[str, Any],
        *,
        provider_ref: str | None = None,
    ) -> str | None:
        server = _container_server(container)
        if server is None:
            return None
        image = text(container.get("image")) or ""
        tokens = [
            *_tokens(container.get("entrypoint")),
            *_tokens(container.get("command")),
            *_tokens(container.get("args")),
        ]
        env = _env(container.get("environment", container.get("env")))
        for key, value in env.items():
            if looks_secret(key, value) and not has_reference(value):
                self.b.warn(
                    self.rel, f"{name}: environment {key}: literal credential left out of the BOM"
                )
        args = _Args(tokens)
        if args.all("--api-key") and not is_reference(args.all("--api-key")[0]):
            self.b.warn(
                self.rel, f"{name}: argument --api-key: literal credential left out of the BOM"
            )
        model_id = self.model_id(server, args, env)
        served_names = args.all("--served-model-name") or [
            v for v in (args.first("--model_name"),) if v
        ]
        ref = provider_ref or ref_part(f"provider:{self.rel}:{name}")
        properties = [
            Property(name=D + "source", value=self.rel),
            Property(name=D + "server", value=server.kind),
        ]
        namespace = text(metadata.get("namespace"))
        if namespace is not None:
            properties.append(Property(name=K + "namespace", value=namespace))
        quantization = args.first("--quantization", "-q", "--quantize") or env.get("QUANTIZE")
        if quantization is not None:
            properties.append(Property(name="fmbom:quantization", value=quantization))
        limit = args.first("--max-model-len", "--max_model_len")
        if limit is not None:
            properties.append(Property(name=D + "max-model-len", value=limit))
        for flag, key in _RECORDED.items():
            setting = args.first(flag)
            if setting is not None:
                properties.append(Property(name=D + key, value=setting))
        if model_id is not None and (model_id.startswith("/") or has_reference(model_id)):
            properties.append(Property(name=D + "model-path", value=model_id))
        if provider_ref is None:
            self.b.add(
                InferenceProvider(
                    ref=ref,
                    name=name,
                    served_model_id=served_names[0] if served_names else model_id,
                    properties=properties,
                )
            )
        else:
            self.extend(ref, properties)
        self.b.relate(ref, RelationKind.DEPENDS_ON, self.software(image, server))
        base = self.model(model_id, server)
        if base is not None:
            self.b.relate(base, RelationKind.SERVED_BY, ref)
        self.adapters(name, args, env, base, ref)
        return base

    def extend(self, ref: str, properties: list[Property]) -> None:
        found = self.b.components.get(ref)
        if isinstance(found, InferenceProvider):
            merged = {(p.name, p.value) for p in found.properties}
            added = [p for p in properties if (p.name, p.value) not in merged]
            self.b.components[ref] = attrs.evolve(found, properties=(*found.properties, *added))

    def model_id(self, server: _Server, args: _Args, env: Mapping[str, str]) -> str | None:
        if server.kind == "vllm":
            found = args.first("--model")
            if found is None and "serve" in args.positional:
                after = args.positional[args.positional.index("serve") + 1 :]
                found = after[0] if after else None
            return found
        if server.kind == "kserve-huggingfaceserver":
            return args.first("--model_id")
        if server.kind == "ollama":
            return None
        return args.first("--model-id") or env.get("MODEL_ID")

    def model(self, model_id: str | None, server: _Server) -> str | None:
        if model_id is None or model_id.startswith(("/", ".")) or has_reference(model_id):
            return None
        role = ModelRole.EMBEDDING if server.kind == "text-embeddings-inference" else ModelRole.BASE
        return self.b.served_model(model_id, role=role, hugging_face=True, source=self.rel)

    def software(self, image: str, server: _Server) -> str:
        name, version = image, None
        last = image.rpartition("/")[2]
        if ":" in last:
            name = image[: len(image) - len(last)] + last.partition(":")[0]
            version = last.partition(":")[2]
        return self.b.add(
            Software(
                ref=ref_part(f"software:{image}"),
                name=name or server.kind,
                version=version,
                role=server.role,
                properties=(Property(name=D + "server", value=server.kind),),
            )
        )

    def adapters(
        self, name: str, args: _Args, env: Mapping[str, str], base: str | None, provider: str
    ) -> None:
        specs = list(args.all("--lora-modules"))
        for value in (args.first("--lora-adapters"), env.get("LORA_ADAPTERS")):
            if value:
                specs.extend(s for s in value.split(",") if s.strip())
        for spec in specs:
            adapter_name, path, adapter_base = self.lora(spec)
            target = base
            if adapter_base is not None and not has_reference(adapter_base):
                target = self.b.served_model(adapter_base, hugging_face=True, source=self.rel)
            if target is None:
                self.b.warn(
                    self.rel,
                    f"{name}: adapter {adapter_name} is not recorded: the "
                    "model it adapts is not stated",
                )
                continue
            properties = [Property(name=D + "source", value=self.rel)]
            if path is not None:
                properties.append(Property(name=D + "adapter-path", value=path))
            ref = ref_part(f"adapter:{self.rel}:{name}:{adapter_name}")
            self.b.add(
                Adapter(
                    ref=ref, name=adapter_name, method=AdapterMethod.LORA, properties=properties
                )
            )
            self.b.relate(ref, RelationKind.ADAPTS, target)
            self.b.relate(ref, RelationKind.SERVED_BY, provider)

    @staticmethod
    def lora(spec: str) -> tuple[str, str | None, str | None]:
        spec = spec.strip()
        if spec.startswith("{"):
            try:
                data = mapping(json.loads(spec))
            except ValueError:
                data = {}
            if text(data.get("name")):
                return str(data["name"]), text(data.get("path")), text(data.get("base_model_name"))
        adapter_name, equals, path = spec.partition("=")
        return adapter_name, (path if equals else None), None

    # --- KServe ----------------------------------------------------------------------------

    def inference_service(self, name: str, document: Mapping[str, Any]) -> None:
        metadata = mapping(document.get("metadata"))
        spec = mapping(document.get("spec"))
        predictor = mapping(spec.get("predictor"))
        ref = ref_part(f"provider:kserve:{self.rel}:{name}")
        properties = [
            Property(name=D + "source", value=self.rel),
            Property(name=D + "server", value="kserve"),
        ]
        namespace = text(metadata.get("namespace"))
        if namespace is not None:
            properties.append(Property(name=K + "namespace", value=namespace))
        body = mapping(predictor.get("model"))
        model_format = text(mapping(body.get("modelFormat")).get("name"))
        if not body:
            framework = next(
                (f for f in _FRAMEWORKS if isinstance(predictor.get(f), Mapping)), None
            )
            body = mapping(predictor.get(framework)) if framework else {}
            model_format = framework
        storage = text(body.get("storageUri")) or text(_env(body.get("env")).get("STORAGE_URI"))
        for key, value in (
            ("model-format", model_format),
            ("runtime", text(body.get("runtime"))),
            ("runtime-version", text(body.get("runtimeVersion"))),
            ("protocol-version", text(body.get("protocolVersion"))),
            ("storage-uri", storage),
        ):
            if value is not None:
                properties.append(Property(name=K + key, value=value))
        args = _Args(_tokens(body.get("args")))
        served = args.first("--model_name", "--served-model-name")
        self.b.add(
            InferenceProvider(
                ref=ref,
                name=name,
                organization=None,
                served_model_id=served or name,
                properties=properties,
            )
        )
        model_ref = self.storage_model(storage, args)
        for position, container in enumerate(listing(predictor.get("containers"))):
            found = self.container(
                f"{name}/predictor/{position}", mapping(container), metadata, provider_ref=ref
            )
            model_ref = model_ref or found
        if model_ref is not None:
            self.b.relate(model_ref, RelationKind.SERVED_BY, ref)
        for part in ("transformer", "explainer"):
            for container in listing(mapping(spec.get(part)).get("containers")):
                image = text(mapping(container).get("image"))
                if image is not None:
                    software = self.b.add(
                        Software(
                            ref=ref_part(f"software:{image}"),
                            name=image.rpartition(":")[0]
                            if ":" in image.rpartition("/")[2]
                            else image,
                            version=image.rpartition(":")[2]
                            if ":" in image.rpartition("/")[2]
                            else None,
                            role=SoftwareRole.APPLICATION,
                            properties=(Property(name=K + "component", value=part),),
                        )
                    )
                    self.b.relate(ref, RelationKind.DEPENDS_ON, software)

    def storage_model(self, storage: str | None, args: _Args) -> str | None:
        hub = args.first("--model_id")
        if hub is not None and not has_reference(hub) and not hub.startswith("/"):
            return self.b.served_model(hub, hugging_face=True, source=self.rel)
        if storage is None or has_reference(storage):
            return None
        if storage.startswith("hf://"):
            return self.b.served_model(storage[5:].strip("/"), hugging_face=True, source=self.rel)
        ref = ref_part(f"model:{storage}")
        references: tuple[ExternalReference, ...] = ()
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+", storage):
            references = (ExternalReference(url=storage, type=ExternalReferenceType.DISTRIBUTION),)
        return self.b.add(
            Model(
                ref=ref,
                name=storage,
                external_references=references,
                properties=(
                    Property(name=D + "served-model", value=storage),
                    Property(name=D + "source", value=self.rel),
                ),
            )
        )


def read(builder: Builder, config: Config) -> None:
    """Add the model servers of Kubernetes manifests or a Compose file to ``builder``."""
    _Reader(builder, config).run()
