"""A learned second opinion on emergencies, beside the triage rules (issue 21, round 5b).

Rules tuned on nine writers still missed a quarter of a new writer's emergencies (docs/quality.md,
"Round 5b"). This module weighs, with one logistic regression (emergency or not), features a person
can read, the same the mood model reads (``triage_mood.parts``) plus the words of the subject and
the word pairs of the client's new text:

* each signal the rules found and each kind of lean cue, the rules' class and mood, the shape of
  the text (question marks, length, "you", curt sentences);
* the content words of the subject and the new body (``w:leaked``) and their consecutive word
  pairs (``p:call_me``, ``p:is_down``), lower-cased; only words and pairs that at least two writers
  of the training sets used are kept (``bench/train_triage_class.py``).

The rules decide first. The model may **raise** a message the rules call routine or urgent to an
emergency when its score is at least ``raise_at``, and may **veto** an emergency of the rules
(making it urgent) only when its score is at most ``veto_at`` - strong evidence. Either way it must
point at words: ``learned:emergency`` or ``learned:not_emergency`` signals on the words and pairs
that weighed most; without a place in the text the rules' class stands. A class forced by a
policy keyword is never vetoed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import pairwise

from . import weights
from .triage_mood import STOP_WORDS, Locate
from .triage_mood import WORD as _WORD

WEIGHTS_FILE = "triage_emergency.json"
# How far the words and word pairs alone must pull towards "not an emergency" for a veto: the shape
# of the text (short, no "you") cannot carry one. Trained on 42 authors, the model vetoed "It is
# charging customers twice." at -1.83, all but 0.02 of it from the text being short (round 8).
# As the mood model's WORD_MARGIN; leave one writer out, 42 authors: 1,115 -> 1,112 of 1,173 found.
VETO_WORDS = 1.0


@dataclass(frozen=True)
class EmergencyModel:
    weights: dict[str, float]
    bias: float
    raise_at: float
    veto_at: float
    trained_on: tuple[str, ...] = ()

    @cached_property
    def word_weights(self) -> dict[str, float]:
        """The word features' weights by the bare word (no "w:" to build per message)."""
        return {f[2:]: w for f, w in self.weights.items() if f.startswith("w:")}

    @cached_property
    def pair_weights(self) -> dict[tuple[str, str], float]:
        """The pair features' weights by (first word, second word), the tuples ``zip`` makes
        of a message's words: no pair string is built per message."""
        out: dict[tuple[str, str], float] = {}
        for f, w in self.weights.items():
            if f.startswith("p:"):
                first, second = f[2:].split("_", 1)
                out[first, second] = w
        return out

    def score(self, feats: Iterable[str]) -> float:
        """The log-odds of an emergency from features by name (as ``features`` gives them)."""
        get = self.weights.get
        return self.bias + sum(get(f, 0.0) for f in feats)

    def quick_score(
        self, others: Iterable[str], body_words: set[str], body_tokens: list[str], subject: str
    ) -> float:
        """``score`` of the same message without naming its features: ``others`` and the body's
        content words and tokens as ``triage_mood.parts_tokens`` gives them, the subject
        (lower-cased) read here. One dot product; each word and pair counts once."""
        # summed by map/filter (in C): this runs on every message
        word = self.word_weights.get
        pair_weights = self.pair_weights
        known_pair = pair_weights.__contains__
        z = self.bias + sum(filter(None, map(self.weights.get, others)))
        z += sum(filter(None, map(word, body_words)))
        pairs = set(filter(known_pair, pairwise(body_tokens)))
        if subject.strip():
            tokens = _WORD.findall(subject)
            extra = {w for w in tokens if w not in body_words and w not in STOP_WORDS}
            z += sum(filter(None, map(word, extra)))
            pairs.update(filter(known_pair, pairwise(tokens)))
        return z + sum(map(pair_weights.__getitem__, pairs))

    def weighed_features(
        self, others: Iterable[str], body_words: set[str], body_tokens: list[str], subject: str
    ) -> set[str]:
        """The features of ``quick_score``'s message that carry a weight, by name (what
        ``decide`` needs to explain a change; features without a weight explain nothing)."""
        words, pairs = self._weighed(body_words, body_tokens, subject)
        return (
            {f for f in others if f in self.weights}
            | {"w:" + w for w in words}
            | {f"p:{a}_{b}" for a, b in pairs}
        )

    def _weighed(
        self, body_words: set[str], body_tokens: list[str], subject: str
    ) -> tuple[set[str], set[tuple[str, str]]]:
        """The message's content words and word pairs that have a weight (each once)."""
        known_pair = self.pair_weights.__contains__
        pairs = set(filter(known_pair, pairwise(body_tokens)))
        words = body_words
        if subject.strip():
            subject_tokens = _WORD.findall(subject)
            words = body_words.union(subject_tokens).difference(STOP_WORDS)
            pairs.update(filter(known_pair, pairwise(subject_tokens)))
        return set(filter(self.word_weights.__contains__, words)), pairs


