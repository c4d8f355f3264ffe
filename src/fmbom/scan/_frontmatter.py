"""A small, safe reader for the YAML front matter of Hugging Face model and dataset cards.

It reads the subset cards use: block mappings and sequences (including sequences of
mappings), plain, single- and double-quoted scalars (also over several lines), literal and
folded block scalars, flow sequences and mappings of scalars, and comments. It builds only
plain Python values (dict, list, str, int, float, bool, None) and never constructs objects.
Anchors, aliases, tags and nested flow collections raise :class:`FrontMatterError`.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from fmbom._bounded import MAX_INT_DIGITS

__all__ = [
    "MAX_FRONT_MATTER",
    "MAX_NESTING",
    "FrontMatterError",
    "parse_front_matter",
    "split_front_matter",
]

#: Front matter longer than this (in characters) is not read; the parser is linear in its size.
MAX_FRONT_MATTER: Final = 1 << 20
#: Block mappings and sequences nested deeper than this are refused.
MAX_NESTING: Final = 64

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})


class FrontMatterError(ValueError):
    """The front matter uses YAML this reader does not support, or is malformed."""

    def __init__(self, message: str, line: int) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}")


def split_front_matter(text: str) -> tuple[str, int] | None:
    """The front matter block of a card and its first line number, or None if it has none.

    The block opens with a ``---`` line (blank lines before it are allowed) and closes with a
    ``---`` or ``...`` line.
    """
    lines = text.lstrip("\ufeff").splitlines()
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].rstrip() != "---":
        return None
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            return "\n".join(lines[start + 1 : end]), start + 2
    return None


def parse_front_matter(text: str, first_line: int = 1) -> dict[str, Any]:
    """Parse a front matter block (without its ``---`` lines) into a dict."""
    if len(text) > MAX_FRONT_MATTER:
        raise FrontMatterError(
            f"front matter longer than {MAX_FRONT_MATTER} characters", first_line
        )
    parser = _Parser(text, first_line)
    value = parser.document()
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FrontMatterError("front matter is not a mapping", first_line)
    return value


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _strip_comment(text: str) -> str:
    """Remove a trailing ``# comment`` from a plain (unquoted) scalar."""
    if text.startswith("#"):
        return ""
    match = re.search(r"\s#", text)
    return text[: match.start()].rstrip() if match else text.rstrip()


