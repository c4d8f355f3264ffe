"""The fuzz campaign's readers, seed corpus, mutators and property, shared by the test suite
(``tests/fuzz/test_readers.py``, a few examples per reader under hypothesis) and the long
runner (``benchmarks/fuzz_campaign.py``, minutes of inputs in subprocesses with limits).

The property: feeding any bytes to a reader either succeeds, and then the result can be
written (native JSON, encoded as UTF-8), or raises :class:`fmbom.errors.FmbomError` whose
message says where (the source name, a JSON path or a file path). Anything else (another
exception type, an error without a location) is a defect.

Every input is derived from a real seed file (``tests/data``, origins in
``tests/data/SOURCES.md``) by random mutations: byte flips, insertions, deletions,
duplications and truncation, hostile tokens spliced in at random places, and for JSON seeds
structural mutations that replace a random value of the parsed document with a hostile one.
The mutators take a :class:`random.Random`, so hypothesis (``st.randoms()``) and the runner
(``random.Random(seed)``) drive the same code and a seed reproduces an input.
"""

from __future__ import annotations

import copy
import io
import json
import random
import struct
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Final

import attrs

from fmbom import cyclonedx, native, spdx
from fmbom.diff import Policy
from fmbom.errors import FmbomError
from fmbom.io import loads_bom
from fmbom.scan import scan

__all__ = [
    "READERS",
    "Outcome",
    "Reader",
    "check",
    "mutate",
    "seeds",
    "warm_up",
]

ROOT: Final = Path(__file__).resolve().parents[2]
DATA: Final = ROOT / "tests" / "data"
SOURCE: Final = "fuzz-input"

#: Values that broke readers before: each replaces a JSON value or is spliced into bytes.
HOSTILE_VALUES: Final[tuple[Any, ...]] = (
    "\ud800",
    "a\udfffb",
    "\x1b[31m\x07",
    "\u202e\ufeff",
    "x\ny",
    "",
    " ",
    "4.0\n1",
    "NaN",
    -1,
    0,
    2**63,
    -(2**63) - 1,
    "<big-integer>",
    1e308,
    -0.0,
    True,
    None,
    [],
    {},
    [[[[[[[[[[[]]]]]]]]]]],
    {"": {"": {"": None}}},
    ["x"] * 50,
    "x" * 10_000,
)
#: Raw byte strings spliced into inputs.
HOSTILE_BYTES: Final[tuple[bytes, ...]] = (
    b'"\\ud800"',
    b"\\udfff",
    b"9" * 4400,
    b"1e999",
    b"NaN",
    b"-Infinity",
    b"[" * 3000,
    b"{" * 200,
    b"]" * 50,
    b"\x00",
    b"\xff\xfe",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\x1b]0;title\x07",
    b"\n" * 100,
    b'"' * 3,
    b"\\",
    b"<!DOCTYPE bom [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
    b"&x;",
    b"<![CDATA[",
    b"---\n",
    b'key: "unterminated\n',
    b"- - - - - - - - - - - - x\n",
    b"&anchor *alias !!python/object:os.system",
    b"\t",
    b"\xff" * 8,
    struct.pack("<Q", 2**63),
    struct.pack("<I", 9),
    b"GGUF",
)


@attrs.frozen
class Outcome:
    """What one input did: ``ok``, ``clean`` (an FmbomError with a location) or ``uncaught``
    (with the exception type's name and its message)."""

    status: str
    kind: str = ""
    message: str = ""


@attrs.frozen
class Reader:
    """One reader of the campaign: its seed files and how it is fed bytes."""

    name: str
    seed_files: tuple[str, ...]
    #: Feeds the bytes to the reader; may return ``"clean"`` when it reported a located
    #: problem without raising (a scan's per-file error).
    run: Callable[[bytes, Path], str | None]
    json_seeds: bool = True


# --- how each reader is fed ------------------------------------------------------------------


def _written(bom: Any) -> None:
    native.dumps(bom).encode("utf-8")


def _native(data: bytes, _work: Path) -> None:
    _written(native.loads(data, SOURCE))


def _any_format(data: bytes, _work: Path) -> None:
    _written(loads_bom(data, SOURCE))


