"""Regression tests for hostile input to the BOM readers (issue: every hostile input is a
clean error). Each test names the defect class it reproduces."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fmbom import Bom, cyclonedx, native
from fmbom._bounded import MAX_DEPTH, check_tree, decode_text, loads_json, loads_toml, markup_of
from fmbom.diff._policy import MAX_POLICY_BYTES, Policy
from fmbom.errors import FmbomError, InputFormatError, PolicyError
from fmbom.io import detect_format, loads_bom, read_bom, write_atomic

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "assistant-v1.json"
CDX_XML = ROOT / "tests" / "data" / "cyclonedx" / "valid-machine-learning-1.6.xml"


def _native() -> dict[str, object]:
    document: dict[str, object] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return document


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fmbom", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=120,
    )


# --- defect 1: lone surrogates ----------------------------------------------------------------


def test_native_surrogate_is_refused_at_read_with_its_path() -> None:
    document = _native()
    components = document["components"]
    assert isinstance(components, list)
    components[1]["name"] = "bad\ud800name"
    text = json.dumps(document)  # ensure_ascii: the surrogate travels as \ud800
    with pytest.raises(InputFormatError, match=r"\$\.components\[1\]\.name: .*lone surrogate"):
        native.loads(text, "x.json")


def test_cyclonedx_surrogate_in_an_unreferenced_component_is_refused() -> None:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [{"type": "library", "name": "ok"}, {"type": "library", "name": "\udfff"}],
    }
    with pytest.raises(InputFormatError, match=r"\$\.components\[1\]\.name"):
        cyclonedx.loads(json.dumps(document))
    with pytest.raises(InputFormatError, match=r"\$\.components\[1\]\.name"):
        cyclonedx.from_json_dict(document)


def test_surrogate_in_a_key_and_raw_surrogate_bytes() -> None:
    with pytest.raises(InputFormatError, match=r"key holds a lone surrogate"):
        loads_json('{"a": {"\\ud800": 1}}')
    # A key whose value is a container (found by the fuzz campaign).
    with pytest.raises(InputFormatError, match=r'\$\.a\["x\\udfffy"\]: key holds'):
        loads_json('{"a": {"x\\udfffy": [1]}}')
    # The UTF-8 encoding of a surrogate is not UTF-8: refused while decoding, with the offset.
    with pytest.raises(InputFormatError, match=r"not valid JSON: not UTF-8 \(.* at byte 7\)"):
        loads_json(b'{"a": "\xed\xa0\x80"}', "f.json")
    # A valid pair is one character, not a lone surrogate.
    assert loads_json('{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}


def test_surrogate_in_str_input_to_loads_bom() -> None:
    with pytest.raises(InputFormatError, match="lone surrogate"):
        loads_bom('{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": "\ud800"}')


def test_writer_refuses_text_with_a_surrogate(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(FmbomError, match="lone surrogate at character 3"):
        write_atomic(target, "abc\ud800")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_cli_surrogate_is_exit_2_with_the_path(tmp_path: Path) -> None:
    document = _native()
    document["components"][0]["name"] = "\ud800"  # type: ignore[index]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = _cli("show", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "$.components[0].name" in result.stderr


# --- defect 2: integers over 4,300 digits ------------------------------------------------------


@pytest.mark.parametrize("reader", ["native", "cyclonedx", "any"])
def test_huge_integer_is_a_clean_error_with_its_position(reader: str) -> None:
    text = '{"bomFormat": "CycloneDX", "specVersion": "1.6",\n "version": ' + "7" * 5000 + "}"
    loaders: dict[str, Callable[[str, str], Bom]] = {
        "native": native.loads,
        "cyclonedx": cyclonedx.loads,
        "any": loads_bom,
    }
    load = loaders[reader]
    with pytest.raises(InputFormatError, match="more than 4300 digits at line 2 column 13"):
        load(text, "big.json")


def test_number_overflowing_a_float_is_refused() -> None:
    with pytest.raises(InputFormatError, match="too large for a float at line 1 column 7"):
        loads_json('{"a": 1e999}')


def test_huge_integer_in_a_policy() -> None:
    with pytest.raises(PolicyError, match="more than 4300 digits at line 2 column 5"):
        Policy.from_toml("ignore = []\nx = " + "1" * 4301 + "\n", "p.toml")


def test_nan_is_not_json_for_bom_readers() -> None:
    with pytest.raises(InputFormatError, match=r"\$\.metadata\.x: NaN is not a JSON number"):
        loads_json('{"metadata": {"x": NaN}}')
    # A bare constant or string is a whole document too (found by the fuzz campaign).
    with pytest.raises(InputFormatError, match=r"^\$: NaN is not a JSON number"):
        loads_json("NaN")
    with pytest.raises(InputFormatError, match=r"^\$: string holds a lone surrogate"):
        loads_json('"\\udc00"')
    assert loads_json('"ok"') == "ok"
    found: list[str] = []
    assert loads_json('{"a": [1, -Infinity]}', nonfinite=found) == {"a": [1, None]}
    assert found == ["$.a[1]"]


# --- defect 3: CycloneDX validate=True --------------------------------------------------------


def test_validate_with_a_numeric_licenses_value() -> None:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [{"type": "library", "name": "a", "licenses": 5}],
    }
    # Read best effort with a warning naming the value, or refused naming it: never a TypeError.
    try:
        _, warnings = cyclonedx.load_with_report(json.dumps(document), validate=True)
    except InputFormatError as error:
        assert "$.components[0].licenses" in str(error)  # noqa: PT017 - either outcome is clean
    else:
        assert any("licenses" in warning for warning in warnings)


@pytest.mark.parametrize("validate", [False, True])
def test_deeply_nested_values_are_refused_before_any_copy(validate: bool) -> None:
    deep = "[" * 900 + "]" * 900
    text = (
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": '
        '[{"type": "library", "name": "a", "licenses": [{"license": {"id": "apache-2.0"}}]}],'
        f' "metadata": {{"x": {deep}}}}}'
    )
    with pytest.raises(InputFormatError, match=f"nested deeper than {MAX_DEPTH} levels"):
        cyclonedx.loads(text, validate=validate)
    with pytest.raises(InputFormatError, match="nested deeper"):
        cyclonedx.from_json_dict(json.loads(text), validate=validate)


def test_depth_limit_is_exact_and_the_path_is_shortened() -> None:
    assert loads_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(InputFormatError, match=r"^\$\[0\]\[0\].*\.\.\..*\[0\]: nested"):
        loads_json("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2))
    with pytest.raises(InputFormatError, match="nested deeper than 3 levels"):
        check_tree({"a": [[[[1]]]]}, max_depth=3)


def test_json_deeper_than_the_interpreter_allows() -> None:
    with pytest.raises(InputFormatError, match="nested too deeply"):
        loads_json("[" * 100_000 + "]" * 100_000)


# --- defect 9: deep policy TOML ---------------------------------------------------------------


def test_deeply_nested_policy_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"p\.toml: not valid TOML: nested deeper"):
        Policy.load(path)
    with pytest.raises(InputFormatError, match=r"nested deeper than 128"):
        loads_toml("x = " + "[" * 200 + "]" * 200)


def test_policy_file_limits(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(b"# " + b"x" * MAX_POLICY_BYTES + b"\n")
    with pytest.raises(PolicyError, match="larger than"):
        Policy.load(path)
    path.write_bytes(b'ignore = ["\xff"]\n')
    with pytest.raises(PolicyError, match="not valid TOML: not UTF-8"):
        Policy.load(path)
    path.write_text('ignore = ["\\uD800"]\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid TOML"):
        Policy.load(path)


def test_cli_deep_policy_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    other = ROOT / "docs" / "examples" / "assistant-v2.json"
    result = _cli("diff", str(EXAMPLE), str(other), "--policy", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "nested deeper" in result.stderr


# --- defect 10: UTF-16 CycloneDX XML ----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_xml_is_read_as_xml(encoding: str) -> None:
    text = CDX_XML.read_text(encoding="utf-8")
    declared = text.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"', 1)
    if not declared.startswith("<?xml"):
        declared = f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n' + declared
    data = declared.encode(encoding)
    assert markup_of(data) == "xml"
    assert detect_format(data) == "cyclonedx-xml"
    expected = cyclonedx.loads(CDX_XML.read_bytes())
    assert loads_bom(data) == expected


def test_utf16_json_is_read_as_json() -> None:
    data = EXAMPLE.read_text(encoding="utf-8").encode("utf-16")
    assert markup_of(data) == "json"
    assert loads_bom(data) == read_bom(EXAMPLE)


def test_markup_and_decoding_corners() -> None:
    assert markup_of(b"") is None
    assert markup_of(b"\xef\xbb\xbf  {") == "json"
    assert markup_of("<bom/>".encode("utf-32-le")) == "xml"
    assert markup_of("[1]".encode("utf-32-be")) == "json"
    assert markup_of(b"hello") is None
    with pytest.raises(InputFormatError, match="not valid text: not UTF-16"):
        decode_text(b"\xff\xfe\x00\xd8", "u.txt")


@pytest.mark.parametrize("key", ["x\ny", "it's", 'say "hi"', "tab\there", "\\"])
def test_an_unexpected_key_jsonschema_quotes_oddly_is_removed(key: str) -> None:
    """The key is named in the schema message as Python's repr; removing it must still work,
    or the repair loop would go round until it gave up without saying where."""
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": [{"type": "library", "name": "lib", "bom-ref": "lib", key: 1}],
    }
    bom, warnings = cyclonedx.load_with_report(json.dumps(document).encode(), source="odd.json")
    assert [c.name for c in bom.components] == ["lib"]
    assert any("$.components[0]" in w for w in warnings), warnings
