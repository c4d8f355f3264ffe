"""``fmbom diff`` side by side with other SBOM differs, and export against cyclonedx-python-lib.

The pair: two 20,000-component CycloneDX 1.6 JSON documents as another tool writes them
(``gen_cdx_pair.py``: no ``fmbom:*`` property, regenerated bom-refs, reordered, about 1%
changed), with the list of planted changes.

Peers, each installed with pip into its own virtual environment under ``--peers-dir`` (made
once, reused; a peer that cannot be installed is skipped with the reason printed):

- ibcyclonediff 0.3.9 (command ``sbomdiff`` in its own package);
- sbomdiff (lib4sbom based).

Each command runs ``--runs`` times in turn with fmbom (fmbom, peer, fmbom, peer, ...), each
run a fresh process; printed: median wall time, median peak RSS of the process (from
``wait4``), the median of the per-pair time ratios (fmbom / peer; below 1 means fmbom is
faster), the changes each tool reports and how many of the planted changes it finds (recall).
A peer finds a planted change when its report names the component.

Then CycloneDX export: fmbom reads the old document and writes CycloneDX 1.6 JSON, against
cyclonedx-python-lib reading the same document into its ``Bom`` and serializing it with its
own ``JsonV1Dot6`` (its output path is quadratic in the component count, so this part runs
on the first ``--library-size`` components, default 2,000), in process, best of three.

Run: ``python benchmarks/bench_peers.py [--components 20000] [--runs 5] [--pair DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_cdx_pair import write as write_pair

PEERS = {"ibcyclonediff": "ibcyclonediff==0.3.9", "sbomdiff": "sbomdiff"}
PEER_LINE = re.compile(r"^\[(VERSION|LICENSE|REMOVED|ADDED|CHECKSUM)\s*\]\s+(\S+?):")


@dataclass
class Tool:
    name: str
    argv: list[str]
    output: Path
    walls: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)


def run_once(tool: Tool) -> None:
    """One fresh process: wall time and its peak RSS (MiB) from the kernel's accounting."""
    tool.output.unlink(missing_ok=True)
    start = time.perf_counter()
    with Path(os.devnull).open("wb") as sink:
        process = subprocess.Popen(tool.argv, stdout=sink, stderr=subprocess.PIPE)  # noqa: S603
        assert process.stderr is not None
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
    tool.walls.append(time.perf_counter() - start)
    tool.peaks.append(usage.ru_maxrss / 1024)
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    tool.exit_codes.add(code)
    if code not in (0, 1):
        print(f"  {tool.name} exited {code}: {stderr.decode(errors='replace').strip()[:300]}")


