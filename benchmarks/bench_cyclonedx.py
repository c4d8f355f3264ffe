"""CycloneDX export, import and schema validation at 1,000 / 10,000 / 100,000 components.

Export is compared with cyclonedx-python-lib's own output path for the same components
(building its ``Bom`` and serializing it with its JSON outputter). The library is quadratic,
so above ``--library-limit`` components its time is extrapolated from the largest measured
size (quadratically) and marked as such.

Import is timed on fmbom's own output and on a document as another tool writes it (the
generator of ``bench_diff.py``: libraries, models with a model card, data components, no
``fmbom:*`` properties), with the default targeted checks and with the complete schema
(``validate=True``).

Run: python benchmarks/bench_cyclonedx.py [--sizes 1000 10000 100000] [--library-limit 10000]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from bench_diff import generic_document

from fmbom import Bom, Dataset, Model, RelationKind, cyclonedx
from fmbom.model import Digest, Relation


def build(count: int) -> Bom:
    models = count // 2
    components: list[Model | Dataset] = [
        Model(
            ref=f"model-{index}",
            name=f"model-{index}",
            version="1.0",
            task="text-generation",
            licenses=("Apache-2.0",),
            digests=(Digest.of("sha256", f"{index:064x}"),),
        )
        for index in range(models)
    ]
    relations = []
    for index in range(count - models):
        components.append(
            Dataset(ref=f"data-{index}", name=f"data-{index}", source=f"https://d.example/{index}")
        )
        if index < models:
            relations.append(
                Relation(
                    kind=RelationKind.TRAINED_ON, source=f"model-{index}", target=f"data-{index}"
                )
            )
    return Bom.create("bench", "1").add(components).with_relations(*relations)


def timed(action: Callable[..., object], *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    action(*args, **kwargs)
    return time.perf_counter() - start


def library_export(bom: Bom) -> None:
    from cyclonedx.output.json import JsonV1Dot6

    JsonV1Dot6(cyclonedx.to_cyclonedx_bom(bom)).output_as_string()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--library-limit", type=int, default=10000)
    args = parser.parse_args()
    library_times: dict[int, float] = {}
    cyclonedx.schema_errors(cyclonedx.dumps(build(2)))  # compile the schema once
    for size in args.sizes:
        bom = build(size)
        fm_json = timed(cyclonedx.dumps, bom, format="json")
        fm_xml = timed(cyclonedx.dumps, bom, format="xml")
        if size <= args.library_limit:
            lib = timed(library_export, bom)
            library_times[size] = lib
            note = "measured"
        else:
            base = max(library_times)
            lib = library_times[base] * (size / base) ** 2
            note = f"extrapolated (quadratic) from {base}"
        text = cyclonedx.dumps(bom, format="json")
        xml = cyclonedx.dumps(bom, format="xml")
        load_json = timed(cyclonedx.loads, text)
        load_xml = timed(cyclonedx.loads, xml)
        check_json = timed(cyclonedx.schema_errors, text)
        check_xml = timed(cyclonedx.schema_errors, xml)
        generic = json.dumps(generic_document(size, changed=False))
        parse = timed(json.loads, generic)
        load_generic = timed(cyclonedx.loads, generic)
        load_generic_full = timed(cyclonedx.loads, generic, validate=True)
        print(
            f"{size:>7} components: export json {fm_json:7.2f}s xml {fm_xml:7.2f}s | "
            f"cyclonedx-python-lib {lib:9.2f}s ({note}) | ratio {lib / fm_json:8.1f}x | "
            f"import json {load_json:6.2f}s xml {load_xml:6.2f}s | "
            f"schema json {check_json:6.2f}s xml {check_xml:6.2f}s | "
            f"import of another tool's json {load_generic:6.2f}s "
            f"(json.loads {parse:5.2f}s; with validate=True {load_generic_full:6.2f}s)"
        )


if __name__ == "__main__":
    main()
