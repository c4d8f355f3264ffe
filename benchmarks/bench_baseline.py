"""No regression against fmbom 0.1.0: the same operations on the same BOMs, in one run.

fmbom 0.1.0 is installed from this repository's history into a virtual environment of its
own: the ``v0.1.0`` tag when there is one, else the earliest commit whose version is 0.1.0
and whose command line has every verb (``--baseline-ref`` names another). For each size,
a BOM of that many components is written by 0.1.0's own generator (``bench_core.py`` of
that commit, a realistic mix of the nine kinds) as native JSON, which both versions read.
Then each version, in fresh processes taken in turn (0.1.0, this checkout, 0.1.0, ...),
times every operation it has on that BOM in CPU seconds of the process (steadier than wall
time on a shared machine; every operation is single-threaded), best of ``--repeat``, garbage
collection on:

- native load (``native.loads`` of the text) and native dump (``native.dumps``);
- export: CycloneDX JSON and XML (``cyclonedx.dumps``), SPDX 3 JSON-LD (``spdx.dumps``;
  0.1.0 has no SPDX, so that row has no ratio);
- check (``check.check``, the minimum-record profile) and report (``report.to_markdown``
  and ``report.to_html``).

It prints each operation's seconds for both (median over the rounds) and the ratio
now/0.1.0 as the median of the rounds' ratios (each round's two processes run one after the
other, so a slow spell of the machine weighs on both sides of a ratio): about 1 or below is
no regression. ``--only`` times some operations (the BOM is still loaded once per process).

Run: ``python benchmarks/bench_baseline.py [--sizes 10000 100000] [--rounds 2] [--repeat 2]
[--only OPERATION ...] [--work DIR]`` (``--work`` keeps the 0.1.0 environment and the
generated BOMs between runs).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VERBS = ("scan", "export", "diff", "validate", "show", "check", "graph", "report")
OPERATIONS = (
    "native load",
    "native dump",
    "export cyclonedx-json",
    "export cyclonedx-xml",
    "export spdx3-json",
    "check",
    "report markdown",
    "report html",
)


def _git(*args: str) -> str:
    return subprocess.run(  # noqa: S603 - git with our own arguments
        ["git", "-C", str(REPO), *args],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _show(commit: str, path: str) -> str:
    try:
        return _git("show", f"{commit}:{path}")
    except subprocess.CalledProcessError:
        return ""


def baseline_ref() -> str:
    """The ``v0.1.0`` tag, else the earliest commit at version 0.1.0 with every verb."""
    if _git("tag", "--list", "v0.1.0").strip():
        return _git("rev-parse", "v0.1.0^{commit}").strip()
    for commit in _git("rev-list", "--reverse", "HEAD").split():
        version = _show(commit, "src/fmbom/_version.py")
        if '__version__ = "0.1.0"' not in version:
            continue
        cli = _show(commit, "src/fmbom/cli/__init__.py")
        verbs = next((line for line in cli.splitlines() if line.startswith("VERBS")), "")
        if all(f'"{verb}"' in verbs for verb in VERBS):
            return commit
    raise SystemExit("no commit of version 0.1.0 with every verb in this history")


def baseline_python(ref: str, work: Path) -> tuple[Path, Path]:
    """The interpreter of a virtual environment with fmbom at ``ref``, and its source tree."""
    tree, venv = work / f"fmbom-{ref[:12]}", work / f"venv-{ref[:12]}"
    python = venv / "bin" / "python"
    if python.exists() and (venv / "installed").exists():
        return python, tree
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(  # noqa: S603 - git with our own arguments
        ["git", "-C", str(REPO), "archive", ref],  # noqa: S607 - git from PATH
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)  # noqa: S603, S607
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
    pip = [str(python), "-m", "pip", "install", "--quiet", str(tree)]
    subprocess.run(pip, check=True)  # noqa: S603 - pip of that environment
    (venv / "installed").write_text(ref + "\n", encoding="utf-8")
    return python, tree


def _generate(python: Path, tree: Path, size: int, out: Path) -> None:
    """A native BOM of ``size`` components from the baseline's own generator."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(tree / 'benchmarks')!r})\n"
        "from bench_core import assemble, build_parts\n"
        "from fmbom import native\n"
        f"bom = assemble(*build_parts({size}))\n"
        f"open({str(out)!r}, 'w', encoding='utf-8').write(native.dumps(bom))\n"
    )
    subprocess.run([str(python), "-c", code], check=True, cwd=tree)  # noqa: S603


