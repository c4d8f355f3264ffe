"""Build the bill of materials of a deployed assistant, in two releases.

This is how a release pipeline records what it ships. "Acme Support Assistant" is a fictional
customer-support assistant by the fictional supplier Acme AI:

* a base model (``acme-lm-8b``) pretrained on two datasets;
* an instruction-tuned model (``acme-lm-8b-instruct``) fine-tuned from it on an SFT and a
  preference dataset, released as safetensors weights and as quantized GGUF weights;
* a LoRA adapter specialising it for support conversations;
* a tokenizer with a chat template;
* a guard model filtering prompts and completions, running a small classifier model;
* a router with a fallback chain over two inference providers in different regions;
* the software it runs on, the evaluation datasets, and a governance record for the adapted
  model and for the deployed system.

Release 1.5.0 (``build_v2``) changes what real releases change: a new adapter version, weights
re-quantized with another method, one inference provider replaced, a safety dataset added to
training, and a refreshed evaluation of the deployed system.

Run ``python docs/examples/build_assistant.py [OUTDIR]`` to write ``assistant-v1.json`` and
``assistant-v2.json`` (by default next to this script); ``--help`` says so.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import sys
from pathlib import Path

import attrs

import fmbom
from fmbom import (
    AccessRoute,
    Adapter,
    AdapterMethod,
    AnyComponent,
    Bom,
    BomMetadata,
    Dataset,
    DatasetPurpose,
    DerivationMethod,
    Digest,
    DownstreamObligations,
    Evaluation,
    EvaluationCategory,
    ExternalReference,
    ExternalReferenceType,
    Governance,
    GuardModel,
    GuardPosition,
    HashAlgorithm,
    Identity,
    InferenceProvider,
    Modality,
    Model,
    ModelRole,
    PostTraining,
    Quantization,
    Relation,
    RelationKind,
    ReleaseControls,
    Router,
    RouterStrategy,
    Sensitivity,
    Software,
    SoftwareRole,
    SourceType,
    SpecialToken,
    Subject,
    Threshold,
    Tokenizer,
    TokenizerType,
    Tool,
    TrainingData,
    TrainingStage,
    Unit,
    WeightFile,
    WeightFormat,
    Weights,
)

R = RelationKind
SUPPLIER = "Acme AI"
GROUP = "ai.acme"


def sha256(label: str) -> Digest:
    """A stand-in SHA-256 digest. A real pipeline hashes the artifact's bytes instead."""
    return Digest(algorithm=HashAlgorithm.SHA256, value=hashlib.sha256(label.encode()).hexdigest())


def weight_file(path: str, size: int, label: str) -> WeightFile:
    """One file of a weights artifact, with its size in bytes and its digest."""
    return WeightFile(path=path, size=size, digest=sha256(f"{label}/{path}"))


# --- training and evaluation data ----------------------------------------------------------


