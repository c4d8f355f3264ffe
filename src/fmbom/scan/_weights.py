"""Weights: group a unit's weight files into artifacts and read what their headers state.

Shards (``model-00001-of-00004.safetensors``) and the files an index's ``weight_map`` lists
form one artifact. Safetensors and GGUF headers give dtypes, parameter counts, metadata and
quantization; pickle-based files are never opened beyond their first bytes. A parameter count
is the one an index states, else the headers' exact count when every file was read, else the
index's ``total_size`` divided by the bytes per element of a single, unquantized dtype; it
stays unknown otherwise, never 0.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, Final

import attrs

from fmbom._weight_formats import weight_format_of
from fmbom.errors import ScanError
from fmbom.evidence import DtypeCount
from fmbom.model import Property, Quantization, WeightFile, WeightFormat, Weights
from fmbom.scan import _hf
from fmbom.scan._context import FileRecord, P, UnitScope, ref_part
from fmbom.scan._gguf import GGUF_FILE_TYPES, GgufArray, GgufHeader, read_gguf_header
from fmbom.scan._pickle import sniff_pickle
from fmbom.scan._safetensors import SafetensorsHeader, read_safetensors_header

__all__ = ["gguf_quantization", "quantized_sources", "read_weights"]

_SHARD: Final = re.compile(r"^(?P<stem>.+)-\d{5}-of-\d{5}(?P<ext>\.[A-Za-z0-9]+)$")
_DTYPE_NAMES: Final = {
    "F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16",
    "I64": "int64", "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8",
    "BOOL": "bool", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2",
}  # fmt: skip
#: Bytes per element of the dtypes a config's ``torch_dtype`` names.
_DTYPE_BYTES: Final = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "uint8": 1,
    "float8_e4m3fn": 1, "float8_e5m2": 1,
}  # fmt: skip
#: fastText's binary model files start with this magic (0x2F4F16BA, little-endian).
_FASTTEXT_MAGIC: Final = b"\xba\x16\x4f\x2f"
#: File-stem suffixes of quantized variants beside a float file (transformers.js, optimum).
_QUANTIZED_STEM: Final = re.compile(
    r"^(?P<base>.+?)_(?P<kind>quantized|int8|uint8|q4|q4f16|bnb4|int4|uint4)$"
)


@attrs.define
class _Group:
    fmt: WeightFormat
    members: list[FileRecord]
    index: FileRecord | None = None
    index_name: str | None = None


def read_weights(unit: UnitScope, torch_dtype: str | None = None) -> list[Weights]:
    """The unit's weights artifacts; ``torch_dtype`` is the dtype its config states."""
    groups, indexed = _indexed_groups(unit)
    for name in sorted(unit.files):
        if name in indexed:
            continue
        record = unit.files[name]
        fmt = weight_format_of(name)
        if fmt is None:
            continue
        if fmt is WeightFormat.PYTORCH_PICKLE and name.lower().endswith(".bin"):
            fmt = _sniff_bin(unit, name, record)
            if fmt is None:
                continue
        match = _SHARD.match(name)
        key = match.group("stem") + match.group("ext") if match else name
        if key in groups and groups[key].fmt is fmt:
            groups[key].members.append(record)
        else:
            groups[key if key not in groups else name] = _Group(fmt=fmt, members=[record])
    single = len(groups) == 1
    result = []
    for key, group in sorted(groups.items()):
        ref = unit.prefix + ("weights" if single else "weights:" + ref_part(key))
        result.append(_component(unit, ref, key, group, torch_dtype))
    return result


def _indexed_groups(unit: UnitScope) -> tuple[dict[str, _Group], set[str]]:
    groups: dict[str, _Group] = {}
    indexed: set[str] = set()
    for name in sorted(unit.files):
        if not name.endswith((".safetensors.index.json", ".bin.index.json")):
            continue
        index_record = unit.files[name]
        document = unit.state.read_json(index_record)
        weight_map = document.get("weight_map") if isinstance(document, dict) else None
        if not isinstance(weight_map, dict):
            continue
        directory = str(PurePosixPath(name).parent)
        members = []
        missing = []
        for shard in sorted({str(v) for v in weight_map.values()}):
            shard_name = shard if directory == "." else f"{directory}/{shard}"
            record = unit.files.get(shard_name)
            if record is None:
                missing.append(shard)
                continue
            members.append(record)
            indexed.add(shard_name)
        if missing:
            unit.state.warn(
                index_record.rel,
                f"{len(missing)} of {len(missing) + len(members)} shards it lists are "
                f"missing (first: {missing[0]})",
            )
        fmt = WeightFormat.SAFETENSORS if ".safetensors" in name else WeightFormat.PYTORCH_PICKLE
        groups[name.removesuffix(".index.json")] = _Group(
            fmt=fmt, members=members, index=index_record, index_name=name
        )
    return groups, indexed


