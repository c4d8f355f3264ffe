"""The element order and attributes of CycloneDX XML, read from the official XSD.

The XML writer walks a JSON-shaped document. JSON objects have no order the schema cares
about, but XML elements do, and some JSON keys are XML attributes. For values fmbom carries
from other documents (formulation, evidence, compositions, ...) the writer asks this module,
which reads each version's XSD once per process: for every element, the order of its child
elements, which of them repeat, and its attributes.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Final

__all__ = ["XmlType", "root_type"]

_XS: Final = "{http://www.w3.org/2001/XMLSchema}"
_GROUPS: Final = frozenset({"sequence", "choice", "all", "complexContent", "simpleContent"})


class XmlType:
    """What the XSD says of one element type: its children in order and its attributes."""

    def __init__(self) -> None:
        #: child element name → (rank, its type, may repeat)
        self.children: dict[str, tuple[int, XmlType | None, bool]] = {}
        self.attributes: set[str] = set()
        #: True when the element holds text (simple content, possibly with attributes).
        self.text = False
        self._ranks: dict[str, int] = {}

    def child(self, name: str) -> XmlType | None:
        found = self.children.get(name)
        return None if found is None else found[1]

    @property
    def ranks(self) -> dict[str, int]:
        """Each child's rank in the XSD's order, as one dictionary to sort by (a key that is
        not a child sorts after them all)."""
        if len(self._ranks) != len(self.children):
            self._ranks = {name: found[0] for name, found in self.children.items()}
        return self._ranks

    def list_item(self, name: str) -> tuple[str, XmlType | None] | None:
        """For a wrapper child such as ``formulation``: its one repeated item element."""
        wrapper = self.child(name)
        if wrapper is None or wrapper.attributes or len(wrapper.children) != 1:
            return None
        ((item, (_, item_type, repeats)),) = wrapper.children.items()
        return (item, item_type) if repeats else None


class _Reader:
    def __init__(self, root: Any) -> None:
        self.named = {node.get("name"): node for node in root if node.tag == f"{_XS}complexType"}
        self.attribute_groups = {
            node.get("name"): node for node in root if node.tag == f"{_XS}attributeGroup"
        }
        self.done: dict[str, XmlType] = {}
        self.root = root

    def named_type(self, name: str) -> XmlType | None:
        local = name.split(":", 1)[-1]
        if local in self.done:
            return self.done[local]
        node = self.named.get(local)
        if node is None:
            return None
        found = self.done[local] = XmlType()
        self.fill(found, node, repeated=False)
        return found

    def element_type(self, element: Any) -> XmlType | None:
        declared = element.get("type")
        if declared is not None:
            return self.named_type(declared)
        for node in element:
            if node.tag == f"{_XS}complexType":
                found = XmlType()
                self.fill(found, node, repeated=False)
                return found
        return None

    def fill(self, target: XmlType, node: Any, *, repeated: bool) -> None:
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            local = tag[len(_XS) :] if tag.startswith(_XS) else ""
            many = repeated or child.get("maxOccurs", "1") not in ("0", "1")
            if local == "element" and child.get("name"):
                name = child.get("name")
                if name not in target.children:
                    rank = len(target.children)
                    target.children[name] = (rank, self.element_type(child), many)
            elif local == "attribute" and child.get("name"):
                target.attributes.add(child.get("name"))
            elif local == "attributeGroup" and child.get("ref"):
                group = self.attribute_groups.get(child.get("ref").split(":", 1)[-1])
                if group is not None:
                    self.fill(target, group, repeated=many)
            elif local in ("extension", "restriction"):
                base = child.get("base", "")
                if local == "extension" and node.tag == f"{_XS}simpleContent":
                    target.text = True
                base_type = self.named_type(base) if base.startswith("bom:") else None
                if base_type is not None:
                    for key, (_, kind, more) in base_type.children.items():
                        target.children.setdefault(key, (len(target.children), kind, more))
                    target.attributes |= base_type.attributes
                self.fill(target, child, repeated=many)
            elif local in _GROUPS:
                if local == "simpleContent":
                    target.text = True
                self.fill(target, child, repeated=many)


@cache
def root_type(version: str) -> XmlType | None:
    """The type of the ``bom`` element of a CycloneDX version (None when unknown)."""
    from cyclonedx.schema import SchemaVersion, _res
    from lxml import etree  # type: ignore[import-untyped]

    try:
        path = _res.BOM_XML[SchemaVersion.from_version(version)]
    except (KeyError, ValueError):
        return None
    if path is None:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(path, parser).getroot()
    reader = _Reader(root)
    for node in root:
        if node.tag == f"{_XS}element" and node.get("name") == "bom":
            return reader.element_type(node)
    return None