def datasets() -> list[Dataset]:
    """The pretraining, tuning and evaluation datasets of release 1.4.0."""
    return [
        Dataset(
            ref="dataset:acme-webtext",
            name="acme-webtext",
            version="2025-09",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["LicenseRef-Acme-Mixed-Web"],
            purpose=DatasetPurpose.PRETRAINING,
            modalities=[Modality.TEXT],
            records=2_400_000_000,
            size_bytes=9_800_000_000_000,
            source="Filtered public web crawl (robots.txt and opt-out lists honoured)",
            collection_method="crawl",
            synthetic_share=0.0,
            sensitivity=Sensitivity.PII,
            copyright_status="mixed; text-and-data-mining opt-outs removed",
            known_exclusions=["sites with a TDM reservation", "adult content domains"],
        ),
        Dataset(
            ref="dataset:acme-code-corpus",
            name="acme-code-corpus",
            version="3.1",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["Apache-2.0 OR MIT"],
            purpose=DatasetPurpose.PRETRAINING,
            modalities=[Modality.CODE],
            records=310_000_000,
            size_bytes=1_200_000_000_000,
            source="Permissively licensed public repositories",
            collection_method="repository snapshot",
            synthetic_share=0.0,
            sensitivity=Sensitivity.PUBLIC,
            copyright_status="permissive licenses only",
        ),
        Dataset(
            ref="dataset:acme-instruct-sft",
            name="acme-instruct-sft",
            version="1.2",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["CC-BY-4.0"],
            purpose=DatasetPurpose.FINE_TUNING,
            modalities=[Modality.TEXT],
            records=820_000,
            size_bytes=2_900_000_000,
            source="Contractor-written demonstrations and filtered synthetic dialogues",
            collection_method="human annotation and generation",
            synthetic_share=0.35,
            sensitivity=Sensitivity.NONE,
            copyright_status="owned by Acme AI",
        ),
        Dataset(
            ref="dataset:acme-preference-pairs",
            name="acme-preference-pairs",
            version="1.0",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["LicenseRef-Acme-Internal"],
            purpose=DatasetPurpose.PREFERENCE,
            modalities=[Modality.TEXT],
            records=240_000,
            source="Pairwise human preference judgements",
            collection_method="human annotation",
            synthetic_share=0.0,
            sensitivity=Sensitivity.NONE,
            copyright_status="owned by Acme AI",
        ),
        Dataset(
            ref="dataset:acme-support-tickets",
            name="acme-support-tickets",
            version="2025.10",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["LicenseRef-Acme-Internal"],
            purpose=DatasetPurpose.FINE_TUNING,
            modalities=[Modality.TEXT],
            records=61_000,
            source="Resolved support tickets, pseudonymised",
            collection_method="export from the ticketing system",
            sensitivity=Sensitivity.CONFIDENTIAL,
            copyright_status="owned by Acme AI; customer consent under the support terms",
        ),
        Dataset(
            ref="dataset:acme-helpfulness-eval",
            name="acme-helpfulness-eval",
            version="2.0",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["CC-BY-4.0"],
            purpose=DatasetPurpose.EVALUATION,
            modalities=[Modality.TEXT],
            records=4_000,
            source="Support questions written by Acme AI staff, with reference answers",
            collection_method="human annotation",
            sensitivity=Sensitivity.NONE,
        ),
        Dataset(
            ref="dataset:acme-redteam-prompts",
            name="acme-redteam-prompts",
            version="2025-10",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["LicenseRef-Acme-Internal"],
            purpose=DatasetPurpose.EVALUATION,
            modalities=[Modality.TEXT],
            records=12_500,
            source="Red-team exercises by Acme AI and an external testing firm",
            collection_method="adversarial human writing and automated attack generation",
            sensitivity=Sensitivity.NONE,
            description="Adversarial prompts for jailbreak and harmful-content testing",
        ),
    ]


# --- models, weights, tokenizer, adapter ---------------------------------------------------

# Evaluation evidence quoted both in a model's record and in the deployed system's record.
BASE_HELPFULNESS = Evaluation(
    benchmark="acme-helpfulness-eval",
    metric="win-rate",
    unit=Unit.BASE_MODEL,
    source_type=SourceType.PEER_REVIEWED,
    value=0.48,
    uncertainty=0.02,
    harness="lm-eval",
    harness_version="0.4.5",
    date=datetime.date(2025, 9, 1),
    evaluated_version="1.0",
    source_url="https://doi.org/10.0000/acme-lm-8b",
)
INSTRUCT_HELPFULNESS = Evaluation(
    benchmark="acme-helpfulness-eval",
    metric="win-rate",
    unit=Unit.ADAPTED_MODEL,
    source_type=SourceType.PROVIDER_CLAIM,
    value=0.71,
    uncertainty=0.02,
    harness="lm-eval",
    harness_version="0.4.5",
    setup="0-shot, greedy decoding, judged against acme-lm-7b-instruct",
    date=datetime.date(2025, 10, 20),
    evaluated_version="1.0",
)


def tokenizer() -> Tokenizer:
    """The tokenizer shared by the base and the instruction-tuned model."""
    return Tokenizer(
        ref="tokenizer:acme-bpe-128k",
        name="acme-bpe-128k",
        version="1.0",
        group=GROUP,
        supplier=SUPPLIER,
        licenses=["Apache-2.0"],
        digests=[sha256("tokenizer.json")],
        tokenizer_type=TokenizerType.BYTE_LEVEL_BPE,
        vocab_size=128_256,
        special_tokens=[
            SpecialToken(role="bos", content="<|begin_of_text|>"),
            SpecialToken(role="eos", content="<|end_of_turn|>"),
            SpecialToken(role="pad", content="<|pad|>"),
        ],
        chat_template_digest=sha256("chat_template.jinja v3"),
    )