def _sniff_bin(unit: UnitScope, name: str, record: FileRecord) -> WeightFormat | None:
    """A ``.bin`` file is pickle-based unless its first bytes say otherwise."""
    if record.lfs is not None:
        return WeightFormat.PYTORCH_PICKLE
    head = record.head(8)
    if head.startswith(_FASTTEXT_MAGIC):
        return WeightFormat.OTHER
    stem = name.removesuffix(".bin")
    if f"{stem}.xml" in unit.files and sniff_pickle(head) == "unrecognised":
        return WeightFormat.OPENVINO
    return WeightFormat.PYTORCH_PICKLE


def _index_metadata(unit: UnitScope, group: _Group) -> dict[str, Any]:
    if group.index is None:
        return {}
    document = unit.state.read_json(group.index)
    meta = document.get("metadata") if isinstance(document, dict) else None
    return meta if isinstance(meta, dict) else {}


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _component(
    unit: UnitScope, ref: str, key: str, group: _Group, torch_dtype: str | None
) -> Weights:
    state = unit.state
    members = group.members
    fmt = group.fmt
    for record in members:
        record.used = True  # listed in files
    props: list[Property] = []
    # the index itself is a file of the unit's main component (listed there with its digest)
    files = [
        WeightFile(path=r.rel, size=r.size, digest=r.digest, lfs_pointer=r.lfs is not None)
        for r in members
    ]
    by_dtype: dict[str, int] = {}
    counted = 0
    quantization: Quantization | None = None
    for record in members:
        if record.lfs is not None:
            state.warn(record.rel, "is a Git LFS pointer; recorded with the object id it names")
            continue
        if fmt is WeightFormat.PYTORCH_PICKLE:
            props.append(Property(name=P + "unsafe", value=f"pickle: {record.rel}"))
            content = sniff_pickle(record.head(8)) if record.head(1) else "unreadable"
            props.append(Property(name=P + "pickle-content", value=f"{content}: {record.rel}"))
            state.warn(record.rel, "pickle-based file: loading it can run code; not opened")
            continue
        if fmt is WeightFormat.OTHER and record.head(4) == _FASTTEXT_MAGIC:
            props.append(Property(name=P + "format-name", value="fasttext"))
            state.note(ref, "format", record.rel, "magic number ba164f2f (fastText)")
            continue
        header: SafetensorsHeader | GgufHeader
        try:
            if fmt is WeightFormat.SAFETENSORS:
                header = read_safetensors_header(record.found.path, record.found.stat.st_size)
                if len(members) == 1:
                    props += [
                        Property(name=f"{P}safetensors:{k}", value=v)
                        for k, v in sorted(header.metadata.items())
                    ]
                method = header.metadata.get("quantization")
                if method and method.lower() != "none":
                    quantization = Quantization(method=method)
                    state.note(ref, "quantization", record.rel, "__metadata__.quantization")
                found = header.parameters_by_dtype
            elif fmt is WeightFormat.GGUF:
                header = read_gguf_header(record.found.path, record.found.stat.st_size)
                unit.headers[ref] = header
                props += _gguf_properties(header)
                quantization = gguf_quantization(header)
                if quantization is not None:
                    state.note(ref, "quantization", record.rel, "general.file_type")
                found = header.parameters_by_type
            else:
                continue
        except ScanError as error:
            state.error(record.rel, str(error).removeprefix(f"{record.name}: "))
            continue
        counted += 1
        for kind, count in found.items():
            by_dtype[kind] = by_dtype.get(kind, 0) + count
    complete = (
        bool(members)
        and counted == len(members)
        and fmt in (WeightFormat.SAFETENSORS, WeightFormat.GGUF)
    )
    counts = [DtypeCount(dtype=k, parameters=v) for k, v in sorted(by_dtype.items())]
    if counts:
        state.note(ref, "dtypes", members[0].rel, "header tensor dtypes and shapes", derived=True)
    first: str = members[0].rel if members else (group.index.rel if group.index else key)
    dominant = max(sorted(by_dtype), key=lambda k: by_dtype[k]) if by_dtype else None
    dtype = _DTYPE_NAMES.get(dominant, dominant.lower()) if dominant else None
    if dtype is not None:
        state.note(ref, "dtype", first, "header tensor dtypes (most parameters)", derived=True)
    elif torch_dtype is not None and fmt is not WeightFormat.GGUF and quantization is None:
        dtype = torch_dtype
        unit.note(ref, "dtype", "config.json", "torch_dtype")
    parameters = _parameters(
        unit,
        ref,
        group=group,
        by_dtype=by_dtype if complete else None,
        dtype=dtype,
        quantization=quantization,
    )
    state.note(ref, "format", first, "file name suffix")
    return Weights(
        ref=ref,
        name=key if not unit.rel else f"{unit.rel}/{key}",
        version=None,  # the release version belongs to the unit, not its parts
        format=fmt,
        files=files,
        digests=(members[0].digest,) if len(members) == 1 and members[0].digest else (),
        dtype=dtype,
        quantization=quantization,
        shard_count=len(members) if len(members) > 1 else None,
        parameter_count=parameters,
        dtypes=counts,
        properties=props,
    )


