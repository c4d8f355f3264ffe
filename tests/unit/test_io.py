"""Reading BOM files in any format, and writing outputs atomically."""

from __future__ import annotations

import io as stdio
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from fmbom import io, native
from fmbom.bom import Bom
from fmbom.errors import FmbomError, InputFormatError, ValidationError

CDX_JSON = b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}'
CDX_XML = b'<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>'


@pytest.fixture
def native_file(tmp_path: Path, example_v1: Bom) -> Path:
    path = tmp_path / "bom.json"
    path.write_text(native.dumps(example_v1), encoding="utf-8")
    return path


# --- format detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b'{"fmbom": "1"}', "native"),
        (b'\xef\xbb\xbf \n {"fmbom": "1"}', "native"),
        (CDX_JSON, "cyclonedx-json"),
        (b"\t" + CDX_JSON, "cyclonedx-json"),
        (CDX_XML, "cyclonedx-xml"),
        (b"  <bom/>", "cyclonedx-xml"),
        (b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}', "spdx3-json"),
        (b'{"@context": ["https://spdx.org/rdf/3.0.0/spdx-context.jsonld"]}', "spdx3-json"),
        (b'{"spdxId": "https://x/doc", "element": []}', "spdx3-json"),
    ],
)
def test_detect_format_from_content(data: bytes, kind: str) -> None:
    assert io.detect_format(data, "x") == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "neither JSON nor XML: not a BOM"),
        (b"hello", "neither JSON nor XML: not a BOM"),
        (b"[1, 2]", "not a BOM: expected a native fmbom document, a CycloneDX document"),
        (b'{"bomFormat": "SPDX"}', "not a BOM: expected a native fmbom document"),
        (b'{"spdxVersion": "SPDX-2.3"}', "SPDX-2.3 documents are not read; fmbom reads SPDX 3"),
        (b'{"@context": "https://example.com/other.jsonld"}', "not a BOM"),
        (b"{oops", "not valid JSON: "),
        (b'{"fmbom": "\xff\xfe"}', "not valid JSON: "),
        (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
    ],
)
def test_detect_format_refuses_what_is_not_a_bom(data: bytes, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        io.detect_format(data, "in.json")
    assert caught.value.source == "in.json"
    assert str(caught.value).startswith(f"in.json: {message}")


def test_loads_bom_reads_native_text_and_bytes(example_v1: Bom) -> None:
    text = native.dumps(example_v1)
    assert io.loads_bom(text) == example_v1
    assert io.loads_bom(b"\xef\xbb\xbf" + text.encode()) == example_v1


@pytest.mark.parametrize("data", [b"plain text", b"[]", b'{"neither": 1}'])
def test_loads_bom_refuses_non_boms(data: bytes) -> None:
    with pytest.raises(InputFormatError):
        io.loads_bom(data, source="x")


def test_loads_bom_hands_cyclonedx_to_its_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    from fmbom import cyclonedx

    calls: list[tuple[str, Any, str]] = []

    def read_parsed(
        document: Any, source: str = "", *, strict: bool = False
    ) -> tuple[str, list[str]]:
        calls.append(("json", document, source))
        return "json-bom", ["json warning"]

    def load_with_report(
        raw: bytes, source: str = "", *, strict: bool = False
    ) -> tuple[str, list[str]]:
        calls.append(("xml", raw, source))
        return "xml-bom", []

    monkeypatch.setattr(cyclonedx, "read_parsed", read_parsed)
    monkeypatch.setattr(cyclonedx, "load_with_report", load_with_report)
    assert io.loads_bom(CDX_JSON, source="a") == "json-bom"  # type: ignore[comparison-overlap]
    assert io.loads_bom(CDX_XML.decode(), source="b") == "xml-bom"  # type: ignore[comparison-overlap]
    assert io.loads_bom_with_report(CDX_JSON, source="c") == ("json-bom", ["json warning"])  # type: ignore[comparison-overlap]
    assert calls == [
        ("json", json.loads(CDX_JSON), "a"),
        ("xml", CDX_XML, "b"),
        ("json", json.loads(CDX_JSON), "c"),
    ]


def test_write_bom_writes_every_format(tmp_path: Path, example_v1: Bom) -> None:
    for chosen in io.OutputFormat:
        path = tmp_path / f"out.{chosen.value}"
        io.write_bom(example_v1, path, chosen)
        assert path.read_text(encoding="utf-8") == io.dumps_bom(example_v1, chosen.value)
        assert io.read_bom(path) == io.loads_bom(io.dumps_bom(example_v1, chosen))
    assert io.read_bom(tmp_path / "out.native") == example_v1
    with pytest.raises(ValidationError, match="format: expected one of native"):
        io.dumps_bom(example_v1, "spreadsheet")
    from fmbom.errors import ExportError

    with pytest.raises(ExportError, match="spec_version applies only"):
        io.dumps_bom(example_v1, "native", spec_version="1.6")
    assert '"specVersion": "1.5"' in io.dumps_bom(example_v1, "cyclonedx-json", spec_version="1.5")


def test_a_failed_write_is_a_write_error(tmp_path: Path, example_v1: Bom) -> None:
    from fmbom.errors import WriteError

    target = tmp_path / "missing-dir" / "bom.json"
    with pytest.raises(WriteError) as caught:
        io.write_bom(example_v1, target)
    assert caught.value.source == str(target)
    assert caught.value.message.startswith("cannot write")
    assert not target.parent.exists()


def test_native_errors_carry_the_source(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"fmbom": "1", "metadata": {"subject": {"name": 1}}}))
    with pytest.raises(ValidationError) as caught:
        io.read_bom(path)
    assert str(caught.value) == (f"{path}: $.metadata.subject.name: expected a string, got int 1")


