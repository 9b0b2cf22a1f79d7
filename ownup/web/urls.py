from django.urls import path

from . import tone_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("tone/", tone_views.tone_page, name="tone"),
    path("tone/live/", tone_views.tone_live, name="tone_live"),
    path("<slug:name>/", views.section, name="section"),
]
