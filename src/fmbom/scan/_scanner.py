"""Building a BOM from a model directory: walk, hash, read the layouts, assemble.

The scan never loads tensors, never unpickles, never writes inside the scanned tree and
never follows a symlink out of it. Problems with single files (unreadable, malformed
headers, unsupported card syntax) are collected in :attr:`ScanResult.problems` and the scan
goes on; only a root that does not exist or cannot be scanned raises :class:`ScanError`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal

import attrs

from fmbom._version import __version__
from fmbom.bom import Bom, BomMetadata, Subject, Tool
from fmbom.errors import BomValidationError, ScanError
from fmbom.governance import Evaluation, Governance, SourceType, Unit
from fmbom.model import (
    Adapter,
    AnyComponent,
    Dataset,
    DerivationMethod,
    Digest,
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    Model,
    ModelRole,
    Property,
    Quantization,
    Relation,
    RelationKind,
    Software,
    SoftwareRole,
    SpecialToken,
    Tokenizer,
    TokenizerType,
    WeightFile,
    WeightFormat,
    Weights,
)
from fmbom.scan import _hf
from fmbom.scan._cache import HashCache
from fmbom.scan._frontmatter import FrontMatterError, parse_front_matter, split_front_matter
from fmbom.scan._gguf import GGUF_FILE_TYPES, GgufArray, GgufHeader, read_gguf_header
from fmbom.scan._hashing import HashJob, hash_files, new_hasher
from fmbom.scan._lfs import MAX_POINTER_SIZE, LfsPointer, parse_lfs_pointer
from fmbom.scan._pickle import PICKLE_SUFFIXES, sniff_pickle
from fmbom.scan._safetensors import SafetensorsHeader, read_safetensors_header
from fmbom.scan._walk import FoundFile, walk_tree

__all__ = ["ProgressCallback", "ScanProblem", "ScanResult", "scan"]

#: ``progress(bytes_done, bytes_total)``, called from hashing threads under a lock.
ProgressCallback = Callable[[int, int], None]

P: Final = "fmbom:scan:"
_MAX_JSON: Final = 64 << 20
_MAX_CARD: Final = 8 << 20

_SHARD = re.compile(r"^(?P<stem>.+)-\d{5}-of-\d{5}(?P<ext>\.[A-Za-z0-9]+)$")
_DTYPE_NAMES: Final = {
    "F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16",
    "I64": "int64", "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8",
    "BOOL": "bool", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2",
}  # fmt: skip
_OTHER_FORMATS: Final = {
    ".onnx": WeightFormat.ONNX,
    ".h5": WeightFormat.KERAS,
    ".keras": WeightFormat.KERAS,
    ".msgpack": WeightFormat.FLAX,
    ".tflite": WeightFormat.TENSORFLOW,
    ".mlmodel": WeightFormat.COREML,
}
_FORMAT_BY_SUFFIX: Final = {
    ".safetensors": WeightFormat.SAFETENSORS,
    ".gguf": WeightFormat.GGUF,
    **dict.fromkeys(PICKLE_SUFFIXES, WeightFormat.PYTORCH_PICKLE),
    **_OTHER_FORMATS,
}
_CONFIG_FILES: Final = frozenset(
    {
        "config.json",
        "generation_config.json",
        "adapter_config.json",
        "quantize_config.json",
        "quant_config.json",
        "modules.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        "params.json",
        "preprocessor_config.json",
    }
)
_DOC_FILES = re.compile(
    r"^(README|MODEL_CARD|LICENSE|LICENCE|NOTICE|USE_POLICY|COPYING)([._-].*)?$", re.IGNORECASE
)
_TOKENIZER_FILES: Final = (
    "tokenizer.json",
    "tekken.json",
    "tokenizer.model",
    "spiece.model",
    "sentencepiece.bpe.model",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "chat_template.jinja",
    "chat_template.json",
)
_DATASET_KEYS: Final = frozenset(
    {
        "task_categories",
        "size_categories",
        "dataset_info",
        "configs",
        "annotations_creators",
        "source_datasets",
        "task_ids",
        "multilinguality",
        "language_creators",
        "pretty_name",
    }
)
_MODEL_KEYS: Final = frozenset({"base_model", "pipeline_tag", "model-index", "library_name"})
_EMBEDDING_TASKS: Final = frozenset({"sentence-similarity", "feature-extraction"})


@attrs.frozen(kw_only=True)
class ScanProblem:
    """A per-file problem: ``error`` (a file could not be read or understood) or ``warning``."""

    path: str
    message: str
    severity: Literal["error", "warning"] = "warning"

    def __str__(self) -> str:
        return f"{self.path}: {self.severity}: {self.message}"


@attrs.frozen(kw_only=True)
class ScanResult:
    """The BOM a scan built, the per-file problems it met, and what the hashing did."""

    bom: Bom
    problems: tuple[ScanProblem, ...] = ()
    files: int = 0
    bytes_hashed: int = 0
    cache_hits: int = 0

    @property
    def errors(self) -> tuple[ScanProblem, ...]:
        """Problems of severity ``error``."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[ScanProblem, ...]:
        """Problems of severity ``warning``."""
        return tuple(p for p in self.problems if p.severity == "warning")


@attrs.define
class _Record:
    found: FoundFile
    digest: Digest | None = None
    lfs: LfsPointer | None = None
    error: str | None = None
    used: bool = False

    @property
    def rel(self) -> str:
        return self.found.rel

    @property
    def name(self) -> str:
        return self.found.rel.rpartition("/")[2]

    @property
    def size(self) -> int:
        return self.lfs.size if self.lfs is not None else self.found.stat.st_size

    def file_line(self) -> str:
        digest = str(self.digest) if self.digest is not None else "unknown"
        return f"{digest} {self.size} {self.rel}"


