"""Where the items of a CycloneDX JSON document's two long lists are, found by msgspec.

An optional accelerator of :mod:`fmbom.cyclonedx._pair`: with `msgspec
<https://jcristharif.com/msgspec/>`_ installed (``pip install fmbom[fast]``), the text of each
item of ``components`` and each parsed item of ``dependencies`` come from one pass of a C
parser, and only the few fields the pairing looks at are parsed from a component. Without it,
or for a document it does not take, the pairing parses every item with :mod:`json`; both give
the same result.

A document is taken when its text is ASCII (a position in the text is then a position in its
UTF-8 bytes, which msgspec reports) and holds no number that reading it in full refuses: the
parts of components that are not parsed here are never checked for numbers otherwise (see
:func:`_plain_numbers`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

try:
    import msgspec
except ImportError:  # pragma: no cover - the optional accelerator is not installed
    INSTALLED = False
else:
    INSTALLED = True

__all__ = ["ENABLED", "INSTALLED", "UNSET", "Head", "Spans", "head", "items", "parsed", "spans"]

#: Use msgspec when it is installed (off: every document is parsed with :mod:`json`).
ENABLED = True

#: Digits become "0", exponent marks "e", signs "+"; what may come before a value in JSON
#: (``:,[``) becomes ":" and anything else "x" (white space is deleted).
_NUMBER_SHAPES: Final = bytes(
    ord("0")
    if 48 <= c <= 57
    else ord("e")
    if c in b"eE"
    else ord("+")
    if c in b"+-"
    else c
    if c == ord(".")
    else ord(":")
    if c in b":,["
    else ord("x")
    for c in range(256)
)
_WHITE: Final = b" \t\n\r"
#: A value with an exponent of three digits or more, once shaped.
_BIG_EXPONENT: Final = re.compile(rb":\+?0[0.]*e\+?000")
#: How much of a list is compared with the text at a time.
_PIECE: Final = 1 << 20
#: A run of digits this long may be a number that overflows a float (or an integer past
#: Python's conversion limit).
_LONG_RUN: Final = b"0" * 300

if INSTALLED:

    class Head(msgspec.Struct):
        """The fields of a component the pairing looks at (``msgspec.UNSET``: absent)."""

        ref: Any = msgspec.field(name="bom-ref", default=msgspec.UNSET)
        name: Any = msgspec.UNSET
        type: Any = msgspec.UNSET
        components: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
        model_card: msgspec.Raw | msgspec.UnsetType = msgspec.field(
            name="modelCard", default=msgspec.UNSET
        )
        pedigree: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET

    #: A bom-ref as the schemas from 1.5 on state it (1.4 also takes an empty one).
    _Ref = Annotated[str, msgspec.Meta(min_length=1)]

    class Dependency(msgspec.Struct, forbid_unknown_fields=True):
        """An item of ``dependencies`` with a ref and its targets, and nothing else: valid
        against the schema of every version fmbom reads when its targets are unique."""

        ref: _Ref
        dependsOn: list[_Ref] | msgspec.UnsetType = msgspec.UNSET  # noqa: N815 - the JSON key

    class _Lists(msgspec.Struct):
        components: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
        dependencies: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET

    UNSET: Final[Any] = msgspec.UNSET
    _HEAD: Final = msgspec.json.Decoder(Head)
    _ITEMS: Final = msgspec.json.Decoder(list[msgspec.Raw])
    _LISTS: Final = msgspec.json.Decoder(_Lists)
    _ANY: Final = msgspec.json.Decoder()
    _DEPENDENCIES: Final = msgspec.json.Decoder(list[Dependency])


class Spans:
    """The ``components`` and ``dependencies`` lists of one document, as msgspec found them
    (each the list's whole text, or None when the document has no such member)."""

    __slots__ = ("components", "dependencies", "text")

    def __init__(self, text: str, components: Any, dependencies: Any) -> None:
        #: The document's text (ASCII).
        self.text = text
        self.components = components
        self.dependencies = dependencies

    def at(self, whole: Any, pos: int) -> bool:
        """True when the list ``whole`` is the text at ``pos`` (not another member of the
        same name, which reading in full refuses); compared a piece at a time, so that no
        copy of the list is made."""
        found = memoryview(whole)
        size = found.nbytes
        if pos + size > len(self.text):
            return False
        text = self.text
        return all(
            text.startswith(str(found[start : start + _PIECE], "ascii"), pos + start)
            for start in range(0, size, _PIECE)
        )


def _decoded(decoder: Any, text: Any) -> Any:
    """What ``decoder`` makes of ``text``, or None when msgspec does not take it."""
    try:
        return decoder.decode(text)
    except msgspec.MsgspecError:
        return None


def items(whole: Any) -> list[Any] | None:
    """The text of each item of a list (msgspec.Raw, a buffer), or None."""
    return _decoded(_ITEMS, whole)  # type: ignore[no-any-return]


def parsed(whole: Any) -> Any:
    """A list's text parsed, or None (a number out of msgspec's range, which :mod:`json`
    then reads as reading in full would)."""
    return _decoded(_ANY, whole)


def dependencies(whole: Any) -> list[Dependency] | None:
    """Each item of a ``dependencies`` list, when every one is a :class:`Dependency`; None
    otherwise (then they are parsed and checked as they are)."""
    return _decoded(_DEPENDENCIES, whole)  # type: ignore[no-any-return]


def head(text: Any) -> Head | None:
    """The :class:`Head` of one component's text, or None when it is not an object or holds
    a number out of msgspec's range in those fields."""
    return _decoded(_HEAD, text)  # type: ignore[no-any-return]


def _plain_numbers(text: bytes) -> bool:
    """True when ``text`` (ASCII) holds no number that reading it in full refuses (a float
    that overflows, an integer too long to convert); False also for some that it takes.

    Any such number has an exponent of three digits or more, or a run of 300 digits. In the
    text mapped to the shapes of its characters (``_NUMBER_SHAPES``, without white space), a
    number follows ``:``; in a string of hex digits, a word or a URL, digits follow a letter,
    a quote or other punctuation (a string that holds ``: 1e999`` counts, which is safe).
    """
    shapes = text.translate(_NUMBER_SHAPES, _WHITE)
    return _LONG_RUN not in shapes and _BIG_EXPONENT.search(shapes) is None


def spans(text: str, *, whole_numbers: bool) -> Spans | None:
    """The lists of a document (JSON text that :func:`fmbom._bounded.plain_json_text` let
    through), or None when msgspec is not installed or does not take the document. With
    ``whole_numbers``, every number of the text is checked first (the caller does not parse
    every component)."""
    if not (INSTALLED and ENABLED) or not text.isascii():
        return None
    if whole_numbers and not _plain_numbers(text.encode("ascii")):
        return None
    try:
        found = _LISTS.decode(text)  # an ASCII str is read in place
    except msgspec.MsgspecError:
        return None
    components, dependencies = found.components, found.dependencies
    return Spans(
        text,
        None if isinstance(components, msgspec.UnsetType) else components,
        None if isinstance(dependencies, msgspec.UnsetType) else dependencies,
    )
