from django.urls import path

from . import views

urlpatterns = [
    path("", views.template_list, name="template_list"),
    path("<slug:key>/", views.template_edit, name="template_edit"),
    path("<slug:key>/check/", views.template_check, name="template_check"),
    path("<slug:key>/reset/", views.template_reset, name="template_reset"),
]
