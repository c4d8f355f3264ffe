"""The best-effort reader of documents other tools wrote.

What maps onto an fmbom field goes there: names, versions, licenses, hashes, references,
parties, tags, model card parameters, the governance facts a model card states (intended
users and uses, limitations, ethical considerations, metrics, training energy), dataset
sources and classifications, service providers and endpoints. Everything else is carried
unchanged (see :mod:`fmbom.cyclonedx._carry`); nothing becomes a JSON string in a property.
"""

from __future__ import annotations

from typing import Any, Final

from fmbom.cyclonedx._common import CONTEXT_LENGTH, KIND_OF_TYPE, PARAMETER_COUNT, ROLE_OF_TYPE
from fmbom.cyclonedx._read_common import (
    REF,
    URL,
    Entry,
    Pending,
    Reader,
    as_float,
    parse_count,
    text,
)
from fmbom.governance import Evaluation, Governance, Identity, SourceType, TrainingData, Unit
from fmbom.model import (
    AnyComponent,
    ComponentKind,
    Dataset,
    InferenceProvider,
    Modality,
    Model,
    Property,
    RelationKind,
    Sensitivity,
    Software,
    SoftwareRole,
)

__all__ = ["card_datasets", "foreign_component"]

_SENSITIVITY: Final = {s.value: s for s in Sensitivity}
_MODALITY: Final = {m.value: m for m in Modality}
_ENERGY: Final = {"kwh": 1.0, "mwh": 1e3, "gwh": 1e6, "wh": 1e-3}


def foreign_component(reader: Reader, entry: Entry, raw_props: list[Property]) -> AnyComponent:
    """Read a component or service another tool wrote, mapping what fmbom models."""
    data = entry.data
    fields = reader.common(entry)
    cdx_type = str(data.get("type", "service" if entry.service else "library"))
    kind = KIND_OF_TYPE.get(cdx_type)
    cls: type[Any]
    if entry.service:
        cls = InferenceProvider
        _service(data, fields)
    elif kind is ComponentKind.MODEL:
        cls = Model
        _model_card(reader, entry, fields)
        card = data.get("modelCard")
        card_props = reader.properties(card.get("properties")) if isinstance(card, dict) else []
        _card_properties([*raw_props, *card_props], fields)
    elif kind is ComponentKind.DATASET:
        cls = Dataset
        _data(data.get("data"), fields)
    else:
        cls = Software
        fields["role"] = ROLE_OF_TYPE.get(cdx_type, SoftwareRole.OTHER)
    fields["properties"] = raw_props
    # The common fields are checked as they are read (Reader.common); of the others, only a
    # service's endpoint has a validator (a URL): counts are read non-negative (a context
    # length positive), vocabularies as members, texts as strings.
    endpoint = fields.get("endpoint")
    checked = endpoint is None or URL.fullmatch(endpoint) is not None
    return reader.build(cls, fields, entry.path, checked=checked)


def _card_properties(props: list[Property], fields: dict[str, Any]) -> None:
    for prop in props:
        if prop.name == PARAMETER_COUNT and "parameter_count" not in fields:
            count = parse_count(prop.value)
            if count is not None:
                fields["parameter_count"] = count
        elif prop.name == CONTEXT_LENGTH and "context_length" not in fields:
            length = parse_count(prop.value)
            if length:
                fields["context_length"] = length


def _service(data: dict[str, Any], fields: dict[str, Any]) -> None:
    provider = data.get("provider")
    if isinstance(provider, dict) and provider.get("name") is not None:
        fields["organization"] = str(provider["name"])
    endpoints = data.get("endpoints")
    if isinstance(endpoints, list) and endpoints and isinstance(endpoints[0], str):
        fields["endpoint"] = endpoints[0]
    if "trustZone" in data:
        fields["trust_zone"] = str(data["trustZone"])


def _data(entries: Any, fields: dict[str, Any]) -> None:
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict):
            continue
        contents = entry.get("contents")
        if isinstance(contents, dict) and "url" in contents and "source" not in fields:
            fields["source"] = str(contents["url"])
        classification = str(entry.get("classification", "")).lower()
        if classification in _SENSITIVITY and "sensitivity" not in fields:
            fields["sensitivity"] = _SENSITIVITY[classification]


def _model_card(reader: Reader, entry: Entry, fields: dict[str, Any]) -> None:
    card = entry.data.get("modelCard")
    if not isinstance(card, dict):
        return
    parameters = card.get("modelParameters")
    if isinstance(parameters, dict):
        for key, field in (
            ("task", "task"),
            ("architectureFamily", "architecture_family"),
            ("modelArchitecture", "architecture"),
        ):
            if key in parameters:
                fields[field] = text(parameters[key])
        for key, field in (("inputs", "modalities_in"), ("outputs", "modalities_out")):
            found = []
            for item in parameters.get(key) or ():
                fmt = str(item.get("format", "")) if isinstance(item, dict) else ""
                if fmt.lower() in _MODALITY:
                    found.append(_MODALITY[fmt.lower()])
            if found:
                fields[field] = found
        card_datasets(reader, entry)
    governance = _governance(card)
    if governance is not None:
        fields["governance"] = governance


