from django.core.paginator import Paginator
from django.shortcuts import render

from ownup.accounts.decorators import director_required

from .selectors import audit_events


@director_required
def audit_list(request):
    action = request.GET.get("action", "").strip()
    page = Paginator(audit_events(workspace=request.workspace, action=action), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "audit/list.html", {"page": page, "action": action})
