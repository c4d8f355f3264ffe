"""The system card: sections, grouping, offline self-contained HTML, escaping, goldens, CLI."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from fmbom import (
    Bom,
    Dataset,
    Governance,
    Model,
    ModelRole,
    Relation,
    RelationKind,
    Software,
    read_bom,
)
from fmbom.cli import main
from fmbom.governance import SourceType, Unit
from fmbom.native import dumps
from fmbom.report import MAX_DRAWN_NODES, to_html, to_markdown
from tests.conftest import EXAMPLES
from tests.unit.check.boms import complete, evaluation, with_system_governance

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


class _Collector(HTMLParser):
    """Collects tags, attributes and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Collector:
    parser = _Collector()
    parser.feed(page)
    parser.close()
    return parser


def _evil_bom() -> Bom:
    bom = complete()
    bom = bom.add(Dataset(ref="evil", name=EVIL, description=EVIL, source=EVIL))
    return with_system_governance(
        bom, evaluations=(evaluation(Unit.DEPLOYED_SYSTEM, "1.0", benchmark=EVIL),)
    )


def test_html_is_self_contained_and_offline() -> None:
    page = to_html(read_bom(EXAMPLES / "assistant-v1.json"))
    parsed = _parse(page)
    assert not {"script", "link", "iframe", "img", "object", "embed"} & set(parsed.tags)
    assert "svg" in parsed.tags
    for name, value in parsed.attributes:
        assert name not in {"src", "href"}, (name, value)
        assert not name.startswith("on"), (name, value)
        assert value is None or not re.search(r"https?:|url\((?!#)", value), (name, value)
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style
    assert "@import" not in style
    # the BOM's own links appear only as text for the reader
    assert "https://acme.example/security" in parsed.text
    assert "default-src 'none'" in page


def test_html_escapes_all_user_text() -> None:
    page = to_html(_evil_bom())
    parsed = _parse(page)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert any(EVIL in text for text in parsed.text)  # shown to the reader as text


def test_markdown_escapes_user_text() -> None:
    markdown = to_markdown(_evil_bom())
    assert "<script>" not in markdown
    assert "<img" not in markdown
    assert "&lt;script&gt;" in markdown


def test_svg_draws_every_part_of_the_example() -> None:
    bom = read_bom(EXAMPLES / "assistant-v1.json")
    page = to_html(bom)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<g>") == len(bom.components) + 1
    assert svg.count('<path d="M') >= len(bom.relations)
    for component in bom.components:
        assert f"[{component.ref}]" in svg


def test_markdown_card_sections_in_order() -> None:
    markdown = to_markdown(read_bom(EXAMPLES / "assistant-v1.json"))
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Identity",
        "## Lineage",
        "## Datasets",
        "## Training data",
        "## Post-training",
        "## Evaluations",
        "## Controls",
        "## Obligations",
        "## Check findings",
    ]
    assert "```mermaid\nflowchart TD\n" in markdown


def test_evaluations_are_grouped_by_unit_then_source() -> None:
    audit = evaluation(Unit.DEPLOYED_SYSTEM, "1.0", benchmark="sys-audit")
    claim = evaluation(
        Unit.DEPLOYED_SYSTEM, "1.0", benchmark="sys-claim", source_type=SourceType.PROVIDER_CLAIM
    )
    markdown = to_markdown(with_system_governance(complete(), evaluations=(claim, audit)))
    lines = markdown.splitlines()
    order = [
        line
        for line in lines
        if line.startswith(("### Unit:", "#### Source:")) or "sys-" in line or "| harmbench" in line
    ]
    unit_index = order.index("### Unit: deployed-system")
    assert order[:3] == ["### Unit: base-model", "#### Source: independent-audit", order[2]]
    assert order[unit_index + 1 : unit_index + 5] == [
        "#### Source: provider-claim",
        order[unit_index + 2],
        "#### Source: independent-audit",
        order[unit_index + 4],
    ]
    assert "sys-claim" in order[unit_index + 2]
    assert "sys-audit" in order[unit_index + 4]
    assert "No evaluation covers: release-artifact." in markdown


