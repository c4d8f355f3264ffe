"""SPDX 3.0.1 export, import and schema validation at 1,000 / 10,000 / 100,000 components.

Export is compared with the SPDX project's own Python bindings, spdx-python-model (generated
from the same 3.0.1 model), building the same elements as fmbom writes (packages with their
hashes, licence expressions and relationships, one ``CreationInfo``) and serializing them with
its JSON-LD serializer. Install it to include the comparison: ``pip install spdx-python-model``
(it is not a dependency of fmbom).

Schema validation (``spdx.schema_errors``) is timed up to ``--schema-limit`` components.

Run: python benchmarks/bench_spdx.py [--sizes 1000 10000 100000] [--model-limit 100000]
[--schema-limit 10000]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import io
import json
import time
from collections.abc import Callable
from typing import Any

from bench_cyclonedx import build

from fmbom import Bom, Dataset, Model, spdx


def timed(action: Callable[..., object], *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    action(*args, **kwargs)
    return time.perf_counter() - start


def model_export(bom: Bom) -> None:
    """The same elements through spdx-python-model's object model and JSON-LD serializer."""
    from spdx_python_model import v3_0_1 as m

    ns = "https://spdx.org/spdxdocs/bench/"
    objects: list[Any] = []
    created = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    creation = m.CreationInfo(specVersion="3.0.1", created=created)
    agent = m.SoftwareAgent(spdxId=ns + "agent", name="fmbom", creationInfo=creation)
    creation.createdBy = [agent]
    objects.append(agent)
    licenses: dict[str, Any] = {}
    packages: dict[str, Any] = {}
    for component in bom.components:
        cls = m.ai_AIPackage if isinstance(component, Model) else m.dataset_DatasetPackage
        package = cls(spdxId=ns + component.ref, name=component.name, creationInfo=creation)
        if isinstance(component, Dataset):
            package.dataset_datasetType = [m.dataset_DatasetType.noAssertion]
        if component.version is not None:
            package.software_packageVersion = component.version
        for digest in component.digests:
            package.verifiedUsing.append(
                m.Hash(algorithm=m.HashAlgorithm.sha256, hashValue=digest.value)
            )
        for text in component.licenses:
            if text not in licenses:
                licenses[text] = m.simplelicensing_LicenseExpression(
                    spdxId=ns + "license/" + text,
                    simplelicensing_licenseExpression=text,
                    creationInfo=creation,
                )
                objects.append(licenses[text])
            objects.append(
                m.Relationship(
                    spdxId=ns + component.ref + "/license",
                    relationshipType=m.RelationshipType.hasDeclaredLicense,
                    from_=package,
                    to=[licenses[text]],
                    creationInfo=creation,
                )
            )
        packages[component.ref] = package
        objects.append(package)
    objects.extend(
        m.Relationship(
            spdxId=ns + f"relation/{relation.source}/{relation.target}",
            relationshipType=m.RelationshipType.trainedOn,
            from_=packages[relation.source],
            to=[packages[relation.target]],
            creationInfo=creation,
        )
        for relation in bom.relations
    )
    m.JSONLDSerializer().write(m.SHACLObjectSet(objects), io.BytesIO())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--model-limit", type=int, default=100000)
    parser.add_argument("--schema-limit", type=int, default=10000)
    args = parser.parse_args()
    with_model = importlib.util.find_spec("spdx_python_model") is not None
    spdx.schema_errors(spdx.to_dict(build(2)))  # compile the schema once
    previous: dict[str, float] = {}
    print(
        f"{'components':>10} {'export s':>9} {'us/comp':>8} {'x10':>5} {'import s':>9} "
        f"{'x10':>5} {'schema s':>9} {'x10':>5} {'bindings s':>11} {'bindings/fmbom':>15}"
    )
    for size in args.sizes:
        bom = build(size)
        export = timed(spdx.dumps, bom)
        text = spdx.dumps(bom)
        load = timed(spdx.loads, text)
        assert spdx.loads(text) == bom
        schema = float("nan")
        if size <= args.schema_limit:
            document = json.loads(text)
            schema = timed(spdx.schema_errors, document)
            assert spdx.schema_errors(document) == []
        bindings = "-"
        ratio = "-"
        if with_model and size <= args.model_limit:
            model = timed(model_export, bom)
            bindings, ratio = f"{model:.2f}", f"{model / export:.1f}x"
        cells = []
        for name, value in (("export", export), ("import", load), ("schema", schema)):
            before = previous.get(name)
            tenfold = before and size == 10 * previous["size"]
            cells.append(f"{value / before:.1f}" if tenfold else "")
            previous[name] = value
        previous["size"] = size
        print(
            f"{size:>10} {export:>9.2f} {export / size * 1e6:>8.1f} {cells[0]:>5} "
            f"{load:>9.2f} {cells[1]:>5} {schema:>9.2f} {cells[2]:>5} {bindings:>11} {ratio:>15}"
        )
    if not with_model:
        print("spdx-python-model is not installed: the bindings column is empty")


if __name__ == "__main__":
    main()
