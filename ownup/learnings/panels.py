"""Learnings surfacing on other pages through ``ownup.ui.panels``.

- incident: the most similar past incidents (any client) and their learnings;
- thread: only when the thread is urgent or an emergency;
- client: before planned work — learnings tagged with this client plus similar ones;
- workitem: learnings similar to the piece of work (title/description).

Each show counts once per (learning, object) — see ``learnings_record_shown``.
"""

from __future__ import annotations

from .selectors import learnings_similar
from .services import learnings_record_shown

LIMIT = 3


def _panel(request, obj, text: str, *, kind: str, title: str, client=None, exclude=None,
           order: int = 45) -> dict | None:
    workspace = getattr(request, "workspace", None)
    if workspace is None or obj is None or not text.strip():
        return None
    found = learnings_similar(workspace=workspace, text=text, client=client, limit=LIMIT,
                              exclude_postmortem=exclude)
    if not found:
        return None
    learnings_record_shown(learnings=found, object_key=f"{kind}:{obj.pk}")
    groups: dict = {}
    for learning in found:
        incident = learning.postmortem.incident if learning.postmortem_id else None
        key = incident.pk if incident else None
        groups.setdefault(key, {"incident": incident, "postmortem": learning.postmortem,
                                "learnings": []})["learnings"].append(learning)
    return {"template": "learnings/_panel.html", "order": order, "title": title,
            "groups": list(groups.values())}


def incident_panel(request, incident) -> dict | None:
    if incident is None:
        return None
    text = " ".join(x for x in (incident.title, incident.what_happened,
                                incident.why_it_happened, incident.impact_text) if x)
    exclude = getattr(incident, "postmortem", None)
    return _panel(request, incident, text, kind="incident", client=incident.client,
                  title="Learnings from similar past incidents", exclude=exclude)


def thread_panel(request, thread) -> dict | None:
    if thread is None or getattr(thread, "message_class", "") not in ("urgent", "emergency"):
        return None
    text = thread.subject or ""
    body = (thread.messages.filter(direction="inbound").order_by("-sent_at")
            .values_list("body_text", flat=True).first() or "")
    text = f"{text} {body[:2000]}"
    return _panel(request, thread, text, kind="thread", client=thread.client,
                  title="Before you reply: learnings from similar incidents")


def client_panel(request, client) -> dict | None:
    """Before a planned piece of work: the client's own learnings come first. The text is the
    client's upcoming work when the goals app offers it, else the client's notes and name."""
    if client is None:
        return None
    parts = [client.name, getattr(client, "notes", "") or ""]
    upcoming = getattr(client, "upcoming_work_text", None)
    if callable(upcoming):
        parts.append(upcoming() or "")
    from .models import Learning

    tagged = list(Learning.objects.filter(workspace=client.workspace, published=True,
                                          client=client).order_by("-applied_count", "-id")
                  .values_list("statement", flat=True)[:5])
    parts += tagged
    return _panel(request, client, " ".join(parts), kind="client", client=client,
                  title="Before the next piece of work: learnings", order=60)


def workitem_panel(request, item) -> dict | None:
    if item is None:
        return None
    text = " ".join(str(getattr(item, f, "") or "") for f in
                    ("title", "name", "description", "notes", "service_line"))
    return _panel(request, item, text, kind="workitem", client=getattr(item, "client", None),
                  title="Learnings for this piece of work")
