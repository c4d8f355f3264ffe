"""The fuzz campaign's property, a few examples per reader on every test run.

For every reader (native JSON, CycloneDX JSON with and without schema validation, CycloneDX
XML, format detection, each file kind the scanner reads, policy TOML), a mutated real seed
file either reads (and the result can be written) or raises an ``FmbomError`` that says where.
The long run of the same property is ``benchmarks/fuzz_campaign.py``; its table is in
``docs/reliability.md``.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fmbom.errors import FmbomError
from tests.fuzz.harness import READERS, Outcome, Reader, check, mutate, seeds
from tests.profiles import examples

#: Per reader under the full profile (a tenth under HYPOTHESIS_PROFILE=fast).
EXAMPLES = 30


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_mutated_input_is_read_or_a_located_error(reader: str) -> None:
    with tempfile.TemporaryDirectory(prefix="fmbom-fuzz-") as scratch:
        work = Path(scratch)

        @examples(EXAMPLES)
        @given(rng=st.randoms(use_true_random=False))
        def run(rng: random.Random) -> None:
            outcome = check(reader, mutate(reader, rng), work)
            assert outcome.status in ("ok", "clean"), outcome

        run()


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_seed_reads(reader: str) -> None:
    """The seeds are real inputs a reader accepts (a broken seed would fuzz nothing)."""
    for name, data in zip(READERS[reader].seed_files, seeds(reader), strict=True):
        outcome = check(reader, data)
        # The spec's invalid-* tests are near misses that start mutations; like every
        # schema-invalid third-party document they are read best effort, with warnings.
        assert outcome.status == "ok", (name, outcome)


def test_the_property_reports_what_it_must(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check("native-json", b"{").status == "clean"
    assert check("native-json", seeds("native-json")[0]) == Outcome("ok")
    policy = READERS["policy-toml"]

    def unlocated(data: bytes, work: Path) -> None:
        raise FmbomError("something went wrong")

    def crash(data: bytes, work: Path) -> None:
        raise KeyError(data[:1])

    monkeypatch.setitem(READERS, "policy-toml", Reader("policy-toml", policy.seed_files, unlocated))
    assert check("policy-toml", b"").kind == "FmbomError without a location"
    monkeypatch.setitem(READERS, "policy-toml", Reader("policy-toml", policy.seed_files, crash))
    assert check("policy-toml", b"x") == Outcome("uncaught", "KeyError", "b'x'")


def test_mutations_are_reproducible() -> None:
    for reader in READERS:
        first = mutate(reader, random.Random(f"seed:{reader}"))  # noqa: S311 - test inputs
        again = mutate(reader, random.Random(f"seed:{reader}"))  # noqa: S311 - test inputs
        assert first == again