def peer_venv(name: str, requirement: str, root: Path) -> Path | None:
    """The peer's ``sbomdiff`` command in its own venv, installed on first use; None if not."""
    venv = root / name
    command = venv / "bin" / "sbomdiff"
    if command.exists():
        return command
    print(f"  installing {requirement} into {venv} ...")
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True
        )
        subprocess.run(  # noqa: S603
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", requirement],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        reason = detail.decode(errors="replace").strip().splitlines()[-1:] or [str(error)]
        print(f"  SKIPPED {name}: cannot install {requirement}: {reason[0]}")
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return command if command.exists() else None


def fmbom_found(report: Path, planted: list[dict[str, str]]) -> tuple[int, int]:
    """(changes reported, planted changes found with their rule and component name)."""
    changes = json.loads(report.read_text(encoding="utf-8"))["changes"]
    seen = {(c["rule"], c["subject"]["name"]) for c in changes}
    return len(changes), sum((p["rule"], p["name"]) in seen for p in planted)


def peer_found(report: Path, planted: list[dict[str, str]]) -> tuple[int, int]:
    """(change lines reported, planted changes whose component the report names)."""
    if not report.exists():
        return 0, 0
    names = [
        m.group(2)
        for m in map(PEER_LINE.match, report.read_text(encoding="utf-8").splitlines())
        if m
    ]
    named = set(names)
    return len(names), sum(p["name"] in named for p in planted)


def compare(pair: tuple[Path, Path, Path], runs: int, peers_dir: Path, work: Path) -> None:
    old, new, planted_path = pair
    planted = json.loads(planted_path.read_text(encoding="utf-8"))
    fmbom = Tool(
        "fmbom",
        [sys.executable, "-m", "fmbom", "diff", str(old), str(new), "--format", "json"],
        work / "fmbom.json",
    )
    fmbom.argv += ["--fail-on", "never", "-o", str(fmbom.output)]
    peers: list[Tool] = []
    for name, requirement in PEERS.items():
        command = peer_venv(name, requirement, peers_dir)
        if command is not None:
            output = work / f"{name}.txt"
            peers.append(Tool(name, [str(command), str(old), str(new), "-o", str(output)], output))
    for tool in [fmbom, *peers]:  # warm-up: file cache, .pyc files
        run_once(tool)
        tool.walls.clear()
        tool.peaks.clear()
    ratios: dict[str, list[float]] = {p.name: [] for p in peers}
    for _ in range(runs):
        for peer in peers:
            run_once(fmbom)
            run_once(peer)
            ratios[peer.name].append(fmbom.walls[-1] / peer.walls[-1])
    reported, recall = fmbom_found(fmbom.output, planted)
    rows = [(fmbom, reported, recall, None)]
    for peer in peers:
        count, found = peer_found(peer.output, planted)
        rows.append((peer, count, found, statistics.median(ratios[peer.name])))
    print(f"\n  {'tool':<14} {'wall s':>8} {'peak MiB':>9} {'changes':>8} {'recall':>10}  ratio")
    for tool, count, found, ratio in rows:
        shown = "" if ratio is None else f"fmbom / {tool.name} = {ratio:.2f}x (paired median)"
        print(
            f"  {tool.name:<14} {statistics.median(tool.walls):8.3f} "
            f"{statistics.median(tool.peaks):9.1f} {count:8d} {found:5d}/{len(planted):<4d}  "
            f"{shown}"
        )
    missed = [p for p in planted if (p["rule"], p["name"]) not in _fmbom_seen(fmbom.output)]
    if missed:
        print(f"  fmbom MISSED {len(missed)} planted changes, e.g. {missed[:3]}")


def _fmbom_seen(report: Path) -> set[tuple[str, str]]:
    changes = json.loads(report.read_text(encoding="utf-8"))["changes"]
    return {(c["rule"], c["subject"]["name"]) for c in changes}


def best(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def export_vs_library(old: Path, size: int) -> None:
    """fmbom read + CycloneDX JSON export against cyclonedx-python-lib's read + serializer."""
    from cyclonedx.model.bom import Bom as LibraryBom
    from cyclonedx.output.json import JsonV1Dot6

    from fmbom import cyclonedx

    document = json.loads(old.read_bytes())
    document["components"] = document["components"][:size]
    kept = {c["bom-ref"] for c in document["components"]}
    document["dependencies"] = [
        {"ref": d["ref"], "dependsOn": [r for r in d["dependsOn"] if r in kept]}
        for d in document["dependencies"]
        if d["ref"] in kept
    ]
    text = json.dumps(document)

    def ours() -> str:
        return cyclonedx.dumps(cyclonedx.loads(text.encode()), spec_version="1.6")

    def library() -> str:
        bom = LibraryBom.from_json(json.loads(text))  # type: ignore[attr-defined]
        return JsonV1Dot6(bom).output_as_string()

    ours_s, library_s = best(ours), best(library)
    print(
        f"\n  CycloneDX JSON read + write of {size:,} components: fmbom {ours_s:.3f} s, "
        f"cyclonedx-python-lib {library_s:.3f} s, ratio fmbom / library "
        f"{ours_s / library_s:.2f}x"
    )


def _accelerator() -> str:
    """msgspec and its version when the diff of two documents uses it, else "none"."""
    from fmbom.cyclonedx import _spans

    if not (_spans.INSTALLED and _spans.ENABLED):
        return "none (every component parsed with json)"
    from importlib.metadata import version

    return f"msgspec {version('msgspec')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pair", type=Path, help="reuse (or write) the generated pair here")
    parser.add_argument(
        "--peers-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "fmbom-bench-peers",
        help="where the peers' virtual environments live",
    )
    parser.add_argument("--library-size", type=int, default=2_000)
    args = parser.parse_args()
    # As an installed package has it: fmbom's bytecode compiled, so no run compiles it (a
    # source checkout under PYTHONDONTWRITEBYTECODE would compile every module on each run).
    import compileall

    import fmbom

    compileall.compile_dir(Path(fmbom.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        outdir = args.pair or Path(tmp, "pair")
        names = ("old.cdx.json", "new.cdx.json", "planted.json")
        if all((outdir / n).exists() for n in names):
            pair = (outdir / names[0], outdir / names[1], outdir / names[2])
        else:
            pair = write_pair(outdir, args.components)
        count = len(json.loads(pair[0].read_bytes())["components"])
        print(f"diff of two {count:,}-component CycloneDX JSON BOMs, {args.runs} paired runs:")
        print(f"  fmbom's accelerator (the `fast` extra): {_accelerator()}")
        compare(pair, args.runs, args.peers_dir, Path(tmp))
        export_vs_library(pair[0], args.library_size)


if __name__ == "__main__":
    main()
