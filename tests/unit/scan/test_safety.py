"""Safety: bounded headers, per-file errors, symlinks, unreadable files, an untouched tree."""

from __future__ import annotations

import json
import os
import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom import ScanError, Software, Weights
from fmbom.scan import ScanResult, scan
from fmbom.scan._gguf import read_gguf_header
from fmbom.scan._safetensors import MAX_HEADER_SIZE, read_safetensors_header

Run = Callable[..., ScanResult]
Data = Callable[[str], Path]


def _safetensors(header: dict[str, object], data: bytes = b"") -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (struct.pack("<Q", 1 << 62) + b"{}", "exceeds the file size"),
        (b"\x01\x00", "shorter than 8 bytes"),
        (struct.pack("<Q", 4) + b"nope", "not valid JSON"),
        (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
        (_safetensors({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}), "outside"),
        (
            _safetensors(
                {"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}, b"\0" * 16
            ),
            "needs 12",
        ),
        (_safetensors({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}), "shape"),
        (_safetensors({"w": "x"}), "not an object"),
    ],
)
def test_malformed_safetensors_headers(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(content)
    with pytest.raises(ScanError, match=message):
        read_safetensors_header(path, len(content))


def test_header_length_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", MAX_HEADER_SIZE + 1))
        handle.truncate(MAX_HEADER_SIZE + 100)  # sparse: no real data written
    with pytest.raises(ScanError, match="limit"):
        read_safetensors_header(path, path.stat().st_size)


def _gguf_prefix(tensors: int, kvs: int) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, tensors, kvs)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GGML" + b"\0" * 20, "no GGUF magic"),
        (b"GGUF" + struct.pack("<IQQ", 1, 0, 0), "unsupported GGUF version 1"),
        (_gguf_prefix(0, 1 << 40), "metadata count"),
        (_gguf_prefix(1 << 40, 0), "tensor count"),
        (_gguf_prefix(0, 1) + struct.pack("<Q", 1 << 50) + b"key", "truncated"),
        (
            _gguf_prefix(0, 1) + struct.pack("<Q", 1) + b"k" + struct.pack("<I", 99),
            "unknown value type",
        ),
        (
            _gguf_prefix(0, 1) + struct.pack("<Q", 1) + b"k" + struct.pack("<IIQ", 9, 4, 1 << 40),
            "array count",
        ),
    ],
)
def test_malformed_gguf_headers(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(content + b"\0" * 13)
    with pytest.raises(ScanError, match=message):
        read_gguf_header(path, path.stat().st_size)


def test_truncated_real_gguf_is_an_error(tmp_path: Path, data: Data) -> None:
    raw = (data("gguf") / "ggml-vocab-llama-spm.gguf").read_bytes()
    path = tmp_path / "cut.gguf"
    path.write_bytes(raw[: len(raw) // 3])
    with pytest.raises(ScanError, match="truncated"):
        read_gguf_header(path, path.stat().st_size)


def test_bad_files_give_per_file_errors_and_the_scan_goes_on(
    run: Run, data: Data, tmp_path: Path
) -> None:
    root = tmp_path / "model"
    shutil.copytree(data("fracast"), root)
    (root / "huge.safetensors").write_bytes(struct.pack("<Q", 1 << 60) + b"{}")
    raw = (data("gguf") / "ggml-vocab-gpt-2.gguf").read_bytes()
    (root / "cut.gguf").write_bytes(raw[:5000])
    result = run(root)
    errors = {p.path: p.message for p in result.errors}
    assert set(errors) == {"huge.safetensors", "cut.gguf"}
    assert "exceeds the file size" in errors["huge.safetensors"]
    assert "truncated" in errors["cut.gguf"]
    weights = {w.name: w for w in result.bom.of_type(Weights)}
    # the bad files are still listed, hashed, without header facts
    assert weights["huge.safetensors"].parameter_count is None
    assert weights["cut.gguf"].digests
    assert weights["model.safetensors"].parameter_count == 85001


def test_symlinks_leaving_the_tree_are_not_followed(run: Run, data: Data, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.safetensors").write_bytes(
        (data("fracast") / "model.safetensors").read_bytes()
    )
    root = tmp_path / "model"
    shutil.copytree(data("fracast"), root)
    (root / "escape.safetensors").symlink_to(outside / "secret.safetensors")
    (root / "escape-dir").symlink_to(outside, target_is_directory=True)
    (root / "alias.safetensors").symlink_to(root / "model.safetensors")
    result = run(root)
    names = {w.name for w in result.bom.of_type(Weights)}
    assert "escape.safetensors" not in names
    assert not any("secret" in n for n in names)
    assert "alias.safetensors" in names  # a link inside the tree is read
    warned = {p.path for p in result.warnings if "leaves the scanned tree" in p.message}
    assert warned == {"escape.safetensors", "escape-dir"}


def test_unreadable_files_are_reported(
    run: Run, data: Data, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "model"
    shutil.copytree(data("fracast"), root)
    from fmbom.scan import _hashing

    real = _hashing.hash_file

    def refuse(path: os.PathLike[str], *args: object, **kwargs: object) -> str:
        if Path(path).name == "model.int8.safetensors":
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_hashing, "hash_file", refuse)
    result = run(root, use_cache=False)
    assert [(p.path, p.message) for p in result.errors] == [
        ("model.int8.safetensors", "cannot read: Permission denied")
    ]
    names = {w.name for w in result.bom.of_type(Weights)}
    assert names == {"model.safetensors"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_files_without_read_permission(
    run: Run, data: Data, tmp_path: Path
) -> None:  # pragma: no cover
    root = tmp_path / "model"
    shutil.copytree(data("fracast"), root)
    (root / "config.json").chmod(0)
    try:
        result = run(root, use_cache=False)
    finally:
        (root / "config.json").chmod(0o644)
    assert [p.path for p in result.errors] == ["config.json"]


def test_card_with_unsupported_yaml_warns_and_goes_on(
    run: Run, copy_of: Callable[[str], Path]
) -> None:
    root = copy_of("genz-70b-gptq")
    card = root / "README.md"
    card.write_text(card.read_text().replace("inference: false", "inference: &a false", 1))
    result = run(root)
    assert any(
        p.path == "README.md" and "front matter not read" in p.message for p in result.warnings
    )
    assert result.bom.component("model").licenses == ()
    weights = result.bom.component("weights")
    assert isinstance(weights, Weights)
    assert weights.quantization is not None


def test_invalid_json_config_is_a_per_file_error(run: Run, copy_of: Callable[[str], Path]) -> None:
    root = copy_of("genz-70b-gptq")
    (root / "generation_config.json").write_text("{not json")
    result = run(root)
    assert [p.path for p in result.errors] == ["generation_config.json"]
    assert "not valid JSON" in result.errors[0].message


def _snapshot(root: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_mode, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    } | {
        str(p.relative_to(root)) + "/": (p.stat().st_mtime_ns, 0, b"")
        for p in root.rglob("*")
        if p.is_dir()
    }


def test_the_scanned_tree_is_never_modified(run: Run, data: Data, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(data("."), root)
    (root / "fasttext" / "weights.pt").write_bytes(b"\x80\x04N.")
    before = _snapshot(root)
    root_mtime = root.stat().st_mtime_ns
    run(root)
    run(root)  # second run reads through the cache
    run(root, algorithm="sha512", use_cache=False)
    assert _snapshot(root) == before
    assert root.stat().st_mtime_ns == root_mtime


def test_missing_or_special_paths_raise(tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="no such file or directory"):
        scan(tmp_path / "absent")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ScanError, match="neither a regular file nor a directory"):
        scan(fifo)
    (tmp_path / "dir").mkdir()
    os.mkfifo(tmp_path / "dir" / "pipe")
    result = scan(tmp_path / "dir", use_cache=False)
    assert [(p.path, p.message) for p in result.warnings] == [
        ("pipe", "not a regular file; skipped")
    ]


def test_unknown_file_in_a_single_file_scan(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    result = run(path)
    (component,) = result.bom.components
    assert isinstance(component, Software)
    assert component.name == "notes.txt"
    assert result.bom.metadata.subject.name == "notes.txt"
