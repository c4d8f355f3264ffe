"""Scan fidelity on real layouts: what the files state is in the BOM, nothing is invented."""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fmbom import (
    Adapter,
    Dataset,
    Model,
    RelationKind,
    Software,
    Tokenizer,
    TokenizerType,
    WeightFormat,
    Weights,
)
from fmbom._weight_formats import PICKLE_SUFFIXES, WEIGHT_FORMAT_BY_SUFFIX, weight_format_of
from fmbom.diff import diff
from fmbom.errors import ScanError
from fmbom.scan import ScanResult, scan
from fmbom.scan._card import identify_license
from tests.shared_corpus import SHARED_CORPUS
from tests.unit.scan._independent import sha256

Run = Callable[..., ScanResult]
Data = Callable[[str], Path]


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
    widths = {"F32": 4, "BF16": 2}
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


def _file_lines(component: Any) -> list[str]:
    return [f"{f.digest} {f.size} {f.path}" for f in component.files]


# --- the one table of weight formats --------------------------------------------------------


def test_pickle_suffixes_come_from_the_format_table() -> None:
    assert ".joblib" in PICKLE_SUFFIXES  # scan and check disagreed on it
    assert {s for s, f in WEIGHT_FORMAT_BY_SUFFIX.items() if f.is_unsafe} == PICKLE_SUFFIXES
    assert weight_format_of("model/Model.JOBLIB") is WeightFormat.PYTORCH_PICKLE
    assert weight_format_of("onnx/model_quantized.onnx") is WeightFormat.ONNX
    assert weight_format_of(".safetensors") is None  # a hidden file, not a suffix
    assert weight_format_of("README.md") is None


def test_check_flags_joblib_files_like_the_scanner(tmp_path: Path) -> None:
    from fmbom.check import check

    root = _write(tmp_path / "m", {"config.json": {"model_type": "x"}, "head.joblib": b"\x80\x04."})
    bom = scan(root, use_cache=False).bom
    weights = bom.component("weights")
    assert isinstance(weights, Weights)
    assert weights.format is WeightFormat.PYTORCH_PICKLE
    findings = [f for f in check(bom).findings if f.id == "unsafe-weights-format"]
    assert [f.subject.ref for f in findings] == ["weights"]


# --- Hugging Face cache snapshots ------------------------------------------------------------


def _cache_repo(root: Path, repo: str, files: dict[str, bytes], *, revision: str) -> Path:
    """A hub cache repository as huggingface_hub lays it out: blobs named by digest (SHA-256
    for LFS files, the git blob SHA-1 otherwise) and a snapshot of relative symlinks."""
    folder = root / ("models--" + repo.replace("/", "--"))
    snapshot = folder / "snapshots" / revision
    (folder / "blobs").mkdir(parents=True)
    (folder / "refs").mkdir()
    (folder / "refs" / "main").write_text(revision)
    for name, content in files.items():
        if name.endswith(".safetensors"):
            blob = hashlib.sha256(content).hexdigest()
        else:
            blob = hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()  # noqa: S324
        (folder / "blobs" / blob).write_bytes(content)
        link = snapshot / name
        link.parent.mkdir(parents=True, exist_ok=True)
        depth = "../" * (name.count("/") + 2)
        link.symlink_to(f"{depth}blobs/{blob}")
    return folder


REVISION = "0a854d48" + "1" * 32


@pytest.fixture
def cache_repo(tmp_path: Path) -> Path:
    weights = _safetensors({"w": ("BF16", [4, 8]), "b": ("F32", [8])})
    return _cache_repo(
        tmp_path / "hub",
        "ibm-granite/granite-tiny",
        {
            "config.json": json.dumps(
                {"model_type": "granite", "torch_dtype": "bfloat16"}
            ).encode(),
            "model.safetensors": weights,
            "README.md": b"---\nlicense: apache-2.0\n---\n# Granite tiny\n",
        },
        revision=REVISION,
    )


