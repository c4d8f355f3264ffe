"""Scanning deployment configurations: the deployed system as its configuration states it.

:func:`scan_deployment` recognises LiteLLM proxy/router configurations, NeMo Guardrails
``config.yml``, KServe ``InferenceService`` manifests, vLLM / TGI / TEI servers in Kubernetes
manifests and Compose files, and Ollama ``Modelfile``\\ s, in a folder or as one file, and builds
the BOM of the deployed system: routers, inference providers, guard models with their position,
served models, adapters and quantization.

Secrets are never written: environment references (``os.environ/X``, ``${X}``, ``$X``) are kept
as the reference text and never resolved, and a literal credential (a value under a key such as
``api_key`` or ``password``, or a value shaped like a known token) is left out with a scan
problem that names the file and the key, never the value.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Final

from fmbom._version import __version__
from fmbom.bom import Bom, BomMetadata, Subject, Tool
from fmbom.errors import (
    BomValidationError,
    InputFormatError,
    Problem,
    ScanError,
    ValidationError,
)
from fmbom.governance import Unit
from fmbom.model import (
    AnyComponent,
    ExternalReference,
    ExternalReferenceType,
    Model,
    ModelRole,
    Property,
    Relation,
    RelationKind,
)
from fmbom.scan._result import ScanProblem, ScanResult
from fmbom.scan._walk import walk_tree

__all__ = ["Builder", "Config", "detect", "scan_deployment"]

#: Property namespace of facts read from deployment configurations.
D: Final = "fmbom:deploy:"

_MAX_CONFIG: Final = 8 * 1024 * 1024
_YAML_SUFFIXES: Final = (".yaml", ".yml")

_ENV_REFERENCE: Final = re.compile(
    r"^(os\.environ/[A-Za-z_][A-Za-z0-9_]*|\$\{[^}\s]+\}|\$[A-Za-z_][A-Za-z0-9_]*"
    r"|\{\{[^}]*\}\}|secretKeyRef:.*)$"
)
_EMBEDDED_REFERENCE: Final = re.compile(r"\$\{[^}\s]+\}|\$[A-Za-z_][A-Za-z0-9_]*|os\.environ/")
_SECRET_KEY: Final = re.compile(
    r"(^|[_\-.])(api[_\-]?key|apikey|token|auth[_\-]?token|secret|secret[_\-]?key|password|"
    r"passwd|pwd|credentials?|master[_\-]?key|access[_\-]?key|private[_\-]?key|"
    r"client[_\-]?secret|bearer|session[_\-]?token)$",
    re.IGNORECASE,
)
_TOKEN_SHAPES: Final = re.compile(
    r"^(sk-[A-Za-z0-9_\-]{2,}|sk_(live|test)_[A-Za-z0-9]{8,}|hf_[A-Za-z0-9]{8,}|"
    r"gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,}|AKIA[0-9A-Z]{16}|"
    r"ASIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{20,}|xox[abpr]-[A-Za-z0-9\-]{8,}|"
    r"eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\..*|nvapi-[A-Za-z0-9_\-]{8,}|"
    r"gsk_[A-Za-z0-9]{16,}|r8_[A-Za-z0-9]{16,}|pplx-[A-Za-z0-9]{16,})$"
)
_URL_CREDENTIALS: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/@\s]*:[^/@\s]+@")
_PLACEHOLDER: Final = re.compile(r"^(<[^>]*>|\*+|x+|\.\.\.|changeme|none|null|empty|)$", re.I)


def is_reference(value: str) -> bool:
    """True when ``value`` refers to a secret or setting held elsewhere (never resolved)."""
    return _ENV_REFERENCE.match(value.strip()) is not None


def has_reference(value: str) -> bool:
    """True when ``value`` contains an environment reference anywhere (``--model ${M}``)."""
    return _EMBEDDED_REFERENCE.search(value) is not None


def looks_secret(key: str, value: object) -> bool:
    """True for a literal credential: a value under a secret-like key, or a token-shaped value.

    References (``os.environ/X``, ``${X}``) and empty placeholders are not credentials.
    """
    if isinstance(value, bool) or value is None:
        return False
    text = str(value).strip()
    if is_reference(text) or _PLACEHOLDER.match(text):
        return False
    if _SECRET_KEY.search(key) and isinstance(value, (str, int, float)):
        return True
    return bool(_TOKEN_SHAPES.match(text) or _URL_CREDENTIALS.match(text))


def text(value: object) -> str | None:
    """A scalar as stripped text (None for missing, empty, mappings and lists)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    shown = str(value).strip() if not isinstance(value, bool) else str(value).lower()
    return shown or None


