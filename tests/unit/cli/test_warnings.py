"""Warnings on standard error: alike warnings (the same text but for the list indices of their
JSON paths) grouped into three in full and one line that counts the rest; ``--all-warnings``
prints each. The library's warning lists stay complete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fmbom.cli import main
from fmbom.cli._warnings import SHOWN, warning_lines
from fmbom.io import read_bom_with_report

LICENCE = "'Custom proprietary licence' is not an SPDX expression; kept as written"
HINT = "; --all-warnings prints each)"

# --- the grouping ----------------------------------------------------------------------------


def _licence(index: int, entry: int = 0) -> str:
    return f"$.components[{index}].licenses[{entry}]: {LICENCE}"


def test_a_group_prints_three_in_full_and_one_line_for_the_rest() -> None:
    warnings = [_licence(index) for index in (4, 8, 9, 26, 46, 51)]
    assert warning_lines(warnings) == [
        _licence(4),
        _licence(8),
        _licence(9),
        f"$.components[*].licenses[0]: {LICENCE} (and 3 more like it{HINT}",
    ]
    assert warning_lines(warnings, every=True) == warnings


def test_an_index_the_rest_share_is_kept_and_the_count_has_thousands_separators() -> None:
    # The first three differ in the licence index; the 2,000 counted all have licence 1.
    warnings = [_licence(0, 0), _licence(1, 2), _licence(2, 3)]
    warnings += [_licence(index, 1) for index in range(3, 2003)]
    lines = warning_lines(warnings)
    assert lines == [
        *warnings[:SHOWN],
        f"$.components[*].licenses[1]: {LICENCE} (and 2,000 more like it{HINT}",
    ]


def test_every_index_that_varies_is_a_star() -> None:
    warnings = [_licence(index, index % 2) for index in range(10)]
    assert warning_lines(warnings)[-1].startswith("$.components[*].licenses[*]: ")


def test_one_more_than_shown_is_printed_rather_than_counted() -> None:
    warnings = [_licence(index) for index in range(SHOWN + 1)]
    assert warning_lines(warnings) == warnings
    five = [_licence(index) for index in range(SHOWN + 2)]
    assert warning_lines(five)[SHOWN:] == [
        f"$.components[*].licenses[0]: {LICENCE} (and 2 more like it{HINT}"
    ]


def test_groups_keep_their_place_and_the_count_stands_where_its_first_would() -> None:
    hash_problem = "$.components[{}].hashes[0].content: 'zz' is not hex; dropped"
    warnings = []
    for index in range(6):
        warnings += [_licence(index), hash_problem.format(index)]
    warnings.insert(0, "$.metadata: no metadata.component; the subject is named 'unnamed'")
    assert warning_lines(warnings) == [
        warnings[0],
        _licence(0),
        hash_problem.format(0),
        _licence(1),
        hash_problem.format(1),
        _licence(2),
        hash_problem.format(2),
        f"$.components[*].licenses[0]: {LICENCE} (and 3 more like it{HINT}",
        hash_problem.format("*") + f" (and 3 more like it{HINT}",
    ]


def test_paths_later_in_the_text_are_read_too() -> None:
    text = "$.components[{0}].hashes[0].alg: 'MD4' is not one of the algorithms; "
    text += "$.components[{0}].hashes[0] left out"
    warnings = [text.format(index) for index in range(5)]
    assert warning_lines(warnings)[-1] == text.format("*") + f" (and 2 more like it{HINT}"


@pytest.mark.parametrize(
    "texts",
    [
        # Different values are different facts, brackets or not.
        [f"$.components[{i}].name: 'model[{i}]' is not a name; kept" for i in range(6)],
        [f'$.components[0].properties["k[{i}]"]: odd key; kept' for i in range(6)],
        # Indices outside a JSON path (none starts at a word's start) are text.
        [f"$.components[0].version: '1.0$[{i}]' is odd; kept" for i in range(6)],
        [f"line {i}: unknown element; skipped" for i in range(6)],
    ],
)
def test_text_other_than_path_indices_keeps_warnings_apart(texts: list[str]) -> None:
    assert warning_lines(texts) == texts


def test_identical_warnings_are_a_group() -> None:
    texts = ["@context is 'x', not the SPDX 3.0.1 context; read as SPDX 3.0.1"] * 7
    assert warning_lines(texts) == [*texts[:SHOWN], f"{texts[0]} (and 4 more like it{HINT}"]


def test_no_warnings_no_lines() -> None:
    assert warning_lines([]) == []


# --- through the command line ----------------------------------------------------------------


def _document(count: int) -> dict[str, object]:
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "system"}},
        "components": [
            {
                "type": "library",
                "name": f"lib{index}",
                "version": "1",
                "licenses": [{"license": {"name": "Custom proprietary licence"}}],
            }
            for index in range(count)
        ],
    }


@pytest.fixture
def flooded(tmp_path: Path) -> Path:
    path = tmp_path / "flooded.cdx.json"
    path.write_text(json.dumps(_document(40)), encoding="utf-8")
    return path


def _warnings(err: str) -> list[str]:
    lines = err.splitlines()
    assert all(line.startswith("fmbom: warning: ") for line in lines), err
    return lines


@pytest.mark.parametrize(
    "verb",
    [["show"], ["export", "--format", "native"], ["check"], ["graph"], ["report"], ["compose"]],
)
def test_every_reading_verb_groups_and_all_warnings_prints_each(
    verb: list[str], flooded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main([*verb, str(flooded)])
    grouped = _warnings(capsys.readouterr().err)
    prefix = f"fmbom: warning: {flooded}: "
    assert grouped == [
        *(f"{prefix}$.components[{index}].licenses[0]: {LICENCE}" for index in range(3)),
        f"{prefix}$.components[*].licenses[0]: {LICENCE} (and 37 more like it{HINT}",
    ]
    main([*verb, str(flooded), "--all-warnings"])
    every = _warnings(capsys.readouterr().err)
    assert every == [f"{prefix}$.components[{i}].licenses[0]: {LICENCE}" for i in range(40)]


def test_diff_groups_each_file_on_its_own(
    tmp_path: Path, flooded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.cdx.json"
    new.write_text(json.dumps(_document(5)), encoding="utf-8")
    main(["diff", str(flooded), str(new), "--fail-on", "never"])
    lines = _warnings(capsys.readouterr().err)
    assert lines[3] == (
        f"fmbom: warning: {flooded}: $.components[*].licenses[0]: {LICENCE} "
        f"(and 37 more like it{HINT}"
    )
    assert lines[4:] == [
        f"fmbom: warning: {new}: $.components[0].licenses[0]: {LICENCE}",
        f"fmbom: warning: {new}: $.components[1].licenses[0]: {LICENCE}",
        f"fmbom: warning: {new}: $.components[2].licenses[0]: {LICENCE}",
        f"fmbom: warning: {new}: $.components[*].licenses[0]: {LICENCE} (and 2 more like it{HINT}",
    ]
    main(["diff", str(flooded), str(new), "--fail-on", "never", "--all-warnings"])
    assert len(_warnings(capsys.readouterr().err)) == 45


def test_the_library_still_returns_every_warning(flooded: Path) -> None:
    _, warnings = read_bom_with_report(flooded)
    assert warnings == [f"$.components[{i}].licenses[0]: {LICENCE}" for i in range(40)]


def test_export_groups_what_the_output_version_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _document(6)
    for component in document["components"]:  # type: ignore[attr-defined]
        del component["licenses"]
        component["omniborId"] = ["gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64"]
    source = tmp_path / "in.cdx.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "out.cdx.json"
    argv = ["export", str(source), "--spec-version", "1.5", "-o", str(out)]
    assert main(argv) == 0
    note = "Additional properties are not allowed ('omniborId' was unexpected); left out of "
    note += "CycloneDX 1.5"
    prefix = f"fmbom: warning: {source}: "
    assert _warnings(capsys.readouterr().err) == [
        *(f"{prefix}$.components[{index}]: {note}" for index in range(3)),
        f"{prefix}$.components[*]: {note} (and 3 more like it{HINT}",
    ]
    assert main([*argv, "--all-warnings"]) == 0
    assert _warnings(capsys.readouterr().err) == [
        f"{prefix}$.components[{index}]: {note}" for index in range(6)
    ]


def test_a_control_character_in_a_warning_line_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The warnings name values with repr(); the file name is printed as given.
    path = tmp_path / "evil\x1b[2J.cdx.json"
    path.write_text(json.dumps(_document(1)), encoding="utf-8")
    main(["show", str(path)])
    err = capsys.readouterr().err
    assert "\x1b" not in err
    shown = f"{tmp_path}/evil\\x1b[2J.cdx.json"
    assert err == f"fmbom: warning: {shown}: $.components[0].licenses[0]: {LICENCE}\n"