def base_governance() -> Governance:
    """The governance record of the pretrained model (the base-model unit)."""
    return Governance(
        identity=Identity(
            provider=SUPPLIER,
            contact="model-safety@acme.example",
            release_date=datetime.date(2025, 9, 15),
            intended_uses=["research", "fine-tuning by contracted customers"],
            intended_users=["machine-learning engineers"],
            out_of_scope_uses=["direct use with end users without post-training"],
            limitations=["not instruction-tuned or safety-tuned", "English and code only"],
        ),
        training_data=TrainingData(
            content_summary="Filtered web text (86%) and permissively licensed code (14%)",
            data_sources=["acme-webtext", "acme-code-corpus"],
            data_cutoff=datetime.date(2025, 6, 30),
            filtering="deduplication, toxicity and PII filters, TDM opt-out removal",
            copyright_policy="https://acme.example/policies/copyright",
            personal_data_handling="PII detected and masked before training",
            training_compute_flops=7.1e23,
            energy_kwh=1_420_000.0,
        ),
        post_training=PostTraining(summary="none: this is the pretrained model"),
        evaluations=[BASE_HELPFULNESS],
        controls=ReleaseControls(
            access_tier="weights gated to contracted customers under the model license",
            weight_security="weights encrypted at rest, downloads signed and logged",
            monitoring="download audit log reviewed monthly",
            abuse_reporting="abuse@acme.example",
            vulnerability_disclosure="https://acme.example/security",
            incident_response="licence revocation and customer notice within 72 h",
            rollback="previous weights kept for 12 months",
            misuse_risk_assessment="pre-release dual-use assessment, reviewed 2025-08",
        ),
        obligations=DownstreamObligations(
            integration_guidance="https://acme.example/docs/acme-lm-integration",
            prohibited_uses=["surveillance", "generating disinformation"],
            human_oversight="post-train and evaluate before any end-user deployment",
            user_notice="disclose AI use to end users of derived systems",
            update_triggers=["new weights", "new training data"],
        ),
    )


def adapted_governance() -> Governance:
    """The governance record of the instruction-tuned model (the adapted-model unit)."""
    return Governance(
        identity=Identity(
            provider=SUPPLIER,
            contact="model-safety@acme.example",
            release_date=datetime.date(2025, 11, 3),
            intended_uses=["customer-support dialogue", "summarising support tickets"],
            intended_users=["enterprise integrators"],
            out_of_scope_uses=["medical, legal or financial advice", "autonomous decisions"],
            limitations=["English only", "knowledge cut-off 2025-06"],
        ),
        training_data=TrainingData(
            content_summary="Filtered web text and permissively licensed code (base model), "
            "then instruction and preference data (post-training)",
            data_sources=["acme-webtext", "acme-code-corpus", "acme-instruct-sft"],
            data_cutoff=datetime.date(2025, 6, 30),
            filtering="deduplication, toxicity and PII filters, TDM opt-out removal",
            copyright_policy="https://acme.example/policies/copyright",
            personal_data_handling="PII detected and masked before training",
            training_compute_flops=7.2e23,
            energy_kwh=1_450_000.0,
        ),
        post_training=PostTraining(
            methods=["supervised fine-tuning", "direct preference optimisation"],
            summary="Two epochs of SFT, then one round of DPO on human preference pairs",
            safety_tuning="Refusal training on the internal harmful-request taxonomy",
        ),
        evaluations=[
            INSTRUCT_HELPFULNESS,
            Evaluation(
                benchmark="acme-redteam-prompts",
                metric="attack-success-rate",
                unit=Unit.ADAPTED_MODEL,
                source_type=SourceType.PROVIDER_CLAIM,
                category=EvaluationCategory.SAFETY,
                value=0.041,
                passed=True,
                date=datetime.date(2025, 10, 22),
                evaluated_version="1.0",
            ),
            Evaluation(
                benchmark="acme-redteam-prompts",
                metric="attack-success-rate",
                unit=Unit.ADAPTED_MODEL,
                source_type=SourceType.INDEPENDENT_AUDIT,
                category=EvaluationCategory.SAFETY,
                value=0.047,
                uncertainty=0.004,
                passed=True,
                setup="model alone, no guard model; 12,500 prompts, 3 attack strategies",
                date=datetime.date(2025, 10, 30),
                evaluated_version="1.0",
                source_url="https://audits.example/reports/acme-lm-8b-instruct-2025-10",
            ),
        ],
        controls=ReleaseControls(
            access_tier="weights gated to contracted customers",
            weight_security="weights encrypted at rest, access logged",
            monitoring="sampled output review",
            abuse_reporting="abuse@acme.example",
            vulnerability_disclosure="https://acme.example/security",
            incident_response="24 h triage, customer notice within 72 h",
            rollback="previous weights kept for 12 months",
            misuse_risk_assessment="internal red-team review before each release",
        ),
        obligations=DownstreamObligations(
            integration_guidance="https://acme.example/docs/acme-lm-integration",
            prohibited_uses=["surveillance", "generating disinformation"],
            human_oversight="a human reviews refunds and account changes",
            logging="keep prompts and completions for 30 days",
            user_notice="tell users they are talking to an AI system",
            update_triggers=["new weights", "new training data"],
        ),
    )


