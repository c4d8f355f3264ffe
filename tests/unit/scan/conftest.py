"""Fixtures for the scan tests: test data paths and a hash cache that never touches home."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom.scan import ScanResult, scan

DATA = Path(__file__).resolve().parents[2] / "data" / "scan"


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point the default cache location at a temporary directory for every test."""
    home = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    # Scans record their time; a fixed SOURCE_DATE_EPOCH makes two scans comparable.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return home


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def data() -> Callable[[str], Path]:
    """``data("genz-70b-gptq")``: a directory or file under ``tests/data/scan``."""

    def find(relative: str) -> Path:
        path = DATA / relative
        assert path.exists(), f"missing test data {path}"
        return path

    return find


@pytest.fixture
def copy_of(tmp_path: Path, data: Callable[[str], Path]) -> Callable[[str], Path]:
    """A writable copy of a test data directory, for tests that change files."""

    def make(relative: str) -> Path:
        target = tmp_path / "tree" / Path(relative).name
        shutil.copytree(data(relative), target)
        return target

    return make


@pytest.fixture
def run(cache_dir: Path) -> Callable[..., ScanResult]:
    """``run(path, **options)``: scan with the cache in a temporary directory."""

    def go(path: Path, **options: object) -> ScanResult:
        options.setdefault("cache_dir", cache_dir)
        return scan(path, **options)  # type: ignore[arg-type]

    return go
