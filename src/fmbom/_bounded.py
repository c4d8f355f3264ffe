"""Bounded parsing of untrusted JSON and TOML: every hostile input is one clear error.

Every reader of fmbom (native JSON, CycloneDX JSON, the scanner's JSON files, policy TOML)
parses through here, so the same limits hold everywhere:

- text is strict Unicode: UTF-8 (with or without a byte order mark) or, for JSON, UTF-16/32
  with a byte order mark; bytes that do not decode are refused with their offset;
- lone surrogates (``"\\ud800"``) are refused at read with the JSON path of the string that
  holds one, so nothing fmbom writes can fail to encode later;
- integers longer than :data:`MAX_INT_DIGITS` digits and numbers that overflow to infinity
  are refused with their line and column;
- documents nested deeper than :data:`MAX_DEPTH` are refused with the JSON path where the
  limit was crossed, before any recursive code sees them;
- ``NaN`` and ``Infinity`` are not JSON: readers of BOMs refuse them; the scanner reads them
  as unknown values and reports each one (see ``nonfinite`` of :func:`loads_json`).
"""

from __future__ import annotations

import codecs
import json
import math
import re
import sys
from typing import Any, Final

from fmbom._gc import no_gc
from fmbom.errors import InputFormatError

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "check_tree",
    "decode_text",
    "json_path",
    "loads_json",
    "loads_toml",
    "markup_of",
]

#: Containers nested deeper than this are refused (real BOMs and configs stay under 30).
MAX_DEPTH: Final = 128
#: Integers with more digits than this are refused (Python's own conversion limit).
MAX_INT_DIGITS: Final = 4300

_UTF32_BOMS: Final = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS: Final = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONG_DIGITS_TEXT: Final = re.compile(f"[0-9]{{{MAX_INT_DIGITS + 1},}}")


class _NonFinite:
    """Stands for a ``NaN``/``Infinity`` token until the tree walk finds its path."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


def decode_text(data: bytes, source: str = "", *, what: str = "text") -> str:
    """Decode input bytes strictly: UTF-8 (optional BOM), or UTF-16/32 with a BOM."""
    if data.startswith(_UTF32_BOMS):
        encoding = "utf-32"
    elif data.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        name = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
        raise InputFormatError(
            f"not valid {what}: not {name} ({error.reason} at byte {error.start})", source
        ) from None


def markup_of(data: bytes) -> str | None:
    """``"xml"`` or ``"json"`` from the first significant character (any encoding), or None.

    UTF-16 and UTF-32 documents are recognised by their byte order mark or, without one, by
    the zero bytes around an ASCII first character.
    """
    for bom, with_bom in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            encoding, head = with_bom, data[len(bom) : len(bom) + 256]
            break
    else:
        encoding = "utf-8"
        head = data[:256]
        if len(head) >= 4 and head[0] == 0 and head[2] == 0:
            encoding = "utf-16-be" if head[1] else "utf-32-be"
        elif len(head) >= 4 and head[1] == 0 and head[3] == 0:
            encoding = "utf-32-le" if head[2] == 0 else "utf-16-le"
    text = head.decode(encoding, errors="ignore").lstrip(" \t\r\n")
    first = text[:1]
    if first == "<":
        return "xml"
    if first in ("{", "["):
        return "json"
    return None


def _bad_number(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _OverflowError(token)
    return value


class _OverflowError(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _long_integer(text: str, source: str, prefix: str) -> InputFormatError:
    """The error for Python's integer conversion limit, with the position of the number."""
    match = _LONG_DIGITS_TEXT.search(text)
    where = f" at {_position(text, match.start())}" if match else ""
    return InputFormatError(
        f"{prefix}integer with more than {MAX_INT_DIGITS} digits{where}", source
    )


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line} column {column}"


