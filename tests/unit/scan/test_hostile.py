"""Regression tests for hostile model directories: each names the defect class it reproduces."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from fmbom import Adapter
from fmbom.errors import ScanError
from fmbom.scan import ScanResult, scan
from fmbom.scan._frontmatter import (
    MAX_FRONT_MATTER,
    MAX_NESTING,
    FrontMatterError,
    parse_front_matter,
)
from fmbom.scan._gguf import MAX_ARRAY_NESTING, GgufArray, read_gguf_header
from fmbom.scan._walk import escape_name

DATA = Path(__file__).resolve().parents[2] / "data" / "scan"


def _string(out: io.BytesIO, text: str) -> None:
    raw = text.encode()
    out.write(struct.pack("<Q", len(raw)) + raw)


def _gguf_with(values: bytes, kv_count: int) -> bytes:
    """A GGUF v3 header with no tensors and ``kv_count`` already encoded key/values."""
    return b"GGUF" + struct.pack("<IQQ", 3, 0, kv_count) + values


# --- defect 4: GGUF arrays of arrays nested 3,000 deep ---------------------------------------


def _nested_arrays(depth: int) -> bytes:
    out = io.BytesIO()
    _string(out, "nested")
    out.write(struct.pack("<I", 9))
    for _ in range(depth):
        out.write(struct.pack("<IQ", 9, 1))
    out.write(struct.pack("<IQ", 4, 1) + struct.pack("<I", 7))
    return out.getvalue()


def test_deeply_nested_gguf_arrays_are_a_per_file_error(tmp_path: Path) -> None:
    (tmp_path / "model.gguf").write_bytes(_gguf_with(_nested_arrays(3000), 1))
    result = scan(tmp_path, use_cache=False)
    [problem] = result.errors
    assert problem.path == "model.gguf"
    assert f"arrays nested deeper than {MAX_ARRAY_NESTING} levels" in problem.message
    assert "model.gguf" in {c.name for c in result.bom.components}


def test_nested_gguf_arrays_within_the_limit_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(_gguf_with(_nested_arrays(MAX_ARRAY_NESTING - 1), 1))
    header = read_gguf_header(path, path.stat().st_size)
    assert header.metadata["nested"] == GgufArray(item_type=9, length=1)


# --- defect 10: GGUF token arrays are not kept in memory --------------------------------------


def test_gguf_token_list_is_counted_not_kept(tmp_path: Path) -> None:
    count = 200_000
    out = io.BytesIO()
    _string(out, "tokenizer.ggml.model")
    out.write(struct.pack("<I", 8))
    _string(out, "llama")
    _string(out, "tokenizer.ggml.tokens")
    out.write(struct.pack("<IIQ", 9, 8, count))
    for index in range(count):
        _string(out, f"tok{index:06d}")
    for key, value in (("bos_token_id", 1), ("eos_token_id", count - 1)):
        _string(out, f"tokenizer.ggml.{key}")
        out.write(struct.pack("<II", 4, value))
    path = tmp_path / "model.gguf"
    path.write_bytes(_gguf_with(out.getvalue(), 4))
    tracemalloc.start()
    try:
        header = read_gguf_header(path, path.stat().st_size)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert header.metadata["tokenizer.ggml.tokens"] == GgufArray(item_type=8, length=count)
    assert header.special_tokens == {"bos": "tok000001", "eos": f"tok{count - 1:06d}"}
    # Keeping 200,000 strings costs over 10 MB; counting them costs next to nothing.
    assert peak < 1 << 20, peak


def test_gguf_string_and_metadata_limits(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 1 << 20) + b"\0" * (14 << 20))
    with pytest.raises(ScanError, match="metadata key/values exceed the limit"):
        read_gguf_header(path, path.stat().st_size)
    big = 17 << 20
    path.write_bytes(_gguf_with(struct.pack("<Q", big) + b"k" * big, 1))
    with pytest.raises(ScanError, match="exceeds the 16777216-byte limit"):
        read_gguf_header(path, path.stat().st_size)


# --- defect 5: the front-matter parser is linear ----------------------------------------------


def test_unterminated_quote_is_linear() -> None:
    text = 'title: "unterminated\n' + "line of text\n" * 75_000
    with pytest.raises(FrontMatterError, match="line 1: unterminated quoted string"):
        parse_front_matter(text)


def test_quoted_scalars_over_several_lines_still_parse() -> None:
    text = "a: \"one\n  two\"\nb: 'x\n\n  y ''z'''\nc: \"\\u00e9 \\\"q\\\"\"\n"
    assert parse_front_matter(text) == {"a": "one two", "b": "x\ny 'z'", "c": '\u00e9 "q"'}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- " * 5000 + "x", f"nested deeper than {MAX_NESTING} levels"),
        ("".join(f"{' ' * i}k{i}:\n" for i in range(200)) + " " * 200 + "k: v", "nested deeper"),
        ("a: " + "9" * 4301, "integer with more than 4300 digits"),
        ("a: 1e999", "number 1e999 is too large"),
        ('a: "\\ud800"', r"bad escape \\ud800"),
        ('a: "\\U00110000"', r"bad escape \\U00110000"),
        ('a: "\\x4"', r"bad escape \\x4"),
    ],
)
def test_hostile_front_matter_is_a_clean_error(text: str, message: str) -> None:
    with pytest.raises(FrontMatterError, match=message):
        parse_front_matter(text)


def test_front_matter_size_limit() -> None:
    with pytest.raises(FrontMatterError, match="longer than"):
        parse_front_matter("a: " + "x" * MAX_FRONT_MATTER)


def test_quadratic_card_is_a_warning_and_the_scan_goes_on(tmp_path: Path) -> None:
    shutil.copytree(DATA / "all-minilm-l6-v2", tmp_path / "m")
    card = '---\nlicense: "apache-2.0\n' + "x\n" * 100_000 + "---\n"
    (tmp_path / "m" / "README.md").write_text(card, encoding="utf-8")
    result = scan(tmp_path / "m", use_cache=False)
    assert [(p.path, p.severity) for p in result.problems] == [("README.md", "warning")]
    assert "unterminated quoted string" in result.problems[0].message
    assert any(c.kind == "model" for c in result.bom.components)


# --- defect 6: one bad value is a per-file problem ---------------------------------------------


def test_nan_in_adapter_config_is_read_as_unknown(tmp_path: Path) -> None:
    root = tmp_path / "adapter"
    shutil.copytree(DATA / "peft-lora-llama-3.2-3b", root)
    config = root / "adapter_config.json"
    text = config.read_text(encoding="utf-8")
    document = json.loads(text)
    assert isinstance(document["lora_alpha"], int)
    config.write_text(text.replace(f'"lora_alpha": {document["lora_alpha"]}', '"lora_alpha": NaN'))
    result = scan(root, use_cache=False)
    assert not result.errors
    assert [p.path for p in result.warnings if "NaN" in p.message] == ["adapter_config.json"]
    assert any(p.message.startswith("$.lora_alpha: NaN or Infinity") for p in result.warnings)
    [adapter] = [c for c in result.bom.components if isinstance(c, Adapter)]
    assert adapter.alpha is None
    assert adapter.rank == document["r"]


def _minilm_with_version(tmp_path: Path, version: str) -> Path:
    """The all-MiniLM directory with ``transformers_version`` set to ``version``."""
    root = tmp_path / "model"
    shutil.copytree(DATA / "all-minilm-l6-v2", root)
    config = root / "config.json"
    document = json.loads(config.read_text(encoding="utf-8"))
    document["transformers_version"] = version
    config.write_text(json.dumps(document), encoding="utf-8")
    return root


def test_bad_value_names_its_file_and_the_rest_is_built(tmp_path: Path) -> None:
    root = _minilm_with_version(tmp_path, "4.0\n1")
    clean = scan(DATA / "all-minilm-l6-v2", use_cache=False)
    result = scan(root, use_cache=False)
    [problem] = result.errors
    assert problem.path == "config.json"
    assert "purl" in problem.message
    assert "the file is left out" in problem.message
    kinds = sorted(c.kind for c in result.bom.components)
    assert "model" in kinds
    assert "tokenizer" in kinds
    # Only what config.json gave is missing; the file itself is still listed.
    assert len(result.bom.components) <= len(clean.bom.components) + 1
    names = {c.name for c in result.bom.components}
    assert "config.json" in names


def test_cli_scan_with_a_bad_value_exits_0_and_writes_the_bom(tmp_path: Path) -> None:
    root = _minilm_with_version(tmp_path, "4.0 beta")
    out = tmp_path / "bom.json"
    result = subprocess.run(
        [sys.executable, "-m", "fmbom", "scan", str(root), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "config.json: error: a value is not accepted" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["components"]


# --- defects 1 and 10: file names --------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "darwin", reason="the file system refuses non-UTF-8 names")
def test_non_utf8_and_escape_file_names(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "config.json").write_text('{"model_type": "bert"}', encoding="utf-8")
    (root / os.fsdecode(b"w\xff\x1b[31m.bin")).write_bytes(b"weights")
    result = scan(root, use_cache=False)
    names = {c.name for c in result.bom.components}
    assert "w\\xff\x1b[31m.bin" in names
    assert not result.errors
    assert any("not valid UTF-8" in p.message for p in result.warnings)
    completed = subprocess.run(
        [sys.executable, "-m", "fmbom", "scan", str(root), "-o", str(tmp_path / "b.json")],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0
    assert b"\x1b" not in completed.stderr
    assert b"w\\xff\\x1b[31m.bin" in completed.stderr
    written = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert any(c["name"] == "w\\xff\x1b[31m.bin" for c in written["components"])


def test_escape_name() -> None:
    assert escape_name("plain.txt") == "plain.txt"
    assert escape_name("caf\u00e9") == "caf\u00e9"
    assert escape_name(os.fsdecode(b"a\xffb")) == "a\\xffb"


# --- defect 10: huge config files are capped, not parsed ----------------------------------------


def _scan_peak(root: Path) -> tuple[ScanResult, int]:
    tracemalloc.start()
    try:
        result = scan(root, use_cache=False)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_huge_config_json_is_not_parsed(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "README.md").write_text("---\nlicense: mit\n---\n", encoding="utf-8")
    config = root / "adapter_config.json"
    config.write_text('{"r": 8}', encoding="utf-8")
    _, baseline = _scan_peak(root)
    filler = '"' + "x" * (16 << 20) + '"'
    config.write_text(f'{{"r": 8, "pad": {filler}}}', encoding="utf-8")
    result, peak = _scan_peak(root)
    assert [(p.path, p.message) for p in result.warnings] == [
        ("adapter_config.json", f"larger than {4 << 20} bytes; not read")
    ]
    # Reading the 16 MiB file would hold it twice (bytes and text); the scan only hashes it
    # (through a buffer of a few MiB).
    assert peak < baseline + (10 << 20), (peak, baseline)
