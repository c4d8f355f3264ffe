"""The state one scan carries: its file records, problems, components, relations and sources.

:class:`ScanContext` is shared by every unit of a scan; :class:`UnitScope` is the view of one
unit directory (its files by path relative to the unit) that the readers of weights,
tokenizers and cards work on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

import attrs

from fmbom import evidence
from fmbom.model import (
    AnyComponent,
    DerivationMethod,
    Digest,
    HashAlgorithm,
    Relation,
    RelationKind,
)
from fmbom.scan._frontmatter import FrontMatterError, parse_front_matter, split_front_matter
from fmbom.scan._lfs import LfsPointer
from fmbom.scan._result import ScanProblem, Source
from fmbom.scan._walk import FoundFile

__all__ = [
    "MAX_CARD",
    "MAX_JSON",
    "FileRecord",
    "P",
    "ScanContext",
    "UnitScope",
    "ref_part",
]

#: The namespace of the properties the scanner writes.
P: Final = "fmbom:scan:"
MAX_JSON: Final = 64 << 20
MAX_CARD: Final = 8 << 20


@attrs.define
class FileRecord:
    """One file of the scanned tree, with what hashing found and whether a unit claimed it."""

    found: FoundFile
    digest: Digest | None = None
    lfs: LfsPointer | None = None
    error: str | None = None
    used: bool = False
    #: The blob a Hugging Face cache snapshot links the file to (its name is a digest).
    blob: str | None = None

    @property
    def rel(self) -> str:
        return self.found.rel

    @property
    def name(self) -> str:
        return self.found.rel.rpartition("/")[2]

    @property
    def size(self) -> int:
        return self.lfs.size if self.lfs is not None else self.found.stat.st_size

    def evidence(self) -> evidence.FileRecord:
        """The file as a component's file record."""
        return evidence.FileRecord(
            path=self.rel, size=self.size, digest=self.digest, lfs_pointer=self.lfs is not None
        )

    def head(self, count: int) -> bytes:
        """The first ``count`` bytes of the file (empty for an LFS pointer or when unreadable)."""
        if self.lfs is not None:
            return b""
        try:
            with self.found.path.open("rb") as handle:
                return handle.read(count)
        except OSError:
            return b""


def ref_part(text: str) -> str:
    """``text`` made safe for a bom-ref: printable ASCII, at most 400 characters."""
    cleaned = re.sub(r"[^!-~]", "_", text)
    return cleaned[:400] if cleaned else "_"


class ScanContext:
    """Problems, components, relations and sources gathered while a tree is scanned."""

    def __init__(self, algorithm: HashAlgorithm, version: str | None) -> None:
        self.algorithm = algorithm
        self.version = version
        self.problems: list[ScanProblem] = []
        self.root_parts: tuple[str, ...] = ()
        self.real_root = Path()
        self.components: dict[str, AnyComponent] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}
        #: (component ref, field) -> where the field's value came from.
        self.sources: dict[tuple[str, str], Source] = {}
        #: component ref -> the files it claimed.
        self.files: dict[str, list[evidence.FileRecord]] = {}
        #: The Hugging Face cache repository id and revision when a cache snapshot is scanned.
        self.repo_id: str | None = None
        self.repo_type: str | None = None
        self.revision: str | None = None

    def warn(self, path: str, message: str) -> None:
        self.problems.append(ScanProblem(path=path, message=message, severity="warning"))

    def error(self, path: str, message: str) -> None:
        self.problems.append(ScanProblem(path=path, message=message, severity="error"))

    def add(self, component: AnyComponent) -> str:
        self.components.setdefault(component.ref, component)
        return component.ref

    def relate(
        self,
        source: str,
        kind: RelationKind,
        target: str,
        method: DerivationMethod | None = None,
    ) -> None:
        relation = Relation(kind=kind, source=source, target=target, method=method)
        self.relations.setdefault(relation.key, relation)

    def note(self, ref: str, field: str, file: str, locator: str, *, derived: bool = False) -> None:
        """Record that ``field`` of component ``ref`` was read from ``file`` at ``locator``."""
        self.sources.setdefault((ref, field), Source(file=file, locator=locator, derived=derived))

    # --- reading files -----------------------------------------------------------------------

    def read_text(self, record: FileRecord, limit: int) -> str | None:
        if record.lfs is not None:
            self.warn(record.rel, "is a Git LFS pointer; its content is not present")
            return None
        if record.found.stat.st_size > limit:
            self.warn(record.rel, f"larger than {limit} bytes; not read")
            return None
        try:
            return record.found.path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            self.error(record.rel, f"cannot read: {error.strerror or error}")
        except UnicodeDecodeError:
            self.error(record.rel, "not UTF-8 text")
        return None

    def read_json(self, record: FileRecord | None) -> Any:
        if record is None:
            return None
        text = self.read_text(record, MAX_JSON)
        if text is None:
            return None
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as error:
            self.error(record.rel, f"not valid JSON: {error}")
            return None

    def read_card(self, record: FileRecord | None) -> tuple[dict[str, Any] | None, str]:
        """The front matter of a card (None when it has none or it cannot be read) and the
        Markdown body after it."""
        if record is None:
            return None, ""
        text = self.read_text(record, MAX_CARD)
        if text is None:
            return None, ""
        block = split_front_matter(text)
        if block is None:
            return None, text
        try:
            return parse_front_matter(*block), _body_after(text)
        except FrontMatterError as error:
            self.warn(record.rel, f"front matter not read: {error}")
            return None, _body_after(text)


def _body_after(text: str) -> str:
    """The Markdown after a ``---`` fenced front matter block."""
    lines = text.splitlines()
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[index + 1 :])
    return ""


class UnitScope:
    """One model, adapter or dataset directory of the scanned tree: its files by the path
    relative to the unit directory, the ref prefix of its components and its version."""

    def __init__(
        self, state: ScanContext, rel: str, name: str, files: dict[str, FileRecord]
    ) -> None:
        self.state = state
        self.rel = rel
        self.name = name
        self.files = files
        self.prefix = ref_part(rel) + "/" if rel else ""
        # The release version describes the scanned root's own unit (its main component and
        # its evaluations), not the units inside it, and never the parts (weights, tokenizer)
        # whose identity is their content.
        self.version = state.version if not rel else None
        self.headers: dict[str, Any] = {}

    @property
    def where(self) -> str:
        """The unit's path for problems: its directory, ``.`` for the root."""
        return self.rel or "."

    def file(self, name: str) -> FileRecord | None:
        return self.files.get(name)

    def path_of(self, name: str) -> str:
        """The tree-relative path of a file of this unit."""
        record = self.files.get(name)
        if record is not None:
            return record.rel
        return f"{self.rel}/{name}" if self.rel else name

    def json(self, name: str) -> Any:
        return self.state.read_json(self.files.get(name))

    def use(self, ref: str, *records: FileRecord | None) -> None:
        """Claim files for component ``ref``: each becomes one of its typed file records."""
        for record in records:
            if record is not None and not record.used:
                record.used = True
                self.state.files.setdefault(ref, []).append(record.evidence())

    def note(self, ref: str, field: str, name: str, locator: str, *, derived: bool = False) -> None:
        """Record the source of a field read from this unit's file ``name``."""
        self.state.note(ref, field, self.path_of(name), locator, derived=derived)
