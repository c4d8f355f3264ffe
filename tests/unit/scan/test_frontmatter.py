"""The card front-matter reader: every card of the corpus, and the YAML subset it supports."""

from __future__ import annotations

from pathlib import Path

import pytest

from fmbom.scan._frontmatter import FrontMatterError, parse_front_matter, split_front_matter

DATA = Path(__file__).resolve().parents[2] / "data" / "scan"
CARDS = sorted(DATA.rglob("*.md"))
#: Corpus files that are plain Markdown: no front matter at their start.
WITHOUT_FRONT_MATTER = {
    "cards/genz_USE_POLICY.md",
    "cards/llama-guard-3-1b_MODEL_CARD.md",
    "cards/llama-guard-3-1b_README.md",
    "cards/llama-prompt-guard-2-86m_MODEL_CARD.md",
    "cards/llama-prompt-guard-2-86m_README.md",
    "cards/noinstruct-README.mirror-head.md",  # an image line precedes the front matter
    "cards/spdx_ai-example01_README.md",
    "fracast/README.md",
}


def _parse(text: str) -> dict[str, object]:
    block = split_front_matter(text)
    assert block is not None
    return parse_front_matter(*block)


def test_the_corpus_has_cards() -> None:
    assert len(CARDS) >= 20


@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.relative_to(DATA).as_posix())
def test_every_card_of_the_corpus(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    block = split_front_matter(text)
    name = path.relative_to(DATA).as_posix()
    if name in WITHOUT_FRONT_MATTER:
        assert block is None
        return
    assert block is not None
    parsed = parse_front_matter(*block)
    # every top-level key of the block is read, in order
    keys = [line.split(":", 1)[0] for line in block[0].splitlines() if line[:1].isalpha()]
    assert list(parsed) == keys


def test_scalars_lists_and_nested_maps() -> None:
    text = (
        "---\n"
        "license: apache-2.0\n"
        "count: 12\n"
        "ratio: 0.5\n"
        "flag: true\n"
        "none: null\n"
        "quoted: 'it''s: here'\n"
        'double: "tab\\there \\u00e9"\n'
        "flow: [a, 'b c', 3]\n"
        "empty: []\n"
        "tags:\n"
        "  - one   # a comment\n"
        "  - two\n"
        "same_indent:\n"
        "- x\n"
        "model-index:\n"
        "- name: m\n"
        "  results:\n"
        "  - task:\n"
        "      type: Classification\n"
        "    metrics:\n"
        "    - type: accuracy\n"
        "      value: 75.5\n"
        "---\n"
        "# body\n"
    )
    assert _parse(text) == {
        "license": "apache-2.0",
        "count": 12,
        "ratio": 0.5,
        "flag": True,
        "none": None,
        "quoted": "it's: here",
        "double": "tab\there \u00e9",
        "flow": ["a", "b c", 3],
        "empty": [],
        "tags": ["one", "two"],
        "same_indent": ["x"],
        "model-index": [
            {
                "name": "m",
                "results": [
                    {
                        "task": {"type": "Classification"},
                        "metrics": [{"type": "accuracy", "value": 75.5}],
                    }
                ],
            }
        ],
    }


def test_multi_line_scalars() -> None:
    text = (
        "---\n"
        "folded: >-\n"
        "  one\n"
        "  two\n"
        "\n"
        "  three\n"
        "literal: |\n"
        "  line 1\n"
        "  line 2\n"
        "quoted: '### User:\n"
        "\n"
        "  {prompt}\n"
        "\n"
        "  '\n"
        "plain: first\n"
        "  second\n"
        "---\n"
    )
    assert _parse(text) == {
        "folded": "one two\nthree",
        "literal": "line 1\nline 2\n",
        "quoted": "### User:\n{prompt}\n",
        "plain": "first second",
    }


@pytest.mark.parametrize(
    "body",
    [
        "base: &anchor x\n",
        "copy: *anchor\n",
        "typed: !!str 3\n",
        "nested: [a, [b]]\n",
        "broken: 'unterminated\n",
        "  bad indentation: 1\nkey: 2\n",
        "just a sentence without a colon\n",
    ],
)
def test_unsupported_or_malformed_input_is_an_error(body: str) -> None:
    block = split_front_matter(f"---\n{body}---\n")
    assert block is not None
    with pytest.raises(FrontMatterError, match="line"):
        parse_front_matter(*block)


def test_no_front_matter() -> None:
    assert split_front_matter("# Title\n---\nkey: value\n---\n") is None
    assert split_front_matter("---\nkey: value\n") is None  # never closed
    assert split_front_matter("\n\n---\nkey: 1\n...\n") == ("key: 1", 4)
