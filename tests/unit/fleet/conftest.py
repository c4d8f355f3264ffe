"""Fixtures for the fleet tests: a registry made of the scan test data, a hub cache, isolation.

The registry copies the real third-party folders of ``tests/data/scan`` (their origins are in
``tests/data/SOURCES.md``) into a temporary folder, so tests may change files in it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

# the scan tests' own builders: a valid safetensors file, a hub cache repository
from tests.unit.scan.test_fidelity import _cache_repo as cache_repo
from tests.unit.scan.test_fidelity import _safetensors as safetensors_bytes

DATA = Path(__file__).resolve().parents[2] / "data" / "scan"

#: Folders of tests/data/scan that make the registry: models, an adapter, datasets, GGUF files.
REGISTRY_FOLDERS = (
    "all-minilm-l6-v2",
    "datasets",
    "fasttext",
    "gguf",
    "granite-sharded",
    "peft-lora-llama-3.2-3b",
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hash cache in a temporary folder and a fixed scan time, for every test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """A registry folder holding copies of real model, adapter and dataset folders."""
    root = tmp_path / "registry"
    for name in REGISTRY_FOLDERS:
        shutil.copytree(DATA / name, root / name)
    return root


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    """A hub cache root holding two model repositories."""
    root = tmp_path / "hub"
    for number, repo in enumerate(("ibm-granite/granite-tiny", "acme/other-tiny")):
        weights = safetensors_bytes({"w": ("F32", [4, 2 + number])})
        config = json.dumps({"model_type": "granite", "torch_dtype": "float32"}).encode()
        cache_repo(
            root,
            repo,
            {"config.json": config, "model.safetensors": weights},
            revision=str(number + 1) * 40,
        )
    return root
