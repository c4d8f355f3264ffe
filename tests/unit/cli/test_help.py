"""Help texts: every option that takes a value shows its default and its choices, and the
choices come from the library's vocabularies."""

from __future__ import annotations

import argparse
from enum import Enum

import pytest

from fmbom.check import CheckFormat, Profile
from fmbom.cli import VERBS, build_parser
from fmbom.cyclonedx import SpecVersion
from fmbom.diff import DiffFormat
from fmbom.graph import GraphFormat
from fmbom.io import OutputFormat
from fmbom.report import ReportFormat
from fmbom.severity import FAIL_ON_CHOICES, Severity


def _verbs() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no verbs")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("verb", VERBS)
def test_every_option_shows_its_default_and_choices(verb: str) -> None:
    parser = _verbs()[verb]
    formatter = parser._get_formatter()
    shown = _flat(parser.format_help())
    for action in parser._actions:
        if not action.option_strings or action.nargs == 0:
            continue
        text = _flat(formatter._expand_help(action))
        assert "default" in text, (verb, action.option_strings, text)
        for choice in action.choices or ():
            assert str(choice) in shown, (verb, action.option_strings, choice)


@pytest.mark.parametrize(
    ("verb", "option", "vocabulary"),
    [
        ("export", "--format", OutputFormat),
        ("export", "--spec-version", SpecVersion),
        ("scan", "--format", OutputFormat),
        ("scan", "--spec-version", SpecVersion),
        ("diff", "--format", DiffFormat),
        ("check", "--format", CheckFormat),
        ("check", "--profile", Profile),
        ("report", "--profile", Profile),
        ("report", "--format", ReportFormat),
        ("graph", "--format", GraphFormat),
    ],
)
def test_choices_come_from_the_vocabularies(verb: str, option: str, vocabulary: type[Enum]) -> None:
    (action,) = [a for a in _verbs()[verb]._actions if option in a.option_strings]
    assert list(action.choices or ()) == [member.value for member in vocabulary]


@pytest.mark.parametrize("verb", ["diff", "check"])
def test_fail_on_choices_are_the_severities_and_never(verb: str) -> None:
    (action,) = [a for a in _verbs()[verb]._actions if "--fail-on" in a.option_strings]
    assert list(action.choices or ()) == list(FAIL_ON_CHOICES)
    assert (*(s.value for s in sorted(Severity, reverse=True)), "never") == FAIL_ON_CHOICES


def test_spec_versions_are_the_ones_written() -> None:
    from fmbom.cyclonedx import DEFAULT_SPEC_VERSION, SPEC_VERSIONS

    assert tuple(v.value for v in SpecVersion) == SPEC_VERSIONS
    assert SpecVersion(DEFAULT_SPEC_VERSION) in SpecVersion
