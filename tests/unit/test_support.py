"""The test suite's own support: hypothesis profiles and the shared-corpus sweep."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import settings

from tests import profiles
from tests.shared_corpus import shared_files

ROOT = Path(__file__).resolve().parents[2]


def test_the_fast_profile_runs_fewer_examples_than_the_full_one() -> None:
    full = settings.get_profile(profiles.CI)
    fast = settings.get_profile(profiles.FAST)
    assert fast.max_examples < full.max_examples
    assert profiles.scaled(60, full) == 60
    assert profiles.scaled(60, fast) < 60
    assert profiles.scaled(1, fast) == 1
    # the fast profile keeps the full one's tolerances
    assert fast.deadline is None
    assert set(fast.suppress_health_check) == set(full.suppress_health_check)


def test_the_profile_named_by_the_environment_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    before = profiles.current()
    try:
        monkeypatch.setenv(profiles.PROFILE_VARIABLE, profiles.FAST)
        assert profiles.load() == profiles.FAST
        assert profiles.current().max_examples == settings.get_profile(profiles.FAST).max_examples
        assert profiles.examples(60).max_examples == profiles.scaled(60, profiles.current())
        monkeypatch.delenv(profiles.PROFILE_VARIABLE)
        assert profiles.load() == profiles.CI
        assert profiles.examples(60).max_examples == 60
    finally:
        monkeypatch.undo()
        profiles.load()
    assert profiles.current().max_examples == before.max_examples


def test_ci_runs_the_full_profile_explicitly() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"{profiles.PROFILE_VARIABLE}={profiles.CI}" in script


def test_shared_files_skip_with_a_reason_without_the_corpus(tmp_path: Path) -> None:
    (only,) = shared_files("cyclonedx/*.json", root=tmp_path / "absent")
    (mark,) = only.marks
    assert mark.name == "skip"
    assert "shared corpus is absent" in mark.kwargs["reason"]
    assert str(tmp_path / "absent") in mark.kwargs["reason"]


def test_shared_files_lists_matches_and_refuses_an_empty_sweep(tmp_path: Path) -> None:
    (tmp_path / "cyclonedx").mkdir()
    for name in ("b.json", "a.json", "c.xml"):
        (tmp_path / "cyclonedx" / name).write_text("{}", encoding="utf-8")
    found = shared_files("cyclonedx/*.json", root=tmp_path)
    assert [p.values[0].name for p in found] == ["a.json", "b.json"]
    assert all(not p.marks for p in found)
    with pytest.raises(pytest.UsageError, match=re.escape("matches 'cyclonedx/*.yaml'")):
        shared_files("cyclonedx/*.yaml", root=tmp_path)
