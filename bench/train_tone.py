"""Train the tone check's learned second opinion (ownup/core/tone/learned.py) and write its weights.

    .venv/bin/python bench/train_tone.py [--folds 5] [--l2 0.3] [--out ownup/core/tone/learned.json]
        (the third round's element models; refuses an --out holding later rounds' models)
    .venv/bin/python bench/train_tone.py --check   # cross-validate only, write nothing
    .venv/bin/python bench/train_tone.py --problems [--check]   # the fifth round's problem models

The element models (apology, ownership, empathy, next step; the default run) are trained on the
third round's tuned-on sets only: the first corpus (both splits), the "fresh" 40 of
bench/tone_quality.py and the wide two thirds (tests/core/data/tone_wide.jsonl).

``--problems`` (issue 21, fifth round; needs scikit-learn from the test extra) trains the excuse,
blame, minimising and over-promise models on every labelled writer (``writers``: the wide set with
its sealed third, blind 4, train 5, blind 5 and train 6 included; never the lead's held-out set,
which is not in the repository) and writes them beside the element models already in ``--out``;
see ``train_problems`` and bench/tone_lowo.py for the leave-one-writer-out estimate. The rest of
this docstring describes the element models.

One L2-regularised logistic regression per category (L-BFGS, bench/fastfit.py; deterministic), over
the features of learned.py: word and word-pair features seen in at least MIN_DF training drafts, the
rules' cues, near misses and their calls on the other categories. The threshold of each category is
chosen by k-fold cross-validation on the same sets, exactly as the check uses the model: the rules
decide first, the model only adds where they said no and a sentence carries its score. The
threshold is the lowest at which the model alone, out of fold, has precision at least
PRECISION_FLOOR (a margin over the issue's 0.85), and that wrongly adds the category to at most
MAX_FALSE_ADD of the drafts the rules rightly passed, and at which the model alone reaches an
out-of-fold F1 of MIN_ALONE_F1 (it has learnt the category, not a few stray words); see
cross_validate for why the model's own
out-of-fold precision is what sets it. Where no threshold meets the floor, the category ships
without a model. Weights under MIN_WEIGHT in size are dropped; the rest are rounded to 4 places.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fastfit import fit  # noqa: E402
from tone_quality import (  # noqa: E402
    BLIND4,
    BLIND5,
    CORPUS,
    DATA,
    SEALED,
    TRAIN5,
    WIDE,
    fresh_records,
    load,
)
from written import shown  # noqa: E402

from ownup.core.tone import placeholders, quoted  # noqa: E402
from ownup.core.tone.engine import analyse_parts  # noqa: E402
from ownup.core.tone.learned import (  # noqa: E402
    LABELS,
    VETOED,
    Model,
    Sentence,
    all_features,
    cue_features,
    features,
    model_features,
    score,
    stands,
)  # noqa: E402
from ownup.core.tone.learned import veto_features as _veto_features  # noqa: E402
from ownup.core.tone.rules import FINDING_CATEGORIES, load_default_rules  # noqa: E402

OUT = ROOT / "ownup" / "core" / "tone" / "learned.json"
PRECISION_FLOOR = 0.90
MAX_FALSE_ADD = 0.005  # one wrong learned call per 200 drafts the rules rightly passed
# A model that has not learnt its category on its own (out-of-fold F1 below this) makes calls on
# short or unusual drafts from stray words ("sorry about" as blame): it does not ship.
MIN_ALONE_F1 = 0.80
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(14)]  # 0.30 .. 0.95
MIN_DF = 3
PROBLEM_L2 = 3.0  # leave-one-writer-out: 0.3, 1 and 3 within 0.01-0.02 F1; 3 the most precise
PROBLEM_MIN_WEIGHT = 0.1  # weights smaller than this do not ship (learned.json stays small)
PROBLEM_FLOOR = 0.85  # the precision target, for what the model adds
STEMS = False  # a trial of the fifth round (bench/tone_lowo.py --stems): not shipped
MIN_WEIGHT = 0.02
VETO_L2 = 3.0  # the veto of a rules-found element (round 8)


def training_records(sets: str = "all") -> list[dict]:
    """"third": the third round's sets (the shipped learned.json was trained on these); "all":
    every tuned-on set of the fourth round (blind 4 and train 5 added: trial weights, see
    docs/quality.md for why they did not ship)."""
    third = load(CORPUS) + fresh_records() + load(WIDE)
    return third if sets == "third" else third + load(BLIND4) + load(TRAIN5)


def writers() -> dict[str, list[dict]]:
    """Every labelled tone set by writer (one writer a set; wide and its sealed third are one
    writer's). Train 5 is template-built: trained on, never held out as a measure. The train 6
    sets (w1-w3 of the fifth round, w4-w10 of round 5b: ten writers) are used when they are in
    tests/core/data. Blind 6 (scored once, a known set since) is four writers, told apart by the
    id prefix (b6a... = b1 ... b6d... = b4); so are blind 7 (scored once in round 7, b7a ... b7d),
    blind 8 (scored once in round 8, b8a ... b8d) and blind 9 (scored once in round 9, b9a ...
    b9d; trained on since round 10) and blind 10 (scored once in round 10, b10a ... b10d; trained
    on since round 11). Train 7, 8 and 9 (``tone_train7_w*.jsonl``
    ... ``tone_train9_w*.jsonl``) are read by glob, one writer a file, so more can be added."""
    out = {
        "corpus": load(CORPUS),
        "fresh": fresh_records(),
        "wide+sealed": load(WIDE) + load(SEALED),
        "blind2": load(DATA / "tone_blind2.jsonl"),
        "blind3": load(DATA / "tone_blind3.jsonl"),
        "blind4": load(BLIND4),
        "train5": load(TRAIN5),
        "blind5": load(BLIND5),
    }
    for n in range(1, 11):
        path = DATA / f"tone_train6_w{n}.jsonl"
        if path.exists():
            out[f"train6_w{n}"] = load(path)
    for round_ in (6, 7, 8, 9, 10):  # blind 6 to 10: four writers each, b6a... ... b10a...
        path = DATA / f"tone_blind{round_}.jsonl"
        recs = load(path) if path.exists() else []
        for n, letter in enumerate("abcd", start=1):
            mine = [r for r in recs if r["id"].startswith(f"b{round_}{letter}")]
            if mine:
                out[f"blind{round_}_b{n}"] = mine
    for round_ in (7, 8, 9):  # one writer a file: train 7 w11-w20, train 8 w21-w28, train 9 w29...
        for path in sorted(DATA.glob(f"tone_train{round_}_w*.jsonl"), key=_writer_number):
            out[f"train{round_}_w{_writer_number(path)}"] = load(path)
    return out


def _writer_number(path: Path) -> int:
    return int(re.search(r"_w(\d+)\.jsonl$", path.name).group(1))  # type: ignore[union-attr]


# The writers the rules were written beside (their figures there say little) and the template-built
# train 5: every other writer is unseen (``unseen``).
RULE_WRITERS = ("corpus", "fresh", "wide+sealed", "blind2", "blind3", "blind4", "train5")


class Item:
    """One training draft, analysed once by the rules."""

    __slots__ = ("id", "text", "labels", "rules", "draft", "sentences", "cues")

    def __init__(self, rec: dict) -> None:
        rs = load_default_rules()
        text = quoted.blank(placeholders.blank(rec["text"], placeholders.find(rec["text"])))
        hits, present, sents, matches, kept = analyse_parts(text, rs, rec.get("names", ()))
        self.id = rec["id"]
        self.text = text
        self.labels = rec["labels"]
        found = {h[0] for h in hits}
        self.rules = {c: (c in found) if c not in present else present[c] for c in LABELS}
        self.draft, self.sentences = features(
            text, rs, hits, dict(present), sents, matches, kept
        )
        self.cues = {
            e: cue_features(sents, matches, kept, self.sentences, e)
            for e in VETOED if present[e]
        }
        if STEMS:  # a trial: five-letter prefixes of content words
            self.sentences = [
                Sentence(s.start, s.end, s.features | {
                    "s:" + f[2:7] for f in s.features if f.startswith("w:") and len(f) >= 8
                })
                for s in self.sentences
            ]


def vocabulary(items: list[Item]) -> list[str]:
    df: Counter[str] = Counter()
    for it in items:
        feats = set(it.draft)
        for s in it.sentences:
            feats |= s.features
        df.update(feats)
    return sorted(f for f, k in df.items() if k >= MIN_DF or f.split(":")[0] not in ("w", "b"))


def train(category: str, items: list[Item], l2: float) -> tuple[float, dict[str, float]]:
    vocab = vocabulary(items)
    index = {f: i for i, f in enumerate(vocab)}
    rows = [
        sorted(index[f] for f in model_features(category, it.draft, it.sentences) if f in index)
        for it in items
    ]
    ys = [int(it.labels[category]) for it in items]
    w = fit(rows, ys, len(vocab), l2)
    return w[-1], {f: w[i] for i, f in enumerate(vocab)}


def writer_vocabulary(
    category: str, groups: dict[str, list[Item]], min_df: int, min_authors: int
) -> list[str]:
    """Features of the training drafts; a word or word pair must be seen in ``min_df`` drafts
    *and* by ``min_authors`` writers (one writer's pet phrase teaches that writer, not the
    category)."""
    df: Counter[str] = Counter()
    authors: dict[str, set[str]] = {}
    for w, items in groups.items():
        for it in items:
            feats = model_features(category, it.draft, it.sentences)
            df.update(feats)
            for f in feats:
                authors.setdefault(f, set()).add(w)
    return sorted(
        f for f, k in df.items()
        if f.split(":")[0] not in ("w", "b") or (k >= min_df and len(authors[f]) >= min_authors)
    )


def fit_sklearn(
    category: str,
    groups: dict[str, list[Item]],
    l2: float,
    min_authors: int = 2,
    weighting: str = "writer",
    residual: bool = False,
    prune: float = 0.0,
) -> tuple[float, dict[str, float]]:
    """L2 logistic regression by scikit-learn (liblinear) over binary features. ``weighting``
    "writer" gives every writer's drafts the same total weight as a writer of 200 drafts at most
    (train 5's 500 template-built drafts count as 200), so no one voice dominates. Weights smaller
    than ``prune`` in size are dropped (what ships)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    if residual:  # learn from the drafts the rules passed only: what the rules miss
        groups = {w: [it for it in its if not it.rules[category]] for w, its in groups.items()}
    vocab = writer_vocabulary(category, groups, MIN_DF, min_authors)
    index = {f: i for i, f in enumerate(vocab)}
    indptr, indices, ys, sw = [0], [], [], []
    for items in groups.values():
        weight = min(1.0, 200.0 / max(1, len(items))) if weighting == "writer" else 1.0
        for it in items:
            cols = sorted(
                index[f] for f in model_features(category, it.draft, it.sentences) if f in index
            )
            indices.extend(cols)
            indptr.append(len(indices))
            ys.append(int(it.labels[category]))
            sw.append(weight)
    x = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(ys), len(vocab)))
    # liblinear's C multiplies the summed loss; the pure-Python fit's l2 is on the summed loss too
    clf = LogisticRegression(C=1.0 / l2, solver="liblinear", max_iter=1000)
    clf.fit(x, np.array(ys), sample_weight=np.array(sw))
    coef = clf.coef_[0]
    return float(clf.intercept_[0]), {
        f: float(coef[i]) for i, f in enumerate(vocab) if abs(coef[i]) >= prune
    }


