"""CycloneDX XML: write the JSON-shaped document as XML, and read XML safely into that shape.

Both directions share one table of how JSON keys become elements: which keys are XML
attributes, which lists have a wrapper element, what each item element is called. The
reader refuses DTDs and entities, never touches the network, and limits size and depth.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any, Final

from fmbom.cyclonedx._xsd import XmlType, root_type
from fmbom.errors import ExportError, InputFormatError

__all__ = ["MAX_XML_DEPTH", "parse_xml", "to_xml"]

#: Documents nested deeper than this are refused.
MAX_XML_DEPTH: Final = 64

#: Attributes of each element (JSON key → XML attribute).
_ATTRIBUTES: Final = {
    "bom": {"serialNumber": "serialNumber", "version": "version"},
    "component": {"type": "type", "mime-type": "mime-type", "bom-ref": "bom-ref"},
    "service": {"bom-ref": "bom-ref"},
    "reference": {"type": "type"},
    "dependency": {"ref": "ref"},
    "dataset": {"bom-ref": "bom-ref"},
    "data": {"bom-ref": "bom-ref"},
    "modelCard": {"bom-ref": "bom-ref"},
    "image": {"contentType": "content-type", "encoding": "encoding"},
    "hash": {"alg": "alg"},
    "property": {"name": "name"},
    "classification": {"flow": "flow"},
}
_REVERSE_ATTRIBUTES: Final = {
    tag: {xml: key for key, xml in names.items()} for tag, names in _ATTRIBUTES.items()
}
#: Elements whose text is one JSON key (the others being attributes).
_TEXT_KEY: Final = {
    "hash": "content",
    "property": "value",
    "image": "content",
    "classification": "classification",
}
#: Elements of one attribute and a text, whose JSON keys have the same names: (attribute,
#: text key).
_PAIRS: Final = {
    tag: (attribute, _TEXT_KEY[tag])
    for tag in ("property", "hash")
    for attribute in _ATTRIBUTES[tag]
    if _ATTRIBUTES[tag][attribute] == attribute
}
#: Lists: JSON key → (wrapper element or None for repeated elements, item element).
_LISTS: Final = {
    "components": ("components", "component"),
    "services": ("services", "service"),
    "hashes": ("hashes", "hash"),
    "externalReferences": ("externalReferences", "reference"),
    "properties": ("properties", "property"),
    "dependencies": ("dependencies", "dependency"),
    "dependsOn": (None, "dependency"),
    "provides": (None, "provides"),
    "authors": ("authors", "author"),
    "ancestors": ("ancestors", "component"),
    "descendants": ("descendants", "component"),
    "variants": ("variants", "component"),
    "inputs": ("inputs", "input"),
    "outputs": ("outputs", "output"),
    "performanceMetrics": ("performanceMetrics", "performanceMetric"),
    "users": ("users", "user"),
    "useCases": ("useCases", "useCase"),
    "technicalLimitations": ("technicalLimitations", "technicalLimitation"),
    "performanceTradeoffs": ("performanceTradeoffs", "performanceTradeoff"),
    "ethicalConsiderations": ("ethicalConsiderations", "ethicalConsideration"),
    "fairnessAssessments": ("fairnessAssessments", "fairnessAssessment"),
    "energyConsumptions": ("energyConsumptions", "energyConsumption"),
    "energyProviders": (None, "energyProviders"),
    "endpoints": ("endpoints", "endpoint"),
    "collection": ("collection", "graphic"),
    "tags": ("tags", "tag"),
    "url": (None, "url"),
    "sensitiveData": (None, "sensitiveData"),
    "data": (None, "data"),
    "contact": (None, "contact"),
}
_ORGANIZATIONS: Final = frozenset(
    {"supplier", "manufacturer", "manufacture", "provider", "organization", "vendor"}
)
#: Repeated elements without a wrapper, and the parents in which they repeat.
_REPEATED_IN: Final = {
    "url": _ORGANIZATIONS,
    "contact": _ORGANIZATIONS,
    "data": frozenset({"component"}),
    "sensitiveData": frozenset({"data", "dataset"}),
    "energyProviders": frozenset({"energyConsumption"}),
    "provides": frozenset({"dependency"}),
}
_ITEM_TO_LIST: Final = {
    (wrapper, item): key for key, (wrapper, item) in _LISTS.items() if wrapper is not None
}

#: Element order of a component (the union over 1.5-1.7, which keep the same relative order).
COMPONENT_ORDER: Final = (
    "supplier",
    "manufacturer",
    "authors",
    "author",
    "publisher",
    "group",
    "name",
    "version",
    "versionRange",
    "description",
    "scope",
    "hashes",
    "licenses",
    "copyright",
    "patentAssertions",
    "cpe",
    "purl",
    "omniborId",
    "swhid",
    "swid",
    "modified",
    "pedigree",
    "externalReferences",
    "properties",
    "components",
    "evidence",
    "releaseNotes",
    "modelCard",
    "data",
    "cryptoProperties",
    "tags",
    "signature",
)


_COMPONENT_RANK: Final = {key: index for index, key in enumerate(COMPONENT_ORDER)}


_XML_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # Every character XML 1.0 cannot carry is unprintable: most values skip the search.
    if not text.isprintable() and _XML_ILLEGAL.search(text):
        raise ExportError(
            f"{text[:40]!r} contains control characters that XML 1.0 cannot carry; "
            "export it as CycloneDX JSON"
        )
    return text


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def _escape_attribute(text: str) -> str:
    text = _escape(text).replace('"', "&quot;")
    if "\n" in text or "\t" in text:
        text = text.replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def to_xml(document: dict[str, Any]) -> str:
    """Serialize a JSON-shaped CycloneDX document as XML text (namespace from specVersion).

    The text is written directly, two spaces per level. Elements are put in the order the
    version's XSD gives them, and the keys it declares as attributes become attributes
    (see :mod:`fmbom.cyclonedx._xsd`).
    """
    version = str(document["specVersion"])
    body = {k: v for k, v in document.items() if k not in ("$schema", "bomFormat", "specVersion")}
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _Writer(out).element(
        "",
        "bom",
        body,
        f' xmlns="http://cyclonedx.org/schema/bom/{_escape_attribute(version)}"',
        root_type(version),
    )
    return "".join(out)


def _child(xtype: XmlType | None, name: str) -> XmlType | None:
    return None if xtype is None else xtype.child(name)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


class _Writer:
    def __init__(self, out: list[str]) -> None:
        self.out = out
        #: The XSD order of each set of keys met (components mostly share a few): sorting
        #: once per set instead of once per element.
        self.orders: dict[tuple[str, int, tuple[str, ...]], list[str]] = {}

    def ordered(self, tag: str, value: dict[str, Any], xtype: XmlType | None) -> list[str]:
        """The keys of ``value`` in the order ``<tag>`` (of type ``xtype``) writes them."""
        keys = tuple(value)
        cache_key = (tag, id(xtype), keys)
        found = self.orders.get(cache_key)
        if found is None:
            if xtype is not None:
                ranks, last = xtype.ranks, len(xtype.children)
                found = sorted(keys, key=lambda k: ranks.get(k, last))
            elif tag == "component":
                found = sorted(keys, key=lambda k: _COMPONENT_RANK.get(k, -1))
            else:
                found = list(keys)
            self.orders[cache_key] = found
        return found

    def leaf(self, pad: str, name: str, value: Any) -> None:
        self.out.append(f"{pad}<{name}>{_escape(_text(value))}</{name}>\n")

    def items(self, pad: str, item_tag: str, entries: list[Any], xtype: XmlType | None) -> None:
        pair = _PAIRS.get(item_tag)
        for entry in entries:
            if not isinstance(entry, dict):
                self.leaf(pad, item_tag, entry)
                continue
            if pair is not None and len(entry) == 2:
                # A property or a hash (most of the elements of a document): the text
                # :meth:`element` writes for it, without ordering its two keys.
                name, text = entry.get(pair[0]), entry.get(pair[1])
                if type(name) is str and type(text) is str:
                    name, text = _escape_attribute(_text(name)), _escape(_text(text))
                    self.out.append(f'{pad}<{item_tag} {pair[0]}="{name}">{text}</{item_tag}>\n')
                    continue
            self.element(pad, item_tag, entry, "", xtype)

    def element(
        self,
        pad: str,
        tag: str,
        value: dict[str, Any],
        extra: str = "",
        xtype: XmlType | None = None,
    ) -> None:
        """Write ``<tag>`` for the JSON object ``value`` (``xtype``: its XSD type, if known)."""
        out = self.out
        attributes = _ATTRIBUTES.get(tag)
        declared = xtype.attributes if xtype is not None else ()
        text_key = _TEXT_KEY.get(tag)
        attrs = extra
        text = None
        start = len(out)
        out.append("")
        inner = pad + "  "
        for key in self.ordered(tag, value, xtype):
            item = value[key]
            if (attributes is not None and key in attributes) or (
                key in declared and _is_scalar(item)
            ):
                name = attributes.get(key, key) if attributes is not None else key
                attrs += f' {name}="{_escape_attribute(_text(item))}"'
            elif key == text_key:
                text = _text(item)
            elif type(item) is str:
                out.append(f"{inner}<{key}>{_escape(_text(item))}</{key}>\n")
            elif key == "licenses":
                holder = _child(xtype, "licenses")
                out.append(f"{inner}<licenses>\n")
                for choice in item:
                    if "expression" in choice:
                        extra_attrs = "".join(
                            f' {k}="{_escape_attribute(_text(v))}"'
                            for k, v in choice.items()
                            if k != "expression" and _is_scalar(v)
                        )
                        body = _escape(_text(choice["expression"]))
                        out.append(f"{inner}  <expression{extra_attrs}>{body}</expression>\n")
                    else:
                        lic = _child(holder, "license")
                        self.element(inner + "  ", "license", choice["license"], "", lic)
                out.append(f"{inner}</licenses>\n")
            elif key == "datasets":
                holder = _child(xtype, "datasets")
                out.append(f"{inner}<datasets>\n")
                for entry in item:
                    if set(entry) == {"ref"}:
                        self.leaf(inner + "  ", "ref", entry["ref"])
                    else:
                        self.element(inner + "  ", "dataset", entry, "", _child(holder, "dataset"))
                out.append(f"{inner}</datasets>\n")
            elif key == "data" and tag == "service":
                holder = _child(xtype, "data")
                out.append(f"{inner}<data>\n")
                for flow in item:
                    kind = _child(holder, "dataflow") or _child(holder, "classification")
                    self.element(inner + "  ", "classification", flow, "", kind)
                out.append(f"{inner}</data>\n")
            elif key == "tools" and isinstance(item, list):
                holder = _child(xtype, "tools")
                out.append(f"{inner}<tools>\n")
                self.items(inner + "  ", "tool", item, _child(holder, "tool"))
                out.append(f"{inner}</tools>\n")
            elif key in _LISTS and isinstance(item, list):
                wrapper_tag, item_tag = _LISTS[key]
                item_pad = inner
                holder = _child(xtype, key)
                if wrapper_tag is not None:
                    out.append(f"{inner}<{wrapper_tag}>\n")
                    item_pad = inner + "  "
                    item_type = _child(holder, item_tag)
                else:
                    item_type = _child(xtype, item_tag)
                if item_tag == "dependency" and wrapper_tag is None:
                    for entry in item:
                        ref = _escape_attribute(_text(entry))
                        out.append(f'{item_pad}<dependency ref="{ref}" />\n')
                else:
                    self.items(item_pad, item_tag, item, item_type)
                if wrapper_tag is not None:
                    out.append(f"{inner}</{wrapper_tag}>\n")
            elif isinstance(item, list):
                found = xtype.list_item(key) if xtype is not None else None
                if found is not None:
                    out.append(f"{inner}<{key}>\n")
                    self.items(inner + "  ", found[0], item, found[1])
                    out.append(f"{inner}</{key}>\n")
                elif xtype is not None and key in xtype.children:
                    self.items(inner, key, item, xtype.child(key))
                else:
                    raise ExportError(f"cannot write the list {key!r} of <{tag}> as CycloneDX XML")
            elif isinstance(item, dict):
                self.element(inner, key, item, "", _child(xtype, key))
            else:
                self.leaf(inner, key, item)
        if len(out) > start + 1:
            out[start] = f"{pad}<{tag}{attrs}>\n"
            out.append(f"{pad}</{tag}>\n")
        elif text is not None:
            out[start] = f"{pad}<{tag}{attrs}>{_escape(text)}</{tag}>\n"
        else:
            out[start] = f"{pad}<{tag}{attrs} />\n"


# --- reading -------------------------------------------------------------------------------


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def parse_xml(data: bytes, source: str = "") -> tuple[dict[str, Any], list[str]]:
    """Parse CycloneDX XML into the JSON document shape; returns (document, warnings)."""
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputFormatError(f"not well-formed XML: {error}", source) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InputFormatError("XML with a DOCTYPE (DTD or entities) is refused", source)
    namespace = etree.QName(root).namespace or ""
    if _local(root.tag) != "bom" or not namespace.startswith("http://cyclonedx.org/schema/bom/"):
        raise InputFormatError("not a CycloneDX XML document (no <bom> root element)", source)
    version = namespace.rsplit("/", 1)[-1]
    warnings: list[str] = []
    _check_depth(root, source)
    body = _convert(root, "bom", namespace, "$", warnings)
    if not isinstance(body, dict):
        body = {}
    document: dict[str, Any] = {"bomFormat": "CycloneDX", "specVersion": version, **body}
    if "version" in document:
        with contextlib.suppress(TypeError, ValueError):
            document["version"] = int(document["version"])
    return document, warnings


_TOO_DEEP: Final = "boolean(" + "/*" * (MAX_XML_DEPTH + 1) + ")"


def _check_depth(root: Any, source: str) -> None:
    """Refuse a tree with an element deeper than MAX_XML_DEPTH (checked by lxml's XPath, in C)."""
    if root.xpath(_TOO_DEEP):
        raise InputFormatError(f"XML nested deeper than {MAX_XML_DEPTH} levels; refused", source)


def _convert(element: Any, tag: str, namespace: str, path: str, warnings: list[str]) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]
    reverse = _REVERSE_ATTRIBUTES.get(tag, {})
    if not children and not element.attrib:
        return {} if tag in _OBJECT_TAGS else element.text or ""
    out: dict[str, Any] = {}
    for name, value in element.attrib.items():
        out[reverse.get(name, name)] = value
    text_key = _TEXT_KEY.get(tag)
    if text_key is not None:
        out[text_key] = element.text or ""
    for child in children:
        qname = str(child.tag)
        if qname.startswith("{") and not qname.startswith("{" + namespace + "}"):
            warnings.append(f"{path}: extension element {qname} ignored")
            continue
        name = _local(qname)
        child_path = f"{path}.{name}"
        if tag == "dependency" and name == "dependency":
            out.setdefault("dependsOn", []).append(child.get("ref", ""))
        elif name == "licenses":
            out["licenses"] = [
                {**dict(c.attrib), "expression": c.text or ""}
                if _local(c.tag) == "expression"
                else {"license": _convert(c, "license", namespace, child_path, warnings)}
                for c in child
                if isinstance(c.tag, str)
            ]
        elif name == "datasets":
            out["datasets"] = [
                {"ref": c.text or ""}
                if _local(c.tag) == "ref"
                else _convert(c, "dataset", namespace, child_path, warnings)
                for c in child
                if isinstance(c.tag, str)
            ]
        elif name == "tools" and any(_local(c.tag) == "tool" for c in child):
            out["tools"] = [
                _convert(c, "tool", namespace, child_path, warnings)
                for c in child
                if isinstance(c.tag, str)
            ]
        elif name == "data" and tag == "service":
            out["data"] = [
                _convert(c, _local(c.tag), namespace, child_path, warnings)
                for c in child
                if isinstance(c.tag, str)
            ]
        elif tag in _REPEATED_IN.get(name, ()):
            out.setdefault(name, []).append(_convert(child, name, namespace, child_path, warnings))
        elif name in _LISTS_BY_WRAPPER:
            item_tag = _LISTS_BY_WRAPPER[name]
            out[name] = [
                _convert(c, item_tag, namespace, child_path, warnings)
                for c in child
                if isinstance(c.tag, str)
            ]
        else:
            out[name] = _convert(child, name, namespace, child_path, warnings)
    return out


#: Elements that are objects even when empty (``<modelCard />`` is ``{}``, not ``""``).
_OBJECT_TAGS: Final = frozenset(
    {"modelCard", "modelParameters", "considerations", "quantitativeAnalysis", "pedigree"}
    | {"metadata", "evidence", "approach", "component", "service", "data", "contents"}
)
_LISTS_BY_WRAPPER: Final = {
    wrapper: item
    for key, (wrapper, item) in _LISTS.items()
    if wrapper is not None and wrapper == key
}
