"""The public surface: subpackages are modules, verbs have top-level names that shadow none."""

from __future__ import annotations

import importlib
import types

import pytest

import fmbom


@pytest.mark.parametrize(
    ("module", "verb", "types_"),
    [
        ("fmbom.diff", "diff", ("Policy", "DiffResult", "Change", "ChangeSubject", "RULES")),
        ("fmbom.scan", "scan", ("ScanResult", "ScanProblem")),
        ("fmbom.check", "check", ("CheckResult", "Finding", "Profile")),
        ("fmbom.cyclonedx", "dumps", ("loads", "load_with_report", "to_dict")),
        ("fmbom.spdx", "dumps", ("loads", "load_with_report", "to_dict", "schema_errors")),
    ],
)
def test_subpackages_are_modules_holding_their_verb_and_types(
    module: str, verb: str, types_: tuple[str, ...]
) -> None:
    imported = importlib.import_module(module)
    assert isinstance(imported, types.ModuleType)
    attribute = getattr(fmbom, module.split(".")[1])
    assert attribute is imported
    assert callable(getattr(imported, verb))
    for name in (verb, *types_):
        assert name in imported.__all__
        assert getattr(imported, name) is not None


def test_import_as_binds_the_module() -> None:
    import fmbom.check as c
    import fmbom.diff as d
    import fmbom.scan as s

    assert d.Policy().ignore == frozenset()
    assert s.ScanResult.__name__ == "ScanResult"
    assert c.Profile.MINIMUM_RECORD.value == "minimum-record"


def test_top_level_verbs_are_the_module_verbs() -> None:
    import fmbom.check
    import fmbom.diff
    import fmbom.scan

    assert fmbom.diff_boms is fmbom.diff.diff
    assert fmbom.scan_path is fmbom.scan.scan
    assert fmbom.check_bom is fmbom.check.check
    for name in ("diff_boms", "scan_path", "check_bom", "read_bom", "write_bom", "loads_bom"):
        assert name in fmbom.__all__


def test_every_public_name_exists_and_shadows_no_module() -> None:
    for name in fmbom.__all__:
        value = getattr(fmbom, name)
        try:
            submodule = importlib.import_module(f"fmbom.{name}")
        except ModuleNotFoundError:
            continue
        assert value is submodule, f"fmbom.{name} shadows the module fmbom.{name}"


@pytest.mark.parametrize("name", ["dumps", "loads"])
def test_removed_names_say_where_they_went(name: str) -> None:
    with pytest.raises(AttributeError, match=rf"fmbom\.{name}_bom .*fmbom\.native\.{name}"):
        getattr(fmbom, name)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = fmbom.nothing_here


def test_severity_is_importable_from_the_top_level() -> None:
    from fmbom import Severity

    assert Severity("high") > Severity.MEDIUM
    assert fmbom.Severity is fmbom.diff.Severity


def test_vocabularies_are_reexported_from_model_and_top_level() -> None:
    import fmbom.model
    import fmbom.vocabulary

    for name in fmbom.vocabulary.__all__:
        assert getattr(fmbom, name) is getattr(fmbom.vocabulary, name)
        if name not in ("Unit", "SourceType", "EvaluationCategory", "Vocabulary"):
            assert getattr(fmbom.model, name) is getattr(fmbom.vocabulary, name)