def _cyclonedx(data: bytes, _work: Path) -> None:
    bom = cyclonedx.loads(data, SOURCE)
    _written(bom)
    cyclonedx.dumps(bom, format="json").encode("utf-8")


def _cyclonedx_validated(data: bytes, _work: Path) -> None:
    _written(cyclonedx.loads(data, SOURCE, validate=True))


def _spdx(data: bytes, _work: Path) -> None:
    bom = spdx.loads(data, SOURCE)
    _written(bom)
    spdx.dumps(bom).encode("utf-8")


def _validate(data: bytes, _work: Path) -> None:
    """What ``fmbom validate`` runs: the schema pass of the detected format, then a strict
    read; problems are its answer, an error its refusal."""
    from fmbom.cli._validate import problems_of

    problems_of(data, SOURCE)


def _diff_documents(data: bytes, _work: Path) -> None:
    """``fmbom diff SEED INPUT`` and ``fmbom diff INPUT SEED``, which read in full only what
    differs: their changes and matching are those of reading both in full (an AssertionError
    is a defect)."""
    from fmbom.diff import diff, diff_documents

    base = (DATA / _DIFF_BASE).read_bytes()
    for old, new in ((base, data), (data, base)):
        found = diff_documents(old, new, old_source=SOURCE, new_source=SOURCE)
        whole = diff(loads_bom(old, SOURCE), loads_bom(new, SOURCE))
        if found.result.changes != whole.changes or (
            dict(found.result.matched) != dict(whole.matched)
        ):
            raise AssertionError("reading what differs gave another diff than reading all")


_DIFF_BASE: Final = "cyclonedx/cyclonedx-py-env-1.6.cdx.json"


def _policy(data: bytes, work: Path) -> None:
    path = work / "policy.toml"
    path.write_bytes(data)
    Policy.load(path)


#: Companion files for scanner kinds that are only read inside a model directory.
_MODEL_CONFIG: Final = b'{"model_type": "bert", "architectures": ["BertModel"]}'


def _scanner(
    file_name: str, *, with_config: bool, the_file: bool = False
) -> Callable[[bytes, Path], str]:
    """Scan a folder holding ``file_name`` (and a model ``config.json`` when ``with_config``),
    or with ``the_file`` that file itself (a deployment configuration is scanned as given)."""

    def run(data: bytes, work: Path) -> str:
        root = work / "unit"
        root.mkdir(exist_ok=True)
        for old in root.iterdir():
            old.unlink()
        (root / file_name).write_bytes(data)
        if with_config:
            (root / "config.json").write_bytes(_MODEL_CONFIG)
        result = scan(root / file_name if the_file else root, use_cache=False, workers=1)
        for problem in result.problems:
            if not problem.path:
                raise _UnlocatedError(f"scan problem without a path: {problem.message}")
        _written(result.bom)
        # A file the scan refused (a per-file error naming it) counts as a clean error.
        return "clean" if result.errors else "ok"

    return run


def _deployment(file_name: str) -> Callable[[bytes, Path], str]:
    """Scan one deployment configuration file (YAML or an Ollama ``Modelfile``) as given."""
    return _scanner(file_name, with_config=False, the_file=True)


class _UnlocatedError(Exception):
    """A problem or error that does not say where it is."""


