"""Load ``rules.toml`` and compile it once into a :class:`Ruleset`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from ..fastscan import DispatchScanner, MultiScanner
from .patterns import PatternError, compile_alternation, compile_phrase

FINDING_CATEGORIES = ("excuse", "blame", "minimizing", "overpromise")
CUE_ELEMENTS = ("apology", "ownership", "empathy")
ELEMENT_NAMES = ("apology", "ownership", "empathy", "next_step")
# What one pass over a message finds (Ruleset.multi): the four findings, three cues, time words,
# and the context cues the learned second opinion reads per sentence (learned.py).
LEARNED_CUES = ("failure", "commit", "refusal", "comfort")
SCANNED = (*FINDING_CATEGORIES, *CUE_ELEMENTS, "time", *(f"cue_{c}" for c in LEARNED_CUES))
_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Rule:
    category: str
    id: str
    message: str
    suggestion: str
    negatable: bool = True
    needs: str | None = None
    unless_after: re.Pattern[str] | None = None
    unless_comfort: bool = False
    # a phrase in the clause just before the match that takes it back ("before your legal team
    # had approved": the order of events, not the client's fault)
    unless_before: re.Pattern[str] | None = None


@dataclass(frozen=True)
class RuleGroup:
    """All rules of one category in one scanner; a match's group ``r<i>`` is ``rules[i]``."""

    scanner: DispatchScanner
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Ruleset:
    version: int
    findings: dict[str, RuleGroup]
    elements: dict[str, RuleGroup]
    negation: re.Pattern[str]
    failure: DispatchScanner
    commitment: DispatchScanner
    time: DispatchScanner
    missing: dict[str, tuple[str, str]]
    macros: dict[str, str] = field(repr=False)
    name_rule: Rule = field(repr=False)
    comfort: DispatchScanner = field(repr=False, default_factory=lambda: _scanner([]))
    refusal: DispatchScanner = field(repr=False, default_factory=lambda: _scanner([]))
    # round 8: a setback that is no failure word ("it'll take me a while", "another week", "set
    # us back"): excuse circumstances may lean on it as on a failure (engine._has_failure_context)
    setback: DispatchScanner = field(repr=False, default_factory=lambda: _scanner([]))
    agent: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!x)x"))
    not_agents: frozenset[str] = field(repr=False, default=frozenset())
    agent_rule: Rule | None = field(repr=False, default=None)
    cause_words: DispatchScanner = field(repr=False, default_factory=lambda: _scanner([]))
    cause_name: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!x)x"))
    party_end: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!x)x"))
    # v12: a time already gone ([next_step] `past`) and what already happened (`told`), read in
    # the clause of a time (engine.past_time)
    past: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!x)x"))
    told: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!x)x"))
    ahead: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!x)x"))
    multi: MultiScanner = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scanners = [self.findings[c].scanner for c in FINDING_CATEGORIES]
        scanners += [self.elements[e].scanner for e in CUE_ELEMENTS]
        cues = [self.failure, self.commitment, self.refusal, self.comfort]
        object.__setattr__(self, "multi", MultiScanner([*scanners, self.time, *cues]))

    def names_regex(self, names: Iterable[str]) -> re.Pattern[str] | None:
        """A regex for a named person as the subject of a failure (cached per name set)."""
        cleaned = tuple(sorted({n.strip() for n in names if n and n.strip()}))
        if not cleaned:
            return None
        return _names_regex(cleaned, tuple(sorted(self.macros.items())))


@lru_cache(maxsize=256)
def _names_regex(
    names: tuple[str, ...], macro_items: tuple[tuple[str, str], ...]
) -> re.Pattern[str]:
    macros = dict(macro_items)
    who = "(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
    fail = compile_phrase("({fail})", macros)
    poss = r"['\u2019]s"
    parts = [
        rf"(?<!\w){who}(?!\w)(?:{poss})?(?:\s+(?:just|then|had|has|also))?\s+{fail}",
        rf"(?<!\w){who}(?!\w)(?:\s+\S+){{0,4}}?\s+{fail}",
        rf"(?<!\w)(?:it|this|that)\s+(?:was|is)\s+(?:all\s+)?{who}{poss}"
        r"(?:\s+(?:fault|mistake|error|doing|slip|call))?(?!\w)",
        rf"(?<!\w){who}{poss}\s+(?:fault|mistake|error|doing|slip)(?!\w)",
        rf"(?<!\w)(?:blame|fault\s+of)\s+{who}(?!\w)",
    ]
    return re.compile("|".join(parts), _FLAGS)


