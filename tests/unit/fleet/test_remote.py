"""Remote sources through fsspec: a local HTTP server with ranged reads, the memory filesystem,
a filesystem that publishes SHA-256s as the Hugging Face Hub does, and bad URLs."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import pytest

from fmbom.cli import main
from fmbom.errors import ScanError
from fmbom.fleet import scan_each, scan_url, write_fleet
from fmbom.fleet._remote import PUBLISHED_DIGEST, RemoteTree, public_url
from fmbom.fleet._work import describe_error
from fmbom.model import HashAlgorithm, Weights
from fmbom.native import dumps
from fmbom.scan import scan
from fmbom.scan._safetensors import read_safetensors_header
from tests.unit.fleet.conftest import DATA
from tests.unit.scan.test_fidelity import _safetensors as safetensors_bytes

fsspec = pytest.importorskip("fsspec", reason="the remote extra is not installed")
pytest.importorskip("aiohttp", reason="the remote extra is not installed")
from fsspec.implementations.memory import MemoryFileSystem  # noqa: E402 - after the skip
from fsspec.spec import AbstractFileSystem  # noqa: E402 - after the skip


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that answers ``Range: bytes=A-B`` with 206 and counts the bytes
    it sends per path (http.server alone ignores ranges)."""

    served: ClassVar[dict[str, int]] = {}
    headers_seen: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        _RangeHandler.headers_seen.append(str(self.headers))

    def send_head(self) -> Any:
        wanted = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        self._remaining: int | None = None
        if wanted is None or not path.is_file():
            return super().send_head()
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted)
        assert match is not None
        size = path.stat().st_size
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return handle

    def copyfile(self, source: BinaryIO, outputfile: BinaryIO) -> None:  # type: ignore[override]
        data = source.read() if self._remaining is None else source.read(self._remaining)
        _RangeHandler.served[self.path] = _RangeHandler.served.get(self.path, 0) + len(data)
        outputfile.write(data)


@pytest.fixture
def served(registry: Path) -> Iterator[str]:
    """The registry served over HTTP on a free local port; yields its base URL."""
    _RangeHandler.served.clear()
    _RangeHandler.headers_seen.clear()
    handler = functools.partial(_RangeHandler, directory=str(registry))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _big_safetensors(folder: Path) -> Path:
    """A 3 MiB safetensors file: its header is a few hundred bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}))
    path = folder / "model.safetensors"
    path.write_bytes(safetensors_bytes({"w": ("F32", [768, 1024]), "b": ("F32", [1024])}))
    return path


# --- HTTP ------------------------------------------------------------------------------------


def test_folder_over_http_scans_to_the_same_bom_as_on_disk(registry: Path, served: str) -> None:
    for unit in ("granite-sharded", "all-minilm-l6-v2", "peft-lora-llama-3.2-3b", "gguf"):
        remote = scan_url(served + unit + "/")
        local = scan(registry / unit, use_cache=False)
        assert dumps(remote.bom) == dumps(local.bom), unit
        assert remote.problems == local.problems


def test_header_is_read_by_ranges_never_the_whole_shard(registry: Path, served: str) -> None:
    path = _big_safetensors(registry / "big")
    size = path.stat().st_size
    tree = RemoteTree.open(served + "big/")
    shard = next(f for f in tree.files if f.rel == "model.safetensors")
    header = read_safetensors_header(shard.path, shard.stat.st_size)
    assert header.parameter_count == 768 * 1024 + 1024
    read = _RangeHandler.served["/big/model.safetensors"]
    assert 0 < read <= (1 << 20) + 4096 < size  # one block, not the 3 MiB
    result = scan_url(served + "big/")
    weights = result.bom.component("weights")
    assert isinstance(weights, Weights)
    assert weights.files[0].digest is not None
    assert weights.files[0].digest.value == hashlib.sha256(path.read_bytes()).hexdigest()
    assert weights.parameter_count == 768 * 1024 + 1024
    # hashing streamed the file once; the header cost one more block at most
    assert _RangeHandler.served["/big/model.safetensors"] <= 2 * read + size


class _NoRangeHandler(http.server.SimpleHTTPRequestHandler):
    """http.server as it is: every GET answers the whole file, Range or not."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        return


