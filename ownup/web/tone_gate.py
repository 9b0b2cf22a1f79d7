"""The tone check as a gate in front of every client-facing send.

A drafted message with open findings is not sent until the person confirms ("Send anyway");
whatever the check said is returned as ``report`` so the sent record keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ownup.core import tone


@dataclass(frozen=True)
class ToneGate:
    ok: bool
    report: dict
    message: str


def tone_gate(text: str, kind: str, confirmed: bool, names: Iterable[str] = ()) -> ToneGate:
    """Check ``text`` as a message of ``kind``; ``ok`` when clean or when the sender confirmed."""
    if kind not in tone.KINDS:
        kind = "other"
    result = tone.check(text, kind, names=list(names))
    report = {**result.to_dict(), "kind": kind, "confirmed": bool(confirmed and result.findings)}
    count = len(result.findings)
    if not count:
        return ToneGate(ok=True, report=report, message="")
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
