"""CycloneDX (JSON-shaped document) → fmbom.

Documents fmbom wrote itself (recognised by the ``fmbom:exporter`` tool and the ``fmbom:kind``
property of each component) are read back exactly. Other documents are read best effort:
what maps onto an fmbom field goes there, what has no home is kept as an ``fmbom:import:*``
property, and what cannot be kept at all is reported as a warning.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import math
import re
from collections.abc import Iterator
from typing import Any, Final

import attrs
from cattrs.errors import BaseValidationError

from fmbom.bom import ENDPOINT_KINDS, Bom, BomMetadata, Subject, Tool
from fmbom.cyclonedx._common import (
    CONTEXT_LENGTH,
    EXPORTER_PROPERTY,
    IMPORT_PREFIX,
    KIND_PROPERTY,
    OWN_PROPERTY_PREFIXES,
    PARAMETER_COUNT,
    READ_VERSIONS,
    RECORDED_TOOL_PROPERTY,
    RELATION_PROPERTY,
    SOURCE_PREFIX,
    SUBJECT_PREFIX,
    USER_PREFIX,
    decode_field,
    dumps_compact,
    field_types,
    read_source,
)
from fmbom.errors import BomValidationError, FmbomError, InputFormatError, ValidationError
from fmbom.governance import (
    Evaluation,
    Governance,
    Identity,
    SourceType,
    TrainingData,
    Unit,
)
from fmbom.licenses import parse_license_expression
from fmbom.model import (
    COMPONENT_TYPES,
    AnyComponent,
    ComponentKind,
    Dataset,
    Digest,
    ExternalReference,
    ExternalReferenceType,
    InferenceProvider,
    Modality,
    Model,
    Property,
    Relation,
    RelationKind,
    Sensitivity,
    Software,
    SoftwareRole,
)
from fmbom.native import _CONVERTER

__all__ = ["read_document"]

_REF = re.compile(r"[!-~]{1,512}")
#: What decoding a value fmbom wrote (an ``fmbom:*`` property, an enumeration) may raise
#: when the document was edited by hand.
_DECODE_ERRORS: Final = (FmbomError, ValueError, TypeError, KeyError, BaseValidationError)
_OWN_ERRORS: Final = (ValueError, TypeError, KeyError, AttributeError, BaseValidationError)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+")

#: Keys of a component that the reader maps (others are kept as fmbom:import:* properties).
_COMMON_KEYS: Final = frozenset(
    {
        "type",
        "bom-ref",
        "name",
        "version",
        "group",
        "supplier",
        "purl",
        "licenses",
        "hashes",
        "externalReferences",
        "description",
        "properties",
        "components",
        "services",
        "pedigree",
        "modelCard",
        "data",
        "tags",
        "provider",
        "endpoints",
        "trustZone",
    }
)
_SOFTWARE_ROLE: Final = {
    "library": SoftwareRole.LIBRARY,
    "framework": SoftwareRole.FRAMEWORK,
    "application": SoftwareRole.APPLICATION,
    "platform": SoftwareRole.RUNTIME,
}
_SENSITIVITY: Final = {s.value: s for s in Sensitivity}
_REFERENCE_TYPES: Final = {t.value: t for t in ExternalReferenceType}
_MODALITY: Final = {m.value: m for m in Modality}
_PARAMETER_KEYS: Final = frozenset(
    {
        "task",
        "architectureFamily",
        "modelArchitecture",
        "approach",
        "inputs",
        "outputs",
        "datasets",
    }
)
_CONSIDERATION_KEYS: Final = frozenset(
    {
        "users",
        "useCases",
        "technicalLimitations",
        "performanceTradeoffs",
        "ethicalConsiderations",
        "fairnessAssessments",
        "environmentalConsiderations",
    }
)
_SUFFIX: Final = {"k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}
_ENERGY: Final = {"kwh": 1.0, "mwh": 1e3, "gwh": 1e6, "wh": 1e-3}


def _parse_count(text: str) -> int | None:
    """``7B`` → 7000000000, ``8192`` → 8192; None when not a count."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmMbBtT]?)\s*", text)
    if match is None:
        return None
    number, suffix = match.groups()
    value = float(number) * _SUFFIX.get(suffix.lower(), 1)
    return int(value) if value.is_integer() else None


