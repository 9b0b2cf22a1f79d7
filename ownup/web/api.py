"""API for the pure checks: the tone check of a draft and the triage of a message."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema

from ownup.core import tone, triage

router = Router(tags=["checks"])

Kind = Literal["acknowledgement", "apology", "update", "closure", "other"]


class ToneIn(Schema):
    text: str = Field(..., max_length=100_000)
    kind: Kind = "other"
    names: list[str] = Field(default=[], description="People's names to flag as culprits")


class FindingOut(Schema):
    category: str
    start: int
    end: int
    message: str
    suggestion: str


class PresentOut(Schema):
    apology: bool
    ownership: bool
    empathy: bool
    next_step: bool


class ToneOut(Schema):
    findings: list[FindingOut]
    present: PresentOut


@router.post("/tone/check", response=ToneOut)
def tone_check(request, payload: ToneIn):
    return tone.check(payload.text, payload.kind, names=payload.names).to_dict()


class TriageIn(Schema):
    subject: str = Field("", max_length=2_000)
    body: str = Field(..., max_length=200_000)
    sender: str = ""


class SignalOut(Schema):
    label: str
    text: str
    start: int
    end: int


class TriageOut(Schema):
    class_: Literal["routine", "urgent", "emergency"] = Field(..., alias="class")
    mood: Literal["calm", "concerned", "upset", "angry"] = Field(
        description="calm, concerned (worried about a risk), upset (hurt, let down), angry"
    )
    signals: list[SignalOut]


@router.post("/triage", response=TriageOut, by_alias=True)
def triage_message(request, payload: TriageIn):
    result = triage.classify(payload.subject, payload.body, sender=payload.sender)
    return result.to_dict()