def models() -> list[AnyComponent]:
    """Base model, instruction-tuned model, its two weights artifacts, and the LoRA adapter."""
    return [
        Model(
            ref="model:acme-lm-8b",
            name="acme-lm-8b",
            version="1.0",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["LicenseRef-Acme-Model-License"],
            role=ModelRole.BASE,
            task="text-generation",
            architecture_family="decoder-only transformer",
            architecture="AcmeForCausalLM",
            modalities_in=[Modality.TEXT],
            modalities_out=[Modality.TEXT],
            parameter_count=8_030_000_000,
            context_length=32_768,
            access_route=AccessRoute.GATED_WEIGHTS,
            governance=base_governance(),
            external_references=[
                ExternalReference(
                    url="https://acme.example/models/acme-lm-8b",
                    type=ExternalReferenceType.MODEL_CARD,
                )
            ],
        ),
        Model(
            ref="model:acme-lm-8b-instruct",
            name="acme-lm-8b-instruct",
            version="1.0",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["LicenseRef-Acme-Model-License"],
            role=ModelRole.ADAPTED,
            task="chat",
            architecture_family="decoder-only transformer",
            architecture="AcmeForCausalLM",
            modalities_in=[Modality.TEXT],
            modalities_out=[Modality.TEXT],
            parameter_count=8_030_000_000,
            context_length=32_768,
            access_route=AccessRoute.API,
            governance=adapted_governance(),
        ),
        Weights(
            ref="weights:acme-lm-8b-instruct-safetensors",
            name="acme-lm-8b-instruct-safetensors",
            version="1.0",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["LicenseRef-Acme-Model-License"],
            format=WeightFormat.SAFETENSORS,
            dtype="bfloat16",
            shard_count=4,
            parameter_count=8_030_000_000,
            files=[
                weight_file("model-00001-of-00004.safetensors", 4_976_698_672, "st-1.0"),
                weight_file("model-00002-of-00004.safetensors", 4_999_802_720, "st-1.0"),
                weight_file("model-00003-of-00004.safetensors", 4_915_916_176, "st-1.0"),
                weight_file("model-00004-of-00004.safetensors", 1_168_138_808, "st-1.0"),
            ],
        ),
        gguf_weights("1.0", "q4_k_m", 4, 4_920_734_016),
        lora_adapter("1.0"),
    ]


def gguf_weights(version: str, method: str, bits: int, size: int) -> Weights:
    """The quantized GGUF artifact for on-premise customers (llama.cpp)."""
    filename = f"acme-lm-8b-instruct-{method}.gguf"
    return Weights(
        ref="weights:acme-lm-8b-instruct-gguf",
        name="acme-lm-8b-instruct-gguf",
        version=version,
        group=GROUP,
        supplier=SUPPLIER,
        licenses=["LicenseRef-Acme-Model-License"],
        format=WeightFormat.GGUF,
        quantization=Quantization(method=method, bits=bits, group_size=32),
        files=[weight_file(filename, size, method)],
        digests=[sha256(f"gguf/{method}")],
    )


