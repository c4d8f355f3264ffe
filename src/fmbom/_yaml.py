"""A bounded, safe YAML reader for configuration files and card front matter.

YAML is read with PyYAML's safe constructor (on libyaml's C parser when it is installed), under
limits that hostile input cannot get around:

- **size**: a document larger than ``max_bytes`` is refused before it is parsed; a file is read
  no further than that;
- **nodes**: the node count *after alias expansion* is capped, so a "billion laughs" document
  (aliases of aliases of lists) is refused while it is being composed, long before a consumer
  walks the exponential tree it stands for; a recursive alias (``&a [*a]``) is refused too;
- **depth**: nesting deeper than ``max_depth`` is refused, so deep flow collections
  (``[[[[…``) cannot exhaust the stack;
- **tags**: only the plain data tags are accepted (null, bool, int, float, str, seq, map, the
  merge key ``<<`` and timestamps); every other tag, ``!!python/object`` or ``!Ref`` or
  ``!!binary`` alike, is an error;
- **duplicate keys**: a mapping that states the same key twice is an error (YAML forbids it and
  PyYAML would silently keep the last one).

Timestamps are kept as the text the document wrote (``2024-05-01`` stays a string), so values
stay plain JSON-like data. Every problem raises :class:`fmbom.errors.InputFormatError` whose
message names the source and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fmbom.errors import InputFormatError

__all__ = [
    "DEFAULT_LIMITS",
    "YamlLimits",
    "loads",
    "loads_all",
    "read",
    "read_all",
]

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _TAG + name for name in ("null", "bool", "int", "float", "str", "seq", "map", "timestamp")
)
_MERGE_TAG = _TAG + "merge"
_NUMBER_TAGS = frozenset({_TAG + "int", _TAG + "float"})
_MAX_NUMBER_DIGITS = 1000


@attrs.frozen(kw_only=True)
class YamlLimits:
    """Bounds on one YAML input (all documents of a stream together)."""

    max_bytes: int = 8 * 1024 * 1024
    max_nodes: int = 1_000_000
    max_depth: int = 100


DEFAULT_LIMITS = YamlLimits()


class _RefusedError(Exception):
    """A limit or rule was broken at ``line`` (1-based)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _line(node_or_event: Any) -> int | None:
    mark = getattr(node_or_event, "start_mark", None)
    return None if mark is None else int(mark.line) + 1


class _BoundedComposer:
    """PyYAML's composer with counting: nodes after alias expansion, depth, tags, duplicates."""

    # Provided by the parser, resolver and constructor this class is mixed with.
    check_event: Any
    peek_event: Any
    get_event: Any
    resolve: Any

    def _start(self, limits: YamlLimits) -> None:
        self._limits = limits
        self._anchors: dict[str, Node] = {}
        self._sizes: dict[str, int] = {}
        self._count = 0
        self._depth = 0

    def _grow(self, amount: int, where: Any) -> None:
        self._count += amount
        if self._count > self._limits.max_nodes:
            raise _RefusedError(
                f"more than {self._limits.max_nodes} YAML nodes once aliases are expanded "
                "(an alias bomb or an oversized document)",
                _line(where),
            )

    def check_node(self) -> bool:
        if self.check_event(StreamStartEvent):
            self.get_event()
        return not self.check_event(StreamEndEvent)

    def get_node(self) -> Node:
        self.get_event()  # document start
        node = self._compose()
        self.get_event()  # document end
        self._anchors = {}
        self._sizes = {}
        return node

    def _compose(self) -> Node:
        if self.check_event(AliasEvent):
            event = self.get_event()
            anchor = event.anchor
            if anchor not in self._anchors:
                raise _RefusedError(f"alias *{anchor} names no anchor", _line(event))
            size = self._sizes.get(anchor)
            if size is None:
                raise _RefusedError(
                    f"alias *{anchor} refers to itself (a recursive structure)", _line(event)
                )
            self._grow(size, event)
            return self._anchors[anchor]
        event = self.peek_event()
        anchor = event.anchor
        if anchor is not None and anchor in self._anchors:
            # Re-defining an anchor is legal YAML; later aliases use the latest definition.
            del self._anchors[anchor]
            self._sizes.pop(anchor, None)
        before = self._count
        self._grow(1, event)
        if self.check_event(ScalarEvent):
            node: Node = self._scalar(anchor)
        else:
            self._depth += 1
            if self._depth > self._limits.max_depth:
                raise _RefusedError(
                    f"YAML nested deeper than {self._limits.max_depth} levels", _line(event)
                )
            if self.check_event(SequenceStartEvent):
                node = self._sequence(anchor)
            elif self.check_event(MappingStartEvent):
                node = self._mapping(anchor)
            else:  # pragma: no cover - the parser emits nothing else here
                raise _RefusedError(f"unexpected YAML event {type(event).__name__}", _line(event))
            self._depth -= 1
        if anchor is not None:
            self._sizes[anchor] = self._count - before
        return node

    def _tag(self, kind: type[Node], event: Any, value: str | None) -> str:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(kind, value, event.implicit)
        if tag not in _ALLOWED_TAGS and tag != _MERGE_TAG:
            shown = tag.replace(_TAG, "!!") if tag.startswith(_TAG) else tag
            raise _RefusedError(
                f"YAML tag {shown} is not allowed (only plain data: "
                "null, bool, int, float, str, seq, map, timestamp)",
                _line(event),
            )
        return str(tag)

    def _scalar(self, anchor: str | None) -> Node:
        event = self.get_event()
        tag = self._tag(ScalarNode, event, event.value)
        if tag in _NUMBER_TAGS and len(event.value) > _MAX_NUMBER_DIGITS:
            raise _RefusedError(
                f"a number of {len(event.value)} characters (more than {_MAX_NUMBER_DIGITS})",
                _line(event),
            )
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        if anchor is not None:
            self._anchors[anchor] = node
        return node

    def _sequence(self, anchor: str | None) -> Node:
        start = self.get_event()
        tag = self._tag(SequenceNode, start, None)
        node = SequenceNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        if anchor is not None:
            self._anchors[anchor] = node
        while not self.check_event(SequenceEndEvent):
            node.value.append(self._compose())
        node.end_mark = self.get_event().end_mark
        return node

    def _mapping(self, anchor: str | None) -> Node:
        start = self.get_event()
        tag = self._tag(MappingNode, start, None)
        node = MappingNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        if anchor is not None:
            self._anchors[anchor] = node
        seen: dict[tuple[str, str], int | None] = {}
        while not self.check_event(MappingEndEvent):
            key = self._compose()
            if isinstance(key, ScalarNode) and key.tag != _MERGE_TAG:
                identity = (key.tag, key.value)
                if identity in seen:
                    first = seen[identity]
                    raise _RefusedError(
                        f"duplicate key {key.value!r} in one mapping (first on line {first})",
                        _line(key),
                    )
                seen[identity] = _line(key)
            node.value.append((key, self._compose()))
        node.end_mark = self.get_event().end_mark
        return node


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _Loader(
        _BoundedComposer,
        CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """libyaml's C parser, the bounded composer, the safe constructor."""

        def __init__(self, stream: str | bytes, limits: YamlLimits) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start(limits)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(  # type: ignore[no-redef]
        _BoundedComposer,
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """PyYAML's pure-Python parser, the bounded composer, the safe constructor."""

        def __init__(self, stream: str | bytes, limits: YamlLimits) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start(limits)


def _text_timestamp(loader: _Loader, node: ScalarNode) -> Any:
    return loader.construct_scalar(node)


# The stubs bound the loader type to PyYAML's own loader classes; ours is one in all but name.
_Loader.add_constructor(_TAG + "timestamp", _text_timestamp)  # type: ignore[type-var]


def _size(text: str | bytes) -> int:
    return len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))