def _float(text: Any) -> float | None:
    try:
        value = float(str(text).strip().rstrip("%"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else dumps_compact(value)


def _keep(name: str, value: Any) -> Property:
    if isinstance(value, str):
        return _kept(name, value)
    return Property(name=IMPORT_PREFIX + name, value=dumps_compact(value))


@functools.lru_cache(maxsize=4096)
def _kept(name: str, value: str) -> Property:
    """The (immutable) property keeping a string; the same few recur on every component."""
    return Property(name=IMPORT_PREFIX + name, value=value)


@attrs.define
class _Entry:
    """A component or service found in the document, with where it was found."""

    data: dict[str, Any]
    path: str
    service: bool
    parent: str | None = None
    original_ref: str | None = None
    ref: str = ""


@attrs.define
class _Reader:
    source: str
    warnings: list[str] = attrs.field(factory=list)
    ours: bool = False
    refs: dict[str, str] = attrs.field(factory=dict)
    components: list[AnyComponent] = attrs.field(factory=list)
    relations: list[Relation] = attrs.field(factory=list)
    taken: set[str] = attrs.field(factory=set)

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(f"{path}: {message}")

    # --- refs ---------------------------------------------------------------------------

    def new_ref(self, entry: dict[str, Any], hint: str) -> str:
        body = {k: v for k, v in entry.items() if k not in ("components", "services")}
        digest = hashlib.sha256(dumps_compact(body).encode("utf-8")).hexdigest()[:16]
        base = f"cdx-{hint}-{digest}" if hint else f"cdx-{digest}"
        ref, index = base, 1
        while ref in self.taken:
            index += 1
            ref = f"{base}-{index}"
        return ref

    def assign_refs(self, entries: list[_Entry]) -> None:
        for entry in entries:
            original = entry.data.get("bom-ref")
            if isinstance(original, str) and _REF.fullmatch(original):
                if original not in self.taken:
                    entry.ref = original
                    entry.original_ref = original
                    self.taken.add(original)
                    self.refs[original] = original
                    continue
                self.warn(entry.path, f"duplicate bom-ref {original!r}; a new ref was made")
        for entry in entries:
            if entry.ref:
                continue
            original = entry.data.get("bom-ref")
            entry.ref = self.new_ref(entry.data, "")
            self.taken.add(entry.ref)
            if isinstance(original, str):
                entry.original_ref = original
                self.refs.setdefault(original, entry.ref)
                if not _REF.fullmatch(original):
                    self.warn(entry.path, f"bom-ref {original!r} replaced by {entry.ref!r}")

    # --- common fields ------------------------------------------------------------------

    def licenses(self, data: Any, path: str, props: list[Property]) -> list[str]:
        found: list[str] = []
        if not isinstance(data, list):
            return found
        for index, choice in enumerate(data):
            if not isinstance(choice, dict):
                continue
            if "expression" in choice:
                text = str(choice["expression"])
            else:
                lic = choice.get("license")
                if not isinstance(lic, dict):
                    continue
                text = str(lic.get("id") or lic.get("name") or "")
                extra = (
                    {k: v for k, v in lic.items() if k not in ("id", "name")}
                    if len(lic) > 1
                    else None
                )
                if extra:
                    props.append(_keep("license", {"license": text, **extra}))
            try:
                parse_license_expression(text)
            except ValidationError:
                props.append(_keep("license-name", text))
                continue
            if text:
                found.append(text)
            else:
                self.warn(f"{path}.licenses[{index}]", "empty license ignored")
        return found

    def digests(self, data: Any, path: str, props: list[Property]) -> list[Digest]:
        found: dict[str, Digest] = {}
        for index, item in enumerate(data if isinstance(data, list) else ()):
            if not isinstance(item, dict):
                continue
            try:
                digest = Digest.of(str(item.get("alg", "")), str(item.get("content", "")))
            except ValidationError as error:
                props.append(_keep("hash", f"{item.get('alg')}:{item.get('content')}"))
                self.warn(f"{path}.hashes[{index}]", f"kept as a property: {error.message}")
                continue
            if digest.algorithm.value in found and found[digest.algorithm.value] != digest:
                props.append(_keep("hash", str(digest)))
                continue
            found[digest.algorithm.value] = digest
        return list(found.values())

    def references(self, data: Any, props: list[Property]) -> list[ExternalReference]:
        found: list[ExternalReference] = []
        for item in data if isinstance(data, list) else ():
            if not isinstance(item, dict):
                continue
            url = str(item.get("url", ""))
            kind = str(item.get("type", "other"))
            comment = item.get("comment")
            if not _URL.fullmatch(url):
                props.append(_keep("external-reference", item))
                continue
            if kind not in _REFERENCE_TYPES:
                props.append(_keep("external-reference-type", f"{kind} {url}"))
                kind = "other"
            found.append(
                ExternalReference(
                    url=url,
                    type=_REFERENCE_TYPES[kind],
                    comment=None if comment is None else str(comment),
                )
            )
        return found

    def common(self, entry: _Entry, props: list[Property]) -> dict[str, Any]:
        data = entry.data
        path = entry.path
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            self.warn(path, "no name; named 'unnamed'")
            name = "unnamed"
        fields: dict[str, Any] = {"ref": entry.ref, "name": name}
        for key in ("version", "group", "description"):
            if data.get(key) is not None:
                fields[key] = _text(data[key])
        supplier = data.get("supplier")
        if isinstance(supplier, dict) and supplier.get("name") is not None:
            fields["supplier"] = str(supplier["name"])
            if set(supplier) - {"name"}:
                props.append(_keep("supplier", supplier))
        purl = data.get("purl")
        if isinstance(purl, str):
            if _URL.fullmatch(purl):
                fields["purl"] = purl
            else:
                props.append(_keep("purl", purl))
        fields["licenses"] = (
            self.licenses(data["licenses"], path, props) if "licenses" in data else []
        )
        fields["digests"] = self.digests(data["hashes"], path, props) if "hashes" in data else []
        references = data.get("externalReferences")
        fields["external_references"] = self.references(references, props) if references else []
        return fields

    def properties(self, data: Any) -> list[Property]:
        return [
            Property(name=str(item["name"]), value=_text(item.get("value", "")))
            for item in (data if isinstance(data, list) else ())
            if isinstance(item, dict) and str(item.get("name", "")).strip()
        ]

    # --- components -----------------------------------------------------------------------

    def build(self, cls: type[Any], fields: dict[str, Any], path: str) -> AnyComponent:
        """Construct, dropping (with a warning) each field the object model rejects."""
        for _ in range(len(fields) + 1):
            try:
                component: AnyComponent = cls(**fields)
                return component
            except ValidationError as error:
                field = re.split(r"[.\[]", error.path or "")[0]
                if field in ("", "ref", "name") or field not in fields:
                    raise InputFormatError(f"{path}: {error}", self.source) from None
                self.warn(path, f"{field} dropped: {error.message}")
                del fields[field]
        raise InputFormatError(f"{path}: cannot be read", self.source)  # pragma: no cover

    def component(self, entry: _Entry) -> AnyComponent:
        found = entry.data.get("properties")
        raw_props = self.properties(found) if found else []
        kind_value = (
            next((p.value for p in raw_props if p.name == KIND_PROPERTY), None)
            if self.ours
            else None
        )
        if kind_value is not None:
            try:
                kind = ComponentKind(kind_value)
            except ValueError:
                self.warn(entry.path, f"unknown fmbom:kind {kind_value!r}; read as CycloneDX")
            else:
                self.own_refs.add(entry.ref)
                try:
                    return self.own_component(entry, kind, raw_props)
                except _OWN_ERRORS as error:
                    # A value fmbom writes from an enumeration, changed by hand.
                    raise InputFormatError(
                        f"{entry.path}: cannot be read as fmbom's own: {error}", self.source
                    ) from None
        return self.foreign_component(entry, raw_props)

    def own_component(
        self, entry: _Entry, kind: ComponentKind, raw_props: list[Property]
    ) -> AnyComponent:
        cls = COMPONENT_TYPES[kind]
        props: list[Property] = []
        fields = self.common(entry, props)
        data = entry.data
        types = field_types(cls)
        if entry.service:
            provider = data.get("provider")
            if isinstance(provider, dict) and "organization" in types and "name" in provider:
                fields["organization"] = str(provider["name"])
            endpoints = data.get("endpoints")
            if isinstance(endpoints, list) and endpoints and "endpoint" in types:
                fields["endpoint"] = str(endpoints[0])
            if "trustZone" in data and "trust_zone" in types:
                fields["trust_zone"] = str(data["trustZone"])
        if kind is ComponentKind.MODEL:
            self.own_model_card(data.get("modelCard"), fields)
        if kind is ComponentKind.DATASET:
            entries = data.get("data")
            if isinstance(entries, list) and entries and isinstance(entries[0], dict):
                first = entries[0]
                contents = first.get("contents")
                if isinstance(contents, dict) and "url" in contents:
                    fields["source"] = str(contents["url"])
                if "classification" in first:
                    fields["sensitivity"] = Sensitivity(str(first["classification"]))
        for prop in raw_props:
            name = prop.name
            if name == KIND_PROPERTY:
                continue
            if name == RELATION_PROPERTY:
                self.own_relation(entry.ref, prop.value, entry.path)
            elif name.startswith(USER_PREFIX):
                props.append(Property(name=name[len(USER_PREFIX) :], value=prop.value))
            elif name.startswith(OWN_PROPERTY_PREFIXES):
                props.append(prop)
            elif name.startswith(SOURCE_PREFIX) and "sources" in types:
                try:
                    source = read_source(name[len(SOURCE_PREFIX) :], prop.value)
                except (ValueError, TypeError, ValidationError) as error:
                    raise InputFormatError(
                        f"{entry.path}: property {name} cannot be read: {error}", self.source
                    ) from None
                fields["sources"] = (*fields.get("sources", ()), source)
            elif name.startswith("fmbom:"):
                field = name[len("fmbom:") :].replace("-", "_")
                if field in types and field not in ("ref", "properties"):
                    try:
                        value = decode_field(cls, field, prop.value)
                        if field == "external_references":
                            value = (*fields.get(field, ()), *value)
                        fields[field] = value
                    except _DECODE_ERRORS as error:
                        raise InputFormatError(
                            f"{entry.path}: property {name} cannot be read: {error}", self.source
                        ) from None
                else:
                    self.warn(entry.path, f"unknown property {name} kept as is")
                    props.append(prop)
            else:
                props.append(prop)
        fields["properties"] = props
        return self.build(cls, fields, entry.path)

    def own_model_card(self, card: Any, fields: dict[str, Any]) -> None:
        if not isinstance(card, dict):
            return
        parameters = card.get("modelParameters")
        if isinstance(parameters, dict):
            for key, field in (
                ("task", "task"),
                ("architectureFamily", "architecture_family"),
                ("modelArchitecture", "architecture"),
            ):
                if key in parameters:
                    fields[field] = str(parameters[key])
            for key, field in (("inputs", "modalities_in"), ("outputs", "modalities_out")):
                items = parameters.get(key)
                if isinstance(items, list):
                    fields[field] = [Modality(str(i.get("format"))) for i in items]
        for prop in self.properties(card.get("properties")):
            if prop.name == PARAMETER_COUNT:
                fields["parameter_count"] = int(prop.value)
            elif prop.name == CONTEXT_LENGTH:
                fields["context_length"] = int(prop.value)

    def own_relation(self, source: str, value: str, path: str) -> None:
        try:
            plain = json.loads(value)
            relation = _CONVERTER.structure({**plain, "source": source}, Relation)
        except _DECODE_ERRORS as error:
            raise InputFormatError(
                f"{path}: bad {RELATION_PROPERTY} {value!r}: {error}", self.source
            ) from None
        self.relations.append(relation)

    # --- components from other tools ----------------------------------------------------

    def foreign_component(self, entry: _Entry, raw_props: list[Property]) -> AnyComponent:
        data = entry.data
        props: list[Property] = []
        fields = self.common(entry, props)
        props.extend(raw_props)
        cdx_type = str(data.get("type", "service" if entry.service else "library"))
        cls: type[Any]
        if entry.service:
            cls = InferenceProvider
            self.foreign_service(data, fields, props)
        elif cdx_type == "machine-learning-model":
            cls = Model
            self.foreign_model_card(entry, fields, props)
        elif cdx_type == "data":
            cls = Dataset
            self.foreign_data(data.get("data"), fields, props)
        else:
            cls = Software
            fields["role"] = _SOFTWARE_ROLE.get(cdx_type, SoftwareRole.OTHER)
            props.append(_keep("component-type", cdx_type))
        for prop in props if cls is Model else ():
            if prop.name == PARAMETER_COUNT and "parameter_count" not in fields:
                count = _parse_count(prop.value)
                if count is not None:
                    fields["parameter_count"] = count
            elif prop.name == CONTEXT_LENGTH and "context_length" not in fields:
                length = _parse_count(prop.value)
                if length:
                    fields["context_length"] = length
        tags = data.get("tags")
        props.extend(_keep("tag", tag) for tag in (tags if isinstance(tags, list) else ()))
        pedigree = data.get("pedigree")
        if isinstance(pedigree, dict):
            extra = {k: v for k, v in pedigree.items() if k != "ancestors"}
            if extra:
                props.append(_keep("pedigree", extra))
        for key, value in data.items():
            if key not in _COMMON_KEYS:
                props.append(_keep(key, value))
        fields["properties"] = props
        return self.build(cls, fields, entry.path)

    def foreign_service(
        self, data: dict[str, Any], fields: dict[str, Any], props: list[Property]
    ) -> None:
        provider = data.get("provider")
        if isinstance(provider, dict) and provider.get("name") is not None:
            fields["organization"] = str(provider["name"])
            if set(provider) - {"name"}:
                props.append(_keep("provider", provider))
        endpoints = data.get("endpoints")
        if isinstance(endpoints, list):
            for index, endpoint in enumerate(endpoints):
                if index == 0 and _URL.fullmatch(str(endpoint)):
                    fields["endpoint"] = str(endpoint)
                else:
                    props.append(_keep("endpoint", endpoint))
        if "trustZone" in data:
            fields["trust_zone"] = str(data["trustZone"])
        if "data" in data:
            flows = data["data"] if isinstance(data["data"], list) else [data["data"]]
            props.extend(_keep("data-flow", flow) for flow in flows)

    def foreign_data(self, entries: Any, fields: dict[str, Any], props: list[Property]) -> None:
        if not isinstance(entries, list):
            return
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            props.append(_keep("data", entry))
            contents = entry.get("contents")
            if isinstance(contents, dict) and "url" in contents and "source" not in fields:
                fields["source"] = str(contents["url"])
            classification = str(entry.get("classification", "")).lower()
            if classification in _SENSITIVITY and "sensitivity" not in fields:
                fields["sensitivity"] = _SENSITIVITY[classification]

    def foreign_model_card(
        self, entry: _Entry, fields: dict[str, Any], props: list[Property]
    ) -> None:
        card = entry.data.get("modelCard")
        if not isinstance(card, dict):
            return
        path = entry.path + ".modelCard"
        parameters = card.get("modelParameters")
        if isinstance(parameters, dict):
            for key, field in (
                ("task", "task"),
                ("architectureFamily", "architecture_family"),
                ("modelArchitecture", "architecture"),
            ):
                if key in parameters:
                    fields[field] = _text(parameters[key])
            approach = parameters.get("approach")
            if isinstance(approach, dict) and "type" in approach:
                props.append(_keep("approach", approach["type"]))
            for key, field in (("inputs", "modalities_in"), ("outputs", "modalities_out")):
                found = []
                for item in parameters.get(key) or ():
                    fmt = str(item.get("format", "")) if isinstance(item, dict) else ""
                    if fmt.lower() in _MODALITY:
                        found.append(_MODALITY[fmt.lower()])
                    else:
                        props.append(_keep(f"{key[:-1]}-format", fmt))
                if found:
                    fields[field] = found
            for index, dataset in enumerate(parameters.get("datasets") or ()):
                self.card_dataset(entry, dataset, f"{path}.modelParameters.datasets[{index}]")
            props.extend(
                _keep(f"model-parameters.{key}", value)
                for key, value in parameters.items()
                if key not in _PARAMETER_KEYS
            )
        governance = self.card_governance(card, props)
        if governance is not None:
            fields["governance"] = governance
        props.extend(self.properties(card.get("properties")))

    def card_dataset(self, entry: _Entry, dataset: Any, path: str) -> None:
        if not isinstance(dataset, dict):
            return
        if "ref" in dataset and len(dataset) == 1:
            self.pending.append((entry.ref, str(dataset["ref"]), path, RelationKind.TRAINED_ON))
            return
        fields: dict[str, Any] = {"name": str(dataset.get("name") or "unnamed dataset")}
        props = [_keep("data", dataset)]
        self.foreign_data([dataset], fields, [])
        ref = self.new_ref(dataset, "dataset")
        self.taken.add(ref)
        fields["ref"] = ref
        fields["properties"] = props
        self.components.append(self.build(Dataset, fields, path))
        self.pending.append((entry.ref, ref, path, RelationKind.TRAINED_ON))

    def card_governance(self, card: dict[str, Any], props: list[Property]) -> Governance | None:
        evaluations = []
        analysis = card.get("quantitativeAnalysis")
        if isinstance(analysis, dict):
            evaluations = [
                self.evaluation(metric)
                for metric in analysis.get("performanceMetrics") or ()
                if isinstance(metric, dict)
            ]
            if "graphics" in analysis:
                props.append(_keep("graphics", analysis["graphics"]))
        identity = None
        energy = None
        considerations = card.get("considerations")
        if isinstance(considerations, dict):
            identity, energy = self.considerations(considerations, props)
        if not evaluations and identity is None and energy is None:
            return None
        return Governance(
            identity=identity,
            evaluations=evaluations,
            training_data=None if energy is None else TrainingData(energy_kwh=energy),
        )

    def evaluation(self, metric: dict[str, Any]) -> Evaluation:
        setup = []
        value = None
        if "value" in metric:
            value = _float(metric["value"])
            if value is None:
                setup.append(f"reported value: {metric['value']}")
        uncertainty = None
        interval = metric.get("confidenceInterval")
        if isinstance(interval, dict):
            low, high = _float(interval.get("lowerBound")), _float(interval.get("upperBound"))
            if low is not None and high is not None and high >= low:
                uncertainty = (high - low) / 2
            else:
                setup.append(
                    f"confidence interval: {interval.get('lowerBound')} to "
                    f"{interval.get('upperBound')}"
                )
        return Evaluation(
            benchmark=str(metric.get("slice") or "unspecified"),
            metric=str(metric.get("type") or "unspecified"),
            value=value,
            uncertainty=uncertainty,
            unit=Unit.BASE_MODEL,
            source_type=SourceType.PROVIDER_CLAIM,
            setup="; ".join(setup) or None,
        )

    def considerations(
        self, data: dict[str, Any], props: list[Property]
    ) -> tuple[Identity | None, float | None]:
        def strings(key: str) -> list[str]:
            items = data.get(key)
            return [_text(i) for i in items] if isinstance(items, list) else []

        limitations = strings("technicalLimitations")
        limitations += [f"Performance trade-off: {t}" for t in strings("performanceTradeoffs")]
        ethics = []
        for item in data.get("ethicalConsiderations") or ():
            if isinstance(item, dict):
                text = str(item.get("name", ""))
                if item.get("mitigationStrategy"):
                    text += f" (mitigation: {item['mitigationStrategy']})"
                ethics.append(text)
        for item in data.get("fairnessAssessments") or ():
            if isinstance(item, dict):
                parts = [
                    f"{label}: {item[key]}"
                    for key, label in (
                        ("groupAtRisk", "group at risk"),
                        ("benefits", "benefits"),
                        ("harms", "harms"),
                        ("mitigationStrategy", "mitigation"),
                    )
                    if item.get(key)
                ]
                ethics.append("Fairness assessment: " + "; ".join(parts))
        energy = None
        environment = data.get("environmentalConsiderations")
        if environment is not None:
            props.append(_keep("environmental-considerations", environment))
            energy = _training_energy(environment)
        props.extend(
            _keep(f"considerations.{key}", value)
            for key, value in data.items()
            if key not in _CONSIDERATION_KEYS
        )
        users, uses = strings("users"), strings("useCases")
        if not (users or uses or limitations or ethics):
            return None, energy
        identity = Identity(
            intended_users=users,
            intended_uses=uses,
            limitations=limitations,
            ethical_considerations=ethics,
        )
        return identity, energy

    pending: list[tuple[str, str, str, RelationKind]] = attrs.field(factory=list)
    own_refs: set[str] = attrs.field(factory=set)
    by_purl: dict[str, str] = attrs.field(factory=dict)
    by_name: dict[tuple[Any, Any, Any], list[str]] = attrs.field(factory=dict)


def _training_energy(environment: Any) -> float | None:
    if not isinstance(environment, dict):
        return None
    total = None
    items = environment.get("energyConsumptions")
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or item.get("activity") != "training":
            continue
        cost = item.get("activityEnergyCost")
        if not isinstance(cost, dict):
            continue
        value = _float(cost.get("value"))
        factor = _ENERGY.get(str(cost.get("unit", "")).lower())
        if value is not None and factor is not None and value >= 0:
            total = (total or 0.0) + value * factor
    return total


def _walk(items: Any, path: str, *, service: bool, parent: str | None) -> Iterator[_Entry]:
    """Every component (or service) of a list, nested ones after their parent."""
    if not isinstance(items, list):
        return
    key = "services" if service else "components"
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        here = f"{path}[{index}]"
        yield _Entry(data=item, path=here, service=service, parent=parent)
        children = item.get(key)
        if children:
            yield from _walk(children, f"{here}.{key}", service=service, parent=here)


def read_document(document: Any, source: str = "") -> tuple[Bom, list[str]]:
    """Build a BOM from a parsed CycloneDX document; returns (bom, warnings)."""
    if not isinstance(document, dict):
        raise InputFormatError("a CycloneDX document must be a JSON object", source)
    if document.get("bomFormat") != "CycloneDX":
        raise InputFormatError('not a CycloneDX document ("bomFormat" is not "CycloneDX")', source)
    version = document.get("specVersion")
    if version not in READ_VERSIONS:
        known = ", ".join(READ_VERSIONS)
        raise InputFormatError(
            f"CycloneDX specVersion {version!r} is not supported (reads {known})", source
        )
    reader = _Reader(source=source)
    found_metadata = document.get("metadata")
    metadata: dict[str, Any] = found_metadata if isinstance(found_metadata, dict) else {}
    tools = metadata.get("tools")
    tool_components = tools.get("components") if isinstance(tools, dict) else None
    reader.ours = any(
        isinstance(t, dict)
        and any(
            isinstance(p, dict) and p.get("name") == EXPORTER_PROPERTY
            for p in t.get("properties") or ()
        )
        for t in tool_components or ()
    )
    subject_data = metadata.get("component")
    entries: list[_Entry] = []
    subject_is_component = False
    if isinstance(subject_data, dict) and not reader.ours:
        subject_is_component = subject_data.get("type") == "machine-learning-model"
    if subject_is_component and isinstance(subject_data, dict):
        entries.append(_Entry(data=subject_data, path="$.metadata.component", service=False))
        entries.extend(
            _walk(
                subject_data.get("components"),
                "$.metadata.component.components",
                service=False,
                parent="$.metadata.component",
            )
        )
    elif isinstance(subject_data, dict) and subject_data.get("components"):
        entries.extend(
            _walk(
                subject_data.get("components"),
                "$.metadata.component.components",
                service=False,
                parent=None,
            )
        )
    entries.extend(_walk(document.get("components"), "$.components", service=False, parent=None))
    entries.extend(_walk(document.get("services"), "$.services", service=True, parent=None))
    subject_ref = subject_data.get("bom-ref") if isinstance(subject_data, dict) else None
    if isinstance(subject_ref, str) and not subject_is_component:
        reader.taken.add(subject_ref)
    reader.assign_refs(entries)
    by_path = {e.path: e for e in entries}
    for entry in entries:
        reader.components.append(reader.component(entry))
    foreign = {e.ref for e in entries} - reader.own_refs
    if foreign:
        _foreign_relations(reader, document, entries, by_path, foreign)
    subject = _subject(reader, subject_data, metadata, subject_is_component)
    bom_metadata = BomMetadata(
        subject=subject,
        timestamp=_timestamp(reader, metadata.get("timestamp")),
        authors=_authors(metadata.get("authors")),
        tools=_tools(tools),
    )
    for key in document:
        if key not in (
            "$schema",
            "bomFormat",
            "specVersion",
            "serialNumber",
            "version",
            "metadata",
            "components",
            "services",
            "dependencies",
        ):
            reader.warn(f"$.{key}", "not imported (an fmbom BOM has no place for it)")
    relations = _checked_relations(reader)
    try:
        bom = Bom(metadata=bom_metadata, components=reader.components, relations=relations)
    except BomValidationError as error:
        raise InputFormatError(f"inconsistent BOM: {error}", source) from None
    return bom, reader.warnings


def _foreign_relations(
    reader: _Reader,
    document: dict[str, Any],
    entries: list[_Entry],
    by_path: dict[str, _Entry],
    foreign: set[str],
) -> None:
    """Pending edges of the components not written by fmbom: nesting, pedigree, dependencies."""
    for entry in entries:
        if entry.ref not in foreign:
            continue
        if entry.parent is not None and entry.parent in by_path:
            parent = by_path[entry.parent]
            reader.pending.append((parent.ref, entry.ref, entry.path, RelationKind.DEPENDS_ON))
        pedigree = entry.data.get("pedigree")
        if isinstance(pedigree, dict):
            for index, ancestor in enumerate(pedigree.get("ancestors") or ()):
                if isinstance(ancestor, dict):
                    _ancestor(reader, entry, ancestor, f"{entry.path}.pedigree.ancestors[{index}]")
    for index, dependency in enumerate(document.get("dependencies") or ()):
        if not isinstance(dependency, dict):
            continue
        source = dependency.get("ref")
        if reader.refs.get(str(source), str(source)) not in foreign:
            continue
        for target in dependency.get("dependsOn") or ():
            reader.pending.append(
                (str(source), str(target), f"$.dependencies[{index}]", RelationKind.DEPENDS_ON)
            )
        if dependency.get("provides"):
            reader.warn(f"$.dependencies[{index}]", "provides not imported")


def _ancestor(reader: _Reader, entry: _Entry, ancestor: dict[str, Any], path: str) -> None:
    if not reader.by_purl and not reader.by_name:
        for component in reader.components:
            if component.purl is not None:
                reader.by_purl.setdefault(component.purl, component.ref)
            own_key = (component.name, component.group, component.version)
            reader.by_name.setdefault(own_key, []).append(component.ref)
    target = reader.by_purl.get(str(ancestor.get("purl"))) if ancestor.get("purl") else None
    if target is None:
        key = (ancestor.get("name"), ancestor.get("group"), ancestor.get("version"))
        target = next((r for r in reader.by_name.get(key, ()) if r != entry.ref), None)
    if target is None:
        ref = ancestor.get("bom-ref")
        new = _Entry(data=ancestor, path=path, service=False)
        if isinstance(ref, str) and _REF.fullmatch(ref) and ref not in reader.taken:
            new.ref = ref
        else:
            new.ref = reader.new_ref(ancestor, "ancestor")
        reader.taken.add(new.ref)
        reader.components.append(reader.component(new))
        target = new.ref
    reader.pending.append((entry.ref, target, path, RelationKind.DERIVED_FROM))


def _checked_relations(reader: _Reader) -> list[Relation]:
    """Resolve pending edges to relations the Bom accepts; warn about the rest."""
    relations = list(reader.relations)
    by_ref = {c.ref: c for c in reader.components}
    seen: set[tuple[RelationKind, str, str]] = set()
    pairs: set[tuple[str, str]] = set()
    lineage: dict[str, set[str]] = {}
    typed = [p for p in reader.pending if p[3] is not RelationKind.DEPENDS_ON]
    plain = [p for p in reader.pending if p[3] is RelationKind.DEPENDS_ON]
    for source_ref, target_ref, path, wanted in typed + plain:
        source = reader.refs.get(source_ref, source_ref)
        target = reader.refs.get(target_ref, target_ref)
        if source not in by_ref or target not in by_ref:
            missing = source_ref if source not in by_ref else target_ref
            if missing not in reader.taken:
                reader.warn(path, f"relation to unknown ref {missing!r} dropped")
            continue
        if source == target or (source, target) in pairs:
            continue
        kind = wanted
        source_kind, target_kind = by_ref[source].kind, by_ref[target].kind
        if kind is RelationKind.DERIVED_FROM and (source_kind, target_kind) != (
            ComponentKind.MODEL,
            ComponentKind.MODEL,
        ):
            allowed = ENDPOINT_KINDS[RelationKind.QUANTIZED_FROM]
            kind = (
                RelationKind.QUANTIZED_FROM
                if source_kind in allowed[0]
                and target_kind in allowed[1]
                and ComponentKind.WEIGHTS in (source_kind, target_kind)
                else RelationKind.DEPENDS_ON
            )
        sources, targets = ENDPOINT_KINDS[kind]
        if source_kind not in sources or target_kind not in targets:
            reader.warn(path, f"{kind.value} {source!r} -> {target!r} read as depends-on")
            kind = RelationKind.DEPENDS_ON
        if kind.is_lineage:
            if _reaches(lineage, target, source):
                reader.warn(path, f"lineage cycle through {source!r}; read as depends-on")
                kind = RelationKind.DEPENDS_ON
            else:
                lineage.setdefault(source, set()).add(target)
        key = (kind, source, target)
        if key in seen:
            continue
        seen.add(key)
        pairs.add((source, target))
        relations.append(Relation(kind=kind, source=source, target=target))
    return relations


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    stack, seen = [start], {start}
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _timestamp(reader: _Reader, value: Any) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        reader.warn("$.metadata.timestamp", f"not a timestamp: {value!r}; dropped")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def _authors(value: Any) -> list[str]:
    return (
        [str(a["name"]) for a in value or () if isinstance(a, dict) and a.get("name") is not None]
        if isinstance(value, list)
        else []
    )


def _tools(value: Any) -> list[Tool]:
    items: list[Any]
    if isinstance(value, dict):
        items = [*(value.get("components") or ()), *(value.get("services") or ())]
    elif isinstance(value, list):
        items = value
    else:
        return []
    found = []
    for item in items:
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            continue
        names = {p.get("name") for p in item.get("properties") or () if isinstance(p, dict)}
        if EXPORTER_PROPERTY in names and RECORDED_TOOL_PROPERTY not in names:
            continue
        vendor = item.get("vendor")
        for key in ("supplier", "manufacturer", "provider"):
            if vendor is None and isinstance(item.get(key), dict):
                vendor = item[key].get("name")
        found.append(
            Tool(
                name=str(item["name"]),
                version=None if item.get("version") is None else str(item["version"]),
                vendor=None if vendor is None else str(vendor),
            )
        )
    return found


def _subject(reader: _Reader, data: Any, metadata: dict[str, Any], is_component: bool) -> Subject:
    if not isinstance(data, dict):
        reader.warn("$.metadata", "no metadata.component; the subject is named 'unnamed'")
        return Subject(name="unnamed")
    props: list[Property] = []
    entry = _Entry(data=data, path="$.metadata.component", service=False, ref="subject")
    fields = reader.common(entry, props)
    subject: dict[str, Any] = {
        key: fields[key]
        for key in ("name", "version", "supplier", "description")
        if fields.get(key) is not None
    }
    subject["licenses"] = fields["licenses"]
    subject["external_references"] = fields["external_references"]
    if reader.ours:
        for prop in reader.properties(data.get("properties")):
            if prop.name.startswith(SUBJECT_PREFIX):
                field = prop.name[len(SUBJECT_PREFIX) :].replace("-", "_")
                try:
                    subject[field] = decode_field(Subject, field, prop.value)
                except _DECODE_ERRORS as error:
                    raise InputFormatError(
                        f"$.metadata.component: property {prop.name} cannot be read: {error}",
                        reader.source,
                    ) from None
        return Subject(**subject)
    if is_component:
        subject["unit"] = Unit.BASE_MODEL
        model = reader.components[0] if reader.components else None
        if isinstance(model, Model) and model.governance is not None:
            subject["governance"] = model.governance
    else:
        subject["unit"] = Unit.DEPLOYED_SYSTEM
    dropped = sorted(
        k
        for k in data
        if k
        not in (
            "type",
            "bom-ref",
            "name",
            "version",
            "supplier",
            "description",
            "licenses",
            "externalReferences",
            "components",
        )
        and not is_component
    )
    if dropped:
        reader.warn("$.metadata.component", f"not imported: {', '.join(dropped)}")
    for key in ("properties", "supplier", "manufacturer", "manufacture", "licenses", "lifecycles"):
        if key in metadata:
            reader.warn(f"$.metadata.{key}", "not imported")
    try:
        return Subject(**subject)
    except ValidationError as error:
        reader.warn("$.metadata.component", f"{error}; only the name kept")
        return Subject(name=subject["name"])