class _Parser:
    def __init__(self, text: str, first_line: int) -> None:
        self.lines = text.split("\n")
        if "\t" in text and any(
            line[: _indent_of(line) + 1].startswith("\t") for line in self.lines
        ):
            raise FrontMatterError("tabs used for indentation", first_line)
        self.first_line = first_line
        self.pos = 0
        self.depth = 0
        # Lines rewritten in place when a sequence item opens a mapping ("- key: value").
        self.indents = [_indent_of(line) for line in self.lines]
        self.texts = [line.strip() for line in self.lines]

    def fail(self, message: str) -> FrontMatterError:
        return FrontMatterError(message, self.first_line + min(self.pos, len(self.lines) - 1))

    def skip_blank(self) -> bool:
        """Advance to the next significant line; False at the end."""
        while self.pos < len(self.lines):
            text = self.texts[self.pos]
            if text and not text.startswith("#"):
                return True
            self.pos += 1
        return False

    def document(self) -> Any:
        if not self.skip_blank():
            return None
        value = self.block(self.indents[self.pos])
        if self.skip_blank():
            raise self.fail("unexpected indentation")
        return value

    def block(self, indent: int) -> Any:
        text = self.texts[self.pos]
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"nested deeper than {MAX_NESTING} levels")
        try:
            if text == "-" or text.startswith("- "):
                return self.sequence(indent)
            return self.mapping(indent)
        finally:
            self.depth -= 1

    def sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while self.skip_blank():
            line_indent, text = self.indents[self.pos], self.texts[self.pos]
            if line_indent < indent or not (text == "-" or text.startswith("- ")):
                break
            if line_indent > indent:
                raise self.fail("bad indentation of a sequence item")
            rest = text[1:].lstrip(" ")
            if not rest or rest.startswith("#"):
                self.pos += 1
                items.append(self.child(indent, allow_same=False))
                continue
            column = indent + (len(text) - len(rest))
            if rest == "-" or rest.startswith("- ") or self.is_key(rest):
                self.indents[self.pos], self.texts[self.pos] = column, rest
                items.append(self.block(column))
            else:
                items.append(self.scalar(rest, indent))
        return items

    def is_key(self, text: str) -> bool:
        return self.split_key(text) is not None

    @staticmethod
    def split_key(text: str) -> tuple[str, str] | None:
        if text[:1] in ("'", '"'):
            quote = text[0]
            end = text.find(quote, 1)
            while quote == "'" and end != -1 and text[end + 1 : end + 2] == "'":
                end = text.find(quote, end + 2)
            if end == -1:
                return None
            after = text[end + 1 :]
            if after == ":" or after.startswith(": "):
                key = text[1:end].replace("''", "'") if quote == "'" else text[1:end]
                return key, after[1:].strip()
            return None
        if text[:1] in ("[", "{", "|", ">", "&", "*", "!", "%", "@", "`"):
            return None
        match = re.search(r":(?:\s|$)", text)
        if match is None:
            return None
        key = text[: match.start()].rstrip()
        if not key or re.search(r"\s#", key):
            return None
        return key, text[match.end() :].strip()

    def mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while self.skip_blank():
            line_indent, text = self.indents[self.pos], self.texts[self.pos]
            if line_indent < indent:
                break
            if line_indent > indent:
                raise self.fail("unexpected indentation")
            if text == "-" or text.startswith("- "):
                break
            split = self.split_key(text)
            if split is None:
                raise self.fail(f"expected 'key: value', got {text[:40]!r}")
            key, rest = split
            if key.startswith(("&", "*", "!", "?")):
                raise self.fail("anchors, aliases, tags and complex keys are not supported")
            rest = _strip_comment(rest) if rest[:1] not in ("'", '"') else rest
            if not rest:
                self.pos += 1
                result[key] = self.child(indent, allow_same=True)
            else:
                result[key] = self.scalar(rest, indent)
        return result

    def child(self, indent: int, *, allow_same: bool) -> Any:
        """The value on the lines after ``key:`` or ``-``: a nested block, or null."""
        if not self.skip_blank():
            return None
        line_indent, text = self.indents[self.pos], self.texts[self.pos]
        if line_indent > indent:
            return self.block(line_indent)
        if allow_same and line_indent == indent and (text == "-" or text.startswith("- ")):
            return self.sequence(indent)
        return None

    def scalar(self, text: str, indent: int) -> Any:
        """A scalar starting on the current line; consumes its continuation lines."""
        if text[:1] in ("&", "*", "!"):
            raise self.fail("anchors, aliases and tags are not supported")
        if text[:1] in ("|", ">"):
            return self.block_scalar(text, indent)
        if text[:1] in ("'", '"'):
            return self.quoted(text)
        if text[:1] in ("[", "{"):
            self.pos += 1
            return self.flow(_strip_comment(text))
        self.pos += 1
        parts = [_strip_comment(text)]
        while self.pos < len(self.lines):
            nxt = self.texts[self.pos]
            if not nxt or nxt.startswith("#") or self.indents[self.pos] <= indent:
                break
            if self.is_key(nxt) or nxt.startswith("- "):
                raise self.fail("unexpected mapping or sequence inside a plain scalar")
            parts.append(_strip_comment(nxt))
            self.pos += 1
        return _plain(" ".join(parts), self)

    def quoted(self, text: str) -> str:
        """A quoted scalar, possibly over several lines; each line is scanned once."""
        quote = text[0]
        start = self.pos
        pieces = [text]
        offset = 0
        found = _find_closing(text, quote, 1)
        while found is None:
            self.pos += 1
            if self.pos >= len(self.lines):
                self.pos = start
                raise self.fail("unterminated quoted string")
            offset += len(pieces[-1]) + 1
            pieces.append(self.lines[self.pos].strip())
            found = _find_closing(pieces[-1], quote, 0)
        closed = offset + found
        collected = "\n".join(pieces)
        tail = _strip_comment(collected[closed + 1 :].strip())
        if tail:
            raise self.fail(f"unexpected text after a quoted string: {tail[:30]!r}")
        self.pos += 1
        body = _fold_lines(collected[1:closed])
        if quote == "'":
            return body.replace("''", "'")
        return _unescape(body, self)

    def block_scalar(self, header: str, indent: int) -> str:
        match = re.fullmatch(r"([|>])([-+]?)([1-9]?)([-+]?)\s*(#.*)?", header)
        if match is None:
            raise self.fail(f"unsupported block scalar header {header!r}")
        style, chomp = match.group(1), match.group(2) or match.group(4)
        self.pos += 1
        body: list[str] = []
        block_indent: int | None = None
        while self.pos < len(self.lines):
            raw = self.lines[self.pos]
            if raw.strip():
                line_indent = _indent_of(raw)
                if line_indent <= indent:
                    break
                if block_indent is None:
                    block_indent = line_indent
                if line_indent < block_indent:
                    break
                body.append(raw[block_indent:])
            else:
                body.append("")
            self.pos += 1
        while body and not body[-1]:
            body.pop()
        text = "\n".join(body) if style == "|" else _fold_lines("\n".join(body))
        if chomp == "-" or not text:
            return text
        return text + "\n"

    def flow(self, text: str) -> Any:
        opening, closing = text[0], "]" if text[0] == "[" else "}"
        if not text.endswith(closing):
            raise self.fail("flow collections over several lines are not supported")
        inner = text[1:-1].strip()
        if any(c in inner for c in "[]{}"):
            raise self.fail("nested flow collections are not supported")
        items = [item.strip() for item in _split_flow(inner)] if inner else []
        if opening == "[":
            return [_flow_scalar(item, self) for item in items if item]
        result: dict[str, Any] = {}
        for item in items:
            if not item:
                continue
            key, sep, value = item.partition(":")
            if not sep:
                raise self.fail(f"expected 'key: value' in a flow mapping, got {item!r}")
            result[str(_flow_scalar(key.strip(), self))] = _flow_scalar(value.strip(), self)
        return result