def _position_line(text: str | bytes, position: int) -> int:
    newline: str | bytes = b"\n" if isinstance(text, bytes) else "\n"
    return text[:position].count(newline) + 1  # type: ignore[arg-type]


def _fail(source: str, line: int | None, message: str) -> InputFormatError:
    where = f"{source}:{line}" if line is not None else source
    return InputFormatError(message, where)


def loads_all(
    text: str | bytes, *, source: str = "<yaml>", limits: YamlLimits = DEFAULT_LIMITS
) -> list[Any]:
    """Every document of a YAML stream (``---``-separated), as plain Python data.

    ``source`` names the input in error messages (a file path). Raises
    :class:`~fmbom.errors.InputFormatError` naming ``source`` and the line for invalid YAML,
    a disallowed tag, a duplicate key or a broken limit.
    """
    size = _size(text)
    if size > limits.max_bytes:
        raise _fail(source, None, f"YAML is {size} bytes, more than the {limits.max_bytes} allowed")
    loader = None
    try:
        loader = _Loader(text, limits)
        documents = []
        while loader.check_node():
            documents.append(loader.construct_document(loader.get_node()))
        return documents
    except _RefusedError as refused:
        raise _fail(source, refused.line, refused.message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        problem = error.problem or error.context or "invalid YAML"
        raise _fail(source, line, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as error:
        line = _position_line(text, error.position)
        raise _fail(source, line, f"invalid YAML: {error.reason}") from None
    except yaml.YAMLError as error:  # pragma: no cover - every parser error above is marked
        raise _fail(source, None, f"invalid YAML: {error}") from None
    except (ValueError, OverflowError) as error:  # pragma: no cover - defensive
        # A scalar the constructor cannot convert (numbers are length-capped while composing).
        raise _fail(source, None, f"invalid YAML value: {error}") from None
    finally:
        if loader is not None:
            loader.dispose()


def loads(text: str | bytes, *, source: str = "<yaml>", limits: YamlLimits = DEFAULT_LIMITS) -> Any:
    """The single document of a YAML text as plain Python data (None when it is empty).

    A stream of several documents is an error; use :func:`loads_all` for those.
    """
    documents = loads_all(text, source=source, limits=limits)
    if len(documents) > 1:
        raise _fail(source, None, f"expected one YAML document, found {len(documents)}")
    return documents[0] if documents else None


def _read_bytes(path: Path, limits: YamlLimits) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise InputFormatError(f"cannot read: {error.strerror or error}", str(path)) from None
    if len(data) > limits.max_bytes:
        raise _fail(
            str(path), None, f"YAML file is larger than the {limits.max_bytes} allowed bytes"
        )
    return data


def read(path: Path, *, limits: YamlLimits = DEFAULT_LIMITS) -> Any:
    """The single YAML document of a file, read no further than ``limits.max_bytes``."""
    return loads(_read_bytes(path, limits), source=str(path), limits=limits)


def read_all(path: Path, *, limits: YamlLimits = DEFAULT_LIMITS) -> list[Any]:
    """Every YAML document of a file, read no further than ``limits.max_bytes``."""
    return loads_all(_read_bytes(path, limits), source=str(path), limits=limits)
