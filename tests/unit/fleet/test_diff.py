"""``diff_fleets`` and ``fmbom diff OLD_OUTDIR NEW_OUTDIR``: units paired, one report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fmbom.cli import main
from fmbom.diff import Policy, RuleId, Severity
from fmbom.errors import InputFormatError
from fmbom.fleet import bom_file_name, scan_each, write_fleet
from fmbom.fleet._diff import diff_fleets, render_fleet_diff


def _snapshot(root: Path, out: Path) -> Path:
    write_fleet(scan_each(root, use_cache=False), out)
    return out


def _tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture
def before(registry: Path, tmp_path: Path) -> Path:
    return _snapshot(registry, tmp_path / "before")


def test_a_tampered_weight_file_is_reported_critical(
    registry: Path, before: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tamper(registry / "gguf" / "ggml-vocab-gpt-2.gguf")
    after = _snapshot(registry, tmp_path / "after")
    result = diff_fleets(before, after)
    critical = result.at_or_above(Severity.CRITICAL)
    assert [c.rule for c in critical] == [RuleId.DIGEST_CHANGED_SAME_VERSION]
    assert critical[0].subject.name == "ggml-vocab-gpt-2.gguf"
    assert [u.unit for u in result.units if u.status == "changed"] == ["gguf"]
    assert result.count("unchanged") == len(result.units) - 1
    code = main(["diff", str(before), str(after), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["summary"]["critical"] == 1
    first = report["changes"][0]
    assert (first["unit"], first["rule"]) == ("gguf", "digest-changed-same-version")
    assert {u["unit"]: u["status"] for u in report["units"]}["gguf"] == "changed"
    assert main(["diff", str(before), str(after), "--fail-on", "never"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Units: 0 added, 0 removed, 1 changed,")
    assert "gguf: weights ggml-vocab-gpt-2.gguf: content changed" in text


def test_identical_snapshots_have_no_changes(
    registry: Path, before: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    after = _snapshot(registry, tmp_path / "after")
    assert main(["diff", str(before), str(after)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "No changes."
    assert main(["diff", str(before), str(after), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("## BOM diff\n\nUnits: 0 added, 0 removed, 0 changed,")


def test_added_and_removed_units_report_their_components(
    registry: Path, before: Path, tmp_path: Path
) -> None:
    shutil.rmtree(registry / "datasets" / "gsm8k")
    shutil.copytree(registry / "fasttext", registry / "fasttext-2")
    (registry / "fasttext-2" / "LICENSE").write_text("changed\n")
    after = _snapshot(registry, tmp_path / "after")
    result = diff_fleets(before, after)
    status = {u.unit: u.status for u in result.units}
    assert status["datasets/gsm8k"] == "removed"
    assert status["fasttext-2"] == "added"
    removed = next(u for u in result.units if u.unit == "datasets/gsm8k")
    assert [c.rule for c in removed.changes] == [RuleId.DATASET_REMOVED]
    assert "removed with the unit datasets/gsm8k" in removed.changes[0].message
    added = next(u for u in result.units if u.unit == "fasttext-2")
    # fasttext's model.bin is a pickle-free binary; its weights are reported by their format
    assert {c.new_ref for c in added.changes} >= {"model"}
    ignored = diff_fleets(before, after, Policy(ignore=frozenset({RuleId.DATASET_REMOVED})))
    gone = next(u for u in ignored.units if u.unit == "datasets/gsm8k")
    assert gone.changes == ()


def test_a_moved_unit_is_paired_by_what_it_holds(
    registry: Path, before: Path, tmp_path: Path
) -> None:
    # the dataset card states its name, so the name does not come from the folder
    shutil.move(registry / "datasets" / "gsm8k", registry / "gsm8k-main")
    after = _snapshot(registry, tmp_path / "after")
    result = diff_fleets(before, after)
    moved = next(u for u in result.units if u.unit == "gsm8k-main")
    assert moved.status == "changed"
    assert moved.old is not None
    assert moved.old.unit == "datasets/gsm8k"
    assert [(c.rule, c.field, c.before, c.after) for c in moved.changes] == [
        (RuleId.FIELD_CHANGED, "unit", "datasets/gsm8k", "gsm8k-main")
    ]
    assert result.count("added") == result.count("removed") == 0


def test_unreadable_fleets_are_errors_never_empty_diffs(
    registry: Path, before: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    after = _snapshot(registry, tmp_path / "after")
    (after / bom_file_name("fasttext")).unlink()
    (after / bom_file_name("gguf")).write_text("{not json")
    with pytest.raises(InputFormatError) as caught:
        diff_fleets(before, after)
    lines = caught.value.lines()
    assert len(lines) == 2
    assert any("fasttext" in line for line in lines)
    assert any("gguf" in line for line in lines)
    assert main(["diff", str(before), str(after)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 2
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (None, "no index.json"),
        ("[]", "not a fleet index"),
        ("{", "not JSON"),
        ('{"fmbom-fleet": "1", "root": "r"}', "missing 'units'"),
        ('{"fmbom-fleet": "1", "root": "r", "units": [3]}', r"\$.units\[0\]: not an object"),
        (
            (
                '{"fmbom-fleet": "1", "root": "r", "units": [{"unit": "a", "source": "s", '
                '"bom": "../x.json", "name": null, "kind": null, "digests": 0, "problems": []}]}'
            ),
            "is not a file name of the folder",
        ),
        (
            (
                '{"fmbom-fleet": "1", "root": "r", "units": [{"unit": "a", "source": "s", '
                '"bom": null, "name": null, "kind": "gizmo", "digests": 0, "problems": []}]}'
            ),
            "is not a component kind",
        ),
        (
            (
                '{"fmbom-fleet": "1", "root": "r", "units": [{"unit": "a", "source": "s", '
                '"bom": null, "name": null, "kind": null, "digests": true, "problems": []}]}'
            ),
            "digests: unexpected value True",
        ),
        (
            (
                '{"fmbom-fleet": "1", "root": "r", "units": [{"unit": "a", "source": "s", '
                '"bom": null, "name": null, "kind": null, "digests": 0, "problems": [1]}]}'
            ),
            "problems\\[0\\]: not an object",
        ),
        (
            (
                '{"fmbom-fleet": "1", "root": "r", "units": [{"unit": "a", "source": "s", '
                '"bom": null, "name": null, "kind": null, "digests": 0, "problems": []}]}'
            ),
            "unit a has no BOM",
        ),
    ],
)
def test_bad_index_files_are_one_line_errors(
    before: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    index: str | None,
    message: str,
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    if index is not None:
        (other / "index.json").write_text(index)
    with pytest.raises(InputFormatError, match=message):
        diff_fleets(other, other)
    assert main(["diff", str(before), str(other)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert str(other) in err


def test_index_that_is_a_folder_or_lists_a_unit_twice(before: Path, tmp_path: Path) -> None:
    odd = tmp_path / "odd"
    (odd / "index.json").mkdir(parents=True)
    with pytest.raises(InputFormatError, match="cannot read"):
        diff_fleets(before, odd)
    document = json.loads((before / "index.json").read_text())
    document["units"].append(document["units"][0])
    twice = tmp_path / "twice"
    twice.mkdir()
    (twice / "index.json").write_text(json.dumps(document))
    with pytest.raises(InputFormatError, match="a unit is listed twice"):
        diff_fleets(before, twice)
    document["units"] = []
    document["problems"] = 3
    (twice / "index.json").write_text(json.dumps(document))
    with pytest.raises(InputFormatError, match=r"\$.problems: not a list"):
        diff_fleets(before, twice)


def test_a_folder_and_a_file_cannot_be_compared(
    before: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bom = before / bom_file_name("fasttext")
    assert main(["diff", str(before), str(bom)]) == 2
    assert main(["diff", str(bom), str(before)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert all("a fleet diff compares two 'fmbom scan --each' output folders" in e for e in err)


def test_render_names_the_unit_in_every_line(registry: Path, before: Path, tmp_path: Path) -> None:
    _tamper(registry / "fasttext" / "model.bin")
    result = diff_fleets(before, _snapshot(registry, tmp_path / "after"))
    text = render_fleet_diff(result, "text")
    changes = [line for line in text.splitlines() if line.startswith("  [")]
    assert changes
    assert all("] fasttext: " in line for line in changes)
