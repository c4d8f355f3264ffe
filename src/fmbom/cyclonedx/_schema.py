"""Validation against the official CycloneDX schemas shipped with cyclonedx-python-lib.

JSON documents are checked with fastjsonschema, which compiles each schema to Python code once
per process (the SPDX, JSF and cryptography sub-schemas are resolved locally, nothing is
fetched); on large documents it is an order of magnitude faster than jsonschema and two
orders faster than cyclonedx-python-lib's validators. XML documents are checked with lxml's
XSD support, each schema also parsed once per process.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import datetime
import json
import re
from functools import cache
from typing import Any, NamedTuple

from fmbom.cyclonedx._fastschema import fast_valid
from fmbom.errors import InputFormatError, Problem

__all__ = [
    "SchemaProblem",
    "is_date_time",
    "json_schema_errors",
    "json_schema_problems",
    "prune",
    "removal_order",
    "remove_at",
    "repair",
    "schema_documents",
    "xml_schema_errors",
    "xml_schema_problems",
]

_SCHEMA_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")


def _resources() -> Any:
    from cyclonedx.schema import _res

    return _res


@cache
def schema_documents(version: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The official JSON schema of ``version`` and the sub-schemas it refers to, by file name."""
    from cyclonedx.schema import SchemaVersion

    res = _resources()

    def load(path: str) -> Any:
        with open(path, encoding="utf-8") as handle:  # noqa: PTH123
            return json.load(handle)

    store = {
        "spdx.SNAPSHOT.schema.json": load(res.SPDX_JSON),
        "jsf-0.82.SNAPSHOT.schema.json": load(res.JSF),
        "cryptography-defs.SNAPSHOT.schema.json": load(res.CRYPTOGRAPHY_DEFS),
    }
    return load(res.BOM_JSON[SchemaVersion.from_version(version)]), store


@cache
def _json_validator(version: str) -> Any:
    """The schema of ``version`` compiled to Python code by fastjsonschema (once a process)."""
    import fastjsonschema

    # fastjsonschema changes the schema it compiles: it gets a copy of its own.
    schema, files = copy.deepcopy(schema_documents(version))
    prefix = "http://cyclonedx.org/schema/"
    store = {prefix + name: document for name, document in files.items()}

    def resolve(uri: str) -> Any:
        if uri not in store:
            raise InputFormatError(f"schema reference {uri} is not available offline")
        return store[uri]

    unchecked = dict.fromkeys(("iri-reference", "iri", "idn-email", "uri-reference"), _accept)
    return fastjsonschema.compile(
        schema,
        handlers={"http": resolve, "https": resolve},
        formats={**unchecked, "date-time": is_date_time},
        use_default=False,
    )


def _accept(_: object) -> bool:
    return True


