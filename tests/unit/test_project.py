"""Project settings that guard the code: dependency caps, lint and type-check coverage."""

from __future__ import annotations

import ast
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"


def _project() -> dict[str, Any]:
    with PYPROJECT.open("rb") as handle:
        document: dict[str, Any] = tomllib.load(handle)
    return document


def _imported_modules(tree: ast.AST) -> set[str]:
    """Every module or module member an import statement of ``tree`` names, dotted."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _private_modules_imported(package: str) -> set[str]:
    """What src/ imports from a private part of ``package`` (a ``_``-prefixed name)."""
    found: set[str] = set()
    for path in (ROOT / "src").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in _imported_modules(tree):
            parts = name.split(".")
            if parts[0] == package and any(part.startswith("_") for part in parts):
                found.add(name)
    return found


def _requirement(name: str) -> Requirement:
    for text in _project()["project"]["dependencies"]:
        requirement = Requirement(text)
        if requirement.name == name:
            return requirement
    raise AssertionError(f"{name} is not a dependency")


def test_cyclonedx_is_capped_below_its_next_major_while_a_private_module_is_imported() -> None:
    requirement = _requirement("cyclonedx-python-lib")
    installed = Version(version("cyclonedx-python-lib"))
    assert requirement.specifier.contains(installed)
    if _private_modules_imported("cyclonedx"):
        assert not requirement.specifier.contains(Version(f"{installed.major + 1}.0"))


def test_the_private_import_finder_sees_the_schema_resources() -> None:
    # the finder itself: the module the cap exists for is found
    assert "cyclonedx.schema._res" in _private_modules_imported("cyclonedx")
    assert _private_modules_imported("attrs") == set()


def test_every_ruff_ignore_says_why() -> None:
    text = PYPROJECT.read_text(encoding="utf-8")
    block = text[text.index("[tool.ruff.lint]") :]
    block = block[: block.index("\n[", 1)] if "\n[tool." in block[1:] else block
    ignores = block[block.index("ignore = [") : block.index("]", block.index("ignore = ["))]
    rule_lines = [line for line in ignores.splitlines()[1:] if line.strip().startswith('"')]
    assert rule_lines
    assert [line for line in rule_lines if "#" not in line] == []
    per_file = text[text.index("[tool.ruff.lint.per-file-ignores]") :].splitlines()[1:]
    for index, line in enumerate(per_file):
        if line.startswith('"'):
            assert per_file[index - 1].startswith("#"), f"no comment above {line}"
    configured = _project()["tool"]["ruff"]["lint"]["ignore"]
    assert len(configured) == len(rule_lines)


def test_mypy_checks_the_tests_strictly() -> None:
    mypy = _project()["tool"]["mypy"]
    assert mypy["strict"] is True
    assert "tests" in mypy["files"]
    assert mypy["warn_unused_ignores"] is True
    assert {"ignore-without-code", "redundant-expr", "truthy-bool"} <= set(
        mypy["enable_error_code"]
    )
