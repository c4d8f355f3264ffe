"""Deployment configurations scan to the routers, providers, guards, models and adapters they
state; secrets never reach the BOM; hostile YAML is refused with file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fmbom import native
from fmbom.bom import Bom
from fmbom.errors import InputFormatError, ScanError, ValidationError
from fmbom.governance import Unit
from fmbom.model import (
    Adapter,
    Component,
    GuardModel,
    GuardPosition,
    InferenceProvider,
    Model,
    ModelRole,
    RelationKind,
    Router,
    RouterStrategy,
    Software,
    Weights,
)
from fmbom.scan import ScanProblem, scan
from tests.conftest import DATA

DEPLOY = DATA / "deploy"


C = TypeVar("C", bound=Component)


def _by_name(bom: Bom, cls: type[C], name: str) -> C:
    found = [c for c in bom.of_type(cls) if c.name == name]
    assert len(found) == 1, (name, [c.name for c in bom.of_type(cls)])
    return found[0]


def _targets(bom: Bom, source: str, kind: RelationKind) -> list[tuple[int | None, str, str | None]]:
    return sorted(
        ((r.order, bom.component(r.target).name, r.condition) for r in bom.outgoing(source, kind)),
        key=lambda t: (t[0] if t[0] is not None else -1, t[1]),
    )


# --- LiteLLM ---------------------------------------------------------------------------------


def test_litellm_proxy_config_gives_router_groups_providers_and_models() -> None:
    result = scan(DEPLOY / "litellm" / "proxy_server_config.yaml")
    bom = result.bom
    assert bom.metadata.subject.unit is Unit.DEPLOYED_SYSTEM
    assert bom.metadata.subject.name == "proxy_server_config"
    proxy = _by_name(bom, Router, "litellm proxy")
    assert proxy.strategy is RouterStrategy.LOAD_BALANCE
    assert proxy.property("fmbom:routing-strategy") == "usage-based-routing-v2"
    assert proxy.property("fmbom:litellm:num-retries") == "5"
    groups = _targets(bom, proxy.ref, RelationKind.ROUTES_TO)
    assert groups[:3] == [
        (0, "model group gpt-3.5-turbo-end-user-test", "model == gpt-3.5-turbo-end-user-test"),
        (1, "model group gpt-3.5-turbo", "model == gpt-3.5-turbo"),
        (2, "model group gpt-3.5-turbo-large", "model == gpt-3.5-turbo-large"),
    ]
    assert len(groups) == 17
    # The context-window fallback is the group's second step, after its own deployment.
    group = _by_name(bom, Router, "model group gpt-3.5-turbo")
    assert group.strategy is RouterStrategy.FALLBACK_CHAIN
    assert _targets(bom, group.ref, RelationKind.ROUTES_TO) == [
        (0, "gpt-3.5-turbo -> azure/chatgpt-v-2", None),
        (1, "model group gpt-3.5-turbo-large", "on context window exceeded"),
    ]
    azure = _by_name(bom, InferenceProvider, "gpt-3.5-turbo -> azure/chatgpt-v-2")
    assert azure.organization == "azure"
    assert azure.endpoint == "https://openai-gpt-4-test-v-1.openai.azure.com/"
    assert azure.api_version == "2023-05-15"
    assert azure.served_model_id == "chatgpt-v-2"
    assert azure.property("fmbom:deploy:credential-reference") == "os.environ/AZURE_API_KEY"
    eu = _by_name(bom, InferenceProvider, "gpt-3.5-turbo-end-user-test -> gpt-3.5-turbo #1")
    assert eu.region == "eu"
    assert eu.organization is None  # no provider prefix: the configuration does not say
    embedding = _by_name(bom, Model, "text-embedding-ada-002")
    assert embedding.role is ModelRole.EMBEDDING
    served_by = {bom.component(r.target).name for r in bom.outgoing(embedding.ref)}
    assert served_by == {"text-embedding-ada-002 -> azure/azure-embedding-model"}
    # Wildcard deployments serve no named model.
    assert not [m for m in bom.of_type(Model) if "*" in m.name]
    mistral = _by_name(bom, Model, "mistral-embed")
    assert mistral.supplier == "Mistral AI"


def test_duplicate_deployments_of_one_group_are_told_apart() -> None:
    bom = scan(DEPLOY / "litellm" / "proxy_server_config.yaml").bom
    group = _by_name(bom, Router, "model group fake-openai-endpoint-3")
    assert [t[1] for t in _targets(bom, group.ref, RelationKind.ROUTES_TO)] == [
        "fake-openai-endpoint-3 -> openai/my-fake-model",
        "fake-openai-endpoint-3 -> openai/my-fake-model-2",
    ]


def test_literal_credentials_are_dropped_and_named_never_written(tmp_path: Path) -> None:
    source = DEPLOY / "litellm" / "load_balancer.yaml"
    result = scan(source)
    messages = sorted(str(p) for p in result.problems)
    assert messages == [
        (
            "load_balancer.yaml: warning: environment_variables.REDIS_PASSWORD: literal credential "
            "left out of the BOM (use an environment reference instead)"
        ),
        (
            "load_balancer.yaml: warning: model_list[0].litellm_params.api_key: literal credential "
            "left out of the BOM (use an environment reference instead)"
        ),
        (
            "load_balancer.yaml: warning: model_list[1].litellm_params.api_key: literal credential "
            "left out of the BOM (use an environment reference instead)"
        ),
    ]
    written = native.dumps(result.bom)
    for secret in ("sk-uj6F", "sk-Imn", "eYVX71"):
        assert secret not in written
        assert all(secret not in str(p) for p in result.problems)
    assert "mistral-7b-instruct" in written


def test_master_key_and_fake_keys_are_not_written() -> None:
    result = scan(DEPLOY / "litellm" / "proxy_server_config.yaml")
    written = native.dumps(result.bom)
    assert "sk-1234" not in written
    assert "my-fake-key" not in written
    assert any("general_settings.master_key" in str(p) for p in result.problems)
    # References are kept as written and never resolved.
    assert "os.environ/AZURE_API_KEY" in written


def test_environment_is_never_consulted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_API_KEY", "resolved-secret-value")
    monkeypatch.setenv("LLM_MODEL_ID", "resolved/model")
    written = native.dumps(scan(DEPLOY / "litellm" / "proxy_server_config.yaml").bom)
    written += native.dumps(scan(DEPLOY / "compose" / "opea-chatqna-compose_tgi.yaml").bom)
    assert "resolved-secret-value" not in written
    assert "resolved/model" not in written
    assert "${LLM_MODEL_ID}" in written


def test_litellm_guardrails_have_positions_policies_and_thresholds() -> None:
    bom = scan(DEPLOY / "litellm" / "ibm_guardrails_example_config.yaml").bom
    proxy = _by_name(bom, Router, "litellm proxy")
    jailbreak = _by_name(bom, GuardModel, "ibm-jailbreak-detector")
    assert jailbreak.position is GuardPosition.INPUT
    assert jailbreak.policy == "ibm_guardrails"
    assert jailbreak.endpoint == "https://your-detector-server.com"
    assert [(t.name, t.value) for t in jailbreak.thresholds] == [("score_threshold", 0.8)]
    orchestrator = _by_name(bom, GuardModel, "ibm-orchestrator-detector")
    assert orchestrator.position is GuardPosition.OUTPUT
    assert orchestrator.property("fmbom:litellm:default-on") == "false"
    for guard in bom.of_type(GuardModel):
        assert [r.target for r in bom.outgoing(guard.ref, RelationKind.GUARDS)] == [proxy.ref]


def test_litellm_guardrail_mode_list_is_both_and_model_is_run() -> None:
    config = {
        "model_list": [{"model_name": "m", "litellm_params": {"model": "openai/gpt-4o"}}],
        "guardrails": [
            {
                "guardrail_name": "llama-guard",
                "litellm_params": {
                    "guardrail": "custom",
                    "mode": ["pre_call", "post_call"],
                    "model": "hosted_vllm/meta-llama/Llama-Guard-3-8B",
                },
            }
        ],
    }
    bom = _scan_yaml(config)
    guard = _by_name(bom, GuardModel, "llama-guard")
    assert guard.position is GuardPosition.BOTH
    (runs,) = bom.outgoing(guard.ref, RelationKind.DEPENDS_ON)
    model = bom.component(runs.target)
    assert isinstance(model, Model)
    assert (model.group, model.name, model.role) == (
        "meta-llama",
        "Llama-Guard-3-8B",
        ModelRole.GUARD_CLASSIFIER,
    )


def test_litellm_fallback_chains_keep_their_order() -> None:
    config = {
        "model_list": [
            {"model_name": n, "litellm_params": {"model": f"openai/{n}"}} for n in "abcd"
        ],
        "router_settings": {
            "routing_strategy": "latency-based-routing",
            "fallbacks": [{"a": ["c", "b"]}, {"z": ["a"]}],
            "default_fallbacks": ["d"],
        },
    }
    bom, problems = _scan_yaml_problems(config)
    proxy = _by_name(bom, Router, "litellm proxy")
    assert proxy.strategy is RouterStrategy.LATENCY
    a = _by_name(bom, Router, "model group a")
    assert _targets(bom, a.ref, RelationKind.ROUTES_TO) == [
        (0, "a -> openai/a", None),
        (1, "model group c", "on error"),
        (2, "model group b", "on error"),
    ]
    b = _by_name(bom, Router, "model group b")
    assert (1, "model group d", "on error (default fallback)") in _targets(
        bom, b.ref, RelationKind.ROUTES_TO
    )
    assert any("'z' is not a model_name of model_list" in str(p) for p in problems)


def test_litellm_default_strategy_is_recorded_as_not_stated() -> None:
    bom = scan(DEPLOY / "litellm" / "load_balancer.yaml").bom
    proxy = _by_name(bom, Router, "litellm proxy")
    assert proxy.property("fmbom:routing-strategy") == "simple-shuffle"
    assert proxy.property("fmbom:litellm:routing-strategy-stated") == "false"


# --- NeMo Guardrails -------------------------------------------------------------------------


def test_nemo_rails_are_guards_with_position_and_the_classifier_they_run() -> None:
    bom = scan(DEPLOY / "nemo" / "content_safety" / "config.yml").bom
    main = _by_name(bom, Model, "gpt-3.5-turbo-instruct")
    assert (main.role, main.supplier) == (ModelRole.BASE, "OpenAI")
    positions = {g.name: g.position for g in bom.of_type(GuardModel)}
    assert positions == {
        'content safety check input $model="shieldgemma"': GuardPosition.INPUT,
        'content safety check input $model="llama_guard"': GuardPosition.INPUT,
        'content safety check output $model="llama_guard_2"': GuardPosition.OUTPUT,
    }
    runs: dict[str, Model] = {}
    for guard in bom.of_type(GuardModel):
        (guarded,) = bom.outgoing(guard.ref, RelationKind.GUARDS)
        assert guarded.target == main.ref
        (dependency,) = bom.outgoing(guard.ref, RelationKind.DEPENDS_ON)
        found = bom.component(dependency.target)
        assert isinstance(found, Model)
        runs[guard.name] = found
    output = runs['content safety check output $model="llama_guard_2"']
    assert (output.group, output.name, output.role) == (
        "meta-llama",
        "Meta-Llama-Guard-2-8B",
        ModelRole.GUARD_CLASSIFIER,
    )
    llama_guard_provider = _by_name(bom, InferenceProvider, "llama_guard model (vllm_openai)")
    assert llama_guard_provider.endpoint == "http://localhost:5000/v1"


def test_nemo_builtin_flows_name_their_model_and_jailbreak_thresholds() -> None:
    bom, problems = _scan_problems(DEPLOY / "nemo" / "llama_guard" / "config.yml")
    guard = _by_name(bom, GuardModel, "llama guard check output")
    (dependency,) = bom.outgoing(guard.ref, RelationKind.DEPENDS_ON)
    assert bom.component(dependency.target).name == "LlamaGuard-7b"
    assert [str(p) for p in problems] == [
        (
            "config.yml: warning: rails.dialog is not recorded (only input and output rails "
            "filter what reaches or leaves the model)"
        )
    ]
    bom = scan(DEPLOY / "nemo" / "jailbreak_detection" / "config.yml").bom
    guard = _by_name(bom, GuardModel, "jailbreak detect heuristics")
    assert guard.endpoint == "http://localhost:1337/heuristics"
    assert [(t.name, t.value) for t in guard.thresholds] == [
        ("lp_threshold", 89.79),
        ("ps_ppl_threshold", 1845.65),
    ]


def test_nemo_same_classifier_on_input_and_output() -> None:
    bom = scan(DEPLOY / "nemo" / "nemotron-content-safety" / "config.yml").bom
    guards = sorted((g.position.value, g.name) for g in bom.of_type(GuardModel))
    assert guards == [
        ("input", "content safety check input $model=content_safety"),
        ("output", "content safety check output $model=content_safety"),
    ]
    classifier = _by_name(bom, Model, "nemotron-3.5-content-safety")
    assert classifier.role is ModelRole.GUARD_CLASSIFIER
    assert len(bom.incoming(classifier.ref, RelationKind.DEPENDS_ON)) == 2


# --- KServe, vLLM, TGI, Ollama ---------------------------------------------------------------


def test_kserve_inference_service_with_hugging_face_storage() -> None:
    bom = scan(DEPLOY / "kserve" / "kernelcache-isvc.yaml").bom
    provider = _by_name(bom, InferenceProvider, "opt-125m-no-cache")
    assert provider.property("fmbom:kube:model-format") == "vLLM"
    assert provider.property("fmbom:kube:runtime") == "kserve-vllmserver"
    assert provider.property("fmbom:kube:storage-uri") == "hf://facebook/opt-125m"
    model = _by_name(bom, Model, "opt-125m")
    assert (model.group, model.purl) == ("facebook", "pkg:huggingface/facebook/opt-125m")
    assert [r.target for r in bom.outgoing(model.ref, RelationKind.SERVED_BY)] == [provider.ref]


def test_kserve_transformer_is_software_the_provider_depends_on() -> None:
    bom = scan(DEPLOY / "kserve" / "torch_transformer.yaml").bom
    provider = _by_name(bom, InferenceProvider, "torch-transformer")
    assert provider.property("fmbom:kube:model-format") == "triton"
    (dependency,) = bom.outgoing(provider.ref, RelationKind.DEPENDS_ON)
    software = bom.component(dependency.target)
    assert isinstance(software, Software)
    assert (software.name, software.version) == ("yuzisun/image-transformer-v2", "latest")
    model = _by_name(bom, Model, "gs://kfserving-examples/models/torchscript")
    assert model.external_references[0].url == "gs://kfserving-examples/models/torchscript"


def test_vllm_kubernetes_deployment() -> None:
    bom = scan(DEPLOY / "k8s" / "vllm-deployment.yaml").bom
    provider = _by_name(bom, InferenceProvider, "vllm-qwen3-235b/vllm")
    assert provider.served_model_id == "Qwen/Qwen3-235B-A22B"
    assert provider.property("fmbom:deploy:max-model-len") == "32768"
    assert provider.property("fmbom:deploy:tensor-parallel-size") == "4"
    assert provider.property("fmbom:kube:namespace") == "vllm"
    model = _by_name(bom, Model, "Qwen3-235B-A22B")
    assert model.group == "Qwen"
    server = _by_name(bom, Software, "vllm/vllm-openai")
    assert server.version == "latest"


def test_tgi_compose_keeps_the_model_reference_unresolved() -> None:
    result = scan(DEPLOY / "compose" / "opea-chatqna-compose_tgi.yaml")
    bom = result.bom
    tgi = _by_name(bom, InferenceProvider, "tgi-service")
    assert tgi.served_model_id == "${LLM_MODEL_ID}"
    assert tgi.property("fmbom:deploy:server") == "text-generation-inference"
    assert not bom.of_type(Model)  # every served model is an unresolved reference
    skipped = [str(p) for p in result.problems]
    assert skipped == [
        (
            "opea-chatqna-compose_tgi.yaml: warning: 6 services run no model server and are not "
            "recorded: redis-vector-db, dataprep-redis-service, retriever, "
            "chatqna-xeon-backend-server, chatqna-xeon-ui-server, chatqna-xeon-nginx-server"
        )
    ]


def test_vllm_compose_with_quantization_adapters_and_api_key(tmp_path: Path) -> None:
    compose = {
        "services": {
            "llm": {
                "image": "vllm/vllm-openai:v0.6.3",
                "command": (
                    "--model meta-llama/Llama-3.1-8B-Instruct --served-model-name chat "
                    "--quantization awq --max-model-len 8192 --enable-lora "
                    "--lora-modules sql=/adapters/sql tone=/adapters/tone "
                    "--api-key token-abc123"
                ),
                "environment": ["HF_TOKEN=hf_abcdefghijklmnop", "OTHER=${FROM_ENV}"],
            },
            "tgi": {
                "image": "ghcr.io/huggingface/text-generation-inference:2.4.0",
                "environment": {"MODEL_ID": "mistralai/Mistral-7B-v0.1", "QUANTIZE": "gptq"},
            },
        }
    }
    path = tmp_path / "compose.yaml"
    path.write_text(json.dumps(compose), encoding="utf-8")
    result = scan(path)
    bom = result.bom
    llm = _by_name(bom, InferenceProvider, "llm")
    assert llm.served_model_id == "chat"
    assert llm.property("fmbom:quantization") == "awq"
    base = _by_name(bom, Model, "Llama-3.1-8B-Instruct")
    adapters = sorted(a.name for a in bom.of_type(Adapter))
    assert adapters == ["sql", "tone"]
    for adapter in bom.of_type(Adapter):
        (adapts,) = bom.outgoing(adapter.ref, RelationKind.ADAPTS)
        assert adapts.target == base.ref
    tgi = _by_name(bom, InferenceProvider, "tgi")
    assert tgi.property("fmbom:quantization") == "gptq"
    assert _by_name(bom, Model, "Mistral-7B-v0.1").group == "mistralai"
    written = native.dumps(bom)
    assert "token-abc123" not in written
    assert "hf_abcdefghijklmnop" not in written
    problems = sorted(str(p) for p in result.problems)
    assert problems == [
        "compose.yaml: warning: llm: argument --api-key: literal credential left out of the BOM",
        "compose.yaml: warning: llm: environment HF_TOKEN: literal credential left out of the BOM",
    ]


def test_ollama_modelfile() -> None:
    bom = scan(DEPLOY / "ollama" / "mario" / "Modelfile").bom
    provider = _by_name(bom, InferenceProvider, "ollama mario")
    assert provider.property("fmbom:ollama:parameter:temperature") == "1"
    assert len(provider.property("fmbom:ollama:system-sha256") or "") == 64
    model = _by_name(bom, Model, "llama3.1")
    assert [r.target for r in bom.outgoing(model.ref, RelationKind.SERVED_BY)] == [provider.ref]


def test_ollama_modelfile_with_gguf_and_adapter(tmp_path: Path) -> None:
    folder = tmp_path / "support-bot"
    folder.mkdir()
    (folder / "Modelfile").write_text(
        "# a support model\n"
        "FROM ./models/mistral-7b-instruct.Q4_K_M.gguf\n"
        "ADAPTER ./adapters/support-lora.gguf\n"
        'PARAMETER stop "<|im_end|>"\n'
        "PARAMETER num_ctx 4096\n"
        'TEMPLATE """{{ .System }}\n{{ .Prompt }}"""\n'
        "MESSAGE user hello\n"
        "LICENSE apache-2.0\n",
        encoding="utf-8",
    )
    bom = scan(folder).bom
    provider = _by_name(bom, InferenceProvider, "ollama support-bot")
    assert provider.property("fmbom:quantization") == "Q4_K_M"
    assert provider.property("fmbom:ollama:parameter:stop") == "<|im_end|>"
    assert provider.property("fmbom:ollama:messages") == "1"
    model = _by_name(bom, Model, "mistral-7b-instruct.Q4_K_M")
    (weights,) = bom.of_type(Weights)
    assert weights.files[0].path == "./models/mistral-7b-instruct.Q4_K_M.gguf"
    assert [r.target for r in bom.outgoing(model.ref, RelationKind.HAS_WEIGHTS)] == [weights.ref]
    (adapter,) = bom.of_type(Adapter)
    assert adapter.name == "support-lora.gguf"
    assert [r.target for r in bom.outgoing(adapter.ref, RelationKind.ADAPTS)] == [model.ref]


# --- folders, detection, hostile input -------------------------------------------------------


def test_a_folder_of_configurations_is_one_system(tmp_path: Path) -> None:
    shutil.copy(DEPLOY / "litellm" / "guardrails_eu_ai_act.yaml", tmp_path / "litellm.yaml")
    (tmp_path / "nemo").mkdir()
    shutil.copy(DEPLOY / "nemo" / "llama_guard" / "config.yml", tmp_path / "nemo" / "config.yml")
    (tmp_path / "notes.yaml").write_text("title: release notes\n", encoding="utf-8")
    result = scan(tmp_path, name="assistant", version="2.1")
    bom = result.bom
    assert (bom.metadata.subject.name, bom.metadata.subject.version) == ("assistant", "2.1")
    assert result.files == 2
    guards = sorted(g.name for g in bom.of_type(GuardModel))
    assert guards == ["eu-ai-act-article5", "llama guard check input", "llama guard check output"]
    assert "notes.yaml: warning: not a deployment configuration fmbom recognises; skipped" in [
        str(p) for p in result.problems
    ]


def test_a_model_folder_is_still_a_model_scan(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "llama"}', encoding="utf-8")
    shutil.copy(DEPLOY / "litellm" / "guardrails_eu_ai_act.yaml", tmp_path / "config.yaml")
    bom = scan(tmp_path).bom
    assert bom.metadata.subject.unit is not Unit.DEPLOYED_SYSTEM
    assert not bom.of_type(GuardModel)


def test_an_unrecognised_yaml_file_is_left_to_the_model_scan(tmp_path: Path) -> None:
    path = tmp_path / "values.yaml"
    path.write_text("replicaCount: 1\n", encoding="utf-8")
    bom = scan(path).bom
    assert bom.metadata.subject.unit is not Unit.DEPLOYED_SYSTEM


def test_unparseable_yaml_alone_in_a_folder_is_a_file_and_a_warning_saying_why(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.yaml").write_text("model_list:\n  - model_name: [open\n", "utf-8")
    (tmp_path / "values.yaml").write_text("replicaCount: 1\n", encoding="utf-8")
    result = scan(tmp_path)
    assert sorted(c.name for c in result.bom.components) == ["config.yaml", "values.yaml"]
    (warning,) = result.warnings
    assert warning.path == "config.yaml:3"
    assert warning.message.startswith("not read as a deployment configuration (invalid YAML")


@pytest.mark.parametrize(
    "name", ["billion-laughs.yaml", "python-tag.yaml", "custom-tag.yaml", "deep-flow.yaml"]
)
def test_hostile_yaml_given_directly_is_an_input_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    shutil.copy(DEPLOY / "hostile" / name, path)
    before = path.read_bytes()
    with pytest.raises(InputFormatError, match=rf"{name}:\d+: ") as error:
        scan(path)
    # Named as given, not by its bare file name.
    assert error.value.source is not None
    assert error.value.source.startswith(f"{path}:")
    assert path.read_bytes() == before


def test_hostile_yaml_in_a_folder_is_an_error_problem_and_the_rest_is_scanned(
    tmp_path: Path,
) -> None:
    shutil.copy(DEPLOY / "hostile" / "billion-laughs.yaml", tmp_path / "bomb.yaml")
    shutil.copy(DEPLOY / "nemo" / "llama_guard" / "config.yml", tmp_path / "config.yml")
    result = scan(tmp_path)
    assert len(result.bom.of_type(GuardModel)) == 2
    (error,) = result.errors
    assert error.path == "bomb.yaml"
    assert "more than 1000000 YAML nodes" in error.message


def test_huge_configuration_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    with path.open("wb") as handle:
        handle.write(b"model_list: []\n")
        handle.truncate(64 * 1024 * 1024)
    with pytest.raises(InputFormatError, match="larger than 8388608 bytes"):
        scan(path)


def test_modelfile_without_from_is_an_error_problem(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "Modelfile").write_text("PARAMETER temperature 1\nBOGUS x\n", encoding="utf-8")
    result = scan(folder)
    assert len(result.bom) == 0
    assert [str(p) for p in result.problems] == [
        "Modelfile: warning: line 2: unknown instruction 'BOGUS'; skipped",
        "Modelfile: error: no FROM instruction; the Modelfile names no model",
    ]


def test_an_empty_from_is_skipped_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "chat"
    folder.mkdir()
    (folder / "Modelfile").write_text("FROM llama3.1\nFROM\nADAPTER \n", encoding="utf-8")
    result = scan(folder)
    assert [str(p) for p in result.problems] == [
        "Modelfile: warning: line 2: FROM names nothing; skipped",
        "Modelfile: warning: line 3: ADAPTER names nothing; skipped",
    ]
    assert [m.name for m in result.bom.of_type(Model)] == ["llama3.1"]


def test_a_value_the_model_refuses_leaves_that_file_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fmbom.scan import _deploy_ollama

    read = _deploy_ollama.read

    def half_read(builder: Any, config: Any) -> None:
        read(builder, config)
        raise ValidationError("must not be empty", "name")

    shutil.copy(DEPLOY / "nemo" / "llama_guard" / "config.yml", tmp_path / "config.yml")
    (tmp_path / "Modelfile").write_text("FROM llama3.1\n", encoding="utf-8")
    monkeypatch.setattr(_deploy_ollama, "read", half_read)
    result = scan(tmp_path)
    assert [str(p) for p in result.errors] == [
        "Modelfile: error: not read: name: must not be empty"
    ]
    # What the file added before the refusal is gone; the other file is kept.
    assert not [c for c in result.bom.components if "ollama" in c.ref]
    assert len(result.bom.of_type(GuardModel)) == 2


def test_a_folder_whose_configurations_cannot_be_read_says_why(tmp_path: Path) -> None:
    (tmp_path / "Modelfile").write_bytes(b"FROM llama3.1\n\xff\n")
    with pytest.raises(ScanError) as error:
        scan(tmp_path)
    assert error.value.lines() == [
        f"{tmp_path}: no deployment configuration found",
        f"{tmp_path / 'Modelfile'}: not UTF-8 text",
    ]


def test_a_folder_without_configurations_is_a_scan_error(tmp_path: Path) -> None:
    from fmbom.scan._deploy import scan_deployment

    (tmp_path / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    with pytest.raises(ScanError, match="no deployment configuration found"):
        scan_deployment(tmp_path)


def _scan_yaml(config: object) -> Bom:
    return _scan_yaml_problems(config)[0]


def _scan_yaml_problems(config: object) -> tuple[Bom, tuple[ScanProblem, ...]]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(json.dumps(config), encoding="utf-8")
        result = scan(path)
        return result.bom, result.problems


def _scan_problems(path: Path) -> tuple[Bom, tuple[ScanProblem, ...]]:
    result = scan(path)
    return result.bom, result.problems