def _parameters(
    unit: UnitScope,
    ref: str,
    *,
    group: _Group,
    by_dtype: dict[str, int] | None,
    dtype: str | None,
    quantization: Quantization | None,
) -> int | None:
    meta = _index_metadata(unit, group)
    index = group.index.rel if group.index is not None else ""
    stated = _count(meta.get("total_parameters"))
    if stated is not None:
        unit.state.note(ref, "parameter_count", index, "metadata.total_parameters")
        return stated
    if by_dtype:
        first = group.members[0].rel
        unit.state.note(ref, "parameter_count", first, "header tensor shapes", derived=True)
        return sum(by_dtype.values())
    size = _count(meta.get("total_size"))
    width = _DTYPE_BYTES.get(dtype or "")
    if size is not None and width is not None and quantization is None and size % width == 0:
        unit.state.note(
            ref, "parameter_count", index, f"metadata.total_size / {width} ({dtype})", derived=True
        )
        return size // width
    return None


def quantized_sources(weights: list[Weights]) -> list[tuple[str, str]]:
    """(quantized ref, float ref) for quantized variants stored beside their float file,
    by the ``NAME_quantized.onnx`` / ``NAME_int8.onnx`` naming convention."""
    by_name = {w.name: w for w in weights}
    pairs = []
    for weight in weights:
        path = PurePosixPath(weight.name)
        match = _QUANTIZED_STEM.match(path.stem)
        if match is None:
            continue
        source = by_name.get(str(path.with_name(match.group("base") + path.suffix)))
        if source is not None and source.format is weight.format:
            pairs.append((weight.ref, source.ref))
    return pairs


def _gguf_properties(header: GgufHeader) -> list[Property]:
    meta = header.metadata
    props = [
        Property(name=P + "gguf:version", value=str(header.version)),
        Property(name=P + "gguf:tensor-count", value=str(header.tensor_count)),
    ]
    arch = meta.get("general.architecture")
    for key, name in (
        ("general.architecture", "architecture"),
        ("general.name", "name"),
        ("tokenizer.ggml.model", "tokenizer-model"),
        (f"{arch}.context_length", "context-length"),
    ):
        value = meta.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            props.append(Property(name=f"{P}gguf:{name}", value=str(value)))
    file_type = meta.get("general.file_type")
    if isinstance(file_type, int):
        props.append(
            Property(
                name=P + "gguf:file-type", value=GGUF_FILE_TYPES.get(file_type, str(file_type))
            )
        )
    template = meta.get("tokenizer.chat_template")
    if isinstance(template, str):
        digest = _hf.chat_template_digest(template)
        props.append(Property(name=P + "gguf:chat-template-sha256", value=digest.value))
    tokens = meta.get("tokenizer.ggml.tokens")
    if isinstance(tokens, (list, GgufArray)):
        count = len(tokens) if isinstance(tokens, list) else tokens.length
        props.append(Property(name=P + "gguf:vocab-size", value=str(count)))
    return props


def gguf_quantization(header: GgufHeader) -> Quantization | None:
    """The quantization a GGUF header's ``general.file_type`` names (None for float types)."""
    file_type = header.metadata.get("general.file_type")
    name = GGUF_FILE_TYPES.get(file_type) if isinstance(file_type, int) else None
    if name is None or name in ("F32", "F16", "BF16"):
        return None
    bits = re.match(r"I?Q(\d)", name)
    return Quantization(method=f"gguf {name.lower()}", bits=int(bits.group(1)) if bits else None)