def lora_adapter(version: str) -> Adapter:
    """The LoRA adapter that specialises the instruction-tuned model for support work."""
    return Adapter(
        ref="adapter:acme-support-lora",
        name="acme-support-lora",
        version=version,
        group=GROUP,
        supplier=SUPPLIER,
        licenses=["LicenseRef-Acme-Internal"],
        digests=[sha256(f"adapter_model.safetensors {version}")],
        method=AdapterMethod.LORA,
        rank=16,
        alpha=32.0,
        dropout=0.05,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
        base_model_name="acme-lm-8b-instruct",
    )


# --- serving: guard, router, providers, software --------------------------------------------


def serving() -> list[AnyComponent]:
    """Guard model and its classifier, router, the two inference providers of release 1.4.0."""
    return [
        Model(
            ref="model:acme-guard-1b",
            name="acme-guard-1b",
            version="2.1",
            group=GROUP,
            supplier=SUPPLIER,
            licenses=["Apache-2.0"],
            role=ModelRole.GUARD_CLASSIFIER,
            task="text-classification",
            parameter_count=1_100_000_000,
            context_length=8_192,
            access_route=AccessRoute.INTERNAL,
        ),
        GuardModel(
            ref="guard:acme-shield",
            name="acme-shield",
            version="2.1",
            group=GROUP,
            supplier=SUPPLIER,
            position=GuardPosition.BOTH,
            policy="Acme acceptable-use taxonomy v4",
            categories=["violence", "self-harm", "hate", "sexual-content", "prompt-injection"],
            thresholds=[
                Threshold(name="block", value=0.85),
                Threshold(name="flag", value=0.5),
            ],
            endpoint="https://guard.internal.acme.example/v2/classify",
        ),
        Router(
            ref="router:assistant",
            name="acme-assistant-router",
            version="1.4.0",
            group=GROUP,
            supplier=SUPPLIER,
            strategy=RouterStrategy.FALLBACK_CHAIN,
            endpoint="https://assistant.acme.example/v1/chat",
        ),
        InferenceProvider(
            ref="provider:nimbus-eu",
            name="nimbus-inference",
            supplier="Nimbus Compute",
            organization="Nimbus Compute GmbH",
            endpoint="https://eu-central.api.nimbus.example/v1",
            region="eu-central-1",
            api_version="2025-06-01",
            served_model_id="acme-lm-8b-instruct+support-lora",
            data_retention="no retention; abuse logs 30 days",
            trust_zone="vendor-eu",
        ),
        # The fallback provider of this release, in the United States.
        InferenceProvider(
            ref="provider:stratus-us",
            name="stratus-serve",
            supplier="Stratus Cloud",
            organization="Stratus Cloud Inc.",
            endpoint="https://us-east.stratus.example/inference",
            region="us-east-1",
            api_version="v3",
            served_model_id="acme/acme-lm-8b-instruct",
            data_retention="prompts kept 7 days",
            trust_zone="vendor-us",
        ),
    ]


def software() -> list[Software]:
    """The software the system is trained, converted, evaluated and served with."""

    def library(name: str, version: str, purl: str, role: SoftwareRole, lic: str) -> Software:
        return Software(
            ref=f"software:{name}",
            name=name,
            version=version,
            purl=purl,
            licenses=[lic],
            role=role,
        )

    return [
        library(
            "vllm", "0.6.3", "pkg:pypi/vllm@0.6.3", SoftwareRole.INFERENCE_SERVER, "Apache-2.0"
        ),
        library(
            "transformers",
            "4.46.2",
            "pkg:pypi/transformers@4.46.2",
            SoftwareRole.LIBRARY,
            "Apache-2.0",
        ),
        library("peft", "0.13.2", "pkg:pypi/peft@0.13.2", SoftwareRole.LIBRARY, "Apache-2.0"),
        library(
            "llama.cpp",
            "b4049",
            "pkg:github/ggerganov/llama.cpp@b4049",
            SoftwareRole.RUNTIME,
            "MIT",
        ),
        library("lm-eval", "0.4.5", "pkg:pypi/lm-eval@0.4.5", SoftwareRole.EVAL_HARNESS, "MIT"),
    ]


