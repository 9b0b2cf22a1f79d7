"""A learned second opinion on top of the tone rules: one logistic regression per category.

The rules (``engine.py``) decide first. Where they found nothing for a category, a small linear
model over features a person can read looks again:

* the words and word pairs of each sentence (``w:late``, ``b:my fault``);
* cues the rules know, per sentence: a failure word, a commitment, a time, a negation, a refused
  promise, a comforting phrase (``cue:failure`` ...);
* who a sentence with a failure word is about (``agent:them+failure``: "they", "their", "he"
  first; ``us`` for the agency's "we"/"I", ``you`` for the client), and a negated commitment;
* near misses: a phrase of a category that matched but that its context took back
  (``near:overpromise`` for "I won't promise it will never happen again");
* what the rules decided about the *other* categories (``rule:apology``).

Function words count only in pairs; digits are read as ``#``. The message kind is not a feature:
a finding must rest on what the draft says.

A model never uses the rules' own decision about its category (at run time it is only asked
where the rules said no). Its score is the bias plus the weights of the features present; a
sentence's share is the sum of the weights of its own features. The model adds a category only
when its probability reaches the threshold chosen by cross-validation on the tuned-on sets *and*
one sentence carries a positive share: that sentence is the finding's span, and the words with
the largest weights in it are named in the message. Trained offline by ``bench/train_tone.py``;
only the fitted weights ship (``learned.json``), applied here in pure Python.

The four problem models (fifth round: excuse, blame, minimising, over-promise) were trained on
every labelled writer and their thresholds set out of writer (``bench/train_tone.py --problems``,
``bench/tone_lowo.py``). A problem is a finding on one sentence, so its probability is that
sentence's own (the bias, the rules' calls on the draft and the sentence's share), and there is no
problem call on a sentence whose every failure word the rules read as negated, nor one whose
reasons hold no content word (an auxiliary such as "will be" alone).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from . import agents
from .engine import Hit, Kept, _negated, _Sentences, past_time
from .rules import CUE_ELEMENTS, FINDING_CATEGORIES, LEARNED_CUES, Ruleset

LABELS = (*FINDING_CATEGORIES, "apology", "ownership", "empathy", "next_step")
_TOKEN = re.compile(r"[a-z#]+(?:'[a-z]+)?")  # digits are read as "#" (3pm -> #pm)
# The first person word of a sentence, as a rough subject: the agency, the client, or others.
_WHO = {
    **dict.fromkeys(("i", "we", "my", "our", "i'm", "we're", "i've", "we've", "i'd", "we'd", "i'll",
                     "we'll", "me", "us"), "us"),
    **dict.fromkeys(("you", "your", "you're", "you've", "you'd", "you'll"), "you"),
    **dict.fromkeys(("they", "their", "he", "she", "his", "her", "they're", "they've", "them",
                     "him"), "them"),
}
_DIGITS = str.maketrans("0123456789", "##########")
# Function words say nothing on their own ("the", "so"); in a pair they may ("my fault", "on us").
STOP_WORDS = frozenset(
    "a an the and or but so if then than that this these those it its it's is are was were be "
    "been being am do does did of to in on at by for with from as into about over up out off "
    "very really also too here there what which who whom when where all some".split()
)  # pronouns stay: who the agent is ("we", "you", "they") is what ownership and blame turn on


# Round 7: the word classes of agents.py (who is the subject of a failure, a possessive, a cause, a
# circumstance, a passive failure) next to a failure, and the neighbours' subjects. False gives
# the features of rounds 5 and 5b (bench/tone_lowo.py --no-classes).
CLASSES = True
# Round 8, tried and not shipped: the excuse frames of agents.py (a hard stretch of time, someone
# away, something new, an outside event, a causal link, a failure made normal) next to a failure
# or a setback. Out of writer they cost excuse two points of F1 and ~10% of the check's speed
# (docs/quality.md, round 8); True for the trial (bench/tone_lowo.py --frames).
FRAMES = False
# Round 9: clause structure (agents.clause_features: which clause is offered as the reason and
# whose it is, a trouble pinned on a subject that is not the agency) next to a failure or setback.
# Shipped in round 9 (excuse +1 point out of writer, +3 on blind 8); False for the before figures
# (bench/tone_lowo.py --no-clauses).
CLAUSES = True
# Round 10, a trial: a party's circumstance, the client's side as a source, a counterfactual
# (agents.party_features) next to a failure or setback; True for bench/tone_lowo.py --parties.
PARTIES = False
# Round 10, a trial: in a draft with a failure or setback somewhere, the clause and party features
# of the sentences not next to it too, as ``<feature>+story`` (a problem told as a story puts the
# reason sentences away from the failure word); bench/tone_lowo.py --story.
STORY = False
# Round 11, a trial: who the draft says caused the trouble. In a draft with a failure, a setback or
# an apology anywhere, agents.culprit_features next to a failure or setback (``+fail``), and in
# every other sentence the word classes, clause and culprit features as ``<feature>+told``;
# bench/tone_lowo.py --told.
TOLD = False
TOLD_WIDE = True  # False: the culprit features only (no word classes or clauses as +told)
# True: instead, the draft's culprits as one reading on every sentence (``who:<kind>``: the kinds
# of did:/cause: someone other than "we" anywhere in a troubled draft)
TOLD_DRAFT = False
# True: instead, only who is said to be at fault, away from the failure word: the clause features
# that pin a trouble or a reason on someone (trouble:, by:, why:, notours) as ``+told``
TOLD_FAULT = False


# Round 11 (issue 21): a sentence whose every time is already gone ("The call was at 2 p.m.
# yesterday", "we sent it on Monday": engine.past_time) and in which no commitment or word that
# points ahead stands (rules.toml [next_step] `ahead`) is no next step: the next-step model does
# not point at it, as the rules do not count it.
PAST_TIME = "cue:past+time"


# Vetoes of the fifth round, the rules' reading of a sentence applied to the problem models: a
# sentence whose every failure word is negated carries no excuse, blame or minimising ("Nobody on
# your side did anything wrong"), and a problem finding rests on a word a writer can change, not on
# an auxiliary alone ("will be", "had").
NEGATED_FAILURE = "cue:negated+failure"
_NEEDS_LIVE_FAILURE = frozenset({"excuse", "blame", "minimizing"})
_FUNCTION = STOP_WORDS | frozenset(
    "will would could should can may might must shall had has have having not no".split()
)  # pronouns stay content here: who did it is what blame turns on ("their", "they")


# Round 8: an over-promise is a promise. The model's call needs a promise word in its sentence
# (a future, an absolute or a guarantee); "To stop it happening again, every release now gets a
# second person's check" is a process change, not a promise.
_PROMISE_WORDS = frozenset(
    "will won't wont i'll we'll it'll you'll that'll shall never always ever forever guarantee "
    "guaranteed guarantees guaranteeing promise promised promises promising ensure ensures assure "
    "certainly definitely absolutely surely impossible cannot can't zero permanently ### "
    "going gonna".split()
)
_PROMISE_FEATURES = frozenset({"cue:commit", *(f"w:{w}" for w in _PROMISE_WORDS)})
# Round 10: three sentences with a promise word that the rules do not read as over-promises. A
# refused promise ("I can't promise the Governor will stay": the rules' refusal cue) promises
# nothing. A dated commitment by a person ("we'll include both and send you v3 on Monday": a
# time, and every future in it is "we" or "I" doing something) is a next step. A process change
# ("a second engineer will be on the desk", "from now on every release will get a second check")
# is a measure, not a guarantee. The last two stand only without an absolute or a guarantee in
# the sentence: "guaranteed first page by Friday", "from now on it will never happen again" and
# "you have my word it'll be perfect" stay over-promises.
_ABSOLUTE_WORDS = frozenset(
    "never always ever forever guarantee guaranteed guarantees guaranteeing promise promised "
    "promises promising ensure ensures assure assured certainly definitely absolutely surely "
    "impossible zero permanently perfect perfectly flawless flawlessly word doubt whatsoever "
    "fail".split()
)  # "everything", "nothing" alone are no absolute ("also when there is nothing new")
_ABSOLUTE_FEATURES = frozenset({
    *(f"w:{w}" for w in _ABSOLUTE_WORDS), "b:no way", "b:without fail",
    *(f"b:{w} will" for w in ("nothing", "everything", "nobody", "everyone")),
})
_PERSON_FUTURES = frozenset({"w:we'll", "w:i'll", "b:we will", "b:i will", "b:we shall",
                             "b:i shall", "b:we're going", "b:i'm going"})
_PROCESS_FEATURES = frozenset({
    "w:second", "w:extra", "w:additional", "b:double check", "b:from now",
    "b:going forward", "b:in future", "w:henceforth", "b:from today", "b:another pair",
})


def _some_other_future(features: frozenset[str]) -> bool:
    """A future whose subject is not "we" or "I" ("it will", "your site will", "you'll")."""
    for f in features:
        if f.startswith("b:") and f.endswith((" will", " shall")) and f not in _PERSON_FUTURES:
            return True
        if f.startswith("w:") and f.endswith("'ll") and f not in _PERSON_FUTURES:
            return True
    return False


def promises(features: frozenset[str]) -> bool:
    """Whether a sentence's features read as a promise an over-promise call may rest on (round 8:
    a promise word; round 10: not refused, not a dated step by a person, not a process change)."""
    if features.isdisjoint(_PROMISE_FEATURES) or "cue:refusal" in features:
        return False
    if not features.isdisjoint(_ABSOLUTE_FEATURES):
        return True
    if "cue:time" in features and not _some_other_future(features):
        return False
    return features.isdisjoint(_PROCESS_FEATURES)


def _content(feature: str) -> bool:
    """A word feature with a content word in it ("w:late", "b:the courier"; not "b:will be")."""
    kind, _, rest = feature.partition(":")
    return kind in ("w", "b") and any(t not in _FUNCTION for t in rest.split())


@dataclass(frozen=True)
class Model:
    category: str
    bias: float
    threshold: float
    weights: dict[str, float]


@dataclass(frozen=True)
class LearnedCall:
    """One category the model added: where, how sure, and the features that carried it."""

    category: str
    start: int
    end: int
    probability: float
    because: tuple[str, ...]


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    features: frozenset[str]


def features(
    text: str,
    rs: Ruleset,
    hits: list[Hit],
    present: dict[str, bool],
    sents: _Sentences,
    matches: dict[str, list[re.Match[str]]],
    kept: Kept,
) -> tuple[frozenset[str], list[Sentence]]:
    """(message-level features, per-sentence features) of one analysed message (the parts of
    ``engine.analyse_parts``)."""
    found = {h[0] for h in hits}
    draft: set[str] = set()
    draft.update(f"rule:{c}" for c in FINDING_CATEGORIES if c in found)
    draft.update(f"rule:{e}" for e, on in present.items() if on)
    n = len(sents.starts)
    per: list[set[str]] = [set() for _ in range(n)]
    who: list[str] = []
    lowered = text.lower().replace("\u2019", "'").translate(_DIGITS)
    for i in range(n):
        lo, hi = sents.span(i)
        toks = _TOKEN.findall(lowered, lo, hi)
        feats = per[i]
        who.append(next((_WHO[t] for t in toks if t in _WHO), ""))
        feats.update("w:" + t for t in toks if t not in STOP_WORDS)
        feats.update(
            f"b:{a} {b}"
            for a, b in zip(toks, toks[1:], strict=False)
            if a not in STOP_WORDS or b not in STOP_WORDS  # not "in the", "of a"
        )
    for name in LEARNED_CUES:
        for m in matches["cue_" + name]:
            per[sents.index(m.start())].add("cue:" + name)
    ahead: dict[int, bool] = {}  # v12: whether a sentence has a time not already gone
    for m in matches["time"]:
        i = sents.index(m.start())
        per[i].add("cue:time")
        if not ahead.get(i):
            ahead[i] = not past_time(text, m, *sents.span(i), rs, sents)
    for i, on in ahead.items():
        if not on:
            lo, hi = sents.span(i)
            # a told sentence: every time gone and nothing in it points ahead (a time the rules
            # do not read, "you will have them at 14h", may still be a step)
            if (rs.ahead.search(text, lo, hi) is None
                    and rs.commitment.search(text, sents.scan_starts, lo, hi) is None):
                per[i].add(PAST_TIME)
    # a failure the rules read as negated ("Nobody on your side did anything wrong") is no failure
    failing: dict[int, bool] = {}
    for m in matches["cue_failure"]:
        i = sents.index(m.start())
        live = not _negated(text, m.start(), sents.span(i)[0], rs)
        failing[i] = failing.get(i, False) or live
    for m in rs.negation.finditer(text):
        per[sents.index(m.start())].add("cue:negation")
    for c in FINDING_CATEGORIES:
        spans = [(h[1], h[2]) for h in hits if h[0] == c]
        for m in matches[c]:
            if not any(s < m.end() and m.start() < e for s, e in spans):
                per[sents.index(m.start())].add("near:" + c)
    for e in CUE_ELEMENTS:
        for m, ok in zip(matches[e], kept[e], strict=True):
            if not ok:
                per[sents.index(m.start())].add("near:" + e)
    if CLASSES:  # round 7: who failed and why, by word class (agents.py)
        fails = ["cue:failure" in feats for feats in per]
        # away from a failure a sentence only lends its subject to its neighbours
        classes = [
            agents.sentence_features(text, *sents.span(i), full=any(fails[max(0, i - 1) : i + 2]))
            for i in range(n)
        ]
        near = agents.with_context(classes, fails)
        for i in range(n):
            per[i] |= near[i]
    if FRAMES or CLAUSES or PARTIES or STORY or TOLD:
        setback = [False] * n
        for m in rs.setback.finditer(text, sents.scan_starts):
            setback[sents.index(m.start())] = True
        hurt = [("cue:failure" in per[i]) or setback[i] for i in range(n)]
        for i in range(n):
            if any(hurt[max(0, i - 1) : i + 2]):
                lo, hi = sents.span(i)
                if FRAMES:  # round 8: how a circumstance is framed as the reason
                    per[i].update(f + "+fail" for f in agents.excuse_frames(text, lo, hi))
                if CLAUSES:  # round 9: the reason clause and the subject of a trouble
                    per[i].update(f + "+fail" for f in agents.clause_features(text, lo, hi))
                if PARTIES:  # round 10 (a trial): whose circumstance, whose hands, what if
                    per[i].update(f + "+fail" for f in agents.party_features(text, lo, hi))
            elif STORY and any(hurt):
                lo, hi = sents.span(i)
                per[i].update(f + "+story" for f in agents.clause_features(text, lo, hi))
                if PARTIES:
                    per[i].update(f + "+story" for f in agents.party_features(text, lo, hi))
        if TOLD and TOLD_DRAFT and (any(hurt) or present.get("apology")):
            kinds: set[str] = set()
            for i in range(n):
                for f in agents.culprit_features(text, *sents.span(i)):
                    kinds.add("who:" + f.partition(":")[2])
            for i in range(n):
                per[i].update(kinds)
        elif TOLD and TOLD_FAULT and (any(hurt) or present.get("apology")):
            for i in range(n):
                if not any(hurt[max(0, i - 1) : i + 2]):
                    lo, hi = sents.span(i)
                    per[i].update(
                        f + "+told" for f in agents.clause_features(text, lo, hi)
                        if f.startswith(("trouble:", "by:", "why:", "notours"))
                    )
        elif TOLD and (any(hurt) or present.get("apology")):
            for i in range(n):
                lo, hi = sents.span(i)
                told = agents.culprit_features(text, lo, hi)
                if any(hurt[max(0, i - 1) : i + 2]):
                    per[i].update(f + "+fail" for f in told)
                else:
                    if TOLD_WIDE:
                        told |= agents.sentence_features(text, lo, hi)
                        told |= agents.clause_features(text, lo, hi)
                    per[i].update(f + "+told" for f in told)
    for i, feats in enumerate(per):
        # who the sentence is about, next to a failure: the agent of the failure, roughly
        if who[i] and "cue:failure" in feats:
            feats.add(f"agent:{who[i]}+failure")
        if "cue:negation" in feats and "cue:commit" in feats:
            feats.add("cue:negated+commit")
        if failing.get(i) is False:
            feats.add(NEGATED_FAILURE)

    sentences = []
    for i, feats in enumerate(per):
        lo, hi = sents.span(i)
        if feats and text[lo:hi].strip():
            sentences.append(Sentence(lo, hi, frozenset(feats)))
    return frozenset(draft), sentences


# Round 8: the veto over what the rules found for an element (ownership, empathy). The draft's
# features and those of the sentence that carried the rules' cue, prefixed "c:"; "shift" when the
# rules also found a problem that moves the failure off the writer (an excuse, blame, minimising).
SHIFTS = ("excuse", "blame", "minimizing")
VETOED = ("ownership", "empathy")


def cue_features(
    sents: _Sentences,
    matches: dict[str, list[re.Match[str]]],
    kept: Kept,
    sentences: list[Sentence],
    element: str,
) -> frozenset[str]:
    """The features of the sentences where the rules accepted a cue of ``element``, as ``c:``
    (which matches they accepted: ``kept``, from ``engine.analyse_parts``; round 9, instead of
    asking the rules again)."""
    where = {
        sents.span(sents.index(m.start()))[0]
        for m, ok in zip(matches[element], kept[element], strict=True)
        if ok
    }
    out: set[str] = set()
    for s in sentences:
        if s.start in where:
            out.update("c:" + f for f in s.features)
    return frozenset(out)


def veto_features(
    element: str, draft: frozenset[str], sentences: list[Sentence], cue: frozenset[str]
) -> set[str]:
    """What the veto of a rules-found ``element`` reads (see VETOED)."""
    out = model_features(element, draft, sentences) | cue
    if any(f"rule:{c}" in draft for c in SHIFTS):
        out.add("shift")
        out.update("shift+" + f for f in cue if f.startswith("c:agent") or f.startswith("c:subj"))
    return out


def all_features(draft: frozenset[str], sentences: list[Sentence]) -> set[str]:
    """Every feature of a message: its own and its sentences'."""
    out = set(draft)
    for s in sentences:
        out |= s.features
    return out