@pytest.mark.parametrize("entry", ["repo", "snapshot"])
def test_cache_snapshot_names_the_model_after_the_repo(
    run: Run, cache_repo: Path, entry: str
) -> None:
    path = cache_repo if entry == "repo" else cache_repo / "snapshots" / REVISION
    result = run(path)
    assert not result.problems
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert (model.group, model.name) == ("ibm-granite", "granite-tiny")
    assert model.version == REVISION  # the commit id
    assert model.purl == f"pkg:huggingface/ibm-granite/granite-tiny@{REVISION}"
    assert model.licenses == ("Apache-2.0",)
    assert result.bom.metadata.subject.name == "ibm-granite/granite-tiny"
    # no blob is a component, and no component is named after a revision or a blob
    assert not result.bom.of_type(Software)
    names = {c.name for c in result.bom.components}
    assert not any("blobs/" in n or REVISION in n for n in names)
    weights = result.bom.component("weights")
    assert isinstance(weights, Weights)
    blob_name = next(p.name for p in (cache_repo / "blobs").iterdir() if len(p.name) == 64)
    assert weights.digests[0].value == blob_name  # the LFS blob's name is its SHA-256
    assert weights.parameter_count == 4 * 8 + 8
    # the SHA-256 came from the blob name: only the small non-LFS files were hashed
    assert result.bytes_hashed < (cache_repo / "blobs" / blob_name).stat().st_size


def test_cache_blob_names_are_not_used_for_other_algorithms(run: Run, cache_repo: Path) -> None:
    result = run(cache_repo, algorithm="sha512")
    weights = result.bom.component("weights")
    assert isinstance(weights, Weights)
    target = (cache_repo / "snapshots" / REVISION / "model.safetensors").read_bytes()
    assert weights.digests[0].value == hashlib.sha512(target).hexdigest()


def test_cache_repo_with_several_snapshots_and_no_main_asks_which(
    run: Run, cache_repo: Path
) -> None:
    (cache_repo / "refs" / "main").unlink()
    (cache_repo / "snapshots" / ("2" * 40)).mkdir()
    with pytest.raises(ScanError, match="2 snapshots"):
        run(cache_repo)


def test_dataset_cache_repo_is_a_dataset(run: Run, tmp_path: Path) -> None:
    card = (Path(__file__).parents[2] / "data/scan/datasets/gsm8k/README.md").read_bytes()
    folder = _cache_repo(
        tmp_path / "hub",
        "openai/gsm8k",
        {"README.md": card, "main/train.parquet": b"PAR1"},
        revision="e" * 40,
    )
    folder.rename(tmp_path / "hub" / "datasets--openai--gsm8k")
    result = run(tmp_path / "hub" / "datasets--openai--gsm8k")
    dataset = result.bom.component("dataset")
    assert isinstance(dataset, Dataset)
    assert (dataset.group, dataset.name) == ("openai", "gsm8k")
    assert dataset.purl == f"pkg:huggingface/datasets/openai/gsm8k@{'e' * 40}"
    assert any(line.endswith(" main/train.parquet") for line in _file_lines(dataset))


# --- parameter counts ------------------------------------------------------------------------


def _index(metadata: dict[str, int]) -> dict[str, Any]:
    return {"metadata": metadata, "weight_map": {"w": "model-00001-of-00002.safetensors"}}


