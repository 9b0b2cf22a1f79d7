from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("ownup.accounts.urls")),
    path("clients/", include("ownup.clients.urls")),
    path("templates/", include("ownup.drafts.urls")),
    path("inbox/", include("ownup.inbox.urls")),
    path("incidents/", include("ownup.incidents.urls")),
    path("notifications/", include("ownup.notify.urls")),
    path("settings/mailboxes/", include("ownup.mailboxes.urls")),
    path("settings/audit/", include("ownup.audit.urls")),
    path("postmortems/", include("ownup.postmortems.urls")),
    path("learnings/", include("ownup.learnings.urls")),
    path("reports/", include("ownup.reports.urls")),
    path("", include("ownup.goals.urls")),  # client-scoped: clients/<id>/goals/ …
    path("", include("ownup.policies.urls")),
    path("", include("ownup.web.urls")),
]
