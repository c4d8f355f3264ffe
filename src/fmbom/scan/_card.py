"""Cards and licence files: what a unit's README/MODEL_CARD front matter, its Markdown
sections and its LICENSE file state.

Dataset cards of both generations are read alike (``license``/``licenses``,
``language``/``languages``). A LICENSE file is identified by the distinctive text of the
common model and data licences; when the card states a different licence the scan reports
the conflict instead of picking one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from fmbom.errors import ValidationError
from fmbom.governance import Evaluation, Identity, SourceType, Unit
from fmbom.licenses import license_key
from fmbom.scan import _hf
from fmbom.scan._context import MAX_CARD, FileRecord, UnitScope

__all__ = [
    "Card",
    "card_languages",
    "card_licenses",
    "dataset_size",
    "evaluations",
    "identify_license",
    "identity",
    "read_card",
]

#: Card files in order of preference.
CARD_FILES: Final = ("README.md", "MODEL_CARD.md")
_LICENSE_FILE: Final = re.compile(r"^(LICENSE|LICENCE|COPYING)(\.(md|txt))?$", re.IGNORECASE)

#: (SPDX id or LicenseRef, phrases that must all appear, case-insensitive), most specific first.
_LICENSE_TEXTS: Final = (
    ("LicenseRef-llama4", ("llama 4 community license agreement",)),
    ("LicenseRef-llama3.3", ("llama 3.3 community license agreement",)),
    ("LicenseRef-llama3.2", ("llama 3.2 community license agreement",)),
    ("LicenseRef-llama3.1", ("llama 3.1 community license agreement",)),
    ("LicenseRef-llama3", ("meta llama 3 community license agreement",)),
    ("LicenseRef-llama2", ("llama 2 community license agreement",)),
    ("LicenseRef-gemma", ("gemma terms of use",)),
    ("LicenseRef-creativeml-openrail-m", ("creativeml open rail-m",)),
    ("LicenseRef-bigscience-bloom-rail-1.0", ("bigscience rail license v1.0",)),
    ("LicenseRef-bigscience-openrail-m", ("bigscience open rail-m",)),
    ("LicenseRef-openrail", ("open rail",)),
    ("CC-BY-NC-SA-4.0", ("attribution-noncommercial-sharealike 4.0 international",)),
    ("CC-BY-NC-ND-4.0", ("attribution-noncommercial-noderivatives 4.0 international",)),
    ("CC-BY-NC-4.0", ("attribution-noncommercial 4.0 international",)),
    ("CC-BY-ND-4.0", ("attribution-noderivatives 4.0 international",)),
    ("CC-BY-SA-4.0", ("attribution-sharealike 4.0 international",)),
    ("CC-BY-4.0", ("creative commons attribution 4.0 international",)),
    ("CC-BY-SA-3.0", ("attribution-sharealike 3.0 unported",)),
    ("CC-BY-3.0", ("creative commons attribution 3.0 unported",)),
    ("CC0-1.0", ("cc0 1.0 universal",)),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("MIT", ("permission is hereby granted, free of charge", "the software is provided")),
)
_SECTION: Final = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_PLACEHOLDER: Final = re.compile(r"^\[?more information needed\]?$", re.IGNORECASE)
_INTENDED: Final = re.compile(r"^(intended uses?|direct use|uses|intended use cases?)$", re.I)
_OUT_OF_SCOPE: Final = re.compile(r"^(out[- ]of[- ]scope uses?|out-of-scope use)$", re.I)
_LIMITATIONS: Final = re.compile(
    r"^(limitations|bias, risks,? and limitations|risks and limitations)$", re.I
)
_DATE_KEYS: Final = ("release_date", "released", "date")


@attrs.frozen(kw_only=True)
class Card:
    """A unit's card: its file, the front matter and the Markdown body."""

    record: FileRecord | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict)
    #: (path, Markdown body) of every card file of the unit, README.md first.
    bodies: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> str:
        return self.record.rel if self.record is not None else "."

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def __bool__(self) -> bool:
        return bool(self.data)


