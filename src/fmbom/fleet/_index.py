"""The output folder of a fleet scan: one native BOM per unit and ``index.json``.

``index.json`` lists every unit, sorted by its id (its path under the scanned root)::

    {"fmbom-fleet": "1", "root": "/srv/models", "problems": [...],
     "units": [{"unit": "org/model", "source": "/srv/models/org/model",
                "bom": "org__model-3f2a9c1e.json", "name": "org/model", "kind": "model",
                "digests": 12, "problems": [{"path": ..., "severity": ..., "message": ...}]}]}

A unit's file name comes from its id (unsafe characters replaced, ``/`` as ``__``) and the
first eight hex digits of the id's SHA-256, so that two ids never share a file and the same
unit keeps its file from one scan to the next. ``bom`` is null for a unit that could not be
scanned (its problems say why); ``kind`` and ``name`` are null when the BOM states none.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from fmbom.bom import Bom
from fmbom.errors import InputFormatError
from fmbom.model import ComponentKind
from fmbom.scan._result import ScanProblem

__all__ = [
    "INDEX_NAME",
    "SCHEMA_VERSION",
    "FleetIndex",
    "FleetUnit",
    "bom_file_name",
    "count_digests",
    "dumps_index",
    "read_index",
]

INDEX_NAME: Final = "index.json"
#: The value of the ``"fmbom-fleet"`` key.
SCHEMA_VERSION: Final = "1"
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._@+-]")
_MAX_STEM: Final = 100
_UNIT_KINDS: Final = frozenset(k.value for k in ComponentKind)


@attrs.frozen(kw_only=True)
class FleetUnit:
    """One unit of a fleet scan, as ``index.json`` lists it."""

    unit: str
    source: str
    bom: str | None
    name: str | None
    kind: str | None
    digests: int
    problems: tuple[ScanProblem, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "source": self.source,
            "bom": self.bom,
            "name": self.name,
            "kind": self.kind,
            "digests": self.digests,
            "problems": [_problem_json(p) for p in self.problems],
        }


@attrs.frozen(kw_only=True)
class FleetIndex:
    """``index.json``: the scanned root, its units and the problems of the whole scan."""

    root: str
    units: tuple[FleetUnit, ...]
    problems: tuple[ScanProblem, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "fmbom-fleet": SCHEMA_VERSION,
            "root": self.root,
            "units": [u.to_json() for u in self.units],
            "problems": [_problem_json(p) for p in self.problems],
        }


def _problem_json(problem: ScanProblem) -> dict[str, str]:
    return {"path": problem.path, "severity": problem.severity, "message": problem.message}


def bom_file_name(unit: str) -> str:
    """The stable file name of a unit's BOM in the output folder."""
    stem = _UNSAFE.sub("_", unit.replace("/", "__")).strip("._") or "root"
    digest = hashlib.sha256(unit.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{stem[:_MAX_STEM]}-{digest}.json"


def count_digests(bom: Bom) -> int:
    """The digests a BOM records: those of its components and of their files."""
    total = 0
    for component in bom.components:
        total += len(component.digests)
        total += sum(1 for f in getattr(component, "files", ()) if f.digest is not None)
    return total


def dumps_index(index: FleetIndex) -> str:
    """``index.json`` as text: keys sorted, two-space indent, one final newline."""
    return json.dumps(index.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- reading ---------------------------------------------------------------------------------


def _field(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise InputFormatError(f"{where}: missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise InputFormatError(f"{where}.{key}: unexpected value {value!r}")
    return value


def _problems(value: Any, where: str) -> tuple[ScanProblem, ...]:
    if not isinstance(value, list):
        raise InputFormatError(f"{where}: not a list")
    found = []
    for number, item in enumerate(value):
        spot = f"{where}[{number}]"
        if not isinstance(item, dict):
            raise InputFormatError(f"{spot}: not an object")
        severity: Literal["error", "warning"] = (
            "error" if _field(item, "severity", str, spot) == "error" else "warning"
        )
        found.append(
            ScanProblem(
                path=_field(item, "path", str, spot),
                message=_field(item, "message", str, spot),
                severity=severity,
            )
        )
    return tuple(found)


def _unit(item: Any, where: str) -> FleetUnit:
    if not isinstance(item, dict):
        raise InputFormatError(f"{where}: not an object")
    bom = _field(item, "bom", (str, type(None)), where)
    kind = _field(item, "kind", (str, type(None)), where)
    if kind is not None and kind not in _UNIT_KINDS:
        raise InputFormatError(f"{where}.kind: {kind!r} is not a component kind")
    if bom is not None and (not bom or "/" in bom or "\\" in bom or bom.startswith(".")):
        raise InputFormatError(f"{where}.bom: {bom!r} is not a file name of the folder")
    return FleetUnit(
        unit=_field(item, "unit", str, where),
        source=_field(item, "source", str, where),
        bom=bom,
        name=_field(item, "name", (str, type(None)), where),
        kind=kind,
        digests=_field(item, "digests", int, where),
        problems=_problems(_field(item, "problems", list, where), f"{where}.problems"),
    )


def read_index(folder: str | Path) -> FleetIndex:
    """Read ``FOLDER/index.json``; :class:`InputFormatError` naming the file and the place of
    the problem when it is missing or not a fleet index."""
    path = Path(folder) / INDEX_NAME
    source = str(path)
    if not Path(folder).is_dir():
        raise InputFormatError("not a directory", source=str(folder))
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputFormatError(
            f"no {INDEX_NAME}: not the output of 'fmbom scan --each'", source=str(folder)
        ) from None
    except OSError as error:
        raise InputFormatError(f"cannot read: {error.strerror or error}", source=source) from None
    except (ValueError, RecursionError) as error:
        raise InputFormatError(f"not JSON: {error}", source=source) from None
    if not isinstance(document, dict) or document.get("fmbom-fleet") != SCHEMA_VERSION:
        raise InputFormatError(
            f'not a fleet index (no "fmbom-fleet": "{SCHEMA_VERSION}")', source=source
        )
    try:
        units = tuple(
            _unit(item, f"$.units[{number}]")
            for number, item in enumerate(_field(document, "units", list, "$"))
        )
        problems = _problems(document.get("problems", []), "$.problems")
        root = _field(document, "root", str, "$")
    except InputFormatError as error:
        raise InputFormatError(str(error), source=source) from None
    ids = [u.unit for u in units]
    if len(set(ids)) != len(ids):
        raise InputFormatError("a unit is listed twice", source=source)
    return FleetIndex(root=root, units=units, problems=problems)
