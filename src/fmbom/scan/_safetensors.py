"""The header of a safetensors file: tensor names, dtypes and shapes, never the tensors.

The file starts with an 8-byte little-endian header length N and N bytes of JSON. N is
checked against the file size and a cap before anything is read.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import Any, Final

import attrs

from fmbom._bounded import loads_json
from fmbom.errors import InputFormatError, ScanError

__all__ = ["MAX_HEADER_SIZE", "SafetensorsHeader", "read_safetensors_header"]

#: Largest header accepted (real headers are kilobytes to a few megabytes).
MAX_HEADER_SIZE: Final = 100 << 20

_DTYPE_BYTES: Final = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8,
}  # fmt: skip


@attrs.frozen(kw_only=True)
class SafetensorsHeader:
    """What the header says: parameters per dtype, tensor count and the free-form metadata."""

    tensor_count: int
    parameters_by_dtype: dict[str, int]
    metadata: dict[str, str]

    @property
    def parameter_count(self) -> int:
        """Elements over all tensors."""
        return sum(self.parameters_by_dtype.values())


def read_safetensors_header(path: Path, size: int) -> SafetensorsHeader:
    """Read and check the header of ``path`` (of ``size`` bytes); :class:`ScanError` if bad."""
    try:
        with path.open("rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise ScanError(f"{path.name}: not a safetensors file: shorter than 8 bytes")
            (length,) = struct.unpack("<Q", prefix)
            if length > size - 8:
                raise ScanError(
                    f"{path.name}: malformed safetensors header: length {length} exceeds the "
                    f"file size {size}"
                )
            if length > MAX_HEADER_SIZE:
                raise ScanError(
                    f"{path.name}: safetensors header of {length} bytes exceeds the "
                    f"{MAX_HEADER_SIZE}-byte limit"
                )
            raw = handle.read(length)
    except OSError as error:
        raise ScanError(f"{path.name}: cannot read: {error.strerror or error}") from None
    try:
        header = loads_json(raw)
    except InputFormatError as error:
        raise ScanError(f"{path.name}: malformed safetensors header: {error}") from None
    if not isinstance(header, dict):
        raise ScanError(f"{path.name}: malformed safetensors header: not a JSON object")
    return _interpret(path.name, header, size - 8 - length)


def _interpret(name: str, header: dict[str, Any], data_size: int) -> SafetensorsHeader:
    by_dtype: dict[str, int] = {}
    metadata: dict[str, str] = {}
    count = 0
    for key, entry in header.items():
        if key == "__metadata__":
            if isinstance(entry, dict):
                metadata = {str(k): str(v) for k, v in entry.items()}
            continue
        bad = f"{name}: malformed safetensors header: tensor {key!r}"
        if not isinstance(entry, dict):
            raise ScanError(f"{bad} is not an object")
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if not isinstance(dtype, str) or not isinstance(shape, list):
            raise ScanError(f"{bad} has no dtype or shape")
        if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            raise ScanError(f"{bad} has an invalid shape {shape!r}")
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1] <= data_size
        ):
            raise ScanError(f"{bad} has data offsets {offsets!r} outside the file")
        elements = math.prod(shape)
        width = _DTYPE_BYTES.get(dtype)
        if width is not None and elements * width != offsets[1] - offsets[0]:
            raise ScanError(
                f"{bad}: shape {shape} of {dtype} needs {elements * width} bytes, "
                f"offsets give {offsets[1] - offsets[0]}"
            )
        by_dtype[dtype] = by_dtype.get(dtype, 0) + elements
        count += 1
    return SafetensorsHeader(tensor_count=count, parameters_by_dtype=by_dtype, metadata=metadata)
