"""Start-up of the ``fmbom`` command and the cost of an unchanged rescan.

Measured in fresh processes, each command in turn with its yardstick, median of ``--runs``
paired runs (the ratio is taken pair by pair, so that a machine whose speed drifts still
compares like with like):

- ``fmbom --version`` (the installed command), ``fmbom --help`` and ``fmbom VERB --help``
  for every verb against a bare ``python -I -c pass`` (goal for the first two: within 4x),
  with the number of modules each imported and its slowest imports from
  ``python -X importtime`` (cumulative time of the top-level imports: what the command
  pulled in);
- ``fmbom scan DIR`` a second time over an unchanged model folder (``--shards`` safetensors
  shards of ``--shard-mb`` MB each, a config, a model card, tokenizer files), against
  ``fmbom --version`` (goal: at most start-up + 0.1 s): the replay of the scan's memo, and
  with the memo removed before each run (every digest still in the hash cache), which is
  what a rescan costs when the BOM is built again.

fmbom's bytecode is compiled first (``compileall``), as an installed package has it: a
source checkout run under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module
it imports at each start.

Run: ``python benchmarks/bench_startup.py [--runs 15] [--shards 6] [--shard-mb 64]``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import _make_tree

import fmbom
from fmbom.cli import VERBS

PYTHON = sys.executable
# The installed command (what users run), else ``python -m fmbom``.
_SCRIPT = Path(PYTHON).parent / "fmbom"
FMBOM = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-m", "fmbom"]
BARE = [PYTHON, "-I", "-c", "pass"]
_IMPORT_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)")


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=False, capture_output=True)  # noqa: S603
    return time.perf_counter() - start


def paired(
    argv: list[str], yardstick: list[str], runs: int, before: list[str] | None = None
) -> tuple[float, float, float]:
    """Median wall of ``argv``, of ``yardstick``, and the median of the paired ratios
    (``before`` runs, untimed, ahead of each ``argv``)."""
    wall(argv)
    wall(yardstick)
    ours, theirs = [], []
    for _ in range(runs):
        if before is not None:
            subprocess.run(before, check=True)  # noqa: S603
        ours.append(wall(argv))
        theirs.append(wall(yardstick))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


def imports(argv: list[str]) -> list[tuple[int, int, str]]:
    """(cumulative µs, depth, module) of every import of the command (``-X importtime``)."""
    command = argv[1:] if argv[0] == PYTHON else argv
    result = subprocess.run(  # noqa: S603
        [PYTHON, "-X", "importtime", *command], check=False, capture_output=True, text=True
    )
    rows = []
    for line in result.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            rows.append((int(match.group(1)), len(match.group(2)) // 2, match.group(3)))
    return rows


def top_imports(rows: list[tuple[int, int, str]], count: int) -> str:
    """The ``count`` slowest top-level imports, as ``module ms``."""
    top = sorted((r for r in rows if r[1] == 0), reverse=True)[:count]
    return ", ".join(f"{name} {micros / 1000:.1f}" for micros, _, name in top)


def _model_folder(root: Path, shards: int, shard_mb: int) -> None:
    """Safetensors shards and the small files of a real model folder (config, card,
    tokenizer files): what a rescan reads besides the digests."""
    _make_tree(root, shards, shard_mb << 20)
    (root / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: acme/base-7b\nlanguage: [en]\n"
        "datasets: [acme/web-crawl]\npipeline_tag: text-generation\n---\n# acme-chat-7b\n",
        encoding="utf-8",
    )
    (root / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "LlamaTokenizer", "chat_template": "{{ messages }}"}),
        encoding="utf-8",
    )
    vocab = {f"tok{i}": i for i in range(32000)}
    tokenizer = {"model": {"type": "BPE", "vocab": vocab, "merges": []}, "added_tokens": []}
    (root / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    (root / "generation_config.json").write_text('{"do_sample": true}', encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--shards", type=int, default=6)
    parser.add_argument("--shard-mb", type=int, default=64)
    parser.add_argument("--top", type=int, default=6, help="slowest imports shown per command")
    args = parser.parse_args()
    compileall.compile_dir(Path(fmbom.__file__).parent, quiet=1)

    print(f"start-up against `python -I -c pass`, median of {args.runs} paired runs:")
    print(f"  {'command':<24} {'ms':>7} {'bare ms':>8} {'ratio':>6} {'modules':>8}")
    commands = [["--version"], ["--help"], *([verb, "--help"] for verb in VERBS)]
    for command in commands:
        argv = [*FMBOM, *command]
        ours, base, ratio = paired(argv, BARE, args.runs)
        rows = imports(argv)
        label = "fmbom " + " ".join(command)
        print(f"  {label:<24} {ours * 1000:7.1f} {base * 1000:8.1f} {ratio:5.1f}x {len(rows):8d}")
        print(f"    slowest imports (ms): {top_imports(rows, args.top)}")

    with tempfile.TemporaryDirectory() as tmp:
        root, cache = Path(tmp, "model"), Path(tmp, "cache")
        root.mkdir()
        _model_folder(root, args.shards, args.shard_mb)
        output = Path(tmp, "bom.json")
        scan = [*FMBOM, "scan", str(root), "--cache-dir", str(cache), "-o", str(output)]
        time.sleep(2.5)  # the folder must not be racily new for the memo to be kept
        first = wall(scan)
        runs = max(5, args.runs // 3)
        version = [*FMBOM, "--version"]
        size = f"{args.shards * args.shard_mb} MB"
        print(f"unchanged rescan of {size} ({args.shards} shards; first scan {first:.2f} s):")
        ours, base, ratio = paired(scan, version, runs)
        print(
            f"  replayed: {ours * 1000:.1f} ms, fmbom --version {base * 1000:.1f} ms, "
            f"difference {(ours - base) * 1000:.1f} ms (paired ratio {ratio:.2f}x)"
        )
        print(f"    slowest imports (ms): {top_imports(imports(scan), args.top)}")
        forget = [PYTHON, "-c", f"import shutil; shutil.rmtree({str(cache / 'scans-v1')!r})"]
        ours, base, ratio = paired(scan, version, runs, before=forget)
        print(
            f"  built again from the hash cache: {ours * 1000:.1f} ms, fmbom --version "
            f"{base * 1000:.1f} ms, difference {(ours - base) * 1000:.1f} ms "
            f"(paired ratio {ratio:.2f}x)"
        )
        shutil.rmtree(cache / "scans-v1", ignore_errors=True)
        print(f"    slowest imports (ms): {top_imports(imports(scan), args.top)}")


if __name__ == "__main__":
    main()
