"""The one table of weight formats by file suffix, shared by the scanner and the checks.

A file is a weights file when its suffix is in :data:`WEIGHT_FORMAT_BY_SUFFIX`; the pickle
suffixes (whose loading can run code) are derived from the same table, so the scanner that
classifies files and the check that flags unsafe ones cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from fmbom.model import WeightFormat

__all__ = ["PICKLE_SUFFIXES", "WEIGHT_FORMAT_BY_SUFFIX", "weight_format_of"]

#: Lower-case file suffix -> the format of a weights file with that suffix.
WEIGHT_FORMAT_BY_SUFFIX: Final[Mapping[str, WeightFormat]] = MappingProxyType(
    {
        ".safetensors": WeightFormat.SAFETENSORS,
        ".gguf": WeightFormat.GGUF,
        ".onnx": WeightFormat.ONNX,
        ".bin": WeightFormat.PYTORCH_PICKLE,
        ".pt": WeightFormat.PYTORCH_PICKLE,
        ".pth": WeightFormat.PYTORCH_PICKLE,
        ".ckpt": WeightFormat.PYTORCH_PICKLE,
        ".pkl": WeightFormat.PYTORCH_PICKLE,
        ".pickle": WeightFormat.PYTORCH_PICKLE,
        ".joblib": WeightFormat.PYTORCH_PICKLE,
        ".h5": WeightFormat.KERAS,
        ".keras": WeightFormat.KERAS,
        ".msgpack": WeightFormat.FLAX,
        ".tflite": WeightFormat.TENSORFLOW,
        ".mlmodel": WeightFormat.COREML,
    }
)

#: Suffixes of the formats whose loading can run code (pickle-based files).
PICKLE_SUFFIXES: Final = frozenset(
    suffix for suffix, fmt in WEIGHT_FORMAT_BY_SUFFIX.items() if fmt.is_unsafe
)


def weight_format_of(path: str) -> WeightFormat | None:
    """The weights format a file name's suffix says, or None for a file that is not weights."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return WEIGHT_FORMAT_BY_SUFFIX.get(name[dot:].lower()) if dot > 0 else None