def read_card(unit: UnitScope) -> Card:
    """The first card file of the unit with front matter (``README.md``, then
    ``MODEL_CARD.md``); the first card file at all when none has front matter."""
    chosen: FileRecord | None = None
    data: Mapping[str, Any] = {}
    bodies = []
    for name in CARD_FILES:
        record = unit.file(name)
        if record is None:
            continue
        front, body = unit.state.read_card(record)
        bodies.append((record.rel, body))
        if front and not data:
            chosen, data = record, front
        elif chosen is None:
            chosen = record
    return Card(record=chosen, data=data, bodies=tuple(bodies))


def _key(card: Card, *names: str) -> tuple[str, Any] | tuple[None, None]:
    for name in names:
        if card.get(name) is not None:
            return name, card.get(name)
    return None, None


def card_licenses(unit: UnitScope, card: Card, ref: str) -> tuple[str, ...]:
    """SPDX expressions from the card (``license`` or legacy ``licenses``), checked against
    the LICENSE file; the file's licence when the card states none."""
    key, value = _key(card, "license", "licenses")
    name = card.get("license_name")
    stated = tuple(
        dict.fromkeys(
            _hf.hf_license_to_spdx(v, str(name) if name else None) for v in _hf.string_list(value)
        )
    )
    if stated and key is not None:
        unit.state.note(ref, "licenses", card.path, f"front matter {key}")
    identified = _license_file(unit)
    if identified is None:
        return stated
    record, found = identified
    if not stated:
        unit.state.note(
            ref, "licenses", record.rel, f"licence text identified as {found}", derived=True
        )
        return (found,)
    if not any(_same(found, s) for s in stated):
        unit.state.warn(
            record.rel,
            f"licence text reads as {found} but {card.path} states {' OR '.join(stated)}; "
            "the card's licence is recorded",
        )
    return stated


def _same(left: str, right: str) -> bool:
    try:
        return license_key(left) == license_key(right)
    except ValidationError:
        return left.lower() == right.lower()


def _license_file(unit: UnitScope) -> tuple[FileRecord, str] | None:
    for name in sorted(unit.files):
        if "/" in name or not _LICENSE_FILE.match(name):
            continue
        record = unit.files[name]
        if record.lfs is not None or record.found.stat.st_size > MAX_CARD:
            continue
        found = identify_license(record.head(256 << 10).decode("utf-8", errors="replace"))
        if found is not None:
            return record, found
    return None


def identify_license(text: str) -> str | None:
    """The licence a LICENSE file's text is, by its distinctive phrases; None when unknown."""
    lowered = " ".join(text.lower().split())
    for spdx, phrases in _LICENSE_TEXTS:
        if all(p in lowered for p in phrases):
            return spdx
    return None


def card_languages(card: Card) -> tuple[str | None, list[str]]:
    """The card key holding languages (``language`` or legacy ``languages``) and their codes."""
    key, value = _key(card, "language", "languages")
    if isinstance(value, dict):  # per-config languages in some old dataset cards
        value = sorted({str(v) for items in value.values() for v in _hf.string_list(items)})
    return key, sorted(dict.fromkeys(_hf.string_list(value)))


def sections(body: str) -> Iterator[tuple[str, str]]:
    """(heading, text) for each Markdown section of a card body (fenced code skipped)."""
    heading: str | None = None
    lines: list[str] = []
    fenced = False
    for line in body.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else _SECTION.match(line)
        if match is None:
            lines.append(line)
            continue
        if heading is not None:
            yield heading, "\n".join(lines).strip()
        heading = re.sub(r"[*_`]", "", match.group(2)).strip()
        lines = []
    if heading is not None:
        yield heading, "\n".join(lines).strip()


def _paragraph(text: str) -> str | None:
    first = text.split("\n\n", maxsplit=1)[0].strip()
    first = " ".join(first.split())
    if not first or _PLACEHOLDER.match(first) or first.startswith("<!--"):
        return None
    return first[:2000]


