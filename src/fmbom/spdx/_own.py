"""SPDX 3 documents fmbom wrote → BOM, exactly.

Each field is read from the one place the writer put it: SPDX's own property where SPDX holds
the value exactly, otherwise the element's ``fmbom:<field>`` extension entry.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from fmbom._fields import DECODE_ERRORS
from fmbom.bom import Bom, BomMetadata, Subject, Tool
from fmbom.errors import InputFormatError, ValidationError
from fmbom.model import (
    COMPONENT_TYPES,
    AnyComponent,
    ComponentKind,
    Dataset,
    Digest,
    ExternalReference,
    GuardModel,
    Model,
    Property,
    Relation,
    RelationKind,
    Threshold,
    WeightFile,
    Weights,
)
from fmbom.spdx._graph import Graph, entries, strings
from fmbom.spdx._names import (
    EXPORTER_ENTRY,
    KIND_ENTRY,
    RELATION_ENTRY,
    SPDX_HASH_ALGORITHMS,
    SPDX_REFERENCE_TYPES,
    SPDX_RELATIONSHIP_TYPES,
    USER_PREFIX,
    decode_field,
    entry_field_name,
    field_entry_name,
    unquote_part,
)

__all__ = ["read_own", "written_by_fmbom"]


def written_by_fmbom(graph: Graph) -> dict[str, Any] | None:
    """The SpdxDocument element when fmbom wrote the document, else None."""
    for element in graph.of_type("SpdxDocument"):
        if any(name == EXPORTER_ENTRY for name, _ in entries(element)):
            return element
    return None


class _Reader:
    def __init__(self, graph: Graph, document: dict[str, Any], source: str) -> None:
        self.graph = graph
        self.source = source
        self.ns = str(document["spdxId"])[: -len("document")]
        self.document = document
        self.warnings: list[str] = []

    def fail(self, where: str, message: str) -> InputFormatError:
        return InputFormatError(message, self.source, path=where)

    def text(self, element: dict[str, Any], key: str, where: str) -> str | None:
        """The string fmbom wrote at ``key`` (None when absent); anything else is refused."""
        value = element.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"{where}.{key}", f"must be a string, not {type(value).__name__}")
        return value

    def element(self, spdx_id: str, where: str) -> dict[str, Any]:
        found = self.graph.by_id.get(spdx_id)
        if found is None:
            raise self.fail(where, f"refers to {spdx_id!r}, which is not in the document")
        return found

    def ref(self, spdx_id: Any, where: str) -> str:
        prefix = f"{self.ns}component/"
        if not isinstance(spdx_id, str) or not spdx_id.startswith(prefix):
            raise self.fail(where, f"{spdx_id!r} is not an fmbom component id")
        return unquote_part(spdx_id[len(prefix) :])

    def fields(self, cls: type, element: dict[str, Any], where: str) -> dict[str, Any]:
        """The ``fmbom:<field>`` entries of ``element`` decoded as fields of ``cls``."""
        names = {f.name for f in attrs.fields(cls)}
        out: dict[str, Any] = {}
        for name, value in entries(element):
            if name in (KIND_ENTRY, RELATION_ENTRY, EXPORTER_ENTRY) or not name.startswith(
                "fmbom:"
            ):
                continue
            if name.startswith(USER_PREFIX):
                continue
            field = entry_field_name(name)
            if field not in names:
                self.warnings.append(f"{where}: unknown entry {name!r} ignored")
                continue
            try:
                out[field] = decode_field(cls, field, value)
            except DECODE_ERRORS as error:
                raise self.fail(f"{where}.{name}", f"cannot read {value!r}: {error}") from None
        return out

    def package(self, cls: type, element: dict[str, Any], where: str) -> dict[str, Any]:
        """The package fields SPDX holds exactly (``cls`` is a component kind or Subject)."""
        out = self.fields(cls, element, where)
        out["name"] = self.text(element, "name", where)
        for key, field in (
            ("description", "description"),
            ("software_packageVersion", "version"),
            ("software_packageUrl", "purl"),
        ):
            if key in element:
                out[field] = self.text(element, key, where)
        supplier = element.get("suppliedBy")
        if supplier is not None:
            agent = self.element(supplier, f"{where}.suppliedBy")
            out["supplier"] = self.text(agent, "name", f"{where}.suppliedBy")
        if "external_references" not in out and "externalRef" in element:
            out["external_references"] = [
                self.reference(r, f"{where}.externalRef[{i}]")
                for i, r in enumerate(element["externalRef"])
            ]
        if "verifiedUsing" in element:
            out["digests"] = [
                self.digest(h, f"{where}.verifiedUsing[{i}]")
                for i, h in enumerate(element["verifiedUsing"])
            ]
        licenses = []
        for relationship in self.graph.outgoing.get(element["spdxId"], ()):
            if relationship.get("relationshipType") == "hasDeclaredLicense":
                for target in strings(relationship.get("to")):
                    found = self.element(target, f"{relationship.get('spdxId')}.to")
                    licenses.append(found.get("simplelicensing_licenseExpression"))
        if licenses:
            out["licenses"] = licenses
        properties = []
        for name, value in entries(element):
            if name.startswith(USER_PREFIX):
                properties.append(Property(name=name[len(USER_PREFIX) :], value=value))
            elif not name.startswith("fmbom:"):
                properties.append(Property(name=name, value=value))
        if properties and cls is not Subject:
            out["properties"] = properties
        return out

    def reference(self, ref: dict[str, Any], where: str) -> ExternalReference:
        kind = SPDX_REFERENCE_TYPES.get(ref.get("externalRefType", ""))
        locators = strings(ref.get("locator"))
        if kind is None or len(locators) != 1:
            raise self.fail(where, "not an external reference fmbom wrote")
        return ExternalReference(url=locators[0], type=kind, comment=ref.get("comment"))

    def digest(self, item: dict[str, Any], where: str) -> Digest:
        algorithm = SPDX_HASH_ALGORITHMS.get(item.get("algorithm", ""))
        if algorithm is None:
            raise self.fail(where, f"unknown hash algorithm {item.get('algorithm')!r}")
        return Digest(algorithm=algorithm, value=item.get("hashValue", ""))

    def component(self, element: dict[str, Any], kind_name: str) -> AnyComponent:
        where = str(element.get("spdxId"))
        try:
            kind = ComponentKind(kind_name)
        except ValueError:
            raise self.fail(where, f"unknown {KIND_ENTRY} {kind_name!r}") from None
        cls = COMPONENT_TYPES[kind]
        values = self.package(cls, element, where)
        values["ref"] = self.ref(element["spdxId"], where)
        if cls is Model and "ai_domain" in element:
            values["task"] = strings(element["ai_domain"])[0]
        if cls is Dataset:
            if "dataset_dataCollectionProcess" in element:
                values["collection_method"] = element["dataset_dataCollectionProcess"]
            if "dataset_datasetSize" in element:
                values["size_bytes"] = element["dataset_datasetSize"]
        if cls is GuardModel and "ai_metricDecisionThreshold" in element:
            values["thresholds"] = [
                Threshold(name=e["key"], value=float(e["value"]))
                for e in element["ai_metricDecisionThreshold"]
            ]
        if cls is Weights:
            values["files"] = self.files(element, where)
        component: AnyComponent = cls(**values)  # type: ignore[assignment]
        return component

    def files(self, element: dict[str, Any], where: str) -> list[WeightFile]:
        out = []
        for relationship in self.graph.outgoing.get(element["spdxId"], ()):
            if relationship.get("spdxId") != f"{element['spdxId']}/files":
                continue
            for target in strings(relationship.get("to")):
                found = self.element(target, f"{where}/files")
                values = self.fields(WeightFile, found, target)
                name = found.get("name")
                if not isinstance(name, str) or not name.strip():
                    raise self.fail(target, "a weights file needs its path as its name")
                values["path"] = name
                hashes = found.get("verifiedUsing") or []
                if hashes:
                    values["digest"] = self.digest(hashes[0], f"{target}.verifiedUsing[0]")
                out.append(WeightFile(**values))
        return out

    def relation(self, element: dict[str, Any]) -> Relation:
        where = str(element.get("spdxId"))
        kind: RelationKind | None = SPDX_RELATIONSHIP_TYPES.get(element["relationshipType"])
        for name, value in entries(element):
            if name == RELATION_ENTRY:
                try:
                    kind = RelationKind(value)
                except ValueError:
                    raise self.fail(where, f"unknown relation kind {value!r}") from None
        if kind is None:
            raise self.fail(where, f"relationship type {element['relationshipType']!r}")
        targets = strings(element.get("to"))
        if len(targets) != 1:
            raise self.fail(where, "an fmbom relation has exactly one 'to'")
        values = self.fields(Relation, element, where)
        return Relation(
            kind=kind,
            source=self.ref(element.get("from"), f"{where}.from"),
            target=self.ref(targets[0], f"{where}.to"),
            **values,
        )

    def metadata(self) -> BomMetadata:
        subject_element = self.element(f"{self.ns}subject", "subject")
        subject = Subject(**self.package(Subject, subject_element, "subject"))
        creation = self.element(str(self.document.get("creationInfo")), "creationInfo")
        values = self.fields(BomMetadata, self.document, "SpdxDocument")
        if field_entry_name("timestamp") not in dict(entries(self.document)):
            values["timestamp"] = datetime.datetime.fromisoformat(
                str(creation["created"]).replace("Z", "+00:00")
            )
        authors: list[Any] = []
        tools: list[Tool] = []
        for agent_id in strings(creation.get("createdBy")):
            agent = self.element(agent_id, "CreationInfo.createdBy")
            if agent.get("type") != "SoftwareAgent":
                authors.append(agent.get("name"))
        for tool_id in strings(creation.get("createdUsing")):
            tool = self.element(tool_id, "CreationInfo.createdUsing")
            if any(name == EXPORTER_ENTRY for name, _ in entries(tool)):
                continue
            tool_name: Any = tool.get("name")
            tools.append(Tool(name=tool_name, **self.fields(Tool, tool, tool_id)))
        return BomMetadata(subject=subject, authors=authors, tools=tools, **values)


def read_own(graph: Graph, document: dict[str, Any], source: str) -> tuple[Bom, list[str]]:
    """Read a document fmbom wrote (``document`` is its SpdxDocument element)."""
    if not isinstance(document.get("spdxId"), str):
        raise InputFormatError("the SpdxDocument element has no spdxId", source)
    reader = _Reader(graph, document, source)
    components: list[AnyComponent] = []
    relations: list[Relation] = []
    relation_prefix = f"{reader.ns}relation/"
    try:
        metadata = reader.metadata()
        for element in graph.elements:
            kind = next((v for n, v in entries(element) if n == KIND_ENTRY), None)
            if kind is not None:
                components.append(reader.component(element, kind))
            elif element.get("type") == "Relationship" and str(element.get("spdxId")).startswith(
                relation_prefix
            ):
                relations.append(reader.relation(element))
        bom = Bom(metadata=metadata, components=components, relations=relations)
    except ValidationError as error:
        raise error.with_source(source or None) from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise InputFormatError(f"not a document fmbom can read back: {error!r}", source) from None
    return bom, reader.warnings
