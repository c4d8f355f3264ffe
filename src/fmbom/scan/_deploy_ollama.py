"""Ollama ``Modelfile``: the model it builds from, adapters, parameters, template and prompt.

Mapping (see docs/how-to/deployment.md): the Modelfile describes one model Ollama serves, an
inference provider named after the Modelfile's folder (or ``NAME.Modelfile``); ``FROM`` is the
served model (a library name such as ``llama3.1:8b``, ``hf.co/org/repo:TAG``, or a GGUF file,
recorded with its weights); a quantization in the tag (``q4_K_M``) is the provider's
quantization; each ``ADAPTER`` is a LoRA adapter of that model; ``PARAMETER``\\ s are provider
properties; ``TEMPLATE``, ``SYSTEM`` and ``LICENSE`` are recorded by SHA-256, ``MESSAGE``\\ s by
count.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Final

from fmbom.model import (
    Adapter,
    AdapterMethod,
    InferenceProvider,
    Model,
    Property,
    RelationKind,
    WeightFile,
    WeightFormat,
    Weights,
)
from fmbom.scan._deploy import Builder, Config, D, digest_text, ref_part

__all__ = ["parse", "read"]

OLLAMA: Final = "fmbom:ollama:"

_INSTRUCTIONS: Final = frozenset(
    {"FROM", "PARAMETER", "TEMPLATE", "SYSTEM", "ADAPTER", "LICENSE", "MESSAGE", "REQUIRES"}
)
_QUANTIZATION: Final = re.compile(
    r"(?:^|[-_.])((?:i?q[1-8](?:_[0-9a-z]+)*)|f16|fp16|bf16|f32|fp8|int4|int8)(?:$|[-_.])",
    re.IGNORECASE,
)
_WEIGHT_SUFFIXES: Final = {".gguf": WeightFormat.GGUF, ".safetensors": WeightFormat.SAFETENSORS}


def parse(raw: str, rel: str, builder: Builder) -> list[tuple[str, str, int]]:
    """(instruction, argument, line) of each instruction; ``\"\"\"`` blocks span lines."""
    lines = raw.splitlines()
    found: list[tuple[str, str, int]] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        number = index + 1
        index += 1
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        instruction = word.upper()
        if instruction not in _INSTRUCTIONS:
            builder.warn(rel, f"line {number}: unknown instruction {word!r}; skipped")
            continue
        rest = rest.strip()
        if instruction in ("PARAMETER", "MESSAGE"):
            head, _, tail = rest.partition(" ")
            value, index = _unquote_block(tail.strip(), lines, index)
            found.append((instruction, f"{head} {value}", number))
            continue
        value, index = _unquote_block(rest, lines, index)
        found.append((instruction, value, number))
    return found


def _unquote_block(rest: str, lines: list[str], index: int) -> tuple[str, int]:
    if rest.startswith('"""'):
        body = rest[3:]
        if '"""' in body:
            return body.partition('"""')[0], index
        parts = [body]
        while index < len(lines):
            line = lines[index]
            index += 1
            if '"""' in line:
                parts.append(line.partition('"""')[0])
                return "\n".join(parts), index
            parts.append(line)
        return "\n".join(parts), index
    if len(rest) >= 2 and rest[0] == rest[-1] == '"':
        return rest[1:-1], index
    return rest, index


def _name(config: Config) -> str:
    if config.path.name.lower() == "modelfile":
        return config.path.resolve().parent.name or "modelfile"
    return config.path.name[: -len(".modelfile")] or config.path.name


