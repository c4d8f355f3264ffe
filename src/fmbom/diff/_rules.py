"""The rule catalog: every rule id a diff can report, with its default severity.

Rule ids are a public contract: new rules may be added, existing ones are never renamed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from fmbom.severity import Severity

__all__ = ["RULES", "RuleInfo", "mirror_rule"]

_C = Severity.CRITICAL
_H = Severity.HIGH
_M = Severity.MEDIUM
_L = Severity.LOW
_I = Severity.INFO


@attrs.frozen(kw_only=True)
class RuleInfo:
    """One rule of the catalog: its id, default severity and what triggers it."""

    id: str
    severity: Severity
    trigger: str
    mirror: str


def _rules(*rows: tuple[str, Severity, str, str]) -> Mapping[str, RuleInfo]:
    table = {
        r[0]: RuleInfo(id=r[0], severity=r[1], trigger=r[2], mirror=r[3] or r[0]) for r in rows
    }
    return MappingProxyType(table)


#: Every rule, by id. ``mirror`` is the rule the same change gets when the diff is reversed.
RULES: Final[Mapping[str, RuleInfo]] = _rules(
    ("digest-changed-same-version", _C, "content digest changed, version did not", ""),
    ("guard-removed", _C, "a guard model, or what it guards, was removed", "guard-added"),
    (
        "unsafe-format-introduced",
        _C,
        "weights in a format that can run code on load (pytorch-pickle) appear",
        "unsafe-format-removed",
    ),
    (
        "base-model-changed",
        _H,
        "a derived-from, quantized-from or adapts target changed identity",
        "",
    ),
    ("tokenizer-changed", _H, "the tokenizer used was swapped or its vocabulary changed", ""),
    ("license-changed", _H, "license expressions differ (equivalent forms are equal)", ""),
    ("access-route-changed", _H, "a model's access route changed", ""),
    ("version-downgraded", _H, "the version went down", "version-upgraded"),
    (
        "supplier-changed",
        _H,
        "group, supplier or purl namespace changed (a possible substitution)",
        "",
    ),
    ("dataset-added", _H, "a dataset appeared", "dataset-removed"),
    ("dataset-removed", _M, "a dataset disappeared", "dataset-added"),
    (
        "provider-changed",
        _H,
        "an endpoint or provider organisation changed, or a model moved provider",
        "",
    ),
    ("provider-region-changed", _M, "an inference provider's region changed", ""),
    ("route-added", _M, "a router gained a route", "route-removed"),
    ("route-removed", _M, "a router lost a route", "route-added"),
    ("adapter-added", _M, "an adapter appeared", "adapter-removed"),
    ("adapter-removed", _M, "an adapter disappeared", "adapter-added"),
    ("quantization-changed", _M, "weights quantization (method, bits, group size) changed", ""),
    ("evaluation-removed", _M, "a governance evaluation disappeared", "evaluation-added"),
    (
        "component-added",
        _M,
        "a component of a kind without its own rule appeared",
        "component-removed",
    ),
    (
        "component-removed",
        _M,
        "a component of a kind without its own rule disappeared",
        "component-added",
    ),
    ("relation-added", _L, "a relation between kept components appeared", "relation-removed"),
    ("relation-removed", _L, "a relation between kept components disappeared", "relation-added"),
    ("version-upgraded", _L, "the version went up (a major bump is medium)", "version-downgraded"),
    ("version-changed", _L, "the version changed and the versions do not order", ""),
    ("digest-changed", _L, "content digest changed together with the version", ""),
    ("field-changed", _I, "any other field changed", ""),
    ("guard-added", _L, "a guard model, or what it guards, was added", "guard-removed"),
    (
        "unsafe-format-removed",
        _I,
        "pickle-based weights were replaced or removed",
        "unsafe-format-introduced",
    ),
    ("evaluation-added", _I, "a governance evaluation appeared", "evaluation-removed"),
    ("component-renamed", _L, "a component was renamed, its content digest is the same", ""),
    ("subject-version-changed", _I, "the version of the described system changed", ""),
)


def mirror_rule(rule: str) -> str:
    """The rule the same change is reported under when old and new are swapped."""
    return RULES[rule].mirror
