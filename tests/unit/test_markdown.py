"""The one Markdown escaper, and hostile names through every Markdown, HTML and graph writer.

Markdown output is rendered with cmark-gfm, GitHub's own renderer, with raw HTML allowed (its
unsafe mode), so that anything the escaper lets through shows up as an element.
"""

from __future__ import annotations

import html
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given
from hypothesis import strategies as st

from fmbom import Bom
from fmbom._markdown import _escaped, escape_markdown, table_code
from fmbom.check import check
from fmbom.check import to_markdown as check_markdown
from fmbom.diff import diff
from fmbom.diff._report import render_markdown
from fmbom.graph import build, build_diff, to_dot, to_mermaid
from fmbom.report import to_html
from fmbom.report import to_markdown as report_markdown
from tests.profiles import examples
from tests.unit.test_graph import DOT_EDGE, DOT_NODE, MERMAID_EDGE, MERMAID_NODE, every_kind

HOSTILE = "[click me](https://evil.example) <img src=x>"
HOSTILE_NAMES = (
    HOSTILE,
    "![pixel](https://evil.example/p.png) <script>alert(1)</script>",
    "<https://evil.example> www.evil.example ftp://evil.example/x",
    "mail me: attacker@evil.example, ping @security-team",
    "**bold** _em_ ~~struck~~ `code` | cell | $x$",
    "# heading\n\n- item\n1. item\n> quote\n---",
    "[ref]: https://evil.example\n[ref] &lt;b&gt;&amp;",
    "a \\| b \\\\ c",
)
#: Elements that mean the escaper let Markdown or HTML through (links, images, raw HTML,
#: emphasis, code, blocks). Tables, paragraphs, headings and lists the writers make on purpose
#: are counted against the output of a harmless name instead.
_LEAKS = ("<a ", "<img", "<script", "<em>", "<strong>", "<del>", "<code>", "<blockquote>")


def _render(markdown: str) -> str:
    return str(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )


def _text(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("\u200b", "").strip()


def _elements(rendered: str) -> list[str]:
    return sorted(re.findall(r"<([a-z0-9]+)", rendered))


# --- the escaper -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_escaped_text_renders_as_exactly_that_text(name: str) -> None:
    rendered = _render(escape_markdown(name))
    assert _elements(rendered) == ["p"], rendered
    assert _text(rendered) == " ".join(name.split())


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_table_code_stays_in_its_cell_as_code(name: str) -> None:
    rendered = _render(f"| a | b |\n|---|---|\n| {table_code(name)} | end |")
    cells = re.findall(r"<td>(.*?)</td>", rendered)
    assert len(cells) == 2
    assert cells[1] == "end"
    assert _elements(cells[0]) == ["code"], cells[0]
    assert _text(cells[0]) == " ".join(name.split())


def test_empty_text_is_empty() -> None:
    assert escape_markdown(" \n ") == ""
    assert table_code("") == ""


_MARKDOWN_TEXT = st.text(alphabet=st.sampled_from(list("ab1 .:/@#*_-+=~`|[]()<>&!\\$w{}\"'\t\n")))
_ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))


@examples(300)
@given(text=_MARKDOWN_TEXT | _ANY_TEXT)
def test_any_text_renders_as_itself_on_one_line(text: str) -> None:
    flat = " ".join(text.split())
    paragraph = _render(escape_markdown(text))
    cell = _render(f"| a | b |\n|---|---|\n| {table_code(text)} | end |")
    if not flat:
        return
    assert _elements(paragraph) == ["p"], (text, paragraph)
    assert _text(paragraph) == flat
    cells = re.findall(r"<td>(.*?)</td>", cell, re.S)
    assert cells[1:] == ["end"], (text, cell)
    assert _elements(cells[0]) == ["code"], (text, cell)


_PLAIN_LIKE = st.text(alphabet=st.sampled_from(list("aZ19 ,;()'\"%+=/-.:@#_wW\t)")), max_size=12)


