"""Policies: TOML files, kind scopes, CLI-style overrides and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fmbom import Bom
from fmbom.diff import Policy, Severity, diff, parse_severity_override
from fmbom.errors import PolicyError, ValidationError
from fmbom.model import ComponentKind
from tests.unit.diff._system import evolve, system

POLICY = """
ignore = ["field-changed"]

[severity]
license-changed = "critical"

[kinds.software]
ignore = ["component-removed"]
severity = { version-upgraded = "info" }
"""


@pytest.fixture(scope="module")
def base() -> Bom:
    return system()


def test_toml_policy_overrides_and_ignores(base: Bom) -> None:
    policy = Policy.from_toml(POLICY)
    new = evolve(base, "m-base", licenses=("MIT",))
    new = evolve(new, "d-web", description="changed")
    new = evolve(new, "s-vllm", version="0.6.0")
    result = diff(base, new, policy)
    assert sorted((c.rule, c.severity) for c in result.changes) == [
        ("license-changed", Severity.CRITICAL),
        ("version-upgraded", Severity.INFO),
    ]


def test_kind_scope_applies_only_to_that_kind(base: Bom) -> None:
    policy = Policy.from_toml(POLICY)
    result = diff(base, base.remove("s-vllm").remove("a-lora"), policy)
    assert [c.rule for c in result.changes] == ["adapter-removed"]


def test_overrides_win_over_the_file(base: Bom) -> None:
    policy = Policy.from_toml(POLICY).with_overrides(
        ignore=["license-changed"], severity={"dataset-removed": Severity.HIGH}
    )
    result = diff(base, evolve(base, "m-base", licenses=("MIT",)).remove("d-sft"), policy)
    assert [(c.rule, c.severity) for c in result.changes] == [("dataset-removed", Severity.HIGH)]


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY, encoding="utf-8")
    policy = Policy.load(path)
    assert policy.resolve("license-changed", "model", Severity.HIGH) is Severity.CRITICAL
    assert policy.resolve("field-changed", "model", Severity.INFO) is None
    assert policy.resolve("component-removed", "software", Severity.MEDIUM) is None
    assert policy.resolve("component-removed", "dataset", Severity.MEDIUM) is Severity.MEDIUM


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('ignore = ["no-such-rule"]', "unknown rule 'no-such-rule'"),
        ('[severity]\nlicense-changed = "huge"', "unknown severity 'huge'"),
        ("[severity]\nlicense-changed = 3", "a severity must be a string"),
        ('colour = "red"', "unknown key 'colour'"),
        ('[kinds.spaceship]\nignore = ["field-changed"]', "unknown component kind 'spaceship'"),
        ('[kinds.model]\nignored = ["field-changed"]', "unknown key 'ignored'"),
        ('ignore = "field-changed"', "ignore must be a list"),
        ("ignore = [3]", "a rule id must be a string"),
    ],
)
def test_bad_policies_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message) as caught:
        Policy.from_toml(text, "p.toml")
    assert caught.value.source == "p.toml"
    assert str(caught.value).startswith("p.toml: ")
    assert "p.toml" not in caught.value.path


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not valid TOML") as caught:
        Policy.from_toml("ignore = [", "p.toml")
    assert caught.value.source == "p.toml"
    missing = tmp_path / "missing.toml"
    with pytest.raises(PolicyError, match="cannot read policy") as caught:
        Policy.load(missing)
    assert caught.value.source == str(missing)


def test_severity_override_parsing() -> None:
    assert parse_severity_override("license-changed=Critical") == (
        "license-changed",
        Severity.CRITICAL,
    )
    with pytest.raises(PolicyError, match="RULE=LEVEL"):
        parse_severity_override("license-changed")
    with pytest.raises(PolicyError, match="unknown rule"):
        parse_severity_override("nope=high")
    with pytest.raises(PolicyError, match="unknown severity 'huge'") as caught:
        parse_severity_override("license-changed=huge")
    assert caught.value.path == "--severity"


def test_unknown_severity_and_profile_names_are_validation_errors() -> None:
    from fmbom.check import Profile, check

    with pytest.raises(ValidationError, match="unknown severity 'severe'"):
        Severity.parse("severe")
    with pytest.raises(ValidationError, match="unknown profile 'iso'"):
        Profile.parse("iso")
    with pytest.raises(ValidationError, match="unknown profile 'iso'"):
        check(Bom.create("system"), "iso")


def test_policy_built_directly_checks_rules() -> None:
    with pytest.raises(PolicyError, match="unknown rule"):
        Policy(ignore={"nope"})
    with pytest.raises(ValidationError, match="unknown component kind"):
        Policy(kinds={"spaceship": Policy.from_toml("[kinds.model]").kinds[ComponentKind.MODEL]})
