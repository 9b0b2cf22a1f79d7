"""Train the learned mood reading of triage (ownup/core/triage_mood.py) and write its weights.

    .venv/bin/python bench/train_triage.py [--l2 1.0] [--out ownup/core/triage_mood.json]
    .venv/bin/python bench/train_triage.py --lowo   # leave one writer out, write nothing

Trained on every labelled triage set (bench/triage_lowo.py's authors: the first corpus, wide +
sealed, blind 2-5, train 6 w1-w10, the four writers of each of blind 6-10, train 7-9); never on a
set the lead holds back. One L2-regularised logistic regression per mood, one-vs-rest (pure Python,
L-BFGS: bench/train_tone.py's `fit`), over the features of triage_mood.features seen in at least
MIN_DF messages. At run time the highest score wins, and the model's mood replaces the rules' only
where a reason with words carries it (triage_mood.decide). Weights under MIN_WEIGHT in size are
dropped, the rest rounded to 4 places.

--lowo: for each author, trains on all the others and scores the one left out with the same
decision, against the rules alone; the per-author and pooled mood accuracy is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fastfit import fit  # noqa: E402
from triage_lowo import load_authors  # noqa: E402
from written import shown  # noqa: E402

from ownup.core import triage, triage_mood  # noqa: E402

OUT = ROOT / "ownup" / "core" / triage_mood.WEIGHTS_FILE
MIN_DF = 3
MIN_WEIGHT = 0.02
L2 = 1.0

Example = tuple[set[str], str, str]  # features, the rules' mood, the gold mood


def examples(items: list[dict]) -> list[Example]:
    out = []
    for m in items:
        feats, rule_mood = triage.learned_features(m["subject"], m["body"], m["sender"])
        out.append((feats, rule_mood, m["mood"]))
    return out


def train(data: list[Example], l2: float = L2) -> triage_mood.MoodModel:
    df = Counter(f for feats, _, _ in data for f in feats)
    vocab = sorted(f for f, c in df.items() if c >= MIN_DF)
    index = {f: i for i, f in enumerate(vocab)}
    rows = [[index[f] for f in feats if f in index] for feats, _, _ in data]
    weights: dict[str, dict[str, float]] = {}
    bias: dict[str, float] = {}
    for mood in triage_mood.MOODS:
        w = fit(rows, [int(gold == mood) for _, _, gold in data], len(vocab), l2)
        weights[mood] = {f: round(w[i], 4) for f, i in index.items() if abs(w[i]) >= MIN_WEIGHT}
        bias[mood] = round(w[len(vocab)], 4)
    return triage_mood.MoodModel(weights, bias, ())


def lowo(l2: float, margins: tuple[float, ...] = (triage_mood.MARGIN,)) -> int:
    authors = [(name, examples(items)) for name, items in load_authors()]
    models = {
        name: train([x for other, xs in authors if other != name for x in xs], l2)
        for name, _ in authors
    }
    for margin in margins:
        total = right_rules = right_model = changed = 0
        print(f"leave one writer out, l2 {l2}, margin {margin}: mood accuracy, rules -> + model")
        for name, held_out in authors:
            rules = model_right = 0
            for feats, rule_mood, gold in held_out:
                mood, _ = triage_mood.decide(models[name], feats, rule_mood, margin=margin)
                rules += rule_mood == gold
                model_right += mood == gold
                changed += mood != rule_mood
            n = len(held_out)
            gain = f"{model_right - rules:+d}"
            print(f"{name:12} {n:4d}  {rules / n:.3f} -> {model_right / n:.3f}  ({gain})")
            total, right_rules = total + n, right_rules + rules
            right_model += model_right
        print(f"{'pooled':12} {total:4d}  {right_rules / total:.3f} -> {right_model / total:.3f}"
              f"  ({right_model - right_rules:+d}; {changed} moods changed)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--lowo", action="store_true", help="leave one writer out; write nothing")
    parser.add_argument("--margins", type=float, nargs="*", default=[triage_mood.MARGIN])
    args = parser.parse_args(argv)
    if args.lowo:
        return lowo(args.l2, tuple(args.margins))
    authors = load_authors()
    model = train([x for _, items in authors for x in examples(items)], args.l2)
    payload = {
        "about": "triage mood model (ownup/core/triage_mood.py), written by bench/train_triage.py",
        "rules_version": triage.RULES_VERSION,
        "trained_on": [name for name, _ in authors],
        "messages": sum(len(items) for _, items in authors),
        "l2": args.l2,
        "min_df": MIN_DF,
        "bias": model.bias,
        "weights": {m: dict(sorted(model.weights[m].items())) for m in triage_mood.MOODS},
    }
    args.out.write_text(json.dumps(payload, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {shown(args.out)} ({size / 1024:.0f} KiB), {payload['messages']} msgs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
