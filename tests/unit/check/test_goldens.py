"""Check output of the example system, compared with golden files (``--update-goldens``)."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from fmbom import GuardModel, Model, ModelRole, read_bom
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


def test_example_passes_until_a_part_of_its_record_goes(
    golden: Callable[[str, str], None],
) -> None:
    bom = read_bom(EXAMPLES / "assistant-v1.json")
    assert check(bom).passed
    assert check(bom, "eu-ai-act-gpai").passed
    base = next(c for c in bom.of_type(Model) if c.role is ModelRole.BASE)
    guard = bom.of_type(GuardModel)[0]
    broken = bom.replace(attrs.evolve(base, governance=None)).remove(guard.ref)
    found = {(f.id, f.subject.ref) for f in check(broken).findings}
    assert ("no-guard-for-end-users", None) in found
    assert ("record-section-missing", base.ref) in found
    assert ("open-weights-without-misuse-assessment", base.ref) in found
    gpai = {(f.id, f.subject.ref) for f in check(broken, "eu-ai-act-gpai").findings}
    assert ("gpai-copyright-policy-missing", base.ref) in gpai
    golden("../../docs/examples/assistant-v1-gaps.check.txt", to_text(check(broken)))


def test_docs_list_every_finding_and_the_example_output(golden: Callable[[str, str], None]) -> None:
    page = (EXAMPLES.parent / "check.md").read_text(encoding="utf-8")
    for rule_id in CATALOGUE:
        assert f"| `{rule_id}` |" in page, rule_id
    assert "not** a finding that" in page
    result = check(read_bom(EXAMPLES / "assistant-v1.json"))
    golden("../../docs/examples/assistant-v1.check.txt", to_text(result))
