"""Fast, targeted checks of what the importer reads from a CycloneDX document.

The full official-schema validation (``validate=True``, ``fmbom validate``) costs about a second
to compile per process and a second or two per 20,000 components. Reading a BOM needs much
less: that every value the importer uses has the JSON type it expects, and that the values
CycloneDX constrains to a list (component types, hash algorithms, data flows, SPDX ids, ...)
are on that list. This module checks exactly that in one linear pass, naming the JSON path of
the first problem (for XML, the path of the element in the JSON shape of the document).

The enumerations are those of the official schemas of each version; a test compares them with
the schemas shipped with cyclonedx-python-lib.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from functools import cache
from typing import Any, Final, NoReturn

from fmbom.cyclonedx._schema import is_date_time, removal_order, remove_at
from fmbom.errors import InputFormatError, Problem
from fmbom.vocabulary import HASH_NAMES

__all__ = [
    "COMPONENT_TYPES",
    "DATA_FLOWS",
    "DATA_TYPES",
    "HASH_ALGORITHMS",
    "check_document",
    "is_spdx_id",
    "spdx_id_fixed",
]

_TYPES_1_4: Final = (
    "application",
    "framework",
    "library",
    "container",
    "operating-system",
    "device",
    "firmware",
    "file",
)
_TYPES_1_5: Final = (*_TYPES_1_4, "platform", "device-driver", "machine-learning-model", "data")
#: CycloneDX component types of each version.
COMPONENT_TYPES: Final = {
    "1.4": frozenset(_TYPES_1_4),
    "1.5": frozenset(_TYPES_1_5),
    "1.6": frozenset((*_TYPES_1_5, "cryptographic-asset")),
    "1.7": frozenset((*_TYPES_1_5, "cryptographic-asset")),
}
#: fmbom's hash algorithms under their CycloneDX names (1.4 to 1.7 all have them).
_ALGORITHMS: Final = tuple(names.cyclonedx for names in HASH_NAMES.values())
#: CycloneDX hash algorithms of each version.
HASH_ALGORITHMS: Final = {
    "1.4": frozenset(_ALGORITHMS),
    "1.5": frozenset(_ALGORITHMS),
    "1.6": frozenset(_ALGORITHMS),
    "1.7": frozenset((*_ALGORITHMS, "Streebog-256", "Streebog-512")),
}
#: Directions of a service's data flow (every version).
DATA_FLOWS: Final = frozenset({"inbound", "outbound", "bi-directional", "unknown"})
#: Types of a ``data`` component's entries (1.5 and later).
DATA_TYPES: Final = frozenset({"source-code", "configuration", "dataset", "definition", "other"})

_HASH_CONTENT: Final = re.compile(
    r"[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128}"
)
_SERIAL: Final = re.compile(
    r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
_JSON_TYPE: Final[dict[type, str]] = {dict: "an object", list: "an array", str: "a string"}


_XML_DATE_TIME: Final = re.compile(
    r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"
)


def _is_xml_date_time(value: str) -> bool:
    """An ``xs:dateTime`` (the time zone is optional) that names a real instant."""
    if not _XML_DATE_TIME.fullmatch(value):
        return False
    return is_date_time(value) or is_date_time(value + "Z")


@cache
def _spdx_ids() -> tuple[frozenset[str], dict[str, str]]:
    """The SPDX license ids CycloneDX accepts, and each one by its lower-case spelling."""
    import json

    from cyclonedx.schema import _res

    with open(_res.SPDX_JSON, encoding="utf-8") as handle:  # noqa: PTH123
        ids = frozenset(json.load(handle).get("enum", ()))
    return ids, {i.lower(): i for i in ids}


def is_spdx_id(text: str) -> bool:
    """True when ``text`` is an SPDX license id the CycloneDX schemas list, as spelled."""
    return text in _spdx_ids()[0]


def spdx_id_fixed(text: str) -> str | None:
    """The SPDX license id ``text`` is in another case, or None."""
    return _spdx_ids()[1].get(text.lower())


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return _JSON_TYPE.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    """``repr`` of a value found in the document, shortened for an error message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _choices(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


class _CheckError(Exception):
    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class _Checker:
    """One pass over a document; raises at the first problem, collects harmless repairs."""

    def __init__(self, version: str, source: str, *, xml: bool, repair: bool = False) -> None:
        self.version = version
        self.is_date_time = _is_xml_date_time if xml else is_date_time
        self.source = source
        self.types = COMPONENT_TYPES[version]
        self.algorithms = HASH_ALGORITHMS[version]
        self.notes: list[str] = []
        #: Whether to correct (in place) what can be corrected; otherwise only note it.
        self.repair = repair
        self.repaired = False
        #: (path, problem, path of the value to remove) of each problem found.
        self.problems: list[tuple[str, str, str]] = []

    def fail(self, path: str, problem: str) -> NoReturn:
        raise _CheckError(path, problem)

    def guarded_items(
        self, container: dict[str, Any], key: str, path: str, each: Callable[[Any, str], None]
    ) -> None:
        """:meth:`items`, removing the whole array when it is not one."""
        try:
            self.items(container, key, path, each)
        except _CheckError as failure:
            self.problems.append((failure.path, failure.problem, f"{path}.{key}"))

    def guarded(self, check: Callable[[Any], None], value: Any, where: str) -> None:
        """Run ``check``; a failure is recorded and the value at ``where`` is to be removed."""
        try:
            check(value)
        except _CheckError as failure:
            self.problems.append((failure.path, failure.problem, where))

    def expect(self, value: Any, kind: type, path: str) -> None:
        if not isinstance(value, kind):
            self.fail(path, f"must be {_JSON_TYPE[kind]}, not {_describe(value)}")

    def strings(self, container: dict[str, Any], keys: tuple[str, ...], path: str) -> None:
        for key in keys:
            value = container.get(key)
            if value is not None and not isinstance(value, str):
                self.fail(f"{path}.{key}", f"must be a string, not {_describe(value)}")

    def items(
        self, container: dict[str, Any], key: str, path: str, each: Callable[[Any, str], None]
    ) -> None:
        """Check ``container[key]`` (when present) is an array and every item with ``each``."""
        value = container.get(key)
        if value is None:
            return
        here = f"{path}.{key}"
        if not isinstance(value, list):
            self.fail(here, f"must be an array, not {_describe(value)}")
        for index, item in enumerate(value):
            at = f"{here}[{index}]"
            try:
                each(item, at)
            except _CheckError as failure:
                self.problems.append((failure.path, failure.problem, at))

    def choice(
        self, item: dict[str, Any], key: str, path: str, allowed: frozenset[str], what: str
    ) -> None:
        """``item[key]`` is required and one of ``allowed``."""
        value = item.get(key)
        if value is None:
            self.fail(path, f"'{key}' is required")
        if not isinstance(value, str) or value not in allowed:
            self.fail(f"{path}.{key}", f"{_show(value)} is not {what} (one of {_choices(allowed)})")

    def object(self, container: dict[str, Any], key: str, path: str) -> dict[str, Any] | None:
        value = container.get(key)
        if value is None:
            return None
        self.expect(value, dict, f"{path}.{key}")
        found: dict[str, Any] = value
        return found

    # --- the document ---------------------------------------------------------------------

    def document(self, document: dict[str, Any]) -> None:
        serial = document.get("serialNumber")
        if serial is not None and not (isinstance(serial, str) and _SERIAL.fullmatch(serial)):
            self.notes.append(f"$.serialNumber: {serial!r} is not a urn:uuid; ignored")
        metadata = document.get("metadata")
        if metadata is not None:
            self.guarded(self.metadata, metadata, "$.metadata")
        for key, each in (
            ("components", self.component),
            ("services", self.service),
            ("dependencies", self.dependency),
        ):
            self.guarded_items(document, key, "$", each)

    def metadata(self, metadata: Any) -> None:
        path = "$.metadata"
        self.expect(metadata, dict, path)
        timestamp = metadata.get("timestamp")
        if timestamp is not None and not (
            isinstance(timestamp, str) and self.is_date_time(timestamp)
        ):
            self.problems.append(
                (f"{path}.timestamp", f"{_show(timestamp)} is not a date-time", f"{path}.timestamp")
            )
        tools = metadata.get("tools")
        if isinstance(tools, dict):
            self.guarded(self.tool_lists, tools, f"{path}.tools")
        elif tools is not None:
            self.guarded_items(metadata, "tools", path, self.tool)
        self.guarded_items(metadata, "authors", path, self.named)
        if metadata.get("component") is not None:
            self.guarded(self.subject, metadata["component"], f"{path}.component")

    def subject(self, component: Any) -> None:
        self.component(component, "$.metadata.component")

    def tool_lists(self, tools: dict[str, Any]) -> None:
        self.items(tools, "components", "$.metadata.tools", self.tool)
        self.items(tools, "services", "$.metadata.tools", self.tool)

    def tool(self, tool: Any, path: str) -> None:
        self.expect(tool, dict, path)
        self.strings(tool, ("name", "version", "vendor"), path)
        self.items(tool, "properties", path, self.property)
        for key in ("supplier", "manufacturer", "provider"):
            self.object(tool, key, path)

    def named(self, item: Any, path: str) -> None:
        self.expect(item, dict, path)
        self.strings(item, ("name",), path)

    def dependency(self, dependency: Any, path: str) -> None:
        self.expect(dependency, dict, path)
        ref = dependency.get("ref")
        if ref is None:
            self.fail(path, "'ref' is required")
        self.expect(ref, str, f"{path}.ref")
        self.items(dependency, "dependsOn", path, self.string)
        self.items(dependency, "provides", path, self.string)

    def string(self, value: Any, path: str) -> None:
        self.expect(value, str, path)

    # --- components and services --------------------------------------------------------------

    def keys(self, item: dict[str, Any], path: str, rules: dict[str, _Rule]) -> None:
        """Check each key of ``item`` that has a rule (one dict lookup per key present)."""
        for key, value in item.items():
            rule = rules.get(key)
            if rule is None or value is None:
                continue
            here = f"{path}.{key}"
            try:
                self.key(value, here, rule)
            except _CheckError as failure:
                self.problems.append((failure.path, failure.problem, here))

    def key(self, value: Any, here: str, rule: _Rule) -> None:
        """Check one value by its rule."""
        if rule is str or rule is dict:
            if not isinstance(value, rule):
                self.fail(here, f"must be {_JSON_TYPE[rule]}, not {_describe(value)}")
            return
        if isinstance(rule, tuple):
            if not isinstance(value, list):
                self.fail(here, f"must be an array, not {_describe(value)}")
            each = rule[0]
            for index, element in enumerate(value):
                at = f"{here}[{index}]"
                try:
                    each(self, element, at)
                except _CheckError as failure:
                    self.problems.append((failure.path, failure.problem, at))
        else:
            rule(self, value, here)

    def component(self, component: Any, path: str) -> None:
        self.expect(component, dict, path)
        self.choice(
            component, "type", path, self.types, f"a CycloneDX {self.version} component type"
        )
        self.keys(component, path, _COMPONENT_RULES)

    def pedigree(self, pedigree: Any, path: str) -> None:
        self.expect(pedigree, dict, path)
        self.items(pedigree, "ancestors", path, self.component)

    def service(self, service: Any, path: str) -> None:
        self.expect(service, dict, path)
        self.keys(service, path, _SERVICE_RULES)

    def service_data(self, flow: Any, path: str) -> None:
        self.expect(flow, dict, path)
        self.choice(flow, "flow", path, DATA_FLOWS, "a data flow")
        if flow.get("classification") is None:
            self.fail(path, "'classification' is required")
        self.strings(flow, ("classification",), path)

    def component_data(self, entry: Any, path: str) -> None:
        self.expect(entry, dict, path)
        self.choice(entry, "type", path, DATA_TYPES, "a data type")
        self.strings(entry, ("name", "classification"), path)
        contents = self.object(entry, "contents", path)
        if contents is not None:
            self.strings(contents, ("url",), f"{path}.contents")

    # --- common values ------------------------------------------------------------------------

    def license(self, choice: Any, path: str) -> None:
        self.expect(choice, dict, path)
        if "expression" in choice:
            self.expect(choice["expression"], str, f"{path}.expression")
            return
        lic = choice.get("license")
        if lic is None:
            self.fail(path, "either 'license' or 'expression' is required")
        here = f"{path}.license"
        self.expect(lic, dict, here)
        self.strings(lic, ("id", "name"), here)
        spdx = lic.get("id")
        if spdx is None:
            if lic.get("name") is None:
                self.fail(here, "either 'id' or 'name' is required")
            return
        ids, lower = _spdx_ids()
        if spdx in ids:
            return
        right = lower.get(spdx.lower())
        if right is None:
            self.fail(f"{here}.id", f"{_show(spdx)} is not an SPDX license id")
        self.notes.append(f"{path}: SPDX id {_show(spdx)} read as {right!r}")
        self.repaired = True
        if self.repair:
            lic["id"] = right

    def hash(self, item: Any, path: str) -> None:
        self.expect(item, dict, path)
        algorithm, content = item.get("alg"), item.get("content")
        if not isinstance(algorithm, str) or algorithm not in self.algorithms:
            self.fail(
                f"{path}.alg",
                f"{_show(algorithm)} is not a CycloneDX {self.version} hash algorithm "
                f"(one of {_choices(self.algorithms)})",
            )
        if not isinstance(content, str) or not _HASH_CONTENT.fullmatch(content):
            self.fail(f"{path}.content", f"{_show(content)} is not a hexadecimal digest")

    def reference(self, item: Any, path: str) -> None:
        self.expect(item, dict, path)
        if item.get("url") is None:
            self.fail(path, "'url' is required")
        self.strings(item, ("url", "type", "comment"), path)

    def property(self, item: Any, path: str) -> None:
        self.expect(item, dict, path)
        self.strings(item, ("name", "value"), path)

    def model_card(self, card: Any, path: str) -> None:
        self.expect(card, dict, path)
        parameters = self.object(card, "modelParameters", path)
        if parameters is not None:
            here = f"{path}.modelParameters"
            self.object(parameters, "approach", here)
            self.items(parameters, "inputs", here, self.format)
            self.items(parameters, "outputs", here, self.format)
            self.items(parameters, "datasets", here, self.dataset)
        analysis = self.object(card, "quantitativeAnalysis", path)
        if analysis is not None:
            self.items(analysis, "performanceMetrics", f"{path}.quantitativeAnalysis", self.metric)
        considerations = self.object(card, "considerations", path)
        if considerations is not None:
            here = f"{path}.considerations"
            for key in ("ethicalConsiderations", "fairnessAssessments"):
                self.items(considerations, key, here, self.is_object)
            self.object(considerations, "environmentalConsiderations", here)
        self.items(card, "properties", path, self.property)

    def format(self, item: Any, path: str) -> None:
        self.expect(item, dict, path)
        self.strings(item, ("format",), path)

    def dataset(self, item: Any, path: str) -> None:
        self.expect(item, dict, path)
        if "ref" in item:
            self.strings(item, ("ref",), path)
        else:
            self.component_data(item, path)

    def metric(self, item: Any, path: str) -> None:
        self.expect(item, dict, path)
        self.object(item, "confidenceInterval", path)

    def is_object(self, item: Any, path: str) -> None:
        self.expect(item, dict, path)


def check_document(
    document: dict[str, Any],
    version: str,
    source: str = "",
    *,
    xml: bool = False,
    strict: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """Check what the importer reads; returns the document (repaired when needed) and notes.

    Every problem is found in one pass. With ``strict`` they are raised together as an
    :class:`~fmbom.errors.InputFormatError` naming each JSON path; otherwise each becomes a
    note and the offending value is left out of a copy of the document. An SPDX license id
    in the wrong case (``apache-2.0``) is corrected on a copy. ``xml``: the document was read
    from XML, whose ``xs:dateTime`` may omit the time zone.
    """
    checker = _Checker(version, source, xml=xml)
    checker.document(document)
    notes = checker.notes
    if checker.problems and strict:
        raise InputFormatError(
            source=source,
            problems=[
                Problem("", f"not valid CycloneDX {version}: {path}: {problem}")
                for path, problem, _ in checker.problems
            ],
        )
    if checker.repaired or checker.problems:
        document = copy.deepcopy(document)
    if checker.repaired:
        _Checker(version, source, xml=xml, repair=True).document(document)
    if checker.problems:
        locations = {_location(where) for _, _, where in checker.problems}
        for location in sorted(locations, key=removal_order, reverse=True):
            remove_at(document, location)
        notes = [
            *notes,
            *(f"{path}: {problem}; {where} left out" for path, problem, where in checker.problems),
        ]
    return document, notes


_STEP: Final = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _location(path: str) -> tuple[str | int, ...]:
    """``$.components[2].name`` → ``("components", 2, "name")``."""
    return tuple(
        int(index) if index else key for key, index in _STEP.findall(path.removeprefix("$"))
    )


#: How a key is checked: its JSON type (str, dict), an array of items each checked by the
#: 1-tuple's function, or a function of the value.
_Rule = Any
_COMMON_RULES: Final[dict[str, _Rule]] = {
    "bom-ref": str,
    "name": str,
    "version": str,
    "group": str,
    "description": str,
    "purl": str,
    "supplier": dict,
    "licenses": (_Checker.license,),
    "hashes": (_Checker.hash,),
    "externalReferences": (_Checker.reference,),
    "properties": (_Checker.property,),
    "tags": (_Checker.string,),
}
_COMPONENT_RULES: Final[dict[str, _Rule]] = {
    **_COMMON_RULES,
    "components": (_Checker.component,),
    "pedigree": _Checker.pedigree,
    "modelCard": _Checker.model_card,
    "data": (_Checker.component_data,),
}
_SERVICE_RULES: Final[dict[str, _Rule]] = {
    **_COMMON_RULES,
    "trustZone": str,
    "provider": dict,
    "endpoints": (_Checker.string,),
    "data": (_Checker.service_data,),
    "services": (_Checker.service,),
}