def test_findings_section_reflects_the_profile() -> None:
    example = read_bom(EXAMPLES / "assistant-v1.json")
    assert "Profile minimum-record: 0 finding(s)." in to_markdown(example)
    base = next(m for m in example.of_type(Model) if m.role is ModelRole.BASE)
    bom = example.replace(attrs.evolve(base, governance=None))
    assert "gpai-copyright-policy-missing" in to_markdown(bom, profile="eu-ai-act-gpai")
    assert "gpai-copyright-policy-missing" not in to_markdown(bom)
    assert "| high | record-section-missing | model acme-lm-8b |" in to_markdown(bom)
    assert "not a finding of safety or compliance" in to_markdown(bom)


def test_large_systems_get_no_picture() -> None:
    models = [Model(ref=f"m{i}", name=f"model-{i}") for i in range(MAX_DRAWN_NODES)]
    bom = Bom.create("big").add(models)
    assert "too many to draw" in to_markdown(bom)
    assert "<svg" not in to_html(bom)
    assert "```mermaid" not in to_markdown(bom)


def test_minimal_bom_report_says_what_is_missing() -> None:
    markdown = to_markdown(Bom.create("bare", governance=Governance()))
    assert "The system's record has no identity section." in markdown
    assert "No datasets are recorded." in markdown
    assert "No record has a section on controls." in markdown
    assert " a obligations" not in markdown


@pytest.mark.parametrize(("fmt", "extension"), [("markdown", "md"), ("html", "html")])
def test_example_report_goldens(
    fmt: str, extension: str, golden: Callable[[str, str], None], tmp_path: Path
) -> None:
    out = tmp_path / f"report.{extension}"
    assert (
        main(["report", str(EXAMPLES / "assistant-v1.json"), "--format", fmt, "-o", str(out)]) == 0
    )
    text = out.read_text(encoding="utf-8")
    golden(f"report/assistant-v1.{extension}", text)


def test_report_cli_reads_stdin_and_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bom.json"
    path.write_text(dumps(complete()), encoding="utf-8")
    assert main(["report", str(path)]) == 0
    assert capsys.readouterr().out.startswith("# example-assistant 1.0\n")
    assert main(["report", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_docs_examples_are_current(golden: Callable[[str, str], None]) -> None:
    bom = read_bom(EXAMPLES / "assistant-v1.json")
    markdown = to_markdown(bom)
    golden("../../docs/examples/assistant-v1.report.md", markdown)
    golden("../../docs/examples/assistant-v1.report.html", to_html(bom))
    # docs/report.md ends with the example's evaluation section, one heading level down
    page = (EXAMPLES.parent / "report.md").read_text(encoding="utf-8")
    section = markdown[markdown.index("## Evaluations") : markdown.index("## Controls")]
    excerpt = "#" + section.rstrip("\n").replace("\n#", "\n##") + "\n"
    golden("../../docs/report.md", page[: page.index("### Evaluations")] + excerpt)


def test_svg_draws_back_edges_and_unreachable_parts() -> None:
    k = RelationKind.DEPENDS_ON
    bom = Bom(
        metadata=Bom.create("loops").metadata,
        components=tuple(Software(ref=r, name=f"sw-{r}") for r in ("root", "x", "y", "p", "q")),
        relations=(
            Relation(kind=k, source="root", target="x"),
            Relation(kind=k, source="x", target="y"),
            Relation(kind=k, source="y", target="x"),  # back edge, drawn upwards
            Relation(kind=k, source="p", target="q"),  # p and q only reach each other
            Relation(kind=k, source="q", target="p"),
        ),
    )
    page = to_html(bom)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<g>") == 6
    assert svg.count('marker-end="url(#arrow)"') == 6  # five relations and the root link
    for ref in ("root", "x", "y", "p", "q"):
        assert f"[{ref}]" in svg