def veto_features(category: str, it: Item) -> set[str]:
    """What the veto of a rules-found element reads on one training draft."""
    return _veto_features(category, it.draft, it.sentences, it.cues.get(category, frozenset()))


def fit_veto(
    category: str, groups: dict[str, list[Item]], l2: float, prune: float = PROBLEM_MIN_WEIGHT
) -> tuple[float, dict[str, float]]:
    """The veto of a rules-found element (round 8): L2 logistic regression on the drafts where the
    rules found ``category``, labelled by the writers; words and pairs seen in MIN_DF drafts by two
    writers; each writer weighted to 200 drafts at most, as fit_sklearn."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rows: list[tuple[set[str], int, float]] = []
    df: Counter[str] = Counter()
    authors: dict[str, set[str]] = {}
    for w, items in groups.items():
        weight = min(1.0, 200.0 / max(1, len(items)))
        for it in items:
            if not it.rules[category]:
                continue
            feats = veto_features(category, it)
            rows.append((feats, int(it.labels[category]), weight))
            df.update(feats)
            for f in feats:
                authors.setdefault(f, set()).add(w)
    vocab = sorted(f for f, k in df.items() if k >= MIN_DF and len(authors[f]) >= 2)
    index = {f: i for i, f in enumerate(vocab)}
    indptr, indices = [0], []
    for feats, _, _ in rows:
        indices.extend(sorted(index[f] for f in feats if f in index))
        indptr.append(len(indices))
    x = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocab)))
    clf = LogisticRegression(C=1.0 / l2, solver="liblinear", max_iter=1000)
    clf.fit(x, np.array([y for _, y, _ in rows]), sample_weight=np.array([w for _, _, w in rows]))
    coef = clf.coef_[0]
    return float(clf.intercept_[0]), {
        f: float(coef[i]) for i, f in enumerate(vocab) if abs(coef[i]) >= prune
    }


VETO_THRESHOLDS = [0.0] + [round(0.05 * i, 2) for i in range(2, 19)]


def veto_prob(bias: float, weights: dict[str, float], category: str, it: Item) -> float:
    """The veto's probability that a rules-found element stands, as the check computes it."""
    model = Model(category, bias, 0.0, weights)
    return stands(model, veto_features(category, it))[1]


