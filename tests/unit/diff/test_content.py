"""One content change is one diff entry, carrying every digest that shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

from fmbom.diff import RuleId, diff
from fmbom.scan import scan

DATA = Path(__file__).resolve().parents[2] / "data" / "scan"


def test_one_changed_byte_in_a_weights_file_is_one_change(tmp_path: Path) -> None:
    release = tmp_path / "fracast"
    shutil.copytree(DATA / "fracast", release)
    before = scan(release, name="fracast", version="1.0", use_cache=False).bom
    weights = release / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0x01  # the last byte is tensor data, not the header
    weights.write_bytes(bytes(data))
    after = scan(release, name="fracast", version="1.0", use_cache=False).bom

    result = diff(before, after)
    content = [c for c in result if c.rule is RuleId.DIGEST_CHANGED_SAME_VERSION]
    assert len(content) == 1, [c.message for c in result]
    (change,) = content
    assert change.field is None
    assert isinstance(change.before, dict)
    assert isinstance(change.after, dict)
    assert set(change.before) == {"digests", "files[model.safetensors].digest"}
    assert change.before.keys() == change.after.keys()
    for field in change.before:
        assert change.before[field] != change.after[field]
    assert "model.safetensors" in change.message
    # the weights have no version of their own: the release's version 1.0 stands for them
    assert "but the version 1.0 did not" in change.message
    assert "None" not in change.message


def test_a_single_digest_fact_keeps_its_field(tmp_path: Path) -> None:
    release = tmp_path / "fracast"
    shutil.copytree(DATA / "fracast", release)
    before = scan(release, name="fracast", version="1.0", use_cache=False).bom
    (release / "README.md").write_text("changed card\n", encoding="utf-8")
    after = scan(release, name="fracast", version="1.0", use_cache=False).bom
    for change in diff(before, after):
        if change.rule is RuleId.DIGEST_CHANGED_SAME_VERSION:
            assert change.field is not None
            assert not isinstance(change.before, dict)


def test_messages_never_print_python_none() -> None:
    from fmbom import Bom, Model, Tokenizer
    from fmbom.vocabulary import TokenizerType

    old = Bom.create("system").add(
        Model(ref="m", name="m"),
        Tokenizer(ref="t", name="t", version="1"),
    )
    new = Bom.create("system", "2").add(
        Model(ref="m", name="m", version="1.0"),
        Tokenizer(ref="t", name="t", version="1", supplier="acme", tokenizer_type="bpe"),
    )
    result = diff(old, new)
    messages = [c.message for c in result] + [c.message for c in diff(new, old)]
    assert messages
    assert not [m for m in messages if "None" in m or "null" in m]
    assert any("version (none) -> 1.0" in m for m in messages)
    assert any("version (none) -> 2" in m for m in messages)
    assert TokenizerType.BPE.value in " ".join(messages)
