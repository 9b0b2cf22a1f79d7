"""Leave-one-writer-out estimate for triage: each labelled set is one author.

    .venv/bin/python bench/triage_lowo.py [--markdown] [--json OUT.json] [--errors AUTHOR]

Authors (tests/core/data): the first corpus, wide + sealed (one sitting, one writer), blind 2,
blind 3, blind 4, blind 5, train 6 w1 ... w10, the four writers of each of blind 6, 7, 8 and 9
(b6a ... b10d, split by id prefix; blind 9 since round 10, blind 10 since round 11, each after
its scoring) and every train
7, 8 and 9 writer file present (triage_train7_w11.jsonl, ..., triage_train9_w29.jsonl, ...). Rules
carry no per-fold training, so their figure for an author is simply the rules on that author's
set; the rules were written beside the first nine (RULES_TUNED_ON), so only a set scored before it
was read is an estimate (see docs/quality.md). With --held-out-model the learned parts
(ownup/core/triage_mood.py, ownup/core/triage_emergency.py) are retrained for each fold on every
*other* author (bench/train_triage.py, bench/train_triage_class.py) and score the one left out.

Per author and pooled: emergency recall and precision, class and mood accuracy.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ownup.core import triage  # noqa: E402

DATA = ROOT / "tests" / "core" / "data"
AUTHORS: list[tuple[str, tuple[str, ...]]] = [
    ("corpus", ("triage_corpus.jsonl",)),
    ("wide+sealed", ("triage_wide.jsonl", "triage_sealed.jsonl")),
    ("blind2", ("triage_blind2.jsonl",)),
    ("blind3", ("triage_blind3.jsonl",)),
    ("blind4", ("triage_blind4.jsonl",)),
    ("blind5", ("triage_blind5.jsonl",)),
    *((f"train6_w{n}", (f"triage_train6_w{n}.jsonl",)) for n in range(1, 11)),
]
# Sets written by several writers, one author each by the writer's id prefix ("b6am001" is b6a).
BY_PREFIX: tuple[tuple[str, int], ...] = (
    ("triage_blind6.jsonl", 3), ("triage_blind7.jsonl", 3), ("triage_blind8.jsonl", 3),
    ("triage_blind9.jsonl", 3), ("triage_blind10.jsonl", 4),
)
# One writer a file, picked up as they land (train 7 w11, w12, ...), in writer order.
WRITER_GLOBS: tuple[str, ...] = (
    "triage_train7_w*.jsonl", "triage_train8_w*.jsonl", "triage_train9_w*.jsonl"
)


# The authors the triage rules were written beside (rules v8-v11 read their errors, rules v12 the
# emergencies train 8 w21 and w24 missed, rules v13 those of train 9 w29-w32); every other writer
# was scored by rules that had never seen it: their out-of-writer figures are the estimate.
RULES_TUNED_ON = frozenset(
    ("corpus", "wide+sealed", "blind2", "blind3", "blind4", "blind5",
     "train6_w1", "train6_w2", "train6_w3", "train8_w21", "train8_w24",
     "train9_w29", "train9_w30", "train9_w31", "train9_w32")
)


# The writers asked to tell most emergencies flatly (docs/writer_brief.md since round 9: a
# matter-of-fact note, a forwarded alert with "FYI", a question "is it normal that ..."): train 9
# w29-w32, blind 9 and blind 10. Every later writer gets the same brief, so this pool, not the
# older authors', is the estimate that matters for emergency recall (round 11).
FLAT = frozenset(
    ("train9_w29", "train9_w30", "train9_w31", "train9_w32",
     "b9a", "b9b", "b9c", "b9d", "b10a", "b10b", "b10c", "b10d")
)


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _writer_number(path: Path) -> tuple[int, str]:
    digits = re.search(r"_w(\d+)\.jsonl$", path.name)
    return (int(digits.group(1)) if digits else 0, path.name)


def load_authors() -> list[tuple[str, list[dict]]]:
    """Every labelled triage set as (author, messages): the fixed sets of AUTHORS, blind 6 split
    by writer (b6a ... b6d), and every train 7 writer file present (w11, w12, ...)."""
    out = []
    for name, files in AUTHORS:
        paths = [DATA / f for f in files]
        if not all(p.exists() for p in paths):
            continue
        out.append((name, [m for p in paths for m in _read(p)]))
    for file, width in BY_PREFIX:
        if not (DATA / file).exists():
            continue
        writers: dict[str, list[dict]] = {}
        for m in _read(DATA / file):
            writers.setdefault(m["id"][:width], []).append(m)
        out += sorted(writers.items())
    for pattern in WRITER_GLOBS:
        for path in sorted(DATA.glob(pattern), key=_writer_number):
            out.append((path.stem.removeprefix("triage_"), _read(path)))
    return out


def score(items: list[dict], preds: list[tuple[str, str]]) -> dict:
    gold_e = [m["class"] == "emergency" for m in items]
    pred_e = [c == "emergency" for c, _ in preds]
    tp = sum(g and p for g, p in zip(gold_e, pred_e, strict=True))
    return {
        "n": len(items),
        "emergencies": sum(gold_e),
        "tp": tp,
        "predicted": sum(pred_e),
        "class_right": sum(m["class"] == c for m, (c, _) in zip(items, preds, strict=True)),
        "mood_right": sum(m["mood"] == md for m, (_, md) in zip(items, preds, strict=True)),
    }


def fmt(s: dict) -> str:
    rec = s["tp"] / s["emergencies"] if s["emergencies"] else float("nan")
    prec = s["tp"] / s["predicted"] if s["predicted"] else float("nan")
    cls, mood = s["class_right"] / s["n"], s["mood_right"] / s["n"]
    found = f"{s['tp']}/{s['emergencies']}"
    return f"{found} R {rec:.2f} P {prec:.2f} | class {cls:.3f} | mood {mood:.3f}"


def pooled(stats: list[dict]) -> dict:
    keys = ("n", "emergencies", "tp", "predicted", "class_right", "mood_right")
    return {k: sum(s[k] for s in stats) for k in keys}


def predict(items: list[dict], learned: bool = True) -> list[tuple[str, str]]:
    out = []
    for m in items:
        r = triage.classify(m["subject"], m["body"], sender=m["sender"], learned=learned)
        out.append((r.message_class, r.mood))
    return out


def predict_held_out(
    authors: list[tuple[str, list[dict]]], with_class: bool = True
) -> dict[str, list[tuple[str, str]]]:
    """Each author's class and mood from models trained on the other authors: the mood model
    (bench/train_triage.py) and, unless ``with_class`` is false, the emergency model
    (bench/train_triage_class.py) with its thresholds chosen on the out-of-writer scores of the
    other authors the rules were never tuned on (train_triage_class.threshold_pool); else the
    rules' class."""
    import train_triage_class
    from train_triage import examples, train  # bench/: scikit-free trainers

    from ownup.core import triage_mood

    data = {name: examples(items) for name, items in authors}
    oof = {}
    if with_class:
        oof = train_triage_class.out_of_writer(
            [(name, train_triage_class.examples(items)) for name, items in authors],
            train_triage_class.L2,
        )
    out = {}
    for name, items in authors:
        model = train([x for other, xs in data.items() if other != name for x in xs])
        if with_class:
            others = train_triage_class.threshold_pool(oof, name)
            classes = train_triage_class.apply(oof[name], *train_triage_class.choose(others))
        else:
            classes = [c for c, _ in predict(items, learned=False)]
        moods = [triage_mood.decide(model, feats, rule)[0] for feats, rule, _ in data[name]]
        out[name] = list(zip(classes, moods, strict=True))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write per-author figures here")
    parser.add_argument("--errors", help="print the emergency errors of this author")
    parser.add_argument(
        "--rules-only", action="store_true", help="the rules' mood, without the learned model"
    )
    parser.add_argument(
        "--held-out-model",
        action="store_true",
        help="class and mood from models retrained without the author scored "
        "(bench/train_triage_class.py, bench/train_triage.py)",
    )
    parser.add_argument(
        "--rules-class", action="store_true",
        help="with --held-out-model: the rules' class (only the mood model is learned)",
    )
    args = parser.parse_args()
    authors = load_authors()
    mode = (
        "rules only" if args.rules_only
        else "models trained on the other authors" if args.held_out_model
        else "as shipped (the mood model was trained on every author: in-sample)"
    )
    print(f"triage rules version {triage.RULES_VERSION}; {mode}")
    held_out = predict_held_out(authors, not args.rules_class) if args.held_out_model else {}
    table = {}
    for name, items in authors:
        preds = held_out.get(name) or predict(items, learned=not args.rules_only)
        table[name] = score(items, preds)
        print(f"{name:12} {len(items):4d}  {fmt(table[name])}")
        if args.errors == name:
            for m, (c, md) in zip(items, preds, strict=True):
                if (m["class"] == "emergency") != (c == "emergency") or m["mood"] != md:
                    gold = f"{m['class']}/{m['mood']}"
                    print(f"  {m['id']} gold {gold} got {c}/{md} :: {m['subject']}")
    unseen = pooled([s for name, s in table.items() if name not in RULES_TUNED_ON])
    table["pooled"] = pooled(list(table.values()))
    if unseen["n"]:
        table["rules unseen"] = unseen
        print(f"{'rules unseen':12} {unseen['n']:4d}  {fmt(unseen)}")
    flat = pooled([s for name, s in table.items() if name in FLAT])
    if flat["n"]:
        table["flat"] = flat
        print(f"{'flat':12} {flat['n']:4d}  {fmt(flat)}")
    print(f"{'pooled':12} {table['pooled']['n']:4d}  {fmt(table['pooled'])}")
    if args.json:
        args.json.write_text(json.dumps(table, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
