import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required, workspace_required
from ownup.accounts.selectors import get_in_workspace
from ownup.errors import Conflict
from ownup.ui.forms import apply_errors

from . import selectors, services
from .forms import ClientForm, ContactForm
from .models import Client, ClientStatus, Contact


@workspace_required
def client_list(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    archived = request.GET.get("archived") == "1"
    qs = selectors.client_list(workspace=request.workspace, q=q, status=status, archived=archived)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    ctx = {"page": page, "q": q, "status": status, "archived": archived,
           "statuses": ClientStatus.choices}
    template = "clients/_rows.html" if request.headers.get("HX-Request") else "clients/list.html"
    return render(request, template, ctx)


def _team_kwargs(data) -> dict:
    return {"owner": data["owner"], "director": data["director"], "members": data["members"]}


@manager_required
def client_create(request):
    form = ClientForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client = services.client_create(
                workspace=request.workspace,
                name=data["name"], status=data["status"], client_since=data["client_since"],
                email_domains=data["email_domains"], notes=data["notes"], **_team_kwargs(data),
            )
        except Conflict as exc:
            form.add_error("name", str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{client.name} is added.")
            return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": None},
                  status=422 if form.errors else 200)


@manager_required
def client_edit(request, client_id):
    client = get_in_workspace(selectors.client_detail_qs(request.workspace), request.workspace,
                              pk=client_id)
    team = selectors.team_of(client)
    initial = {
        "name": client.name, "status": client.status, "client_since": client.client_since,
        "email_domains": ", ".join(client.email_domains), "notes": client.notes,
        "owner": team["owner"], "director": team["director"], "members": team["members"],
    }
    form = ClientForm(request.POST or None, initial=initial, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.client_update(client=client, **{k: data[k] for k in services.CLIENT_FIELDS})
            services.team_set(client=client, **_team_kwargs(data))
        except Conflict as exc:
            form.add_error("name", str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client},
                  status=422 if form.errors else 200)


@workspace_required
def client_validate_name(request):
    """htmx: says while typing whether the name is free (archived clients count)."""
    name = request.GET.get("name", "").strip()
    taken = False
    if name:
        clash = Client.objects.filter(workspace=request.workspace, name__iexact=name)
        exclude = request.GET.get("exclude", "")
        if exclude:
            clash = clash.exclude(pk=exclude) if _is_uuid(exclude) else clash
        taken = clash.exists()
    return render(request, "clients/_name_check.html", {"taken": taken, "name": name})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@workspace_required
def client_detail(request, client_id):
    client = get_in_workspace(selectors.client_detail_qs(request.workspace), request.workspace,
                              pk=client_id)
    return render(request, "clients/detail.html", {
        "client": client, "team": selectors.team_of(client), "contact_form": ContactForm(),
        "panels": client_panels(request, client),
    })


def client_panels(request, client) -> list:
    """Sections other apps add to the client page: (title, template, context)."""
    from ownup.ui.panels import panels_for

    return panels_for("client", request=request, obj=client)


@require_POST
@manager_required
def client_archive(request, client_id):
    client = get_in_workspace(selectors.client_detail_qs(request.workspace), request.workspace,
                              pk=client_id)
    services.client_archive(client=client)
    messages.success(request, f"{client.name} is archived.")
    return redirect("client_list")


def _contact_saved(form: ContactForm, save) -> bool:
    """Validate ``form`` and save it through ``save(cleaned_data)``; a taken email or the
    service's own refusal becomes an error on the form (its fields kept)."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except Conflict as exc:
        form.add_error("email", str(exc))
    except ValidationError as exc:
        apply_errors(form, exc)
    else:
        return True
    return False


@require_POST
@workspace_required
def contact_add(request, client_id):
    client = get_in_workspace(selectors.client_detail_qs(request.workspace), request.workspace,
                              pk=client_id)
    form = ContactForm(request.POST)
    if _contact_saved(form, lambda data: services.contact_create(client=client, **data)):
        messages.success(request, f"{form.cleaned_data['name']} is added.")
        return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/detail.html", {
        "client": client, "team": selectors.team_of(client), "contact_form": form,
        "panels": client_panels(request, client),
    }, status=422)


@workspace_required
def contact_edit(request, client_id, contact_id):
    """Edit a contact: the form again with every field kept on a mistake."""
    contact = get_in_workspace(Contact.objects.filter(client_id=client_id,
                                                      archived_at__isnull=True),
                               request.workspace, pk=contact_id)
    fields = ("name", "email", "phone", "role", "preferred_channel")
    if request.method != "POST":
        form = ContactForm(initial={f: getattr(contact, f) for f in fields})
        return render(request, "clients/contact_form.html", {"contact": contact, "form": form})
    form = ContactForm(request.POST)
    if _contact_saved(form, lambda data: services.contact_update(contact=contact, **data)):
        messages.success(request, f"{form.cleaned_data['name']} is saved.")
        return redirect("client_detail", client_id=contact.client_id)
    return render(request, "clients/contact_form.html", {"contact": contact, "form": form},
                  status=422)


@require_POST
@workspace_required
def contact_archive(request, client_id, contact_id):
    contact = get_in_workspace(Contact.objects.filter(client_id=client_id), request.workspace,
                               pk=contact_id)
    services.contact_archive(contact=contact)
    messages.success(request, f"{contact.name} is removed.")
    return redirect("client_detail", client_id=contact.client_id)
