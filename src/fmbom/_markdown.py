"""The one Markdown escaper: text from a BOM shown in Markdown stays text.

Every Markdown writer (the diff report, the check report, the system card) passes text that
comes from a BOM through :func:`escape_markdown`, or through :func:`table_code` to show it as
code in a table cell. Names and messages are attacker-controlled in a third-party BOM, and a
pull-request comment renders them: after escaping, no link, image, raw HTML, autolink,
mention, emphasis, code span, table cell break or new block can come out of them. The rules
follow GitHub-flavoured Markdown, the strictest common renderer (it turns bare URLs, ``www.``
names and e-mail addresses into links).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["escape_markdown", "table_code"]

#: Characters that start Markdown syntax inline: a backslash in front makes them literal.
_BACKSLASHED: Final = frozenset("\\`*_~[]|$")
#: Characters that start HTML: written as entities.
_ENTITIES: Final = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: A zero-width space after ``@`` stops e-mail autolinks and @-mentions without changing
#: what a reader sees.
_AT: Final = "@\u200b"
#: What starts a bare URL that GitHub makes a link of (``https://``, ``www.``): broken by a
#: backslash before the ``:`` or the ``.``, which the reader does not see.
_SCHEME: Final = re.compile(r"://")
_WWW: Final = re.compile(r"(www)\.", re.IGNORECASE)
#: What makes a line a block (heading, list item, thematic break, setext underline) when it
#: starts the text: an ordered-list number, up to six ``#`` or one of ``+-=`` before a space
#: or alone, or ``-`` or ``=`` repeated as the whole text.
_ORDERED_ITEM: Final = re.compile(r"^(\d{1,9})([.)])(?= |$)")
_BLOCK_START: Final = re.compile(r"^(?:(?:#{1,6}|[+\-=])(?= |$)|([\-=])\1*$)")


def _flat(text: str) -> str:
    """One line: every run of white space, newlines included, becomes one space."""
    return " ".join(text.split())


#: Each character's replacement, for one :meth:`str.translate` per text.
_REPLACEMENTS: Final = {
    **{ord(ch): "\\" + ch for ch in _BACKSLASHED},
    **{ord(ch): entity for ch, entity in _ENTITIES.items()},
    ord("@"): _AT,
}


#: Text that every rule below leaves as it is: single spaces between words, no character
#: that is escaped, no URL (``://``, ``www.``, looked for with ``in``, which is several
#: times faster than a look-ahead of the pattern at every position), and a start that
#: begins no block (a letter, or a digit that is not a list number). Most names, versions,
#: kinds and messages are such text; it is returned as is.
_PLAIN: Final = re.compile(
    r"(?!\d{1,9}[.)](?: |$))"
    r"[A-Za-z0-9][A-Za-z0-9,;:.()'\"%+=/-]*(?: [A-Za-z0-9,;:.()'\"%+=/-]+)*",
    re.IGNORECASE,
)


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown on one line, safe inline and in a table cell."""
    if not text or (
        _PLAIN.fullmatch(text)
        and "://" not in text
        and ("." not in text or "www." not in text.lower())
    ):
        return text
    return _escaped(text)


def _escaped(text: str) -> str:
    """:func:`escape_markdown` with every rule applied (no shortcut for plain text)."""
    escaped = _flat(text).translate(_REPLACEMENTS)
    # Each pattern runs only where it can match (most names hold no URL and start no list).
    if "://" in escaped:
        escaped = _SCHEME.sub(r"\\://", escaped)
    if "." in escaped:
        escaped = _WWW.sub(r"\1\\.", escaped)
    if _BLOCK_START.match(escaped):
        return "\\" + escaped
    if escaped[:1].isdigit():
        return _ORDERED_ITEM.sub(r"\1\\\2", escaped)
    return escaped


def table_code(text: str) -> str:
    """``text`` as a code span in a table cell: literal, on one line, never ending the cell.

    Inside a code span nothing is a link or markup; the fence is longer than any run of
    backticks in the text, and pipes are escaped (a table splits cells before it parses code).
    Empty text is shown escaped instead, since an empty code span does not exist.
    """
    flat = _flat(text)
    if not flat:
        return escape_markdown(text)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat.replace('|', chr(92) + '|')}{pad}{fence}"
