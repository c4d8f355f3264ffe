"""Independent readers used as the expected side of assertions (struct/json/hashlib only)."""

from __future__ import annotations

import hashlib
import json
import math
import struct
from pathlib import Path
from typing import Any


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def safetensors_counts(path: Path) -> dict[str, int]:
    """Elements per dtype, read straight from the header."""
    raw = path.read_bytes()
    (length,) = struct.unpack_from("<Q", raw, 0)
    header = json.loads(raw[8 : 8 + length])
    counts: dict[str, int] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        counts[entry["dtype"]] = counts.get(entry["dtype"], 0) + math.prod(entry["shape"])
    return counts


def gguf_metadata(path: Path) -> dict[str, Any]:
    """Scalar and string metadata of a GGUF v3 file; arrays as their length."""
    raw = path.read_bytes()
    assert raw[:4] == b"GGUF"
    pos = 8
    tensors, count = struct.unpack_from("<QQ", raw, pos)
    pos += 16
    sizes = {
        0: "B",
        1: "b",
        2: "H",
        3: "h",
        4: "I",
        5: "i",
        6: "f",
        7: "?",
        10: "Q",
        11: "q",
        12: "d",
    }

    def string() -> str:
        nonlocal pos
        (n,) = struct.unpack_from("<Q", raw, pos)
        text = raw[pos + 8 : pos + 8 + n].decode("utf-8", errors="replace")
        pos += 8 + n
        return text

    def value(kind: int) -> Any:
        nonlocal pos
        if kind == 8:
            return string()
        if kind == 9:
            (inner,) = struct.unpack_from("<I", raw, pos)
            (n,) = struct.unpack_from("<Q", raw, pos + 4)
            pos += 12
            return [value(inner) for _ in range(n)]
        fmt = "<" + sizes[kind]
        (result,) = struct.unpack_from(fmt, raw, pos)
        pos += struct.calcsize(fmt)
        return result

    metadata: dict[str, Any] = {"__tensor_count__": tensors}
    for _ in range(count):
        key = string()
        (kind,) = struct.unpack_from("<I", raw, pos)
        pos += 4
        metadata[key] = value(kind)
    return metadata
