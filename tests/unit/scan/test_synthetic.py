"""Layouts built in the test: the variants the corpus does not contain."""

from __future__ import annotations

import hashlib
import io
import json
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fmbom import (
    Adapter,
    AdapterMethod,
    Model,
    Quantization,
    RelationKind,
    Tokenizer,
    TokenizerType,
    WeightFormat,
    Weights,
)
from fmbom.scan import ScanResult, _hf
from fmbom.scan._frontmatter import FrontMatterError, parse_front_matter

Run = Callable[..., ScanResult]


def _write(root: Path, files: dict[str, Any]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content)
        else:
            path.write_text(json.dumps(content))
    return root


def _safetensors(tensors: dict[str, tuple[str, list[int]]]) -> bytes:
    widths = {"F32": 4, "BF16": 2, "I32": 4}
    header: dict[str, Any] = {}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = widths[dtype]
        for dim in shape:
            size *= dim
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\0" * offset


def _gguf(metadata: dict[str, Any], tensors: list[tuple[str, list[int], int]]) -> bytes:
    out = io.BytesIO()
    out.write(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata)))

    def string(text: str) -> None:
        raw = text.encode()
        out.write(struct.pack("<Q", len(raw)) + raw)

    for key, value in metadata.items():
        string(key)
        if isinstance(value, str):
            out.write(struct.pack("<I", 8))
            string(value)
        elif isinstance(value, bool):
            out.write(struct.pack("<IB", 7, value))
        elif isinstance(value, int):
            out.write(struct.pack("<II", 4, value))
        elif isinstance(value, float):
            out.write(struct.pack("<If", 6, value))
        elif value and isinstance(value[0], str):
            out.write(struct.pack("<IIQ", 9, 8, len(value)))
            for item in value:
                string(item)
        elif value and isinstance(value[0], list):
            out.write(struct.pack("<IIQ", 9, 9, len(value)))
            for inner in value:
                out.write(
                    struct.pack("<IQ", 5, len(inner)) + struct.pack(f"<{len(inner)}i", *inner)
                )
        else:
            out.write(
                struct.pack("<IIQ", 9, 6, len(value)) + struct.pack(f"<{len(value)}f", *value)
            )
    for name, shape, type_id in tensors:
        string(name)
        out.write(struct.pack("<I", len(shape)) + struct.pack(f"<{len(shape)}Q", *shape))
        out.write(struct.pack("<IQ", type_id, 0))
    return out.getvalue() + b"\0" * 64


def test_quantized_gguf_with_tensors(run: Run, tmp_path: Path) -> None:
    template = "{% for m in messages %}{{ m.content }}{% endfor %}"
    content = _gguf(
        {
            "general.architecture": "llama",
            "general.name": "tiny",
            "general.file_type": 15,
            "llama.context_length": 8192,
            "tokenizer.ggml.model": "gpt2",
            "tokenizer.ggml.tokens": ["<s>", "</s>", "a", "b"],
            "tokenizer.ggml.scores": [0.0, 0.5, 1.0, 1.5],
            "tokenizer.ggml.eos_token_id": 1,
            "tokenizer.ggml.add_bos_token": True,
            "tokenizer.chat_template": template,
            "nested": [[1, 2], [3]],
            "ratio": 0.25,
        },
        [("tok_embd.weight", [4, 8], 12), ("output_norm.weight", [8], 0)],
    )
    path = _write(tmp_path, {"tiny-Q4_K_M.gguf": content}) / "tiny-Q4_K_M.gguf"
    result = run(path)
    assert not result.problems
    (weights,) = result.bom.of_type(Weights)
    assert weights.quantization is not None
    assert (weights.quantization.method, weights.quantization.bits) == ("gguf q4_k_m", 4)
    assert weights.parameter_count == 4 * 8 + 8
    assert [(d.dtype, d.parameters) for d in weights.dtypes] == [("F32", 8), ("Q4_K", 32)]
    assert weights.dtype == "q4_k"
    digest = hashlib.sha256(template.encode()).hexdigest()
    assert weights.property("fmbom:scan:gguf:chat-template-sha256") == digest
    (tokenizer,) = result.bom.of_type(Tokenizer)
    assert tokenizer.tokenizer_type is TokenizerType.BYTE_LEVEL_BPE
    assert tokenizer.chat_template_digest is not None
    assert tokenizer.chat_template_digest.value == digest
    assert [(t.role, t.content) for t in tokenizer.special_tokens] == [("eos", "</s>")]
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert (model.parameter_count, model.context_length) == (40, 8192)


