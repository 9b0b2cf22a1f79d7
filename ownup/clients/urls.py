from django.urls import path

from . import views

urlpatterns = [
    path("", views.client_list, name="client_list"),
    path("new/", views.client_create, name="client_create"),
    path("validate-name/", views.client_validate_name, name="client_validate_name"),
    path("<uuid:client_id>/", views.client_detail, name="client_detail"),
    path("<uuid:client_id>/edit/", views.client_edit, name="client_edit"),
    path("<uuid:client_id>/archive/", views.client_archive, name="client_archive"),
    path("<uuid:client_id>/contacts/", views.contact_add, name="contact_add"),
    path("<uuid:client_id>/contacts/<uuid:contact_id>/", views.contact_edit,
         name="contact_edit"),
    path(
        "<uuid:client_id>/contacts/<uuid:contact_id>/archive/",
        views.contact_archive,
        name="contact_archive",
    ),
]