# --- reading files ---------------------------------------------------------------------------


def test_read_bom_from_a_path(native_file: Path, example_v1: Bom) -> None:
    assert io.read_bom(native_file) == example_v1
    assert io.read_bom(str(native_file)) == example_v1


def test_read_bom_from_stdin(
    native_file: Path, example_v1: Bom, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = stdio.TextIOWrapper(stdio.BytesIO(native_file.read_bytes()))
    monkeypatch.setattr(sys, "stdin", fake)
    assert io.read_bom("-") == example_v1


def test_read_bytes_of_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError) as caught:
        io.read_bytes(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a BOM file"


def test_read_bytes_of_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(InputFormatError) as caught:
        io.read_bytes(missing)
    assert str(caught.value) == f"{missing}: cannot read: No such file or directory"


def test_read_bytes_of_an_unreadable_path(native_file: Path) -> None:
    below_a_file = native_file / "child.json"
    with pytest.raises(InputFormatError) as caught:
        io.read_bytes(below_a_file)
    assert str(caught.value) == f"{below_a_file}: cannot read: Not a directory"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="permissions do not apply")
def test_read_bytes_without_permission(native_file: Path) -> None:
    native_file.chmod(0)
    try:
        with pytest.raises(InputFormatError, match="cannot read: Permission denied"):
            io.read_bytes(native_file)
    finally:
        native_file.chmod(0o644)


def test_oversized_input_is_refused(native_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    size = native_file.stat().st_size
    monkeypatch.setattr(io, "MAX_INPUT_BYTES", size)
    assert len(io.read_bytes(native_file)) == size
    monkeypatch.setattr(io, "MAX_INPUT_BYTES", size - 1)
    with pytest.raises(InputFormatError) as caught:
        io.read_bytes(native_file)
    assert str(caught.value) == f"{native_file}: larger than {size - 1} bytes; refused"


def test_oversized_stdin_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "MAX_INPUT_BYTES", 4)
    monkeypatch.setattr(sys, "stdin", stdio.TextIOWrapper(stdio.BytesIO(b"12345")))
    with pytest.raises(InputFormatError, match="larger than 4 bytes"):
        io.read_bytes("-")


def test_stdin_is_read_in_chunks_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "_CHUNK", 3)
    monkeypatch.setattr(io, "MAX_INPUT_BYTES", 10)
    monkeypatch.setattr(sys, "stdin", stdio.TextIOWrapper(stdio.BytesIO(b"0123456789")))
    assert io.read_bytes("-") == b"0123456789"
    monkeypatch.setattr(sys, "stdin", stdio.TextIOWrapper(stdio.BytesIO(b"0123456789A")))
    with pytest.raises(InputFormatError, match="larger than 10 bytes"):
        io.read_bytes("-")


def test_a_file_is_read_in_one_call_of_its_size(
    native_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not one of MAX_INPUT_BYTES: that much memory is not reserved for a small file."""
    asked: list[int] = []
    real_open = Path.open

    class Spy(stdio.BufferedReader):
        def read(self, size: int | None = -1) -> bytes:
            asked.append(-1 if size is None else size)
            return super().read(size)

    def spy_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode != "rb":
            return real_open(self, mode, *args, **kwargs)
        return Spy(stdio.FileIO(self, "rb"))

    monkeypatch.setattr(Path, "open", spy_open)
    data = io.read_bytes(native_file)
    size = native_file.stat().st_size
    assert len(data) == size
    assert asked[0] == size + 1
    assert max(asked) <= max(size + 1, io._CHUNK)


# --- writing ---------------------------------------------------------------------------------


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_creates_a_file_with_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    old = os.umask(0o027)
    try:
        io.write_atomic(target, "héllo\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == "héllo\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o600)
    io.write_atomic(str(target), b"new bytes")
    assert target.read_bytes() == b"new bytes"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_write_atomic_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    io.write_atomic("relative.txt", "x")
    assert (tmp_path / "relative.txt").read_text() == "x"


def test_failed_write_leaves_the_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("precious")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(FmbomError) as caught:
        io.write_atomic(target, "replacement")
    assert str(caught.value) == f"{target}: cannot write: No space left on device"
    assert target.read_text() == "precious"
    assert _leftovers(tmp_path) == []


def test_interrupted_write_leaves_the_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("precious")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        io.write_atomic(target, "replacement")
    assert target.read_text() == "precious"
    assert _leftovers(tmp_path) == []


def test_write_into_a_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.json"
    with pytest.raises(FmbomError) as caught:
        io.write_atomic(target, "x")
    assert str(caught.value) == f"{target}: cannot write: No such file or directory"
    assert not target.parent.exists()


def test_write_over_a_directory_fails_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises(FmbomError, match="cannot write"):
        io.write_atomic(target, "x")
    assert target.is_dir()
    assert _leftovers(tmp_path) == []