READERS: Final[dict[str, Reader]] = {
    reader.name: reader
    for reader in (
        Reader("native-json", ("../../docs/examples/assistant-v1.json",), _native),
        Reader(
            "cyclonedx-json",
            (
                "cyclonedx/valid-machine-learning-1.6.json",
                "cyclonedx/valid-component-data-1.7.json",
                "cyclonedx/qwen-7b-mlbom-1.7_schema_example_v1.json",
                "cyclonedx/invalid-license-id-1.6.json",
            ),
            _cyclonedx,
        ),
        Reader(
            "cyclonedx-json-validated",
            ("cyclonedx/valid-machine-learning-1.6.json", "cyclonedx/valid-formulation-1.5.json"),
            _cyclonedx_validated,
        ),
        Reader(
            "cyclonedx-xml",
            (
                "cyclonedx/valid-machine-learning-1.6.xml",
                "cyclonedx/valid-component-data-1.7.xml",
                "cyclonedx/invalid-service-data-1.6.xml",
            ),
            _cyclonedx,
            json_seeds=False,
        ),
        Reader(
            "any-format",
            ("../../docs/examples/assistant-v2.json", "cyclonedx/valid-component-types-1.7.xml"),
            _any_format,
        ),
        Reader(
            "scan-config.json",
            (
                "scan/all-minilm-l6-v2/config.json",
                "scan/devstral-small-2507/config.json",
                "scan/cogito-v1-preview-qwen-14b/config.json",
            ),
            _scanner("config.json", with_config=False),
        ),
        Reader(
            "scan-adapter_config.json",
            ("scan/peft-lora-llama-3.2-3b/adapter_config.json",),
            _scanner("adapter_config.json", with_config=False),
        ),
        Reader(
            "scan-safetensors",
            ("scan/all-minilm-l6-v2/model.safetensors.header-only",),
            _scanner("model.safetensors", with_config=True),
            json_seeds=False,
        ),
        Reader(
            "scan-gguf",
            ("scan/gguf/ggml-vocab-bert-bge.gguf", "<small-gguf>"),
            _scanner("model.gguf", with_config=False),
            json_seeds=False,
        ),
        Reader(
            "scan-card",
            (
                "scan/cards/llama-guard-3-1b_README.md",
                "scan/cards/spdx_ai-example01_README.md",
                "scan/cogito-v1-preview-qwen-14b/README.md",
            ),
            _scanner("README.md", with_config=False),
            json_seeds=False,
        ),
        Reader(
            "scan-tokenizer_config.json",
            ("scan/cogito-v1-preview-qwen-14b/tokenizer_config.json",),
            _scanner("tokenizer_config.json", with_config=True),
        ),
        Reader(
            "scan-special_tokens_map.json",
            ("scan/cogito-v1-preview-qwen-14b/special_tokens_map.json",),
            _scanner("special_tokens_map.json", with_config=True),
        ),
        Reader(
            "scan-added_tokens.json",
            ("scan/cogito-v1-preview-qwen-14b/added_tokens.json",),
            _scanner("added_tokens.json", with_config=True),
        ),
        Reader(
            "spdx3-json",
            (
                "spdx/ai-example01-simplehtr.spdx3.json",
                "spdx/ai-example02-sbom.spdx3.json",
                "spdx/dataset-example01.spdx3.json",
                "<own-spdx>",
            ),
            _spdx,
        ),
        Reader(
            "diff-documents",
            (_DIFF_BASE, "cyclonedx/valid-machine-learning-1.6.json"),
            _diff_documents,
        ),
        Reader(
            "validate",
            (
                "spdx/ai-example01-simplehtr.spdx3.json",
                "<own-spdx>",
                "cyclonedx/valid-machine-learning-1.6.json",
                "cyclonedx/invalid-license-id-1.6.json",
                "../../docs/examples/assistant-v1.json",
            ),
            _validate,
        ),
        Reader(
            "deploy-litellm",
            (
                "deploy/litellm/proxy_server_config.yaml",
                "deploy/litellm/guardrails_eu_ai_act.yaml",
            ),
            _deployment("config.yaml"),
            json_seeds=False,
        ),
        Reader(
            "deploy-nemo",
            ("deploy/nemo/content_safety/config.yml",),
            _deployment("config.yml"),
            json_seeds=False,
        ),
        Reader(
            "deploy-kubernetes",
            ("deploy/kserve/kernelcache-isvc.yaml", "deploy/k8s/vllm-deployment.yaml"),
            _deployment("serving.yaml"),
            json_seeds=False,
        ),
        Reader(
            "deploy-compose",
            ("deploy/compose/opea-chatqna-compose_tgi.yaml",),
            _deployment("compose.yaml"),
            json_seeds=False,
        ),
        Reader(
            "deploy-ollama",
            ("deploy/ollama/mario/Modelfile",),
            _deployment("Modelfile"),
            json_seeds=False,
        ),
        Reader(
            "policy-toml",
            ("<policy>",),
            _policy,
            json_seeds=False,
        ),
    )
}

