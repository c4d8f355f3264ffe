"""SPDX 3 documents of other tools → BOM, best effort.

AI packages become models, dataset packages datasets, other packages software; files that a
``trainedOn``/``testedOn`` relationship names become the model or dataset it says they are.
What maps goes to fields; facts fmbom has no field for are kept as ``spdx:<property>``
properties; whatever is not carried over is named in a warning. Deviations from SPDX 3.0.1
(relationship targets with no element behind them, licences stated on a sibling package) are
read leniently and returned separately, so a strict caller can refuse the document.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Final
from urllib.parse import quote

from fmbom.bom import ENDPOINT_KINDS, Bom, BomMetadata, Subject, Tool
from fmbom.errors import InputFormatError, ValidationError
from fmbom.governance import Governance, Identity, TrainingData
from fmbom.model import (
    COMPONENT_TYPES,
    AnyComponent,
    ComponentKind,
    DatasetPurpose,
    Digest,
    ExternalReference,
    ExternalReferenceType,
    Property,
    Relation,
    RelationKind,
    Sensitivity,
    SoftwareRole,
)
from fmbom.spdx._graph import Graph, entries, strings
from fmbom.spdx._names import (
    FOREIGN_PREFIX,
    PURPOSE_ROLE,
    SPDX_DATASET_TYPES,
    SPDX_HASH_ALGORITHMS,
    SPDX_REFERENCE_TYPES,
)

__all__ = ["read_foreign"]

_PACKAGES: Final = {
    "ai_AIPackage": ComponentKind.MODEL,
    "dataset_DatasetPackage": ComponentKind.DATASET,
    "software_Package": ComponentKind.SOFTWARE,
}
_RELATIONS: Final = {
    "trainedOn": RelationKind.TRAINED_ON,
    "testedOn": RelationKind.EVALUATED_ON,
    "descendantOf": RelationKind.DERIVED_FROM,
    "ancestorOf": RelationKind.DERIVED_FROM,
    "dependsOn": RelationKind.DEPENDS_ON,
    "availableFrom": RelationKind.SERVED_BY,
}
#: The kind a relationship says its (source, target) are, for targets given as bare strings.
_IMPLIED: Final = {
    "trainedOn": (ComponentKind.MODEL, ComponentKind.DATASET),
    "testedOn": (ComponentKind.MODEL, ComponentKind.DATASET),
    "descendantOf": (ComponentKind.MODEL, ComponentKind.MODEL),
    "ancestorOf": (ComponentKind.MODEL, ComponentKind.MODEL),
    "dependsOn": (ComponentKind.SOFTWARE, ComponentKind.SOFTWARE),
}
_LICENSE_TYPES: Final = ("hasDeclaredLicense", "hasConcludedLicense")
_LISTED: Final = "https://spdx.org/licenses/"
#: Properties every package reads into a field (the rest become ``spdx:*`` properties).
_COMMON_READ: Final = frozenset(
    {
        "type",
        "spdxId",
        "creationInfo",
        "name",
        "description",
        "software_packageVersion",
        "software_packageUrl",
        "suppliedBy",
        "verifiedUsing",
        "externalRef",
        "software_downloadLocation",
        "software_homePage",
        "extension",
    }
)
_CONSUMED: Final = frozenset(
    {
        "CreationInfo",
        "SpdxDocument",
        "software_Sbom",
        "Person",
        "Organization",
        "Agent",
        "SoftwareAgent",
        "Tool",
        "Relationship",
        "LifecycleScopedRelationship",
        "simplelicensing_LicenseExpression",
        "expandedlicensing_ListedLicense",
        "expandedlicensing_CustomLicense",
        # Objects, not elements: read through the element that holds or names them.
        "Hash",
        "DictionaryEntry",
        "ExternalRef",
    }
)


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _ref(spdx_id: str) -> str:
    text = quote(spdx_id, safe="!#$&'()*+,/:;=?@[]~-._%")
    if len(text) > 512:
        import hashlib

        text = text[:440] + "#" + hashlib.sha256(text.encode()).hexdigest()[:64]
    return text


class _Foreign:
    def __init__(self, graph: Graph, source: str) -> None:
        self.graph = graph
        self.source = source
        self.warnings: list[str] = []
        self.deviations: list[str] = []
        self.kinds: dict[str, ComponentKind] = {}
        self.made: dict[str, AnyComponent] = {}
        self.dropped_licenses: set[str] = set()

    def name_of(self, spdx_id: Any) -> str | None:
        element = self.graph.by_id.get(spdx_id) if isinstance(spdx_id, str) else None
        name = element.get("name") if element else None
        return name if isinstance(name, str) and name.strip() else None

    def licenses(self, spdx_id: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for relationship in self.graph.outgoing.get(spdx_id, ()):
            kind = relationship.get("relationshipType")
            if kind not in _LICENSE_TYPES:
                continue
            for target in strings(relationship.get("to")):
                element = self.graph.by_id.get(target, {})
                text = element.get("simplelicensing_licenseExpression")
                if not isinstance(text, str) and target.startswith(_LISTED):
                    text = target[len(_LISTED) :]
                if not isinstance(text, str) and element.get("type", "").endswith("License"):
                    label = element.get("name") or target.rstrip("/").rsplit("/", 1)[-1]
                    text = "LicenseRef-" + "".join(
                        c if c.isalnum() or c in ".-" else "-" for c in str(label)
                    )
                if isinstance(text, str):
                    found.setdefault(kind, []).append(text)
                elif kind == "hasDeclaredLicense" or target not in self.dropped_licenses:
                    self.dropped_licenses.add(target)
                    self.warnings.append(f"{spdx_id}: licence {target!r} not understood; dropped")
        return found

    def plan(self) -> None:
        """Decide the kind of every element that becomes a component."""
        for element in self.graph.elements:
            kind = _PACKAGES.get(element.get("type", ""))
            if kind is not None and isinstance(element.get("spdxId"), str):
                self.kinds[element["spdxId"]] = kind
        for element in self.graph.of_type("Relationship", "LifecycleScopedRelationship"):
            implied = _IMPLIED.get(element.get("relationshipType", ""))
            if implied is None:
                continue
            ends = [(element.get("from"), implied[0])]
            ends += [(t, implied[1]) for t in strings(element.get("to"))]
            weak = element.get("relationshipType") == "dependsOn"
            for end, kind in ends:
                if not isinstance(end, str) or (weak and (end in self.graph.by_id)):
                    continue
                current = self.kinds.get(end)
                if current in (ComponentKind.MODEL, ComponentKind.DATASET):
                    continue
                what = self.graph.by_id.get(end, {}).get("type")
                if what is not None:
                    self.warnings.append(
                        f"{end}: {what} named by a {element['relationshipType']} "
                        f"relationship; read as a {kind.value}"
                    )
                self.kinds[end] = kind

    def component(self, spdx_id: str, kind: ComponentKind) -> AnyComponent:
        element = self.graph.by_id.get(spdx_id)
        if element is None:
            return self.bare(spdx_id, kind)
        values: dict[str, Any] = {"ref": _ref(spdx_id)}
        properties: list[Property] = []
        read = set(_COMMON_READ)
        name = self.name_of(spdx_id)
        if name is None:
            self.warnings.append(f"{spdx_id}: element has no name; its id is used as its name")
        values["name"] = name or spdx_id
        for key, field in (
            ("description", "description"),
            ("software_packageVersion", "version"),
            ("software_packageUrl", "purl"),
        ):
            if isinstance(element.get(key), str):
                values[field] = element[key]
            elif key in element:
                read.discard(key)  # not text: kept as it is, as an spdx:* property
        if name is None and "name" in element:
            read.discard("name")
        supplier = element.get("suppliedBy")
        if supplier is not None:
            values["supplier"] = self.name_of(supplier) or _plain(supplier)
        values["digests"] = self.digests(element, spdx_id)
        values["external_references"] = self.references(element, kind, read)
        found = self.licenses(spdx_id)
        declared = found.get("hasDeclaredLicense") or found.get("hasConcludedLicense") or []
        values["licenses"] = declared
        concluded = found.get("hasConcludedLicense", [])
        if found.get("hasDeclaredLicense") and sorted(concluded) != sorted(declared):
            properties += [Property(name="spdx:concludedLicense", value=t) for t in concluded]
        if kind is ComponentKind.MODEL:
            read |= self.model(element, values)
        elif kind is ComponentKind.DATASET:
            read |= self.dataset(element, values)
        elif kind is ComponentKind.SOFTWARE:
            role = PURPOSE_ROLE.get(element.get("software_primaryPurpose", ""))
            values["role"] = role or SoftwareRole.OTHER
            if role is not None:
                read.add("software_primaryPurpose")
        properties += [
            Property(name=FOREIGN_PREFIX + key, value=_plain(value))
            for key, value in element.items()
            if key not in read
        ]
        properties += [Property(name=n, value=v) for n, v in entries(element)]
        values["properties"] = properties
        return self.build(kind, values, spdx_id)

    def build(self, kind: ComponentKind, values: dict[str, Any], spdx_id: str) -> AnyComponent:
        try:
            component: AnyComponent = COMPONENT_TYPES[kind](**values)  # type: ignore[assignment]
        except ValidationError as error:
            if error.path.startswith("licenses") and values.get("licenses"):
                self.warnings.append(
                    f"{spdx_id}: licence {values['licenses']} is not an SPDX expression; "
                    "kept as property spdx:license"
                )
                extra = [Property(name="spdx:license", value=t) for t in values["licenses"]]
                values["licenses"] = []
                values["properties"] = [*values.get("properties", ()), *extra]
                return self.build(kind, values, spdx_id)
            raise InputFormatError(
                error.message, self.source, problems=[p.at(spdx_id) for p in error.problems]
            ) from None
        return component

    def bare(self, spdx_id: str, kind: ComponentKind) -> AnyComponent:
        self.deviations.append(
            f"relationship target {spdx_id!r} has no element in the document; "
            f"recorded as a {kind.value} named by it"
        )
        return self.build(kind, {"ref": _ref(spdx_id), "name": spdx_id}, spdx_id)

    def digests(self, element: dict[str, Any], spdx_id: str) -> list[Digest]:
        out = []
        for item in self.graph.objects(element.get("verifiedUsing")):
            if not isinstance(item, dict):
                self.warnings.append(f"{spdx_id}: hash {item!r} has no object; not carried over")
                continue
            algorithm = SPDX_HASH_ALGORITHMS.get(item.get("algorithm", "")) if item else None
            if algorithm is None:
                self.warnings.append(f"{spdx_id}: hash {_plain(item)} not carried over")
                continue
            try:
                out.append(Digest(algorithm=algorithm, value=str(item.get("hashValue", ""))))
            except ValidationError as error:
                self.warnings.append(f"{spdx_id}: hash dropped: {error}")
        return out

    def references(
        self, element: dict[str, Any], kind: ComponentKind, read: set[str]
    ) -> list[ExternalReference]:
        """The links an element states. A value that is not a URL (SPDX's ``NOASSERTION`` or
        ``NONE``, or anything else) makes no link: its property is left out of ``read``, so it
        is kept as it is as an ``spdx:*`` property, with a warning unless SPDX defines it."""
        out: list[ExternalReference] = []

        def link(key: str, url: str, kind: ExternalReferenceType, comment: str | None) -> None:
            try:
                out.append(ExternalReference(url=url, type=kind, comment=comment))
            except ValidationError:
                read.discard(key)
                if url not in ("NOASSERTION", "NONE"):
                    self.warnings.append(
                        f"{element.get('spdxId')}: {key} {url!r} is not a URL; "
                        f"kept as property spdx:{key}"
                    )

        for item in self.graph.objects(element.get("externalRef")):
            if not isinstance(item, dict):
                self.warnings.append(f"external reference {item!r} has no object; not carried over")
                continue
            ref_type = SPDX_REFERENCE_TYPES.get(item.get("externalRefType", ""))
            for url in strings(item.get("locator")):
                comment = item.get("comment")
                comment = None if comment is None else str(comment)
                if ref_type is None:
                    comment = f"{item.get('externalRefType')}: {comment or ''}".rstrip(": ")
                link("externalRef", url, ref_type or ExternalReferenceType.OTHER, comment)
        location = element.get("software_downloadLocation")
        if isinstance(location, str) and kind is not ComponentKind.DATASET:
            link("software_downloadLocation", location, ExternalReferenceType.DISTRIBUTION, None)
        homepage = element.get("software_homePage")
        if isinstance(homepage, str):
            link("software_homePage", homepage, ExternalReferenceType.WEBSITE, None)
        return out

    def model(self, element: dict[str, Any], values: dict[str, Any]) -> set[str]:
        read = {"software_primaryPurpose"}
        domains = strings(element.get("ai_domain"))
        if domains:
            values["task"] = ", ".join(domains)
            read.add("ai_domain")
        for entry in self.graph.objects(element.get("ai_hyperparameter")):
            if (
                isinstance(entry, dict)
                and entry.get("key") == "context_length"
                and str(entry.get("value", "")).isdigit()
            ):
                values["context_length"] = int(entry["value"])
        identity: dict[str, Any] = {}
        training: dict[str, Any] = {}
        if isinstance(element.get("ai_limitation"), str):
            identity["limitations"] = [element["ai_limitation"]]
            read.add("ai_limitation")
        if isinstance(element.get("ai_informationAboutApplication"), str):
            identity["intended_uses"] = [element["ai_informationAboutApplication"]]
            read.add("ai_informationAboutApplication")
        if isinstance(element.get("ai_informationAboutTraining"), str):
            training["content_summary"] = element["ai_informationAboutTraining"]
            read.add("ai_informationAboutTraining")
        release = element.get("releaseTime")
        if isinstance(release, str) and len(release) >= 10:
            try:
                identity["release_date"] = datetime.date.fromisoformat(release[:10])
                read.add("releaseTime")
            except ValueError:
                pass
        if identity or training:
            values["governance"] = Governance(
                identity=Identity(**identity) if identity else None,
                training_data=TrainingData(**training) if training else None,
            )
        return read

    def dataset(self, element: dict[str, Any], values: dict[str, Any]) -> set[str]:
        read = {"software_primaryPurpose"}
        types = strings(element.get("dataset_datasetType"))
        modalities = [SPDX_DATASET_TYPES[t] for t in types if t in SPDX_DATASET_TYPES]
        if len(modalities) == len(types):
            values["modalities"] = list(dict.fromkeys(modalities))
            read.add("dataset_datasetType")
        size = element.get("dataset_datasetSize")
        if isinstance(size, int) or (isinstance(size, str) and size.isdigit()):
            values["size_bytes"] = int(size)
            read.add("dataset_datasetSize")
        if isinstance(element.get("dataset_dataCollectionProcess"), str):
            values["collection_method"] = element["dataset_dataCollectionProcess"]
            read.add("dataset_dataCollectionProcess")
        use = element.get("dataset_intendedUse")
        if isinstance(use, str) and use in {p.value for p in DatasetPurpose}:
            values["purpose"] = DatasetPurpose(use)
            read.add("dataset_intendedUse")
        location = element.get("software_downloadLocation")
        if isinstance(location, str):
            values["source"] = location
        personal = element.get("dataset_hasSensitivePersonalInformation")
        level = element.get("dataset_confidentialityLevel")
        sensitivity = (
            {
                "yes": Sensitivity.SENSITIVE_PII if level == "red" else Sensitivity.PII,
                "no": Sensitivity.PUBLIC if level == "clear" else Sensitivity.NONE,
                "noAssertion": Sensitivity.UNKNOWN,
            }.get(personal)
            if isinstance(personal, str)
            else None
        )
        if sensitivity is None and level in ("amber", "red"):
            sensitivity = Sensitivity.CONFIDENTIAL
        if sensitivity is not None:
            values["sensitivity"] = sensitivity
            read.add("dataset_hasSensitivePersonalInformation")
        return read

    def siblings(self) -> None:
        """Licences stated on a package with the same name as a licence-less AI package or
        dataset are applied to it."""
        by_name: dict[str, list[AnyComponent]] = {}
        for component in self.made.values():
            by_name.setdefault(component.name.strip().lower(), []).append(component)
        for spdx_id, component in list(self.made.items()):
            if component.licenses or component.kind not in (
                ComponentKind.MODEL,
                ComponentKind.DATASET,
            ):
                continue
            for other in by_name.get(component.name.strip().lower(), ()):
                if other is not component and other.licenses:
                    self.deviations.append(
                        f"licence of {component.name!r} stated on sibling package {other.ref!r}; "
                        "applied to it"
                    )
                    import attrs

                    self.made[spdx_id] = attrs.evolve(component, licenses=other.licenses)
                    break

    def relations(self) -> list[Relation]:
        out: dict[tuple[str, str, str], Relation] = {}
        skipped: dict[str, int] = {}
        for element in self.graph.of_type("Relationship", "LifecycleScopedRelationship"):
            spdx_type = element.get("relationshipType", "")
            if spdx_type in _LICENSE_TYPES:
                continue
            kind = _RELATIONS.get(spdx_type)
            origin = element.get("from")
            for target in strings(element.get("to")):
                source, sink = (target, origin) if spdx_type == "ancestorOf" else (origin, target)
                a = self.made.get(source) if isinstance(source, str) else None
                b = self.made.get(sink) if isinstance(sink, str) else None
                if kind is None or a is None or b is None or a is b:
                    if a is not None and b is not None and a is not b:
                        skipped[spdx_type] = skipped.get(spdx_type, 0) + 1
                    continue
                sources, targets = ENDPOINT_KINDS[kind]
                use = kind if a.kind in sources and b.kind in targets else RelationKind.DEPENDS_ON
                if use is not kind:
                    self.warnings.append(
                        f"{spdx_type} from {a.ref!r} ({a.kind.value}) to {b.ref!r} "
                        f"({b.kind.value}) read as depends-on"
                    )
                relation = Relation(kind=use, source=a.ref, target=b.ref)
                out.setdefault(relation.key, relation)
        for spdx_type, count in sorted(skipped.items()):
            self.warnings.append(
                f"{count} {spdx_type} relationship(s) between components not carried over "
                "(fmbom has no such relation)"
            )
        return list(out.values())

    def metadata(self) -> BomMetadata:
        document = next(self.graph.of_type("SpdxDocument"), {})
        roots: list[str] = []
        for collection in (document, *self.graph.of_type("software_Sbom")):
            roots += strings(collection.get("rootElement"))
        root = next((self.made[r] for r in roots if r in self.made), None)
        document_id = document.get("spdxId")
        name = root.name if root else self.name_of(document_id) or document_id or self.source
        if not isinstance(name, str) or not name.strip():
            raise InputFormatError(
                "no root element, SpdxDocument or file name says what the BOM describes",
                self.source,
            )
        subject = Subject(
            name=name,
            version=root.version if root else None,
            supplier=root.supplier if root else None,
            description=root.description if root else None,
        )
        stated = document.get("creationInfo", "")
        # Named by its IRI, or inlined (JSON-LD allows either).
        creation = stated if isinstance(stated, dict) else self.graph.by_id.get(stated, {})
        if not creation:
            creation = next(self.graph.of_type("CreationInfo"), {})
        timestamp = None
        created = creation.get("created")
        if isinstance(created, str):
            try:
                timestamp = datetime.datetime.fromisoformat(created.replace("Z", "+00:00"))
            except ValueError:
                self.warnings.append(f"CreationInfo.created {created!r} is not a timestamp")
            if timestamp is not None and timestamp.tzinfo is None:
                timestamp = None
        authors, tools = [], []
        for agent in strings(creation.get("createdBy")):
            agent_name = self.name_of(agent)
            kind = self.graph.by_id.get(agent, {}).get("type")
            if agent_name and kind == "SoftwareAgent":
                tools.append(Tool(name=agent_name))
            elif agent_name:
                authors.append(agent_name)
        tools += [
            Tool(name=n) for t in strings(creation.get("createdUsing")) if (n := self.name_of(t))
        ]
        return BomMetadata(subject=subject, timestamp=timestamp, authors=authors, tools=tools)


def read_foreign(graph: Graph, source: str) -> tuple[Bom, list[str], list[str]]:
    """Read another tool's SPDX 3 document: (BOM, warnings, deviations from SPDX 3.0.1)."""
    reader = _Foreign(graph, source)
    reader.plan()
    for spdx_id, kind in reader.kinds.items():
        reader.made[spdx_id] = reader.component(spdx_id, kind)
    reader.siblings()
    relations = reader.relations()
    dropped: dict[str, list[str]] = {}
    for element in graph.elements:
        kind_name: Any = element.get("type")
        element_id: Any = element.get("spdxId", element.get("@id"))
        if kind_name in _CONSUMED or element_id in reader.made:
            continue
        dropped.setdefault(str(kind_name), []).append(str(element.get("name") or element_id))
    for kind_name, names in sorted(dropped.items()):
        reader.warnings.append(
            f"{len(names)} {kind_name} element(s) not carried over: " + ", ".join(names)
        )
    try:
        bom = Bom(
            metadata=reader.metadata(),
            components=list(reader.made.values()),
            relations=relations,
        )
    except ValidationError as error:
        # unknown refs, lineage cycles: the BOM the document states is invalid (validate: 1)
        raise error.with_source(source or None) from None
    return bom, reader.warnings, reader.deviations
