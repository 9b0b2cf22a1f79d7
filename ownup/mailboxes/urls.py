from django.urls import path

from . import views

urlpatterns = [
    path("", views.mailbox_list, name="mailbox_list"),
    path("new/", views.mailbox_create, name="mailbox_create"),
    path("connect/<str:provider>/", views.mailbox_connect, name="mailbox_connect"),
    path("oauth/callback/", views.mailbox_oauth_callback, name="mailbox_oauth_callback"),
    path("<uuid:mailbox_id>/reconnect/", views.mailbox_reconnect, name="mailbox_reconnect"),
    path("<uuid:mailbox_id>/disconnect/", views.mailbox_disconnect,
         name="mailbox_disconnect"),
    path("<uuid:mailbox_id>/edit/", views.mailbox_edit, name="mailbox_edit"),
    path("<uuid:mailbox_id>/test/", views.mailbox_test, name="mailbox_test"),
    path("<uuid:mailbox_id>/poll/", views.mailbox_poll, name="mailbox_poll"),
    path("<uuid:mailbox_id>/delete/", views.mailbox_delete, name="mailbox_delete"),
]