def model_features(category: str, draft: frozenset[str], sentences: list[Sentence]) -> set[str]:
    """The features one category's model sees: never the rules' own call on that category."""
    out = all_features(draft, sentences)
    out.discard(f"rule:{category}")
    return out


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def score(
    model: Model, everything: set[str], sentences: list[Sentence]
) -> tuple[float, Sentence | None, tuple[str, ...]]:
    """(probability, the sentence a call would point at, the features that carry it there).

    ``everything`` is ``all_features`` of the message; the rules' own call on this category is
    left out here. The sentence is the one with the largest positive share of the score (the sum
    of its features' weights). There is none, and so no call, when no sentence has a positive
    share; when that sentence holds a phrase of this category that the rules set aside (a
    negation, a refused promise, a kind word: ``near:<category>``), since the rules' reading of
    context wins; or when no word of it carries weight (a finding points at words). Next step
    never points at a sentence whose every time is already gone (``PAST_TIME``, round 11). For a
    problem (a finding) the probability is the sentence's own: the bias, the rules' calls on the
    draft and that sentence's share; for an element, the draft's."""
    w = model.weights
    known = w.keys()
    seen = known & everything
    seen.discard(f"rule:{model.category}")
    best: Sentence | None = None
    best_share = 0.0
    past_ok = model.category != "next_step"
    for s in sentences:
        if not past_ok and PAST_TIME in s.features:
            continue
        share = math.fsum(map(w.__getitem__, known & s.features))
        if share > best_share:
            best, best_share = s, share
    if model.category in FINDING_CATEGORIES:
        # a problem is a finding on one sentence: its probability is that sentence's (with what
        # the rules decided about the draft), not the draft's, so that words elsewhere (the
        # client's own move, a kind line) cannot carry a finding onto it
        draft = math.fsum(w[f] for f in seen if f.startswith("rule:"))
        p = _sigmoid(model.bias + draft + best_share)
    else:
        p = _sigmoid(model.bias + math.fsum(map(w.__getitem__, seen)))
    if best is None or f"near:{model.category}" in best.features:
        return p, None, ()
    if model.category in _NEEDS_LIVE_FAILURE and NEGATED_FAILURE in best.features:
        return p, None, ()
    if model.category == "overpromise" and not promises(best.features):
        return p, None, ()

    top = sorted((f for f in known & best.features if w[f] > 0), key=lambda f: (-w[f], f))[:3]
    if not any(f[:2] in ("w:", "b:") for f in top):
        return p, None, ()
    if model.category in FINDING_CATEGORIES and not any(map(_content, top)):
        return p, None, ()
    return p, best, tuple(top)