def _group(category: str, entries: list[Mapping[str, Any]], macros: Mapping[str, str]) -> RuleGroup:
    rules: list[Rule] = []
    alternatives: list[tuple[str, str]] = []
    for i, entry in enumerate(entries):
        patterns = entry.get("patterns") or []
        if not patterns:
            raise PatternError(f"{category} rule {entry.get('id', i)!r} has no patterns")
        unless = entry.get("unless_after") or []
        unless_re = (
            re.compile(r"[\s,]*" + compile_alternation(list(unless), macros), _FLAGS)
            if unless
            else None
        )
        before = entry.get("unless_before") or []
        before_re = (
            re.compile(r"(?<![\w'])(?:" + compile_alternation(list(before), macros) + r")\W*$",
                       _FLAGS)
            if before
            else None
        )
        needs = entry.get("needs")
        if needs not in (None, "failure"):
            raise PatternError(f"{category} rule {entry.get('id')!r}: unknown needs {needs!r}")
        rules.append(
            Rule(
                category=category,
                id=str(entry.get("id", f"{category}-{i}")),
                message=str(entry.get("message", "")),
                suggestion=str(entry.get("suggestion", "")),
                negatable=bool(entry.get("negatable", True)),
                needs=needs,
                unless_after=unless_re,
                unless_comfort=bool(entry.get("unless_comfort", False)),
                unless_before=before_re,
            )
        )
        alternatives.extend((f"r{i}", compile_phrase(p, macros)) for p in patterns)
    return RuleGroup(scanner=DispatchScanner(alternatives, _FLAGS), rules=tuple(rules))


def _scanner(phrases: list[str], macros: Mapping[str, str] | None = None) -> DispatchScanner:
    """One scanner for a list of cue phrases (a match's group is ``c``)."""
    return DispatchScanner([("c", compile_phrase(p, macros)) for p in phrases], _FLAGS)


def _alternation(phrases: list[str], macros: Mapping[str, str]) -> re.Pattern[str]:
    """One plain regex for a list of phrases (searched inside a clause, not scanned)."""
    if not phrases:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(f"(?:{compile_phrase(p, macros)})" for p in phrases), _FLAGS)


def build_ruleset(data: Mapping[str, Any]) -> Ruleset:
    """Compile parsed rules data (the structure of rules.toml)."""
    macros = {str(k): str(v) for k, v in data.get("macros", {}).items()}
    cues = data.get("cues", {})
    negation = re.compile(
        compile_phrase("(" + str(cues.get("negation", "not|no|never")) + ")", macros), _FLAGS
    )
    failure = _scanner(list(cues.get("failure", [])), macros)
    findings = {c: _group(c, list(data.get(c, [])), macros) for c in FINDING_CATEGORIES}
    elements = {e: _group(e, list(data.get(e, [])), macros) for e in CUE_ELEMENTS}
    step = data.get("next_step", {})
    commitment = _scanner(list(step["commitment"]), macros)
    time = _scanner(list(step["time"]), macros)
    past = _alternation(list(step.get("past", [])), macros)
    told = _alternation(list(step.get("told", [])), macros)
    ahead = _alternation(list(step.get("ahead", [])), macros)
    missing = {
        e: (str(v.get("message", "")), str(v.get("suggestion", "")))
        for e, v in data.get("missing", {}).items()
    }
    for e in ELEMENT_NAMES:
        missing.setdefault(e, (f"The message has no {e.replace('_', ' ')}.", ""))
    comfort = _scanner(list(cues.get("comfort", [])), macros)
    refusal = _scanner(list(cues.get("refusal", [])), macros)
    setback = _scanner(list(cues.get("setback", [])), macros)
    agents = data.get("agents", {})
    not_agents = frozenset(w.lower() for w in agents.get("not_agents", []))
    agent = _agent_regex(list(agents.get("failure_verbs", [])), macros, not_agents)
    cause_name, party_end = _cause_regexes(not_agents)
    cause_words = _scanner(list(agents.get("causes", [])), macros)
    agent_rule = Rule(
        category="blame",
        id="third-party-agent",
        message=str(agents.get("message", "Names someone else as the cause of the failure.")),
        suggestion=str(agents.get("suggestion", "")),
    )
    blame = findings["blame"].rules
    name_rule = Rule(
        category="blame",
        id="named-person",
        message="Names a person as the cause of the failure.",
        suggestion=(
            "Blameless: the team failed and the team fixes it. Describe what happened "
            "without naming anyone."
        ),
    )
    if blame:
        name_rule = Rule("blame", "named-person", name_rule.message, blame[0].suggestion)
    return Ruleset(
        version=int(data.get("version", 0)),
        findings=findings,
        elements=elements,
        negation=negation,
        failure=failure,
        commitment=commitment,
        time=time,
        past=past,
        told=told,
        ahead=ahead,
        missing=missing,
        macros=macros,
        name_rule=name_rule,
        comfort=comfort,
        refusal=refusal,
        setback=setback,
        agent=agent,
        not_agents=not_agents,
        agent_rule=agent_rule,
        cause_words=cause_words,
        cause_name=cause_name,
        party_end=party_end,
    )


