"""A readable system card from a BOM, as Markdown or as one self-contained HTML file.

The card has the identity of the system and its models, a lineage picture, the parts by kind,
the datasets, the evaluation evidence grouped by the unit it covered and by its source type,
release controls, downstream obligations, and the findings of :func:`fmbom.check.check`.

The HTML needs nothing but itself: styles are inline, the lineage is an inline SVG laid out
here (layers by distance from the system), no script runs, no URL is fetched, and every piece of
text from the BOM is escaped. Links from the BOM are shown as text, never made clickable.
"""

from __future__ import annotations

import datetime
import html
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Final

import attrs

from fmbom._formats import ReportFormat
from fmbom._gc import no_gc
from fmbom._markdown import escape_markdown
from fmbom.bom import Bom
from fmbom.check import CheckResult, Profile, check
from fmbom.governance import Evaluation, Governance, SourceType, Unit
from fmbom.graph import SYSTEM_KIND, Graph, Node, build, to_mermaid
from fmbom.model import ComponentKind, Dataset, Model, RelationKind

__all__ = ["MAX_DRAWN_NODES", "ReportFormat", "render", "to_html", "to_markdown"]

#: Larger systems get no lineage picture in the card (``fmbom graph`` still draws them).
MAX_DRAWN_NODES: Final = 300


# --- the document, independent of the output format ------------------------------------------


@attrs.frozen
class _Heading:
    level: int
    text: str


@attrs.frozen
class _Paragraph:
    text: str


@attrs.frozen
class _Fields:
    items: tuple[tuple[str, str], ...]


@attrs.frozen
class _Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class _Lineage:
    graph: Graph


_Block = _Heading | _Paragraph | _Fields | _Table | _Lineage


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return "; ".join(_text(v) for v in value)
    return str(value)


def _fields(pairs: Iterable[tuple[str, object]]) -> _Fields:
    return _Fields(tuple((label, _text(v)) for label, v in pairs if _text(v)))


def _section_fields(section: object) -> _Fields:
    return _fields(
        (f.name.replace("_", " "), getattr(section, f.name))
        for f in attrs.fields(type(section))  # type: ignore[arg-type]
    )


def _records(bom: Bom) -> list[tuple[str, Governance | None]]:
    """(label, governance) of the subject, then every model, in ref order."""
    subject = bom.metadata.subject
    found: list[tuple[str, Governance | None]] = [
        (f"{subject.name} ({subject.unit.value})", subject.governance)
    ]
    found += [(f"{m.name} ({m.role.value} model)", m.governance) for m in bom.of_type(Model)]
    return found


def _overview(bom: Bom) -> Iterator[_Block]:
    subject = bom.metadata.subject
    title = f"{subject.name} {subject.version}" if subject.version else subject.name
    yield _Heading(1, title)
    if subject.description:
        yield _Paragraph(subject.description)
    yield _fields(
        [
            ("unit", subject.unit.value),
            ("supplier", subject.supplier),
            ("serves end users", subject.serves_end_users),
            ("licenses", subject.licenses),
            ("BOM timestamp", bom.metadata.timestamp),
            ("BOM authors", bom.metadata.authors),
            ("parts", f"{len(bom.components)} components, {len(bom.relations)} relations"),
        ]
    )


def _identity(bom: Bom) -> Iterator[_Block]:
    yield _Heading(2, "Identity")
    governance = bom.metadata.subject.governance
    if governance is not None and governance.identity is not None:
        yield _section_fields(governance.identity)
    else:
        yield _Paragraph("The system's record has no identity section.")
    models = bom.of_type(Model)
    if models:
        yield _Heading(3, "Models")
        yield _Table(
            ("model", "version", "role", "supplier", "access", "licenses", "parameters", "ref"),
            tuple(
                (
                    m.name,
                    _text(m.version),
                    m.role.value,
                    _text(m.supplier or m.group),
                    _text(m.access_route),
                    _text(m.licenses),
                    f"{m.parameter_count:,}" if m.parameter_count is not None else "",
                    m.ref,
                )
                for m in models
            ),
        )
        for model in models:
            identity = model.governance.identity if model.governance is not None else None
            if identity is not None:
                yield _Heading(4, f"{model.name}: identity")
                yield _section_fields(identity)


