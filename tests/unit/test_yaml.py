"""The bounded safe YAML reader: plain data in, every hostile construct refused with a line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from fmbom import _yaml
from fmbom.errors import FmbomError, InputFormatError
from tests.conftest import DATA

HOSTILE = DATA / "deploy" / "hostile"


def test_reads_plain_data_with_merge_keys_and_yaml_1_1_scalars() -> None:
    text = (
        "defaults: &defaults {timeout: 30, retries: 2}\n"
        "router:\n"
        "  <<: *defaults\n"
        "  retries: 5\n"
        "  enabled: yes\n"
        "  created: 2024-05-01\n"
        "  ratio: 0.5\n"
        "  nothing: ~\n"
    )
    data = _yaml.loads(text, source="config.yaml")
    # The key stated in the mapping wins over the merged one; YAML 1.1 "yes" is a boolean,
    # as in the tools that read these configurations; timestamps stay the text written.
    assert data["router"] == {
        "timeout": 30,
        "retries": 5,
        "enabled": True,
        "created": "2024-05-01",
        "ratio": 0.5,
        "nothing": None,
    }


def test_stream_of_documents() -> None:
    assert _yaml.loads_all("kind: Service\n---\nkind: Deployment\n---\n") == [
        {"kind": "Service"},
        {"kind": "Deployment"},
        None,
    ]
    assert _yaml.loads("") is None
    assert _yaml.loads_all("# only a comment\n") == []


def test_single_document_reader_refuses_a_stream() -> None:
    with pytest.raises(InputFormatError, match=r"^k\.yaml: expected one YAML document, found 2"):
        _yaml.loads("a: 1\n---\nb: 2\n", source="k.yaml")


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("billion-laughs.yaml", 6, "more than 1000000 YAML nodes once aliases are expanded"),
        ("python-tag.yaml", 3, "YAML tag !!python/object/apply:os.system is not allowed"),
        ("custom-tag.yaml", 3, "YAML tag !Ref is not allowed"),
        ("recursive-alias.yaml", 2, "alias \\*r refers to itself"),
        ("duplicate-key.yaml", 6, "duplicate key 'mode' in one mapping \\(first on line 5\\)"),
        ("deep-flow.yaml", 1, "YAML nested deeper than 100 levels"),
    ],
)
def test_hostile_files_are_refused_naming_file_and_line(name: str, line: int, message: str) -> None:
    path = HOSTILE / name
    before = path.read_bytes()
    with pytest.raises(InputFormatError, match=f"^{re.escape(str(path))}:{line}: {message}"):
        _yaml.read(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: !!binary aGVsbG8=\n", 1, "YAML tag !!binary is not allowed"),
        ("a: !!set {x, y}\n", 1, "YAML tag !!set is not allowed"),
        ("a: !!omap [x: 1]\n", 1, "YAML tag !!omap is not allowed"),
        ("x: 1\n? [a, b]\n: 1\n", 2, "invalid YAML: found unhashable key"),
        ("a: *missing\n", 1, "alias \\*missing names no anchor"),
        ("a: 1\nb: [\n", 3, "invalid YAML: .*node content"),
        ("a: 1\nb: \x00\n", 2, "invalid YAML: (special|control) characters are not allowed"),
        ("n: " + "9" * 5000 + "\n", 1, "a number of 5000 characters"),
    ],
)
def test_invalid_yaml_names_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(InputFormatError, match=f"^in.yaml:{line}: {message}"):
        _yaml.loads(text, source="in.yaml")


def test_undecodable_bytes_name_the_line() -> None:
    with pytest.raises(InputFormatError, match=r"^b\.yaml:2: invalid YAML: invalid"):
        _yaml.loads(b"a: 1\n\xff\xfe\n", source="b.yaml")


def test_byte_order_mark_is_accepted() -> None:
    assert _yaml.loads(b"\xef\xbb\xbfa: 1\n") == {"a": 1}


def test_an_anchor_may_be_redefined_and_later_aliases_see_the_new_value() -> None:
    assert _yaml.loads("a: &x 1\nb: &x 2\nc: *x\n") == {"a": 1, "b": 2, "c": 2}


def test_size_limit_is_checked_before_parsing(tmp_path: Path) -> None:
    limits = _yaml.YamlLimits(max_bytes=1024)
    huge = tmp_path / "huge.yaml"
    huge.write_text("k: " + "x" * 4096 + "\n")
    with pytest.raises(InputFormatError, match=r"huge\.yaml: YAML file is larger than the 1024"):
        _yaml.read_all(huge, limits=limits)
    with pytest.raises(InputFormatError, match=r"^s: YAML is 4100 bytes, more than the 1024"):
        _yaml.loads("k: " + "x" * 4096 + "\n", source="s", limits=limits)


def test_default_size_limit_refuses_a_huge_file_without_reading_it_all(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(_yaml.DEFAULT_LIMITS.max_bytes * 4)
    with pytest.raises(InputFormatError, match="larger than the 8388608 allowed bytes"):
        _yaml.read(huge)


def test_node_limit_counts_every_alias_expansion() -> None:
    limits = _yaml.YamlLimits(max_nodes=30)
    # map 1, key 1, list 1 + 10, key 1, list 1 + two aliases of 11 nodes each: 37 nodes.
    text = "a: &a [1,2,3,4,5,6,7,8,9,10]\nb: [*a, *a]\n"
    with pytest.raises(InputFormatError, match=r"^<yaml>:2: more than 30 YAML nodes"):
        _yaml.loads(text, limits=limits)
    assert _yaml.loads(text, limits=_yaml.YamlLimits(max_nodes=37))["b"][1][9] == 10


def test_depth_limit_applies_to_block_and_flow_nesting() -> None:
    limits = _yaml.YamlLimits(max_depth=3)
    assert _yaml.loads("a:\n  b:\n    c: 1\n", limits=limits) == {"a": {"b": {"c": 1}}}
    with pytest.raises(InputFormatError, match="nested deeper than 3"):
        _yaml.loads("a:\n  b:\n    c: [1]\n", limits=limits)


def test_nesting_far_beyond_the_limit_is_refused_without_exhausting_the_stack() -> None:
    text = "k: " + "[" * 100_000 + "]" * 100_000 + "\n"
    with pytest.raises(
        InputFormatError, match=r"^d:1: (YAML nested deeper|invalid YAML: exceeded)"
    ):
        _yaml.loads(text, source="d")


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match=r"missing\.yaml: cannot read"):
        _yaml.read(tmp_path / "missing.yaml")


def test_errors_are_fmbom_errors() -> None:
    with pytest.raises(FmbomError):
        _yaml.loads("!Ref x")


# Control and line-separator characters are left out: PyYAML's dumper writes some of them
# (U+0085 in a plain key) in a form that no YAML reader gives back unchanged.
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")))
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | _TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(
                alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=8
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(_JSON)
def test_whatever_the_safe_dumper_writes_reads_back_equal(value: object) -> None:
    text = yaml.safe_dump({"value": value}, allow_unicode=True)
    assert _yaml.loads(text) == {"value": value}
    assert json.loads(json.dumps(_yaml.loads(text))) == {"value": value}
