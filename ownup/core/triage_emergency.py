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


GOOD_NEWS = "sig:routine:good_news"


def may_raise(others: Iterable[str]) -> bool:
    """Whether the model may raise this message to an emergency: not where the rules read good
    news or a plan on schedule ("the embargo lifted at 9 ... as planned", "on track") and nothing
    wrong (no emergency signal, no lean cue). The model weighs "already" and "embargo" towards an
    emergency and raised such news (round 10); a guard read by the rules generalises where a
    listed sentence would not, and an incident told beside good news still carries its signal."""
    names = set(others)
    if GOOD_NEWS not in names:
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
