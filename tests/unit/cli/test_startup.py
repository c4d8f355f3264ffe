"""Start-up: ``fmbom --version``/``--help`` and each verb import only what they use, and the
top-level package imports its re-exports on first use. Behaviour, not timing: the figures are
in ``benchmarks/bench_startup.py``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import fmbom
from fmbom.cli import VERBS, main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
#: Libraries (and fmbom's own heavy layers) that no ``--version`` or ``--help`` needs: the
#: object model's attrs and cattrs, the CycloneDX library, the XML parser, the schema
#: validators, the YAML parser, version parsing, the scanner.
HEAVY = (
    "attr",
    "attrs",
    "cattrs",
    "cyclonedx",
    "lxml",
    "jsonschema",
    "fastjsonschema",
    "yaml",
    "packaging",
    "fmbom.scan",
    "fmbom.model",
    "fmbom.errors",
)
_IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \| ( *)(\S+)$")


def _importtime(*args: str) -> list[str]:
    """The modules ``python -X importtime -m fmbom ARGS`` imported, in order."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "fmbom", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = [m.group(2) for line in result.stderr.splitlines() if (m := _IMPORTED.match(line))]
    assert "fmbom.cli" in found  # the output is what this test reads
    return found


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY)]


def _imported_by(code: str) -> list[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_import_no_library_and_no_verb(option: str) -> None:
    loaded = _importtime(option)
    assert _heavy(loaded) == []
    ours = sorted(m for m in loaded if m.startswith("fmbom"))
    assert ours == ["fmbom", "fmbom._version", "fmbom.cli", "fmbom.cli._common"]


@pytest.mark.parametrize("verb", VERBS)
def test_a_verbs_help_imports_that_verb_and_no_library(verb: str) -> None:
    loaded = _importtime(verb, "--help")
    assert _heavy(loaded) == []
    verbs = [m for m in loaded if m.startswith("fmbom.cli._") and m != "fmbom.cli._common"]
    assert verbs == [f"fmbom.cli._{verb}"]
    # Nor the object model's vocabularies, nor shutil (the help's width is asked directly);
    # typing only for scan, whose --hash choices are a NamedTuple's keys.
    assert "fmbom.vocabulary" not in loaded
    assert "shutil" not in loaded
    assert ("typing" in loaded) == (verb == "scan")


def test_import_fmbom_loads_nothing_but_its_version() -> None:
    loaded = _imported_by("import fmbom")
    assert [m for m in loaded if m.startswith("fmbom")] == ["fmbom", "fmbom._version"]
    assert _heavy(loaded) == []


def test_diff_of_native_files_loads_neither_cyclonedx_nor_scanner(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    old, new = EXAMPLES / "assistant-v1.json", EXAMPLES / "assistant-v2.json"
    loaded = _imported_by(
        "from fmbom.cli import main\n"
        f"main(['diff', {str(old)!r}, {str(new)!r}, '--format', 'json', '-o', {str(out)!r}])"
    )
    assert json.loads(out.read_text(encoding="utf-8"))["changes"]
    unused = ("fmbom.cyclonedx", "fmbom.spdx", "fmbom.scan", "fmbom.graph", "fmbom.report")
    assert [m for m in loaded if m.startswith(unused)] == []
    assert [m for m in loaded if m.split(".")[0] in ("cyclonedx", "lxml", "jsonschema")] == []


def test_every_reexport_resolves_to_its_module_object() -> None:
    for name in fmbom.__all__:
        value = getattr(fmbom, name)
        module, original = fmbom._LAZY.get(name, ("fmbom._version", name))
        assert value is getattr(sys.modules[module], original), name
    assert set(fmbom.__all__) | fmbom._SUBMODULES <= set(dir(fmbom))
    assert "TYPE_CHECKING" not in dir(fmbom)


def test_every_reexport_is_in_the_table_and_all() -> None:
    assert set(fmbom._LAZY) == set(fmbom.__all__) - {"__version__"}


def test_subpackages_are_modules_and_unknown_names_fail() -> None:
    for name in sorted(fmbom._SUBMODULES):
        assert isinstance(getattr(fmbom, name), ModuleType), name
    assert fmbom.diff_boms is fmbom.diff.diff
    assert fmbom.check_bom is fmbom.check.check
    assert fmbom.scan_path is fmbom.scan.scan
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = fmbom.nothing_here
    with pytest.raises(AttributeError, match=r"removed after 0\.1"):
        _ = fmbom.dumps


def test_a_bug_that_is_not_an_fmbom_error_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    import fmbom.cli._show as show

    def broken(args: object) -> int:
        raise ValueError("a bug, not bad input")

    monkeypatch.setattr(show, "run", broken)
    with pytest.raises(ValueError, match="a bug"):
        main(["show", str(EXAMPLES / "assistant-v1.json")])
    monkeypatch.delitem(sys.modules, "fmbom.errors")  # nothing imported it: not an FmbomError
    with pytest.raises(ValueError, match="a bug"):
        main(["show", str(EXAMPLES / "assistant-v1.json")])


def test_an_fmbom_error_is_one_line_and_exit_2_in_a_fresh_process(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"fmbom": "1", "components": 3}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "fmbom", "show", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("fmbom: error: ")
    assert "Traceback" not in result.stderr