def mapping(value: object) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def listing(value: object) -> list[Any]:
    """``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def ref_part(value: str) -> str:
    """Text made safe for a bom-ref (printable ASCII without spaces)."""
    cleaned = re.sub(r"[^!-~]", "_", value)
    return cleaned[:400] if cleaned else "_"


def digest_text(value: str) -> str:
    """SHA-256 of a text (prompts and templates are recorded by digest, not copied)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class Config:
    """One configuration file being read: its path in the scan and its documents."""

    def __init__(self, rel: str, documents: list[Any], raw: str, path: Path) -> None:
        self.rel = rel
        self.documents = documents
        self.raw = raw
        self.path = path

    @property
    def document(self) -> Any:
        """The first document (configurations other than Kubernetes manifests have one)."""
        return self.documents[0] if self.documents else None


class Builder:
    """Collects the components, relations and problems of one deployment scan."""

    def __init__(self) -> None:
        self.components: dict[str, AnyComponent] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}
        self.problems: list[ScanProblem] = []

    def warn(self, path: str, message: str) -> None:
        """Record a warning about ``path``."""
        self.problems.append(ScanProblem(path=path, message=message, severity="warning"))

    def error(self, path: str, message: str) -> None:
        """Record an error about ``path`` (the scan goes on without that part)."""
        self.problems.append(ScanProblem(path=path, message=message, severity="error"))

    def add(self, component: AnyComponent) -> str:
        """Add a component (the first one with a ref wins) and return its ref."""
        self.components.setdefault(component.ref, component)
        return component.ref

    def relate(
        self,
        source: str,
        kind: RelationKind,
        target: str,
        *,
        order: int | None = None,
        condition: str | None = None,
    ) -> None:
        """Add a relation; a second ``routes-to`` between the same ends merges its condition."""
        if source == target:
            return
        key = (kind.value, source, target)
        found = self.relations.get(key)
        if found is not None:
            if condition and found.condition and condition not in found.condition.split("; "):
                merged = f"{found.condition}; {condition}"
                self.relations[key] = Relation(
                    kind=kind, source=source, target=target, order=found.order, condition=merged
                )
            return
        self.relations[key] = Relation(
            kind=kind, source=source, target=target, order=order, condition=condition
        )

    def secrets(self, rel: str, value: object, path: str = "") -> list[str]:
        """Walk ``value``: report each literal credential (file and key, never the value) and
        return the environment references met under secret-like keys, in document order."""
        references: list[str] = []
        stack: list[tuple[str, object]] = [(path, value)]
        while stack:
            where, item = stack.pop()
            if isinstance(item, Mapping):
                entries = [(f"{where}.{k}" if where else str(k), v) for k, v in item.items()]
                stack.extend(reversed(entries))
            elif isinstance(item, list):
                stack.extend(reversed([(f"{where}[{i}]", v) for i, v in enumerate(item)]))
            else:
                key = where.rpartition(".")[2].split("[")[0]
                shown = text(item)
                if shown is not None and _SECRET_KEY.search(key) and is_reference(shown):
                    references.append(shown)
                elif looks_secret(key, item):
                    self.warn(
                        rel,
                        f"{where}: literal credential left out of the BOM "
                        "(use an environment reference instead)",
                    )
        return references

    def clean(self, rel: str, where: str, value: object) -> str | None:
        """A value to copy into the BOM, or None when it is a literal credential (reported)."""
        shown = text(value)
        if shown is None:
            return None
        key = where.rpartition(".")[2]
        if looks_secret(key, shown):
            self.warn(rel, f"{where}: literal credential left out of the BOM")
            return None
        return shown

    def served_model(
        self,
        model_id: str,
        *,
        role: ModelRole = ModelRole.BASE,
        hugging_face: bool = False,
        supplier: str | None = None,
        source: str,
    ) -> str:
        """The model a server serves, named by the id the configuration gives; returns its ref.

        An ``org/name`` id becomes group ``org`` and name ``name`` (with its package URL when
        ``hugging_face`` says the id is a Hugging Face repository), as a model scan names the
        same model, so composing the two links them.
        """
        group: str | None = None
        name = model_id
        purl = None
        references: tuple[ExternalReference, ...] = ()
        if re.fullmatch(r"[\w.\-]+/[\w.\-]+", model_id):
            group, _, name = model_id.partition("/")
            if hugging_face:
                purl = f"pkg:huggingface/{model_id}"
                references = (
                    ExternalReference(
                        url=f"https://huggingface.co/{model_id}",
                        type=ExternalReferenceType.WEBSITE,
                    ),
                )
        owner = group or supplier or ""
        ref = ref_part(f"model:{owner}/{name}" if owner else f"model:{name}")
        existing = self.components.get(ref)
        if isinstance(existing, Model):
            if role is ModelRole.GUARD_CLASSIFIER and existing.role is not role:
                self.components[ref] = _with_role(existing, role)
            return ref
        return self.add(
            Model(
                ref=ref,
                name=name,
                group=group,
                supplier=supplier if group is None else None,
                purl=purl,
                role=role,
                external_references=references,
                properties=(
                    Property(name=D + "served-model", value=model_id),
                    Property(name=D + "source", value=source),
                ),
            )
        )