# --- relations ------------------------------------------------------------------------------


def relations() -> list[Relation]:
    """Every edge of release 1.4.0: lineage, training, weights, serving, dependencies."""
    base, instruct = "model:acme-lm-8b", "model:acme-lm-8b-instruct"
    safetensors, gguf = (
        "weights:acme-lm-8b-instruct-safetensors",
        "weights:acme-lm-8b-instruct-gguf",
    )
    adapter, guard, router = "adapter:acme-support-lora", "guard:acme-shield", "router:assistant"

    def rel(
        source: str,
        kind: RelationKind,
        target: str,
        *,
        method: DerivationMethod | None = None,
        stage: TrainingStage | None = None,
        order: int | None = None,
        condition: str | None = None,
    ) -> Relation:
        return Relation(
            kind=kind,
            source=source,
            target=target,
            method=method,
            stage=stage,
            order=order,
            condition=condition,
        )

    return [
        # Lineage: base model -> instruction-tuned model -> adapter; weights -> GGUF.
        rel(base, R.TRAINED_ON, "dataset:acme-webtext", stage=TrainingStage.PRETRAINING),
        rel(base, R.TRAINED_ON, "dataset:acme-code-corpus", stage=TrainingStage.PRETRAINING),
        rel(instruct, R.DERIVED_FROM, base, method=DerivationMethod.FINE_TUNE),
        rel(instruct, R.TRAINED_ON, "dataset:acme-instruct-sft", stage=TrainingStage.SFT),
        rel(
            instruct,
            R.TRAINED_ON,
            "dataset:acme-preference-pairs",
            stage=TrainingStage.PREFERENCE,
        ),
        rel(adapter, R.ADAPTS, instruct),
        rel(adapter, R.TRAINED_ON, "dataset:acme-support-tickets", stage=TrainingStage.SFT),
        rel(instruct, R.HAS_WEIGHTS, safetensors),
        rel(instruct, R.HAS_WEIGHTS, gguf),
        rel(gguf, R.QUANTIZED_FROM, safetensors),
        rel(base, R.USES_TOKENIZER, "tokenizer:acme-bpe-128k"),
        rel(instruct, R.USES_TOKENIZER, "tokenizer:acme-bpe-128k"),
        # Evaluation evidence.
        rel(base, R.EVALUATED_ON, "dataset:acme-helpfulness-eval"),
        rel(instruct, R.EVALUATED_ON, "dataset:acme-helpfulness-eval"),
        rel(instruct, R.EVALUATED_ON, "dataset:acme-redteam-prompts"),
        rel(guard, R.EVALUATED_ON, "dataset:acme-redteam-prompts"),
        # Serving: the guard filters the router; the router falls back across providers.
        rel(guard, R.DEPENDS_ON, "model:acme-guard-1b"),
        rel(guard, R.GUARDS, router),
        rel(router, R.ROUTES_TO, "provider:nimbus-eu", order=0, condition="default"),
        rel(
            router,
            R.ROUTES_TO,
            "provider:stratus-us",
            order=1,
            condition="primary unavailable or p95 latency above 4 s",
        ),
        rel(instruct, R.SERVED_BY, "provider:nimbus-eu"),
        rel(instruct, R.SERVED_BY, "provider:stratus-us"),
        rel(adapter, R.SERVED_BY, "provider:nimbus-eu"),
        rel(adapter, R.SERVED_BY, "provider:stratus-us"),
        # Software.
        rel("provider:nimbus-eu", R.DEPENDS_ON, "software:vllm"),
        rel("provider:stratus-us", R.DEPENDS_ON, "software:vllm"),
        rel(instruct, R.DEPENDS_ON, "software:transformers"),
        rel(adapter, R.DEPENDS_ON, "software:peft"),
        rel(gguf, R.DEPENDS_ON, "software:llama.cpp"),
        rel(instruct, R.DEPENDS_ON, "software:lm-eval"),
    ]


# --- the deployed system --------------------------------------------------------------------