def oof_veto(
    category: str, groups: dict[str, list[Item]], l2: float, folds: int
) -> dict[str, float]:
    """The veto's out-of-writer probability on each rules-found draft, the writers held out in
    ``folds`` groups (round-robin in name order; train 5 is trained on, never held out)."""
    out: dict[str, float] = {}
    held = sorted(w for w in groups if w != "train5")
    for batch in [held[k::folds] for k in range(folds)]:
        train = {w: its for w, its in groups.items() if w not in batch}
        bias, weights = fit_veto(category, train, l2)
        for w in batch:
            for it in groups[w]:
                if it.rules[category]:
                    out[it.id] = veto_prob(bias, weights, category, it)
    return out


def choose_veto(
    category: str, items: list[Item], adds: dict[str, bool], vp: dict[str, float], floor: float
) -> float:
    """The veto threshold with the best F1 of the whole (rules kept by the veto, plus the element
    model's additions ``adds``) at precision >= ``floor`` on ``items``; else the most precise.
    0.0: no veto."""
    best: tuple[float, float] | None = None
    fallback: tuple[float, float] | None = None
    for t in VETO_THRESHOLDS:
        c: Counter[str] = Counter()
        for it in items:
            if it.rules[category]:
                said = it.id not in vp or vp[it.id] >= t
            else:
                said = adds.get(it.id, False)
            y = bool(it.labels[category])
            c[("tp" if y else "fp") if said else ("fn" if y else "tn")] += 1
        p, _, f1 = prf(c["tp"], c["fp"], c["fn"])
        if p >= floor and (best is None or f1 > best[1] + 1e-9):
            best = (t, f1)
        if fallback is None or p > fallback[1] + 1e-9:
            fallback = (t, p)
    if best is not None:
        return best[0]
    return fallback[0] if fallback else 0.0