def _with_role(model: Model, role: ModelRole) -> Model:
    import attrs

    return attrs.evolve(model, role=role)


# --- detection -------------------------------------------------------------------------------

Reader = Callable[[Builder, Config], None]


def _is_modelfile(name: str) -> bool:
    lowered = name.lower()
    return lowered == "modelfile" or lowered.endswith(".modelfile")


def detect(rel: str, documents: list[Any]) -> Reader | None:
    """The reader for a configuration's documents, or None when it is not one fmbom knows."""
    from fmbom.scan import _deploy_kube, _deploy_litellm, _deploy_nemo, _deploy_ollama

    if _is_modelfile(PurePosixPath(rel).name):
        return _deploy_ollama.read
    first = documents[0] if documents else None
    if _deploy_litellm.recognises(first):
        return _deploy_litellm.read
    if _deploy_nemo.recognises(first):
        return _deploy_nemo.read
    if _deploy_kube.recognises(documents):
        return _deploy_kube.read
    return None


def _load(path: Path, rel: str, shown: str | None = None) -> tuple[list[Any], str] | None:
    """The YAML documents of a candidate file and its text; None when it is not YAML text.

    Errors name the file ``shown`` (``rel`` by default) and, for YAML, the line."""
    where = shown or rel
    with path.open("rb") as handle:
        data = handle.read(_MAX_CONFIG + 1)
    if len(data) > _MAX_CONFIG:
        raise InputFormatError(f"larger than {_MAX_CONFIG} bytes; not read", where)
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFormatError("not UTF-8 text", where) from None
    if _is_modelfile(PurePosixPath(rel).name):
        return [], raw
    from fmbom import _yaml  # PyYAML only when a tree has YAML: a model scan rarely does

    return _yaml.loads_all(raw, source=where), raw


def unreadable_yaml(path: Path, rel: str) -> tuple[str, str] | None:
    """Where and why the YAML file ``rel`` cannot be read as configuration (too large, not
    UTF-8, not YAML: then ``rel:LINE``), or None when it can be, or is not a YAML file."""
    if not rel.lower().endswith(_YAML_SUFFIXES):
        return None
    try:
        _load(path, rel)
    except OSError as error:
        return rel, f"cannot read: {error.strerror or error}"
    except InputFormatError as error:
        return error.source or rel, error.message
    return None


def _candidates(root: Path) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    if root.is_file():
        return [(root.name, root)], []
    found, warnings = walk_tree(root)
    chosen = [
        (f.rel, f.path)
        for f in found
        if f.rel.lower().endswith(_YAML_SUFFIXES) or _is_modelfile(PurePosixPath(f.rel).name)
    ]
    return chosen, warnings