def read(builder: Builder, config: Config) -> None:
    """Add what an Ollama Modelfile states to ``builder``."""
    rel = config.rel
    instructions = parse(config.raw, rel, builder)
    for instruction, value, number in instructions:
        if not value.strip():
            builder.warn(rel, f"line {number}: {instruction} names nothing; skipped")
    instructions = [item for item in instructions if item[1].strip()]
    sources = [(v, n) for i, v, n in instructions if i == "FROM"]
    if not sources:
        builder.error(rel, "no FROM instruction; the Modelfile names no model")
        return
    if len(sources) > 1:
        builder.warn(
            rel,
            f"{len(sources)} FROM instructions; the last one (line "
            f"{sources[-1][1]}) is used, as Ollama does",
        )
    source = sources[-1][0].strip()
    name = _name(config)
    provider = ref_part(f"provider:ollama:{rel}")
    properties = [
        Property(name=D + "source", value=rel),
        Property(name=D + "server", value="ollama"),
        Property(name=OLLAMA + "from", value=source),
    ]
    messages = 0
    for instruction, value, _ in instructions:
        if instruction == "PARAMETER":
            key, _, setting = value.partition(" ")
            properties.append(
                Property(name=OLLAMA + "parameter:" + key.lower(), value=setting.strip())
            )
        elif instruction in ("TEMPLATE", "SYSTEM", "LICENSE"):
            properties.append(
                Property(name=OLLAMA + instruction.lower() + "-sha256", value=digest_text(value))
            )
        elif instruction == "MESSAGE":
            messages += 1
        elif instruction == "REQUIRES":
            properties.append(Property(name=OLLAMA + "requires", value=value))
    if messages:
        properties.append(Property(name=OLLAMA + "messages", value=str(messages)))
    model_ref = _source_model(builder, rel, source, properties)
    builder.add(
        InferenceProvider(
            ref=provider, name=f"ollama {name}", served_model_id=name, properties=properties
        )
    )
    builder.relate(model_ref, RelationKind.SERVED_BY, provider)
    for instruction, value, number in instructions:
        if instruction != "ADAPTER":
            continue
        adapter_ref = ref_part(f"adapter:ollama:{rel}:{value}")
        builder.add(
            Adapter(
                ref=adapter_ref,
                name=PurePosixPath(value.strip()).name or value,
                method=AdapterMethod.LORA,
                properties=(
                    Property(name=D + "source", value=rel),
                    Property(name=D + "adapter-path", value=value.strip()),
                    Property(name=OLLAMA + "line", value=str(number)),
                ),
            )
        )
        builder.relate(adapter_ref, RelationKind.ADAPTS, model_ref)
        builder.relate(adapter_ref, RelationKind.SERVED_BY, provider)


def _source_model(builder: Builder, rel: str, source: str, properties: list[Property]) -> str:
    path = PurePosixPath(source)
    suffix = path.suffix.lower()
    if source.startswith((".", "/", "~")) or suffix in _WEIGHT_SUFFIXES:
        stem = path.stem if suffix else path.name
        found = _QUANTIZATION.search(stem)
        if found:
            properties.append(Property(name="fmbom:quantization", value=found.group(1)))
        model_ref = builder.add(
            Model(
                ref=ref_part(f"model:ollama:{rel}:{source}"),
                name=stem or source,
                properties=(
                    Property(name=D + "source", value=rel),
                    Property(name=D + "model-path", value=source),
                ),
            )
        )
        weight_format = _WEIGHT_SUFFIXES.get(suffix)
        if weight_format is not None:
            weights = builder.add(
                Weights(
                    ref=ref_part(f"weights:ollama:{rel}:{source}"),
                    name=path.name,
                    files=(WeightFile(path=source),),
                    format=weight_format,
                    properties=(Property(name=D + "source", value=rel),),
                )
            )
            builder.relate(model_ref, RelationKind.HAS_WEIGHTS, weights)
        return model_ref
    reference, _, tag = source.partition(":")
    if tag:
        properties.append(Property(name=OLLAMA + "tag", value=tag))
        found = _QUANTIZATION.search(tag)
        if found:
            properties.append(Property(name="fmbom:quantization", value=found.group(1)))
    hub = reference.removeprefix("hf.co/").removeprefix("huggingface.co/")
    if hub != reference:
        return builder.served_model(hub, hugging_face=True, source=rel)
    library = reference.removeprefix("registry.ollama.ai/").removeprefix("library/")
    return builder.served_model(library, supplier=None, source=rel)
