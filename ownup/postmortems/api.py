"""Post-mortems over the JSON API: CRUD, transitions, comments, sharing and export."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema, Status

from ownup.accounts.people import PersonId, person_uid
from ownup.accounts.selectors import get_in_workspace
from ownup.incidents.models import Incident

from . import selectors, services
from .export import postmortem_markdown, postmortem_pdf
from .models import PostmortemStatus

router = Router(tags=["postmortems"])


class TimelineRow(Schema):
    at: str = ""
    text: str = ""


class LearningRow(Schema):
    id: UUID | None = None
    statement: str
    category: str = "other"
    service_line: str = ""


class ActionRow(Schema):
    id: UUID | None = None
    what: str
    owner_id: PersonId | None = Field(None, description="Public id of a member (GET /members)")
    due: date | None = None
    status: str = "open"


class ActionOut(ActionRow):
    id: UUID
    owner_email: str | None = None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid

    @staticmethod
    def resolve_owner_id(obj) -> UUID | None:
        return person_uid(obj.owner) if obj.owner_id else None

    @staticmethod
    def resolve_owner_email(obj) -> str | None:
        return obj.owner.email if obj.owner_id else None


class PostmortemLearningOut(LearningRow):
    id: UUID

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid
    shown_count: int
    applied_count: int


class CommentOut(Schema):
    id: UUID

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid
    author: str | None
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.email if obj.author else None


class PostmortemOut(Schema):
    id: UUID
    incident_id: UUID
    incident_title: str
    client_name: str
    status: str
    summary: str
    client_impact: str
    timeline: list[TimelineRow]
    root_causes: str
    five_whys: list[str]
    went_well: str
    could_be_better: str
    internal_notes: str
    findings: list[dict[str, Any]]
    override_reason: str
    shared: bool
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    learnings: list[PostmortemLearningOut]
    action_items: list[ActionOut]
    comments: list[CommentOut]

    @staticmethod
    def resolve_incident_title(obj) -> str:
        return obj.incident.title

    @staticmethod
    def resolve_client_name(obj) -> str:
        return obj.incident.client.name

    @staticmethod
    def resolve_shared(obj) -> bool:
        return bool(obj.share_token)

    @staticmethod
    def resolve_learnings(obj):
        return list(obj.learnings.order_by("id"))

    @staticmethod
    def resolve_action_items(obj):
        return list(obj.action_items.select_related("owner__person"))

    @staticmethod
    def resolve_comments(obj):
        return list(obj.comments.select_related("author"))


class PostmortemIn(Schema):
    incident_id: str


class PostmortemPatch(Schema):
    summary: str | None = None
    client_impact: str | None = None
    root_causes: str | None = None
    went_well: str | None = None
    could_be_better: str | None = None
    internal_notes: str | None = None
    timeline: list[TimelineRow] | None = None
    five_whys: list[str] | None = Field(None, max_length=5)
    learnings: list[LearningRow] | None = None
    action_items: list[ActionRow] | None = None


class PublishIn(Schema):
    override_reason: str = ""


class CommentIn(Schema):
    body: str


class ShareOut(Schema):
    token: str
    url: str


class TemplateIO(Schema):
    summary: str = ""
    client_impact: str = ""
    root_causes: str = ""
    went_well: str = ""
    could_be_better: str = ""
    internal_notes: str = ""
    five_whys: bool = True


def _pm(request, postmortem_id: str):
    return get_in_workspace(selectors.postmortem_qs(request.workspace), request.workspace,
                            pk=postmortem_id)


@router.get("/postmortems/template", response=TemplateIO)
def get_template(request):
    return services.template_for(request.workspace)


@router.put("/postmortems/template", response=TemplateIO)
def put_template(request, payload: TemplateIO):
    data = payload.dict()
    services.postmortem_template_save(workspace=request.workspace, user=request.user, **data)
    return services.template_for(request.workspace)


@router.get("/postmortems", response=list[PostmortemOut])
def list_postmortems(request, status: str = ""):
    return list(selectors.postmortem_list(workspace=request.workspace, status=status)[:200])


@router.post("/postmortems", response={201: PostmortemOut})
def create_postmortem(request, payload: PostmortemIn):
    incident = get_in_workspace(Incident.objects.all(), request.workspace,
                                pk=payload.incident_id)
    pm = services.postmortem_start(incident=incident, user=request.user)
    return Status(201, _pm(request, pm.pk))


@router.get("/postmortems/{postmortem_id}", response=PostmortemOut)
def get_postmortem(request, postmortem_id: str):
    return _pm(request, postmortem_id)


@router.patch("/postmortems/{postmortem_id}", response=PostmortemOut)
def update_postmortem(request, postmortem_id: str, payload: PostmortemPatch):
    data = payload.dict(exclude_unset=True)
    kwargs = {k: v for k, v in data.items()
              if k not in ("learnings", "action_items", "timeline", "five_whys")}
    if "timeline" in data:
        kwargs["timeline"] = data["timeline"] or []
    if "five_whys" in data:
        kwargs["five_whys"] = data["five_whys"] or []
    if "learnings" in data:
        kwargs["learnings_rows"] = data["learnings"] or []
    if "action_items" in data:
        kwargs["action_items"] = data["action_items"] or []
    services.postmortem_update(postmortem=_pm(request, postmortem_id), user=request.user,
                               **{k: v for k, v in kwargs.items() if v is not None})
    return _pm(request, postmortem_id)


@router.delete("/postmortems/{postmortem_id}", response={204: None})
def delete_postmortem(request, postmortem_id: str):
    services.postmortem_delete(postmortem=_pm(request, postmortem_id), user=request.user)
    return Status(204, None)


@router.post("/postmortems/{postmortem_id}/submit", response=PostmortemOut)
def submit_postmortem(request, postmortem_id: str):
    services.postmortem_submit(postmortem=_pm(request, postmortem_id), user=request.user)
    return _pm(request, postmortem_id)


@router.post("/postmortems/{postmortem_id}/draft", response=PostmortemOut)
def back_to_draft(request, postmortem_id: str):
    services.postmortem_back_to_draft(postmortem=_pm(request, postmortem_id), user=request.user)
    return _pm(request, postmortem_id)


@router.post("/postmortems/{postmortem_id}/publish", response=PostmortemOut)
def publish_postmortem(request, postmortem_id: str, payload: PublishIn):
    services.postmortem_publish(postmortem=_pm(request, postmortem_id), user=request.user,
                                override_reason=payload.override_reason)
    return _pm(request, postmortem_id)


@router.post("/postmortems/{postmortem_id}/comments", response={201: CommentOut})
def add_comment(request, postmortem_id: str, payload: CommentIn):
    comment = services.postmortem_comment(postmortem=_pm(request, postmortem_id),
                                          user=request.user, body=payload.body)
    return Status(201, comment)


@router.post("/postmortems/{postmortem_id}/share", response=ShareOut)
def share_postmortem(request, postmortem_id: str):
    token = services.postmortem_share(postmortem=_pm(request, postmortem_id), user=request.user)
    return {"token": token, "url": request.build_absolute_uri(f"/postmortems/shared/{token}/")}


@router.delete("/postmortems/{postmortem_id}/share", response={204: None})
def unshare_postmortem(request, postmortem_id: str):
    services.postmortem_unshare(postmortem=_pm(request, postmortem_id), user=request.user)
    return Status(204, None)


@router.get("/postmortems/{postmortem_id}/export")
def export_postmortem(request, postmortem_id: str, format: str = "md", version: str = ""):
    pm = _pm(request, postmortem_id)
    if pm.status != PostmortemStatus.PUBLISHED:
        raise Http404("Only published post-mortems are exported.")
    client_safe = version == "client"
    if format == "md":
        return HttpResponse(postmortem_markdown(pm, client_safe=client_safe),
                            content_type="text/markdown; charset=utf-8")
    if format == "pdf":
        return HttpResponse(postmortem_pdf(pm, client_safe=client_safe),
                            content_type="application/pdf")
    from django.core.exceptions import ValidationError

    raise ValidationError({"format": "Choose md or pdf."})