def judge(
    model: Model, text: str, everything: set[str], sentences: list[Sentence]
) -> LearnedCall | None:
    """The model's call on one category, or None: a probability at or above its threshold and a
    sentence to point at (``score``)."""
    w = model.weights
    if model.category not in FINDING_CATEGORIES:
        seen = w.keys() & everything
        seen.discard(f"rule:{model.category}")
        if _sigmoid(model.bias + math.fsum(map(w.__getitem__, seen))) < model.threshold:
            return None  # the cheap test first: most messages stop here
    p, best, top = score(model, everything, sentences)
    if best is None or p < model.threshold:
        return None
    start, end = best.start, best.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return LearnedCall(model.category, start, end, round(p, 3), top)


def describe(feature: str) -> str:
    """A feature as a reader would say it: ``w:busy`` -> "busy"; ``cue:failure`` -> a failure
    word; ``near:overpromise`` -> an over-promise the rules took back."""
    prefix, _, rest = feature.partition(":")
    if prefix in ("w", "b"):
        return f"\u201c{rest}\u201d"
    if prefix == "cue":
        return {"commit": "a commitment", "time": "a time",
                "past+time": "a time already gone"}.get(rest, f"a {rest} word")
    if prefix == "near":
        return f"a {rest.replace('_', ' ')} phrase the rules set aside"
    if feature in agents.DESCRIBE:
        return agents.DESCRIBE[feature]
    return rest.replace("_", " ")


