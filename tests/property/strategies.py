"""Hypothesis strategies for every fmbom value type, component kind, relation and whole BOMs.

Import it as ``from tests.property import strategies as fs`` (``tests/`` and its subfolders are
packages, so plain ``pytest`` from the repository root puts the root on ``sys.path``; no
installation or ``conftest.py`` trick is needed).

Every strategy generates *valid* objects: strings pass each field's validator (refs are
printable ASCII without spaces, URLs are ``https://...``, licenses are SPDX expressions with
``AND``/``OR``/``WITH`` and ``LicenseRef-``), floats are finite, sizes are non-negative.
Free text includes non-ASCII characters. :func:`boms` builds consistent BOMs: unique refs,
relations whose endpoint kinds are allowed by :data:`fmbom.bom.ENDPOINT_KINDS`, no lineage
cycle, and exactly one ``adapts`` relation per adapter. Sizes are small by default.
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, TypeVar

from hypothesis import strategies as st

from fmbom.bom import ENDPOINT_KINDS, Bom, BomMetadata, Subject, Tool
from fmbom.governance import (
    DownstreamObligations,
    Evaluation,
    EvaluationCategory,
    Governance,
    Identity,
    PostTraining,
    ReleaseControls,
    SourceType,
    TrainingData,
    Unit,
)
from fmbom.model import (
    AccessRoute,
    Adapter,
    AdapterMethod,
    AnyComponent,
    ComponentKind,
    Dataset,
    DatasetPurpose,
    DerivationMethod,
    Digest,
    ExternalReference,
    ExternalReferenceType,
    GuardModel,
    GuardPosition,
    HashAlgorithm,
    InferenceProvider,
    Modality,
    Model,
    ModelRole,
    Property,
    Quantization,
    Relation,
    RelationKind,
    Router,
    RouterStrategy,
    Sensitivity,
    Software,
    SoftwareRole,
    SpecialToken,
    Threshold,
    Tokenizer,
    TokenizerType,
    TrainingStage,
    WeightFile,
    WeightFormat,
    Weights,
)

__all__ = [
    "COMPONENT_STRATEGIES",
    "adapters",
    "any_components",
    "bom_metadata",
    "boms",
    "datasets",
    "dates",
    "digests",
    "downstream_obligations",
    "evaluations",
    "external_references",
    "finite_floats",
    "governances",
    "guard_models",
    "identities",
    "inference_providers",
    "license_expressions",
    "models",
    "names",
    "post_trainings",
    "properties",
    "purls",
    "quantizations",
    "refs",
    "relations",
    "release_controls",
    "routers",
    "softwares",
    "special_tokens",
    "subjects",
    "texts",
    "thresholds",
    "timestamps",
    "tokenizers",
    "tools",
    "training_data",
    "urls",
    "weight_files",
    "weights",
]

T = TypeVar("T")
E = TypeVar("E", bound=Enum)
S = st.SearchStrategy

# --- scalars ---------------------------------------------------------------------------------

#: Any character JSON and UTF-8 can carry (no lone surrogates), including non-ASCII ones.
_CHARS = st.characters(codec="utf-8")
#: Characters allowed inside a URL by the validator: no white space or control characters.
_URL_CHARS = st.characters(exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp"))
_REF_ALPHABET = "".join(chr(c) for c in range(0x21, 0x7F))

#: Free text, possibly empty, possibly non-ASCII.
texts: S[str] = st.text(_CHARS, max_size=12)
#: Text with at least one non-space character (names, metrics, file paths).
names: S[str] = st.text(_CHARS, min_size=1, max_size=12).filter(lambda s: bool(s.strip()))
#: A bom reference: printable ASCII, no spaces.
refs: S[str] = st.text(_REF_ALPHABET, min_size=1, max_size=12)
finite_floats: S[float] = st.floats(allow_nan=False, allow_infinity=False)
non_negative_floats: S[float] = st.floats(min_value=0.0, allow_nan=False, allow_infinity=False)
fractions: S[float] = st.floats(min_value=0.0, max_value=1.0)
non_negative_ints: S[int] = st.integers(min_value=0, max_value=2**62)
positive_ints: S[int] = st.integers(min_value=1, max_value=2**31)
dates: S[datetime.date] = st.dates(datetime.date(1900, 1, 1), datetime.date(2200, 12, 31))

_OFFSETS = st.integers(min_value=-12 * 4, max_value=14 * 4).map(
    lambda quarters: datetime.timezone(datetime.timedelta(minutes=15 * quarters))
)
#: Time-zone-aware timestamps (the native format refuses naive ones).
timestamps: S[datetime.datetime] = st.datetimes(
    min_value=datetime.datetime(1971, 1, 1),  # noqa: DTZ001 - bounds of a tz-aware strategy
    max_value=datetime.datetime(2199, 12, 31),  # noqa: DTZ001
    timezones=_OFFSETS,
)


def optional(strategy: S[T]) -> S[T | None]:
    """``None`` or a value of ``strategy``."""
    return st.none() | strategy


def small_lists(strategy: S[T], max_size: int = 3, **kwargs: Any) -> S[list[T]]:
    """Short lists: most properties need only a few items to find a bug."""
    return st.lists(strategy, max_size=max_size, **kwargs)


#: An absolute ``https://`` URL whose host and path may contain non-ASCII characters.
urls: S[str] = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=10),
    st.text(_URL_CHARS, max_size=10),
)
#: A package URL such as ``pkg:pypi/name@1.0``.
purls: S[str] = st.builds(
    lambda kind, name, version: f"pkg:{kind}/{name}" + (f"@{version}" if version else ""),
    st.sampled_from(["pypi", "npm", "github/acme", "huggingface/acme", "generic"]),
    st.text(string.ascii_lowercase + string.digits + "-_.", min_size=1, max_size=10),
    st.text(string.ascii_letters + string.digits + ".", max_size=6),
)

_LICENSE_IDS = st.sampled_from(
    [
        "MIT",
        "Apache-2.0",
        "BSD-3-Clause",
        "GPL-2.0-only",
        "GPL-2.0+",
        "CC-BY-4.0",
        "llama3.2",
        "LicenseRef-Acme-Model",
        "LicenseRef-gemma",
        "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
    ]
)
_LICENSE_EXCEPTIONS = st.sampled_from(["Classpath-exception-2.0", "LLVM-exception"])


def _license_node(children: S[str]) -> S[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["AND", "OR", "and", "or"]), children).map(
            lambda t: f"{t[0]} {t[1]} {t[2]}"
        ),
        children.map(lambda c: f"({c})"),
    )


#: Syntactically valid SPDX expressions, including compound and WITH expressions.
license_expressions: S[str] = st.recursive(
    _LICENSE_IDS | st.builds(lambda i, e: f"{i} WITH {e}", _LICENSE_IDS, _LICENSE_EXCEPTIONS),
    _license_node,
    max_leaves=4,
)


def enums(cls: type[E]) -> S[E]:
    """Any member of an enum."""
    return st.sampled_from(list(cls))


# --- value types -----------------------------------------------------------------------------


@st.composite
def digests(draw: st.DrawFn, algorithm: HashAlgorithm | None = None) -> Digest:
    """A digest of the right length for its algorithm, in either letter case."""
    chosen = algorithm if algorithm is not None else draw(enums(HashAlgorithm))
    hexdigits = draw(
        st.text("0123456789abcdefABCDEF", min_size=chosen.hex_length, max_size=chosen.hex_length)
    )
    return Digest(algorithm=chosen, value=hexdigits)


def digest_sets() -> S[list[Digest]]:
    """Digests of distinct algorithms (a component holds at most one per algorithm)."""
    return small_lists(digests(), unique_by=lambda d: d.algorithm)


external_references: S[ExternalReference] = st.builds(
    ExternalReference,
    url=urls,
    type=enums(ExternalReferenceType),
    comment=optional(texts),
)
properties: S[Property] = st.builds(
    Property,
    name=st.builds(lambda ns, key: f"{ns}:{key}", st.sampled_from(["fmbom", "acme", "x"]), names),
    value=texts,
)
weight_files: S[WeightFile] = st.builds(
    WeightFile, path=names, size=optional(non_negative_ints), digest=optional(digests())
)
quantizations: S[Quantization] = st.builds(
    Quantization,
    method=names,
    bits=optional(st.integers(min_value=1, max_value=64)),
    group_size=optional(positive_ints),
)
special_tokens: S[SpecialToken] = st.builds(SpecialToken, role=names, content=texts)
thresholds: S[Threshold] = st.builds(Threshold, name=names, value=finite_floats)


# --- governance ------------------------------------------------------------------------------

identities: S[Identity] = st.builds(
    Identity,
    provider=optional(names),
    contact=optional(texts),
    release_date=optional(dates),
    intended_uses=small_lists(texts),
    intended_users=small_lists(texts),
    out_of_scope_uses=small_lists(texts),
    limitations=small_lists(texts),
    ethical_considerations=small_lists(texts),
)
training_data: S[TrainingData] = st.builds(
    TrainingData,
    content_summary=optional(texts),
    data_sources=small_lists(texts),
    data_cutoff=optional(dates),
    filtering=optional(texts),
    copyright_policy=optional(texts),
    personal_data_handling=optional(texts),
    training_compute_flops=optional(non_negative_floats),
    energy_kwh=optional(non_negative_floats),
)
post_trainings: S[PostTraining] = st.builds(
    PostTraining,
    methods=small_lists(texts),
    summary=optional(texts),
    safety_tuning=optional(texts),
)
evaluations: S[Evaluation] = st.builds(
    Evaluation,
    benchmark=names,
    metric=names,
    unit=enums(Unit),
    source_type=enums(SourceType),
    value=optional(finite_floats),
    uncertainty=optional(non_negative_floats),
    passed=optional(st.booleans()),
    category=enums(EvaluationCategory),
    harness=optional(texts),
    harness_version=optional(texts),
    setup=optional(texts),
    date=optional(dates),
    evaluated_version=optional(texts),
    source_url=optional(urls),
)
release_controls: S[ReleaseControls] = st.builds(
    ReleaseControls,
    access_tier=optional(texts),
    weight_security=optional(texts),
    monitoring=optional(texts),
    abuse_reporting=optional(texts),
    vulnerability_disclosure=optional(texts),
    incident_response=optional(texts),
    rollback=optional(texts),
    misuse_risk_assessment=optional(texts),
)
downstream_obligations: S[DownstreamObligations] = st.builds(
    DownstreamObligations,
    integration_guidance=optional(texts),
    prohibited_uses=small_lists(texts),
    human_oversight=optional(texts),
    logging=optional(texts),
    retention=optional(texts),
    user_notice=optional(texts),
    appeal_routes=optional(texts),
    update_triggers=small_lists(texts),
)
governances: S[Governance] = st.builds(
    Governance,
    identity=optional(identities),
    training_data=optional(training_data),
    post_training=optional(post_trainings),
    evaluations=small_lists(evaluations),
    controls=optional(release_controls),
    obligations=optional(downstream_obligations),
)


# --- components ------------------------------------------------------------------------------


def _common(ref: S[str] | None) -> dict[str, S[Any]]:
    """Strategies for the fields every component kind has."""
    return {
        "ref": ref if ref is not None else refs,
        "name": names,
        "version": optional(texts),
        "group": optional(texts),
        "supplier": optional(texts),
        "purl": optional(purls),
        "licenses": small_lists(license_expressions),
        "digests": digest_sets(),
        "external_references": small_lists(external_references),
        "description": optional(texts),
        "properties": small_lists(properties),
    }


def models(ref: S[str] | None = None) -> S[Model]:
    """Models of any role, with or without a governance record."""
    return st.builds(
        Model,
        **_common(ref),
        role=enums(ModelRole),
        task=optional(texts),
        architecture_family=optional(texts),
        architecture=optional(texts),
        modalities_in=small_lists(enums(Modality)),
        modalities_out=small_lists(enums(Modality)),
        parameter_count=optional(non_negative_ints),
        context_length=optional(positive_ints),
        access_route=optional(enums(AccessRoute)),
        governance=optional(governances),
    )


def weights(ref: S[str] | None = None) -> S[Weights]:
    """Weights artifacts with files of distinct paths."""
    return st.builds(
        Weights,
        **_common(ref),
        files=small_lists(weight_files, unique_by=lambda f: f.path),
        format=enums(WeightFormat),
        dtype=optional(texts),
        quantization=optional(quantizations),
        shard_count=optional(positive_ints),
        parameter_count=optional(non_negative_ints),
    )


def tokenizers(ref: S[str] | None = None) -> S[Tokenizer]:
    """Tokenizers with special tokens and an optional chat template digest."""
    return st.builds(
        Tokenizer,
        **_common(ref),
        tokenizer_type=optional(enums(TokenizerType)),
        vocab_size=optional(non_negative_ints),
        special_tokens=small_lists(special_tokens),
        chat_template_digest=optional(digests()),
    )


def adapters(ref: S[str] | None = None) -> S[Adapter]:
    """Adapters (a BOM still needs an ``adapts`` relation for each one)."""
    return st.builds(
        Adapter,
        **_common(ref),
        method=enums(AdapterMethod),
        rank=optional(positive_ints),
        alpha=optional(finite_floats),
        dropout=optional(fractions),
        target_modules=small_lists(names),
        base_model_name=optional(texts),
    )


def datasets(ref: S[str] | None = None) -> S[Dataset]:
    """Datasets of any purpose."""
    return st.builds(
        Dataset,
        **_common(ref),
        purpose=enums(DatasetPurpose),
        modalities=small_lists(enums(Modality)),
        records=optional(non_negative_ints),
        size_bytes=optional(non_negative_ints),
        source=optional(texts),
        collection_method=optional(texts),
        synthetic_share=optional(fractions),
        sensitivity=optional(enums(Sensitivity)),
        copyright_status=optional(texts),
        known_exclusions=small_lists(texts),
    )


def guard_models(ref: S[str] | None = None) -> S[GuardModel]:
    """Guard models at any position, with thresholds."""
    return st.builds(
        GuardModel,
        **_common(ref),
        position=enums(GuardPosition),
        policy=optional(texts),
        categories=small_lists(texts),
        thresholds=small_lists(thresholds),
        endpoint=optional(urls),
    )


def routers(ref: S[str] | None = None) -> S[Router]:
    """Routers of any strategy."""
    return st.builds(
        Router, **_common(ref), strategy=enums(RouterStrategy), endpoint=optional(urls)
    )


def inference_providers(ref: S[str] | None = None) -> S[InferenceProvider]:
    """Inference providers with organisation, endpoint, region and terms."""
    return st.builds(
        InferenceProvider,
        **_common(ref),
        organization=optional(texts),
        endpoint=optional(urls),
        region=optional(texts),
        api_version=optional(texts),
        served_model_id=optional(texts),
        data_retention=optional(texts),
        trust_zone=optional(texts),
    )


def softwares(ref: S[str] | None = None) -> S[Software]:
    """Software of any role."""
    return st.builds(Software, **_common(ref), role=enums(SoftwareRole))


#: For each kind, a function ``(ref strategy or None) -> strategy of that kind``.
COMPONENT_STRATEGIES: dict[ComponentKind, Callable[[S[str] | None], S[AnyComponent]]] = {
    ComponentKind.MODEL: models,
    ComponentKind.WEIGHTS: weights,
    ComponentKind.TOKENIZER: tokenizers,
    ComponentKind.ADAPTER: adapters,
    ComponentKind.DATASET: datasets,
    ComponentKind.GUARD_MODEL: guard_models,
    ComponentKind.ROUTER: routers,
    ComponentKind.INFERENCE_PROVIDER: inference_providers,
    ComponentKind.SOFTWARE: softwares,
}


def any_components(ref: S[str] | None = None) -> S[AnyComponent]:
    """A component of any of the nine kinds."""
    return st.one_of([make(ref) for make in COMPONENT_STRATEGIES.values()])


# --- relations -------------------------------------------------------------------------------


def relations(
    kind: RelationKind | None = None,
    source: S[str] | None = None,
    target: S[str] | None = None,
) -> S[Relation]:
    """A relation of ``kind`` (any kind by default) with only the attributes that kind allows."""
    if kind is None:
        return enums(RelationKind).flatmap(lambda k: relations(k, source, target))
    sources = source if source is not None else refs
    targets = target if target is not None else refs
    extra: dict[str, S[Any]] = {}
    if kind is RelationKind.DERIVED_FROM:
        extra["method"] = optional(enums(DerivationMethod))
    elif kind is RelationKind.TRAINED_ON:
        extra["stage"] = optional(enums(TrainingStage))
    elif kind is RelationKind.ROUTES_TO:
        extra["order"] = optional(st.integers(min_value=0, max_value=1000))
        extra["condition"] = optional(texts)
    return (
        st.tuples(sources, targets)
        .filter(lambda pair: pair[0] != pair[1])
        .flatmap(
            lambda pair: st.builds(
                Relation,
                kind=st.just(kind),
                source=st.just(pair[0]),
                target=st.just(pair[1]),
                **extra,
            )
        )
    )


# --- metadata and whole BOMs -----------------------------------------------------------------

tools: S[Tool] = st.builds(Tool, name=names, version=optional(texts), vendor=optional(texts))
subjects: S[Subject] = st.builds(
    Subject,
    name=names,
    version=optional(texts),
    unit=enums(Unit),
    supplier=optional(texts),
    description=optional(texts),
    licenses=small_lists(license_expressions),
    external_references=small_lists(external_references),
    serves_end_users=st.booleans(),
    governance=optional(governances),
)
bom_metadata: S[BomMetadata] = st.builds(
    BomMetadata,
    subject=subjects,
    timestamp=optional(timestamps),
    authors=small_lists(texts),
    tools=small_lists(tools),
)

_LINEAGE = frozenset(k for k in RelationKind if k.is_lineage)
_FREE_KINDS = tuple(k for k in RelationKind if k is not RelationKind.ADAPTS)


@st.composite
def boms(draw: st.DrawFn, max_components: int = 6, min_components: int = 0) -> Bom:
    """A valid BOM of at most ``max_components`` components (one more if an adapter needs a
    model), with relations of every kind that fits the drawn components."""
    kinds = draw(st.lists(enums(ComponentKind), min_size=min_components, max_size=max_components))
    if ComponentKind.ADAPTER in kinds and ComponentKind.MODEL not in kinds:
        kinds.insert(0, ComponentKind.MODEL)
    ref_list = draw(st.lists(refs, min_size=len(kinds), max_size=len(kinds), unique=True))
    components = [
        draw(COMPONENT_STRATEGIES[kind](st.just(ref)))
        for kind, ref in zip(kinds, ref_list, strict=True)
    ]

    found: dict[tuple[str, str, str], Relation] = {}

    def add(kind: RelationKind, source: AnyComponent, target: AnyComponent) -> None:
        relation = draw(relations(kind, st.just(source.ref), st.just(target.ref)))
        found.setdefault(relation.key, relation)

    model_list = [c for c in components if c.kind is ComponentKind.MODEL]
    for component in components:
        if component.kind is ComponentKind.ADAPTER:
            add(RelationKind.ADAPTS, component, draw(st.sampled_from(model_list)))

    for _ in range(draw(st.integers(min_value=0, max_value=2 * len(components)))):
        kind = draw(st.sampled_from(_FREE_KINDS))
        allowed_sources, allowed_targets = ENDPOINT_KINDS[kind]
        pairs = _pairs(components, allowed_sources, allowed_targets, acyclic=kind in _LINEAGE)
        if pairs:
            source_index, target_index = draw(st.sampled_from(pairs))
            add(kind, components[source_index], components[target_index])

    return Bom(metadata=draw(bom_metadata), components=components, relations=list(found.values()))


def _pairs(
    components: Sequence[AnyComponent],
    sources: frozenset[ComponentKind],
    targets: frozenset[ComponentKind],
    *,
    acyclic: bool,
) -> list[tuple[int, int]]:
    """Index pairs allowed as (source, target); lineage edges only point to earlier
    components, so they can never close a cycle."""
    return [
        (i, j)
        for i, source in enumerate(components)
        if source.kind in sources
        for j, target in enumerate(components)
        if target.kind in targets and i != j and (j < i or not acyclic)
    ]


# --- CycloneDX JSON as other tools write it: valid, nearly valid and wrong -------------------

_JSON_SCALARS: S[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, 1.0, 2.5]),
    st.text(max_size=4),
)
_SPDX_IDS = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-only")


def _cdx_hash(wrong: bool) -> S[Any]:
    if wrong:
        return st.one_of(
            st.fixed_dictionaries(
                {
                    "alg": st.sampled_from(["sha256", "BLAKE3", "Streebog-256", "SHA-256"]),
                    "content": st.text("0123456789abcdefABx", max_size=70),
                }
            ),
            st.fixed_dictionaries({"alg": st.just("MD5")}),
        )
    return st.fixed_dictionaries(
        {
            "alg": st.sampled_from(["SHA-256", "SHA-1", "MD5", "SHA-512", "BLAKE3"]),
            "content": st.sampled_from(["ab" * 16, "AB" * 20, "0f" * 32, "1" * 128]),
        }
    )


def _cdx_license(wrong: bool) -> S[Any]:
    ids = st.sampled_from(["mit", "Not-An-Id", ""]) if wrong else st.sampled_from(_SPDX_IDS)
    extra = {"acknowledgement": st.sampled_from(["declared", "concluded"])}
    license_ = st.one_of(
        st.fixed_dictionaries({"id": ids}, optional=extra),
        st.fixed_dictionaries({"name": st.text(max_size=8)}, optional={"url": st.just("x")}),
    )
    return st.one_of(
        small_lists(st.fixed_dictionaries({"license": license_}), min_size=int(wrong)),
        st.lists(
            st.fixed_dictionaries({"expression": st.sampled_from(["MIT OR Apache-2.0", "x"])}),
            min_size=1,
            max_size=2 if wrong else 1,
        ),
    )


def _cdx_values(wrong: bool, depth: int) -> dict[str, S[Any]]:
    """Per key of a component: a value the official schemas accept, or (``wrong``) one they
    may refuse."""
    text = st.text(max_size=6)
    if wrong:
        return {
            "type": st.one_of(
                st.sampled_from(["Library", "service", "cryptographic-asset"]), _JSON_SCALARS
            ),
            "name": _JSON_SCALARS,
            "bom-ref": st.one_of(st.just(""), _JSON_SCALARS),
            "scope": text,
            "hashes": st.one_of(small_lists(_cdx_hash(True), min_size=1), _JSON_SCALARS),
            "licenses": st.one_of(_cdx_license(True), _JSON_SCALARS),
            "supplier": st.one_of(st.fixed_dictionaries({"name": _JSON_SCALARS}), _JSON_SCALARS),
            "properties": st.one_of(
                st.lists(st.fixed_dictionaries({"value": _JSON_SCALARS}), min_size=1, max_size=2),
                _JSON_SCALARS,
            ),
            "externalReferences": st.lists(
                st.fixed_dictionaries({"type": text, "url": _JSON_SCALARS}), min_size=1, max_size=2
            ),
            "unknownKey": _JSON_SCALARS,
            "components": st.lists(_JSON_SCALARS, min_size=1, max_size=2),
        }
    found: dict[str, S[Any]] = {
        "type": st.sampled_from(
            ["library", "application", "framework", "machine-learning-model", "data", "file"]
        ),
        "name": text,
        "bom-ref": st.text(string.ascii_letters + ":-", min_size=1, max_size=6),
        "version": text,
        "group": text,
        "purl": st.just("pkg:pypi/x@1"),
        "description": text,
        "author": text,
        "scope": st.sampled_from(["required", "optional", "excluded"]),
        "hashes": small_lists(_cdx_hash(False)),
        "licenses": _cdx_license(False),
        "supplier": st.fixed_dictionaries(
            {"name": text}, optional={"url": small_lists(st.just("https://x.example"))}
        ),
        "properties": small_lists(st.fixed_dictionaries({"name": text}, optional={"value": text})),
        "externalReferences": small_lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["vcs", "website", "other"]), "url": st.just("https://x")},
                optional={"comment": text},
            )
        ),
        "tags": small_lists(text),
    }
    if depth > 0:
        found["components"] = small_lists(cdx_components(depth - 1), max_size=2)
    return found


@st.composite
def cdx_components(draw: st.DrawFn, depth: int = 1) -> dict[str, Any]:
    """A component as another tool writes it: valid against the official schema of each
    CycloneDX version (whose enumerations differ), or with one key made wrong (a wrong type,
    a value off an enumeration, an unknown key, a hash of the wrong length, ...)."""
    valid = _cdx_values(False, depth)
    optional = sorted(set(valid) - {"type", "name"})
    keys = draw(st.lists(st.sampled_from(optional), unique=True, max_size=5))
    component: dict[str, Any] = {"type": draw(valid["type"]), "name": draw(valid["name"])}
    for key in keys:
        component[key] = draw(valid[key])
    if draw(st.booleans()):
        wrong = _cdx_values(True, depth)
        key = draw(st.sampled_from(sorted(wrong)))
        component[key] = draw(wrong[key])
        if draw(st.booleans()) and key in ("type", "name"):
            del component[key]
    return component


@st.composite
def cdx_ml_entries(draw: st.DrawFn) -> dict[str, Any]:
    """A model (with a model card), a dataset (with data entries) or a service as another
    tool writes it, with the values the reader maps onto model fields: counts, modalities,
    datasets in place (some named only with white space), classifications, endpoints (some
    not URLs)."""
    text = st.text(max_size=6)
    base = draw(cdx_components(depth=0))
    shape = draw(st.sampled_from(["model", "data", "service"]))
    if shape == "model":
        dataset = st.one_of(
            st.fixed_dictionaries({"ref": text}),
            st.fixed_dictionaries(
                {"type": st.just("dataset")},
                optional={
                    "name": st.sampled_from(["wiki", " ", ""]),
                    "bom-ref": st.sampled_from(["d1", "d 1", "d1"]),
                    "classification": st.sampled_from(["public", "PII", "secret"]),
                    "contents": st.fixed_dictionaries({"url": st.just("https://x.example/d")}),
                },
            ),
        )
        count = st.sampled_from(["7B", "8192", "0", "1.5k", "x", "-3"])
        base["type"] = "machine-learning-model"
        base["modelCard"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "modelParameters": st.fixed_dictionaries(
                        {},
                        optional={
                            "task": text,
                            "inputs": small_lists(
                                st.fixed_dictionaries({"format": st.sampled_from(["text", "x"])})
                            ),
                            "datasets": small_lists(dataset),
                        },
                    ),
                    "properties": small_lists(
                        st.fixed_dictionaries(
                            {
                                "name": st.sampled_from(
                                    [
                                        "cdx:ai-ml:model:parameter:count",
                                        "cdx:ai-ml:model:hyperparameter:context_length",
                                    ]
                                )
                            },
                            optional={"value": count},
                        )
                    ),
                },
            )
        )
    elif shape == "data":
        base["type"] = "data"
        base["data"] = draw(
            small_lists(
                st.fixed_dictionaries(
                    {"type": st.just("dataset")},
                    optional={"classification": st.sampled_from(["public", "confidential"])},
                )
            )
        )
    else:
        base.pop("type", None)
        base["endpoints"] = draw(
            small_lists(st.sampled_from(["https://api.example/v1", "not a url", ""]), min_size=1)
        )
        base["provider"] = {"name": draw(text)}
    return base