def system_evaluations(*, refreshed: bool) -> list[Evaluation]:
    """Evidence at three units and from three kinds of source."""
    deployed = Evaluation(
        benchmark="acme-redteam-prompts",
        metric="attack-success-rate",
        unit=Unit.DEPLOYED_SYSTEM,
        source_type=SourceType.INDEPENDENT_AUDIT,
        category=EvaluationCategory.SAFETY,
        value=0.012,
        uncertainty=0.003,
        passed=True,
        setup="full system with acme-shield, 12,500 prompts, 3 attack strategies",
        date=datetime.date(2025, 11, 10),
        evaluated_version="1.4.0",
        source_url="https://audits.example/reports/acme-support-assistant-2025-11",
    )
    if refreshed:
        deployed = attrs.evolve(
            deployed,
            value=0.009,
            uncertainty=0.002,
            date=datetime.date(2026, 2, 16),
            evaluated_version="1.5.0",
            source_url="https://audits.example/reports/acme-support-assistant-2026-02",
        )
    return [BASE_HELPFULNESS, INSTRUCT_HELPFULNESS, deployed]


def subject(version: str, *, refreshed: bool) -> Subject:
    """The deployed system: serves end users, with all six governance sections."""
    return Subject(
        name="Acme Support Assistant",
        version=version,
        unit=Unit.DEPLOYED_SYSTEM,
        supplier=SUPPLIER,
        description="Customer-support chat assistant for Acme AI's enterprise customers",
        licenses=["LicenseRef-Acme-Service-Terms"],
        external_references=[
            ExternalReference(
                url="https://acme.example/assistant/system-card",
                type=ExternalReferenceType.DOCUMENTATION,
            )
        ],
        serves_end_users=True,
        governance=Governance(
            identity=Identity(
                provider=SUPPLIER,
                contact="assistant-trust@acme.example",
                release_date=datetime.date(2026, 2, 20)
                if refreshed
                else datetime.date(2025, 11, 12),
                intended_uses=["answering customer-support questions"],
                intended_users=["customers of Acme AI's enterprise clients"],
                out_of_scope_uses=["legal or medical advice", "account changes without review"],
                limitations=["may be wrong about account-specific facts"],
                ethical_considerations=["users may not realise they talk to an AI system"],
            ),
            training_data=TrainingData(
                content_summary="See acme-lm-8b-instruct; the adapter adds pseudonymised tickets",
                data_sources=["acme-support-tickets"],
                data_cutoff=datetime.date(2025, 10, 1),
                filtering="tickets with payment or health data excluded",
                copyright_policy="https://acme.example/policies/copyright",
                personal_data_handling="tickets pseudonymised; names and e-mails removed",
            ),
            post_training=PostTraining(
                methods=["LoRA fine-tuning"],
                summary="LoRA rank 16 on support conversations",
                safety_tuning="inherits the refusal training of acme-lm-8b-instruct",
            ),
            evaluations=system_evaluations(refreshed=refreshed),
            controls=ReleaseControls(
                access_tier="authenticated customers only",
                weight_security="weights never leave the providers' isolated tenancies",
                monitoring="guard-model verdicts and user reports reviewed daily",
                abuse_reporting="abuse@acme.example",
                vulnerability_disclosure="https://acme.example/security",
                incident_response="on-call rotation; customer notice within 72 h",
                rollback="previous release redeployable within 1 h",
                misuse_risk_assessment="annual, last reviewed 2025-10",
            ),
            obligations=DownstreamObligations(
                integration_guidance="https://acme.example/assistant/integration",
                prohibited_uses=["decisions about credit, employment or housing"],
                human_oversight="escalation to a human agent on request or low confidence",
                logging="conversation logs kept for quality review",
                retention="logs deleted after 30 days",
                user_notice="the chat window states that replies are AI-generated",
                appeal_routes="support@acme.example or the 'talk to a person' button",
                update_triggers=["model or adapter change", "provider change", "policy change"],
            ),
        ),
    )


def metadata(version: str, timestamp: datetime.datetime, *, refreshed: bool) -> BomMetadata:
    """Who made the BOM, when, and with what."""
    return BomMetadata(
        subject=subject(version, refreshed=refreshed),
        timestamp=timestamp,
        authors=["Acme AI release engineering <release@acme.example>"],
        tools=[Tool(name="acme-release-pipeline", version="7.2", vendor=SUPPLIER)],
    )