def _agent_regex(
    verbs: list[str], macros: Mapping[str, str], not_agents: frozenset[str]
) -> re.Pattern[str]:
    """Case-sensitive: a capitalised subject (a name, a company, "Google's billing system")
    right before a failure verb. The verbs themselves are matched in any case."""
    if not verbs:
        return re.compile(r"(?!x)x")
    verb = compile_alternation(verbs, macros)
    # a capitalised word that is not a pronoun, a time word or a sentence opener
    stop = "|".join(re.escape(w) for w in sorted(not_agents, key=len, reverse=True))
    # an all-capitals word ("IT", "PR") is a name, not the pronoun "it"
    word = (
        rf"(?:(?=[A-Z]{{2,}}(?!\w))|(?!(?i:{stop})(?![\w'\u2019])))[A-Z]" if stop else "[A-Z]"
    )
    agent = (
        rf"(?P<agent>{word}[\w&.-]*(?:\s+{word}[\w&-]+){{0,2}}"
        r"(?:['\u2019]s?(?:\s+[a-z][\w-]*){0,3})?)"
    )
    adverb = r"(?:\s+(?:just|then|also|apparently|somehow|completely|totally|again|had|has|have))?"
    return re.compile(r"(?<![\w'\u2019])" + agent + adverb + r"\s+(?i:" + verb + ")")


def _cause_regexes(not_agents: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Case-sensitive: the capitalised third party right after a cause word ("caused by
    Cloudflare", "declined by Google"), and a capitalised party's end or doing ("it was Stripe's
    end", "entirely within WP Engine's infrastructure")."""
    stop = "|".join(re.escape(w) for w in sorted(not_agents, key=len, reverse=True))
    word = rf"(?!(?i:{stop})(?![\w'\u2019]))[A-Z]" if stop else "[A-Z]"
    name = rf"{word}[\w&.-]*(?:\s+{word}[\w&-]+){{0,2}}"
    after = re.compile(r"\s+(?:(?i:the|a|an)\s+)?" + name)
    end = re.compile(
        r"(?<![\w'\u2019])(?i:(?:was|is|it's|it\s+was|all|entirely|squarely)\s+(?:on\s+|within\s+)?)"
        + name
        + r"['\u2019]s?\s+(?i:end|side|fault|doing|problem|issue|bad|mistake|error|infrastructure"
        r"|system|systems|servers?|platform)\b"
    )
    return after, end


def _default_data() -> dict:
    text = resources.files(__package__).joinpath("rules.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def default_rules_version() -> int:
    """The packaged rules' version, without compiling them."""
    return int(_default_data()["version"])


@cache
def load_default_rules() -> Ruleset:
    """Read and compile the packaged rules.toml, once, at the first check (~0.4 s: every
    command that never checks tone, such as ``import-mail``, starts that much faster)."""
    return build_ruleset(_default_data())
