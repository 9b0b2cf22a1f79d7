"""The tone check for client-facing messages: pure Python, offline, explainable.

``check(text, kind)`` flags excuses, blame, minimising and over-promising, reports which good
elements are present (apology, ownership, empathy, a next step with a time) and, for the message
kind, turns the missing required elements into findings. Every phrase lives in ``rules.toml``;
the engine (``engine.py``) adds sentence-local context: negation, "a circumstance is an excuse only
next to a failure", and "a next step needs an action and a time".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import learned as _learned
from . import placeholders, quoted
from .engine import analyse_parts
from .rules import Ruleset, build_ruleset, default_rules_version, load_default_rules

__all__ = [
    "BLOCKING_CATEGORIES",
    "CATEGORIES",
    "ELEMENTS",
    "KINDS",
    "REQUIRED_ELEMENTS",
    "RULES_VERSION",
    "Finding",
    "ToneReport",
    "build_ruleset",
    "check",
]

CATEGORIES = ("excuse", "blame", "minimizing", "overpromise")
# Findings no "send anyway" can wave through: an unfilled placeholder never reaches a client.
BLOCKING_CATEGORIES = frozenset({"placeholder"})
ELEMENTS = ("apology", "ownership", "empathy", "next_step")
KINDS = ("acknowledgement", "apology", "update", "closure", "other")

# What each kind of message must contain. Choices, from the seeds:
# - acknowledgement: a next step with a time ("I will get to the bottom of this first thing in the
#   morning and call you", 004). Empathy is encouraged but not required: the seed's own holding
#   reply has none, and a quick, concrete acknowledgement beats a late warm one.
# - apology: apologise, own the agency's share, say what happens next and when (002, 003).
# - update: what happens next and when (000: keep the client informed, adjusted timelines).
# - closure: restate the agency's share with the prevention measure (003: "this provides closure").
# - other: nothing required.
REQUIRED_ELEMENTS: dict[str, tuple[str, ...]] = {
    "acknowledgement": ("next_step",),
    "apology": ("apology", "ownership", "next_step"),
    "update": ("next_step",),
    "closure": ("ownership",),
    "other": (),
}

RULES_VERSION: int = default_rules_version()


@dataclass(frozen=True)
class Finding:
    """One problem. ``text[start:end]`` is the flagged phrase; missing elements use 0, 0."""

    category: str
    start: int
    end: int
    message: str
    suggestion: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass
class ToneReport:
    findings: list[Finding]
    present: dict[str, bool]
    kind: str = "other"
    rules_version: int = field(default=RULES_VERSION, compare=False)
    # What the learned second opinion added (each with its span and the features behind it).
    learned: list[_learned.LearnedCall] = field(default_factory=list, compare=False)

    @property
    def ok(self) -> bool:
        """True when the message has no finding (problems or missing elements)."""
        return not self.findings

    @property
    def blocking(self) -> list[Finding]:
        """The findings that stop a send even when the sender confirms (placeholders)."""
        return [f for f in self.findings if f.category in BLOCKING_CATEGORIES]

    def categories(self) -> set[str]:
        return {f.category for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ownup tone --json`` and ``POST /api/v1/tone/check``."""
        return {
            "findings": [f.to_dict() for f in self.findings],
            "present": {e: bool(self.present.get(e, False)) for e in ELEMENTS},
        }


def check(
    text: str,
    kind: str = "other",
    *,
    names: Iterable[str] = (),
    rules: Ruleset | None = None,
    learned: bool | Mapping[str, _learned.Model] = True,
) -> ToneReport:
    """Check one client-facing message.

    ``names``: people (the workspace's users, the client's contacts); a name used as the subject
    of a failure ("Sam forgot to ...", "it was Jo's fault") is a ``blame`` finding.
    ``rules``: an alternative compiled ruleset (tests, workspace experiments); default the
    packaged rules.toml.
    ``learned``: the learned second opinion (``learned.py``): True for the packaged weights,
    False for the rules alone, or a mapping of category to model. It only adds a category the
    rules did not find, and only with a span (the sentence that carried its score).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}; allowed: {', '.join(KINDS)}")
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    rs = rules or load_default_rules()
    if isinstance(names, str):
        names = (names,)
    gaps = placeholders.find(text)
    blanked = placeholders.blank(text, gaps)
    blanked = quoted.blank(blanked)  # the client's quoted mail is not the draft
    hits, present, sents, matches, kept = analyse_parts(blanked, rs, names)
    findings = [Finding("placeholder", p.start, p.end, placeholders.MESSAGE,
                        placeholders.SUGGESTION) for p in gaps]
    findings += [Finding(cat, s, e, rule.message, rule.suggestion) for cat, s, e, rule in hits]
    models: Mapping[str, _learned.Model] = (
        (_learned.default_models() if learned is True else learned) if learned else {}
    )
    vetoes: Mapping[str, _learned.Model] = {}
    if learned is True:
        vetoes = _learned.default_vetoes()
    elif learned:  # a mapping: "veto:<element>" keys are vetoes
        vetoes = {k[5:]: m for k, m in models.items() if k.startswith("veto:")}
        models = {k: m for k, m in models.items() if not k.startswith("veto:")}
    calls: list[_learned.LearnedCall] = []
    extra: list[Finding] = []
    if models or vetoes:
        found = {h[0] for h in hits}
        todo = [m for c, m in models.items() if c not in found and not present.get(c, False)]
        check_vetoes = [(e, v) for e, v in vetoes.items() if present.get(e, False)]
        if todo or check_vetoes:
            draft, sentences = _learned.features(blanked, rs, hits, present, sents, matches,
                                                 kept)
            everything = _learned.all_features(draft, sentences)
            for element, veto in check_vetoes:
                # round 8: a rules-found ownership or empathy the veto does not believe (a
                # "sorry" that goes on to blame the supplier; a bare "I understand, but ...")
                cue = _learned.cue_features(sents, matches, kept, sentences, element)
                if not _learned.stands(veto, _learned.veto_features(element, draft, sentences,
                                                                     cue))[0]:
                    present[element] = False
            for model in todo:
                call = _learned.judge(model, blanked, everything, sentences)
                if call is None:
                    continue
                calls.append(call)
                if call.category in present:
                    present[call.category] = True
                else:
                    message, suggestion = _learned_wording(rs, call)
                    extra.append(Finding(call.category, call.start, call.end, message,
                                         suggestion))
    if extra:  # in text order among the rules' findings, after the placeholders
        tail = sorted(findings[len(gaps):] + extra, key=lambda f: (f.start, f.end))
        findings = findings[: len(gaps)] + tail
    for element in REQUIRED_ELEMENTS[kind]:
        if not present[element]:
            message, suggestion = rs.missing[element]
            findings.append(Finding(f"missing_{element}", 0, 0, message, suggestion))
    return ToneReport(findings=findings, present=present, kind=kind, rules_version=rs.version,
                      learned=calls)


_READ_AS = {
    "excuse": "an excuse",
    "blame": "blame on someone else",
    "minimizing": "playing the problem down",
    "overpromise": "a promise no one can keep",
}


def _learned_wording(rs: Ruleset, call: _learned.LearnedCall) -> tuple[str, str]:
    """The message of a learned finding names what carried it; the better wording is the
    category's first rule's."""
    because = ", ".join(_learned.describe(f) for f in call.because)
    message = f"This sentence reads as {_READ_AS[call.category]} (learned check: {because})."
    rules = rs.findings[call.category].rules
    return message, rules[0].suggestion if rules else ""