def loads_json(
    data: bytes | str,
    source: str = "",
    *,
    nonfinite: list[str] | None = None,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Parse untrusted JSON within the limits above; :class:`InputFormatError` otherwise.

    ``nonfinite``: when given, ``NaN``/``Infinity`` tokens are read as None and the JSON path
    of each is appended to the list; when None they are refused.
    """
    text = decode_text(data, source, what="JSON") if isinstance(data, bytes) else data
    seen: list[bool] = []

    def constant(token: str) -> _NonFinite:
        seen.append(True)
        return _NonFinite(token)

    try:
        with no_gc():  # a parse builds a tree without cycles: nothing to collect
            document = json.loads(text, parse_constant=constant, parse_float=_bad_number)
    except json.JSONDecodeError as error:
        raise InputFormatError(f"not valid JSON: {error}", source) from None
    except _OverflowError as error:
        index = text.find(error.token)
        where = f" at {_position(text, index)}" if index >= 0 else ""
        raise InputFormatError(
            f"number {error.token[:20]} is too large for a float{where}", source
        ) from None
    except ValueError:
        raise _long_integer(text, source, "") from None
    except RecursionError:
        raise InputFormatError(
            f"JSON nested too deeply (more than {max_depth} levels)", source
        ) from None
    surrogates = (not text.isascii() and _has_surrogate(text)) or bool(
        _SURROGATE_ESCAPE.search(text)
    )
    if not surrogates and not seen and SHALLOW_CHECK:
        utf8 = isinstance(data, bytes) and not data.startswith(_UTF32_BOMS + _UTF16_BOMS)
        if _shallow(data if utf8 else text, max_depth):
            return document
    _walk(
        document,
        source,
        max_depth,
        surrogates=surrogates,
        nonfinite=nonfinite,
        constants=bool(seen),
    )
    return document


def plain_json_text(data: bytes) -> str | None:
    """The text of JSON ``data`` (UTF-8) when nothing in it needs the checks of a parsed
    tree: no surrogate, provably within :data:`MAX_DEPTH`; None otherwise (or when it is not
    UTF-8). What :func:`loads_json` refuses besides (NaN, infinite or overlong numbers) the
    caller's parse must refuse too."""
    if data.startswith(_UTF32_BOMS + _UTF16_BOMS):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if _SURROGATE_ESCAPE.search(text) or not _shallow(data, MAX_DEPTH):
        return None
    return text


#: Prove shallow documents shallow from their text instead of walking the parsed tree.
SHALLOW_CHECK = True
_NOT_STRUCTURE: Final = bytes(range(256)).translate(None, b'[]{}"')
#: A string once its escapes are gone: from a quote to the next one.
_STRINGS: Final = re.compile(rb'"[^"]*"')


def _shallow(text: bytes | str, max_depth: int) -> bool:
    """True when the JSON ``text`` (already parsed) is provably nested at most ``max_depth``
    levels below its root; False when that is not known (the tree is then walked).

    Escaped backslashes and then escaped quotes go, so every quote left opens or closes a
    string; then only brackets and quotes are kept, and the strings go with what they hold,
    leaving the brackets. Each round removes the innermost pairs, one or two levels at a
    time, so a text gone in ``max_depth // 2`` rounds is at most ``max_depth`` levels deep.
    In valid JSON a backslash stands only in a string, so the escapes are read as the parser
    read them.
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if b"\\" in raw:  # left to right, as the parser reads them
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = raw.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in brackets:  # strings that hold brackets (few: the empty ones are gone)
        brackets = _STRINGS.sub(b"", brackets)
        if b'"' in brackets:
            return False
    for _ in range(max_depth // 2):
        if not brackets:
            return True
        brackets = brackets.replace(b"{}", b"").replace(b"[]", b"")
    return not brackets


def check_tree(document: Any, source: str = "", *, max_depth: int = MAX_DEPTH) -> None:
    """Check already parsed data (from a library caller) against the same limits."""
    _walk(document, source, max_depth, surrogates=True, nonfinite=None, constants=False)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_path(parts: list[str | int]) -> str:
    """``["a", 0, "b c"]`` -> ``$.a[0]["b c"]``."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", part):
            out.append(f".{part}")
        else:
            out.append("[" + json.dumps(part, ensure_ascii=True) + "]")
    return "".join(out)


def _walk(
    document: Any,
    source: str,
    max_depth: int,
    *,
    surrogates: bool,
    nonfinite: list[str] | None,
    constants: bool,
) -> None:
    """One iterative pass over the containers (strings too, when they may hold surrogates).

    Each stack entry links to its parent's, so a path is only built when it is reported.
    """
    if type(document) is not dict and type(document) is not list:
        if type(document) is _NonFinite:
            raise InputFormatError(f"{document.token} is not a JSON number", source, path="$")
        if type(document) is str and _has_surrogate(document):
            raise _surrogate([], source, "string")
        return
    stack: list[tuple[Any, int, Any]] = [(document, 0, None)]
    check_values = surrogates or constants
    while stack:
        node, depth, link = stack.pop()
        if depth > max_depth:
            raise InputFormatError(
                f"nested deeper than {max_depth} levels",
                source,
                path=_short(json_path(_parts(link))),
            )
        items: Any = node.items() if type(node) is dict else enumerate(node)
        for key, value in items:
            kind = type(value)
            if surrogates and type(key) is str and not key.isascii() and _has_surrogate(key):
                raise _surrogate(_parts((link, key)), source, "key")
            if kind is dict or kind is list:
                stack.append((value, depth + 1, (link, key)))
                continue
            if not check_values:
                continue
            if surrogates and kind is str and not value.isascii() and _has_surrogate(value):
                raise _surrogate(_parts((link, key)), source, "string")
            if kind is _NonFinite:
                where = json_path(_parts((link, key)))
                if nonfinite is None:
                    raise InputFormatError(
                        f"{value.token} is not a JSON number", source, path=where
                    )
                nonfinite.append(where)
                node[key] = None


def _short(path: str) -> str:
    return path if len(path) <= 120 else f"{path[:60]}...{path[-40:]}"


def _parts(link: Any) -> list[str | int]:
    parts: list[str | int] = []
    while link is not None:
        link, key = link
        parts.append(key)
    parts.reverse()
    return parts


def _surrogate(path: list[str | int], source: str, what: str) -> InputFormatError:
    return InputFormatError(
        f"{what} holds a lone surrogate (not valid Unicode)", source, path=json_path(path)
    )


def _toml_module() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # type: ignore[import-not-found,unused-ignore]  # pragma: no cover

    return tomli  # pragma: no cover - Python 3.10 only


def loads_toml(text: str, source: str = "", *, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Parse untrusted TOML within the same limits as JSON (depth, integer size, Unicode)."""
    toml: Any = _toml_module()
    try:
        document: dict[str, Any] = toml.loads(text)
    except toml.TOMLDecodeError as error:
        raise InputFormatError(f"not valid TOML: {error}", source) from None
    except ValueError:
        raise _long_integer(text, source, "not valid TOML: ") from None
    except RecursionError:
        raise InputFormatError(
            f"not valid TOML: nested deeper than {max_depth} levels", source
        ) from None
    check_tree(document, source, max_depth=max_depth)
    return document
