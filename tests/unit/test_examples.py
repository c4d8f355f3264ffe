"""The example build script and the committed BOMs it produces."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from fmbom import native
from fmbom.bom import Bom
from fmbom.governance import SourceType, Unit
from fmbom.io import read_bom
from fmbom.model import Adapter, InferenceProvider, RelationKind, TrainingStage, Weights
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("name", ["assistant-v1.json", "assistant-v2.json"])
def test_committed_json_equals_what_the_script_writes(
    name: str, example_script: ModuleType, tmp_path: Path
) -> None:
    assert example_script.main(["build_assistant.py", str(tmp_path)]) == 0
    assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes()


def test_script_runs_standalone(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "build_assistant.py"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "assistant-v1.json",
        "assistant-v2.json",
    ]
    assert "23 components, 30 relations" in done.stdout


def test_script_help_writes_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "build_assistant.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "OUTDIR" in done.stdout
    assert "default: next to this script" in " ".join(done.stdout.split())
    assert list(tmp_path.iterdir()) == []


def test_script_refuses_unknown_options(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "build_assistant.py"), "--colour"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "unrecognized arguments: --colour" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_committed_json_loads_to_the_built_boms(example_v1: Bom, example_v2: Bom) -> None:
    assert read_bom(EXAMPLES / "assistant-v1.json") == example_v1
    assert read_bom(EXAMPLES / "assistant-v2.json") == example_v2
    assert native.loads(native.dumps(example_v2)) == example_v2


def test_the_four_units_are_kept_apart(example_v1: Bom) -> None:
    subject = example_v1.metadata.subject
    assert subject.unit is Unit.DEPLOYED_SYSTEM
    assert subject.serves_end_users
    governance = subject.governance
    assert governance is not None
    for section in ("identity", "training_data", "post_training", "controls", "obligations"):
        assert getattr(governance, section) is not None, section
    units = {e.unit for e in governance.evaluations}
    assert {Unit.BASE_MODEL, Unit.ADAPTED_MODEL, Unit.DEPLOYED_SYSTEM} <= units
    assert len({e.source_type for e in governance.evaluations}) >= 2
    assert SourceType.INDEPENDENT_AUDIT in {e.source_type for e in governance.evaluations}
    adapted = example_v1.component("model:acme-lm-8b-instruct")
    assert adapted.governance is not None  # type: ignore[union-attr]


def test_v2_changes_what_real_releases_change(example_v1: Bom, example_v2: Bom) -> None:
    old_adapter = example_v1.component("adapter:acme-support-lora")
    new_adapter = example_v2.component("adapter:acme-support-lora")
    assert isinstance(old_adapter, Adapter)
    assert isinstance(new_adapter, Adapter)
    assert old_adapter.version != new_adapter.version
    assert old_adapter.digests != new_adapter.digests

    old_gguf = example_v1.component("weights:acme-lm-8b-instruct-gguf")
    new_gguf = example_v2.component("weights:acme-lm-8b-instruct-gguf")
    assert isinstance(old_gguf, Weights)
    assert isinstance(new_gguf, Weights)
    assert old_gguf.quantization != new_gguf.quantization
    assert old_gguf.digests != new_gguf.digests

    def providers(bom: Bom) -> set[tuple[str | None, str | None]]:
        return {(p.organization, p.region) for p in bom.of_type(InferenceProvider)}

    assert len(providers(example_v1) & providers(example_v2)) == 1
    assert len(providers(example_v2)) == 2

    added = {c.ref for c in example_v2.components} - {c.ref for c in example_v1.components}
    assert "dataset:acme-safety-dialogues" in added
    trained = example_v2.incoming("dataset:acme-safety-dialogues", RelationKind.TRAINED_ON)
    assert [r.stage for r in trained] == [TrainingStage.SAFETY]

    def deployed(bom: Bom) -> list[tuple[str | None, object]]:
        governance = bom.metadata.subject.governance
        assert governance is not None
        return [
            (e.evaluated_version, e.date)
            for e in governance.evaluations
            if e.unit is Unit.DEPLOYED_SYSTEM
        ]

    assert deployed(example_v1) != deployed(example_v2)
    assert example_v1.metadata.subject.version != example_v2.metadata.subject.version
    assert example_v1.metadata.timestamp != example_v2.metadata.timestamp


def test_router_falls_back_across_regions(example_v2: Bom) -> None:
    routes = sorted(
        example_v2.outgoing("router:assistant", RelationKind.ROUTES_TO),
        key=lambda r: r.order or 0,
    )
    regions = []
    for route in routes:
        provider = example_v2.component(route.target)
        assert isinstance(provider, InferenceProvider)
        regions.append(provider.region)
    assert [r.order for r in routes] == [0, 1]
    assert len(set(regions)) == 2
