"""Interoperability with cyclonedx-python-lib and with other tools' SBOMs."""

from __future__ import annotations

import copy
from typing import Any

from fmbom.bom import Bom
from fmbom.cyclonedx._common import SPEC_VERSIONS
from fmbom.errors import ExportError

__all__ = ["merge", "to_cyclonedx_bom"]


def to_cyclonedx_bom(bom: Bom) -> Any:
    """The BOM as a cyclonedx-python-lib ``cyclonedx.model.bom.Bom``.

    Use it to merge an ML-BOM with the software SBOM that cyclonedx-py produces, with the
    library's own tools. The library has no model card or data classes: models and datasets
    become components of type ``machine-learning-model`` and ``data`` carrying every fmbom
    field as ``fmbom:*`` properties, as in fmbom's own documents; model cards and ``data``
    entries are only in :func:`fmbom.cyclonedx.dumps` output.
    """
    from cyclonedx.model import ExternalReference, HashAlgorithm, HashType, Property, XsUri
    from cyclonedx.model import ExternalReferenceType as CdxRefType
    from cyclonedx.model.bom import Bom as CdxBom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.contact import OrganizationalEntity
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
    from cyclonedx.model.service import Service
    from packageurl import PackageURL

    from fmbom.cyclonedx._document import build_document

    document = build_document(bom)

    def common(data: dict[str, Any]) -> dict[str, Any]:
        licenses: list[Any] = []
        for choice in data.get("licenses", ()):
            if "expression" in choice:
                licenses.append(LicenseExpression(choice["expression"]))
            else:
                lic = choice["license"]
                licenses.append(DisjunctiveLicense(id=lic.get("id"), name=lic.get("name")))
        return {
            "name": data["name"],
            "version": data.get("version"),
            "group": data.get("group"),
            "description": data.get("description"),
            "bom_ref": data["bom-ref"],
            "licenses": licenses,
            "external_references": [
                ExternalReference(
                    type=CdxRefType(r["type"]), url=XsUri(r["url"]), comment=r.get("comment")
                )
                for r in data.get("externalReferences", ())
            ],
            "properties": [Property(name=p["name"], value=p["value"]) for p in data["properties"]],
        }

    def component(data: dict[str, Any]) -> Any:
        purl = None
        if "purl" in data:
            try:
                purl = PackageURL.from_string(data["purl"])
            except ValueError:
                purl = None
        return Component(
            type=ComponentType(data["type"]),
            supplier=OrganizationalEntity(name=data["supplier"]["name"])
            if "supplier" in data
            else None,
            hashes=[
                HashType(alg=HashAlgorithm(h["alg"]), content=h["content"])
                for h in data.get("hashes", ())
            ],
            purl=purl,
            **common(data),
        )

    cdx = CdxBom()
    subject = document["metadata"]["component"]
    cdx.metadata.component = component(subject)
    by_ref: dict[str, Any] = {subject["bom-ref"]: cdx.metadata.component}
    for data in document.get("components", ()):
        item = component(data)
        cdx.components.add(item)
        by_ref[data["bom-ref"]] = item
    for data in document.get("services", ()):
        provider = data.get("provider")
        service = Service(
            provider=OrganizationalEntity(name=provider["name"]) if provider else None,
            endpoints=[XsUri(e) for e in data.get("endpoints", ())],
            **common(data),
        )
        cdx.services.add(service)
        by_ref[data["bom-ref"]] = service
    for dependency in document["dependencies"]:
        targets = [by_ref[t] for t in dependency.get("dependsOn", ())]
        if targets:
            cdx.register_dependency(by_ref[dependency["ref"]], targets)
    return cdx


def _is_cyclonedx_json(value: object) -> bool:
    """True for a parsed CycloneDX JSON document (callers may pass anything at run time)."""
    return isinstance(value, dict) and value.get("bomFormat") == "CycloneDX"


def merge(document: dict[str, Any], sbom: dict[str, Any]) -> dict[str, Any]:
    """Fold an SBOM's components, services and dependencies into an exported document.

    ``document`` is fmbom's CycloneDX JSON document (from :func:`fmbom.cyclonedx.to_dict`),
    ``sbom`` a parsed CycloneDX JSON SBOM such as cyclonedx-py's. The SBOM's own subject
    (its ``metadata.component``) becomes a component the ML-BOM's subject depends on.
    Components whose bom-ref the ML-BOM already uses are left out when they describe the same
    thing (same name, version and purl) and are an error otherwise. Returns a new document.
    """
    if not _is_cyclonedx_json(sbom):
        raise ExportError("the SBOM to merge is not a CycloneDX JSON document")
    version = str(document.get("specVersion"))
    if version not in SPEC_VERSIONS:
        raise ExportError(f"cannot merge into CycloneDX {version!r}")
    merged = copy.deepcopy(document)
    sbom = copy.deepcopy(sbom)
    known: dict[str, dict[str, Any]] = {}
    for key in ("components", "services"):
        for item in merged.get(key, ()):
            known[str(item.get("bom-ref"))] = item
    subject_ref = str(merged["metadata"]["component"]["bom-ref"])
    known[subject_ref] = merged["metadata"]["component"]

    def add(key: str, items: Any) -> None:
        for item in items if isinstance(items, list) else ():
            ref = item.get("bom-ref")
            if ref is not None and ref in known:
                other = known[ref]
                same = all(other.get(k) == item.get(k) for k in ("name", "version", "purl"))
                if not same:
                    raise ExportError(
                        f"bom-ref {ref!r} of the SBOM names another component in the ML-BOM"
                    )
                continue
            if ref is not None:
                known[ref] = item
            merged.setdefault(key, []).append(item)

    sbom_subject = (sbom.get("metadata") or {}).get("component")
    extra_top: list[str] = []
    if isinstance(sbom_subject, dict):
        add("components", [sbom_subject])
        if sbom_subject.get("bom-ref"):
            extra_top.append(str(sbom_subject["bom-ref"]))
    add("components", sbom.get("components"))
    add("services", sbom.get("services"))
    dependencies = {str(d["ref"]): d for d in merged.get("dependencies", ())}
    for dependency in sbom.get("dependencies") or ():
        ref = str(dependency.get("ref"))
        targets = [str(t) for t in dependency.get("dependsOn") or ()]
        if ref in dependencies:
            current = dependencies[ref].setdefault("dependsOn", [])
            current.extend(t for t in targets if t not in current)
        else:
            dependencies[ref] = {"ref": ref, **({"dependsOn": targets} if targets else {})}
    subject_dependency = dependencies.setdefault(subject_ref, {"ref": subject_ref})
    for ref in extra_top:
        subject_dependency.setdefault("dependsOn", [])
        if ref not in subject_dependency["dependsOn"]:
            subject_dependency["dependsOn"].append(ref)
    for dependency in dependencies.values():
        if "dependsOn" in dependency:
            dependency["dependsOn"] = sorted(set(dependency["dependsOn"]))
    merged["dependencies"] = [dependencies[k] for k in sorted(dependencies)]
    for key in ("components", "services"):
        if key in merged:
            merged[key].sort(key=lambda c: str(c.get("bom-ref", "")))
    from fmbom.cyclonedx._document import SERIAL_PLACEHOLDER, serial_number
    from fmbom.cyclonedx._text import json_text

    merged["serialNumber"] = SERIAL_PLACEHOLDER
    merged["serialNumber"] = serial_number(json_text(merged))
    return merged
