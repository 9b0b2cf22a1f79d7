"""The workspace's people over the JSON API: the directory of public ids by which every other
operation names a person (``team``, ``affected``, ``owner_id``, ``member`` …)."""

from __future__ import annotations

from uuid import UUID

from ninja import Router, Schema

from .people import members_with_ids

router = Router(tags=["members"])


class MemberOut(Schema):
    id: UUID
    email: str
    name: str
    role: str


@router.get("/members", response=list[MemberOut])
def member_list(request):
    """Everyone in this workspace, with the public id (``id``) by which the API names them."""
    users = members_with_ids(request.workspace).order_by("first_name", "email")
    roles = dict(request.workspace.memberships.values_list("user_id", "role"))
    return [{"id": u.person.uid, "email": u.email, "name": u.get_full_name() or u.email,
             "role": roles[u.pk]} for u in users]