def _lineage(bom: Bom) -> Iterator[_Block]:
    yield _Heading(2, "Lineage")
    if len(bom.components) + 1 > MAX_DRAWN_NODES:
        yield _Paragraph(
            f"{len(bom.components)} components are too many to draw here; "
            "run fmbom graph to draw them."
        )
        return
    yield _Lineage(build(bom))
    rows = []
    for kind in ComponentKind:
        rows += [
            (kind.value, c.name, _text(c.version), _text(c.supplier or c.group), c.ref)
            for c in bom.of_kind(kind)
        ]
    yield _Heading(3, "Parts")
    yield _Table(("kind", "name", "version", "supplier", "ref"), tuple(rows))


def _datasets(bom: Bom) -> Iterator[_Block]:
    datasets = bom.of_type(Dataset)
    yield _Heading(2, "Datasets")
    if not datasets:
        yield _Paragraph("No datasets are recorded.")
        return
    rows = []
    for dataset in datasets:
        users = sorted(
            f"{bom.component(r.source).name} ({r.kind.value}"
            + (f", {r.stage.value})" if r.stage else ")")
            for r in bom.incoming(dataset.ref)
            if r.kind in (RelationKind.TRAINED_ON, RelationKind.EVALUATED_ON)
        )
        rows.append(
            (
                dataset.name,
                _text(dataset.version),
                dataset.purpose.value,
                _text(dataset.licenses),
                _text(dataset.source),
                _text(dataset.collection_method),
                _text(dataset.sensitivity),
                _text(dataset.copyright_status),
                "; ".join(users),
            )
        )
    yield _Table(
        (
            "dataset",
            "version",
            "purpose",
            "licenses",
            "source",
            "collection",
            "sensitivity",
            "copyright",
            "used by",
        ),
        tuple(rows),
    )


def _evaluation_row(holder: str, e: Evaluation) -> tuple[str, ...]:
    value = _text(e.value)
    if e.uncertainty is not None:
        value += f" ± {_text(e.uncertainty)}"
    harness = " ".join(x for x in (e.harness, e.harness_version) if x)
    return (
        e.benchmark,
        e.metric,
        value,
        _text(e.passed),
        e.category.value,
        holder,
        _text(e.evaluated_version),
        _text(e.date),
        harness,
    )


def _evaluations(bom: Bom) -> Iterator[_Block]:
    yield _Heading(2, "Evaluations")
    found = [
        (label, e)
        for label, governance in _records(bom)
        if governance is not None
        for e in governance.evaluations
    ]
    covered = {e.unit for _, e in found}
    missing = [u.value for u in Unit if u not in covered]
    if missing:
        yield _Paragraph("No evaluation covers: " + ", ".join(missing) + ".")
    headers = (
        "benchmark",
        "metric",
        "value",
        "passed",
        "category",
        "record of",
        "evaluated version",
        "date",
        "harness",
    )
    for unit in Unit:
        of_unit = [(label, e) for label, e in found if e.unit is unit]
        if not of_unit:
            continue
        yield _Heading(3, f"Unit: {unit.value}")
        for source in SourceType:
            rows = tuple(
                _evaluation_row(label, e) for label, e in of_unit if e.source_type is source
            )
            if rows:
                yield _Heading(4, f"Source: {source.value}")
                yield _Table(headers, rows)


def _record_sections(bom: Bom, title: str, attribute: str) -> Iterator[_Block]:
    yield _Heading(2, title)
    shown = False
    for label, governance in _records(bom):
        section = getattr(governance, attribute, None) if governance is not None else None
        if section is None:
            continue
        shown = True
        yield _Heading(3, label)
        yield _section_fields(section)
    if not shown:
        yield _Paragraph(f"No record has a section on {title.lower()}.")


def _findings(result: CheckResult) -> Iterator[_Block]:
    yield _Heading(2, "Check findings")
    summary = result.summary
    total = summary.total
    counts = ", ".join(f"{n} {s.value}" for s, n in summary.items() if n)
    yield _Paragraph(
        f"Profile {result.profile.value}: {total} finding(s)"
        + (f" ({counts})" if counts else "")
        + ". A complete record is about documentation, not a finding of safety or compliance."
    )
    if result.findings:
        yield _Table(
            ("severity", "id", "subject", "section", "message"),
            tuple(
                (
                    f.severity.value,
                    f.id,
                    f"{f.subject.kind} {f.subject.name}",
                    f.section.value,
                    f.message,
                )
                for f in result.findings
            ),
        )


