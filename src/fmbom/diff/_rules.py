"""The rule catalog: every rule id a diff can report, with its default severity.

Rule ids are a public contract: new rules may be added, existing ones are never renamed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from fmbom._enums import parse_member
from fmbom.severity import Severity
from fmbom.vocabulary import Vocabulary

__all__ = ["RULES", "RuleId", "RuleInfo", "mirror_rule", "rule_id"]

_C = Severity.CRITICAL
_H = Severity.HIGH
_M = Severity.MEDIUM
_L = Severity.LOW
_I = Severity.INFO


class RuleId(Vocabulary):
    """Every rule id a diff can report. The values are a public contract: rules are added,
    never renamed; a member compares equal to its value (``RuleId.GUARD_REMOVED ==
    "guard-removed"``)."""

    DIGEST_CHANGED_SAME_VERSION = "digest-changed-same-version"
    GUARD_REMOVED = "guard-removed"
    UNSAFE_FORMAT_INTRODUCED = "unsafe-format-introduced"
    BASE_MODEL_CHANGED = "base-model-changed"
    TOKENIZER_CHANGED = "tokenizer-changed"
    LICENSE_CHANGED = "license-changed"
    ACCESS_ROUTE_CHANGED = "access-route-changed"
    VERSION_DOWNGRADED = "version-downgraded"
    SUPPLIER_CHANGED = "supplier-changed"
    DATASET_ADDED = "dataset-added"
    DATASET_REMOVED = "dataset-removed"
    PROVIDER_CHANGED = "provider-changed"
    PROVIDER_REGION_CHANGED = "provider-region-changed"
    ROUTE_ADDED = "route-added"
    ROUTE_REMOVED = "route-removed"
    ADAPTER_ADDED = "adapter-added"
    ADAPTER_REMOVED = "adapter-removed"
    QUANTIZATION_CHANGED = "quantization-changed"
    EVALUATION_REMOVED = "evaluation-removed"
    COMPONENT_ADDED = "component-added"
    COMPONENT_REMOVED = "component-removed"
    RELATION_ADDED = "relation-added"
    RELATION_REMOVED = "relation-removed"
    VERSION_UPGRADED = "version-upgraded"
    VERSION_CHANGED = "version-changed"
    DIGEST_CHANGED = "digest-changed"
    FIELD_CHANGED = "field-changed"
    GUARD_ADDED = "guard-added"
    UNSAFE_FORMAT_REMOVED = "unsafe-format-removed"
    EVALUATION_ADDED = "evaluation-added"
    COMPONENT_RENAMED = "component-renamed"
    SUBJECT_VERSION_CHANGED = "subject-version-changed"
    ROUTING_STRATEGY_CHANGED = "routing-strategy-changed"
    FALLBACK_ORDER_CHANGED = "fallback-order-changed"
    GUARD_POSITION_CHANGED = "guard-position-changed"

    @classmethod
    def parse(cls, text: str | RuleId) -> RuleId:
        """The rule ``text`` names; ``ValueError`` naming the known rules otherwise."""
        return parse_member(cls, text, "rule")


@attrs.frozen(kw_only=True)
class RuleInfo:
    """One rule of the catalog: its id, default severity, what triggers it, and its mirror."""

    id: RuleId
    severity: Severity
    trigger: str
    mirror: RuleId


def rule_id(value: str | RuleId) -> RuleId:
    """Converter: the :class:`RuleId` a string names (``ValueError`` for an unknown one)."""
    return RuleId.parse(value)


def _rules(*rows: tuple[RuleId, Severity, str, RuleId | None]) -> Mapping[RuleId, RuleInfo]:
    table = {
        rule: RuleInfo(id=rule, severity=severity, trigger=trigger, mirror=mirror or rule)
        for rule, severity, trigger, mirror in rows
    }
    return MappingProxyType(table)


#: Every rule, by id. ``mirror`` is the rule the same change gets when the diff is reversed.
RULES: Final[Mapping[RuleId, RuleInfo]] = _rules(
    (RuleId.DIGEST_CHANGED_SAME_VERSION, _C, "content digest changed, version did not", None),
    (RuleId.GUARD_REMOVED, _C, "a guard model, or what it guards, was removed", RuleId.GUARD_ADDED),
    (
        RuleId.UNSAFE_FORMAT_INTRODUCED,
        _C,
        "weights in a format that can run code on load (pytorch-pickle) appear",
        RuleId.UNSAFE_FORMAT_REMOVED,
    ),
    (
        RuleId.BASE_MODEL_CHANGED,
        _H,
        "a derived-from, quantized-from or adapts target changed identity",
        None,
    ),
    (
        RuleId.TOKENIZER_CHANGED,
        _H,
        "the tokenizer used was swapped or its vocabulary changed",
        None,
    ),
    (RuleId.LICENSE_CHANGED, _H, "license expressions differ (equivalent forms are equal)", None),
    (RuleId.ACCESS_ROUTE_CHANGED, _H, "a model's access route changed", None),
    (RuleId.VERSION_DOWNGRADED, _H, "the version went down", RuleId.VERSION_UPGRADED),
    (
        RuleId.SUPPLIER_CHANGED,
        _H,
        "group, supplier or purl namespace changed (a possible substitution)",
        None,
    ),
    (RuleId.DATASET_ADDED, _H, "a dataset appeared", RuleId.DATASET_REMOVED),
    (RuleId.DATASET_REMOVED, _M, "a dataset disappeared", RuleId.DATASET_ADDED),
    (
        RuleId.PROVIDER_CHANGED,
        _H,
        "an endpoint or provider organisation changed, or a model moved provider",
        None,
    ),
    (RuleId.PROVIDER_REGION_CHANGED, _M, "an inference provider's region changed", None),
    (RuleId.ROUTE_ADDED, _M, "a router gained a route", RuleId.ROUTE_REMOVED),
    (RuleId.ROUTE_REMOVED, _M, "a router lost a route", RuleId.ROUTE_ADDED),
    (RuleId.ADAPTER_ADDED, _M, "an adapter appeared", RuleId.ADAPTER_REMOVED),
    (RuleId.ADAPTER_REMOVED, _M, "an adapter disappeared", RuleId.ADAPTER_ADDED),
    (
        RuleId.QUANTIZATION_CHANGED,
        _M,
        "weights quantization (method, bits, group size) changed",
        None,
    ),
    (RuleId.EVALUATION_REMOVED, _M, "a governance evaluation disappeared", RuleId.EVALUATION_ADDED),
    (
        RuleId.COMPONENT_ADDED,
        _M,
        "a component of a kind without its own rule appeared",
        RuleId.COMPONENT_REMOVED,
    ),
    (
        RuleId.COMPONENT_REMOVED,
        _M,
        "a component of a kind without its own rule disappeared",
        RuleId.COMPONENT_ADDED,
    ),
    (
        RuleId.RELATION_ADDED,
        _L,
        "a relation between kept components appeared",
        RuleId.RELATION_REMOVED,
    ),
    (
        RuleId.RELATION_REMOVED,
        _L,
        "a relation between kept components disappeared",
        RuleId.RELATION_ADDED,
    ),
    (
        RuleId.VERSION_UPGRADED,
        _L,
        "the version went up (a major bump is medium)",
        RuleId.VERSION_DOWNGRADED,
    ),
    (RuleId.VERSION_CHANGED, _L, "the version changed and the versions do not order", None),
    (RuleId.DIGEST_CHANGED, _L, "content digest changed together with the version", None),
    (RuleId.FIELD_CHANGED, _I, "any other field changed", None),
    (RuleId.GUARD_ADDED, _L, "a guard model, or what it guards, was added", RuleId.GUARD_REMOVED),
    (
        RuleId.UNSAFE_FORMAT_REMOVED,
        _I,
        "pickle-based weights were replaced or removed",
        RuleId.UNSAFE_FORMAT_INTRODUCED,
    ),
    (RuleId.EVALUATION_ADDED, _I, "a governance evaluation appeared", RuleId.EVALUATION_REMOVED),
    (RuleId.COMPONENT_RENAMED, _L, "a component was renamed, its content digest is the same", None),
    (RuleId.SUBJECT_VERSION_CHANGED, _I, "the version of the described system changed", None),
    (
        RuleId.ROUTING_STRATEGY_CHANGED,
        _M,
        "a router's strategy changed (rule, classifier, cost, latency, fallback, load balance)",
        None,
    ),
    (
        RuleId.FALLBACK_ORDER_CHANGED,
        _M,
        "the order of a router's routes changed (another route is tried first)",
        None,
    ),
    (
        RuleId.GUARD_POSITION_CHANGED,
        _H,
        "a guard model filters other traffic (input, output or both)",
        None,
    ),
)


def mirror_rule(rule: str | RuleId) -> RuleId:
    """The rule the same change is reported under when old and new are swapped."""
    return RULES[RuleId.parse(rule)].mirror