def card_datasets(reader: Reader, entry: Entry) -> None:
    """The datasets of a model card: relations to data components, or datasets in place."""
    card = entry.data.get("modelCard")
    parameters = card.get("modelParameters") if isinstance(card, dict) else None
    datasets = parameters.get("datasets") if isinstance(parameters, dict) else None
    for index, dataset in enumerate(datasets if isinstance(datasets, list) else ()):
        path = f"{entry.path}.modelCard.modelParameters.datasets[{index}]"
        _card_dataset(reader, entry, dataset, path)


def _card_dataset(reader: Reader, entry: Entry, dataset: Any, path: str) -> None:
    if not isinstance(dataset, dict):
        return
    if "ref" in dataset and len(dataset) == 1:
        reader.pending.append(
            Pending(entry.ref, str(dataset["ref"]), path, RelationKind.TRAINED_ON)
        )
        return
    fields: dict[str, Any] = {"name": str(dataset.get("name") or "unnamed dataset")}
    _data([dataset], fields)
    ref = dataset.get("bom-ref")
    if isinstance(ref, str) and REF.fullmatch(ref) and ref not in reader.taken:
        reader.taken.add(ref)
        fields["ref"] = ref
    else:
        fields["ref"] = reader.new_ref(dataset, "dataset")
    inline = Entry(data=dataset, path=path, service=False, ref=fields["ref"], inline="modelCard")
    checked = bool(fields["name"].strip())  # the ref is checked or made above
    reader.add(inline, reader.build(Dataset, fields, path, checked=checked))
    reader.pending.append(Pending(entry.ref, fields["ref"], path, RelationKind.TRAINED_ON))


def _governance(card: dict[str, Any]) -> Governance | None:
    evaluations = []
    analysis = card.get("quantitativeAnalysis")
    if isinstance(analysis, dict):
        evaluations = [
            _evaluation(metric)
            for metric in analysis.get("performanceMetrics") or ()
            if isinstance(metric, dict)
        ]
    identity = None
    energy = None
    considerations = card.get("considerations")
    if isinstance(considerations, dict):
        identity, energy = _considerations(considerations)
    if not evaluations and identity is None and energy is None:
        return None
    return Governance(
        identity=identity,
        evaluations=evaluations,
        training_data=None if energy is None else TrainingData(energy_kwh=energy),
    )


def _evaluation(metric: dict[str, Any]) -> Evaluation:
    setup = []
    value = None
    if "value" in metric:
        value = as_float(metric["value"])
        if value is None:
            setup.append(f"reported value: {metric['value']}")
    uncertainty = None
    interval = metric.get("confidenceInterval")
    if isinstance(interval, dict):
        low, high = as_float(interval.get("lowerBound")), as_float(interval.get("upperBound"))
        if low is not None and high is not None and high >= low:
            uncertainty = (high - low) / 2
        else:
            setup.append(
                f"confidence interval: {interval.get('lowerBound')} to {interval.get('upperBound')}"
            )
    return Evaluation(
        benchmark=str(metric.get("slice") or "unspecified"),
        metric=str(metric.get("type") or "unspecified"),
        value=value,
        uncertainty=uncertainty,
        unit=Unit.BASE_MODEL,
        source_type=SourceType.PROVIDER_CLAIM,
        setup="; ".join(setup) or None,
    )


def _considerations(data: dict[str, Any]) -> tuple[Identity | None, float | None]:
    def strings(key: str) -> list[str]:
        items = data.get(key)
        return [text(i) for i in items] if isinstance(items, list) else []

    limitations = strings("technicalLimitations")
    limitations += [f"Performance trade-off: {t}" for t in strings("performanceTradeoffs")]
    ethics = []
    for item in data.get("ethicalConsiderations") or ():
        if isinstance(item, dict):
            line = str(item.get("name", ""))
            if item.get("mitigationStrategy"):
                line += f" (mitigation: {item['mitigationStrategy']})"
            ethics.append(line)
    for item in data.get("fairnessAssessments") or ():
        if isinstance(item, dict):
            parts = [
                f"{label}: {item[key]}"
                for key, label in (
                    ("groupAtRisk", "group at risk"),
                    ("benefits", "benefits"),
                    ("harms", "harms"),
                    ("mitigationStrategy", "mitigation"),
                )
                if item.get(key)
            ]
            ethics.append("Fairness assessment: " + "; ".join(parts))
    energy = _training_energy(data.get("environmentalConsiderations"))
    users, uses = strings("users"), strings("useCases")
    if not (users or uses or limitations or ethics):
        return None, energy
    identity = Identity(
        intended_users=users,
        intended_uses=uses,
        limitations=limitations,
        ethical_considerations=ethics,
    )
    return identity, energy


def _training_energy(environment: Any) -> float | None:
    if not isinstance(environment, dict):
        return None
    total = None
    items = environment.get("energyConsumptions")
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or item.get("activity") != "training":
            continue
        cost = item.get("activityEnergyCost")
        if not isinstance(cost, dict):
            continue
        value = as_float(cost.get("value"))
        factor = _ENERGY.get(str(cost.get("unit", "")).lower())
        if value is not None and factor is not None and value >= 0:
            total = (total or 0.0) + value * factor
    return total
