"""SPDX license expressions: syntax and canonical comparison."""

from __future__ import annotations

import pytest

from fmbom.errors import ValidationError
from fmbom.licenses import license_key, licenses_key, parse_license_expression


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("MIT", "MIT"),
        ("llama3.2", "llama3.2"),
        ("GPL-2.0+", "GPL-2.0+"),
        ("LicenseRef-Acme-1", "LicenseRef-Acme-1"),
        ("DocumentRef-x-1:LicenseRef-y", "DocumentRef-x-1:LicenseRef-y"),
        ("MIT OR Apache-2.0", ("OR", ("MIT", "Apache-2.0"))),
        ("MIT and BSD-3-Clause", ("AND", ("MIT", "BSD-3-Clause"))),
        ("A OR B AND C", ("OR", ("A", ("AND", ("B", "C"))))),
        ("(A OR B) AND C", ("AND", (("OR", ("A", "B")), "C"))),
        (
            "GPL-2.0-only WITH Classpath-exception-2.0",
            ("WITH", ("GPL-2.0-only", "Classpath-exception-2.0")),
        ),
        ("  ((MIT))  ", "MIT"),
    ],
)
def test_parse(text: str, tree: object) -> None:
    assert parse_license_expression(text) == tree


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty license expression"),
        ("   ", "empty license expression"),
        ("MIT OR", "unexpected end in license expression 'MIT OR'"),
        ("MIT Apache-2.0", "unexpected 'Apache-2.0' in license expression"),
        ("(MIT", "unexpected end in license expression '(MIT'"),
        ("(MIT OR BSD-3-Clause MIT)", "missing ')' in license expression"),
        ("MIT)", "unexpected ')' in license expression"),
        ("AND MIT", "unexpected 'AND' in license expression"),
        ("MIT WITH", "unexpected end in license expression"),
        ("MIT WITH OR", "invalid exception id 'OR' in license expression"),
        ("MIT WITH (x)", "invalid exception id '(' in license expression"),
        ("MIT/Apache", "invalid character '/' in license expression 'MIT/Apache'"),
        ("Apache 2.0 ✓", "invalid character '✓' in license expression"),
        (")", "unexpected ')' in license expression"),
    ],
)
def test_malformed_expressions(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_license_expression(text)
    assert caught.value.message.startswith(message), caught.value.message


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("MIT OR Apache-2.0", "Apache-2.0 OR MIT"),
        ("mit", "MIT"),
        ("(MIT)", "MIT"),
        ("A AND (B AND C)", "(A AND B) AND C"),
        ("A OR (B AND C)", "(C AND B) OR A"),
        ("MIT OR MIT", "MIT"),
        ("GPL-2.0 WITH Classpath-exception-2.0", "gpl-2.0 with classpath-exception-2.0"),
        ("(A WITH E) OR B", "B OR A WITH E"),
    ],
)
def test_equivalent_expressions_share_a_key(one: str, two: str) -> None:
    assert license_key(one) == license_key(two)


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("MIT OR Apache-2.0", "MIT AND Apache-2.0"),
        ("A OR (B AND C)", "(A OR B) AND C"),
        ("GPL-2.0", "GPL-2.0+"),
        ("A WITH E", "A"),
    ],
)
def test_different_expressions_differ(one: str, two: str) -> None:
    assert license_key(one) != license_key(two)


def test_key_of_nested_operators() -> None:
    assert license_key("A OR (B AND C)") == "(b and c) or a"


def test_licenses_key_ignores_order_and_duplicates() -> None:
    assert licenses_key(("MIT", "Apache-2.0", "mit")) == licenses_key(("apache-2.0", "MIT"))
    assert licenses_key(()) == ()
