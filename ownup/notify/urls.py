from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("bell/", views.bell, name="notification_bell"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("<uuid:notification_id>/read/", views.notification_read, name="notification_read"),
    path("settings/", views.notification_settings, name="notification_settings"),
    path("channels/", views.channel_create, name="notification_channel_create"),
    path("channels/<uuid:channel_id>/delete/", views.channel_delete,
         name="notification_channel_delete"),
    path("channels/<uuid:channel_id>/test/", views.channel_test,
         name="notification_channel_test"),
    path("rules/", views.rules_page, name="notification_rules"),
    path("dead/", views.dead_letters, name="dead_letters"),
    path("dead/<str:kind>/<uuid:item_id>/retry/", views.dead_retry, name="dead_retry"),
]
