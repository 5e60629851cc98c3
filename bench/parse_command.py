"""Throughput of `liandong parse -` as an office runs it over a month of traffic: the
installed command in a subprocess, start-up included, answers written to a pipe.

Run: .venv/bin/python bench/parse_command.py [--lines 50000] [--jobs 1 2 ...]

The messages are the corpus's texts (bench/corpus/*.jsonl) repeated to --lines lines.
Each --jobs figure is the best of --rounds runs; the default compares one worker (the
parse in the command's own process) with one per CPU. Target: ≥ 5,000 messages/s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
MIN_SPEED = 5000.0


def corpus_lines(count: int) -> bytes:
    texts = [json.loads(line)["text"].replace("\n", " ").replace("\r", " ")
             for path in sorted(CORPUS.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    repeated = (texts * (count // len(texts) + 1))[:count]
    return ("\n".join(repeated) + "\n").encode("utf-8")


def seconds_for(command: list[str], messages: Path) -> float:
    with messages.open("rb") as stdin:
        start = time.perf_counter()
        done = subprocess.run(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def main() -> None:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--lines", type=int, default=50_000)
    options.add_argument("--jobs", type=int, nargs="+", default=sorted({1, cpus}))
    options.add_argument("--rounds", type=int, default=3)
    args = options.parse_args()
    liandong = shutil.which("liandong", path=str(Path(sys.executable).parent)) or "liandong"
    with tempfile.TemporaryDirectory() as scratch:
        messages = Path(scratch) / "messages.txt"
        messages.write_bytes(corpus_lines(args.lines))
        print(f"liandong parse - over {args.lines:,} corpus messages, start-up included, {cpus} CPUs")
        for jobs in args.jobs:
            best = min(seconds_for([liandong, "parse", "--jobs", str(jobs), "-"], messages)
                       for _ in range(args.rounds))
            speed = args.lines / best
            verdict = "ok" if speed >= MIN_SPEED else "BELOW TARGET"
            print(f"  --jobs {jobs}: {speed:,.0f} messages/s ({best:.2f} s)  target ≥ {MIN_SPEED:,.0f}  {verdict}")


if __name__ == "__main__":
    main()