@examples(300)
@given(text=_PLAIN_LIKE | _MARKDOWN_TEXT)
def test_plain_text_shortcut_gives_what_every_rule_gives(text: str) -> None:
    assert escape_markdown(text) == _escaped(text)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("see https://x.example/a", "see https\\://x.example/a"),
        ("a://b", "a\\://b"),
        ("go to WwW.example.org now", "go to WwW\\.example.org now"),
        ("www.example.org", "www\\.example.org"),
        ("1. first", "1\\. first"),
        ("v1.2 of www", "v1.2 of www"),
    ],
)
def test_plain_looking_text_with_a_url_or_a_list_number_is_escaped(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped == _escaped(text)


def test_plain_text_is_returned_as_is() -> None:
    assert escape_markdown("fast-pkg14780 (BSD-3-Clause) 'x' 50% a+b=c/d") == (
        "fast-pkg14780 (BSD-3-Clause) 'x' 50% a+b=c/d"
    )
    assert escape_markdown("www.example.com") == "www\\.example.com"
    assert escape_markdown("a  b") == "a b"
    assert escape_markdown("1.0.2 a: b") == "1.0.2 a: b"
    assert escape_markdown("1. item") == "1\\. item"
    assert escape_markdown("see https://x") == "see https\\://x"


# --- every writer ----------------------------------------------------------------------------


def _hostile_pair(name: str) -> tuple[Bom, Bom]:
    """Two versions of a system whose every component name, and the system's, is ``name``."""
    old = every_kind(f" {name}")
    new = every_kind(f" {name}").remove("guard")
    return old, new


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_markdown_writers_show_hostile_names_as_text(name: str) -> None:
    old, new = _hostile_pair(name)
    plain_old, plain_new = _hostile_pair("plain")
    outputs = {
        "diff": (render_markdown(diff(old, new)), render_markdown(diff(plain_old, plain_new))),
        "check": (check_markdown(check(new)), check_markdown(check(plain_new))),
        "report": (report_markdown(new), report_markdown(plain_new)),
    }
    for writer, (markdown, plain) in outputs.items():
        rendered = _render(markdown)
        assert "<a " not in rendered, writer
        assert "<img" not in rendered, writer
        assert "<script" not in rendered, writer
        # the hostile name adds no element: the page has the structure a plain name gives it
        assert _elements(rendered) == _elements(_render(plain)), writer
        assert " ".join(name.split()) in _text(rendered), writer


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_html_report_escapes_hostile_names(name: str) -> None:
    page = to_html(every_kind(f" {name}"))
    plain = to_html(every_kind(" plain"))
    assert _elements(page) == _elements(plain)
    assert "<img" not in page
    assert "<a " not in page
    assert " ".join(name.split()) in " ".join(_text(page).split())


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_graph_labels_stay_inside_their_quotes(name: str) -> None:
    old, new = _hostile_pair(name)
    for graph in (build(new), build_diff(old, new)):
        mermaid = to_mermaid(graph).splitlines()[1:]
        dot = to_dot(graph).splitlines()
        nodes = [line for line in mermaid if re.match(r"^  n\d+[\[({>]", line)]
        assert len(nodes) == len(graph.nodes)
        assert all(MERMAID_NODE.match(line) for line in nodes), nodes
        edges = [line for line in mermaid if re.match(r"^  n\d+ -", line)]
        assert all(MERMAID_EDGE.match(line) for line in edges), edges
        assert not any("<img" in line or "](" in line for line in mermaid)
        dot_nodes = [line for line in dot if re.match(r"^  n\d+ \[", line)]
        assert len(dot_nodes) == len(graph.nodes)
        assert all(DOT_NODE.match(line) for line in dot_nodes), dot_nodes
        dot_edges = [line for line in dot if " -> " in line]
        assert all(DOT_EDGE.match(line) for line in dot_edges), dot_edges