def unseen(writer: str) -> bool:
    """A writer no rule was written beside: the rules' figures on them are honest, and the
    thresholds of the problem models are set on them (the rules are near-perfect on the others,
    which hides a model's wrong calls). Every writer not in RULE_WRITERS: blind 5, train 6 w1-w10,
    blind 6 b1-b4 and any train 7 writer."""
    return writer not in RULE_WRITERS


def oof_by_writer(
    category: str,
    groups: dict[str, list[Item]],
    l2: float,
    min_authors: int = 2,
    weighting: str = "writer",
    residual: bool = False,
    prune: float = 0.0,
    folds: int | None = None,
) -> dict[str, tuple[float, bool]]:
    """(probability, whether a sentence carries the call) of each draft, from a model not trained
    on its writer. Train 5 (template-built) is trained on, never held out. ``folds``: the writers
    are held out in that many groups (round-robin in name order) instead of one at a time: the
    same out-of-writer reading at a fraction of the fits (round 7, 28 writers)."""
    out: dict[str, tuple[float, bool]] = {}
    held_out = [w for w in groups if w != "train5"]
    if folds:
        order = sorted(held_out)
        batches = [order[k::folds] for k in range(folds)]
    else:
        batches = [[w] for w in held_out]
    for batch in batches:
        if not batch:
            continue
        train = {w: its for w, its in groups.items() if w not in batch}
        bias, weights = fit_sklearn(category, train, l2, min_authors, weighting, residual, prune)
        for held in batch:
            for it in groups[held]:
                out[it.id] = call(category, bias, weights, it)
    return out


