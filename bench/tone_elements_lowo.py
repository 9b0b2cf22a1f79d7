"""Out-of-writer estimate of the tone check's good elements (issue 21, round 8).

    .venv/bin/python bench/tone_elements_lowo.py [--elements ownership,empathy,...]
        [--outer-folds N] [--inner-folds 5] [--floor 0.85] [--no-veto] [--shipped-only]

Every labelled writer (train_tone.writers: 44 sets in round 8, 56 in round 10, train 5 among
them) is held out in turn (or, with ``--outer-folds N``, in N groups of writers taken
round-robin in name order: the same out-of-writer reading at a fraction of the fits); train 5
(template-built) is trained on, never held out. For each held-out writer, per element:

* ``rules``: the rules alone (``check(..., learned=False)``'s ``present``);
* ``shipped``: rules + the shipped element model (``learned.json``; trained on the third round's
  sets only, so out of writer for every writer but the corpus, fresh and wide + sealed);
* ``adder``: rules + an element model retrained on the other writers (train_tone.fit_sklearn, the
  problem models' procedure), its threshold the best rules + model F1 at which its additions are
  right ``--floor`` of the time out of writer on the unseen training writers;
* ``veto`` (ownership and empathy; the adder again for the others): the adder plus a learned
  veto over what the *rules* found: a logistic regression on the training writers' drafts where
  the rules found the element (the draft's features, those of the sentence that carried the
  rules' cue, ``c:``, and whether the draft also holds an excuse, blame or minimising the rules
  found); a rules-found element stays when the veto's probability reaches its threshold, chosen
  out of writer on the unseen training writers: the best F1 of the whole at precision >=
  ``--floor`` (0 = no veto when none reaches it).

Pools at the end: every held-out writer, the unseen writers (train_tone.unseen), rounds 6-8 and
round 9 (blind 8 and train 9, new training writers in round 9), blind 9 (new in round 10) and
blind 10 (new in round 11; "unseen to round 9" is the unseen pool without it).
Needs scikit-learn (the test extra). Items are cached in .cache/tone_items.pkl (delete it after a
rules change).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train_tone  # noqa: E402
from tone_lowo import fmt, tally  # noqa: E402
from train_tone import (  # noqa: E402
    Item,
    call,
    choose_threshold,
    choose_veto,
    fit_sklearn,
    fit_veto,
    oof_by_writer,
    oof_veto,
    veto_prob,
    writers,
)
from train_tone import unseen as is_unseen  # noqa: E402

from ownup.core.tone import ELEMENTS  # noqa: E402
from ownup.core.tone import learned as learned_module  # noqa: E402
from ownup.core.tone.learned import VETOED  # noqa: E402

CACHE = ROOT / ".cache" / "tone_items.pkl"


def items_by_writer() -> dict[str, list[Item]]:
    recs = writers()
    key = sorted((w, len(v), v[0]["id"] if v else "") for w, v in recs.items())
    if CACHE.exists():
        cached_key, groups = pickle.loads(CACHE.read_bytes())
        if cached_key == key:
            return groups
    groups = {w: [Item(r) for r in rs] for w, rs in recs.items()}
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_bytes(pickle.dumps((key, groups)))
    return groups


def shipped_calls(groups: dict[str, list[Item]], elements: list[str]) -> dict[str, dict[str, bool]]:
    """Per draft id and element: rules + the shipped element model."""
    models = learned_module.default_models()
    out: dict[str, dict[str, bool]] = {}
    for items in groups.values():
        for it in items:
            everything = learned_module.all_features(it.draft, it.sentences)
            row = {}
            for e in elements:
                said = it.rules[e]
                if not said and e in models:
                    said = learned_module.judge(models[e], it.text, everything,
                                                it.sentences) is not None
                row[e] = said
            out[it.id] = row
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--elements", default=",".join(ELEMENTS))
    ap.add_argument("--l2", type=float, default=train_tone.PROBLEM_L2)
    ap.add_argument("--veto-l2", type=float, default=train_tone.VETO_L2)
    ap.add_argument("--floor", type=float, default=0.85)
    ap.add_argument("--outer-folds", type=int, default=None)
    ap.add_argument("--inner-folds", type=int, default=5)
    ap.add_argument("--no-veto", action="store_true")
    ap.add_argument("--shipped-only", action="store_true")
    args = ap.parse_args(argv)
    started = time.process_time()
    groups = items_by_writer()
    elements = [e for e in args.elements.split(",") if e]
    print(f"writers ({len(groups)}): {', '.join(f'{w} {len(v)}' for w, v in groups.items())}")
    print(f"items ready, CPU {time.process_time() - started:.0f} s")
    shipped = shipped_calls(groups, elements)
    held_out = [w for w in groups if w != "train5"]
    if args.outer_folds:
        order = sorted(held_out)
        batches = [order[k :: args.outer_folds] for k in range(args.outer_folds)]
    else:
        batches = [[w] for w in held_out]
    kinds = ("rules", "shipped") if args.shipped_only else (
        ("rules", "shipped", "adder") if args.no_veto else ("rules", "shipped", "adder", "veto"))
    for e in elements:
        per: dict[str, dict[str, Counter]] = {w: {k: Counter() for k in kinds} for w in held_out}
        chosen: dict[str, tuple] = {}
        for batch in ([] if args.shipped_only else batches):
            train = {w: its for w, its in groups.items() if w not in batch}
            inner = oof_by_writer(e, train, args.l2, folds=args.inner_folds,
                                  prune=train_tone.PROBLEM_MIN_WEIGHT)
            pool = [it for w, its in train.items() for it in its if is_unseen(w)]
            ta = choose_threshold(e, pool, inner, args.floor)
            bias, weights = fit_sklearn(e, train, args.l2, prune=train_tone.PROBLEM_MIN_WEIGHT)
            tv, vb, vw = 0.0, 0.0, {}
            if not args.no_veto and e in VETOED:
                adds = {it.id: (not it.rules[e] and ta is not None and inner[it.id][0] >= ta
                                and inner[it.id][1]) for it in pool}
                vp = oof_veto(e, train, args.veto_l2, args.inner_folds)
                tv = choose_veto(e, pool, adds, vp, args.floor)
                vb, vw = fit_veto(e, train, args.veto_l2)
            for w in batch:
                chosen[w] = (ta, tv)
                for it in groups[w]:
                    p, span = call(e, bias, weights, it)
                    added = not it.rules[e] and ta is not None and p >= ta and span
                    y = bool(it.labels[e])
                    c = per[w]
                    tally(c["adder"], it.rules[e] or added, y)
                    if "veto" in c:
                        kept = it.rules[e] and (tv <= 0 or not vw
                                                or veto_prob(vb, vw, e, it) >= tv)
                        tally(c["veto"], kept or added, y)
        for w in held_out:
            for it in groups[w]:
                y = bool(it.labels[e])
                tally(per[w]["rules"], it.rules[e], y)
                tally(per[w]["shipped"], shipped[it.id][e], y)
        print(f"\n{e}: writer (support)  " + "   ".join(f"{k} P/R/F1" for k in kinds)
              + "  [t_add, t_veto]")
        pools = {n: {k: Counter() for k in kinds}
                 for n in ("all", "unseen", "unseen to round 9", "unseen to round 8",
                           "rounds 6-8", "round 9", "blind 9", "blind 10")}
        for w in held_out:
            c = per[w]
            sup = c["rules"]["tp"] + c["rules"]["fn"]
            print(f"  {w:<14} ({sup:>3})  " + "   ".join(fmt(c[k]) for k in kinds)
                  + (f"  {chosen.get(w)}" if w in chosen else ""))
            for k in kinds:
                pools["all"][k].update(c[k])
                if is_unseen(w):
                    pools["unseen"][k].update(c[k])
                    if not w.startswith(("blind8", "train9", "blind9", "blind10")):
                        pools["unseen to round 8"][k].update(c[k])
                    if not w.startswith("blind10"):
                        pools["unseen to round 9"][k].update(c[k])
                if w.startswith(("blind6", "train7", "blind7", "train8")):
                    pools["rounds 6-8"][k].update(c[k])
                if w.startswith(("blind8", "train9")):
                    pools["round 9"][k].update(c[k])
                if w.startswith("blind9_"):
                    pools["blind 9"][k].update(c[k])
                if w.startswith("blind10"):
                    pools["blind 10"][k].update(c[k])
        for n, pc in pools.items():
            print(f"  {n:<20} " + "   ".join(fmt(pc[k]) for k in kinds))
        sys.stdout.flush()
    print(f"\nCPU {time.process_time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
