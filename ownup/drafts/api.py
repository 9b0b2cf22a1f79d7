from __future__ import annotations

from ninja import Field, Router, Schema

from ownup.accounts.api_auth import MANAGERS
from ownup.core.drafts import render_draft

from . import selectors, services

router = Router(tags=["templates"])


class TemplateOut(Schema):
    key: str
    title: str
    tone_kind: str
    subject: str
    body: str
    placeholders: list[str]


class TemplateIn(Schema):
    subject: str = Field(..., max_length=300)
    body: str = Field(..., max_length=20_000)
    accept_findings: bool = False


class RenderIn(Schema):
    values: dict[str, str] = {}


class RenderOut(Schema):
    subject: str
    body: str


def _out(t) -> dict:
    return {"key": t.key, "title": t.title, "tone_kind": t.tone_kind, "subject": t.subject,
            "body": t.body, "placeholders": list(t.placeholders)}


@router.get("/templates", response=list[TemplateOut])
def list_templates(request):
    return [_out(t) for t in selectors.templates_for(request.workspace).values()]


@router.get("/templates/{key}", response=TemplateOut)
def get_template(request, key: str):
    return _out(selectors.template_for(request.workspace, key))


@router.put("/templates/{key}", response=TemplateOut, auth=MANAGERS)
def put_template(request, key: str, payload: TemplateIn):
    selectors.template_for(request.workspace, key)
    services.template_save(workspace=request.workspace, key=key, user=request.user,
                           **payload.dict())
    return _out(selectors.template_for(request.workspace, key))


@router.delete("/templates/{key}", response=TemplateOut, auth=MANAGERS)
def reset_template(request, key: str):
    selectors.template_for(request.workspace, key)
    services.template_reset(workspace=request.workspace, key=key)
    return _out(selectors.template_for(request.workspace, key))


@router.post("/templates/{key}/render", response=RenderOut)
def render_template(request, key: str, payload: RenderIn):
    subject, body = render_draft(selectors.template_for(request.workspace, key), payload.values)
    return {"subject": subject, "body": body}