_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def is_date_time(value: object) -> bool:
    """True for an RFC 3339 date-time (and for non-strings, which the schema types refuse)."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return True


def _where(path: Any) -> str:
    out = "$"
    for step in path[1:]:
        out += f"[{step}]" if str(step).isdigit() else f".{step}"
    return out


def json_schema_errors(document: Any) -> list[str]:
    """Schema violations of a parsed CycloneDX JSON document (empty when valid).

    Validation stops at the first violation, which is reported with its JSON path.
    """
    import fastjsonschema

    version = document.get("specVersion") if isinstance(document, dict) else None
    if version not in _SCHEMA_VERSIONS:
        return [f"$.specVersion: no schema for CycloneDX {version!r}"]
    if fast_valid(document, lambda rest: _passes(_json_validator(str(version)), rest)):
        return []
    validator = _json_validator(str(version))
    try:
        validator(document)
    except RecursionError:
        return ["$: nested too deeply to validate"]
    except fastjsonschema.JsonSchemaValueException as error:
        message = error.message
        if message.startswith(str(error.name)):
            message = message[len(str(error.name)) :].strip()
        if len(message) > 300:
            message = message[:297] + "..."
        return [f"{_where(error.path)}: {message}"]
    except fastjsonschema.JsonSchemaException as error:
        return [f"$: {error}"]
    return []


def _passes(validator: Any, document: Any) -> bool:
    import fastjsonschema

    try:
        validator(document)
    except (RecursionError, fastjsonschema.JsonSchemaException):
        return False
    return True


class SchemaProblem(NamedTuple):
    """One violation of the official schema: where (JSON path or XML line) and what."""

    path: str
    message: str
    #: The keys and indexes leading to the offending value (empty for XML).
    location: tuple[str | int, ...] = ()


@cache
def _full_validator(version: str) -> Any:
    """A jsonschema validator of ``version`` that reports every violation (once a process)."""
    from jsonschema import validators  # type: ignore[import-untyped]
    from referencing import Registry, Resource

    res = _resources()
    from cyclonedx.schema import SchemaVersion

    def load(path: str) -> Any:
        with open(path, encoding="utf-8") as handle:  # noqa: PTH123
            return json.load(handle)

    prefix = "http://cyclonedx.org/schema/"
    registry: Registry[Any] = Registry().with_resources(
        (prefix + name, Resource.from_contents(load(path)))
        for name, path in (
            ("spdx.SNAPSHOT.schema.json", res.SPDX_JSON),
            ("jsf-0.82.SNAPSHOT.schema.json", res.JSF),
            ("cryptography-defs.SNAPSHOT.schema.json", res.CRYPTOGRAPHY_DEFS),
        )
    )
    schema = load(res.BOM_JSON[SchemaVersion.from_version(version)])
    cls = validators.validator_for(schema)
    return cls(schema, registry=registry, format_checker=_format_checker(cls))


def _format_checker(cls: Any) -> Any:
    """The draft's format checker with date-time checked as the fast validator checks it."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=list(cls.FORMAT_CHECKER.checkers))
    for name in ("iri-reference", "iri", "idn-email", "uri-reference"):
        checker.checks(name)(_accept)
    checker.checks("date-time")(is_date_time)
    return checker


def _message(text: str) -> str:
    return text if len(text) <= 300 else text[:297] + "..."


def _split(text: str) -> tuple[str, str]:
    path, _, message = text.partition(": ")
    return path, message


def json_schema_problems(document: Any) -> list[SchemaProblem]:
    """Every violation of the official schema of the document's ``specVersion``, in order.

    A valid document costs one pass of the compiled fast validator; an invalid one is then
    walked by jsonschema, which reports each violation with its JSON path.
    """
    first = json_schema_errors(document)
    if not first or first[0].startswith(("$.specVersion: no schema", "$: nested")):
        return [SchemaProblem(*_split(p)) for p in first]
    validator = _full_validator(str(document["specVersion"]))
    found: list[SchemaProblem] = []
    try:
        errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    except RecursionError:
        return [SchemaProblem("$", "nested too deeply to validate")]
    found.extend(_problem(error) for error in errors)
    return found


def _problem(error: Any) -> SchemaProblem:
    """The problem of a top-level error, located at its most precise sub-error: for an
    ``anyOf``/``oneOf`` failure, the deepest of the alternatives' errors."""
    chosen = error
    while chosen.context:
        deeper = max(chosen.context, key=lambda e: len(e.absolute_path))
        if len(deeper.absolute_path) <= len(chosen.absolute_path):
            break
        chosen = deeper
    location = tuple(chosen.absolute_path)
    return SchemaProblem(_where(("$", *location)), _message(chosen.message), location)


#: A key as jsonschema quotes it in "Additional properties are not allowed" (Python's repr).
_QUOTED_KEY = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _unexpected_keys(message: str) -> list[str] | None:
    """The keys an "Additional properties" message names, or None for another message."""
    extra = re.fullmatch(
        r"Additional properties are not allowed \((.*) (?:was|were) unexpected\)",
        message,
        re.DOTALL,
    )
    if extra is None:
        return None
    keys: list[str] = []
    for token in _QUOTED_KEY.findall(extra.group(1)):
        with contextlib.suppress(ValueError, SyntaxError):
            key = ast.literal_eval(token)
            if isinstance(key, str):
                keys.append(key)
    return keys