def _find_closing(text: str, quote: str, index: int) -> int | None:
    """The index of the closing quote in ``text`` from ``index`` on, or None.

    An escape (``\\``) or a doubled single quote at the end of the line continues on the next.
    """
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None


def _fold_lines(text: str) -> str:
    """YAML line folding: single newlines become spaces, blank lines become newlines."""
    lines = text.split("\n")
    out: list[str] = []
    pending_space = False
    for index, line in enumerate(lines):
        if index == 0:
            out.append(line)
            pending_space = True
            continue
        if not line.strip():
            if index == len(lines) - 1:
                out.append(" " if pending_space else "")
            else:
                out.append("\n")
            pending_space = False
            continue
        if pending_space:
            out.append(" ")
        out.append(line.strip())
        pending_space = True
    return "".join(out)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "/": "/", "0": "\0", " ": " "}


def _unescape(text: str, parser: _Parser) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        code = text[index + 1 : index + 2]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            index += 2
        elif code in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[code]
            digits = text[index + 2 : index + 2 + width]
            point = int(digits, 16) if re.fullmatch(r"[0-9a-fA-F]+", digits) else -1
            if not 0 <= point <= 0x10FFFF or 0xD800 <= point <= 0xDFFF or len(digits) != width:
                raise parser.fail(f"bad escape \\{code}{digits}")
            out.append(chr(point))
            index += 2 + width
        elif code == "\n":
            index += 2
        else:
            raise parser.fail(f"unsupported escape \\{code}")
    return "".join(out)


def _split_flow(inner: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for char in inner:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
            current.append(char)
        elif char == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def _flow_scalar(text: str, parser: _Parser) -> Any:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in ("'", '"'):
        body = text[1:-1]
        return body.replace("''", "'") if text[0] == "'" else _unescape(body, parser)
    return _plain(text, parser)


def _plain(text: str, parser: _Parser) -> Any:
    """Resolve a plain scalar: null, booleans, integers and floats; otherwise a string."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        digits = text.replace("_", "")
        if len(digits) > MAX_INT_DIGITS:
            raise parser.fail(f"integer with more than {MAX_INT_DIGITS} digits")
        return int(digits)
    if _FLOAT.fullmatch(text) and any(c.isdigit() for c in text):
        value = float(text.replace("_", ""))
        if not math.isfinite(value):
            raise parser.fail(f"number {text[:20]} is too large")
        return value
    if text in (".inf", "+.inf", ".Inf"):
        return text
    return text
