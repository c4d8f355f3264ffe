"""Scanning through fsspec: ``http(s)://``, ``s3://``, ``gs://``, ``hf://`` and any other URL.

The remote tree is listed once (``find``); each file becomes a record whose path is a
:class:`RemotePath`, which the single scan's readers use as they use a local file:
``open("rb")`` gives a file object that fetches byte ranges on demand (a safetensors or
GGUF header costs a few ranged reads, never the whole shard) and ``read_bytes`` fetches a
small file (configs, cards, tokenizer files, within the scan's size limits). Hashing streams
each file through the executor (:func:`fmbom.fleet._work.hash_remote_batch`). Where the store
publishes a file's SHA-256 (the LFS metadata of the Hugging Face Hub, for ``hf://``) and
SHA-256 is asked for, that digest is recorded instead of downloading the file, and the
component's sources say so.

Credentials come from where fsspec and its backends look for them (``~/.aws``, environment
variables, ``gcloud`` configuration, the Hugging Face token) or from ``storage_options``;
fmbom never writes them: every URL it records or prints has its user, password, query and
fragment removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat as stat_module
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import IO, Any, Final, cast
from urllib.parse import urlsplit, urlunsplit

import attrs

from fmbom.errors import ScanError
from fmbom.evidence import FieldSource
from fmbom.fleet._discover import discover_units, top_is_marked
from fmbom.fleet._work import ExecutorRunner, describe_error
from fmbom.model import HashAlgorithm
from fmbom.scan._context import FileRecord, ScanContext
from fmbom.scan._hashing import HashJob, HashOutcome
from fmbom.scan._hashrun import HashRunner, hash_records
from fmbom.scan._result import ProgressCallback, ScanProblem, ScanResult
from fmbom.scan._scanner import _assemble, scan_timestamp
from fmbom.scan._walk import FoundFile, escape_name

__all__ = [
    "PUBLISHED_DIGEST",
    "RemotePath",
    "RemoteTree",
    "is_url",
    "public_url",
    "scan_url",
]

#: Bytes fetched per ranged read when a header is read.
_BLOCK: Final = 1 << 20
#: The locator of a digest taken from the store's metadata.
PUBLISHED_DIGEST: Final = (
    "sha256 published by the store (Hugging Face LFS metadata); not downloaded"
)
_HF_REPO: Final = re.compile(
    r"^/?(?:(?P<type>datasets|spaces)/)?(?P<id>[^/@]+/[^/@]+)(?:@(?P<rev>[^/]+))?(?:/|$)"
)


def is_url(text: str) -> bool:
    """True for ``SCHEME://...`` (a path for fsspec), false for a local path."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text) is not None