_POLICY_SEED: Final = b"""# rules never reported
ignore = ["field-changed"]

[severity]
license-changed = "critical"
version-upgraded = "info"

[kinds.software]
ignore = ["component-added"]
severity = { version-downgraded = "medium" }

[kinds.dataset]
severity = { dataset-added = "critical", dataset-removed = "low" }
"""


def _small_gguf() -> bytes:
    """A small GGUF header built here: metadata of every value type and two tensors."""
    out = io.BytesIO()

    def string(text: str) -> None:
        raw = text.encode()
        out.write(struct.pack("<Q", len(raw)) + raw)

    entries: list[tuple[str, int, bytes]] = []

    def entry(key: str, type_id: int, payload: bytes) -> None:
        entries.append((key, type_id, payload))

    def text(value: str) -> bytes:
        raw = value.encode()
        return struct.pack("<Q", len(raw)) + raw

    entry("general.architecture", 8, text("llama"))
    entry("general.name", 8, text("fuzz"))
    entry("general.file_type", 4, struct.pack("<I", 15))
    entry("llama.context_length", 4, struct.pack("<I", 4096))
    entry("tokenizer.ggml.model", 8, text("llama"))
    tokens = [f"tok{i}" for i in range(8)]
    entry("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 8) + b"".join(map(text, tokens)))
    entry("tokenizer.ggml.scores", 9, struct.pack("<IQ", 6, 8) + struct.pack("<8f", *[0.5] * 8))
    nested = struct.pack("<IQ", 9, 2) + (struct.pack("<IQ", 5, 1) + struct.pack("<i", 3)) * 2
    entry("tokenizer.ggml.merges.nested", 9, nested)
    entry("tokenizer.ggml.bos_token_id", 4, struct.pack("<I", 1))
    entry("tokenizer.ggml.eos_token_id", 4, struct.pack("<I", 2))
    entry("tokenizer.chat_template", 8, text("{{ messages }}"))
    tensors = [("token_embd.weight", [8, 16], 12), ("output.weight", [16, 8], 0)]
    out.write(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(entries)))
    for key, type_id, payload in entries:
        string(key)
        out.write(struct.pack("<I", type_id) + payload)
    for name, shape, type_id in tensors:
        string(name)
        out.write(struct.pack("<I", len(shape)) + struct.pack(f"<{len(shape)}Q", *shape))
        out.write(struct.pack("<IQ", type_id, 0))
    return out.getvalue() + b"\0" * 256


def _small_safetensors(header_only: bytes) -> bytes:
    """A complete safetensors file from a real header: the tensors whose data lies in the
    first 64 KiB, with their data (zeros), so the seed itself is valid."""
    length = int.from_bytes(header_only[:8], "little")
    header: dict[str, Any] = json.loads(header_only[8 : 8 + length])
    kept = {
        key: value
        for key, value in header.items()
        if key == "__metadata__" or value["data_offsets"][1] <= 1 << 16
    }
    end = max(int(v["data_offsets"][1]) for k, v in kept.items() if k != "__metadata__")
    raw = json.dumps(kept).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\0" * end


@cache
def seeds(reader: str) -> tuple[bytes, ...]:
    """The seed inputs of a reader (read once per process)."""
    found: list[bytes] = []
    for name in READERS[reader].seed_files:
        if name == "<policy>":
            found.append(_POLICY_SEED)
        elif name == "<own-spdx>":
            example = (DATA / "../../docs/examples/assistant-v1.json").read_bytes()
            found.append(spdx.dumps(native.loads(example)).encode("utf-8"))
        elif name == "<small-gguf>":
            found.append(_small_gguf())
        elif name.endswith(".header-only"):
            found.append(_small_safetensors((DATA / name).read_bytes()))
        else:
            found.append((DATA / name).read_bytes())
    return tuple(found)


# --- mutators --------------------------------------------------------------------------------