def text_words(subject: str, body: str) -> tuple[set[str], set[str]]:
    """The content words (no function words) and the consecutive word pairs ("a_b", not two
    function words) of the subject and the body, each read on its own (no pair across the two)."""
    words: set[str] = set()
    pairs: set[str] = set()
    for part in (subject, body):
        tokens = _WORD.findall(part.lower())
        words.update(tokens)
        pairs.update(
            f"{a}_{b}"
            for a, b in zip(tokens, tokens[1:], strict=False)
            if a not in STOP_WORDS or b not in STOP_WORDS  # "in the" explains nothing
        )
    return words - STOP_WORDS, pairs


def features(others: Iterable[str], subject: str, body: str) -> set[str]:
    """Every feature of a message by name (what the trainer sees); ``others`` are the named
    features of ``triage_mood.parts`` (signals, the rules' class and mood, shapes)."""
    words, pairs = text_words(subject, body)
    return set(others) | {"w:" + w for w in words} | {"p:" + p for p in pairs}


# Figures a flat emergency states without an alarm word (round 11): how many (people, shares,
# redemptions: "4,000 redemptions since 6am", "286 shares"), money, and a time of day ("filing at 3
# today", "it's 11:35"). The words model never saw them (a word is letters only). A year, a
# percentage, an ordinal and a figure glued to a time are not counts.
_NUMBER_RE = re.compile(r"\d[\d,.:]*")  # a run of digits (a figure-led scan runs in C)
_COUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d{2,}")
# what may not touch a count: before it, after it (a percentage, an ordinal, a time, a range)
_NOT_BEFORE = frozenset(".,:/#$-\u00a3\u20ac\u20a6\u20b1")
_NOT_AFTER_RE = re.compile(r"[\d,:/-]|\.\d|\s?(?:am|pm|%|st|nd|rd|th)\b|%")
_CURRENCY_BEFORE_RE = re.compile(
    r"(?:[$\u00a3\u20ac\u20a6\u20b1]|\b(?:aed|usd|cad|kes|ksh|ngn|php|eur|gbp))\s?$"
)
_MONEY_AFTER_RE = re.compile(r"\s?(?:k|grand)\b")
_MILLIONS_RE = re.compile(r"\d+(?:\.\d+)?\s?m\b")
_CLOCK_AFTER_RE = re.compile(r"(?::\d{2})?\s?(?:am|pm)\b")
_CLOCK_RE = re.compile(r"\d{1,2}:\d{2}")
_NOON_RE = re.compile(r"\bnoon\b")


def figures(body: str) -> set[str]:
    """The figure features of the client's new words (lower-cased): ``num:10+`` / ``num:1000+``
    for a count, ``num:money``, ``num:clock``. Each run of digits is read where it stands (most
    messages have a few), so the cost is one scan for a digit."""
    out: set[str] = set()
    if "noon" in body and _NOON_RE.search(body):
        out.add("num:clock")
    for run in _NUMBER_RE.finditer(body):
        start = run.start()
        before = body[max(0, start - 4) : start]
        if _CURRENCY_BEFORE_RE.search(before):
            out.add("num:money")
        if not (start and body[start - 1] in _NOT_BEFORE):
            count = _COUNT_RE.match(body, start)
            if count is not None and not _NOT_AFTER_RE.match(body, count.end()):
                n = int(count.group().replace(",", ""))
                if not (len(count.group()) == 4 and 1900 <= n <= 2100):  # not a year
                    if n >= 10:
                        out.add("num:10+")
                    if n >= 1000:
                        out.add("num:1000+")
        # a figure then "k" / "grand" / "m", or a time of day, from any digit of the run
        for i in range(start, run.end()):
            if body[i].isdigit() and (i == start or not body[i - 1].isdigit()):
                if _MONEY_AFTER_RE.match(body, _digits_end(body, i)) or _MILLIONS_RE.match(
                    body, i
                ) and _clock_start(body, i):
                    out.add("num:money")
                if _CLOCK_AFTER_RE.match(body, _digits_end(body, i)) and _clock_start(body, i):
                    out.add("num:clock")
        if _CLOCK_RE.search(body, start, run.end()):
            out.add("num:clock")
    return out