def public_url(url: str) -> str:
    """``url`` without user, password, query and fragment: what fmbom records and prints."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("?", 1)[0].split("#", 1)[0]
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = host if "@" in parts.netloc else parts.netloc
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


_short = describe_error


class RemotePath:
    """A file of an fsspec filesystem, read the way the scanner reads a local file."""

    __slots__ = ("filesystem", "name", "published", "remote_path", "url")

    def __init__(
        self, filesystem: Any, remote_path: str, url: str, published: str | None = None
    ) -> None:
        self.filesystem = filesystem
        self.remote_path = remote_path
        self.url = url
        self.name = PurePosixPath(remote_path).name
        #: The SHA-256 the store publishes for the file, when it does.
        self.published = published

    def open(self, mode: str = "rb", buffering: int = -1) -> IO[bytes]:
        """A file object that fetches what is read, a block at a time (ranged reads);
        ``buffering`` is accepted as :meth:`pathlib.Path.open` takes it (fsspec buffers)."""
        if mode != "rb" or buffering < -1:
            raise OSError(f"{self.url}: remote files are read only")
        try:
            handle = self.filesystem.open(
                self.remote_path, "rb", block_size=_BLOCK, cache_type="readahead"
            )
        except Exception as error:  # noqa: BLE001 - transport errors become the scan's OSError
            raise OSError(_short(error)) from None
        return cast("IO[bytes]", _RemoteFile(handle))

    def read_bytes(self) -> bytes:
        """The whole file (the scanner asks only for small files)."""
        try:
            return cast("bytes", self.filesystem.cat_file(self.remote_path))
        except Exception as error:  # noqa: BLE001 - as in open
            raise OSError(_short(error)) from None

    def stat(self) -> os.stat_result:
        raise OSError(f"{self.url}: a remote file has no local status")

    def __str__(self) -> str:
        return self.url

    def __fspath__(self) -> str:
        raise TypeError(f"{self.url} is not a local path")


class _RemoteFile:
    """An fsspec file whose every failure is an :class:`OSError` (the readers' contract): a
    server that refuses ranged reads, a dropped connection, an expired credential."""

    __slots__ = ("handle",)

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def read(self, size: int = -1) -> bytes:
        try:
            return cast("bytes", self.handle.read(size))
        except Exception as error:  # noqa: BLE001 - see the class
            raise OSError(_short(error)) from None

    def seek(self, offset: int, whence: int = 0) -> int:
        try:
            return int(self.handle.seek(offset, whence))
        except Exception as error:  # noqa: BLE001 - see the class
            raise OSError(_short(error)) from None

    def tell(self) -> int:
        return int(self.handle.tell())

    def close(self) -> None:
        # nothing was written: a failure to close cannot lose data
        with contextlib.suppress(Exception):
            self.handle.close()

    def __enter__(self) -> _RemoteFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stat(size: int, number: int) -> os.stat_result:
    """A stand-in status: a read-only regular file of ``size`` bytes with a unique inode."""
    return os.stat_result((stat_module.S_IFREG | 0o444, number, 0, 1, 0, 0, size, 0, 0, 0))


def _published_sha256(info: Mapping[str, Any]) -> str | None:
    lfs = info.get("lfs")
    if lfs is None:
        return None
    value = lfs.get("sha256") if isinstance(lfs, Mapping) else getattr(lfs, "sha256", None)
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return value
    return None


def _list(filesystem: Any, root: str, shown: str) -> tuple[dict[str, Any], bool]:
    """Every file under ``root`` with its details, and whether ``root`` is one file."""
    try:
        listing = filesystem.find(root, detail=True, withdirs=False)
        if listing and list(listing) != [root.rstrip("/")]:
            return dict(listing), False
        info = filesystem.info(root)
    except FileNotFoundError as error:
        cause = error.__cause__
        if cause is not None and not isinstance(cause, FileNotFoundError):
            raise ScanError(f"{shown}: cannot list: {_short(cause)}") from None
        raise ScanError(f"{shown}: no such file or directory") from None
    except Exception as error:  # noqa: BLE001 - any transport or permission error
        raise ScanError(f"{shown}: cannot list: {_short(error)}") from None
    if info.get("type") != "file":
        raise ScanError(f"{shown}: no such file or directory")
    return {root: info}, True


@attrs.define
class RemoteTree:
    """A remote folder (or file) listed once: its filesystem, root and files."""

    url: str
    filesystem: Any
    root: str
    files: list[FoundFile]
    single_file: bool = False
    #: (path, message) for files that are listed but cannot be read.
    warnings: list[tuple[str, str]] = attrs.field(factory=list)

    @classmethod
    def open(cls, url: str, storage_options: Mapping[str, Any] | None = None) -> RemoteTree:
        """List ``url``; :class:`ScanError` naming it (without credentials) when fsspec or
        the backend for its scheme is missing, or it cannot be listed or does not exist."""
        shown = public_url(url)
        try:
            from fsspec.core import url_to_fs
        except ImportError:
            raise ScanError(
                f"{shown}: remote sources need the 'remote' extra: pip install 'fmbom[remote]'"
            ) from None
        try:
            filesystem, root = url_to_fs(url, **dict(storage_options or {}))
        except ImportError as error:
            raise ScanError(f"{shown}: {_short(error)}") from None
        except (ValueError, TypeError) as error:
            raise ScanError(f"{shown}: not a URL fsspec can open: {_short(error)}") from None
        # listed as given: an HTTP folder's links resolve against its URL with the final slash
        listing, single = _list(filesystem, str(root), shown)
        root = str(root).rstrip("/") or str(root)
        files: list[FoundFile] = []
        warnings: list[tuple[str, str]] = []
        base = root.rstrip("/") + "/"
        for number, (path, info) in enumerate(sorted(listing.items()), start=1):
            rel = PurePosixPath(path).name if single else str(path)[len(base) :]
            if not rel or (not single and not str(path).startswith(base)):
                continue
            size = info.get("size")
            if not isinstance(size, int):
                try:
                    size = int(filesystem.size(path))
                except Exception as error:  # noqa: BLE001 - reported, the file is skipped
                    warnings.append((escape_name(rel), f"cannot read: {_short(error)}"))
                    continue
            remote = RemotePath(
                filesystem,
                path,
                f"{shown.rstrip('/')}/{rel}" if not single else shown,
                _published_sha256(info),
            )
            files.append(
                FoundFile(rel=escape_name(rel), path=cast("Path", remote), stat=_stat(size, number))
            )
        return cls(
            url=shown,
            filesystem=filesystem,
            root=root,
            files=files,
            single_file=single,
            warnings=warnings,
        )

    def units(self) -> tuple[list[str], list[ScanProblem]]:
        """The fleet units of the tree (paths relative to its root)."""
        listed = [ScanProblem(path=p, message=m) for p, m in self.warnings]
        if self.single_file:
            return ["."], listed
        discovery = discover_units(self.files, root_is_unit=top_is_marked(self.files))
        return list(discovery.units), [*listed, *discovery.problems]

    def scan(
        self,
        unit: str,
        *,
        algorithm: HashAlgorithm,
        runner: HashRunner | None = None,
        workers: int | None = None,
        name: str | None = None,
        version: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> ScanResult:
        """Scan one unit of the tree (``.`` for all of it) as the single scan does."""
        timestamp = scan_timestamp()
        prefix = "" if unit == "." else unit.rstrip("/") + "/"
        found = [
            attrs.evolve(f, rel=f.rel[len(prefix) :])
            for f in self.files
            if f.rel.startswith(prefix) or (not prefix)
        ]
        if unit != "." and len(found) == 0:
            found = [attrs.evolve(f, rel=f.rel) for f in self.files if f.rel == unit]
            if found:
                found = [attrs.evolve(found[0], rel=PurePosixPath(unit).name)]
        path = self.root if unit == "." else f"{self.root.rstrip('/')}/{unit}"
        state = ScanContext(algorithm, version)
        state.root_parts = PurePosixPath(path).parts
        state.real_root = Path(PurePosixPath(path))
        repo = _HF_REPO.match(path) if self.url.startswith("hf://") else None
        if repo is not None:
            state.repo_id = repo.group("id")
            state.repo_type = repo.group("type") or "models"
            state.revision = repo.group("rev")
        records = [FileRecord(found=f) for f in found]
        if unit == ".":
            state.problems.extend(ScanProblem(path=p, message=m) for p, m in self.warnings)
        bytes_hashed, _ = hash_records(
            state,
            records,
            use_cache=False,
            cache_dir=None,
            workers=workers,
            progress=progress,
            runner=runner if runner is not None else _default_runner(workers),
        )
        folder = escape_name(PurePosixPath(path).name) or "model"
        bom = _assemble(state, records, name, folder, timestamp)
        published = {
            r.rel: r.found.path.published  # type: ignore[attr-defined]
            for r in records
            if getattr(r.found.path, "published", None) is not None
            and r.digest is not None
            and r.digest.value == r.found.path.published  # type: ignore[attr-defined]
        }
        if published:
            bom = _with_published_sources(bom, published)
        return ScanResult(
            bom=bom,
            problems=tuple(state.problems),
            files=len(records),
            bytes_hashed=bytes_hashed,
            cache_hits=0,
            sources=dict(sorted(state.sources.items())),
        )


def _default_runner(workers: int | None) -> HashRunner:
    """Hash in a pool of ``workers`` threads that lives as long as the hashing."""

    def run(
        jobs: Sequence[HashJob], algorithm: HashAlgorithm, on_bytes: Callable[[int], None]
    ) -> list[HashOutcome]:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fmbom-hash") as pool:
            return ExecutorRunner(pool)(jobs, algorithm, on_bytes)

    return run


def scan_url(
    url: str,
    *,
    algorithm: str | HashAlgorithm = HashAlgorithm.SHA256,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    name: str | None = None,
    version: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> ScanResult:
    """Scan a model folder (or one file) at ``url`` through fsspec, as :func:`fmbom.scan.scan`
    scans a local one.

    ``storage_options`` go to fsspec (credentials otherwise come from the backend's usual
    configuration). Hashing runs on ``executor`` (default: ``workers`` threads). Raises
    :class:`ScanError` when the URL cannot be opened or listed.
    """
    algo = algorithm if isinstance(algorithm, HashAlgorithm) else HashAlgorithm.parse(algorithm)
    tree = RemoteTree.open(url, storage_options)
    runner = ExecutorRunner(executor) if executor is not None else None
    return tree.scan(
        ".",
        algorithm=algo,
        runner=runner,
        workers=workers,
        name=name,
        version=version,
        progress=progress,
    )


def _with_published_sources(bom: Any, published: Mapping[str, str]) -> Any:
    """Say, on each component, which of its files' digests the store published."""
    components = []
    for component in bom.components:
        files = getattr(component, "files", ())
        notes = [
            FieldSource(field=f"files[{f.path}].digest", file=f.path, locator=PUBLISHED_DIGEST)
            for f in files
            if f.path in published
        ]
        sources = (*component.sources, *notes)
        components.append(attrs.evolve(component, sources=sources) if notes else component)
    return attrs.evolve(bom, components=tuple(components))
