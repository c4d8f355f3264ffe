"""Scanning model directories: build the BOM from the artifacts themselves.

:func:`scan` (also ``fmbom.scan_path(path)``) walks a Hugging Face style model
directory (or a GGUF file, a PEFT adapter, a sentence-transformers model, a dataset card),
hashes every file in parallel with a persistent hash cache, reads configs, tokenizer files,
safetensors and GGUF headers and card front matter, and returns a :class:`ScanResult` holding
the :class:`fmbom.Bom` and the per-file problems met on the way. It never loads tensors,
never unpickles and never writes inside the scanned tree.
"""

from __future__ import annotations

from fmbom.scan._cache import default_cache_dir
from fmbom.scan._hashing import hash_file
from fmbom.scan._result import Source
from fmbom.scan._scanner import ProgressCallback, ScanProblem, ScanResult, scan

__all__ = [
    "ProgressCallback",
    "ScanProblem",
    "ScanResult",
    "Source",
    "default_cache_dir",
    "hash_file",
    "scan",
]