def identity(unit: UnitScope, card: Card, ref: str) -> Identity | None:
    """The identity section a card states: creator, release date, intended and out-of-scope
    uses and limitations (from the front matter and the Markdown sections)."""
    found: dict[str, Any] = {}
    key, creator = _key(card, "model_creator", "creator", "developers", "model_developers")
    if isinstance(creator, str) and creator.strip():
        found["provider"] = creator.strip()
        unit.state.note(ref, "governance.identity.provider", card.path, f"front matter {key}")
    key, released = _key(card, *_DATE_KEYS)
    date = _date(released)
    if date is not None:
        found["release_date"] = date
        unit.state.note(ref, "governance.identity.release_date", card.path, f"front matter {key}")
    for path, body in card.bodies:
        for heading, text in sections(body):
            for field, pattern in (
                ("intended_uses", _INTENDED),
                ("out_of_scope_uses", _OUT_OF_SCOPE),
                ("limitations", _LIMITATIONS),
            ):
                if field in found or not pattern.match(heading):
                    continue
                paragraph = _paragraph(text)
                if paragraph is not None:
                    found[field] = (paragraph,)
                    unit.state.note(
                        ref, f"governance.identity.{field}", path, f"section {heading!r}"
                    )
    return Identity(**found) if found else None


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def evaluations(unit: UnitScope, card: Card, evaluated: Unit, ref: str) -> Iterator[Evaluation]:
    """The evaluation results of a card's ``model-index``, as provider claims."""
    index = card.get("model-index")
    if not isinstance(index, list):
        return
    noted = False
    for entry in index:
        results = entry.get("results") if isinstance(entry, dict) else None
        for result in results if isinstance(results, list) else ():
            if not isinstance(result, dict):
                continue
            task = _mapping(result.get("task"))
            dataset = _mapping(result.get("dataset"))
            benchmark = str(dataset.get("name") or dataset.get("type") or "unknown")
            setup = ", ".join(
                f"{key}={value}"
                for key, value in (
                    ("task", task.get("type")),
                    ("dataset", dataset.get("type")),
                    ("config", dataset.get("config")),
                    ("split", dataset.get("split")),
                    ("revision", dataset.get("revision")),
                )
                if value is not None
            )
            for metric in result.get("metrics") or ():
                if not isinstance(metric, dict):
                    continue
                value = metric.get("value")
                if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                    continue
                try:
                    number = float(value)
                except ValueError:
                    unit.state.warn(
                        card.path,
                        f"model-index value {value!r} of {benchmark} is not a number; skipped",
                    )
                    continue
                if not noted:
                    unit.state.note(
                        ref, "governance.evaluations", card.path, "front matter model-index"
                    )
                    noted = True
                yield Evaluation(
                    benchmark=benchmark,
                    metric=str(metric.get("name") or metric.get("type") or "value"),
                    unit=evaluated,
                    source_type=SourceType.PROVIDER_CLAIM,
                    value=number,
                    setup=setup or None,
                    evaluated_version=unit.version,
                )


def dataset_size(info: Any) -> tuple[int | None, int | None]:
    """Records and bytes of the default (or first) configuration of a dataset card."""
    configs = info if isinstance(info, list) else [info] if isinstance(info, dict) else []
    configs = [c for c in configs if isinstance(c, dict)]
    if not configs:
        return None, None
    chosen = next((c for c in configs if c.get("config_name") in ("default", "main")), configs[0])
    splits = chosen.get("splits")
    records = None
    if isinstance(splits, list):
        counts = [s.get("num_examples") for s in splits if isinstance(s, dict)]
        numbers = [c for c in counts if isinstance(c, int) and c >= 0]
        if counts and len(numbers) == len(counts):
            records = sum(numbers)
    size = chosen.get("dataset_size")
    return records, size if isinstance(size, int) and size >= 0 else None