def parse(data: dict[str, Any]) -> dict[str, Model]:
    """Models from the JSON shape ``bench/train_tone.py`` writes; categories without a threshold
    (the model did not earn its place in cross-validation) are left out."""
    models = {}
    for category, m in data.get("models", {}).items():
        if category not in LABELS:
            raise ValueError(f"learned tone model for unknown category {category!r}")
        threshold = m.get("threshold")
        if threshold is None:
            continue
        models[category] = Model(
            category=category,
            bias=float(m["bias"]),
            threshold=float(threshold),
            weights={str(k): float(v) for k, v in m["weights"].items()},
        )
    return models


def parse_vetoes(data: dict[str, Any]) -> dict[str, Model]:
    """The vetoes of rules-found elements (round 8, ``"vetoes"`` in learned.json): a Model each,
    whose threshold is the probability below which the rules' element does not stand."""
    out = {}
    for element, m in data.get("vetoes", {}).items():
        if element not in VETOED:
            raise ValueError(f"learned tone veto for unknown element {element!r}")
        out[element] = Model(element, float(m["bias"]), float(m["threshold"]),
                             {str(k): float(v) for k, v in m["weights"].items()})
    return out


def stands(veto: Model, features: set[str]) -> tuple[bool, float]:
    """(whether a rules-found element stands under its veto, the veto's probability)."""
    w = veto.weights
    p = _sigmoid(veto.bias + math.fsum(map(w.__getitem__, w.keys() & features)))
    return p >= veto.threshold, p


@cache
def default_vetoes() -> dict[str, Model]:
    """The packaged vetoes (``learned.json``), read once."""
    text = resources.files(__package__).joinpath("learned.json").read_text(encoding="utf-8")
    return parse_vetoes(json.loads(text))


@cache
def default_models() -> dict[str, Model]:
    """The packaged weights (``learned.json``), read once."""
    text = resources.files(__package__).joinpath("learned.json").read_text(encoding="utf-8")
    return parse(json.loads(text))