def choose_threshold(
    category: str, items: list[Item], oof: dict[str, tuple[float, bool]], floor: float
) -> float | None:
    """The threshold with the best F1 of rules + model among those at which the model's own
    additions (drafts the rules passed) are right at least ``floor`` of the time on ``items``
    (out-of-writer calls), so that it never lowers precision below the lower of the rules' and
    ``floor``; None when no threshold adds anything at that precision."""
    best: tuple[float, float] | None = None
    for t in THRESHOLDS:
        c: Counter[str] = Counter()
        for it in items:
            if it.id not in oof:
                continue
            p, span = oof[it.id]
            added = not it.rules[category] and p >= t and span
            said = it.rules[category] or added
            y = bool(it.labels[category])
            c[("tp" if y else "fp") if said else ("fn" if y else "tn")] += 1
            if added:
                c["add_tp" if y else "add_fp"] += 1
        adds = c["add_tp"] + c["add_fp"]
        _, _, f1 = prf(c["tp"], c["fp"], c["fn"])
        if adds and c["add_tp"] / adds >= floor and (best is None or f1 > best[1] + 1e-9):
            best = (t, f1)
    return best[0] if best else None


def call(
    category: str, bias: float, weights: dict[str, float], item: Item
) -> tuple[float, bool]:
    """(probability, whether there is a sentence to point at), as the check decides."""
    model = Model(category, bias, 0.0, weights)
    p, best, _ = score(model, all_features(item.draft, item.sentences), item.sentences)
    return p, best is not None


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def cross_validate(items: list[Item], folds: int, l2: float) -> dict[str, dict]:
    """Out-of-fold calls per category, and the threshold each category ships with."""
    order = sorted(items, key=lambda it: it.id)
    fold_of = {it.id: i % folds for i, it in enumerate(order)}
    out: dict[str, dict] = {}
    for category in LABELS:
        oof: dict[str, tuple[float, bool]] = {}
        for k in range(folds):
            train_items = [it for it in items if fold_of[it.id] != k]
            bias, weights = train(category, train_items, l2)
            for it in items:
                if fold_of[it.id] == k:
                    oof[it.id] = call(category, bias, weights, it)
        base = Counter()
        for it in items:
            y, r = bool(it.labels[category]), it.rules[category]
            base["tp" if y and r else "fp" if r else "fn" if y else "tn"] += 1
        rules_only = prf(base["tp"], base["fp"], base["fn"])
        table = []
        for t in THRESHOLDS:
            tp, fp, fn = base["tp"], base["fp"], base["fn"]
            add_tp = add_fp = 0
            for it in items:
                if it.rules[category]:
                    continue
                p, spans = oof[it.id]
                if p >= t and spans:
                    if it.labels[category]:
                        add_tp += 1
                    else:
                        add_fp += 1
            tp, fp, fn = tp + add_tp, fp + add_fp, fn - add_tp
            alone = Counter()
            for it in items:
                p, spans = oof[it.id]
                said, y = p >= t and spans, bool(it.labels[category])
                alone["tp" if said and y else "fp" if said else "fn" if y else "tn"] += 1
            table.append(
                (t, add_tp, add_fp, *prf(tp, fp, fn), *prf(alone["tp"], alone["fp"], alone["fn"]))
            )
        # The rules were tuned on these very drafts, so they miss few of them: the additions
        # alone say little about unseen wording, where the rules miss more. The threshold is the
        # lowest at which the model *on its own* is right PRECISION_FLOOR of the time out of fold
        # and it wrongly adds to at most MAX_FALSE_ADD of the drafts the rules rightly passed,
        # provided rules + model keep PRECISION_FLOOR too.
        clean = sum(1 for it in items if not it.rules[category] and not it.labels[category])
        ok = [
            row for row in table
            if row[6] >= PRECISION_FLOOR and row[3] >= PRECISION_FLOOR
            and row[2] <= MAX_FALSE_ADD * clean and row[8] >= MIN_ALONE_F1
        ]
        best = min(ok, key=lambda row: row[0]) if ok else None
        out[category] = {"rules": rules_only, "table": table, "best": best}
    return out