@pytest.mark.parametrize(
    ("metadata", "dtype", "expected", "derived"),
    [
        # devstral-small-2507 states both; the stated count wins
        (
            {"total_parameters": 23572403200, "total_size": 47144806400},
            "bfloat16",
            23572403200,
            False,
        ),
        # cogito-v1-preview-qwen-14b states bytes only, with one bf16 dtype
        ({"total_size": 29531895808}, "bfloat16", 29531895808 // 2, True),
        ({"total_size": 29531895808}, None, None, False),  # no dtype: unknown
        ({}, "bfloat16", None, False),  # nothing stated: unknown, never 0
    ],
)
def test_parameter_count_from_the_index(  # noqa: PLR0917 (pytest passes parameters by position)
    run: Run,
    tmp_path: Path,
    metadata: dict[str, int],
    dtype: str | None,
    expected: int | None,
    derived: bool,
) -> None:
    config: dict[str, Any] = {"model_type": "mistral"}
    if dtype:
        config["torch_dtype"] = dtype
    root = _write(
        tmp_path / "m", {"config.json": config, "model.safetensors.index.json": _index(metadata)}
    )
    result = run(root)
    model = result.bom.component("model")
    weights = result.bom.component("weights")
    assert isinstance(model, Model)
    assert isinstance(weights, Weights)
    assert weights.parameter_count == expected
    assert model.parameter_count == expected
    source = result.sources.get(("weights", "parameter_count"))
    if expected is None:
        assert source is None
    else:
        assert source is not None
        assert source.file == "model.safetensors.index.json"
        assert source.derived is derived


def test_gptq_count_is_not_derived_from_packed_bytes(run: Run, data: Data) -> None:
    result = run(data("genz-70b-gptq"))
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.parameter_count is None


# --- documentation files belong to their unit ------------------------------------------------


def test_documentation_files_are_files_of_the_unit(run: Run, tmp_path: Path) -> None:
    docs = {
        "README.md": "---\nlicense: mit\n---\n# m\n",
        "LICENSE": "MIT License\n\nPermission is hereby granted, free of charge, to any person"
        ' ...\nTHE SOFTWARE IS PROVIDED "AS IS"\n',
        ".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
        "USE_POLICY.md": "# Acceptable use\n",
        "Notice": "Copyright notice\n",
        "SYSTEM_PROMPT.txt": "You are a helpful assistant.\n",
        "trainer_state.json": {"global_step": 900},
    }
    root = _write(tmp_path / "m", {"config.json": {"model_type": "llama"}, **docs})
    (root / "modeling_custom.py").write_text("import torch\n")
    result = run(root)
    model = result.bom.component("model")
    lines = _file_lines(model)
    for name in docs:
        assert f"sha256:{sha256(root / name)} {(root / name).stat().st_size} {name}" in lines
    software = [s.name for s in result.bom.of_type(Software)]
    assert software == ["modeling_custom.py"]  # code that runs on load stays a component
    assert not result.problems


# --- lineage and quantization stated outside base_model --------------------------------------


def test_sentence_transformers_name_or_path_is_the_base(run: Run, data: Data) -> None:
    result = run(data("all-minilm-l6-v2"))
    (edge,) = result.bom.outgoing("model", RelationKind.DERIVED_FROM)
    base = result.bom.component(edge.target)
    assert (base.group, base.name) == ("nreimers", "MiniLM-L6-H384-uncased")
    source = result.sources[("model", "lineage")]
    assert (source.file, source.locator) == ("config.json", "_name_or_path")


def test_own_repo_id_in_name_or_path_is_no_lineage(run: Run, data: Data) -> None:
    # noinstruct's _name_or_path is its own id (avsolatorio/NoInstruct-small-Embedding-v0)
    result = run(data("noinstruct-small-embedding-v0"))
    assert not result.bom.outgoing("model", RelationKind.DERIVED_FROM)


@pytest.mark.parametrize("value", ["output/checkpoint-500", "/home/run/model", "bert-base-uncased"])
def test_local_name_or_path_is_no_lineage(run: Run, tmp_path: Path, value: str) -> None:
    root = _write(tmp_path / "m", {"config.json": {"model_type": "bert", "_name_or_path": value}})
    assert not run(root).bom.outgoing("model", RelationKind.DERIVED_FROM)


def test_every_gptq_field_is_kept(run: Run, data: Data) -> None:
    result = run(data("genz-70b-gptq"))
    weights = result.bom.component("weights")
    assert isinstance(weights, Weights)
    assert weights.quantization is not None
    assert (weights.quantization.method, weights.quantization.bits) == ("gptq", 3)
    assert weights.quantization.group_size is None  # -1 means none
    kept = {
        p.name.rpartition(":")[2]: p.value for p in weights.properties if ":quantization:" in p.name
    }
    assert kept == {
        "damp_percent": "0.1",
        "desc_act": "true",
        "sym": "true",
        "true_sequential": "true",
        "model_name_or_path": "null",
        "model_file_base_name": '"model"',
    }


def test_a_changed_gptq_setting_is_a_quantization_change(
    run: Run, data: Data, tmp_path: Path
) -> None:
    folder = shutil.copytree(data("genz-70b-gptq"), tmp_path / "genz-70b-gptq")
    old = run(folder).bom
    config = folder / "config.json"
    document = json.loads(config.read_text(encoding="utf-8"))
    document["quantization_config"]["desc_act"] = False
    del document["quantization_config"]["sym"]
    config.write_text(json.dumps(document), encoding="utf-8")
    # The standalone config says the same as config.json's block.
    (folder / "quantize_config.json").write_text(
        json.dumps(document["quantization_config"]), encoding="utf-8"
    )
    changes = [c for c in diff(old, run(folder).bom).changes if c.subject.kind == "weights"]
    assert sorted((c.rule, c.field) for c in changes) == [
        ("quantization-changed", "properties.fmbom:scan:quantization:desc_act"),
        ("quantization-changed", "properties.fmbom:scan:quantization:sym"),
    ]
    assert {c.message.split(": ", 1)[1] for c in changes} == {
        "quantization desc_act true -> false",
        "quantization sym true -> (none)",
    }


def test_quantize_config_beside_config_json_is_compared_and_its_extra_keys_kept(
    run: Run, data: Data, tmp_path: Path
) -> None:
    folder = shutil.copytree(data("genz-70b-gptq"), tmp_path / "genz-70b-gptq")
    lfs = ["is a Git LFS pointer; recorded with the object id it names"]
    assert [p.message for p in run(folder).problems] == lfs
    standalone = folder / "quantize_config.json"
    settings = json.loads(standalone.read_text(encoding="utf-8"))
    settings["desc_act"] = False
    settings["static_groups"] = True
    standalone.write_text(json.dumps(settings), encoding="utf-8")
    result = run(folder)
    assert [p.message for p in result.problems] == [
        *lfs,
        (
            "config.json quantization_config and quantize_config.json disagree on 'desc_act' "
            "(true vs false); config.json's value is used"
        ),
    ]
    weights = result.bom.component("weights")
    assert weights.property("fmbom:scan:quantization:desc_act") == "true"
    assert weights.property("fmbom:scan:quantization:static_groups") == "true"


def test_onnx_quantize_config_and_quantized_from(run: Run, data: Data) -> None:
    result = run(data("gte-small-transformersjs"))
    quantized = result.bom.component("weights:onnx/model_quantized.onnx")
    plain = result.bom.component("weights:onnx/model.onnx")
    assert isinstance(quantized, Weights)
    assert isinstance(plain, Weights)
    assert quantized.quantization is not None
    assert (quantized.quantization.method, quantized.quantization.bits) == ("onnx-qint8", 8)
    assert plain.quantization is None
    edges = result.bom.outgoing(quantized.ref, RelationKind.QUANTIZED_FROM)
    assert [e.target for e in edges] == [plain.ref]
    (edge,) = result.bom.outgoing("model", RelationKind.DERIVED_FROM)
    assert edge.target == "base:thenlper/gte-small"


def test_adapter_without_its_weights_file_is_a_problem(run: Run, data: Data) -> None:
    result = run(data("peft-lora-llama-3.2-3b"))
    assert any(
        p.path == "adapter_config.json" and "no adapter weights file" in p.message
        for p in result.warnings
    )
    adapter = result.bom.component("adapter")
    assert isinstance(adapter, Adapter)
    assert adapter.base_model_name == "meta-llama/Llama-3.2-3B-Instruct"


def test_missing_sentence_transformers_module_is_a_problem(run: Run, copy_of: Any) -> None:
    root = copy_of("all-minilm-l6-v2")
    shutil.rmtree(root / "1_Pooling")
    result = run(root)
    assert [(p.path, p.message) for p in result.warnings if "module" in p.message] == [
        ("modules.json", "module Pooling is in '1_Pooling', which is missing")
    ]


# --- names -----------------------------------------------------------------------------------


def test_names_come_from_the_files_before_the_folder(run: Run, data: Data, tmp_path: Path) -> None:
    legacy = run(data("legacy-dataset-card")).bom.component("dataset")
    assert legacy.name == "SO StackSample"
    root = _write(tmp_path / "folder-name", {"config.json": {"model_type": "x"}})
    (root / "model.safetensors").write_bytes(_rebuild_with_metadata({"name": "tiny-net"}))
    assert run(root).bom.component("model").name == "tiny-net"
    bare = _write(tmp_path / "bare-folder", {"config.json": {"model_type": "x"}})
    result = run(bare)
    assert result.bom.component("model").name == "bare-folder"
    assert result.sources[("model", "name")].derived


def _rebuild_with_metadata(metadata: dict[str, str]) -> bytes:
    header = {"__metadata__": metadata, "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\0" * 8


# --- licences --------------------------------------------------------------------------------


def test_legacy_dataset_card_keys_read_like_the_new_ones(
    run: Run, data: Data, tmp_path: Path
) -> None:
    old = run(data("legacy-dataset-card")).bom
    dataset = old.component("dataset")
    assert isinstance(dataset, Dataset)
    assert dataset.licenses == ("CC-BY-SA-3.0",)
    assert dataset.languages == ("en",)
    assert old.component("dataset").sources
    text = (data("legacy-dataset-card") / "README.md").read_text()
    new_text = text.replace("languages:", "language:").replace("licenses:", "license:")
    new_root = tmp_path / "legacy-dataset-card"
    new_root.mkdir()
    (new_root / "README.md").write_text(new_text)
    new = run(new_root).bom
    assert new.component("dataset").licenses == dataset.licenses
    changes = diff(old, new).changes
    # only the card file's own digest differs
    # the card file's digest, and the keys the sources name, are all that differ
    assert sorted(str(c.field) for c in changes) == [
        "files[README.md].digest",
        "files[README.md].size",
        "sources",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "                                 Apache License\n Version 2.0, January 2004\n",
            "Apache-2.0",
        ),
        (
            "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date",
            "LicenseRef-llama3.2",
        ),
        ("LLAMA 2 COMMUNITY LICENSE AGREEMENT\n", "LicenseRef-llama2"),
        ("META LLAMA 3 COMMUNITY LICENSE AGREEMENT\n", "LicenseRef-llama3"),
        ("Gemma Terms of Use\n\nLast modified", "LicenseRef-gemma"),
        (
            (
                "Attribution 4.0 International ... "
                "Creative Commons Attribution 4.0 International Public License"
            ),
            "CC-BY-4.0",
        ),
        ("CreativeML Open RAIL-M\ndated August 22, 2022", "LicenseRef-creativeml-openrail-m"),
        ("All rights reserved.", None),
    ],
)
def test_license_files_are_identified(text: str, expected: str | None) -> None:
    assert identify_license(text) == expected


