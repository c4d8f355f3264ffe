"""Check output of the example system, compared with golden files (``--update-goldens``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fmbom import read_bom
from fmbom.check import CATALOGUE, check, to_json, to_markdown, to_text
from tests.conftest import EXAMPLES

RENDERERS = {"txt": to_text, "json": to_json, "md": to_markdown}


@pytest.mark.parametrize("example", ["assistant-v1", "assistant-v2"])
@pytest.mark.parametrize("profile", ["minimum-record", "eu-ai-act-gpai"])
@pytest.mark.parametrize("extension", sorted(RENDERERS))
def test_example_check_output(
    example: str, profile: str, extension: str, golden: Callable[[str, str], None]
) -> None:
    result = check(read_bom(EXAMPLES / f"{example}.json"), profile)
    golden(f"check/{example}.{profile}.{extension}", RENDERERS[extension](result))


def test_example_findings_name_real_gaps() -> None:
    ids = {(f.id, f.subject.ref) for f in check(read_bom(EXAMPLES / "assistant-v1.json")).findings}
    # the base model of the example carries no governance record, and its weights are gated
    assert ("record-section-missing", "model:acme-lm-8b") in ids
    assert ("open-weights-without-misuse-assessment", "model:acme-lm-8b") in ids


def test_docs_list_every_finding_and_the_example_output(golden: Callable[[str, str], None]) -> None:
    page = (EXAMPLES.parent / "check.md").read_text(encoding="utf-8")
    for rule_id in CATALOGUE:
        assert f"| `{rule_id}` |" in page, rule_id
    assert "not** a finding that" in page
    result = check(read_bom(EXAMPLES / "assistant-v1.json"))
    golden("../../docs/examples/assistant-v1.check.txt", to_text(result))
