"""Fixtures shared by the whole test suite.

``tests`` is a package, so test modules import helpers as ``from tests.property import
strategies``; plain ``pytest`` from the repository root finds them.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from fmbom import Bom
from tests import profiles

profiles.load()

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "docs" / "examples"
GOLDENS = ROOT / "tests" / "goldens"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-goldens``: rewrite golden files from the current output instead of comparing."""
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/goldens from the current output",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """``golden("area/name.ext", text)``: compare with ``tests/goldens/area/name.ext``, or
    rewrite it when pytest runs with ``--update-goldens``."""
    update = bool(request.config.getoption("--update-goldens"))

    def compare(relative: str, text: str) -> None:
        path = GOLDENS / relative
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        if not path.exists():
            pytest.fail(f"missing golden file {path}; run pytest --update-goldens")
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return compare


def load_example_script() -> ModuleType:
    """Import ``docs/examples/build_assistant.py`` from its path (it is not a package)."""
    name = "fmbom_example_build_assistant"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / "build_assistant.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def example_script() -> ModuleType:
    """The example build script as a module (``build_v1``, ``build_v2``, ``main``)."""
    return load_example_script()


@pytest.fixture(scope="session")
def example_v1(example_script: ModuleType) -> Bom:
    """Release 1.4.0 of the example assistant."""
    bom: Bom = example_script.build_v1()
    return bom


@pytest.fixture(scope="session")
def example_v2(example_script: ModuleType) -> Bom:
    """Release 1.5.0 of the example assistant."""
    bom: Bom = example_script.build_v2()
    return bom


@pytest.fixture(scope="session")
def corpus() -> Callable[[str], Path]:
    """``corpus("area/file.json")``: the path of a test data file under ``tests/data``."""

    def find(relative: str) -> Path:
        path = DATA / relative
        if not path.exists():
            pytest.fail(f"missing test data file {path}")
        return path

    return find