def train_problems(
    out: Path, floor: float, check_only: bool, categories: tuple[str, ...] = FINDING_CATEGORIES,
    folds: int | None = None,
) -> int:
    """The fifth round's problem models: trained on every writer (train 5 weighted down to 200
    drafts), word features seen by two writers at least, L2 = PROBLEM_L2, weights under
    PROBLEM_MIN_WEIGHT dropped; each threshold the one
    with the best rules + model F1 whose precision, out of writer, is at least ``floor`` on the
    writers no rule was written beside (``unseen``). A category without such a threshold ships no
    model. The element models already in ``out`` are kept as they are, and so are the problem
    models not in ``categories``; ``folds``: the out-of-writer reading of the thresholds holds the
    writers out in that many groups (see oof_by_writer)."""
    groups = {w: [Item(r) for r in recs] for w, recs in writers().items()}
    print("writers: " + ", ".join(f"{w} {len(v)}" for w, v in groups.items()))
    data = json.loads(out.read_text(encoding="utf-8"))
    models = {c: m for c, m in data["models"].items() if c not in categories}
    for category in categories:
        oof = oof_by_writer(category, groups, PROBLEM_L2, prune=PROBLEM_MIN_WEIGHT, folds=folds)
        pool = [it for w, its in groups.items() if unseen(w) for it in its]
        t = choose_threshold(category, pool, oof, floor)
        if t is None:
            print(f"{category:<12} no threshold keeps precision >= {floor} out of writer: no model")
            continue
        bias, weights = fit_sklearn(category, groups, PROBLEM_L2, prune=PROBLEM_MIN_WEIGHT)
        kept = {f: round(v, 4) for f, v in sorted(weights.items())}
        models[category] = {"bias": round(bias, 4), "threshold": t, "weights": kept}
        print(f"{category:<12} t={t:.2f}, {len(kept)} weights")
    if check_only:
        return 0
    data["models"] = models
    trained_on = sorted(f"{w} ({len(v)})" for w, v in groups.items())
    if set(categories) == set(FINDING_CATEGORIES):
        data["problems_trained_on"] = trained_on
        data.pop("problems_trained_on_by_model", None)  # every model saw the same writers again
    else:  # some problem models keep an earlier training: say which writers each model saw
        earlier = data.get("problems_trained_on_by_model") or dict.fromkeys(
            FINDING_CATEGORIES, data["problems_trained_on"]
        )
        data["problems_trained_on_by_model"] = {**earlier, **dict.fromkeys(categories, trained_on)}
        data["problems_trained_on"] = sorted({w for ws in data["problems_trained_on_by_model"]
                                              .values() for w in ws})
    data["problems_l2"] = PROBLEM_L2
    out.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")
    return 0