def test_gguf_next_to_a_hugging_face_model(run: Run, tmp_path: Path) -> None:
    root = _write(
        tmp_path / "m",
        {
            "config.json": {"model_type": "llama", "architectures": ["LlamaForCausalLM"]},
            "model.safetensors": _safetensors({"w": ("BF16", [2, 3])}),
            "gguf/model-Q8_0.gguf": _gguf(
                {"general.architecture": "llama", "general.file_type": 7}, []
            ),
        },
    )
    result = run(root)
    weights = {w.name: w for w in result.bom.of_type(Weights)}
    assert set(weights) == {"model.safetensors", "gguf/model-Q8_0.gguf"}
    quantization = weights["gguf/model-Q8_0.gguf"].quantization
    assert quantization is not None
    assert (quantization.method, quantization.bits) == ("gguf q8_0", 8)
    targets = {r.target for r in result.bom.outgoing("model", RelationKind.HAS_WEIGHTS)}
    assert targets == {w.ref for w in weights.values()}
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.parameter_count == 6
    assert weights["model.safetensors"].dtype == "bfloat16"


def test_pytorch_shards_with_index(run: Run, tmp_path: Path) -> None:
    root = _write(
        tmp_path / "m",
        {
            "config.json": {
                "model_type": "llama",
                "quantization_config": {"load_in_4bit": True, "bnb_4bit_quant_type": "nf4"},
                "_name_or_path": "org/base-model",
            },
            "pytorch_model.bin.index.json": {
                "weight_map": {
                    "a": "pytorch_model-00001-of-00002.bin",
                    "b": "pytorch_model-00002-of-00002.bin",
                }
            },
            "pytorch_model-00001-of-00002.bin": b"PK\x03\x04rest",
            "pytorch_model-00002-of-00002.bin": b"PK\x03\x04more",
        },
    )
    result = run(root)
    (weights,) = result.bom.of_type(Weights)
    assert weights.format is WeightFormat.PYTORCH_PICKLE
    assert weights.shard_count == 2
    assert weights.quantization is not None
    assert (weights.quantization.method, weights.quantization.bits) == ("bitsandbytes-nf4", 4)
    contents = [p.value for p in weights.properties if p.name == "fmbom:scan:pickle-content"]
    assert contents == [
        "zip: pytorch_model-00001-of-00002.bin",
        "zip: pytorch_model-00002-of-00002.bin",
    ]
    # no card: the quantized model points at the checkpoint named in config.json
    assert [r.target for r in result.bom.outgoing("model", RelationKind.QUANTIZED_FROM)] == [
        "base:org/base-model"
    ]


def test_shards_without_index_are_grouped(run: Run, tmp_path: Path) -> None:
    shard = _safetensors({"w": ("F32", [2])})
    root = _write(
        tmp_path / "m",
        {
            "model-00001-of-00002.safetensors": shard,
            "model-00002-of-00002.safetensors": shard,
            "extra.safetensors": shard,
        },
    )
    weights = {w.name: w for w in run(root).bom.of_type(Weights)}
    assert set(weights) == {"model.safetensors", "extra.safetensors"}
    assert weights["model.safetensors"].shard_count == 2
    assert weights["model.safetensors"].parameter_count == 4


