"""SPDX license expressions: syntax check and a canonical form for comparison.

fmbom checks the *syntax* of an expression (SPDX specification, annex D) and does not require
each identifier to be on the SPDX license list: model licenses such as ``llama3.2`` or
``LicenseRef-gemma`` are common and legitimate. :func:`license_key` gives a canonical form in
which equivalent expressions compare equal: identifiers are case-insensitive, ``AND``/``OR``
are associative and commutative, and redundant parentheses do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from fmbom.errors import ValidationError

__all__ = ["license_key", "licenses_key", "parse_license_expression"]

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([A-Za-z0-9.\-:+]+))")
_IDSTRING = re.compile(r"(?:DocumentRef-[A-Za-z0-9.\-]+:)?[A-Za-z0-9.\-]+\+?")

# A parsed expression: a license id (str), or (operator, operands).
Node = str | tuple[str, tuple["Node", ...]]


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if match is None:
            raise ValidationError(
                f"invalid character {stripped[pos:].lstrip()[:1]!r} in license expression {text!r}"
            )
        tokens.append(match.group(0).strip())
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def fail(self, why: str) -> ValidationError:
        return ValidationError(f"{why} in license expression {self.text!r}")

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.fail("unexpected end")
        self.pos += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise ValidationError("empty license expression")
        node = self.or_expr()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def binary(self, op: str, operand: Callable[[], Node]) -> Node:
        items = [operand()]
        while (token := self.peek()) is not None and token.upper() == op:
            self.pos += 1
            items.append(operand())
        return items[0] if len(items) == 1 else (op, tuple(items))

    def or_expr(self) -> Node:
        return self.binary("OR", self.and_expr)

    def and_expr(self) -> Node:
        return self.binary("AND", self.with_expr)

    def with_expr(self) -> Node:
        node = self.atom()
        token = self.peek()
        if token is not None and token.upper() == "WITH":
            self.pos += 1
            exception = self.take()
            if not _IDSTRING.fullmatch(exception) or exception.upper() in _OPERATORS:
                raise self.fail(f"invalid exception id {exception!r}")
            node = ("WITH", (node, exception))
        return node

    def atom(self) -> Node:
        token = self.take()
        if token == "(":
            node = self.or_expr()
            if self.take() != ")":
                raise self.fail("missing ')'")
            return node
        if token == ")" or token.upper() in _OPERATORS or not _IDSTRING.fullmatch(token):
            raise self.fail(f"unexpected {token!r}")
        return token


_OPERATORS = frozenset({"AND", "OR", "WITH"})


@lru_cache(maxsize=4096)
def parse_license_expression(text: str) -> Node:
    """Parse an SPDX license expression, raising :class:`ValidationError` when malformed."""
    return _Parser(text).parse()


def _operands(op: str, node: Node) -> list[Node]:
    if isinstance(node, str) or node[0] != op:
        return [node]
    return [leaf for item in node[1] for leaf in _operands(op, item)]


def _canonical(node: Node) -> str:
    if isinstance(node, str):
        return node.lower()
    op, items = node
    if op == "WITH":
        return f"{_canonical(items[0])} with {_canonical(items[1])}"
    parts = set()
    for item in _operands(op, node):
        text = _canonical(item)
        parts.add(text if isinstance(item, str) or item[0] == "WITH" else f"({text})")
    if len(parts) == 1:
        return parts.pop()
    return f" {op.lower()} ".join(sorted(parts))


@lru_cache(maxsize=4096)
def license_key(text: str) -> str:
    """Return a canonical form of an expression; equivalent expressions share it."""
    return _canonical(parse_license_expression(text))


def licenses_key(expressions: tuple[str, ...]) -> tuple[str, ...]:
    """Canonical form of a set of license expressions (order and duplicates do not matter)."""
    return tuple(sorted({license_key(e) for e in expressions}))