def _digits_end(text: str, i: int) -> int:
    """The end of the digits from ``text[i]``."""
    while i < len(text) and text[i].isdigit():
        i += 1
    return i


def _clock_start(text: str, i: int) -> bool:
    """Whether a word boundary stands before ``text[i]`` (a digit)."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")


GOOD_NEWS = "sig:routine:good_news"
# The client's own word that it is no emergency ("this isn't a crisis", "nothing is on fire").
DENIED = "sig:routine:not_emergency"
GUARDS = frozenset((GOOD_NEWS, DENIED))


def may_raise(others: Iterable[str]) -> bool:
    """Whether the model may raise this message to an emergency: not where the rules read good
    news or a plan on schedule ("the embargo lifted at 9 ... as planned", "on track"), or the
    client says it is no crisis, and nothing wrong (no emergency signal, no lean cue). The model
    weighs "already" and "embargo" towards an emergency and raised such news (round 10), and
    round 11's raised "This isn't a crisis but a Facebook group is discussing our comments"; a
    guard read by the rules generalises where a listed sentence would not, and an incident told
    beside good news or a denial still carries its signal."""
    names = set(others)
    if not GUARDS & names:
        return True
    return any(f.startswith(("sig:emergency:", "kind:lean:")) for f in names)


def reasons(model: EmergencyModel, feats: set[str], sign: int, top: int = 3) -> list[str]:
    """The word and pair features that push most towards (``sign`` 1) or away from (-1) an
    emergency, strongest first (only those with a place in the text)."""
    weighed = [
        (sign * model.weights[f], f)
        for f in feats
        if f.startswith(("w:", "p:")) and sign * model.weights.get(f, 0.0) > 0
    ]
    weighed.sort(reverse=True)
    return [f for _, f in weighed[:top]]


def words_weight(model: EmergencyModel, feats: Iterable[str]) -> float:
    """The summed weight of the word and pair features: what the text says, not its shape."""
    get = model.weights.get
    return sum(get(f, 0.0) for f in feats if f.startswith(("w:", "p:")))


def decide(
    model: EmergencyModel, z: float, rule_class: str, feats: set[str], locate: Locate | None = None
) -> tuple[str, str, list[tuple[int, int]]]:
    """(class, signal label, spans): raise to emergency at ``raise_at``, veto an emergency to urgent
    at ``veto_at``, each only where a reason has a place in the text (``locate``; without it, as
    in training, any word reason will do). Else the rules' class, "" and no spans."""
    if rule_class != "emergency" and z >= model.raise_at:
        if not may_raise(feats):
            return rule_class, "", []
        new, label, sign = "emergency", "learned:emergency", 1
    elif rule_class == "emergency" and z <= model.veto_at:
        if words_weight(model, feats) > -VETO_WORDS:
            return rule_class, "", []  # the words do not say it: the shape alone cannot veto
        new, label, sign = "urgent", "learned:not_emergency", -1
    else:
        return rule_class, "", []
    why = reasons(model, feats, sign)
    if locate is None:
        return (new, label, []) if why else (rule_class, "", [])
    placed = [s for s in map(locate, why) if s is not None]
    return (new, label, placed) if placed else (rule_class, "", [])


@cache
def load() -> EmergencyModel | None:
    """The packaged weights, read once (None when the file is absent: the rules alone)."""
    data = weights.packaged(__package__, WEIGHTS_FILE)
    if data is None:
        return None
    return EmergencyModel(
        weights={k: float(v) for k, v in data["weights"].items()},
        bias=float(data["bias"]),
        raise_at=float(data["raise_at"]),
        veto_at=float(data["veto_at"]),
        trained_on=tuple(data["trained_on"]),
    )
