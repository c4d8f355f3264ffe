"""Three-valued checks generated as Python source from a JSON schema (draft 7).

A node of the schema becomes statements that answer, for a value, valid (``True``), invalid
(``False``) or unknown (``None``: a keyword or a case not decided here). Each definition
becomes one function, compiled on its first call; its keywords, anonymous sub-schemas and the
small definitions it refers to are checked in line; an object with many declared properties
is checked by a function made for the shape of the value (its keys, in order) and kept for
the next value of that shape, so a value pays only for the keys it has. Enumerations are
sets. Only literals (``repr`` of the schema's strings) and names of prepared constants reach
the generated text.

Where fastjsonschema and jsonschema could disagree, or where fmbom does not check (numbers
that are whole floats, booleans against numbers, formats other than date-time,
``patternProperties``, ``$`` before a final line break, references that cannot be resolved),
the answer is unknown, so a decided answer is that of both validators.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any, Final

__all__ = ["ANNOTATIONS", "Check", "Generator", "compile_schema", "unique"]

Check = Callable[[Any], "bool | None"]

#: Keywords that do not constrain the value.
ANNOTATIONS: Final = frozenset(
    {"title", "description", "examples", "default", "$comment", "meta:enum", "deprecated"}
    | {"$id", "$schema", "definitions", "$defs"}
)
#: Formats the compiled validator accepts whatever the string (see _schema._json_validator).
_ANY_FORMAT: Final = frozenset({"iri-reference", "iri", "idn-email", "uri-reference"})
#: The keys that identify an item of those lists (distinct values make the list unique).
_IDENTITY_KEYS: Final = ("bom-ref", "ref")
_DOLLAR: Final = re.compile(r"(?<!\\)\$")
_OBJECT_KEYWORDS: Final = frozenset(
    {"properties", "required", "additionalProperties", "patternProperties"}
)
_ARRAY_KEYWORDS: Final = frozenset(
    {"items", "additionalItems", "minItems", "maxItems", "uniqueItems"}
)
#: The JSON types decided by the Python type alone, and that type's name.
_SIMPLE_TYPES: Final = {
    "string": "str",
    "object": "dict",
    "array": "list",
    "boolean": "bool",
    "null": "type(None)",
}
#: Indentation beyond which an anonymous sub-schema gets a function of its own (Python
#: limits statically nested blocks).
_MAX_INDENT: Final = 12
#: Objects with this many declared properties or more are checked by the shape of the value:
#: one function per set of keys (in any order) that checks just those.
_SHAPED: Final = 10
#: The most sets of keys of one object node that get a function of their own. An object
#: with yet another set is answered "unknown" (the general validator decides the document):
#: making a function for each such object would cost a compilation per object.
_MAX_SHAPES: Final = 64
#: The most key orders of one object node remembered as aliases of their set's function
#: (the look-up by order is the fast path; another order of a known set is found by its set).
_MAX_ORDERS: Final = 1024


def _unknown(_: Any) -> bool | None:
    """The answer for an object of a shape past the table: not decided here."""
    return None


#: The most generated lines a definition may have to be checked in line where it is used.
_MAX_INLINE: Final = 40


def _types(value: Any, names: tuple[str, ...]) -> bool | None:
    """One of the JSON types; whole floats for "integer" and booleans for numbers unknown."""
    kind = type(value)
    unknown = False
    for name in names:
        if name in _SIMPLE_TYPES:
            found: bool | None = value is None if name == "null" else _PYTHON[name] is kind
        elif kind is bool:
            found = None
        elif name == "number":
            found = kind is int or kind is float
        elif name == "integer":
            found = True if kind is int else None if kind is float else False
        else:
            found = None
        if found is True:
            return True
        if found is None:
            unknown = True
    return None if unknown else False


_PYTHON: Final[dict[str, type]] = {
    "string": str,
    "object": dict,
    "array": list,
    "boolean": bool,
}


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
    try:
        # Scalars that Python tells apart are told apart as JSON values too (the other way
        # round, ``True == 1``, is left to the comparison below).
        if len(set(items)) == len(items):
            return True
    except TypeError:  # objects and arrays are not hashable
        pass
    else:
        if all(type(i) is str for i in items):
            return False
    for key in _IDENTITY_KEYS:
        # Objects whose values at one key are told apart are different objects.
        try:
            keys = [i[key] for i in items]
            if len(set(keys)) == len(keys):
                return True
        except (KeyError, TypeError):  # not all objects, a key missing, an object as value
            pass
    try:
        return len({_frozen(i) for i in items}) == len(items)
    except TypeError:  # pragma: no cover - JSON values are hashable once frozen
        return False


def _lazy(name: str, compiled: Callable[[str], Check]) -> Check:
    """Stands for the function ``name`` until its first call compiles it."""

    def stand_in(value: Any) -> bool | None:
        return compiled(name)(value)

    stand_in._fmbom_lazy = True  # type: ignore[attr-defined]
    return stand_in


class _Lines:
    """Generated statements: ``return False`` for invalid, ``r = None`` for unknown."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)


