"""A fast, sound acceptor for CycloneDX JSON documents: "valid" in one walk, or "ask the schema".

The official schema is compiled here into small Python checks that answer, for a value, one of
three things: valid (``True``), invalid (``False``) or unknown (``None``: a keyword or a case
the checks do not decide). Every answer agrees with the compiled validator of
:mod:`fmbom.cyclonedx._schema` wherever it is not unknown; where they could differ (numbers
that are whole floats, formats other than those fmbom checks, booleans compared to numbers)
the answer is unknown. So a document is taken as valid here only when every component,
service and dependency is known valid and the rest of the document, validated by the
compiled validator, is too; anything else goes to the full validator, which gives the
problems and their paths exactly as before.

The work saved: the compiled validator checks ``uniqueItems`` of the components list by
building a frozen copy of every component, and scans the list of SPDX ids for each license;
here a list of objects whose ``bom-ref`` (or ``ref``) values are distinct strings is unique
without copying anything, and enumerations are sets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, Final

__all__ = ["compile_schema", "fast_valid"]

Check = Callable[[Any], "bool | None"]

#: Keywords that do not constrain the value.
_ANNOTATIONS: Final = frozenset(
    {"title", "description", "examples", "default", "$comment", "meta:enum", "deprecated"}
    | {"$id", "$schema", "definitions", "$defs"}
)
#: Formats the compiled validator accepts whatever the string (see _schema._json_validator).
_ANY_FORMAT: Final = frozenset({"iri-reference", "iri", "idn-email", "uri-reference"})
#: The keys whose lists are split: known-valid items checked here, the others by the schema.
_LISTS: Final = ("components", "services", "dependencies")
#: The keys that identify an item of those lists (distinct values make the list unique).
_IDENTITY_KEYS: Final = ("bom-ref", "ref")
_DOLLAR: Final = re.compile(r"(?<!\\)\$")


def _yes(_: Any) -> bool:
    return True


def _no(_: Any) -> bool:
    return False


def _unknown(_: Any) -> None:
    return None


def is_string(value: Any) -> bool:
    return type(value) is str


def _all(checks: list[Check]) -> Check:
    """Valid when every check is; invalid when one is; unknown otherwise."""
    checks = [c for c in checks if c is not _yes]
    if not checks:
        return _yes
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool | None:
        result: bool | None = True
        for one in checks:
            found = one(value)
            if found is not True:
                if found is False:
                    return False
                result = None
        return result

    return check


def _is_type(name: str) -> Check:
    """One JSON type; whole floats for "integer" and booleans for numbers are unknown."""

    def check(value: Any) -> bool | None:
        kind = type(value)
        if name == "string":
            return kind is str
        if name == "object":
            return kind is dict
        if name == "array":
            return kind is list
        if name == "boolean":
            return kind is bool
        if name == "null":
            return value is None
        if kind is bool:
            return None
        if name == "number":
            return kind is int or kind is float
        if name == "integer":
            return True if kind is int else None if kind is float else False
        return None

    return check


def _type(spec: Any) -> Check:
    names = [spec] if isinstance(spec, str) else list(spec)
    if names == ["string"]:
        return lambda value: type(value) is str
    if names == ["object"]:
        return lambda value: type(value) is dict
    if names == ["array"]:
        return lambda value: type(value) is list
    checks = [_is_type(n) for n in names]

    def check(value: Any) -> bool | None:
        unknown = False
        for one in checks:
            found = one(value)
            if found is True:
                return True
            if found is None:
                unknown = True
        return None if unknown else False

    return check


def _enum(members: list[Any]) -> Check:
    if not all(type(m) is str for m in members):
        return _unknown
    allowed = frozenset(members)
    return lambda value: value in allowed if type(value) is str else False


def _pattern(pattern: str) -> Check:
    """Python's search, as the compiled validator does, with ``$`` meaning the end both ways."""
    raw = re.compile(pattern)
    fixed = re.compile(_DOLLAR.sub(r"\\Z", pattern))

    def check(value: Any) -> bool | None:
        if type(value) is not str:
            return True
        found = raw.search(value) is not None
        return found if found == (fixed.search(value) is not None) else None

    return check


def _length(low: int | None, high: int | None) -> Check:
    def check(value: Any) -> bool:
        if type(value) is not str:
            return True
        return (low is None or len(value) >= low) and (high is None or len(value) <= high)

    return check


def _format(name: str, date_time: Callable[[object], bool]) -> Check:
    if name in _ANY_FORMAT:
        return _yes
    if name == "date-time":
        return lambda value: date_time(value) if type(value) is str else True
    return lambda value: None if type(value) is str else True


