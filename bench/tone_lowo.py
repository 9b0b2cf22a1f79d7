"""Leave-one-writer-out estimate of the tone check's problem categories (issue 21, fifth round).

    .venv/bin/python bench/tone_lowo.py [--categories excuse,blame,...] [--l2 1.0]
        [--min-authors 2] [--floor 0.88] [--inner-folds 5] [--no-classes] [--frames] [--shipped]
        [--parties] [--story]   (round 10's trials, learned.PARTIES / learned.STORY: not shipped)
        [--told]                (round 11's trial, learned.TOLD)

Every labelled set is one writer (the first corpus, fresh, wide + sealed, blind 2, blind 3,
blind 4, train 5, blind 5, train 6 w1 ... w10, blind 6 b1 ... b4 and every train 7 writer in
tests/core/data: twenty-eight writers in round 7; train_tone.writers). For each writer in turn the
learned problem model is trained on all the others and the held-out writer is scored: the rules
alone, the model alone and rules + model (the model only adds a category the rules did not find,
with a sentence to point at, exactly as ``check`` uses it). Train 5 is template-built: it is
trained on, never held out.

The threshold of each held-out run is chosen without the held-out writer: an inner
leave-one-writer-out over the training writers gives out-of-writer probabilities, and the
threshold is the one with the best rules + model F1 at which the model's own additions are right
at least ``--floor`` of the time on the training writers no rule was written beside
(``--select unseen``, train_tone.unseen). ``--inner-folds 5`` (round 7) holds the training
writers out in five groups for that inner reading instead of one at a time (27 fits become 5).
The table ends with four pools: every held-out writer, the unseen writers, rounds 6-8 (blind 6,
train 7, blind 7, train 8), round 9 (blind 8 b1-b4 and train 9 w29-, new training writers in
round 9), blind 9 (b1-b4, new in round 10; "unseen to r8" leaves it out) and blind 10 (b1-b4, new
in round 11; "unseen to r9" is the unseen pool without it: its errors were read in round 11).
``--shipped`` scores the shipped check (``learned.json``) per writer instead (not a
leave-one-out figure: the shipped models were trained on every writer).

Needs scikit-learn (the test extra): it is used here and in bench/train_tone.py only, never at
run time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train_tone  # noqa: E402
from train_tone import (  # noqa: E402
    Item,
    call,
    choose_threshold,
    fit_sklearn,
    oof_by_writer,
    writers,
)
from train_tone import unseen as is_unseen  # noqa: E402

from ownup.core.tone import CATEGORIES, check  # noqa: E402
from ownup.core.tone import learned as learned_module  # noqa: E402

RESIDUAL = False


def prf(c: Counter) -> tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fmt(c: Counter) -> str:
    p, r, f1 = prf(c)
    return f"{p:.2f}/{r:.2f}/{f1:.2f}"


def tally(c: Counter, said: bool, actual: bool) -> None:
    c[("tp" if actual else "fp") if said else ("fn" if actual else "tn")] += 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--categories", default=",".join(CATEGORIES))
    ap.add_argument("--l2", type=float, default=train_tone.PROBLEM_L2)
    ap.add_argument("--min-authors", type=int, default=2)
    ap.add_argument("--floor", type=float, default=0.85)
    ap.add_argument("--weighting", choices=("none", "writer"), default="writer")
    ap.add_argument("--shipped", action="store_true", help="score the shipped check per writer")
    ap.add_argument(
        "--select", choices=("all", "unseen"), default="unseen",
        help="writers whose inner out-of-writer calls set the threshold: all, or only those no "
        "rule was written beside (the rules are near-perfect on the others, hiding the model's "
        "wrong calls)",
    )
    ap.add_argument("--prune", type=float, default=train_tone.PROBLEM_MIN_WEIGHT)
    ap.add_argument("--residual", action="store_true", help="train on what the rules passed")
    ap.add_argument("--stems", action="store_true", help="add five-letter word prefixes")
    ap.add_argument("--fixed", type=float, default=None, help="a fixed threshold (no inner loop)")
    ap.add_argument(
        "--inner-folds", type=int, default=None,
        help="choose each threshold from this many writer groups instead of one writer at a time",
    )
    ap.add_argument(
        "--outer-folds", type=int, default=None,
        help="hold the writers out in this many groups (round-robin in name order) instead of "
        "one at a time: every writer is still scored by a model that never saw it, with fewer "
        "fits (round 8: 44 writers on a shared machine)",
    )
    ap.add_argument(
        "--no-classes", action="store_true",
        help="without round 7's word classes (agents.py): the features of rounds 5 and 5b",
    )
    ap.add_argument(
        "--frames", action="store_true",
        help="with round 8's excuse frames (agents.excuse_frames; a trial, not shipped)",
    )
    ap.add_argument(
        "--clauses", action=argparse.BooleanOptionalAction, default=None,
        help="with (--clauses) or without (--no-clauses) round 9's clause features "
        "(agents.clause_features); default: as learned.CLAUSES ships",
    )
    ap.add_argument(
        "--parties", action="store_true",
        help="with round 10's party features (agents.party_features; a trial)",
    )
    ap.add_argument(
        "--story", action="store_true",
        help="with round 10's +story features (learned.STORY; a trial)",
    )
    ap.add_argument(
        "--told", action="store_true",
        help="with round 11's culprit and +told features (learned.TOLD; a trial)",
    )
    ap.add_argument(
        "--told-narrow", action="store_true",
        help="with --told: the culprit features only (learned.TOLD_WIDE off)",
    )
    ap.add_argument(
        "--told-draft", action="store_true",
        help="with --told: the draft's culprits on every sentence instead (learned.TOLD_DRAFT)",
    )
    ap.add_argument(
        "--told-fault", action="store_true",
        help="with --told: only who is pinned with the trouble, as +told (learned.TOLD_FAULT)",
    )
    args = ap.parse_args(argv)
    learned_module.TOLD = args.told
    learned_module.TOLD_FAULT = args.told_fault
    learned_module.TOLD_DRAFT = args.told_draft
    learned_module.TOLD_WIDE = not args.told_narrow
    learned_module.STORY = args.story
    learned_module.PARTIES = args.parties
    if args.clauses is not None:
        learned_module.CLAUSES = args.clauses
    learned_module.CLASSES = not args.no_classes
    learned_module.FRAMES = args.frames
    started = time.process_time()
    train_tone.STEMS = args.stems
    global RESIDUAL
    RESIDUAL = args.residual
    groups = {w: [Item(r) for r in recs] for w, recs in writers().items()}
    cats = args.categories.split(",")
    print(f"writers: {', '.join(f'{w} {len(v)}' for w, v in groups.items())}")
    held_out = [w for w in groups if w != "train5"]
    if args.shipped:
        recs = writers()
        for category in cats:
            pooled = {"rules": Counter(), "shipped": Counter()}
            print(f"\n{category}: writer  rules P/R/F1   shipped P/R/F1")
            for w in held_out:
                cr, cs = Counter(), Counter()
                for rec, it in zip(recs[w], groups[w], strict=True):
                    rep = check(rec["text"], rec["kind"], names=rec.get("names", ()))
                    y = bool(it.labels[category])
                    tally(cr, it.rules[category], y)
                    tally(cs, category in rep.categories(), y)
                pooled["rules"].update(cr)
                pooled["shipped"].update(cs)
                print(f"  {w:<12} " + "   ".join(fmt(c) for c in (cr, cs)))
            print(f"  {'pooled':<12} " + "   ".join(
                fmt(pooled[k]) for k in ("rules", "shipped")))
        return 0
    for category in cats:
        pooled = {"rules": Counter(), "model": Counter(), "both": Counter()}
        unseen = {"rules": Counter(), "model": Counter(), "both": Counter()}
        new = {"rules": Counter(), "model": Counter(), "both": Counter()}
        r9 = {"rules": Counter(), "model": Counter(), "both": Counter()}
        b9 = {"rules": Counter(), "model": Counter(), "both": Counter()}  # trained on in round 10
        b10 = {"rules": Counter(), "model": Counter(), "both": Counter()}  # trained on in round 11
        old9 = {"rules": Counter(), "model": Counter(), "both": Counter()}  # unseen, not blind 10
        old = {"rules": Counter(), "model": Counter(), "both": Counter()}  # unseen to round 8
        print(f"\n{category}: writer (support)  rules P/R/F1   model alone   rules+model  [t]")
        if args.outer_folds:
            order = sorted(held_out)
            batches = [order[k :: args.outer_folds] for k in range(args.outer_folds)]
        else:
            batches = [[w] for w in held_out]
        for batch in batches:
            train = {w: its for w, its in groups.items() if w not in batch}
            if args.fixed is not None:
                t: float | None = args.fixed
            else:
                inner = oof_by_writer(
                    category, train, args.l2, args.min_authors, args.weighting, RESIDUAL,
                    args.prune, args.inner_folds,
                )
                pool = [it for w, its in train.items() for it in its
                        if args.select == "all" or is_unseen(w)]
                t = choose_threshold(category, pool, inner, args.floor)
            bias, weights = fit_sklearn(
                category, train, args.l2, args.min_authors, args.weighting, RESIDUAL, args.prune
            )
            for held in batch:
                cr, cm, cb = Counter(), Counter(), Counter()
                for it in groups[held]:
                    y = bool(it.labels[category])
                    p, span = call(category, bias, weights, it)
                    said = t is not None and p >= t and span
                    tally(cr, it.rules[category], y)
                    tally(cm, said, y)
                    tally(cb, it.rules[category] or said, y)
                for k, c in (("rules", cr), ("model", cm), ("both", cb)):
                    pooled[k].update(c)
                    if is_unseen(held):
                        unseen[k].update(c)
                        if not held.startswith(("blind8", "train9", "blind9", "blind10")):
                            old[k].update(c)
                        if not held.startswith("blind10"):
                            old9[k].update(c)
                    if held.startswith(("blind6", "train7", "blind7", "train8")):
                        new[k].update(c)
                    if held.startswith(("blind8", "train9")):
                        r9[k].update(c)
                    if held.startswith("blind9_"):
                        b9[k].update(c)
                    if held.startswith("blind10"):
                        b10[k].update(c)
                sup = cr["tp"] + cr["fn"]
                print(f"  {held:<12} ({sup:>3})  " + "   ".join(
                    fmt(c) for c in (cr, cm, cb)) + f"  [{t}]")
        print(f"  {'pooled':<12}        " + "   ".join(
            fmt(pooled[k]) for k in ("rules", "model", "both")))
        print(f"  {'unseen':<12}        " + "   ".join(
            fmt(unseen[k]) for k in ("rules", "model", "both")))
        print(f"  {'unseen to r9':<12}        " + "   ".join(
            fmt(old9[k]) for k in ("rules", "model", "both")))
        print(f"  {'unseen to r8':<12}        " + "   ".join(
            fmt(old[k]) for k in ("rules", "model", "both")))
        print(f"  {'rounds 6-8':<12}        " + "   ".join(
            fmt(new[k]) for k in ("rules", "model", "both")))
        print(f"  {'round 9':<12}        " + "   ".join(
            fmt(r9[k]) for k in ("rules", "model", "both")))
        print(f"  {'blind 9':<12}        " + "   ".join(
            fmt(b9[k]) for k in ("rules", "model", "both")))
        print(f"  {'blind 10':<12}        " + "   ".join(
            fmt(b10[k]) for k in ("rules", "model", "both")))
        sys.stdout.flush()
    print(f"\nCPU {time.process_time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
