from django.urls import path

from . import views

urlpatterns = [
    path("", views.mailbox_list, name="mailbox_list"),
    path("new/", views.mailbox_create, name="mailbox_create"),
    path("<uuid:mailbox_id>/edit/", views.mailbox_edit, name="mailbox_edit"),
    path("<uuid:mailbox_id>/test/", views.mailbox_test, name="mailbox_test"),
    path("<uuid:mailbox_id>/poll/", views.mailbox_poll, name="mailbox_poll"),
    path("<uuid:mailbox_id>/delete/", views.mailbox_delete, name="mailbox_delete"),
]