CORPUS = SHARED_CORPUS / "hf"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is absent ({CORPUS})")
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("genz-70b-gptq/LICENSE.txt", "LicenseRef-llama2"),
        ("llama-guard-3-1b/LICENSE", "LicenseRef-llama3.2"),
        ("llama-prompt-guard-2-86m/LICENSE", "LicenseRef-llama4"),
        ("datasets/daichira-structured-hard-sft-4k/LICENSE", "Apache-2.0"),
    ],
)
def test_real_license_files_of_the_corpus(path: str, expected: str) -> None:
    assert identify_license((CORPUS / path).read_text()) == expected


def test_card_and_license_file_disagree_is_a_problem(run: Run, data: Data) -> None:
    result = run(data("datasets"))
    (problem,) = [p for p in result.warnings if "licence text" in p.message]
    assert problem.path == "daichira-structured-hard-sft-4k/LICENSE"
    assert "Apache-2.0" in problem.message
    assert "CC-BY-4.0" in problem.message
    dataset = result.bom.component("daichira-structured-hard-sft-4k/dataset")
    assert dataset.licenses == ("CC-BY-4.0",)  # the card's statement, not a silent pick


def test_license_file_alone_gives_the_licence(run: Run, tmp_path: Path) -> None:
    card = Path(__file__).parents[2] / "data/scan/cards/llama-guard-3-1b_MODEL_CARD.md"
    license_text = "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: ...\n"
    root = _write(tmp_path / "guard", {"MODEL_CARD.md": card.read_text(), "LICENSE": license_text})
    result = run(root)
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.licenses == ("LicenseRef-llama3.2",)
    assert result.sources[("model", "licenses")].derived
    assert model.governance is not None
    assert model.governance.identity is not None
    assert model.governance.identity.limitations  # the card's "Limitations" section