def test_tokenizer_variants(run: Run, tmp_path: Path) -> None:
    bpe = {
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 1}},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "ByteLevel"}]},
        "added_tokens": [{"id": 5, "content": "<eos>"}],
    }
    root = _write(
        tmp_path / "bpe",
        {
            "config.json": {"model_type": "x"},
            "tokenizer.json": bpe,
            "chat_template.jinja": "{{ messages }}",
        },
    )
    tokenizer = run(root).bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert (tokenizer.tokenizer_type, tokenizer.vocab_size) == (TokenizerType.BYTE_LEVEL_BPE, 6)
    assert tokenizer.chat_template_digest is not None
    assert tokenizer.chat_template_digest.value == hashlib.sha256(b"{{ messages }}").hexdigest()
    root = _write(
        tmp_path / "vocab",
        {
            "config.json": {"model_type": "gpt2"},
            "vocab.json": {"a": 0, "b": 1, "c": 2},
            "merges.txt": "a b\n",
            "tokenizer_config.json": {
                "tokenizer_class": "GPT2TokenizerFast",
                "chat_template": [
                    {"name": "tool_use", "template": "T"},
                    {"name": "default", "template": "D"},
                ],
            },
        },
    )
    tokenizer = run(root).bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert (tokenizer.tokenizer_type, tokenizer.vocab_size) == (TokenizerType.BYTE_LEVEL_BPE, 3)
    assert tokenizer.chat_template_digest is not None
    assert tokenizer.chat_template_digest.value == hashlib.sha256(b"D").hexdigest()
    root = _write(
        tmp_path / "json-template",
        {
            "config.json": {"model_type": "x"},
            "chat_template.json": {"chat_template": "J"},
            "tokenizer.json": {"model": {"type": "Unigram", "vocab": [["a", 0.0], ["b", 0.0]]}},
        },
    )
    tokenizer = run(root).bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert (tokenizer.tokenizer_type, tokenizer.vocab_size) == (TokenizerType.UNIGRAM, 2)
    assert tokenizer.chat_template_digest is not None
    assert tokenizer.chat_template_digest.value == hashlib.sha256(b"J").hexdigest()


def test_adapter_edge_cases(run: Run, tmp_path: Path) -> None:
    root = _write(
        tmp_path / "a",
        {
            "adapter_config.json": {"peft_type": "IA3", "target_modules": "q_proj|v_proj"},
            "adapter_model.safetensors": _safetensors({"w": ("F32", [3])}),
        },
    )
    result = run(root)
    adapter = result.bom.component("adapter")
    assert isinstance(adapter, Adapter)
    assert adapter.method is AdapterMethod.IA3
    assert adapter.target_modules == ("q_proj|v_proj",)
    assert [r.target for r in result.bom.outgoing("adapter", RelationKind.ADAPTS)] == [
        "base:unknown"
    ]
    assert [r.target for r in result.bom.outgoing("adapter", RelationKind.HAS_WEIGHTS)] == [
        "weights"
    ]
    assert any("no base model" in p.message for p in result.warnings)
    root = _write(
        tmp_path / "b",
        {
            "adapter_config.json": {
                "peft_type": "LORA",
                "use_dora": True,
                "base_model_name_or_path": "o/a",
            },
            "README.md": "---\nbase_model:\n- o/a\n- o/b\n---\n",
        },
    )
    result = run(root)
    adapter = result.bom.component("adapter")
    assert isinstance(adapter, Adapter)
    assert adapter.method is AdapterMethod.DORA
    assert [r.target for r in result.bom.outgoing("adapter", RelationKind.ADAPTS)] == ["base:o/a"]
    assert any("adapts one model" in p.message for p in result.warnings)


def test_card_edge_cases(run: Run, tmp_path: Path) -> None:
    card = (
        "---\n"
        "license: other\n"
        "license_name: acme-model-license\n"
        "base_model: org/base\n"
        "base_model_relation: adapter\n"
        "model-index:\n"
        "- name: x\n"
        "  results:\n"
        "  - dataset: {name: bench}\n"
        "    metrics:\n"
        "    - type: acc\n"
        "      value: n/a\n"
        "    - type: f1\n"
        "      value: '0.5'\n"
        "---\n"
    )
    result = run(_write(tmp_path / "m", {"README.md": card, "config.json": {"model_type": "x"}}))
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.licenses == ("LicenseRef-acme-model-license",)
    assert [r.target for r in result.bom.outgoing("model", RelationKind.DERIVED_FROM)] == [
        "base:org/base"
    ]
    assert model.governance is not None
    assert [(e.metric, e.value) for e in model.governance.evaluations] == [("f1", 0.5)]
    messages = [p.message for p in result.warnings]
    assert any("no adapter_config.json" in m for m in messages)
    assert any("'n/a'" in m and "not a number" in m for m in messages)


