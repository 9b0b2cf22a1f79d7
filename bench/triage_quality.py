"""Triage quality and speed on the labelled corpus.

    .venv/bin/python bench/triage_quality.py [--errors tune|test] [--markdown]

Prints, for the held-out ("test") and the tuning ("tune") split: per-class and per-mood
precision/recall, accuracy for class and mood; then classify() throughput in messages/second.
`--errors tune` lists the misclassified tuning messages (never look at test errors while tuning).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ownup.core import triage  # noqa: E402

CORPUS = ROOT / "tests" / "core" / "data" / "triage_corpus.jsonl"


def load() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def precision_recall(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> dict:
    out = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        predicted = sum(1 for p in pred if p == label)
        actual = sum(1 for g in gold if g == label)
        out[label] = (
            tp / predicted if predicted else float("nan"),
            tp / actual if actual else float("nan"),
            actual,
        )
    return out


def evaluate(items: list[dict]) -> dict:
    results = [triage.classify(m["subject"], m["body"], sender=m["sender"]) for m in items]
    gold_c = [m["class"] for m in items]
    pred_c = [r.message_class for r in results]
    gold_m = [m["mood"] for m in items]
    pred_m = [r.mood for r in results]
    n = len(items)
    return {
        "n": n,
        "class_acc": sum(g == p for g, p in zip(gold_c, pred_c, strict=True)) / n,
        "mood_acc": sum(g == p for g, p in zip(gold_m, pred_m, strict=True)) / n,
        "class_pr": precision_recall(gold_c, pred_c, triage.CLASSES),
        "mood_pr": precision_recall(gold_m, pred_m, triage.MOODS),
        "results": results,
    }


def print_split(name: str, ev: dict, markdown: bool) -> None:
    print(f"\n== {name} split: {ev['n']} messages ==")
    print(f"class accuracy {ev['class_acc']:.3f}   mood accuracy {ev['mood_acc']:.3f}")
    if markdown:
        print("\n| label | n | precision | recall |\n|---|---:|---:|---:|")
    for kind in ("class_pr", "mood_pr"):
        for label, (p, r, n) in ev[kind].items():
            if markdown:
                print(f"| {label} | {n} | {p:.2f} | {r:.2f} |")
            else:
                print(f"  {kind[:-3]:5} {label:10} n={n:3d}  precision {p:.2f}  recall {r:.2f}")


def speed(items: list[dict], rounds: int = 5) -> None:
    bodies = [(m["subject"], m["body"], m["sender"]) for m in items]
    per_round = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for subject, body, sender in bodies:
            triage.classify(subject, body, sender=sender)
        per_round.append(time.perf_counter() - t0)
    best = min(per_round)
    med = statistics.median(per_round)
    chars = statistics.mean(len(b) + len(s) for s, b, _ in bodies)
    print(f"\n== speed: {len(bodies)} messages x {rounds} rounds (mean {chars:.0f} chars) ==")
    print(f"median {len(bodies) / med:,.0f} messages/s ({med / len(bodies) * 1e6:.1f} us each);")
    print(f"best   {len(bodies) / best:,.0f} messages/s ({best / len(bodies) * 1e6:.1f} us each)")
    print("target: single classify well under 200 us; pipeline >= 1,000 messages/s")
    long_body = "\n\n".join(b for _, b, _ in bodies[:40])
    t0 = time.perf_counter()
    for _ in range(20):
        triage.classify("Long message", long_body)
    each = (time.perf_counter() - t0) / 20
    print(f"one long message ({len(long_body):,} chars): {each * 1e6:.0f} us")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", choices=("tune", "test"))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    corpus = load()
    print(f"triage rules version {triage.RULES_VERSION}; corpus {len(corpus)} messages")
    for name in ("test", "tune"):
        items = [m for m in corpus if m["split"] == name]
        ev = evaluate(items)
        print_split(name + (" (held out)" if name == "test" else ""), ev, args.markdown)
        if args.errors == name:
            for m, r in zip(items, ev["results"], strict=True):
                if (m["class"], m["mood"]) != (r.message_class, r.mood):
                    print(
                        f"\n{m['id']} gold {m['class']}/{m['mood']} got {r.message_class}/{r.mood}"
                        f" :: {m['subject']}"
                    )
                    for s in r.signals:
                        print(f"     {s.label:28} {s.text!r}")
    speed(corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
