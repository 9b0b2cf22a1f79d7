"""Throughput of the tone check on one core.

    .venv/bin/python bench/tone.py [--messages 20000] [--rules-only]

Runs check(text, kind) over the labelled corpora (tests/core/data/tone_corpus.jsonl and
tone_wide.jsonl) repeated to at least --messages messages, single-threaded, and compares
messages/second with the 1,000/s target, by wall time and by the process's CPU time (the fair
figure when other work shares the machine). Rules are compiled before timing starts. The check
runs as shipped, with its learned second opinion; --rules-only measures the rules alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ownup.core.tone import check  # noqa: E402

DATA = ROOT / "tests" / "core" / "data"
CORPORA = (DATA / "tone_corpus.jsonl", DATA / "tone_wide.jsonl")
TARGET = 1000.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--rules-only", action="store_true", help="without the learned second opinion"
    )
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    records = [
        json.loads(line)
        for corpus in CORPORA
        for line in corpus.read_text(encoding="utf-8").splitlines()
        if line
    ]
    check("warm up: compile the rules")
    items = [(r["text"], r["kind"], tuple(r.get("names", ()))) for r in records]
    learned = not args.rules_only
    reps = -(-args.messages // len(items))
    batch = items * reps
    chars = sum(len(t) for t, _, _ in batch)
    rates = []
    cpu_rates = []  # CPU time of this process: fair on a shared machine where wall time is not
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        for text, kind, names in batch:
            check(text, kind, names=names, learned=learned)
        rates.append(len(batch) / (time.perf_counter() - t0))
        cpu_rates.append(len(batch) / (time.process_time() - c0))
    rate = statistics.median(rates)
    cpu_rate = statistics.median(cpu_rates)
    print(
        f"tone check{' (rules only)' if args.rules_only else ''}: {len(batch)} messages "
        f"({len(items)} distinct, mean {chars / len(batch):.0f} chars) x {args.rounds} rounds "
        "on one core"
    )
    print(
        f"median {rate:,.0f} messages/s (min {min(rates):,.0f}, max {max(rates):,.0f}); "
        f"{1e6 / rate:.0f} us/message"
    )
    print(
        f"CPU time: median {cpu_rate:,.0f} messages/s of one core's time; "
        f"{1e6 / cpu_rate:.0f} us/message"
    )
    print(
        f"target >= {TARGET:,.0f} messages/s: wall {'met' if rate >= TARGET else 'NOT met'}"
        f" ({rate / TARGET:.1f}x), CPU {'met' if cpu_rate >= TARGET else 'NOT met'}"
        f" ({cpu_rate / TARGET:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
