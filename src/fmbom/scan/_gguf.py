"""The header of a GGUF file: version, metadata key/values and tensor descriptions.

Every count and length read from the file is checked against the bytes left in the file
before anything is allocated, so a corrupt or hostile header is a clear error, not a memory
blow-up. Arrays are skipped over, not kept (nested arrays iteratively, at most
:data:`MAX_ARRAY_NESTING` deep); the token list is counted, and the few special tokens the
header names are read back from it afterwards, so memory does not grow with the vocabulary.
Strings over :data:`MAX_STRING_BYTES` and more than :data:`MAX_METADATA` key/values are
refused.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs

from fmbom.errors import ScanError

__all__ = [
    "GGUF_FILE_TYPES",
    "MAX_ARRAY_NESTING",
    "MAX_METADATA",
    "MAX_STRING_BYTES",
    "SPECIAL_TOKEN_KEYS",
    "GgufArray",
    "GgufHeader",
    "read_gguf_header",
]

_MAGIC: Final = b"GGUF"
_SCALARS: Final = {
    0: ("<B", 1), 1: ("<b", 1), 2: ("<H", 2), 3: ("<h", 2), 4: ("<I", 4), 5: ("<i", 4),
    6: ("<f", 4), 7: ("<?", 1), 10: ("<Q", 8), 11: ("<q", 8), 12: ("<d", 8),
}  # fmt: skip
_STRING: Final = 8
_ARRAY: Final = 9
_TOKENS: Final = "tokenizer.ggml.tokens"
_MAX_DIMS: Final = 8
#: Arrays of arrays nested deeper than this are refused.
MAX_ARRAY_NESTING: Final = 64
#: Metadata strings (keys and values) longer than this are refused.
MAX_STRING_BYTES: Final = 16 << 20
#: Headers with more metadata key/values than this are refused.
MAX_METADATA: Final = 1 << 16
#: The special tokens a header can name, by role: ``tokenizer.ggml.<key>``.
SPECIAL_TOKEN_KEYS: Final = {
    "bos": "bos_token_id",
    "eos": "eos_token_id",
    "unk": "unknown_token_id",
    "pad": "padding_token_id",
    "sep": "seperator_token_id",
    "cls": "cls_token_id",
    "mask": "mask_token_id",
}

#: llama.cpp ``general.file_type`` values (``LLAMA_FTYPE_*``).
GGUF_FILE_TYPES: Final = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    38: "MXFP4_MOE",
}  # fmt: skip

#: ggml tensor types (``GGML_TYPE_*``) by id.
_TENSOR_TYPES: Final = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1",
    10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS",
    17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S",
    23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M",
    30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
}  # fmt: skip


@attrs.frozen(kw_only=True)
class GgufArray:
    """An array value that was counted but not kept."""

    item_type: int
    length: int


@attrs.frozen(kw_only=True)
class GgufHeader:
    """The parsed header."""

    version: int
    tensor_count: int
    metadata: dict[str, Any]
    parameters_by_type: dict[str, int]
    #: Special tokens by role (``bos``, ``eos``, ...) resolved from the token list.
    special_tokens: dict[str, str] = attrs.field(factory=dict)

    @property
    def parameter_count(self) -> int:
        """Elements over all tensors."""
        return sum(self.parameters_by_type.values())


class _Reader:
    def __init__(self, handle: BinaryIO, size: int, name: str) -> None:
        self.handle = handle
        self.size = size
        self.pos = 0
        self.name = name
        #: Where the string array read last starts (the token list's, after its key).
        self.array_start = 0

    def fail(self, why: str) -> ScanError:
        return ScanError(f"{self.name}: malformed GGUF header at byte {self.pos}: {why}")

    def read(self, count: int) -> bytes:
        if count > self.size - self.pos:
            raise self.fail(f"needs {count} bytes, only {self.size - self.pos} left (truncated)")
        data = self.handle.read(count)
        if len(data) != count:
            raise self.fail("truncated")
        self.pos += count
        return data

    def skip(self, count: int) -> None:
        if count > self.size - self.pos:
            raise self.fail(f"needs {count} bytes, only {self.size - self.pos} left (truncated)")
        self.handle.seek(count, 1)
        self.pos += count

    def u32(self) -> int:
        value: int = struct.unpack("<I", self.read(4))[0]
        return value

    def u64(self) -> int:
        value: int = struct.unpack("<Q", self.read(8))[0]
        return value

    def string(self) -> str:
        length = self.u64()
        if MAX_STRING_BYTES < length <= self.size - self.pos:
            raise self.fail(f"string of {length} bytes exceeds the {MAX_STRING_BYTES}-byte limit")
        return self.read(length).decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        self.skip(self.u64())

    def count(self, what: str, minimum_item_size: int) -> int:
        value = self.u64()
        if value * minimum_item_size > self.size - self.pos:
            raise self.fail(f"{what} count {value} cannot fit in the file (truncated or corrupt)")
        return value

    def value(self, value_type: int, key: str) -> Any:
        if value_type in _SCALARS:
            fmt, width = _SCALARS[value_type]
            return struct.unpack(fmt, self.read(width))[0]
        if value_type == _STRING:
            return self.string()
        if value_type == _ARRAY:
            item_type = self.u32()
            if item_type in _SCALARS:
                width = _SCALARS[item_type][1]
                length = self.count("array", width)
                self.skip(length * width)
                return GgufArray(item_type=item_type, length=length)
            if item_type == _STRING:
                length = self.count("array", 8)
                self.array_start = self.pos
                for _ in range(length):
                    self.skip_string()
                return GgufArray(item_type=item_type, length=length)
            if item_type == _ARRAY:
                length = self.count("array", 12)
                self.skip_nested(length)
                return GgufArray(item_type=item_type, length=length)
            raise self.fail(f"unknown array item type {item_type} for {key!r}")
        raise self.fail(f"unknown value type {value_type} for {key!r}")

    def skip_nested(self, length: int) -> None:
        """Skip ``length`` arrays (of anything, arrays included) without recursion."""
        pending = [length]
        while pending:
            if not pending[-1]:
                pending.pop()
                continue
            pending[-1] -= 1
            item_type = self.u32()
            if item_type in _SCALARS:
                width = _SCALARS[item_type][1]
                self.skip(self.count("array", width) * width)
            elif item_type == _STRING:
                for _ in range(self.count("array", 8)):
                    self.skip_string()
            elif item_type == _ARRAY:
                if len(pending) >= MAX_ARRAY_NESTING:
                    raise self.fail(f"arrays nested deeper than {MAX_ARRAY_NESTING} levels")
                pending.append(self.count("array", 12))
            else:
                raise self.fail(f"unknown array item type {item_type}")

    def tokens_at(self, start: int, length: int, wanted: set[int]) -> dict[int, str]:
        """Read the strings at the ``wanted`` indexes of the string array at ``start``."""
        self.handle.seek(start)
        self.pos = start
        found: dict[int, str] = {}
        last = max(wanted)
        for index in range(min(length, last + 1)):
            if index in wanted:
                found[index] = self.string()
            else:
                self.skip_string()
        return found


def read_gguf_header(path: Path, size: int) -> GgufHeader:
    """Read and check the header of a GGUF file; :class:`ScanError` when it is malformed."""
    try:
        with path.open("rb") as handle:
            return _read(_Reader(handle, size, path.name))
    except OSError as error:
        raise ScanError(f"{path.name}: cannot read: {error.strerror or error}") from None


def _read(reader: _Reader) -> GgufHeader:
    if reader.read(4) != _MAGIC:
        raise reader.fail("no GGUF magic")
    version = reader.u32()
    if version not in (2, 3):
        raise reader.fail(f"unsupported GGUF version {version}")
    tensor_count = reader.count("tensor", 24)
    kv_count = reader.count("metadata", 13)
    if kv_count > MAX_METADATA:
        raise reader.fail(f"{kv_count} metadata key/values exceed the limit of {MAX_METADATA}")
    metadata: dict[str, Any] = {}
    tokens_start = 0
    for _ in range(kv_count):
        key = reader.string()
        metadata[key] = reader.value(reader.u32(), key)
        if key == _TOKENS:
            tokens_start = reader.array_start
    by_type: dict[str, int] = {}
    for _ in range(tensor_count):
        reader.skip_string()
        dims = reader.u32()
        if dims > _MAX_DIMS:
            raise reader.fail(f"tensor with {dims} dimensions")
        shape = [reader.u64() for _ in range(dims)]
        type_id = reader.u32()
        reader.skip(8)
        name = _TENSOR_TYPES.get(type_id, f"type-{type_id}")
        by_type[name] = by_type.get(name, 0) + math.prod(shape)
    return GgufHeader(
        version=version,
        tensor_count=tensor_count,
        metadata=metadata,
        parameters_by_type=by_type,
        special_tokens=_special_tokens(reader, metadata, tokens_start),
    )


def _special_tokens(reader: _Reader, metadata: dict[str, Any], start: int) -> dict[str, str]:
    tokens = metadata.get(_TOKENS)
    if not isinstance(tokens, GgufArray) or tokens.item_type != _STRING:
        return {}
    ids: dict[str, int] = {}
    for role, key in SPECIAL_TOKEN_KEYS.items():
        index = metadata.get(f"tokenizer.ggml.{key}")
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < tokens.length:
            ids[role] = index
    if not ids:
        return {}
    found = reader.tokens_at(start, tokens.length, set(ids.values()))
    return {role: found[index] for role, index in ids.items()}
