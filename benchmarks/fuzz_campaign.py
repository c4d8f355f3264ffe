"""The long fuzz campaign: every reader, for N minutes, each input in a worker subprocess with a
memory limit and a time limit, then one table.

    python benchmarks/fuzz_campaign.py --minutes 30 --workers 1 --out fuzz-findings

It runs the property and mutators of ``tests/fuzz/harness.py`` (the test suite runs a few
examples of the same property per reader): any input either succeeds, and its BOM can be
written, or raises an ``FmbomError`` that names where. Readers take turns in slices of
``--slice`` seconds; each slice runs in a fresh worker process, so the peak memory reported for
a reader is the largest resident size of a process that only ran that reader (the interpreter
and fmbom's imports included). A worker that does not answer within ``--timeout`` seconds is
killed and the input counted as a hang; a worker over ``--memory-mb`` of address space gets
``MemoryError``, counted as uncaught. Every failing input is saved under ``--out`` with its
reader, index and seed, so it can be replayed::

    python benchmarks/fuzz_campaign.py --replay fuzz-findings/<file>.bin --reader <reader>

Input ``i`` of reader ``r`` is ``mutate(r, random.Random(f"{seed}:{r}:{i}"))``: the campaign is
reproducible from ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz.harness import READERS, check, mutate, warm_up  # noqa: E402 - path above


def _worker(reader: str, seed: str, memory_mb: int) -> int:
    """Serve input indexes from stdin, one JSON line of outcome per index on stdout."""
    import resource

    limit = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with tempfile.TemporaryDirectory(prefix="fmbom-fuzz-", dir=_scratch_root()) as scratch:
        work = Path(scratch)
        warm_up(reader, work)
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        for line in sys.stdin:
            index = int(line)
            rng = random.Random(f"{seed}:{reader}:{index}")  # noqa: S311 - test inputs, not secrets
            data = mutate(reader, rng)
            outcome = check(reader, data, work)
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            reply = {
                "index": index,
                "status": outcome.status,
                "kind": outcome.kind,
                "message": outcome.message,
                "peak_kb": peak_kb,
            }
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
    return 0


_STARTUP_SECONDS = 600


def _scratch_root() -> str | None:
    shm = Path("/dev/shm")  # noqa: S108 - a private temporary directory is made inside
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class _Stats:
    def __init__(self) -> None:
        self.inputs = 0
        self.ok = 0
        self.clean = 0
        self.uncaught: Counter[str] = Counter()
        self.hangs = 0
        self.peak_kb = 0


class _Campaign:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stats = {name: _Stats() for name in READERS}
        self.next_index = dict.fromkeys(READERS, 0)
        self.out = Path(args.out)
        self.out.mkdir(parents=True, exist_ok=True)

    def spawn(self, reader: str) -> subprocess.Popen[str]:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            reader,
            "--seed",
            self.args.seed,
            "--memory-mb",
            str(self.args.memory_mb),
        ]
        worker = subprocess.Popen(  # noqa: S603 - this same script, as a worker
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        assert worker.stdout is not None
        # Start-up (imports, seeds, schema compilation) is not part of any input's time.
        ready, _, _ = select.select([worker.stdout], [], [], _STARTUP_SECONDS)
        if not ready or worker.stdout.readline() != "ready\n":
            worker.kill()
            worker.wait()
            raise SystemExit(f"the {reader} worker did not start")
        return worker

    def save(self, reader: str, index: int, kind: str, message: str) -> None:
        rng = random.Random(f"{self.args.seed}:{reader}:{index}")  # noqa: S311 - reproducible
        data = mutate(reader, rng)
        stem = f"{reader}-{index}"
        (self.out / f"{stem}.bin").write_bytes(data)
        note = {"reader": reader, "index": index, "seed": self.args.seed, "kind": kind}
        note["message"] = message
        (self.out / f"{stem}.json").write_text(json.dumps(note, indent=2) + "\n")

    def run_slice(self, reader: str, seconds: float) -> None:
        stats = self.stats[reader]
        worker = self.spawn(reader)
        until = time.monotonic() + seconds
        assert worker.stdin is not None
        assert worker.stdout is not None
        try:
            while time.monotonic() < until:
                index = self.next_index[reader]
                self.next_index[reader] += 1
                worker.stdin.write(f"{index}\n")
                worker.stdin.flush()
                ready, _, _ = select.select([worker.stdout], [], [], self.args.timeout)
                line = worker.stdout.readline() if ready else ""
                stats.inputs += 1
                if not ready:
                    stats.hangs += 1
                    worker.kill()
                    worker.wait()
                    self.save(reader, index, "hang", f"no answer in {self.args.timeout} s")
                    worker = self.spawn(reader)
                    assert worker.stdin is not None
                    assert worker.stdout is not None
                    continue
                if not line:
                    code = worker.wait()
                    kind = f"worker died (status {code})"
                    stats.uncaught[kind] += 1
                    self.save(reader, index, kind, "")
                    worker = self.spawn(reader)
                    assert worker.stdin is not None
                    assert worker.stdout is not None
                    continue
                reply: dict[str, Any] = json.loads(line)
                stats.peak_kb = max(stats.peak_kb, int(reply["peak_kb"]))
                if reply["status"] == "ok":
                    stats.ok += 1
                elif reply["status"] == "clean":
                    stats.clean += 1
                else:
                    stats.uncaught[reply["kind"]] += 1
                    self.save(reader, index, reply["kind"], reply["message"])
        finally:
            if worker.poll() is None:
                worker.stdin.close()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()

    def run(self) -> None:
        end = time.monotonic() + self.args.minutes * 60
        names = list(READERS) if not self.args.readers else self.args.readers
        turn = 0
        while time.monotonic() < end:
            reader = names[turn % len(names)]
            turn += 1
            self.run_slice(reader, min(end - time.monotonic(), self.args.slice))
            if self.args.progress:
                total = sum(s.inputs for s in self.stats.values())
                sys.stderr.write(f"{reader}: {self.stats[reader].inputs} inputs; {total} total\n")

    def table(self) -> str:
        lines = [
            "| reader | inputs | ok | clean errors | uncaught (by kind) | hangs | peak RSS (MiB) |",
            "|---|---:|---:|---:|---|---:|---:|",
        ]
        total = _Stats()
        for name, stats in self.stats.items():
            if not stats.inputs:
                continue
            uncaught = ", ".join(f"{k}: {v}" for k, v in sorted(stats.uncaught.items())) or "0"
            lines.append(
                f"| {name} | {stats.inputs:,} | {stats.ok:,} | {stats.clean:,} | {uncaught} | "
                f"{stats.hangs} | {stats.peak_kb / 1024:.0f} |"
            )
            total.inputs += stats.inputs
            total.ok += stats.ok
            total.clean += stats.clean
            total.uncaught.update(stats.uncaught)
            total.hangs += stats.hangs
            total.peak_kb = max(total.peak_kb, stats.peak_kb)
        lines.append(
            f"| **all** | **{total.inputs:,}** | {total.ok:,} | {total.clean:,} | "
            f"**{sum(total.uncaught.values())}** | **{total.hangs}** | "
            f"{total.peak_kb / 1024:.0f} |"
        )
        return "\n".join(lines)

    def summary(self) -> dict[str, Any]:
        return {
            name: {
                "inputs": s.inputs,
                "ok": s.ok,
                "clean": s.clean,
                "uncaught": dict(s.uncaught),
                "hangs": s.hangs,
                "peak_mib": round(s.peak_kb / 1024),
            }
            for name, s in self.stats.items()
        }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="campaign length")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address space per worker")
    parser.add_argument("--slice", type=float, default=60.0, help="seconds per reader turn")
    parser.add_argument("--workers", type=int, default=1, help="concurrent workers (1 only)")
    parser.add_argument("--seed", default="fmbom", help="campaign seed")
    parser.add_argument("--out", default="fuzz-findings", help="where failing inputs go")
    parser.add_argument("--readers", nargs="*", choices=sorted(READERS), help="default: all")
    parser.add_argument("--progress", action="store_true", help="a line per slice on stderr")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--replay", help="run one saved input (with --reader) and print it")
    parser.add_argument("--reader", choices=sorted(READERS), help="the reader for --replay")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker:
        return _worker(args.worker, args.seed, args.memory_mb)
    if args.replay:
        if not args.reader:
            _parser().error("--replay needs --reader")
        outcome = check(args.reader, Path(args.replay).read_bytes())
        print(outcome)
        return 0 if outcome.status != "uncaught" else 1
    if args.workers != 1:
        _parser().error("this runner drives one worker at a time (--workers 1)")
    campaign = _Campaign(args)
    started = time.monotonic()
    campaign.run()
    elapsed = time.monotonic() - started
    print(
        f"fuzz campaign: {elapsed / 60:.1f} min, seed {args.seed!r}, "
        f"{args.timeout:g} s and {args.memory_mb} MiB per input, 1 worker"
    )
    print()
    print(campaign.table())
    (campaign.out / "summary.json").write_text(
        json.dumps(campaign.summary(), indent=2, sort_keys=True) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