class Generator:
    """Writes the Python source of the checks of a schema, one function per definition."""

    def __init__(
        self, root: dict[str, Any], store: dict[str, Any], date_time: Callable[[object], bool]
    ) -> None:
        self.root = root
        self.store = store
        self.names: dict[str, Any] = {"_unique": unique, "_types": _types, "_dt": date_time}
        self.functions: dict[int, str] = {}
        self.todo: list[tuple[str, Any]] = []
        self.count = 0
        self.namespace: dict[str, Any] = {"_learn": self.learn}
        self.sources: dict[str, str] = {}
        self.lock = threading.RLock()
        #: The object nodes checked by shape: the node and its table of shape functions.
        self.shaped: list[tuple[dict[str, Any], dict[tuple[str, ...], Check]]] = []
        #: For each of those nodes, its functions by set of keys (the key order aside).
        self.shaped_sets: list[dict[frozenset[str], Check]] = []
        #: The definitions being checked in line (a definition is never inside itself).
        self.inlined: set[int] = set()

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

    def constant(self, value: Any) -> str:
        """The name of ``value`` in the generated module's globals."""
        self.count += 1
        name = f"_k{self.count}"
        self.names[name] = value
        return name

    def variable(self) -> str:
        self.count += 1
        return f"v{self.count}"

    def function(self, schema: Any) -> str:
        """The name of the generated function checking ``schema`` (written on demand)."""
        for _ in range(8):  # a node that only refers to another is checked as that one
            if not (isinstance(schema, dict) and "$ref" in schema):
                break
            target = self.resolve(str(schema["$ref"]))
            if target is None:
                break
            schema = target
        key = id(schema)
        if key not in self.functions:
            self.count += 1
            self.functions[key] = f"_c{self.count}"
            self.todo.append((self.functions[key], schema))
        return self.functions[key]

    def write(self) -> dict[str, str]:
        """The source of every function asked for and not yet written, by name."""
        written: dict[str, str] = {}
        while self.todo:
            name, schema = self.todo.pop()
            lines = [f"def {name}(v):"]
            expression = self.expression(schema, "v")
            if expression is not None:
                lines.append(f"    return {expression}")
            else:
                out = _Lines()
                self.inlined = {id(schema)}
                self.emit(schema, "v", out, 1)
                lines += ["    r = True", *out.lines, "    return r"]
            written[name] = "\n".join(lines) + "\n"
        return written

    def build(self, entries: list[str]) -> dict[str, Any]:
        """The generated module's globals: ``entries`` compiled, every other function
        compiled on its first call (most definitions never see a value)."""
        self.namespace.update(self.names)
        self.publish()
        for name in entries:
            self.compiled(name)
        return self.namespace

    def publish(self) -> None:
        """Write the functions asked for since the last time; each compiles on first use."""
        for name, source in self.write().items():
            self.sources[name] = source
            self.namespace[name] = _lazy(name, self.compiled)
        self.namespace.update(self.names)

    def compiled(self, name: str) -> Check:
        """The function ``name``, compiled now if it was not."""
        with self.lock:
            function = self.namespace[name]
            if getattr(function, "_fmbom_lazy", False):
                code = compile(self.sources[name], f"<fmbom schema check {name}>", "exec")
                exec(code, self.namespace)  # noqa: S102 - source written from literals and names
                function = self.namespace[name]
        checked: Check = function
        return checked

    def learn(self, index: int, value: dict[str, Any]) -> Check:
        """The check of the keys of ``value`` against the object node ``index``: a function
        for exactly this shape (its keys in this order), kept for the next object of it."""
        schema, shapes = self.shaped[index]
        by_set = self.shaped_sets[index]
        with self.lock:
            shape = tuple(value)
            if shape in shapes:
                return shapes[shape]
            # JSON objects have no order: one function per set of keys, whatever their order.
            keys = frozenset(shape)
            known = by_set.get(keys)
            if known is not None:
                if len(shapes) < _MAX_ORDERS:
                    shapes[shape] = known
                return known
            if len(by_set) >= _MAX_SHAPES:
                return _unknown
            properties: dict[str, Any] = schema.get("properties") or {}
            extra = schema.get("additionalProperties", True)
            out = _Lines()
            self.inlined = {id(schema)}
            if not set(schema.get("required") or ()) <= set(shape):
                out.add(1, "return False")
            for key in shape:
                sub = properties.get(key, extra) if type(key) is str else extra
                item = self.variable()
                check = _Lines()
                self.emit(sub, item, check, 1)
                if check.lines:
                    out.add(1, f"{item} = v[{key!r}]")
                    out.lines += check.lines
            self.count += 1
            name = f"_s{self.count}"
            source = "\n".join([f"def {name}(v):", "    r = True", *out.lines, "    return r"])
            self.publish()
            code = compile(source + "\n", f"<fmbom schema check {name}>", "exec")
            exec(code, self.namespace)  # noqa: S102 - source written from literals and names
            function: Check = self.namespace.pop(name)
            by_set[keys] = function
            if len(shapes) < _MAX_ORDERS:
                shapes[shape] = function
            return function

    # -- expressions: nodes decided by one boolean expression --------------------------------

    def expression(self, schema: Any, x: str, hops: int = 0) -> str | None:
        """A Python expression for ``schema`` on ``x`` that is always True or False, or None
        when the node needs statements (structure, references, unknown answers)."""
        if schema is True or schema is False:
            return str(schema)
        if not isinstance(schema, dict):
            return None
        if "$ref" in schema:
            target = self.resolve(str(schema["$ref"]))
            return None if target is None or hops > 8 else self.expression(target, x, hops + 1)
        if (
            set(schema)
            - ANNOTATIONS
            - {"type", "enum", "const", "minLength", "maxLength"}
            - {
                "pattern",
                "format",
                "required",
            }
        ):
            return None
        parts: list[str] = []
        if "type" in schema:
            kind = schema["type"]
            names = [kind] if isinstance(kind, str) else kind
            if not isinstance(names, list) or not all(n in _SIMPLE_TYPES for n in names):
                return None
            parts.append("(" + " or ".join(f"type({x}) is {_SIMPLE_TYPES[n]}" for n in names) + ")")
        for name in ("enum", "const"):
            if name in schema:
                members = schema[name] if name == "enum" else [schema[name]]
                if not isinstance(members, list) or not all(type(m) is str for m in members):
                    return None
                parts.append(f"(type({x}) is str and {x} in {self.constant(frozenset(members))})")
        if "minLength" in schema or "maxLength" in schema:
            length = self.length(schema, x)
            if length is None:
                return None
            parts.append(f"(type({x}) is not str or {length})")
        if "pattern" in schema:
            pattern = schema["pattern"]
            if not isinstance(pattern, str) or _DOLLAR.search(pattern):
                return None
            search = self.constant(re.compile(pattern).search)
            parts.append(f"(type({x}) is not str or {search}({x}) is not None)")
        if "format" in schema:
            found = self.format_expression(schema["format"], x)
            if found is None:
                return None
            parts.append(found)
        if "required" in schema:
            required = schema["required"]
            if not isinstance(required, list) or not required:
                return None
            keys = " and ".join(f"{k!r} in {x}" for k in required)
            parts.append(f"(type({x}) is not dict or ({keys}))")
        return " and ".join(parts) if parts else "True"

    @staticmethod
    def length(schema: dict[str, Any], x: str) -> str | None:
        low, high = schema.get("minLength"), schema.get("maxLength")
        if not all(b is None or type(b) is int for b in (low, high)):
            return None
        tests = [f"len({x}) >= {low}"] if low is not None else []
        tests += [f"len({x}) <= {high}"] if high is not None else []
        return "(" + " and ".join(tests) + ")"

    def format_expression(self, name: Any, x: str) -> str | None:
        if not isinstance(name, str):
            return None
        if name in _ANY_FORMAT:
            return "True"
        if name == "date-time":
            return f"(type({x}) is not str or _dt({x}))"
        return None

    # -- statements --------------------------------------------------------------------------

    def emit(self, schema: Any, x: str, out: _Lines, indent: int) -> None:
        """Statements checking ``x`` against ``schema``."""
        if schema is True:
            return
        if schema is False:
            out.add(indent, "return False")
            return
        if not isinstance(schema, dict):
            out.add(indent, "r = None")
            return
        expression = self.expression(schema, x)
        if expression is not None:
            if expression != "True":
                out.add(indent, f"if not ({expression}): return False")
            return
        if "$ref" in schema:  # draft 7: the keywords beside a reference are ignored
            target = self.resolve(str(schema["$ref"]))
            if target is None:
                out.add(indent, "r = None")
            elif not self.inline(target, x, out, indent):
                self.call(self.function(target), x, out, indent)
            return
        if indent > _MAX_INDENT:
            self.call(self.function(schema), x, out, indent)
            return
        self.emit_node(schema, x, out, indent)

    def inline(self, target: Any, x: str, out: _Lines, indent: int) -> bool:
        """Check ``x`` against the definition ``target`` in line when it is small and not
        already being checked in line (recursion); False when a call is needed instead."""
        if id(target) in self.inlined or not isinstance(target, dict) or indent > _MAX_INDENT:
            return False
        self.inlined.add(id(target))
        try:
            trial = _Lines()
            self.emit(target, x, trial, indent)
        finally:
            self.inlined.discard(id(target))
        if len(trial.lines) > _MAX_INLINE:
            return False
        out.lines += trial.lines
        return True

    @staticmethod
    def call(function: str, x: str, out: _Lines, indent: int) -> None:
        out.add(indent, f"t = {function}({x})")
        out.add(indent, "if t is not True:")
        out.add(indent + 1, "if t is False: return False")
        out.add(indent + 1, "r = None")

    def emit_node(self, schema: dict[str, Any], x: str, out: _Lines, indent: int) -> None:
        kind = schema.get("type")
        only = kind if isinstance(kind, str) else None
        keys = set(schema)
        members = schema.get("enum")
        strings_only = (
            only == "string" and isinstance(members, list) and all(type(m) is str for m in members)
        )
        typed = (bool(keys & _OBJECT_KEYWORDS) and only == "object") or (
            bool(keys & _ARRAY_KEYWORDS) and only == "array"
        )
        if "type" in schema and not typed and not strings_only:
            self.emit_type(kind, x, out, indent)
        if keys & _OBJECT_KEYWORDS:
            self.emit_object(schema, x, out, indent, strict=only == "object")
        if keys & _ARRAY_KEYWORDS:
            self.emit_array(schema, x, out, indent, strict=only == "array")
        if "minLength" in schema or "maxLength" in schema:
            length = self.length(schema, x)
            if length is None:
                out.add(indent, "r = None")
            else:
                out.add(indent, f"if type({x}) is str and not {length}: return False")
        handled = {"type"} | ANNOTATIONS | _OBJECT_KEYWORDS | _ARRAY_KEYWORDS
        for name, value in schema.items():
            if name not in handled and name not in ("minLength", "maxLength"):
                self.emit_keyword(name, value, x, out, indent)

    def emit_type(self, kind: Any, x: str, out: _Lines, indent: int) -> None:
        names = [kind] if isinstance(kind, str) else list(kind)
        if all(n in _SIMPLE_TYPES for n in names):
            test = " or ".join(f"type({x}) is {_SIMPLE_TYPES[n]}" for n in names)
            out.add(indent, f"if not ({test}): return False")
            return
        out.add(indent, f"t = _types({x}, {self.constant(tuple(names))})")
        out.add(indent, "if t is not True:")
        out.add(indent + 1, "if t is False: return False")
        out.add(indent + 1, "r = None")

    def emit_keyword(self, name: str, value: Any, x: str, out: _Lines, indent: int) -> None:
        if name in ("enum", "const"):
            members = value if name == "enum" else [value]
            if isinstance(members, list) and all(type(m) is str for m in members):
                allowed = self.constant(frozenset(members))
                out.add(indent, f"if not (type({x}) is str and {x} in {allowed}): return False")
            else:
                out.add(indent, "r = None")
        elif name == "pattern" and isinstance(value, str):
            self.emit_pattern(value, x, out, indent)
        elif name == "format" and isinstance(value, str):
            found = self.format_expression(value, x)
            if found is None:
                out.add(indent, f"if type({x}) is str: r = None")
            elif found != "True":
                out.add(indent, f"if not {found}: return False")
        elif name in ("minimum", "maximum"):
            if type(value) not in (int, float):
                out.add(indent, "r = None")
                return
            limit = self.constant(value)
            test = f"{x} <= {limit}" if name == "maximum" else f"{x} >= {limit}"
            out.add(indent, f"t = type({x})")
            out.add(indent, "if t is bool: r = None")
            out.add(indent, f"elif (t is int or t is float) and not ({test}): return False")
        elif name in ("oneOf", "anyOf", "allOf") and isinstance(value, list):
            self.emit_combined(name, value, x, out, indent)
        else:
            out.add(indent, "r = None")

    def emit_pattern(self, pattern: str, x: str, out: _Lines, indent: int) -> None:
        """Python's search, as the compiled validator does, with ``$`` meaning the end both
        ways: where the two readings of ``$`` could differ the answer is unknown."""
        raw = self.constant(re.compile(pattern).search)
        fixed = self.constant(re.compile(_DOLLAR.sub(r"\\Z", pattern)).search)
        out.add(indent, f"if type({x}) is str:")
        general = [
            f"t = {raw}({x}) is not None",
            f"if t is not ({fixed}({x}) is not None): r = None",
            "elif not t: return False",
        ]
        dollars = _DOLLAR.findall(pattern)
        if len(dollars) == 1 and pattern.endswith("$"):
            # The one ``$`` ends the pattern, so it is an anchor: "$" and "\Z" differ only
            # on a text with a line break.
            out.add(indent + 1, f'if "\\n" in {x}:')
            for line in general:
                out.add(indent + 2, line)
            out.add(indent + 1, f"elif {raw}({x}) is None: return False")
            return
        for line in general:
            out.add(indent + 1, line)

    def emit_combined(
        self, name: str, branches: list[Any], x: str, out: _Lines, indent: int
    ) -> None:
        if name == "allOf":
            for branch in branches:
                self.emit(branch, x, out, indent)
            return
        values = []
        for branch in branches:
            expression = self.expression(branch, x)
            values.append(
                f"({expression})" if expression is not None else f"{self.function(branch)}({x})"
            )
        out.add(indent, f"t = ({', '.join(values)},)")
        out.add(indent, "if None in t: r = None")
        test = "t.count(True) != 1" if name == "oneOf" else "True not in t"
        out.add(indent, f"elif {test}: return False")

    def emit_object(
        self, schema: dict[str, Any], x: str, out: _Lines, indent: int, *, strict: bool
    ) -> None:
        if "patternProperties" in schema:
            out.add(indent, "r = None")
            return
        body = _Lines()
        inner = indent if strict else indent + 1
        if len(schema.get("properties") or ()) >= _SHAPED:
            shapes: dict[tuple[str, ...], Check] = {}
            self.shaped.append((schema, shapes))
            self.shaped_sets.append({})
            table = self.constant(shapes)
            body.add(inner, f"t = {table}.get(tuple({x}))")
            body.add(inner, f"if t is None: t = _learn({len(self.shaped) - 1}, {x})")
            self.call("t", x, body, inner)
            self.wrap(body, x, "dict", out, indent, strict=strict)
            return
        required = schema.get("required") or ()
        if required:
            keys = " and ".join(f"{k!r} in {x}" for k in required)
            body.add(inner, f"if not ({keys}): return False")
        properties: dict[str, Any] = schema.get("properties") or {}
        extra = schema.get("additionalProperties", True)
        declared = self.constant(frozenset(properties))
        # No key beside the declared ones: as many of those present as the object has keys.
        count = self.variable() if extra is False else None
        if count is not None:
            body.add(inner, f"{count} = 0")
        for name, sub in properties.items():
            value = self.variable()
            present = name in required  # checked above
            level = inner if present else inner + 1
            check = _Lines()
            self.emit(sub, value, check, level)
            if not present:
                if not check.lines and count is None:
                    continue
                body.add(inner, f"if {name!r} in {x}:")
            if count is not None:
                body.add(level, f"{count} += 1")
            if check.lines:
                body.add(level, f"{value} = {x}[{name!r}]")
                body.lines += check.lines
        if count is not None:
            body.add(inner, f"if len({x}) != {count}: return False")
        if extra is not True and extra is not False:
            key, value = self.variable(), self.variable()
            others = f"[{value} for {key}, {value} in {x}.items() if {key} not in {declared}]"
            self.loop(body, extra, others, inner)
        self.wrap(body, x, "dict", out, indent, strict=strict)

    def emit_array(
        self, schema: dict[str, Any], x: str, out: _Lines, indent: int, *, strict: bool
    ) -> None:
        body = _Lines()
        inner = indent if strict else indent + 1
        low, high = schema.get("minItems"), schema.get("maxItems")
        if low is not None:
            body.add(inner, f"if len({x}) < {self.constant(low)}: return False")
        if high is not None:
            body.add(inner, f"if len({x}) > {self.constant(high)}: return False")
        items = schema.get("items", True)
        if isinstance(items, list):
            for index, sub in enumerate(items):
                self.loop(body, sub, f"{x}[{index} : {index + 1}]", inner)
            extra = schema.get("additionalItems", True)
            if extra is not True:
                self.loop(body, extra, f"{x}[{len(items)}:]", inner)
        elif items is not True:
            self.loop(body, items, x, inner)
        if schema.get("uniqueItems") is True:
            body.add(inner, f"if len({x}) > 1 and not _unique({x}): return False")
        self.wrap(body, x, "list", out, indent, strict=strict)

    def loop(self, body: _Lines, schema: Any, sequence: str, indent: int) -> None:
        value = self.variable()
        check = _Lines()
        self.emit(schema, value, check, indent + 1)
        if check.lines:
            body.add(indent, f"for {value} in {sequence}:")
            body.lines += check.lines

    @staticmethod
    def wrap(body: _Lines, x: str, kind: str, out: _Lines, indent: int, *, strict: bool) -> None:
        """The body for a value of the Python type ``kind``; another type is invalid when
        ``strict``, else the body does not apply."""
        if strict:
            out.add(indent, f"if type({x}) is not {kind}: return False")
            out.lines += body.lines
        elif body.lines:
            out.add(indent, f"if type({x}) is {kind}:")
            out.lines += body.lines


def compile_schema(
    root: dict[str, Any],
    store: dict[str, Any],
    date_time: Callable[[object], bool],
    ref: str = "",
) -> Check:
    """The check of ``root`` (or of the definition at ``ref``, such as ``#/definitions/x``)."""
    generator = Generator(root, store, date_time)
    name = generator.function(generator.resolve(ref) if ref else root)
    check: Check = generator.build([name])[name]
    return check
