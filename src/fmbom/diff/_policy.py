"""Diff policies: severity overrides and ignored rules, globally or for one component kind.

A policy file is TOML::

    ignore = ["field-changed"]             # rules never reported

    [severity]                             # rule id = level
    license-changed = "critical"

    [kinds.software]                       # only for changes to software components
    ignore = ["relation-added"]
    severity = { version-upgraded = "info" }

Settings scoped to a kind win over global ones. Unknown keys, rule ids, levels or kinds are
errors that name the file and the key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import attrs

from fmbom._subject_ref import SubjectKind, subject_kind
from fmbom.diff._rules import RuleId
from fmbom.errors import PolicyError, ValidationError
from fmbom.severity import Severity

__all__ = ["Policy", "parse_severity_override"]


def _check_rule(rule: str | RuleId, where: str) -> RuleId:
    try:
        return RuleId.parse(rule)
    except ValidationError as error:
        raise PolicyError(error.message, where) from None


def _check_kind(kind: str | SubjectKind, where: str) -> SubjectKind:
    """A component kind or unit a policy scopes settings to (the ``[kinds.KIND]`` tables)."""
    try:
        return subject_kind(kind)
    except ValidationError as error:
        raise PolicyError(error.message, where) from None


def _check_level(level: object, where: str) -> Severity:
    if not isinstance(level, str):
        raise PolicyError(f"a severity must be a string, got {level!r}", where)
    try:
        return Severity.parse(level)
    except ValidationError as error:
        raise PolicyError(error.message, where) from None


def _rule_set(items: Iterable[str | RuleId]) -> frozenset[RuleId]:
    return frozenset(_check_rule(rule, "ignore") for rule in items)


def _rules_map(
    items: Mapping[str, Severity | str] | Mapping[RuleId, Severity | str],
) -> dict[RuleId, Severity]:
    return {
        _check_rule(rule, "severity"): _check_level(level, f"severity.{rule}")
        for rule, level in items.items()
    }


@attrs.frozen(kw_only=True)
class _Scope:
    ignore: frozenset[RuleId] = attrs.field(default=frozenset(), converter=_rule_set)
    severity: Mapping[RuleId, Severity] = attrs.field(factory=dict, converter=_rules_map)


def _scope(table: Any, where: str) -> _Scope:
    if not isinstance(table, dict):
        raise PolicyError("expected a table", where)
    unknown = sorted(set(table) - {"ignore", "severity"})
    if unknown:
        raise PolicyError(f"unknown key {unknown[0]!r} (expected ignore, severity)", where)
    ignore = table.get("ignore", [])
    if not isinstance(ignore, list):
        raise PolicyError("ignore must be a list of rule ids", f"{where}.ignore".lstrip("."))
    ignored = frozenset(
        _check_rule(r, f"{where}.ignore".lstrip(".")) if isinstance(r, str) else _bad_rule(r, where)
        for r in ignore
    )
    levels = table.get("severity", {})
    if not isinstance(levels, dict):
        raise PolicyError("severity must be a table of rule = level", f"{where}.severity")
    severity = {
        _check_rule(rule, f"{where}.severity".lstrip(".")): _check_level(
            level, f"{where}.severity.{rule}".lstrip(".")
        )
        for rule, level in levels.items()
    }
    return _Scope(ignore=ignored, severity=severity)


def _bad_rule(value: object, where: str) -> NoReturn:
    raise PolicyError(f"a rule id must be a string, got {value!r}", f"{where}.ignore")


def _kinds_map(
    items: Mapping[str, _Scope] | Mapping[SubjectKind, _Scope],
) -> dict[SubjectKind, _Scope]:
    return {_check_kind(kind, "kinds"): scope for kind, scope in items.items()}


@attrs.frozen(kw_only=True)
class Policy:
    """Severity overrides and ignored rules, optionally scoped to a component kind.

    Build one with :meth:`from_toml`, :meth:`load` or directly::

        Policy(ignore={"field-changed"}, severity={"license-changed": Severity.CRITICAL})
    """

    ignore: frozenset[RuleId] = attrs.field(default=frozenset(), converter=_rule_set)
    severity: Mapping[RuleId, Severity] = attrs.field(factory=dict, converter=_rules_map)
    kinds: Mapping[SubjectKind, _Scope] = attrs.field(factory=dict, converter=_kinds_map)

    @classmethod
    def from_mapping(cls, document: Mapping[str, Any], source: str = "policy") -> Policy:
        """Build a policy from a parsed TOML document; a :class:`PolicyError` naming
        ``source`` and the key otherwise."""
        try:
            return cls._from_mapping(document)
        except ValidationError as error:
            raise PolicyError(problems=error.problems, source=source) from None

    @classmethod
    def _from_mapping(cls, document: Mapping[str, Any]) -> Policy:
        unknown = sorted(set(document) - {"ignore", "severity", "kinds"})
        if unknown:
            raise PolicyError(f"unknown key {unknown[0]!r} (expected ignore, severity, kinds)")
        top = _scope({k: v for k, v in document.items() if k != "kinds"}, "")
        kinds_table = document.get("kinds", {})
        if not isinstance(kinds_table, dict):
            raise PolicyError("kinds must be a table of [kinds.KIND] tables", "kinds")
        kinds: dict[SubjectKind, _Scope] = {}
        for kind, table in kinds_table.items():
            known = _check_kind(kind, "kinds")
            kinds[known] = _scope(table, f"kinds.{kind}")
        return cls(ignore=top.ignore, severity=top.severity, kinds=kinds)

    @classmethod
    def from_toml(cls, text: str, source: str = "policy") -> Policy:
        """Parse a TOML policy document."""
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - exercised on Python 3.10 only
            import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise PolicyError(f"not valid TOML: {error}", source=source) from None
        return cls.from_mapping(document, source)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Policy:
        """Read a TOML policy file."""
        name = os.fspath(path)
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            why = getattr(error, "strerror", None) or str(error)
            raise PolicyError(f"cannot read policy: {why}", source=name) from None
        return cls.from_toml(text, name)

    def with_overrides(
        self,
        *,
        ignore: Iterable[str | RuleId] = (),
        severity: Mapping[str, Severity] | Mapping[RuleId, Severity] | None = None,
    ) -> Policy:
        """This policy with more ignored rules and global severity overrides (which win)."""
        return attrs.evolve(
            self,
            ignore=self.ignore | _rule_set(ignore),
            severity={**self.severity, **_rules_map(severity or {})},
        )

    def resolve(
        self, rule: str | RuleId, kind: str | SubjectKind, default: Severity
    ) -> Severity | None:
        """The severity a change gets under this policy, or None when it is ignored."""
        rule, kind = _check_rule(rule, "rule"), _check_kind(kind, "kind")
        scope = self.kinds.get(kind)
        if scope is not None:
            if rule in scope.ignore:
                return None
            if rule in scope.severity:
                return scope.severity[rule]
        if rule in self.ignore:
            return None
        return self.severity.get(rule, default)


def parse_severity_override(text: str) -> tuple[RuleId, Severity]:
    """Read a ``RULE=LEVEL`` override, such as ``license-changed=critical``."""
    rule, sep, level = text.partition("=")
    if not sep:
        raise PolicyError(f"expected RULE=LEVEL, got {text!r}", "--severity")
    return _check_rule(rule.strip(), "--severity"), _check_level(level, "--severity")