def _read_configs(root: Path, builder: Builder) -> Iterator[tuple[Config, Reader]]:
    chosen, walk_warnings = _candidates(root)
    for rel, message in walk_warnings:
        builder.warn(rel, message)
    for rel, path in chosen:
        try:
            # A file given directly is named as given; a file of a folder by its place in it.
            loaded = _load(path, rel, str(root) if root.is_file() else None)
        except OSError as error:
            builder.error(rel, f"cannot read: {error.strerror or error}")
            continue
        except InputFormatError as error:
            if root.is_file():
                raise
            builder.error(rel, error.message if error.source == rel else str(error))
            continue
        if loaded is None:  # pragma: no cover - _load returns or raises
            continue
        documents, raw = loaded
        reader = detect(rel, documents)
        if reader is None:
            if not root.is_file():
                builder.warn(rel, "not a deployment configuration fmbom recognises; skipped")
            continue
        yield Config(rel, documents, raw, path), reader


def looks_like_deployment(root: Path) -> bool:
    """True when ``root`` is a deployment configuration file, or a folder holding one and
    no model files (a folder with model weights or configs is a model scan)."""
    from fmbom.scan._deploy_kube import MODEL_MARKERS

    if root.is_file():
        if _is_modelfile(root.name):
            return True
        if not root.name.lower().endswith(_YAML_SUFFIXES):
            return False
        try:
            loaded = _load(root, root.name)
        except (OSError, InputFormatError):
            return True  # a YAML file given directly: let the deployment scan report why
        return loaded is not None and detect(root.name, loaded[0]) is not None
    if not root.is_dir():
        return False
    found, _ = walk_tree(root)
    if any(MODEL_MARKERS.search(f.rel) for f in found):
        return False
    for f in found:
        name = PurePosixPath(f.rel).name
        if _is_modelfile(name):
            return True
        if f.rel.lower().endswith(_YAML_SUFFIXES):
            try:
                loaded = _load(f.path, f.rel)
            except (OSError, InputFormatError):
                continue
            if loaded is not None and detect(f.rel, loaded[0]) is not None:
                return True
    return False


def scan_deployment(
    root: Path,
    *,
    name: str | None = None,
    version: str | None = None,
    timestamp: datetime.datetime | None = None,
) -> ScanResult:
    """Scan a deployment configuration file, or every one in a folder, into one BOM.

    Raises :class:`~fmbom.errors.InputFormatError` when a file given directly cannot be read
    or is not valid YAML, and :class:`~fmbom.errors.ScanError` when nothing in ``root`` is a
    deployment configuration fmbom recognises.
    """
    builder = Builder()
    count = 0
    for config, reader in _read_configs(root, builder):
        components, relations = dict(builder.components), dict(builder.relations)
        try:
            reader(builder, config)
        except ValidationError as error:
            # A value the object model refuses: that file is left out, the others stay.
            builder.components, builder.relations = components, relations
            builder.error(config.rel, f"not read: {error}")
            continue
        count += 1
    if count == 0:
        # Say why: the files that looked like configurations but could not be read.
        reasons = [Problem(str(root / p.path), p.message) for p in builder.problems if p.path]
        message = f"{root}: no deployment configuration found"
        raise ScanError(message, problems=[Problem("", message), *reasons])
    default = root.stem if root.is_file() else root.resolve().name
    subject = Subject(
        name=name or default or "deployment", version=version, unit=Unit.DEPLOYED_SYSTEM
    )
    metadata = BomMetadata(
        subject=subject, timestamp=timestamp, tools=(Tool(name="fmbom", version=__version__),)
    )
    try:
        bom = Bom(
            metadata=metadata,
            components=tuple(builder.components.values()),
            relations=tuple(builder.relations.values()),
        )
    except BomValidationError as error:  # pragma: no cover - the readers build valid parts
        raise ScanError(f"{root}: the configuration gives an inconsistent BOM: {error}") from None
    return ScanResult(bom=bom, problems=tuple(builder.problems), files=count)