def test_dataset_found_by_its_location(run: Run, tmp_path: Path) -> None:
    root = _write(tmp_path / "datasets" / "org" / "d", {"README.md": "---\nlicense: mit\n---\n"})
    result = run(root)
    assert [c.kind.value for c in result.bom.components] == ["dataset"]


def test_directory_symlink_inside_the_tree_is_read_once(run: Run, tmp_path: Path) -> None:
    root = _write(tmp_path / "m", {"sub/a.txt": "x"})
    (root / "link").symlink_to(root / "sub", target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    result = run(root)
    assert sorted(c.name for c in result.bom.components) == ["sub/a.txt"]


def test_hf_helpers() -> None:
    assert _hf.hf_license_to_spdx("apache-2.0") == "Apache-2.0"
    assert _hf.hf_license_to_spdx("CC-BY-NC-4.0") == "CC-BY-NC-4.0"
    assert _hf.hf_license_to_spdx("gpl") == "GPL-3.0-or-later"
    assert _hf.hf_license_to_spdx("llama3.2") == "LicenseRef-llama3.2"
    assert _hf.hf_license_to_spdx("other") == "LicenseRef-other"
    assert _hf.hf_license_to_spdx("!!!") == "LicenseRef-unknown"
    assert _hf.normalize_repo_id("https://hf.co/org/name/") == "org/name"
    assert _hf.context_length({"text_config": {"max_position_embeddings": 4096}}) == 4096
    assert _hf.context_length({"n_positions": 0}) is None
    q = _hf.quantization_from_config
    assert q({"w_bit": 4, "q_group_size": 128, "version": "GEMM"}) == Quantization(
        method="awq", bits=4, group_size=128
    )
    assert q({"load_in_8bit": True}) == Quantization(method="bitsandbytes-int8", bits=8)
    assert q({"quant_method": "fp8"}) == Quantization(method="fp8", bits=8)
    assert q({"weight_type": "QInt8"}) is None
    assert _hf.adapter_method({"peft_type": "PREFIX_TUNING"}) is AdapterMethod.PREFIX_TUNING
    assert _hf.adapter_method({"peft_type": "ADALORA"}) is AdapterMethod.OTHER
    assert _hf.tokenizer_type_from_class("LlamaTokenizerFast") is TokenizerType.SENTENCEPIECE
    assert _hf.tokenizer_type_from_class("Unknown") is None
    assert _hf.tokenizer_facts({"model": "x"}) == (None, None)
    assert _hf.tokenizer_facts({"model": {"type": "BPE", "vocab": {"a": 0}}}) == (
        TokenizerType.BPE,
        1,
    )


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\n",
        "a: {b}\n",
        "a: |x\n",
        "a: 'x' y\n",
        'a: "\\q"\n',
        'a: "\\xZZ"\n',
        "- a\nb: 1\n",
        "a:\n  - b\n - c\n",
        "a: 1\n\tb: 2\n",
        "a: b\n  c: d\n",
        "? complex\n",
        "&a k: v\n",
    ],
)
def test_more_malformed_front_matter(text: str) -> None:
    with pytest.raises(FrontMatterError):
        parse_front_matter(text)


def test_front_matter_corners() -> None:
    assert parse_front_matter("") == {}
    assert parse_front_matter("# only a comment\n") == {}
    assert parse_front_matter("\"quoted key\": 1\n'single': 2\n") == {"quoted key": 1, "single": 2}
    assert parse_front_matter(
        'a: {x: 1, \'y\': "z"}\nb: ~\nc: 1_000\nd: .5\ne: "\\u00e9\\n"\n'
    ) == {
        "a": {"x": 1, "y": "z"},
        "b": None,
        "c": 1000,
        "d": 0.5,
        "e": "é\n",
    }
    assert parse_front_matter("a:\n-\n  b: 1\n- - x\n  - y\n") == {"a": [{"b": 1}, ["x", "y"]]}
    assert parse_front_matter("a: >\n  x\n\n  y\nb: |+\n  keep\n") == {"a": "x\ny\n", "b": "keep\n"}
    assert parse_front_matter("a: 'x\n\n  '\n") == {"a": "x\n"}
    with pytest.raises(FrontMatterError, match="not a mapping"):
        parse_front_matter("- a\n")


