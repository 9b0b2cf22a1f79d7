"""How far two people agree on the tone labels: the ceiling for any classifier (issue 21, round 9).

    .venv/bin/python bench/label_agreement.py

A second labeller (a helper session that read only the writer brief's labelling conventions and
the drafts' text, never the first labels) labelled 300 drafts drawn at random (seed 9) from
round 8's writers, 25 from each of train 8 w21-w28 and blind 8 b8a-b8d:
``tests/core/data/tone_relabel9.jsonl``. For each label this prints the raw agreement, Cohen's
kappa, and the second labeller scored as if it were a classifier against the writers' own labels
(precision, recall, F1), beside the shipped tone check scored the same way on the same drafts.
A classifier judged against one writer's labels cannot be expected to beat another careful
reader by much: the second labeller's F1 is the practical ceiling for the check's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ownup.core.tone import CATEGORIES, ELEMENTS, check  # noqa: E402

DATA = ROOT / "tests" / "core" / "data"
LABELS = (*CATEGORIES, *ELEMENTS)
SOURCES = ("tone_train8_w*.jsonl", "tone_blind8.jsonl")


def load() -> tuple[dict[str, dict], dict[str, dict]]:
    """(the writers' drafts by id, the second labels by id) for the relabelled sample."""
    second = {r["id"]: r["labels"] for r in map(json.loads, (DATA / "tone_relabel9.jsonl").open())}
    first: dict[str, dict] = {}
    for pattern in SOURCES:
        for path in sorted(DATA.glob(pattern)):
            for line in path.open(encoding="utf-8"):
                row = json.loads(line)
                if row["id"] in second:
                    first[row["id"]] = row
    return first, second


def scores(truth: list[int], said: list[int]) -> tuple[float, float, float]:
    tp = sum(t and s for t, s in zip(truth, said, strict=True))
    p = tp / sum(said) if sum(said) else 0.0
    r = tp / sum(truth) if sum(truth) else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def kappa(a: list[int], b: list[int]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main() -> int:
    first, second = load()
    missing = set(second) - set(first)
    if missing:
        raise SystemExit(f"relabelled ids not found in {SOURCES}: {sorted(missing)[:5]}")
    ids = sorted(second)
    reports = {i: check(first[i]["text"], first[i]["kind"]) for i in ids}
    print(f"{len(ids)} drafts. Against the writers' labels: the second labeller | the tone check")
    print(f"{'label':12} {'agree':>6} {'kappa':>6}   {'P':>5} {'R':>5} {'F1':>5} | "
          f"{'P':>5} {'R':>5} {'F1':>5}")
    for label in LABELS:
        truth = [first[i]["labels"][label] for i in ids]
        other = [second[i][label] for i in ids]
        if label in CATEGORIES:
            model = [int(label in reports[i].categories()) for i in ids]
        else:
            model = [int(reports[i].present[label]) for i in ids]
        agree = sum(t == o for t, o in zip(truth, other, strict=True)) / len(ids)
        hp, hr, hf = scores(truth, other)
        mp, mr, mf = scores(truth, model)
        print(f"{label:12} {agree:6.3f} {kappa(truth, other):6.2f}   "
              f"{hp:5.2f} {hr:5.2f} {hf:5.2f} | {mp:5.2f} {mr:5.2f} {mf:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