def _ref_part(text: str) -> str:
    cleaned = re.sub(r"[^!-~]", "_", text)
    return cleaned[:400] if cleaned else "_"


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
) -> ScanResult:
    """Scan a model directory (or one file) and build its BOM.

    ``algorithm`` is any spelling of a :class:`HashAlgorithm` (default SHA-256);
    ``use_cache`` and ``cache_dir`` control the hash cache (default under
    ``$XDG_CACHE_HOME/fmbom``); ``workers`` is the number of hashing threads (default: the
    number of CPUs); ``progress`` is called with (bytes done, bytes total) while hashing.
    ``name`` and ``version`` describe the release (default name: the directory's name).
    Raises :class:`ScanError` when ``path`` does not exist or cannot be scanned.
    """
    algo = algorithm if isinstance(algorithm, HashAlgorithm) else HashAlgorithm.parse(algorithm)
    new_hasher(algo)
    root = Path(path)
    try:
        info = root.stat()
    except FileNotFoundError:
        raise ScanError(f"{root}: no such file or directory") from None
    except OSError as error:
        raise ScanError(f"{root}: cannot read: {error.strerror or error}") from None
    from fmbom.scan._deploy import looks_like_deployment, scan_deployment

    if looks_like_deployment(root):
        return scan_deployment(root, name=name, version=version)
    if root.is_dir():
        found, walk_warnings = walk_tree(root)
        default_name = Path(os.path.realpath(root)).name or "model"
    elif root.is_file():
        found, walk_warnings = [FoundFile(rel=root.name, path=root, stat=info)], []
        default_name = root.name
    else:
        raise ScanError(f"{root}: neither a regular file nor a directory; cannot scan")
    state = _Scan(algo, version)
    real_root = Path(os.path.realpath(root))
    if root.is_dir():
        state.root_parts = real_root.parts
        state.real_root = real_root
    else:
        state.real_root = real_root.parent
    state.problems.extend(ScanProblem(path=p, message=m) for p, m in walk_warnings)
    records = [_Record(found=f) for f in found]
    bytes_hashed, hits = state.hash(records, use_cache, cache_dir, workers, progress)
    bom = state.assemble(records, name or default_name)
    return ScanResult(
        bom=bom,
        problems=tuple(state.problems),
        files=len(records),
        bytes_hashed=bytes_hashed,
        cache_hits=hits,
    )


class _Scan:
    def __init__(self, algorithm: HashAlgorithm, version: str | None) -> None:
        self.algorithm = algorithm
        self.version = version
        self.problems: list[ScanProblem] = []
        self.root_parts: tuple[str, ...] = ()
        self.real_root = Path()
        self.components: dict[str, AnyComponent] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}

    # --- problems, hashing -------------------------------------------------------------------

    def warn(self, path: str, message: str) -> None:
        self.problems.append(ScanProblem(path=path, message=message, severity="warning"))

    def error(self, path: str, message: str) -> None:
        self.problems.append(ScanProblem(path=path, message=message, severity="error"))

    def hash(
        self,
        records: list[_Record],
        use_cache: bool,
        cache_dir: str | os.PathLike[str] | None,
        workers: int | None,
        progress: ProgressCallback | None,
    ) -> tuple[int, int]:
        for record in records:
            if record.found.stat.st_size > MAX_POINTER_SIZE:
                continue
            try:
                data = record.found.path.read_bytes()
            except OSError as error:
                record.error = f"cannot read: {error.strerror or error}"
                continue
            record.lfs = parse_lfs_pointer(data)
            if record.lfs is not None:
                record.digest = Digest(algorithm=HashAlgorithm.SHA256, value=record.lfs.oid)
        cache = HashCache(cache_dir) if use_cache else None
        jobs: list[HashJob] = []
        waiting: dict[tuple[int, int], list[_Record]] = {}
        algo = self.algorithm.value
        base = str(self.real_root)
        for record in records:
            if record.lfs is not None or record.error is not None:
                continue
            stat = record.found.stat
            key = f"{base}/{record.rel}"
            cached = cache.get(algo, key, stat) if cache is not None else None
            if cached is not None:
                record.digest = Digest(algorithm=self.algorithm, value=cached)
                continue
            identity = (stat.st_dev, stat.st_ino)  # a file reached twice is hashed once
            if identity not in waiting:
                jobs.append(HashJob(path=Path(key), size=stat.st_size))
            waiting.setdefault(identity, []).append(record)
        total = sum(job.size for job in jobs)
        done = 0

        def on_bytes(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, total)

        outcomes = hash_files(jobs, self.algorithm, workers=workers, on_bytes=on_bytes)
        for outcome, group in zip(outcomes, waiting.values(), strict=True):
            for record in group:
                if outcome.digest is None:
                    record.error = f"cannot read: {outcome.error}"
                    continue
                record.digest = Digest(algorithm=self.algorithm, value=outcome.digest)
                if cache is not None:
                    key = f"{base}/{record.rel}"
                    cache.put(algo, key, record.found.stat, outcome.digest)
        for record in records:
            if record.error is not None:
                self.error(record.rel, record.error)
        if cache is not None:
            failure = cache.save()
            if failure is not None:
                self.warn(".", failure)
            return done, cache.hits
        return done, 0

    # --- assembling --------------------------------------------------------------------------

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

    def assemble(self, records: list[_Record], name: str) -> Bom:
        readable = [r for r in records if r.error is None]
        units = _units(readable)
        subject_licenses: tuple[str, ...] = ()
        for unit_rel in sorted(units, key=lambda u: (u.count("/"), u)):
            files = units[unit_rel]
            unit_name = name if not unit_rel else PurePosixPath(unit_rel).name
            licenses = _Unit(self, unit_rel, unit_name, files).build()
            if not unit_rel:
                subject_licenses = licenses
        for record in readable:
            if not record.used:
                self.add(self.unknown_file(record))
        subject = Subject(
            name=name,
            version=self.version,
            unit=Unit.RELEASE_ARTIFACT,
            licenses=subject_licenses,
        )
        metadata = BomMetadata(subject=subject, tools=(Tool(name="fmbom", version=__version__),))
        try:
            return Bom(
                metadata=metadata,
                components=tuple(self.components.values()),
                relations=tuple(self.relations.values()),
            )
        except BomValidationError as error:
            raise ScanError(f"the scanned layout gives an inconsistent BOM: {error}") from None

    def unknown_file(self, record: _Record) -> Software:
        properties = [Property(name=P + "path", value=record.rel)]
        properties.append(Property(name=P + "size", value=str(record.size)))
        properties.append(Property(name=P + "unrecognised", value="true"))
        if record.lfs is not None:
            properties.append(Property(name=P + "lfs-pointer", value=record.rel))
        return Software(
            ref="file:" + _ref_part(record.rel),
            name=record.rel,
            role=SoftwareRole.OTHER,
            digests=(record.digest,) if record.digest else (),
            properties=properties,
        )

    # --- reading files -----------------------------------------------------------------------

    def read_text(self, record: _Record, limit: int) -> str | None:
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

    def read_json(self, record: _Record | None) -> Any:
        if record is None:
            return None
        text = self.read_text(record, _MAX_JSON)
        if text is None:
            return None
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as error:
            self.error(record.rel, f"not valid JSON: {error}")
            return None

    def read_card(self, record: _Record | None) -> dict[str, Any] | None:
        if record is None:
            return None
        text = self.read_text(record, _MAX_CARD)
        if text is None:
            return None
        block = split_front_matter(text)
        if block is None:
            return None
        try:
            return parse_front_matter(*block)
        except FrontMatterError as error:
            self.warn(record.rel, f"front matter not read: {error}")
            return None


