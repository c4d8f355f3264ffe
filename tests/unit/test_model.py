"""The object model: vocabularies, value types, components and relations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from fmbom.errors import FmbomError, ValidationError
from fmbom.model import (
    COMPONENT_TYPES,
    Adapter,
    ComponentKind,
    Dataset,
    DerivationMethod,
    Digest,
    ExternalReference,
    ExternalReferenceType,
    GuardModel,
    HashAlgorithm,
    InferenceProvider,
    Modality,
    Model,
    Property,
    Quantization,
    Relation,
    RelationKind,
    Router,
    Software,
    SpecialToken,
    Threshold,
    Tokenizer,
    TrainingStage,
    WeightFile,
    WeightFormat,
    Weights,
)

SHA256 = "ab" * 32


def error_of(build: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build(**kwargs)
    return caught.value


# --- vocabularies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("SHA-256", HashAlgorithm.SHA256),
        ("SHA256", HashAlgorithm.SHA256),
        ("sha_256", HashAlgorithm.SHA256),
        ("sha256", HashAlgorithm.SHA256),
        (" Sha-512 ", HashAlgorithm.SHA512),
        ("SHA3-256", HashAlgorithm.SHA3_256),
        ("blake2b_512", HashAlgorithm.BLAKE2B_512),
        ("MD5", HashAlgorithm.MD5),
    ],
)
def test_hash_algorithm_reads_any_spelling(spelling: str, expected: HashAlgorithm) -> None:
    assert HashAlgorithm.parse(spelling) is expected


def test_unknown_hash_algorithm_names_the_known_ones() -> None:
    with pytest.raises(ValidationError, match=r"unknown hash algorithm 'crc32' \(known: md5, "):
        HashAlgorithm.parse("crc32")


@pytest.mark.parametrize("spelling", ["SHA-256", "sha_256", " Sha256 ", "sha256"])
def test_hash_algorithm_coerce_reads_the_spellings_parse_reads(spelling: str) -> None:
    assert HashAlgorithm.coerce(spelling, "algorithm") is HashAlgorithm.parse(spelling)


def test_hash_algorithm_errors_name_the_field() -> None:
    for convert in (HashAlgorithm.parse, HashAlgorithm.coerce):
        with pytest.raises(ValidationError) as caught:
            convert("crc32", "digests[0].algorithm")
        assert caught.value.path == "digests[0].algorithm"
        assert caught.value.message.startswith("unknown hash algorithm 'crc32' (known: md5, ")
    with pytest.raises(ValidationError) as caught:
        HashAlgorithm.coerce(256, "algorithm")
    assert (caught.value.path, caught.value.message) == (
        "algorithm",
        f"expected a hash algorithm ({', '.join(a.value for a in HashAlgorithm)}); got 256",
    )


def test_hex_lengths_match_the_algorithms() -> None:
    lengths = {a: a.hex_length for a in HashAlgorithm}
    assert lengths[HashAlgorithm.MD5] == 32
    assert lengths[HashAlgorithm.SHA1] == 40
    assert lengths[HashAlgorithm.SHA384] == 96
    assert lengths[HashAlgorithm.BLAKE3] == 64
    assert all(n in (32, 40, 64, 96, 128) for n in lengths.values())


def test_only_pickle_weights_are_unsafe() -> None:
    assert [f for f in WeightFormat if f.is_unsafe] == [WeightFormat.PYTORCH_PICKLE]


def test_lineage_relations() -> None:
    assert {k for k in RelationKind if k.is_lineage} == {
        RelationKind.DERIVED_FROM,
        RelationKind.QUANTIZED_FROM,
        RelationKind.ADAPTS,
    }


def test_vocabulary_values_print_as_their_strings() -> None:
    assert str(ComponentKind.GUARD_MODEL) == "guard-model"
    assert f"{RelationKind.SERVED_BY}" == "served-by"


def test_component_types_cover_every_kind() -> None:
    assert set(COMPONENT_TYPES) == set(ComponentKind)
    for kind, cls in COMPONENT_TYPES.items():
        assert cls.kind is kind


# --- value types -----------------------------------------------------------------------------


def test_digest_is_stored_lowercase_and_prints_with_its_algorithm() -> None:
    digest = Digest(algorithm=HashAlgorithm.SHA256, value=" " + SHA256.upper() + " ")
    assert digest.value == SHA256
    assert str(digest) == f"sha256:{SHA256}"
    assert Digest.of("SHA-256", SHA256.upper()) == digest


@pytest.mark.parametrize("value", ["ab" * 31, "ab" * 33, "zz" * 32, "", "ab" * 31 + "a "])
def test_digest_rejects_wrong_length_or_non_hex(value: str) -> None:
    error = error_of(Digest, algorithm=HashAlgorithm.SHA256, value=value)
    assert error.path == "value"
    assert "sha256 digest must be 64 hex digits" in error.message


def test_digest_of_unknown_algorithm() -> None:
    with pytest.raises(ValidationError, match="unknown hash algorithm"):
        Digest.of("whirlpool", SHA256)


@pytest.mark.parametrize("url", ["https://a.example/x", "urn:uuid:1234", "pkg:pypi/x@1"])
def test_external_reference_accepts_absolute_urls(url: str) -> None:
    reference = ExternalReference(url=url)
    assert reference.type is ExternalReferenceType.OTHER
    assert reference.url == url


@pytest.mark.parametrize("url", ["example.com/x", "https://a b", "", "/relative", "1http://x"])
def test_external_reference_rejects_other_urls(url: str) -> None:
    error = error_of(ExternalReference, url=url)
    assert error.path == "url"
    assert "absolute URL" in error.message


def test_long_values_are_shortened_in_messages() -> None:
    error = error_of(ExternalReference, url="x" * 200)
    assert "..." in error.message
    assert len(error.message) < 160


@pytest.mark.parametrize(
    ("build", "kwargs", "path"),
    [
        (Property, {"name": " ", "value": "v"}, "name"),
        (WeightFile, {"path": "", "size": 1}, "path"),
        (WeightFile, {"path": "a", "size": -1}, "size"),
        (WeightFile, {"path": "a", "size": True}, "size"),
        (Quantization, {"method": "gptq", "bits": 0}, "bits"),
        (Quantization, {"method": "gptq", "bits": True}, "bits"),
        (Quantization, {"method": "gptq", "group_size": -128}, "group_size"),
        (Quantization, {"method": ""}, "method"),
        (SpecialToken, {"role": "", "content": "<s>"}, "role"),
        (Threshold, {"name": "block", "value": float("nan")}, "value"),
        (Threshold, {"name": "block", "value": float("inf")}, "value"),
        (Threshold, {"name": "", "value": 0.5}, "name"),
    ],
)
def test_value_types_name_the_bad_field(build: Any, kwargs: dict[str, Any], path: str) -> None:
    error = error_of(build, **kwargs)
    assert error.path == path
    assert isinstance(error, FmbomError)


def test_non_negative_rejects_infinite_floats() -> None:
    error = error_of(Model, ref="m", name="m", parameter_count=float("inf"))
    assert error.path == "parameter_count"
    assert "finite" in error.message


# --- components ------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["a b", "", "é", "x" * 513, "tab\there"])
def test_refs_are_printable_ascii_without_spaces(ref: str) -> None:
    error = error_of(Model, ref=ref, name="m")
    assert error.path == "ref"
    assert "printable ASCII" in error.message


def test_longest_ref_is_accepted() -> None:
    assert Model(ref="x" * 512, name="m").ref == "x" * 512


def test_name_must_not_be_blank() -> None:
    assert error_of(Dataset, ref="d", name="  ").path == "name"


def test_purl_must_be_a_url() -> None:
    assert error_of(Software, ref="s", name="s", purl="vllm 0.6").path == "purl"


def test_licenses_are_checked_deduplicated_and_sorted() -> None:
    model = Model(ref="m", name="m", licenses=["MIT", "Apache-2.0 OR MIT", "MIT"])
    assert model.licenses == ("Apache-2.0 OR MIT", "MIT")
    error = error_of(Model, ref="m", name="m", licenses=["MIT AND"])
    assert error.path == "licenses[0]"
    assert "license expression" in error.message


def test_unordered_collections_get_a_canonical_order() -> None:
    d1 = Digest(algorithm=HashAlgorithm.SHA512, value="cd" * 64)
    d2 = Digest(algorithm=HashAlgorithm.SHA256, value=SHA256)
    r1 = ExternalReference(url="https://b.example", type=ExternalReferenceType.WEBSITE)
    r2 = ExternalReference(url="https://a.example", type=ExternalReferenceType.WEBSITE)
    r3 = ExternalReference(url="https://a.example", type=ExternalReferenceType.WEBSITE, comment="")
    p1, p2 = Property(name="b:x", value="1"), Property(name="a:y", value="2")
    one = Model(ref="m", name="m", digests=[d1, d2], external_references=[r1, r3, r2])
    two = Model(ref="m", name="m", digests=[d2, d1], external_references=[r2, r1, r3])
    assert one == two
    assert one.digests == (d2, d1)
    assert one.external_references == (r2, r3, r1)
    assert Model(ref="m", name="m", properties=[p1, p2]).properties == (p2, p1)


def test_one_digest_per_algorithm() -> None:
    digest = Digest(algorithm=HashAlgorithm.SHA256, value=SHA256)
    other = Digest(algorithm=HashAlgorithm.SHA256, value="cd" * 32)
    error = error_of(Weights, ref="w", name="w", digests=[digest, other])
    assert error.path == "digests[1]"
    assert "two sha256 digests" in error.message


def test_digest_and_property_lookup() -> None:
    digest = Digest(algorithm=HashAlgorithm.SHA256, value=SHA256)
    model = Model(
        ref="m",
        name="m",
        digests=[digest],
        properties=[
            Property(name="acme:tier", value="gold"),
            Property(name="acme:tier", value="a"),
        ],
    )
    assert model.digest() == digest
    assert model.digest(HashAlgorithm.MD5) is None
    assert model.property("acme:tier") == "a"
    assert model.property("acme:none") is None


def test_collections_are_stored_as_tuples() -> None:
    model = Model(ref="m", name="m", modalities_in=[Modality.TEXT, Modality.IMAGE])
    assert model.modalities_in == (Modality.TEXT, Modality.IMAGE)
    guard = GuardModel(
        ref="g", name="g", categories=["b", "a"], thresholds=[Threshold(name="t", value=0.1)]
    )
    assert guard.categories == ("b", "a")
    assert isinstance(guard.thresholds, tuple)
    tokenizer = Tokenizer(ref="t", name="t", special_tokens=[SpecialToken(role="bos", content="")])
    assert isinstance(tokenizer.special_tokens, tuple)
    assert Dataset(ref="d", name="d", known_exclusions=["x"]).known_exclusions == ("x",)


def test_weight_files_must_have_distinct_paths() -> None:
    files = [WeightFile(path="a.safetensors", size=1), WeightFile(path="a.safetensors", size=2)]
    error = error_of(Weights, ref="w", name="w", files=files)
    assert error.path == "files[1].path"


def test_weights_total_size() -> None:
    files = [WeightFile(path="a", size=3), WeightFile(path="b", size=4)]
    assert Weights(ref="w", name="w", files=files).total_size == 7
    assert Weights(ref="w", name="w").total_size is None  # no file listed: unknown, not 0
    partly = [WeightFile(path="a", size=3), WeightFile(path="b")]
    assert Weights(ref="w", name="w", files=partly).total_size is None


def test_adapter_fields() -> None:
    adapter = Adapter(ref="a", name="a", target_modules=["v_proj", "q_proj", "v_proj"])
    assert adapter.target_modules == ("q_proj", "v_proj")
    assert error_of(Adapter, ref="a", name="a", dropout=1.5).path == "dropout"
    assert error_of(Adapter, ref="a", name="a", rank=0).path == "rank"
    assert error_of(Adapter, ref="a", name="a", alpha=float("nan")).path == "alpha"


def test_dataset_shares_are_fractions() -> None:
    assert Dataset(ref="d", name="d", synthetic_share=1.0).synthetic_share == 1.0
    assert error_of(Dataset, ref="d", name="d", synthetic_share=-0.1).path == "synthetic_share"
    assert error_of(Dataset, ref="d", name="d", records=-1).path == "records"


@pytest.mark.parametrize("cls", [GuardModel, Router, InferenceProvider])
def test_endpoints_are_urls(cls: Any) -> None:
    assert error_of(cls, ref="x", name="x", endpoint="not a url").path == "endpoint"


def test_model_context_length_is_positive() -> None:
    assert error_of(Model, ref="m", name="m", context_length=0).path == "context_length"


def test_components_are_immutable() -> None:
    model = Model(ref="m", name="m")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        model.name = "other"  # type: ignore[misc]
    assert attrs.evolve(model, version="2").version == "2"


# --- relations -------------------------------------------------------------------------------


def test_relation_key() -> None:
    relation = Relation(kind=RelationKind.ADAPTS, source="a", target="m")
    assert relation.key == ("adapts", "a", "m")


def test_relation_cannot_point_to_itself() -> None:
    error = error_of(Relation, kind=RelationKind.DEPENDS_ON, source="a", target="a")
    assert error.path == "target"
    assert "cannot relate to itself" in error.message


@pytest.mark.parametrize(
    ("attribute", "value", "owner"),
    [
        ("method", DerivationMethod.MERGE, RelationKind.DERIVED_FROM),
        ("stage", TrainingStage.SFT, RelationKind.TRAINED_ON),
        ("order", 0, RelationKind.ROUTES_TO),
        ("condition", "always", RelationKind.ROUTES_TO),
    ],
)
def test_relation_attributes_belong_to_one_kind(
    attribute: str, value: object, owner: RelationKind
) -> None:
    extra: dict[str, Any] = {attribute: value}
    built = Relation(kind=owner, source="a", target="b", **extra)
    assert getattr(built, attribute) == value
    for kind in RelationKind:
        if kind is owner:
            continue
        error = error_of(Relation, kind=kind, source="a", target="b", **extra)
        assert error.path == attribute
        assert f"only {owner.value} relations have a {attribute}" in error.message


def test_relation_refs_are_checked() -> None:
    assert error_of(Relation, kind=RelationKind.GUARDS, source="a b", target="c").path == "source"
    error = error_of(Relation, kind=RelationKind.ROUTES_TO, source="r", target="p", order=-1)
    assert error.path == "order"


# --- validator helpers -----------------------------------------------------------------------


def test_validation_error_at_prefixes_the_path() -> None:
    assert ValidationError("bad", "").at("$.x").path == "$.x"
    assert ValidationError("bad", "[2].ref").at("$.components").path == "$.components[2].ref"
    moved = ValidationError("bad", "ref").at("$.components[0]")
    assert moved.path == "$.components[0].ref"
    assert str(moved) == "$.components[0].ref: bad"
    assert str(ValidationError("plain")) == "plain"


def test_each_names_the_index_of_the_bad_item() -> None:
    from fmbom import _validate as v

    @attrs.frozen
    class Holder:
        urls: tuple[str, ...] = attrs.field(converter=v.strings, validator=v.each(v.url))

    assert Holder(urls=["https://b", "https://a"]).urls == ("https://b", "https://a")
    with pytest.raises(ValidationError) as caught:
        Holder(urls=["https://a", "no url"])
    assert caught.value.path == "urls[1]"


def test_licenses_must_be_strings() -> None:
    error = error_of(Model, ref="m", name="m", licenses=["MIT", 3])
    assert error.path == "licenses[1]"
    assert "expected a license expression string" in error.message


def test_license_validator_names_the_index() -> None:
    from fmbom import _validate as v

    attribute = attrs.fields(Model).licenses
    v.license_expressions(None, attribute, ("MIT", "Apache-2.0 WITH LLVM-exception"))
    with pytest.raises(ValidationError) as caught:
        v.license_expressions(None, attribute, ("MIT", "OR"))
    assert caught.value.path == "licenses[1]"


# --- vocabulary strings and misuse -------------------------------------------------------------


def test_vocabulary_strings_are_converted_through_the_enum() -> None:
    from fmbom import Bom, Dataset, Digest, HashAlgorithm, Model, ModelRole, RelationKind
    from fmbom.vocabulary import Modality, TrainingStage

    model = Model(ref="m", name="m", role="adapted", modalities_in=["text", Modality.IMAGE])
    assert model.role is ModelRole.ADAPTED
    assert model.modalities_in == (Modality.TEXT, Modality.IMAGE)
    digest = Digest(algorithm="SHA-256", value="AB" * 32)
    assert digest.algorithm is HashAlgorithm.SHA256
    assert digest.value == "ab" * 32
    bom = (
        Bom.create("s")
        .add(Model(ref="m", name="m"), Dataset(ref="d", name="d"))
        .relate("m", "trained-on", "d", stage="sft")
    )
    (relation,) = bom.relations
    assert relation.kind is RelationKind.TRAINED_ON
    assert relation.stage is TrainingStage.SFT


_M: dict[str, Any] = {"ref": "m", "name": "m"}


# Keyword arguments as an untyped pipeline would pass them (mypy would refuse them if typed).
@pytest.mark.parametrize(
    ("cls", "arguments", "path", "text"),
    [
        (Model, {**_M, "parameter_count": "7B"}, "parameter_count", "'7B'"),
        (Model, {**_M, "role": "teacher"}, "role", "'teacher'"),
        (Model, {**_M, "role": 3}, "role", "got 3"),
        (Model, {**_M, "access_route": "ftp"}, "access_route", "'ftp'"),
        (Model, {**_M, "modalities_out": ["text", 3]}, "modalities_out[1]", "3"),
        (Model, {**_M, "modalities_out": "text"}, "modalities_out", "'text'"),
        (Model, {"ref": "m", "name": 5}, "name", "expected a string"),
        (Model, {**_M, "licenses": "MIT"}, "licenses", "'MIT'"),
        (Model, {**_M, "digests": ["sha256:ab"]}, "digests[0]", "a Digest"),
        (Model, {**_M, "context_length": "4k"}, "context_length", "'4k'"),
        (Digest, {"algorithm": "crc32", "value": "00"}, "algorithm", "crc32"),
        (Digest, {"algorithm": 256, "value": "00"}, "algorithm", "256"),
        (Digest, {"algorithm": "sha256", "value": 7}, "value", "hex string"),
        (Relation, {"kind": "trains", "source": "a", "target": "b"}, "kind", "'trains'"),
        (Weights, {**_M, "format": "zip"}, "format", "'zip'"),
        (Dataset, {**_M, "synthetic_share": "half"}, "synthetic_share", "half"),
        (Dataset, {**_M, "known_exclusions": [1]}, "known_exclusions[0]", "1"),
    ],
)
def test_misuse_is_a_validation_error_naming_the_field(
    cls: Callable[..., object], arguments: dict[str, Any], path: str, text: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        cls(**arguments)
    assert caught.value.path == path
    assert text in caught.value.message


def test_bom_relate_with_an_unknown_kind_names_the_field() -> None:
    from fmbom import Bom

    bom = Bom.create("s").add(Model(ref="m", name="m"), Dataset(ref="d", name="d"))
    with pytest.raises(ValidationError, match=r"^kind: expected one of derived-from"):
        bom.relate("m", "trains", "d")


def test_governance_vocabularies_accept_strings() -> None:
    from fmbom.governance import Evaluation
    from fmbom.vocabulary import EvaluationCategory, SourceType, Unit

    evaluation = Evaluation(
        benchmark="b",
        metric="m",
        unit="deployed-system",
        source_type="independent-audit",
        category="safety",
    )
    assert evaluation.unit is Unit.DEPLOYED_SYSTEM
    assert evaluation.source_type is SourceType.INDEPENDENT_AUDIT
    assert evaluation.category is EvaluationCategory.SAFETY
    with pytest.raises(ValidationError) as caught:
        Evaluation(benchmark="b", metric="m", unit="system", source_type="provider-claim")
    assert caught.value.path == "unit"


def test_a_converter_failing_on_a_wrong_type_names_the_field() -> None:
    bad: Any = 5
    with pytest.raises(ValidationError) as caught:
        Adapter(ref="a", name="a", target_modules=bad)
    assert caught.value.path == "target_modules"
    assert caught.value.message.startswith("cannot use 5:")


def test_an_unknown_modality_names_its_index() -> None:
    with pytest.raises(ValidationError) as caught:
        Model(ref="m", name="m", modalities_in=["text", "smell"])
    assert caught.value.path == "modalities_in[1]"
    assert "'smell'" in caught.value.message


def test_a_required_text_field_refuses_none() -> None:
    from fmbom.extensions import Extension
    from fmbom.values import WeightFile

    with pytest.raises(ValidationError, match="path: is required"):
        WeightFile(path=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="format: is required"):
        Extension(format=None, path="x", text="1")  # type: ignore[arg-type]
    assert WeightFile(path="model.safetensors").path == "model.safetensors"