ELEMENT_FLOOR = 0.85  # the precision target, for the element models and vetoes (round 8)


def train_elements(
    out: Path, floor: float, check_only: bool, elements: tuple[str, ...], folds: int = 5
) -> int:
    """Round 8: the element models trained on every writer (the problem models' procedure:
    fit_sklearn, L2 = PROBLEM_L2, words seen by two writers, weights under PROBLEM_MIN_WEIGHT
    dropped), each threshold the best rules + model F1 at which its additions are right ``floor``
    of the time out of writer on the unseen writers (None: no model); and for ownership and
    empathy (VETOED) a veto over what the rules found (fit_veto), its threshold the best F1 of
    rules kept + additions at precision >= ``floor`` out of writer on the unseen writers (0: no
    veto ships). The out-of-writer readings hold the writers out in ``folds`` groups. The problem
    models in ``out`` are kept as they are."""
    groups = {w: [Item(r) for r in recs] for w, recs in writers().items()}
    print("writers: " + ", ".join(f"{w} {len(v)}" for w, v in groups.items()))
    data = json.loads(out.read_text(encoding="utf-8"))
    models = dict(data["models"])
    vetoes = dict(data.get("vetoes", {}))
    pool = [it for w, its in groups.items() if unseen(w) for it in its]
    for category in elements:
        oof = oof_by_writer(category, groups, PROBLEM_L2, prune=PROBLEM_MIN_WEIGHT, folds=folds)
        t = choose_threshold(category, pool, oof, floor)
        if t is None:
            print(f"{category:<12} no threshold keeps its additions at P >= {floor}: no model")
            models.pop(category, None)
        else:
            bias, weights = fit_sklearn(category, groups, PROBLEM_L2, prune=PROBLEM_MIN_WEIGHT)
            kept = {f: round(v, 4) for f, v in sorted(weights.items())}
            models[category] = {"bias": round(bias, 4), "threshold": t, "weights": kept}
            print(f"{category:<12} t={t:.2f}, {len(kept)} weights")
        if category not in VETOED:
            continue
        adds = {it.id: bool(not it.rules[category] and t is not None and oof[it.id][0] >= t
                            and oof[it.id][1]) for it in pool}
        vp = oof_veto(category, groups, VETO_L2, folds)
        tv = choose_veto(category, pool, adds, vp, floor)
        if tv <= 0:
            print(f"{category:<12} veto: none keeps the F1 at precision >= {floor}")
            vetoes.pop(category, None)
            continue
        vb, vw = fit_veto(category, groups, VETO_L2)
        kept = {f: round(v, 4) for f, v in sorted(vw.items())}
        vetoes[category] = {"bias": round(vb, 4), "threshold": tv, "weights": kept}
        print(f"{category:<12} veto t={tv:.2f}, {len(kept)} weights")
    if check_only:
        return 0
    data["models"] = models
    data["vetoes"] = vetoes
    data["elements_trained_on"] = sorted(f"{w} ({len(v)})" for w, v in groups.items())
    data["elements_trained"] = sorted(set(data.get("elements_trained", [])) | set(elements))
    out.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")
    return 0


# What the default run writes; anything else in --out came from a later round's trainer.
THIRD_ROUND_KEYS = frozenset({"version", "trained_on", "l2", "folds", "models"})