def prune(document: dict[str, Any], problems: list[SchemaProblem]) -> dict[str, Any]:
    """A copy of ``document`` without the values the problems point at.

    An object with an unexpected key loses that key; any other offending value is removed
    from its object or array. The copy is validated again until it is valid, so removing a
    required value removes the object that needed it. A round that changes nothing removes
    the offending objects whole, so every round makes progress.
    """
    fixed = copy.deepcopy(document)
    for _ in range(64):
        if not problems:
            return fixed
        removals: list[tuple[str | int, ...]] = []
        for problem in problems:
            if not problem.location:
                raise InputFormatError(problem.message, path=problem.path)
            keys = _unexpected_keys(problem.message)
            if keys:
                removals.extend((*problem.location, key) for key in keys)
            else:
                removals.append(problem.location)
        before = _canonical(fixed)
        for location in sorted(set(removals), key=removal_order, reverse=True):
            remove_at(fixed, location)
        if _canonical(fixed) == before:
            for location in sorted({p.location for p in problems}, key=removal_order, reverse=True):
                remove_at(fixed, location)
        problems = json_schema_problems(fixed)
    first = problems[0]
    raise InputFormatError(  # pragma: no cover - every round removes something
        f"cannot be made valid by removing values: {first.message}",
        path=first.path,
        problems=[Problem(p.path, p.message) for p in problems],
    )


def _canonical(document: Any) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def removal_order(location: tuple[str | int, ...]) -> tuple[tuple[int, str], ...]:
    return tuple((step, "") if isinstance(step, int) else (-1, step) for step in location)


def remove_at(document: Any, location: tuple[str | int, ...]) -> None:
    parent = document
    for step in location[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return
    last = location[-1]
    with contextlib.suppress(KeyError, IndexError, TypeError):
        del parent[last]


@cache
def _xml_schema(version: str) -> Any:
    from cyclonedx.schema import SchemaVersion
    from lxml import etree  # type: ignore[import-untyped]

    path = _resources().BOM_XML[SchemaVersion.from_version(version)]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(path, parser))


def xml_schema_errors(
    data: bytes, version: str, source: str = "", limit: int | None = None
) -> list[str]:
    """Schema violations of a CycloneDX XML document (empty when valid)."""
    from lxml import etree

    if version not in _SCHEMA_VERSIONS:
        return [f"no XML schema for CycloneDX {version!r}"]
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputFormatError(f"not well-formed XML: {error}", source) from None
    schema = _xml_schema(version)
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in list(schema.error_log)[:limit]]


def xml_schema_problems(data: bytes, version: str, source: str = "") -> list[SchemaProblem]:
    """Every violation of the XML schema of ``version``, each with its line."""
    return [SchemaProblem(*_split(p)) for p in xml_schema_errors(data, version, source)]


def repair(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fix the harmless deviations other tools commonly make, on a copy.

    A serial number that is not a ``urn:uuid`` is dropped (fmbom keeps none), and an SPDX
    license id in the wrong case is corrected. Returns the copy and what was changed.
    """
    from fmbom.cyclonedx._check import is_spdx_id, spdx_id_fixed

    fixed = copy.deepcopy(document)
    notes: list[str] = []
    serial = fixed.get("serialNumber")
    if serial is not None and not re.fullmatch(
        r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", str(serial)
    ):
        del fixed["serialNumber"]
        notes.append(f"$.serialNumber: {serial!r} is not a urn:uuid; ignored")

    def visit(items: Any, path: str) -> None:
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue
            here = f"{path}[{index}]"
            choices = item.get("licenses")
            for choice_index, choice in enumerate(choices if isinstance(choices, list) else ()):
                lic = choice.get("license") if isinstance(choice, dict) else None
                if isinstance(lic, dict) and isinstance(lic.get("id"), str):
                    text = lic["id"]
                    right = spdx_id_fixed(text)
                    if not is_spdx_id(text) and right is not None:
                        lic["id"] = right
                        notes.append(
                            f"{here}.licenses[{choice_index}]: SPDX id {text!r} read as {right!r}"
                        )
            visit(item.get("components"), f"{here}.components")
            visit(item.get("services"), f"{here}.services")

    visit(fixed.get("components"), "$.components")
    visit(fixed.get("services"), "$.services")
    metadata = fixed.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("component"), dict):
        visit([metadata["component"]], "$.metadata.component")
    return fixed, notes