def test_server_without_ranges_is_a_problem_never_a_crash(registry: Path) -> None:
    handler = functools.partial(_NoRangeHandler, directory=str(registry))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = scan_url(f"http://127.0.0.1:{server.server_address[1]}/gguf/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    # the GGUF reader reads past the first block of the largest file: the server sends the
    # whole file instead of the range, and that is this file's problem
    assert [(p.path, p.severity) for p in result.problems] == [("ggml-vocab-gpt-2.gguf", "error")]
    assert "range requests" in result.problems[0].message
    local = scan(registry / "gguf", use_cache=False)
    digests = {f.path: f.digest for c in local.bom.of_type(Weights) for f in c.files}
    remote = {f.path: f.digest for c in result.bom.of_type(Weights) for f in c.files}
    assert remote == digests  # hashing streams: it needs no ranges


def test_registry_over_http_with_each_matches_the_local_fleet(
    registry: Path, served: str, tmp_path: Path
) -> None:
    remote = scan_each(served)
    local = scan_each(registry, use_cache=False)
    assert [u.unit for u in remote.units] == [u.unit for u in local.units]
    for a, b in zip(remote.units, local.units, strict=True):
        assert a.result is not None
        assert b.result is not None
        assert dumps(a.result.bom) == dumps(b.result.bom)
        assert a.source == served + a.unit
    index = write_fleet(remote, tmp_path / "out")
    assert index.root == served.rstrip("/") or index.root == served


def test_credentials_are_never_written(
    registry: Path, served: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_url = served.replace("http://", "http://alice:s3cr3t-pw@")
    out = tmp_path / "out"
    assert main(["scan", secret_url, "--each", "-o", str(out)]) == 0
    assert main(["scan", secret_url + "fasttext/", "-o", str(out / "single.json")]) == 0
    assert main(["scan", secret_url + "absent/", "-o", str(out / "absent.json")]) == 2
    assert any("Authorization: Basic" in h for h in _RangeHandler.headers_seen)  # it was used
    err = capsys.readouterr().err
    assert "absent" in err
    assert "s3cr3t-pw" not in err
    options = {"headers": {"Authorization": "Bearer tok-XYZ-secret"}}
    result = scan_each(served, storage_options=options)
    write_fleet(result, tmp_path / "out2")
    assert any("tok-XYZ-secret" in h for h in _RangeHandler.headers_seen)
    for folder in (out, tmp_path / "out2"):
        for written in folder.rglob("*"):
            text = written.read_text(encoding="utf-8")
            assert "s3cr3t-pw" not in text
            assert "alice" not in text
            assert "tok-XYZ-secret" not in text
    assert public_url("https://u:p@host:8080/a/b?sig=1#x") == "https://host:8080/a/b"
    assert public_url("s3://bucket/key") == "s3://bucket/key"
    failure = describe_error(FileNotFoundError("http://alice:pw@host/a.bin"))
    assert failure == "FileNotFoundError: http://host/a.bin"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/nothing/", "cannot list"),
        ("nosuchscheme://x/y", "not a URL fsspec can open"),
        ("memory://absent/folder", "no such file or directory"),
    ],
)
def test_bad_urls_are_one_line_errors(
    url: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ScanError, match=message):
        scan_url(url)
    assert main(["scan", url]) == 2
    assert main(["scan", url, "--each", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert all(public_url(url) in line and message in line for line in err)
    assert not (tmp_path / "out").exists()


def test_missing_backend_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import fsspec.core

    def refuse(url: str, **options: Any) -> Any:
        raise ImportError("Install s3fs to access S3")

    monkeypatch.setattr(fsspec.core, "url_to_fs", refuse)
    with pytest.raises(ScanError, match=r"^s3://bucket/models: ImportError: Install s3fs"):
        scan_url("s3://bucket/models")


def test_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    with pytest.raises(ScanError, match=r"pip install 'fmbom\[remote\]'"):
        scan_url("s3://bucket/models")


# --- memory filesystem and published digests ------------------------------------------------


@pytest.fixture
def memory_registry(registry: Path) -> Iterator[str]:
    """The registry copied into fsspec's memory filesystem."""
    memory = MemoryFileSystem()
    for path in sorted(registry.rglob("*")):
        if path.is_file():
            memory.pipe(f"/fleet/{path.relative_to(registry).as_posix()}", path.read_bytes())
    try:
        yield "memory://fleet"
    finally:
        memory.rm("/fleet", recursive=True)


def test_memory_filesystem_fleet_matches_disk(registry: Path, memory_registry: str) -> None:
    remote = scan_each(memory_registry)
    local = scan_each(registry, use_cache=False)
    assert [dumps(u.result.bom) for u in remote.units if u.result] == [
        dumps(u.result.bom) for u in local.units if u.result
    ]
    assert remote.problems == local.problems


class _PublishingFileSystem(MemoryFileSystem):  # type: ignore[misc] # fsspec is untyped
    """A memory filesystem whose listing carries an ``lfs`` entry with the SHA-256 of each
    ``.safetensors`` file, as huggingface_hub's HfFileSystem lists LFS files; it counts the
    bytes opened for reading."""

    protocol = "publishing"
    store: ClassVar[dict[str, Any]] = {}
    pseudo_dirs: ClassVar[list[str]] = [""]
    opened: ClassVar[dict[str, int]] = {}

    # listed through ls (as HfFileSystem lists), not the memory filesystem's shortcut
    find = AbstractFileSystem.find

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        return str(super()._strip_protocol(path.removeprefix("publishing://")))

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> Any:
        entries = super().ls(path, detail=True, **kwargs)
        for entry in entries:
            if entry["name"].endswith(".safetensors"):
                content = self.store[entry["name"]].getvalue()
                entry["lfs"] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
        return entries if detail else [e["name"] for e in entries]

    def cat_file(self, path: str, start: Any = None, end: Any = None, **kwargs: Any) -> Any:
        data = super().cat_file(path, start, end, **kwargs)
        _PublishingFileSystem.opened[path] = _PublishingFileSystem.opened.get(path, 0) + len(data)
        return data


def test_published_sha256_is_recorded_with_its_provenance(tmp_path: Path) -> None:
    local = tmp_path / "model"
    path = _big_safetensors(local)
    fs = _PublishingFileSystem()
    for item in sorted(local.iterdir()):
        fs.pipe(f"/org/model/{item.name}", item.read_bytes())
    fsspec.register_implementation("publishing", _PublishingFileSystem, clobber=True)
    result = scan_url("publishing://org/model")
    weights = result.bom.component("weights")
    assert isinstance(weights, Weights)
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert weights.files[0].digest is not None
    assert weights.files[0].digest.value == expected
    notes = [s for s in weights.sources if s.locator == PUBLISHED_DIGEST]
    assert [(n.field, n.file) for n in notes] == [
        ("files[model.safetensors].digest", "model.safetensors")
    ]
    assert result.bytes_hashed == len((local / "config.json").read_bytes())
    # the same scan asking for SHA-512 has to hash the content
    other = scan_url("publishing://org/model", algorithm="sha512")
    weights512 = other.bom.component("weights")
    assert isinstance(weights512, Weights)
    assert weights512.files[0].digest is not None
    assert weights512.files[0].digest.value == hashlib.sha512(path.read_bytes()).hexdigest()
    assert not [s for s in weights512.sources if s.locator == PUBLISHED_DIGEST]
    fs.rm("/org", recursive=True)


def test_single_remote_file_is_a_fleet_of_one(memory_registry: str) -> None:
    url = memory_registry + "/gguf/ggml-vocab-gpt-2.gguf"
    result = scan_each(url)
    assert [u.unit for u in result.units] == ["."]
    single = scan(DATA / "gguf" / "ggml-vocab-gpt-2.gguf", use_cache=False)
    assert result.units[0].result is not None
    assert dumps(result.units[0].result.bom) == dumps(single.bom)


class _FakeHub(_PublishingFileSystem):
    """``hf://`` served from memory: the paths of huggingface_hub's filesystem
    (``[datasets/]ORG/NAME[@REVISION]/FILE``) and its LFS listing."""

    protocol = "hf"
    store: ClassVar[dict[str, Any]] = {}

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        return str(MemoryFileSystem._strip_protocol(path.removeprefix("hf://")))


@pytest.fixture
def fake_hub() -> Iterator[_FakeHub]:
    from fsspec.registry import _registry

    saved = _registry.get("hf")
    fsspec.register_implementation("hf", _FakeHub, clobber=True)
    try:
        yield _FakeHub()
    finally:
        _FakeHub.store.clear()
        if saved is None:
            _registry.pop("hf", None)
        else:  # pragma: no cover - only when huggingface_hub registered itself first
            _registry["hf"] = saved


def test_hf_urls_name_the_repository_and_its_revision(fake_hub: _FakeHub, tmp_path: Path) -> None:
    _big_safetensors(tmp_path / "model")
    revision = "0a854d48" + "1" * 32
    for item in sorted((tmp_path / "model").iterdir()):
        fake_hub.pipe(f"/ibm-granite/granite-tiny@{revision}/{item.name}", item.read_bytes())
    card = (DATA / "datasets" / "gsm8k" / "README.md").read_bytes()
    fake_hub.pipe("/datasets/openai/gsm8k/README.md", card)
    model = scan_url(f"hf://ibm-granite/granite-tiny@{revision}")
    main_model = model.bom.component("model")
    assert (main_model.group, main_model.name) == ("ibm-granite", "granite-tiny")
    assert main_model.version == revision
    assert main_model.purl == f"pkg:huggingface/ibm-granite/granite-tiny@{revision}"
    assert model.bytes_hashed == len((tmp_path / "model" / "config.json").read_bytes())
    dataset = scan_url("hf://datasets/openai/gsm8k").bom.component("dataset")
    assert (dataset.group, dataset.name) == ("openai", "gsm8k")
    assert dataset.purl == "pkg:huggingface/datasets/openai/gsm8k"


def test_remote_files_are_read_only_and_not_local_paths(memory_registry: str) -> None:
    tree = RemoteTree.open(memory_registry + "/fasttext")
    remote = tree.files[0].path
    with pytest.raises(OSError, match="read only"):
        remote.open("wb")
    with pytest.raises(OSError, match="no local status"):
        remote.stat()
    with pytest.raises(TypeError, match="not a local path"):
        os.fspath(remote)
    assert str(remote) == f"{memory_registry}/fasttext/{tree.files[0].rel}"
    tree.filesystem.rm(f"/fleet/fasttext/{tree.files[0].rel}")
    with pytest.raises(OSError, match="FileNotFoundError"):
        remote.read_bytes()
    with pytest.raises(OSError, match="FileNotFoundError"):
        remote.open("rb")


class _Unsized(MemoryFileSystem):  # type: ignore[misc] # fsspec is untyped
    """A listing without sizes (as HTTP servers give) where one file's size cannot be read."""

    protocol = "unsized"
    store: ClassVar[dict[str, Any]] = {}
    pseudo_dirs: ClassVar[list[str]] = [""]
    find = AbstractFileSystem.find

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        return str(MemoryFileSystem._strip_protocol(path.removeprefix("unsized://")))

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> Any:
        entries = [dict(e, size=None) for e in super().ls(path, detail=True, **kwargs)]
        return entries if detail else [e["name"] for e in entries]

    def size(self, path: str) -> int:
        if path.endswith("LICENSE"):
            raise PermissionError("denied")
        return int(super().size(path))


def test_unreadable_sizes_and_vanished_files_are_problems() -> None:
    fsspec.register_implementation("unsized", _Unsized, clobber=True)
    fs = _Unsized()
    for item in sorted((DATA / "fasttext").iterdir()):
        fs.pipe(f"/m/{item.name}", item.read_bytes())
    try:
        tree = RemoteTree.open("unsized://m")
        assert [f.rel for f in tree.files] == ["model.bin"]
        fs.rm("/m/model.bin")
        result = tree.scan(".", algorithm=HashAlgorithm.SHA256)
        problems = {(p.path, p.severity) for p in result.problems}
        assert ("LICENSE", "warning") in problems
        assert ("model.bin", "error") in problems
        assert all("cannot read" in p.message for p in result.problems if p.path == "model.bin")
    finally:
        fs.rm("/m", recursive=True)


def test_loose_remote_weights_are_units_of_their_own(memory_registry: str, tmp_path: Path) -> None:
    fs = MemoryFileSystem()
    data = (DATA / "gguf" / "ggml-vocab-gpt-2.gguf").read_bytes()
    fs.pipe("/fleet/loose.gguf", data)
    result = scan_each(memory_registry)
    loose = next(u for u in result.units if u.unit == "loose.gguf")
    assert loose.result is not None
    assert loose.source == memory_registry + "/loose.gguf"
    (tmp_path / "loose.gguf").write_bytes(data)
    local = scan(tmp_path / "loose.gguf", use_cache=False)
    assert dumps(loose.result.bom) == dumps(local.bom)


def test_published_digest_shapes() -> None:
    from fmbom.fleet._remote import _published_sha256

    class Info:
        sha256 = "a" * 64

    assert _published_sha256({"lfs": Info()}) == "a" * 64
    assert _published_sha256({"lfs": {"sha256": "not-hex"}}) is None
    assert _published_sha256({"size": 3}) is None
    assert public_url("http://[::1/broken?x=1") == "http://[::1/broken"
