"""Laws over generated BOMs: check, graph and report never fail and stay deterministic."""

from __future__ import annotations

import json
import re

from hypothesis import given

from fmbom import Bom
from fmbom.check import Profile, check, to_json, to_markdown, to_text
from fmbom.graph import build, build_diff, to_dot, to_mermaid
from fmbom.report import to_html
from fmbom.report import to_markdown as report_markdown
from tests.profiles import examples
from tests.property import strategies

LAWS = examples(30)


@LAWS
@given(strategies.boms())
def test_check_renders_every_generated_bom(bom: Bom) -> None:
    for profile in Profile:
        result = check(bom, profile)
        document = json.loads(to_json(result))
        assert document["summary"]["total"] == len(result.findings)
        assert len(to_text(result).splitlines()) == 1 + max(len(result.findings), 1)
        assert to_markdown(result).count("\n| ") == (
            len(result.findings) + 1 if result.findings else 0
        )
        assert check(bom, profile) == result
        refs = {c.ref for c in bom.components}
        assert all(f.subject.ref is None or f.subject.ref in refs for f in result.findings)


@LAWS
@given(strategies.boms())
def test_graph_draws_every_component_and_relation(bom: Bom) -> None:
    graph = build(bom)
    assert len(graph.nodes) == len(bom.components) + 1
    assert sum(1 for e in graph.edges if e.kind is not None) == len(bom.relations)
    mermaid = to_mermaid(graph)
    assert len(re.findall(r'^  n\d+\S*"[^"\n]*"\S*$', mermaid, flags=re.MULTILINE)) == len(
        graph.nodes
    )
    assert to_dot(graph).count(" -> ") == len(graph.edges)


@LAWS
@given(strategies.boms(), strategies.boms())
def test_diff_graph_keeps_every_new_part(old: Bom, new: Bom) -> None:
    graph = build_diff(old, new)
    refs = [n.ref for n in graph.nodes]
    assert all(c.ref in refs for c in new.components)
    assert len(graph.nodes) <= len(old.components) + len(new.components) + 1


@LAWS
@given(strategies.boms())
def test_reports_never_leak_markup(bom: Bom) -> None:
    page = to_html(bom)
    assert "<script" not in page
    assert page.count("<svg") == 1
    assert report_markdown(bom).startswith("# ")
