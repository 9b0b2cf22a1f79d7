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
    path("", include("ownup.policies.urls")),
    path("", include("ownup.web.urls")),
]
