from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ownup.accounts.api_auth import MANAGERS
from ownup.accounts.selectors import get_in_workspace
from ownup.pagination import Page

from . import selectors, services
from .models import Channel, ClientStatus, Contact

router = Router(tags=["clients"])


class ContactOut(Schema):
    id: UUID
    name: str
    email: str
    phone: str
    role: str
    preferred_channel: str
    archived_at: datetime | None


class TeamOut(Schema):
    owner: str | None = None
    director: str | None = None
    members: list[str] = []


class ClientOut(Schema):
    id: UUID
    name: str
    status: str
    client_since: date | None
    email_domains: list[str]
    notes: str
    archived_at: datetime | None
    created_at: datetime
    team: TeamOut

    @staticmethod
    def resolve_team(obj) -> dict:
        team = selectors.team_of(obj)
        return {
            "owner": team["owner"].email if team["owner"] else None,
            "director": team["director"].email if team["director"] else None,
            "members": [u.email for u in team["members"]],
        }


class ClientDetailOut(ClientOut):
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(obj):
        return list(obj.contacts.all())


class ClientIn(Schema):
    name: str = Field(..., min_length=1, max_length=160)
    status: ClientStatus = ClientStatus.ACTIVE
    client_since: date | None = None
    email_domains: list[str] = []
    notes: str = ""


class ClientPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=160)
    status: ClientStatus | None = None
    client_since: date | None = None
    email_domains: list[str] | None = None
    notes: str | None = None


class TeamIn(Schema):
    owner: str | None = Field(None, description="Email of a workspace member")
    director: str | None = None
    members: list[str] = []


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=160)
    email: str = ""
    phone: str = ""
    role: str = ""
    preferred_channel: Channel = Channel.EMAIL


class ContactPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=160)
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    preferred_channel: Channel | None = None


def _client(request, client_id: str):
    return get_in_workspace(
        selectors.client_detail_qs(request.workspace), request.workspace, pk=client_id
    )


@router.get("/clients", response=list[ClientOut])
@paginate(Page)
def list_clients(request, q: str = "", status: str = "", archived: bool = False):
    return selectors.client_list(workspace=request.workspace, q=q, status=status, archived=archived)


@router.post("/clients", response={201: ClientDetailOut}, auth=MANAGERS)
def create_client(request, payload: ClientIn):
    client = services.client_create(workspace=request.workspace, **payload.dict())
    return Status(201, _client(request, client.pk))


@router.get("/clients/{client_id}", response=ClientDetailOut)
def get_client(request, client_id: str):
    return _client(request, client_id)


@router.patch("/clients/{client_id}", response=ClientDetailOut, auth=MANAGERS)
def update_client(request, client_id: str, payload: ClientPatch):
    client = _client(request, client_id)
    services.client_update(client=client, **payload.dict(exclude_unset=True))
    return _client(request, client_id)


@router.post("/clients/{client_id}/archive", response=ClientDetailOut, auth=MANAGERS)
def archive_client(request, client_id: str):
    services.client_archive(client=_client(request, client_id))
    return _client(request, client_id)


@router.get("/clients/{client_id}/team", response=TeamOut)
def get_team(request, client_id: str):
    return ClientOut.resolve_team(_client(request, client_id))


@router.put("/clients/{client_id}/team", response=TeamOut, auth=MANAGERS)
def set_team(request, client_id: str, payload: TeamIn):
    client = _client(request, client_id)
    services.team_set(client=client, **payload.dict())
    return ClientOut.resolve_team(_client(request, client_id))


@router.get("/clients/{client_id}/contacts", response=list[ContactOut])
@paginate(Page)
def list_contacts(request, client_id: str, archived: bool = False):
    client = _client(request, client_id)
    return client.contacts.model.objects.filter(client=client, archived_at__isnull=not archived)


@router.post("/clients/{client_id}/contacts", response={201: ContactOut})
def create_contact(request, client_id: str, payload: ContactIn):
    contact = services.contact_create(client=_client(request, client_id), **payload.dict())
    return Status(201, contact)


def _contact(request, contact_id: str) -> Contact:
    return get_in_workspace(Contact.objects.select_related("client"), request.workspace,
                            pk=contact_id)


@router.get("/contacts/{contact_id}", response=ContactOut)
def get_contact(request, contact_id: str):
    return _contact(request, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut)
def update_contact(request, contact_id: str, payload: ContactPatch):
    return services.contact_update(
        contact=_contact(request, contact_id), **payload.dict(exclude_unset=True)
    )


@router.post("/contacts/{contact_id}/archive", response=ContactOut)
def archive_contact(request, contact_id: str):
    return services.contact_archive(contact=_contact(request, contact_id))