def refuse_to_drop_later_models(out: Path) -> None:
    """The default run writes the third round's element models only; over a file that also holds
    later rounds' models (the problem models, the vetoes, the round-8 element models) it would
    drop them, so it stops and says so instead."""
    if not out.exists():
        return
    later = sorted(set(json.loads(out.read_text(encoding="utf-8"))) - THIRD_ROUND_KEYS)
    if later:
        raise SystemExit(
            f"{out} also holds later rounds' models ({', '.join(later)}), which this run would "
            "drop: give --out another file, --check to write nothing, or retrain them with "
            "--problems / --elements into this one")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--folds", type=int, default=5)
    # 0.3 had the best out-of-fold F1 of the model alone of 0.3, 1 and 3 (recorded in quality.md)
    ap.add_argument("--l2", type=float, default=0.3)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="cross-validate only; write nothing")
    ap.add_argument(
        "--sets", choices=("third", "all"), default="third",
        help="third (default: what learned.json ships) or all tuned-on sets (a trial)",
    )
    ap.add_argument(
        "--problems", action="store_true",
        help="train the four problem models on every writer (scikit-learn) and write them into "
        "--out beside its element models, which stay as they are",
    )
    ap.add_argument("--floor", type=float, default=PROBLEM_FLOOR)
    ap.add_argument("--categories", default=",".join(FINDING_CATEGORIES),
                    help="with --problems: the problem models to retrain (the others are kept)")
    ap.add_argument("--inner-folds", type=int, default=None,
                    help="with --problems: writer groups for the thresholds' out-of-writer reading")
    ap.add_argument(
        "--elements", default=None,
        help="round 8: retrain these element models (e.g. ownership,empathy,next_step) on every "
        "writer, with the vetoes of rules-found ownership and empathy, into --out",
    )
    args = ap.parse_args(argv)
    if args.elements:
        return train_elements(args.out, ELEMENT_FLOOR, args.check,
                              tuple(e for e in args.elements.split(",") if e),
                              args.inner_folds or 5)
    if args.problems:
        cats = tuple(c for c in args.categories.split(",") if c)
        return train_problems(args.out, args.floor, args.check, cats, args.inner_folds)
    if not args.check:
        refuse_to_drop_later_models(args.out)
    records = training_records(args.sets)
    items = [Item(r) for r in records]
    print(
        f"training drafts: {len(items)} ({args.sets} sets); "
        f"folds={args.folds} l2={args.l2}"
    )
    cv = cross_validate(items, args.folds, args.l2)
    models: dict[str, dict] = {}
    for category in LABELS:
        res = cv[category]
        rp, rr, rf = res["rules"]
        best = res["best"]
        line = f"{category:<12} rules P {rp:.2f} R {rr:.2f} F1 {rf:.2f}"
        if best is None:
            alone = max(res["table"], key=lambda row: row[8])
            print(line + f"  -> no threshold meets the floor (best alone: t={alone[0]:.2f} "
                  f"P {alone[6]:.2f} R {alone[7]:.2f}); no model")
            continue
        t, add_tp, add_fp, p, r, f1, ap, ar, af = best
        print(
            line + f"  -> t={t:.2f}: alone P {ap:.2f} R {ar:.2f} F1 {af:.2f}; with rules "
            f"+{add_tp} right, +{add_fp} wrong: P {p:.2f} R {r:.2f} F1 {f1:.2f}"
        )
        bias, weights = train(category, items, args.l2)
        kept = {f: round(v, 4) for f, v in sorted(weights.items()) if abs(v) >= MIN_WEIGHT}
        models[category] = {"bias": round(bias, 4), "threshold": t, "weights": kept}
    if args.check:
        return 0
    data = {
        "version": 1,
        "trained_on": [
            "tone_corpus.jsonl (tune + test)", "bench/tone_quality.py fresh", "tone_wide.jsonl",
        ] + (["tone_blind4.jsonl (a tuning set since the fourth round)", "tone_train5.jsonl"]
             if args.sets == "all" else []),
        "l2": args.l2,
        "folds": args.folds,
        "models": models,
    }
    args.out.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    names = ", ".join(models) or "no models"
    print(f"wrote {shown(args.out)} ({size / 1024:.0f} KiB; {names})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
