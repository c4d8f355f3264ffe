"""The replay of an unchanged scan: the same bytes as a full scan, without the object model,
and a full scan again whenever anything a scan depends on changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import fmbom._rescan as rescan
import fmbom.scan
from fmbom.cli import main

Data = Callable[[str], Path]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _not_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree copied by the test changed a moment ago; remember it all the same (the racy
    rule has a test of its own)."""
    monkeypatch.setattr(rescan, "RACY_SECONDS", -10)


@pytest.fixture
def tree(copy_of: Callable[[str], Path]) -> Path:
    return copy_of("genz-70b-gptq")


def _scan(
    capsys: pytest.CaptureFixture[str], root: Path, cache: Path, *more: str
) -> tuple[int, str, str]:
    code = main(["scan", str(root), "--cache-dir", str(cache), *more])
    out, err = capsys.readouterr()
    return code, out, err


def _no_full_scan(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make a full scan fail loudly; returns the list it records calls in."""
    calls: list[str] = []

    def refuse(*args: object, **kwargs: object) -> object:
        calls.append("scan")
        raise AssertionError("the scan ran in full")

    monkeypatch.setattr(fmbom.scan, "scan", refuse)
    return calls


def test_unchanged_rescan_replays_the_same_bytes_and_problems(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _scan(capsys, tree, cache_dir, "--strict")
    assert first[0] == 1  # the LFS pointer is a problem: --strict exits 1
    assert "Git LFS pointer" in first[2]
    assert len(list((cache_dir / rescan.MEMO_DIR_NAME).iterdir())) == 1
    _no_full_scan(monkeypatch)
    assert _scan(capsys, tree, cache_dir, "--strict") == first


def test_a_replay_takes_the_time_of_the_new_scan(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, before, _ = _scan(capsys, tree, cache_dir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    _no_full_scan(monkeypatch)
    _, after, _ = _scan(capsys, tree, cache_dir)
    assert json.loads(before)["metadata"]["timestamp"] == "2023-11-14T22:13:20Z"
    assert json.loads(after)["metadata"]["timestamp"] == "2027-01-15T08:00:00Z"
    assert after.replace("2027-01-15T08:00:00Z", "2023-11-14T22:13:20Z") == before


def test_a_replay_without_source_date_epoch_records_now(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    _scan(capsys, tree, cache_dir)
    _no_full_scan(monkeypatch)
    _, out, _ = _scan(capsys, tree, cache_dir)
    moment = rescan.recorded_time()
    assert moment is not None
    stamp = json.loads(out)["metadata"]["timestamp"]
    assert abs(moment.timestamp() - _seconds(stamp)) < 60


def _seconds(stamp: str) -> float:
    import datetime

    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize(
    "change",
    [
        "content",
        "mtime",
        "mode",
        "added",
        "removed",
        "renamed",
        "subfolder",
        "symlink-target",
    ],
)
def test_any_change_in_the_tree_means_a_full_scan(
    tree: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    _scan(capsys, tree, cache_dir)
    config = tree / "config.json"
    if change == "content":  # same size, same mtime: the ctime still moves
        before = config.stat()
        data = bytearray(config.read_bytes())
        data[data.index(b":")] = ord("=")
        config.write_bytes(bytes(data))
        os.utime(config, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert (config.stat().st_size, config.stat().st_mtime_ns) == (
            before.st_size,
            before.st_mtime_ns,
        )
    elif change == "mtime":
        os.utime(config, ns=(0, 10**9))
    elif change == "mode":
        config.chmod(0o600)
    elif change == "added":
        (tree / "generation_config.json").write_text('{"do_sample": true}', encoding="utf-8")
    elif change == "removed":
        config.unlink()
    elif change == "renamed":
        config.rename(tree / "config.json.bak")
    elif change == "subfolder":
        (tree / "extra").mkdir()
    else:
        (tree / "link.json").symlink_to("config.json")
        _scan(capsys, tree, cache_dir)
        (tree / "link.json").unlink()
        (tree / "link.json").symlink_to("README.md")
    calls: list[str] = []
    real = fmbom.scan.scan

    def counted(*args: object, **kwargs: object) -> object:
        calls.append("scan")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fmbom.scan, "scan", counted)
    _scan(capsys, tree, cache_dir)
    assert calls == ["scan"]


def test_options_and_the_output_format_are_part_of_the_memo(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _scan(capsys, tree, cache_dir)
    _, named, _ = _scan(capsys, tree, cache_dir, "--name", "other", "--version", "2")
    assert json.loads(named)["metadata"]["subject"]["name"] == "other"
    _, sha512, _ = _scan(capsys, tree, cache_dir, "--algorithm", "SHA-512")
    assert '"algorithm": "sha512"' in sha512
    memos = cache_dir / rescan.MEMO_DIR_NAME
    assert len(list(memos.iterdir())) == 3
    _scan(capsys, tree, cache_dir, "--format", "cyclonedx-json")
    assert len(list(memos.iterdir())) == 3  # only native output is remembered


def test_no_cache_neither_reads_nor_writes_a_memo(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _scan(capsys, tree, cache_dir, "--no-cache")
    assert not cache_dir.exists()
    _scan(capsys, tree, cache_dir)
    calls = _no_full_scan(monkeypatch)
    with pytest.raises(AssertionError, match="in full"):
        _scan(capsys, tree, cache_dir, "--no-cache")
    assert calls == ["scan"]


def test_a_damaged_memo_means_a_full_scan_that_writes_it_again(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _scan(capsys, tree, cache_dir)
    (memo,) = (cache_dir / rescan.MEMO_DIR_NAME).iterdir()
    for damage in (b"{", b"[]", b'{"format": "fmbom-scan-memo-1"}', b"\xff"):
        memo.write_bytes(damage)
        assert _scan(capsys, tree, cache_dir) == first
        assert json.loads(memo.read_bytes())["format"] == "fmbom-scan-memo-1"
    document = json.loads(memo.read_bytes())
    document["problems"] = [3]
    memo.write_text(json.dumps(document), encoding="utf-8")
    assert _scan(capsys, tree, cache_dir) == first


def test_a_changed_fmbom_is_a_different_scanner(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _scan(capsys, tree, cache_dir)
    own = rescan._own_files()
    assert any(path.endswith("_rescan.py") for path, _, _ in own)
    monkeypatch.setattr(rescan, "_own_files", lambda: [*own, ["new.py", 1, 1]])
    calls = _no_full_scan(monkeypatch)
    with pytest.raises(AssertionError, match="in full"):
        _scan(capsys, tree, cache_dir)
    assert calls == ["scan"]


def test_a_tree_that_changed_a_moment_ago_is_not_remembered(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rescan, "RACY_SECONDS", 3600)
    (tree / "config.json").touch()
    _scan(capsys, tree, cache_dir)
    assert not (cache_dir / rescan.MEMO_DIR_NAME).exists()


def test_a_tree_with_a_symlinked_folder_is_not_remembered(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tree / "linked").symlink_to(outside, target_is_directory=True)
    assert rescan.fingerprint(tree) is None
    _scan(capsys, tree, cache_dir)
    assert not (cache_dir / rescan.MEMO_DIR_NAME).exists()
    (tree / "linked").unlink()
    (tree / "dangling").symlink_to(tmp_path / "nowhere")
    found = rescan.fingerprint(tree)
    assert found is not None
    assert [entry[7:] for entry in found if entry[0] == "dangling"] == [
        [str(tmp_path / "nowhere"), None]
    ]


def test_a_single_file_and_a_missing_root(tmp_path: Path) -> None:
    weights = tmp_path / "model.gguf"
    weights.write_bytes(b"GGUF")
    found = rescan.fingerprint(weights)
    assert found is not None
    assert [entry[0] for entry in found] == [""]
    assert rescan.fingerprint(tmp_path / "missing") is None


def test_an_unwritable_memo_is_a_warning(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / rescan.MEMO_DIR_NAME).write_text("a file, not a folder", encoding="utf-8")
    code, out, err = _scan(capsys, tree, cache)
    assert code == 0
    assert json.loads(out)["fmbom"] == "1"
    assert "fmbom: warning: cannot write the scan memo in" in err


def test_an_invalid_source_date_epoch_is_the_scan_s_error(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _scan(capsys, tree, cache_dir)
    for wrong in ("soon", "-5", "99999999999999999"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", wrong)
        assert rescan.recorded_time() is None
        code, out, err = _scan(capsys, tree, cache_dir)
        assert (code, out) == (2, "")
        assert err.startswith(f"fmbom: error: SOURCE_DATE_EPOCH='{wrong}'")


def test_a_replay_imports_no_object_model(tree: Path, cache_dir: Path) -> None:
    main(["scan", str(tree), "--cache-dir", str(cache_dir), "-o", str(cache_dir / "a.json")])
    out = cache_dir / "b.json"
    code = (
        "import sys, json\nfrom fmbom.cli import main\n"
        f"main(['scan', {str(tree)!r}, '--cache-dir', {str(cache_dir)!r}, '-o', {str(out)!r}])\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = json.loads(result.stdout.splitlines()[-1])
    heavy = ("attr", "attrs", "cattrs", "fmbom.scan", "fmbom.model", "fmbom.bom", "fmbom.errors")
    assert [m for m in loaded if m in heavy or m.startswith(tuple(f"{h}." for h in heavy))] == []
    assert out.read_bytes() == (cache_dir / "a.json").read_bytes()


def test_the_cache_folder_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert rescan.default_cache_dir() == tmp_path / "fmbom"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    assert rescan.default_cache_dir() == Path.home() / ".cache" / "fmbom"


def test_what_cannot_be_fingerprinted(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked = tmp_path / "linked-root"
    linked.symlink_to(tree, target_is_directory=True)
    through_link, direct = rescan.fingerprint(linked), rescan.fingerprint(tree)
    assert through_link is not None
    assert direct is not None
    assert through_link[0][7] == str(tree)  # the link, then the same entries as the tree's
    assert through_link[1:] == direct[1:]
    (tree / "sub").mkdir()
    real = os.scandir

    def failing(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "sub":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", failing)
    assert rescan.fingerprint(tree) is None


def test_a_memo_whose_document_has_no_metadata_is_not_replayed(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _scan(capsys, tree, cache_dir)
    (memo,) = (cache_dir / rescan.MEMO_DIR_NAME).iterdir()
    document = json.loads(memo.read_bytes())
    document["document"]["metadata"] = "none"
    memo.write_text(json.dumps(document), encoding="utf-8")
    assert _scan(capsys, tree, cache_dir) == first


def test_a_memo_that_cannot_be_renamed_into_place_is_a_warning(
    tree: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace

    def refuse(source: str, target: str) -> None:
        if Path(target).parent.name == rescan.MEMO_DIR_NAME:
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = _scan(capsys, tree, cache_dir)
    assert code == 0
    assert json.loads(out)["fmbom"] == "1"
    assert "cannot write the scan memo in" in err
    assert "No space left on device" in err
    assert list((cache_dir / rescan.MEMO_DIR_NAME).iterdir()) == []


@pytest.mark.parametrize("seconds", [0, 1700000000, 1800000000, 4102444800, 253402300799])
def test_the_replayed_time_is_written_as_the_native_format_writes_it(seconds: int) -> None:
    import datetime

    from fmbom import native

    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    assert rescan._native_time(seconds) == native._unstructure_datetime(moment)


def test_an_unknown_algorithm_has_no_memo(tree: Path, cache_dir: Path) -> None:
    assert rescan.ScanMemo.of(tree, cache_dir, "md4", None, None) is None
    memo = rescan.ScanMemo.of(tree, cache_dir, "SHA-256", None, None)
    assert memo is not None
    assert memo.key == rescan.ScanMemo.of(tree, cache_dir, "sha256", None, None).key  # type: ignore[union-attr]
