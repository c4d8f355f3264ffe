"""Building a BOM from a model directory: walk, hash, find the units, assemble.

The scan never loads tensors, never unpickles, never writes inside the scanned tree and
never follows a symlink out of it (a Hugging Face cache snapshot's links into its
repository's ``blobs/`` stay inside the repository folder, which is the boundary then).
Problems with single files (unreadable, malformed headers, unsupported card syntax) are
collected in :attr:`ScanResult.problems` and the scan goes on; only a root that does not
exist or cannot be scanned raises :class:`ScanError`.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import attrs

from fmbom._rescan import recorded_time
from fmbom._version import __version__
from fmbom.bom import Bom, BomMetadata, Subject, Tool
from fmbom.errors import BomValidationError, ScanError, ValidationError
from fmbom.evidence import FieldSource
from fmbom.governance import Unit
from fmbom.model import HashAlgorithm, Property, Software, SoftwareRole
from fmbom.scan._context import FileRecord, P, ScanContext, UnitScope, ref_part
from fmbom.scan._hashing import new_hasher
from fmbom.scan._hashrun import HashRunner, hash_records
from fmbom.scan._layout import CacheRepo, find_cache_repo, group_units
from fmbom.scan._result import ProgressCallback, ScanProblem, ScanResult
from fmbom.scan._units import build_unit, main_component
from fmbom.scan._walk import FoundFile, escape_name, stat_root, walk_tree

__all__ = ["ProgressCallback", "ScanProblem", "ScanResult", "scan", "scan_timestamp"]


def scan_timestamp() -> datetime.datetime:
    """The time a scan records: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now
    (UTC, whole seconds). Raises :class:`ScanError` when ``SOURCE_DATE_EPOCH`` is not a
    non-negative integer."""
    moment = recorded_time()
    if moment is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        raise ScanError(
            f"SOURCE_DATE_EPOCH={epoch!r}: not a number of seconds since 1970-01-01"
        ) from None
    return moment


def scan(
    path: str | os.PathLike[str],
    *,
    algorithm: str | HashAlgorithm = HashAlgorithm.SHA256,
    use_cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    name: str | None = None,
    version: str | None = None,
    runner: HashRunner | None = None,
) -> ScanResult:
    """Scan a model directory (or one file) and build its BOM.

    ``algorithm`` is any spelling of a :class:`HashAlgorithm` (default SHA-256);
    ``use_cache`` and ``cache_dir`` control the hash cache (default under
    ``$XDG_CACHE_HOME/fmbom``); ``workers`` is the number of hashing threads (default: the
    number of CPUs); ``progress`` is called with (bytes done, bytes total) while hashing.
    ``name`` and ``version`` describe the release; without ``name`` the name is the one the
    files state (a cache repository id, a GGUF ``general.name``, a dataset's ``pretty_name``)
    and the directory's name only when they state none. ``path`` may be a Hugging Face cache
    repository folder (``models--ORG--NAME``) or one of its snapshots. ``runner`` hashes the
    files that need hashing (default: ``workers`` local threads; :mod:`fmbom.fleet` passes
    one that runs on an executor).
    Raises :class:`ScanError` when ``path`` does not exist or cannot be scanned.
    """
    algo = algorithm if isinstance(algorithm, HashAlgorithm) else HashAlgorithm.parse(algorithm)
    new_hasher(algo)
    timestamp = scan_timestamp()
    root = Path(path)
    info = stat_root(root)
    from fmbom.scan._deploy import looks_like_deployment, scan_deployment

    if looks_like_deployment(root):
        return scan_deployment(root, name=name, version=version, timestamp=timestamp)
    state = ScanContext(algo, version)
    cache_repo = find_cache_repo(root) if root.is_dir() else None
    if cache_repo is not None:
        root = cache_repo.snapshot
        state.repo_id, state.repo_type = cache_repo.repo_id, cache_repo.repo_type
        state.revision = cache_repo.revision
    if root.is_dir():
        boundary = cache_repo.folder if cache_repo is not None else None
        found, walk_warnings = walk_tree(root, boundary=boundary)
        folder_name = escape_name(Path(os.path.realpath(root)).name) or "model"
        state.real_root = Path(os.path.realpath(root))
        state.root_parts = state.real_root.parts
    elif root.is_file():
        found, walk_warnings = [FoundFile(rel=escape_name(root.name), path=root, stat=info)], []
        folder_name = escape_name(root.name)
        state.real_root = Path(os.path.realpath(root)).parent
    else:
        raise ScanError(f"{root}: neither a regular file nor a directory; cannot scan")
    state.problems.extend(ScanProblem(path=p, message=m) for p, m in walk_warnings)
    records = [FileRecord(found=f, blob=_blob(f, cache_repo)) for f in found]
    bytes_hashed, hits = hash_records(
        state,
        records,
        use_cache=use_cache,
        cache_dir=cache_dir,
        workers=workers,
        progress=progress,
        runner=runner,
    )
    bom = _assemble(state, records, name, folder_name, timestamp)
    return ScanResult(
        bom=bom,
        problems=tuple(state.problems),
        files=len(records),
        bytes_hashed=bytes_hashed,
        cache_hits=hits,
        sources=dict(sorted(state.sources.items())),
    )


def _blob(found: FoundFile, cache_repo: CacheRepo | None) -> str | None:
    """The blob name a cache snapshot's file links to (None outside a cache)."""
    if cache_repo is None:
        return None
    real = Path(os.path.realpath(found.path))
    return real.name if real.parent == cache_repo.folder / "blobs" else None


def _assemble(
    state: ScanContext,
    records: list[FileRecord],
    name: str | None,
    folder_name: str,
    timestamp: datetime.datetime,
) -> Bom:
    readable = [r for r in records if r.error is None]
    units = group_units(readable)
    subject_licenses: tuple[str, ...] = ()
    for unit_rel in sorted(units, key=lambda u: (u.count("/"), u)):
        files = units[unit_rel]
        unit_name = folder_name if not unit_rel else unit_rel.rpartition("/")[2]
        licenses = _build_guarded(state, unit_rel, unit_name, files, name)
        if not unit_rel:
            subject_licenses = licenses
    for record in readable:
        if not record.used:
            state.add(_unknown_file(record))
            _unreadable_config(state, record)
    _attach_evidence(state)
    main = main_component(state.components, "")
    if name:
        subject_name = name
    elif main is not None:
        subject_name = f"{main.group}/{main.name}" if main.group else main.name
    else:
        subject_name = state.repo_id or folder_name
    subject = Subject(
        name=subject_name,
        version=state.version,
        unit=Unit.RELEASE_ARTIFACT,
        licenses=subject_licenses,
    )
    metadata = BomMetadata(
        subject=subject,
        timestamp=timestamp,
        tools=(Tool(name="fmbom", version=__version__),),
    )
    try:
        return Bom(
            metadata=metadata,
            components=tuple(state.components.values()),
            relations=tuple(state.relations.values()),
        )
    except BomValidationError as error:
        raise ScanError(f"the scanned layout gives an inconsistent BOM: {error}") from None


def _build_guarded(
    state: ScanContext, rel: str, unit_name: str, files: dict[str, FileRecord], name: str | None
) -> tuple[str, ...]:
    """Build one unit; a value the object model refuses is a problem naming its file.

    The unit is built again without each file it read, in turn; the first file whose absence
    makes the build succeed is reported and recorded as a plain file, and the unit keeps
    everything else. When no single file explains it, the whole unit is reported and its
    files are recorded as plain files, so the rest of the BOM is still built.
    """
    first = _try_unit(state, rel, unit_name, files, name)
    if not isinstance(first, _Refused):
        return first
    for suspect in first.reads:
        trimmed = {key: record for key, record in files.items() if record.rel != suspect}
        attempt = _try_unit(state, rel, unit_name, trimmed, name)
        if not isinstance(attempt, _Refused):
            state.error(suspect, f"a value is not accepted ({first.error}); the file is left out")
            return attempt
    state.error(
        rel or ".",
        f"a value in {', '.join(sorted(first.reads))} is not accepted ({first.error}); "
        "the files are recorded as plain files",
    )
    return ()


@attrs.frozen
class _Refused:
    """A unit the object model refused: the error, and the files read while building it."""

    error: ValidationError
    reads: tuple[str, ...]


def _try_unit(
    state: ScanContext, rel: str, unit_name: str, files: dict[str, FileRecord], name: str | None
) -> tuple[str, ...] | _Refused:
    """Build a unit, or take back everything it added and say why."""
    components, relations, sources = len(state.components), len(state.relations), len(state.sources)
    problems, reads = len(state.problems), len(state.reads)
    claimed = {ref: len(records) for ref, records in state.files.items()}
    try:
        return build_unit(UnitScope(state, rel, unit_name, files), name)
    except ValidationError as error:
        for ref in list(state.files):
            if ref in claimed:
                del state.files[ref][claimed[ref] :]
            else:
                del state.files[ref]
        for key in list(state.components)[components:]:
            del state.components[key]
        for relation in list(state.relations)[relations:]:
            del state.relations[relation]
        for source in list(state.sources)[sources:]:
            del state.sources[source]
        for record in files.values():
            record.used = False
        del state.problems[problems:]
        return _Refused(error=error, reads=tuple(dict.fromkeys(state.reads[reads:])))


def _attach_evidence(state: ScanContext) -> None:
    """Give every component the files it claimed and the sources of its fields."""
    sources: dict[str, list[FieldSource]] = {}
    for (ref, field), source in state.sources.items():
        sources.setdefault(ref, []).append(
            FieldSource(
                field=field, file=source.file, locator=source.locator, derived=source.derived
            )
        )
    for ref, component in list(state.components.items()):
        changes: dict[str, Any] = {}
        if ref in sources:
            changes["sources"] = sources[ref]
        files = state.files.get(ref)
        if files and "files" in attrs.fields_dict(type(component)):
            changes["files"] = (*getattr(component, "files", ()), *files)
        if changes:
            state.components[ref] = attrs.evolve(component, **changes)


def _unreadable_config(state: ScanContext, record: FileRecord) -> None:
    """A YAML file no unit claimed that cannot be read as YAML may be a deployment
    configuration gone wrong: say why it was only recorded as a file (local files only)."""
    if not isinstance(record.found.path, Path):
        return
    from fmbom.scan._deploy import unreadable_yaml

    found = unreadable_yaml(record.found.path, record.rel)
    if found is not None:
        where, why = found
        state.warn(
            where,
            f"not read as a deployment configuration ({why}); recorded as an unrecognised file",
        )


def _unknown_file(record: FileRecord) -> Software:
    properties = [Property(name=P + "path", value=record.rel)]
    properties.append(Property(name=P + "size", value=str(record.size)))
    properties.append(Property(name=P + "unrecognised", value="true"))
    if record.lfs is not None:
        properties.append(Property(name=P + "lfs-pointer", value="true"))
    return Software(
        ref="file:" + ref_part(record.rel),
        name=record.rel,
        role=SoftwareRole.OTHER,
        digests=(record.digest,) if record.digest else (),
        properties=properties,
    )
