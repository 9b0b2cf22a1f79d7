"""The tone check as a gate in front of every client-facing send.

Only the services that record or send a client message call it, on the text actually sent; no
caller hands in a report of its own. A message with open findings is not sent until the person
confirms ("Send anyway", which the service audits); an unfilled placeholder blocks the send even
then. ``report`` is what the sent record keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import KINDS, Finding, ToneReport, check, culprits


@dataclass(frozen=True)
class ToneGate:
    ok: bool
    report: dict
    message: str

    @property
    def findings(self) -> list[dict]:
        return self.report["findings"]

    @property
    def overridden(self) -> bool:
        """True when open findings were sent anyway on the sender's confirmation."""
        return bool(self.report.get("confirmed"))

    def errors(self) -> list[str]:
        """The message and one line per finding, for a 422 body or a CLI error."""
        return [self.message] + [f"{f['category']}: {f['message']}" for f in self.findings]


def with_culprits(result: ToneReport, text: str, names: Iterable[str],
                  roles: Iterable[str] = culprits.DEFAULT_ROLES) -> ToneReport:
    """``result`` plus a ``blame`` finding wherever a person or role is named as the cause
    and the check has not flagged that phrase already."""
    taken = [(f.start, f.end) for f in result.findings if f.category == "blame"]
    extra = [Finding("blame", c.start, c.end, culprits.MESSAGE, culprits.SUGGESTION)
             for c in culprits.find(text, names, roles)
             if not any(s < c.end and c.start < e for s, e in taken)]
    if not extra:
        return result
    findings = sorted(result.findings + extra, key=lambda f: (f.end == 0, f.start, f.end))
    return ToneReport(findings=findings, present=result.present, kind=result.kind,
                      rules_version=result.rules_version)


def tone_gate(text: str, kind: str, confirmed: bool, names: Iterable[str] = (),
              roles: Iterable[str] = culprits.DEFAULT_ROLES) -> ToneGate:
    """Check ``text`` as a message of ``kind``; ``ok`` when clean, or when the sender confirmed
    and no finding is blocking (an unfilled placeholder is never sent). ``names`` and ``roles``:
    the workspace's people and roles, flagged when named as the cause of a failure."""
    if kind not in KINDS:
        kind = "other"
    names = list(names)
    result = with_culprits(check(text, kind, names=names), text, names, roles)
    blocking = result.blocking
    report = {**result.to_dict(), "kind": kind,
              "confirmed": bool(confirmed and result.findings and not blocking)}
    count = len(result.findings)
    if not count:
        return ToneGate(ok=True, report=report, message="")
    if blocking:
        gaps = ", ".join(text[f.start:f.end] for f in blocking)
        return ToneGate(
            ok=False, report=report,
            message=f"Fill in every placeholder before this reaches the client: {gaps}.",
        )
    things = f"{count} thing{'s' if count != 1 else ''}"
    if confirmed:
        message = f"Sent with {things} the tone check flagged."
        return ToneGate(ok=True, report=report, message=message)
    return ToneGate(
        ok=False,
        report=report,
        message=f"The tone check found {things} to look at. Change the message, or tick "
        "“Send anyway” to send it as it is.",
    )


def confirmed_from(data) -> bool:
    """Whether a submitted form (QueryDict or dict) ticked "Send anyway"."""
    return str(data.get("tone_confirmed", "")).lower() in {"1", "on", "true", "yes"}
