"""Each kind of configuration change gives the right diff rule and severity.

Every test copies a real configuration, edits the copy the way an operator would, scans both
and diffs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fmbom import native
from fmbom.cli import main
from fmbom.diff import RuleId, diff
from fmbom.scan import scan
from fmbom.severity import Severity
from tests.conftest import DATA

DEPLOY = DATA / "deploy"


def _pair(tmp_path: Path, source: Path, edit: tuple[str, str], name: str = "") -> tuple[Path, Path]:
    text = source.read_text(encoding="utf-8")
    old_text, new_text = edit
    assert old_text in text, old_text
    old = tmp_path / "old" / (name or source.name)
    new = tmp_path / "new" / (name or source.name)
    old.parent.mkdir(parents=True, exist_ok=True)
    new.parent.mkdir(parents=True, exist_ok=True)
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace(old_text, new_text, 1), encoding="utf-8")
    return old, new


def _changes(old: Path, new: Path) -> list[tuple[str, Severity, str]]:
    result = diff(scan(old).bom, scan(new).bom)
    return [(str(c.rule), c.severity, c.subject.name) for c in result.changes]


def test_an_unchanged_copy_elsewhere_is_no_change(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "proxy_server_config.yaml"
    old, new = _pair(tmp_path, source, ("model_list:", "model_list:"))
    assert _changes(old, new) == []


def test_removing_a_litellm_guardrail_is_critical(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "ibm_guardrails_example_config.yaml"
    start = source.read_text(encoding="utf-8").index("# Example 3")
    block = source.read_text(encoding="utf-8")[start:].split("\n# Usage", 1)[0]
    old, new = _pair(tmp_path, source, (block, ""))
    assert _changes(old, new) == [
        ("guard-removed", Severity.CRITICAL, "ibm-pii-detector"),
    ]


def test_removing_a_nemo_output_rail_is_critical(tmp_path: Path) -> None:
    source = DEPLOY / "nemo" / "content_safety" / "config.yml"
    rail = '  output:\n    flows:\n      - content safety check output $model="llama_guard_2"\n'
    old, new = _pair(tmp_path, source, (rail, ""))
    changes = _changes(old, new)
    assert changes[0] == (
        "guard-removed",
        Severity.CRITICAL,
        'content safety check output $model="llama_guard_2"',
    )
    assert all(severity is not Severity.CRITICAL for _, severity, _ in changes[1:])


def test_a_removed_guard_fails_the_release_pipeline(tmp_path: Path) -> None:
    source = DEPLOY / "nemo" / "llama_guard" / "config.yml"
    old, new = _pair(tmp_path, source, ("      - llama guard check output\n", ""))
    old_bom, new_bom = tmp_path / "old.json", tmp_path / "new.json"
    assert main(["scan", str(old), "-o", str(old_bom)]) == 0
    assert main(["scan", str(new), "-o", str(new_bom)]) == 0
    report = tmp_path / "report.json"
    code = main(
        [
            "diff",
            str(old_bom),
            str(new_bom),
            "--format",
            "json",
            "--fail-on",
            "critical",
            "-o",
            str(report),
        ]
    )
    assert code == 1
    assert '"rule": "guard-removed"' in report.read_text(encoding="utf-8")
    assert main(["diff", str(old_bom), str(old_bom), "--fail-on", "critical"]) == 0


def test_moving_a_guardrail_from_pre_to_post_call_is_a_position_change(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "ibm_guardrails_example_config.yaml"
    old, new = _pair(
        tmp_path, source, ("mode: pre_call  # or post_call, during_call", "mode: post_call")
    )
    assert _changes(old, new) == [
        ("guard-position-changed", Severity.HIGH, "ibm-jailbreak-detector"),
    ]
    (change,) = diff(scan(old).bom, scan(new).bom).changes
    assert (change.rule, change.before, change.after) == (
        RuleId.GUARD_POSITION_CHANGED,
        "input",
        "output",
    )


def test_a_changed_routing_strategy_is_one_change(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "proxy_server_config.yaml"
    edit = ("routing_strategy: usage-based-routing-v2", "routing_strategy: latency-based-routing")
    old, new = _pair(tmp_path, source, edit)
    assert _changes(old, new) == [
        ("routing-strategy-changed", Severity.MEDIUM, "litellm proxy"),
    ]
    (change,) = diff(scan(old).bom, scan(new).bom).changes
    assert (change.before, change.after) == ("usage-based-routing-v2", "latency-based-routing")


def test_a_stated_default_strategy_is_still_a_routing_strategy_change(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "load_balancer.yaml"
    edit = (
        "litellm_settings:\n",
        "router_settings:\n  routing_strategy: least-busy\nlitellm_settings:\n",
    )
    old, new = _pair(tmp_path, source, edit)
    rules = {(rule, severity) for rule, severity, _ in _changes(old, new)}
    assert ("routing-strategy-changed", Severity.MEDIUM) in rules


def test_reordered_fallbacks_are_a_fallback_order_change(tmp_path: Path) -> None:
    config = (
        "model_list:\n"
        "  - {model_name: a, litellm_params: {model: openai/a}}\n"
        "  - {model_name: b, litellm_params: {model: openai/b}}\n"
        "  - {model_name: c, litellm_params: {model: anthropic/c}}\n"
        "router_settings:\n"
        "  fallbacks: [{a: [b, c]}]\n"
    )
    source = tmp_path / "config.yaml"
    source.write_text(config, encoding="utf-8")
    old, new = _pair(tmp_path, source, ("[b, c]", "[c, b]"))
    assert _changes(old, new) == [
        ("fallback-order-changed", Severity.MEDIUM, "model group a"),
        ("fallback-order-changed", Severity.MEDIUM, "model group a"),
    ]


def test_a_moved_endpoint_is_a_provider_change(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "proxy_server_config.yaml"
    edit = (
        "      model: azure/chatgpt-v-2\n      api_base: https://openai-gpt-4-test-v-1.openai.azure.com/",
        "      model: azure/chatgpt-v-2\n      api_base: https://other.openai.azure.com/",
    )
    old, new = _pair(tmp_path, source, edit)
    assert _changes(old, new) == [
        ("provider-changed", Severity.HIGH, "gpt-3.5-turbo-end-user-test -> azure/chatgpt-v-2"),
    ]


def test_a_moved_region_is_a_region_change(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "proxy_server_config.yaml"
    old, new = _pair(tmp_path, source, ('region_name: "eu"', 'region_name: "us"'))
    assert _changes(old, new) == [
        (
            "provider-region-changed",
            Severity.MEDIUM,
            "gpt-3.5-turbo-end-user-test -> gpt-3.5-turbo #1",
        ),
    ]


def test_an_added_deployment_is_a_route_and_provider_added(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "guardrails_eu_ai_act.yaml"
    extra = (
        "  - model_name: gpt-4o-mini\n"
        "    litellm_params:\n"
        "      model: azure/gpt-4o-mini\n"
        "      api_base: https://eu.openai.azure.com/\n\nguardrails:"
    )
    old, new = _pair(tmp_path, source, ("\nguardrails:", extra))
    rules = sorted((rule, severity) for rule, severity, _ in _changes(old, new))
    assert ("route-added", Severity.MEDIUM) in rules
    assert ("component-added", Severity.MEDIUM) in rules
    reverse = sorted((r, s) for r, s, _ in _changes(new, old))
    assert ("route-removed", Severity.MEDIUM) in reverse


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("--quantization awq", "--quantization gptq"), ("quantization-changed", Severity.MEDIUM)),
        (
            ("sql=/adapters/sql", "sql=/adapters/sql tone=/adapters/tone"),
            ("adapter-added", Severity.MEDIUM),
        ),
        (
            ("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:v0.7.0"),
            ("version-upgraded", Severity.LOW),
        ),
    ],
)
def test_vllm_argument_changes(
    tmp_path: Path, edit: tuple[str, str], expected: tuple[str, Severity]
) -> None:
    source = tmp_path / "compose.yaml"
    source.write_text(
        "services:\n"
        "  llm:\n"
        "    image: vllm/vllm-openai:v0.6.3\n"
        "    command: --model meta-llama/Llama-3.1-8B-Instruct --quantization awq "
        "--lora-modules sql=/adapters/sql\n",
        encoding="utf-8",
    )
    old, new = _pair(tmp_path, source, edit)
    assert [(rule, severity) for rule, severity, _ in _changes(old, new)] == [expected]


def test_scanned_deployment_boms_round_trip_natively() -> None:
    for path in sorted(DEPLOY.glob("*/**/*")):
        if path.is_file() and "hostile" not in path.parts:
            bom = scan(path).bom
            assert native.loads(native.dumps(bom)) == bom, path