def _operations(text: str, only: set[str]) -> dict[str, Callable[[], object]]:
    """What this interpreter's fmbom can do with the BOM ``text`` (worker side)."""
    import importlib

    from fmbom import check, cyclonedx, native, report

    bom = native.loads(text)
    found: dict[str, Callable[[], object]] = {
        "native load": lambda: native.loads(text),
        "native dump": lambda: native.dumps(bom),
        "export cyclonedx-json": lambda: cyclonedx.dumps(bom, format="json"),
        "export cyclonedx-xml": lambda: cyclonedx.dumps(bom, format="xml"),
        "check": lambda: check.check(bom),
        "report markdown": lambda: report.to_markdown(bom),
        "report html": lambda: report.to_html(bom),
    }
    try:
        spdx: Any = importlib.import_module("fmbom.spdx")
    except ImportError:
        pass
    else:
        found["export spdx3-json"] = lambda: spdx.dumps(bom)
    return {name: action for name, action in found.items() if name in only}


def worker(path: Path, repeat: int, only: set[str]) -> None:
    """Time the operations on the BOM at ``path``; print {operation: best CPU seconds}."""
    text = path.read_text(encoding="utf-8")
    times: dict[str, float] = {}
    for name, action in _operations(text, only).items():
        best = float("inf")
        for _ in range(repeat):
            gc.collect()
            start = time.process_time()
            action()
            best = min(best, time.process_time() - start)
        times[name] = best
    print(json.dumps(times))


def _run_worker(
    python: Path, bom: Path, repeat: int, only: list[str], env: dict[str, str]
) -> dict[str, float]:
    argv = [str(python), str(Path(__file__).resolve()), "--worker", str(bom)]
    result = subprocess.run(  # noqa: S603 - our own script
        [*argv, "--repeat", str(repeat), "--only", *only],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    times: dict[str, float] = json.loads(result.stdout.splitlines()[-1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=2, help="process pairs per size")
    parser.add_argument("--repeat", type=int, default=2, help="timings per operation, best kept")
    parser.add_argument("--baseline-ref", default=None, help="commit to compare with")
    parser.add_argument("--work", type=Path, default=None, help="keep the 0.1.0 venv here")
    parser.add_argument(
        "--only", nargs="+", choices=OPERATIONS, default=list(OPERATIONS), metavar="OPERATION"
    )
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, args.repeat, set(args.only))
        return
    ref = args.baseline_ref or baseline_ref()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        old_python, tree = baseline_python(ref, work)
        # The baseline must not see this checkout's sources through PYTHONPATH; this side
        # keeps the environment it was given.
        old_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        new_env = dict(os.environ)
        print(f"fmbom 0.1.0 = commit {ref[:12]}; now = this checkout ({sys.executable})")
        print("CPU seconds, best of each process, median over the rounds; ratio: median of")
        print("the rounds' ratios (min-max in brackets)")
        print(f"{'size':>7}  {'operation':<22} {'0.1.0 s':>9} {'now s':>9} {'now/0.1.0':>10}")
        for size in args.sizes:
            bom = work / f"bom-{ref[:12]}-{size}.json"
            if not bom.exists():
                _generate(old_python, tree, size, bom)
            old: dict[str, list[float]] = {}
            new: dict[str, list[float]] = {}
            for _ in range(args.rounds):
                sides = ((old_python, old_env, old), (Path(sys.executable), new_env, new))
                for python, env, into in sides:
                    times = _run_worker(python, bom, args.repeat, args.only, env)
                    for name, seconds in times.items():
                        into.setdefault(name, []).append(seconds)
            for name in OPERATIONS:
                before = statistics.median(old[name]) if name in old else None
                after = statistics.median(new[name]) if name in new else None
                ratio = f"{'n/a':>10}"
                if name in old and name in new:
                    ratios = [a / b for a, b in zip(new[name], old[name], strict=True) if b]
                    spread = f"[{min(ratios):.2f}-{max(ratios):.2f}]"
                    ratio = f"{statistics.median(ratios):10.2f} {spread}"
                shown = [f"{v:9.3f}" if v is not None else f"{'-':>9}" for v in (before, after)]
                print(f"{size:>7}  {name:<22} {shown[0]} {shown[1]} {ratio}", flush=True)


if __name__ == "__main__":
    main()