# --- tokenizers ------------------------------------------------------------------------------


def test_tiktoken_files_are_tokenizers(run: Run, tmp_path: Path) -> None:
    ranks = "IQ== 0\nIg== 1\nIw== 2\n"
    root = _write(tmp_path / "m", {"config.json": {"model_type": "x"}, "o200k.tiktoken": ranks})
    tokenizer = run(root).bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert (tokenizer.tokenizer_type, tokenizer.vocab_size) == (TokenizerType.TIKTOKEN, 3)
    # Llama 3's original/tokenizer.model is a tiktoken file under a SentencePiece name
    root = _write(tmp_path / "l", {"config.json": {"model_type": "x"}, "tokenizer.model": ranks})
    llama = run(root).bom.component("tokenizer")
    assert isinstance(llama, Tokenizer)
    assert llama.tokenizer_type is TokenizerType.TIKTOKEN


def test_added_tokens_json_alone_is_a_tokenizer_file(run: Run, tmp_path: Path) -> None:
    root = _write(
        tmp_path / "m", {"config.json": {"model_type": "x"}, "added_tokens.json": {"<x>": 5}}
    )
    tokenizer = run(root).bom.component("tokenizer")
    assert isinstance(tokenizer, Tokenizer)
    assert tokenizer.digests[0].value == sha256(root / "added_tokens.json")


