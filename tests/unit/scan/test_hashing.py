"""Hashing: digests equal hashlib's, files in parallel, and the persistent cache."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fmbom import HashAlgorithm, ScanError, Weights
from fmbom.native import dumps
from fmbom.scan import ScanResult, default_cache_dir, hash_file, scan
from fmbom.scan._cache import CACHE_FILE_NAME, HashCache
from fmbom.scan._hashing import BUFFER_SIZE, HashJob, hash_files

Run = Callable[..., ScanResult]
Data = Callable[[str], Path]

ALGORITHMS: dict[HashAlgorithm, Callable[[], Any]] = {
    HashAlgorithm.MD5: lambda: hashlib.md5(usedforsecurity=False),
    HashAlgorithm.SHA1: lambda: hashlib.sha1(usedforsecurity=False),
    HashAlgorithm.SHA256: hashlib.sha256,
    HashAlgorithm.SHA384: hashlib.sha384,
    HashAlgorithm.SHA512: hashlib.sha512,
    HashAlgorithm.SHA3_256: hashlib.sha3_256,
    HashAlgorithm.SHA3_512: hashlib.sha3_512,
    HashAlgorithm.BLAKE2B_256: lambda: hashlib.blake2b(digest_size=32),
    HashAlgorithm.BLAKE2B_512: lambda: hashlib.blake2b(digest_size=64),
}


@pytest.mark.parametrize("algorithm", list(ALGORITHMS), ids=str)
def test_hash_file_equals_hashlib(algorithm: HashAlgorithm, data: Data) -> None:
    path = data("gguf") / "ggml-vocab-gpt-2.gguf"
    expected = ALGORITHMS[algorithm]()
    expected.update(path.read_bytes())
    assert hash_file(path, algorithm) == expected.hexdigest()


def test_files_larger_than_the_buffer(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    content = os.urandom(BUFFER_SIZE * 2 + 12345)
    path.write_bytes(content)
    seen: list[int] = []
    assert hash_file(path, on_bytes=seen.append) == hashlib.sha256(content).hexdigest()
    assert sum(seen) == len(content)
    assert len(seen) == 3


def test_parallel_hashing_keeps_the_order(tmp_path: Path) -> None:
    jobs = []
    for index in range(40):
        path = tmp_path / f"f{index}"
        path.write_bytes(os.urandom(1000 * (index % 7 + 1)))
        jobs.append(HashJob(path=path, size=path.stat().st_size))
    jobs.append(HashJob(path=tmp_path / "gone", size=5))
    total: list[int] = []
    outcomes = hash_files(jobs, HashAlgorithm.SHA256, workers=8, on_bytes=total.append)
    assert [o.job for o in outcomes] == jobs
    for outcome in outcomes[:-1]:
        assert outcome.digest == hashlib.sha256(outcome.job.path.read_bytes()).hexdigest()
    assert outcomes[-1].digest is None
    assert outcomes[-1].error == "No such file or directory"
    assert sum(total) == sum(j.size for j in jobs[:-1])
    single = hash_files(jobs, HashAlgorithm.SHA256, workers=1)
    assert [o.digest for o in single] == [o.digest for o in outcomes]
    assert hash_files([], HashAlgorithm.SHA256) == []


def test_blake3_needs_its_package(tmp_path: Path) -> None:
    try:
        import blake3  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        with pytest.raises(ScanError, match="blake3"):
            scan(tmp_path, algorithm="blake3", use_cache=False)
    else:  # pragma: no cover - depends on the environment
        pytest.skip("blake3 is installed")


def test_algorithm_is_selectable(run: Run, data: Data) -> None:
    root = data("fracast")
    result = run(root, algorithm="SHA-512")
    weights = next(w for w in result.bom.of_type(Weights) if w.name == "model.safetensors")
    (digest,) = weights.digests
    assert digest.algorithm is HashAlgorithm.SHA512
    assert digest.value == hashlib.sha512((root / "model.safetensors").read_bytes()).hexdigest()


def test_progress_reports_bytes(run: Run, data: Data) -> None:
    calls: list[tuple[int, int]] = []
    run(data("fracast"), progress=lambda done, total: calls.append((done, total)), use_cache=False)
    total = sum(p.stat().st_size for p in data("fracast").iterdir())
    assert calls[-1] == (total, total)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


# --- cache -----------------------------------------------------------------------------------


def test_rescan_hits_the_cache_and_changes_miss(
    run: Run, copy_of: Callable[[str], Path], cache_dir: Path
) -> None:
    root = copy_of("fracast")
    files = [p for p in root.iterdir() if p.is_file()]
    first = run(root)
    assert first.cache_hits == 0
    assert first.bytes_hashed == sum(p.stat().st_size for p in files)
    second = run(root)
    assert second.cache_hits == len(files)
    assert second.bytes_hashed == 0
    assert dumps(second.bom) == dumps(first.bom)
    # same size, new mtime: a miss, and the new content is seen
    target = root / "model.safetensors"
    content = bytearray(target.read_bytes())
    content[-1] ^= 0xFF
    stat = target.stat()
    target.write_bytes(bytes(content))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    third = run(root)
    assert third.cache_hits == len(files) - 1
    assert third.bytes_hashed == stat.st_size
    weights = next(w for w in third.bom.of_type(Weights) if w.name == "model.safetensors")
    assert weights.digests[0].value == hashlib.sha256(bytes(content)).hexdigest()
    # a size change is a miss too, even with the old mtime restored
    config = root / "config.json"
    old = config.stat()
    config.write_text(config.read_text() + " ")
    os.utime(config, ns=(old.st_atime_ns, old.st_mtime_ns))
    fourth = run(root)
    assert fourth.cache_hits == len(files) - 1
    # another algorithm is another entry
    assert run(root, algorithm="sha512").cache_hits == 0
    assert (cache_dir / CACHE_FILE_NAME).is_file()
    assert not [p for p in cache_dir.iterdir() if p.name != CACHE_FILE_NAME]  # no temp files left


def test_inode_change_is_a_miss(run: Run, copy_of: Callable[[str], Path]) -> None:
    root = copy_of("fracast")
    run(root)
    target = root / "config.json"
    stat = target.stat()
    replacement = root / "config.json.new"
    shutil.copy2(target, replacement)
    replacement.replace(target)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert target.stat().st_ino != stat.st_ino
    result = run(root)
    assert result.cache_hits == len([p for p in root.iterdir() if p.is_file()]) - 1


def test_no_cache_bypasses_it(run: Run, data: Data, cache_dir: Path) -> None:
    run(data("fracast"), use_cache=False)
    assert not cache_dir.exists()
    run(data("fracast"))
    result = run(data("fracast"), use_cache=False)
    assert result.cache_hits == 0
    assert result.bytes_hashed > 0


@pytest.mark.parametrize("content", [b"{broken", b"[]", b'{"format": "other"}', b"\xff\xfe"])
def test_corrupt_cache_is_ignored_and_replaced(
    run: Run, data: Data, cache_dir: Path, content: bytes
) -> None:
    cache_dir.mkdir(parents=True)
    (cache_dir / CACHE_FILE_NAME).write_bytes(content)
    first = run(data("fracast"))
    assert first.cache_hits == 0
    assert not first.problems or all("cache" not in p.message for p in first.problems)
    json.loads((cache_dir / CACHE_FILE_NAME).read_bytes())  # replaced by a valid file
    assert run(data("fracast")).cache_hits > 0


def test_poisoned_entries_are_dropped(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE_NAME).write_text(
        json.dumps({"format": "fmbom-hash-cache-1", "entries": {"a": [1, 2], "b": [1, 2, 3, 4]}})
    )
    cache = HashCache(tmp_path)
    assert cache._entries == {}


def test_unwritable_cache_is_a_warning(run: Run, data: Data, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run(data("fracast"), cache_dir=blocker / "sub")
    assert [p.path for p in result.warnings] == ["."]
    assert "cannot write the hash cache" in result.warnings[0].message


def test_default_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "fmbom"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "fmbom"


def test_default_cache_is_used_when_no_directory_is_given(data: Data) -> None:
    scan(data("fracast"))
    assert (Path(os.environ["XDG_CACHE_HOME"]) / "fmbom" / CACHE_FILE_NAME).is_file()
    assert scan(data("fracast")).cache_hits > 0
