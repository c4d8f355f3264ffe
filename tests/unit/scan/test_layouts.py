"""Scanning real model directories from the corpus: every field checked against the files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom import (
    Adapter,
    AdapterMethod,
    Dataset,
    DerivationMethod,
    Model,
    ModelRole,
    RelationKind,
    Software,
    SoftwareRole,
    SourceType,
    Tokenizer,
    TokenizerType,
    Unit,
    WeightFormat,
    Weights,
)
from fmbom.scan import ScanResult
from tests.unit.scan._independent import gguf_metadata, safetensors_counts, sha256

Run = Callable[..., ScanResult]
Data = Callable[[str], Path]


def _lfs(path: Path) -> tuple[str, int]:
    text = path.read_text()
    oid = re.search(r"oid sha256:([0-9a-f]{64})", text)
    size = re.search(r"size (\d+)", text)
    assert oid is not None
    assert size is not None
    return oid.group(1), int(size.group(1))


def _targets(result: ScanResult, source: str, kind: RelationKind) -> list[str]:
    return [r.target for r in result.bom.outgoing(source, kind)]


# --- GPTQ, LFS pointers, licenses ------------------------------------------------------------


def test_gptq_model_records_its_quantization_and_base(run: Run, data: Data) -> None:
    root = data("genz-70b-gptq")
    config = json.loads((root / "config.json").read_text())
    result = run(root)
    bom = result.bom
    model = bom.component("model")
    assert isinstance(model, Model)
    weights = bom.component("weights")
    assert isinstance(weights, Weights)
    expected = config["quantization_config"]
    assert weights.quantization is not None
    assert weights.quantization.method == expected["quant_method"]
    assert weights.quantization.bits == expected["bits"]
    assert weights.quantization.group_size is None  # -1 in the config: no grouping
    # the card's base_model is a URL; the lineage names the repository it points at
    assert _targets(result, "model", RelationKind.QUANTIZED_FROM) == ["base:budecosystem/genz-70b"]
    base = bom.component("base:budecosystem/genz-70b")
    assert (base.group, base.name) == ("budecosystem", "genz-70b")
    assert base.purl == "pkg:huggingface/budecosystem/genz-70b"
    assert model.architecture == config["architectures"][0]
    assert model.architecture_family == config["model_type"]
    assert model.context_length == config["max_position_embeddings"]
    assert model.property("fmbom:scan:torch-dtype") == config["torch_dtype"]
    assert model.licenses == ("LicenseRef-llama2",)
    assert bom.metadata.subject.licenses == ("LicenseRef-llama2",)
    transformers = bom.component(f"software:transformers@{config['transformers_version']}")
    assert isinstance(transformers, Software)
    assert transformers.purl == f"pkg:pypi/transformers@{config['transformers_version']}"
    assert "model" in [r.source for r in bom.incoming(transformers.ref, RelationKind.DEPENDS_ON)]


def test_lfs_pointer_recorded_with_the_object_it_names(run: Run, data: Data) -> None:
    root = data("genz-70b-gptq")
    oid, size = _lfs(root / "model.safetensors")
    result = run(root)
    weights = result.bom.component("weights")
    assert isinstance(weights, Weights)
    (entry,) = weights.files
    assert entry.path == "model.safetensors"
    assert entry.size == size != (root / "model.safetensors").stat().st_size
    assert entry.digest is not None
    assert entry.digest.value == oid
    assert entry.digest.value != sha256(root / "model.safetensors")
    assert entry.lfs_pointer
    assert weights.parameter_count is None  # no header to read in a pointer
    assert any(
        p.path == "model.safetensors" and "LFS pointer" in p.message for p in result.warnings
    )
    tokenizer = result.bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    token_oid, _ = _lfs(root / "tokenizer.model")
    assert tokenizer.digests[0].value == token_oid
    assert tokenizer.tokenizer_type is TokenizerType.SENTENCEPIECE


def test_sharded_pointers_form_one_weights_artifact(run: Run, data: Data) -> None:
    root = data("granite-sharded")
    index = json.loads((root / "model.safetensors.index.json").read_text())
    shards = sorted(set(index["weight_map"].values()))
    weights = run(root).bom.component("weights")
    assert isinstance(weights, Weights)
    assert [f.path for f in weights.files] == shards
    assert weights.shard_count == len(shards)
    for entry in weights.files:
        oid, size = _lfs(root / entry.path)
        assert entry.digest is not None
        assert (entry.digest.value, entry.size) == (oid, size)
    model = run(root).bom.component("model")
    assert isinstance(model, Model)
    (index_file,) = [f for f in model.files if f.path == "model.safetensors.index.json"]
    assert index_file.digest is not None
    assert index_file.digest.value == sha256(root / "model.safetensors.index.json")


# --- lineage from cards ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "directory",
    ["cogito-v1-preview-qwen-14b", "devstral-small-2507", "granite-3.1-1b-a400m-instruct"],
)
def test_lineage_edges_match_the_cards_base_model(run: Run, data: Data, directory: str) -> None:
    card = (data(directory) / "README.md").read_text()
    front = card.split("---")[1]
    listed = re.findall(r"^base_model:\n((?:- .+\n)+)", front, re.MULTILINE)
    expected = sorted(f"base:{line[2:].strip()}" for line in listed[0].splitlines())
    result = run(data(directory))
    assert sorted(_targets(result, "model", RelationKind.DERIVED_FROM)) == expected
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.role is ModelRole.ADAPTED
    assert model.licenses == ("Apache-2.0",)
    assert model.task == re.search(r"^pipeline_tag: (.+)$", front, re.MULTILINE).group(1)  # type: ignore[union-attr]


def test_base_model_relation_sets_the_edge_kind(run: Run, copy_of: Callable[[str], Path]) -> None:
    root = copy_of("granite-3.1-1b-a400m-instruct")
    card = root / "README.md"
    card.write_text(
        card.read_text().replace("base_model:", "base_model_relation: merge\nbase_model:", 1)
    )
    result = run(root)
    (relation,) = result.bom.outgoing("model", RelationKind.DERIVED_FROM)
    assert relation.method is DerivationMethod.MERGE
    card.write_text(
        card.read_text().replace("base_model_relation: merge", "base_model_relation: quantized")
    )
    result = run(root)
    assert _targets(result, "model", RelationKind.QUANTIZED_FROM) == [
        "base:ibm-granite/granite-3.1-1b-a400m-base"
    ]
    assert not result.bom.outgoing("model", RelationKind.DERIVED_FROM)


def test_peft_adapter_links_to_its_base_model(run: Run, data: Data) -> None:
    root = data("peft-lora-llama-3.2-3b")
    config = json.loads((root / "adapter_config.json").read_text())
    result = run(root)
    adapter = result.bom.component("adapter")
    assert isinstance(adapter, Adapter)
    assert adapter.method is AdapterMethod.LORA
    assert adapter.rank == config["r"]
    assert adapter.alpha == config["lora_alpha"]
    assert adapter.dropout == config["lora_dropout"]
    assert adapter.target_modules == tuple(sorted(config["target_modules"]))
    assert adapter.base_model_name == config["base_model_name_or_path"]
    base_ref = f"base:{config['base_model_name_or_path']}"
    assert _targets(result, "adapter", RelationKind.ADAPTS) == [base_ref]
    assert result.bom.base_models("adapter")[0].ref == base_ref
    tokenizer = result.bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    template = json.loads((root / "tokenizer_config.json").read_text())["chat_template"]
    assert tokenizer.chat_template_digest is not None
    assert (
        tokenizer.chat_template_digest.value
        == __import__("hashlib").sha256(template.encode()).hexdigest()
    )


# --- tokenizers ------------------------------------------------------------------------------


def test_tokenizer_read_from_tokenizer_json(run: Run, data: Data) -> None:
    root = data("all-minilm-l6-v2")
    document = json.loads((root / "tokenizer.json").read_text())
    special = json.loads((root / "special_tokens_map.json").read_text())
    tokenizer = run(root).bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert tokenizer.tokenizer_type is TokenizerType.WORDPIECE
    assert document["model"]["type"] == "WordPiece"
    assert tokenizer.vocab_size == len(document["model"]["vocab"])
    assert {(t.role, t.content) for t in tokenizer.special_tokens} == {
        (key.removesuffix("_token"), value) for key, value in special.items()
    }
    assert tokenizer.digests[0].value == sha256(root / "tokenizer.json")
    files = [f.path for f in tokenizer.files]
    assert sorted(files) == sorted(
        ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"]
    )


def test_chat_template_digest_and_special_tokens(run: Run, data: Data) -> None:
    root = data("cogito-v1-preview-qwen-14b")
    config = json.loads((root / "tokenizer_config.json").read_text())
    tokenizer = run(root).bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert tokenizer.chat_template_digest is not None
    expected = __import__("hashlib").sha256(config["chat_template"].encode("utf-8")).hexdigest()
    assert tokenizer.chat_template_digest.value == expected
    roles = {t.role: t.content for t in tokenizer.special_tokens if t.role != "additional"}
    assert roles["eos"] == config["eos_token"]
    assert "bos" not in roles  # null in the config
    additional = [t.content for t in tokenizer.special_tokens if t.role == "additional"]
    assert additional == config["additional_special_tokens"]
    assert tokenizer.tokenizer_type is TokenizerType.BYTE_LEVEL_BPE  # Qwen2Tokenizer


def test_tekken_pointer_gives_a_tekken_tokenizer(run: Run, data: Data) -> None:
    tokenizer = run(data("devstral-small-2507")).bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert tokenizer.tokenizer_type is TokenizerType.TEKKEN
    oid, _ = _lfs(data("devstral-small-2507") / "tekken.json")
    assert tokenizer.digests[0].value == oid


# --- sentence-transformers, model-index ------------------------------------------------------


def test_sentence_transformers_layout(run: Run, data: Data) -> None:
    root = data("noinstruct-small-embedding-v0")
    result = run(root)
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.role is ModelRole.EMBEDDING
    modules = json.loads((root / "modules.json").read_text())
    assert model.property("fmbom:scan:sentence-transformers-modules") == ",".join(
        m["type"].rsplit(".", 1)[1] for m in modules
    )
    for directory in ("1_Pooling", "2_Pooling"):
        pooling = json.loads((root / directory / "config.json").read_text())
        modes = sorted(
            k.removeprefix("pooling_mode_").removesuffix("_tokens")
            for k, v in pooling.items()
            if k.startswith("pooling_mode_") and v is True
        )
        assert model.property(f"fmbom:scan:pooling:{directory}") == ",".join(modes)
    bert = json.loads((root / "sentence_bert_config.json").read_text())
    assert model.property("fmbom:scan:max-seq-length") == str(bert["max_seq_length"])


def test_model_index_results_become_provider_claims(run: Run, data: Data) -> None:
    root = data("noinstruct-small-embedding-v0")
    front = (root / "README.md").read_text().split("\n---\n", 1)[0]
    values = re.findall(r"^\s+value: ([0-9.eE+-]+)$", front, re.MULTILINE)
    model = run(root).bom.component("model")
    assert isinstance(model, Model)
    assert model.governance is not None
    evaluations = model.governance.evaluations
    assert len(evaluations) == len(values) > 100
    assert [e.value for e in evaluations] == [float(v) for v in values]
    assert {e.source_type for e in evaluations} == {SourceType.PROVIDER_CLAIM}
    assert {e.unit for e in evaluations} == {Unit.BASE_MODEL}  # the card names no base model
    first = evaluations[0]
    assert first.benchmark == "MTEB AmazonCounterfactualClassification (en)"
    assert first.metric == "accuracy"
    assert first.setup is not None
    assert "split=test" in first.setup


def test_evaluation_unit_follows_the_lineage(run: Run, copy_of: Callable[[str], Path]) -> None:
    root = copy_of("noinstruct-small-embedding-v0")
    card = root / "README.md"
    card.write_text(card.read_text().replace("---\n", "---\nbase_model: org/base\n", 1))
    model = run(root).bom.component("model")
    assert isinstance(model, Model)
    assert model.governance is not None
    assert {e.unit for e in model.governance.evaluations} == {Unit.ADAPTED_MODEL}


def test_card_datasets_become_trained_on(run: Run, data: Data) -> None:
    root = data("all-minilm-l6-v2")
    front = (root / "README.md").read_text().split("\n---\n", 1)[0]
    block = re.search(r"^datasets:\n((?:- .+\n)+)", front + "\n", re.MULTILINE)
    assert block is not None
    listed = [line[2:].strip() for line in block.group(1).splitlines()]
    result = run(root)
    targets = _targets(result, "model", RelationKind.TRAINED_ON)
    assert sorted(targets) == sorted(f"dataset:{d}" for d in listed)
    assert all(isinstance(result.bom.component(t), Dataset) for t in targets)
    versions = json.loads((root / "config_sentence_transformers.json").read_text())["__version__"]
    software = {c.name: c.version for c in result.bom.of_type(Software) if c.purl}
    assert software["sentence-transformers"] == versions["sentence_transformers"]
    assert software["torch"] == versions["pytorch"]


# --- real safetensors, GGUF, pickle ----------------------------------------------------------


def test_safetensors_digests_dtypes_and_parameters(run: Run, data: Data) -> None:
    root = data("fracast")
    result = run(root)
    assert not result.errors
    by_name = {w.name: w for w in result.bom.of_type(Weights)}
    assert sorted(by_name) == ["model.int8.safetensors", "model.safetensors"]
    for name, weights in by_name.items():
        counts = safetensors_counts(root / name)
        (entry,) = weights.files
        assert entry.digest is not None
        assert entry.digest.value == sha256(root / name)
        assert weights.digests == (entry.digest,)
        assert entry.size == (root / name).stat().st_size
        assert weights.parameter_count == sum(counts.values())
        assert {d.dtype: d.parameters for d in weights.dtypes} == counts
    assert by_name["model.safetensors"].dtype == "float32"
    assert by_name["model.int8.safetensors"].dtype == "int8"
    int8 = by_name["model.int8.safetensors"].quantization
    assert int8 is not None
    assert int8.method == "fracast-w8-symmetric-per-output-channel"  # from the header metadata
    assert by_name["model.safetensors"].quantization is None


@pytest.mark.parametrize(
    "file_name", ["ggml-vocab-bert-bge.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-llama-spm.gguf"]
)
def test_gguf_metadata_matches_the_header(run: Run, data: Data, file_name: str) -> None:
    path = data("gguf") / file_name
    expected = gguf_metadata(path)
    result = run(path)
    (weights,) = result.bom.of_type(Weights)
    assert weights.format is WeightFormat.GGUF
    assert weights.digests[0].value == sha256(path)
    arch = expected["general.architecture"]
    assert weights.property("fmbom:scan:gguf:architecture") == arch
    assert weights.property("fmbom:scan:gguf:context-length") == str(
        expected[f"{arch}.context_length"]
    )
    assert weights.property("fmbom:scan:gguf:tokenizer-model") == expected["tokenizer.ggml.model"]
    assert weights.property("fmbom:scan:gguf:tensor-count") == str(expected["__tensor_count__"])
    assert weights.property("fmbom:scan:gguf:vocab-size") == str(
        len(expected["tokenizer.ggml.tokens"])
    )
    assert expected["general.file_type"] == 1
    assert weights.property("fmbom:scan:gguf:file-type") == "F16"
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.architecture_family == arch
    assert model.context_length == expected[f"{arch}.context_length"]
    tokenizer = result.bom.of_type(Tokenizer)[0]
    tokens = expected["tokenizer.ggml.tokens"]
    assert tokenizer.vocab_size == len(tokens)
    if "tokenizer.ggml.bos_token_id" in expected:
        bos = [t.content for t in tokenizer.special_tokens if t.role == "bos"]
        assert bos == [tokens[expected["tokenizer.ggml.bos_token_id"]]]


def test_directory_of_gguf_files_gives_one_model_each(run: Run, data: Data) -> None:
    result = run(data("gguf"))
    models = result.bom.of_type(Model)
    names = sorted(gguf_metadata(p)["general.name"] for p in data("gguf").glob("*.gguf"))
    assert sorted(m.name for m in models) == names
    for model in models:
        assert len(result.bom.outgoing(model.ref, RelationKind.HAS_WEIGHTS)) == 1
        assert len(result.bom.outgoing(model.ref, RelationKind.USES_TOKENIZER)) == 1


def test_pickle_files_are_flagged_and_never_opened(run: Run, data: Data, tmp_path: Path) -> None:
    root = tmp_path / "model"
    root.mkdir()
    (root / "model.bin").write_bytes((data("fasttext") / "model.bin").read_bytes())
    # a real pickle that would run code if loaded: the scan must only hash it
    marker = tmp_path / "unpickled"
    payload = (
        b"\x80\x04\x95"
        + b"\x00" * 8
        + b"\x8c\x02os\x8c\x06system\x93\x8c"
        + bytes([len(f"touch {marker}")])
        + f"touch {marker}".encode()
        + b"\x85R."
    )
    (root / "optimizer.pt").write_bytes(payload)
    result = run(root)
    by_name = {w.name: w for w in result.bom.of_type(Weights)}
    assert set(by_name) == {"model.bin", "optimizer.pt"}
    pickled = by_name["optimizer.pt"]
    assert pickled.format is WeightFormat.PYTORCH_PICKLE
    assert pickled.format.is_unsafe
    assert pickled.property("fmbom:scan:unsafe") == "pickle: optimizer.pt"
    assert pickled.property("fmbom:scan:pickle-content") == "pickle: optimizer.pt"
    # the fastText file starts with its own magic (ba16 4f2f), not a pickle opcode
    fasttext = by_name["model.bin"]
    assert fasttext.format is WeightFormat.OTHER
    assert fasttext.property("fmbom:scan:format-name") == "fasttext"
    assert fasttext.property("fmbom:scan:unsafe") is None
    for name, weights in by_name.items():
        assert weights.digests[0].value == sha256(root / name)
    assert sorted(p.path for p in result.warnings if "pickle" in p.message) == ["optimizer.pt"]
    assert not marker.exists()


# --- datasets and whole trees ----------------------------------------------------------------


def test_dataset_cards(run: Run, data: Data) -> None:
    result = run(data("datasets"))
    datasets = {d.ref.partition("/")[0]: d for d in result.bom.of_type(Dataset)}
    expected = sorted(p.name for p in data("datasets").iterdir())
    assert sorted(datasets) == expected
    gsm8k = datasets["gsm8k"]
    assert gsm8k.name == "Grade School Math 8K"  # the card's pretty_name, not the folder
    assert gsm8k.licenses == ("MIT",)
    assert gsm8k.description == "Grade School Math 8K"
    assert gsm8k.records == 7473 + 1319  # the "main" configuration's splits
    assert gsm8k.size_bytes == 4676934
    assert datasets["daichira-structured-hard-sft-4k"].licenses == ("CC-BY-4.0",)
    (card_file,) = gsm8k.files
    assert card_file.path == "gsm8k/README.md"
    assert card_file.digest is not None
    assert card_file.digest.value == sha256(data("datasets/gsm8k/README.md"))
    assert not result.bom.of_type(Model)


def test_unrecognised_files_are_listed_with_digest_and_size(run: Run, data: Data) -> None:
    root = data("all-minilm-l6-v2")
    result = run(root)
    # a file that is no artifact belongs to the unit it sits in, with digest and size
    assert not [s for s in result.bom.of_type(Software) if s.role is SoftwareRole.OTHER]
    model = result.bom.component("model")
    extract = root / "model.safetensors.header-only"
    line = f"sha256:{sha256(extract)} {extract.stat().st_size} model.safetensors.header-only"
    assert isinstance(model, Model)
    assert line in [f"{f.digest} {f.size} {f.path}" for f in model.files]
    # every file of the tree is accounted for somewhere in the BOM
    text = __import__("fmbom").dumps_bom(result.bom)
    for path in root.rglob("*"):
        if path.is_file():
            assert sha256(path) in text, path


def test_onnx_weights_and_onnx_quantize_config(run: Run, data: Data) -> None:
    result = run(data("gte-small-transformersjs"))
    formats = {w.name: w.format for w in result.bom.of_type(Weights)}
    assert formats == {
        "onnx/model.onnx": WeightFormat.ONNX,
        "onnx/model_quantized.onnx": WeightFormat.ONNX,
    }
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.role is ModelRole.EMBEDDING  # pipeline_tag feature-extraction
    assert not result.bom.outgoing("model", RelationKind.QUANTIZED_FROM)


def test_nested_units_get_prefixed_refs(run: Run, data: Data) -> None:
    result = run(data("."))
    refs = {c.ref for c in result.bom.components}
    assert {
        "genz-70b-gptq/model",
        "peft-lora-llama-3.2-3b/adapter",
        "datasets/gsm8k/dataset",
    } <= refs
    assert result.bom.component("genz-70b-gptq/weights").name == "genz-70b-gptq/model.safetensors"
    # shared base models and libraries appear once
    transformers = [c for c in result.bom.of_type(Software) if c.name == "transformers"]
    assert len({c.ref for c in transformers}) == len(transformers)