def _document(bom: Bom, profile: str | Profile) -> list[_Block]:
    result = check(bom, profile)
    blocks: list[_Block] = []
    blocks += _overview(bom)
    blocks += _identity(bom)
    blocks += _lineage(bom)
    blocks += _datasets(bom)
    blocks += _record_sections(bom, "Training data", "training_data")
    blocks += _record_sections(bom, "Post-training", "post_training")
    blocks += _evaluations(bom)
    blocks += _record_sections(bom, "Controls", "controls")
    blocks += _record_sections(bom, "Obligations", "obligations")
    blocks += _findings(result)
    return blocks


# --- Markdown --------------------------------------------------------------------------------


def _md_table(table: _Table) -> list[str]:
    lines = [
        "| " + " | ".join(table.headers) + " |",
        "|" + "---|" * len(table.headers),
    ]
    lines += ["| " + " | ".join(escape_markdown(c) for c in row) + " |" for row in table.rows]
    return lines


def to_markdown(bom: Bom, profile: str | Profile = Profile.MINIMUM_RECORD) -> str:
    """The system card as Markdown; the lineage is a ``mermaid`` code block."""
    with no_gc():  # blocks and lines hold no cycles: nothing to collect
        return _markdown(_document(bom, profile))


def _markdown(blocks: list[_Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, _Heading):
            lines += ["#" * block.level + " " + escape_markdown(block.text), ""]
        elif isinstance(block, _Paragraph):
            lines += [escape_markdown(block.text), ""]
        elif isinstance(block, _Fields):
            lines += [f"- **{label}:** {escape_markdown(value)}" for label, value in block.items]
            lines.append("")
        elif isinstance(block, _Table):
            lines += [*_md_table(block), ""]
        else:
            lines += ["```mermaid", to_mermaid(block.graph).rstrip("\n"), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;
max-width:1100px;margin:2em auto;padding:0 1em}
h1{border-bottom:2px solid #455a64;padding-bottom:.2em}
h2{margin-top:2em;border-bottom:1px solid #cfd8dc}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:13px;width:100%}
th,td{border:1px solid #cfd8dc;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eceff1}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}
dt{font-weight:600}dd{margin:0}
.lineage{overflow-x:auto;border:1px solid #cfd8dc;padding:8px}
.sev-critical,.sev-high{color:#b71c1c;font-weight:600}.sev-medium{color:#e65100}
""".strip()

_W, _H, _HGAP, _VGAP, _MARGIN = 200, 46, 24, 64, 16


def _layers(graph: Graph) -> list[list[Node]]:
    """Nodes in layers by distance from the system node, ordered to limit crossings."""
    children: dict[str, list[str]] = {}
    parents: dict[str, list[str]] = {}
    for edge in graph.edges:
        children.setdefault(edge.source, []).append(edge.target)
        parents.setdefault(edge.target, []).append(edge.source)
    depth = {graph.nodes[0].id: 0}
    queue = deque([graph.nodes[0].id])
    while queue:
        current = queue.popleft()
        for child in children.get(current, ()):
            if child not in depth:
                depth[child] = depth[current] + 1
                queue.append(child)
    deepest = max(depth.values())
    layers: list[list[Node]] = [[] for _ in range(deepest + 2)]
    for node in graph.nodes:
        layers[depth.get(node.id, deepest + 1)].append(node)
    position: dict[str, float] = {}
    number = {node.id: index for index, node in enumerate(graph.nodes)}
    for layer in layers:

        def barycentre(node: Node) -> tuple[float, int]:
            placed = [position[p] for p in parents.get(node.id, ()) if p in position]
            return (sum(placed) / len(placed) if placed else 0.0, number[node.id])

        layer.sort(key=barycentre)
        for index, node in enumerate(layer):
            position[node.id] = float(index)
    return [layer for layer in layers if layer]


# --- node outlines: one drawing per kind, at (x, y) in a _W x _H box ------------------------

_STROKE = 'stroke="#455a64" stroke-width="1.2"'


def _polygon(points: Sequence[tuple[float, float]], fill: str) -> str:
    joined = " ".join(f"{px:g},{py:g}" for px, py in points)
    return f'<polygon points="{joined}" fill="{fill}" {_STROKE}/>'


def _rect(x: float, y: float, fill: str, rounding: float = 0) -> str:
    corner = f' rx="{rounding}"' if rounding else ""
    return f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}"{corner} fill="{fill}" {_STROKE}/>'


def _framed(x: float, y: float, fill: str) -> str:
    inner = (
        f'<rect x="{x + 4}" y="{y + 4}" width="{_W - 8}" height="{_H - 8}" fill="none" '
        'stroke="#455a64" stroke-width="0.8"/>'
    )
    return _rect(x, y, fill) + inner


def _cylinder(x: float, y: float, fill: str) -> str:
    w, h = _W, _H
    common = f'fill="{fill}" {_STROKE}'
    return (
        f'<path d="M{x},{y + 6} a{w / 2},6 0 0,0 {w},0 v{h - 12} a{w / 2},6 0 0,1 {-w},0 z" '
        f"{common}/>"
        f'<ellipse cx="{x + w / 2}" cy="{y + 6}" rx="{w / 2}" ry="6" {common}/>'
    )


def _parallelogram(x: float, y: float, fill: str) -> str:
    return _polygon([(x + 12, y), (x + _W, y), (x + _W - 12, y + _H), (x, y + _H)], fill)


def _trapezium(x: float, y: float, fill: str) -> str:
    return _polygon([(x + 14, y), (x + _W - 14, y), (x + _W, y + _H), (x, y + _H)], fill)


def _hexagon(x: float, y: float, fill: str) -> str:
    w, h = _W, _H
    points = [(x + 14, y), (x + w - 14, y), (x + w, y + h / 2)]
    points += [(x + w - 14, y + h), (x + 14, y + h), (x, y + h / 2)]
    return _polygon(points, fill)


def _diamond(x: float, y: float, fill: str) -> str:
    w, h = _W, _H
    points = [
        (x + w / 2, y - 6),
        (x + w + 6, y + h / 2),
        (x + w / 2, y + h + 6),
        (x - 6, y + h / 2),
    ]
    return _polygon(points, fill)


def _arrow_box(x: float, y: float, fill: str) -> str:
    w, h = _W, _H
    points = [(x, y), (x + w - 14, y), (x + w, y + h / 2), (x + w - 14, y + h), (x, y + h)]
    return _polygon(points, fill)


def _rounded(x: float, y: float, fill: str) -> str:
    return _rect(x, y, fill, rounding=8)


def _pill(x: float, y: float, fill: str) -> str:
    return _rect(x, y, fill, rounding=_H / 2)


@attrs.frozen
class _Look:
    """How the lineage picture draws a kind of node: its outline and its fill colour."""

    draw: Callable[[float, float, str], str]
    fill: str


#: The described system's node.
_SYSTEM_LOOK: Final = _Look(draw=_pill, fill="#e3f2fd")

#: Every kind of component's node, in the shapes the Mermaid and DOT pictures use.
_LOOKS: Final[Mapping[ComponentKind, _Look]] = MappingProxyType(
    {
        ComponentKind.MODEL: _Look(draw=_rect, fill="#ede7f6"),
        ComponentKind.WEIGHTS: _Look(draw=_framed, fill="#eceff1"),
        ComponentKind.TOKENIZER: _Look(draw=_parallelogram, fill="#f1f8e9"),
        ComponentKind.ADAPTER: _Look(draw=_trapezium, fill="#fce4ec"),
        ComponentKind.DATASET: _Look(draw=_cylinder, fill="#fff8e1"),
        ComponentKind.GUARD_MODEL: _Look(draw=_hexagon, fill="#e8f5e9"),
        ComponentKind.ROUTER: _Look(draw=_diamond, fill="#e0f7fa"),
        ComponentKind.INFERENCE_PROVIDER: _Look(draw=_arrow_box, fill="#f3e5f5"),
        ComponentKind.SOFTWARE: _Look(draw=_rounded, fill="#fafafa"),
    }
)


def _outline(node: Node, x: float, y: float) -> str:
    look = _SYSTEM_LOOK if node.kind == SYSTEM_KIND else _LOOKS[ComponentKind(node.kind)]
    return look.draw(x, y, look.fill)


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(graph: Graph) -> str:
    layers = _layers(graph)
    widest = max(len(layer) for layer in layers)
    width = 2 * _MARGIN + widest * (_W + _HGAP) - _HGAP
    height = 2 * _MARGIN + len(layers) * (_H + _VGAP) - _VGAP
    where: dict[str, tuple[float, float]] = {}
    for row, layer in enumerate(layers):
        offset = (width - (len(layer) * (_W + _HGAP) - _HGAP)) / 2
        for column, node in enumerate(layer):
            where[node.id] = (offset + column * (_W + _HGAP), _MARGIN + row * (_H + _VGAP))
    parts = [
        (
            f'<svg viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" aria-label="lineage" '
            'font-family="system-ui,sans-serif">'
        ),
        (
            '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" '
            'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#455a64"/></marker>'
            "</defs>"
        ),
    ]
    labels: list[str] = []
    for edge in graph.edges:
        sx, sy = where[edge.source]
        tx, ty = where[edge.target]
        if ty > sy:
            x1, y1, x2, y2 = sx + _W / 2, sy + _H, tx + _W / 2, ty
        elif ty < sy:
            x1, y1, x2, y2 = sx + _W / 2, sy, tx + _W / 2, ty + _H
        else:
            x1, y1, x2, y2 = sx + _W / 2, sy + _H, tx + _W / 2, ty + _H
        bend = (y2 - y1) / 2 if ty != sy else _VGAP / 2
        dash = ' stroke-dasharray="3 3"' if edge.kind is None else ""
        parts.append(
            f'<path d="M{x1:g},{y1:g} C{x1:g},{y1 + bend:g} {x2:g},{y2 - bend:g} {x2:g},{y2:g}" '
            f'fill="none" stroke="#455a64" stroke-width="1"{dash} marker-end="url(#arrow)">'
            f"<title>{html.escape(edge.label or 'part of the system')}</title></path>"
        )
        if edge.label:
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2 + (bend / 2 if ty == sy else 0)
            shown = _clip(edge.label, 36)
            half = len(shown) * 2.6 + 3
            labels.append(
                f'<rect x="{mx - half:g}" y="{my - 8:g}" width="{2 * half:g}" height="11" '
                'fill="#ffffff" fill-opacity="0.85"/>'
                f'<text x="{mx:g}" y="{my:g}" font-size="9" text-anchor="middle" fill="#37474f">'
                f"{html.escape(shown)}</text>"
            )
    for node in graph.nodes:
        x, y = where[node.id]
        first, second = node.lines
        parts.append(
            f"<g><title>{html.escape(first)} ({html.escape(second)})"
            + (f" [{html.escape(node.ref)}]" if node.ref else "")
            + "</title>"
            + _outline(node, x, y)
            + f'<text x="{x + _W / 2:g}" y="{y + 19:g}" font-size="12" font-weight="600" '
            f'text-anchor="middle">{html.escape(_clip(first))}</text>'
            f'<text x="{x + _W / 2:g}" y="{y + 35:g}" font-size="10" fill="#546e7a" '
            f'text-anchor="middle">{html.escape(_clip(second, 34))}</text></g>'
        )
    parts += labels
    parts.append("</svg>")
    return "\n".join(parts)


def _html_table(table: _Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    rows = []
    for row in table.rows:
        cells = []
        for header, cell in zip(table.headers, row, strict=True):
            css = f' class="sev-{html.escape(cell)}"' if header == "severity" else ""
            cells.append(f"<td{css}>{html.escape(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _html_blocks(blocks: Sequence[_Block]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, _Heading):
            yield f"<h{block.level}>{html.escape(block.text)}</h{block.level}>"
        elif isinstance(block, _Paragraph):
            yield f"<p>{html.escape(block.text)}</p>"
        elif isinstance(block, _Fields):
            items = "".join(
                f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>"
                for label, value in block.items
            )
            yield f"<dl>{items}</dl>"
        elif isinstance(block, _Table):
            yield _html_table(block)
        else:
            yield f'<div class="lineage">{_svg(block.graph)}</div>'


def to_html(bom: Bom, profile: str | Profile = Profile.MINIMUM_RECORD) -> str:
    """The system card as one self-contained HTML page (inline CSS and SVG, no scripts)."""
    subject = bom.metadata.subject
    title = f"{subject.name} {subject.version}" if subject.version else subject.name
    with no_gc():  # blocks and their markup hold no cycles: nothing to collect
        body = "\n".join(_html_blocks(_document(bom, profile)))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{html.escape(title)}: system card</title>\n"
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def render(
    bom: Bom,
    format: ReportFormat | str,  # noqa: A002 - the CLI's name
    profile: str | Profile = Profile.MINIMUM_RECORD,
) -> str:
    """The system card of ``bom`` in ``format``."""
    chosen = ReportFormat.coerce(format, "format")
    return to_html(bom, profile) if chosen is ReportFormat.HTML else to_markdown(bom, profile)