def test_odd_files_in_a_model_directory(run: Run, tmp_path: Path) -> None:
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{'ab' * 32}\nsize 123456\n"
    root = _write(
        tmp_path / "m",
        {
            "config.json": {"model_type": "mistral", "quantization_config": {"quant_method": " "}},
            "quantize_config.json": {"bits": 4, "group_size": 128},
            "model.safetensors.index.json": {
                "weight_map": {"w": "model-00001-of-00002.safetensors"}
            },
            "pytorch_model.bin.index.json": {"metadata": {}},
            "train.parquet": pointer,
            "generation_config.json": b"\xff\xfe not utf-8",
            "tekken.json": {"config": {"default_vocab_size": 131072}},
            "README.md": (
                "---\nmodel-index:\n- results:\n  - 3\n  - metrics:\n    - 4\n"
                "    - value: true\n---\n"
            ),
        },
    )
    result = run(root)
    model_files = result.bom.component("model")
    assert isinstance(model_files, Model)
    (data_file,) = [f for f in model_files.files if f.path == "train.parquet"]
    assert data_file.digest is not None
    assert (data_file.digest.value, data_file.size) == ("ab" * 32, 123456)
    assert data_file.lfs_pointer
    assert [(p.path, p.message) for p in result.errors] == [
        ("generation_config.json", "not UTF-8 text")
    ]
    warned = {p.path: p.message for p in result.warnings}
    assert warned["model.safetensors.index.json"].startswith("1 of 1 shards it lists are missing")
    assert "quantization config not understood" in warned["."]
    tokenizer = result.bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert (tokenizer.tokenizer_type, tokenizer.vocab_size) == (TokenizerType.TEKKEN, 131072)
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.governance is None


def test_gptq_quantize_config_without_quantization_config(run: Run, tmp_path: Path) -> None:
    root = _write(
        tmp_path / "m",
        {
            "config.json": {"model_type": "llama", "_name_or_path": "/local/path"},
            "quantize_config.json": {"bits": 4, "group_size": 128, "desc_act": False},
            "model.safetensors": _safetensors({"qweight": ("I32", [4, 4])}),
            "README.md": "---\nbase_model: org/base\n---\n",
        },
    )
    result = run(root)
    weights = result.bom.component("weights")
    assert isinstance(weights, Weights)
    assert weights.quantization == Quantization(method="gptq", bits=4, group_size=128)
    assert [r.target for r in result.bom.outgoing("model", RelationKind.QUANTIZED_FROM)] == [
        "base:org/base"
    ]
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.parameter_count is None  # packed quantized tensors do not count parameters


def test_oversized_text_files_are_not_read(run: Run, tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    with (root / "README.md").open("wb") as handle:
        handle.write(b"---\nlicense: mit\n---\n")
        handle.truncate(9 << 20)
    result = run(root, use_cache=False)
    assert [(p.path, p.message) for p in result.warnings] == [
        ("README.md", f"larger than {8 << 20} bytes; not read")
    ]


def test_gguf_without_tokenizer(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "x.gguf"
    path.write_bytes(_gguf({"general.architecture": "phi3", "general.file_type": 999}, []))
    result = run(path)
    assert not result.bom.of_type(Tokenizer)
    (weights,) = result.bom.of_type(Weights)
    assert weights.property("fmbom:scan:gguf:file-type") == "999"
    assert weights.quantization is None


def test_walk_problems(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "m", {"ok.txt": "x", "locked/inner.txt": "y"})
    (root / "dangling").symlink_to(root / "missing")
    import os

    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run(root)
    assert sorted((p.path, p.message) for p in result.warnings) == [
        ("dangling", "cannot read: No such file or directory"),
        ("locked/", "cannot list directory: Permission denied"),
    ]
    assert [c.name for c in result.bom.components] == ["ok.txt"]


def test_path_that_cannot_be_stat(tmp_path: Path) -> None:
    from fmbom import ScanError
    from fmbom.scan import scan

    (tmp_path / "file").write_text("")
    with pytest.raises(ScanError, match="cannot read: Not a directory"):
        scan(tmp_path / "file" / "below")