def test_model_card_md_is_read_like_readme(run: Run, tmp_path: Path) -> None:
    root = _write(
        tmp_path / "m",
        {
            "config.json": {"model_type": "x"},
            "MODEL_CARD.md": "---\nlicense: apache-2.0\nbase_model: org/base\n---\n# Card\n",
        },
    )
    result = run(root)
    assert result.bom.component("model").licenses == ("Apache-2.0",)
    assert result.bom.outgoing("model", RelationKind.DERIVED_FROM)


# --- governance from the card ----------------------------------------------------------------


def test_identity_from_card_sections(run: Run, tmp_path: Path) -> None:
    card = (
        "---\nlicense: mit\nmodel_creator: Example Labs\nrelease_date: 2025-03-01\n---\n"
        "# Model\n\n## Uses\n\n### Direct Use\n\n[More Information Needed]\n\n"
        "## Intended Use\n\nSummarising support tickets.\n\nSecond paragraph.\n\n"
        "### Out-of-Scope Use\n\nMedical advice.\n\n## Limitations\n\nEnglish only.\n"
    )
    root = _write(tmp_path / "m", {"config.json": {"model_type": "x"}, "README.md": card})
    result = run(root)
    model = result.bom.component("model")
    assert isinstance(model, Model)
    assert model.governance is not None
    identity = model.governance.identity
    assert identity is not None
    assert identity.provider == "Example Labs"
    assert identity.release_date == datetime.date(2025, 3, 1)
    assert identity.intended_uses == ("Summarising support tickets.",)  # placeholder skipped
    assert identity.out_of_scope_uses == ("Medical advice.",)
    assert identity.limitations == ("English only.",)
    source = result.sources[("model", "governance.identity.intended_uses")]
    assert (source.file, source.locator) == ("README.md", "section 'Intended Use'")


# --- metadata --------------------------------------------------------------------------------