def _byte_mutation(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        size = len(buf)
        choice = rng.randrange(7)
        at = rng.randrange(size + 1)
        if choice == 0 and size:
            buf[min(at, size - 1)] = rng.randrange(256)
        elif choice == 1:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif choice == 2 and size:
            del buf[at : at + rng.randint(1, 64)]
        elif choice == 3 and size:
            chunk = buf[at : at + rng.randint(1, 256)]
            buf[at:at] = chunk * rng.randint(1, 20)
        elif choice == 4:
            del buf[at:]
        elif choice == 5:
            buf[at:at] = rng.choice(HOSTILE_BYTES)
        elif size >= 8:
            # A length or count field: overwrite 4 or 8 bytes with an extreme integer.
            width = rng.choice((4, 8))
            value = rng.choice((0, 1, 2**31 - 1, 2**32 - 1, 2**63 - 1, 2**64 - 1, size * 3))
            at = min(at, size - width)
            buf[at : at + width] = (value % (1 << (8 * width))).to_bytes(width, "little")
    return bytes(buf)


def _nodes(document: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) pair of a parsed JSON document, iteratively."""
    found: list[tuple[Any, Any]] = []
    stack = [document]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            found.append((node, key))
            if isinstance(value, (dict, list)):
                stack.append(value)
    return found


def _structural_mutation(data: bytes, rng: random.Random) -> bytes:
    try:
        document = json.loads(data)
    except ValueError:
        return _byte_mutation(data, rng)
    if not isinstance(document, (dict, list)):
        return _byte_mutation(data, rng)
    for _ in range(rng.randint(1, 3)):
        nodes = _nodes(document)
        if not nodes:
            break
        container, key = rng.choice(nodes)
        choice = rng.randrange(5)
        if choice == 0 and isinstance(container, dict):
            value = container.pop(key)
            keys = [v for v in HOSTILE_VALUES if isinstance(v, str)]
            container[rng.choice(keys) if rng.random() < 0.3 else f"{key}x"] = value
        elif choice == 1:
            del container[key]
        elif choice == 2:
            # Deep nesting at a random place.
            depth = rng.choice((10, 100, 129, 300))
            value = container[key]
            for _ in range(depth):
                value = [value]
            container[key] = value
        else:
            hostile = rng.choice(HOSTILE_VALUES)
            # A copy: the constants must not change, nor be inserted into themselves.
            container[key] = copy.deepcopy(hostile)
    text = json.dumps(document, ensure_ascii=rng.random() < 0.5, allow_nan=True)
    # Integers over 4,300 digits cannot go through json.dumps: spliced in as text.
    text = text.replace('"<big-integer>"', "7" * 4400)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def mutate(reader: str, rng: random.Random) -> bytes:
    """One mutated input for ``reader``, fully determined by the state of ``rng``."""
    options = seeds(reader)
    data = options[rng.randrange(len(options))]
    if READERS[reader].json_seeds and rng.random() < 0.5:
        return _structural_mutation(data, rng)
    return _byte_mutation(data, rng)


def warm_up(reader: str, work: Path) -> None:
    """Do the one-time work of a reader (schema compilation) before inputs are timed."""
    for data in seeds(reader):
        check(reader, data, work)
    if reader == "cyclonedx-json-validated":
        document = json.loads(seeds(reader)[0])
        for version in cyclonedx.READ_VERSIONS:
            check(reader, json.dumps({**document, "specVersion": version}).encode(), work)


# --- the property ----------------------------------------------------------------------------


def _located(error: FmbomError) -> bool:
    text = str(error)
    return SOURCE in text or "$" in text or "/" in text or ".json" in text or ".toml" in text


def check(reader: str, data: bytes, work: Path | None = None) -> Outcome:
    """Feed ``data`` to ``reader``; the outcome says whether the property held.

    ``work`` is a scratch directory (a temporary one when None).
    """
    if work is None:
        with tempfile.TemporaryDirectory(prefix="fmbom-fuzz-") as scratch:
            return check(reader, data, Path(scratch))
    try:
        status = READERS[reader].run(data, work)
    except FmbomError as error:
        if _located(error):
            return Outcome("clean")
        return Outcome("uncaught", "FmbomError without a location", str(error)[:300])
    except RecursionError as error:
        return Outcome("uncaught", "RecursionError", str(error)[:300])
    except Exception as error:  # noqa: BLE001 - every other exception is the finding
        return Outcome("uncaught", type(error).__name__, str(error)[:300])
    return Outcome("clean" if status == "clean" else "ok")