def build_v1() -> Bom:
    """Release 1.4.0, built in one step from its components and relations."""
    return Bom(
        metadata=metadata(
            "1.4.0",
            datetime.datetime(2025, 11, 12, 9, 0, tzinfo=datetime.timezone.utc),
            refreshed=False,
        ),
        components=[
            *datasets(),
            tokenizer(),
            *models(),
            *serving(),
            *software(),
        ],
        relations=relations(),
    )


def build_v2() -> Bom:
    """Release 1.5.0, derived from release 1.4.0 the way a pipeline updates a BOM."""
    bom = build_v1()

    # A retrained adapter: new version, new digest.
    bom = bom.replace(lora_adapter("1.1"))

    # The GGUF weights were re-quantized with a higher-quality method.
    bom = bom.replace(gguf_weights("1.1", "q5_k_m", 5, 5_732_987_456))

    # The fallback provider moved from Stratus (US) to Cirrus (Asia-Pacific). Removing a
    # component also removes every relation that touches it.
    cirrus = InferenceProvider(
        ref="provider:cirrus-ap",
        name="cirrus-inference",
        supplier="Cirrus Networks",
        organization="Cirrus Networks Pte. Ltd.",
        endpoint="https://ap-southeast.cirrus.example/v1/generate",
        region="ap-southeast-1",
        api_version="2026-01",
        served_model_id="acme-lm-8b-instruct-support",
        data_retention="no retention",
        trust_zone="vendor-apac",
    )
    bom = bom.remove("provider:stratus-us").add(cirrus)
    bom = bom.with_relations(
        Relation(
            kind=R.ROUTES_TO,
            source="router:assistant",
            target="provider:cirrus-ap",
            order=1,
            condition="primary unavailable or p95 latency above 4 s",
        ),
        Relation(kind=R.SERVED_BY, source="model:acme-lm-8b-instruct", target="provider:cirrus-ap"),
        Relation(kind=R.SERVED_BY, source="adapter:acme-support-lora", target="provider:cirrus-ap"),
        Relation(kind=R.DEPENDS_ON, source="provider:cirrus-ap", target="software:vllm"),
    )

    # The adapter now also learns from a safety dataset.
    safety = Dataset(
        ref="dataset:acme-safety-dialogues",
        name="acme-safety-dialogues",
        version="1.0",
        group=GROUP,
        supplier=SUPPLIER,
        licenses=["CC-BY-4.0"],
        purpose=DatasetPurpose.SAFETY,
        modalities=[Modality.TEXT],
        records=18_000,
        source="Red-team conversations with safe reference replies",
        collection_method="human annotation",
        synthetic_share=0.2,
        sensitivity=Sensitivity.NONE,
        copyright_status="owned by Acme AI",
    )
    bom = bom.add(safety).relate(
        "adapter:acme-support-lora",
        R.TRAINED_ON,
        "dataset:acme-safety-dialogues",
        stage=TrainingStage.SAFETY,
    )

    # The router is part of the release too, and the system version moves on.
    router = bom.component("router:assistant")
    bom = bom.replace(attrs.evolve(router, version="1.5.0"))
    return bom.with_metadata(
        metadata(
            "1.5.0",
            datetime.datetime(2026, 2, 20, 9, 0, tzinfo=datetime.timezone.utc),
            refreshed=True,
        )
    )


def main(argv: list[str]) -> int:
    """Write both releases as canonical native JSON (``argv`` as in ``sys.argv``)."""
    parser = argparse.ArgumentParser(
        prog=Path(argv[0]).name if argv else "build_assistant.py",
        description="Write the BOMs of two releases of the example assistant as native JSON "
        "(assistant-v1.json and assistant-v2.json).",
    )
    parser.add_argument(
        "outdir",
        metavar="OUTDIR",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="directory to write into, created if missing (default: next to this script)",
    )
    outdir: Path = parser.parse_args(argv[1:]).outdir
    outdir.mkdir(parents=True, exist_ok=True)
    for name, bom in (("assistant-v1.json", build_v1()), ("assistant-v2.json", build_v2())):
        fmbom.write_bom(bom, outdir / name)
        print(f"wrote {outdir / name}: {len(bom)} components, {len(bom.relations)} relations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