_MARKER_NAMES: Final = frozenset(
    {"adapter_config.json", "modules.json", "config.json", "README.md"}
)


def _is_unit_marker(record: _Record) -> bool:
    name = record.name
    if name in ("adapter_config.json", "modules.json"):
        return True
    if name == "config.json":
        document = _peek_json(record)
        return isinstance(document, dict) and (
            "model_type" in document or "architectures" in document
        )
    if name == "README.md" and record.lfs is None and record.found.stat.st_size <= _MAX_CARD:
        try:
            head = record.found.path.read_bytes()[:4096].decode("utf-8-sig", errors="replace")
        except OSError:
            return False
        return head.lstrip().startswith("---")
    return False


def _peek_json(record: _Record) -> Any:
    if record.lfs is not None or record.found.stat.st_size > _MAX_JSON:
        return None
    try:
        return json.loads(record.found.path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None


def _ancestors(rel: str) -> list[str]:
    """``a/b/c.txt`` -> ``["a/b", "a"]``: the directories above a path, nearest first."""
    found = []
    head = rel.rpartition("/")[0]
    while head:
        found.append(head)
        head = head.rpartition("/")[0]
    return found


def _units(records: list[_Record]) -> dict[str, dict[str, _Record]]:
    """Files grouped by the nearest enclosing unit directory (the root is always a unit)."""
    roots = {""}
    root_marked = False
    for record in records:
        if record.name in _MARKER_NAMES and _is_unit_marker(record):
            parent = record.rel.rpartition("/")[0]
            if parent:
                roots.add(parent)
            else:
                root_marked = True
    if not root_marked:
        # A tree of loose model directories: each directory holding weights is a model.
        for record in records:
            folder = record.rel.rpartition("/")[0]
            if not folder or _weight_format(record.name) is None:
                continue
            if not any(p in roots for p in _ancestors(record.rel)):
                roots.add(folder)
    units: dict[str, dict[str, _Record]] = {root: {} for root in roots}
    for record in records:
        owner = next((p for p in _ancestors(record.rel) if p in roots), "")
        inner = record.rel[len(owner) + 1 :] if owner else record.rel
        units[owner][inner] = record
    return units


class _Unit:
    """One model, adapter or dataset directory of the scanned tree."""

    def __init__(self, state: _Scan, rel: str, name: str, files: dict[str, _Record]) -> None:
        self.state = state
        self.rel = rel
        self.name = name
        self.files = files
        self.prefix = _ref_part(rel) + "/" if rel else ""
        # The release version describes the scanned root, not the directories inside it.
        self.version = state.version if not rel else None
        self.gguf_headers: dict[str, GgufHeader] = {}

    def file(self, name: str) -> _Record | None:
        return self.files.get(name)

    def use(self, *records: _Record | None) -> list[Property]:
        lines = []
        for record in records:
            if record is not None and not record.used:
                record.used = True
                lines.append(Property(name=P + "file", value=record.file_line()))
        return lines

    def json(self, name: str) -> Any:
        return self.state.read_json(self.files.get(name))

    # --- the unit ----------------------------------------------------------------------------

    def build(self) -> tuple[str, ...]:
        card = self.state.read_card(self.file("README.md")) or {}
        licenses = self.licenses(card)
        config = self.json("config.json")
        config = config if isinstance(config, dict) else {}
        adapter_config = self.json("adapter_config.json")
        weights = self.weights()
        if isinstance(adapter_config, dict):
            self.adapter_unit(adapter_config, card, config, licenses, weights)
        elif self.is_dataset(card, config, weights):
            self.dataset_unit(card, licenses)
        elif config or weights or card:
            self.model_unit(config, card, licenses, weights)
        return licenses

    def is_dataset(
        self, card: Mapping[str, Any], config: Mapping[str, Any], weights: list[Weights]
    ) -> bool:
        if config or weights or any(k in card for k in _MODEL_KEYS):
            return False
        if any(k in card for k in _DATASET_KEYS):
            return True
        parts = (*self.state.root_parts, *PurePosixPath(self.rel).parts)[:-1]
        return bool(card) and any(p == "datasets" or p.startswith("datasets--") for p in parts)

    def licenses(self, card: Mapping[str, Any]) -> tuple[str, ...]:
        name = card.get("license_name")
        return tuple(
            _hf.hf_license_to_spdx(value, str(name) if name else None)
            for value in _hf.string_list(card.get("license"))
        )

    def card_properties(self, card: Mapping[str, Any]) -> list[Property]:
        props = []
        languages = _hf.string_list(card.get("language"))
        if languages:
            props.append(Property(name=P + "language", value=",".join(languages)))
        if card.get("library_name"):
            props.append(Property(name=P + "library", value=str(card["library_name"])))
        return props

    # --- models ------------------------------------------------------------------------------

    def model_unit(
        self,
        config: Mapping[str, Any],
        card: Mapping[str, Any],
        licenses: tuple[str, ...],
        weights: list[Weights],
    ) -> None:
        state = self.state
        ref = self.prefix + "model"
        props = self.card_properties(card)
        props += self.use(*(self.files.get(n) for n in sorted(self.files) if self.is_doc(n)))
        props += self.use(*(self.files.get(n) for n in sorted(_CONFIG_FILES) if n in self.files))
        dtype = config.get("torch_dtype") or config.get("dtype")
        if isinstance(dtype, str):
            props.append(Property(name=P + "torch-dtype", value=dtype))
        props += self.generation_properties()
        role = ModelRole.BASE
        embedding = self.sentence_transformers(props)
        quantization = self.unit_quantization(config)
        gguf_models = [w for w in weights if w.format is WeightFormat.GGUF]
        if not config and gguf_models and len(gguf_models) == len(weights):
            self.gguf_models(gguf_models, card, licenses, props)
            return
        if embedding or card.get("pipeline_tag") in _EMBEDDING_TASKS:
            role = ModelRole.EMBEDDING
        bases = self.lineage(ref, card, config, quantization, is_adapter=False)
        if bases and role is ModelRole.BASE:
            role = ModelRole.ADAPTED
        architectures = config.get("architectures")
        parameter_count = None
        if quantization is None:
            counted = [w for w in weights if w.format is WeightFormat.SAFETENSORS]
            if len(counted) == 1:
                parameter_count = counted[0].parameter_count
        unit = _evaluation_unit(bases, quantization)
        model = Model(
            ref=ref,
            name=self.name,
            version=self.version,
            licenses=licenses,
            role=role,
            task=str(card["pipeline_tag"]) if card.get("pipeline_tag") else None,
            architecture=str(architectures[0])
            if isinstance(architectures, list) and architectures
            else None,
            architecture_family=str(config["model_type"]) if config.get("model_type") else None,
            context_length=_hf.context_length(config),
            parameter_count=parameter_count,
            governance=self.governance(card, unit),
            properties=props,
        )
        state.add(model)
        for weight in weights:
            state.add(self.quantized(weight, quantization))
            state.relate(ref, RelationKind.HAS_WEIGHTS, weight.ref)
        tokenizer = self.tokenizer()
        if tokenizer is not None:
            state.add(tokenizer)
            state.relate(ref, RelationKind.USES_TOKENIZER, tokenizer.ref)
        self.software(ref, config)
        self.datasets(ref, card)

    def is_doc(self, name: str) -> bool:
        return "/" not in name and bool(_DOC_FILES.match(name))

    def generation_properties(self) -> list[Property]:
        document = self.json("generation_config.json")
        if not isinstance(document, dict):
            return []
        return [
            Property(name=f"{P}generation:{key}", value=json.dumps(value, sort_keys=True))
            for key, value in sorted(document.items())
            if key not in ("transformers_version", "_from_model_config")
        ]

    def sentence_transformers(self, props: list[Property]) -> bool:
        modules = self.json("modules.json")
        if not isinstance(modules, list):
            return False
        kinds: list[str] = []
        for module in modules:
            if not isinstance(module, dict):
                continue
            kind = str(module.get("type", "")).rsplit(".", 1)[-1]
            kinds.append(kind)
            directory = str(module.get("path") or "")
            if kind == "Pooling" and directory:
                record = self.files.get(f"{directory}/config.json")
                pooling = self.state.read_json(record)
                props += self.use(record)
                if isinstance(pooling, dict):
                    modes = sorted(
                        k.removeprefix("pooling_mode_").removesuffix("_tokens")
                        for k, v in pooling.items()
                        if k.startswith("pooling_mode_") and v is True
                    )
                    props.append(Property(name=f"{P}pooling:{directory}", value=",".join(modes)))
        props.append(Property(name=P + "sentence-transformers-modules", value=",".join(kinds)))
        bert = self.json("sentence_bert_config.json")
        if isinstance(bert, dict) and isinstance(bert.get("max_seq_length"), int):
            props.append(Property(name=P + "max-seq-length", value=str(bert["max_seq_length"])))
        return True

    def unit_quantization(self, config: Mapping[str, Any]) -> Quantization | None:
        source = config.get("quantization_config")
        if not isinstance(source, dict):
            source = self.json("quantize_config.json")
            if not isinstance(source, dict) or "per_model_config" in source:
                return None
        try:
            return _hf.quantization_from_config(source)
        except ValueError as error:
            self.state.warn(self.rel or ".", f"quantization config not understood: {error}")
            return None

    def quantized(self, weight: Weights, quantization: Quantization | None) -> Weights:
        if quantization is None or weight.quantization is not None:
            return weight
        if weight.format not in (WeightFormat.SAFETENSORS, WeightFormat.PYTORCH_PICKLE):
            return weight
        return attrs.evolve(weight, quantization=quantization)

    def lineage(
        self,
        source: str,
        card: Mapping[str, Any],
        config: Mapping[str, Any],
        quantization: Quantization | None,
        *,
        is_adapter: bool,
        adapter_base: str | None = None,
    ) -> list[str]:
        """Relate ``source`` to its base models; returns their refs."""
        state = self.state
        ids = _hf.base_model_ids(card)
        if adapter_base:
            ids = [adapter_base, *(i for i in ids if i != adapter_base)]
        if not ids and quantization is not None:
            origin = config.get("_name_or_path")
            if isinstance(origin, str) and re.fullmatch(r"[\w.\-]+/[\w.\-]+", origin):
                ids = [origin]
        relation = str(card.get("base_model_relation") or "").lower()
        if not relation:
            relation = "adapter" if is_adapter else "quantized" if quantization else ""
        refs = []
        for index, repo_id in enumerate(ids):
            target = state.add(_base_model(repo_id))
            refs.append(target)
            if relation == "adapter" and is_adapter:
                if index == 0:
                    state.relate(source, RelationKind.ADAPTS, target)
                else:
                    state.warn(self.rel or ".", f"an adapter adapts one model; {repo_id!r} ignored")
                    refs.pop()
            elif relation == "quantized":
                state.relate(source, RelationKind.QUANTIZED_FROM, target)
            else:
                if relation == "adapter":
                    state.warn(
                        self.rel or ".",
                        "card says base_model_relation: adapter but no adapter_config.json; "
                        "recorded as derived-from",
                    )
                method = {"finetune": DerivationMethod.FINE_TUNE, "merge": DerivationMethod.MERGE}
                state.relate(source, RelationKind.DERIVED_FROM, target, method.get(relation))
        return refs

    def governance(self, card: Mapping[str, Any], unit: Unit) -> Governance | None:
        evaluations = list(self.evaluations(card, unit))
        return Governance(evaluations=evaluations) if evaluations else None

    def evaluations(self, card: Mapping[str, Any], unit: Unit) -> Iterable[Evaluation]:
        readme = self.file("README.md")
        card_path = readme.rel if readme is not None else "."
        index = card.get("model-index")
        if not isinstance(index, list):
            return
        for entry in index:
            results = entry.get("results") if isinstance(entry, dict) else None
            for result in results if isinstance(results, list) else ():
                if not isinstance(result, dict):
                    continue
                task = _mapping(result.get("task"))
                dataset = _mapping(result.get("dataset"))
                benchmark = str(dataset.get("name") or dataset.get("type") or "unknown")
                setup = ", ".join(
                    f"{key}={value}"
                    for key, value in (
                        ("task", task.get("type")),
                        ("dataset", dataset.get("type")),
                        ("config", dataset.get("config")),
                        ("split", dataset.get("split")),
                        ("revision", dataset.get("revision")),
                    )
                    if value is not None
                )
                for metric in result.get("metrics") or ():
                    if not isinstance(metric, dict):
                        continue
                    value = metric.get("value")
                    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                        continue
                    try:
                        number = float(value)
                        yield Evaluation(
                            benchmark=benchmark,
                            metric=str(metric.get("name") or metric.get("type") or "value"),
                            unit=unit,
                            source_type=SourceType.PROVIDER_CLAIM,
                            value=number,
                            setup=setup or None,
                            evaluated_version=self.version,
                        )
                    except ValueError:
                        self.state.warn(
                            card_path,
                            f"model-index value {value!r} of {benchmark} is not a number; skipped",
                        )

    def software(self, source: str, config: Mapping[str, Any]) -> None:
        packages: dict[str, str] = {}
        version = config.get("transformers_version")
        if isinstance(version, str) and version.strip():
            packages["transformers"] = version.strip()
        st = self.json("config_sentence_transformers.json")
        versions = st.get("__version__") if isinstance(st, dict) else None
        if isinstance(versions, dict):
            names = {"sentence_transformers": "sentence-transformers", "pytorch": "torch"}
            for key, value in versions.items():
                if isinstance(value, str) and value.strip():
                    packages.setdefault(names.get(str(key), str(key)), value.strip())
        for package, package_version in sorted(packages.items()):
            target = self.state.add(
                Software(
                    ref=_ref_part(f"software:{package}@{package_version}"),
                    name=package,
                    version=package_version,
                    purl=f"pkg:pypi/{package}@{package_version}",
                    role=SoftwareRole.FRAMEWORK,
                )
            )
            self.state.relate(source, RelationKind.DEPENDS_ON, target)

    def datasets(self, source: str, card: Mapping[str, Any]) -> None:
        for dataset_id in _hf.string_list(card.get("datasets")):
            repo_id = _hf.normalize_repo_id(dataset_id)
            group, _, short = repo_id.rpartition("/")
            target = self.state.add(
                Dataset(
                    ref=_ref_part(f"dataset:{repo_id}"),
                    name=short or repo_id,
                    group=group or None,
                    external_references=(
                        ExternalReference(
                            url=f"https://huggingface.co/datasets/{repo_id}",
                            type=ExternalReferenceType.WEBSITE,
                        ),
                    )
                    if re.fullmatch(r"[\w.\-/]+", repo_id)
                    else (),
                )
            )
            self.state.relate(source, RelationKind.TRAINED_ON, target)

    def gguf_models(
        self,
        weights: list[Weights],
        card: Mapping[str, Any],
        licenses: tuple[str, ...],
        props: list[Property],
    ) -> None:
        """A directory of GGUF files without config.json: the models come from the headers."""
        groups: dict[str, list[Weights]] = {}
        for weight in weights:
            groups.setdefault(weight.property(P + "gguf:name") or weight.name, []).append(weight)
        single = len(groups) == 1
        for key, members in sorted(groups.items()):
            first = members[0]
            ref = self.prefix + ("model" if single else "model:" + _ref_part(key))
            context = first.property(P + "gguf:context-length")
            tensors = [w.parameter_count for w in members if w.parameter_count]
            model = Model(
                ref=ref,
                name=self.name if single else key,
                version=self.version,
                licenses=licenses,
                task=str(card["pipeline_tag"]) if card.get("pipeline_tag") else None,
                architecture_family=first.property(P + "gguf:architecture"),
                context_length=int(context)
                if context and context.isdigit() and int(context) > 0
                else None,
                parameter_count=max(tensors) if tensors else None,
                properties=props if single or key == min(groups) else (),
            )
            self.state.add(model)
            for weight in members:
                self.state.add(weight)
                self.state.relate(ref, RelationKind.HAS_WEIGHTS, weight.ref)
            tokenizer = self.gguf_tokenizer(
                first,
                self.prefix + "tokenizer" if single else ref + ":tokenizer",
                f"{self.name if single else key} tokenizer",
            )
            if tokenizer is not None:
                self.state.add(tokenizer)
                self.state.relate(ref, RelationKind.USES_TOKENIZER, tokenizer.ref)
        if single:
            self.lineage(self.prefix + "model", card, {}, None, is_adapter=False)

    def gguf_tokenizer(self, weight: Weights, ref: str, name: str) -> Tokenizer | None:
        facts = self.gguf_headers.get(weight.ref)
        if facts is None:
            return None
        meta = facts.metadata
        model = meta.get("tokenizer.ggml.model")
        if not isinstance(model, str):
            return None
        tokens = meta.get("tokenizer.ggml.tokens")
        tokens = tokens if isinstance(tokens, list) else []
        special = []
        for role, key in (
            ("bos", "bos_token_id"),
            ("eos", "eos_token_id"),
            ("unk", "unknown_token_id"),
            ("pad", "padding_token_id"),
            ("sep", "seperator_token_id"),
            ("cls", "cls_token_id"),
            ("mask", "mask_token_id"),
        ):
            index = meta.get(f"tokenizer.ggml.{key}")
            if isinstance(index, int) and 0 <= index < len(tokens):
                special.append(SpecialToken(role=role, content=tokens[index]))
        template = meta.get("tokenizer.chat_template")
        types = {
            "llama": TokenizerType.SENTENCEPIECE,
            "gpt2": TokenizerType.BYTE_LEVEL_BPE,
            "bert": TokenizerType.WORDPIECE,
            "t5": TokenizerType.UNIGRAM,
        }
        return Tokenizer(
            ref=ref,
            name=name,
            version=self.version,
            tokenizer_type=types.get(model, TokenizerType.OTHER),
            vocab_size=len(tokens) if tokens else None,
            special_tokens=special,
            chat_template_digest=_hf.chat_template_digest(template)
            if isinstance(template, str)
            else None,
            properties=[
                Property(name=P + "gguf:tokenizer-model", value=model),
                Property(name=P + "source", value=weight.name),
            ],
        )

    # --- adapters and datasets ---------------------------------------------------------------

    def adapter_unit(
        self,
        adapter_config: Mapping[str, Any],
        card: Mapping[str, Any],
        config: Mapping[str, Any],
        licenses: tuple[str, ...],
        weights: list[Weights],
    ) -> None:
        state = self.state
        ref = self.prefix + "adapter"
        props = self.card_properties(card)
        props += self.use(*(self.files.get(n) for n in sorted(self.files) if self.is_doc(n)))
        props += self.use(*(self.files.get(n) for n in sorted(_CONFIG_FILES) if n in self.files))
        base = adapter_config.get("base_model_name_or_path")
        base_id = _hf.normalize_repo_id(base) if isinstance(base, str) and base.strip() else None
        targets = adapter_config.get("target_modules")
        target_modules = _hf.string_list(targets)
        for key in ("task_type", "bias", "use_rslora", "revision"):
            if adapter_config.get(key) is not None:
                props.append(Property(name=f"{P}peft:{key}", value=str(adapter_config[key])))
        rank = adapter_config.get("r")
        alpha = adapter_config.get("lora_alpha")
        dropout = adapter_config.get("lora_dropout")
        adapter = Adapter(
            ref=ref,
            name=self.name,
            version=self.version,
            licenses=licenses,
            method=_hf.adapter_method(adapter_config),
            rank=rank
            if isinstance(rank, int) and not isinstance(rank, bool) and rank > 0
            else None,
            alpha=float(alpha)
            if isinstance(alpha, (int, float)) and not isinstance(alpha, bool)
            else None,
            dropout=float(dropout)
            if isinstance(dropout, (int, float))
            and not isinstance(dropout, bool)
            and 0 <= dropout <= 1
            else None,
            target_modules=target_modules,
            base_model_name=base_id,
            properties=props,
        )
        state.add(adapter)
        bases = self.lineage(ref, card, config, None, is_adapter=True, adapter_base=base_id)
        if not bases:
            state.warn(
                self.rel or ".",
                "adapter names no base model; recorded as adapting an unknown model",
            )
            target = state.add(Model(ref="base:unknown", name="unknown base model"))
            state.relate(ref, RelationKind.ADAPTS, target)
        for weight in weights:
            state.add(weight)
            state.relate(ref, RelationKind.HAS_WEIGHTS, weight.ref)
        tokenizer = self.tokenizer()
        if tokenizer is not None:
            state.add(tokenizer)
            state.relate(ref, RelationKind.DEPENDS_ON, tokenizer.ref)
        self.datasets(ref, card)

    def dataset_unit(self, card: Mapping[str, Any], licenses: tuple[str, ...]) -> None:
        props = self.card_properties(card)
        for key, name in (
            ("task_categories", "task-categories"),
            ("size_categories", "size-category"),
        ):
            values = _hf.string_list(card.get(key))
            if values:
                props.append(Property(name=P + name, value=",".join(values)))
        props += self.use(*(self.files[n] for n in sorted(self.files)))
        records, size = _dataset_size(card.get("dataset_info"))
        creators = _hf.string_list(card.get("annotations_creators"))
        sources = _hf.string_list(card.get("source_datasets"))
        self.state.add(
            Dataset(
                ref=self.prefix + "dataset",
                name=self.name,
                version=self.version,
                licenses=licenses,
                description=str(card["pretty_name"]) if card.get("pretty_name") else None,
                records=records,
                size_bytes=size,
                source=",".join(sources) or None,
                collection_method=",".join(creators) or None,
                properties=props,
            )
        )

    # --- weights and tokenizer ---------------------------------------------------------------

    def weights(self) -> list[Weights]:
        """Group the unit's weight files into artifacts and read their headers."""
        groups: dict[str, tuple[WeightFormat, list[_Record], _Record | None]] = {}
        indexed: set[str] = set()
        for name in sorted(self.files):
            if name.endswith((".safetensors.index.json", ".bin.index.json")):
                index_record = self.files[name]
                document = self.state.read_json(index_record)
                weight_map = document.get("weight_map") if isinstance(document, dict) else None
                if not isinstance(weight_map, dict):
                    continue
                directory = str(PurePosixPath(name).parent)
                members = []
                missing = []
                for shard in sorted({str(v) for v in weight_map.values()}):
                    shard_name = shard if directory == "." else f"{directory}/{shard}"
                    record = self.files.get(shard_name)
                    if record is None:
                        missing.append(shard)
                        continue
                    members.append(record)
                    indexed.add(shard_name)
                if missing:
                    self.state.warn(
                        index_record.rel,
                        f"{len(missing)} of {len(missing) + len(members)} shards it lists are "
                        f"missing (first: {missing[0]})",
                    )
                fmt = (
                    WeightFormat.SAFETENSORS
                    if ".safetensors" in name
                    else WeightFormat.PYTORCH_PICKLE
                )
                groups[name.removesuffix(".index.json")] = (fmt, members, index_record)
        for name in sorted(self.files):
            if name in indexed:
                continue
            record = self.files[name]
            found_format = _weight_format(name)
            if found_format is None:
                continue
            fmt = found_format
            match = _SHARD.match(name)
            key = match.group("stem") + match.group("ext") if match else name
            if key in groups and groups[key][0] is fmt:
                groups[key][1].append(record)
            else:
                groups[key if key not in groups else name] = (fmt, [record], None)
        single = len(groups) == 1
        result = []
        for key, (fmt, members, index) in sorted(groups.items()):
            ref = self.prefix + ("weights" if single else "weights:" + _ref_part(key))
            result.append(self.weight_component(ref, key, fmt, members, index))
        return result

    def weight_component(
        self,
        ref: str,
        key: str,
        fmt: WeightFormat,
        members: list[_Record],
        index_record: _Record | None,
    ) -> Weights:
        state = self.state
        for record in members:
            record.used = True  # listed in files
        props = self.use(index_record)
        files = [WeightFile(path=r.rel, size=r.size, digest=r.digest) for r in members]
        by_dtype: dict[str, int] = {}
        counted = 0
        quantization: Quantization | None = None
        for record in members:
            if record.lfs is not None:
                props.append(Property(name=P + "lfs-pointer", value=record.rel))
                state.warn(record.rel, "is a Git LFS pointer; recorded with the object id it names")
                continue
            if fmt is WeightFormat.PYTORCH_PICKLE:
                props.append(Property(name=P + "unsafe", value=f"pickle: {record.rel}"))
                props.append(
                    Property(name=P + "pickle-content", value=f"{self.sniff(record)}: {record.rel}")
                )
                state.warn(record.rel, "pickle-based file: loading it can run code; not opened")
                continue
            header: SafetensorsHeader | GgufHeader
            try:
                if fmt is WeightFormat.SAFETENSORS:
                    header = read_safetensors_header(record.found.path, record.found.stat.st_size)
                    if len(members) == 1:
                        props += [
                            Property(name=f"{P}safetensors:{k}", value=v)
                            for k, v in sorted(header.metadata.items())
                        ]
                    method = header.metadata.get("quantization")
                    if method and method.lower() != "none":
                        quantization = Quantization(method=method)
                    found = header.parameters_by_dtype
                elif fmt is WeightFormat.GGUF:
                    header = read_gguf_header(record.found.path, record.found.stat.st_size)
                    self.gguf_headers[ref] = header
                    props += _gguf_properties(header)
                    quantization = _gguf_quantization(header)
                    found = header.parameters_by_type
                else:
                    continue
            except ScanError as error:
                state.error(record.rel, str(error).removeprefix(f"{record.name}: "))
                continue
            counted += 1
            for dtype, count in found.items():
                by_dtype[dtype] = by_dtype.get(dtype, 0) + count
        complete = counted == len(members) and fmt in (WeightFormat.SAFETENSORS, WeightFormat.GGUF)
        if by_dtype:
            summary = ",".join(f"{k}={v}" for k, v in sorted(by_dtype.items()))
            props.append(Property(name=P + "dtypes", value=summary))
        dominant = max(sorted(by_dtype), key=lambda k: by_dtype[k]) if by_dtype else None
        return Weights(
            ref=ref,
            name=key if not self.rel else f"{self.rel}/{key}",
            version=self.version,
            format=fmt,
            files=files,
            digests=(members[0].digest,) if len(members) == 1 and members[0].digest else (),
            dtype=_DTYPE_NAMES.get(dominant, dominant.lower()) if dominant else None,
            quantization=quantization,
            shard_count=len(members) if len(members) > 1 else None,
            parameter_count=sum(by_dtype.values()) if complete else None,
            properties=props,
        )

    def sniff(self, record: _Record) -> str:
        try:
            with record.found.path.open("rb") as handle:
                return sniff_pickle(handle.read(8))
        except OSError:
            return "unreadable"

    def tokenizer(self) -> Tokenizer | None:
        present = [self.files[n] for n in _TOKENIZER_FILES if n in self.files]
        if not present:
            return None
        props = self.use(*present)
        config = self.json("tokenizer_config.json")
        config = config if isinstance(config, dict) else {}
        special_map = self.json("special_tokens_map.json")
        tokenizer_type: TokenizerType | None = None
        vocab_size: int | None = None
        main = present[0]
        for record in present:
            if record.lfs is not None:
                props.append(Property(name=P + "lfs-pointer", value=record.rel))
        document = self.json("tokenizer.json") if "tokenizer.json" in self.files else None
        if isinstance(document, dict):
            tokenizer_type, vocab_size = _hf.tokenizer_facts(document)
        elif "tekken.json" in self.files:
            tokenizer_type = TokenizerType.TEKKEN
            tekken = self.json("tekken.json")
            if isinstance(tekken, dict) and isinstance(tekken.get("config"), dict):
                size = tekken["config"].get("default_vocab_size")
                vocab_size = size if isinstance(size, int) and size > 0 else None
        elif any(
            n in self.files for n in ("tokenizer.model", "spiece.model", "sentencepiece.bpe.model")
        ):
            tokenizer_type = TokenizerType.SENTENCEPIECE
        elif "vocab.txt" in self.files:
            tokenizer_type = TokenizerType.WORDPIECE
            text = self.state.read_text(self.files["vocab.txt"], _MAX_JSON)
            vocab_size = len(text.splitlines()) if text is not None else None
        elif "vocab.json" in self.files:
            vocab = self.json("vocab.json")
            vocab_size = len(vocab) if isinstance(vocab, dict) else None
        tokenizer_class = config.get("tokenizer_class")
        if isinstance(tokenizer_class, str):
            props.append(Property(name=P + "tokenizer-class", value=tokenizer_class))
            if tokenizer_type is None:
                tokenizer_type = _hf.tokenizer_type_from_class(tokenizer_class)
        if vocab_size is None and isinstance(config.get("vocab_size"), int):
            vocab_size = int(config["vocab_size"])
        template = self.chat_template(config)
        return Tokenizer(
            ref=self.prefix + "tokenizer",
            name=f"{self.name} tokenizer",
            version=self.version,
            tokenizer_type=tokenizer_type,
            vocab_size=vocab_size if vocab_size and vocab_size > 0 else None,
            special_tokens=_hf.special_tokens(
                special_map if isinstance(special_map, dict) else None, config
            ),
            chat_template_digest=_hf.chat_template_digest(template) if template else None,
            digests=(main.digest,) if main.digest else (),
            properties=props,
        )

    def chat_template(self, config: Mapping[str, Any]) -> str | None:
        if "chat_template.jinja" in self.files:
            return self.state.read_text(self.files["chat_template.jinja"], _MAX_JSON)
        source: Any = config.get("chat_template")
        if source is None:
            document = self.json("chat_template.json")
            source = document.get("chat_template") if isinstance(document, dict) else None
        if isinstance(source, list):
            named = {str(t.get("name")): t.get("template") for t in source if isinstance(t, dict)}
            source = named.get("default", next(iter(named.values()), None))
        return source if isinstance(source, str) else None


def _weight_format(name: str) -> WeightFormat | None:
    dot = name.rfind(".")
    return _FORMAT_BY_SUFFIX.get(name[dot:].lower()) if dot >= 0 else None


def _base_model(repo_id: str) -> Model:
    group, _, short = repo_id.rpartition("/")
    valid = re.fullmatch(r"[\w.\-]+(/[\w.\-]+)?", repo_id) is not None
    return Model(
        ref=_ref_part(f"base:{repo_id}"),
        name=short or repo_id,
        group=group or None,
        purl=f"pkg:huggingface/{repo_id}" if valid and group else None,
        external_references=(
            (
                ExternalReference(
                    url=f"https://huggingface.co/{repo_id}", type=ExternalReferenceType.WEBSITE
                ),
            )
            if valid
            else ()
        ),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _evaluation_unit(bases: list[str], quantization: Quantization | None) -> Unit:
    if quantization is not None:
        return Unit.RELEASE_ARTIFACT
    return Unit.ADAPTED_MODEL if bases else Unit.BASE_MODEL


def _gguf_properties(header: GgufHeader) -> list[Property]:
    meta = header.metadata
    props = [
        Property(name=P + "gguf:version", value=str(header.version)),
        Property(name=P + "gguf:tensor-count", value=str(header.tensor_count)),
    ]
    arch = meta.get("general.architecture")
    for key, name in (
        ("general.architecture", "architecture"),
        ("general.name", "name"),
        ("tokenizer.ggml.model", "tokenizer-model"),
        (f"{arch}.context_length", "context-length"),
    ):
        value = meta.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            props.append(Property(name=f"{P}gguf:{name}", value=str(value)))
    file_type = meta.get("general.file_type")
    if isinstance(file_type, int):
        props.append(
            Property(
                name=P + "gguf:file-type", value=GGUF_FILE_TYPES.get(file_type, str(file_type))
            )
        )
    template = meta.get("tokenizer.chat_template")
    if isinstance(template, str):
        digest = _hf.chat_template_digest(template)
        props.append(Property(name=P + "gguf:chat-template-sha256", value=digest.value))
    tokens = meta.get("tokenizer.ggml.tokens")
    if isinstance(tokens, (list, GgufArray)):
        count = len(tokens) if isinstance(tokens, list) else tokens.length
        props.append(Property(name=P + "gguf:vocab-size", value=str(count)))
    return props


def _gguf_quantization(header: GgufHeader) -> Quantization | None:
    file_type = header.metadata.get("general.file_type")
    name = GGUF_FILE_TYPES.get(file_type) if isinstance(file_type, int) else None
    if name is None or name in ("F32", "F16", "BF16"):
        return None
    bits = re.match(r"I?Q(\d)", name)
    return Quantization(method=f"gguf {name.lower()}", bits=int(bits.group(1)) if bits else None)


def _dataset_size(info: Any) -> tuple[int | None, int | None]:
    """Records and bytes of the default (or first) configuration of a dataset card."""
    configs = info if isinstance(info, list) else [info] if isinstance(info, dict) else []
    configs = [c for c in configs if isinstance(c, dict)]
    if not configs:
        return None, None
    chosen = next((c for c in configs if c.get("config_name") in ("default", "main")), configs[0])
    splits = chosen.get("splits")
    records = None
    if isinstance(splits, list):
        counts = [s.get("num_examples") for s in splits if isinstance(s, dict)]
        numbers = [c for c in counts if isinstance(c, int) and c >= 0]
        if counts and len(numbers) == len(counts):
            records = sum(numbers)
    size = chosen.get("dataset_size")
    return records, size if isinstance(size, int) and size >= 0 else None
