"""The bounded JSON reader proves shallow documents shallow from their text, exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fmbom import _bounded
from fmbom.errors import InputFormatError
from tests.profiles import examples

_TEXT = st.text(alphabet='ab[]{}"\\\u00e9 ', max_size=6)
_JSON: Any = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), _TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=12,
)


def _nested(depth: int, inner: str = "1") -> str:
    text = inner
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"k": {text}}}'
    return text


def _read(text: str | bytes, max_depth: int) -> Any:
    try:
        return ("ok", _bounded.loads_json(text, "f.json", max_depth=max_depth))
    except InputFormatError as error:
        return ("error", str(error))


def _both(text: str | bytes, max_depth: int = _bounded.MAX_DEPTH) -> Any:
    found = _read(text, max_depth)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_bounded, "SHALLOW_CHECK", False)
        walked = _read(text, max_depth)
    assert found == walked
    return found


@examples(200)
@given(value=_JSON, depth=st.integers(0, 12), max_depth=st.integers(0, 12))
def test_the_text_check_agrees_with_the_walk(value: Any, depth: int, max_depth: int) -> None:
    text = _nested(depth, json.dumps(value))
    _both(text, max_depth)
    _both(text.encode("utf-8"), max_depth)
    _both(text.encode("utf-16"), max_depth)


@pytest.mark.parametrize("depth", [1, 63, 64, 65, 127, 128, 129, 130, 400])
def test_documents_around_the_limit(depth: int) -> None:
    kind, found = _both(_nested(depth))
    assert kind == ("ok" if depth <= _bounded.MAX_DEPTH + 1 else "error")
    if kind == "error":
        assert "nested deeper than 128 levels" in found


@pytest.mark.parametrize(
    "text",
    ['{"a": "[[[[["}', '["\\"", "]"]', '{"k\\\\": ["}"]}', '"just a string"', "[1, 2.5, null]"],
)
def test_strings_holding_brackets_quotes_and_escapes(text: str) -> None:
    assert _both(text) == ("ok", json.loads(text))


def test_the_text_check_decides_without_walking() -> None:
    assert _bounded._shallow(_nested(128).encode(), 128)  # objects and arrays in turn
    assert _bounded._shallow(b"[" * 64 + b"]" * 64, 128)
    assert not _bounded._shallow(b"[" * 65 + b"]" * 65, 128)  # not proven: walked
    assert not _bounded._shallow(_nested(129).encode(), 128)
    # What strings hold is not structure, escapes included.
    assert _bounded._shallow(b'["a]"]', 128)
    assert _bounded._shallow(b'["' + b"[" * 300 + b'"]', 2)
    assert _bounded._shallow(b'[["\\\\"], ["\\"[\\n"]]', 4)
    assert not _bounded._shallow(b'[["\\\\"], ["\\"[\\n"]]', 2)
    # The quote after an escaped backslash ends the string: the brackets after it count.
    assert not _bounded._shallow(b'["\\\\", [[1]]]', 4)
    assert _bounded._shallow(b'["\\\\", [[1]]]', 6)
    assert _bounded._shallow('{"\u00e9": [[]]}', 6)