def test_source_date_epoch_gives_the_timestamp(
    run: Run, data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    bom = run(data("fracast")).bom
    assert bom.metadata.timestamp == datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    stamp = run(data("fracast")).bom.metadata.timestamp
    after = datetime.datetime.now(datetime.timezone.utc)
    assert stamp is not None
    assert before <= stamp <= after
    assert [t.name for t in bom.metadata.tools] == ["fmbom"]


@pytest.mark.parametrize("value", ["yesterday", "-5", "1e9"])
def test_bad_source_date_epoch_is_an_error(
    run: Run, data: Data, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ScanError, match="SOURCE_DATE_EPOCH"):
        run(data("fracast"))


def test_version_names_the_release_not_its_parts(run: Run, data: Data) -> None:
    old = run(data("granite-3.1-1b-a400m-instruct"), version="1.0").bom
    new = run(data("granite-3.1-1b-a400m-instruct"), version="1.1").bom
    assert old.component("model").version == "1.0"
    assert {c.version for c in old.components if c.ref != "model"} <= {None} | {
        c.version for c in old.of_type(Software)
    }
    rules = [(c.rule, c.subject.ref) for c in diff(old, new).changes]
    assert sorted(rules, key=str) == [
        ("subject-version-changed", None),
        ("version-upgraded", "model"),
    ]


def test_rescan_of_an_unchanged_folder_diffs_clean(run: Run, data: Data) -> None:
    for folder in ("granite-3.1-1b-a400m-instruct", "datasets", "genz-70b-gptq"):
        assert not diff(run(data(folder)).bom, run(data(folder), use_cache=False).bom).changes


def test_changed_weights_under_a_new_release_version_are_not_critical(
    run: Run, copy_of: Callable[[str], Path]
) -> None:
    root = copy_of("fracast")
    old = run(root, version="1.0").bom
    weights = root / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\x01")
    same = run(root, version="1.0").bom
    bumped = run(root, version="1.1").bom
    assert "digest-changed-same-version" in {c.rule for c in diff(old, same).changes}
    rules = {c.rule for c in diff(old, bumped).changes if c.subject.kind == "weights"}
    assert rules == {"digest-changed"}


def test_scan_properties_are_not_double_prefixed_in_cyclonedx(run: Run, data: Data) -> None:
    from fmbom import cyclonedx

    bom = run(data("genz-70b-gptq")).bom
    document = json.loads(cyclonedx.dumps(bom))
    names = [p["name"] for c in document["components"] for p in c.get("properties", ())]
    assert "fmbom:scan:quantization:desc_act" in names
    assert not [n for n in names if n.startswith("fmbom:user:fmbom:")]
    assert cyclonedx.loads(json.dumps(document)) == bom


def test_check_on_a_scanned_dataset_asks_nothing_of_models(run: Run, data: Data) -> None:
    from fmbom.check import check

    result = check(run(data("legacy-dataset-card")).bom)
    sections = {f.section.value for f in result.findings if f.subject.ref is None}
    assert "post-training" not in sections
    assert "evaluation" not in sections
    assert "identity" in sections  # still missing: the card states no provider or uses


def test_check_on_a_scanned_model_uses_the_cards_identity(run: Run, tmp_path: Path) -> None:
    from fmbom.check import check

    card = "---\nlicense: mit\nmodel_creator: Example Labs\n---\n## Intended Use\n\nTickets.\n"
    root = _write(tmp_path / "m", {"config.json": {"model_type": "x"}, "README.md": card})
    findings = check(run(root).bom).findings
    model_sections = {f.section.value for f in findings if f.subject.ref == "model"}
    assert "identity" not in model_sections
    assert "training-data" in model_sections  # what the card does not state is still asked


# --- typed files: diff sees a silent data change ---------------------------------------------


def _dataset_folder(root: Path, rows: bytes) -> Path:
    card = (Path(__file__).parents[2] / "data/scan/datasets/gsm8k/README.md").read_text()
    return _write(
        root,
        {"README.md": card, "main/train-00000-of-00001.parquet": rows, "main/test.parquet": b"T"},
    )


def test_changed_data_file_under_the_same_card_is_critical(run: Run, tmp_path: Path) -> None:
    root = _dataset_folder(tmp_path / "gsm8k", b"PAR1 rows v1")
    old = run(root).bom
    dataset = old.component("dataset")
    assert isinstance(dataset, Dataset)
    assert [f.path for f in dataset.files] == [
        "README.md",
        "main/test.parquet",
        "main/train-00000-of-00001.parquet",
    ]
    (root / "main/train-00000-of-00001.parquet").write_bytes(b"PAR1 rows v2")
    changes = diff(old, run(root).bom).changes
    (change,) = changes
    assert change.rule == "digest-changed-same-version"
    assert change.severity.value == "critical"
    assert change.field == "files[main/train-00000-of-00001.parquet].digest"
    # a removed data file is a content change too
    (root / "main/test.parquet").unlink()
    rules = {c.rule for c in diff(old, run(root).bom).changes}
    assert rules == {"digest-changed-same-version"}


def test_changed_tokenizer_file_is_a_content_change(
    run: Run, copy_of: Callable[[str], Path]
) -> None:
    root = copy_of("all-minilm-l6-v2")
    old = run(root).bom
    with (root / "vocab.txt").open("a") as handle:
        handle.write("[extra]\n")
    changes = diff(old, run(root).bom).changes
    found = [(c.rule, c.severity.value, c.field) for c in changes if c.subject.kind == "tokenizer"]
    assert found == [
        ("digest-changed-same-version", "critical", "files[vocab.txt].digest"),
        ("field-changed", "info", "files[vocab.txt].size"),
    ]


def test_unit_files_and_sources_round_trip_native(run: Run, data: Data) -> None:
    from fmbom.native import dumps, loads

    bom = run(data("genz-70b-gptq")).bom
    model = bom.component("model")
    assert isinstance(model, Model)
    assert {f.path for f in model.files} >= {"README.md", "quantize_config.json", "config.json"}
    assert loads(dumps(bom)) == bom
    parameter = {s.field: s for s in bom.component("weights").sources}
    assert (parameter["quantization"].file, parameter["quantization"].locator) == (
        "config.json",
        "quantization_config",
    )


@pytest.mark.parametrize("encoding", ["json", "xml"])
def test_sources_travel_as_fmbom_source_properties(run: Run, data: Data, encoding: str) -> None:
    from fmbom import cyclonedx

    bom = run(data("devstral-small-2507")).bom
    weights = bom.component("weights")
    stated = {s.field: s for s in weights.sources}["parameter_count"]
    assert (stated.file, stated.locator, stated.derived) == (
        "model.safetensors.index.json",
        "metadata.total_parameters",
        False,
    )
    text = cyclonedx.dumps(bom, format=encoding)  # type: ignore[arg-type]
    assert cyclonedx.schema_errors(text) == []
    if encoding == "json":
        component = next(c for c in json.loads(text)["components"] if c["bom-ref"] == "weights")
        props = {p["name"]: p["value"] for p in component["properties"]}
        assert json.loads(props["fmbom:source:parameter_count"]) == {
            "derived": False,
            "file": "model.safetensors.index.json",
            "locator": "metadata.total_parameters",
        }
    assert cyclonedx.loads(text) == bom


def test_malformed_source_property_is_an_input_error(run: Run, data: Data) -> None:
    from fmbom import cyclonedx
    from fmbom.errors import InputFormatError

    text = cyclonedx.dumps(run(data("devstral-small-2507")).bom)
    broken = text.replace('"derived\\":false', '"derived\\":\\"no\\"', 1)
    assert broken != text
    with pytest.raises(InputFormatError, match="fmbom:source:"):
        cyclonedx.loads(broken)


def test_show_provenance(run: Run, data: Data, tmp_path: Path, capsys: Any) -> None:
    from fmbom.cli import main
    from fmbom.native import dumps

    path = tmp_path / "bom.json"
    path.write_text(dumps(run(data("devstral-small-2507")).bom))
    assert main(["show", str(path), "--provenance"]) == 0
    out = capsys.readouterr().out
    assert "weights model.safetensors [weights]" in out
    assert (
        "  parameter_count <- model.safetensors.index.json metadata.total_parameters (stated)"
        in out
    )
    assert "  name <- . folder name (derived)" in out
    assert "  file README.md: " in out
    assert main(["show", str(path)]) == 0
    assert "Provenance" not in capsys.readouterr().out


def test_cyclonedx_of_a_scan_lists_fmbom_once(run: Run, data: Data) -> None:
    from fmbom import cyclonedx

    bom = run(data("fracast")).bom
    assert [t.name for t in bom.metadata.tools] == ["fmbom"]
    document = json.loads(cyclonedx.dumps(bom))
    tools = document["metadata"]["tools"]["components"]
    assert [t["name"] for t in tools] == ["fmbom"]
    assert cyclonedx.loads(json.dumps(document)) == bom