def _bound(limit: Any, *, upper: bool) -> Check:
    if type(limit) not in (int, float):
        return _unknown

    def check(value: Any) -> bool | None:
        kind = type(value)
        if kind is bool:
            return None
        if kind is not int and kind is not float:
            return True
        return bool(value <= limit if upper else value >= limit)

    return check


def _frozen(value: Any) -> Any:
    """The value as the compiled validator compares items for ``uniqueItems``."""
    if isinstance(value, dict):
        return frozenset((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, bool):
        return (bool, value)
    return value


def unique(items: list[Any]) -> bool:
    """True when no two items are equal (as JSON values)."""
    if all(type(i) is str for i in items):
        return len(set(items)) == len(items)
    if items and all(type(i) is dict for i in items):
        for key in _IDENTITY_KEYS:
            keys = [i.get(key) for i in items]
            if all(type(k) is str for k in keys) and len(set(keys)) == len(keys):
                return True
    try:
        return len({_frozen(i) for i in items}) == len(items)
    except TypeError:  # pragma: no cover - JSON values are hashable once frozen
        return False


class _Compiler:
    def __init__(
        self, root: dict[str, Any], store: dict[str, Any], date_time: Callable[[object], bool]
    ) -> None:
        self.root = root
        self.store = store
        self.date_time = date_time
        self.done: dict[int, Check] = {}
        #: The members of each compiled enumeration of strings, by the id of its check.
        self.enums: dict[int, frozenset[str]] = {}

    def resolve(self, ref: str) -> Any:
        where, _, fragment = ref.partition("#")
        document = self.root if not where else self.store.get(where.rsplit("/", 1)[-1])
        if document is None:
            return None
        node: Any = document
        for step in fragment.split("/")[1:] if fragment else ():
            if not isinstance(node, dict) or step not in node:
                return None
            node = node[step]
        return node

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _yes
        if schema is False:
            return _no
        if not isinstance(schema, dict):
            return _unknown
        key = id(schema)
        if key in self.done:
            return self.done[key]
        slot: list[Check] = []
        self.done[key] = lambda value: slot[0](value)  # noqa: PLW0108 - bound once compiled
        compiled = self._node(schema)
        slot.append(compiled)
        self.done[key] = compiled
        return compiled

    def _node(self, schema: dict[str, Any]) -> Check:
        if "$ref" in schema:  # draft 7: the keywords beside a reference are ignored
            target = self.resolve(str(schema["$ref"]))
            return _unknown if target is None else self.compile(target)
        constraints = set(schema) - _ANNOTATIONS
        kind = schema.get("type")
        members = schema.get("enum")
        if kind == "string" and constraints == {"type"}:
            return is_string
        if (
            constraints <= {"type", "enum"}
            and kind in ("string", None)
            and isinstance(members, list)
        ):
            check = _enum(members)
            if check is not _unknown:
                self.enums[id(check)] = frozenset(members)
            return check
        if kind == "string" and constraints <= {"type", "minLength", "maxLength"}:
            low, high = schema.get("minLength", 0), schema.get("maxLength")
            return lambda value: (
                type(value) is str and len(value) >= low and (high is None or len(value) <= high)
            )
        checks: list[Check] = []
        handled = {"type"} | _ANNOTATIONS
        # A node of one type whose other keywords check that type answers in one call.
        only = schema.get("type") if isinstance(schema.get("type"), str) else None
        typed = False
        if {"properties", "required", "additionalProperties", "patternProperties"} & set(schema):
            typed = only == "object"
            checks.append(self._object(schema, strict=typed))
            handled |= {"properties", "required", "additionalProperties", "patternProperties"}
        if {"items", "additionalItems", "minItems", "maxItems", "uniqueItems"} & set(schema):
            typed = typed or only == "array"
            checks.append(self._array(schema, strict=only == "array"))
            handled |= {"items", "additionalItems", "minItems", "maxItems", "uniqueItems"}
        if "minLength" in schema or "maxLength" in schema:
            checks.append(_length(schema.get("minLength"), schema.get("maxLength")))
            handled |= {"minLength", "maxLength"}
        for name, value in schema.items():
            if name in handled:
                continue
            checks.append(self._keyword(name, value))
        strings_only = (
            only == "string"
            and isinstance(schema.get("enum"), list)
            and all(type(m) is str for m in schema["enum"])
        )
        if "type" in schema and not typed and not strings_only:
            checks.insert(0, _type(schema["type"]))
        return _all(checks)

    def _keyword(self, name: str, value: Any) -> Check:
        if name == "enum" and isinstance(value, list):
            return _enum(value)
        if name == "const":
            return _enum([value])
        if name == "pattern" and isinstance(value, str):
            return _pattern(value)
        if name == "format" and isinstance(value, str):
            return _format(value, self.date_time)
        if name in ("minimum", "maximum"):
            return _bound(value, upper=name == "maximum")
        if name in ("oneOf", "anyOf", "allOf") and isinstance(value, list):
            return self._combined(name, [self.compile(s) for s in value])
        return _unknown

    @staticmethod
    def _combined(name: str, branches: list[Check]) -> Check:
        if name == "allOf":
            return _all(branches)

        def check(value: Any) -> bool | None:
            results = [branch(value) for branch in branches]
            if None in results:
                return None
            passed = results.count(True)
            return passed == 1 if name == "oneOf" else passed >= 1

        return check

    def _object(self, schema: dict[str, Any], *, strict: bool) -> Check:
        if "patternProperties" in schema:
            return _unknown
        # Each property's check, or for the commonest leaves what it checks, tested in line.
        plan: dict[str, Any] = {}
        for name, sub in (schema.get("properties") or {}).items():
            compiled = self.compile(sub)
            plan[name] = self.enums.get(id(compiled), compiled)
        required = tuple(schema.get("required") or ())
        extra_schema = schema.get("additionalProperties", True)
        extra = None if extra_schema is True else self.compile(extra_schema)

        def check(value: Any) -> bool | None:
            if type(value) is not dict:
                return not strict
            for name in required:
                if name not in value:
                    return False
            result: bool | None = True
            for name, item in value.items():
                one = plan.get(name, extra)
                if one is is_string:
                    if type(item) is not str:
                        return False
                    continue
                if type(one) is frozenset:
                    if type(item) is not str or item not in one:
                        return False
                    continue
                if one is None:
                    continue
                found = one(item)
                if found is not True:
                    if found is False:
                        return False
                    result = None
            return result

        return check

    def _array(self, schema: dict[str, Any], *, strict: bool) -> Check:
        items = schema.get("items", True)
        tuple_items = [self.compile(s) for s in items] if isinstance(items, list) else None
        each = None if isinstance(items, list) or items is True else self.compile(items)
        extra_schema = schema.get("additionalItems", True)
        extra = None if tuple_items is None or extra_schema is True else self.compile(extra_schema)
        low, high = schema.get("minItems"), schema.get("maxItems")
        distinct = schema.get("uniqueItems") is True

        def check(value: Any) -> bool | None:
            if type(value) is not list:
                return not strict
            if (low is not None and len(value) < low) or (high is not None and len(value) > high):
                return False
            result: bool | None = True
            for index, item in enumerate(value):
                if tuple_items is not None:
                    one = tuple_items[index] if index < len(tuple_items) else extra
                else:
                    one = each
                if one is None:
                    continue
                found = one(item)
                if found is not True:
                    if found is False:
                        return False
                    result = None
            if distinct and not unique(value):
                return False
            return result

        return check


def compile_schema(
    root: dict[str, Any],
    store: dict[str, Any],
    date_time: Callable[[object], bool],
    ref: str = "",
) -> Check:
    """The check of ``root`` (or of the definition at ``ref``, such as ``#/definitions/x``)."""
    compiler = _Compiler(root, store, date_time)
    return compiler.compile(compiler.resolve(ref) if ref else root)


@cache
def _item_checks(version: str) -> dict[str, Check] | None:
    """The check of one item of each split list of ``version``'s schema, and of the whole
    document under the key ``""`` (None: the lists cannot be split)."""
    from fmbom.cyclonedx._schema import is_date_time, schema_documents

    root, store = schema_documents(version)
    compiler = _Compiler(root, store, is_date_time)
    found: dict[str, Check] = {"": compiler.compile(root)}
    for key in _LISTS:
        spec = root.get("properties", {}).get(key)
        if spec is None:
            continue
        constraints = set(spec) - _ANNOTATIONS
        if constraints - {"type", "items", "uniqueItems", "additionalItems"} or not isinstance(
            spec.get("items"), dict
        ):
            return None
        found[key] = compiler.compile(spec["items"])
    return found


def fast_valid(document: dict[str, Any], validate_rest: Callable[[Any], bool]) -> bool:
    """True when ``document`` is known valid: each listed item and the rest (metadata) by the
    checks compiled here, or what they do not decide by ``validate_rest``. False means "not
    known", never "invalid": the caller then asks the full validator.
    """
    checks = _item_checks(str(document.get("specVersion")))
    if checks is None:
        return False
    rest = dict(document)
    try:
        for key, check in checks.items():
            if not key:
                continue
            items = document.get(key)
            if type(items) is not list:
                continue
            if not unique(items):
                return False
            rest[key] = [item for item in items if check(item) is not True]
        if checks[""](rest) is True:
            return True
    except RecursionError:
        return False
    return validate_rest(rest)
